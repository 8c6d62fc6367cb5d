package parse

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode/utf16"
)

// A minimal portal CSV, as the Entra admin center writes it.
const openTestCSV = "\"Date (UTC)\",\"Request ID\",\"Username\",\"Application\",\"IP address\",\"Status\",\"Sign-in error code\"\r\n" +
	"2026-11-20T10:15:02Z,r1,svc-build@contoso.com,Azure DevOps,198.51.100.7,Failure,53003\r\n" +
	"2026-11-20T10:16:02Z,r2,svc-build@contoso.com,Azure DevOps,198.51.100.7,Success,0\r\n"

const openTestJSON = `{"value":[{"id":"j1","createdDateTime":"2026-11-20T10:15:02Z","userPrincipalName":"svc-build@contoso.com","appDisplayName":"Azure DevOps","status":{"errorCode":53003}}]}`

func writeTestFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipBytes(t *testing.T, members map[string][]byte, order []string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(members[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// readInputs expands paths and reads every input, returning the request IDs
// and format of each.
func readInputs(t *testing.T, paths []string, opts Options) (map[string][]string, map[string]Format, error) {
	t.Helper()
	ins, err := Expand(paths, opts)
	if err != nil {
		return nil, nil, err
	}
	ids := map[string][]string{}
	formats := map[string]Format{}
	for _, in := range ins {
		r, err := Open(in, opts)
		if err != nil {
			return ids, formats, err
		}
		recs, err := ReadAll(r)
		r.Close()
		if err != nil {
			return ids, formats, err
		}
		formats[in.Name] = r.Format
		for _, rec := range recs {
			if rec.Source.File != in.Name {
				t.Errorf("record source %q, want %q", rec.Source.File, in.Name)
			}
			ids[in.Name] = append(ids[in.Name], rec.RequestID)
		}
	}
	return ids, formats, nil
}

func TestOpenEncodingsAndCompression(t *testing.T) {
	dir := t.TempDir()
	bom := append([]byte{0xEF, 0xBB, 0xBF}, openTestCSV...)
	tests := []struct {
		name string
		data []byte
		want Format
	}{
		{"plain.csv", []byte(openTestCSV), FormatPortalCSV},
		{"bom.csv", bom, FormatPortalCSV},
		{"lf.csv", []byte(strings.ReplaceAll(openTestCSV, "\r\n", "\n")), FormatPortalCSV},
		{"utf16le-bom.csv", utf16Bytes(openTestCSV, false, true), FormatPortalCSV},
		{"utf16be-bom.csv", utf16Bytes(openTestCSV, true, true), FormatPortalCSV},
		{"utf16le-nobom.csv", utf16Bytes(openTestCSV, false, false), FormatPortalCSV},
		{"gzipped.csv.gz", gzipBytes(t, bom), FormatPortalCSV},
		{"page.json", []byte(openTestJSON), FormatGraphJSON},
		{"page.json.gz", gzipBytes(t, []byte(openTestJSON)), FormatGraphJSON},
		{"utf16.json", utf16Bytes(openTestJSON, false, true), FormatGraphJSON},
		{"renamed.bin", []byte(openTestJSON), FormatGraphJSON}, // Content, not name.
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeTestFile(t, dir, tt.name, tt.data)
			ids, formats, err := readInputs(t, []string{p}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if formats[p] != tt.want {
				t.Errorf("format %q, want %q", formats[p], tt.want)
			}
			if len(ids[p]) == 0 || ids[p][0] != map[Format]string{FormatPortalCSV: "r1", FormatGraphJSON: "j1"}[tt.want] {
				t.Errorf("request IDs %v", ids[p])
			}
			data, _ := os.ReadFile(p)
			if !bytes.Equal(data, tt.data) {
				t.Error("the input was modified")
			}
		})
	}
}

func TestExpandFoldersAndArchives(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, dir, "dl/b/NonInteractiveSignIns_2026.csv", []byte(openTestCSV))
	writeTestFile(t, dir, "dl/a.json", []byte(openTestJSON))
	writeTestFile(t, dir, "dl/.DS_Store", []byte("junk"))
	writeTestFile(t, dir, "dl/.git/config", []byte("junk"))
	zipPath := writeTestFile(t, dir, "dl/c/export_1_1.zip", zipBytes(t, map[string][]byte{
		"export/InteractiveSignIns_2026.csv":    []byte(openTestCSV),
		"export/NonInteractiveSignIns_2026.csv": []byte(openTestCSV),
		"__MACOSX/export/._x.csv":               []byte("junk"),
		"export/page.json.gz":                   gzipBytes(t, []byte(openTestJSON)),
	}, []string{"export/InteractiveSignIns_2026.csv", "export/NonInteractiveSignIns_2026.csv", "__MACOSX/export/._x.csv", "export/page.json.gz"}))

	ins, err := Expand([]string{filepath.Join(dir, "dl")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, in := range ins {
		names = append(names, strings.TrimPrefix(filepath.ToSlash(in.Name), filepath.ToSlash(dir)+"/"))
		if !in.FromDirectory {
			t.Errorf("%s: FromDirectory not set", in.Name)
		}
	}
	want := []string{"dl/a.json", "dl/b/NonInteractiveSignIns_2026.csv",
		"dl/c/export_1_1.zip!export/InteractiveSignIns_2026.csv",
		"dl/c/export_1_1.zip!export/NonInteractiveSignIns_2026.csv",
		"dl/c/export_1_1.zip!export/page.json.gz"}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("inputs\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}

	ids, formats, err := readInputs(t, []string{zipPath}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	member := zipPath + "!export/page.json.gz"
	if formats[member] != FormatGraphJSON || len(ids[member]) != 1 {
		t.Errorf("gzip member: format %q, ids %v", formats[member], ids[member])
	}
	ni := zipPath + "!export/NonInteractiveSignIns_2026.csv"
	r, err := Open(Input{Name: ni, open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(openTestCSV)), nil }}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Read()
	if err != nil || rec.Flow != FlowNonInteractive {
		t.Errorf("the member's file name should give the flow: %v, %+v", err, rec)
	}
}

func TestExpandErrors(t *testing.T) {
	dir := t.TempDir()
	emptyDir := filepath.Join(dir, "empty")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	unsafe := writeTestFile(t, dir, "unsafe.zip", zipBytes(t, map[string][]byte{"../../etc/x.csv": []byte(openTestCSV)}, []string{"../../etc/x.csv"}))
	emptyZip := writeTestFile(t, dir, "nothing.zip", zipBytes(t, nil, nil))
	many := map[string][]byte{}
	var order []string
	for i := 0; i < 5; i++ {
		name := "f" + string(rune('a'+i)) + ".csv"
		many[name] = []byte(openTestCSV)
		order = append(order, name)
	}
	manyZip := writeTestFile(t, dir, "many.zip", zipBytes(t, many, order))
	badZip := writeTestFile(t, dir, "bad.zip", []byte("PK\x03\x04 not really a zip"))
	tests := []struct {
		paths []string
		opts  Options
		want  []string
	}{
		{[]string{filepath.Join(dir, "missing.csv")}, Options{}, []string{"missing.csv", "no such file"}},
		{[]string{emptyDir}, Options{}, []string{"empty", "holds no files"}},
		{[]string{unsafe}, Options{}, []string{"unsafe.zip", "unsafe path", "../../etc/x.csv"}},
		{[]string{emptyZip}, Options{}, []string{"nothing.zip", "holds no files"}},
		{[]string{manyZip}, Options{Limits: Limits{MaxEntries: 3}}, []string{"many.zip", "more than 3 files"}},
		{[]string{badZip}, Options{}, []string{"bad.zip", "unreadable ZIP archive"}},
		{[]string{"-", "-"}, Options{Stdin: strings.NewReader("")}, []string{"standard input (-) given more than once"}},
	}
	for _, tt := range tests {
		_, err := Expand(tt.paths, tt.opts)
		if err == nil {
			t.Errorf("Expand(%v) succeeded", tt.paths)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Expand(%v) = %q, lacks %q", tt.paths, err, w)
			}
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7 + i/13)
	}
	inner := zipBytes(t, map[string][]byte{"a.csv": []byte(openTestCSV)}, []string{"a.csv"})
	nested := writeTestFile(t, dir, "nested.zip", zipBytes(t, map[string][]byte{"inner.zip": inner}, []string{"inner.zip"}))
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"empty.csv", nil, []string{"empty.csv", "not a sign-in log export", "the file is empty"}},
		{"blank.json", []byte("  \r\n\n "), []string{"the file is empty"}},
		{"garbage.bin", garbage, []string{"garbage.bin", "not a sign-in log export", "binary data"}},
		{"notes.txt", []byte("Call the vendor on Monday about the PAT\n"), []string{"not a sign-in log export", `it begins "Call the vendor on Monday about the PAT"`}},
		{"named-locations.json", []byte(`{"value":[{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"HQ","ipRanges":[{"cidrAddress":"203.0.113.0/24"}]}]}`),
			[]string{"named locations export", "--named-locations"}},
		{"policies.json", []byte(`{"value":[{"id":"6c6fe338","displayName":"CA001","state":"enabled","conditions":{"users":{"includeUsers":["All"]}},"grantControls":{"builtInControls":["block"]}}]}`),
			[]string{"Conditional Access policy export", "--policies"}},
		{"policies-powershell.json", []byte("[\r\n    {\r\n        \"Conditions\":  {},\r\n        \"DisplayName\":  \"CA001\",\r\n        \"GrantControls\":  {}\r\n    }\r\n]\r\n"),
			[]string{"Conditional Access policy export", "--policies"}},
		{"bad.gz", []byte{0x1f, 0x8b, 0x08, 0x00, 1, 2, 3}, []string{"bad.gz", "gzip"}},
	}
	for _, tt := range tests {
		p := writeTestFile(t, dir, tt.name, tt.data)
		ins, err := Expand([]string{p}, Options{})
		if err != nil {
			t.Fatalf("%s: Expand: %v", tt.name, err)
		}
		_, err = Open(ins[0], Options{})
		if err == nil {
			t.Errorf("%s: Open succeeded", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
	}
	ins, err := Expand([]string{nested}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ins[0], Options{}); err == nil || !strings.Contains(err.Error(), "inside a ZIP archive is not read") {
		t.Errorf("nested zip: %v", err)
	}
	stdin := Input{Name: "-", once: true, open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(inner)), nil }}
	if _, err := Open(stdin, Options{}); err == nil || !strings.Contains(err.Error(), "cannot be read from standard input") {
		t.Errorf("zip on stdin: %v", err)
	}
}

func TestOpenDecompressionBomb(t *testing.T) {
	dir := t.TempDir()
	// One repeated record compresses hundreds of times: far beyond what a
	// sign-in export does. The ratio floor is lowered so that the test
	// stays small; the defaults are checked below.
	row := "2026-11-20T10:15:02Z,r1,svc-build@contoso.com,Azure DevOps,198.51.100.7,Failure,53003\r\n"
	var raw bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&raw, gzip.BestCompression)
	zw.Write([]byte(strings.SplitAfter(openTestCSV, "\r\n")[0]))
	chunk := []byte(strings.Repeat(row, 1<<12))
	for written := 0; written < 8<<20; written += len(chunk) {
		zw.Write(chunk)
	}
	zw.Close()
	p := writeTestFile(t, dir, "bomb.csv.gz", raw.Bytes())
	ins, err := Expand([]string{p}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(ins[0], Options{Limits: Limits{RatioFloor: 1 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = ReadAll(r)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "decompression bomb") {
		t.Errorf("err = %v, want ErrTooLarge naming a decompression bomb", err)
	}
	// On standard input the compressed size is not known beforehand: the
	// ratio is checked against the compressed bytes read so far.
	ins, err = Expand([]string{"-"}, Options{Stdin: bytes.NewReader(raw.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	r, err = Open(ins[0], Options{Stdin: bytes.NewReader(raw.Bytes()), Limits: Limits{RatioFloor: 1 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err = ReadAll(r); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "decompression bomb") {
		t.Errorf("on standard input: err = %v, want ErrTooLarge naming a decompression bomb", err)
	}
	if d := (Limits{}).withDefaults(); d.MaxRatio != 200 || d.RatioFloor != 64<<20 || d.MaxBytes != 64<<30 || d.MaxEntries != 10000 {
		t.Errorf("default limits %+v", d)
	}

	// The absolute bound applies whatever the ratio.
	small := writeTestFile(t, dir, "small.csv.gz", gzipBytes(t, []byte(openTestCSV+strings.Repeat(row, 200))))
	ins, _ = Expand([]string{small}, Options{})
	r, err = Open(ins[0], Options{Limits: Limits{MaxBytes: 4096}})
	if err == nil {
		_, err = ReadAll(r)
		r.Close()
	}
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxBytes: err = %v, want ErrTooLarge", err)
	}
}

func TestOpenForcedFormat(t *testing.T) {
	dir := t.TempDir()
	p := writeTestFile(t, dir, "x.csv", []byte(openTestCSV))
	ins, _ := Expand([]string{p}, Options{})
	if _, err := Open(ins[0], Options{Format: FormatGraphJSON}); err == nil || !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("forcing JSON on a CSV: %v", err)
	}
	r, err := Open(ins[0], Options{Format: FormatPortalCSV})
	if err != nil || r.Format != FormatPortalCSV {
		t.Errorf("forcing the right format: %v", err)
	}
	if _, err := ParseFormat("excel"); err == nil || !strings.Contains(err.Error(), "portal-csv") {
		t.Errorf("ParseFormat(excel) = %v", err)
	}
}

func TestOpenStdinAndBytesRead(t *testing.T) {
	gz := gzipBytes(t, []byte(openTestJSON))
	ins, err := Expand([]string{"-"}, Options{Stdin: bytes.NewReader(gz)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(ins[0], Options{Stdin: bytes.NewReader(gz)})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadAll(r)
	if err != nil || len(recs) != 1 || recs[0].Source.File != "-" {
		t.Fatalf("stdin: %v, %d records", err, len(recs))
	}
	if got := r.BytesRead(); got != int64(len(gz)) {
		t.Errorf("BytesRead = %d, want the %d compressed bytes", got, len(gz))
	}
}

// FuzzOpen feeds arbitrary bytes through detection and every reader: no
// input may panic or hang, and every error must be typed and positioned.
func FuzzOpen(f *testing.F) {
	f.Add([]byte(openTestCSV))
	f.Add([]byte(openTestJSON))
	f.Add(utf16Bytes(openTestCSV, false, true))
	f.Add([]byte("{\"records\":[{\"category\":\"SignInLogs\",\"properties\":{\"id\":\"x\",\"createdDateTime\":\"2026-11-20T10:15:02Z\"}}]}"))
	f.Add([]byte{0x1f, 0x8b, 0x08})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := Input{Name: "fuzz", Size: int64(len(data)), open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}}
		r, err := Open(in, Options{MaxRecordBytes: 1 << 16, Limits: Limits{MaxBytes: 1 << 22}})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		defer r.Close()
		for i := 0; ; i++ {
			rec, err := r.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				var pe *ParseError
				if IsRecordError(err) && i < 1<<16 {
					continue
				}
				if !errors.As(err, &pe) && !errors.Is(err, ErrTooLarge) {
					t.Fatalf("untyped error %T: %v", err, err)
				}
				return
			}
			if rec.Source.File != "fuzz" || rec.Source.Index <= 0 {
				t.Fatalf("record source %+v", rec.Source)
			}
		}
	})
}

// TestExpandBundle reads a support bundle's exports alone, as its manifest
// lists them, and an archive whose manifest.json is not a bundle's whole.
func TestExpandBundle(t *testing.T) {
	export := []byte(`{"id":"1","createdDateTime":"2026-11-20T10:15:02Z"}` + "\n")
	members := map[string][]byte{
		"exports/a/NonInteractiveSignIns.json": export,
		"exports/b.json":                       export,
		"report.json":                          []byte(`{"schema":"signinspect.report/v1"}`),
		"report.md":                            []byte("# signinspect report\n"),
		"README.txt":                           []byte("read me\n"),
		"named-locations.json":                 []byte(`{"value":[]}`),
	}
	order := []string{"manifest.json", "exports/a/NonInteractiveSignIns.json", "exports/b.json", "report.json", "report.md", "README.txt", "named-locations.json"}
	dir := t.TempDir()
	for _, tt := range []struct {
		name, manifest string
		want           []string
	}{
		{"bundle", `{"schema":"` + BundleSchema + `","files":[{"path":"exports/a/NonInteractiveSignIns.json","role":"export"},{"path":"exports/b.json","role":"export"},{"path":"report.json","role":"report"},{"path":"named-locations.json","role":"named-locations"}]}`,
			[]string{"exports/a/NonInteractiveSignIns.json", "exports/b.json"}},
		{"another tool's manifest", `{"schema":"something/v2","files":[{"path":"exports/b.json","role":"export"}]}`, order},
		{"a manifest that is not JSON", `not json`, order},
	} {
		t.Run(tt.name, func(t *testing.T) {
			members["manifest.json"] = []byte(tt.manifest)
			p := filepath.Join(dir, tt.name+".zip")
			os.WriteFile(p, zipBytes(t, members, order), 0o644)
			ins, err := Expand([]string{p}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, in := range ins {
				got = append(got, strings.TrimPrefix(in.Name, p+"!"))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("inputs %v, want %v", got, tt.want)
			}
		})
	}
}

// TestOpenFIFO reads an export from a named pipe, as "analyze <(cat
// export.json)" gives one: the pipe is opened once, its format told from
// the bytes that the reading then goes on from, and every record read.
func TestOpenFIFO(t *testing.T) {
	for _, tt := range []struct {
		name    string
		data    []byte
		records int
	}{{"csv", []byte(openTestCSV), 2}, {"csv.gz", gzipBytes(t, []byte(openTestCSV)), 2}, {"json", []byte(openTestJSON), 1}} {
		t.Run(tt.name, func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "export")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
			go func() {
				// Opening a FIFO for writing waits for its reader.
				f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
				if err != nil {
					return
				}
				f.Write(tt.data)
				f.Close()
			}()
			ins, err := Expand([]string{fifo}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(ins) != 1 || ins[0].Rereadable() {
				t.Fatalf("inputs %+v; want one input read once", ins)
			}
			r, err := Open(ins[0], Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			recs, err := ReadAll(r)
			if err != nil || len(recs) != tt.records {
				t.Errorf("%d records, %v; want every row of the export", len(recs), err)
			}
		})
	}
}

// TestExpandZipMembersOfOneName reads an archive that holds two members
// of the same name: each is an input of its own, read from its own bytes.
func TestExpandZipMembersOfOneName(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, id := range []string{"first", "second"} {
		w, err := zw.Create("export.json")
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, strings.Replace(openTestJSON, `"j1"`, `"`+id+`"`, 1))
	}
	zw.Close()
	p := writeTestFile(t, t.TempDir(), "twice.zip", b.Bytes())
	ins, err := Expand([]string{p}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 2 || ins[0].Name != p+"!export.json" || ins[1].Name != p+"!export.json (copy 2)" {
		t.Fatalf("inputs %v", ins)
	}
	for i, want := range []string{"first", "second"} {
		r, err := Open(ins[i], Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := ReadAll(r)
		r.Close()
		if err != nil || len(recs) != 1 || recs[0].RequestID != want {
			t.Errorf("%s: %v, %v; want the record %q", ins[i].Name, recs, err, want)
		}
	}
}

// TestExpandFollowsLinks walks a folder that links to a file and a folder
// elsewhere, back to itself, and to nothing: the linked exports are read,
// the loop is entered once, and what cannot be read is an input of its
// own, named by its path, beside the others.
func TestExpandFollowsLinks(t *testing.T) {
	root, elsewhere := t.TempDir(), t.TempDir()
	writeTestFile(t, root, "a.csv", []byte(openTestCSV))
	other := writeTestFile(t, elsewhere, "b.csv", []byte(openTestCSV))
	writeTestFile(t, elsewhere, "more/c.json", []byte(openTestJSON))
	for link, target := range map[string]string{
		"link-to-file.csv": other,
		"link-to-folder":   filepath.Join(elsewhere, "more"),
		"loop":             root,
		"dangling.csv":     filepath.Join(elsewhere, "gone.csv"),
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Skipf("no symbolic links: %v", err)
		}
	}
	ins, err := Expand([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, in := range ins {
		names[strings.TrimPrefix(in.Name, root+string(filepath.Separator))] = true
	}
	for _, want := range []string{"a.csv", "link-to-file.csv", filepath.Join("link-to-folder", "c.json"), "dangling.csv", "loop"} {
		if !names[want] {
			t.Errorf("inputs %v lack %s", names, want)
		}
	}
	if len(ins) != 5 {
		t.Errorf("%d inputs %v; want 5 (the loop entered once)", len(ins), names)
	}
	for _, in := range ins {
		base := filepath.Base(in.Name)
		if base != "dangling.csv" && base != "loop" {
			continue
		}
		_, err := Open(in, Options{})
		switch {
		case err == nil:
			t.Errorf("%s opened", in.Name)
		case base == "dangling.csv" && !strings.Contains(err.Error(), "a symbolic link to nothing that can be read"):
			t.Errorf("%s: %v", in.Name, err)
		case base == "loop" && !strings.Contains(err.Error(), "a symbolic link to a folder already read"):
			t.Errorf("%s: %v", in.Name, err)
		}
	}

	// A subfolder that cannot be read is named itself, not the folder
	// given. (Permissions do not stop root.)
	if os.Geteuid() == 0 {
		return
	}
	locked := filepath.Join(root, "locked")
	writeTestFile(t, locked, "d.csv", []byte(openTestCSV))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	ins, err = Expand([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range ins {
		if in.Name == locked {
			_, err := Open(in, Options{})
			found = err != nil && strings.Contains(err.Error(), locked+": the folder cannot be read: permission denied")
		}
	}
	if !found {
		t.Errorf("no input names the unreadable subfolder %s", locked)
	}
}
