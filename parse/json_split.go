package parse

import (
	"bytes"
	"fmt"
	"io"
)

// The JSON splitter frames sign-in records without decoding them. It reads
// every JSON shape the exports come in, in any sequence:
//
//   - a top-level array of objects, or several arrays one after the other
//     (Microsoft-Extractor-Suite appends one array per Graph page);
//   - {"value":[...]} Graph pages and {"records":[...]} Event Hub messages,
//     with their other members (@odata.context, @odata.nextLink) before or
//     after the array;
//   - bare objects: one pretty-printed object, or one object per line
//     (NDJSON), optionally behind a syslog prefix
//     ("2025-02-02T00:27:59+08:00 HOST {...}").
//
// It tracks strings, escapes and bracket depth in one forward scan, jumping
// through string contents with bytes.IndexByte, and counts lines with
// bytes.Count. Records are slices of one reused buffer.
//
// Errors are positioned. When the input is line-based (the first top-level
// object fit on its line, or lines carry a syslog prefix), a malformed line
// is a *RecordError and reading goes on at the next line; anywhere else a
// framing error ends the input.

// MaxJSONDepth bounds the nesting of every JSON value signinspect reads or
// rewrites: a sign-in record, a named location, a policy. Sign-in records
// nest five levels deep and policies seven; the bound stops a hostile
// input, not a real one.
const MaxJSONDepth = 512

// maxSyslogPrefix bounds the text before the object on a syslog line.
const maxSyslogPrefix = 1024

// Bytes the scanner must look at outside strings, as bit sets: those below
// 64 in structuralLow, those from 64 to 127 in structuralHigh.
const (
	structuralLow  = 1<<'"' | 1<<',' | 1<<':'
	structuralHigh = 1<<('['-64) | 1<<(']'-64) | 1<<('{'-64) | 1<<('}'-64)
)

func isStructural(c byte) bool {
	if c < 64 {
		return structuralLow>>c&1 != 0
	}
	return c < 128 && structuralHigh>>(c-64)&1 != 0
}

// scanEvent is what objectScanner.scan stopped at.
type scanEvent int

const (
	scanDone     scanEvent = iota // The value is complete; n is its length.
	scanMore                      // The data ended first: give it more.
	scanEnvelope                  // A "value" or "records" member opens an array at n.
	scanNewline                   // A line break at n, where stopAtNewline forbids one.
	scanMismatch                  // The closing bracket at n does not match.
	scanTooDeep                   // The bracket at n nests deeper than MaxJSONDepth.
)

// An objectScanner finds the end of one JSON object (or array) in data that
// may arrive in pieces: scan returns scanMore at the end of the data, and a
// later call with the same data extended goes on where it stopped. Offsets
// are relative to the start of the value.
type objectScanner struct {
	i        int // Next byte to look at.
	depth    int
	inString bool
	// open holds one bit per open bracket: 1 for '[', 0 for '{'.
	open [MaxJSONDepth / 64]uint64

	// stopAtNewline makes a line break (in or out of a string) an event,
	// scanNewline, for line-based input where a record must end on its
	// line.
	stopAtNewline bool
	// checkEnvelope makes a "value" or "records" member of the outermost
	// object that holds an array an event.
	checkEnvelope bool
	expectKey     bool // At depth 1, the next string is a member name.
	keyStart      int  // The last member name at depth 1 is data[keyStart:keyEnd].
	keyEnd        int
}

// closer names what closes the innermost open bracket.
func (sc *objectScanner) closer() string {
	if sc.depth == 0 {
		return "nothing"
	}
	if sc.open[(sc.depth-1)/64]>>uint((sc.depth-1)%64)&1 != 0 {
		return "']'"
	}
	return "'}'"
}

// reset prepares the scanner for a new value.
func (sc *objectScanner) reset(stopAtNewline, checkEnvelope bool) {
	*sc = objectScanner{stopAtNewline: stopAtNewline, checkEnvelope: checkEnvelope}
}

// resumeInObject prepares the scanner for the rest of an object whose
// opening brace has already been consumed (an envelope after its array).
func (sc *objectScanner) resumeInObject(stopAtNewline bool) {
	*sc = objectScanner{stopAtNewline: stopAtNewline, depth: 1}
}

func (sc *objectScanner) scan(data []byte) (scanEvent, int) {
	if !sc.stopAtNewline {
		return sc.scanTo(data)
	}
	// Line-based input: the value must end before the next line break.
	// Finding it once costs less than looking for it in every string.
	if nl := bytes.IndexByte(data[sc.i:], '\n'); nl >= 0 {
		limit := sc.i + nl
		if ev, n := sc.scanTo(data[:limit]); ev != scanMore {
			return ev, n
		}
		return scanNewline, limit
	}
	return sc.scanTo(data)
}

// scanTo scans data, which holds no line break that matters.
func (sc *objectScanner) scanTo(data []byte) (scanEvent, int) {
	i := sc.i
	for i < len(data) {
		if sc.inString {
			end, ev := sc.scanString(data, i)
			if ev != scanDone {
				return ev, end
			}
			i = end
			continue
		}
		c := data[i]
		if !isStructural(c) {
			i++
			continue
		}
		switch c {
		case '"':
			if sc.depth == 1 && sc.expectKey {
				sc.keyStart = i + 1
			}
			sc.inString = true
			i++
		case '{', '[':
			if sc.depth >= MaxJSONDepth {
				sc.i = i
				return scanTooDeep, i
			}
			if c == '[' && sc.depth == 1 && sc.checkEnvelope && sc.isEnvelopeKey(data) {
				sc.i = i
				return scanEnvelope, i
			}
			word, bit := sc.depth/64, uint(sc.depth%64)
			if c == '[' {
				sc.open[word] |= 1 << bit
			} else {
				sc.open[word] &^= 1 << bit
			}
			sc.depth++
			if sc.depth == 1 {
				sc.expectKey = c == '{'
			}
			i++
		case '}', ']':
			if sc.depth == 0 {
				sc.i = i
				return scanMismatch, i
			}
			isArray := sc.open[(sc.depth-1)/64]>>uint((sc.depth-1)%64)&1 != 0
			if isArray != (c == ']') {
				sc.i = i
				return scanMismatch, i
			}
			sc.depth--
			i++
			if sc.depth == 0 {
				sc.i = i
				return scanDone, i
			}
		case ',':
			if sc.depth == 1 {
				sc.expectKey = true
			}
			i++
		case ':':
			if sc.depth == 1 {
				sc.expectKey = false
			}
			i++
		}
	}
	sc.i = i
	return scanMore, i
}

// scanString moves through string contents from i to just after the
// closing quote (scanDone), or stops with scanMore at the end of the data.
func (sc *objectScanner) scanString(data []byte, i int) (int, scanEvent) {
	for {
		k := indexQuote(data[i:])
		if k < 0 {
			sc.i = len(data)
			return len(data), scanMore
		}
		q := i + k
		// The quote is escaped when an odd number of backslashes
		// precede it. They are all in data: a string's bytes stay in
		// the buffer until its record is returned.
		n := 0
		for q-1-n >= 0 && data[q-1-n] == '\\' {
			n++
		}
		if n%2 == 1 {
			i = q + 1
			continue
		}
		if sc.depth == 1 && sc.expectKey {
			sc.keyEnd = q
		}
		sc.inString = false
		return q + 1, scanDone
	}
}

// isEnvelopeKey reports whether the last member name at depth 1 is "value"
// or "records", the members that hold the records of a Graph page or an
// Event Hub message.
func (sc *objectScanner) isEnvelopeKey(data []byte) bool {
	if sc.keyEnd <= sc.keyStart || sc.keyEnd > len(data) {
		return false
	}
	key := data[sc.keyStart:sc.keyEnd]
	return bytes.EqualFold(key, []byte("value")) || bytes.EqualFold(key, []byte("records"))
}

// splitState is where the splitter is in the structure of the input.
type splitState int

const (
	atTop          splitState = iota // Between top-level values.
	inArrayFirst                     // After '[': an object or ']'.
	inArrayNext                      // After an element: ',' or ']'.
	inArrayElement                   // After ',': an object.
	inEnvelopeRest                   // After an envelope's array: its other members, then '}'.
)

// Line modes: whether each top-level object sits on its own line.
const (
	linesUndecided = iota
	linesPerRecord // NDJSON or syslog lines: a bad line is skipped.
	linesFree      // Pretty-printed: a framing error ends the input.
)

// jsonSplitter is the Splitter of the JSON formats.
type jsonSplitter struct {
	r    io.Reader
	name string
	max  int

	buf  []byte
	pos  int // Next unread byte.
	end  int // End of the data read.
	eof  bool
	rerr error // A read error other than io.EOF.

	line  int // Line of buf[pos].
	index int // Records framed so far, bad ones included.

	state     splitState
	arrayLine int  // Line of the '[' of the current array.
	envelope  bool // The current array is an envelope's.
	envLine   int  // Line of the '{' of the current envelope.
	lineBound bool // The current array and envelope must end on their line.
	lineMode  int

	scanner      objectScanner
	syslogPrefix int   // Lines whose syslog prefix was removed.
	err          error // The error that ended the input, returned again.

	layout bool // Frame by the layout of lines (FrameByLayout).
}

// jsonSplitterBuffer is the initial buffer size. It grows, up to the record
// bound, only for a record that does not fit.
const jsonSplitterBuffer = 256 << 10

// release gives the framing buffer back when the input is closed.
func (s *jsonSplitter) release() {
	jsonFrameBuffers.put(s.buf[:cap(s.buf)])
	s.buf = nil
}

func newJSONSplitter(r io.Reader, info SourceInfo) *jsonSplitter {
	max := info.maxRecordBytes()
	return &jsonSplitter{
		r:    r,
		name: info.Name,
		max:  max,
		buf:  jsonFrameBuffers.get()[:min(jsonSplitterBuffer, max+4096)],
		line: 1,
	}
}

// Notes implements Noter.
func (s *jsonSplitter) Notes() []string {
	if s.syslogPrefix == 0 {
		return nil
	}
	return []string{fmt.Sprintf("removed a syslog prefix from %d lines", s.syslogPrefix)}
}

// fill reads more input after buf[end], moving the unread data to the front
// or growing the buffer when there is no room. It returns false when there
// is no more input.
func (s *jsonSplitter) fill() bool {
	if s.eof {
		return false
	}
	if s.end == len(s.buf) {
		if s.pos > 0 {
			copy(s.buf, s.buf[s.pos:s.end])
			s.end -= s.pos
			s.pos = 0
		} else {
			// Room for a record of the bound plus what follows it.
			limit := s.max + 64<<10
			if len(s.buf) >= limit {
				return true // The caller sees the record is too large.
			}
			nb := make([]byte, min(2*len(s.buf), limit))
			copy(nb, s.buf[s.pos:s.end])
			s.end -= s.pos
			s.pos = 0
			s.buf = nb
		}
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.eof, s.rerr = true, io.ErrNoProgress
	return false
}

// skipSpace moves over white space and returns the next byte without
// consuming it; ok is false at the end of the input. crossed tells whether
// a line break was passed.
func (s *jsonSplitter) skipSpace() (c byte, crossed, ok bool) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case '\n':
				s.line++
				crossed = true
			case ' ', '\t', '\r':
			default:
				return c, crossed, true
			}
			s.pos++
		}
		if !s.fill() {
			return 0, crossed, false
		}
	}
}

// Next implements Splitter.
func (s *jsonSplitter) Next() (Chunk, error) {
	if s.err != nil {
		return Chunk{}, s.err
	}
	for {
		c, crossed, ok := s.skipSpace()
		if !ok {
			return Chunk{}, s.atEOF()
		}
		if crossed && s.lineBound && s.state != atTop {
			s.backToTop()
			return Chunk{}, s.lineError(s.envLine, fmt.Errorf("invalid JSON: the object that starts on this line does not end on it"))
		}
		if s.layout && c == '{' {
			if ch, ok := s.layoutNext(crossed); ok {
				return ch, nil
			}
		}
		switch s.state {
		case atTop:
			switch c {
			case '[':
				s.pos++
				s.state, s.arrayLine, s.envelope, s.lineBound = inArrayFirst, s.line, false, false
				continue
			case '{':
				return s.topObject(false)
			case 0xEF:
				if s.skipByteOrderMark() {
					continue
				}
			}
			return s.beforeObject(c)
		case inArrayFirst, inArrayElement:
			if c == ']' && s.state == inArrayFirst {
				s.pos++
				s.closeArray()
				continue
			}
			if c == '{' {
				return s.element()
			}
			return Chunk{}, s.structureError(fmt.Errorf("invalid JSON: %s in the array opened on line %d, where a sign-in object belongs", describeByte(c), s.arrayLine))
		case inArrayNext:
			switch c {
			case ',':
				s.pos++
				s.state = inArrayElement
				continue
			case ']':
				s.pos++
				s.closeArray()
				continue
			}
			return Chunk{}, s.structureError(fmt.Errorf("invalid JSON: %s after record %d, where ',' or ']' belongs", describeByte(c), s.index))
		case inEnvelopeRest:
			if err := s.envelopeRest(); err != nil {
				return Chunk{}, err
			}
		}
	}
}

// backToTop leaves any array or envelope, after an error in line-based
// input: reading goes on with the next line.
func (s *jsonSplitter) backToTop() {
	s.state, s.envelope, s.lineBound = atTop, false, false
}

// closeArray ends the current array.
func (s *jsonSplitter) closeArray() {
	if s.envelope {
		s.state = inEnvelopeRest
		s.scanner.resumeInObject(s.lineBound)
		return
	}
	s.state = atTop
}

// atEOF returns the error for the end of the input in the current state.
func (s *jsonSplitter) atEOF() error {
	// The line where the input ends, counting what was scanned but not
	// consumed.
	s.line += bytes.Count(s.buf[s.pos:s.end], []byte{'\n'})
	s.pos = s.end
	if s.rerr != nil {
		return s.fatal(&ParseError{File: s.name, Line: s.line, Err: fmt.Errorf("reading: %w", s.rerr)})
	}
	switch s.state {
	case atTop:
		s.err = io.EOF
		return io.EOF
	case inEnvelopeRest:
		return s.truncated(s.envLine, fmt.Errorf("%w: the input ends inside the JSON object opened on line %d", ErrTruncated, s.envLine))
	}
	return s.truncated(s.arrayLine, fmt.Errorf("%w: the input ends inside the JSON array opened on line %d", ErrTruncated, s.arrayLine))
}

// truncated reports an input that ends inside a structure. A line-based
// input loses only its last line: the error is a *RecordError and the next
// call returns io.EOF.
func (s *jsonSplitter) truncated(line int, err error) error {
	if s.lineBound {
		s.backToTop()
		s.pos = s.end
		s.err = io.EOF
		return &RecordError{ParseError{File: s.name, Line: line, Err: err}}
	}
	return s.fatal(&ParseError{File: s.name, Line: s.line, Err: err})
}

// fatal records err as the end of the input.
func (s *jsonSplitter) fatal(err error) error {
	s.err = err
	return err
}

// structureError reports a framing error at the current position: a
// skipped line in line-based input, the end of the input otherwise.
func (s *jsonSplitter) structureError(err error) error {
	if s.lineBound || (s.state == atTop && s.lineMode == linesPerRecord) {
		line := s.line
		s.backToTop()
		s.index++
		s.skipLine()
		return &RecordError{ParseError{File: s.name, Line: line, Record: s.index, Err: err}}
	}
	return s.fatal(&ParseError{File: s.name, Line: s.line, Err: err})
}

// lineError reports a line-based record that does not fit its line, after
// the splitter has moved past that line.
func (s *jsonSplitter) lineError(line int, err error) error {
	s.index++
	return &RecordError{ParseError{File: s.name, Line: line, Record: s.index, Err: err}}
}

// skipLine discards input up to and including the next line break.
func (s *jsonSplitter) skipLine() {
	for {
		if i := bytes.IndexByte(s.buf[s.pos:s.end], '\n'); i >= 0 {
			s.pos += i + 1
			s.line++
			return
		}
		s.pos = s.end
		if !s.fill() {
			return
		}
	}
}

// skipByteOrderMark moves over a UTF-8 byte order mark between top-level
// values, as files that each began with one have when concatenated.
func (s *jsonSplitter) skipByteOrderMark() bool {
	for s.end-s.pos < 3 && s.fill() {
	}
	if !bytes.HasPrefix(s.buf[s.pos:s.end], []byte{0xEF, 0xBB, 0xBF}) {
		return false
	}
	s.pos += 3
	return true
}

// beforeObject handles a top-level byte that opens neither an array nor an
// object: a syslog prefix before an object on the same line, or garbage.
func (s *jsonSplitter) beforeObject(c byte) (Chunk, error) {
	for s.end-s.pos < maxSyslogPrefix+1 && s.fill() {
	}
	region := s.buf[s.pos:min(s.end, s.pos+maxSyslogPrefix+1)]
	if nl := bytes.IndexByte(region, '\n'); nl >= 0 {
		region = region[:nl]
	}
	if brace := bytes.IndexByte(region, '{'); brace > 0 && isSyslogPrefix(region[:brace]) {
		s.pos += brace
		s.syslogPrefix++
		if s.lineMode == linesUndecided {
			s.lineMode = linesPerRecord
		}
		return s.topObject(true)
	}
	err := fmt.Errorf("invalid JSON: %s at the top level, where '[' or '{' belongs", describeByte(c))
	if s.index == 0 && s.state == atTop && s.lineMode == linesUndecided {
		err = fmt.Errorf("%w: %w", ErrUnknownFormat, err)
	}
	return Chunk{}, s.structureError(err)
}

// isSyslogPrefix reports whether p looks like the header a syslog
// forwarder puts before a record: it starts with a priority, a digit or a
// letter, ends with a blank, and holds no JSON punctuation or control bytes.
func isSyslogPrefix(p []byte) bool {
	if len(p) < 2 || len(p) > maxSyslogPrefix {
		return false
	}
	first, last := p[0], p[len(p)-1]
	if !(first == '<' || first >= '0' && first <= '9' || first|0x20 >= 'a' && first|0x20 <= 'z') {
		return false
	}
	if last != ' ' && last != '\t' {
		return false
	}
	for _, c := range p {
		switch {
		case c == '"' || c == '[' || c == ']' || c == '{' || c == '}':
			return false
		case c < ' ' && c != '\t', c == 0x7f:
			return false
		}
	}
	return true
}

// topObject frames a top-level object: a record, or the start of an
// envelope. syslogLine says the object follows a syslog prefix and must end
// on its line.
func (s *jsonSplitter) topObject(syslogLine bool) (Chunk, error) {
	startLine := s.line
	s.scanner.reset(syslogLine || s.lineMode != linesFree, true)
	// lineBased tells whether an error skips the line or ends the input.
	lineBased := func() bool { return syslogLine || s.lineMode == linesPerRecord }
	for {
		ev, n := s.scanner.scan(s.buf[s.pos:s.end])
		switch ev {
		case scanDone:
			if n > s.max {
				if s.lineMode == linesUndecided {
					s.lineMode = linesPerRecord
				}
				return Chunk{}, s.skipWhole(n, startLine, atTop)
			}
			if s.lineMode == linesUndecided {
				s.lineMode = linesPerRecord
			}
			return s.emit(n, startLine), nil
		case scanEnvelope:
			if n > s.max {
				return Chunk{}, s.tooLarge(startLine)
			}
			// Drop the members before the array: the records follow.
			s.line += bytes.Count(s.buf[s.pos:s.pos+n], []byte{'\n'})
			s.pos += n + 1
			s.state, s.envelope, s.envLine, s.arrayLine = inArrayFirst, true, startLine, s.line
			s.lineBound = s.lineMode == linesPerRecord || syslogLine
			return s.Next()
		case scanNewline:
			if s.lineMode == linesUndecided && !syslogLine {
				// The first object spans lines: the input is
				// pretty-printed, not one record per line.
				s.lineMode = linesFree
				s.scanner.stopAtNewline = false
				continue
			}
			s.line += bytes.Count(s.buf[s.pos:s.pos+n], []byte{'\n'})
			s.pos += n
			s.skipLine()
			return Chunk{}, s.lineError(startLine, fmt.Errorf("invalid JSON: the record does not end on its line"))
		case scanTooDeep:
			if s.lineMode == linesFree && !syslogLine {
				return Chunk{}, s.skipRecord(n, startLine, atTop, errTooDeep())
			}
			return Chunk{}, s.frameError(ev, n, lineBased())
		case scanMismatch:
			return Chunk{}, s.frameError(ev, n, lineBased())
		}
		if n > s.max {
			switch {
			case s.lineMode == linesFree && !syslogLine:
				return Chunk{}, s.skipRecord(n, startLine, atTop, s.errTooLarge())
			case lineBased():
				// A line too long to be a record is skipped as a bad
				// line is.
				s.line += bytes.Count(s.buf[s.pos:s.pos+n], []byte{'\n'})
				s.pos += n
				s.skipLine()
				return Chunk{}, s.lineError(startLine, s.errTooLarge())
			}
		}
		if err := s.more(n, startLine); err != nil {
			if err == errEndOfInput {
				return Chunk{}, s.truncatedRecord(startLine, lineBased())
			}
			return Chunk{}, err
		}
	}
}

// element frames one object of an array.
func (s *jsonSplitter) element() (Chunk, error) {
	startLine := s.line
	s.scanner.reset(s.lineBound, false)
	for {
		ev, n := s.scanner.scan(s.buf[s.pos:s.end])
		switch ev {
		case scanDone:
			if n > s.max {
				return Chunk{}, s.skipWhole(n, startLine, inArrayNext)
			}
			s.state = inArrayNext
			return s.emit(n, startLine), nil
		case scanNewline:
			s.line += bytes.Count(s.buf[s.pos:s.pos+n], []byte{'\n'})
			s.pos += n
			s.skipLine()
			s.backToTop()
			return Chunk{}, s.lineError(s.envLine, fmt.Errorf("invalid JSON: the object that starts on this line does not end on it"))
		case scanTooDeep:
			if !s.lineBound {
				return Chunk{}, s.skipRecord(n, startLine, inArrayNext, errTooDeep())
			}
			return Chunk{}, s.frameError(ev, n, s.lineBound)
		case scanMismatch:
			return Chunk{}, s.frameError(ev, n, s.lineBound)
		}
		if n > s.max && !s.lineBound {
			return Chunk{}, s.skipRecord(n, startLine, inArrayNext, s.errTooLarge())
		}
		if err := s.more(n, startLine); err != nil {
			if err == errEndOfInput {
				return Chunk{}, s.truncatedRecord(startLine, s.lineBound)
			}
			return Chunk{}, err
		}
	}
}

// errTooDeep is the reason a record nested too deep is skipped.
func errTooDeep() error {
	return fmt.Errorf("invalid JSON: nesting deeper than %d levels", MaxJSONDepth)
}

// errTooLarge is the reason a record over the bound is skipped.
func (s *jsonSplitter) errTooLarge() error {
	return fmt.Errorf("%w: the record is larger than the limit of %s", ErrTooLarge, formatBytes(s.max))
}

// skipWhole skips a record of n bytes, over the bound but whole in the
// buffer, and goes on in state next.
func (s *jsonSplitter) skipWhole(n, startLine int, next splitState) error {
	s.line += bytes.Count(s.buf[s.pos:s.pos+n], []byte{'\n'})
	s.pos += n
	s.state = next
	return s.lineError(startLine, s.errTooLarge())
}

// skipRecord moves past the rest of a record that cannot be read (nested
// deeper than MaxJSONDepth, or larger than the bound), from offset n of it
// where the scanner stopped, and reports it as a skipped record: one bad
// record does not end the input. Past the point where the scanner stopped
// the skip only counts brackets and follows strings, without keeping the
// bytes, so a record of any size or depth is skipped in constant memory.
// Reading goes on in state next. An input that ends inside the record is
// truncated.
func (s *jsonSplitter) skipRecord(n, startLine int, next splitState, reason error) error {
	depth, inString := s.scanner.depth, s.scanner.inString
	// An odd run of backslashes at the end of the scanned bytes escapes
	// the next one.
	escaped := false
	if inString {
		for k := s.pos + n - 1; k >= s.pos && s.buf[k] == '\\'; k-- {
			escaped = !escaped
		}
	}
	s.line += bytes.Count(s.buf[s.pos:s.pos+n], []byte{'\n'})
	s.pos += n
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			s.pos++
			switch {
			case c == '\n':
				s.line++
			case inString:
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
				}
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
				if depth == 0 {
					s.state = next
					s.index++
					return &RecordError{ParseError{File: s.name, Line: startLine, Record: s.index, Err: reason}}
				}
			}
		}
		if !s.fill() {
			if s.rerr != nil {
				return s.atEOF()
			}
			return s.truncatedRecord(startLine, false)
		}
	}
}

// envelopeRest moves over the members of an envelope after its array, up to
// its closing brace.
func (s *jsonSplitter) envelopeRest() error {
	for {
		ev, n := s.scanner.scan(s.buf[s.pos:s.end])
		switch ev {
		case scanDone:
			if n > s.max {
				return s.envelopeTooLarge()
			}
			s.line += bytes.Count(s.buf[s.pos:s.pos+n], []byte{'\n'})
			s.pos += n
			if s.lineMode == linesUndecided {
				if s.line == s.envLine {
					s.lineMode = linesPerRecord
				} else {
					s.lineMode = linesFree
				}
			}
			s.backToTop()
			return nil
		case scanNewline:
			s.line += bytes.Count(s.buf[s.pos:s.pos+n], []byte{'\n'})
			s.pos += n
			s.skipLine()
			s.backToTop()
			return s.lineError(s.envLine, fmt.Errorf("invalid JSON: the object that starts on this line does not end on it"))
		case scanMismatch, scanTooDeep:
			return s.frameError(ev, n, s.lineBound)
		}
		if n > s.max {
			return s.envelopeTooLarge()
		}
		if err := s.more(n, s.envLine); err != nil {
			if err == errEndOfInput {
				return s.atEOF()
			}
			return err
		}
	}
}

// errEndOfInput tells a framing loop that the input ended.
var errEndOfInput = io.ErrUnexpectedEOF

// more reads more input for a value of n bytes so far that starts on
// startLine, enforcing the record bound.
func (s *jsonSplitter) more(n, startLine int) error {
	if n > s.max {
		return s.tooLarge(startLine)
	}
	if !s.fill() {
		if s.rerr != nil {
			return s.atEOF()
		}
		return errEndOfInput
	}
	return nil
}

// tooLarge reports a record over the bound, which ends the input.
func (s *jsonSplitter) tooLarge(startLine int) error {
	return s.fatal(&ParseError{File: s.name, Line: startLine, Record: s.index + 1,
		Err: fmt.Errorf("%w: the record is larger than the limit of %s", ErrTooLarge, formatBytes(s.max))})
}

// envelopeTooLarge reports an envelope whose members after the records
// array exceed the record bound.
func (s *jsonSplitter) envelopeTooLarge() error {
	return s.fatal(&ParseError{File: s.name, Line: s.envLine,
		Err: fmt.Errorf("%w: the members after the records array are larger than the limit of %s", ErrTooLarge, formatBytes(s.max))})
}

// truncatedRecord reports an input that ends inside the record starting on
// startLine.
func (s *jsonSplitter) truncatedRecord(startLine int, lineBased bool) error {
	err := fmt.Errorf("%w: the input ends inside the record", ErrTruncated)
	if lineBased {
		s.index++
		s.backToTop()
		s.pos = s.end
		s.err = io.EOF
		return &RecordError{ParseError{File: s.name, Line: startLine, Record: s.index, Err: err}}
	}
	return s.fatal(&ParseError{File: s.name, Line: startLine, Record: s.index + 1, Err: err})
}

// frameError reports a bracket that does not match or nests too deep, at
// offset n of the value being framed. In line-based input the line is
// skipped.
func (s *jsonSplitter) frameError(ev scanEvent, n int, lineBased bool) error {
	at := s.line + bytes.Count(s.buf[s.pos:s.pos+n], []byte{'\n'})
	var err error
	if ev == scanTooDeep {
		err = errTooDeep()
	} else {
		err = fmt.Errorf("invalid JSON: %s where %s belongs", describeByte(s.buf[s.pos+n]), s.scanner.closer())
	}
	if lineBased {
		s.line = at
		s.pos += n
		s.skipLine()
		s.backToTop()
		s.index++
		return &RecordError{ParseError{File: s.name, Line: at, Record: s.index, Err: err}}
	}
	return s.fatal(&ParseError{File: s.name, Line: at, Record: s.index + 1, Err: err})
}

// emit returns the n bytes at pos as the next record.
func (s *jsonSplitter) emit(n, startLine int) Chunk {
	data := s.buf[s.pos : s.pos+n : s.pos+n]
	s.line += bytes.Count(data, []byte{'\n'})
	s.pos += n
	s.index++
	return Chunk{Data: data, Line: startLine, Index: s.index}
}

// describeByte names a byte for an error message.
func describeByte(c byte) string {
	if c >= ' ' && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// formatBytes writes a byte count for people: 16 MiB, 1.5 KiB, 100 bytes.
func formatBytes(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
