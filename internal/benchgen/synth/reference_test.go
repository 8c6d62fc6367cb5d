package synth

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The tests in this file run the reference generator, gen.py, and check
// that this port writes exports of the same shape: the same keys with the
// same kinds of value, the same indentation, the same CSV header and row
// layout. They are skipped where python3 or gen.py is missing.

// referenceGenerator returns the path of gen.py: $SIGNINSPECT_GEN_PY, or
// shared/bench/gen.py beside the repository.
func referenceGenerator(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	if p := os.Getenv("SIGNINSPECT_GEN_PY"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root not found")
		}
		dir = parent
	}
	p := filepath.Join(filepath.Dir(dir), "shared", "bench", "gen.py")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("reference generator not found at %s (set SIGNINSPECT_GEN_PY)", p)
	}
	return p
}

// runReference returns gen.py's export of n records in format f.
func runReference(t *testing.T, genPy string, f Format, n int) []byte {
	t.Helper()
	out, err := exec.Command("python3", genPy, "--format", string(f), "--records", strconv.Itoa(n), "--seed", "1", "--out", "-").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("gen.py --format %s: %v\n%s", f, err, ee.Stderr)
		}
		t.Fatalf("gen.py --format %s: %v", f, err)
	}
	return out
}

// shapeRecords is the number of records the shape tests compare: enough
// that every branch of the model (guests, failures of each kind, network
// locations, devices and none) occurs in both.
const shapeRecords = 3000

// keyShapes returns, for every key path of the JSON lines in data
// ("status.errorCode", "appliedConditionalAccessPolicies[].result"), the
// kinds of value seen there, and the top-level key order of the first
// record.
func keyShapes(t *testing.T, data []byte) (map[string]string, string) {
	t.Helper()
	kinds := map[string]map[string]bool{}
	var order string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if order == "" {
			order = topLevelKeys(t, line)
		}
		var v any
		if err := json.Unmarshal(line, &v); err != nil {
			t.Fatalf("invalid JSON line: %v: %.200s", err, line)
		}
		walkShapes(v, "", kinds)
	}
	out := map[string]string{}
	for path, ks := range kinds {
		var list []string
		for k := range ks {
			list = append(list, k)
		}
		sort.Strings(list)
		out[path] = strings.Join(list, "|")
	}
	return out, order
}

func walkShapes(v any, path string, kinds map[string]map[string]bool) {
	kind := "null"
	switch x := v.(type) {
	case map[string]any:
		kind = "object"
		for k, c := range x {
			walkShapes(c, path+"."+k, kinds)
		}
	case []any:
		kind = "array"
		for _, c := range x {
			walkShapes(c, path+"[]", kinds)
		}
	case string:
		kind = "string"
	case float64:
		kind = "number"
	case bool:
		kind = "bool"
	}
	if kinds[path] == nil {
		kinds[path] = map[string]bool{}
	}
	kinds[path][kind] = true
}

// topLevelKeys returns the keys of a JSON object in file order.
func topLevelKeys(t *testing.T, line []byte) string {
	dec := json.NewDecoder(bytes.NewReader(line))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Join(keys, ",")
}

func TestJSONLShapeMatchesReference(t *testing.T) {
	genPy := referenceGenerator(t)
	ref, refOrder := keyShapes(t, runReference(t, genPy, FormatJSONL, shapeRecords))
	got, gotOrder := keyShapes(t, generate(t, Config{Records: shapeRecords, Seed: 1}, FormatJSONL))
	if gotOrder != refOrder {
		t.Errorf("top-level keys\n got %s\nwant %s", gotOrder, refOrder)
	}
	for path, kinds := range ref {
		if got[path] != kinds {
			t.Errorf("%s: %q, gen.py writes %q", path, got[path], kinds)
		}
	}
	for path, kinds := range got {
		if _, ok := ref[path]; !ok {
			t.Errorf("%s (%s): gen.py has no such key", path, kinds)
		}
	}
}

// lineShapes returns the distinct shapes of the lines of an indented JSON
// document: the indentation and the key or bracket that starts each line.
func lineShapes(data []byte) map[string]bool {
	shapes := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimLeft(line, " ")
		indent := line[:len(line)-len(trimmed)]
		head := trimmed
		if strings.HasPrefix(trimmed, `"`) {
			if i := strings.Index(trimmed, `": `); i > 0 {
				head = trimmed[:i+3]
			} else {
				head = `"<value>` // A string in a list.
			}
		}
		shapes[indent+head] = true
	}
	return shapes
}

func TestPortalJSONLayoutMatchesReference(t *testing.T) {
	genPy := referenceGenerator(t)
	refData := runReference(t, genPy, FormatPortalJSON, shapeRecords)
	gotData := generate(t, Config{Records: shapeRecords, Seed: 1}, FormatPortalJSON)
	for _, edge := range []struct{ name, ref, got string }{
		{"start", string(refData[:4]), string(gotData[:4])},
		{"end", string(refData[len(refData)-4:]), string(gotData[len(gotData)-4:])},
	} {
		if edge.ref != edge.got {
			t.Errorf("file %s %q, gen.py %q", edge.name, edge.got, edge.ref)
		}
	}
	ref, got := lineShapes(refData), lineShapes(gotData)
	for s := range ref {
		if !got[s] && !isNumberLine(s) {
			t.Errorf("gen.py writes lines like %q; the port does not", s)
		}
	}
	for s := range got {
		if !ref[s] && !isNumberLine(s) {
			t.Errorf("the port writes lines like %q; gen.py does not", s)
		}
	}
	// The same records compact to the JSONL lines, in order.
	var compact bytes.Buffer
	if err := json.Compact(&compact, gotData); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(generate(t, Config{Records: shapeRecords, Seed: 1}, FormatJSONL), []byte("\n")), []byte("\n"))
	want := "[" + string(bytes.Join(lines, []byte(","))) + "]"
	if compact.String() != want {
		t.Error("portal JSON compacted differs from the JSONL records")
	}
}

// isNumberLine reports whether a line shape is a bare number (an element
// of a list of numbers), which neither generator writes but which would
// differ only in its digits.
func isNumberLine(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimLeft(s, " "), ","), 64)
	return err == nil
}

func TestPortalCSVLayoutMatchesReference(t *testing.T) {
	genPy := referenceGenerator(t)
	refData := runReference(t, genPy, FormatPortalCSV, shapeRecords)
	gotData := generate(t, Config{Records: shapeRecords, Seed: 1}, FormatPortalCSV)
	refHead, _, _ := bytes.Cut(refData, []byte("\n"))
	gotHead, _, _ := bytes.Cut(gotData, []byte("\n"))
	if !bytes.Equal(refHead, gotHead) {
		t.Errorf("header line\n got %q\nwant %q", gotHead, refHead)
	}
	refRows, gotRows := csvRows(t, refData), csvRows(t, gotData)
	if len(gotRows) < shapeRecords*85/100 || len(gotRows) > shapeRecords*95/100 {
		t.Errorf("%d rows of %d sign-ins, want the non-interactive ~90%% (gen.py: %d)", len(gotRows), shapeRecords, len(refRows))
	}
	// Columns that hold fixed words hold the same words in both.
	for col, name := range PortalCSVHeader {
		ref, got := cellWords(refRows, col), cellWords(gotRows, col)
		if len(ref) > 12 {
			continue // Free values: IDs, names, times.
		}
		for w := range got {
			if !ref[w] {
				t.Errorf("column %q holds %q; gen.py's never does", name, w)
			}
		}
	}
	if n := bytes.Count(gotData, []byte("\n")); n != bytes.Count(gotData, []byte("\r\n")) {
		t.Errorf("%d line feeds, %d of them after CR: want CRLF throughout", n, bytes.Count(gotData, []byte("\r\n")))
	}
}

// csvRows reads a portal CSV after its header; every row must have the
// header's 55 cells.
func csvRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = len(PortalCSVHeader)
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func cellWords(rows [][]string, col int) map[string]bool {
	words := map[string]bool{}
	for _, row := range rows {
		words[row[col]] = true
	}
	return words
}
