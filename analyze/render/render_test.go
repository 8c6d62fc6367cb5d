package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jedib0t/go-pretty/v6/text"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with the golden file, or rewrites the file with
// -update. Line endings are normalized, so that a checkout with CRLF still
// passes.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./analyze/render -update to create it)", err)
	}
	norm := func(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }
	if g, w := norm(got), norm(want); g != w {
		gl, wl := strings.Split(g, "\n"), strings.Split(w, "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var a, b string
			if i < len(gl) {
				a = gl[i]
			}
			if i < len(wl) {
				b = wl[i]
			}
			if a != b {
				t.Fatalf("%s differs from the output at line %d:\n got: %q\nwant: %q\n(run go test ./analyze/render -update if the change is intended)", path, i+1, a, b)
			}
		}
	}
}

// TestGolden renders every golden case of the samples in every format and
// compares the output with testdata/<format>_<case>.golden.
func TestGolden(t *testing.T) {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range sampleCases {
		t.Run(c.name, func(t *testing.T) {
			rep := sampleReport(t, c)
			for _, name := range Names() {
				if name == "xlsx" {
					continue // A binary workbook: xlsx_test.go reads it back.
				}
				t.Run(name, func(t *testing.T) {
					r, err := New(name, Options{Width: c.width})
					if err != nil {
						t.Fatal(err)
					}
					var b bytes.Buffer
					if err := r.Render(&b, rep); err != nil {
						t.Fatal(err)
					}
					if bytes.Contains(b.Bytes(), []byte("\x1b[")) {
						t.Errorf("%s output holds ANSI escape codes without Options.Color", name)
					}
					checkGolden(t, filepath.Join(testdata, name+"_"+c.name+".golden"), b.Bytes())
				})
			}
		})
	}
}

// TestGoldenTable80 renders the walk-through's report as a terminal of 80
// columns shows it, against testdata/table_vs403463_80.golden: every line
// fits, tables too wide for the width are written as records.
func TestGoldenTable80(t *testing.T) {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	rep := sampleReport(t, sampleCases[0])
	var b bytes.Buffer
	if err := (&Table{Options: Options{Width: 80}}).Render(&b, rep); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(b.String(), "\n") {
		if w := text.StringWidthWithoutEscSequences(line); w > 80 {
			t.Errorf("line %d is %d wide: %q", i+1, w, line)
		}
	}
	checkGolden(t, filepath.Join(testdata, "table_vs403463_80.golden"), b.Bytes())
}

func TestRegistry(t *testing.T) {
	if got, want := Names(), []string{"table", "markdown", "json", "csv", "html", "sarif", "xlsx"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for ext, want := range map[string]string{
		"report.txt": "table", "r.md": "markdown", "R.MARKDOWN": "markdown", "r.json": "json", "r.csv": "csv",
		"r.html": "html", "r.HTM": "html", "r.sarif": "sarif", "report.xlsx": "xlsx", "r.pdf": "", "noext": "",
	} {
		if got := ForFile(ext); got != want {
			t.Errorf("ForFile(%q) = %q, want %q", ext, got, want)
		}
	}
	if _, err := New("yaml", Options{}); err == nil || !strings.Contains(err.Error(), "table, markdown, json, csv, html, sarif") {
		t.Errorf("New(yaml) error = %v, want one listing the formats", err)
	}
	if r, err := New("HTML", Options{}); err != nil || r == nil {
		t.Errorf("New(HTML) = %v, %v; names are case-insensitive", r, err)
	}
}

// TestEveryFormatRendersTheFullReport renders the hand-made report with
// every field filled in every format: nothing fails, and every format shows
// the sections the others show.
func TestEveryFormatRendersTheFullReport(t *testing.T) {
	rep := fullReport()
	for _, name := range Names() {
		if name == "xlsx" {
			continue // A binary workbook: xlsx_test.go reads it back.
		}
		r, _ := New(name, Options{Width: 400}) // Wide enough that no cell wraps.
		var b bytes.Buffer
		if err := r.Render(&b, rep); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := strings.ReplaceAll(b.String(), "<wbr>", "")
		want := []string{"ip-outside-trusted-locations", "req-1"}
		if name != "sarif" {
			want = append(want, "198.51.100.23", "53003", "exports/b.json", "Noord-Holland", "git/2.43", "bob@contoso.com")
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s output lacks %q", name, w)
			}
		}
	}
}
