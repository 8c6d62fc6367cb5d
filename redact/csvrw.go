package redact

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/signinspect/signinspect/parse"
)

// The CSV rewriter copies a CSV export record by record and rewrites only
// the cells that change, so that the delimiter, the quoting of every other
// cell, blank lines, the header and the line ends stay as they were. Cells
// are redacted by their column (matched by the normalized name, as the CSV
// reader matches them), cells holding JSON as JSON, and every other cell as
// free text. A changed cell keeps its quoting; an unquoted one is quoted
// only when its new value needs it.
//
// Records are framed with the reader's rules (encoding/csv with
// LazyQuotes): a quote opens a quoted cell only at the start of a cell, ""
// is an escaped quote, and a quote followed by the delimiter or the end of
// the line closes the cell.

// csvCell is one cell of a record: raw[start:end], quoted or not.
type csvCell struct {
	start, end int
	quoted     bool
}

type csvRewriter struct {
	red   *Redactor
	name  string
	r     *bufio.Reader
	w     *bufio.Writer
	comma byte
	line  int

	rules   []fieldRule // Per column.
	parents []string    // Per column: the JSON parent of JSON in its cells.
	cells   []csvCell
}

func newCSVRewriter(red *Redactor, name string, r *bufio.Reader, w *bufio.Writer) *csvRewriter {
	return &csvRewriter{red: red, name: name, r: r, w: w, comma: ',', line: 1}
}

// run rewrites the whole input.
func (cw *csvRewriter) run() error {
	if err := cw.header(); err != nil {
		return err
	}
	for {
		rec, eol, err := cw.record()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		cw.rewriteRecord(rec)
		cw.w.Write(eol)
	}
}

// header copies the lines before the header (blank lines, Excel's "sep="
// line) and the header itself, and resolves the columns.
func (cw *csvRewriter) header() error {
	sepSeen := false
	for {
		line, err := cw.readLine()
		if err == io.EOF && len(line) == 0 {
			return &parse.ParseError{File: cw.name, Line: cw.line, Err: fmt.Errorf("%w: the file is empty (no CSV header)", parse.ErrUnknownFormat)}
		}
		if err != nil && err != io.EOF {
			return err
		}
		text := trimEOL(line)
		if len(bytes.TrimSpace(text)) == 0 {
			cw.w.Write(line)
			cw.line++
			continue
		}
		if c, ok := parse.CSVSepDirective(text); ok && !sepSeen {
			cw.comma, sepSeen = c, true
			cw.w.Write(line)
			cw.line++
			continue
		}
		if !sepSeen {
			cw.comma = parse.CSVDelimiter(text)
		}
		// The header may continue over quoted line breaks.
		rec, eol, err := cw.completeRecord(line, err == io.EOF)
		if err != nil {
			return err
		}
		cw.w.Write(rec)
		cw.w.Write(eol)
		cells, _ := splitCSVRecord(rec, cw.comma, nil)
		for _, c := range cells {
			name := parse.NormalizeColumnName(cellValue(rec, c))
			cw.rules = append(cw.rules, csvRule(name))
			cw.parents = append(cw.parents, jsonParentOfColumn(name))
		}
		return nil
	}
}

// readLine returns the next line with its line break, however long.
func (cw *csvRewriter) readLine() ([]byte, error) {
	line, err := cw.r.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	buf := append([]byte(nil), line...)
	for err == bufio.ErrBufferFull {
		line, err = cw.r.ReadSlice('\n')
		buf = append(buf, line...)
	}
	return buf, err
}

// record returns the next record without its line break, and the line
// break.
func (cw *csvRewriter) record() ([]byte, []byte, error) {
	line, err := cw.readLine()
	if len(line) == 0 {
		if err == nil {
			err = io.EOF
		}
		return nil, nil, err
	}
	if err != nil && err != io.EOF {
		return nil, nil, err
	}
	return cw.completeRecord(line, err == io.EOF)
}

// completeRecord reads more lines while the record that starts with first
// ends inside a quoted cell.
func (cw *csvRewriter) completeRecord(first []byte, atEOF bool) ([]byte, []byte, error) {
	startLine := cw.line
	buf := first
	copied := false
	for {
		rec := trimEOL(buf)
		if _, open := splitCSVRecord(rec, cw.comma, cw.cells[:0]); !open || atEOF {
			if open {
				return nil, nil, &parse.ParseError{File: cw.name, Line: startLine,
					Err: fmt.Errorf("%w: the input ends inside a quoted cell of the record that starts here (a missing closing quote)", parse.ErrTruncated)}
			}
			cw.line += bytes.Count(buf, []byte{'\n'})
			return rec, buf[len(rec):], nil
		}
		if !copied {
			buf = append([]byte(nil), buf...)
			copied = true
		}
		line, err := cw.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, nil, err
		}
		buf = append(buf, line...)
		atEOF = err == io.EOF
	}
}

// trimEOL removes a final LF or CRLF.
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// splitCSVRecord splits a record (without its final line break) into cells.
// open is true when it ends inside a quoted cell: the record goes on on
// the next line.
func splitCSVRecord(rec []byte, comma byte, cells []csvCell) ([]csvCell, bool) {
	i := 0
	for {
		start := i
		if i < len(rec) && rec[i] == '"' {
			j := i + 1
			for {
				k := bytes.IndexByte(rec[j:], '"')
				if k < 0 {
					return append(cells, csvCell{start, len(rec), true}), true
				}
				q := j + k
				switch {
				case q+1 < len(rec) && rec[q+1] == '"':
					j = q + 2 // An escaped quote.
					continue
				case q+1 == len(rec):
					return append(cells, csvCell{start, len(rec), true}), false
				case rec[q+1] == comma:
					cells = append(cells, csvCell{start, q + 1, true})
					i = q + 2
				default:
					j = q + 1 // A literal quote (LazyQuotes).
					continue
				}
				break
			}
			continue
		}
		k := bytes.IndexByte(rec[i:], comma)
		if k < 0 {
			return append(cells, csvCell{start, len(rec), false}), false
		}
		cells = append(cells, csvCell{start, i + k, false})
		i += k + 1
	}
}

// cellValue returns the value of a cell: without its quotes, "" undone.
func cellValue(rec []byte, c csvCell) string {
	raw := rec[c.start:c.end]
	if !c.quoted {
		return string(raw)
	}
	raw = raw[1:]
	if n := len(raw); n > 0 && raw[n-1] == '"' {
		raw = raw[:n-1]
	}
	if !bytes.Contains(raw, []byte(`""`)) {
		return string(raw)
	}
	return string(bytes.ReplaceAll(raw, []byte(`""`), []byte(`"`)))
}

// encodeCell writes a new cell value, quoted if the cell was or if the
// value needs it.
func (cw *csvRewriter) encodeCell(v string, quoted bool) {
	if !quoted && (strings.IndexByte(v, cw.comma) >= 0 || strings.ContainsAny(v, "\r\n") || strings.HasPrefix(v, `"`)) {
		quoted = true
	}
	if !quoted {
		cw.w.WriteString(v)
		return
	}
	cw.w.WriteByte('"')
	cw.w.WriteString(strings.ReplaceAll(v, `"`, `""`))
	cw.w.WriteByte('"')
}

// rewriteRecord writes a record with its changed cells rewritten.
func (cw *csvRewriter) rewriteRecord(rec []byte) {
	cw.cells, _ = splitCSVRecord(rec, cw.comma, cw.cells[:0])
	prev := 0
	for col, c := range cw.cells {
		if c.end == c.start {
			continue
		}
		rule, parent := fieldRule{}, ""
		if col < len(cw.rules) {
			rule, parent = cw.rules[col], cw.parents[col]
		}
		raw := rec[c.start:c.end]
		if !needsLook(raw, rule, cw.red) {
			continue
		}
		v := cellValue(rec, c)
		edits := cw.red.stringEdits(v, rule, parent)
		if len(edits) == 0 {
			continue
		}
		cw.w.Write(rec[prev:c.start])
		cw.encodeCell(applyEdits(v, edits), c.quoted)
		prev = c.end
	}
	cw.w.Write(rec[prev:])
}
