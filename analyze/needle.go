package analyze

import (
	"bytes"

	"github.com/signinspect/signinspect/internal/ascii"
)

// A needle finds an ASCII string in raw bytes, ignoring ASCII case. It
// looks for its rarest part first: a run of bytes that have no case (digits,
// punctuation) with bytes.Index, or else its rarest letter in both cases,
// and compares the whole needle only around those hits, so that searching
// a record costs little more than a memchr over it.
type needle struct {
	lower  []byte // The needle in lower case.
	anchor []byte // The part searched first: caseless bytes, or one letter.
	off    int    // Offset of anchor in the needle.
	letter bool   // anchor is one letter, searched in both cases.
}

// letterRarity orders lower-case letters from the rarest in sign-in
// exports (English words, camelCase keys, hexadecimal IDs) to the most
// common.
const letterRarity = "zqjxkvwygfbhpmulsrcdnitoae"

// rarePunctuation are caseless bytes rare enough in exports that a needle
// holding one is best searched by it alone.
const rarePunctuation = "@#!$%&*+=?^|~<>;"

// newNeedle returns a needle for s, which must be non-empty ASCII.
func newNeedle(s string) *needle {
	n := &needle{lower: bytes.ToLower([]byte(s))}
	// The longest run of caseless bytes.
	bestOff, bestLen := -1, 0
	for i := 0; i < len(n.lower); {
		if ascii.IsLetter(n.lower[i]) {
			i++
			continue
		}
		j := i
		for j < len(n.lower) && !ascii.IsLetter(n.lower[j]) {
			j++
		}
		if j-i > bestLen {
			bestOff, bestLen = i, j-i
		}
		i = j
	}
	if bestLen >= 2 {
		n.off, n.anchor = bestOff, n.lower[bestOff:bestOff+bestLen]
		return n
	}
	for i, c := range n.lower {
		if bytes.IndexByte([]byte(rarePunctuation), c) >= 0 {
			n.off, n.anchor = i, n.lower[i:i+1]
			return n
		}
	}
	rank := len(letterRarity)
	for i, c := range n.lower {
		if r := bytes.IndexByte([]byte(letterRarity), c); r >= 0 && r < rank {
			rank, n.off, n.anchor, n.letter = r, i, n.lower[i:i+1], true
		}
	}
	if n.anchor == nil {
		// One caseless byte and no letter: search by it.
		n.off, n.anchor = bestOff, n.lower[bestOff:bestOff+1]
	}
	return n
}

// Len returns the needle's length in bytes.
func (n *needle) Len() int { return len(n.lower) }

// Index returns the offset of the first occurrence of the needle in data,
// ignoring ASCII case, or -1.
func (n *needle) Index(data []byte) int {
	return n.IndexFrom(data, 0)
}

// IndexFrom is Index over data[from:], with the offset counted from the
// start of data.
func (n *needle) IndexFrom(data []byte, from int) int {
	if from < 0 || from+len(n.lower) > len(data) {
		return -1
	}
	if n.letter {
		return n.indexByLetter(data, from)
	}
	for {
		i := bytes.Index(data[from+n.off:], n.anchor)
		if i < 0 {
			return -1
		}
		p := from + i
		if p+len(n.lower) <= len(data) && ascii.EqualFold(data[p:p+len(n.lower)], n.lower) {
			return p
		}
		from = p + 1
		if from+len(n.lower) > len(data) {
			return -1
		}
	}
}

// indexByLetter searches by the anchor letter in both cases.
func (n *needle) indexByLetter(data []byte, from int) int {
	lo := n.anchor[0]
	up := lo - 'a' + 'A'
	if from+n.off > len(data) {
		return -1
	}
	nextLo, nextUp := -2, -2 // Offsets of the next anchors; -2: not searched yet.
	at := from + n.off
	for {
		if nextLo != -1 && nextLo < at {
			if k := bytes.IndexByte(data[at:], lo); k >= 0 {
				nextLo = at + k
			} else {
				nextLo = -1
			}
		}
		if nextUp != -1 && nextUp < at {
			if k := bytes.IndexByte(data[at:], up); k >= 0 {
				nextUp = at + k
			} else {
				nextUp = -1
			}
		}
		a := nextLo
		if a < 0 || nextUp >= 0 && nextUp < a {
			a = nextUp
		}
		if a < 0 {
			return -1
		}
		p := a - n.off
		if p+len(n.lower) > len(data) {
			return -1
		}
		if ascii.EqualFold(data[p:p+len(n.lower)], n.lower) {
			return p
		}
		at = a + 1
	}
}
