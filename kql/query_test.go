package kql

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with the golden file name under testdata, or
// rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./kql -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the generated text (run go test ./kql -update and review the diff)\n%s", path, firstDiff(string(want), got))
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n want: " + a + "\n  got: " + b
		}
	}
	return ""
}

// builtinSet compiles the built-in pack with ctx.
func builtinSet(t *testing.T, ctx *rules.Context) []*rules.Compiled {
	t.Helper()
	rs, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(rs, ctx)
	if err != nil {
		t.Fatal(err)
	}
	return set.Rules()
}

// walkthroughFilter is the README walk-through's: user svc-build, Azure
// DevOps, non-interactive, --at "2026-11-20 10:15" --window 30m.
func walkthroughFilter() analyze.Filter {
	at := time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC)
	f := analyze.DefaultFilter()
	f.Users = []string{"svc-build@contoso.com"}
	f.Since, f.Until = at.Add(-30*time.Minute), at.Add(30*time.Minute)
	return f
}

// sampleContext is the samples' named locations and an IPv6 trusted
// range, so that the queries inline ranges of both families.
func sampleContext(t *testing.T) *rules.Context {
	t.Helper()
	nl, err := policy.LoadNamedLocations(filepath.Join("..", "samples", "named-locations.json"), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &rules.Context{NamedLocations: nl, TrustedIPs: []netip.Prefix{netip.MustParsePrefix("2001:db8:4d2:10::/64")}}
}

func TestCanonicalGolden(t *testing.T) {
	q, err := Build(builtinSet(t, nil), Options{Filter: walkthroughFilter()})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "canonical.kql", q)
}

func TestPerRuleGolden(t *testing.T) {
	f := analyze.Filter{Flow: analyze.FlowAny, Status: analyze.StatusAny}
	set := builtinSet(t, nil)
	qs, err := PerRule(set, Options{Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != len(set) {
		t.Fatalf("%d queries, want one per built-in rule (%d)", len(qs), len(set))
	}
	for _, q := range qs {
		golden(t, filepath.Join("rules", q.Rule.ID+".kql"), q.Text)
	}
}

func TestSentinelGolden(t *testing.T) {
	srs, err := Sentinel(builtinSet(t, nil), Options{Filter: analyze.DefaultFilter()})
	if err != nil {
		t.Fatal(err)
	}
	for _, sr := range srs {
		if sr.Rule.ID == "ip-outside-trusted-locations" {
			golden(t, filepath.Join("sentinel", sr.Rule.ID+".yaml"), sr.YAML)
		}
		if !strings.Contains(sr.YAML, "id: "+ruleUUID(sr.Rule.ID)+"\n") || !strings.Contains(sr.YAML, "kind: Scheduled\n") {
			t.Errorf("%s: the analytics rule lacks its id or kind", sr.Rule.ID)
		}
	}
	if ruleUUID("a") == ruleUUID("b") || ruleUUID("a") != ruleUUID("a") {
		t.Error("rule IDs do not give stable, distinct UUIDs")
	}
	if got := ruleUUID("ip-outside-trusted-locations"); got[14] != '5' || !strings.ContainsAny(got[19:20], "89ab") {
		t.Errorf("ruleUUID = %s, not a version 5 UUID", got)
	}
}

// TestQueriesCheck runs every kind of generated query through Microsoft's
// Kusto language service: zero errors.
func TestQueriesCheck(t *testing.T) {
	queries := map[string]string{}
	all := builtinSet(t, nil)
	canonical, err := Build(all, Options{Filter: walkthroughFilter()})
	if err != nil {
		t.Fatal(err)
	}
	queries["canonical"] = canonical
	for _, flow := range analyze.Flows {
		f := analyze.Filter{Flow: flow, Apps: []string{analyze.AppAny}, Status: analyze.StatusFailure}
		q, err := Build(all, Options{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		queries["flow "+flow] = q
	}
	ctx := sampleContext(t)
	withLocations := builtinSet(t, ctx)
	q, err := Build(withLocations, Options{Filter: analyze.Filter{Flow: analyze.FlowAny, Since: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)}, Context: ctx})
	if err != nil {
		t.Fatal(err)
	}
	queries["named locations"] = q
	per, err := PerRule(withLocations, Options{Filter: analyze.Filter{Flow: analyze.FlowAny}, Context: ctx})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range per {
		queries["per-rule "+q.Rule.ID] = q.Text
	}
	srs, err := Sentinel(all, Options{Filter: analyze.DefaultFilter()})
	if err != nil {
		t.Fatal(err)
	}
	for _, sr := range srs {
		queries["sentinel "+sr.Rule.ID] = sr.Query
	}
	where, err := rules.CompileFilter(`Status.Code == 53003 && !(IP in ["198.51.100.23"])`, nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err = Build(all, Options{Filter: analyze.Filter{Flow: analyze.FlowAny, Where: where, Until: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	queries["where"] = q
	requireClean(t, queries)
}

// TestRefused checks that a rule with no KQL form is refused with one line
// naming the rule, the construct and its position.
func TestRefused(t *testing.T) {
	rs, err := rules.Parse("mine.yaml", []byte(`id: late
title: Late
severity: low
status: experimental
description: After hours.
when: |
  Failed()
  && Time.Hour() > 18
fix: Check {{ IP }}.
`))
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(set.Rules(), Options{Filter: analyze.DefaultFilter()})
	want := "mine.yaml:8: rule late: when: no KQL form for the method Time.Hour() (2:9)"
	if err == nil || err.Error() != want {
		t.Errorf("Build error %q, want %q", err, want)
	}
	if errs := Check(set.Rules(), nil); len(errs) != 1 || errs[0] == nil || errs[0].Error() != want {
		t.Errorf("Check = %v, want [%s]", errs, want)
	}
	where, err := rules.CompileFilter("Time.Hour() > 18", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(nil, Options{Filter: analyze.Filter{Where: where}})
	if we, ok := err.(*WhereError); !ok || we.Error() != "no KQL form for the method Time.Hour() (1:6)" {
		t.Errorf("Build with --where error %v, want a WhereError naming Time.Hour()", err)
	}
}

// TestEveryBuiltinTranslates is the promise: the whole pack
// translates, whatever the context.
func TestEveryBuiltinTranslates(t *testing.T) {
	for _, ctx := range []*rules.Context{nil, sampleContext(t)} {
		for i, err := range Check(builtinSet(t, ctx), ctx) {
			if err != nil {
				t.Errorf("rule %d: %v", i, err)
			}
		}
	}
}
