package redact

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/internal/samplegen/scenario"
	"github.com/signinspect/signinspect/parse"
)

const samplesDir = "../samples"

// sampleFiles returns the sample exports (ZIP archives whole) by path
// under samples/.
func sampleFiles(t *testing.T) []scenario.File {
	t.Helper()
	files, err := scenario.New().Files()
	if err != nil {
		t.Fatal(err)
	}
	var out []scenario.File
	for _, f := range files {
		if f.Format != "" || len(f.Members) > 0 {
			out = append(out, f)
		}
	}
	if len(out) < 15 {
		t.Fatalf("only %d sample exports", len(out))
	}
	return out
}

// scenarioSecrets returns the personal values the scenario puts in the
// samples, as written: what no redacted file may hold.
func scenarioSecrets() []string {
	sc := scenario.New()
	seen := map[string]bool{}
	var out []string
	add := func(vs ...string) {
		for _, v := range vs {
			if v != "" && !seen[strings.ToLower(v)] {
				seen[strings.ToLower(v)] = true
				out = append(out, v)
			}
		}
	}
	for _, p := range sc.People {
		local, _, _ := strings.Cut(p.UPN, "@")
		add(p.UPN, local, p.Name, p.ID)
	}
	for _, s := range sc.SignIns {
		add(s.Device.ID, s.Device.Name, s.From.IP, s.SeenByResource)
	}
	add(scenario.TenantID, "contoso.com")
	return out
}

// recordSecrets returns the personal values parse reads from records. The
// user name of a workload sign-in is the workload's name (kept).
func recordSecrets(recs []*parse.Record) []string {
	var out []string
	for _, r := range recs {
		name := r.User.Name
		if isWorkloadName(r, name) {
			name = ""
		}
		for _, v := range []string{r.User.UPN, name, r.User.ID, r.User.SignInIdentifier, r.Device.ID,
			r.Device.Name, r.IP, r.IPSeenByResource, r.HomeTenantID, r.ResourceTenantID, r.TenantID} {
			if strings.TrimSpace(v) != "" && !isPlaceholder(v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// readTree reads every export under dir as analyze does: for each input,
// its format, its records and its decoded text (gzip, ZIP members and
// UTF-16 undone).
type treeInput struct {
	name    string
	format  parse.Format
	records []*parse.Record
	text    []byte
	enc     parse.TextEncoding
}

func readTree(t *testing.T, paths ...string) []treeInput {
	t.Helper()
	ins, err := parse.Expand(paths, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []treeInput
	for _, in := range ins {
		rd, err := parse.Open(in, parse.Options{})
		if err != nil {
			if in.FromDirectory {
				continue
			}
			t.Fatal(err)
		}
		recs, err := parse.ReadAll(rd)
		rd.Close()
		if err != nil {
			t.Errorf("%s: %v", in.Name, err)
		}
		rc, enc, err := parse.OpenText(in, parse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		text, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, treeInput{name: in.Name, format: rd.Format, records: recs, text: text, enc: enc})
	}
	return out
}

// allBytes returns every byte of every file under dir, raw.
func allBytes(t *testing.T, dir string) []byte {
	t.Helper()
	var b bytes.Buffer
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			data, _ := os.ReadFile(p)
			b.Write(data)
		}
		return nil
	})
	return b.Bytes()
}

func TestRunOnEverySample(t *testing.T) {
	secrets := scenarioSecrets()
	for _, f := range sampleFiles(t) {
		t.Run(f.Path, func(t *testing.T) {
			in := filepath.Join(samplesDir, filepath.FromSlash(f.Path))
			out := t.TempDir()
			p := testPseudonymizer(t, Options{})
			sum, err := Run(context.Background(), []string{in}, p, RunOptions{Out: out})
			if err != nil {
				t.Fatal(err)
			}
			orig := readTree(t, in)
			red := readTree(t, out)
			if len(orig) != len(red) || len(sum.Files) != len(orig) {
				t.Fatalf("%d inputs, %d outputs, %d in the summary", len(orig), len(red), len(sum.Files))
			}

			// No original identity survives anywhere, in the raw bytes
			// or the decoded text.
			var text bytes.Buffer
			for _, r := range red {
				text.Write(r.text)
			}
			haystack := strings.ToLower(text.String() + string(allBytes(t, out)))
			var all []string
			for _, o := range orig {
				all = append(all, recordSecrets(o.records)...)
			}
			all = append(all, secrets...)
			for _, s := range all {
				if strings.Contains(haystack, strings.ToLower(s)) {
					t.Errorf("the output still holds %q", s)
				}
			}

			ids := NewIdentities()
			for _, o := range orig {
				for _, rec := range o.records {
					ids.AddRecord(rec)
				}
			}
			want := NewRedactor(p, ids)
			total := 0
			for i, o := range orig {
				r := red[i]
				// The same file name (less the tenant's name), format,
				// encoding and compression.
				if want := renamed(p, filepath.Base(strings.ReplaceAll(o.name, "!", "/"))); want != filepath.Base(strings.ReplaceAll(r.name, "!", "/")) {
					t.Errorf("%s written as %s", o.name, r.name)
				}
				if r.format != o.format {
					t.Errorf("%s: detected as %s, was %s", r.name, r.format, o.format)
				}
				if !reflect.DeepEqual(r.enc, o.enc) {
					t.Errorf("%s: stored as %+v, was %+v", r.name, r.enc, o.enc)
				}
				// Every byte outside the replaced values stays.
				if a, b := skeleton(o.format, o.text), skeleton(r.format, r.text); a != b {
					t.Errorf("%s: the file's structure changed:\n%s", r.name, firstDiff(a, b))
				}
				// Each record reads as the original with its personal
				// values pseudonymized.
				if len(r.records) != len(o.records) {
					t.Fatalf("%s: %d records, was %d", r.name, len(r.records), len(o.records))
				}
				total += len(o.records)
				for j, rec := range o.records {
					exp := expectedRecord(want, rec)
					exp.Source.File = r.records[j].Source.File
					if !reflect.DeepEqual(exp, r.records[j]) {
						t.Errorf("%s record %d:\n got %+v\nwant %+v", r.name, j+1, *r.records[j], *exp)
					}
				}
			}
			if sum.Records != total || sum.Skipped != 0 {
				t.Errorf("summary counts %d records, %d skipped; want %d, 0", sum.Records, sum.Skipped, total)
			}
			if total > 0 && sum.Replaced.Total() == 0 {
				t.Errorf("summary replaced %v", sum.Replaced)
			}
		})
	}
}

// expectedRecord returns rec as it must read after redaction: its personal
// fields pseudonymized, and every other text scanned as the redactor scans
// free text.
func expectedRecord(r *Redactor, rec *parse.Record) *parse.Record {
	e := *rec
	e.User.UPN = r.Value(KindUPN, e.User.UPN)
	e.User.SignInIdentifier = r.Value(KindUPN, e.User.SignInIdentifier)
	e.User.Name = r.Value(KindName, e.User.Name)
	e.User.ID = r.Value(KindUserID, e.User.ID)
	e.Device.ID = r.Value(KindDeviceID, e.Device.ID)
	e.Device.Name = r.Value(KindDeviceName, e.Device.Name)
	e.IP = r.Value(KindIP, e.IP)
	e.IPSeenByResource = r.Value(KindIP, e.IPSeenByResource)
	e.HomeTenantID = r.Value(KindTenantID, e.HomeTenantID)
	e.ResourceTenantID = r.Value(KindTenantID, e.ResourceTenantID)
	e.TenantID = r.Value(KindTenantID, e.TenantID)
	e.Status.Reason = r.Text(e.Status.Reason)
	e.Status.Details = r.Text(e.Status.Details)
	e.MFA.Result = r.Text(e.MFA.Result)
	e.App = parse.App{ID: r.Text(e.App.ID), Name: r.Text(e.App.Name)}
	e.Resource = parse.App{ID: r.Text(e.Resource.ID), Name: r.Text(e.Resource.Name)}
	e.ServicePrincipal.ID = r.Value(KindAppID, e.ServicePrincipal.ID)
	e.ServicePrincipal.CredentialKeyID = r.Value(KindAppID, e.ServicePrincipal.CredentialKeyID)
	e.ServicePrincipal.Name = r.Text(e.ServicePrincipal.Name)
	return &e
}

// skeleton blanks the values that redaction may change: JSON string
// contents, CSV cell contents. What is left (white space, keys' places,
// numbers, delimiters, quotes, line ends) must stay.
func skeleton(format parse.Format, text []byte) string {
	var b strings.Builder
	switch format {
	case parse.FormatPortalCSV, parse.FormatPortalAuthDetailsCSV, parse.FormatLogAnalyticsCSV:
		comma := byte(',')
		for _, line := range bytes.SplitAfter(text, []byte("\n")) {
			if c := parse.CSVDelimiter(line); c != ',' {
				comma = c
				break
			}
		}
		for _, line := range bytes.SplitAfter(text, []byte("\n")) {
			cells, _ := splitCSVRecord(trimEOL(line), comma, nil)
			for i, c := range cells {
				if i > 0 {
					b.WriteByte(comma)
				}
				if c.quoted {
					b.WriteString(`""`)
				}
			}
			b.Write(line[len(trimEOL(line)):])
		}
	default:
		in := false
		for i := 0; i < len(text); i++ {
			c := text[i]
			switch {
			case in && c == '\\':
				i++
			case c == '"':
				in = !in
				b.WriteByte(c)
			case !in:
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(i-60, 0)
	return "was " + strings.TrimSpace(a[from:min(i+60, len(a))]) + "\nnow " + strings.TrimSpace(b[from:min(i+60, len(b))])
}

func TestRunWholeFolderStableAndKeyed(t *testing.T) {
	// Named as the folder's walk does not name it: still one file.
	named := samplesDir + "/./named-locations.json"
	run := func(key string, opts Options, out string) *Summary {
		t.Helper()
		p, err := New([]byte(key), opts)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := Run(context.Background(), []string{samplesDir}, p, RunOptions{Out: out, NamedLocations: named})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	a, b, c, keep := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	sumA := run("the first key, 0123456789", Options{}, a)
	run("the first key, 0123456789", Options{}, b)
	run("another key, 0123456789", Options{}, c)
	run("the first key, 0123456789", Options{KeepIPs: true}, keep)

	// The output mirrors the folder: every export, the named locations,
	// and nothing else (README.md and the other named-locations file are
	// not exports).
	var names []string
	filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(a, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	pa, _ := New([]byte("the first key, 0123456789"), Options{})
	for _, f := range sampleFiles(t) {
		if !contains(names, renamed(pa, f.Path)) {
			t.Errorf("%s not written (have %v)", f.Path, names)
		}
	}
	if !contains(names, "named-locations.json") || contains(names, "README.md") || contains(names, "named-locations-powershell.json") {
		t.Errorf("written: %v", names)
	}
	files, _ := scenario.New().Files()
	leftOut := -1 // named-locations.json is written.
	for _, f := range files {
		if f.Format == "" && len(f.Members) == 0 {
			leftOut++
		}
	}
	if len(sumA.Notes) != leftOut {
		t.Errorf("notes: %q, want %d", sumA.Notes, leftOut)
	}

	// The same key gives the same bytes; another key other pseudonyms.
	for _, n := range names {
		x, _ := os.ReadFile(filepath.Join(a, n))
		y, _ := os.ReadFile(filepath.Join(b, n))
		z, _ := os.ReadFile(filepath.Join(c, n))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with one key", n)
		}
		if bytes.Equal(x, z) {
			t.Errorf("%s is the same under two keys", n)
		}
	}

	// --keep-ips keeps the addresses and still replaces the users.
	keepText := string(allBytes(t, keep))
	for _, ip := range []string{"198.51.100.23", "203.0.113.45", "2001:db8:4d2:10::17", "203.0.113.0/24"} {
		if !strings.Contains(keepText, ip) {
			t.Errorf("KeepIPs lost %s", ip)
		}
	}
	if strings.Contains(keepText, "svc-build@contoso.com") {
		t.Error("KeepIPs kept a UPN")
	}
}

// renamed returns a sample path as redaction renames it: the tenant name
// of the portal's download replaced.
func renamed(p *Pseudonymizer, path string) string {
	return strings.ReplaceAll(path, strings.ToUpper(scenario.TenantName)+"_", p.TenantName(scenario.TenantName)+"_")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestRunZIPKeepsMembers(t *testing.T) {
	zipPath := filepath.Join(samplesDir, "portal-csv", "CONTOSO_2026-11-16_2026-11-22_1_1.zip")
	out := t.TempDir()
	p := testPseudonymizer(t, Options{})
	if _, err := Run(context.Background(), []string{zipPath}, p, RunOptions{Out: out}); err != nil {
		t.Fatal(err)
	}
	orig, _ := parse.Expand([]string{zipPath}, parse.Options{})
	red, err := parse.Expand([]string{filepath.Join(out, renamed(p, filepath.Base(zipPath)))}, parse.Options{})
	if err != nil || len(orig) != len(red) {
		t.Fatalf("%d members, was %d: %v", len(red), len(orig), err)
	}
	for i := range orig {
		_, om := splitMember(orig[i].Name)
		_, rm := splitMember(red[i].Name)
		if renamed(p, om) != rm || strings.Contains(rm, "CONTOSO") {
			t.Errorf("member %d is %s, was %s", i, rm, om)
		}
	}
}

func TestRunRefusesAndLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	src, _ := os.ReadFile(filepath.Join(samplesDir, "portal-csv-55", "NonInteractiveSignIns_2026-11-20_2026-11-21.csv"))
	file := filepath.Join(in, "NonInteractiveSignIns.csv")
	os.WriteFile(file, src, 0o644)
	notExport := filepath.Join(dir, "notes.txt")
	os.WriteFile(notExport, []byte("hello\n"), 0o644)
	p := testPseudonymizer(t, Options{})
	tests := []struct {
		name  string
		paths []string
		out   string
		want  string
	}{
		{"output inside an input folder", []string{in}, filepath.Join(in, "redacted"), "is inside the input folder"},
		{"output is the input folder", []string{in}, in, "is the input"},
		{"output is an input file", []string{file}, file, "is the input"},
		{"output holds an input", []string{file}, dir, "holds the input"},
		{"output is the folder of an input file", []string{file}, in, "holds the input"},
		{"standard input", []string{"-"}, filepath.Join(dir, "o1"), "standard input"},
		{"a named file that is not an export", []string{file, notExport}, filepath.Join(dir, "o2"), "not a sign-in log export"},
		{"a missing file", []string{filepath.Join(dir, "missing.csv")}, filepath.Join(dir, "o3"), "no such file"},
		{"two inputs with one output name", []string{file, filepath.Join(samplesDir, "portal-csv-55", "NonInteractiveSignIns_2026-11-20_2026-11-21.csv"), filepath.Join(dir, "x", "NonInteractiveSignIns.csv")}, filepath.Join(dir, "o4"), ""},
	}
	os.MkdirAll(filepath.Join(dir, "x"), 0o755)
	os.WriteFile(filepath.Join(dir, "x", "NonInteractiveSignIns.csv"), src, 0o644)
	tests[len(tests)-1].want = "would both be written to"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := allBytes(t, dir)
			_, err := Run(context.Background(), tt.paths, p, RunOptions{Out: tt.out})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if !bytes.Equal(before, allBytes(t, dir)) {
				t.Error("a refused run wrote something")
			}
		})
	}
}

func TestRunDryRunWritesNothing(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	sum, err := Run(context.Background(), []string{filepath.Join(samplesDir, "portal-csv")}, testPseudonymizer(t, Options{}), RunOptions{Out: out, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("dry run created %s: %v", out, err)
	}
	if !sum.DryRun || len(sum.Files) < 5 || sum.Replaced[KindUPN] == 0 || sum.Records == 0 {
		t.Errorf("summary: %+v", sum)
	}
}

func TestRunOverwritesItsOwnOutputAtomically(t *testing.T) {
	out := t.TempDir()
	in := filepath.Join(samplesDir, "portal-csv-55", "NonInteractiveSignIns_2026-11-20_2026-11-21.csv")
	p := testPseudonymizer(t, Options{})
	if _, err := Run(context.Background(), []string{in}, p, RunOptions{Out: out}); err != nil {
		t.Fatal(err)
	}
	// A second run into the folder is refused, unless forced.
	_, err := Run(context.Background(), []string{in}, p, RunOptions{Out: out})
	var oe *OutError
	if !errors.As(err, &oe) || !errors.Is(err, ErrOutNotEmpty) {
		t.Fatalf("second run: %v, want ErrOutNotEmpty", err)
	}
	if _, err := Run(context.Background(), []string{in}, p, RunOptions{Out: out, Force: true}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 || entries[0].Name() != filepath.Base(in) {
		t.Errorf("output folder holds %v (a temporary file left behind?)", entries)
	}
}

func TestRunRedactsMalformedRecordsAsText(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in", "signins.json")
	os.MkdirAll(filepath.Dir(in), 0o755)
	os.WriteFile(in, []byte(`{"createdDateTime":"2026-11-20T10:15:02Z","userPrincipalName":"svc-build@contoso.com","userDisplayName":"Build Service","ipAddress":"198.51.100.23"}
{"createdDateTime":"2026-11-20T10:16:02Z","userDisplayName":"Build Service" "ipAddress":"198.51.100.24"}
{"createdDateTime":"not a time","userPrincipalName":"svc-build@contoso.com"}
`), 0o644)
	out := filepath.Join(dir, "out")
	sum, err := Run(context.Background(), []string{in}, testPseudonymizer(t, Options{}), RunOptions{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records != 1 || sum.Skipped != 2 || len(sum.Notes) != 1 || !strings.Contains(sum.Notes[0], "line 2") {
		t.Errorf("records %d, skipped %d, notes %q", sum.Records, sum.Skipped, sum.Notes)
	}
	got, _ := os.ReadFile(filepath.Join(out, "signins.json"))
	for _, s := range []string{"svc-build", "Build Service", "198.51.100.2"} {
		if bytes.Contains(got, []byte(s)) {
			t.Errorf("output holds %q:\n%s", s, got)
		}
	}
}
