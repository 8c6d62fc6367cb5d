package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/signinspect/signinspect/internal/errlist"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// maxNodes bounds the size of one expression. Real rules have a few dozen
// nodes; the bound stops a runaway expression before it is compiled.
const maxNodes = 2000

// exprOptions are the options every expression is compiled with: the typed
// environment, a node limit, and no now(), which would make rules depend on
// when they run rather than on the sign-in. The environment is given by
// value although evaluators pass *Env: expr then loads fields by index,
// where a pointer type makes it look every field up by name.
func exprOptions(extra ...expr.Option) []expr.Option {
	opts := []expr.Option{
		expr.Env(Env{}),
		expr.DisableBuiltin("now"),
		expr.MaxNodes(maxNodes),
	}
	opts = append(opts, budgetOptions()...)
	return append(opts, extra...)
}

// A Set is a compiled list of rules and the Context they run with. It is
// safe for concurrent use; each goroutine evaluates through its own
// Evaluator.
type Set struct {
	rules []*Compiled
	t     *tenant
	runs  runErrors
}

// A Compiled is a rule ready to run.
type Compiled struct {
	Rule
	when    *vm.Program
	fix     *template
	verdict *template // nil when the rule has no verdict.
	cases   []compiledCase
	// slow counts the sign-ins on which the rule went over its time
	// budget; from maxOverBudget on, the rule is not run again.
	slow atomic.Int32
}

// FixValueLabels names the values a Match's Values hold, in order: the
// data the fix's placeholders show ("IP address", "policy", "user").
func (c *Compiled) FixValueLabels() []string {
	if c.fix == nil {
		return nil
	}
	return c.fix.valueLabels()
}

// compiledCase is a Case with its record decoded and its context prepared.
type compiledCase struct {
	*Case
	record *parse.Record
	t      *tenant
}

// Rules returns the compiled rules in order.
func (s *Set) Rules() []*Compiled { return s.rules }

// Compile compiles rules to run with ctx (nil means an empty Context). Every
// error of every rule is reported, joined; each names the file, line, rule
// and key, and expression errors keep expr's position and caret.
func Compile(rs []Rule, ctx *Context) (*Set, error) {
	t := ctx.tenant()
	s := &Set{t: t}
	var errs []error
	errs = append(errs, duplicateIDs(rs)...)
	for i := range rs {
		c, err := compileRule(&rs[i], t)
		if err != nil {
			errs = append(errs, errlist.Flatten(err)...)
			continue
		}
		s.rules = append(s.rules, c)
	}
	if err := joinErrors(errs); err != nil {
		return nil, err
	}
	return s, nil
}

func compileRule(r *Rule, t *tenant) (*Compiled, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return compileParts(r, t)
}

// compileParts compiles what r has of a condition, a fix and test cases,
// and reports every error among them. Lint runs it on rules that did not
// load cleanly, too.
func compileParts(r *Rule, t *tenant) (*Compiled, error) {
	c := &Compiled{Rule: *r}
	var errs []error
	if r.When != "" {
		prog, err := compileExpr(r.When, t, expr.AsBool())
		if err != nil {
			errs = append(errs, r.exprError("when", r.pos.when, 0, err))
		} else {
			c.when = prog
		}
	}
	if r.Fix != "" {
		fix, err := compileTemplate(r.Fix, t)
		if err != nil {
			errs = append(errs, r.templateError("fix", r.pos.fix, err))
		}
		c.fix = fix
	}
	if r.Verdict != "" {
		verdict, err := compileTemplate(r.Verdict, t)
		if err != nil {
			errs = append(errs, r.templateError("verdict", r.pos.verdict, err))
		}
		c.verdict = verdict
	}
	for i := range r.Tests {
		tc := &c.Rule.Tests[i]
		if tc.Record == nil {
			continue // Its record did not load; the loader said why.
		}
		cc, err := compileCase(tc)
		if err != nil {
			line := tc.recordLine
			if line == 0 {
				line = tc.Line
			}
			if line == 0 {
				line = r.Line
			}
			errs = append(errs, &RuleError{File: r.File, Line: line, RuleID: r.ID, Key: fmt.Sprintf("tests[%d].record", i), Err: err})
			continue
		}
		c.cases = append(c.cases, cc)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// templateError locates an error of the template of key.
func (r *Rule) templateError(key string, pos scalarPos, err error) error {
	var te *templateError
	if errors.As(err, &te) {
		return r.exprError(key, pos, te.offset, te.err)
	}
	return r.errorf(key, "%v", err)
}

// compileExpr compiles one expression, checks what expr's type checker
// cannot (constant arguments of helpers, bool-or-nil facts used as
// booleans), and compiles it again with the budget patch. The first,
// unpatched check is the one whose errors count: expr's checker, run once
// more over a tree that a patch has changed, lets through some errors that
// it reported the first time (an unknown function in a method's arguments,
// say).
func compileExpr(src string, t *tenant, extra ...expr.Option) (*vm.Program, error) {
	if err := checkExprShape(src); err != nil {
		return nil, err
	}
	opts := exprOptions(extra...)
	tree, err := checkedTree(src, opts)
	if err != nil {
		return nil, explainExprError(src, err)
	}
	if err := lintExpr(src, tree, t); err != nil {
		return nil, err
	}
	prog, err := expr.Compile(src, append(opts, expr.Patch(budgetPatch{}))...)
	if err != nil {
		return nil, explainExprError(src, err)
	}
	return prog, nil
}

// checkedTree parses and type-checks src as expr.Compile does, and returns
// the tree with the type of every node.
func checkedTree(src string, opts []expr.Option) (*parser.Tree, error) {
	config := conf.CreateNew()
	for _, op := range opts {
		op(config)
	}
	for name := range config.Disabled {
		delete(config.Builtins, name)
	}
	config.Check()
	return checker.ParseCheck(src, config)
}

// exprError wraps an expression error of key as a RuleError on the file
// line where the error is. offset is the byte offset of the expression
// within the key's text (for fix placeholders).
func (r *Rule) exprError(key string, pos scalarPos, offset int, err error) error {
	line := r.keyLine(key)
	if pos.line > 0 {
		line = pos.line
		if pos.block {
			text := r.When
			if key == "fix" {
				text = r.Fix
			}
			if offset <= len(text) {
				line += strings.Count(text[:offset], "\n")
			}
			var fe *file.Error
			if errors.As(err, &fe) && fe.Line > 1 {
				line += fe.Line - 1
			}
		}
	}
	return &RuleError{File: r.File, Line: line, RuleID: r.ID, Key: key, Err: err}
}

// compileCase decodes a case's record and prepares its context.
func compileCase(tc *Case) (compiledCase, error) {
	rec, err := parse.DecodeJSONRecord(tc.Record)
	if err != nil {
		// The record has no file of its own: keep the member and the cause,
		// not the decoder's empty position.
		var pe *parse.ParseError
		if errors.As(err, &pe) {
			if pe.Field != "" {
				return compiledCase{}, fmt.Errorf("%s: %w", pe.Field, pe.Err)
			}
			return compiledCase{}, pe.Err
		}
		return compiledCase{}, err
	}
	if tc.Format != "" {
		asFormat(rec, tc.Format)
	}
	ctx := &Context{NamedLocations: tc.NamedLocations, TrustedIPs: tc.TrustedIPs, Policies: tc.Policies, Memberships: tc.Memberships}
	return compiledCase{Case: tc, record: rec, t: ctx.tenant()}, nil
}

// A Match is a rule that matched a sign-in, with its fix rendered for that
// sign-in (Evaluator.Verdict renders its verdict).
type Match struct {
	Rule *Compiled
	Fix  string
	// FixSpans are where the fix's placeholders wrote the sign-in's
	// values, in order: what redaction rewrites (see Span). The slice is
	// reused by the next Eval.
	FixSpans []Span
}

// An Evaluator evaluates a Set's rules. It holds a VM and an environment,
// so it is not safe for concurrent use: make one per goroutine.
type Evaluator struct {
	set     *Set
	vm      vm.VM
	env     *Env
	matches []Match
	values  []string // Backing store of Values.
	spans   []Span   // Backing store of the matches' FixSpans.
	// last is the record of the last Eval, for Verdict.
	last *parse.Record
}

// NewEvaluator returns an Evaluator of the set's rules.
func (s *Set) NewEvaluator() *Evaluator {
	return s.NewEvaluatorContext(nil)
}

// NewEvaluatorContext returns an Evaluator of the set's rules whose
// evaluations stop when ctx is done: a rule that loops notices within a
// few hundred iterations. A nil ctx is never done.
func (s *Set) NewEvaluatorContext(ctx context.Context) *Evaluator {
	e := &Evaluator{set: s, env: newEnv(s.t)}
	e.env.budget.ctx = ctx
	e.vm.MemoryBudget = memoryBudget
	return e
}

// Eval evaluates every rule against rec and returns those that match, in
// rule order. The returned slice is reused by the next call: copy what must
// outlive it. A rule whose expression fails at run time, or goes over a
// budget, does not match; the error is recorded once per rule
// (Set.RunErrors), not returned. When the evaluator's context is done, the
// rules left are not run and nothing is recorded: the caller is stopping.
func (e *Evaluator) Eval(rec *parse.Record) []Match {
	e.env.setRecord(rec)
	e.matches, e.values, e.spans = e.matches[:0], e.values[:0], e.spans[:0]
	for _, c := range e.set.rules {
		if n := c.slow.Load(); n >= maxOverBudget {
			e.set.runs.add(c.ID, "when", errStoppedSlow, rec)
			continue
		}
		ok, err := e.run(c.when)
		if err != nil {
			if e.canceled(err) {
				break
			}
			if errors.Is(err, errTimeBudget) {
				c.slow.Add(1)
			}
			e.set.runs.add(c.ID, "when", err, rec)
			continue
		}
		if !ok {
			continue
		}
		m := Match{Rule: c}
		start := len(e.spans)
		m.Fix, e.spans, err = c.fix.renderSpans(&e.vm, e.env, e.spans)
		m.FixSpans = e.spans[start:len(e.spans):len(e.spans)]
		if err != nil {
			if e.canceled(err) {
				break
			}
			e.set.runs.add(c.ID, "fix", err, rec)
		}
		e.matches = append(e.matches, m)
	}
	// The policies are evaluated whether or not a rule asked, for
	// Policies; the record is kept for Verdict, until the next Eval.
	e.env.policyEval()
	e.env.record, e.last = nil, rec
	return e.matches
}

// Values returns the data the fix of m, a match of the last Eval, shows
// for that sign-in, named by m.Rule.FixValueLabels: two matches whose
// fixes differ only in them give the same fix for other values. A value
// that fails at run time is "". The slice is reused by the next Eval; call
// it before then. It is a call of its own, as Verdict is, for the callers
// that group fixes: a self-test or a translation does not need them. (The
// fix's text alone does not tell them: two values may write the same text.)
func (e *Evaluator) Values(m *Match) []string {
	if e.last == nil || m.Rule.fix == nil {
		return nil
	}
	e.env.record = (*record)(e.last)
	defer func() { e.env.record = nil }()
	start := len(e.values)
	e.values = m.Rule.fix.appendValues(e.values, &e.vm, e.env)
	return e.values[start:len(e.values):len(e.values)]
}

// Verdict renders the verdict of m, a match of the last Eval, for that
// sign-in, and where its placeholders wrote; "" for a rule without one. It
// is a call of its own because a verdict is needed once per combination of
// the fix's values, not per sign-in: the caller renders it for the
// combinations it has not seen. Call it before the next Eval.
func (e *Evaluator) Verdict(m *Match) (string, []Span) {
	c := m.Rule
	if c.verdict == nil || e.last == nil {
		return "", nil
	}
	e.env.record = (*record)(e.last)
	defer func() { e.env.record = nil }()
	text, spans, err := c.verdict.render(&e.vm, e.env)
	if err != nil && !e.canceled(err) {
		e.set.runs.add(c.ID, "verdict", err, e.last)
	}
	return text, spans
}

// Policies returns the evaluation of the policies for the record of the
// last Eval, or nil when the set's context holds no policy. It is valid
// until the next Eval.
func (e *Evaluator) Policies() *policy.Evaluation {
	if e.env.policies == nil || !e.env.evaluated {
		return nil
	}
	return &e.env.eval
}

// canceled reports whether err comes from the evaluator's context.
func (e *Evaluator) canceled(err error) bool {
	ctx := e.env.budget.ctx
	return ctx != nil && ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

// run runs a boolean program against the evaluator's current record.
func (e *Evaluator) run(prog *vm.Program) (bool, error) {
	return runBool(&e.vm, prog, e.env)
}

func runBool(m *vm.VM, prog *vm.Program, env *Env) (bool, error) {
	env.budget.reset()
	out, err := m.Run(prog, env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("the condition gave %T, not a boolean", out)
	}
	return b, nil
}

// RunErrors returns the run-time errors of the set's rules: one per rule
// and key, with how many sign-ins failed so, ordered by rule ID. Call it
// after the evaluators are done; it is safe to call at any time.
func (s *Set) RunErrors() []RuleRunError { return s.runs.list() }

// A RuleRunError is an expression of a rule (or of --where) that failed at
// run time, reported once however many sign-ins it failed on.
type RuleRunError struct {
	RuleID string // "" for a --where filter.
	Key    string // "when", "fix" or "where".
	Err    error  // The first error (expr's, with position and caret).
	Count  int    // Number of sign-ins it failed on.
	// First is the position of the first sign-in it failed on, in input
	// order (file name, then record number), whatever the goroutine that
	// met it first.
	First parse.Source
}

func (e RuleRunError) Error() string {
	var b strings.Builder
	if e.RuleID != "" {
		fmt.Fprintf(&b, "rule %s: ", e.RuleID)
	}
	fmt.Fprintf(&b, "%s: failed on %d sign-in", e.Key, e.Count)
	if e.Count != 1 {
		b.WriteString("s")
	}
	if e.First.File != "" {
		fmt.Fprintf(&b, ", first %s", e.First.File)
		if e.First.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.First.Line)
		}
		if e.First.Index > 0 {
			fmt.Fprintf(&b, " (record %d)", e.First.Index)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e RuleRunError) Unwrap() error { return e.Err }

// runErrors collects run errors from many evaluators. Errors are rare, so a
// mutex on the error path costs nothing on the hot path.
type runErrors struct {
	mu   sync.Mutex
	errs map[[2]string]*RuleRunError
}

func (r *runErrors) add(ruleID, key string, err error, rec *parse.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.errs == nil {
		r.errs = make(map[[2]string]*RuleRunError)
	}
	k := [2]string{ruleID, key}
	var src parse.Source
	if rec != nil {
		src = rec.Source
	}
	e, ok := r.errs[k]
	if !ok {
		r.errs[k] = &RuleRunError{RuleID: ruleID, Key: key, Err: err, Count: 1, First: src}
		return
	}
	e.Count++
	if sourceBefore(src, e.First) {
		e.Err, e.First = err, src
	}
}

// save returns a function that restores r to its present state.
func (r *runErrors) save() (restore func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	saved := make(map[[2]string]RuleRunError, len(r.errs))
	for k, e := range r.errs {
		saved[k] = *e
	}
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.errs = make(map[[2]string]*RuleRunError, len(saved))
		for k, e := range saved {
			r.errs[k] = &e
		}
	}
}

// SaveRunErrors returns a function that forgets the run-time errors
// recorded after this call, for a caller that abandons an evaluation and
// evaluates the same sign-ins again.
func (s *Set) SaveRunErrors() (restore func()) { return s.runs.save() }

// SaveRunErrors is Set.SaveRunErrors for a --where filter.
func (f *Filter) SaveRunErrors() (restore func()) { return f.runs.save() }

// sourceBefore orders sign-ins by input name, then record number.
func sourceBefore(a, b parse.Source) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Index != b.Index {
		return a.Index < b.Index
	}
	return a.Line < b.Line
}

func (r *runErrors) list() []RuleRunError {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]RuleRunError, 0, len(r.errs))
	for _, e := range r.errs {
		out = append(out, *e)
	}
	sortRunErrors(out)
	return out
}

func sortRunErrors(errs []RuleRunError) {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && (errs[j].RuleID < errs[j-1].RuleID ||
			errs[j].RuleID == errs[j-1].RuleID && errs[j].Key < errs[j-1].Key); j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

// A Filter is a compiled --where expression: the same language and
// environment as rule conditions. It is safe for concurrent use through
// one FilterMatcher per goroutine.
type Filter struct {
	src  string
	prog *vm.Program
	t    *tenant
	runs runErrors
	slow atomic.Int32 // As Compiled.slow.
}

// CompileFilter compiles a --where expression to run with ctx. Its error
// is a *RuleError with key "where" and expr's caret excerpt.
func CompileFilter(src string, ctx *Context) (*Filter, error) {
	t := ctx.tenant()
	if strings.TrimSpace(src) == "" {
		return nil, &RuleError{Key: "where", Err: errors.New("empty expression")}
	}
	prog, err := compileExpr(src, t, expr.AsBool())
	if err != nil {
		return nil, &RuleError{Key: "where", Err: err}
	}
	return &Filter{src: src, prog: prog, t: t}, nil
}

// String returns the expression.
func (f *Filter) String() string { return f.src }

// RunError returns the filter's run-time error, once with its count, or nil.
func (f *Filter) RunError() *RuleRunError {
	errs := f.runs.list()
	if len(errs) == 0 {
		return nil
	}
	return &errs[0]
}

// A FilterMatcher evaluates a Filter; make one per goroutine.
type FilterMatcher struct {
	f   *Filter
	vm  vm.VM
	env *Env
}

// NewMatcher returns a FilterMatcher of f.
func (f *Filter) NewMatcher() *FilterMatcher { return f.NewMatcherContext(nil) }

// NewMatcherContext returns a FilterMatcher of f whose evaluations stop
// when ctx is done, as NewEvaluatorContext's do.
func (f *Filter) NewMatcherContext(ctx context.Context) *FilterMatcher {
	m := &FilterMatcher{f: f, env: newEnv(f.t)}
	m.env.budget.ctx = ctx
	m.vm.MemoryBudget = memoryBudget
	return m
}

// Match reports whether rec satisfies the filter. A run-time error (a
// budget gone over among them) counts as no match and is recorded once
// (Filter.RunError), so that the report says how many sign-ins the filter
// could not judge.
func (m *FilterMatcher) Match(rec *parse.Record) bool {
	if m.f.slow.Load() >= maxOverBudget {
		m.f.runs.add("", "where", errStoppedSlow, rec)
		return false
	}
	m.env.setRecord(rec)
	ok, err := runBool(&m.vm, m.f.prog, m.env)
	m.env.setRecord(nil)
	if err != nil {
		ctx := m.env.budget.ctx
		if ctx != nil && ctx.Err() != nil {
			return false
		}
		if errors.Is(err, errTimeBudget) {
			m.f.slow.Add(1)
		}
		m.f.runs.add("", "where", err, rec)
		return false
	}
	return ok
}
