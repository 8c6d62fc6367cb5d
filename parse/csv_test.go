package parse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// csvResult is what reading one CSV input gave.
type csvResult struct {
	recs    []*Record
	skipped []error // Record errors, in order.
	err     error   // The error that ended the input, or the codec's.
	notes   []string
}

// readCSVInput reads data as the input layer would after removing a byte
// order mark: the format is detected unless info names one, and the flow
// hint comes from the name.
func readCSVInput(t *testing.T, name string, data []byte, info SourceInfo) csvResult {
	t.Helper()
	info.Name = name
	if info.Format == "" {
		f, ok := detectCSV(data)
		if !ok {
			t.Fatalf("detectCSV(%s) did not recognise the input", name)
		}
		info.Format = f
	}
	info.FlowHint = FlowFromFileName(name)
	s, d, err := newCSVCodec(bufio.NewReader(bytes.NewReader(data)), info)
	if err != nil {
		return csvResult{err: err}
	}
	r := NewReader(name, info.Format, s, d)
	var res csvResult
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if IsRecordError(err) {
			res.skipped = append(res.skipped, err)
			continue
		}
		if err != nil {
			res.err = err
			break
		}
		res.recs = append(res.recs, rec)
	}
	res.notes = r.Notes()
	return res
}

func readCSVFile(t *testing.T, file string) csvResult {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "csv", file))
	if err != nil {
		t.Fatal(err)
	}
	return readCSVInput(t, file, data, SourceInfo{})
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func known(fs ...Field) FieldSet { return FieldSet(0).Add(fs...) }

// diffRecords describes how got differs from want, field by field.
func diffRecords(got, want *Record) string {
	var out []string
	gv, wv := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := 0; i < gv.NumField(); i++ {
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if reflect.DeepEqual(g, w) {
			continue
		}
		name := gv.Type().Field(i).Name
		if name == "Known" {
			out = append(out, fmt.Sprintf("Known: missing %v, extra %v", got.Known.Missing(want.Known), want.Known.Missing(got.Known)))
			continue
		}
		out = append(out, fmt.Sprintf("%s:\n\tgot  %s\n\twant %s", name, describe(g), describe(w)))
	}
	return strings.Join(out, "\n")
}

// describe prints a value with the pointers of *bool followed.
func describe(v any) string {
	switch x := v.(type) {
	case Device:
		return fmt.Sprintf("%+v compliant=%s managed=%s", x, boolString(x.Compliant), boolString(x.Managed))
	case []AuthStep:
		var parts []string
		for _, s := range x {
			parts = append(parts, fmt.Sprintf("%+v succeeded=%s", s, boolString(s.Succeeded)))
		}
		return fmt.Sprintf("%d steps %s", len(x), strings.Join(parts, "; "))
	}
	return fmt.Sprintf("%#v", v)
}

func boolString(b *bool) string {
	if b == nil {
		return "nil"
	}
	return fmt.Sprint(*b)
}

func checkRecords(t *testing.T, got, want []*Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if d := diffRecords(got[i], want[i]); d != "" {
			t.Errorf("record %d differs:\n%s", i+1, d)
		}
	}
}

func hasNote(notes []string, parts ...string) bool {
	for _, n := range notes {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(n, p)
		}
		if ok {
			return true
		}
	}
	return false
}

const (
	csvContosoTenant  = "a3a7050e-2165-4cc5-a481-bc4b259397d5"
	csvFabrikamTenant = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
	csvBlockedReason  = "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."
)

// portalUserKnown is what a 55- or 57-column portal download of user
// sign-ins carries, its flow aside.
var portalUserKnown = known(FieldTime, FieldRequestID, FieldCorrelationID, FieldSessionID, FieldUser,
	FieldUserType, FieldApp, FieldResource, FieldClientApp, FieldUserAgent, FieldIP, FieldIPSeenByResource,
	FieldLocation, FieldASN, FieldStatusCode, FieldStatusReason, FieldStatusDetails, FieldCAStatus,
	FieldDeviceID, FieldDeviceOS, FieldDeviceBrowser, FieldDeviceCompliant, FieldDeviceManaged,
	FieldDeviceTrustType, FieldAuthRequirement, FieldMFA, FieldIncomingTokenType, FieldTenantIDs)

// blockedDevOpsRecord is the first row of the non-interactive fixtures: a
// git call to Azure DevOps that Conditional Access blocked.
func blockedDevOpsRecord(file string, format Format, flow string, line int) *Record {
	kn := portalUserKnown
	if flow != "" {
		kn = kn.Add(FieldFlow)
	}
	return &Record{
		Time:          utc("2026-11-20T08:19:41Z"),
		RequestID:     "1f0c6a52-7a4e-4d3e-9c1b-5a8f2e3d4c01",
		CorrelationID: "c0ffee00-1111-4222-8333-444455556666",
		SessionID:     "6b4590d3-a380-4b26-aa3c-1aa50a5b51d3",
		UniqueTokenID: "JIdvC0tmyY0MjiyG7hqMxA",
		User: User{ID: "25706f0b-9d0d-47cb-87b9-4246f0eebee8", UPN: "alex.wilber@contoso.com",
			Name: "Alex Wilber", Type: "Member"},
		App:                   App{ID: AzureDevOpsAppID, Name: "Azure DevOps"},
		Resource:              App{ID: AzureDevOpsAppID, Name: "Azure DevOps"},
		Flow:                  flow,
		ClientApp:             "Mobile Apps and Desktop clients",
		UserAgent:             "git/2.47.1.windows.1",
		IP:                    "203.0.113.45",
		IPSeenByResource:      "198.51.100.7",
		Location:              Location{City: "Melbourne", State: "Victoria", Country: "AU"},
		ASN:                   63182,
		Status:                Status{Code: 53003, Result: ResultFailure, Reason: csvBlockedReason},
		CAStatus:              CAFailure,
		Device:                Device{OS: "Windows10"},
		AuthRequirement:       AuthSingleFactor,
		IncomingTokenType:     "none",
		TokenIssuerType:       "AzureAD",
		ClientCredentialType:  "None",
		AuthProtocol:          "None",
		CrossTenantAccessType: "None",
		HomeTenantID:          csvContosoTenant,
		ResourceTenantID:      csvContosoTenant,
		Source:                Source{File: file, Line: line, Index: 1, Format: format},
		Known:                 kn,
	}
}

// guestTeamsRecord is the second row: a guest's successful Teams sign-in
// from a compliant device, whose token type only the repeated "Incoming
// token type" column holds.
func guestTeamsRecord(file string, flow string) *Record {
	return &Record{
		Time:          utc("2026-11-20T09:00:02Z"),
		RequestID:     "2a1b3c4d-0000-4000-8000-00000000000b",
		CorrelationID: "c0ffee00-2222-4222-8333-444455556666",
		SessionID:     "cf75c27e-096d-45e8-826d-7d5fcacfd377",
		UniqueTokenID: "SCqUPj6263qQp8V7ah3s5w",
		User: User{ID: "1c69e53a-3c5b-488f-9caf-8103dcc79d39", UPN: "adele.vance@contoso.com",
			Name: "Adele Vance", Type: "Guest", SignInIdentifier: "adele.vance@contoso.com"},
		App:       App{ID: "1fec8e78-bce4-4aaf-ab1b-5451cc387264", Name: "Microsoft Teams"},
		Resource:  App{ID: "00000003-0000-0000-c000-000000000000", Name: "Microsoft Graph"},
		Flow:      flow,
		ClientApp: "Mobile Apps and Desktop clients",
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
		IP:        "2001:db8::1",
		Location:  Location{City: "München", State: "Bayern", Country: "DE"},
		Status:    Status{Code: 0, Result: ResultSuccess, Details: "MFA requirement satisfied by claim in the token"},
		CAStatus:  CANotApplied,
		Device: Device{ID: "9ca87d78-1013-4d6b-a20c-620dea37e76a", OS: "Windows10", Browser: "Edge 131.0.0",
			Compliant: BoolPtr(true), Managed: BoolPtr(false), TrustType: TrustEntraJoined},
		AuthRequirement:       AuthMultiFactor,
		MFA:                   MFA{Result: "MFA requirement satisfied by claim in the token"},
		IncomingTokenType:     "primaryRefreshToken",
		TokenIssuerType:       "AzureAD",
		AuthProtocol:          "None",
		CrossTenantAccessType: "B2B collaboration",
		HomeTenantID:          csvFabrikamTenant,
		ResourceTenantID:      csvContosoTenant,
		Source:                Source{File: file, Line: 3, Index: 2, Format: FormatPortalCSV},
		Known:                 portalUserKnown.Add(FieldFlow),
	}
}

func TestCSVPortalVariants(t *testing.T) {
	const ni57 = "NonInteractiveSignIns_2026-11-16_2026-11-22.csv"
	const deDE = "NonInteractiveSignIns_2026-11-16_2026-11-22_de-DE.csv"
	const enGB = "NonInteractiveSignIns_2026-11-16_2026-11-22_en-GB.txt"
	const i55 = "InteractiveSignIns_55.csv"
	const c17 = "signins-17-columns.csv"
	const app = "ApplicationSignIns_2026-11-16_2026-11-22.csv"
	const msi = "keyvault-identity-export.csv"
	const legacy = "legacy-portal-export.csv"
	tests := []struct {
		name  string
		file  string
		want  []*Record
		notes [][]string // Each note must contain all its parts.
		// noNote is text no note may contain: the portal's expected
		// quirks are not worth telling.
		noNote string
	}{
		{
			name: "57 columns, quoted header, CRLF",
			file: ni57,
			want: []*Record{
				blockedDevOpsRecord(ni57, FormatPortalCSV, FlowNonInteractive, 2),
				guestTeamsRecord(ni57, FlowNonInteractive),
			},
			notes: [][]string{
				{"flow non-interactive taken from the file name for 2 rows"},
			},
			noNote: `"Incoming token type" appears twice`,
		},
		{
			name: "55 columns, minimal quoting, LF",
			file: i55,
			want: []*Record{blockedDevOpsRecord(i55, FormatPortalCSV, FlowInteractive, 2)},
			notes: [][]string{
				{"flow interactive taken from the file name for 1 row"},
			},
		},
		{
			name: "semicolon re-save with German dates and booleans",
			file: deDE,
			want: []*Record{
				blockedDevOpsRecord(deDE, FormatPortalCSV, FlowNonInteractive, 2),
				guestTeamsRecord(deDE, FlowNonInteractive),
			},
		},
		{
			name: "tab re-save with day-first dates",
			file: enGB,
			want: []*Record{
				blockedDevOpsRecord(enGB, FormatPortalCSV, FlowNonInteractive, 2),
				guestTeamsRecord(enGB, FlowNonInteractive),
			},
		},
		{
			name: "17 columns, spaces after the header commas, renamed file",
			file: c17,
			want: []*Record{{
				Time:      utc("2026-11-20T10:15:02Z"),
				User:      User{UPN: "lee.gu@contoso.com"},
				App:       App{Name: "Azure DevOps"},
				Resource:  App{Name: "Azure DevOps"},
				ClientApp: "Mobile Apps and Desktop clients",
				UserAgent: "git/2.47.1.windows.1",
				IP:        "192.0.2.10",
				Location:  Location{City: "Seattle", State: "Washington", Country: "US"},
				Status:    Status{Code: 50074, Result: ResultInterrupted, Reason: "Strong Authentication is required."},
				CAStatus:  CAFailure,
				Device:    Device{OS: "Windows10"},
				Source:    Source{File: c17, Line: 2, Index: 1, Format: FormatPortalCSV},
				Known: known(FieldTime, FieldUserAgent, FieldUser, FieldApp, FieldResource, FieldIP, FieldLocation,
					FieldStatusCode, FieldStatusReason, FieldClientApp, FieldDeviceBrowser, FieldDeviceOS, FieldMFA,
					FieldStatusDetails, FieldIPSeenByResource, FieldCAStatus),
			}},
			notes: [][]string{{"flow unknown for 1 row", "share one header"}},
		},
		{
			name: "application (service principal) download",
			file: app,
			want: []*Record{{
				Time:                 utc("2026-11-20T10:05:00Z"),
				RequestID:            "71ccdb46-0def-4e6b-b2e3-d16e480a646f",
				CorrelationID:        "55d1d03d-f95e-430e-9aed-3005951ba671",
				ServicePrincipal:     ServicePrincipal{ID: "d51c7843-4e11-4e5f-8122-dc2fc0216b1c", Name: "contoso-release-pipeline", CredentialKeyID: "64a26d9c-333e-4fbe-917b-8639bb7eefdb"},
				App:                  App{ID: "89eb3ea4-b454-406d-a025-507434c67887", Name: "contoso-release-pipeline"},
				Resource:             App{ID: AzureDevOpsAppID, Name: "Azure DevOps"},
				Flow:                 FlowServicePrincipal,
				IP:                   "198.51.100.23",
				Location:             Location{City: "Amsterdam", State: "Noord-Holland", Country: "NL"},
				ASN:                  64510,
				Status:               Status{Code: 7000215, Result: ResultFailure, Reason: "Invalid client secret provided."},
				CAStatus:             CANotApplied,
				ClientCredentialType: "Client secret",
				ResourceTenantID:     csvContosoTenant,
				Source:               Source{File: app, Line: 2, Index: 1, Format: FormatPortalCSV},
				Known: known(FieldTime, FieldRequestID, FieldCorrelationID, FieldServicePrincipal, FieldApp,
					FieldResource, FieldTenantIDs, FieldIP, FieldLocation, FieldStatusCode, FieldStatusReason,
					FieldCAStatus, FieldASN, FieldFlow),
			}},
		},
		{
			name: "managed identity download, renamed",
			file: msi,
			want: []*Record{{
				Time:          utc("2026-11-20T10:01:15Z"),
				RequestID:     "ea52db2f-8a36-4bae-aa53-a00ee4e7ba78",
				CorrelationID: "af0f1002-7e71-4208-a338-ad8142d43cac",
				ServicePrincipal: ServicePrincipal{ID: "7e9d3925-c14e-4a53-a1ce-636af452555a", Name: "build-vm-02",
					ManagedIdentity: "systemAssigned"},
				App:              App{ID: "7ab9d203-a84b-41ef-b217-d7d404ab6b60", Name: "build-vm-02"},
				Resource:         App{ID: "cfa8b339-82a2-471a-a3c9-0fc0be7a4093", Name: "Azure Key Vault"},
				Flow:             FlowManagedIdentity,
				Status:           Status{Code: 0, Result: ResultSuccess},
				CAStatus:         CANotApplied,
				ResourceTenantID: csvContosoTenant,
				Source:           Source{File: msi, Line: 2, Index: 1, Format: FormatPortalCSV},
				Known: known(FieldTime, FieldRequestID, FieldCorrelationID, FieldServicePrincipal, FieldApp,
					FieldResource, FieldTenantIDs, FieldIP, FieldLocation, FieldStatusCode, FieldStatusReason,
					FieldCAStatus, FieldFlow),
			}},
		},
		{
			name: "legacy portal export",
			file: legacy,
			want: []*Record{{
				Time:                  utc("2025-03-12T07:22:01Z"),
				User:                  User{UPN: "megan.bowen@contoso.com", Name: "Megan Bowen"},
				App:                   App{Name: "Azure DevOps"},
				IP:                    "203.0.113.77",
				Location:              Location{City: "Perth", Country: "AU"},
				Device:                Device{Name: "MEGAN-LAPTOP", Browser: "Chrome 120.0.0", OS: "Windows 10"},
				Status:                Status{Result: ResultFailure},
				CAStatus:              CAFailure,
				RiskState:             "none",
				RiskLevelDuringSignIn: "none",
				RiskLevelAggregated:   "none",
				Source:                Source{File: legacy, Line: 2, Index: 1, Format: FormatPortalCSV},
				Known: known(FieldTime, FieldUser, FieldApp, FieldIP, FieldLocation, FieldDeviceName,
					FieldDeviceBrowser, FieldDeviceOS, FieldRisk, FieldCAStatus),
			}},
			notes: [][]string{{"flow unknown for 1 row"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readCSVFile(t, tt.file)
			if res.err != nil || res.skipped != nil {
				t.Fatalf("read error %v, skipped %v", res.err, res.skipped)
			}
			checkRecords(t, res.recs, tt.want)
			for _, parts := range tt.notes {
				if !hasNote(res.notes, parts...) {
					t.Errorf("no note with %q in %q", parts, res.notes)
				}
			}
			if tt.noNote != "" && hasNote(res.notes, tt.noNote) {
				t.Errorf("a note says %q: %q", tt.noNote, res.notes)
			}
			for _, n := range res.notes {
				if strings.Contains(n, tt.file) {
					t.Errorf("note %q repeats the input name", n)
				}
			}
		})
	}
}

func TestCSVLogAnalytics(t *testing.T) {
	const file = "AADNonInteractiveUserSignInLogs_export.csv"
	base := known(FieldTime, FieldRequestID, FieldCorrelationID, FieldSessionID, FieldUser, FieldUserType,
		FieldApp, FieldResource, FieldClientApp, FieldUserAgent, FieldIP, FieldLocation, FieldASN,
		FieldStatusCode, FieldStatusReason, FieldCAStatus, FieldAuthRequirement, FieldIncomingTokenType,
		FieldTenantIDs, FieldFlow, FieldStatusDetails, FieldDeviceID, FieldDeviceName, FieldDeviceOS,
		FieldDeviceBrowser, FieldDeviceTrustType, FieldNetworkLocations, FieldPolicies, FieldAuthSteps)
	want := []*Record{
		{
			Time:              utc("2026-11-20T08:19:41.287Z"),
			RequestID:         "1f0c6a52-7a4e-4d3e-9c1b-5a8f2e3d4c01",
			OriginalRequestID: "1f0c6a52-7a4e-4d3e-9c1b-5a8f2e3d4c01",
			CorrelationID:     "c0ffee00-1111-4222-8333-444455556666",
			SessionID:         "6b4590d3-a380-4b26-aa3c-1aa50a5b51d3",
			UniqueTokenID:     "JIdvC0tmyY0MjiyG7hqMxA",
			User: User{ID: "25706f0b-9d0d-47cb-87b9-4246f0eebee8", UPN: "alex.wilber@contoso.com",
				Name: "Alex Wilber", Type: "Member"},
			App:              App{ID: AzureDevOpsAppID, Name: "Azure DevOps"},
			Resource:         App{ID: AzureDevOpsAppID, Name: "Azure DevOps"},
			Flow:             FlowNonInteractive,
			ClientApp:        "Mobile Apps and Desktop clients",
			UserAgent:        "git/2.47.1.windows.1",
			IP:               "203.0.113.45",
			Location:         Location{City: "Melbourne", State: "Victoria", Country: "AU"},
			ASN:              63182,
			NetworkLocations: []NetworkLocation{},
			Status:           Status{Code: 53003, Result: ResultFailure, Reason: csvBlockedReason, Details: "The access policy does not allow token issuance."},
			CAStatus:         CAFailure,
			Policies: []Policy{
				{ID: "6c6fe338-a1db-4bbc-b984-0054d8199eb6", Name: "CA004 - Azure DevOps: trusted locations only",
					Result: CAFailure, GrantControls: []string{"Block"}, SessionControls: []string{},
					ConditionsSatisfied: []string{"application", "users", "location"}},
				{ID: "8d36f18e-3b1b-4063-9322-ef0ae9766b1f", Name: "CA010 - Azure DevOps: require compliant device",
					Result: CAReportOnlyFailure, GrantControls: []string{"RequireCompliantDevice"}, SessionControls: []string{},
					ConditionsSatisfied: []string{"application", "users"}},
			},
			Device:          Device{OS: "Windows10", Browser: "Rich Client 4.12.0.0"},
			AuthRequirement: AuthSingleFactor,
			// The Status cell's additionalDetails, as in the portal CSV.
			MFA: MFA{Result: "The access policy does not allow token issuance."},
			AuthSteps: []AuthStep{{Time: utc("2026-11-20T08:19:41Z"), Method: "Previously satisfied",
				Succeeded: BoolPtr(true), Result: "First factor requirement satisfied by claim in the token",
				Requirement: "Primary authentication"}},
			IncomingTokenType:     "none",
			TokenIssuerType:       "AzureAD",
			CrossTenantAccessType: "none",
			HomeTenantID:          csvContosoTenant,
			ResourceTenantID:      csvContosoTenant,
			Source:                Source{File: file, Line: 2, Index: 1, Format: FormatLogAnalyticsCSV},
			Known:                 base.Add(FieldPolicyConditions),
		},
		{
			Time:          utc("2026-11-20T14:05:07.5Z"),
			RequestID:     "2a1b3c4d-0000-4000-8000-00000000000b",
			CorrelationID: "c0ffee00-1111-4222-8333-444455556666",
			User: User{ID: "1c69e53a-3c5b-488f-9caf-8103dcc79d39", UPN: "adele.vance@contoso.com",
				Name: "Adele Vance", Type: "Member"},
			App:              App{ID: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", Name: "Azure Portal"},
			Resource:         App{ID: "797f4846-ba00-4fd7-ba43-dac1f8f63013", Name: "Windows Azure Service Management API"},
			Flow:             FlowInteractive,
			ClientApp:        "Browser",
			UserAgent:        "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
			IP:               "192.0.2.20",
			Location:         Location{City: "Berlin", State: "Berlin", Country: "DE"},
			NetworkLocations: []NetworkLocation{{Type: "trustedNamedLocation", Names: []string{"HQ Berlin"}}},
			Status:           Status{Code: 0, Result: ResultSuccess, Details: "MFA requirement satisfied by claim in the token"},
			CAStatus:         CANotApplied,
			Policies:         []Policy{},
			Device: Device{ID: "9ca87d78-1013-4d6b-a20c-620dea37e76a", Name: "ADELE-PC", OS: "Windows10",
				Browser: "Edge 131.0.0", Compliant: BoolPtr(true), Managed: BoolPtr(true), TrustType: TrustEntraHybridJoined},
			AuthRequirement: AuthMultiFactor,
			MFA: MFA{Result: "MFA requirement satisfied by claim in the token",
				Method: "Mobile app notification", Detail: "+X XXXXXXXX12"},
			AuthSteps:             []AuthStep{},
			IncomingTokenType:     "primaryRefreshToken",
			TokenIssuerType:       "AzureAD",
			CrossTenantAccessType: "none",
			HomeTenantID:          csvContosoTenant,
			ResourceTenantID:      csvContosoTenant,
			Source:                Source{File: file, Line: 3, Index: 2, Format: FormatLogAnalyticsCSV},
			Known:                 base.Add(FieldMFA, FieldDeviceCompliant, FieldDeviceManaged),
		},
	}
	res := readCSVFile(t, file)
	if res.err != nil || res.skipped != nil {
		t.Fatalf("read error %v, skipped %v", res.err, res.skipped)
	}
	checkRecords(t, res.recs, want)
	if len(res.notes) != 0 {
		t.Errorf("notes %q, want none: every row names its table", res.notes)
	}
}

// portalCSV builds a small portal CSV from lines, joined with CRLF.
func portalCSV(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n"))
}

func TestCSVPositions(t *testing.T) {
	data := portalCSV(
		`"Date (UTC)","Request ID","Failure reason","Status"`,
		`"2026-11-20T08:00:00Z","r1","first line`,
		`second line","Failure"`,
		``,
		`"2026-11-20T08:00:01Z","r2","","Success"`,
		`"2026-11-20T08:00:02Z","r3","a ""quoted"" word, and a comma","Failure"`,
		`"2026-11-20T08:00:03Z","r4","three`,
		``,
		`lines","Failure"`)
	res := readCSVInput(t, "positions.csv", data, SourceInfo{})
	if res.err != nil || res.skipped != nil {
		t.Fatalf("read error %v, skipped %v", res.err, res.skipped)
	}
	want := []struct {
		id, reason  string
		line, index int
	}{
		{"r1", "first line\nsecond line", 2, 1},
		{"r2", "", 5, 2},
		{"r3", `a "quoted" word, and a comma`, 6, 3},
		{"r4", "three\n\nlines", 7, 4},
	}
	if len(res.recs) != len(want) {
		t.Fatalf("got %d records, want %d", len(res.recs), len(want))
	}
	for i, w := range want {
		r := res.recs[i]
		if r.RequestID != w.id || r.Status.Reason != w.reason || r.Source.Line != w.line || r.Source.Index != w.index {
			t.Errorf("record %d = %q %q line %d index %d, want %q %q line %d index %d", i+1,
				r.RequestID, r.Status.Reason, r.Source.Line, r.Source.Index, w.id, w.reason, w.line, w.index)
		}
	}
}

func TestCSVHeaderQuirks(t *testing.T) {
	tests := []struct {
		name  string
		data  []byte
		check func(t *testing.T, r *Record)
		known FieldSet // Exactly the Known set, when not 0.
		notes [][]string
	}{
		{
			name: "trailing spaces, double spaces, odd case",
			data: portalCSV(`" DATE (utc) ","Request  ID","Application ID ","Autonomous system  number","IP ADDRESS"`,
				`"2026-11-20T08:00:00Z","r1","`+AzureDevOpsAppID+`","8075","192.0.2.1"`),
			check: func(t *testing.T, r *Record) {
				if r.RequestID != "r1" || r.App.ID != AzureDevOpsAppID || r.ASN != 8075 || r.IP != "192.0.2.1" {
					t.Errorf("got request %q app %q ASN %d IP %q", r.RequestID, r.App.ID, r.ASN, r.IP)
				}
			},
			known: known(FieldTime, FieldRequestID, FieldApp, FieldASN, FieldIP),
		},
		{
			name: "reordered columns",
			data: portalCSV(`"Status","Sign-in error code","Request ID","Date (UTC)"`,
				`"Failure","53003","r1","2026-11-20T08:00:00Z"`),
			check: func(t *testing.T, r *Record) {
				if !r.Time.Equal(utc("2026-11-20T08:00:00Z")) || r.Status.Code != 53003 || r.RequestID != "r1" {
					t.Errorf("got time %v code %d request %q", r.Time, r.Status.Code, r.RequestID)
				}
			},
			known: known(FieldTime, FieldRequestID, FieldStatusCode),
		},
		{
			name: "unknown columns are ignored",
			data: portalCSV(`"Date (UTC)","Request ID","Flux capacitor","Token Protection - Sign In Session","Latency"`,
				`"2026-11-20T08:00:00Z","r1","1.21 GW","None","12ms"`),
			check: func(t *testing.T, r *Record) {
				if r.RequestID != "r1" {
					t.Errorf("request %q", r.RequestID)
				}
			},
			known: known(FieldTime, FieldRequestID),
		},
		{
			name: "repeated Incoming token type with different values",
			data: portalCSV(`"Date (UTC)","Request ID","Incoming token type","Status","Incoming token type"`,
				`"2026-11-20T08:00:00Z","r1","None","Success","Primary Refresh Token"`),
			check: func(t *testing.T, r *Record) {
				if r.IncomingTokenType != "none" {
					t.Errorf("token type %q, want the first column's", r.IncomingTokenType)
				}
			},
			notes: [][]string{
				{`1 row with different values in the two "Incoming token type" columns: the first was used`},
			},
		},
		{
			name: "a repeated column with one field reads the first",
			data: portalCSV(`"Date (UTC)","Request ID","IP address","Request ID"`,
				`"2026-11-20T08:00:00Z","r1","192.0.2.1","r2"`),
			check: func(t *testing.T, r *Record) {
				if r.RequestID != "r1" {
					t.Errorf("request %q, want the first column's", r.RequestID)
				}
			},
			notes: [][]string{{`"Request ID" appears twice (columns 2, 4): only column 2 is read`}},
		},
		{
			name: "Date (UTC) wins over CreatedDateTime whatever the order",
			data: portalCSV(`"CreatedDateTime","Request ID","IP address","Date (UTC)"`,
				`"2020-01-01T00:00:00Z","r1","192.0.2.1","2026-11-20T08:00:00Z"`),
			check: func(t *testing.T, r *Record) {
				if !r.Time.Equal(utc("2026-11-20T08:00:00Z")) {
					t.Errorf("time %v, want the Date (UTC) column's", r.Time)
				}
			},
		},
		{
			name: "an Excel sep= line and a byte order mark on the header",
			data: []byte("sep=;\r\n\ufeffDate (UTC);Request ID;IP address\r\n2026-11-20T08:00:00Z;r1;192.0.2.1\r\n"),
			check: func(t *testing.T, r *Record) {
				if r.RequestID != "r1" || r.IP != "192.0.2.1" || r.Source.Line != 3 {
					t.Errorf("request %q IP %q line %d", r.RequestID, r.IP, r.Source.Line)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readCSVInput(t, "quirks.csv", tt.data, SourceInfo{Format: FormatPortalCSV})
			if res.err != nil || res.skipped != nil || len(res.recs) != 1 {
				t.Fatalf("read error %v, skipped %v, %d records", res.err, res.skipped, len(res.recs))
			}
			tt.check(t, res.recs[0])
			if tt.known != 0 && res.recs[0].Known != tt.known {
				t.Errorf("Known: missing %v, extra %v", res.recs[0].Known.Missing(tt.known), tt.known.Missing(res.recs[0].Known))
			}
			for _, parts := range tt.notes {
				if !hasNote(res.notes, parts...) {
					t.Errorf("no note with %q in %q", parts, res.notes)
				}
			}
		})
	}
}

func TestCSVAuthDetails(t *testing.T) {
	data := portalCSV(
		`"Date (UTC)","Request ID","Username","Authentication method","Authentication method detail","Succeeded","Result detail","Requirement"`,
		`"2026-11-21T09:02:44Z","a4ca76ce","adele.vance@contoso.com","Previously satisfied","","True","First factor requirement satisfied by claim in the token","Primary authentication"`,
		`"2026-11-21T09:02:44Z","a4ca76ce","adele.vance@contoso.com","","","False","MFA required in Azure AD","Multifactor authentication"`,
		`"2026-11-21T09:05:10Z","b7d1e2f3","lee.gu@contoso.com","Password","Password in the cloud","True","Correct password","Primary authentication"`,
		``)
	const name = "NonInteractiveSignIns_AuthDetails_2026-11-16_2026-11-22.csv"
	if f, ok := detectCSV(data); !ok || f != FormatPortalAuthDetailsCSV {
		t.Fatalf("detectCSV = %q, %v, want %q", f, ok, FormatPortalAuthDetailsCSV)
	}
	res := readCSVInput(t, name, data, SourceInfo{})
	if res.err != nil || res.skipped != nil || len(res.recs) != 0 {
		t.Fatalf("read error %v, skipped %v, %d records, want none", res.err, res.skipped, len(res.recs))
	}
	want := "authentication-details download: 3 authentication-step rows not read as sign-ins (they hold one row per authentication step; analyse the matching sign-in download)"
	if len(res.notes) != 1 || res.notes[0] != want {
		t.Errorf("notes %q, want %q", res.notes, want)
	}
}

func TestDetectCSV(t *testing.T) {
	h57, err := os.ReadFile("testdata/csv/NonInteractiveSignIns_2026-11-16_2026-11-22.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data string
		want Format // "" for not a CSV export.
	}{
		{"57-column portal download", string(h57), FormatPortalCSV},
		{"portal header with a BOM", "\ufeff" + string(h57), FormatPortalCSV},
		{"semicolons", "Date (UTC);Request ID;User agent;IP address\r\n", FormatPortalCSV},
		{"tabs", "Date (UTC)\tRequest ID\tUser agent\tIP address\r\n", FormatPortalCSV},
		{"blank lines first", "\r\n\r\nDate (UTC),Request ID,Status\n", FormatPortalCSV},
		{"sep= line", "sep=;\nDate (UTC);Request ID;Status\n", FormatPortalCSV},
		{"portal without a date column", `"Request ID","User agent","IP address","Status"`, FormatPortalCSV},
		{"legacy portal export", "CreatedDateTime,UserPrincipalName,UserDisplayName,AppDisplayName,IPAddress,City,Country,Device,Browser,OS,Status,RiskState,RiskLevelDuringSignIn,RiskLevelAggregated,ConditionalAccessStatus\n", FormatPortalCSV},
		{"authentication details", `"Date (UTC)","Request ID","Username","Authentication method","Succeeded"`, FormatPortalAuthDetailsCSV},
		{"Log Analytics", "TenantId,TimeGenerated [UTC],ResultType,AppDisplayName,UserPrincipalName,Type\n", FormatLogAnalyticsCSV},
		{"Log Analytics projection without [UTC]", "CreatedDateTime,UserPrincipalName,AppId,ResultType,ConditionalAccessPolicies\n", FormatLogAnalyticsCSV},
		{"Log Analytics AuditLogs table", "TenantId,TimeGenerated [UTC],OperationName,Result,ResultDescription,CorrelationId,Category,Type\n", ""},
		{"generic spreadsheet", "Date,Status,Location,User\n2026-01-01,ok,Paris,bob\n", ""},
		{"not CSV", "hello world\n", ""},
		{"JSON", `[{"createdDateTime":"2026-11-20T08:00:00Z"}]`, ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := detectCSV([]byte(tt.data))
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("detectCSV = %q, %v, want %q", got, ok, tt.want)
			}
		})
	}
}

func TestCSVFormatErrors(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		format Format
		is     error
		text   []string
	}{
		{"not a sign-in CSV", "Name,Price\nApple,1\n", FormatPortalCSV, ErrUnknownFormat,
			[]string{"shop.csv:1:", `no sign-in date column (want "Date (UTC)", or "CreatedDateTime" of the legacy export); it has "Name", "Price"`}},
		{"missing date column", "\"Request ID\",\"User agent\",\"IP address\",\"Status\"\r\nr1,git,192.0.2.1,Success\r\n", FormatPortalCSV, ErrMissingColumn,
			[]string{"shop.csv:1:", `missing column: the header has no sign-in date column (want "Date (UTC)", or "CreatedDateTime" of the legacy export); it has "Request ID", "User agent", "IP address", "Status"`}},
		{"a long header without a date column", `"Request ID","User agent","IP address","Status","Client app","Browser","Compliant","Managed","Join Type","Latency"`, FormatPortalCSV, ErrMissingColumn,
			[]string{`it has "Request ID", "User agent", "IP address", "Status", "Client app", "Browser", "Compliant", "Managed", and 2 more`}},
		{"Log Analytics without a time column", "UserPrincipalName,AppId,ResultType\nbob,x,0\n", FormatLogAnalyticsCSV, ErrMissingColumn,
			[]string{"shop.csv:1:", `want "CreatedDateTime [UTC]" or "TimeGenerated [UTC]"); it has "UserPrincipalName", "AppId", "ResultType"`}},
		{"authentication details read as sign-ins", "\"Date (UTC)\",\"Request ID\",\"Authentication method\"\n", FormatPortalCSV, ErrUnknownFormat,
			[]string{"shop.csv:1:", "the header is that of the portal-authdetails-csv format (Entra portal CSV download, authentication details only), not portal-csv"}},
		{"Log Analytics read as portal", "TimeGenerated [UTC],UserPrincipalName,AppId,ResultType\n", FormatPortalCSV, ErrUnknownFormat,
			[]string{"shop.csv:1:", "the header is that of the log-analytics-csv format (Log Analytics CSV export"}},
		{"empty file", "\r\n\r\n", FormatPortalCSV, ErrUnknownFormat, []string{"shop.csv:3:", "the file is empty"}},
		{"a header of too many columns", `"Date (UTC)","Request ID"` + strings.Repeat(",x", MaxCSVColumns) + "\n", FormatPortalCSV, ErrTooLarge,
			[]string{"shop.csv:1:", "the CSV header has 10002 columns; a sign-in export has at most a few hundred, and signinspect reads up to 10000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := newCSVCodec(bufio.NewReader(strings.NewReader(tt.data)), SourceInfo{Name: "shop.csv", Format: tt.format})
			if !errors.Is(err, tt.is) {
				t.Fatalf("error %v, want %v", err, tt.is)
			}
			for _, s := range tt.text {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestCSVRecordErrors(t *testing.T) {
	header := `"Request ID","Date (UTC)","Sign-in error code","Compliant","Status"`
	tests := []struct {
		name  string
		lines []string
		want  []string // Error texts of the skipped rows, in order.
		ids   []string // Request IDs of the rows read.
		notes [][]string
	}{
		{
			name: "bad date in row 3",
			lines: []string{`"r1","2026-11-20T08:00:00Z","0","","Success"`, `"r2","2026-11-20T08:00:01Z","0","","Success"`,
				`"r3","yesterday","0","","Success"`, `"r4","2026-11-20T08:00:03Z","0","","Success"`},
			want: []string{`errors.csv:4:6: record 3: field "Date (UTC)": unreadable time: "yesterday"`},
			ids:  []string{"r1", "r2", "r4"},
		},
		{
			name:  "bad date on the second line of a multi-line record",
			lines: []string{`"r1`, `","2026-13-45","0","","Success"`, `"r2","2026-11-20T08:00:01Z","0","","Success"`},
			want:  []string{`errors.csv:3:3: record 1: field "Date (UTC)": unreadable time: "2026-13-45"`},
			ids:   []string{"r2"},
		},
		{
			name:  "empty date",
			lines: []string{`"r1","","0","","Success"`},
			want:  []string{`errors.csv:2:6: record 1: field "Date (UTC)": unreadable time: empty`},
		},
		{
			name:  "non-numeric error code",
			lines: []string{`"r1","2026-11-20T08:00:00Z","AADSTS53003","","Failure"`, `"r2","2026-11-20T08:00:01Z","0","","Success"`},
			want:  []string{`errors.csv:2:29: record 1: field "Sign-in error code": unreadable value: "AADSTS53003" is not a number`},
			ids:   []string{"r2"},
		},
		{
			name:  "not a boolean",
			lines: []string{`"r1","2026-11-20T08:00:00Z","0","maybe","Success"`},
			want:  []string{`errors.csv:2:33: record 1: field "Compliant": unreadable value: "maybe" is not a boolean`},
		},
		{
			name:  "short row without the date",
			lines: []string{`"r1"`, `"r2","2026-11-20T08:00:01Z","0","","Success"`},
			want:  []string{`errors.csv:2: record 1: field "Date (UTC)": missing column: the row has 1 cells but the header has 5 columns, and it ends before this one`},
			ids:   []string{"r2"},
		},
		{
			name:  "short row with the date",
			lines: []string{`"r1","2026-11-20T08:00:00Z","53003"`},
			ids:   []string{"r1"},
			notes: [][]string{{"1 row with fewer cells than the header's 5 columns: the missing cells were read as empty"}},
		},
		{
			name:  "long row with empty extra cells",
			lines: []string{`"r1","2026-11-20T08:00:00Z","0","","Success",,,`},
			ids:   []string{"r1"},
			notes: [][]string{{"1 row with empty cells beyond the header's 5 columns: those cells were ignored"}},
		},
		{
			name:  "long row with a shifted cell",
			lines: []string{`"r1","2026-11-20T08:00:00Z",0,Yes,No,"Success"`, `"r2","2026-11-20T08:00:01Z","0","","Success"`},
			want:  []string{`errors.csv:2: record 1: unreadable value: the row has 6 cells but the header has 5 columns, and cell 6 is not empty`},
			ids:   []string{"r2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := portalCSV(append([]string{header}, tt.lines...)...)
			res := readCSVInput(t, "errors.csv", data, SourceInfo{Format: FormatPortalCSV})
			if res.err != nil {
				t.Fatalf("input ended with %v", res.err)
			}
			if len(res.skipped) != len(tt.want) {
				t.Fatalf("skipped %v, want %d errors", res.skipped, len(tt.want))
			}
			for i, w := range tt.want {
				var re *RecordError
				if !errors.As(res.skipped[i], &re) {
					t.Errorf("error %v is not a *RecordError", res.skipped[i])
				}
				if !strings.HasPrefix(res.skipped[i].Error(), w) {
					t.Errorf("error\n\t%s\ndoes not start with\n\t%s", res.skipped[i], w)
				}
			}
			var ids []string
			for _, r := range res.recs {
				ids = append(ids, r.RequestID)
			}
			if !reflect.DeepEqual(ids, tt.ids) {
				t.Errorf("read %q, want %q", ids, tt.ids)
			}
			for _, parts := range tt.notes {
				if !hasNote(res.notes, parts...) {
					t.Errorf("no note with %q in %q", parts, res.notes)
				}
			}
		})
	}
}

func TestCSVLogAnalyticsCellErrors(t *testing.T) {
	data := "TimeGenerated [UTC],Id,UserPrincipalName,AppId,ResultType,DeviceDetail,Type\r\n" +
		`"11/20/2026, 8:19:45.123 AM",r1,bob@contoso.com,x,0,"{""isCompliant"":""perhaps""}",SigninLogs` + "\r\n" +
		`"11/20/2026, 8:19:46 AM",r2,bob@contoso.com,x,fifty,,SigninLogs` + "\r\n" +
		`"11/20/2026, 8:19:47 AM",r3,bob@contoso.com,x,0,[],SigninLogs` + "\r\n"
	res := readCSVInput(t, "la.csv", []byte(data), SourceInfo{})
	want := []string{
		`la.csv:2:53: record 1: field "DeviceDetail": isCompliant: unreadable value`,
		`la.csv:3:47: record 2: field "ResultType": unreadable value: "fifty" is not a number`,
	}
	if res.err != nil || len(res.skipped) != len(want) {
		t.Fatalf("input error %v, skipped %v", res.err, res.skipped)
	}
	for i, w := range want {
		if !strings.HasPrefix(res.skipped[i].Error(), w) {
			t.Errorf("error\n\t%s\ndoes not start with\n\t%s", res.skipped[i], w)
		}
	}
	if len(res.recs) != 1 || res.recs[0].RequestID != "r3" || res.recs[0].Known.Has(FieldDeviceID) {
		t.Errorf("want r3 read with [] as an absent device; got %+v", res.recs)
	}
}

func TestCSVSplitterErrors(t *testing.T) {
	big := strings.Repeat("x", 3000)
	tests := []struct {
		name string
		data string
		max  int
		is   error
		text string
		read int // Records read before the error.
	}{
		{"missing closing quote in a record over the limit", "Date (UTC),Request ID\n2026-11-20T08:00:00Z,r1\n2026-11-20T08:00:01Z,\"" + big + "\n", 1024, ErrTruncated,
			"big.csv:3: record 2: truncated: the record that starts here is larger than the limit of 1 KiB and the input ends inside one of its quoted cells (a missing closing quote)", 1},
		{"missing closing quote", "Date (UTC),Request ID\n2026-11-20T08:00:00Z,r1\n2026-11-20T08:00:01Z,\"r2\n2026-11-20T08:00:02Z,r3\n", 0, ErrTruncated,
			"big.csv:3: record 2: truncated: the input ends inside a quoted cell", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readCSVInput(t, "big.csv", []byte(tt.data), SourceInfo{Format: FormatPortalCSV, MaxRecordBytes: tt.max})
			if !errors.Is(res.err, tt.is) {
				t.Fatalf("error %v, want %v", res.err, tt.is)
			}
			var pe *ParseError
			if !errors.As(res.err, &pe) || IsRecordError(res.err) {
				t.Errorf("error %T is not a *ParseError that ends the input", res.err)
			}
			if !strings.HasPrefix(res.err.Error(), tt.text) {
				t.Errorf("error\n\t%s\ndoes not start with\n\t%s", res.err, tt.text)
			}
			if len(res.recs) != tt.read {
				t.Errorf("read %d records before the error, want %d", len(res.recs), tt.read)
			}
		})
	}
}

// TestCSVSplitterSkipsHugeRecords reads exports with one record over the
// bound, in every quoting: the record is skipped with its reason and
// lines, and the records after it are read.
func TestCSVSplitterSkipsHugeRecords(t *testing.T) {
	big := strings.Repeat("x", 3000)
	head := "\"Date (UTC)\",\"Request ID\",\"User agent\"\r\n\"2026-11-20T08:00:00Z\",\"r1\",\"git\"\r\n"
	tail := "\"2026-11-20T08:00:02Z\",\"r3\",\"git\"\r\n"
	for _, tt := range []struct {
		name, row, skipped string
	}{
		{"a quoted cell", "\"2026-11-20T08:00:01Z\",\"r2\",\"" + big + "\"\r\n",
			"big.csv:3: record 2: too large: the record is larger than the limit of 1 KiB and was skipped"},
		{"an unquoted cell", "2026-11-20T08:00:01Z,r2," + big + "\r\n",
			"big.csv:3: record 2: too large: the record is larger than the limit of 1 KiB and was skipped"},
		{"quotes, escaped quotes, delimiters and line breaks in the cell", "\"2026-11-20T08:00:01Z\",\"r2\",\"" + strings.Repeat(`a,""b""`+"\r\n", 400) + "\"\r\n",
			"big.csv:3: record 2: too large: the record is larger than the limit of 1 KiB, runs to line 403 and was skipped"},
		{"a literal quote and CR in a quoted cell", "\"2026-11-20T08:00:01Z\",\"r2\",\"" + big + "\"\rx" + big + "\"\r\n",
			"big.csv:3: record 2: too large: the record is larger than the limit of 1 KiB and was skipped"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := readCSVInput(t, "big.csv", []byte(head+tt.row+tail), SourceInfo{Format: FormatPortalCSV, MaxRecordBytes: 1024})
			if res.err != nil || len(res.recs) != 2 || res.recs[1].RequestID != "r3" {
				t.Fatalf("error %v, %d records; want r1 and r3", res.err, len(res.recs))
			}
			if len(res.skipped) != 1 || res.skipped[0].Error() != tt.skipped || !errors.Is(res.skipped[0], ErrTooLarge) {
				t.Errorf("skipped %v; want %q", res.skipped, tt.skipped)
			}
		})
	}
}

func TestCSVSplitterSkipsPadding(t *testing.T) {
	data := "Date (UTC);Request ID;Status\r\n2026-11-20T08:00:00Z;r1;Success\r\n;;\r\n\r\n  \r\n2026-11-20T08:00:01Z;r2;Success\r\n;;;\r\n"
	res := readCSVInput(t, "padded.csv", []byte(data), SourceInfo{})
	if res.err != nil || res.skipped != nil || len(res.recs) != 2 || res.recs[1].Source.Line != 6 {
		t.Fatalf("error %v, skipped %v, records %d", res.err, res.skipped, len(res.recs))
	}
	if !hasNote(res.notes, "3 rows of only delimiters (spreadsheet padding) skipped") {
		t.Errorf("notes %q", res.notes)
	}
}

func TestCSVTimeZone(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	data := portalCSV(`Date (UTC);Request ID;Status`, `20.11.2026 09:19:41;r1;Success`, `2026-11-20T08:19:42Z;r2;Success`)
	res := readCSVInput(t, "local.csv", data, SourceInfo{Location: berlin})
	if res.err != nil || res.skipped != nil || len(res.recs) != 2 {
		t.Fatalf("error %v, skipped %v", res.err, res.skipped)
	}
	if got := res.recs[0].Time; !got.Equal(utc("2026-11-20T08:19:41Z")) {
		t.Errorf("zone-less time read as %v, want 08:19:41 UTC", got)
	}
	if got := res.recs[1].Time; !got.Equal(utc("2026-11-20T08:19:42Z")) {
		t.Errorf("UTC time read as %v", got)
	}
}

func TestCSVFlow(t *testing.T) {
	header := `"Date (UTC)","Username","Service principal ID","Managed Identity type"`
	rows := []string{
		`"2026-11-20T08:00:00Z","bob@contoso.com","",""`,
		`"2026-11-20T08:00:01Z","","11111111-2222-3333-4444-555555555555",""`,
		`"2026-11-20T08:00:02Z","","11111111-2222-3333-4444-555555555555","userAssigned"`,
		`"2026-11-20T08:00:03Z","","11111111-2222-3333-4444-555555555555","None"`,
	}
	tests := []struct {
		file  string
		flows []string
		note  []string
	}{
		{"InteractiveSignIns_2026.csv", []string{FlowInteractive, FlowServicePrincipal, FlowManagedIdentity, FlowServicePrincipal},
			[]string{"flow interactive taken from the file name for 1 row"}},
		{"MSISignIns_2026.csv", []string{FlowManagedIdentity, FlowManagedIdentity, FlowManagedIdentity, FlowManagedIdentity},
			[]string{"flow managed-identity taken from the file name for 1 row"}},
		{"export.csv", []string{"", FlowServicePrincipal, FlowManagedIdentity, FlowServicePrincipal},
			[]string{"flow unknown for 1 row"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := readCSVInput(t, tt.file, portalCSV(append([]string{header}, rows...)...), SourceInfo{Format: FormatPortalCSV})
			if res.err != nil || res.skipped != nil {
				t.Fatalf("error %v, skipped %v", res.err, res.skipped)
			}
			var flows []string
			for _, r := range res.recs {
				flows = append(flows, r.Flow)
				if r.Known.Has(FieldFlow) != (r.Flow != "") {
					t.Errorf("record %d: flow %q but Known.Has(Flow) = %v", r.Source.Index, r.Flow, r.Known.Has(FieldFlow))
				}
			}
			if !reflect.DeepEqual(flows, tt.flows) {
				t.Errorf("flows %q, want %q", flows, tt.flows)
			}
			if !hasNote(res.notes, tt.note...) {
				t.Errorf("notes %q, want one with %q", res.notes, tt.note)
			}
		})
	}
}

func TestCSVLocalizedBooleans(t *testing.T) {
	for in, want := range map[string]bool{"WAHR": true, "FALSCH": false, "VRAI": true, "FAUX": false, "Verdadero": true, "falso": false} {
		got, err := ParseBool(in)
		if err != nil || got == nil || *got != want {
			t.Errorf("ParseBool(%q) = %v, %v, want %v", in, got, err, want)
		}
	}
}

// TestCSVWideHeader reads an export whose header holds thousands of
// distinct columns before the sign-in ones, and many repeats of one: the
// columns still resolve, and the repeats are noted once.
func TestCSVWideHeader(t *testing.T) {
	var head []string
	for i := range MaxCSVColumns - 10 {
		head = append(head, fmt.Sprintf("extra %d", i))
	}
	head = append(head, `"Date (UTC)"`, `"Request ID"`, `"IP address"`, `"IP address"`, `"IP address"`)
	cells := make([]string, len(head))
	cells[len(head)-5], cells[len(head)-4], cells[len(head)-3] = "2026-11-20T08:00:00Z", "r1", "192.0.2.1"
	res := readCSVInput(t, "wide.csv", portalCSV(strings.Join(head, ","), strings.Join(cells, ",")), SourceInfo{Format: FormatPortalCSV})
	if res.err != nil || len(res.recs) != 1 || res.recs[0].RequestID != "r1" || res.recs[0].IP != "192.0.2.1" {
		t.Fatalf("error %v, records %+v", res.err, res.recs)
	}
	if !hasNote(res.notes, `column "IP address" appears 3 times (columns 9993, 9994, 9995): only column 9993 is read`) {
		t.Errorf("notes %q", res.notes)
	}
}

func BenchmarkResolveWideCSVHeader(b *testing.B) {
	names := make([]string, MaxCSVColumns)
	for i := range names {
		names[i] = fmt.Sprintf("column %d", i)
	}
	specs := csvColumnSpecs(portalRowType)
	b.ReportAllocs()
	for b.Loop() {
		resolveCSVLayout(names, specs)
	}
}

// TestCSVDoubleCarriageReturns reads exports whose lines end in CR CR LF,
// quoted and not, split across reads: every record is read, no cell keeps
// a CR, and a note says how the lines ended.
func TestCSVDoubleCarriageReturns(t *testing.T) {
	for _, tt := range []struct{ name, data string }{
		{"quoted", "\"Date (UTC)\",\"Request ID\",\"Status\"\r\r\n\"2026-11-20T08:00:00Z\",\"r1\",\"Failure\"\r\r\n\"2026-11-20T08:00:01Z\",\"r2\",\"Success\"\r\r\n"},
		{"unquoted", "Date (UTC),Request ID,Status\r\r\n2026-11-20T08:00:00Z,r1,Failure\r\r\n2026-11-20T08:00:01Z,r2,Success\r\r\n"},
		{"a CR inside a quoted cell is kept", "\"Date (UTC)\",\"Request ID\",\"Status\"\r\r\n\"2026-11-20T08:00:00Z\",\"r1\",\"Failure\"\r\r\n\"2026-11-20T08:00:01Z\",\"r2\r\rx\",\"Success\"\r\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := readCSVInput(t, "crcr.csv", []byte(tt.data), SourceInfo{Format: FormatPortalCSV})
			if res.err != nil || len(res.skipped) != 0 || len(res.recs) != 2 {
				t.Fatalf("error %v, skipped %v, %d records", res.err, res.skipped, len(res.recs))
			}
			if res.recs[0].RequestID != "r1" || res.recs[1].Failed() || res.recs[1].Source.Line != 3 {
				t.Errorf("records %+v, %+v", res.recs[0], res.recs[1])
			}
			if tt.name == "a CR inside a quoted cell is kept" && res.recs[1].RequestID != "r2\r\rx" {
				t.Errorf("request ID %q; the CRs inside the cell are data", res.recs[1].RequestID)
			}
			if !hasNote(res.notes, "the lines end in CR CR LF (a CR LF file converted again): read as CR LF") {
				t.Errorf("notes %q", res.notes)
			}
			s := newCSVSplitter(iotest.OneByteReader(strings.NewReader(tt.data)), SourceInfo{Name: "crcr.csv"})
			if _, _, err := s.readHeader(); err != nil {
				t.Fatal(err)
			}
			n := 0
			for {
				if _, err := s.Next(); err != nil {
					break
				}
				n++
			}
			if n != 2 {
				t.Errorf("one byte at a time: %d records; want 2", n)
			}
		})
	}
}
