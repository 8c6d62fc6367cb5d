// Package safetext makes text from an export safe to show: on a terminal,
// in a pipe, in a spreadsheet or in a browser. Sign-in logs are written by
// whoever signs in (a user agent, a device name, a UPN of a guest tenant),
// so a value may hold an escape sequence that retitles the terminal or
// forges a hyperlink, a C1 control that some terminals treat as an escape,
// or a bidirectional override that makes "moc.osotnoc@" read as
// "@contoso.com". Shown text keeps every such character, made visible, and
// never the character itself.
package safetext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Invisible reports whether r is a character that Visible shows by name:
// a C0 control other than the line feed, DEL, a C1 control, a
// bidirectional formatting character, or a line or paragraph separator.
func Invisible(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\n'
	case r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, // Arabic letter mark.
		r == 0x200e, r == 0x200f, // Left-to-right and right-to-left marks.
		r >= 0x202a && r <= 0x202e, // Embeddings and overrides.
		r >= 0x2066 && r <= 0x2069, // Isolates.
		r == 0x2028, r == 0x2029:   // Line and paragraph separators.
		return true
	}
	return false
}

// Visible returns s with every invisible character (see Invisible) written
// as a visible stand-in: C0 controls and DEL as their Unicode control
// pictures (␛ for ESC, ␍ for CR, ␉ for a tab), the others as <U+202E>. A
// byte that is not UTF-8 becomes U+FFFD. Line feeds are kept: they break
// lines and cannot start an escape. Text without such characters is
// returned as is, without copying.
func Visible(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || Invisible(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				b.WriteRune(utf8.RuneError) // An invalid byte.
			} else {
				b.WriteRune(r) // U+FFFD itself, as written.
			}
		case !Invisible(r):
			b.WriteRune(r)
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune(0x2421)
		default:
			fmt.Fprintf(&b, "<U+%04X>", r)
		}
	}
	return b.String()
}

// EscapeJSON returns encoded JSON with every invisible character that
// encoding/json writes raw (DEL, C1 controls and bidirectional formatting
// characters) written as a \u escape instead. The decoded values are the
// same; a reader that opens the file in a terminal or an editor sees the
// escape, not its effect. Outside strings JSON is ASCII, so every such
// character is inside a string.
func EscapeJSON(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < 0x7f {
		i++
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x7f && Invisible(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}
