package render

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestMarkdownEscapesHostileValues(t *testing.T) {
	var b bytes.Buffer
	if err := (Markdown{}).Render(&b, fullReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script>", "[link](javascript", "*bold*", "`code`"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown output holds %q unescaped", bad)
		}
	}
	for _, want := range []string{
		`\<script\>alert(1)\</script\>`,
		`\*bold\* \` + "`code\\`" + ` \[link\](javascript:alert(1))`,
		`=cmd\|' /C calc'!A0`, // In a table cell, the pipe is escaped.
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown output lacks %q", want)
		}
	}
	// Every row of a table has as many cell separators as its header.
	unescapedPipe := regexp.MustCompile(`(^|[^\\])\|`)
	var header int
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = 0
			continue
		}
		n := len(unescapedPipe.FindAllString(line, -1))
		if header == 0 {
			header = n
		} else if n != header {
			t.Errorf("table row has %d cell separators, its header %d: %s", n, header, line)
		}
	}
}

func TestMDPara(t *testing.T) {
	for in, want := range map[string]string{
		"# not a heading":    `\# not a heading`,
		"- not a list":       `\- not a list`,
		"1. not a list":      `1\. not a list`,
		"12) not a list":     `12\) not a list`,
		"2026-11-20 is fine": "2026-11-20 is fine",
		"two\nlines":         "two lines",
		"a > b & c < d":      `a \> b \& c \< d`,
		`back\slash`:         `back\\slash`,
		"snake_case_is_fine": "snake_case_is_fine",
	} {
		if got := mdPara(in); got != want {
			t.Errorf("mdPara(%q) = %q, want %q", in, got, want)
		}
	}
}
