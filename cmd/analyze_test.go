package cmd

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// analyzeCmd runs "signinspect analyze" with args on test streams.
func analyzeCmd(t *testing.T, ios *IOStreams, args ...string) int {
	t.Helper()
	return Run(context.Background(), ios, append([]string{"analyze"}, args...))
}

// samplesDir is the shipped samples folder, seen from this package.
const samplesDir = "../samples"

// TestAnalyzeExitCodes checks each exit code README.md states: 0 done, 1
// error, 2 usage, 3 a finding at or above --fail-on.
func TestAnalyzeExitCodes(t *testing.T) {
	empty := t.TempDir()
	notExport := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notExport, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		args    []string
		code    int
		stdout  string // Substring of standard output; "" wants it empty.
		stderr  string // Substring of standard error; "" wants it empty.
		noUsage bool
	}{
		{"done", []string{samplesDir}, ExitOK, "── Diagnosis: ", "", false},
		{"findings below --fail-on", []string{samplesDir, "--fail-on", "critical"}, ExitOK, "── Diagnosis: ", "", false},
		{"findings at --fail-on", []string{samplesDir, "--fail-on", "high"}, ExitFindings, "ip-outside-trusted-locations", "", false},
		{"no match is not an error", []string{samplesDir, "--user", "nobody@contoso.com", "--fail-on", "info"}, ExitOK, "No match: 0 of", "", false},
		{"missing input", []string{filepath.Join(empty, "missing.csv")}, ExitError, "", "missing.csv", true},
		{"no record at all", []string{empty}, ExitError, "", "signinspect: ", true},
		{"not an export", []string{notExport}, ExitError, "", "notes.txt", true},
		{"no path", nil, ExitUsage, "", "Run 'signinspect analyze --help' for usage.", false},
		{"bad flow", []string{samplesDir, "--flow", "sideways"}, ExitUsage, "", `--flow "sideways": want one of`, false},
		{"bad format", []string{samplesDir, "-o", "yaml"}, ExitUsage, "", "unknown output format", false},
		{"bad --out extension", []string{samplesDir, "--out", filepath.Join(empty, "r.pdf")}, ExitUsage, "", "cannot tell the format from the extension", false},
		{"bad --fail-on", []string{samplesDir, "--fail-on", "severe"}, ExitUsage, "", "--fail-on", false},
		{"bad --top", []string{samplesDir, "--top", "-1"}, ExitUsage, "", "--top -1", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ios, _, out, errOut := Test()
			code := analyzeCmd(t, ios, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstderr: %s", code, c.code, errOut)
			}
			for _, s := range []struct{ name, got, want string }{{"stdout", out.String(), c.stdout}, {"stderr", errOut.String(), c.stderr}} {
				if s.want == "" && s.got != "" && s.name == "stderr" {
					t.Errorf("stderr = %q, want nothing (no progress bar, no warning)", s.got)
				}
				if s.want != "" && !strings.Contains(s.got, s.want) {
					t.Errorf("%s lacks %q:\n%s", s.name, s.want, s.got)
				}
			}
			if c.noUsage && strings.Contains(errOut.String(), "--help") {
				t.Errorf("a runtime error shows usage help: %s", errOut)
			}
			if c.code == ExitError && strings.Count(strings.TrimSpace(errOut.String()), "\n") > 0 {
				t.Errorf("the error is more than one line:\n%s", errOut)
			}
		})
	}
}

// TestAnalyzeOutFile checks --out: the format comes from the extension
// (or -o), the file appears whole, and no temporary file is left behind.
func TestAnalyzeOutFile(t *testing.T) {
	for _, c := range []struct {
		file, output, starts string
	}{
		{"report.txt", "", "── Scope"},
		{"report.md", "", "# signinspect report"},
		{"report.json", "", "{\n  \"schema\": \"signinspect.report/v1\""},
		{"report.csv", "", "section,key,name,severity"},
		{"report.html", "", "<!DOCTYPE html>"},
		{"report.htm", "", "<!DOCTYPE html>"},
		{"report.sarif", "", "{\n  \"$schema\""},
		{"report.out", "csv", "section,key,name,severity"},
		{"report.json", "markdown", "# signinspect report"}, // -o wins over the extension.
	} {
		t.Run(c.file+"/"+c.output, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, c.file)
			if err := os.WriteFile(path, []byte("an older report that must be replaced whole"), 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{samplesDir, "--out", path}
			if c.output != "" {
				args = append(args, "-o", c.output)
			}
			ios, _, out, errOut := Test()
			if code := analyzeCmd(t, ios, args...); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if out.Len() != 0 {
				t.Errorf("with --out, stdout holds %d bytes", out.Len())
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(got), c.starts) {
				t.Errorf("%s starts %q, want %q", c.file, firstLine(string(got)), c.starts)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("the folder holds %v, want only %s", names, c.file)
			}
		})
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TestWriteOutputAtomic checks that a render that fails half-way leaves
// the old file as it was and no temporary file.
func TestWriteOutputAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	failing := errors.New("render failed")
	err := writeOutput(context.Background(), io.Discard, path, func(w io.Writer) error {
		_, _ = io.WriteString(w, "<!DOCTYPE html><p>half")
		return failing
	})
	if !errors.Is(err, failing) {
		t.Fatalf("writeOutput = %v, want the render's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("the old report became %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a temporary file was left behind: %d entries", len(entries))
	}
	// A folder that does not exist is an error, not a report elsewhere.
	if err := writeOutput(context.Background(), io.Discard, filepath.Join(dir, "missing", "r.html"), func(io.Writer) error { return nil }); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}

// hostileExport writes a one-record Graph JSON export whose user, user agent
// and policy name hold a spreadsheet formula and a script, built from the
// sample sign-in the ticket quotes.
func hostileExport(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samplesDir, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json"))
	if err != nil {
		t.Fatal(err)
	}
	var records []map[string]any
	if err := json.Unmarshal(data, &records); err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	for _, r := range records {
		if r["id"] == "b27fd72f-4b41-446e-8160-b072930b6057" {
			rec = r
		}
	}
	if rec == nil {
		t.Fatal("the quoted sign-in is not in the sample")
	}
	rec["userPrincipalName"] = `=cmd|' /C calc'!A0`
	rec["userDisplayName"] = `<script>alert(1)</script>`
	rec["userAgent"] = `<script>alert(1)</script>`
	rec["appliedConditionalAccessPolicies"].([]any)[0].(map[string]any)["displayName"] = `<script>alert("policy")</script>`
	out, err := json.Marshal([]any{rec})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAnalyzeHostileValues(t *testing.T) {
	export := hostileExport(t)

	ios, _, out, errOut := Test()
	if code := analyzeCmd(t, ios, export, "-o", "csv"); code != ExitOK {
		t.Fatalf("csv: exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	sawUser := false
	for _, row := range rows {
		for _, cell := range row {
			if trimmed := strings.TrimLeft(cell, " "); trimmed != "" && strings.ContainsRune("=+-@\t\r", rune(trimmed[0])) {
				t.Errorf("CSV cell %q would run as a formula", cell)
			}
			sawUser = sawUser || cell == `'=cmd|' /C calc'!A0`
		}
	}
	if !sawUser {
		t.Errorf("the hostile UPN is not in the CSV, neutralised:\n%s", out)
	}

	ios, _, out, errOut = Test()
	if code := analyzeCmd(t, ios, export, "-o", "html"); code != ExitOK {
		t.Fatalf("html: exit %d: %s", code, errOut)
	}
	html := strings.ReplaceAll(out.String(), "<wbr>", "") // Line-break hints inside long values.
	if strings.Contains(strings.ToLower(html), "<script") {
		t.Error("the HTML report holds a <script> element")
	}
	for _, want := range []string{"&lt;script&gt;alert(&#34;policy&#34;)&lt;/script&gt;", "=cmd|&#39; /C calc&#39;!A0"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML report lacks the escaped value %q", want)
		}
	}
}

// TestAnalyzeColour checks that colour goes only to a terminal, and that
// --no-color and NO_COLOR (IOStreams.NoColor) turn it off.
func TestAnalyzeColour(t *testing.T) {
	for _, c := range []struct {
		name    string
		tty     bool
		noColor bool
		args    []string
		want    bool
	}{
		{"terminal", true, false, nil, true},
		{"pipe", false, false, nil, false},
		{"--no-color", true, false, []string{"--no-color"}, false},
		{"NO_COLOR", true, true, nil, false},
		{"terminal, markdown", true, false, []string{"-o", "markdown"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ios, _, out, _ := Test()
			ios.StdoutTTY, ios.NoColor, ios.Width = c.tty, c.noColor, 120
			if code := analyzeCmd(t, ios, append([]string{samplesDir}, c.args...)...); code != ExitOK {
				t.Fatalf("exit %d", code)
			}
			if got := strings.Contains(out.String(), "\x1b["); got != c.want {
				t.Errorf("ANSI codes in the output: %v, want %v", got, c.want)
			}
		})
	}
}

// TestOutRefusesAnInput checks that --out never replaces an input, named
// as it is or through a link, and that --out onto a link to another file
// writes that file and keeps the link.
func TestOutRefusesAnInput(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "export.json")
	data, err := os.ReadFile(filepath.Join(samplesDir, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(input, data, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "report.json")
	if err := os.Symlink("export.json", link); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	for _, out := range []string{input, link} {
		code, _, stderr := runCmd(t, "analyze", input, "--out", out)
		want := "signinspect: --out " + out + " is the input " + input + "; the report would replace it: choose another file\n"
		if code != ExitUsage || !strings.HasPrefix(stderr, want) {
			t.Errorf("--out %s: exit %d, stderr:\n%s\nwant:\n%s", out, code, stderr, want)
		}
	}
	if got, _ := os.ReadFile(input); string(got) != string(data) {
		t.Fatal("the input was changed")
	}
	shared := filepath.Join(dir, "shared.json")
	other := filepath.Join(dir, "latest.json")
	if err := os.Symlink("shared.json", other); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, "analyze", input, "--out", other); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(shared); err != nil || !strings.Contains(string(b), `"schema": "signinspect.report/v1"`) {
		t.Errorf("the link's target holds no report: %v", err)
	}
	if fi, err := os.Lstat(other); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("--out replaced the link: %v", err)
	}
}
