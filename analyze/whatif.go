package analyze

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// WhatIfSchema is the version tag of signinspect whatif's JSON report.
const WhatIfSchema = "signinspect.whatif/v1"

// A WhatIfReport is what signinspect whatif found: every matched sign-in
// replayed under the policies as exported and as edited, and the sign-ins
// whose outcome the edits change.
type WhatIfReport struct {
	Schema      string    `json:"schema"`
	Version     string    `json:"version"`
	GeneratedAt time.Time `json:"generated_at"`
	// Inputs are the sign-in exports read.
	Inputs []WhatIfInput `json:"inputs"`
	// Filter is the filter in words.
	Filter string `json:"filter"`
	// Edits describe the changes replayed, in order.
	Edits []string `json:"edits"`
	// PoliciesBefore and PoliciesAfter count the policies of each side.
	PoliciesBefore int `json:"policies_before"`
	PoliciesAfter  int `json:"policies_after"`
	Read           int `json:"read"`
	Matched        int `json:"matched"`
	// Changes counts the matched sign-ins by what the edits do to them.
	Changes WhatIfChanges `json:"changes"`
	// SignIns are the sign-ins whose outcome changes, newly blocked first,
	// then unknown, then unblocked, each the earliest first.
	SignIns        []WhatIfSignIn `json:"sign_ins"`
	SignInsOmitted int            `json:"sign_ins_omitted,omitempty"`
	// NoMatch says why nothing matched, when nothing did.
	NoMatch string `json:"no_match,omitempty"`
	// Warnings say what reading the inputs and the policies showed.
	Warnings []string `json:"warnings"`
	Redacted bool     `json:"redacted,omitempty"`
}

// WhatIfInput is one sign-in export read.
type WhatIfInput struct {
	Path    string `json:"path"`
	Format  string `json:"format"`
	Records int    `json:"records"`
	Skipped int    `json:"skipped"`
	Matched int    `json:"matched"`
	Error   string `json:"error,omitempty"`
}

// WhatIfChanges counts the matched sign-ins by what the edits do to them.
type WhatIfChanges struct {
	// Unblocked were blocked before and are allowed after; NewlyBlocked
	// were allowed before and are blocked after.
	Unblocked    int `json:"unblocked"`
	NewlyBlocked int `json:"newly_blocked"`
	// Unchanged have the same known outcome before and after (blocked,
	// allowed, or not Conditional Access's to decide).
	Unchanged int `json:"unchanged"`
	// Unknown have an outcome the exports cannot settle before or after.
	Unknown int `json:"unknown"`
}

// Changes, as WhatIfSignIn.Change writes them.
const (
	ChangeUnblocked    = "unblocked"
	ChangeNewlyBlocked = "newly_blocked"
	ChangeUnknown      = "unknown"
)

// WhatIfSignIn is one sign-in whose outcome the edits change.
type WhatIfSignIn struct {
	// Change is unblocked, newly_blocked or unknown.
	Change    string    `json:"change"`
	RequestID string    `json:"request_id"`
	Time      time.Time `json:"time"`
	User      string    `json:"user"`
	App       string    `json:"app"`
	IP        string    `json:"ip"`
	// Before and After are the verdicts: blocked, allowed, unknown or
	// notEvaluated.
	Before string `json:"before"`
	After  string `json:"after"`
	// Policy is the policy whose result decides the change: the one that
	// blocked before (unblocked), blocks after (newly_blocked), or leaves
	// the outcome open; Condition says what of it decides, in words.
	Policy    string `json:"policy"`
	Condition string `json:"condition"`
	Source    string `json:"source"`

	pos parse.Source
}

// WhatIfOptions control a replay. Options give the filter, the parse
// options, --top and the report's clock and version; its Rules and
// Context are not used.
type WhatIfOptions struct {
	Options
	// Before and After evaluate the policies as exported and as edited.
	Before, After *policy.Evaluator
	// Edits describe the edits, for the report.
	Edits []string
	// Warnings say what reading the policies showed.
	Warnings []string
}

// replay is what workers need to replay records: the two evaluators.
type replay struct {
	before, after *policy.Evaluator
}

// replayer replays records for one worker.
type replayer struct {
	r             *replay
	before, after policy.Evaluation
}

// changeOutcome is what replaying one kept record found.
type changeOutcome struct {
	change string // "", or a Change constant; "" is unchanged.
	entry  *WhatIfSignIn
}

// replayRecord replays rec under both sides.
func (rp *replayer) replayRecord(rec *parse.Record) changeOutcome {
	rp.r.before.Evaluate(rec, &rp.before)
	rp.r.after.Evaluate(rec, &rp.after)
	b, a := rp.before.Verdict, rp.after.Verdict
	var change string
	switch {
	case b == policy.VerdictBlocked && a == policy.VerdictAllowed:
		change = ChangeUnblocked
	case b == policy.VerdictAllowed && a == policy.VerdictBlocked:
		change = ChangeNewlyBlocked
	case b == a && b != policy.VerdictUnknown:
		return changeOutcome{}
	case b == a:
		// Unknown before and after: counted, not listed.
		return changeOutcome{change: ChangeUnknown}
	default:
		change = ChangeUnknown
	}
	_, user, _ := userOf(rec)
	e := &WhatIfSignIn{Change: change, RequestID: rec.RequestID, Time: rec.Time, User: user, App: appLabel(rec.App), IP: rec.IP,
		Before: b.String(), After: a.String(), Source: sourceString(rec.Source), pos: rec.Source}
	switch change {
	case ChangeUnblocked:
		d := rp.before.DecidingResult()
		e.Policy, e.Condition = d.Policy.Label(), rp.whyGone(d)
	case ChangeNewlyBlocked:
		d := rp.after.DecidingResult()
		x := rp.r.after.Explain(&rp.after, d.Index)
		e.Policy, e.Condition = d.Policy.Label(), x.Summary()
	default:
		side, ev := rp.r.after, &rp.after
		if a != policy.VerdictUnknown {
			side, ev = rp.r.before, &rp.before
		}
		if d := ev.DecidingResult(); d != nil {
			x := side.Explain(ev, d.Index)
			e.Policy, e.Condition = d.Policy.Label(), x.Summary()
		}
	}
	return changeOutcome{change: change, entry: e}
}

// whyGone says why the policy that blocked before no longer stops the
// sign-in after the edits.
func (rp *replayer) whyGone(before *policy.PolicyResult) string {
	for i := range rp.after.Results {
		r := &rp.after.Results[i]
		if !strings.EqualFold(r.Policy.ID, before.Policy.ID) || r.Policy.ID == "" && r.Policy.Name != before.Policy.Name {
			continue
		}
		x := rp.r.after.Explain(&rp.after, i)
		switch {
		case r.Policy.State != policy.StateEnabled:
			return "the policy is " + stateText(r.Policy.State) + " after the edits"
		case r.Applies == policy.No:
			return x.Summary()
		}
		return x.ControlsSummary()
	}
	return "the policy is not in the policies after the edits"
}

func stateText(s policy.State) string {
	if s == policy.StateReportOnly {
		return "report-only"
	}
	return string(s)
}

// changeAgg folds the changes in input order.
type changeAgg struct {
	matched int
	changes WhatIfChanges
	signIns []WhatIfSignIn
	top     int
	dropped int
}

func (c *changeAgg) add(o changeOutcome) {
	c.matched++
	switch o.change {
	case "":
		c.changes.Unchanged++
		return
	case ChangeUnblocked:
		c.changes.Unblocked++
	case ChangeNewlyBlocked:
		c.changes.NewlyBlocked++
	default:
		c.changes.Unknown++
	}
	if o.entry != nil {
		c.offer(*o.entry)
	}
}

// changeRank orders changes: what an edit breaks first.
func changeRank(change string) int {
	switch change {
	case ChangeNewlyBlocked:
		return 0
	case ChangeUnknown:
		return 1
	}
	return 2
}

func whatIfLess(a, b *WhatIfSignIn) bool {
	if ra, rb := changeRank(a.Change), changeRank(b.Change); ra != rb {
		return ra < rb
	}
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	return sourceBefore(a.pos, b.pos)
}

// offer keeps the first top sign-ins in report order (all when top is 0),
// so that memory stays bounded however many sign-ins change.
func (c *changeAgg) offer(e WhatIfSignIn) {
	if c.top <= 0 {
		c.signIns = append(c.signIns, e)
		return
	}
	if len(c.signIns) == c.top && !whatIfLess(&e, &c.signIns[c.top-1]) {
		c.dropped++
		return
	}
	i := sort.Search(len(c.signIns), func(i int) bool { return whatIfLess(&e, &c.signIns[i]) })
	if len(c.signIns) < c.top {
		c.signIns = append(c.signIns, WhatIfSignIn{})
	} else {
		c.dropped++
	}
	copy(c.signIns[i+1:], c.signIns[i:])
	c.signIns[i] = e
}

// WhatIf replays the sign-ins of the exports at paths under opts.Before
// and opts.After and reports the difference.
func WhatIf(ctx context.Context, paths []string, opts WhatIfOptions) (*WhatIfReport, error) {
	inputs, err := parse.Expand(paths, opts.Parse)
	if err != nil {
		return nil, err
	}
	o := opts.Options
	o.Rules, o.Context = nil, nil
	o.replay = &replay{before: opts.Before, after: opts.After}
	clock := o.Clock
	if clock == nil {
		clock = time.Now
	}
	rep := &WhatIfReport{Schema: WhatIfSchema, Version: o.Version, GeneratedAt: clock().UTC(), Filter: o.Filter.Describe(),
		Edits: append([]string{}, opts.Edits...), PoliciesBefore: len(opts.Before.Policies()), PoliciesAfter: len(opts.After.Policies()),
		Inputs: []WhatIfInput{}, SignIns: []WhatIfSignIn{}, Warnings: append([]string{}, opts.Warnings...)}
	res, err := runPass(ctx, inputs, o)
	if err != nil {
		return nil, err
	}
	var sums []InputSummary
	for _, sum := range res.inputs {
		sums = append(sums, sum)
		rep.Inputs = append(rep.Inputs, WhatIfInput{Path: sum.Path, Format: sum.Format, Records: sum.Records, Skipped: sum.Skipped,
			Matched: sum.Matched, Error: sum.Error})
		rep.Read += sum.Records
		for _, w := range sum.Warnings {
			rep.Warnings = append(rep.Warnings, sum.Path+": "+w)
		}
	}
	if rep.Read == 0 {
		return nil, noRecordsError(sums)
	}
	c := res.changes
	rep.Matched, rep.Changes = c.matched, c.changes
	rep.SignIns = append(rep.SignIns, c.signIns...)
	rep.SignInsOmitted = c.dropped
	if rep.Matched == 0 {
		var err error
		if rep.NoMatch, err = noMatch(ctx, &res.rej, rep.Read, inputs, o); err != nil {
			return nil, err
		}
	}
	return rep, nil
}
