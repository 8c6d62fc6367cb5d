package cmd

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
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
		{"report.txt", "", "── Answer"},
		{"report.md", "", "# signinspect report"},
		{"report.json", "", "{\n  \"schema\": \"signinspect.report/v1\""},
		{"report.csv", "", "section,key,name,severity"},
		{"report.html", "", "<!DOCTYPE html>"},
		{"report.htm", "", "<!DOCTYPE html>"},
		{"report.sarif", "", "{\n  \"$schema\""},
		{"report.xlsx", "", "PK\x03\x04"}, // A workbook is a ZIP archive.
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
	return editedExport(t, func(rec map[string]any) {
		rec["userPrincipalName"] = `=cmd|' /C calc'!A0`
		rec["userDisplayName"] = `<script>alert(1)</script>`
		rec["userAgent"] = `<script>alert(1)</script>`
		rec["appliedConditionalAccessPolicies"].([]any)[0].(map[string]any)["displayName"] = `<script>alert("policy")</script>`
	})
}

// editedExport writes a portal JSON export of one sign-in of the samples
// (the blocked Azure DevOps call README quotes), changed by edit.
func editedExport(t *testing.T, edit func(rec map[string]any)) string {
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
	edit(rec)
	out, err := json.Marshal([]any{rec})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "edited.json")
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

// TestAnalyzeFolderWithDamagedFiles checks that a corrupt ZIP and a
// truncated export in a folder do not sink the batch: the good file is
// analysed, the damaged ones are in the inputs section and one stderr
// line, and the exit code is 0; --strict makes it an error.
func TestAnalyzeFolderWithDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(samplesDir, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"a-good.json":      good,
		"b-corrupt.zip":    []byte("PK\x03\x04 this is no archive"),
		"c-truncated.json": good[:len(good)/2],
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ios, _, out, errOut := Test()
	if code := analyzeCmd(t, ios, dir, "--user", "svc-build@contoso.com", "-o", "json"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Inputs []struct {
			Path    string
			Records int
			Error   string
			Damaged bool
		}
		Summary struct{ Matched, Damaged int }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Inputs) != 3 || rep.Summary.Damaged != 2 || rep.Summary.Matched == 0 {
		t.Fatalf("report inputs %+v, summary %+v", rep.Inputs, rep.Summary)
	}
	for _, in := range rep.Inputs[1:] {
		if !in.Damaged || in.Error == "" {
			t.Errorf("%s: damaged %v, error %q; want it reported as damaged", in.Path, in.Damaged, in.Error)
		}
	}
	if !strings.Contains(rep.Inputs[1].Error, "unreadable ZIP archive") {
		t.Errorf("corrupt ZIP error: %s", rep.Inputs[1].Error)
	}
	if rep.Inputs[2].Records == 0 || !strings.Contains(rep.Inputs[2].Error, "records before it were read") {
		t.Errorf("truncated export: %d records, error %q; want the records before the damage read", rep.Inputs[2].Records, rep.Inputs[2].Error)
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "2 inputs could not be read whole") || !strings.Contains(lines[0], "b-corrupt.zip") {
		t.Errorf("stderr = %q, want one line naming the damaged inputs", errOut)
	}

	ios, _, _, errOut = Test()
	if code := analyzeCmd(t, ios, dir, "--user", "svc-build@contoso.com", "--strict"); code != ExitError {
		t.Errorf("--strict: exit %d, want %d: %s", code, ExitError, errOut)
	}
	// A damaged file named on its own stays an error.
	ios, _, _, errOut = Test()
	if code := analyzeCmd(t, ios, filepath.Join(dir, "b-corrupt.zip")); code != ExitError || !strings.Contains(errOut.String(), "unreadable ZIP archive") {
		t.Errorf("a named corrupt ZIP: exit %d: %s", code, errOut)
	}
}

// TestAnalyzeOutNeverOverInput checks that --out refuses to replace an
// input, to write into an input folder, and a folder that does not exist,
// before reading anything, and leaves the input as it was.
func TestAnalyzeOutNeverOverInput(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "in.json")
	data, err := os.ReadFile(filepath.Join(samplesDir, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(export, data, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.json")
	if err := os.Symlink(export, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"the input itself", []string{export, "--out", export}, "is the input"},
		{"the input through a link", []string{export, "--out", link, "-o", "json"}, "is the input"},
		{"into the input folder", []string{dir, "--out", filepath.Join(dir, "report.html")}, "is inside the input folder"},
		{"a missing folder", []string{export, "--out", filepath.Join(dir, "missing", "r.html")}, "does not exist"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ios, _, _, errOut := Test()
			if code := analyzeCmd(t, ios, c.args...); code != ExitUsage || !strings.Contains(errOut.String(), c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, ExitUsage, c.want)
			}
			if got, _ := os.ReadFile(export); !bytes.Equal(got, data) {
				t.Fatal("the input was changed")
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err == nil {
		t.Error("a report was written into the input folder")
	}
}

// TestAnalyzeOutSaysWhatItWrote checks the line a terminal gets after a
// report is written to a file, and that a pipe gets none.
func TestAnalyzeOutSaysWhatItWrote(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.html")
	for _, tty := range []bool{true, false} {
		ios, _, _, errOut := Test()
		ios.StderrTTY = tty
		if code := analyzeCmd(t, ios, samplesDir, "--out", out); code != ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		got := errOut.String()
		if tty && !regexp.MustCompile(`^wrote .*report\.html \(html, \d+ KB\)\n$`).MatchString(got) {
			t.Errorf("on a terminal, stderr = %q", got)
		}
		if !tty && got != "" {
			t.Errorf("on a pipe, stderr = %q, want nothing", got)
		}
	}
}

// TestOutThroughALink checks that --out onto a symbolic link to another
// file writes that file and keeps the link, as the shell's > does.
func TestOutThroughALink(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(t.TempDir(), "export.json")
	data, err := os.ReadFile(filepath.Join(samplesDir, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(input, data, 0o644); err != nil {
		t.Fatal(err)
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
