package parse

import (
	"bytes"

	"github.com/signinspect/signinspect/internal/ascii"
)

// The JSON Screener vouches for a record from a few searches over its raw
// bytes. It needs the record to hold no backslash (an escape can spell any
// key or value) and no character that Unicode case folding equates with an
// ASCII letter (hasFoldHazard), so that a case-insensitive ASCII search
// finds every key the decoder would match. Then:
//
//   - every "result" member (the policies' results) must be a string that
//     is not unknownFutureValue in any spelling;
//   - every ...ConditionalAccessPolicies member must be an array that holds
//     an object, so no policy list is empty;
//   - the flow must come from the record's content: a recognised
//     "category" member of the outer object (a log category or table), or
//     an isInteractive member of the outer object that is true or false
//     when the object has no properties member (which would make it a
//     diagnostic envelope whose properties tell the flow instead). An
//     additionalProperties member, whose members override the object's,
//     makes the record one to decode.
//
// Anything else is left to the decoder: the screener is exact where it
// answers and silent where it is unsure.

// Screen implements Screener.
func (d *jsonDecoder) Screen(c Chunk) (Screening, bool) {
	data := c.Data
	if bytes.IndexByte(data, '\\') >= 0 || hasFoldHazard(data) {
		return Screening{}, false
	}
	var sc jsonScreen
	if !sc.scan(data, c.Layout) || sc.additional || !sc.flowTold() {
		return Screening{}, false
	}
	return Screening{}, true
}

// jsonScreen is what one pass over a record's members found.
type jsonScreen struct {
	additional  bool // An additionalProperties member.
	properties  bool // A properties member of the outer object.
	category    int  // Recognised category members of the outer object; -1: one is not.
	interactive int  // Boolean isInteractive members of the outer object; -1: one is not.
}

// scan visits every member of data, a JSON object without backslashes,
// jumping from string to string and following the brackets between them.
// It returns false when a member rules the record out or, for a record
// framed by layout, when the full scan would frame it otherwise: it checks
// what checkLayout checks, with the objectScanner's rules, in the same
// pass.
func (sc *jsonScreen) scan(data []byte, layout Layout) bool {
	var open [MaxJSONDepth / 64]uint64 // One bit per open bracket: 1 for '['.
	depth := 0
	expectKey := false // At depth 1, the next string is a member name.
	var key []byte     // The last member name at depth 1, as the scanner sees it.
	envelopes := layout == LayoutLine
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c >= 128 || !isStructural(c) {
			continue
		}
		switch c {
		case '"':
			start := i + 1
			e := indexQuote(data[start:])
			if e < 0 {
				return false
			}
			end := start + e
			if depth == 1 && expectKey {
				key = data[start:end]
			}
			i = end
			colon := end + 1
			if colon < len(data) && data[colon] != ':' {
				colon = skipJSONSpace(data, colon)
			}
			if colon >= len(data) || data[colon] != ':' {
				continue // A string value.
			}
			v := colon + 1
			if v < len(data) && data[v] <= ' ' {
				v = skipJSONSpace(data, v)
			}
			if v >= len(data) {
				return false
			}
			if !sc.member(data[start:end], data, v, depth) {
				return false
			}
			if data[v] == '"' {
				// A string value, as most are: move past it here,
				// and past the colon, which ends a key at depth 1.
				e := indexQuote(data[v+1:])
				if e < 0 {
					return false
				}
				if depth == 1 {
					expectKey = false
				}
				i = v + 1 + e
			}
		case '{', '[':
			if depth >= MaxJSONDepth {
				return false
			}
			if c == '[' && depth == 1 && envelopes && (equalFoldString(key, "value") || equalFoldString(key, "records")) {
				return false // The scanner takes the object for an envelope.
			}
			word, bit := depth/64, uint(depth%64)
			if c == '[' {
				open[word] |= 1 << bit
			} else {
				open[word] &^= 1 << bit
			}
			depth++
			if depth == 1 {
				expectKey = c == '{'
			}
		case '}', ']':
			if depth == 0 || (open[(depth-1)/64]>>uint((depth-1)%64)&1 != 0) != (c == ']') {
				return false
			}
			depth--
			if depth == 0 && layout != LayoutScanned && i+1 != len(data) {
				return false // The object ends before the record does.
			}
		case ',':
			if depth == 1 {
				expectKey = true
			}
		case ':':
			if depth == 1 {
				expectKey = false
			}
		}
	}
	return layout == LayoutScanned || depth == 0
}

// equalFoldString reports whether b equals the lower-case ASCII string s,
// ignoring ASCII case.
func equalFoldString(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b[i]|0x20 != s[i] {
			return false
		}
	}
	return true
}

// member looks at one member: its key, the offset v of its value in data,
// and the depth of the object that holds it.
func (sc *jsonScreen) member(key, data []byte, v, depth int) bool {
	switch {
	case len(key) == len("result") && ascii.EqualFold(key, []byte("result")):
		s, ok := jsonStringAt(data, v)
		return ok && !isUnknownFutureValue(s)
	case len(key) >= len("conditionalaccesspolicies") &&
		ascii.EqualFold(key[len(key)-len("conditionalaccesspolicies"):], []byte("conditionalaccesspolicies")):
		// The list must hold a policy, so that it is never empty.
		if data[v] != '[' {
			return false
		}
		w := skipJSONSpace(data, v+1)
		return w < len(data) && data[w] == '{'
	case len(key) == len("additionalproperties") && ascii.EqualFold(key, []byte("additionalproperties")):
		sc.additional = true
	case depth != 1:
	case len(key) == len("properties") && ascii.EqualFold(key, []byte("properties")):
		sc.properties = true
	case len(key) == len("category") && ascii.EqualFold(key, []byte("category")):
		if s, ok := jsonStringAt(data, v); ok && FlowFromCategory(string(s)) != "" && sc.category >= 0 {
			sc.category++
		} else {
			sc.category = -1
		}
	case len(key) == len("isinteractive") && ascii.EqualFold(key, []byte("isinteractive")):
		if (bytes.HasPrefix(data[v:], []byte("true")) || bytes.HasPrefix(data[v:], []byte("false"))) && sc.interactive >= 0 {
			sc.interactive++
		} else {
			sc.interactive = -1
		}
	}
	return true
}

// flowTold reports whether the outer object tells the flow whatever else it
// holds: by a recognised category, or by isInteractive when it is no
// diagnostic envelope (whose properties would tell the flow instead).
func (sc *jsonScreen) flowTold() bool {
	return sc.category > 0 || !sc.properties && sc.interactive > 0
}

// jsonStringAt returns the contents of the string at offset i of data,
// which holds no backslash.
func jsonStringAt(data []byte, i int) ([]byte, bool) {
	if i >= len(data) || data[i] != '"' {
		return nil, false
	}
	end := bytes.IndexByte(data[i+1:], '"')
	if end < 0 {
		return nil, false
	}
	return data[i+1 : i+1+end], true
}

// isUnknownFutureValue reports whether a policy result reads
// unknownFutureValue as caResult normalizes it, without allocating for
// Graph's own spellings.
func isUnknownFutureValue(b []byte) bool {
	switch string(b) {
	case CAUnknownFutureValue:
		return true
	case CASuccess, CAFailure, CANotApplied, CANotEnabled, CAReportOnlySuccess, CAReportOnlyFailure,
		CAReportOnlyNotApplied, CAReportOnlyInterrupted, CAUnknown, "":
		return false
	}
	return NormalizeCAResult(string(b)) == CAUnknownFutureValue
}
