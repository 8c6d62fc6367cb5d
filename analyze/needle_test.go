package analyze

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
)

// indexFoldReference is needle.Index done the slow, obvious way.
func indexFoldReference(data []byte, needle string) int {
	lower := bytes.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, data)
	if len(lower) != len(data) {
		panic("bytes.Map changed the length")
	}
	return bytes.Index(lower, []byte(strings.ToLower(needle)))
}

func TestNeedleIndex(t *testing.T) {
	needles := []string{"megan.bowen@contoso.com", "azure devop", "499b84ac-1321-427f-aa17-267ca6975798",
		`"result"`, "conditionalaccesspolicies\"", "zz", "a", "-", "@", "q1", "ab-"}
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("aAbBzZqQ-1@. \"resultRESULTmeganMEGAN")
	for _, s := range needles {
		n := newNeedle(s)
		for i := 0; i < 3000; i++ {
			data := make([]byte, rng.Intn(80))
			for j := range data {
				data[j] = alphabet[rng.Intn(len(alphabet))]
			}
			// Plant the needle in a random case now and then.
			if rng.Intn(3) == 0 && len(data) >= len(s) {
				at := rng.Intn(len(data) - len(s) + 1)
				for j := 0; j < len(s); j++ {
					c := s[j]
					if rng.Intn(2) == 0 && c >= 'a' && c <= 'z' {
						c -= 'a' - 'A'
					}
					data[at+j] = c
				}
			}
			if got, want := n.Index(data), indexFoldReference(data, s); got != want {
				t.Fatalf("needle %q in %q: Index = %d, want %d", s, data, got, want)
			}
		}
	}
}
