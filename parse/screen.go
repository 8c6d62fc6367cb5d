package parse

import (
	"bytes"
)

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
