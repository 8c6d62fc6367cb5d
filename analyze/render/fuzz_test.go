package render

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/signinspect/signinspect/internal/safetext"
)

// FuzzTableRender puts arbitrary text in every string of a full report, by
// turns (a field takes the fuzzer's text, the next a piece of it), and
// renders it as a table at a fuzzed width, in colour or not: it must not
// panic, must stay within the width, and must write no control character
// but its own colours.
func FuzzTableRender(f *testing.F) {
	for _, s := range []string{"", "x", "\x1b]0;t\x07", "a\u202eb", strings.Repeat("w", 300), "東京 Zürich\ttab\r\n",
		"ip-outside-trusted-locations", "\u0301\u200d", "\xff\xfe"} {
		f.Add(s, uint8(80), false)
	}
	f.Add("x", uint8(20), true)
	f.Fuzz(func(t *testing.T, s string, width uint8, color bool) {
		rep := fullReport()
		n := 0
		mapStrings(reflect.ValueOf(rep).Elem(), func(old string) string {
			n++
			switch n % 3 {
			case 0:
				return s
			case 1:
				return old + s
			}
			return s[:len(s)/2] + old
		})
		w := 40 + int(width)
		var b bytes.Buffer
		if err := (&Table{Options: Options{Width: w, Color: color}}).Render(&b, rep); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if color {
			out = text.StripEscape(out)
		}
		for i, line := range strings.Split(out, "\n") {
			if lw := text.StringWidthWithoutEscSequences(line); lw > w {
				t.Fatalf("line %d is %d wide at width %d: %q", i+1, lw, w, line)
			}
			if j := strings.IndexFunc(line, safetext.Invisible); j >= 0 {
				t.Fatalf("line %d holds %q", i+1, line)
			}
		}
	})
}
