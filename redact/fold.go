package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/signinspect/signinspect/internal/ascii"
)

// Names are found in free text whatever their case, in every script: "ZOË
// ÜNDER" is Zoë Ünder. internal/ascii folds ASCII letters only, which is
// right for searching raw bytes that may hold escapes; the text searched
// here is decoded, so it is folded by Unicode's simple case folding, one
// character at a time (the Kelvin sign K is k, the long s ſ is s). A
// character whose full folding is longer (ß, ﬁ) folds to itself.

// foldRune returns the case-folded form of r.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return rune(ascii.Lower(byte(r)))
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// foldCase returns s case-folded: the key of a value in Identities, and
// what pseudonyms are hashed from, so that every case variant of a value
// gets one pseudonym.
func foldCase(s string) string {
	if isASCII(s) {
		return ascii.ToLower(s)
	}
	return strings.Map(foldRune, s)
}

// foldWithOffsets returns s case-folded, and for each byte of the result
// the offset in s of the character it came from, with len(s) at the end.
// offsets is nil when the two are the same length byte for byte (ASCII
// text), where the offsets are the identity.
func foldWithOffsets(s string) (string, []int) {
	if isASCII(s) {
		return ascii.ToLower(s), nil
	}
	var b strings.Builder
	b.Grow(len(s))
	offsets := make([]int, 0, len(s)+1)
	for i, r := range s {
		n := b.Len()
		b.WriteRune(foldRune(r))
		for range b.Len() - n {
			offsets = append(offsets, i)
		}
	}
	offsets = append(offsets, len(s))
	return b.String(), offsets
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isWordRune reports whether r can be part of a word: a letter, a digit or
// the underscore.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// wordBefore reports whether the character before s[i] is part of a word.
func wordBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWordRune(r)
}

// wordAt reports whether the character at s[i] is part of a word.
func wordAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r)
}
