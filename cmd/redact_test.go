package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/analyze/render"
	"github.com/signinspect/signinspect/internal/samplegen/scenario"
	"github.com/signinspect/signinspect/redact"
)

// redactCmd runs signinspect with test streams.
func redactCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := Test()
	code = Run(context.Background(), ios, args)
	return code, out.String(), errOut.String()
}

const samples = "../samples"

// writeKey writes a key file and returns its path.
func writeKey(t *testing.T, key string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(p, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// identities returns the personal values of the sample scenario.
func identities() []string {
	sc := scenario.New()
	var out []string
	for _, p := range sc.People {
		out = append(out, p.UPN, p.Name, p.ID)
	}
	for _, s := range sc.SignIns {
		for _, v := range []string{s.Device.ID, s.Device.Name, s.From.IP, s.SeenByResource} {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	return append(out, scenario.TenantID)
}

// analyzeJSON runs analyze with -o json and decodes the report.
func analyzeJSON(t *testing.T, args ...string) *analyze.Report {
	t.Helper()
	code, out, errOut := redactCmd(t, append([]string{"analyze", "-o", "json", "--top", "0"}, args...)...)
	if code != ExitOK {
		t.Fatalf("analyze %v: exit %d: %s", args, code, errOut)
	}
	var rep analyze.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

// TestRedactedExportsGiveTheSameAnalysis redacts every sample with the
// named locations, analyses each original and its copy, and compares the
// reports: the same counts, findings, policies, error codes, timeline,
// devices and locations, with pseudonyms for identities.
func TestRedactedExportsGiveTheSameAnalysis(t *testing.T) {
	out := filepath.Join(t.TempDir(), "redacted")
	keyText := "a key the customer keeps, 0123456789"
	key := writeKey(t, keyText)
	p, err := redact.New([]byte(keyText), redact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := redactCmd(t, "redact", samples, "--out", out, "--key-file", key,
		"--named-locations", filepath.Join(samples, "named-locations.json"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, err := scenario.New().Files()
	if err != nil {
		t.Fatal(err)
	}
	exports, records := scenario.Exports(files), 0
	for _, f := range exports {
		if f.Format != "portal-authdetails-csv" { // Steps, not sign-ins.
			records += len(f.SignIns)
		}
	}
	summary := fmt.Sprintf("Wrote %d redacted inputs (%s records) to %s", len(exports)+1, analyze.Count(records), out)
	for _, want := range []string{summary, "UPNs and e-mail addresses", "IP addresses"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "README.md: not a sign-in log export; left out") {
		t.Errorf("stderr: %s", stderr)
	}
	for _, f := range files {
		if f.Format == "" && len(f.Members) == 0 || f.Format == "portal-authdetails-csv" {
			continue
		}
		for _, filter := range [][]string{{"--app", "any", "--flow", "any"}, nil} {
			t.Run(fmt.Sprint(f.Path, filter), func(t *testing.T) {
				orig := analyzeJSON(t, append([]string{filepath.Join(samples, f.Path), "--named-locations", filepath.Join(samples, "named-locations.json")}, filter...)...)
				red := analyzeJSON(t, append([]string{filepath.Join(out, redactedPath(p, f.Path)), "--named-locations", filepath.Join(out, "named-locations.json")}, filter...)...)
				compareReports(t, p, orig, red)
			})
		}
	}
}

// redactedPath returns a sample's path as redact names its copy: the
// tenant name of the portal's download replaced by its pseudonym.
func redactedPath(p *redact.Pseudonymizer, path string) string {
	tenant := strings.ToUpper(scenario.TenantName)
	return strings.ReplaceAll(path, tenant+"_", p.TenantName(tenant)+"_")
}

// customApps returns the scenario's own applications (its workloads) by
// name and ID, with their pseudonyms under p: what redaction replaces of
// the apps, where Microsoft's stay.
func customApps(p *redact.Pseudonymizer) map[string]string {
	out := map[string]string{}
	for _, s := range scenario.New().SignIns {
		if w := s.Workload; w != nil {
			out[w.Name] = p.AppName(w.Name)
			out[w.AppID] = p.ID(w.AppID)
		}
	}
	return out
}

// compareReports checks that b, the report of a redacted copy, says what a,
// the original's, says, modulo pseudonyms.
func compareReports(t *testing.T, p *redact.Pseudonymizer, a, b *analyze.Report) {
	t.Helper()
	apps := customApps(p)
	pseudonymize := func(s string) string {
		for orig, pseudo := range apps {
			s = strings.ReplaceAll(s, orig, pseudo)
		}
		return s
	}
	want, got := a.Summary, b.Summary
	want.NoMatch = pseudonymize(want.NoMatch)
	// A bundle holds the exports alone: the inputs read are compared, not
	// the files that were not exports.
	want.Inputs, want.Unread = want.Inputs-want.Unread, 0
	got.Inputs, got.Unread = got.Inputs-got.Unread, 0
	if want != got && !reflect.DeepEqual(want, got) {
		t.Errorf("summary %+v, was %+v", b.Summary, a.Summary)
	}
	wantApps := append([]analyze.GroupStat(nil), a.Apps...)
	for i := range wantApps {
		wantApps[i].Name, wantApps[i].ID = pseudonymize(wantApps[i].Name), pseudonymize(wantApps[i].ID)
	}
	sort.Slice(wantApps, func(i, j int) bool {
		return wantApps[i].Matched > wantApps[j].Matched || wantApps[i].Matched == wantApps[j].Matched && wantApps[i].Name < wantApps[j].Name
	})
	gotApps := append([]analyze.GroupStat(nil), b.Apps...)
	sort.Slice(gotApps, func(i, j int) bool {
		return gotApps[i].Matched > gotApps[j].Matched || gotApps[i].Matched == gotApps[j].Matched && gotApps[i].Name < gotApps[j].Name
	})
	if !reflect.DeepEqual(wantApps, gotApps) {
		t.Errorf("apps\n%+v\nwant\n%+v", gotApps, wantApps)
	}
	type finding struct {
		Rule, Severity, Title string
		Count                 int
		Requests              string
	}
	findings := func(r *analyze.Report) []finding {
		var out []finding
		for _, f := range r.Findings {
			var ids []string
			for _, e := range f.Evidence {
				ids = append(ids, e.RequestID+"/"+fmt.Sprint(e.Code)+"/"+strings.Join(e.Policies, ","))
			}
			sort.Strings(ids)
			out = append(out, finding{f.Rule, f.Severity.String(), f.Title, f.Count, strings.Join(ids, " ")})
		}
		return out
	}
	if fa, fb := findings(a), findings(b); !reflect.DeepEqual(fa, fb) {
		t.Errorf("findings\n%+v\nwere\n%+v", fb, fa)
	}
	for _, x := range []struct {
		name string
		a, b any
	}{
		{"policies", a.Policies, b.Policies},
		{"devices", a.Devices, b.Devices},
		{"timeline", a.Timeline, b.Timeline},
	} {
		if !reflect.DeepEqual(x.a, x.b) {
			t.Errorf("%s\n%+v\nwere\n%+v", x.name, x.b, x.a)
		}
	}
	codes := func(r *analyze.Report) []string {
		var out []string
		for _, e := range r.Errors {
			out = append(out, fmt.Sprint(e.Code, e.Name, e.ConditionalAccess, e.Count))
		}
		return out
	}
	if !reflect.DeepEqual(codes(a), codes(b)) {
		t.Errorf("error codes %v, were %v", codes(b), codes(a))
	}
	locations := func(r *analyze.Report) []string {
		var out []string
		for _, l := range r.Locations {
			trusted := "?"
			if l.Trusted != nil {
				trusted = fmt.Sprint(*l.Trusted)
			}
			out = append(out, fmt.Sprint(l.City, l.State, l.Country, l.ASN, l.IPFamily, l.NamedLocations, trusted,
				len(l.SeenByResource), l.Failures, l.Successes))
		}
		sort.Strings(out)
		return out
	}
	if !reflect.DeepEqual(locations(a), locations(b)) {
		t.Errorf("locations\n%v\nwere\n%v", locations(b), locations(a))
	}
	if len(a.Users) != len(b.Users) {
		t.Errorf("%d users, were %d", len(b.Users), len(a.Users))
	}
}

func TestRedactCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(samples, "portal-csv-55", "NonInteractiveSignIns_2026-11-20_2026-11-21.csv")
	key := writeKey(t, "0123456789abcdef0123456789")
	otherKey := writeKey(t, "another key 0123456789abcdef")

	// The same key file gives the same file; another key another one.
	read := func(out string) string {
		b, err := os.ReadFile(filepath.Join(out, filepath.Base(in)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var outs []string
	for i, k := range []string{key, key, otherKey} {
		out := filepath.Join(dir, fmt.Sprint("out", i))
		if code, _, errOut := redactCmd(t, "redact", in, "--out", out, "--key-file", k); code != ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		outs = append(outs, read(out))
	}
	if outs[0] != outs[1] || outs[0] == outs[2] {
		t.Error("--key-file does not make pseudonyms stable and keyed")
	}

	// --keep-ips and --keep-domain.
	keep := filepath.Join(dir, "keep")
	if code, _, errOut := redactCmd(t, "redact", in, "--out", keep, "--keep-ips", "--keep-domain"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	text := read(keep)
	if !strings.Contains(text, "198.51.100.23") || !strings.Contains(text, "@contoso.com") || strings.Contains(text, "svc-build@") {
		t.Errorf("--keep-ips --keep-domain output:\n%.600s", text)
	}

	// --drop-locations blanks cities.
	drop := filepath.Join(dir, "drop")
	code, stdout, _ := redactCmd(t, "redact", in, "--out", drop, "--drop-locations")
	if code != ExitOK || strings.Contains(read(drop), "Amsterdam") || !strings.Contains(read(drop), ", , NL") {
		t.Errorf("--drop-locations: exit %d\n%s", code, stdout)
	}

	// --dry-run writes nothing and says so.
	dry := filepath.Join(dir, "dry")
	code, stdout, _ = redactCmd(t, "redact", in, "--out", dry, "--dry-run")
	if _, err := os.Stat(dry); code != ExitOK || !os.IsNotExist(err) || !strings.Contains(stdout, "Dry run: nothing was written.") ||
		!strings.Contains(stdout, "Would write 1 redacted input (") {
		t.Errorf("--dry-run: exit %d, stat %v\n%s", code, err, stdout)
	}

	// Refusals and usage errors.
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"redact", in}, ExitUsage, "--out DIR is required"},
		{[]string{"redact", filepath.Join(samples, "portal-csv"), "--out", filepath.Join(samples, "portal-csv", "redacted")}, ExitError, "is inside the input folder"},
		{[]string{"redact", in, "--out", in}, ExitError, "is the input"},
		{[]string{"redact", in, "--out", filepath.Dir(in)}, ExitError, "holds the input"},
		{[]string{"redact", in, "--out", filepath.Join(dir, "x"), "--key-file", filepath.Join(dir, "missing")}, ExitError, "--key-file "},
		{[]string{"redact", in, "--out", filepath.Join(dir, "x"), "--format", "nope"}, ExitUsage, "--format"},
		{[]string{"redact", filepath.Join(samples, "named-locations.json"), "--out", filepath.Join(dir, "x")}, ExitError, "pass it with --named-locations"},
		{[]string{"analyze", in, "--key-file", key}, ExitUsage, "--key-file goes with --redact"},
		{[]string{"redact", in, "--out", filepath.Join(dir, "x"), "--named-locations", in}, ExitError, "--named-locations"},
	} {
		code, _, errOut := redactCmd(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(samples, "portal-csv", "redacted")); !os.IsNotExist(err) {
		t.Error("a refused run created its output folder")
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); !os.IsNotExist(err) {
		t.Error("a failed run created its output folder")
	}
}

// reportText returns the text of a rendered report: the report itself, or
// for a workbook every cell's value.
func reportText(t *testing.T, format, out string) string {
	t.Helper()
	if format != "xlsx" {
		return out
	}
	f, err := excelize.OpenReader(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for _, row := range rows {
			b.WriteString(strings.Join(row, "\t") + "\n")
		}
	}
	return b.String()
}

// TestAnalyzeRedact renders a redacted report in every format and checks
// that no identity is left, and that the pseudonyms are those of redact
// under the same key.
func TestAnalyzeRedact(t *testing.T) {
	in := filepath.Join(samples, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json")
	named := filepath.Join(samples, "named-locations.json")
	keyText := "0123456789abcdef0123456789"
	key := writeKey(t, keyText)
	p, err := redact.New([]byte(keyText), redact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pseudonym := p.UPN("svc-build@contoso.com")
	ip, _ := p.IP("198.51.100.23")
	for _, format := range render.Names() {
		t.Run(format, func(t *testing.T) {
			args := []string{"analyze", in, "--named-locations", named, "--app", "any", "--flow", "any",
				"--user", "svc-build@contoso.com", "--user", "Adele Vance", "--redact", "--key-file", key, "-o", format}
			code, out, errOut := redactCmd(t, args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			out = reportText(t, format, out)
			low := strings.ToLower(out)
			for _, s := range identities() {
				if strings.Contains(low, strings.ToLower(s)) {
					t.Errorf("the %s report holds %q", format, s)
				}
			}
			if !strings.Contains(out, pseudonym) {
				t.Errorf("the %s report lacks the pseudonym %s of the --user filter", format, pseudonym)
			}
			if format == "json" && !strings.Contains(out, ip) {
				t.Errorf("the JSON report lacks the pseudonym %s of the blocked IP", ip)
			}
			// The unredacted report does hold the identities: the test
			// can fail.
			code, plain, _ := redactCmd(t, args[:len(args)-5]...)
			if code != ExitOK || !strings.Contains(plain, "svc-build@contoso.com") {
				t.Errorf("the plain %s report lacks the UPN", format)
			}
		})
	}
	rep := analyzeJSON(t, in, "--redact", "--app", "any", "--flow", "any")
	if !rep.Redacted {
		t.Error("the JSON report does not say it is redacted")
	}
	// The rules' own words stay as their authors wrote them: only the
	// values their fixes quote are redacted.
	found := false
	for _, f := range rep.Findings {
		if f.Rule == "ipv6-caller-ipv4-only-locations" {
			found = true
			if !strings.Contains(f.Fix, "::ffff:203.0.113.7, the ::ffff: form of its IPv4 range") {
				t.Errorf("the rule's example was rewritten: %s", f.Fix)
			}
			if !strings.Contains(f.Fix, "(3fff:") || strings.Contains(f.Fix, "2001:db8:4d2:10::17") {
				t.Errorf("the caller's address in the fix is not redacted: %s", f.Fix)
			}
		}
	}
	if !found {
		t.Error("no IPv6 finding: the test does not test")
	}
}
