package rules

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadRule feeds arbitrary bytes to the rule loader and, when they load,
// to the compiler, the self-tests and an evaluator. Nothing may panic or
// hang, and every error must be a *RuleError that names the file.
//
// The seed corpus is every rule file of the repository plus
// testdata/fuzz/FuzzLoadRule.
func FuzzLoadRule(f *testing.F) {
	addSeedFiles(f, "testdata/valid/*.yaml", "testdata/invalid/*.yaml", "builtin/*.yaml")
	rec := testRecord()
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := Parse("fuzz.yaml", data)
		checkRuleErrors(t, err)
		if err != nil {
			return
		}
		if len(rs) == 0 {
			t.Fatal("Parse returned no rule and no error")
		}
		s, err := Compile(rs, nil)
		checkRuleErrors(t, err)
		if err != nil {
			return
		}
		for _, res := range SelfTest(s) {
			_ = res.Passed()
		}
		ev := s.NewEvaluator()
		for _, m := range ev.Eval(rec) {
			_ = m.Fix
		}
		_ = s.RunErrors()
	})
}

// checkRuleErrors checks that every error joined in err is a *RuleError
// about fuzz.yaml.
func checkRuleErrors(t *testing.T, err error) {
	t.Helper()
	for _, e := range flattenErrors(err) {
		var re *RuleError
		if !errors.As(e, &re) {
			t.Fatalf("%T is not a *RuleError: %v", e, e)
		}
		if re.File != "fuzz.yaml" {
			t.Fatalf("error without the file name: %v", e)
		}
		if strings.TrimSpace(e.Error()) == "" {
			t.Fatal("empty error message")
		}
	}
}

// TestFuzzCorpusIsCommitted keeps the seed corpus in the repository, so
// that `go test` replays it.
func TestFuzzCorpusIsCommitted(t *testing.T) {
	n := 0
	err := filepath.WalkDir("testdata/fuzz/FuzzLoadRule", func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil || n < 5 {
		t.Errorf("testdata/fuzz/FuzzLoadRule holds %d seeds (%v); want at least 5", n, err)
	}
}

// FuzzParseNamedLocations feeds arbitrary bytes to the named-locations
// reader. Nothing may panic, every error line must name the file, and what
// loads must hold together: every range is valid, and a Locator over the
// locations finds the first address of each range in a location, trusted
// when the location is.
//
// The seed corpus is the named-locations files of the repository plus
// testdata/fuzz/FuzzParseNamedLocations.
func FuzzParseNamedLocations(f *testing.F) {
	addSeedFiles(f, "testdata/namedlocations/*.json", "../samples/named-locations*.json")
	f.Add([]byte(`{"value":[{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"HQ","isTrusted":true,"ipRanges":[{"cidrAddress":"::ffff:198.51.100.0/120"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		locs, err := ParseNamedLocations("fuzz.json", data)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "fuzz.json: ") {
					t.Fatalf("error line %q does not name the file", line)
				}
			}
			return
		}
		loc := NewLocator(&Context{NamedLocations: locs})
		for _, l := range locs {
			for _, r := range l.Ranges {
				if !r.IsValid() {
					t.Fatalf("%s: invalid range %v", l.Name, r)
				}
				names, trusted, ok := loc.Locate(r.Addr().String())
				if !ok || len(names) == 0 {
					t.Fatalf("%s: %v: the first address of the range is in no location", l.Name, r)
				}
				if l.Trusted && !trusted {
					t.Fatalf("%s: %v: the location is trusted, the address is not", l.Name, r)
				}
			}
		}
	})
}

// addSeedFiles adds every file the glob patterns match to f's seed corpus.
func addSeedFiles(f *testing.F, patterns ...string) {
	f.Helper()
	for _, pattern := range patterns {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}
