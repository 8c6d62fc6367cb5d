package analyze

import (
	"sort"
	"strings"
	"time"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

// This file puts signinspect's evaluation of --policies into the report:
// what the policies make of the matched sign-ins (blocked, allowed,
// unknown), each failure grouped by the policy that blocks it and the
// conditions that decide, and how the evaluation compares with the
// per-policy results Entra logged.

// PolicyEvaluation is the report's section on --policies.
type PolicyEvaluation struct {
	// Policies, NamedLocations and Memberships count what was evaluated
	// against: policies, named locations, and users whose groups were
	// given.
	Policies       int `json:"policies"`
	NamedLocations int `json:"namedLocations"`
	Memberships    int `json:"memberships"`
	// Verdicts counts the matched sign-ins by what the policies make of
	// them.
	Verdicts VerdictCounts `json:"verdicts"`
	// Failures groups the failed sign-ins by the evaluation: the verdict,
	// the policy that decides it and why, the most frequent first.
	Failures        []EvaluatedFailure `json:"failures"`
	FailuresOmitted int                `json:"failuresOmitted,omitempty"`
	// Agreement compares the evaluation with the per-policy results the
	// exports logged.
	Agreement Agreement `json:"agreement"`
	// Disagreements lists each policy result the evaluation does not
	// reproduce, the earliest first.
	Disagreements        []EvaluationDisagreement `json:"disagreements"`
	DisagreementsOmitted int                      `json:"disagreementsOmitted,omitempty"`
	// Warnings say what of the policies signinspect reads as unknown, and
	// what reading them left out.
	Warnings []string `json:"warnings"`
}

// VerdictCounts counts sign-ins by verdict.
type VerdictCounts struct {
	Blocked      int `json:"blocked"`
	Allowed      int `json:"allowed"`
	Unknown      int `json:"unknown"`
	NotEvaluated int `json:"notEvaluated"`
}

// EvaluatedFailure is a group of failed sign-ins that the evaluation
// explains alike.
type EvaluatedFailure struct {
	// Verdict is blocked, unknown, allowed (the policies let the sign-in
	// through: it failed for another reason) or notEvaluated (it failed
	// before Conditional Access).
	Verdict string `json:"verdict"`
	// Policy and PolicyID name the policy that decides: the one that
	// blocks, or for an unknown verdict the one that may.
	Policy   string `json:"policy,omitempty"`
	PolicyID string `json:"policyId,omitempty"`
	// Conditions are the conditions that decide the block (those the
	// policy configures and that match), or the one that is unknown.
	Conditions []string `json:"conditions"`
	// Control is the control that stops the sign-in (block, mfa, ...) and
	// its status (block, notSatisfied, unsatisfiable, unknown, ...).
	Control       string `json:"control,omitempty"`
	ControlStatus string `json:"controlStatus,omitempty"`
	// Reason says it in words.
	Reason string `json:"reason"`
	Count  int    `json:"count"`
	// Logged counts the sign-ins of the group whose export logged the
	// same policy as failed.
	Logged int       `json:"logged"`
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
	// RequestIDs are the first sign-ins of the group, in time order.
	RequestIDs []string `json:"requestIds"`
}

// Agreement compares the evaluation with what Entra logged.
type Agreement struct {
	// SignIns counts the matched sign-ins whose export carries per-policy
	// results; Compared their policy results compared.
	SignIns   int `json:"signIns"`
	Compared  int `json:"compared"`
	Agree     int `json:"agree"`
	Undecided int `json:"undecided"`
	Disagree  int `json:"disagree"`
}

// EvaluationDisagreement is one policy result the evaluation does not
// reproduce.
type EvaluationDisagreement struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId"`
	User      string    `json:"user,omitempty"`
	Policy    string    `json:"policy"`
	PolicyID  string    `json:"policyId,omitempty"`
	// Logged is Entra's result ("" when the sign-in's list lacks the
	// policy); Evaluated signinspect's ("" when the export lacks it).
	Logged    string `json:"logged"`
	Evaluated string `json:"evaluated"`
	// Condition is what differs: a condition, "state", "controls" or
	// "policy".
	Condition string `json:"condition"`
	Reason    string `json:"reason"`
	Source    string `json:"source"`

	pos parse.Source
}

// maxDisagreements and maxGroupIDs bound what the section keeps of each
// sign-in.
const (
	maxDisagreements = 1000
	maxGroupIDs      = 3
)

// evalOutcome is what a worker found out of one kept record's evaluation,
// for the collector to fold.
type evalOutcome struct {
	verdict policy.Verdict
	// failure is set for a failed sign-in: how the evaluation explains it.
	failure    *EvaluatedFailure
	loggedFail bool // The export logged the deciding policy as failed.
	comparison policy.Comparison
}

// evaluator evaluates kept records for one worker: through the rule
// evaluator when the rules run with the same policies (one evaluation
// serves both), else on its own.
type evaluator struct {
	pe *policy.Evaluator
	ev policy.Evaluation
}

func newEvaluator(ctx *rules.Context) *evaluator {
	pe := ctx.PolicyEvaluator()
	if pe == nil {
		return nil
	}
	return &evaluator{pe: pe}
}

// outcome evaluates rec, or takes the rules' evaluation of it when they
// evaluated the same policies.
func (e *evaluator) outcome(rec *parse.Record, fromRules *policy.Evaluation) *evalOutcome {
	ev := fromRules
	if ev == nil || ev.Record() != rec || ev.Evaluator() != e.pe {
		ev = &e.ev
		e.pe.Evaluate(rec, ev)
	}
	o := &evalOutcome{verdict: ev.Verdict, comparison: e.pe.Compare(ev)}
	if !rec.Failed() {
		return o
	}
	f := &EvaluatedFailure{Verdict: ev.Verdict.String(), Conditions: []string{}, Count: 1}
	switch d := ev.DecidingResult(); {
	case d != nil:
		x := e.pe.Explain(ev, d.Index)
		f.Policy, f.PolicyID = d.Policy.Label(), d.Policy.ID
		if d.Applies == policy.Unknown {
			f.Conditions = append(f.Conditions, d.Reason.String())
		} else {
			for _, c := range d.Deciding.List() {
				f.Conditions = append(f.Conditions, c.String())
			}
		}
		if d.Control != "" {
			f.Control, f.ControlStatus = d.Control, d.ControlStatus.String()
		}
		f.Reason = x.Summary()
		for _, lp := range rec.Policies {
			if strings.EqualFold(lp.ID, d.Policy.ID) && lp.Result == parse.CAFailure {
				o.loggedFail = true
			}
		}
	case ev.Verdict == policy.VerdictNotEvaluated:
		f.Reason = "the sign-in failed before Conditional Access, or a managed identity signed in: the policies do not decide it"
	default:
		f.Reason = "no enabled policy stops the sign-in: it failed for another reason than Conditional Access, or the policies changed since"
	}
	o.failure = f
	return o
}

// evalAgg folds the evaluation outcomes of the matched records.
type evalAgg struct {
	verdicts      VerdictCounts
	failures      map[string]*EvaluatedFailure
	agreement     Agreement
	disagreements []EvaluationDisagreement
	omitted       int
}

func (a *aggregator) addEvaluation(rec *parse.Record, o *evalOutcome) {
	if a.eval == nil {
		a.eval = &evalAgg{failures: map[string]*EvaluatedFailure{}}
	}
	e := a.eval
	switch o.verdict {
	case policy.VerdictBlocked:
		e.verdicts.Blocked++
	case policy.VerdictAllowed:
		e.verdicts.Allowed++
	case policy.VerdictNotEvaluated:
		e.verdicts.NotEvaluated++
	default:
		e.verdicts.Unknown++
	}
	if f := o.failure; f != nil {
		key := f.Verdict + "\x00" + f.PolicyID + "\x00" + f.Policy + "\x00" + f.Control + "\x00" + f.Reason
		g := e.failures[key]
		if g == nil {
			c := *f
			c.First, c.Last, c.Count, c.RequestIDs = rec.Time, rec.Time, 0, []string{}
			g = &c
			e.failures[key] = g
		}
		g.Count++
		if o.loggedFail {
			g.Logged++
		}
		if rec.Time.Before(g.First) {
			g.First = rec.Time
		}
		if rec.Time.After(g.Last) {
			g.Last = rec.Time
		}
		g.RequestIDs = offerID(g.RequestIDs, rec.RequestID)
	}
	c := o.comparison
	if c.Compared > 0 {
		e.agreement.SignIns++
	}
	e.agreement.Compared += c.Compared
	e.agreement.Agree += c.Agree
	e.agreement.Undecided += c.Undecided
	e.agreement.Disagree += len(c.Disagreements)
	for _, d := range c.Disagreements {
		if len(e.disagreements) >= maxDisagreements {
			e.omitted++
			continue
		}
		_, user, _ := userOf(rec)
		e.disagreements = append(e.disagreements, EvaluationDisagreement{Time: rec.Time, RequestID: rec.RequestID, User: user,
			Policy: d.Policy, PolicyID: d.PolicyID, Logged: d.Logged, Evaluated: d.Evaluated, Condition: d.Condition,
			Reason: d.Reason, Source: sourceString(rec.Source), pos: rec.Source})
	}
}

// offerID keeps the first request IDs met, each once.
func offerID(ids []string, id string) []string {
	if id == "" || len(ids) >= maxGroupIDs {
		return ids
	}
	for _, x := range ids {
		if strings.EqualFold(x, id) {
			return ids
		}
	}
	return append(ids, id)
}

// fillEvaluation writes the section when the run evaluated policies.
func (a *aggregator) fillEvaluation(r *Report, o sectionOptions) {
	ctx := o.context
	if ctx.PolicyEvaluator() == nil {
		return
	}
	pe := &PolicyEvaluation{Policies: len(ctx.Policies), NamedLocations: len(ctx.NamedLocations), Memberships: ctx.Memberships.Users(),
		Failures: []EvaluatedFailure{}, Disagreements: []EvaluationDisagreement{}, Warnings: []string{}}
	for _, p := range ctx.Policies {
		for _, w := range p.Warnings {
			pe.Warnings = append(pe.Warnings, p.Label()+": "+w)
		}
	}
	pe.Warnings = append(pe.Warnings, ctx.Notes...)
	if e := a.eval; e != nil {
		pe.Verdicts, pe.Agreement = e.verdicts, e.agreement
		for _, g := range e.failures {
			pe.Failures = append(pe.Failures, *g)
		}
		sort.Slice(pe.Failures, func(i, j int) bool {
			fi, fj := &pe.Failures[i], &pe.Failures[j]
			if fi.Count != fj.Count {
				return fi.Count > fj.Count
			}
			if !fi.First.Equal(fj.First) {
				return fi.First.Before(fj.First)
			}
			return fi.Reason < fj.Reason
		})
		pe.Failures, pe.FailuresOmitted = cut(pe.Failures, o.top)
		pe.Disagreements = append(pe.Disagreements, e.disagreements...)
		sort.SliceStable(pe.Disagreements, func(i, j int) bool {
			di, dj := &pe.Disagreements[i], &pe.Disagreements[j]
			if !di.Time.Equal(dj.Time) {
				return di.Time.Before(dj.Time)
			}
			return sourceBefore(di.pos, dj.pos)
		})
		var omitted int
		pe.Disagreements, omitted = cut(pe.Disagreements, o.top)
		pe.DisagreementsOmitted = omitted + e.omitted
	}
	r.PolicyEvaluation = pe
}

// sourceBefore orders positions by input, then line and record.
func sourceBefore(a, b parse.Source) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Index < b.Index
}
