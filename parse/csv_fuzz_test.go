package parse

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/signinspect/signinspect/internal/fuzzseed"
)

// checkCSVDecodeContract reads data as a CSV export of the detected format
// (portal CSV when none is detected) and checks the reading contract: a
// codec error is a *ParseError wrapping a format error; every Read returns
// a Record, a *RecordError after which reading goes on, io.EOF, or a
// *ParseError that ends the input; and reading ends.
func checkCSVDecodeContract(t *testing.T, data []byte) {
	format, ok := detectCSV(data)
	if !ok {
		format = FormatPortalCSV
	}
	info := SourceInfo{Name: "fuzz.csv", Format: format, MaxRecordBytes: 1 << 16}
	s, d, err := newCSVCodec(bufio.NewReader(bytes.NewReader(data)), info)
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) || !(errors.Is(err, ErrUnknownFormat) || errors.Is(err, ErrMissingColumn) ||
			errors.Is(err, ErrTooLarge) || errors.Is(err, ErrTruncated)) {
			t.Fatalf("codec error %v (%T) is not a typed *ParseError", err, err)
		}
		return
	}
	r := NewReader(info.Name, format, s, d)
	for i := 0; ; i++ {
		if i > len(data)+1 {
			t.Fatalf("more reads than bytes in the input: the reader does not end")
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *RecordError
		if errors.As(err, &re) {
			if re.File != info.Name || re.Record == 0 || re.Line == 0 {
				t.Fatalf("record error %q lacks its position", err)
			}
			continue
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !(errors.Is(err, ErrTooLarge) || errors.Is(err, ErrTruncated)) {
				t.Fatalf("error %v (%T) is not a typed *ParseError", err, err)
			}
			break
		}
		// The time may be the zero time: "1.1.0001" is a date.
		if rec.Source.File != info.Name || rec.Source.Index == 0 || !rec.Known.Has(FieldTime) {
			t.Fatalf("record without its source or time: %+v", rec)
		}
	}
	r.Notes()
}

// checkCSVChunkDecode decodes data as one chunk of a portal and of a Log
// Analytics file, then decodes a good chunk with the same decoder: a
// malformed chunk must give a *RecordError and must not disturb the pooled
// reader that decoded it.
func checkCSVChunkDecode(t *testing.T, fixtures []csvChunkFixture, data []byte) {
	for _, fx := range fixtures {
		rec, err := fx.d.Decode(Chunk{Data: data, Line: 7, Index: 3})
		var re *RecordError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("%s: error %v (%T) is not a *RecordError", fx.name, err, err)
		}
		if err == nil && rec == nil {
			t.Fatalf("%s: no record and no error", fx.name)
		}
		rec, err = fx.d.Decode(fx.good)
		if err != nil || rec.RequestID != fx.id {
			t.Fatalf("%s: a good chunk after %q: %v, request %q", fx.name, data, err, rec.RequestID)
		}
	}
}

type csvChunkFixture struct {
	name string
	d    Decoder
	good Chunk
	id   string
}

// csvChunkFixtures returns a decoder and a good chunk for the 57-column
// portal fixture and for the Log Analytics fixture.
func csvChunkFixtures(tb testing.TB) []csvChunkFixture {
	var fixtures []csvChunkFixture
	for _, f := range []struct{ file, id string }{
		{"NonInteractiveSignIns_2026-11-16_2026-11-22.csv", "1f0c6a52-7a4e-4d3e-9c1b-5a8f2e3d4c01"},
		{"AADNonInteractiveUserSignInLogs_export.csv", "1f0c6a52-7a4e-4d3e-9c1b-5a8f2e3d4c01"},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "csv", f.file))
		if err != nil {
			tb.Fatal(err)
		}
		format, _ := detectCSV(data)
		s, d, err := newCSVCodec(bufio.NewReader(bytes.NewReader(data)), SourceInfo{Name: f.file, Format: format})
		if err != nil {
			tb.Fatal(err)
		}
		c, err := s.Next()
		if err != nil {
			tb.Fatal(err)
		}
		c.Data = bytes.Clone(c.Data)
		fixtures = append(fixtures, csvChunkFixture{name: f.file, d: d, good: c, id: f.id})
	}
	return fixtures
}

func csvFuzzSeeds(f *testing.F) {
	for _, seed := range fuzzseed.Files(f, filepath.Join("testdata", "csv", "*")) {
		f.Add(seed)
	}
	for _, in := range csvSplitterCases {
		f.Add([]byte("\"Date (UTC)\",\"Request ID\",\"Status\"\n" + in))
	}
}

// FuzzCSVDecode reads random input as a CSV export, and decodes it as a
// raw chunk, checking the error contract and that nothing panics or hangs.
func FuzzCSVDecode(f *testing.F) {
	csvFuzzSeeds(f)
	fixtures := csvChunkFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCSVDecodeContract(t, data)
		checkCSVChunkDecode(t, fixtures, data)
	})
}

func TestCSVDecodeSeeds(t *testing.T) {
	fixtures := csvChunkFixtures(t)
	for _, in := range append(csvSplitterCases, "2026-11-20T08:00:00Z,\"x", "\"2026-11-20T08:00:00Z\"\n\"2\",\"3\"") {
		checkCSVChunkDecode(t, fixtures, []byte(in))
		checkCSVDecodeContract(t, []byte("Date (UTC),Request ID,Status\n"+in))
	}
}

// TestCSVDecoderConcurrent decodes the same chunks from several goroutines
// (run it with -race) and checks they give what sequential decoding gives.
func TestCSVDecoderConcurrent(t *testing.T) {
	data := benchPortalCSV(200)
	s, d, err := newCSVCodec(bufio.NewReader(bytes.NewReader(data)), SourceInfo{Name: "c.csv", Format: FormatPortalCSV})
	if err != nil {
		t.Fatal(err)
	}
	var chunks []Chunk
	var want []*Record
	for {
		c, err := s.Next()
		if err != nil {
			break
		}
		c.Data = bytes.Clone(c.Data)
		chunks = append(chunks, c)
		rec, err := d.Decode(c)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, rec)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := range chunks {
				j := (i + g*37) % len(chunks)
				rec, err := d.Decode(chunks[j])
				if err != nil {
					t.Error(err)
					return
				}
				if diff := diffRecords(rec, want[j]); diff != "" {
					t.Errorf("goroutine %d, record %d:\n%s", g, j+1, diff)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}
