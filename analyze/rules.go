package analyze

import (
	"context"
	"hash/maphash"
	"slices"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

// ruleEvaluator turns a rule set's matches into Hits for one goroutine.
type ruleEvaluator struct {
	ev     *rules.Evaluator
	hits   []Hit
	labels func(*rules.Compiled) []string
	// seen holds the combinations of fix values met (see firstTuple).
	seen map[uint64]struct{}
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
	matches := e.ev.Eval(rec)
	for i := range matches {
		m := &matches[i]
		r := m.Rule
		shape, shown := fixShape(m.Fix, e.ev.Values(m))
		h := Hit{
			Rule: r.ID, Severity: r.Severity,
			Title: r.Title, Description: r.Description, Tags: r.Tags, References: r.References,
			Fix: m.Fix, FixShape: shape, FixValues: shown, FixLabels: e.labels(r),
		}
		if e.firstTuple(r.ID, shape, shown) {
			// Only a combination's first sign-in keeps its spans and
			// verdict (see fixAgg).
			h.FixSpans = slices.Clone(m.FixSpans)
			h.Verdict, h.VerdictSpans = e.ev.Verdict(m)
		}
		e.hits = append(e.hits, h)
	}
	return e.hits
}

// maxSeenTuples bounds the combinations of fix values an evaluator
// remembers; past it every verdict is rendered.
const maxSeenTuples = 1 << 14

// firstTuple reports whether this evaluator meets a rule's fix shape and
// values for the first time. The aggregation keeps the verdict and spans
// of a combination's first sign-in only, and workers take batches in input
// order, so a combination's first sign-in in the input is the first this
// evaluator met: its verdict is rendered and its spans kept, the others'
// are not, which saves a rendering and an allocation per sign-in.
func (e *ruleEvaluator) firstTuple(rule, shape string, values []string) bool {
	var h maphash.Hash
	h.SetSeed(tupleSeed)
	h.WriteString(rule)
	h.WriteByte(0)
	h.WriteString(shape)
	for _, v := range values {
		h.WriteByte(0)
		h.WriteString(v)
	}
	key := h.Sum64()
	if _, ok := e.seen[key]; ok {
		return false
	}
	if e.seen == nil {
		e.seen = map[uint64]struct{}{}
	}
	if len(e.seen) < maxSeenTuples {
		e.seen[key] = struct{}{}
	}
	return true
}

// tupleSeed seeds the hashes of firstTuple: one seed for the run, as the
// keys are only compared within it.
var tupleSeed = maphash.MakeSeed()

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
