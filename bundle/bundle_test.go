package bundle

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/samplegen/scenario"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/redact"
	"github.com/signinspect/signinspect/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const samplesDir = "../samples"

var testClock = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// prepareAll analyses everything (any app, any flow) with the built-in
// rules and the redacted named locations.
func prepareAll(t *Translator, named string) (*Analysis, error) {
	ctx := &rules.Context{}
	if named != "" {
		nl, err := policy.LoadNamedLocations(named, parse.Options{})
		if err != nil {
			return nil, err
		}
		ctx.NamedLocations = nl
	}
	pack, err := rules.Builtin()
	if err != nil {
		return nil, err
	}
	set, err := rules.Compile(pack, ctx)
	if err != nil {
		return nil, err
	}
	return &Analysis{Filter: analyze.Filter{Apps: []string{analyze.AppAny}, Flow: analyze.FlowAny}, Rules: set, Context: ctx}, nil
}

// sampleKey is the key of the sample bundle.
const sampleKey = "a key the customer keeps, 0123456789"

var samples struct {
	once sync.Once
	dir  string
	path string
	res  *Result
	err  error
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if samples.dir != "" {
		os.RemoveAll(samples.dir)
	}
	os.Exit(code)
}

// buildSamples bundles every sample with the named locations, once for
// every test that reads the bundle.
func buildSamples(t *testing.T) (string, *Result) {
	t.Helper()
	samples.once.Do(func() {
		p, err := redact.New([]byte(sampleKey), redact.Options{})
		if err != nil {
			samples.err = err
			return
		}
		if samples.dir, samples.err = os.MkdirTemp("", "bundle-test-"); samples.err != nil {
			return
		}
		samples.path = filepath.Join(samples.dir, "ticket.zip")
		samples.res, samples.err = Build(context.Background(), []string{samplesDir}, Options{
			Out: samples.path, Pseudonymizer: p, KeyFromFile: true, NamedLocations: filepath.Join(samplesDir, "named-locations.json"),
			Prepare: prepareAll, Top: 20, Version: "test", Clock: func() time.Time { return testClock },
		})
	})
	if samples.err != nil {
		t.Fatal(samples.err)
	}
	return samples.path, samples.res
}

// A secret is an original value that no byte of a bundle may hold, in any
// case, as a whole word or address: 198.51.100.23 inside
// 241.198.51.100.23 is not a leak of it, and "Vance" inside "Vancouver"
// is not one of Adele Vance.
type secret struct {
	what, value string
	lower       string
}

func newSecret(what, value string) secret {
	return secret{what: what, value: value, lower: strings.ToLower(value)}
}

func isWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// find returns where the secret occurs in lower, the lower-cased text, or
// -1.
func (s secret) find(lower string) int {
	from := 0
	for {
		i := strings.Index(lower[from:], s.lower)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(s.lower)
		before := i == 0 || !isWordByte(lower[i-1]) && lower[i-1] != '.'
		after := end == len(lower) || !isWordByte(lower[end])
		if before && after {
			return i
		}
		from = i + 1
	}
}

// scenarioSecrets returns every original value of the sample scenario that
// redaction must remove, of every kind: UPNs, their local parts and
// domains, display names and their parts, user, device, tenant,
// application, service principal, credential and subscription IDs, device
// names, the tenant's name, the names of its own applications and Azure
// resources, and every IP address (IPv4, IPv6 compressed and expanded,
// IPv4-mapped) and named-location range. Request, correlation and policy
// IDs, and policy and named-location names, are kept by design (support
// needs them to cross-reference Microsoft's logs and to name the policy at
// fault): they are not secrets.
func scenarioSecrets() []secret {
	sc := scenario.New()
	var out []secret
	seen := map[string]bool{}
	add := func(what string, vs ...string) {
		for _, v := range vs {
			if v != "" && !seen[strings.ToLower(v)] {
				seen[strings.ToLower(v)] = true
				out = append(out, newSecret(what, v))
			}
		}
	}
	addIP := func(s string) {
		if s == "" {
			return
		}
		a := netip.MustParseAddr(s)
		add("IP address", a.String(), a.StringExpanded())
		if a.Is4() {
			add("IPv4-mapped address", "::ffff:"+a.String())
		}
	}
	for _, p := range sc.People {
		local, domain, _ := strings.Cut(p.UPN, "@")
		label, _, _ := strings.Cut(domain, ".")
		add("UPN", p.UPN)
		add("UPN local part", local)
		add("domain", domain, label)
		add("user name", p.Name)
		for _, part := range strings.Fields(p.Name) {
			if len(part) >= 3 && part != "Build" && part != "Service" {
				add("user name part", part)
			}
		}
		add("user ID", p.ID)
	}
	for _, s := range sc.SignIns {
		add("device", s.Device.ID, s.Device.Name)
		addIP(s.From.IP)
		addIP(s.SeenByResource)
		if w := s.Workload; w != nil {
			add("application", w.AppID, w.ObjectID, w.Name, w.CredentialKeyID)
			for _, seg := range strings.Split(w.AssociatedResourceID, "/") {
				if isGUIDLike(seg) || strings.HasPrefix(seg, "rg-") || seg == w.Name {
					add("Azure resource", seg)
				}
			}
		}
	}
	for _, l := range sc.NamedLocations {
		for _, r := range l.Ranges {
			add("named-location range", r)
			addIP(netip.MustParsePrefix(r).Addr().String())
		}
	}
	add("tenant", scenario.TenantID, scenario.TenantName)
	return out
}

func isGUIDLike(s string) bool { return len(s) == 36 && strings.Count(s, "-") == 4 }

// bundleTexts returns every text of a bundle to search: the archive's
// own bytes (member names, comments), each member raw, and each member
// decoded as signinspect reads it (gzip undone, UTF-16 transcoded, the
// gzip header's stored name and comment), with JSON \u escapes undone.
func bundleTexts(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{"the archive's bytes": string(raw)}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	out["the archive's comment"] = zr.Comment
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name+" (name and comment)"] = f.Name + "\n" + f.Comment
		out[f.Name+" (raw)"] = string(b)
		text, enc, err := parse.OpenText(parse.BytesInput(f.Name, b), parse.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		decoded, err := io.ReadAll(text)
		text.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name+" (decoded)"] = unescapeJSON(string(decoded)) + "\n" + enc.GzipHeader.Name + "\n" + enc.GzipHeader.Comment
	}
	return out
}

var jsonEscape = regexp.MustCompile(`\\u([0-9a-fA-F]{4})`)

// unescapeJSON undoes \uXXXX escapes, so that an escaped original is found
// too.
func unescapeJSON(s string) string {
	return jsonEscape.ReplaceAllStringFunc(s, func(m string) string {
		var r rune
		for _, c := range m[2:] {
			r <<= 4
			switch {
			case c >= '0' && c <= '9':
				r |= c - '0'
			case c >= 'a' && c <= 'f':
				r |= c - 'a' + 10
			case c >= 'A' && c <= 'F':
				r |= c - 'A' + 10
			}
		}
		return string(r)
	})
}

// TestBundleLeaksNothing builds a bundle from every sample and searches
// every entry, decompressed and decoded, for every original value of every
// kind: it finds none.
func TestBundleLeaksNothing(t *testing.T) {
	path, res := buildSamples(t)
	secrets := scenarioSecrets()
	if len(secrets) < 60 {
		t.Fatalf("only %d secrets: the scenario changed", len(secrets))
	}
	texts := bundleTexts(t, path)
	exports := 0
	for name := range texts {
		if strings.HasPrefix(name, exportsDir+"/") && strings.HasSuffix(name, "(decoded)") {
			exports++
		}
	}
	files, _ := scenario.New().Files()
	if want := len(scenario.Exports(files)); exports < want {
		t.Errorf("%d exports in the bundle, want at least %d (every sample format)", exports, want)
	}
	for name, text := range texts {
		lower := strings.ToLower(text)
		for _, s := range secrets {
			if i := s.find(lower); i >= 0 {
				from, to := max(i-40, 0), min(i+len(s.lower)+40, len(text))
				t.Errorf("%s holds the %s %q: …%s…", name, s.what, s.value, text[from:to])
			}
		}
	}
	// The search can fail: run over an original archive, it finds the
	// tenant's name in the member names, and the identities inside.
	found := map[string]bool{}
	for _, text := range bundleTexts(t, filepath.Join(samplesDir, "portal-csv", "CONTOSO_2026-11-16_2026-11-22_1_1.zip")) {
		lower := strings.ToLower(text)
		for _, s := range secrets {
			if s.find(lower) >= 0 {
				found[s.what] = true
			}
		}
	}
	for _, what := range []string{"tenant", "UPN", "user name", "user ID", "IP address", "application", "device"} {
		if !found[what] {
			t.Errorf("no %s found in the original archive: the search is broken", what)
		}
	}
	if res.Report.Summary.Matched == 0 || len(res.Report.Findings) == 0 {
		t.Errorf("the bundle's report found nothing: %+v", res.Report.Summary)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBundleManifest compares the manifest of a bundle with a fixed key
// and clock to its golden file, and checks it against the archive: every
// file listed with its SHA-256 and size, nothing unlisted but the
// manifest, the key's fingerprint and never the key.
func TestBundleManifest(t *testing.T) {
	key := sampleKey
	path, res := buildSamples(t)
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	members := map[string][]byte{}
	var order []string
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		members[f.Name] = b
		order = append(order, f.Name)
	}
	if order[0] != parse.BundleManifest {
		t.Errorf("the first member is %s", order[0])
	}
	manifest := members[parse.BundleManifest]
	golden := filepath.Join("testdata", "manifest.golden.json")
	if *update {
		if err := os.WriteFile(golden, manifest, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := mustRead(t, golden); !bytes.Equal(manifest, want) {
		t.Errorf("manifest.json differs from %s (go test ./bundle -update):\n%s", golden, manifest)
	}
	listed := map[string]bool{parse.BundleManifest: true}
	for _, f := range res.Manifest.Files {
		listed[f.Path] = true
		b, ok := members[f.Path]
		if !ok {
			t.Errorf("%s is listed but not in the archive", f.Path)
			continue
		}
		if got := bytesEntry(f.Path, f.Role, b); got.SHA256 != f.SHA256 || got.Bytes != f.Bytes {
			t.Errorf("%s: SHA-256 %s, %d bytes; the manifest says %s, %d", f.Path, got.SHA256, got.Bytes, f.SHA256, f.Bytes)
		}
		if f.Role == RoleExport && (f.Records == nil || f.Format == "") {
			t.Errorf("%s: no record count or format", f.Path)
		}
	}
	for name := range members {
		if !listed[name] {
			t.Errorf("%s is in the archive but not listed", name)
		}
	}
	if bytes.Contains(manifest, []byte(key)) || !bytes.Contains(manifest, []byte(res.Manifest.Key.Fingerprint)) {
		t.Error("the manifest holds the key, or not its fingerprint")
	}
	if !bytes.Contains(members[readmeName], []byte("signinspect unredact")) {
		t.Errorf("README.txt:\n%s", members[readmeName])
	}
}

// TestAnalyzeReadsABundlesExports expands a bundle as analyze does: its
// exports, and neither its reports, manifest, README nor named locations.
func TestAnalyzeReadsABundlesExports(t *testing.T) {
	path, res := buildSamples(t)
	ins, err := parse.Expand([]string{path}, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, f := range res.Manifest.Files {
		if f.Role == RoleExport {
			want++
		}
	}
	if len(ins) != want {
		t.Errorf("%d inputs, want the %d exports", len(ins), want)
	}
	for _, in := range ins {
		if _, member, _ := strings.Cut(in.Name, "!"); !strings.HasPrefix(member, exportsDir+"/") {
			t.Errorf("input %s is not an export", in.Name)
		}
	}
	rep, err := analyze.Run(context.Background(), []string{path}, analyze.Options{Filter: analyze.Filter{Apps: []string{analyze.AppAny}, Flow: analyze.FlowAny}})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range rep.Inputs {
		if in.Error != "" {
			t.Errorf("%s: %s", in.Path, in.Error)
		}
	}
	if rep.Summary.Read != res.Report.Summary.Read || rep.Summary.Matched != res.Report.Summary.Matched {
		t.Errorf("the bundle reads as %+v, its report says %+v", rep.Summary, res.Report.Summary)
	}
}

func TestBuildRefusesItsInputs(t *testing.T) {
	p, _ := redact.New([]byte("a key the customer keeps, 0123456789"), redact.Options{})
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	os.WriteFile(filepath.Join(in, "NonInteractiveSignIns.json"), mustRead(t, filepath.Join(samplesDir, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json")), 0o644)
	file := filepath.Join(in, "NonInteractiveSignIns.json")
	for _, tt := range []struct{ in, out, want string }{
		{in, filepath.Join(in, "ticket.zip"), "lies inside the input folder"},
		{in, in, "is a folder"},
		{file, file, "is the input"},
	} {
		_, err := Build(context.Background(), []string{tt.in}, Options{Out: tt.out, Pseudonymizer: p, Prepare: prepareAll})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("out %s: %v, want %q", tt.out, err, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(in, "ticket.zip")); !os.IsNotExist(err) {
		t.Error("a refused bundle was written")
	}
}
