package parse

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// The JSON fuzz targets check that no input makes the readers panic, hang,
// grow past their bounds or fail with an error that does not say where.
// Their seed corpora are in testdata/fuzz/FuzzJSONSplitter and
// testdata/fuzz/FuzzJSONDecode: the shape files of testdata/json and the
// error cases of the tests.

func FuzzJSONSplitter(f *testing.F) {
	for _, seed := range []string{
		"[\n  {\"id\":\"a\"},\n  {\"id\":\"b\"}\n]\n",
		`{"@odata.context":"c","value":[{"id":"a"}],"@odata.nextLink":"n"}`,
		"{\"id\":\"a\"}\r\n\r\n{\"id\":\"b\"}\r\n{\"id\":",
		"2025-02-02T00:27:59+08:00 HOST {\"category\":\"SignInLogs\",\"properties\":{}}\n",
		"{\"records\":[{\"id\":\"a\"},\n{\"id\":\"b\"}]}\n{\"records\":[",
		`[{"a":"}]\"{[","b":"\\"}][{"x":[}]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		detectJSON(data)
		firstJSONObject(data)
		for _, max := range []int{0, 64} {
			info := SourceInfo{Name: "fuzz.json", Format: FormatGraphJSON, MaxRecordBytes: max}
			s := newJSONSplitter(bytes.NewReader(data), info)
			d := newJSONDecoder(info)
			lastIndex, lastLine := 0, 0
			for calls := 0; ; calls++ {
				// Every call consumes input or ends it.
				if calls > len(data)+2 {
					t.Fatalf("the splitter made no progress after %d calls", calls)
				}
				c, err := s.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					var pe *ParseError
					if !errors.As(err, &pe) || pe.File != "fuzz.json" || pe.Line < 1 {
						t.Fatalf("error without a position: %#v", err)
					}
					if IsRecordError(err) {
						continue
					}
					if _, err2 := s.Next(); err2 != err {
						t.Fatalf("Next after the error %v gave %v", err, err2)
					}
					break
				}
				if c.Index <= lastIndex || c.Line < lastLine || c.Line < 1 {
					t.Fatalf("chunk %d at line %d after chunk %d at line %d", c.Index, c.Line, lastIndex, lastLine)
				}
				lastIndex, lastLine = c.Index, c.Line
				if len(c.Data) < 2 || c.Data[0] != '{' || c.Data[len(c.Data)-1] != '}' {
					t.Fatalf("chunk %q is not an object", c.Data)
				}
				if max > 0 && len(c.Data) > max {
					t.Fatalf("chunk of %d bytes over the bound of %d", len(c.Data), max)
				}
				rec, err := d.Decode(c)
				switch {
				case err != nil && !IsRecordError(err):
					t.Fatalf("decode error %v (%T) is not a *RecordError", err, err)
				case err == nil && (rec.Source.Index != c.Index || rec.Source.Line != c.Line):
					t.Fatalf("record at %+v, chunk at line %d index %d", rec.Source, c.Line, c.Index)
				}
			}
			if len(s.buf) > s.max+64<<10 && len(s.buf) > jsonSplitterBuffer {
				t.Fatalf("buffer of %d bytes for a bound of %d", len(s.buf), s.max)
			}
		}
	})
}

func FuzzJSONDecode(f *testing.F) {
	for _, seed := range []string{
		`{"id":"a","createdDateTime":"2026-11-20T10:15:02.1234567+00:00","status":{"errorCode":53003}}`,
		`{"Id":"a","CreatedDateTime":"\/Date(1795169702123)\/","AdditionalProperties":{"signInEventTypes":["nonInteractiveUser"]}}`,
		`{"TimeGenerated":"9/19/2023, 1:45:17.287 PM","ConditionalAccessPolicies":"[{\"result\":\"failure\",\"conditionsSatisfied\":3}]","IsInteractive":"TRUE"}`,
		`{"category":"SignInLogs","Level":"4","durationMs":"0","properties":{"createdDateTime":"2026-11-20T05:15:02-05:00","deviceDetail":{"deviceId":"{PII Removed}"}}}`,
		`{"location":"US","LocationDetails":"{\"city\":\"x\"}","autonomousSystemNumber":"AS8075"}`,
		`{"id":"a","x": tru}`,
		`{"id":"a","isInteractive":false,"appliedConditionalAccessPolicies":[{"id":"p","result":"failure"}]}`,
		`{"category":"NonInteractiveUserSignInLogs","properties":{"id":"a","ConditionalAccessPolicies":[{"result":"success"}]}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := DecodeJSONRecord(data)
		if err != nil {
			if !IsRecordError(err) {
				t.Fatalf("error %v (%T) is not a *RecordError", err, err)
			}
		} else if rec == nil || rec.Known == 0 {
			t.Fatalf("no error and no sign-in field: %+v", rec)
		}
		d := newJSONDecoder(SourceInfo{Name: "fuzz.json", Format: FormatDiagnosticJSON})
		rec2, err2 := d.Decode(Chunk{Data: data, Line: 3, Index: 2})
		if (err == nil) != (err2 == nil) {
			t.Fatalf("DecodeJSONRecord gave %v, Decode gave %v", err, err2)
		}
		if err2 != nil {
			var re *RecordError
			if !errors.As(err2, &re) || re.File != "fuzz.json" || re.Line < 3 || re.Record != 2 {
				t.Fatalf("error without its position: %#v", err2)
			}
			return
		}
		if rec2.Source.Format != FormatDiagnosticJSON || rec2.Source.Line != 3 || rec2.Source.Index != 2 {
			t.Fatalf("source %+v", rec2.Source)
		}
		checkScreen(t, data)
	})
}

// checkScreen checks the JSON screen against the decoder on one object: a
// record the screen vouches for adds nothing to the decoder's notes when it
// decodes (its flow does not come from the file name, no policy list is
// empty, no result is unknownFutureValue), and, framed by the layout of its
// line, is one the full scan frames the same.
func checkScreen(t *testing.T, data []byte) {
	t.Helper()
	d := newJSONDecoder(SourceInfo{Name: "fuzz.json", FlowHint: FlowInteractive})
	line := Chunk{Data: data, Line: 1, Index: 1, Layout: LayoutLine}
	if _, ok := d.Screen(line); ok && !checkLayout(line) {
		t.Fatalf("the screen vouched for %q, which the full scan frames otherwise", data)
	}
	c := Chunk{Data: data, Line: 1, Index: 1}
	if _, ok := d.Screen(c); !ok {
		return
	}
	rec, err := d.Decode(c)
	if err != nil {
		return // A malformed record that the screen vouches for is dropped as read.
	}
	if d.hintFlows.Load() != 0 {
		t.Fatalf("the screen vouched for %q, whose flow comes from the file name", data)
	}
	if rec.Known.Has(FieldPolicies) && len(rec.Policies) == 0 {
		t.Fatalf("the screen vouched for %q, whose policy list is empty", data)
	}
	for _, p := range rec.Policies {
		if p.Result == CAUnknownFutureValue {
			t.Fatalf("the screen vouched for %q, with an unknownFutureValue result", data)
		}
	}
}
