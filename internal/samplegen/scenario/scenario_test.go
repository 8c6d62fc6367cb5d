package scenario

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

func files(t *testing.T) (*Scenario, []File) {
	t.Helper()
	sc := New()
	fs, err := sc.Files()
	if err != nil {
		t.Fatal(err)
	}
	return sc, fs
}

func fileByPath(t *testing.T, fs []File, path string) File {
	t.Helper()
	for _, f := range fs {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("no sample file %s", path)
	return File{}
}

// TestPoliciesProduceDeclaredCauses keeps the story honest: the root cause
// each sign-in claims must be what the tenant's policies (or its preset
// non-Conditional Access failure) produce.
func TestPoliciesProduceDeclaredCauses(t *testing.T) {
	sc := New()
	seen := map[Cause]bool{}
	for _, s := range sc.SignIns {
		got, ok := CauseOfCode(s.Outcome.Code)
		if !ok {
			t.Errorf("%s: error code %d has no root cause", s.RequestID, s.Outcome.Code)
		}
		if got != s.Cause {
			t.Errorf("%s (%s): policies give code %d (%q), the scenario claims %q", s.RequestID, s.Story, s.Outcome.Code, got, s.Cause)
		}
		if s.Failed() && s.Outcome.Reason == "" {
			t.Errorf("%s: failure %d without a failure reason", s.RequestID, s.Outcome.Code)
		}
		seen[s.Cause] = true
	}
	for _, c := range causeOrder {
		if !seen[c] {
			t.Errorf("no sign-in shows root cause %q", c)
		}
	}
}

// TestConditionalAccessBlocksNameTheirPolicy checks that every Conditional
// Access failure has exactly the policy results a reader needs: an enforced
// policy that failed with the control matching the error code.
func TestConditionalAccessBlocksNameTheirPolicy(t *testing.T) {
	control := map[int]string{53003: "Block", 50076: "Mfa", 53000: "RequireCompliantDevice", 70044: "SignInFrequency"}
	for _, s := range New().SignIns {
		want, ok := control[s.Outcome.Code]
		if !ok {
			continue
		}
		if s.Outcome.CAStatus != "failure" {
			t.Errorf("%s: code %d with conditionalAccessStatus %q", s.RequestID, s.Outcome.Code, s.Outcome.CAStatus)
		}
		found := false
		for _, r := range s.Outcome.Policies {
			if r.Result == "failure" && (contains(r.Grant, want) || contains(r.Session, want)) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: code %d but no failed policy enforcing %s", s.RequestID, s.Outcome.Code, want)
		}
	}
}

// TestTraitsHold checks that each sign-in marked with a trait shows it.
func TestTraitsHold(t *testing.T) {
	sc := New()
	count := map[Trait]int{}
	for _, s := range sc.SignIns {
		for _, tr := range s.Traits {
			count[tr]++
			switch tr {
			case IPv6Caller:
				if !netip.MustParseAddr(s.From.IP).Is6() {
					t.Errorf("%s: %s but IP %s", s.RequestID, tr, s.From.IP)
				}
				for _, l := range sc.NamedLocations {
					if l.Trusted {
						for _, r := range l.Ranges {
							if isIPv6Range(r) {
								t.Errorf("trusted location %s has an IPv6 range %s", l.Name, r)
							}
						}
					}
				}
			case IPSeenByResourceDiffers:
				if s.SeenByResource == "" || s.SeenByResource == s.From.IP || !sc.trusted(s.From.IP) || sc.trusted(s.SeenByResource) {
					t.Errorf("%s: %s but IP %s, seen by resource %q", s.RequestID, tr, s.From.IP, s.SeenByResource)
				}
			case ReportOnlyWouldBlock:
				found := false
				for _, r := range s.Outcome.Policies {
					found = found || (r.Result == "reportOnlyFailure" && contains(r.Grant, "Block"))
				}
				if s.Failed() || !found {
					t.Errorf("%s: %s but failed=%t, report-only block=%t", s.RequestID, tr, s.Failed(), found)
				}
			case PolicyCoversOnlyARM:
				found := false
				for _, r := range s.Outcome.Policies {
					found = found || (r.Result == "notApplied" && r.Policy.OutsideTrusted &&
						len(r.Policy.Apps) == 1 && r.Policy.Apps[0] == AzureARMAppID && contains(r.NotSatisfied, "application"))
				}
				if s.Failed() || sc.trusted(s.From.IP) || s.Resource.ID != AzureDevOpsAppID || !found {
					t.Errorf("%s: %s does not hold", s.RequestID, tr)
				}
			}
		}
	}
	for _, tr := range traitOrder {
		if count[tr] == 0 {
			t.Errorf("no sign-in shows trait %s", tr)
		}
	}
}

// TestIncidentWindow checks that the --at/--window example of the README
// holds several failures, all Azure DevOps blocks of svc-build from outside
// the trusted locations, among other sign-ins.
func TestIncidentWindow(t *testing.T) {
	at := at(IncidentTime)
	var blocked, other int
	for _, s := range New().SignIns {
		d := s.Time.Sub(at)
		if d < -time.Hour || d > time.Hour {
			continue
		}
		if s.Cause == IPOutsideTrustedLocations && s.User.UPN == "svc-build@contoso.com" {
			blocked++
		} else {
			other++
		}
	}
	if blocked < 4 || other < 4 {
		t.Errorf("the hour around %s holds %d svc-build blocks and %d other sign-ins; want several of each", IncidentTime, blocked, other)
	}
}

// TestOnlyDocumentationData checks that the samples use documentation
// address ranges, documentation AS numbers and fictional contoso.com users.
func TestOnlyDocumentationData(t *testing.T) {
	sc := New()
	ranges := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32")}
	documentation := func(ip string) bool {
		a, err := netip.ParseAddr(ip)
		if err != nil {
			return false
		}
		for _, r := range ranges {
			if r.Contains(a) {
				return true
			}
		}
		return false
	}
	ids := map[string]bool{}
	for _, s := range sc.SignIns {
		if ids[s.RequestID] {
			t.Errorf("request ID %s used twice", s.RequestID)
		}
		ids[s.RequestID] = true
		for _, ip := range []string{s.From.IP, s.SeenByResource} {
			if ip != "" && !documentation(ip) {
				t.Errorf("%s: %s is not a documentation address", s.RequestID, ip)
			}
		}
		if s.From.IP == "" && s.Flow != ManagedIdentity {
			t.Errorf("%s: no IP", s.RequestID)
		}
		if s.From.ASN != 0 && (s.From.ASN < 64496 || s.From.ASN > 64511) {
			t.Errorf("%s: AS %d is not a documentation AS number", s.RequestID, s.From.ASN)
		}
		if s.User != nil && !strings.HasSuffix(s.User.UPN, "@contoso.com") {
			t.Errorf("%s: user %s is not at contoso.com", s.RequestID, s.User.UPN)
		}
		if (s.User == nil) == (s.Workload == nil) {
			t.Errorf("%s: a sign-in has a user or a workload", s.RequestID)
		}
	}
	for _, l := range sc.NamedLocations {
		for _, r := range l.Ranges {
			p := netip.MustParsePrefix(r)
			if !documentation(p.Addr().String()) {
				t.Errorf("named location %s: %s is not a documentation range", l.Name, r)
			}
		}
	}
}

// decodeText returns a file's text: gunzipped, UTF-16 decoded, BOM removed.
func decodeText(t *testing.T, data []byte) string {
	t.Helper()
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) {
		units := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			units = append(units, uint16(data[i])|uint16(data[i+1])<<8)
		}
		return string(utf16.Decode(units))
	}
	return strings.TrimPrefix(string(data), utf8BOM)
}

// TestFilesHoldWhatTheyClaim checks each export's list of sign-ins against
// its bytes: every listed request ID is in the file and no other is.
func TestFilesHoldWhatTheyClaim(t *testing.T) {
	sc, fs := files(t)
	for _, f := range Exports(fs) {
		text := decodeText(t, f.Data)
		listed := map[string]bool{}
		for _, s := range f.SignIns {
			listed[s.RequestID] = true
		}
		for _, s := range sc.SignIns {
			if in := strings.Contains(text, s.RequestID); in != listed[s.RequestID] {
				t.Errorf("%s: holds %s: %t, listed: %t", f.Path, s.RequestID, in, listed[s.RequestID])
			}
		}
	}
}

// TestCrossFormatSignInEverywhere checks that every export that holds
// non-interactive sign-ins holds the cross-format one, and that it is the
// failure the story is about.
func TestCrossFormatSignInEverywhere(t *testing.T) {
	sc, fs := files(t)
	var cross *SignIn
	for _, s := range sc.SignIns {
		if s.RequestID == CrossFormatRequestID {
			cross = s
		}
	}
	if cross == nil || cross.Flow != NonInteractive || cross.Cause != IPOutsideTrustedLocations ||
		cross.Resource.ID != AzureDevOpsAppID || cross.Outcome.Code != 53003 {
		t.Fatalf("the cross-format sign-in is not svc-build's 53003 on Azure DevOps: %+v", cross)
	}
	if sc.SignIn(CrossFormatRequestID) != cross || sc.ExpectedCauses()[CrossFormatRequestID] != IPOutsideTrustedLocations ||
		len(sc.ExpectedCauses()) != len(sc.SignIns) {
		t.Error("SignIn and ExpectedCauses disagree with the scenario")
	}
	formats := map[string]bool{}
	for _, f := range Exports(fs) {
		nonInteractive := false
		for _, s := range f.SignIns {
			nonInteractive = nonInteractive || s.Flow == NonInteractive
		}
		if nonInteractive && !f.Holds(CrossFormatRequestID) {
			t.Errorf("%s holds non-interactive sign-ins but not %s", f.Path, CrossFormatRequestID)
		}
		if f.Holds(CrossFormatRequestID) {
			formats[f.Format] = true
		}
	}
	for _, want := range []string{formatPortalCSV, formatPortalAuthCSV, formatGraphJSON, formatLogAnalyticsCSV,
		formatLogAnalyticsJSON, formatDiagnosticJSON} {
		if !formats[want] {
			t.Errorf("no %s file holds the cross-format sign-in", want)
		}
	}
}

// jsonValues decodes every JSON value in text (one, several back to back,
// or one per line).
func jsonValues(t *testing.T, name, text string) []any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(text))
	var out []any
	for {
		var v any
		err := dec.Decode(&v)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, v)
	}
}

func readCSV(t *testing.T, name, text string, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rows
}

// TestFormatQuirks checks that each file shows the quirks of its format
// that the samples exist to exercise.
func TestFormatQuirks(t *testing.T) {
	_, fs := files(t)
	const dates = "2026-11-16_2026-11-22"
	type check struct {
		path string
		test func(t *testing.T, raw []byte, text string)
	}
	has := func(subs ...string) func(*testing.T, []byte, string) {
		return func(t *testing.T, raw []byte, text string) {
			for _, s := range subs {
				if !strings.Contains(text, s) {
					t.Errorf("missing %q", s)
				}
			}
		}
	}
	portal57 := func(comma rune, header0 string) func(*testing.T, []byte, string) {
		return func(t *testing.T, raw []byte, text string) {
			rows := readCSV(t, "", text, comma)
			if len(rows[0]) != 57 || rows[0][0] != header0 {
				t.Errorf("header has %d columns starting %q", len(rows[0]), rows[0][0])
			}
			n := 0
			for _, h := range rows[0] {
				if h == "Incoming token type" {
					n++
				}
			}
			if n != 2 {
				t.Errorf("Incoming token type appears %d times", n)
			}
			for _, want := range []string{"Application ID ", "Resource ID ", "Autonomous system  number"} {
				if !contains(rows[0], want) {
					t.Errorf("header lacks %q", want)
				}
			}
		}
	}
	checks := []check{
		{"portal-csv/NonInteractiveSignIns_" + dates + ".csv", func(t *testing.T, raw []byte, text string) {
			if !bytes.HasPrefix(raw, []byte(utf8BOM+`"Date (UTC)","Request ID"`)) || !strings.Contains(text, "\r\n") {
				t.Error("want a BOM, a fully quoted header and CRLF")
			}
			portal57(',', "Date (UTC)")(t, raw, text)
			has(`"Yes"`, `"No"`, `"Not Applied"`, `"Failure"`, `"Amsterdam, Noord-Holland, NL"`, `"198.51.100.23"`, `"Microsoft Entra joined"`)(t, raw, text)
		}},
		{"portal-csv-55/NonInteractiveSignIns_2026-11-20_2026-11-21.csv", func(t *testing.T, raw []byte, text string) {
			rows := readCSV(t, "", text, ',')
			if len(rows[0]) != 55 || contains(rows[0], "App owner tenant ID") || bytes.HasPrefix(raw, []byte(utf8BOM)) || strings.Contains(text, "\r") {
				t.Errorf("want 55 columns without owner tenants, no BOM, LF: %d columns", len(rows[0]))
			}
			has(",True,", ",False,", "Azure AD joined")(t, raw, text)
		}},
		{"portal-csv/ApplicationSignIns_" + dates + ".csv", func(t *testing.T, raw []byte, text string) {
			rows := readCSV(t, "", text, ',')
			for _, want := range []string{"Service principal ID", "Service principal name", "Credential key ID", "Application ID", "Resource ID "} {
				if !contains(rows[0], want) {
					t.Errorf("header lacks %q", want)
				}
			}
			for _, no := range []string{"User", "Username", "User ID"} {
				if contains(rows[0], no) {
					t.Errorf("header has user column %q", no)
				}
			}
		}},
		{"portal-csv/NonInteractiveSignIns_AuthDetails_" + dates + ".csv", has(`"Authentication method"`, `"Succeeded"`, `"Result detail"`, `"MFA required in Azure AD"`)},
		{"spreadsheet/NonInteractiveSignIns_" + dates + ".txt", func(t *testing.T, raw []byte, text string) {
			if !bytes.HasPrefix(raw, []byte{0xff, 0xfe}) {
				t.Error("want UTF-16LE with BOM")
			}
			portal57('\t', "Date (UTC)")(t, raw, text)
			has("München, Bayern, DE")(t, raw, text)
		}},
		{"spreadsheet/NonInteractiveSignIns_" + dates + "_de-DE.csv", func(t *testing.T, raw []byte, text string) {
			portal57(';', "Date (UTC)")(t, raw, text)
			has("20.11.2026 10:15:02;"+CrossFormatRequestID)(t, raw, text)
		}},
		{"portal-json/NonInteractiveSignIns_" + dates + ".json", func(t *testing.T, raw []byte, text string) {
			v := jsonValues(t, "", text)
			if a, ok := v[0].([]any); len(v) != 1 || !ok || !strings.HasPrefix(text, "[\n  {\n    \"id\"") {
				t.Errorf("want one top-level array, 2-space indent; got %d values, %T", len(v), a)
			}
		}},
		{"graph/beta-auditLogs-signIns-page1.json", func(t *testing.T, raw []byte, text string) {
			v := jsonValues(t, "", text)[0].(map[string]any)
			if v["@odata.context"] == nil || v["@odata.nextLink"] == nil || v["value"] == nil || strings.Contains(text, "\n") {
				t.Error("want a compact page with @odata.context, value and @odata.nextLink")
			}
		}},
		{"graph/mes/NonInteractive/20261122080102-NonInteractive-SignInLogs.json", func(t *testing.T, raw []byte, text string) {
			if v := jsonValues(t, "", text); len(v) != 2 || !bytes.HasPrefix(raw, []byte(utf8BOM+"[")) {
				t.Errorf("want a BOM and two concatenated arrays, got %d values", len(v))
			}
			has("]\r\n[", `"id":  "`, `\u0027`)(t, raw, text)
		}},
		{"graph/mes/NonInteractive/20261122080105-NonInteractive-SignInLogs.json", func(t *testing.T, raw []byte, text string) {
			if v := jsonValues(t, "", text); len(v) != 1 || !bytes.HasPrefix(raw, []byte(utf8BOM+"{")) {
				t.Error("want a BOM and one bare object")
			}
		}},
		{"graph/mes-sof-elk/SignInLogs-Combined.json", func(t *testing.T, raw []byte, text string) {
			lines := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
			for i, l := range lines {
				if v := jsonValues(t, "", l); len(v) != 1 {
					t.Errorf("line %d holds %d values", i+1, len(v))
				}
			}
		}},
		{"graph/powershell/Get-MgBetaAuditLogSignIn.json", func(t *testing.T, raw []byte, text string) {
			if !bytes.HasPrefix(raw, []byte{0xff, 0xfe}) {
				t.Error("want UTF-16LE with BOM")
			}
			jsonValues(t, "", text)
			has(`"AdditionalProperties":  {`, `"CreatedDateTime":  "\/Date(`, `"ipAddressFromResourceProvider":  "198.51.100.23"`,
				`"AppliedConditionalAccessPolicies":  [`, `"IPAddress":  "`)(t, raw, text)
		}},
		{"log-analytics/AADNonInteractiveUserSignInLogs.csv", func(t *testing.T, raw []byte, text string) {
			rows := readCSV(t, "", text, ',')
			h := rows[0]
			if !contains(h, "TimeGenerated [UTC]") || !contains(h, "CreatedDateTime [UTC]") || h[len(h)-1] != "Type" {
				t.Error("want [UTC] datetime headers and Type last")
			}
			has("11/20/2026, 10:15:02.481 AM", ",FALSE,", `""conditionsSatisfied"":11`)(t, raw, text)
		}},
		{"log-analytics/AADNonInteractiveUserSignInLogs.json", func(t *testing.T, raw []byte, text string) {
			for _, row := range jsonValues(t, "", text)[0].([]any) {
				for k, v := range row.(map[string]any) {
					if _, ok := v.(string); !ok {
						t.Errorf("%s is %T, want a string", k, v)
					}
				}
			}
			has(`"ConditionalAccessPolicies": "[{\"id\"`, `"TableName": "PrimaryResult"`)(t, raw, text)
		}},
		{"log-analytics/SigninLogs.json", func(t *testing.T, raw []byte, text string) {
			row := jsonValues(t, "", text)[0].([]any)[0].(map[string]any)
			if _, ok := row["ConditionalAccessPolicies"].([]any); !ok {
				t.Errorf("ConditionalAccessPolicies is %T, want an array", row["ConditionalAccessPolicies"])
			}
		}},
		{"diagnostic/insights-logs-noninteractiveusersigninlogs/y=2026/m=11/d=20/h=10/m=00/PT1H.json", func(t *testing.T, raw []byte, text string) {
			lines := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
			for i, l := range lines {
				if v := jsonValues(t, "", l); len(v) != 1 {
					t.Errorf("line %d holds %d values", i+1, len(v))
				}
			}
			has(`"Level":"4"`, `"durationMs":"0"`, `"createdDateTime":"2026-11-20T05:15:02.4817335-05:00"`,
				`"deviceId":"{PII Removed}"`, `"conditionsSatisfied":11`)(t, raw, text)
		}},
		{"diagnostic/eventhub/signin-logs-2026-11-20.json", func(t *testing.T, raw []byte, text string) {
			v := jsonValues(t, "", text)[0].(map[string]any)
			cats := map[string]bool{}
			for _, r := range v["records"].([]any) {
				cats[r.(map[string]any)["category"].(string)] = true
			}
			if len(cats) != 4 {
				t.Errorf("categories %v, want all four", cats)
			}
			has(`"Level":4`)(t, raw, text)
		}},
		{"named-locations.json", func(t *testing.T, raw []byte, text string) {
			has(`"#microsoft.graph.ipNamedLocation"`, `"#microsoft.graph.countryNamedLocation"`,
				`"#microsoft.graph.iPv6CidrRange"`, `"isTrusted": true`, `"displayName": "Corporate egress"`)(t, raw, text)
		}},
		{"named-locations-powershell.json", has(`"AdditionalProperties": {`, `"DisplayName": "Corporate egress"`, `"ipRanges": [`)},
	}
	for _, c := range checks {
		t.Run(c.path, func(t *testing.T) {
			f := fileByPath(t, fs, c.path)
			c.test(t, f.Data, decodeText(t, f.Data))
		})
	}
}

// TestReadmeListsEveryFile checks that the README's table names every
// file, or the folder of an export written one object per file.
func TestReadmeListsEveryFile(t *testing.T) {
	_, fs := files(t)
	readme := string(fileByPath(t, fs, "README.md").Data)
	for _, f := range fs {
		listed := f.Path
		if f.Folder != "" {
			if !strings.HasPrefix(f.Path, f.Folder) {
				t.Errorf("%s is not in its folder %s", f.Path, f.Folder)
			}
			listed = f.Folder
		}
		if f.Path != "README.md" && !strings.Contains(readme, "[`"+listed+"`]") {
			t.Errorf("README does not list %s", listed)
		}
	}
	if regexp.MustCompile(`%!`).MatchString(readme) {
		t.Error("README holds a formatting error")
	}
}
