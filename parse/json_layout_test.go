package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// frame is one result of a splitter: a chunk or an error.
type frame struct {
	data        string
	line, index int
	err         string
	layout      Layout
}

// frames splits input to the end, by layout or by full scans. A small
// buffer makes records cross buffer ends.
func frames(t testing.TB, input string, byLayout bool, buffer int) []frame {
	t.Helper()
	s := newJSONSplitter(strings.NewReader(input), SourceInfo{Name: "t.json"})
	if buffer > 0 {
		s.buf = make([]byte, buffer)
	}
	if byLayout {
		s.FrameByLayout()
	}
	var out []frame
	for i := 0; i < 100000; i++ {
		c, err := s.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			out = append(out, frame{err: err.Error()})
			if !IsRecordError(err) {
				return out
			}
			continue
		}
		out = append(out, frame{data: string(c.Data), line: c.Line, index: c.Index, layout: c.Layout})
	}
	t.Fatal("the splitter does not end")
	return nil
}

// checkLayoutFraming asserts the contract of framing by layout on one
// input: when every record framed by layout passes checkLayout, the
// records and errors are those of full scans; otherwise at least one fails
// (and the caller reads again). It returns whether all passed.
func checkLayoutFraming(t *testing.T, name, input string, buffer int) bool {
	t.Helper()
	scanned := frames(t, input, false, buffer)
	laid := frames(t, input, true, buffer)
	for _, f := range laid {
		if f.layout != LayoutScanned && !checkLayout(Chunk{Data: []byte(f.data), Layout: f.layout}) {
			return false
		}
	}
	if len(scanned) != len(laid) {
		t.Fatalf("%s: %d frames by full scans, %d by layout, all checked", name, len(scanned), len(laid))
	}
	for i := range scanned {
		a, b := scanned[i], laid[i]
		b.layout = LayoutScanned
		if a != b {
			t.Fatalf("%s: frame %d by full scans %+v, by layout %+v", name, i, a, b)
		}
	}
	return true
}

func TestFrameByLayoutTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "json", "*"))
	if err != nil {
		t.Fatal(err)
	}
	samples, _ := filepath.Glob(filepath.Join("..", "samples", "*", "*.json"))
	deeper, _ := filepath.Glob(filepath.Join("..", "samples", "*", "*", "*.json"))
	for _, f := range append(append(files, samples...), deeper...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, buffer := range []int{0, 4096} {
			checkLayoutFraming(t, fmt.Sprintf("%s (buffer %d)", f, buffer), string(data), buffer)
		}
	}
}

func TestFrameByLayoutRegular(t *testing.T) {
	rec := `{"id":"1","a":{"b":[1,2,{"c":"}"}]},"s":"x\"}y"}`
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte("["+rec+","+rec+"]"), "", "  "); err != nil {
		t.Fatal(err)
	}
	for name, input := range map[string]string{
		"ndjson":            rec + "\n" + rec + "\r\n  " + rec + "  \n" + rec,
		"pretty array":      pretty.String(),
		"tab indented":      "[\n\t{\n\t\t\"id\": \"1\"\n\t},\n\t{\n\t\t\"id\": \"2\"\n\t}\n]\n",
		"graph page":        "{\"value\": [\n  {\n    \"id\": \"1\"\n  },\n  {\n    \"id\": \"2\"\n  }\n]}\n",
		"ndjson then blank": rec + "\n\n\n" + rec + "\n",
	} {
		for _, buffer := range []int{0, 64, 100} {
			if !checkLayoutFraming(t, name, input, buffer) {
				t.Errorf("%s (buffer %d): a regular layout failed its check", name, buffer)
			}
		}
		laid := 0
		for _, f := range frames(t, input, true, 0) {
			if f.layout != LayoutScanned {
				laid++
			}
		}
		if laid == 0 {
			t.Errorf("%s: no record was framed by layout", name)
		}
	}
}

// TestFrameByLayoutMisleading checks that layouts that would frame wrong
// records are caught by checkLayout.
func TestFrameByLayoutMisleading(t *testing.T) {
	rec := `{"id":"1"}`
	for name, input := range map[string]string{
		"two objects on a line":   rec + "\n" + rec + rec + "\n" + rec + "\n",
		"envelope on a line":      rec + "\n" + `{"value":[{"id":"2"},{"id":"3"}]}` + "\n" + rec + "\n",
		"brace at element indent": "[\n  {\n    \"a\": {\n  },\n    \"id\": \"1\"\n  }\n]\n",
		"unbalanced line":         rec + "\n" + rec + "\n" + `{"id":[}` + "\n" + rec + "\n",
		"closing brace in string": "[\n  {\n    \"a\": \"x\n  }\"\n  }\n]\n",
	} {
		if checkLayoutFraming(t, name, input, 0) {
			// Some misleading layouts fall back to full scans by
			// themselves; then the frames were compared equal.
			t.Logf("%s: no record framed by layout failed its check", name)
		}
	}
	// The cases that must be caught.
	for name, input := range map[string]string{
		"two objects on a line":   rec + "\n" + rec + rec + "\n" + rec + "\n",
		"envelope on a line":      rec + "\n" + `{"value":[{"id":"2"},{"id":"3"}]}` + "\n" + rec + "\n",
		"brace at element indent": "[\n  {\n    \"a\": {\n  },\n    \"id\": \"1\"\n  }\n]\n",
	} {
		if checkLayoutFraming(t, name, input, 0) {
			t.Errorf("%s: the misleading layout was not caught", name)
		}
	}
}

func TestDecodeRefusesMisframedRecord(t *testing.T) {
	d := newJSONDecoder(SourceInfo{Name: "t.json"})
	_, err := d.Decode(Chunk{Data: []byte(`{"id":"1"}{"id":"2"}`), Layout: LayoutLine})
	if err != ErrReframe {
		t.Fatalf("Decode = %v, want ErrReframe", err)
	}
	if _, ok := d.Screen(Chunk{Data: []byte(`{"id":"1","isInteractive":true}{"id":"2"}`), Layout: LayoutLine}); ok {
		t.Fatal("Screen vouched for a misframed record")
	}
	if _, err := d.Decode(Chunk{Data: []byte(`{"id":"1"}`), Layout: LayoutLine}); err != nil {
		t.Fatal(err)
	}
	// An envelope on one line that also has sign-in members decodes as a
	// sign-in; the full scan takes it for an envelope, so the decoder
	// must not, whatever the case of the key, the path the decoding takes
	// (JSON held in strings) or a later duplicate of the key.
	for _, envelope := range []string{
		`{"id":"1","value":[{"id":"2"}]}`,
		`{"id":"1","Records":[{"id":"2"}]}`,
		`{"id":"1","VALUE":[{"id":"2"}],"value":null}`,
		`{"Id":"1","TimeGenerated":"2026-11-20T10:00:00Z","Status":"{\"errorCode\":0}","records":[{"Id":"2"}]}`,
		`{"id":"1","recordſ":[{"id":"2"}]}`,
	} {
		if _, err := d.Decode(Chunk{Data: []byte(envelope), Layout: LayoutLine}); err != ErrReframe {
			t.Errorf("Decode(%s) = %v, want ErrReframe", envelope, err)
		}
		if _, err := d.Decode(Chunk{Data: []byte(envelope), Layout: LayoutScanned}); err != nil {
			t.Errorf("Decode(%s) framed by a full scan: %v", envelope, err)
		}
	}
	// Members that the full scan does not take for an envelope's (nested,
	// or not an array) decode as they always did.
	for _, fine := range []string{
		`{"id":"1","status":{"value":[1]}}`,
		`{"id":"1","value":"x"}`,
	} {
		if _, err := d.Decode(Chunk{Data: []byte(fine), Layout: LayoutLine}); err != nil {
			t.Errorf("Decode(%s) = %v", fine, err)
		}
	}
}

// FuzzFrameByLayout checks the contract of framing by layout on any input:
// unless a record framed by layout fails its check, the records and errors
// are exactly those of full scans.
func FuzzFrameByLayout(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "json", "*"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil && len(data) < 4<<10 {
			f.Add(string(data))
		}
	}
	f.Add("{\"id\":\"1\"}\n{\"id\":\"2\"}{\"id\":\"3\"}\n")
	f.Add("[\n  {\n    \"a\": {\n  },\n    \"id\": \"1\"\n  },\n  {\n    \"id\": \"2\"\n  }\n]\n")
	f.Add("{\"value\": [\n  {\n    \"id\": \"1\"\n  }\n]}\n{\"records\":[{\"id\":\"2\"}]}\n")
	f.Add("{\"id\":\"1\",\"value\":[{\"id\":\"2\"}]}\n{\"id\":\"3\",\"Records\":[]}\n")
	d := newJSONDecoder(SourceInfo{Name: "t.json"})
	f.Fuzz(func(t *testing.T, input string) {
		checkLayoutFraming(t, "fuzz", input, 0)
		checkLayoutFraming(t, "fuzz, small buffer", input, 64)
		// The decoder checks a record framed by layout only when it must
		// (layoutTrusted): it never decodes one that the check fails.
		for _, fr := range frames(t, input, true, 0) {
			c := Chunk{Data: []byte(fr.data), Layout: fr.layout}
			if fr.err != "" || c.Layout == LayoutScanned {
				continue
			}
			if _, err := d.Decode(c); err != ErrReframe && !checkLayout(c) {
				t.Fatalf("Decode(%q) = %v; the record fails its layout check", fr.data, err)
			}
		}
	})
}
