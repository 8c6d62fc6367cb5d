package ascii

import "testing"

func TestEqualFold(t *testing.T) {
	for _, c := range []struct {
		s, lower string
		want     bool
	}{
		{"Result", "result", true},
		{"RESULT", "result", true},
		{"result", "result", true},
		{"resul", "result", false},
		{"results", "result", false},
		{"r3sult", "result", false},
		{"-@1", "-@1", true},
		{"\x00", " ", false}, // 0x00|0x20 is a space: only letters fold.
		{"[", "{", false},    // '[' and '{' differ by 0x20 too.
		{"", "", true},
		{"\u212Aelvin", "kelvin", false}, // Unicode folding is not ASCII folding.
	} {
		if got := EqualFold(c.s, c.lower); got != c.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", c.s, c.lower, got, c.want)
		}
		if got := EqualFold([]byte(c.s), []byte(c.lower)); got != c.want {
			t.Errorf("EqualFold([]byte(%q), []byte(%q)) = %v, want %v", c.s, c.lower, got, c.want)
		}
	}
}

func TestIsLetterAndLower(t *testing.T) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		letter := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
		if IsLetter(b) != letter {
			t.Errorf("IsLetter(%q) = %v", b, IsLetter(b))
		}
		want := b
		if 'A' <= b && b <= 'Z' {
			want = b + 32
		}
		if Lower(b) != want {
			t.Errorf("Lower(%q) = %q, want %q", b, Lower(b), want)
		}
	}
}
