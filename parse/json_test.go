package parse

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// jsonResult is what reading one JSON input gave: the records, the errors
// of skipped records, and the error that ended the input (nil at io.EOF).
type jsonResult struct {
	records []*Record
	skipped []error
	fatal   error
	notes   []string
}

// readJSONInput reads input through newJSONCodec as Open would, with the
// format detectJSON gives unless info names one.
func readJSONInput(t testing.TB, input string, info SourceInfo) jsonResult {
	t.Helper()
	if info.Name == "" {
		info.Name = "in.json"
	}
	if info.Format == "" {
		f, ok := detectJSON([]byte(input))
		if !ok {
			t.Fatalf("detectJSON did not recognise the input")
		}
		info.Format = f
	}
	br := bufio.NewReader(strings.NewReader(input))
	s, d, err := newJSONCodec(br, info)
	if err != nil {
		t.Fatalf("newJSONCodec: %v", err)
	}
	return drain(t, NewReader(info.Name, info.Format, s, d))
}

// drain reads r to the end, checking that every error is positioned.
func drain(t testing.TB, r *Reader) jsonResult {
	t.Helper()
	var res jsonResult
	for i := 0; ; i++ {
		if i > 1e6 {
			t.Fatal("the reader does not stop")
		}
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			if IsRecordError(err) {
				res.skipped = append(res.skipped, err)
				continue
			}
			res.fatal = err
			if _, err2 := r.Read(); err2 == nil || err2 == io.EOF {
				t.Fatalf("Read after the fatal error %v gave %v", err, err2)
			}
			break
		}
		res.records = append(res.records, rec)
	}
	res.notes = r.Notes()
	return res
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "json", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	testTenant    = "a3a7050e-2165-4cc5-a481-bc4b259397d5"
	blockedReason = "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."
)

// wantBlocked is the Azure DevOps PAT sign-in blocked by CA001, as the
// Graph JSON of testdata/json/graph-page.json has it. The other files hold
// the same sign-in in their own shapes; each test case adjusts what its
// format says differently.
func wantBlocked() *Record {
	return &Record{
		Time:              time.Date(2026, 11, 20, 10, 15, 2, 123456700, time.UTC),
		RequestID:         "b27fd72f-4b41-446e-8160-b072930b6057",
		CorrelationID:     "e6895db5-1b4a-4b1d-9a08-869a04e2b1d3",
		OriginalRequestID: "b27fd72f-4b41-446e-8160-b072930b6057",
		SessionID:         "5f0e2a8c-7f55-4a43-9c1e-0d6d3f1c2b11",
		UniqueTokenID:     "L3gQm2Wq0EeYw8hXb1kAAA",
		User: User{ID: "1fe161c6-f484-4b44-af3a-fdd3a009be31", UPN: "svc-build@contoso.com",
			Name: "Build Service", Type: "Member"},
		App:              App{ID: AzureDevOpsAppID, Name: "Azure DevOps"},
		Resource:         App{ID: AzureDevOpsAppID, Name: "Azure DevOps"},
		Flow:             FlowNonInteractive,
		ClientApp:        "Mobile Apps and Desktop clients",
		UserAgent:        "git/2.47.0 (linux) git-credential-manager/2.6.0",
		IP:               "198.51.100.23",
		IPSeenByResource: "198.51.100.23",
		Location:         Location{City: "Amsterdam", State: "Noord-Holland", Country: "NL"},
		ASN:              64510,
		NetworkLocations: []NetworkLocation{},
		Status:           Status{Code: 53003, Result: ResultFailure, Reason: blockedReason},
		CAStatus:         CAFailure,
		Policies: []Policy{
			{ID: "6c6fe338-a1db-4bbc-b984-0054d8199eb6", Name: "CA001 - Azure DevOps: block service accounts outside corporate network",
				Result: CAFailure, GrantControls: []string{"Block"}, SessionControls: []string{},
				ConditionsSatisfied: []string{"application", "users"}, ConditionsNotSatisfied: []string{"location"}},
			{ID: "46bf1a2f-2b1a-4b4a-a023-ae0ebb850bd3", Name: "CA006 - Report-only: Azure DevOps: block all users outside corporate network",
				Result: CAReportOnlyFailure, GrantControls: []string{"Block"}, SessionControls: []string{},
				ConditionsSatisfied: []string{"application", "users", "location"}},
		},
		Device:          Device{OS: "Linux"},
		AuthRequirement: AuthSingleFactor,
		AuthSteps: []AuthStep{{Time: time.Date(2026, 11, 20, 10, 15, 2, 0, time.UTC), Method: "Personal access token",
			Succeeded: BoolPtr(true), Result: "First factor requirement satisfied", Requirement: "Primary authentication"}},
		IncomingTokenType:     "none",
		TokenIssuerType:       "AzureAD",
		ClientCredentialType:  "none",
		AuthProtocol:          "none",
		CrossTenantAccessType: "none",
		HomeTenantID:          testTenant,
		ResourceTenantID:      testTenant,
		RiskLevelDuringSignIn: "none",
		RiskLevelAggregated:   "none",
		RiskState:             "none",
		Source:                Source{File: "in.json", Format: FormatGraphJSON},
		Known:                 AllFields.Remove(FieldMFA, FieldDeviceCompliant, FieldDeviceManaged),
	}
}

// wantSucceeded is the second record of the test files: an interactive
// sign-in from a compliant device.
func wantSucceeded() *Record {
	return &Record{
		Time:          time.Date(2026, 11, 19, 8, 1, 0, 0, time.UTC),
		RequestID:     "0329c8bb-60ae-440b-ac8b-dc7461a73547",
		CorrelationID: "11111111-2222-3333-4444-555555555555",
		User:          User{ID: "8c1e8a0e-2f7b-4bd4-9a11-2f3d4e5f6a7b", UPN: "megan.bowen@contoso.com", Name: "Megan Bowen"},
		App:           App{ID: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", Name: "Azure Portal"},
		Flow:          FlowInteractive,
		ClientApp:     "Browser",
		UserAgent:     "Mozilla/5.0",
		IP:            "192.0.2.20",
		Location:      Location{City: "London", State: "England", Country: "GB"},
		Status:        Status{Result: ResultSuccess, Details: "MFA completed in Azure AD"},
		CAStatus:      CASuccess,
		Policies:      []Policy{},
		Device: Device{ID: "ef5d0c2e-1111-2222-3333-444455556666", Name: "LW-0042", OS: "Windows 10", Browser: "Edge 131.0.0",
			Compliant: BoolPtr(true), Managed: BoolPtr(true), TrustType: TrustEntraJoined},
		MFA:    MFA{Result: "MFA completed in Azure AD", Method: "Mobile app notification"},
		Source: Source{File: "in.json", Format: FormatGraphJSON},
		Known: FieldSet(0).Add(FieldTime, FieldRequestID, FieldCorrelationID, FieldUser, FieldApp, FieldFlow,
			FieldClientApp, FieldUserAgent, FieldIP, FieldLocation, FieldStatusCode, FieldStatusReason,
			FieldStatusDetails, FieldCAStatus, FieldPolicies, FieldDeviceID, FieldDeviceName, FieldDeviceOS,
			FieldDeviceBrowser, FieldDeviceCompliant, FieldDeviceManaged, FieldDeviceTrustType, FieldMFA),
	}
}

// at sets the position and format of an expected record.
func at(r *Record, format Format, line, index int) *Record {
	r.Source.Format, r.Source.Line, r.Source.Index = format, line, index
	return r
}

// asDiagnostic adjusts an expected record for a diagnostic archive, whose
// envelope gives the tenant.
func asDiagnostic(r *Record) *Record {
	r.TenantID = testTenant
	r.Known = r.Known.Add(FieldTenantIDs)
	return r
}

func TestJSONShapes(t *testing.T) {
	graphA, graphB := compactRecords(t, "graph-page.json")
	tests := []struct {
		name   string
		file   string // The input is the file, or input.
		input  string
		format Format
		want   []*Record
		notes  []string
	}{
		{
			name:   "Graph page with @odata members around value",
			file:   "graph-page.json",
			format: FormatGraphJSON,
			want:   []*Record{at(wantBlocked(), FormatGraphJSON, 4, 1), at(wantSucceeded(), FormatGraphJSON, 98, 2)},
		},
		{
			name:   "Graph PowerShell: PascalCase, AdditionalProperties, \\/Date()\\/, CRLF",
			file:   "powershell.json",
			format: FormatGraphJSON,
			want: []*Record{func() *Record {
				r := at(wantBlocked(), FormatGraphJSON, 1, 1)
				r.Time = time.Date(2026, 11, 20, 10, 15, 2, 123000000, time.UTC)
				return r
			}()},
		},
		{
			name:   "Log Analytics: JSON in strings, TRUE/FALSE, numbers as strings, US dates",
			file:   "log-analytics.json",
			format: FormatLogAnalyticsJSON,
			want: []*Record{
				func() *Record {
					r := at(wantBlocked(), FormatLogAnalyticsJSON, 2, 1)
					r.Time = time.Date(2026, 11, 20, 10, 15, 2, 123000000, time.UTC)
					r.TenantID = testTenant // AADTenantId; TenantId is the workspace.
					// The row has no service principal columns, and an
					// empty MfaDetail object.
					r.Known = r.Known.Remove(FieldServicePrincipal).Add(FieldMFA)
					return r
				}(),
				// Real JSON columns this time, with "TRUE" booleans.
				asDiagnostic(at(wantSucceeded(), FormatLogAnalyticsJSON, 53, 2)),
			},
		},
		{
			name:   "concatenated arrays, as Microsoft-Extractor-Suite appends pages",
			input:  "[\r\n" + graphA + "\r\n]\r\n[\r\n" + graphB + "\r\n]\r\n",
			format: FormatGraphJSON,
			want:   []*Record{at(wantBlocked(), FormatGraphJSON, 2, 1), at(wantSucceeded(), FormatGraphJSON, 5, 2)},
		},
		{
			name:   "NDJSON with CRLF and a blank line",
			input:  graphA + "\r\n\r\n" + graphB + "\r\n",
			format: FormatGraphJSON,
			want:   []*Record{at(wantBlocked(), FormatGraphJSON, 1, 1), at(wantSucceeded(), FormatGraphJSON, 3, 2)},
		},
		{
			name:   "bare array",
			input:  "[" + graphA + "," + graphB + "]",
			format: FormatGraphJSON,
			want:   []*Record{at(wantBlocked(), FormatGraphJSON, 1, 1), at(wantSucceeded(), FormatGraphJSON, 1, 2)},
		},
		{
			name:   "diagnostic lines: CRLF, blank line, integer conditions, string Level and durationMs, -05:00",
			file:   "diagnostic.ndjson",
			format: FormatDiagnosticJSON,
			want: []*Record{
				func() *Record {
					r := asDiagnostic(at(wantBlocked(), FormatDiagnosticJSON, 1, 1))
					r.Device.ID = "{PII Removed}"
					return r
				}(),
				asDiagnostic(at(wantSucceeded(), FormatDiagnosticJSON, 3, 2)),
			},
		},
		{
			name:   `Event Hub {"records":[...]}`,
			file:   "eventhub.json",
			format: FormatDiagnosticJSON,
			want: []*Record{
				func() *Record {
					r := asDiagnostic(at(wantBlocked(), FormatDiagnosticJSON, 1, 1))
					r.Device.ID = "{PII Removed}"
					return r
				}(),
				asDiagnostic(at(wantSucceeded(), FormatDiagnosticJSON, 2, 2)),
			},
		},
		{
			name:   "syslog prefixes",
			file:   "syslog.log",
			format: FormatDiagnosticJSON,
			want: []*Record{
				func() *Record {
					r := asDiagnostic(at(wantBlocked(), FormatDiagnosticJSON, 1, 1))
					r.Device.ID = "{PII Removed}"
					return r
				}(),
				asDiagnostic(at(wantSucceeded(), FormatDiagnosticJSON, 2, 2)),
			},
			notes: []string{"removed a syslog prefix from 2 lines"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := tt.input
			if tt.file != "" {
				input = readTestdata(t, tt.file)
			}
			if f, ok := detectJSON([]byte(input)); !ok || f != tt.format {
				t.Errorf("detectJSON = %q, %v; want %q", f, ok, tt.format)
			}
			res := readJSONInput(t, input, SourceInfo{Format: tt.format})
			if res.fatal != nil || len(res.skipped) > 0 {
				t.Fatalf("errors: %v %v", res.fatal, res.skipped)
			}
			if len(res.records) != len(tt.want) {
				t.Fatalf("got %d records, want %d", len(res.records), len(tt.want))
			}
			for i, got := range res.records {
				compareRecords(t, fmt.Sprintf("record %d", i+1), got, tt.want[i])
			}
			if !reflect.DeepEqual(res.notes, tt.notes) {
				t.Errorf("notes = %q, want %q", res.notes, tt.notes)
			}
		})
	}
}

// compactRecords returns the two records of a test file, each on one line.
func compactRecords(t *testing.T, file string) (string, string) {
	t.Helper()
	s := newJSONSplitter(strings.NewReader(readTestdata(t, file)), SourceInfo{Name: file})
	var out []string
	for {
		c, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, c.Data); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.String())
	}
	if len(out) != 2 {
		t.Fatalf("%s holds %d records, want 2", file, len(out))
	}
	return out[0], out[1]
}

// compareRecords reports each field of got that differs from want.
func compareRecords(t *testing.T, what string, got, want *Record) {
	t.Helper()
	gv, wv := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := 0; i < gv.NumField(); i++ {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if name == "Known" {
			if gk, wk := g.(FieldSet), w.(FieldSet); gk != wk {
				t.Errorf("%s: Known lacks %v and has extra %v", what, gk.Missing(wk), wk.Missing(gk))
			}
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: %s = %s\n want %s", what, name, show(g), show(w))
		}
	}
}

// show prints a value with the targets of its *bool fields.
func show(v any) string {
	s := fmt.Sprintf("%+v", v)
	if d, ok := v.(Device); ok {
		s += fmt.Sprintf(" (compliant %s, managed %s)", showBool(d.Compliant), showBool(d.Managed))
	}
	return s
}

func showBool(b *bool) string {
	if b == nil {
		return "nil"
	}
	return fmt.Sprint(*b)
}
