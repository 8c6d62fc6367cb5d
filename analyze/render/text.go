package render

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/jedib0t/go-pretty/v6/text"
)

// wrapText breaks s into lines of at most width columns: at spaces where it
// can, and inside a word longer than a line (after a '/', '-', ',' or '.'
// near the end of the line when there is one, so that paths and addresses
// break where people expect). Line breaks in s are kept; runs of spaces
// within a line become one. A width of 0 or less does not wrap.
func wrapText(s string, width int) []string {
	if width <= 0 {
		return strings.Split(s, "\n")
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line, lineWidth := "", 0
		flush := func() {
			out = append(out, line)
			line, lineWidth = "", 0
		}
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		for _, w := range words {
			ww := text.StringWidthWithoutEscSequences(w)
			switch {
			case lineWidth > 0 && lineWidth+1+ww <= width:
				line, lineWidth = line+" "+w, lineWidth+1+ww
				continue
			case lineWidth > 0:
				flush()
			}
			for ww > width {
				head, rest := breakWord(w, width)
				out = append(out, head)
				w, ww = rest, text.StringWidthWithoutEscSequences(rest)
			}
			line, lineWidth = w, ww
		}
		flush()
	}
	return out
}

// breakAfter are the punctuation marks after which a word too long for its
// line may break (besides slashes, which are preferred).
const breakAfter = "-_,.!/\\"

// breakWord splits a word wider than width into a head that fits and the
// rest. In the head's last two thirds it prefers to break after a slash,
// then before an '@', then after other punctuation ('-', '_', ',', '.'),
// then before a capital that starts a CamelCase word, then after
// punctuation in its first third (a short head beats a word cut in two);
// failing all of these it breaks at the width.
func breakWord(w string, width int) (head, rest string) {
	cut, used := 0, 0
	afterSlash, beforeAt, afterPunct, beforeCamel, earlyPunct := -1, -1, -1, -1, -1
	var prev rune
	for i, r := range w {
		rw := text.RuneWidth(r)
		if used+rw > width {
			break
		}
		late := used > width/3
		switch {
		case late && r == '@':
			beforeAt = i
		case late && unicode.IsUpper(r) && unicode.IsLower(prev):
			beforeCamel = i
		}
		used += rw
		cut = i + len(string(r))
		switch {
		case used <= width/3:
			if strings.ContainsRune(breakAfter, r) {
				earlyPunct = cut
			}
		case r == '/' || r == '\\':
			afterSlash = cut
		case strings.ContainsRune(breakAfter, r):
			afterPunct = cut
		}
		prev = r
	}
	if cut == 0 { // A rune wider than the width: take it alone.
		_, size := firstRune(w)
		return w[:size], w[size:]
	}
	for _, at := range []int{afterSlash, beforeAt, afterPunct, beforeCamel, earlyPunct} {
		if at > 0 && at < len(w) {
			return w[:at], w[at:]
		}
	}
	return w[:cut], w[cut:]
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// widest returns the display width of the widest line of s.
func widest(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		n = max(n, text.StringWidthWithoutEscSequences(l))
	}
	return n
}

// longestWord returns the display width of the widest word of s.
func longestWord(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		n = max(n, text.StringWidthWithoutEscSequences(w))
	}
	return n
}

// errWriter keeps the first write error, so that rendering code reads as a
// sequence of prints.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) print(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func (e *errWriter) println(s string) {
	e.print(s + "\n")
}
