package parse

import (
	"errors"
	"io"
	"sync/atomic"
)

// A Chunk is one raw, undecoded record of an input: the bytes of one JSON
// object or of one CSV record (quoted line breaks included).
type Chunk struct {
	// Data holds the record's bytes. It is valid only until the next call
	// to Splitter.Next; a caller that keeps it must copy it.
	Data []byte
	// Line is the 1-based line on which the record starts, or 0 when the
	// splitter does not count lines.
	Line int
	// Index is the 1-based number of the record within its input.
	Index int
	// Layout is set when the splitter framed the record from the layout
	// of its lines without checking its brackets (see LayoutFramer). The
	// Decoder and Screener check such a record; the Decoder returns
	// ErrReframe when it is not exactly the record the full scan frames.
	Layout Layout
}

// Layout says how a splitter framed a Chunk from the layout of its lines.
type Layout uint8

// Layouts of a Chunk.
const (
	LayoutScanned Layout = iota // Framed by a full scan: nothing to check.
	LayoutLine                  // One object per line (NDJSON).
	LayoutElement               // An element of a pretty-printed array.
)

// A Splitter frames an input into raw records without decoding them, so
// that a caller can drop records that cannot match before paying for
// decoding, and decode the rest in parallel.
type Splitter interface {
	// Next returns the next raw record, or io.EOF at the end of the input.
	// Any other error ends the input; it is a *ParseError with the
	// position.
	Next() (Chunk, error)
}

// A Decoder turns raw records of one input into Records. A Decoder is safe
// for concurrent use by multiple goroutines.
type Decoder interface {
	// Decode decodes one chunk. A malformed record gives a *RecordError
	// naming the line or record and the field; the caller skips it.
	Decode(Chunk) (*Record, error)
}

// A Noter is a Splitter or Decoder that learned something about its input
// worth telling the user (a duplicated column, a syslog prefix removed, a
// flow that only the file name tells). Notes is called after the input has
// been read to the end. Notes are shown next to the input's name, so they
// do not repeat it; each is one sentence.
type Noter interface {
	Notes() []string
}

// A Reader reads Records from one input. It is a Splitter and a Decoder run
// in sequence.
type Reader struct {
	// Format is the format of the input, detected or forced.
	Format Format
	// Name is the input name, as Source.File.
	Name string

	splitter Splitter
	decoder  Decoder
	notes    []string
	closer   io.Closer
	counter  *countingReader
}

// NewReader returns a Reader over a splitter and decoder. It is what Open
// returns; tests and callers that frame input themselves may use it
// directly.
func NewReader(name string, format Format, s Splitter, d Decoder) *Reader {
	return &Reader{Name: name, Format: format, splitter: s, decoder: d}
}

// Splitter returns the reader's splitter, for callers that decode in
// parallel. Reading from both the Reader and its Splitter loses records.
func (r *Reader) Splitter() Splitter { return r.splitter }

// Decoder returns the reader's decoder.
func (r *Reader) Decoder() Decoder { return r.decoder }

// Read returns the next record, or io.EOF at the end of the input. A
// *RecordError reports a skipped record: the caller may call Read again.
// Any other error ends the input.
func (r *Reader) Read() (*Record, error) {
	c, err := r.splitter.Next()
	if err != nil {
		return nil, err
	}
	return r.decoder.Decode(c)
}

// Notes returns what the reader learned about its input. Call it after Read
// has returned io.EOF.
func (r *Reader) Notes() []string {
	out := append([]string(nil), r.notes...)
	for _, x := range []any{r.splitter, r.decoder} {
		if n, ok := x.(Noter); ok {
			out = append(out, n.Notes()...)
		}
	}
	return out
}

// BytesRead returns how many bytes of the input have been read so far, for
// progress reporting: compressed bytes of a gzip file, decompressed bytes
// of a ZIP member (see Input.Size). It is safe to call from another
// goroutine.
func (r *Reader) BytesRead() int64 {
	if r.counter == nil {
		return 0
	}
	return r.counter.n.Load()
}

// Close releases the input.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	if rl, ok := r.splitter.(releaser); ok {
		rl.release()
	}
	return err
}

// ReadAll reads every record of r. Malformed records are skipped and their
// errors joined into the returned error, after the records that were read.
// It is a convenience for tests and small inputs.
func ReadAll(r *Reader) ([]*Record, error) {
	var out []*Record
	var skipped []error
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, errors.Join(skipped...)
		}
		if err != nil {
			if IsRecordError(err) {
				skipped = append(skipped, err)
				continue
			}
			return out, errors.Join(append(skipped, err)...)
		}
		out = append(out, rec)
	}
}

// countingReader counts the bytes read from the underlying file, for
// progress across inputs; the count is read from other goroutines.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
