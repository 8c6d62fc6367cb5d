package parse_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/internal/samplegen/scenario"
	"github.com/signinspect/signinspect/parse"
)

// This file reads every sample export (samples/, written by
// internal/samplegen from one scenario) and checks two things: that each
// file parses completely, as the format it is, into the sign-ins the
// scenario put in it; and that one sign-in read from different formats gives
// the same facts wherever both formats carry them.

// sampleRead is one sample export as parse read it.
type sampleRead struct {
	file    scenario.File
	format  parse.Format
	records []*parse.Record
}

// readSamples opens every sample export through parse.Expand and parse.Open,
// as the analyze command does.
func readSamples(t *testing.T) []sampleRead {
	t.Helper()
	files, err := scenario.New().Files()
	if err != nil {
		t.Fatal(err)
	}
	var out []sampleRead
	for _, f := range scenario.Exports(files) {
		name, member, _ := strings.Cut(f.Path, "!")
		inputs, err := parse.Expand([]string{filepath.Join("..", "samples", filepath.FromSlash(name))}, parse.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		var in *parse.Input
		for i := range inputs {
			if member == "" || strings.HasSuffix(inputs[i].Name, "!"+member) {
				in = &inputs[i]
			}
		}
		if in == nil {
			t.Fatalf("%s: parse.Expand found no such input among %d", f.Path, len(inputs))
		}
		r, err := parse.Open(*in, parse.Options{})
		if err != nil {
			t.Errorf("%s: %v", f.Path, err)
			continue
		}
		records, err := parse.ReadAll(r)
		r.Close()
		if err != nil {
			// Every sample is a valid export: a skipped record is a bug.
			t.Errorf("%s: %v", f.Path, err)
		}
		out = append(out, sampleRead{file: f, format: r.Format, records: records})
	}
	return out
}

// TestSamplesParseCompletely checks that every sample export is detected as
// its format and read without a skipped record, into exactly the sign-ins
// the scenario wrote into it, in order.
func TestSamplesParseCompletely(t *testing.T) {
	for _, s := range readSamples(t) {
		f := s.file
		if string(s.format) != f.Format {
			t.Errorf("%s: detected as %s, want %s", f.Path, s.format, f.Format)
		}
		want := f.SignIns
		if s.format == parse.FormatPortalAuthDetailsCSV {
			want = nil // Authentication steps, not sign-ins.
		}
		var got, wantIDs []string
		for _, r := range s.records {
			got = append(got, r.RequestID)
		}
		for _, si := range want {
			wantIDs = append(wantIDs, si.RequestID)
		}
		if strings.Join(got, " ") != strings.Join(wantIDs, " ") {
			t.Errorf("%s: read request IDs\n%v\nwant\n%v", f.Path, got, wantIDs)
			continue
		}
		for i, r := range s.records {
			si := want[i]
			if r.Known.Has(parse.FieldFlow) && r.Flow != string(si.Flow) {
				t.Errorf("%s: %s: flow %q, want %q", f.Path, r.RequestID, r.Flow, si.Flow)
			}
			if r.Status.Code != si.Outcome.Code || r.Failed() != si.Failed() {
				t.Errorf("%s: %s: status %d (failed %t), want %d", f.Path, r.RequestID, r.Status.Code, r.Failed(), si.Outcome.Code)
			}
			if !r.Time.Equal(si.Time.Truncate(time.Second)) && !r.Time.Equal(si.Time) && !r.Time.Equal(si.Time.Truncate(time.Millisecond)) {
				t.Errorf("%s: %s: time %s, want %s", f.Path, r.RequestID, r.Time.Format(time.RFC3339Nano), si.Time.Format(time.RFC3339Nano))
			}
			if r.Known.Has(parse.FieldIP) && r.IP != si.From.IP {
				t.Errorf("%s: %s: IP %q, want %q", f.Path, r.RequestID, r.IP, si.From.IP)
			}
			if si.User != nil && r.Known.Has(parse.FieldUser) && r.User.UPN != si.User.UPN {
				t.Errorf("%s: %s: user %q, want %q", f.Path, r.RequestID, r.User.UPN, si.User.UPN)
			}
		}
	}
}

// TestCrossFormatSignIn checks that a sign-in read from any two sample
// formats gives the same facts on every field both carry. The scenario's
// cross-format sign-in must be read from every file that holds it; the
// other sign-ins that several files hold are compared the same way.
func TestCrossFormatSignIn(t *testing.T) {
	type seen struct {
		path string
		rec  *parse.Record
	}
	byID := map[string][]seen{}
	holders := 0
	for _, s := range readSamples(t) {
		if s.file.Holds(scenario.CrossFormatRequestID) && s.format != parse.FormatPortalAuthDetailsCSV {
			holders++
			found := false
			for _, r := range s.records {
				found = found || r.RequestID == scenario.CrossFormatRequestID
			}
			if !found {
				t.Errorf("%s: the cross-format sign-in %s was not read", s.file.Path, scenario.CrossFormatRequestID)
			}
		}
		for _, r := range s.records {
			byID[r.RequestID] = append(byID[r.RequestID], seen{s.file.Path, r})
		}
	}
	if len(byID[scenario.CrossFormatRequestID]) < holders || holders < 15 {
		t.Fatalf("the cross-format sign-in was read from %d files; %d hold it", len(byID[scenario.CrossFormatRequestID]), holders)
	}

	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var compared parse.FieldSet // Fields compared between two formats on some sign-in.
	for _, id := range ids {
		reads := byID[id]
		for _, other := range reads[1:] {
			first := reads[0]
			common := first.rec.Known & other.rec.Known
			for _, f := range parse.Fields() {
				if !common.Has(f) || isRedacted(first.rec, f) || isRedacted(other.rec, f) {
					continue
				}
				compared = compared.Add(f)
				a, b := fieldValue(first.rec, f), fieldValue(other.rec, f)
				if a != b {
					t.Errorf("sign-in %s, field %s:\n  %s: %s\n  %s: %s", id, f, first.path, a, other.path, b)
				}
			}
		}
	}
	// Every field must have been compared between two formats on some
	// sign-in, or the test proves less than it claims.
	if missing := compared.Missing(parse.AllFields); len(missing) > 0 {
		t.Errorf("fields never compared between two formats: %v", missing)
	}
}

// redacted is how diagnostic archives hide device IDs and names; a
// redacted value is not compared.
const redacted = "{PII Removed}"

// isRedacted reports whether the export hid field f of r.
func isRedacted(r *parse.Record, f parse.Field) bool {
	return (f == parse.FieldDeviceID && r.Device.ID == redacted) || (f == parse.FieldDeviceName && r.Device.Name == redacted)
}

// fieldValue returns a comparable rendering of the part of r that field f
// names. Times are compared to the second, the precision every format
// carries (portal CSV and Graph have whole seconds, Log Analytics
// milliseconds, diagnostic archives 100 ns).
func fieldValue(r *parse.Record, f parse.Field) string {
	b := func(p *bool) string {
		if p == nil {
			return "unknown"
		}
		return fmt.Sprint(*p)
	}
	switch f {
	case parse.FieldTime:
		return r.Time.UTC().Truncate(time.Second).Format(time.RFC3339)
	case parse.FieldRequestID:
		return r.RequestID
	case parse.FieldCorrelationID:
		return r.CorrelationID
	case parse.FieldSessionID:
		return r.SessionID
	case parse.FieldUser:
		return fmt.Sprintf("%q %q %q", r.User.ID, r.User.UPN, r.User.Name)
	case parse.FieldUserType:
		return r.User.Type
	case parse.FieldServicePrincipal:
		return fmt.Sprintf("%+v", r.ServicePrincipal)
	case parse.FieldApp:
		return fmt.Sprintf("%+v", r.App)
	case parse.FieldResource:
		return fmt.Sprintf("%+v", r.Resource)
	case parse.FieldFlow:
		return r.Flow
	case parse.FieldClientApp:
		return r.ClientApp
	case parse.FieldUserAgent:
		return r.UserAgent
	case parse.FieldIP:
		return r.IP
	case parse.FieldIPSeenByResource:
		return r.IPSeenByResource
	case parse.FieldLocation:
		return fmt.Sprintf("%+v", r.Location)
	case parse.FieldASN:
		return fmt.Sprint(r.ASN)
	case parse.FieldNetworkLocations:
		return fmt.Sprintf("%+v", r.NetworkLocations)
	case parse.FieldStatusCode:
		return fmt.Sprintf("%d %s", r.Status.Code, r.Status.Result)
	case parse.FieldStatusReason:
		return r.Status.Reason
	case parse.FieldStatusDetails:
		return r.Status.Details
	case parse.FieldCAStatus:
		return r.CAStatus
	case parse.FieldPolicies:
		var out []string
		for _, p := range r.Policies {
			out = append(out, fmt.Sprintf("{%s %q %s grant=%v session=%v strength=%q}", p.ID, p.Name, p.Result,
				p.GrantControls, p.SessionControls, p.AuthenticationStrength))
		}
		return strings.Join(out, " ")
	case parse.FieldPolicyConditions:
		var out []string
		for _, p := range r.Policies {
			out = append(out, fmt.Sprintf("%s: %v / %v", p.ID, p.ConditionsSatisfied, p.ConditionsNotSatisfied))
		}
		return strings.Join(out, "; ")
	case parse.FieldDeviceID:
		return r.Device.ID
	case parse.FieldDeviceName:
		return r.Device.Name
	case parse.FieldDeviceOS:
		return r.Device.OS
	case parse.FieldDeviceBrowser:
		return r.Device.Browser
	case parse.FieldDeviceCompliant:
		return b(r.Device.Compliant)
	case parse.FieldDeviceManaged:
		return b(r.Device.Managed)
	case parse.FieldDeviceTrustType:
		return r.Device.TrustType
	case parse.FieldAuthRequirement:
		return r.AuthRequirement
	case parse.FieldMFA:
		return fmt.Sprintf("%+v", r.MFA)
	case parse.FieldAuthSteps:
		var out []string
		for _, s := range r.AuthSteps {
			out = append(out, fmt.Sprintf("{%s %q %q %s %q %q}", s.Time.UTC().Truncate(time.Second).Format(time.RFC3339),
				s.Method, s.Detail, b(s.Succeeded), s.Result, s.Requirement))
		}
		return strings.Join(out, " ")
	case parse.FieldIncomingTokenType:
		return r.IncomingTokenType
	case parse.FieldTenantIDs:
		return fmt.Sprintf("home=%s resource=%s", r.HomeTenantID, r.ResourceTenantID)
	case parse.FieldRisk:
		return fmt.Sprintf("%s %s %s", r.RiskLevelDuringSignIn, r.RiskLevelAggregated, r.RiskState)
	}
	panic(errors.New("crossformat_test: no rendering of field " + f.String()))
}
