package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/internal/fuzzseed"
)

// FuzzRewrite checks that rewriting a report of any format never panics,
// and that a rewriter that changes nothing gives the report back as it was
// (CSV aside, which is written back with its own quoting).
func FuzzRewrite(f *testing.F) {
	for _, seed := range fuzzseed.Files(f, "testdata/*_nomatch.golden") {
		f.Add(string(seed))
	}
	f.Add("<td>a<wbr>b</td><text><title>x &amp; y</title>x …</text>")
	f.Add("| `code \\` span` | a\\|b |\n")
	f.Fuzz(func(t *testing.T, in string) {
		for _, format := range []string{"json", "html", "markdown", "csv", "table"} {
			out, err := Rewrite(format, []byte(in), func(s string, _ func(string) string) string { return s })
			if err != nil {
				if format != "csv" {
					t.Fatalf("%s: %v", format, err)
				}
				continue
			}
			if format != "csv" && !bytes.Equal(out, []byte(in)) {
				t.Fatalf("%s: an identity rewrite changed %q into %q", format, in, out)
			}
		}
	})
}

// TestRewriteEscapes puts a value that needs escaping where a pseudonym
// was, in every format, and checks the format's escaping.
func TestRewriteEscapes(t *testing.T) {
	const pseudo, orig = "user-0123456789ab", `O'Brien, "Pat" <pat@x.co> | *x* =1+1`
	replace := func(s string, escape func(string) string) string { return strings.ReplaceAll(s, pseudo, escape(orig)) }
	for _, tt := range []struct{ format, in, want string }{
		{"json", `{"user": "user-0123456789ab"}`, `{"user": "O'Brien, \"Pat\" <pat@x.co> | *x* =1+1"}`},
		{"html", `<td class="wrappable">user-<wbr>0123456789ab</td>`, `<td class="wrappable">O&#39;Brien, &#34;Pat&#34; &lt;pat@<wbr>x.<wbr>co&gt; | *x* =1+1</td>`},
		{"markdown", "| user-0123456789ab | `user-0123456789ab` |", "| O'Brien, \"Pat\" \\<pat@x.co\\> \\| \\*x\\* =1+1 | `O'Brien, \"Pat\" <pat@x.co> | *x* =1+1` |"},
		{"csv", "section,user\nuser,user-0123456789ab\n", "section,user\nuser,\"O'Brien, \"\"Pat\"\" <pat@x.co> | *x* =1+1\"\n"},
		{"table", "│ user-0123456789ab │", "│ " + orig + " │"},
	} {
		out, err := Rewrite(tt.format, []byte(tt.in), replace)
		if err != nil || string(out) != tt.want {
			t.Errorf("%s: %q, %v\nwant %q", tt.format, out, err, tt.want)
		}
	}
	// A CSV cell that would become a formula is neutralised.
	out, _ := Rewrite("csv", []byte("user\nuser-0123456789ab\n"), func(s string, _ func(string) string) string {
		return strings.ReplaceAll(s, pseudo, "=HYPERLINK(\"x\")")
	})
	if !strings.Contains(string(out), `'=HYPERLINK`) {
		t.Errorf("csv: %q", out)
	}
}
