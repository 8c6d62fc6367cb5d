package analyze

import (
	"context"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

// ruleEvaluator turns a rule set's matches into Hits for one goroutine.
type ruleEvaluator struct {
	ev     *rules.Evaluator
	hits   []Hit
	labels func(*rules.Compiled) []string
}

// newRuleEvaluator returns an evaluator of s whose rules stop when ctx is
// done, even in the middle of a loop.
func newRuleEvaluator(ctx context.Context, s *rules.Set) *ruleEvaluator {
	labels := map[*rules.Compiled][]string{}
	for _, c := range s.Rules() {
		labels[c] = c.FixValueLabels()
	}
	return &ruleEvaluator{ev: s.NewEvaluatorContext(ctx), labels: func(c *rules.Compiled) []string { return labels[c] }}
}

// eval returns the rules that fire on rec. The slice is reused by the next
// call.
func (e *ruleEvaluator) eval(rec *parse.Record) []Hit {
	e.hits = e.hits[:0]
	for _, m := range e.ev.Eval(rec) {
		r := m.Rule
		shape, shown := fixShape(m.Fix, m.Values)
		e.hits = append(e.hits, Hit{
			Rule: r.ID, Severity: r.Severity,
			Title: r.Title, Description: r.Description, Tags: r.Tags, References: r.References,
			Fix: m.Fix, FixShape: shape, FixValues: shown, FixLabels: e.labels(r), FixSpans: m.FixSpans,
			Verdict: m.Verdict, VerdictSpans: m.VerdictSpans,
		})
	}
	return e.hits
}

// policies returns the rules' evaluation of the policies for the record
// of the last eval, or nil.
func (e *ruleEvaluator) policies() *policy.Evaluation {
	if e == nil {
		return nil
	}
	return e.ev.Policies()
}

// ruleErrors lists the run-time errors of the rules and of --where.
func ruleErrors(s *rules.Set, where *rules.Filter) []RuleError {
	var errs []rules.RuleRunError
	if s != nil {
		errs = append(errs, s.RunErrors()...)
	}
	if where != nil {
		if e := where.RunError(); e != nil {
			errs = append(errs, *e)
		}
	}
	var out []RuleError
	for _, e := range errs {
		id := e.RuleID
		if id == "" {
			id = "--where"
		}
		out = append(out, RuleError{Rule: id, Error: e.Err.Error(), Count: e.Count, First: sourceString(e.First), Message: e.Error()})
	}
	return out
}

// locator resolves IP addresses to the named locations of a rules.Context,
// for the locations section.
type locator struct {
	l *policy.Locations
}

func newLocator(ctx *rules.Context) *locator {
	if ctx == nil || len(ctx.NamedLocations) == 0 && len(ctx.TrustedIPs) == 0 {
		return nil
	}
	return &locator{l: ctx.Locations()}
}

// resolve returns the names of the named locations ip lies in and whether
// one of them is trusted; trusted is nil when the context has no IP ranges.
func (l *locator) resolve(ip string) ([]string, *bool) {
	names, trusted, ok := l.l.Locate(ip)
	if !ok {
		return nil, nil
	}
	return names, parse.BoolPtr(trusted)
}
