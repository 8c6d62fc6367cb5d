package analyze

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/signinspect/signinspect/internal/samplegen/scenario"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

// samplePolicyContext is the story's tenant: policies, named locations
// and memberships.
func samplePolicyContext(t *testing.T) *rules.Context {
	t.Helper()
	dir := filepath.Join("..", "samples")
	ex, err := policy.LoadPolicies([]string{filepath.Join(dir, "policies.json")}, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	named, err := policy.LoadNamedLocations(filepath.Join(dir, "named-locations.json"), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := policy.LoadMemberships(filepath.Join(dir, "memberships.csv"), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &rules.Context{Policies: ex.Policies, NamedLocations: named, Memberships: m}
}

// TestSamplesPolicyEvaluation runs analyze with --policies on every sample
// export: each Conditional Access failure is blocked by the policy the
// story blocks it with, the evaluation agrees with every logged result,
// and the location fix is proposed for the location blocks alone, on the
// exports that log no per-policy results too.
func TestSamplesPolicyEvaluation(t *testing.T) {
	sc := scenario.New()
	files, err := sc.Files()
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ctx := samplePolicyContext(t)
	set, err := rules.Compile(builtin, ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Format == "" && len(f.Members) == 0 || f.Format == "portal-authdetails-csv" || len(f.SignIns) == 0 {
			continue
		}
		t.Run(f.Path, func(t *testing.T) {
			path := filepath.Join("..", "samples", filepath.FromSlash(f.Path))
			rep, err := Run(context.Background(), []string{path}, Options{Filter: Filter{Flow: FlowAny, Apps: []string{AppAny}}, Rules: set, Context: ctx})
			if err != nil {
				t.Fatal(err)
			}
			pe := rep.PolicyEvaluation
			if pe == nil {
				t.Fatal("no policy evaluation")
			}
			if a := pe.Agreement; a.Disagree != 0 || a.Undecided != 0 || a.Agree != a.Compared {
				t.Errorf("agreement %+v, disagreements %+v", a, pe.Disagreements)
			}
			blockedBy := map[string]string{} // Request ID → deciding policy.
			for _, g := range pe.Failures {
				if g.Verdict == "blocked" && len(g.RequestIDs) < g.Count {
					t.Fatalf("group %s lists %d of %d sign-ins; the test needs them all", g.Policy, len(g.RequestIDs), g.Count)
				}
				for _, id := range g.RequestIDs {
					blockedBy[id] = g.Policy
				}
			}
			want := 0
			for _, s := range f.SignIns {
				if s.Outcome.CAStatus != "failure" {
					continue
				}
				want++
				var failed string
				for _, r := range s.Outcome.Policies {
					if r.Result == "failure" && failed == "" {
						failed = r.Policy.Name
					}
				}
				if got := blockedBy[s.RequestID]; got != failed {
					t.Errorf("%s: blocked by %q, want %q", s.RequestID, got, failed)
				}
			}
			if pe.Verdicts.Blocked != want {
				t.Errorf("%d blocked, want %d", pe.Verdicts.Blocked, want)
			}
			for _, fd := range rep.Findings {
				if fd.Rule == "ca-block-without-policy-detail" {
					t.Errorf("ca-block-without-policy-detail fires although the evaluation names the policies")
				}
				if fd.Rule != "ip-outside-trusted-locations" {
					continue
				}
				for _, ev := range fd.Evidence {
					if s := sc.SignIn(ev.RequestID); s == nil || s.Cause != scenario.IPOutsideTrustedLocations {
						t.Errorf("ip-outside-trusted-locations fires on %s", ev.RequestID)
					}
				}
			}
		})
	}
}

// TestPolicyEvaluationIsOrderFree checks that the evaluation section is the
// same however many workers evaluate and whether or not the prefilter
// drops records undecoded.
func TestPolicyEvaluationIsOrderFree(t *testing.T) {
	ctx := samplePolicyContext(t)
	builtin, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(builtin, ctx)
	if err != nil {
		t.Fatal(err)
	}
	run := func(workers int, decodeAll bool) string {
		rep, err := Run(context.Background(), []string{filepath.Join("..", "samples", "graph")}, Options{
			Filter: Filter{Users: []string{"svc-build@contoso.com"}, Apps: []string{AppAny}, Flow: FlowAny},
			Rules:  set, Context: ctx, Workers: workers, DecodeAll: decodeAll, Top: 3})
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(rep.PolicyEvaluation)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if a, b := run(1, true), run(4, false); a != b {
		t.Errorf("one worker, every record decoded:\n%s\nfour workers, prefiltered:\n%s", a, b)
	}
}
