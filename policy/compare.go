package policy

import (
	"fmt"
	"strings"

	"github.com/signinspect/signinspect/parse"
)

// A Comparison sets signinspect's evaluation of a sign-in beside the
// per-policy results Entra logged for it: how many agree, how many the
// evaluation leaves undecided, and each disagreement with the condition
// that differs, which points at a stale export, a missing membership or a
// gap in the evaluator.
type Comparison struct {
	// Compared counts the logged policy results compared.
	Compared int
	Agree    int
	// Undecided counts results the evaluation leaves unknown.
	Undecided     int
	Disagreements []Disagreement
}

// A Disagreement is one policy whose logged result the evaluation does not
// reproduce.
type Disagreement struct {
	PolicyID, Policy string
	// Logged is Entra's result ("" when the sign-in's list lacks the
	// policy); Evaluated is signinspect's ("" when the export lacks it).
	Logged, Evaluated string
	// Condition is what differs: a condition's What If name, "state",
	// "controls", or "policy" when one side lacks the policy.
	Condition string
	// Reason says what the evaluation found.
	Reason string
}

// resultClass groups policy results by what they say of the conditions:
// "notEnabled", "notApplied", "applied", or "" for results that say
// nothing (unknown).
func resultClass(r string) string {
	switch r {
	case parse.CANotEnabled:
		return "notEnabled"
	case parse.CANotApplied, parse.CAReportOnlyNotApplied:
		return "notApplied"
	case parse.CASuccess, parse.CAFailure, parse.CAReportOnlySuccess, parse.CAReportOnlyFailure, parse.CAReportOnlyInterrupted:
		return "applied"
	}
	return ""
}

func reportOnlyResult(r string) bool { return strings.HasPrefix(r, "reportOnly") }

// outcomeOf is "success" or "failure" for an applied result, else "".
func outcomeOf(r string) string {
	switch r {
	case parse.CASuccess, parse.CAReportOnlySuccess:
		return "success"
	case parse.CAFailure, parse.CAReportOnlyFailure:
		return "failure"
	}
	return ""
}

// Compare compares ev with the policy results the sign-in's export logged.
// A sign-in whose export carries no per-policy results compares nothing.
func (e *Evaluator) Compare(ev *Evaluation) Comparison {
	var c Comparison
	rec := ev.f.rec
	if !rec.Known.Has(parse.FieldPolicies) || len(rec.Policies) == 0 {
		return c
	}
	// seen marks the policies the sign-in's list holds; a few hundred
	// policies fit on the stack.
	var stack [512]bool
	seen := stack[:0]
	if len(e.policies) <= len(stack) {
		seen = stack[:len(e.policies)]
	} else {
		seen = make([]bool, len(e.policies))
	}
	for li := range rec.Policies {
		lp := &rec.Policies[li]
		if resultClass(lp.Result) == "" {
			continue
		}
		c.Compared++
		i, ok := e.indexOf(lp.ID)
		if !ok {
			c.Disagreements = append(c.Disagreements, Disagreement{PolicyID: lp.ID, Policy: firstNonEmpty(lp.Name, lp.ID),
				Logged: lp.Result, Condition: "policy",
				Reason: "the policy is not in the policy export (deleted since the sign-in, or exported from another tenant)"})
			continue
		}
		seen[i] = true
		if d, ok := e.compareOne(ev, i, lp); ok {
			c.Disagreements = append(c.Disagreements, d)
		} else if resultClass(ev.Results[i].Result) == "" || ev.Results[i].Result == parse.CAUnknown ||
			resultClass(lp.Result) == "applied" && outcomeOf(lp.Result) != "" && outcomeOf(ev.Results[i].Result) == "" {
			c.Undecided++
		} else {
			c.Agree++
		}
	}
	// A policy the list lacks matters when the evaluation has it stop the
	// sign-in: the export then holds a block the log does not know of
	// (exports need not list every policy that does not apply).
	for i := range e.policies {
		r := &ev.Results[i]
		if seen[i] || !r.Enforced() || !r.Stops() {
			continue
		}
		c.Disagreements = append(c.Disagreements, Disagreement{PolicyID: e.policies[i].ID, Policy: e.policies[i].Label(),
			Evaluated: r.Result, Condition: "policy",
			Reason: "the sign-in's policy list lacks the policy (created or changed after the sign-in?); signinspect finds that it stops the sign-in"})
	}
	return c
}

// compareOne compares policy i with its logged result lp; ok is false when
// they agree (or the evaluation cannot tell).
func (e *Evaluator) compareOne(ev *Evaluation, i int, lp *parse.Policy) (Disagreement, bool) {
	r := &ev.Results[i]
	p := &e.policies[i]
	d := Disagreement{PolicyID: p.ID, Policy: p.Label(), Logged: lp.Result, Evaluated: r.Result}
	logged, evaluated := resultClass(lp.Result), resultClass(r.Result)
	switch {
	case logged == "notEnabled" && p.State != StateDisabled || logged != "notEnabled" && p.State == StateDisabled ||
		logged != "notEnabled" && p.State == StateEnabled && reportOnlyResult(lp.Result) ||
		p.State == StateReportOnly && logged != "notEnabled" && !reportOnlyResult(lp.Result):
		d.Condition = "state"
		d.Reason = fmt.Sprintf("the export has the policy %s", stateWord(p.State))
		return d, true
	case evaluated == "":
		return d, false
	case logged == evaluated && logged != "applied":
		return d, false
	case logged == "notApplied" && evaluated == "applied":
		// Only the condition that differs is explained: disagreements can
		// be many, on a stale export, and each is worked out for every
		// sign-in before the report keeps a few.
		d.Condition, d.Reason = "conditions", "signinspect finds that every condition matches"
		for _, name := range lp.ConditionsNotSatisfied {
			if cond, ok := ParseCondition(name); ok {
				d.Condition = cond.String()
				t, set, why := e.condition(cond, &e.compiled[i], &ev.f, true)
				switch {
				case !set && t == Yes:
					d.Reason = fmt.Sprintf("Entra found %s not satisfied; the policy as exported does not set it", name)
				default:
					d.Reason = fmt.Sprintf("Entra found %s not satisfied; signinspect: %s", name, why)
				}
				break
			}
		}
		return d, true
	case logged == "applied" && evaluated == "notApplied":
		_, _, why := e.condition(r.Reason, &e.compiled[i], &ev.f, true)
		d.Condition, d.Reason = r.Reason.String(), r.Reason.String()+": "+why
		return d, true
	case logged == "applied" && evaluated == "applied":
		lo, eo := outcomeOf(lp.Result), outcomeOf(r.Result)
		if lo == "" || eo == "" || lo == eo {
			return d, false
		}
		x := e.Explain(ev, i)
		d.Condition, d.Reason = "controls", x.ControlsSummary()
		return d, true
	}
	return d, false
}
