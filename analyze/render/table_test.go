package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/signinspect/signinspect/analyze"
)

func renderTable(t *testing.T, r *analyze.Report, o Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := (&Table{Options: o}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestTableFitsWidth checks that at 100, 120 and 160 columns no line of the
// table format is wider than the width, for the sample reports and for the
// hand-made one with long hostile values.
func TestTableFitsWidth(t *testing.T) {
	reports := map[string]*analyze.Report{"full": fullReport()}
	for _, c := range sampleCases[:2] {
		reports[c.name] = sampleReport(t, c)
	}
	for name, rep := range reports {
		for _, width := range []int{100, 120, 160} {
			out := renderTable(t, rep, Options{Width: width})
			for i, line := range strings.Split(out, "\n") {
				if w := text.StringWidthWithoutEscSequences(line); w > width {
					t.Errorf("%s at width %d: line %d is %d wide: %q", name, width, i+1, w, line)
				}
			}
		}
	}
}

func TestTableColour(t *testing.T) {
	rep := fullReport()
	plain := renderTable(t, rep, Options{})
	if strings.Contains(plain, "\x1b[") {
		t.Error("table output without Options.Color holds ANSI escape codes")
	}
	coloured := renderTable(t, rep, Options{Color: true})
	for _, want := range []string{
		"\x1b[1;97;41mCRITICAL", // Severity: white on red, bold.
		"\x1b[1m── Scope",       // Headings: bold.
		"\x1b[31m53003",         // Failure codes: red.
	} {
		if !strings.Contains(coloured, want) {
			t.Errorf("coloured table output lacks %q", want)
		}
	}
	// Colour changes how the text looks, never what it says.
	if got := text.StripEscape(coloured); got != plain {
		t.Error("coloured output without its escape codes differs from the plain output")
	}
}

func TestTableNoMatchIsProminent(t *testing.T) {
	rep := sampleReport(t, sampleCases[2])
	out := renderTable(t, rep, Options{})
	if rep.Summary.NoMatch == "" {
		t.Fatal("the no-match case matched")
	}
	answer := out[:strings.Index(out, "── Scope")]
	if !strings.HasPrefix(answer, "── Answer") || !strings.Contains(answer, "No match: 0 of 264 records matched: none was for user nobody@contoso.com") {
		t.Errorf("the report does not open with the no-match reason as its answer:\n%s", answer)
	}
}

// TestTableGroupsWarnings checks that a warning shared by several inputs is
// said once, with the inputs it concerns, and that an unreadable input is
// described by its error alone.
func TestTableGroupsWarnings(t *testing.T) {
	out := renderTable(t, fullReport(), Options{Width: 160})
	if n := strings.Count(out, "carries only the aggregate Conditional Access status"); n != 1 {
		t.Errorf("the shared warning appears %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, "(exports/=cmd|' /C calc'!A0.csv, exports/b.json)") {
		t.Errorf("the shared warning does not name both inputs:\n%s", out)
	}
	if strings.Contains(out, "not read: not a sign-in log export\n") || !strings.Contains(out, `not read: not a sign-in log export: it begins "hello"`) {
		t.Errorf("the unreadable input is not described by its error:\n%s", out)
	}
}

func TestTableBreakdownsOnlyForMany(t *testing.T) {
	rep := fullReport()
	out := renderTable(t, rep, Options{})
	if !strings.Contains(out, "── By user") {
		t.Error("two users matched but there is no per-user breakdown")
	}
	if strings.Contains(out, "── By app") {
		t.Error("one app matched but there is a per-app breakdown")
	}
	for _, want := range []string{
		"… and 6 more users (use --top 0 to list all)",
		"… and 2 more policies (use --top 0 to list all)",
		"… and 1 more findings (use --top 0 to list all)",
		"… and 7 more sign-ins",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestWrapText(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  []string
	}{
		{"one two three", 7, []string{"one two", "three"}},
		{"one\ntwo", 20, []string{"one", "two"}},
		{"samples/graph/mes/NonInteractive/file.json", 20, []string{"samples/graph/mes/", "NonInteractive/", "file.json"}},
		{"svc-build@contoso.com", 12, []string{"svc-build", "@contoso.com"}},
		{"ExpiredOrRevokedGrantInactiveToken", 20, []string{"ExpiredOrRevoked", "GrantInactiveToken"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"ip-outside-trusted-locations", 9, []string{"ip-", "outside-", "trusted-", "locations"}},
		{"", 10, []string{""}},
	} {
		got := wrapText(c.in, c.width)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapText(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}

// TestGridLayouts checks the three layouts of a grid in the table format:
// a box at its natural width when it fits, a box whose wrap columns are
// narrowed when it does not, and a list of records when even the narrowest
// box is wider than the width.
func TestGridLayouts(t *testing.T) {
	g := grid{
		Columns: []column{{Name: "Policy"}, {Name: "Failures", Numeric: true}, {Name: "Why", Wrap: true}},
		Rows: [][]cell{
			{plain("Office only"), plain("12"), plain("the caller's address is in no trusted named location")},
			{plain("Require compliant device"), plain("3"), plain("")},
		},
	}
	render := func(width int) string {
		var b bytes.Buffer
		p := &textPrinter{ew: &errWriter{w: &b}, width: width}
		p.grid(g, "  ")
		if p.ew.err != nil {
			t.Fatal(p.ew.err)
		}
		return b.String()
	}
	for _, tt := range []struct {
		width int
		want  string
	}{
		{120, `  ┌──────────────────────────┬──────────┬──────────────────────────────────────────────────────┐
  │ Policy                   │ Failures │ Why                                                  │
  ├──────────────────────────┼──────────┼──────────────────────────────────────────────────────┤
  │ Office only              │       12 │ the caller's address is in no trusted named location │
  │ Require compliant device │        3 │                                                      │
  └──────────────────────────┴──────────┴──────────────────────────────────────────────────────┘
`},
		{60, `  ┌──────────────────────────┬──────────┬──────────────────┐
  │ Policy                   │ Failures │ Why              │
  ├──────────────────────────┼──────────┼──────────────────┤
  │ Office only              │       12 │ the caller's     │
  │                          │          │ address is in no │
  │                          │          │ trusted named    │
  │                          │          │ location         │
  │ Require compliant device │        3 │                  │
  └──────────────────────────┴──────────┴──────────────────┘
`},
		{40, `  Policy: Office only
    Failures: 12 · Why: the caller's
    address is in no trusted named
    location
  Policy: Require compliant device
    Failures: 3
`},
	} {
		got := render(tt.width)
		if got != tt.want {
			t.Errorf("at width %d:\n%s\nwant\n%s", tt.width, got, tt.want)
		}
		for i, line := range strings.Split(got, "\n") {
			if w := text.StringWidthWithoutEscSequences(line); w > tt.width {
				t.Errorf("at width %d, line %d is %d wide", tt.width, i+1, w)
			}
		}
	}
}
