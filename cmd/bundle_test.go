package cmd

import (
	"archive/zip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/redact"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// extractMember copies one member of a ZIP archive to dir.
func extractMember(t *testing.T, archive, member, dir string) string {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open(member)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	out := filepath.Join(dir, member)
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBundleGivesTheSameAnalysis bundles every sample and analyses the
// bundle as a vendor does: the same findings, counts, policies, devices,
// locations and timeline as the original exports, modulo pseudonyms.
func TestBundleGivesTheSameAnalysis(t *testing.T) {
	dir := t.TempDir()
	keyText := "a key the customer keeps, 0123456789"
	key := writeKey(t, keyText)
	p, _ := redact.New([]byte(keyText), redact.Options{})
	ticket := filepath.Join(dir, "ticket.zip")
	mapFile := filepath.Join(dir, "ticket.map.json")
	named := filepath.Join(samples, "named-locations.json")
	code, stdout, stderr := redactCmd(t, "bundle", samples, "--named-locations", named, "--user", "svc-build@contoso.com",
		"--key-file", key, "--map", mapFile, "--out", ticket)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Wrote " + ticket + ": ", "report.html, report.md, report.json, manifest.json, README.txt",
		"user " + p.UPN("svc-build@contoso.com"), "Key fingerprint " + p.Fingerprint(), "Wrote the mapping of "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if fi, err := os.Stat(mapFile); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("the mapping file: %v, mode %v (want no access for others)", err, fi.Mode())
	}
	redNamed := extractMember(t, ticket, "named-locations.json", dir)
	for _, filter := range [][]string{{"--app", "any", "--flow", "any"}, {"--user", "svc-build@contoso.com"}} {
		orig := analyzeJSON(t, append([]string{samples, "--named-locations", named}, filter...)...)
		redFilter := append([]string(nil), filter...)
		if filter[0] == "--user" {
			redFilter[1] = p.UPN(filter[1])
		}
		red := analyzeJSON(t, append([]string{ticket, "--named-locations", redNamed}, redFilter...)...)
		compareReports(t, p, orig, red)
		if len(red.Inputs) == 0 || red.Summary.Read != orig.Summary.Read {
			t.Errorf("%v: the bundle read %d records from %d inputs, the samples %d", filter, red.Summary.Read, len(red.Inputs), orig.Summary.Read)
		}
		for _, in := range red.Inputs {
			if !strings.Contains(in.Path, "!exports/") || in.Error != "" {
				t.Errorf("the bundle's input %s (%s) is not one of its exports", in.Path, in.Error)
			}
		}
	}

	// The bundle's own report.json is that analysis, with the --user filter
	// redacted.
	rep := extractMember(t, ticket, "report.json", dir)
	b, _ := os.ReadFile(rep)
	var bundled analyze.Report
	if err := json.Unmarshal(b, &bundled); err != nil {
		t.Fatal(err)
	}
	orig := analyzeJSON(t, samples, "--named-locations", named, "--user", "svc-build@contoso.com")
	compareReports(t, p, orig, &bundled)
	if !bundled.Redacted || len(bundled.Filter.Users) != 1 || bundled.Filter.Users[0] != p.UPN("svc-build@contoso.com") {
		t.Errorf("the bundled report's filter: %+v, redacted %v", bundled.Filter, bundled.Redacted)
	}
}

func TestBundleRefusals(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(samples, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json")
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"bundle", in}, ExitUsage, "--out FILE is required"},
		{[]string{"bundle", filepath.Join(samples, "portal-json"), "--out", filepath.Join(samples, "portal-json", "ticket.zip")}, ExitError, "--out " + filepath.Join(samples, "portal-json", "ticket.zip") + " lies inside the input folder"},
		{[]string{"bundle", in, "--out", filepath.Join(dir, "t.zip"), "--since", "yesterday"}, ExitUsage, "--since"},
		{[]string{"bundle", in, "--out", filepath.Join(dir, "t.zip"), "--map", filepath.Join(dir, "t.zip")}, ExitUsage, "--map"},
		{[]string{"bundle", in, "--out", filepath.Join(dir, "t.zip"), "--trusted-ip", "nope"}, ExitUsage, "--trusted-ip"},
	} {
		code, _, errOut := redactCmd(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused bundle wrote %v", entries)
	}
}

// TestRedactDryRunGolden checks what --dry-run shows a customer, with a
// fixed key, against its golden file.
func TestRedactDryRunGolden(t *testing.T) {
	key := writeKey(t, "0123456789abcdef0123456789")
	abs, _ := filepath.Abs(samples)
	golden, _ := filepath.Abs(filepath.Join("testdata", "redact-dry-run.golden"))
	// Run where the paths it prints are the same on every machine.
	dir := t.TempDir()
	if err := os.Symlink(abs, filepath.Join(dir, "samples")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	code, got, stderr := redactCmd(t, "redact", filepath.Join("samples", "portal-csv"), "--out", "out", "--dry-run", "--key-file", key)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if *update {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("--dry-run prints (go test ./cmd -run DryRunGolden -update):\n%s", got)
	}
	for _, s := range []string{"svc-build@contoso.com -> user-", "What each kind of value becomes", "Dry run: nothing was written."} {
		if !strings.Contains(got, s) {
			t.Errorf("--dry-run lacks %q", s)
		}
	}
}

// TestRoundTrip redacts an export with --map, analyses the copy in every
// format that keeps values whole, puts the real names back with unredact,
// and gets the analysis of the original: the same lines, in an order that
// may differ where the report sorts ties by name.
func TestRoundTrip(t *testing.T) {
	work := t.TempDir()
	origDir, redDir := filepath.Join(work, "orig"), filepath.Join(work, "red")
	os.MkdirAll(filepath.Join(origDir, "exports"), 0o755)
	src, _ := os.ReadFile(filepath.Join(samples, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json"))
	os.WriteFile(filepath.Join(origDir, "exports", "NonInteractiveSignIns_2026-11-16_2026-11-22.json"), src, 0o644)
	os.WriteFile(filepath.Join(origDir, "named-locations.json"), mustReadFile(t, filepath.Join(samples, "named-locations.json")), 0o644)
	mapFile := filepath.Join(work, "map.json")
	if code, _, errOut := redactCmd(t, "redact", filepath.Join(origDir, "exports"), "--named-locations", filepath.Join(origDir, "named-locations.json"),
		"--out", filepath.Join(redDir, "exports"), "--map", mapFile); code != ExitOK {
		t.Fatalf("redact: exit %d: %s", code, errOut)
	}
	os.Rename(filepath.Join(redDir, "exports", "named-locations.json"), filepath.Join(redDir, "named-locations.json"))
	generated := regexp.MustCompile(`(?m)^.*(generatedAt|Generated|generated|Made by).*$`)
	report := func(dir, format string) string {
		t.Chdir(dir)
		code, out, errOut := redactCmd(t, "analyze", "exports", "--named-locations", "named-locations.json", "--app", "any", "--flow", "any", "--top", "0", "-o", format)
		if code != ExitOK {
			t.Fatalf("analyze: exit %d: %s", code, errOut)
		}
		return out
	}
	for _, format := range []string{"json", "markdown", "csv", "html"} {
		t.Run(format, func(t *testing.T) {
			want := report(origDir, format)
			red := report(redDir, format)
			if strings.Contains(red, "svc-build@contoso.com") {
				t.Fatal("the report of the redacted copy holds a UPN")
			}
			file := filepath.Join(work, "answer."+map[string]string{"json": "json", "markdown": "md", "csv": "csv", "html": "html"}[format])
			os.WriteFile(file, []byte(red), 0o644)
			code, got, errOut := redactCmd(t, "unredact", "--map", mapFile, file)
			if code != ExitOK {
				t.Fatalf("unredact: exit %d: %s", code, errOut)
			}
			// Lines, and list items and table rows, which HTML puts on
			// one line.
			lines := func(s string) []string {
				l := regexp.MustCompile(`\n|<li>|</li>|</tr>`).Split(generated.ReplaceAllString(s, ""), -1)
				sort.Strings(l)
				return l
			}
			if format == "html" {
				// A chart's layout follows the length of its labels, so
				// the charts of the redacted copy are drawn for the
				// pseudonyms: their labels and tooltips must be the
				// original's, their geometry may differ.
				svg := regexp.MustCompile(`(?s)<svg.*?</svg>`)
				tips := func(s string) string {
					var out []string
					for _, c := range svg.FindAllString(s, -1) {
						for _, m := range regexp.MustCompile(`<title>([^<]*)</title>`).FindAllStringSubmatch(c, -1) {
							out = append(out, m[1])
						}
					}
					sort.Strings(out)
					return strings.Join(slices.Compact(out), "\n")
				}
				if g, w := tips(got), tips(want); g != w {
					t.Errorf("the unredacted charts' labels differ from the original's:\n got %s\nwant %s", g, w)
				}
				got, want = svg.ReplaceAllString(got, "<svg/>"), svg.ReplaceAllString(want, "<svg/>")
			}
			if g, w := lines(got), lines(want); strings.Join(g, "\n") != strings.Join(w, "\n") {
				for i := range min(len(g), len(w)) {
					if g[i] != w[i] {
						t.Errorf("unredacted %s differs from the original's report:\n got %s\nwant %s", format, g[i], w[i])
						break
					}
				}
				if len(g) != len(w) {
					t.Errorf("%d lines, want %d", len(g), len(w))
				}
			}
		})
	}
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUnredactWrongMap(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(samples, "portal-csv-55", "NonInteractiveSignIns_2026-11-20_2026-11-21.csv")
	maps := map[string]string{}
	for _, k := range []string{"first key 0123456789abcdef", "second key 0123456789abcdef"} {
		out := filepath.Join(dir, strings.Fields(k)[0])
		maps[k] = out + ".map.json"
		if code, _, errOut := redactCmd(t, "redact", in, "--out", out, "--key-file", writeKey(t, k), "--map", maps[k]); code != ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	}
	code, report, _ := redactCmd(t, "analyze", filepath.Join(dir, "first", filepath.Base(in)), "--app", "any", "-o", "markdown")
	if code != ExitOK {
		t.Fatal(code)
	}
	answer := filepath.Join(dir, "answer.md")
	os.WriteFile(answer, []byte(report), 0o644)
	code, _, errOut := redactCmd(t, "unredact", "--map", maps["second key 0123456789abcdef"], answer)
	if code != ExitError || !strings.Contains(errOut, "none of its pseudonyms is in the mapping") {
		t.Errorf("wrong map: exit %d, %s", code, errOut)
	}
	code, out, errOut := redactCmd(t, "unredact", "--map", maps["first key 0123456789abcdef"], answer)
	if code != ExitOK || !strings.Contains(out, "svc-build@contoso.com") {
		t.Errorf("right map: exit %d, %s", code, errOut)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"unredact", answer}, ExitUsage, "--map FILE is required"},
		{[]string{"unredact", "--map", answer, answer}, ExitError, "not a signinspect mapping file"},
		{[]string{"unredact", "--map", maps["first key 0123456789abcdef"], in}, ExitError, "holds no pseudonym"},
		// A map of another key is refused before anything is written.
		{[]string{"redact", in, "--out", filepath.Join(dir, "third"), "--map", maps["first key 0123456789abcdef"]}, ExitError, "holds the mapping of another key"},
	} {
		code, _, errOut := redactCmd(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "third")); !os.IsNotExist(err) {
		t.Error("a refused run wrote its output")
	}
}
