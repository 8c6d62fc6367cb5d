package analyze

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/signinspect/signinspect/internal/benchgen/synth"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// The differential tests prove the fast path exact: a run with the raw
// prefilter and several workers gives, byte for byte, the JSON report of a
// run that decodes every record on one worker, over every sample and over
// generated exports in each format, for filters that the prefilter acts on
// and for records that spell the filtered user in every way the matcher
// accepts (other case, JSON escapes, CSV quote doubling, non-ASCII letters,
// the Kelvin sign and the long s that Unicode folds to k and s).

// differentialFilters returns the filters the differential tests run.
func differentialFilters(users []string) []Filter {
	window := func(f Filter) Filter {
		f.Since = time.Date(2025, 11, 17, 0, 0, 0, 0, time.UTC)
		f.Until = time.Date(2025, 11, 19, 0, 0, 0, 0, time.UTC)
		return f
	}
	fs := []Filter{
		DefaultFilter(),
		{Apps: []string{"any"}, Flow: FlowAny},
		{Apps: []string{"Microsoft Teams", "azure portal"}, Flow: FlowAny},
		{Apps: []string{"No Such Application"}, Flow: FlowAny},
		{Users: []string{"nobody.at.all@contoso.com"}, Apps: []string{AzureDevOpsApp}, Flow: FlowAny},
		window(Filter{Users: []string{"megan.bowen@contoso.com"}, Apps: []string{AzureDevOpsApp}, Flow: parse.FlowNonInteractive, Status: StatusFailure}),
	}
	for _, u := range users {
		fs = append(fs,
			Filter{Users: []string{u}, Apps: []string{"any"}, Flow: FlowAny},
			Filter{Users: []string{u}, Apps: []string{AzureDevOpsApp}, Flow: parse.FlowNonInteractive},
			Filter{Users: []string{u, "someone.else@contoso.com"}, Apps: []string{"No Such Application"}, Flow: FlowAny},
		)
	}
	return fs
}

// checkSameReports runs every filter over paths both ways and compares the
// JSON reports.
func checkSameReports(t *testing.T, paths []string, filters []Filter) {
	t.Helper()
	builtin, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(builtin, nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	report := func(f Filter, decodeAll bool, workers int) string {
		// A fresh rule set per run: rule run errors accumulate in the set.
		set, err := rules.Compile(builtin, nil)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Run(context.Background(), paths, Options{Filter: f, Rules: set, Clock: clock, Workers: workers, DecodeAll: decodeAll})
		if err != nil {
			return "error: " + err.Error()
		}
		b, err := json.MarshalIndent(rep, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	_ = set
	for _, f := range filters {
		want := report(f, true, 1)
		for _, workers := range []int{1, 3} {
			if got := report(f, false, workers); got != want {
				t.Errorf("filter %q, %d workers: the prefiltered report differs from the fully decoded one:\n%s", f.Describe(), workers, firstDifference(want, got))
			}
		}
	}
}

// firstDifference shows where two reports part.
func firstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) && i < len(gl); i++ {
		if wl[i] != gl[i] {
			lo := max(0, i-3)
			return "decoded:\n" + strings.Join(wl[lo:min(len(wl), i+3)], "\n") + "\nprefiltered:\n" + strings.Join(gl[lo:min(len(gl), i+3)], "\n")
		}
	}
	return "one report is longer"
}

// sampleUsers returns a few users of the samples, spelled as the matcher
// accepts them but not as the files do.
func sampleUsers(t *testing.T) []string {
	rep, err := Run(context.Background(), []string{filepath.Join("..", "samples")}, Options{Filter: Filter{Flow: FlowAny}, DecodeAll: true})
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for i, u := range rep.Users {
		if i == 4 {
			break
		}
		users = append(users, strings.ToUpper(u.Name))
		if u.ID != "" {
			users = append(users, u.ID)
		}
	}
	if len(users) == 0 {
		t.Fatal("no user in the samples")
	}
	return users
}

func TestPrefilterSameReportSamples(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every sample many times")
	}
	checkSameReports(t, []string{filepath.Join("..", "samples")}, differentialFilters(sampleUsers(t)))
}

// The generated exports hold records of the filtered user spelled in these
// ways, each of which the matcher takes for megan.bowen@contoso.com or for
// the other users below.
var (
	upnVariants = []string{
		"MEGAN.BOWEN@CONTOSO.COM",
		"Megan.Bowen@Contoso.Com",
		"megan.bowen@contoſo.com",       // Long s: folds to s.
		"\u212Airk.ſanders@contoso.com", // Kelvin sign and long s: kirk.sanders@contoso.com.
		"JÜRGEN.MÜLLER@CONTOSO.COM",     // Non-ASCII letters in the other case.
	}
	jsonOnlyVariants = []string{
		`megan.bowen\u0040contoso.com`,
		`\u006degan.bowen@contoso.com`,
		`MEGAN.BOWEN\u0040CONTOSO.COM`,
	}
	variantUsers = []string{"megan.bowen@contoso.com", "Kirk.Sanders@contoso.com", "jürgen.müller@contoso.com",
		`Bob "Bobby" Tables`, "KIRK SANDERS"}
)

// generatedExport writes n generated sign-ins in format f into dir, with
// the user variants spliced into copies of some records.
func generatedExport(t *testing.T, dir, name string, f synth.Format, n int) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := synth.WriteExport(&buf, f, synth.New(synth.Config{Records: n, Seed: 7}), n); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	switch f {
	case synth.FormatJSONL:
		data = spliceVariants(t, data, append(append([]string(nil), upnVariants...), jsonOnlyVariants...), `"Megan Bowen"`, `"Bob \"Bobby\" Tables"`)
	case synth.FormatPortalCSV:
		data = spliceVariants(t, data, upnVariants, ",Megan Bowen,", `,"Bob ""Bobby"" Tables",`)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// spliceVariants appends, for each variant, a copy of a line of data that
// holds megan.bowen@contoso.com with the UPN replaced, and one copy with
// the display name oldName replaced by newName.
func spliceVariants(t *testing.T, data []byte, variants []string, oldName, newName string) []byte {
	t.Helper()
	lines := bytes.SplitAfter(data, []byte("\n"))
	var src []byte
	for _, l := range lines {
		if bytes.Contains(l, []byte("megan.bowen@contoso.com")) && bytes.Contains(l, []byte(oldName)) && bytes.Contains(l, []byte(parse.AzureDevOpsAppID)) {
			src = l
			break
		}
	}
	if src == nil {
		t.Fatal("no record of megan.bowen@contoso.com with Azure DevOps to copy")
	}
	out := append([]byte(nil), data...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	for _, v := range variants {
		out = append(out, bytes.ReplaceAll(src, []byte("megan.bowen@contoso.com"), []byte(v))...)
	}
	out = append(out, bytes.Replace(src, []byte(oldName), []byte(newName), 1)...)
	return out
}

func TestPrefilterSameReportGenerated(t *testing.T) {
	dir := t.TempDir()
	n := 3000
	if testing.Short() {
		n = 600
	}
	paths := []string{
		generatedExport(t, dir, "signins.jsonl", synth.FormatJSONL, n),
		generatedExport(t, dir, "NonInteractiveSignIns_2025-11-01_2025-11-30.csv", synth.FormatPortalCSV, n),
		generatedExport(t, dir, "signins-portal.json", synth.FormatPortalJSON, n/3),
		generatedExport(t, dir, "PT1H.json", synth.FormatDiagnostic, n/3),
	}
	filters := differentialFilters(variantUsers)
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			checkSameReports(t, []string{p}, filters)
		})
	}
	t.Run("all", func(t *testing.T) {
		checkSameReports(t, paths, filters[:6])
	})
}

// TestReframeSameReport checks that an NDJSON input whose layout misleads
// (a line holding two records) is read again with full scans, giving the
// report of a run that never framed by layout.
func TestReframeSameReport(t *testing.T) {
	dir := t.TempDir()
	p := generatedExport(t, dir, "signins.jsonl", synth.FormatJSONL, 600)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	doubled := append(bytes.TrimSuffix(lines[300], []byte("\n")), lines[301]...)
	data = bytes.Join(append(append(lines[:300:300], doubled), lines[302:]...), nil)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	checkSameReports(t, []string{p}, differentialFilters([]string{"megan.bowen@contoso.com"})[:8])
}

// TestPrefilterDrops checks that the prefilter does drop records in every
// format it screens, so that the differential tests compare something.
func TestPrefilterDrops(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []struct {
		name   string
		format synth.Format
	}{
		{"signins.jsonl", synth.FormatJSONL},
		{"NonInteractiveSignIns_x.csv", synth.FormatPortalCSV},
		{"portal.json", synth.FormatPortalJSON},
		{"PT1H.json", synth.FormatDiagnostic},
	} {
		p := generatedExport(t, dir, f.name, f.format, 600)
		inputs, err := parse.Expand([]string{p}, parse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, filter := range []Filter{{Users: []string{"megan.bowen@contoso.com"}}, DefaultFilter()} {
			res, err := runPass(context.Background(), inputs, Options{Filter: filter})
			if err != nil {
				t.Fatal(err)
			}
			read := 0
			for _, in := range res.inputs {
				read += in.Records
			}
			if res.screened < read/10 {
				t.Errorf("%s, filter %q: the prefilter dropped %d of %d records", f.name, filter.Describe(), res.screened, read)
			}
		}
	}
}

// TestPrefilterVariantsMatch checks that the spliced variants are matched
// at all (so that the differential test covers them), and that the
// prefilter leaves them to the decoder.
func TestPrefilterVariantsMatch(t *testing.T) {
	dir := t.TempDir()
	p := generatedExport(t, dir, "signins.jsonl", synth.FormatJSONL, 600)
	// The Kelvin-sign spelling of kirk.sanders@contoso.com is not among
	// them: the matcher compares only values of the same length in bytes.
	for _, u := range []string{"JÜRGEN.müller@contoso.com", `bob "bobby" tables`} {
		rep, err := Run(context.Background(), []string{p}, Options{Filter: Filter{Users: []string{u}, Apps: []string{"any"}, Flow: FlowAny}})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Summary.Matched != 1 {
			t.Errorf("--user %q matched %d records, want the 1 spliced one", u, rep.Summary.Matched)
		}
	}
	rep, err := Run(context.Background(), []string{p}, Options{Filter: Filter{Users: []string{"megan.bowen@contoso.com"}, Apps: []string{"any"}, Flow: FlowAny}})
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := Run(context.Background(), []string{p}, Options{Filter: Filter{Users: []string{"megan.bowen@contoso.com"}, Apps: []string{"any"}, Flow: FlowAny}, DecodeAll: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Matched != decoded.Summary.Matched || rep.Summary.Matched < len(upnVariants)-2+len(jsonOnlyVariants) {
		t.Errorf("megan.bowen@contoso.com: %d matched with the prefilter, %d decoding all", rep.Summary.Matched, decoded.Summary.Matched)
	}
}

// TestNeedleAvoidsFoldOrbitsLeavingASCII checks the premise of needleOf:
// of the ASCII letters, only k and s share a Unicode case-folding orbit
// with a non-ASCII character.
func TestNeedleAvoidsFoldOrbitsLeavingASCII(t *testing.T) {
	for c := rune(0); c < 0x80; c++ {
		leaves := false
		for r := unicode.SimpleFold(c); r != c; r = unicode.SimpleFold(r) {
			if r >= 0x80 {
				leaves = true
			}
		}
		if leaves != !searchable(byte(c)) && c >= 0x20 && c != '"' && c != '\\' {
			t.Errorf("%q: orbit leaves ASCII = %v, but searchable = %v", c, leaves, searchable(byte(c)))
		}
	}
}

func TestNeedleOf(t *testing.T) {
	for _, tc := range []struct{ value, needle string }{
		{"megan.bowen@contoso.com", "megan.bowen@conto"},
		{"azure devops", "azure devop"},
		{parse.AzureDevOpsAppID, parse.AzureDevOpsAppID},
		{"jürgen.müller@contoso.com", "ller@conto"},
		{`bob "bobby" tables`, " table"},
		{"ks", ""},
		{"sky", ""},
	} {
		n := needleOf(tc.value)
		got := ""
		if n != nil {
			got = strings.Repeat("x", n.Len())
		}
		if len(got) != len(tc.needle) {
			t.Errorf("needleOf(%q) has %d bytes, want %q", tc.value, len(got), tc.needle)
		}
	}
}
