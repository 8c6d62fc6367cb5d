// Package ascii compares bytes ignoring the case of ASCII letters only, as
// the raw-byte searches of signinspect need: they look at undecoded records,
// where a non-ASCII letter's case cannot be told without decoding.
package ascii

// IsLetter reports whether c is an ASCII letter.
func IsLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// Lower returns c in lower case when it is an ASCII letter, else c.
func Lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// EqualFold reports whether s equals lower, which must be in lower case,
// ignoring the case of ASCII letters in s.
func EqualFold[T string | []byte](s, lower T) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		if Lower(s[i]) != lower[i] {
			return false
		}
	}
	return true
}

// ToLower returns s with its ASCII letters in lower case; it returns s
// itself, without allocating, when there is none in upper case.
func ToLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = Lower(b[j])
			}
			return string(b)
		}
	}
	return s
}
