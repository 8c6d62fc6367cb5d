package rules

import (
	"path"
	"sort"
	"strings"
	"testing"
)

// packIDs are the built-in rule IDs. IDs are stable: users --disable them
// and reports carry them, so changing this list must be deliberate.
var packIDs = []string{
	"account-disabled",
	"account-locked",
	"ado-ip-fencing-non-interactive",
	"block-policy-conditions-unlisted",
	"ca-block-without-policy-detail",
	"device-required-no-device-context",
	"invalid-credentials",
	"ip-outside-trusted-locations",
	"ip-seen-by-resource-differs",
	"ipv6-caller-ipv4-only-locations",
	"mfa-required-non-interactive",
	"password-expired-or-changed",
	"policy-no-longer-covers-azure-devops",
	"report-only-would-block",
	"sign-in-frequency-stale-token",
	"token-expired-or-revoked",
}

// packTags is the tag vocabulary of the pack, so that a misspelt tag fails.
var packTags = map[string]bool{
	"conditional-access": true, "location": true, "azure-devops": true, "root-cause": true,
	"mfa": true, "pat": true, "device": true, "session": true, "sign-in-frequency": true,
	"vpn": true, "ipv6": true, "coverage": true, "report-only": true, "export": true,
	"password": true, "account": true, "token": true,
}

func TestBuiltinPack(t *testing.T) {
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
		if !r.Builtin {
			t.Errorf("%s: Builtin not set", r.ID)
		}
		if want := "builtin/" + r.ID + ".yaml"; r.File != want {
			t.Errorf("%s: defined in %s, want %s", r.ID, r.File, want)
		}
		if r.Title == "" || strings.HasSuffix(r.Title, ".") || r.Description == "" || r.Fix == "" || r.When == "" {
			t.Errorf("%s: incomplete metadata (title without a final period, description, when, fix)", r.ID)
		}
		if len(r.Tags) == 0 || len(r.References) == 0 {
			t.Errorf("%s: needs tags and references", r.ID)
		}
		for _, tag := range r.Tags {
			if !packTags[tag] {
				t.Errorf("%s: tag %q is not in the pack's vocabulary", r.ID, tag)
			}
		}
		for _, ref := range r.References {
			if !strings.HasPrefix(ref, "https://") {
				t.Errorf("%s: reference %q is not an https URL", r.ID, ref)
			}
		}
		var match, noMatch int
		for _, c := range r.Tests {
			if c.Match {
				match++
			} else {
				noMatch++
			}
		}
		if match == 0 || noMatch == 0 {
			t.Errorf("%s: %d matching and %d non-matching cases; want at least one of each", r.ID, match, noMatch)
		}
	}
	if strings.Join(ids, "\n") != strings.Join(packIDs, "\n") {
		t.Errorf("pack IDs:\n%s\nwant:\n%s", strings.Join(ids, "\n"), strings.Join(packIDs, "\n"))
	}

	s, err := Compile(rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	results := SelfTest(s)
	if len(results) < 2*len(rs) {
		t.Errorf("%d case results for %d rules", len(results), len(rs))
	}
	for _, res := range results {
		if !res.Passed() {
			t.Errorf("%s: rule %s: case %q: %v", res.Where(), res.Rule.ID, res.Case.Name, res.Err)
		}
	}
}

// TestRootCausesSpareSuccesses evaluates every root-cause rule on every
// case record of the pack: no root cause may fire on a successful sign-in.
// It also reports, for each matching case, the other rules that fire, so
// that overlaps stay deliberate.
func TestRootCausesSpareSuccesses(t *testing.T) {
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	successes := 0
	for _, owner := range s.Rules() {
		for _, cc := range owner.cases {
			env := newEnv(cc.t)
			env.record = (*record)(cc.record)
			ev := &Evaluator{}
			var fired []string
			for _, r := range s.Rules() {
				ok, err := runBool(&ev.vm, r.when, env)
				if err != nil {
					t.Errorf("rule %s on the record of %s, case %q: %v", r.ID, owner.ID, cc.Name, err)
				}
				if ok {
					fired = append(fired, r.ID)
				}
			}
			if cc.record.Failed() {
				continue
			}
			successes++
			for _, id := range fired {
				if hasTag(s, id, "root-cause") {
					t.Errorf("root cause %s fires on the successful sign-in of %s, case %q", id, owner.ID, cc.Name)
				}
			}
		}
	}
	if successes < 5 {
		t.Errorf("only %d successful case records; the check needs more", successes)
	}
}

func hasTag(s *Set, id, tag string) bool {
	for _, r := range s.Rules() {
		if r.ID == id {
			for _, t := range r.Tags {
				if t == tag {
					return true
				}
			}
		}
	}
	return false
}

// TestRootCauseTable checks that each of the usual root causes of a
// VS403463 (an IP outside the trusted named locations, MFA, a compliant
// device, a sign-in frequency policy; README.md's walk-through names them)
// has a rule tagged root-cause whose fix says what to change.
func TestRootCauseTable(t *testing.T) {
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Rule{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	for id, phrases := range map[string][]string{
		"ip-outside-trusted-locations":      {"named location", "trusted"},
		"mfa-required-non-interactive":      {"cannot do MFA", "Exclude Azure DevOps", "service principal"},
		"device-required-no-device-context": {"carry no device information", "Exclude"},
		"sign-in-frequency-stale-token":     {"revoke the PAT", "create a new one"},
	} {
		r, ok := byID[id]
		if !ok {
			t.Errorf("no rule %s", id)
			continue
		}
		tagged := false
		for _, tag := range r.Tags {
			tagged = tagged || tag == "root-cause"
		}
		if !tagged {
			t.Errorf("%s is not tagged root-cause", id)
		}
		for _, p := range phrases {
			if !strings.Contains(r.Fix, p) {
				t.Errorf("%s: fix lacks %q", id, p)
			}
		}
	}
}

// TestPackFilesAreRules checks that the embedded directory holds only rule
// files, one rule each.
func TestPackFilesAreRules(t *testing.T) {
	entries, err := builtinFS.ReadDir("builtin")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), path.Ext(e.Name())))
	}
	sort.Strings(names)
	if strings.Join(names, ",") != strings.Join(packIDs, ",") {
		t.Errorf("files %v, want one per ID", names)
	}
}
