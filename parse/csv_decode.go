package parse

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocarina/gocsv"
)

// csvDecoder decodes the records a csvSplitter framed. It splits a record
// into fields with encoding/csv, maps them into a row struct with gocsv, and
// converts the row into a Record.
//
// gocsv's mapping from header to struct fields is the costly part of its
// setup: done per call (UnmarshalDecoder, UnmarshalBytes) it matches every
// header name against every tag on every record, and its callback and
// channel variants add a goroutine and a channel per call.
// gocsv.Unmarshaller is the one API that maps the header once and then
// decodes row after row, so each decoding goroutine keeps one (in a
// sync.Pool) whose csv.Reader reads from a source that Decode points at the
// chunk. BenchmarkCSVDecodeGocsvPerCall measures the per-call alternative:
// about 30 times slower than BenchmarkCSVDecode on the 57-column portal
// shape. What remains per record is gocsv's reflection (a boxed value per
// cell) and csv.Reader, about two thirds of the decoding time.
type csvDecoder struct {
	info    SourceInfo
	comma   rune
	layout  *csvLayout
	rowType reflect.Type
	header  []byte // The gocsv header (csvLayout.gocsvHeader), CSV-encoded.
	width   int    // Columns in the header.
	timeCol int    // The date column, which every row needs.
	reparse bool   // Times are read again: in info.Location, not UTC, or in info.DateOrder.

	hasErrorCode  bool // The header has a portal error code column.
	hasResultType bool // The header has a Log Analytics ResultType column.
	known         FieldSet
	flowWhy       string // Why rows without a flow column get none.
	pool          sync.Pool
	screen        *csvScreen // The Screener's column plan; nil for row types it does not screen.

	shortRows      atomic.Int64
	longRows       atomic.Int64
	hintedRows     atomic.Int64
	unknownRows    atomic.Int64
	tokenConflicts atomic.Int64
}

func newCSVDecoder(info SourceInfo, s *csvSplitter, names []string, headerLine int, rowType reflect.Type) (*csvDecoder, error) {
	layout := resolveCSVLayout(names, csvColumnSpecs(rowType))
	resolved := 0
	for _, c := range layout.colOf {
		if c >= 0 {
			resolved++
		}
	}
	timeCol, _, ok := layout.column("Time")
	if !ok {
		sentinel := ErrMissingColumn
		if resolved < 2 {
			sentinel = ErrUnknownFormat
		}
		want := `"Date (UTC)", or "CreatedDateTime" of the legacy export`
		if rowType == logAnalyticsRowType {
			want = `"CreatedDateTime [UTC]" or "TimeGenerated [UTC]"`
		}
		return nil, &ParseError{File: info.Name, Line: headerLine,
			Err: fmt.Errorf("%w: the header has no sign-in date column (want %s); it has %s",
				sentinel, want, describeHeader(layout.names))}
	}
	d := &csvDecoder{
		info:    info,
		comma:   rune(s.comma),
		layout:  layout,
		rowType: rowType,
		width:   len(names),
		timeCol: timeCol,
		reparse: info.Location != nil && info.Location != time.UTC || info.DateOrder != DateOrderAuto,
		known:   layout.known,

		hasErrorCode:  rowType == portalRowType && layout.has("ErrorCode"),
		hasResultType: rowType == logAnalyticsRowType && layout.has("ResultType"),
	}
	if rowType == portalRowType {
		d.screen = newCSVScreen(layout)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = d.comma
	if err := w.Write(layout.gocsvHeader()); err != nil {
		return nil, fmt.Errorf("%s: %w", info.Name, err)
	}
	w.Flush()
	d.header = b.Bytes()
	rr, err := d.newRowReader()
	if err != nil {
		return nil, &ParseError{File: info.Name, Line: headerLine, Err: err}
	}
	d.pool.Put(rr)

	switch {
	case rowType == logAnalyticsRowType && !layout.has("Type") && !layout.has("Category") && !layout.has("IsInteractive"):
		d.flowWhy = "the export has no Type, Category or IsInteractive column to tell the table"
	case rowType == portalRowType:
		d.flowWhy = "interactive and non-interactive portal downloads share one header, and the file name does not start with the portal's InteractiveSignIns_ or NonInteractiveSignIns_"
	default:
		d.flowWhy = "the row's Type, Category and IsInteractive cells are empty"
	}
	return d, nil
}

// describeHeader quotes the first names of a header, for an error.
func describeHeader(names []string) string {
	const max = 8
	var q []string
	for i, n := range names {
		if i == max {
			q = append(q, fmt.Sprintf("and %d more", len(names)-max))
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	return strings.Join(q, ", ")
}

// csvChunkSource is the io.Reader under a pooled csv.Reader: Decode points
// it at one chunk at a time.
type csvChunkSource struct{ b []byte }

func (s *csvChunkSource) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}

// csvRowReader is one goroutine's gocsv Unmarshaller and the csv.Reader
// under it.
type csvRowReader struct {
	src  csvChunkSource
	cr   *csv.Reader
	um   *gocsv.Unmarshaller
	memo csvMemo
}

func (d *csvDecoder) newRowReader() (*csvRowReader, error) {
	rr := &csvRowReader{src: csvChunkSource{b: d.header}}
	rr.cr = csv.NewReader(&rr.src)
	rr.cr.Comma = d.comma
	rr.cr.LazyQuotes = true
	rr.cr.ReuseRecord = true // Safe: gocsv copies the field strings out.
	// A row whose cell count differs from the header's fails fast with
	// ErrFieldCount and takes the slow path in Decode.
	rr.cr.FieldsPerRecord = d.width
	um, err := gocsv.NewUnmarshaller(rr.cr, reflect.New(d.rowType).Interface())
	if err != nil {
		return nil, fmt.Errorf("CSV mapping: %w", err)
	}
	rr.um = um
	return rr, nil
}

var (
	errCSVEmptyRecord = errors.New("empty record")
	errCSVManyRecords = errors.New("the chunk holds more than one CSV record")
)

// read decodes one CSV record into a row struct.
func (rr *csvRowReader) read(data []byte) (csvRow, error) {
	rr.src.b = data
	v, err := rr.um.Read()
	if err == nil {
		if _, err2 := rr.cr.Read(); !errors.Is(err2, io.EOF) {
			err = errCSVManyRecords
		}
	}
	if err != nil {
		rr.drain()
		if errors.Is(err, io.EOF) {
			return nil, errCSVEmptyRecord
		}
		return nil, err
	}
	return v.(csvRow), nil
}

// drain reads what is left of a chunk, so that the next Decode starts
// clean. csv.Reader errors other than at the end of input do not stop it.
func (rr *csvRowReader) drain() {
	for {
		if _, err := rr.cr.Read(); errors.Is(err, io.EOF) {
			rr.src.b = nil
			return
		}
	}
}

// Decode decodes one record. It is safe for concurrent use.
func (d *csvDecoder) Decode(c Chunk) (*Record, error) {
	rr, _ := d.pool.Get().(*csvRowReader)
	if rr == nil {
		var err error
		if rr, err = d.newRowReader(); err != nil {
			return nil, d.recordError(c, "", 0, err)
		}
	}
	defer d.pool.Put(rr)
	row, err := rr.read(c.Data)
	if errors.Is(err, csv.ErrFieldCount) {
		row, err = d.readRagged(rr, c)
	}
	if err != nil {
		var re *RecordError
		if errors.As(err, &re) {
			return nil, re
		}
		return nil, d.recordError(c, "", 0, fmt.Errorf("%w: %v", ErrBadValue, err))
	}
	rec := &Record{Known: d.known}
	if err := row.toRecord(d, &rr.memo, rec); err != nil {
		var ce *cellError
		if errors.As(err, &ce) {
			col, name, _ := d.layout.column(ce.field)
			return nil, d.recordError(c, name, col, ce.err)
		}
		return nil, d.recordError(c, "", 0, err)
	}
	rec.Source = Source{File: d.info.Name, Line: c.Line, Index: c.Index, Format: d.info.Format}
	if rec.Flow != "" {
		rec.Known = rec.Known.Add(FieldFlow)
	}
	return rec, nil
}

// readRagged reads a record whose cell count differs from the header's. A
// short row that still reaches the date column is read with its missing
// cells empty; a long row is read when its extra cells are empty (trailing
// delimiters), and refused otherwise, because an unquoted delimiter has then
// shifted its cells under the wrong columns.
func (d *csvDecoder) readRagged(rr *csvRowReader, c Chunk) (csvRow, error) {
	fields, err := splitCSVRecord(c.Data, byte(d.comma))
	if err != nil {
		return nil, d.recordError(c, "", 0, fmt.Errorf("%w: %v", ErrBadValue, err))
	}
	switch {
	case len(fields) <= d.timeCol:
		return nil, d.recordError(c, d.layout.names[d.timeCol], d.timeCol,
			fmt.Errorf("%w: the row has %d cells but the header has %d columns, and it ends before this one", ErrMissingColumn, len(fields), d.width))
	case len(fields) < d.width:
		d.shortRows.Add(1)
		fields = append(fields, make([]string, d.width-len(fields))...)
	case len(fields) > d.width:
		for i, f := range fields[d.width:] {
			if strings.TrimSpace(f) != "" {
				return nil, d.recordError(c, "", 0, fmt.Errorf("%w: the row has %d cells but the header has %d columns, and cell %d is not empty: a cell probably holds an unquoted delimiter, so the cells cannot be matched to columns", ErrBadValue, len(fields), d.width, d.width+i+1))
			}
		}
		d.longRows.Add(1)
		fields = fields[:d.width]
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = d.comma
	if err := w.Write(fields); err != nil {
		return nil, d.recordError(c, "", 0, err)
	}
	w.Flush()
	return rr.read(b.Bytes())
}

// recordError builds the error of a malformed record. column is the
// 0-based column of the named field; the line and byte column of the cell
// are computed here, off the hot path.
func (d *csvDecoder) recordError(c Chunk, field string, column int, err error) *RecordError {
	pe := ParseError{File: d.info.Name, Line: c.Line, Record: c.Index, Field: field, Err: err}
	if field != "" {
		r := csv.NewReader(bytes.NewReader(c.Data))
		r.Comma = d.comma
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		if fields, err := r.Read(); err == nil && column < len(fields) {
			line, col := r.FieldPos(column)
			pe.Line, pe.Column = c.Line+line-1, col
		}
	}
	return &RecordError{pe}
}

// cellTime returns the time of a date cell, in the source's zone when the
// cell carries none.
func (d *csvDecoder) cellTime(c *csvTime) (time.Time, error) {
	if d.reparse {
		return ParseTimeOrder(c.raw, d.info.Location, d.info.DateOrder)
	}
	return c.t, c.err
}

// hintedFlow is the flow of a row whose columns do not tell it: the one the
// file name tells, or none.
func (d *csvDecoder) hintedFlow() string {
	if d.info.FlowHint != "" {
		d.hintedRows.Add(1)
		return d.info.FlowHint
	}
	d.unknownRows.Add(1)
	return ""
}

// incomingTokenType merges the two "Incoming token type" columns of the
// 57-column header: the first, or the second where the first is empty.
func (d *csvDecoder) incomingTokenType(first, repeat string) string {
	if first == "" {
		return repeat
	}
	if repeat != "" && !strings.EqualFold(first, repeat) {
		d.tokenConflicts.Add(1)
	}
	return first
}

// Notes tells what the decoder learned: repeated columns, rows whose flow
// only the file name tells or nothing tells, ragged rows.
func (d *csvDecoder) Notes() []string {
	var notes []string
	add := func(format string, args ...any) {
		notes = append(notes, fmt.Sprintf(format, args...))
	}
	for _, n := range d.layout.notes {
		add("%s", n)
	}
	if n := d.tokenConflicts.Load(); n > 0 {
		add("%s with different values in the two %q columns: the first was used", plural(n, "row"), "Incoming token type")
	}
	if n := d.hintedRows.Load(); n > 0 {
		add("flow %s taken from the file name for %s (the rows themselves do not say)", d.info.FlowHint, plural(n, "row"))
	}
	if n := d.unknownRows.Load(); n > 0 {
		add("flow unknown for %s: %s; they are kept with no flow", plural(n, "row"), d.flowWhy)
	}
	if n := d.shortRows.Load(); n > 0 {
		add("%s with fewer cells than the header's %d columns: the missing cells were read as empty", plural(n, "row"), d.width)
	}
	if n := d.longRows.Load(); n > 0 {
		add("%s with empty cells beyond the header's %d columns: those cells were ignored", plural(n, "row"), d.width)
	}
	return notes
}

// plural returns "1 row", "2 rows".
func plural[N int | int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
