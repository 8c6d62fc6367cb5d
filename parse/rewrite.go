package parse

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// This file exports what a tool needs to write an input back in its own
// format, as signinspect redact does: the input's text exactly as Open reads
// it, how that text was stored, and the header rules of the CSV reader.

// TextEncoding says how an input stores its text, so that a tool that
// rewrites the input can store its output the same way.
type TextEncoding struct {
	// Gzip is set for a gzip-compressed input; GzipHeader is the header of
	// its first member (name, modification time, comment, OS).
	Gzip       bool
	GzipHeader gzip.Header
	// BOM is set when the text starts with a byte order mark, UTF-8 or
	// UTF-16.
	BOM bool
	// UTF16 is set for UTF-16 text; BigEndian gives its byte order.
	UTF16     bool
	BigEndian bool
}

// OpenText opens an input's text as Open reads it, without detecting its
// format: gzip decompressed within opts.Limits, a byte order mark removed
// and UTF-16 transcoded to UTF-8. It also says how the text was stored. The
// caller closes the returned reader.
func OpenText(in Input, opts Options) (io.ReadCloser, TextEncoding, error) {
	var enc TextEncoding
	lim := opts.Limits.withDefaults()
	raw, err := in.open()
	if err != nil {
		return nil, enc, fmt.Errorf("%s: %w", in.Name, unwrapPathError(err))
	}
	fail := func(err error) (io.ReadCloser, TextEncoding, error) {
		raw.Close()
		return nil, enc, fmt.Errorf("%s: %w", in.Name, err)
	}
	br := bufio.NewReaderSize(raw, readBufferSize)
	magic, _ := br.Peek(4)
	if bytes.HasPrefix(magic, zipMagic) {
		return fail(fmt.Errorf("a ZIP archive inside a ZIP archive or on standard input is not read"))
	}
	expanding := in.compressed > 0
	compressed := in.compressed
	if len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fail(fmt.Errorf("unreadable gzip data: %w", err))
		}
		zr.Multistream(true)
		enc.Gzip, enc.GzipHeader = true, zr.Header
		expanding = true
		if compressed == 0 {
			compressed = in.Size
		}
		br = bufio.NewReaderSize(zr, readBufferSize)
	}
	if expanding {
		br = bufio.NewReaderSize(&expansionLimiter{r: br, name: in.Name, compressed: compressed, lim: lim}, readBufferSize)
	}
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return fail(err)
	}
	var text io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		enc.BOM = true
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		enc.BOM, enc.UTF16, enc.BigEndian = true, true, head[0] == 0xFE
		text = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	default:
		if e, ok := guessUTF16(head); ok {
			enc.UTF16, enc.BigEndian = true, e == unicode.BigEndian
			text = transform.NewReader(br, unicode.UTF16(e, unicode.IgnoreBOM).NewDecoder())
		}
	}
	return readCloser{text, raw}, enc, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// NormalizeColumnName folds a CSV column name the way the CSV reader
// matches columns: zero-width characters and byte order marks removed,
// spaces trimmed and collapsed, lower case ("Autonomous system  number"
// becomes "autonomous system number").
func NormalizeColumnName(s string) string { return normalizeCSVHeader(s) }

// CSVSepDirective reads the "sep=;" line that Excel writes as the first line
// of a CSV file, and returns the delimiter it names.
func CSVSepDirective(line []byte) (byte, bool) { return sepDirective(line) }

// CSVDelimiter returns the delimiter the CSV reader picks for a header
// line: the most frequent of comma, tab and semicolon outside quotes.
func CSVDelimiter(header []byte) byte { return detectDelimiter(header) }
