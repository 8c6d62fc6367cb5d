package parse

import "bytes"

// This file lets a caller leave records undecoded without changing what
// reading an input tells. A caller that proves from a record's raw bytes
// that its filters drop it (analyze's prefilter) still needs what decoding
// that record would have added to the input's notes and warnings: which
// rows took their flow from the file name, which records have no flow at
// all, policy lists that are empty. A Screener answers that from the raw
// bytes when it can do so cheaply and exactly, and says so; otherwise the
// caller decodes the record.

// A Screener is a Decoder that can vouch for a raw record without decoding
// it. Decoders of every format may implement it; the JSON and portal CSV
// decoders do.
type Screener interface {
	// Screen reports whether c is an ordinary record: one whose decoding
	// adds nothing to the decoder's notes beyond what Screen itself has
	// just counted (a row whose flow the file name tells), that lists no
	// Conditional Access policy whose result is unknownFutureValue, and
	// that is not a Conditional Access failure with a known, empty policy
	// list. Screening tells the one fact of the record a caller still
	// needs. When Screen returns false it has counted nothing and the
	// caller must decode c.
	//
	// Screen does not look for malformed values: a record it vouches for
	// may still fail to decode. It is safe for concurrent use.
	Screen(c Chunk) (Screening, bool)
}

// Screening is what a Screener tells about a record it vouches for.
type Screening struct {
	// NoFlow says the record does not tell its flow (Record.Flow is "").
	NoFlow bool
}

// A Needle finds an ASCII string in raw bytes, ignoring ASCII case. It
// looks for its rarest part first: a run of bytes that have no case (digits,
// punctuation) with bytes.Index, or else its rarest letter in both cases,
// and compares the whole needle only around those hits, so that searching
// a record costs little more than a memchr over it.
type Needle struct {
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

// NewNeedle returns a Needle for s, which must be non-empty ASCII.
func NewNeedle(s string) *Needle {
	n := &Needle{lower: bytes.ToLower([]byte(s))}
	// The longest run of caseless bytes.
	bestOff, bestLen := -1, 0
	for i := 0; i < len(n.lower); {
		if isASCIILetter(n.lower[i]) {
			i++
			continue
		}
		j := i
		for j < len(n.lower) && !isASCIILetter(n.lower[j]) {
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
func (n *Needle) Len() int { return len(n.lower) }

// Index returns the offset of the first occurrence of the needle in data,
// ignoring ASCII case, or -1.
func (n *Needle) Index(data []byte) int {
	return n.IndexFrom(data, 0)
}

// IndexFrom is Index over data[from:], with the offset counted from the
// start of data.
func (n *Needle) IndexFrom(data []byte, from int) int {
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
		if p+len(n.lower) <= len(data) && equalFoldASCII(data[p:p+len(n.lower)], n.lower) {
			return p
		}
		from = p + 1
		if from+len(n.lower) > len(data) {
			return -1
		}
	}
}

// indexByLetter searches by the anchor letter in both cases.
func (n *Needle) indexByLetter(data []byte, from int) int {
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
		if equalFoldASCII(data[p:p+len(n.lower)], n.lower) {
			return p
		}
		at = a + 1
	}
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// equalFoldASCII reports whether b equals lower, which is in lower case,
// ignoring ASCII case.
func equalFoldASCII(b, lower []byte) bool {
	for i, c := range lower {
		d := b[i]
		if d != c && (d|0x20 != c || !isASCIILetter(c)) {
			return false
		}
	}
	return true
}

// hasFoldHazard reports whether data holds a character that Unicode case
// folding equates with an ASCII letter: the Kelvin sign (K, k) and the long
// s (ſ, s). Keys match case-insensitively in the Unicode sense (goccy/go-json
// folds them), and strings.ToLower maps the Kelvin sign to k, so ASCII-only
// searches for keys and values are exact only in data without them.
func hasFoldHazard(data []byte) bool {
	for i := 0; ; {
		k := bytes.IndexByte(data[i:], 0xE2)
		if k < 0 {
			break
		}
		i += k + 1
		if i+1 < len(data) && data[i] == 0x84 && data[i+1] == 0xAA {
			return true
		}
	}
	for i := 0; ; {
		k := bytes.IndexByte(data[i:], 0xC5)
		if k < 0 {
			return false
		}
		i += k + 1
		if i < len(data) && data[i] == 0xBF {
			return true
		}
	}
}
