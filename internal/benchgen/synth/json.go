package synth

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// jsonWriter appends JSON to a byte slice, compact or indented by two
// spaces as Python's json.dumps(indent=2) writes it (": " after keys, no
// space after commas, [] and {} for empty containers, non-ASCII written as
// is). Keys are written as given: callers pass only plain ASCII keys.
type jsonWriter struct {
	buf    []byte
	pretty bool
	// base is the number of indent levels every line starts with: 1 for
	// a record inside the portal download's top-level array.
	base  int
	depth int
	// filled[d] says whether the container at depth d has a member yet.
	filled [16]bool
}

// sep starts a member of the current container.
func (w *jsonWriter) sep() {
	if w.depth == 0 {
		return
	}
	if w.filled[w.depth] {
		w.buf = append(w.buf, ',')
	}
	w.filled[w.depth] = true
	if w.pretty {
		w.newline()
	}
}

func (w *jsonWriter) newline() {
	w.buf = append(w.buf, '\n')
	for i := 0; i < w.base+w.depth; i++ {
		w.buf = append(w.buf, ' ', ' ')
	}
}

func (w *jsonWriter) open(c byte) {
	w.buf = append(w.buf, c)
	w.depth++
	w.filled[w.depth] = false
}

func (w *jsonWriter) close(c byte) {
	filled := w.filled[w.depth]
	w.depth--
	if filled && w.pretty {
		w.newline()
	}
	w.buf = append(w.buf, c)
}

func (w *jsonWriter) key(k string) {
	w.sep()
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, k...)
	w.buf = append(w.buf, '"', ':')
	if w.pretty {
		w.buf = append(w.buf, ' ')
	}
}

func (w *jsonWriter) str(k, v string) {
	w.key(k)
	w.buf = appendJSONString(w.buf, v)
}

// strOrNull writes "" as null.
func (w *jsonWriter) strOrNull(k, v string) {
	w.key(k)
	if v == "" {
		w.buf = append(w.buf, "null"...)
		return
	}
	w.buf = appendJSONString(w.buf, v)
}

func (w *jsonWriter) int(k string, v int) {
	w.key(k)
	w.buf = strconv.AppendInt(w.buf, int64(v), 10)
}

func (w *jsonWriter) bool(k string, v bool) {
	w.key(k)
	w.buf = strconv.AppendBool(w.buf, v)
}

func (w *jsonWriter) tri(k string, v Tri) {
	w.key(k)
	switch v {
	case True:
		w.buf = append(w.buf, "true"...)
	case False:
		w.buf = append(w.buf, "false"...)
	default:
		w.buf = append(w.buf, "null"...)
	}
}

func (w *jsonWriter) float(k string, v float64) {
	w.key(k)
	w.buf = strconv.AppendFloat(w.buf, v, 'f', -1, 64)
}

func (w *jsonWriter) null(k string) {
	w.key(k)
	w.buf = append(w.buf, "null"...)
}

// strings writes a list of strings.
func (w *jsonWriter) strings(k string, list []string) {
	w.key(k)
	w.open('[')
	for _, s := range list {
		w.sep()
		w.buf = appendJSONString(w.buf, s)
	}
	w.close(']')
}

// appendJSONString appends s as a JSON string, escaping only what JSON
// requires (quotes, backslashes, control characters); invalid UTF-8 becomes
// U+FFFD.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				buf = append(buf, s[start:i]...)
				buf = append(buf, "\ufffd"...)
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		buf = append(buf, s[start:i]...)
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// appendTime appends t as Graph writes createdDateTime:
// 2025-11-17T08:30:00Z.
func appendTime(buf []byte, unix int64) []byte {
	return time.Unix(unix, 0).UTC().AppendFormat(buf, "2006-01-02T15:04:05Z")
}

// graphOptions say how a Graph sign-in object is written.
type graphOptions struct {
	// diagnosticTime writes createdDateTime as diagnostic archives do,
	// with seven fractional digits and an offset.
	diagnosticTime bool
}

// graph writes s as a Microsoft Graph signIn object, with the keys, order
// and value spellings of the reference generator.
func (w *jsonWriter) graph(s *SignIn, o graphOptions) {
	w.open('{')
	w.str("id", s.ID)
	w.key("createdDateTime")
	w.buf = append(w.buf, '"')
	if o.diagnosticTime {
		w.buf = time.Unix(s.Created, 0).UTC().AppendFormat(w.buf, "2006-01-02T15:04:05.0000000-07:00")
	} else {
		w.buf = appendTime(w.buf, s.Created)
	}
	w.buf = append(w.buf, '"')
	w.str("userDisplayName", s.User.Name)
	w.str("userPrincipalName", s.User.UPN)
	w.str("userId", s.User.ID)
	w.str("appId", s.App.ID)
	w.str("appDisplayName", s.App.Name)
	w.str("ipAddress", s.IP)
	w.str("clientAppUsed", s.ClientApp)
	w.str("userAgent", s.UserAgent)
	w.str("correlationId", s.CorrelationID)
	w.str("conditionalAccessStatus", s.CAStatus)
	w.bool("isInteractive", s.Interactive)
	w.str("tokenIssuerType", "AzureAD")
	w.int("processingTimeInMilliseconds", s.ProcessingMS)
	w.str("riskDetail", "none")
	w.str("riskLevelAggregated", "none")
	w.str("riskState", "none")
	w.str("resourceDisplayName", s.App.ResourceName)
	w.str("resourceId", s.App.ResourceID)
	w.str("resourceTenantId", TenantID)
	w.str("authenticationRequirement", s.AuthRequirement)
	if s.Interactive {
		w.str("signInIdentifier", s.User.UPN)
		w.strings("signInEventTypes", []string{"interactiveUser"})
	} else {
		w.str("signInIdentifier", "")
		w.strings("signInEventTypes", []string{"nonInteractiveUser"})
	}
	if s.User.Guest {
		w.str("userType", "guest")
	} else {
		w.str("userType", "member")
	}
	w.int("autonomousSystemNumber", s.ASN)
	w.str("crossTenantAccessType", "none")
	w.str("uniqueTokenIdentifier", s.UniqueTokenID)
	w.str("incomingTokenType", s.IncomingToken)
	w.str("authenticationProtocol", "none")

	w.key("status")
	w.open('{')
	w.int("errorCode", s.Code)
	w.str("failureReason", s.Reason)
	w.strOrNull("additionalDetails", s.Details)
	w.close('}')

	d := &s.Device
	w.key("deviceDetail")
	w.open('{')
	w.str("deviceId", d.ID)
	w.str("displayName", d.Name)
	w.str("operatingSystem", d.OS)
	w.str("browser", d.Browser)
	w.tri("isCompliant", d.Compliant)
	w.tri("isManaged", d.Managed)
	w.str("trustType", d.TrustType)
	w.close('}')

	w.key("location")
	w.open('{')
	w.str("city", s.City.Name)
	w.str("state", s.City.State)
	w.str("countryOrRegion", s.City.Country)
	w.key("geoCoordinates")
	w.open('{')
	w.null("altitude")
	w.float("latitude", s.City.Latitude)
	w.float("longitude", s.City.Longitude)
	w.close('}')
	w.close('}')

	w.key("appliedConditionalAccessPolicies")
	w.open('[')
	for i := range s.Policies {
		p := &s.Policies[i]
		w.sep()
		w.open('{')
		w.str("id", p.Policy.ID)
		w.str("displayName", p.Policy.Name)
		if p.Active {
			w.strings("enforcedGrantControls", p.Policy.GrantControls)
			w.strings("enforcedSessionControls", p.Policy.SessionControls)
		} else {
			w.strings("enforcedGrantControls", nil)
			w.strings("enforcedSessionControls", nil)
		}
		w.str("result", p.Result)
		w.close('}')
	}
	w.close(']')

	w.key("networkLocationDetails")
	w.open('[')
	switch s.Network {
	case NetworkCorporate:
		w.sep()
		w.open('{')
		w.str("networkType", "trustedNamedLocation")
		w.strings("networkNames", []string{"Corporate egress"})
		w.close('}')
	case NetworkAllowedCountries:
		w.sep()
		w.open('{')
		w.str("networkType", "namedNetwork")
		w.strings("networkNames", []string{"Allowed countries"})
		w.close('}')
	}
	w.close(']')
	w.close('}')
}

// diagnosticCategory is the diagnostic-settings category of s.
func diagnosticCategory(s *SignIn) string {
	if s.Interactive {
		return "SignInLogs"
	}
	return "NonInteractiveUserSignInLogs"
}

// diagnostic writes s as an Azure Monitor diagnostic-settings record (one
// line of a storage blob): the envelope, and the Graph object under
// "properties". The ingestion time is a little after the sign-in, derived
// from the record so that no extra random number is drawn.
func (w *jsonWriter) diagnostic(s *SignIn) {
	w.open('{')
	w.key("time")
	ingested := time.Unix(s.Created+60+int64(s.ProcessingMS), int64(s.ProcessingMS)*1e6).UTC()
	w.buf = append(w.buf, '"')
	w.buf = ingested.AppendFormat(w.buf, "2006-01-02T15:04:05.0000000Z")
	w.buf = append(w.buf, '"')
	w.str("resourceId", "/tenants/"+TenantID+"/providers/Microsoft.aadiam")
	w.str("operationName", "Sign-in activity")
	w.str("operationVersion", "1.0")
	w.str("category", diagnosticCategory(s))
	w.str("tenantId", TenantID)
	w.key("resultType")
	w.buf = append(w.buf, '"')
	w.buf = strconv.AppendInt(w.buf, int64(s.Code), 10)
	w.buf = append(w.buf, '"')
	if s.Failed() {
		w.str("resultSignature", "None")
		w.str("resultDescription", s.Reason)
	} else {
		w.str("resultSignature", "SUCCESS")
	}
	w.int("durationMs", 0)
	w.str("callerIpAddress", s.IP)
	w.str("correlationId", s.CorrelationID)
	w.str("identity", s.User.Name)
	w.int("Level", 4)
	w.str("location", s.City.Country)
	w.key("properties")
	w.graph(s, graphOptions{diagnosticTime: true})
	w.close('}')
}
