package synth

import "strconv"

// PortalCSVHeader is the 55-column header of the Entra portal's
// non-interactive sign-ins CSV, with its quirks: the trailing spaces of
// "Application ID " and "Resource ID ", the double space of "Autonomous
// system  number", and "Incoming token type" twice.
var PortalCSVHeader = []string{"Date (UTC)", "Request ID", "User agent", "Correlation ID", "User ID", "User",
	"Username", "User type", "Cross tenant access type", "Incoming token type",
	"Authentication Protocol", "Unique token identifier", "Original transfer method",
	"Client credential type", "Token Protection - Sign In Session",
	"Token Protection - Sign In Session StatusCode", "Application", "Application ID ",
	"Resource", "Resource ID ", "Resource tenant ID", "Home tenant ID",
	"Home tenant name", "IP address", "Location", "Status", "Sign-in error code",
	"Failure reason", "Client app", "Device ID", "Browser", "Operating System",
	"Compliant", "Managed", "Join Type", "Multifactor authentication result",
	"Multifactor authentication auth method", "Multifactor authentication auth detail",
	"Authentication requirement", "Sign-in identifier", "Session ID",
	"IP address (seen by resource)", "Through Global Secure Access",
	"Global Secure Access IP address", "Autonomous system  number", "Flagged for review",
	"Token issuer type", "Incoming token type", "Token issuer name", "Latency",
	"Conditional Access", "Managed Identity type", "Associated Resource Id",
	"Federated Token Id", "Federated Token Issuer"}

// portalCSVPreamble is what a portal CSV starts with: a UTF-8 byte order
// mark and the header with every name quoted, ended by CRLF.
func portalCSVPreamble() []byte {
	var b []byte
	b = append(b, "\ufeff"...)
	for i, h := range PortalCSVHeader {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, h...)
		b = append(b, '"')
	}
	return append(b, '\r', '\n')
}

// csvRow appends one CSV row with RFC 4180 minimal quoting, as Python's csv
// module writes it, ended by CRLF.
type csvRow struct {
	buf []byte
	n   int // Cells so far.
}

func (r *csvRow) cell(s string) {
	if r.n > 0 {
		r.buf = append(r.buf, ',')
	}
	r.n++
	if !needsQuotes(s) {
		r.buf = append(r.buf, s...)
		return
	}
	r.buf = append(r.buf, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			r.buf = append(r.buf, '"')
		}
		r.buf = append(r.buf, s[i])
	}
	r.buf = append(r.buf, '"')
}

func needsQuotes(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}

func (r *csvRow) int(v int) {
	if r.n > 0 {
		r.buf = append(r.buf, ',')
	}
	r.n++
	r.buf = strconv.AppendInt(r.buf, int64(v), 10)
}

// csvBool is how the portal writes a known boolean; unknown is empty.
func csvBool(v Tri) string {
	switch v {
	case True:
		return "True"
	case False:
		return "False"
	}
	return ""
}

// portalRow appends s as a row of the portal CSV, in PortalCSVHeader's
// column order, with the portal's spellings ("Not Applied", "Primary Refresh
// Token", "Single-factor authentication").
func portalRow(buf []byte, s *SignIn) []byte {
	r := csvRow{buf: buf}
	incoming := "None"
	if s.IncomingToken == "primaryRefreshToken" {
		incoming = "Primary Refresh Token"
	}
	status := "Failure"
	switch {
	case s.Code == 0:
		status = "Success"
	case s.Interactive && (s.Code == 50076 || s.Code == 50079 || s.Code == 50140):
		status = "Interrupted"
	}
	reason := ""
	if s.Code != 0 {
		reason = s.Reason
	}
	userType := "Member"
	if s.User.Guest {
		userType = "Guest"
	}
	mfaResult, mfaMethod := "", ""
	if s.Details == mfaSatisfied {
		mfaResult, mfaMethod = mfaSatisfied, mfaPreviouslyKnown
	}
	authReq := "Single-factor authentication"
	if s.AuthRequirement == "multiFactorAuthentication" {
		authReq = "Multifactor authentication"
	}
	ca := "Not Applied"
	switch s.CAStatus {
	case "success":
		ca = "Success"
	case "failure":
		ca = "Failure"
	}
	signInID := ""
	if s.Interactive {
		signInID = s.User.UPN
	}

	r.buf = appendTime(r.buf, s.Created)
	r.n = 1
	r.cell(s.ID)
	r.cell(s.UserAgent)
	r.cell(s.CorrelationID)
	r.cell(s.User.ID)
	r.cell(s.User.Name)
	r.cell(s.User.UPN)
	r.cell(userType)
	r.cell("None")
	r.cell(incoming)
	r.cell("None")
	r.cell(s.UniqueTokenID)
	r.cell("None")
	r.cell("None")
	r.cell("None")
	r.cell("")
	r.cell(s.App.Name)
	r.cell(s.App.ID)
	r.cell(s.App.ResourceName)
	r.cell(s.App.ResourceID)
	r.cell(TenantID)
	r.cell(TenantID)
	r.cell("")
	r.cell(s.IP)
	r.cell(s.City.Name + ", " + s.City.State + ", " + s.City.Country)
	r.cell(status)
	r.int(s.Code)
	r.cell(reason)
	r.cell(s.ClientApp)
	r.cell(s.Device.ID)
	r.cell(s.Device.Browser)
	r.cell(s.Device.OS)
	r.cell(csvBool(s.Device.Compliant))
	r.cell(csvBool(s.Device.Managed))
	r.cell(s.Device.TrustType)
	r.cell(mfaResult)
	r.cell(mfaMethod)
	r.cell("")
	r.cell(authReq)
	r.cell(signInID)
	r.cell(s.CorrelationID)
	r.cell("")
	r.cell("No")
	r.cell("")
	r.int(s.ASN)
	r.cell("No")
	r.cell("AzureAD")
	r.cell(incoming)
	r.cell("")
	r.int(s.ProcessingMS)
	r.cell(ca)
	r.cell("")
	r.cell("")
	r.cell("")
	r.cell("")
	return append(r.buf, '\r', '\n')
}
