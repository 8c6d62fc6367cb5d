package rules

import (
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/expr-lang/expr/file"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// goRule returns a valid rule built in Go.
func goRule(id, when, fix string) Rule {
	return Rule{ID: id, Title: id, Description: id, When: when, Fix: fix}
}

func TestEvalMatchesAndRendersFixes(t *testing.T) {
	s, err := Compile([]Rule{
		goRule("blocked", `Failed() && HasPolicyControl("failure", "Block")`, "Allow {{ IP }} in {{ PolicyNames(\"failure\") }}."),
		goRule("never", `false`, "x"),
		goRule("always", `true`, "plain text"),
		goRule("values", `true`, "{{ Status.Code }} {{ Device.Compliant }} {{ Device.Managed }} {{ Failed() }} {{ [1, \"a\"] }} {{ nil }}|"),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := testRecord()
	rec.Device.Compliant = parse.BoolPtr(false)
	ev := s.NewEvaluator()
	ms := ev.Eval(rec)
	var got []string
	for _, m := range ms {
		got = append(got, m.Rule.ID+": "+m.Fix)
	}
	want := []string{
		"blocked: Allow 198.51.100.23 in Block outside office.",
		"always: plain text",
		"values: 53003 false  true 1, a |",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("matches:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(s.RunErrors()) != 0 {
		t.Errorf("run errors: %v", s.RunErrors())
	}
	// The evaluator does not keep the record.
	if ev.env.record != nil {
		t.Error("the evaluator holds on to the last record")
	}
}

func TestRunErrorReportedOnceAndRunGoesOn(t *testing.T) {
	s, err := Compile([]Rule{
		// Indexing past the end of a list is a run error.
		goRule("bad-idiom", `Policies[5].Result == "failure"`, "x"),
		goRule("bad-fix", `true`, "{{ Policies[7].Name }}"),
		goRule("fine", `Status.Code == 53003`, "ok"),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const perFile = 50
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			ev := s.NewEvaluator()
			for i := perFile; i >= 1; i-- { // Backwards, so that "first" is not simply the first seen.
				rec := testRecord()
				rec.Source = parse.Source{File: fmt.Sprintf("in-%d.json", w), Index: i, Line: i + 1}
				ms := ev.Eval(rec)
				if len(ms) != 2 || ms[0].Rule.ID != "bad-fix" || ms[0].Fix != "?" || ms[1].Rule.ID != "fine" {
					t.Errorf("matches = %+v", ms)
				}
			}
		}(w)
	}
	wg.Wait()
	errs := s.RunErrors()
	if len(errs) != 2 {
		t.Fatalf("run errors = %v", errs)
	}
	for i, want := range []struct{ id, key, msg string }{
		{"bad-fix", "fix", "index out of range"},
		{"bad-idiom", "when", "index out of range"},
	} {
		e := errs[i]
		if e.RuleID != want.id || e.Key != want.key || e.Count != 4*perFile || !strings.Contains(e.Err.Error(), want.msg) {
			t.Errorf("run error %d = %+v", i, e)
		}
		if e.First.File != "in-0.json" || e.First.Index != 1 {
			t.Errorf("first position = %+v, want in-0.json record 1", e.First)
		}
		var fe *file.Error
		if !errors.As(e, &fe) {
			t.Errorf("%v does not carry expr's position", e)
		}
	}
	if got := errs[1].Error(); !strings.HasPrefix(got, "rule bad-idiom: when: failed on 200 sign-ins, first in-0.json:2 (record 1): ") {
		t.Errorf("Error() = %q", got)
	}
}

func TestCompileErrorsAreJoined(t *testing.T) {
	_, err := Compile([]Rule{
		goRule("one", `Stauts.Code == 1`, "x"),
		goRule("two", `IP == 1`, "{{ Nope }}"),
		goRule("one", `true`, "x"),
		goRule("three", `InCIDR(IP, "300.0.0.0/8")`, "x"),
		goRule("four", `HasPolicyCondition("failed", "location") && HasTrustedRanges(5)`, "x"),
		goRule("five", `HasPolicyCondition("", "place")`, "x"),
		goRule("six", `Known(Flow)`, "x"),
		goRule("seven", `HasTrustedRanges(5)`, "x"),
	}, nil)
	if err == nil {
		t.Fatal("no error")
	}
	got := err.Error()
	for _, want := range []string{
		"rule one: id: duplicate rule ID",
		"rule one: when: unknown name Stauts; did you mean Status? (1:1)",
		"rule two: when: == compares text (IP) with a number (1) (1:4)",
		"rule two: fix: unknown name Nope; did you mean none? (1:2)",
		`rule three: when: InCIDR: "300.0.0.0/8" is not a CIDR range`,
		`rule four: when: HasPolicyCondition: "failed" is not a policy result`,
		`rule five: when: HasPolicyCondition: "place" is not a condition`,
		`rule six: when: Known takes a field name in quotes, like Known("Policies") (1:7)`,
		"rule seven: when: HasTrustedRanges: IP version 5; want 4, 6 or 0 for either (1:18)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors:\n%s\nlack %q", got, want)
		}
	}
}

func TestNodeLimit(t *testing.T) {
	long := "ASN==1" + strings.Repeat("||ASN==1", maxNodes/3)
	if _, err := Compile([]Rule{goRule("long", long, "x")}, nil); err == nil || !strings.Contains(err.Error(), "exceeds maximum allowed nodes") {
		t.Errorf("a %d-byte expression compiled: %v", len(long), err)
	}
}

func TestInNamedLocationIsCheckedAgainstTheContext(t *testing.T) {
	ctx := &Context{NamedLocations: []policy.NamedLocation{{Name: "Office", Kind: policy.LocationIP, Ranges: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}}}}
	r := goRule("office", `InNamedLocation(IP, "Ofice")`, "x")
	if _, err := Compile([]Rule{r}, ctx); err == nil || !strings.Contains(err.Error(), `no named location "Ofice" among the named locations`) {
		t.Errorf("misspelt location: %v", err)
	}
	// Without named locations there is nothing to check against.
	if _, err := Compile([]Rule{r}, nil); err != nil {
		t.Error(err)
	}
	r.When = `InNamedLocation(IP, "office")`
	s, err := Compile([]Rule{r}, ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec := testRecord()
	rec.IP = "203.0.113.4"
	if ms := s.NewEvaluator().Eval(rec); len(ms) != 1 {
		t.Error("InNamedLocation did not match")
	}
}

func TestTemplates(t *testing.T) {
	tests := []struct {
		text, want, err string
		values          []string // What the placeholders wrote, in order.
	}{
		{"no placeholders", "no placeholders", "", nil},
		{"{{IP}}", "198.51.100.23", "", []string{"198.51.100.23"}},
		{"a {{ IP }} b {{ User.UPN }} c", "a 198.51.100.23 b svc-build@contoso.com c", "", []string{"198.51.100.23", "svc-build@contoso.com"}},
		{`literal {{ "{{" }} braces }}`, "literal {{ braces }}", "", []string{"{{"}},
		{`{{ map(Policies, {.ID}) }}`, "p1, p2, p3", "", []string{"p1, p2, p3"}},
		{`{{ {"k": 1}.k }}`, "1", "", []string{"1"}}, // A map literal holds "}" before the closing "}}".
		{`the ::ffff:203.0.113.7 form{{ "" }} of {{ IP }}`, "the ::ffff:203.0.113.7 form of 198.51.100.23", "", []string{"198.51.100.23"}},
		{"{{ IP ", "", "unclosed placeholder", nil},
		{"x {{ }} y", "", "empty placeholder", nil},
		{"{{ Nope }}", "", "unknown name Nope", nil},
	}
	for _, tt := range tests {
		tmpl, err := compileTemplate(tt.text, (&Context{}).tenant())
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.text, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.text, err)
			continue
		}
		env := newEnv((&Context{}).tenant())
		env.record = (*record)(testRecord())
		ev := &Evaluator{}
		got, spans, err := tmpl.render(&ev.vm, env)
		if err != nil || got != tt.want {
			t.Errorf("%q renders %q, %v; want %q", tt.text, got, err, tt.want)
		}
		var values []string
		for _, sp := range spans {
			values = append(values, got[sp.Start:sp.End])
		}
		if !reflect.DeepEqual(values, tt.values) {
			t.Errorf("%q: placeholders wrote %q, want %q", tt.text, values, tt.values)
		}
	}
}

func TestFilter(t *testing.T) {
	f, err := CompileFilter(`Status.Code == 53003 && Trusted(IP)`, &Context{TrustedIPs: []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}})
	if err != nil {
		t.Fatal(err)
	}
	m := f.NewMatcher()
	rec := testRecord()
	if !m.Match(rec) {
		t.Error("no match")
	}
	rec.IP = "192.0.2.1"
	if m.Match(rec) {
		t.Error("match outside the trusted range")
	}
	if f.RunError() != nil || f.String() != `Status.Code == 53003 && Trusted(IP)` {
		t.Error("filter state")
	}

	bad, err := CompileFilter(`Device.Compliant == true || Policies[5].Result == "failure"`, nil)
	if err != nil {
		t.Fatal(err)
	}
	bm := bad.NewMatcher()
	for i := 0; i < 3; i++ {
		if bm.Match(testRecord()) {
			t.Error("a failing filter matched")
		}
	}
	if re := bad.RunError(); re == nil || re.Count != 3 || re.Key != "where" || re.RuleID != "" {
		t.Errorf("run error = %+v", re)
	}

	for src, want := range map[string]string{
		"":                 "where: empty expression",
		"Status.Code":      "where: expected bool, but got int",
		"Status.Code == ":  "where: unexpected token EOF (1:15)\n | Status.Code == \n | ..............^",
		`Known("Polices")`: `where: Known: no field "Polices"`,
	} {
		_, err := CompileFilter(src, nil)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("CompileFilter(%q) = %v, want prefix %q", src, err, want)
		}
	}
}

func TestCombine(t *testing.T) {
	base := []Rule{goRule("a", "true", "base a"), goRule("b", "true", "base b"), goRule("c", "true", "c")}
	extra := []Rule{goRule("b", "false", "user b"), goRule("d", "true", "d")}
	rs, err := Combine(base, extra, []string{"c"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.ID+"="+r.Fix)
	}
	if strings.Join(got, ",") != "a=base a,b=user b,d=d" {
		t.Errorf("Combine = %v", got)
	}
	if _, err := Combine(base, nil, []string{"nope", "a", "zip"}); err == nil || err.Error() != "no rule with ID nope, zip (see signinspect rules list)" {
		t.Errorf("unknown --disable: %v", err)
	}
}
