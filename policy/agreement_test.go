package policy

import (
	"errors"
	"io"
	"testing"

	"github.com/signinspect/signinspect/parse"
)

// sampleRecords calls fn with every sign-in of every sample export.
func sampleRecords(t *testing.T, fn func(in string, rec *parse.Record)) {
	t.Helper()
	inputs, err := parse.Expand([]string{"../samples/"}, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		rd, err := parse.Open(in, parse.Options{})
		if errors.Is(err, parse.ErrUnknownFormat) {
			continue // The README, the named locations, the policies.
		}
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := rd.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", in.Name, err)
			}
			fn(in.Name, rec)
		}
		rd.Close()
	}
}

// sampleConfig is the story's policies and named locations, as exported.
func sampleConfig(t *testing.T) Config {
	t.Helper()
	ex, err := LoadPolicies([]string{"../samples/policies.json"}, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	locs, err := LoadNamedLocations("../samples/named-locations.json", parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return Config{Policies: ex.Policies, NamedLocations: locs}
}

// TestAgreement checks the evaluation against Entra's own: on every sample
// sign-in whose export carries the per-policy results, each policy's
// evaluated result is the one logged, without memberships (what the logged
// results prove is enough), and none is left undecided.
func TestAgreement(t *testing.T) {
	e := NewEvaluator(sampleConfig(t))
	var total Comparison
	signIns := 0
	sampleRecords(t, func(in string, rec *parse.Record) {
		var ev Evaluation
		e.Evaluate(rec, &ev)
		c := e.Compare(&ev)
		if c.Compared > 0 {
			signIns++
		}
		total.Compared += c.Compared
		total.Agree += c.Agree
		total.Undecided += c.Undecided
		for _, d := range c.Disagreements {
			t.Errorf("%s: %s: %s logged %s, evaluated %s (%s: %s)", in, rec.RequestID, d.Policy, d.Logged, d.Evaluated, d.Condition, d.Reason)
		}
		if c.Undecided > 0 {
			t.Errorf("%s: %s: %d policies undecided", in, rec.RequestID, c.Undecided)
		}
	})
	if signIns < 100 || total.Agree != total.Compared {
		t.Errorf("%d sign-ins with logged results, %d policy results compared, %d agree", signIns, total.Compared, total.Agree)
	}
}

// TestSampleVerdicts checks the verdict on every sample sign-in, with the
// memberships: blocked exactly when Conditional Access failed it, allowed
// when it succeeded, not evaluated when it failed before Conditional
// Access or was a managed identity's. That holds for the exports that lack
// the per-policy results too (the portal CSV downloads), whose verdicts
// also name the blocking policy.
func TestSampleVerdicts(t *testing.T) {
	cfg := sampleConfig(t)
	var err error
	if cfg.Memberships, err = LoadMemberships("../samples/memberships.json", parse.Options{}); err != nil {
		t.Fatal(err)
	}
	e := NewEvaluator(cfg)
	seen := map[Verdict]int{}
	sampleRecords(t, func(in string, rec *parse.Record) {
		var ev Evaluation
		e.Evaluate(rec, &ev)
		seen[ev.Verdict]++
		var want Verdict
		switch {
		case rec.Flow == parse.FlowManagedIdentity, rec.Failed() && rec.CAStatus != parse.CAFailure:
			want = VerdictNotEvaluated
		case rec.CAStatus == parse.CAFailure:
			want = VerdictBlocked
		default:
			want = VerdictAllowed
		}
		if rec.Flow == parse.FlowServicePrincipal {
			want = VerdictAllowed
		}
		if ev.Verdict != want {
			d := ev.DecidingResult()
			why := ""
			if d != nil {
				x := e.Explain(&ev, d.Index)
				why = d.Policy.Name + ": " + x.Summary()
			}
			t.Errorf("%s: %s (%d, CA %s): verdict %v, want %v (%s)", in, rec.RequestID, rec.Status.Code, rec.CAStatus, ev.Verdict, want, why)
		}
		if ev.Verdict == VerdictBlocked && rec.Known.Has(parse.FieldPolicies) {
			logged := false
			for _, p := range rec.Policies {
				logged = logged || p.ID == ev.DecidingResult().Policy.ID && p.Result == parse.CAFailure
			}
			if !logged {
				t.Errorf("%s: %s: blocked by %s, which Entra did not log as failed", in, rec.RequestID, ev.DecidingResult().Policy.Name)
			}
		}
	})
	if seen[VerdictBlocked] == 0 || seen[VerdictAllowed] == 0 || seen[VerdictNotEvaluated] == 0 {
		t.Errorf("verdicts %v: want some of each", seen)
	}
}
