package scenario

import (
	"fmt"
	"strconv"
	"time"
)

// portalHeader57 is the Entra portal's sign-in CSV header of 2026 (HDR56 in
// formats.md), quirks included: "Application ID " and "Resource ID " end
// with a space, "Autonomous system  number" has two, and "Incoming token
// type" appears twice.
var portalHeader57 = []string{
	"Date (UTC)", "Request ID", "User agent", "Correlation ID", "User ID", "User", "Username",
	"User type", "Cross tenant access type", "Incoming token type", "Authentication Protocol",
	"Unique token identifier", "Original transfer method", "Client credential type",
	"Token Protection - Sign In Session", "Token Protection - Sign In Session StatusCode",
	"Application", "Application ID ", "App owner tenant ID", "Resource", "Resource ID ",
	"Resource tenant ID", "Resource owner tenant ID", "Home tenant ID", "Home tenant name",
	"IP address", "Location", "Status", "Sign-in error code", "Failure reason", "Client app",
	"Device ID", "Browser", "Operating System", "Compliant", "Managed", "Join Type",
	"Multifactor authentication result", "Multifactor authentication auth method",
	"Multifactor authentication auth detail", "Authentication requirement", "Sign-in identifier",
	"Session ID", "IP address (seen by resource)", "Through Global Secure Access",
	"Global Secure Access IP address", "Autonomous system  number", "Flagged for review",
	"Token issuer type", "Incoming token type", "Token issuer name", "Latency", "Conditional Access",
	"Managed Identity type", "Associated Resource Id", "Federated Token Id", "Federated Token Issuer",
}

// portalHeader55 is the 2024 header (BP in formats.md): the same without
// the two owner tenant columns.
func portalHeader55() []string {
	var out []string
	for _, h := range portalHeader57 {
		if h != "App owner tenant ID" && h != "Resource owner tenant ID" {
			out = append(out, h)
		}
	}
	return out
}

// applicationHeader is the header of ApplicationSignIns_*.csv: service
// principal columns and no user columns.
var applicationHeader = []string{
	"Date (UTC)", "Request ID", "Correlation ID", "Service principal ID", "Service principal name",
	"Credential key ID", "Client credential type", "Application", "Application ID", "Resource",
	"Resource ID ", "Resource tenant ID", "Home tenant ID", "IP address", "Location", "Status",
	"Sign-in error code", "Failure reason", "Conditional Access", "Autonomous system  number", "Latency",
	"Federated credential ID", "Unique token identifier",
}

// msiHeader is the header of MSISignIns_*.csv (managed identities).
var msiHeader = []string{
	"Date (UTC)", "Request ID", "Correlation ID", "Service principal ID", "Service principal name",
	"Managed Identity type", "Associated Resource Id", "Federated Token Id", "Federated Token Issuer",
	"Application", "Application ID", "Resource", "Resource ID ", "Resource tenant ID", "Home tenant ID",
	"IP address", "Location", "Status", "Sign-in error code", "Failure reason", "Conditional Access",
	"Autonomous system  number", "Latency", "Unique token identifier",
}

// authDetailsHeader is the header of *_AuthDetails_*.csv: one row per
// authentication step, joined to the sign-in on Request ID.
var authDetailsHeader = []string{
	"Date (UTC)", "Request ID", "Username", "Authentication method", "Authentication method detail",
	"Succeeded", "Result detail", "Requirement",
}

// portalStyle says how one portal download spells its values.
type portalStyle struct {
	date      func(time.Time) string
	yes, no   string // Compliant and Managed.
	entraName bool   // "Microsoft Entra joined" rather than "Azure AD joined".
}

// The 2026 download writes Yes/No and Entra names; the 2024 one
// True/False and Azure AD names.
var (
	portal2026 = portalStyle{date: portalDate, yes: "Yes", no: "No", entraName: true}
	portal2024 = portalStyle{date: portalDate, yes: "True", no: "False"}
)

// portalDate is the portal's Date (UTC): ISO 8601, whole seconds.
func portalDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// germanDate is a spreadsheet's de-DE date: 20.11.2026 10:15:02.
func germanDate(t time.Time) string { return t.UTC().Format("02.01.2006 15:04:05") }

func (p portalStyle) boolean(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return p.yes
	}
	return p.no
}

// joinType returns how the portal spells a device's join type.
func (p portalStyle) joinType(graph string) string {
	if !p.entraName {
		return graph
	}
	return map[string]string{
		"Azure AD joined":        "Microsoft Entra joined",
		"Hybrid Azure AD joined": "Microsoft Entra hybrid joined",
		"Azure AD registered":    "Microsoft Entra registered",
	}[graph]
}

// portalLocation is the portal's "City, State, CC".
func portalLocation(e Egress) string {
	if e.City == "" && e.State == "" && e.Country == "" {
		return ""
	}
	return e.City + ", " + e.State + ", " + e.Country
}

func portalStatus(code int) string {
	if code == 0 {
		return "Success"
	}
	return "Failure"
}

func portalCAStatus(s string) string {
	return map[string]string{"success": "Success", "failure": "Failure", "notApplied": "Not Applied"}[s]
}

func portalAuthRequirement(s string) string {
	if s == "multiFactorAuthentication" {
		return "Multifactor authentication"
	}
	return "Single-factor authentication"
}

func portalCredentialType(s string) string {
	return map[string]string{"": "None", "clientSecret": "Client secret", "certificate": "Certificate",
		"managedIdentity": "Managed identity"}[s]
}

// portalCell returns the value of one portal CSV column for s.
func portalCell(col string, s *SignIn, p portalStyle) string {
	o := s.Outcome
	var user Person
	if s.User != nil {
		user = *s.User
	}
	var wl Workload
	if s.Workload != nil {
		wl = *s.Workload
	}
	switch col {
	case "Date (UTC)":
		return p.date(s.Time)
	case "Request ID":
		return s.RequestID
	case "User agent":
		return s.UserAgent
	case "Correlation ID":
		return s.CorrelationID()
	case "User ID":
		return user.ID
	case "User":
		return user.Name
	case "Username":
		return user.UPN
	case "User type":
		return "Member"
	case "Cross tenant access type", "Incoming token type", "Authentication Protocol",
		"Original transfer method", "Token Protection - Sign In Session":
		return "None"
	case "Unique token identifier":
		return s.UniqueTokenID()
	case "Client credential type":
		return portalCredentialType(wl.CredentialType)
	case "Token Protection - Sign In Session StatusCode", "Global Secure Access IP address",
		"Token issuer name", "Multifactor authentication auth detail", "Federated credential ID",
		"Federated Token Id", "Federated Token Issuer":
		return ""
	case "Application":
		return s.App.Name
	case "Application ID ", "Application ID":
		return s.App.ID
	case "App owner tenant ID":
		return appOwner(s)
	case "Resource":
		return s.Resource.Name
	case "Resource ID ":
		return s.Resource.ID
	case "Resource tenant ID", "Home tenant ID":
		return TenantID
	case "Resource owner tenant ID":
		return MicrosoftTenantID
	case "Home tenant name":
		return TenantName
	case "IP address":
		return s.From.IP
	case "Location":
		return portalLocation(s.From)
	case "Status":
		return portalStatus(o.Code)
	case "Sign-in error code":
		return strconv.Itoa(o.Code)
	case "Failure reason":
		return o.Reason
	case "Client app":
		return s.ClientApp
	case "Device ID":
		return s.Device.ID
	case "Browser":
		return s.Device.Browser
	case "Operating System":
		return s.Device.OS
	case "Compliant":
		return p.boolean(s.Device.Compliant)
	case "Managed":
		return p.boolean(s.Device.Managed)
	case "Join Type":
		return p.joinType(s.Device.TrustType)
	case "Multifactor authentication result":
		return o.Details
	case "Multifactor authentication auth method":
		return o.MFAMethod
	case "Authentication requirement":
		return portalAuthRequirement(o.AuthRequirement)
	case "Sign-in identifier":
		if s.Flow == Interactive {
			return user.UPN
		}
		return ""
	case "Session ID":
		return s.SessionID()
	case "IP address (seen by resource)":
		return s.SeenByResource
	case "Through Global Secure Access", "Flagged for review":
		return "No"
	case "Autonomous system  number":
		if s.From.ASN == 0 {
			return ""
		}
		return strconv.Itoa(s.From.ASN)
	case "Token issuer type":
		return "AzureAD"
	case "Latency":
		return strconv.Itoa(s.LatencyMS()) + "ms"
	case "Conditional Access":
		return portalCAStatus(o.CAStatus)
	case "Managed Identity type":
		return wl.MSIType
	case "Associated Resource Id":
		return wl.AssociatedResourceID
	case "Service principal ID":
		return wl.ObjectID
	case "Service principal name":
		return wl.Name
	case "Credential key ID":
		return wl.CredentialKeyID
	}
	panic(fmt.Sprintf("scenario: no value for portal CSV column %q", col))
}

// portalTable returns the portal CSV table of the sign-ins, newest first as
// the portal lists them.
func portalTable(header []string, signIns []*SignIn, p portalStyle) table {
	t := table{header: header}
	for _, s := range newestFirst(signIns) {
		row := make([]string, len(header))
		for i, col := range header {
			row[i] = portalCell(col, s, p)
		}
		t.add(row)
	}
	return t
}

// authDetailsTable returns the AuthDetails download of the sign-ins: one
// row per authentication step.
func authDetailsTable(signIns []*SignIn, p portalStyle) table {
	t := table{header: authDetailsHeader}
	for _, s := range newestFirst(signIns) {
		for _, st := range s.Outcome.AuthSteps {
			succeeded := "False"
			if st.Succeeded {
				succeeded = "True"
			}
			t.add([]string{p.date(st.Time), s.RequestID, s.User.UPN, st.Method, st.Detail,
				succeeded, st.Result, st.Requirement})
		}
	}
	return t
}

// newestFirst returns the sign-ins newest first.
func newestFirst(signIns []*SignIn) []*SignIn {
	out := make([]*SignIn, len(signIns))
	for i, s := range signIns {
		out[len(signIns)-1-i] = s
	}
	return out
}
