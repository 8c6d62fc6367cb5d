package synth

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/signinspect/signinspect/parse"
)

// exportNames are the file names the formats are written under: a portal
// CSV's flow is told only by its name.
var exportNames = map[Format]string{
	FormatJSONL:      "signins.jsonl",
	FormatPortalJSON: "signins.json",
	FormatPortalCSV:  "NonInteractiveSignIns_2025-10-25_2025-11-24.csv",
	FormatDiagnostic: "PT1H.json",
}

// detectedAs is the parse format each generated format must be read as.
var detectedAs = map[Format]parse.Format{
	FormatJSONL:      parse.FormatGraphJSON,
	FormatPortalJSON: parse.FormatGraphJSON,
	FormatPortalCSV:  parse.FormatPortalCSV,
	FormatDiagnostic: parse.FormatDiagnosticJSON,
}

// readBack writes the export of cfg in format f to a file and reads it
// with signinspect's parse package, as the analyze command does. Every
// record must read: a skipped record fails the test.
func readBack(t *testing.T, cfg Config, f Format) []*parse.Record {
	t.Helper()
	path := filepath.Join(t.TempDir(), exportNames[f])
	if err := os.WriteFile(path, generate(t, cfg, f), 0o644); err != nil {
		t.Fatal(err)
	}
	inputs, err := parse.Expand([]string{path}, parse.Options{})
	if err != nil || len(inputs) != 1 {
		t.Fatalf("%s: Expand = %d inputs, %v", f, len(inputs), err)
	}
	rd, err := parse.Open(inputs[0], parse.Options{})
	if err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	defer rd.Close()
	if rd.Format != detectedAs[f] {
		t.Errorf("%s: detected as %s, want %s", f, rd.Format, detectedAs[f])
	}
	recs, err := parse.ReadAll(rd)
	if err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return recs
}

// TestFormatsReadAsTheSameSignIns reads every format with the parse package
// and checks that no record is skipped and that all formats hold the same
// sign-ins: the JSON formats the whole stream, field for field; the portal
// CSV its non-interactive sign-ins, with every fact the CSV carries.
func TestFormatsReadAsTheSameSignIns(t *testing.T) {
	cfg := Config{Records: 600, Seed: 11}
	want := signIns(cfg)
	jsonl := readBack(t, cfg, FormatJSONL)
	if len(jsonl) != len(want) {
		t.Fatalf("jsonl: %d records, want %d", len(jsonl), len(want))
	}
	for i, rec := range jsonl {
		checkRecord(t, "jsonl", rec, &want[i])
	}

	for _, f := range []Format{FormatPortalJSON, FormatDiagnostic} {
		recs := readBack(t, cfg, f)
		if len(recs) != len(jsonl) {
			t.Fatalf("%s: %d records, want %d", f, len(recs), len(jsonl))
		}
		for i := range recs {
			a, b := *jsonl[i], *recs[i]
			a.Source, b.Source = parse.Source{}, parse.Source{}
			// A diagnostic record also carries its tenant and says so.
			b.TenantID, b.Known = "", a.Known
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s record %d differs from jsonl:\n jsonl: %+v\n %s: %+v", f, i+1, a, f, b)
			}
		}
	}

	csv := readBack(t, cfg, FormatPortalCSV)
	var nonInteractive []*SignIn
	for i := range want {
		if !want[i].Interactive {
			nonInteractive = append(nonInteractive, &want[i])
		}
	}
	if len(csv) != len(nonInteractive) || len(csv) == len(want) {
		t.Fatalf("portal-csv: %d records, want the %d non-interactive of %d", len(csv), len(nonInteractive), len(want))
	}
	for i, rec := range csv {
		checkRecord(t, "portal-csv", rec, nonInteractive[i])
	}
}

// checkRecord compares what parse read with the sign-in that was written,
// on every fact both JSON and CSV carry.
func checkRecord(t *testing.T, where string, rec *parse.Record, s *SignIn) {
	t.Helper()
	wantFlow := parse.FlowNonInteractive
	if s.Interactive {
		wantFlow = parse.FlowInteractive
	}
	type facts struct {
		Time                                         time.Time
		ID, Correlation, UPN, UserID, UserName       string
		AppID, AppName, ResourceID, ResourceName, IP string
		Code                                         int
		Failed                                       bool
		Flow, CAStatus, City, Country, ClientApp, UA string
		ASN                                          int
		DeviceID, OS, Browser                        string
		Compliant, Managed                           string
	}
	got := facts{rec.Time, rec.RequestID, rec.CorrelationID, rec.User.UPN, rec.User.ID, rec.User.Name,
		rec.App.ID, rec.App.Name, rec.Resource.ID, rec.Resource.Name, rec.IP,
		rec.Status.Code, rec.Failed(), rec.Flow, rec.CAStatus, rec.Location.City, rec.Location.Country,
		rec.ClientApp, rec.UserAgent, rec.ASN, rec.Device.ID, rec.Device.OS, rec.Device.Browser,
		ptrString(rec.Device.Compliant), ptrString(rec.Device.Managed)}
	want := facts{time.Unix(s.Created, 0).UTC(), s.ID, s.CorrelationID, s.User.UPN, s.User.ID, s.User.Name,
		s.App.ID, s.App.Name, s.App.ResourceID, s.App.ResourceName, s.IP,
		s.Code, s.Failed(), wantFlow, s.CAStatus, s.City.Name, s.City.Country,
		s.ClientApp, s.UserAgent, s.ASN, s.Device.ID, s.Device.OS, s.Device.Browser,
		triString(s.Device.Compliant), triString(s.Device.Managed)}
	if got != want {
		t.Fatalf("%s: sign-in %s read as\n %+v\nwant\n %+v", where, s.ID, got, want)
	}
	if s.Failed() && rec.Status.Reason != s.Reason {
		t.Fatalf("%s: sign-in %s reason %q, want %q", where, s.ID, rec.Status.Reason, s.Reason)
	}
	if rec.Known.Has(parse.FieldPolicies) {
		var names, results []string
		for _, p := range rec.Policies {
			names, results = append(names, p.Name), append(results, p.Result)
		}
		var wantNames, wantResults []string
		for _, p := range s.Policies {
			wantNames, wantResults = append(wantNames, p.Policy.Name), append(wantResults, p.Result)
		}
		if !reflect.DeepEqual(names, wantNames) || !reflect.DeepEqual(results, wantResults) {
			t.Fatalf("%s: sign-in %s policies %v %v, want %v %v", where, s.ID, names, results, wantNames, wantResults)
		}
	}
}

func ptrString(b *bool) string {
	switch {
	case b == nil:
		return "null"
	case *b:
		return "true"
	}
	return "false"
}

func triString(v Tri) string {
	switch v {
	case True:
		return "true"
	case False:
		return "false"
	}
	return "null"
}
