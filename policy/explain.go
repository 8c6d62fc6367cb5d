package policy

import (
	"fmt"
	"strings"
)

// An Explanation is one policy evaluated for one sign-in in words,
// condition by condition and control by control.
type Explanation struct {
	Result PolicyResult
	// Conditions are the conditions the policy configures, and any other
	// that does not match, in evaluation order (evalOrder), up to the
	// first that does not match.
	Conditions []ConditionResult
	// Controls are the grant controls (and the sign-in frequency) with
	// their status, when the policy applies or may apply.
	Controls []ControlResult
}

// ConditionResult is one condition of a policy for one sign-in.
type ConditionResult struct {
	Condition Condition
	Match     Tri
	Reason    string
}

// ControlResult is one control of a policy for one sign-in.
type ControlResult struct {
	Control string
	Status  ControlStatus
	Reason  string
}

// Explain explains the result of policy i in ev, which Evaluate filled.
func (e *Evaluator) Explain(ev *Evaluation, i int) Explanation {
	f := &ev.f
	p := &e.policies[i]
	x := Explanation{Result: ev.Results[i]}
	for _, c := range evalOrder {
		t, set, why := e.condition(c, &e.compiled[i], f, true)
		if !set && t == Yes {
			continue
		}
		x.Conditions = append(x.Conditions, ConditionResult{Condition: c, Match: t, Reason: why})
		if t == No {
			break
		}
	}
	if x.Result.Applies != No {
		for _, c := range e.compiled[i].controls {
			s, why := e.controlStatus(c, i, f, true)
			x.Controls = append(x.Controls, ControlResult{Control: c.name, Status: s, Reason: why})
		}
		if p.Session.SignInFrequency != nil {
			s, why := e.controlStatus(compiledControl{ControlSignInFrequency, ctlSignInFrequency}, i, f, true)
			x.Controls = append(x.Controls, ControlResult{Control: ControlSignInFrequency + " " + p.Session.SignInFrequency.String(), Status: s, Reason: why})
		}
	}
	return x
}

// Condition returns the explanation of condition c, or false when the
// policy does not configure it.
func (x *Explanation) Condition(c Condition) (ConditionResult, bool) {
	for _, r := range x.Conditions {
		if r.Condition == c {
			return r, true
		}
	}
	return ConditionResult{}, false
}

// Summary says in one line why the policy has its result for the sign-in:
// the condition that does not match or is unknown, or the configured
// conditions that match and what the controls make of it.
func (x *Explanation) Summary() string {
	r := &x.Result
	switch {
	case r.Policy.State == StateDisabled:
		return "the policy is disabled"
	case r.Applies == No:
		for _, c := range x.Conditions {
			if c.Match == No {
				return c.Condition.String() + ": " + c.Reason
			}
		}
	case r.Applies == Unknown:
		for _, c := range x.Conditions {
			if c.Match == Unknown {
				return c.Condition.String() + ": " + c.Reason
			}
		}
	}
	var parts []string
	for _, c := range x.Conditions {
		if r.Deciding.Has(c.Condition) {
			parts = append(parts, c.Condition.String()+": "+c.Reason)
		}
	}
	s := strings.Join(parts, "; ")
	if s == "" {
		s = "every condition matches"
	}
	return s + "; " + x.ControlsSummary()
}

// ControlsSummary says what the controls make of the sign-in.
func (x *Explanation) ControlsSummary() string {
	r := &x.Result
	switch r.Grant {
	case GrantBlocked:
		return "the policy blocks access"
	case GrantSatisfied:
		if len(x.Controls) == 0 {
			return "the policy requires no control"
		}
		return "its controls are met"
	}
	for _, c := range x.Controls {
		if c.Control == r.Control || strings.HasPrefix(c.Control, r.Control+" ") {
			return fmt.Sprintf("%s %s: %s", c.Control, statusWords(c.Status), c.Reason)
		}
	}
	return "its controls are " + r.Grant.String()
}

// statusWords writes a control status in words.
func statusWords(s ControlStatus) string {
	switch s {
	case StatusSatisfied:
		return "is met"
	case StatusNotSatisfied:
		return "is not met"
	case StatusUnsatisfiable:
		return "cannot be met in this flow"
	case StatusUserAction:
		return "needs the user"
	case StatusBlock:
		return "blocks"
	}
	return "is unknown"
}

// ConditionResult evaluates condition cond of policy i for the sign-in ev
// holds: whether it matches, and whether the policy configures it.
func (e *Evaluator) ConditionResult(ev *Evaluation, i int, cond Condition) (Tri, bool) {
	t, set, _ := e.condition(cond, &e.compiled[i], &ev.f, false)
	return t, set
}
