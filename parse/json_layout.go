package parse

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
)

// Framing by layout. The full scan of the JSON splitter looks at every
// byte outside strings and at every string's end, about 1.5 GB/s on one
// core, and it runs in one goroutine per input. Exports are laid out in
// lines, and a raw line break never occurs inside a JSON string, so the
// lines tell where records end: in NDJSON each record is one line, and in
// a pretty-printed array an element ends at the first line that holds, at
// the element's own indentation, its closing brace. FrameByLayout makes the
// splitter frame records so, at the speed of a memchr, and leaves the check
// that the record is exactly what the full scan would frame to the Decoder
// and the Screener, which run in parallel. When the check fails, the
// Decoder returns ErrReframe, and the caller reads the input again without
// FrameByLayout: a layout that misleads (an element's inner brace at the
// element's indentation, several objects on one line, an envelope on one
// line) costs a second reading, never a different result.

// A LayoutFramer is a Splitter that can frame records by the layout of
// their lines. The JSON splitter is one.
type LayoutFramer interface {
	// FrameByLayout makes the splitter frame records, where the layout
	// allows, without checking their brackets; their Chunk.Layout says
	// so. Call it before the first Next.
	FrameByLayout()
}

// ErrReframe is the Decoder's error for a record framed by layout that the
// full scan frames differently. It is not a malformed record: the caller
// must read the input again without FrameByLayout.
var ErrReframe = errors.New("a record framed by the layout of its lines is not one record; the input must be read again with a full scan")

// FrameByLayout implements LayoutFramer.
func (s *jsonSplitter) FrameByLayout() { s.layout = true }

// layoutNext frames the record that starts with the '{' at s.pos by layout,
// when the splitter's state and the layout allow. crossed tells whether a
// line break came before the brace.
func (s *jsonSplitter) layoutNext(crossed bool) (Chunk, bool) {
	switch {
	case s.state == atTop && s.lineMode == linesPerRecord && crossed:
		return s.layoutLine()
	case (s.state == inArrayFirst || s.state == inArrayElement) && !s.lineBound:
		return s.layoutElement()
	}
	return Chunk{}, false
}

// layoutLine frames an NDJSON line: from the brace to the last byte of the
// line but white space, which must be a closing brace.
func (s *jsonSplitter) layoutLine() (Chunk, bool) {
	rest := s.buf[s.pos:s.end]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return Chunk{}, false // The line is not all in the buffer: scan it.
	}
	n := nl
	for n > 0 && (rest[n-1] == ' ' || rest[n-1] == '\t' || rest[n-1] == '\r') {
		n--
	}
	if n == 0 || rest[n-1] != '}' || n > s.max {
		return Chunk{}, false
	}
	c := s.emit(n, s.line)
	c.Layout = LayoutLine
	return c, true
}

// layoutElement frames an element of an array whose brace starts its line:
// up to the first closing brace at the start of a later line with the same
// indentation.
func (s *jsonSplitter) layoutElement() (Chunk, bool) {
	ls := s.pos
	for ls > 0 && (s.buf[ls-1] == ' ' || s.buf[ls-1] == '\t') {
		ls--
	}
	if ls == 0 || s.buf[ls-1] != '\n' {
		return Chunk{}, false // Not at the start of its line, or the line's start is gone.
	}
	indent := s.buf[ls:s.pos]
	// Closing braces are rarer than line breaks: look for them, then at
	// what precedes them.
	n := -1
	for i := s.pos + 1; i < s.end; {
		k := bytes.IndexByte(s.buf[i:s.end], '}')
		if k < 0 {
			break
		}
		p := i + k
		if b := p - len(indent); b > s.pos && s.buf[b-1] == '\n' && bytes.Equal(s.buf[b:p], indent) {
			n = p + 1 - s.pos
			break
		}
		i = p + 1
	}
	if n < 0 {
		return Chunk{}, false // The element is not all in the buffer: scan it.
	}
	if n > s.max {
		return Chunk{}, false
	}
	s.state = inArrayNext
	c := s.emit(n, s.line)
	c.Layout = LayoutElement
	return c, true
}

// checkLayout reports whether a record framed by layout is exactly the one
// the full scan frames from its first byte.
func checkLayout(c Chunk) bool {
	var sc objectScanner
	switch c.Layout {
	case LayoutScanned:
		return true
	case LayoutLine:
		sc.reset(true, true)
	case LayoutElement:
		sc.reset(false, false)
	default:
		return false
	}
	ev, n := sc.scanTo(c.Data)
	return ev == scanDone && n == len(c.Data)
}

// layoutTrusted reports whether a record framed by layout can be decoded
// before it is checked: decoding then proves it one JSON object, which the
// full scan frames whole unless it nests deeper than the scanner allows or,
// on one line, has a member the scanner takes for an envelope's records.
// The decoder notes such members as it decodes (envelopeMembers) and checks
// the record then; it cannot tell the keys that Unicode case folding
// equates with them, and those records are checked first. Records that
// fail to decode, and records for which layoutTrusted is false, are checked
// with checkLayout.
func layoutTrusted(c Chunk) bool {
	data := c.Data
	if bytes.Count(data, []byte{'{'})+bytes.Count(data, []byte{'['}) >= MaxJSONDepth {
		return false
	}
	return c.Layout != LayoutLine || !hasFoldHazard(data)
}

// indexQuote returns the offset of the first '"' in b, or -1. Strings in
// sign-in records are short, and below a few words a SWAR loop beats the
// call into bytes.IndexByte; five words take in the closing quote of an ID
// (a GUID, 36 bytes), the commonest value.
func indexQuote(b []byte) int {
	const ones, highs, quotes = 0x0101010101010101, 0x8080808080808080, 0x2222222222222222
	i := 0
	for ; i+8 <= len(b) && i < 40; i += 8 {
		x := binary.LittleEndian.Uint64(b[i:]) ^ quotes
		if m := (x - ones) &^ x & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	if k := bytes.IndexByte(b[i:], '"'); k >= 0 {
		return i + k
	}
	return -1
}
