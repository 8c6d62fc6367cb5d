package synth

import (
	"fmt"
	"io"
	"strings"
)

// A Format is an export shape the generator writes.
type Format string

// The formats the generator writes.
const (
	// FormatJSONL is one compact Graph signIn object per line.
	FormatJSONL Format = "jsonl"
	// FormatPortalJSON is the Entra portal's JSON download: a top-level
	// array of Graph objects, indented by two spaces.
	FormatPortalJSON Format = "portal-json"
	// FormatPortalCSV is the Entra portal's non-interactive sign-ins CSV:
	// UTF-8 with a byte order mark, CRLF, the quoted 55-column header. Like
	// the real download it holds only the non-interactive sign-ins (about
	// 90% of the stream).
	FormatPortalCSV Format = "portal-csv"
	// FormatDiagnostic is an Azure Monitor diagnostic-settings storage
	// blob: one record per line (CRLF) with the Graph object under
	// "properties" and the category telling the flow.
	FormatDiagnostic Format = "diagnostic"
)

// Formats lists every Format, in the order help text shows them.
func Formats() []Format {
	return []Format{FormatJSONL, FormatPortalJSON, FormatPortalCSV, FormatDiagnostic}
}

// ParseFormat returns the Format named s.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, 0, 4)
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown format %q (want one of %s)", s, strings.Join(names, ", "))
}

// flushAt is the buffered size at which a Writer hands its bytes on: large
// enough that writing GBs costs few system calls.
const flushAt = 1 << 20

// A Writer writes sign-ins in one format. It buffers internally, so w
// needs no bufio; Close writes what is left and the format's trailer, but
// does not close w.
type Writer struct {
	w       io.Writer
	format  Format
	json    jsonWriter
	started bool
	written int
	err     error
}

// WriteExport writes the next n sign-ins of g to w as one export of format
// f, and returns how many it wrote (fewer when g runs out).
func WriteExport(w io.Writer, f Format, g *Generator, n int) (int, error) {
	wr, err := NewWriter(w, f)
	if err != nil {
		return 0, err
	}
	var s SignIn
	for i := 0; i < n && g.Next(&s); i++ {
		if err := wr.Write(&s); err != nil {
			return 0, err
		}
	}
	if err := wr.Close(); err != nil {
		return 0, err
	}
	return wr.Written(), nil
}

// NewWriter returns a Writer of format f to w.
func NewWriter(w io.Writer, f Format) (*Writer, error) {
	if _, err := ParseFormat(string(f)); err != nil {
		return nil, err
	}
	wr := &Writer{w: w, format: f}
	wr.json.buf = make([]byte, 0, flushAt+64<<10)
	if f == FormatPortalJSON {
		wr.json.pretty, wr.json.base = true, 1
	}
	return wr, nil
}

// start writes what the file begins with.
func (w *Writer) start() {
	w.started = true
	switch w.format {
	case FormatPortalCSV:
		w.json.buf = append(w.json.buf, portalCSVPreamble()...)
	case FormatPortalJSON:
		w.json.buf = append(w.json.buf, '[')
	}
}

// Write writes one sign-in. A portal CSV leaves interactive sign-ins out,
// as the non-interactive download does.
func (w *Writer) Write(s *SignIn) error {
	if w.err != nil {
		return w.err
	}
	if !w.started {
		w.start()
	}
	j := &w.json
	switch w.format {
	case FormatJSONL:
		j.graph(s, graphOptions{})
		j.buf = append(j.buf, '\n')
	case FormatPortalJSON:
		if w.written > 0 {
			j.buf = append(j.buf, ',')
		}
		j.buf = append(j.buf, "\n  "...)
		j.graph(s, graphOptions{})
	case FormatDiagnostic:
		j.diagnostic(s)
		j.buf = append(j.buf, '\r', '\n')
	case FormatPortalCSV:
		if s.Interactive {
			return nil
		}
		j.buf = portalRow(j.buf, s)
	}
	w.written++
	if len(j.buf) >= flushAt {
		return w.flush()
	}
	return nil
}

func (w *Writer) flush() error {
	if w.err != nil {
		return w.err
	}
	if _, err := w.w.Write(w.json.buf); err != nil {
		w.err = err
		return err
	}
	w.json.buf = w.json.buf[:0]
	return nil
}

// Written returns the number of sign-ins written so far.
func (w *Writer) Written() int { return w.written }

// Close writes the rest and the format's trailer.
func (w *Writer) Close() error {
	if !w.started {
		w.start()
	}
	if w.format == FormatPortalJSON {
		if w.written > 0 {
			w.json.buf = append(w.json.buf, '\n')
		}
		w.json.buf = append(w.json.buf, ']')
	}
	return w.flush()
}
