package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"
)

// benchRecords returns n realistic records of the test shapes: the Graph
// records of testdata/json/graph-page.json (about 2.5 KB each, with CA
// policies), compacted and made distinct, and the diagnostic and Log
// Analytics records of the other files.
func benchRecords(b *testing.B, file string, n int) [][]byte {
	b.Helper()
	s := newJSONSplitter(bytes.NewReader([]byte(readTestdata(b, file))), SourceInfo{Name: file})
	var templates [][]byte
	for {
		c, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, c.Data); err != nil {
			b.Fatal(err)
		}
		templates = append(templates, buf.Bytes())
	}
	out := make([][]byte, n)
	for i := range out {
		t := templates[i%len(templates)]
		// Distinct IDs, as real records have.
		out[i] = bytes.Replace(t, []byte(`b27fd72f-4b41-446e-8160`), []byte(fmt.Sprintf("%08x-4b41-446e-8160", i)), 1)
	}
	return out
}

// benchInputs builds the inputs of BenchmarkJSONSplitter from records:
// NDJSON, and a pretty-printed array as the portal downloads.
func benchInputs(b *testing.B, records [][]byte) map[string][]byte {
	var ndjson, array bytes.Buffer
	array.WriteString("[\n")
	for i, r := range records {
		ndjson.Write(r)
		ndjson.WriteByte('\n')
		if i > 0 {
			array.WriteString(",\n")
		}
		if err := json.Indent(&array, r, "  ", "  "); err != nil {
			b.Fatal(err)
		}
	}
	array.WriteString("\n]\n")
	return map[string][]byte{"ndjson": ndjson.Bytes(), "pretty-array": array.Bytes()}
}

func BenchmarkJSONSplitter(b *testing.B) {
	inputs := benchInputs(b, benchRecords(b, "graph-page.json", 8000))
	inputs["diagnostic-lines"] = benchInputs(b, benchRecords(b, "diagnostic.ndjson", 8000))["ndjson"]
	for _, name := range []string{"ndjson", "pretty-array", "diagnostic-lines"} {
		input := inputs[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(input)))
			b.ReportAllocs()
			for b.Loop() {
				s := newJSONSplitter(bytes.NewReader(input), SourceInfo{Name: "bench.json"})
				n := 0
				for {
					_, err := s.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 8000 {
					b.Fatalf("%d records", n)
				}
			}
		})
	}
}

func BenchmarkJSONDecode(b *testing.B) {
	for _, shape := range []struct{ name, file string }{
		{"graph", "graph-page.json"},
		{"powershell", "powershell.json"},
		{"log-analytics", "log-analytics.json"},
		{"diagnostic", "diagnostic.ndjson"},
	} {
		records := benchRecords(b, shape.file, 1000)
		size := 0
		for _, r := range records {
			size += len(r)
		}
		b.Run(shape.name, func(b *testing.B) {
			d := newJSONDecoder(SourceInfo{Name: "bench.json", Format: FormatGraphJSON})
			b.SetBytes(int64(size / len(records)))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := d.Decode(Chunk{Data: records[i%len(records)], Line: 1, Index: i + 1}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkJSONScreen measures the screen of a record that the prefilter
// drops (MB/s is of the records): with a query that keeps few records it is
// the main cost per byte after framing.
func BenchmarkJSONScreen(b *testing.B) {
	d := newJSONDecoder(SourceInfo{Name: "bench.json"})
	// The records the screen vouches for: the others (an empty policy
	// list, for one) go to the decoder after a scan of the same cost.
	var records [][]byte
	size := 0
	for _, r := range benchRecords(b, "graph-page.json", 1000) {
		if _, ok := d.Screen(Chunk{Data: r, Layout: LayoutLine}); ok {
			records = append(records, r)
			size += len(r)
		}
	}
	if len(records) == 0 {
		b.Fatal("the screen vouches for no record")
	}
	b.SetBytes(int64(size / len(records)))
	i := 0
	for b.Loop() {
		if _, ok := d.Screen(Chunk{Data: records[i%len(records)], Line: 1, Index: i + 1, Layout: LayoutLine}); !ok {
			b.Fatal("the screen turned a regular record down")
		}
		i++
	}
}
