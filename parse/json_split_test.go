package parse

import (
	"bufio"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// splitResult is what a splitter gave for one input.
type splitResult struct {
	chunks  []Chunk // Data copied.
	skipped []string
	fatal   string
}

// split runs a JSON splitter over r to the end.
func split(t testing.TB, r io.Reader, info SourceInfo) splitResult {
	t.Helper()
	if info.Name == "" {
		info.Name = "in.json"
	}
	s := newJSONSplitter(r, info)
	var res splitResult
	for i := 0; ; i++ {
		if i > 1e6 {
			t.Fatal("the splitter does not stop")
		}
		c, err := s.Next()
		if err == io.EOF {
			if _, err := s.Next(); err != io.EOF {
				t.Fatalf("Next after io.EOF gave %v", err)
			}
			return res
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			if IsRecordError(err) {
				res.skipped = append(res.skipped, err.Error())
				continue
			}
			res.fatal = err.Error()
			if _, err2 := s.Next(); err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("Next after the fatal error %v gave %v", err, err2)
			}
			return res
		}
		c.Data = append([]byte(nil), c.Data...)
		res.chunks = append(res.chunks, c)
	}
}

func TestJSONSplitterPositions(t *testing.T) {
	type chunk struct {
		line, index int
		data        string
	}
	tests := []struct {
		name  string
		input string
		want  []chunk
	}{
		{
			name:  "array",
			input: "[\n  {\"id\":\"a\"},\n  {\"id\":\"b\"}\n]\n",
			want:  []chunk{{2, 1, `{"id":"a"}`}, {3, 2, `{"id":"b"}`}},
		},
		{
			name:  "value page, @odata.nextLink after value",
			input: `{"value":[{"id":"a"},{"id":"b"}],"@odata.nextLink":"https://graph.microsoft.com/beta/auditLogs/signIns?$skiptoken=x"}`,
			want:  []chunk{{1, 1, `{"id":"a"}`}, {1, 2, `{"id":"b"}`}},
		},
		{
			name:  "value pages, pretty, @odata.context before value",
			input: "{\n \"@odata.context\": \"c\",\n \"Value\": [\n  {\"id\":\"a\"}\n ]\n}\n{\n \"value\": [\n  {\"id\":\"b\"}\n ]\n}",
			want:  []chunk{{4, 1, `{"id":"a"}`}, {9, 2, `{"id":"b"}`}},
		},
		{
			name:  "concatenated arrays, CRLF between",
			input: "[{\"id\":\"a\"}][{\"id\":\"b\"}]\r\n[\r\n {\"id\":\"c\"}\r\n]\r\n",
			want:  []chunk{{1, 1, `{"id":"a"}`}, {1, 2, `{"id":"b"}`}, {3, 3, `{"id":"c"}`}},
		},
		{
			name:  "single pretty object",
			input: "{\n  \"id\": \"a\",\n  \"x\": {\"y\": [1, 2]}\n}\n",
			want:  []chunk{{1, 1, "{\n  \"id\": \"a\",\n  \"x\": {\"y\": [1, 2]}\n}"}},
		},
		{
			name:  "NDJSON with CRLF and blank lines",
			input: "{\"id\":\"a\"}\r\n\r\n{\"id\":\"b\"}\r\n  \r\n{\"id\":\"c\"}",
			want:  []chunk{{1, 1, `{"id":"a"}`}, {3, 2, `{"id":"b"}`}, {5, 3, `{"id":"c"}`}},
		},
		{
			name:  "syslog prefixes",
			input: "2025-02-02T00:27:59+08:00 HOST {\"id\":\"a\"}\n<14>Feb  2 00:28:00 host app: {\"id\":\"b\"}\n",
			want:  []chunk{{1, 1, `{"id":"a"}`}, {2, 2, `{"id":"b"}`}},
		},
		{
			name:  "brackets, quotes and backslashes in strings",
			input: `[{"a":"}]\"{[","b":"\\"},{"c":"\\\\\"","d":"x\\\\"}]`,
			want:  []chunk{{1, 1, `{"a":"}]\"{[","b":"\\"}`}, {1, 2, `{"c":"\\\\\"","d":"x\\\\"}`}},
		},
		{
			name:  "Event Hub records, one message per line",
			input: "{\"records\":[{\"id\":\"a\"},{\"id\":\"b\"}]}\n{\"records\":[{\"id\":\"c\"}]}\n",
			want:  []chunk{{1, 1, `{"id":"a"}`}, {1, 2, `{"id":"b"}`}, {2, 3, `{"id":"c"}`}},
		},
		{
			name:  "object, then array",
			input: "{\"id\":\"a\"}\n[{\"id\":\"b\"}]",
			want:  []chunk{{1, 1, `{"id":"a"}`}, {2, 2, `{"id":"b"}`}},
		},
		{
			name:  "a value member deeper down is not an envelope",
			input: `{"id":"a","x":{"value":[1]},"records":"none","value":{"x":[]}}`,
			want:  []chunk{{1, 1, `{"id":"a","x":{"value":[1]},"records":"none","value":{"x":[]}}`}},
		},
		{
			name:  "byte order marks of concatenated files",
			input: "[{\"id\":\"a\"}]\n\xef\xbb\xbf[{\"id\":\"b\"}]\xef\xbb\xbf{\"id\":\"c\"}",
			want:  []chunk{{1, 1, `{"id":"a"}`}, {2, 2, `{"id":"b"}`}, {2, 3, `{"id":"c"}`}},
		},
		{name: "empty input", input: ""},
		{name: "white space", input: " \r\n\t\n"},
		{name: "empty array", input: "[ ]\n[]"},
		{name: "empty page", input: `{"@odata.context":"c","value":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := split(t, strings.NewReader(tt.input), SourceInfo{})
			if res.fatal != "" || res.skipped != nil {
				t.Fatalf("errors: %q %q", res.fatal, res.skipped)
			}
			var got []chunk
			for _, c := range res.chunks {
				got = append(got, chunk{c.Line, c.Index, string(c.Data)})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("chunks\n got %+v\nwant %+v", got, tt.want)
			}
			// The same chunks when the input arrives a byte at a
			// time, or in pieces, with a small record bound.
			for _, r := range []struct {
				name   string
				reader io.Reader
				info   SourceInfo
			}{
				{"one byte at a time", iotest.OneByteReader(strings.NewReader(tt.input)), SourceInfo{}},
				{"half-sized reads", iotest.HalfReader(strings.NewReader(tt.input)), SourceInfo{MaxRecordBytes: 200}},
			} {
				again := split(t, r.reader, r.info)
				if !reflect.DeepEqual(again, res) {
					t.Errorf("%s: got %+v, want %+v", r.name, again, res)
				}
			}
		})
	}
}

func TestJSONSplitterErrors(t *testing.T) {
	deep := `{"a":` + strings.Repeat("[", MaxJSONDepth+10) + strings.Repeat("]", MaxJSONDepth+10) + "}"
	// Deeper than the bound, longer than the splitter's first buffer, with
	// brackets and escaped quotes inside strings that the skip must not
	// count.
	deepPastBuffer := `{"a":` + strings.Repeat(`["s]}\"[{",`, MaxJSONDepth+25000) + "1" + strings.Repeat("]", MaxJSONDepth+25000) + "}"
	tests := []struct {
		name    string
		input   string
		info    SourceInfo
		records []string // Data of the chunks before and between the errors.
		skipped []string
		fatal   string
	}{
		{
			name:    "array truncated inside a record",
			input:   "[\n{\"id\":\"a\"},\n{\"id\":\"b\"",
			records: []string{`{"id":"a"}`},
			fatal:   "in.json:3: record 2: truncated: the input ends inside the record",
		},
		{
			name:    "array truncated between records",
			input:   "[\n{\"id\":\"a\"},\n",
			records: []string{`{"id":"a"}`},
			fatal:   "in.json:3: truncated: the input ends inside the JSON array opened on line 1",
		},
		{
			name:    "page truncated after its array",
			input:   "{\"value\":[{\"id\":\"a\"}],\n\"@odata.nextLink\":",
			records: []string{`{"id":"a"}`},
			fatal:   "in.json:2: truncated: the input ends inside the JSON object opened on line 1",
		},
		{
			name:    "NDJSON truncated on its last line",
			input:   "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\",\"x\":\"y",
			records: []string{`{"id":"a"}`, `{"id":"b"}`},
			skipped: []string{"in.json:3: record 3: truncated: the input ends inside the record"},
		},
		{
			name:    "NDJSON line cut short in the middle",
			input:   "{\"id\":\"a\"}\n{\"id\":\"b\",\"x\":\"y\n{\"id\":\"c\"}\n",
			records: []string{`{"id":"a"}`, `{"id":"c"}`},
			skipped: []string{"in.json:2: record 2: invalid JSON: the record does not end on its line"},
		},
		{
			name:    "NDJSON line of text",
			input:   "{\"id\":\"a\"}\nhello world\n{\"id\":\"c\"}\n",
			records: []string{`{"id":"a"}`, `{"id":"c"}`},
			skipped: []string{"in.json:2: record 2: invalid JSON: 'h' at the top level, where '[' or '{' belongs"},
		},
		{
			name:    "NDJSON line nested too deep",
			input:   "{\"id\":\"a\"}\n" + deep + "\n{\"id\":\"c\"}\n",
			records: []string{`{"id":"a"}`, `{"id":"c"}`},
			skipped: []string{"in.json:2: record 2: invalid JSON: nesting deeper than 512 levels"},
		},
		{
			name:    "NDJSON line with a bracket that does not match",
			input:   "{\"id\":\"a\"}\n{\"x\":[}\n{\"id\":\"c\"}\n",
			records: []string{`{"id":"a"}`, `{"id":"c"}`},
			skipped: []string{"in.json:2: record 2: invalid JSON: '}' where ']' belongs"},
		},
		{
			name:  "binary data",
			input: "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
			fatal: "in.json:1: not a sign-in log export: invalid JSON: byte 0x89 at the top level, where '[' or '{' belongs",
		},
		{
			name:  "numbers in the array",
			input: "[1, 2]",
			fatal: "in.json:1: invalid JSON: '1' in the array opened on line 1, where a sign-in object belongs",
		},
		{
			name:    "missing comma",
			input:   "[\n{\"id\":\"a\"}\n{\"id\":\"b\"}]",
			records: []string{`{"id":"a"}`},
			fatal:   "in.json:3: invalid JSON: '{' after record 1, where ',' or ']' belongs",
		},
		{
			name:    "text after an array",
			input:   "[{\"id\":\"a\"}]\nEOF\n",
			records: []string{`{"id":"a"}`},
			fatal:   "in.json:2: invalid JSON: 'E' at the top level, where '[' or '{' belongs",
		},
		{
			name:    "bracket that does not match inside an array",
			input:   "[\n{\"id\":\"a\"},\n{\"x\":\n[}]",
			records: []string{`{"id":"a"}`},
			fatal:   "in.json:4: record 2: invalid JSON: '}' where ']' belongs",
		},
		{
			// One record of an array that cannot be read is skipped, and
			// the records after it are read.
			name:    "nested too deep in an array",
			input:   "[" + deep + ",\n{\"id\":\"b\"}]",
			records: []string{`{"id":"b"}`},
			skipped: []string{"in.json:1: record 1: invalid JSON: nesting deeper than 512 levels"},
		},
		{
			name:    "nested too deep in an array, past the buffer, with brackets in strings",
			input:   "[{\"id\":\"a\"},\n" + deepPastBuffer + ",\n{\"id\":\"c\"}]",
			records: []string{`{"id":"a"}`, `{"id":"c"}`},
			skipped: []string{"in.json:2: record 2: invalid JSON: nesting deeper than 512 levels"},
		},
		{
			name:    "record over the limit",
			input:   "[{\"id\":\"a\"},\n{\"id\":\"" + strings.Repeat("x", 300) + "\"},\n{\"id\":\"c\"}]",
			info:    SourceInfo{MaxRecordBytes: 100},
			records: []string{`{"id":"a"}`, `{"id":"c"}`},
			skipped: []string{"in.json:2: record 2: too large: the record is larger than the limit of 100 bytes"},
		},
		{
			name:    "record over the limit and the buffer, pretty-printed",
			input:   "[\n  {\"id\": \"a\"},\n  {\"id\": \"" + strings.Repeat(`x\"}]`, 20000) + "\",\n   \"n\": 1},\n  {\"id\": \"c\"}\n]\n",
			info:    SourceInfo{MaxRecordBytes: 1 << 10},
			records: []string{`{"id": "a"}`, `{"id": "c"}`},
			skipped: []string{"in.json:3: record 2: too large: the record is larger than the limit of 1 KiB"},
		},
		{
			name:    "NDJSON line over the limit",
			input:   "{\"id\":\"" + strings.Repeat("x", 5000) + "\"}\n{\"id\":\"b\"}\n",
			info:    SourceInfo{MaxRecordBytes: 1 << 10},
			records: []string{`{"id":"b"}`},
			skipped: []string{"in.json:1: record 1: too large: the record is larger than the limit of 1 KiB"},
		},
		{
			name:    "NDJSON line over the limit and the buffer",
			input:   "{\"id\":\"a\"}\n{\"id\":\"" + strings.Repeat("x", 20000) + "\"}\n{\"id\":\"c\"}\n",
			info:    SourceInfo{MaxRecordBytes: 1 << 10},
			records: []string{`{"id":"a"}`, `{"id":"c"}`},
			skipped: []string{"in.json:2: record 2: too large: the record is larger than the limit of 1 KiB"},
		},
		{
			name:    "page members after the array over the limit",
			input:   "{\"value\":[{\"id\":\"a\"}],\n\"@odata.nextLink\":\"" + strings.Repeat("x", 300) + "\"}",
			info:    SourceInfo{MaxRecordBytes: 100},
			records: []string{`{"id":"a"}`},
			fatal:   "in.json:1: too large: the members after the records array are larger than the limit of 100 bytes",
		},
		{
			name:  "envelope line cut short",
			input: "{\"records\":[{\"id\":\"a\"}]}\n{\"records\":[{\"id\":\"b\"},\n{\"id\":\"c\"}]}\n{\"records\":[{\"id\":\"d\"}]}\n",
			// The line after the cut is read as lines are: its object
			// is a record, the rest of the line is not.
			records: []string{`{"id":"a"}`, `{"id":"b"}`, `{"id":"c"}`, `{"id":"d"}`},
			skipped: []string{
				"in.json:2: record 3: invalid JSON: the object that starts on this line does not end on it",
				"in.json:3: record 5: invalid JSON: ']' at the top level, where '[' or '{' belongs",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := split(t, strings.NewReader(tt.input), tt.info)
			var records []string
			for _, c := range res.chunks {
				records = append(records, string(c.Data))
			}
			if !reflect.DeepEqual(records, tt.records) {
				t.Errorf("records %q, want %q", records, tt.records)
			}
			if !reflect.DeepEqual(res.skipped, tt.skipped) {
				t.Errorf("skipped\n %q\nwant\n %q", res.skipped, tt.skipped)
			}
			if res.fatal != tt.fatal {
				t.Errorf("fatal error\n %q\nwant\n %q", res.fatal, tt.fatal)
			}
		})
	}
}

func TestJSONSplitterErrorKinds(t *testing.T) {
	s := newJSONSplitter(strings.NewReader("[{\"id\":\"a\""), SourceInfo{Name: "x.json"})
	_, err := s.Next()
	var pe *ParseError
	if !errors.Is(err, ErrTruncated) || !errors.As(err, &pe) || IsRecordError(err) || pe.Line != 1 || pe.Record != 1 {
		t.Errorf("truncated array: %#v", err)
	}
	s = newJSONSplitter(strings.NewReader("{\"id\":\"a\"}\n{\"id\":"), SourceInfo{Name: "x.json"})
	s.Next()
	_, err = s.Next()
	if !errors.Is(err, ErrTruncated) || !IsRecordError(err) {
		t.Errorf("truncated NDJSON: %#v", err)
	}
	s = newJSONSplitter(strings.NewReader("{\"id\":\""+strings.Repeat("x", 200)), SourceInfo{Name: "x.json", MaxRecordBytes: 100})
	if _, err = s.Next(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %#v", err)
	}
	s = newJSONSplitter(strings.NewReader("\x00\x01"), SourceInfo{Name: "x.json"})
	if _, err = s.Next(); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("binary: %#v", err)
	}
	boom := errors.New("boom")
	s = newJSONSplitter(io.MultiReader(strings.NewReader("[{\"id\":\"a\"},\n{\"id\""), iotest.ErrReader(boom)), SourceInfo{Name: "x.json"})
	s.Next()
	_, err = s.Next()
	if !errors.Is(err, boom) || err.Error() != "x.json:2: reading: boom" {
		t.Errorf("read error: %v", err)
	}
}

// TestJSONSplitterMemory checks that the splitter's buffer stays bounded by
// the record limit, not the input size.
func TestJSONSplitterMemory(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < 50000; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(`{"id":"0123456789","userPrincipalName":"someone@contoso.com"}`)
	}
	b.WriteString("]")
	s := newJSONSplitter(strings.NewReader(b.String()), SourceInfo{MaxRecordBytes: 200})
	n := 0
	for {
		_, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 50000 {
		t.Errorf("%d records, want 50000", n)
	}
	if len(s.buf) > 200+64<<10 {
		t.Errorf("buffer grew to %d bytes for records of 70", len(s.buf))
	}
}

func TestNewJSONCodecRejects(t *testing.T) {
	tests := []struct {
		name, input string
		format      Format
		want        string
	}{
		{"binary", "\x89PNG\r\n", FormatGraphJSON, "not a sign-in log export: the input is not JSON: it begins with byte 0x89, where '[' or '{' belongs"},
		{"CSV", "\"Date (UTC)\",\"Request ID\"\n", FormatGraphJSON, `not a sign-in log export: the input is not JSON: it begins with '"', where '[' or '{' belongs`},
		{"named locations", `{"@odata.context":"x","value":[{"id":"1","displayName":"HQ","isTrusted":true,"ipRanges":[]}]}`, FormatGraphJSON,
			"not a sign-in log export: the first JSON object has none of the sign-in keys (createdDateTime, userPrincipalName, appId, status, properties, TimeGenerated, ...)"},
		{"CSV format", "[]", FormatPortalCSV, `not a sign-in log export: "portal-csv" is not a JSON format`},
		{"Log Analytics API response", `{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"}],"rows":[["2026-11-20T10:00:00Z"]]}]}`,
			FormatLogAnalyticsJSON, "not a sign-in log export: the input is a Log Analytics API response (tables of columns and rows), which is not read: " +
				"export the query results to CSV, or as one JSON object per row (az monitor log-analytics query)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := newJSONCodec(bufio.NewReader(strings.NewReader(tt.input)), SourceInfo{Name: "x", Format: tt.format})
			if err == nil || !errors.Is(err, ErrUnknownFormat) || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
	for _, ok := range []string{"", "  \n", "[]", `{"value":[]}`, "2025-02-02T00:27:59+08:00 HOST {\"category\":\"SignInLogs\",\"properties\":{}}"} {
		if _, _, err := newJSONCodec(bufio.NewReader(strings.NewReader(ok)), SourceInfo{Name: "x", Format: FormatDiagnosticJSON}); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}
