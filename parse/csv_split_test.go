package parse

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// splitCSVChunks frames data with a csvSplitter for comma, reading through
// wrap, and returns copies of the chunks and the error that ended them
// (nil at EOF).
func splitCSVChunks(data []byte, comma byte, max int, wrap func(io.Reader) io.Reader) ([]Chunk, error) {
	s := newCSVSplitter(wrap(bytes.NewReader(data)), SourceInfo{Name: "split.csv", MaxRecordBytes: max})
	s.comma = comma
	var chunks []Chunk
	for {
		c, err := s.Next()
		if errors.Is(err, io.EOF) {
			return chunks, nil
		}
		if err != nil {
			return chunks, err
		}
		c.Data = bytes.Clone(c.Data)
		chunks = append(chunks, c)
	}
}

func identity(r io.Reader) io.Reader { return r }

// blankCSVRecord reports whether encoding/csv's record is one the splitter
// skips as padding: only empty or white-space cells.
func blankCSVRecord(fields []string) bool {
	for _, f := range fields {
		if strings.Trim(f, " \t\r") != "" {
			return false
		}
	}
	return true
}

// checkSplitterMatchesCSV checks the splitter against encoding/csv with
// LazyQuotes: each chunk must hold exactly one record, equal to the record
// encoding/csv reads at that place in the whole input and starting on the
// same line; the records the splitter skips must be blank; reading one
// byte at a time must frame the same chunks. It is the property
// FuzzCSVSplitter checks on random input.
func checkSplitterMatchesCSV(t *testing.T, data []byte, comma byte) {
	t.Helper()
	chunks, err := splitCSVChunks(data, comma, 0, identity)
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrTruncated) {
			t.Fatalf("splitter error %v: want only *ParseError ErrTruncated on this input", err)
		}
	}
	slow, slowErr := splitCSVChunks(data, comma, 0, iotest.OneByteReader)
	if !reflect.DeepEqual(slow, chunks) || (slowErr == nil) != (err == nil) {
		t.Fatalf("one byte at a time: %d chunks, error %v; all at once: %d chunks, error %v", len(slow), slowErr, len(chunks), err)
	}

	whole := csv.NewReader(bytes.NewReader(data))
	whole.Comma = rune(comma)
	whole.LazyQuotes = true
	whole.FieldsPerRecord = -1
	next := func() ([]string, int, error) {
		rec, err := whole.Read()
		if err != nil {
			return nil, 0, err
		}
		line, _ := whole.FieldPos(0)
		return rec, line, nil
	}
	for i, c := range chunks {
		if c.Index != i+1 {
			t.Fatalf("chunk %d has index %d", i+1, c.Index)
		}
		one := csv.NewReader(bytes.NewReader(c.Data))
		one.Comma = rune(comma)
		one.LazyQuotes = true
		one.FieldsPerRecord = -1
		got, gerr := one.Read()
		if _, err := one.Read(); gerr != nil || !errors.Is(err, io.EOF) {
			t.Fatalf("chunk %d %q does not hold exactly one record (%v, then %v)", i+1, c.Data, gerr, err)
		}
		for {
			want, line, err := next()
			if err != nil {
				t.Fatalf("chunk %d %q (line %d): encoding/csv has no more records (%v)", i+1, c.Data, c.Line, err)
			}
			if reflect.DeepEqual(got, want) && line == c.Line {
				break
			}
			if !blankCSVRecord(want) {
				t.Fatalf("chunk %d at line %d holds %q; encoding/csv reads %q at line %d", i+1, c.Line, got, want, line)
			}
		}
	}
	if err != nil {
		return // The rest of the input is the unterminated record.
	}
	for {
		want, line, err := next()
		if err != nil {
			break
		}
		if !blankCSVRecord(want) {
			t.Fatalf("encoding/csv reads %q at line %d after the last chunk", want, line)
		}
	}
}

// csvSplitterCases are inputs whose framing is easy to get wrong.
var csvSplitterCases = []string{
	"a,b\nc,d\n",
	"a,b\r\nc,d\r\n",
	"a,b\r\nc,d",
	"a,b\n\n\nc,d\n\n",
	"\"a\",\"b\"\r\n\"c\",\"d\"",
	"\"a\nb\",c\nd,e\n",
	"\"a\r\nb\",c\r\nd,e\r\n",
	"\"a \"\"quoted\"\" word\",b\n\"\"\"\",\"\"\nx,y\n",
	"a\"b,c\"d\ne,f\n",
	"a,b\"\nc,\"d\ne\"\n",
	"\"abc\"def,g\nh,i\n",
	"\"abc\" ,\"d\ne\"\nf\n",
	"\"a\"\r,b\"\nc\n",
	"a,b\r\r\nc\r\n",
	"\"a\",\"\"\r\n,\"\"\n",
	"\"\n\"\n\n\"\"\n",
	"a,\"b\nc\",\"d\n\ne\"\r\n\"f\"",
	",,\n  \n\r\na\n",
	"\"unterminated,\nrow\n",
	"a,\"b\"",
	"a,\"b\"\r",
	"\r",
	"",
	"\"\"\"",
}

func TestCSVSplitterMatchesEncodingCSV(t *testing.T) {
	for _, in := range csvSplitterCases {
		for _, comma := range []byte{',', ';', '\t'} {
			data := strings.ReplaceAll(in, ",", string(comma))
			t.Run(strings.ReplaceAll(data, "\n", `\n`), func(t *testing.T) {
				checkSplitterMatchesCSV(t, []byte(data), comma)
			})
		}
	}
}

func TestCSVSplitterLines(t *testing.T) {
	data := "h1,h2\n\"a\nb\nc\",d\r\n\r\ne,\"f\r\ng\"\n\n\nh,i"
	chunks, err := splitCSVChunks([]byte(data), ',', 0, identity)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, c := range chunks {
		lines = append(lines, c.Line)
	}
	if want := []int{1, 2, 6, 10}; !reflect.DeepEqual(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
}

// TestCSVSplitterGrowsBuffer frames a record larger than the initial buffer.
func TestCSVSplitterGrowsBuffer(t *testing.T) {
	big := strings.Repeat("x", 3*csvBufferSize)
	data := "a,b\n\"" + big + "\",c\nd,e\n"
	chunks, err := splitCSVChunks([]byte(data), ',', 0, identity)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 3 || len(chunks[1].Data) != len(big)+4 || string(chunks[2].Data) != "d,e" {
		t.Errorf("got %d chunks", len(chunks))
	}
	if _, err := splitCSVChunks([]byte(data), ',', 2*csvBufferSize, identity); !errors.Is(err, ErrTooLarge) {
		t.Errorf("with a bound below the record: error %v, want ErrTooLarge", err)
	}
}

// FuzzCSVSplitter checks the splitter against encoding/csv on random input
// (checkSplitterMatchesCSV): no panic, no hang, the same records, typed
// errors.
func FuzzCSVSplitter(f *testing.F) {
	for _, in := range csvSplitterCases {
		f.Add([]byte(in), byte(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, delimiter byte) {
		comma := []byte{',', ';', '\t'}[int(delimiter)%3]
		checkSplitterMatchesCSV(t, data, comma)
		// A small record bound ends the input with a typed error.
		if _, err := splitCSVChunks(data, comma, 16, identity); err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !(errors.Is(err, ErrTooLarge) || errors.Is(err, ErrTruncated)) {
				t.Fatalf("error %v (%T), want a *ParseError ErrTooLarge or ErrTruncated", err, err)
			}
		}
	})
}

// TestCSVSkipMatchesFraming checks on random records that skipRecord ends
// a record where frameCSVRecord does: a skipped record never takes the
// next one with it, nor leaves part of itself to be read as a record.
func TestCSVSkipMatchesFraming(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'a', 'a', 'a', ',', '"', '"', '\r', '\n'}
	for i := range 20000 {
		b := make([]byte, 1+rng.IntN(40))
		for k := range b {
			b[k] = alphabet[rng.IntN(len(alphabet))]
		}
		want, _, ok := frameCSVRecord(b, ',', true)
		if !ok {
			continue // The input ends inside a quoted field.
		}
		s := newCSVSplitter(bytes.NewReader(b), SourceInfo{Name: "r.csv"})
		s.max = 0
		err := s.skipRecord()
		s.release()
		if !IsRecordError(err) {
			continue // The skip met the end inside a quoted cell, as framing may not.
		}
		switch endsLine := b[want-1] == '\n'; {
		case !endsLine && s.err != io.EOF:
			t.Fatalf("case %d %q: skipRecord ended at %d, frameCSVRecord at the end of the input", i, b, s.start)
		case endsLine && s.start != want:
			t.Fatalf("case %d %q: skipRecord ended at %d, frameCSVRecord at %d", i, b, s.start, want)
		}
	}
}
