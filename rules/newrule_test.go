package rules

import (
	"testing"
)

// TestNewRuleFileLoadsAndPasses checks that the rule `rules new` writes
// loads, compiles, and passes its own tests.
func TestNewRuleFileLoadsAndPasses(t *testing.T) {
	data, err := NewRuleFile("blocked-build", "blocked-build.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Parse("blocked-build.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].ID != "blocked-build" || len(rs[0].Tests) != 3 {
		t.Fatalf("rules = %+v", rs)
	}
	for _, res := range SelfTest(s) {
		if !res.Passed() {
			t.Errorf("%s: %v", res.Case.Name, res.Err)
		}
	}
	if _, err := NewRuleFile("Blocked Build", "x.yaml"); err == nil {
		t.Error("an ID that is not kebab-case was accepted")
	}
}
