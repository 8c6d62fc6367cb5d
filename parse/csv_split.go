package parse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// csvBufferSize is the initial size of a CSV splitter's read buffer. It is
// large so that the per-read overhead vanishes next to the byte scan, and
// grows (up to the record bound) only for a record that does not fit.
const csvBufferSize = 1 << 20

// csvSplitter frames CSV records without splitting them into fields, over a
// large reused buffer. It looks only at quotes and line breaks
// (frameCSVRecord) and applies the quoting rules of encoding/csv with
// LazyQuotes at each quote, so that its records are exactly the ones
// csv.Reader would read (checkSplitterMatchesCSV tests this):
//
//   - a quote opens a quoted field only at the start of a field (the start
//     of the record or right after the delimiter); elsewhere it is literal;
//   - in a quoted field, "" is an escaped quote, and a quote followed by the
//     delimiter or a line break closes the field; any other quote is
//     literal;
//   - a line break outside a quoted field ends the record.
//
// Records are returned without their final LF (a CR before it stays, see
// nextRaw); blank lines and rows made only of delimiters and spaces
// (spreadsheet padding) are skipped.
type csvSplitter struct {
	r     io.Reader
	name  string
	comma byte
	max   int

	buf        []byte
	start, end int  // buf[start:end] is unread data.
	eof        bool // r has returned io.EOF.
	err        error

	line  int // Line of buf[start], 1-based.
	index int // Records returned so far.

	emptyRows int  // Delimiter-only rows skipped.
	crcr      bool // The line ends were CR CR LF (see squeezeCRs).
}

// release gives the framing buffer back when the input is closed.
func (s *csvSplitter) release() {
	csvFrameBuffers.put(s.buf[:cap(s.buf)])
	s.buf = nil
}

func newCSVSplitter(r io.Reader, info SourceInfo) *csvSplitter {
	size := csvBufferSize
	if m := info.maxRecordBytes(); m+1 < size {
		size = m + 1
	}
	return &csvSplitter{
		r:     r,
		name:  info.Name,
		comma: ',',
		max:   info.maxRecordBytes(),
		buf:   csvFrameBuffers.get()[:size],
		line:  1,
	}
}

// Next returns the next record.
func (s *csvSplitter) Next() (Chunk, error) {
	for {
		data, line, err := s.nextRaw()
		if err != nil {
			return Chunk{}, err
		}
		if len(data) == 0 || len(data) == 1 && data[0] == '\r' {
			continue // A blank line.
		}
		if c := data[0]; (c == s.comma || c == ' ' || c == '\t') && onlyDelimiters(data, s.comma) {
			s.emptyRows++
			continue
		}
		s.index++
		return Chunk{Data: data, Line: line, Index: s.index}, nil
	}
}

// Notes tells about skipped padding rows. (A row count that suggests a
// truncated portal download is the analyzer's warning, for every format.)
func (s *csvSplitter) Notes() []string {
	var notes []string
	if s.crcr {
		notes = append(notes, "the lines end in CR CR LF (a CR LF file converted again): read as CR LF")
	}
	if s.emptyRows > 0 {
		notes = append(notes, fmt.Sprintf("%s of only delimiters (spreadsheet padding) skipped", plural(s.emptyRows, "row")))
	}
	return notes
}

// onlyDelimiters reports whether a record holds nothing but delimiters and
// spaces.
func onlyDelimiters(data []byte, comma byte) bool {
	for _, c := range data {
		if c != comma && c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// nextRaw returns the next record, blank or not, without its final LF, and
// the line it starts on.
func (s *csvSplitter) nextRaw() ([]byte, int, error) {
	if s.err != nil {
		return nil, 0, s.err
	}
	for {
		b := s.buf[s.start:s.end]
		if len(b) == 0 && s.eof {
			s.err = io.EOF
			return nil, 0, io.EOF
		}
		n, breaks, ok := frameCSVRecord(b, s.comma, s.eof)
		if ok && n > s.max {
			return nil, 0, s.skipRecord()
		}
		if ok {
			line := s.line
			s.line += breaks
			s.start += n
			// Only the LF goes: csv.Reader drops a CR at the end of its
			// input, so a chunk that keeps it decodes exactly as the
			// record did in the file (where "a\r\r\n" holds "a\r").
			return bytes.TrimSuffix(b[:n], []byte{'\n'}), line, nil
		}
		if s.eof {
			// frameCSVRecord only fails at EOF inside a quoted field.
			return nil, 0, s.fail(&ParseError{File: s.name, Line: s.line, Record: s.index + 1,
				Err: fmt.Errorf("%w: the input ends inside a quoted cell of the record that starts here (a missing closing quote)", ErrTruncated)})
		}
		if len(b) > s.max {
			return nil, 0, s.skipRecord()
		}
		if err := s.fill(); err != nil {
			return nil, 0, s.fail(&ParseError{File: s.name, Line: s.line, Err: err})
		}
	}
}

// csvSkipState is where skipRecord is in a record, by the quoting rules
// frameCSVRecord applies.
type csvSkipState int

const (
	skipFieldStart csvSkipState = iota // At the start of a field.
	skipUnquoted                       // Inside an unquoted field.
	skipQuoted                         // Inside a quoted field.
	skipQuote                          // After a quote inside a quoted field.
	skipQuoteCR                        // After a quote and a CR inside a quoted field.
)

// skipRecord moves past a record larger than the bound, from its start,
// and reports it as skipped: one huge cell does not end the input. It
// follows the quoting rules of frameCSVRecord byte by byte, keeping
// nothing, so a record of any size is skipped in constant memory. When the
// input ends inside a quoted cell (a missing closing quote, which makes
// the rest of the file one record), the error says so and the input ends.
func (s *csvSplitter) skipRecord() error {
	startLine := s.line
	s.index++
	state := skipFieldStart
	for {
		for s.start < s.end {
			c := s.buf[s.start]
			s.start++
			if c == '\n' {
				s.line++
			}
		again:
			switch state {
			case skipFieldStart, skipUnquoted:
				switch {
				case c == '"' && state == skipFieldStart:
					state = skipQuoted
				case c == s.comma:
					state = skipFieldStart
				case c == '\n':
					return s.skipped(startLine, s.line-1)
				default:
					state = skipUnquoted
				}
			case skipQuoted:
				if c == '"' {
					state = skipQuote
				}
			case skipQuote:
				switch c {
				case '"':
					state = skipQuoted // An escaped quote.
				case s.comma:
					state = skipFieldStart
				case '\n':
					return s.skipped(startLine, s.line-1)
				case '\r':
					state = skipQuoteCR
				default:
					state = skipQuoted // A literal quote (LazyQuotes).
				}
			case skipQuoteCR:
				if c == '\n' {
					return s.skipped(startLine, s.line-1)
				}
				// The quote and the CR were literal: c is read again as
				// a byte of the quoted field.
				state = skipQuoted
				goto again
			}
		}
		if s.eof {
			if state == skipQuoted {
				return s.fail(&ParseError{File: s.name, Line: startLine, Record: s.index,
					Err: fmt.Errorf("%w: the record that starts here is larger than the limit of %s and the input ends inside one of its quoted cells (a missing closing quote)", ErrTruncated, formatBytes(s.max))})
			}
			s.err = io.EOF
			return s.skipped(startLine, s.line)
		}
		s.start, s.end = 0, 0 // Nothing of the record is kept.
		if err := s.fill(); err != nil {
			return s.fail(&ParseError{File: s.name, Line: s.line, Err: err})
		}
	}
}

// skipped is the error of a record that skipRecord skipped, which ended
// on endLine.
func (s *csvSplitter) skipped(startLine, endLine int) error {
	runs := ""
	if endLine > startLine {
		runs = fmt.Sprintf(", runs to line %d", endLine)
	}
	return &RecordError{ParseError{File: s.name, Line: startLine, Record: s.index,
		Err: fmt.Errorf("%w: the record is larger than the limit of %s%s and was skipped", ErrTooLarge, formatBytes(s.max), runs)}}
}

func (s *csvSplitter) fail(err error) error {
	s.err = err
	return err
}

// fill moves unread data to the front of the buffer, grows the buffer when
// the unread data fills it, and reads more.
func (s *csvSplitter) fill() error {
	if s.start > 0 {
		s.end = copy(s.buf, s.buf[s.start:s.end])
		s.start = 0
	}
	if s.end == len(s.buf) {
		size := 2 * len(s.buf)
		if limit := s.max + 1; size > limit {
			size = limit
		}
		if size <= len(s.buf) {
			size = len(s.buf) + 1
		}
		nb := make([]byte, size)
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if errors.Is(err, io.EOF) {
			s.eof = true
			return nil
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
}

// trimLineBreak removes a final LF or CRLF.
func trimLineBreak(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

// frameCSVRecord finds the end of the CSV record at the start of b. It
// returns the record's length including its final line break and the
// number of line breaks in it. ok is false when b holds no complete record:
// more input is needed, or, when atEOF, the input ends inside a quoted
// field. At EOF a record without a final line break runs to the end of b.
func frameCSVRecord(b []byte, comma byte, atEOF bool) (n, breaks int, ok bool) {
	// Most lines of an export with minimal quoting hold no quote at all:
	// two IndexByte calls, which run at memory speed, frame them.
	lineEnd := bytes.IndexByte(b, '\n')
	first := lineEnd
	if first < 0 {
		first = len(b)
	}
	q := bytes.IndexByte(b[:first], '"')
	if q < 0 {
		return endOfRecord(b, lineEnd, 0, atEOF)
	}
	return frameQuotedCSVRecord(b, q, lineEnd, comma, atEOF)
}

// endOfRecord returns frameCSVRecord's result for a record that ends at
// the line break at lineEnd, or at the end of b when lineEnd is -1.
func endOfRecord(b []byte, lineEnd, breaks int, atEOF bool) (n, _ int, ok bool) {
	switch {
	case lineEnd >= 0:
		return lineEnd + 1, breaks + 1, true
	case atEOF:
		return len(b), breaks, true
	}
	return 0, 0, false
}

// frameQuotedCSVRecord is frameCSVRecord for a record whose first line has
// a quote at b[q], outside any quoted field; lineEnd is the index of that
// line's line break, or -1.
//
// Outside quoted fields it jumps from quote to quote with IndexByte, which
// is fastest over the long unquoted stretches of a minimally quoted export.
// Inside a quoted field it tests byte by byte: a portal download quotes
// every cell, so the closing quote is usually a few bytes away, where the
// call overhead of IndexByte would cost more than the bytes.
func frameQuotedCSVRecord(b []byte, q, lineEnd int, comma byte, atEOF bool) (n, breaks int, ok bool) {
	for {
		// A quote opens a quoted field only at the start of a field;
		// inside an unquoted field it is literal.
		if q == 0 || b[q-1] == comma {
			p := q + 1
			for {
				for p < len(b) && b[p] != '"' {
					p++
				}
				if p+1 >= len(b) {
					if atEOF && p < len(b) {
						// The closing quote ends the input.
						return len(b), breaks + countBreaks(b, lineEnd, p), true
					}
					return 0, 0, false
				}
				c := b[p+1]
				if c == '"' {
					p += 2 // An escaped quote.
					continue
				}
				if c == comma || c == '\n' {
					break
				}
				if c == '\r' {
					if p+2 == len(b) && !atEOF {
						return 0, 0, false
					}
					if p+2 == len(b) || b[p+2] == '\n' {
						break
					}
				}
				p++ // Any other quote in a quoted field is literal (LazyQuotes).
			}
			// b[p] closes the field.
			if lineEnd >= 0 && p > lineEnd {
				breaks += countBreaks(b, lineEnd, p)
				if lineEnd = bytes.IndexByte(b[p:], '\n'); lineEnd >= 0 {
					lineEnd += p
				}
			}
			if p+2 < len(b) && b[p+1] == comma && b[p+2] == '"' {
				q = p + 2 // "," closes a quoted field and opens the next one.
				continue
			}
			q = p
		}
		limit := len(b)
		if lineEnd >= 0 {
			limit = lineEnd
		}
		next := bytes.IndexByte(b[q+1:limit], '"')
		if next < 0 {
			return endOfRecord(b, lineEnd, breaks, atEOF)
		}
		q += 1 + next
	}
}

// countBreaks counts the line breaks in b[from:to]; from is the index of
// the first one, or -1 when there is none before to.
func countBreaks(b []byte, from, to int) int {
	if from < 0 || from >= to {
		return 0
	}
	return bytes.Count(b[from:to], []byte{'\n'})
}

// readHeader returns the header record. It skips blank lines, honours an
// Excel "sep=;" line, and detects the delimiter (comma, tab or semicolon)
// from the first line before framing it, because framing needs the
// delimiter.
func (s *csvSplitter) readHeader() ([]byte, int, error) {
	sepSeen := false
	for {
		b := s.buf[s.start:s.end]
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 && !s.eof {
			if len(b) > s.max {
				return nil, 0, s.fail(&ParseError{File: s.name, Line: s.line,
					Err: fmt.Errorf("%w: the header line is larger than the limit of %s; the file is probably not a CSV sign-in export", ErrTooLarge, formatBytes(s.max))})
			}
			if err := s.fill(); err != nil {
				return nil, 0, s.fail(&ParseError{File: s.name, Line: s.line, Err: err})
			}
			continue
		}
		line := b
		if nl >= 0 {
			line = b[:nl+1]
		}
		if len(line) == 0 {
			return nil, 0, &ParseError{File: s.name, Line: s.line, Err: fmt.Errorf("%w: the file is empty (no CSV header)", ErrUnknownFormat)}
		}
		text := trimLineBreak(line)
		if len(bytes.TrimSpace(text)) == 0 {
			s.start += len(line)
			s.line++
			continue
		}
		if c, ok := sepDirective(text); ok && !sepSeen {
			s.comma, sepSeen = c, true
			s.start += len(line)
			s.line++
			continue
		}
		if !sepSeen {
			s.comma = detectDelimiter(text)
		}
		if bytes.HasSuffix(line, []byte("\r\r\n")) {
			s.squeezeCRs()
		}
		return s.nextRaw()
	}
}

// squeezeCRs makes the rest of the input's line ends CR LF where they are
// CR CR LF (or more CRs): what a CRLF file gets when it goes through a
// second CRLF conversion. encoding/csv, and the splitter with it, would
// read the extra CR as part of the last cell, and after a closing quote as
// a literal quote that never closes. The header's line end tells the
// input's; files with CR LF lines pay nothing.
func (s *csvSplitter) squeezeCRs() {
	sq := &crSqueezer{r: s.r, buf: make([]byte, 64<<10)}
	// What the buffer holds already goes through the squeezer too.
	sq.end = copy(sq.buf, s.buf[s.start:s.end])
	if sq.end < s.end-s.start {
		sq.buf = append(sq.buf[:0], s.buf[s.start:s.end]...)
		sq.end = len(sq.buf)
	}
	s.start, s.end = 0, 0
	s.r, s.eof = sq, false
	s.crcr = true
	if err := s.fill(); err != nil {
		s.err = &ParseError{File: s.name, Line: s.line, Err: err}
	}
}

// crSqueezer reads r with every run of CRs before an LF made one CR.
type crSqueezer struct {
	r          io.Reader
	buf        []byte
	start, end int
	err        error
}

func (c *crSqueezer) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if c.start == c.end {
			if n > 0 || c.err != nil {
				break
			}
			c.start = 0
			c.end, c.err = c.r.Read(c.buf)
			continue
		}
		if c.buf[c.start] != '\r' {
			// Up to the next CR, as it is.
			chunk := c.buf[c.start:c.end]
			if i := bytes.IndexByte(chunk, '\r'); i >= 0 {
				chunk = chunk[:i]
			}
			k := copy(p[n:], chunk)
			n += k
			c.start += k
			continue
		}
		j := c.start
		for j < c.end && c.buf[j] == '\r' {
			j++
		}
		if j == c.end && c.err == nil && !(c.start == 0 && c.end == len(c.buf)) {
			// The run may go on, or end in an LF, past the data read.
			if n > 0 {
				break
			}
			c.end = copy(c.buf, c.buf[c.start:c.end])
			c.start = 0
			m, err := c.r.Read(c.buf[c.end:])
			c.end += m
			c.err = err
			continue
		}
		if j < c.end && c.buf[j] == '\n' {
			c.start = j - 1 // One CR before the LF.
		}
		p[n] = c.buf[c.start]
		n++
		c.start++
	}
	if n == 0 {
		return 0, c.err
	}
	return n, nil
}

// sepDirective reads the "sep=;" line that Excel writes and honours as the
// first line of a CSV file.
func sepDirective(line []byte) (byte, bool) {
	line = bytes.Trim(bytes.TrimSpace(line), `"`)
	if len(line) != 5 || !bytes.EqualFold(line[:4], []byte("sep=")) {
		return 0, false
	}
	switch c := line[4]; c {
	case ',', ';', '\t', '|':
		return c, true
	}
	return 0, false
}

// detectDelimiter picks the delimiter of a header line: the most frequent of
// comma, tab and semicolon outside quotes, comma on a tie. Spreadsheet
// re-saves write tabs (Excel "Unicode Text") or semicolons (Excel in
// locales where the comma is the decimal sign).
func detectDelimiter(line []byte) byte {
	var commas, tabs, semicolons int
	quoted := false
	for _, c := range line {
		switch c {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				commas++
			}
		case '\t':
			if !quoted {
				tabs++
			}
		case ';':
			if !quoted {
				semicolons++
			}
		}
	}
	switch {
	case tabs > commas && tabs >= semicolons:
		return '\t'
	case semicolons > commas && semicolons > tabs:
		return ';'
	}
	return ','
}
