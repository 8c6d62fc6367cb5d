package render

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/signinspect/signinspect/analyze"
)

func TestClipText(t *testing.T) {
	long := strings.Repeat("1", 1000)
	for _, tt := range []struct{ name, in, want string }{
		{"short", "198.51.100.23", "198.51.100.23"},
		{"a word at the limit", strings.Repeat("a", maxShownWord), strings.Repeat("a", maxShownWord)},
		{"a long word", "from " + long + " today", "from " + long[:maxShownWord] + "…(+800 characters) today"},
		{"one character over", strings.Repeat("é", maxShownWord+1), strings.Repeat("é", maxShownWord) + "…(+1 character)"},
		{"long text of short words", strings.Repeat("word ", 1000),
			strings.Repeat("word ", maxShownText/5) + "…(+1,000 characters)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := clipText(tt.in); got != tt.want {
				t.Errorf("clipText = %q (%d characters); want %q", got, utf8.RuneCountInString(got), tt.want)
			}
		})
	}
}

func TestShownLeavesTheReport(t *testing.T) {
	rep := fullReport()
	rep.Findings[0].Evidence[0].User = "a\x1bb" + strings.Repeat("x", 500)
	rep.Findings[0].Fixes = []analyze.FixGroup{{Fix: "fix", Values: []analyze.FixValues{{Values: []string{"\u202e"}}}}}
	before := fullReport()
	before.Findings[0].Evidence[0].User = rep.Findings[0].Evidence[0].User
	before.Findings[0].Fixes = []analyze.FixGroup{{Fix: "fix", Values: []analyze.FixValues{{Values: []string{"\u202e"}}}}}

	shown := shown(rep)
	if !reflect.DeepEqual(rep, before) {
		t.Error("shown changed the report it was given")
	}
	if got := shown.Findings[0].Evidence[0].User; got != "a␛b"+strings.Repeat("x", maxShownWord-3)+"…(+303 characters)" {
		t.Errorf("shown user = %q", got)
	}
	if got := shown.Findings[0].Fixes[0].Values[0].Values[0]; got != "<U+202E>" {
		t.Errorf("shown fix value = %q", got)
	}
	if shown.Summary != rep.Summary || !shown.GeneratedAt.Equal(rep.GeneratedAt) {
		t.Error("shown changed what holds no text")
	}
}
