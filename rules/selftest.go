package rules

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr/vm"
)

// A CaseResult is the outcome of one test case of a rule.
type CaseResult struct {
	Rule  *Compiled
	Case  *Case
	Index int // 0-based index of the case in the rule's tests.
	// Matched is whether the rule matched the case's record, and Fix and
	// Verdict the fix and verdict it rendered then.
	Matched bool
	Fix     string
	Verdict string
	// Err says why the case failed; nil when it passed.
	Err error
}

// Passed reports whether the case passed.
func (r CaseResult) Passed() bool { return r.Err == nil }

// Where returns the case's position: "file:line" or the rule ID.
func (r CaseResult) Where() string {
	if r.Rule.File != "" && r.Case.Line > 0 {
		return fmt.Sprintf("%s:%d", r.Rule.File, r.Case.Line)
	}
	if r.Rule.File != "" {
		return r.Rule.File
	}
	return "rule " + r.Rule.ID
}

// SelfTest runs every rule's own cases, each with the case's own Context
// (not the set's), and returns one result per case, in rule and case order.
func SelfTest(s *Set) []CaseResult {
	var out []CaseResult
	m := vm.VM{MemoryBudget: memoryBudget}
	for _, c := range s.rules {
		for i := range c.cases {
			out = append(out, runCase(&m, c, i))
		}
	}
	return out
}

func runCase(m *vm.VM, c *Compiled, i int) CaseResult {
	cc := &c.cases[i]
	res := CaseResult{Rule: c, Case: cc.Case, Index: i}
	env := newEnv(cc.t)
	env.setRecord(cc.record)
	matched, err := runBool(m, c.when, env)
	if err != nil {
		res.Err = fmt.Errorf("when: %w", err)
		return res
	}
	res.Matched = matched
	if matched {
		res.Fix, _, err = c.fix.render(m, env)
		if err != nil {
			res.Err = fmt.Errorf("fix: %w", err)
			return res
		}
		if c.verdict != nil {
			if res.Verdict, _, err = c.verdict.render(m, env); err != nil {
				res.Err = fmt.Errorf("verdict: %w", err)
				return res
			}
		}
	}
	switch {
	case cc.Match && !matched:
		res.Err = fmt.Errorf("want a match, got none")
	case !cc.Match && matched:
		res.Err = fmt.Errorf("want no match, got one")
	default:
		for _, want := range cc.FixContains {
			if !strings.Contains(res.Fix, want) {
				res.Err = fmt.Errorf("fix does not contain %q; it reads %q", want, res.Fix)
				break
			}
		}
		for _, want := range cc.VerdictContains {
			if res.Err == nil && !strings.Contains(res.Verdict, want) {
				res.Err = fmt.Errorf("verdict does not contain %q; it reads %q", want, res.Verdict)
			}
		}
	}
	return res
}
