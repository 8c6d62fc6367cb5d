package rules

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/internal/errlist"
	"github.com/signinspect/signinspect/internal/fuzzseed"
)

// FuzzLoadRule feeds arbitrary bytes to the rule loader and, when they load,
// to the compiler, the self-tests and an evaluator. Nothing may panic or
// hang, and every error must be a *RuleError that names the file.
//
// The seed corpus is every rule file of the repository plus
// testdata/fuzz/FuzzLoadRule.
func FuzzLoadRule(f *testing.F) {
	for _, seed := range fuzzseed.Files(f, "testdata/valid/*.yaml", "testdata/invalid/*.yaml", "builtin/*.yaml") {
		f.Add(seed)
	}
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
	for _, e := range errlist.Flatten(err) {
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
