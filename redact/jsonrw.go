package redact

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/signinspect/signinspect/internal/ascii"
	"github.com/signinspect/signinspect/parse"
)

// The JSON rewriter copies a JSON export token by token and replaces only
// the string values (and, with DropLocations, the coordinates) that hold
// personal data, so that everything else stays byte for byte: white space,
// member order, line ends, escapes, numbers. It reads every shape the JSON
// formats come in: arrays, {"value":[...]} and {"records":[...]} envelopes,
// concatenated arrays, bare objects, one object per line, syslog prefixes.
//
// A record that is not valid JSON is handled as the reader handles it: on
// a line-based input (one object per line) its line, elsewhere the rest of
// the record, is redacted as plain text (e-mail addresses, IP addresses and
// known identities) and rewriting goes on; the summary notes it. Text
// outside any JSON value (a syslog prefix) is redacted as plain text too.

// lineMode is whether a JSON input holds one record per line.
type lineMode int8

const (
	linesUndecided lineMode = iota
	linesPerRecord
	linesFree
)

// syntaxError is invalid JSON at a line.
type syntaxError struct {
	line  int
	depth int // Bracket depth where it happened.
	msg   string
	// lineBreak marks a line break inside a record of a line-based input.
	lineBreak bool
	// inString marks an error inside a string.
	inString bool
}

func (e *syntaxError) Error() string { return fmt.Sprintf("line %d: invalid JSON: %s", e.line, e.msg) }

type jsonRewriter struct {
	red  *Redactor
	r    *bufio.Reader
	w    *bufio.Writer // nil when only edits are wanted
	line int
	off  int // Input bytes consumed.

	// stack holds one entry per open bracket: true for an array.
	stack []bool
	// strict makes any syntax error final and allows exactly one value
	// (JSON held in a string).
	strict bool
	// record keeps the edits made, by input offset (JSON held in a
	// string, whose edits are mapped back into the outer string).
	record bool
	edits  []edit

	mode         lineMode
	topIsObject  bool // The top-level value being read is an object.
	topStartLine int

	// keys interns member names, raw → lower-cased value: exports repeat
	// the same few dozen names in every record.
	keys    map[string]string
	pending []byte   // Bytes consumed but not yet written.
	scratch []byte   // Reused for string contents.
	notes   []string // Records redacted as plain text.
}

func newJSONRewriter(red *Redactor, r *bufio.Reader, w *bufio.Writer) *jsonRewriter {
	return &jsonRewriter{red: red, r: r, w: w, line: 1, keys: map[string]string{}}
}

// run rewrites the whole input.
func (rw *jsonRewriter) run() error {
	if rw.strict {
		return rw.runStrict("")
	}
	for {
		c, err := rw.peek()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			rw.take()
			rw.emitByte(c)
		case '{', '[':
			rw.topIsObject, rw.topStartLine = c == '{', rw.line
			err := rw.value("", "")
			var se *syntaxError
			if errors.As(err, &se) {
				if !rw.lineBased(se) {
					return err
				}
				if err := rw.recoverLine(se); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return err
			}
			if rw.mode == linesUndecided {
				rw.mode = linesFree
				if rw.topIsObject && rw.line == rw.topStartLine {
					rw.mode = linesPerRecord
				}
			}
		case '"':
			// A string at the top level: JSON, or text that starts with
			// a quote.
			err := rw.stringValue(fieldRule{}, "")
			var se *syntaxError
			if errors.As(err, &se) {
				err = rw.recoverLine(se)
			}
			if err != nil {
				return err
			}
		default:
			if err := rw.plainText(); err != nil {
				return err
			}
		}
	}
}

// lineBased reports whether a syntax error in a top-level object is
// recovered by skipping its line: on a line-based input, or in the first
// object while it has not left its first line.
func (rw *jsonRewriter) lineBased(se *syntaxError) bool {
	if !rw.topIsObject {
		return false
	}
	return rw.mode == linesPerRecord || rw.mode == linesUndecided && se.line == rw.topStartLine
}

// runStrict rewrites exactly one JSON value surrounded by white space, as
// the value of member key.
func (rw *jsonRewriter) runStrict(key string) error {
	if err := rw.value("", key); err != nil {
		return err
	}
	if err := rw.ws(); err != nil {
		return err
	}
	if _, err := rw.peek(); err != io.EOF {
		return rw.syntax("text after the JSON value")
	}
	return nil
}

// plainText redacts the text before the next JSON value on its line (a
// syslog prefix, or text that is not JSON at all) as plain text.
func (rw *jsonRewriter) plainText() error {
	var b []byte
	for {
		c, err := rw.peek()
		if err == io.EOF || c == '{' || c == '[' || c == '\n' {
			break
		}
		if err != nil {
			return err
		}
		rw.take()
		b = append(b, c)
	}
	rw.emitString(rw.red.Text(string(b)))
	return nil
}

// recoverLine redacts the rest of the line of a malformed record as plain
// text and goes on at the next line.
func (rw *jsonRewriter) recoverLine(se *syntaxError) error {
	b := rw.pending
	rw.pending = nil
	for {
		c, err := rw.peek()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		rw.take()
		b = append(b, c)
		if c == '\n' {
			break
		}
	}
	rw.emitString(rw.red.Text(string(b)))
	rw.stack = rw.stack[:0]
	rw.notes = append(rw.notes, fmt.Sprintf("line %d is not valid JSON (%s): it was redacted as plain text; check it before sending", se.line, se.msg))
	return nil
}

// isRecordStart reports whether an object opened at the current depth is a
// sign-in record: the top-level value, or an element of a top-level array
// or of an array held by a top-level object ({"value":[...]}).
func (rw *jsonRewriter) isRecordStart() bool {
	switch len(rw.stack) {
	case 0:
		return true
	case 1:
		return rw.stack[0]
	case 2:
		return !rw.stack[0] && rw.stack[1]
	}
	return false
}

// recoverRecord redacts the rest of a malformed record, from where the
// error was found to the bracket that closes the record, as plain text.
// depth is the bracket depth inside the record.
func (rw *jsonRewriter) recoverRecord(se *syntaxError, depth int) error {
	b := rw.pending
	rw.pending = nil
	d := se.depth
	inString, escaped := se.inString, false
	for d >= depth {
		c, err := rw.peek()
		if err == io.EOF {
			return &syntaxError{line: rw.line, depth: d, msg: "the input ends inside a record"}
		}
		if err != nil {
			return err
		}
		rw.take()
		b = append(b, c)
		switch {
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
			d++
		case c == '}' || c == ']':
			d--
		}
	}
	rw.emitString(rw.red.Text(string(b)))
	rw.notes = append(rw.notes, fmt.Sprintf("the record with invalid JSON on line %d (%s) was redacted as plain text; check it before sending", se.line, se.msg))
	return nil
}

// value rewrites one value of member key in an object that is the value of
// member parent.
func (rw *jsonRewriter) value(parent, key string) error {
	if err := rw.ws(); err != nil {
		return err
	}
	c, err := rw.peek()
	if err == io.EOF {
		return rw.syntax("unexpected end of input")
	}
	if err != nil {
		return err
	}
	switch {
	case c == '{':
		return rw.object(key)
	case c == '[':
		return rw.array(parent, key)
	case c == '"':
		return rw.stringValue(jsonRule(parent, key), key)
	case c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z':
		return rw.literal(jsonRule(parent, key))
	}
	return rw.syntax(fmt.Sprintf("unexpected %s", describeByte(c)))
}

// object rewrites an object that is the value of member name.
func (rw *jsonRewriter) object(name string) error {
	record := rw.isRecordStart() && !rw.strict
	rw.take()
	rw.emitByte('{')
	rw.stack = append(rw.stack, false)
	depth := len(rw.stack)
	defer func() { rw.stack = rw.stack[:depth-1] }()
	if depth > parse.MaxJSONDepth {
		return rw.syntax(fmt.Sprintf("nested more than %d levels deep", parse.MaxJSONDepth))
	}
	err := rw.members(name)
	var se *syntaxError
	// A malformed record is redacted as plain text to its closing brace,
	// unless it is a top-level object of a line-based input, which run
	// recovers by its line.
	if record && errors.As(err, &se) && !se.lineBreak && !(depth == 1 && rw.lineBased(se)) {
		return rw.recoverRecord(se, depth)
	}
	return err
}

// members rewrites the members of an object after its opening brace, up to
// and including its closing brace.
func (rw *jsonRewriter) members(name string) error {
	if err := rw.ws(); err != nil {
		return err
	}
	if c, err := rw.peek(); err == nil && c == '}' {
		rw.take()
		rw.emitByte('}')
		return nil
	}
	for {
		if err := rw.ws(); err != nil {
			return err
		}
		c, err := rw.peek()
		if err != nil || c != '"' {
			return rw.unexpected(err, "a member name")
		}
		raw, err := rw.readString()
		if err != nil {
			return err
		}
		rw.emitByte('"')
		rw.emit(raw)
		rw.emitByte('"')
		key, ok := rw.keys[string(raw)]
		if !ok {
			key = ascii.ToLower(unescapeJSON(raw))
			if len(rw.keys) < 4096 {
				rw.keys[string(raw)] = key
			}
		}
		if err := rw.ws(); err != nil {
			return err
		}
		if c, err := rw.peek(); err != nil || c != ':' {
			return rw.unexpected(err, "':'")
		}
		rw.take()
		rw.emitByte(':')
		if err := rw.value(name, key); err != nil {
			return err
		}
		if err := rw.ws(); err != nil {
			return err
		}
		c, err = rw.peek()
		if err != nil || c != ',' && c != '}' {
			return rw.unexpected(err, "',' or '}'")
		}
		rw.take()
		rw.emitByte(c)
		if c == '}' {
			return nil
		}
	}
}

// array rewrites an array that is the value of member name of an object
// that is the value of parent. Its elements are read as values of name.
func (rw *jsonRewriter) array(parent, name string) error {
	rw.take()
	rw.emitByte('[')
	rw.stack = append(rw.stack, true)
	depth := len(rw.stack)
	defer func() { rw.stack = rw.stack[:depth-1] }()
	if depth > parse.MaxJSONDepth {
		return rw.syntax(fmt.Sprintf("nested more than %d levels deep", parse.MaxJSONDepth))
	}
	if err := rw.ws(); err != nil {
		return err
	}
	if c, err := rw.peek(); err == nil && c == ']' {
		rw.take()
		rw.emitByte(']')
		return nil
	}
	for {
		if err := rw.value(parent, name); err != nil {
			return err
		}
		if err := rw.ws(); err != nil {
			return err
		}
		c, err := rw.peek()
		if err != nil || c != ',' && c != ']' {
			return rw.unexpected(err, "',' or ']'")
		}
		rw.take()
		rw.emitByte(c)
		if c == ']' {
			return nil
		}
	}
}

// stringValue rewrites a string value under a rule; key names its member,
// the parent of JSON held in the string.
func (rw *jsonRewriter) stringValue(rule fieldRule, key string) error {
	start := rw.off
	raw, err := rw.readString()
	if err != nil {
		return err
	}
	if !needsLook(raw, rule, rw.red) {
		rw.emitByte('"')
		rw.emit(raw)
		rw.emitByte('"')
		return nil
	}
	v, offsets := decodeJSONString(raw)
	edits := rw.red.stringEdits(v, rule, key)
	if len(edits) == 0 {
		rw.emitByte('"')
		rw.emit(raw)
		rw.emitByte('"')
		return nil
	}
	token := `"` + spliceJSONString(raw, offsets, edits) + `"`
	rw.emitString(token)
	if rw.record {
		rw.edits = append(rw.edits, edit{start: start, end: rw.off, repl: token})
	}
	return nil
}

// needsLook is a fast test that a raw string cannot need an edit: a text
// field without '@', '.', ':' and without three bytes of any length, when
// no identities are known.
func needsLook(raw []byte, rule fieldRule, red *Redactor) bool {
	if red.collect != nil {
		return rule.how == fieldPersonal && rule.kind == KindTenantName
	}
	if rule.how != fieldText && rule.how != fieldVersion || red.ids.Len() > 0 {
		return true
	}
	for _, c := range raw {
		switch c {
		case '@', '.', ':', '{', '[', '\\':
			return true
		}
	}
	return false
}

// literal rewrites a number, true, false or null.
func (rw *jsonRewriter) literal(rule fieldRule) error {
	start := rw.off
	var tok []byte
	for {
		c, err := rw.peek()
		if err != nil || !(c == '-' || c == '+' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			break
		}
		rw.take()
		tok = append(tok, c)
	}
	number := tok[0] == '-' || '0' <= tok[0] && tok[0] <= '9'
	if !number && string(tok) != "true" && string(tok) != "false" && string(tok) != "null" {
		rw.pending = append(rw.pending, tok...)
		return rw.syntax(fmt.Sprintf("unexpected literal %q", truncate(string(tok), 20)))
	}
	if number && rule.how == fieldCoordinate && rw.red.DropLocations {
		rw.red.counts[KindLocation]++
		rw.emitString("null")
		if rw.record {
			rw.edits = append(rw.edits, edit{start: start, end: rw.off, repl: "null"})
		}
		return nil
	}
	rw.emit(tok)
	return nil
}

// readString consumes a string token and returns its raw content, without
// the quotes and escapes undone. The content is valid until the next call.
// A line break in a string is an error, as in JSON.
func (rw *jsonRewriter) readString() ([]byte, error) {
	rw.take() // The opening quote.
	b := rw.scratch[:0]
	defer func() { rw.scratch = b[:0] }()
	for {
		buf, err := rw.r.Peek(max(rw.r.Buffered(), 1))
		if len(buf) == 0 {
			rw.pending = append(append(rw.pending, '"'), b...)
			if err == io.EOF {
				return nil, rw.syntax("the input ends inside a string")
			}
			return nil, err
		}
		i := 0
		for i < len(buf) && buf[i] != '"' && buf[i] != '\\' && buf[i] != '\n' {
			i++
		}
		b = append(b, buf[:i]...)
		rw.discard(i)
		if i == len(buf) {
			continue
		}
		switch buf[i] {
		case '"':
			rw.take()
			return b, nil
		case '\\':
			rw.take()
			b = append(b, '\\')
			c, err := rw.peek()
			if err != nil {
				rw.pending = append(append(rw.pending, '"'), b...)
				return nil, rw.unexpected(err, "an escaped character")
			}
			if c != '\n' { // A line break is an error, found next round.
				rw.take()
				b = append(b, c)
			}
		case '\n':
			rw.pending = append(append(rw.pending, '"'), b...)
			se := rw.syntax("a line break inside a string").(*syntaxError)
			se.inString = true
			se.lineBreak = rw.topIsObject && (rw.mode == linesPerRecord || rw.mode == linesUndecided && rw.line == rw.topStartLine)
			return nil, se
		}
	}
}

// ws copies white space. On a line-based input a line break inside a
// top-level object is an error: each record must end on its line.
func (rw *jsonRewriter) ws() error {
	for {
		c, err := rw.peek()
		if err != nil {
			return nil
		}
		switch c {
		case ' ', '\t', '\r':
		case '\n':
			if len(rw.stack) > 0 && rw.mode == linesPerRecord && rw.topIsObject {
				se := rw.syntax("a line break inside a record of a file with one record per line").(*syntaxError)
				se.lineBreak = true
				return se
			}
		default:
			return nil
		}
		rw.take()
		rw.emitByte(c)
	}
}

func (rw *jsonRewriter) syntax(msg string) error {
	return &syntaxError{line: rw.line, depth: len(rw.stack), msg: msg}
}

func (rw *jsonRewriter) unexpected(err error, want string) error {
	if err != nil && err != io.EOF {
		return err
	}
	if err == io.EOF {
		return rw.syntax("unexpected end of input; want " + want)
	}
	c, _ := rw.peek()
	return rw.syntax(fmt.Sprintf("unexpected %s; want %s", describeByte(c), want))
}

func describeByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func (rw *jsonRewriter) peek() (byte, error) {
	b, err := rw.r.Peek(1)
	if len(b) == 0 {
		return 0, err
	}
	return b[0], nil
}

// take consumes the byte peek returned.
func (rw *jsonRewriter) take() {
	c, _ := rw.r.ReadByte()
	rw.off++
	if c == '\n' {
		rw.line++
	}
}

// discard consumes n bytes that hold no line break.
func (rw *jsonRewriter) discard(n int) {
	rw.r.Discard(n)
	rw.off += n
}

func (rw *jsonRewriter) emitByte(c byte) {
	if rw.w != nil {
		rw.w.WriteByte(c)
	}
}

func (rw *jsonRewriter) emit(b []byte) {
	if rw.w != nil {
		rw.w.Write(b)
	}
}

func (rw *jsonRewriter) emitString(s string) {
	if rw.w != nil {
		rw.w.WriteString(s)
	}
}

// decodeJSONString undoes the escapes of a raw string. offsets, when not
// nil, gives for each byte of the result the offset in raw where its
// character starts, and len(raw) at the end; it is nil when raw holds no
// escape (the offsets are then the identity).
func decodeJSONString(raw []byte) (string, []int) {
	if !containsByte(raw, '\\') {
		return string(raw), nil
	}
	var b strings.Builder
	offsets := make([]int, 0, len(raw)+1)
	put := func(s string, at int) {
		b.WriteString(s)
		for range len(s) {
			offsets = append(offsets, at)
		}
	}
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' || i+1 == len(raw) {
			// A raw byte, of ASCII or of UTF-8, is copied as it is.
			b.WriteByte(c)
			offsets = append(offsets, i)
			i++
			continue
		}
		switch e := raw[i+1]; e {
		case 'n':
			put("\n", i)
		case 't':
			put("\t", i)
		case 'r':
			put("\r", i)
		case 'b':
			put("\b", i)
		case 'f':
			put("\f", i)
		case 'u':
			r, n := decodeUnicodeEscape(raw[i:])
			if n == 0 {
				put(`\u`, i)
				i += 2
				continue
			}
			put(string(r), i)
			i += n
			continue
		default: // \" \\ \/ and, leniently, anything else.
			put(string(e), i)
		}
		i += 2
	}
	offsets = append(offsets, len(raw))
	return b.String(), offsets
}

// decodeUnicodeEscape reads \uXXXX, or a surrogate pair of two, at the
// start of b; n is 0 when b does not start with one.
func decodeUnicodeEscape(b []byte) (rune, int) {
	hex4 := func(b []byte) (rune, bool) {
		if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
			return 0, false
		}
		var r rune
		for _, c := range b[2:6] {
			switch {
			case '0' <= c && c <= '9':
				r = r<<4 | rune(c-'0')
			case 'a' <= c && c <= 'f':
				r = r<<4 | rune(c-'a'+10)
			case 'A' <= c && c <= 'F':
				r = r<<4 | rune(c-'A'+10)
			default:
				return 0, false
			}
		}
		return r, true
	}
	r, ok := hex4(b)
	if !ok {
		return 0, 0
	}
	if utf16.IsSurrogate(r) {
		if r2, ok := hex4(b[6:]); ok {
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				return dec, 12
			}
		}
		return utf8.RuneError, 6
	}
	return r, 6
}

// unescapeJSON returns the value of a raw string.
func unescapeJSON(raw []byte) string {
	s, _ := decodeJSONString(raw)
	return s
}

// spliceJSONString applies edits, made on the decoded value, to the raw
// content of a string: the bytes outside the edits keep their escapes, and
// each replacement is escaped.
func spliceJSONString(raw []byte, offsets []int, edits []edit) string {
	at := func(i int) int {
		if offsets == nil {
			return i
		}
		return offsets[i]
	}
	var b strings.Builder
	prev := 0
	for _, e := range edits {
		b.Write(raw[prev:at(e.start)])
		b.WriteString(escapeJSON(e.repl))
		prev = at(e.end)
	}
	b.Write(raw[prev:])
	return b.String()
}

// escapeJSON escapes s for the inside of a JSON string: quotes,
// backslashes and control characters.
func escapeJSON(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// embeddedJSONEdits redacts JSON held in a string value v of member
// parent (Log Analytics columns, CSV cells) and returns the edits on v. ok
// is false when v is not exactly one JSON value; nothing is counted then.
func (r *Redactor) embeddedJSONEdits(v, parent string) ([]edit, bool) {
	saved := r.counts
	rw := newJSONRewriter(r, bufio.NewReader(strings.NewReader(v)), nil)
	rw.strict, rw.record = true, true
	if err := rw.runStrict(parent); err != nil {
		r.counts = saved
		return nil, false
	}
	return rw.edits, true
}
