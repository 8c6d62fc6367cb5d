// Package analyze filters sign-in records, runs the rules over them and
// aggregates the result into the report that every output format renders.
package analyze

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// Options control an analysis.
type Options struct {
	// Filter selects the sign-ins the report is about.
	Filter Filter
	// Parse controls how inputs are opened and read.
	Parse parse.Options
	// Strict makes a malformed record end the run instead of being
	// skipped and counted.
	Strict bool
	// Top bounds the rows of long report sections; 0 keeps every row.
	Top int
	// Rules are evaluated on each matched record; nil runs none.
	Rules *rules.Set
	// Context is what rules, the locations section and the policy
	// evaluation know about the tenant: its named locations and, with
	// --policies, its Conditional Access policies, which are evaluated
	// for every matched record; nil knows nothing.
	Context *rules.Context
	// Clock gives the report time; nil means time.Now. Tests fix it.
	Clock func() time.Time
	// Version is written into the report.
	Version string
	// Progress, when set, is told about each input as it is opened, so
	// that a progress display can poll its bytes read.
	Progress Progress
	// Workers is the number of goroutines that decode and evaluate
	// records; 0 means GOMAXPROCS. The report does not depend on it.
	Workers int
	// KeepDuplicates counts every copy of a sign-in that several inputs
	// hold (the same request ID); by default only the first copy, in input
	// order, is counted. Either way Summary.Duplicates says how many copies
	// there were.
	KeepDuplicates bool
	// replay, set by WhatIf, replays the kept records under two policy
	// sets instead of aggregating them into a report.
	replay *replay
	// DecodeAll decodes every record, even those whose raw bytes prove
	// that the user or app filter drops them. The report is the same but
	// for malformed records among those: decoded, they are skipped and
	// counted; left undecoded, they are counted as read. Strict implies
	// it.
	DecodeAll bool
}

// Progress receives progress events. Implementations must be safe for
// concurrent use.
type Progress interface {
	// Start is called once with the inputs and their total size on disk
	// (-1 when unknown).
	Start(inputs []parse.Input, total int64)
	// Open is called when an input is opened; BytesRead of the reader can
	// be polled until Done.
	Open(r *parse.Reader)
	// Done is called when an input has been read.
	Done(r *parse.Reader)
	// Records adds n records read.
	Records(n int)
}

// truncatedRows is the portal's download limit: a download of exactly this
// many rows was probably cut off.
const truncatedRows = 100000

// Run reads every input, filters the records, runs the rules and returns the
// report. An input that cannot be read, a record in strict mode, or a run
// that reads no record at all, is an error.
func Run(ctx context.Context, paths []string, opts Options) (*Report, error) {
	inputs, err := parse.Expand(paths, opts.Parse)
	if err != nil {
		return nil, err
	}
	return RunInputs(ctx, inputs, opts)
}

// RunInputs is Run over inputs already expanded.
func RunInputs(ctx context.Context, inputs []parse.Input, opts Options) (*Report, error) {
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	rep := &Report{Schema: Schema, Version: opts.Version, GeneratedAt: clock().UTC()}
	rep.Filter = summarizeFilter(opts.Filter)

	if opts.Progress != nil {
		var total int64
		for _, in := range inputs {
			if in.Size < 0 {
				total = -1
				break
			}
			total += in.Size
		}
		opts.Progress.Start(inputs, total)
	}

	// Sign-ins that several inputs hold count once, from the input read
	// first: the richest formats are read first (see dedupe.go), and the
	// report lists the inputs in the order given all the same.
	read := inputs
	var order []int
	if len(inputs) > 1 && !opts.KeepDuplicates {
		order = readOrder(inputs, opts.Parse)
		read = make([]parse.Input, len(inputs))
		for k, i := range order {
			read[k] = inputs[i]
		}
	}
	res, err := runPass(ctx, read, opts)
	if err != nil {
		return nil, err
	}
	if order != nil {
		given := make([]InputSummary, len(res.inputs))
		for k, i := range order {
			given[i] = res.inputs[k]
		}
		res.inputs = given
	}
	inputs = read
	for _, sum := range res.inputs {
		rep.Inputs = append(rep.Inputs, sum)
		rep.Summary.Inputs++
		rep.Summary.Read += sum.Records
		rep.Summary.Skipped += sum.Skipped
		if sum.Error != "" && sum.Records == 0 {
			rep.Summary.Unread++
		}
		if sum.Damaged {
			rep.Summary.Damaged++
		}
	}
	agg, rej := res.agg, res.rej
	if d := res.dedupe; d != nil {
		rep.Summary.Duplicates, rep.Summary.DuplicatesPartial = d.copies, d.full
		rep.Summary.DuplicatesMerged = d.copies > 0 && !opts.KeepDuplicates
	}
	if rep.Summary.Read == 0 {
		return nil, noRecordsError(rep.Inputs)
	}
	agg.fill(rep, sectionOptions{top: opts.Top, locations: newLocator(opts.Context), zone: opts.Filter.zone(), context: opts.Context})
	if rep.Summary.Matched == 0 {
		if rep.Summary.NoMatch, err = noMatch(ctx, &rej, rep.Summary.Read, inputs, opts); err != nil {
			return nil, err
		}
	}
	rep.RuleErrors = ruleErrors(opts.Rules, opts.Filter.Where)
	rep.Warnings = warningGroups(rep.Inputs, opts.Top)
	rep.Inputs, rep.InputsOmitted = cutInputs(rep.Inputs, opts.Top)
	rep.Verdict = verdictOf(rep)
	rep.inZone(opts.Filter.zone())
	return rep, nil
}

// runPass reads the inputs once, with the prefilter when it applies and
// framing records by the layout of their lines when the inputs can be read
// again: a pass that meets a misleading layout is abandoned, with the rule
// errors it recorded, and done again with full scans.
func runPass(ctx context.Context, inputs []parse.Input, opts Options) (*passResult, error) {
	p := &pipeline{opts: opts, filter: opts.Filter, workers: opts.Workers, layout: !opts.DecodeAll && rereadable(inputs), severalInputs: len(inputs) > 1}
	if !opts.DecodeAll && !opts.Strict {
		p.prefilter = newPrefilter(opts.Filter, rereadable(inputs))
	}
	var restore []func()
	if opts.Rules != nil {
		restore = append(restore, opts.Rules.SaveRunErrors())
	}
	if opts.Filter.Where != nil {
		restore = append(restore, opts.Filter.Where.SaveRunErrors())
	}
	res, err := p.run(ctx, inputs)
	if errors.Is(err, parse.ErrReframe) {
		for _, r := range restore {
			r()
		}
		p.layout = false
		p.opts.Progress = nil
		return p.run(ctx, inputs)
	}
	return res, err
}

// rereadable reports whether every input can be read a second time, as
// dropNames needs: all but standard input and pipes.
func rereadable(inputs []parse.Input) bool {
	for _, in := range inputs {
		if !in.Rereadable() {
			return false
		}
	}
	return true
}

// dropNames reads the inputs again for the names (users or apps, as st
// says) of the records that the filter of st drops, in input order as the
// first pass met them. For apps the user test still prefilters: matcher
// tests the user first, so only the user's records reach the app test.
// noMatch says why none of read records matched (see whyNoMatch).
func noMatch(ctx context.Context, rej *rejections, read int, inputs []parse.Input, opts Options) (string, error) {
	if k := rej.emptying(read); (k == stageUser || k == stageApp) && rej.screened[k] > 0 && rereadable(inputs) {
		// The message names the users or apps of the records that filter
		// dropped, which the prefilter did not decode: read again for
		// their names. Only runs that match nothing pay this.
		names, err := dropNames(ctx, inputs, opts, k)
		if err != nil {
			return "", err
		}
		if k == stageUser {
			rej.users = names
		} else {
			rej.apps = names
		}
	}
	return rej.whyNoMatch(read, opts.Filter), nil
}

func dropNames(ctx context.Context, inputs []parse.Input, opts Options, st stage) (map[string]int, error) {
	identity := Filter{Users: opts.Filter.Users, Apps: opts.Filter.Apps}
	p := &pipeline{opts: opts, filter: identity, workers: opts.Workers, labelsOnly: true, labelStage: st}
	p.opts.Progress = nil
	if st == stageApp {
		p.prefilter = newPrefilter(Filter{Users: opts.Filter.Users}, false)
	}
	res, err := p.run(ctx, inputs)
	if err != nil {
		return nil, err
	}
	if st == stageUser {
		return res.rej.users, nil
	}
	return res.rej.apps, nil
}

// inputTally counts what an input's warnings are made of.
type inputTally struct {
	unknownFlow        int // Records of unknown flow (read, not only matched).
	caFailureNoPolicy  int // CA failures with a known but empty policy list.
	unknownFutureValue int // Policies whose result reads unknownFutureValue.
	skipped            map[string]*SkipReason
	skipOrder          []string
}

func (t *inputTally) observe(rec *parse.Record) {
	if rec.Flow == "" {
		t.unknownFlow++
	}
	if rec.CAStatus == parse.CAFailure && rec.Known.Has(parse.FieldPolicies) && len(rec.Policies) == 0 {
		t.caFailureNoPolicy++
	}
	for i := range rec.Policies {
		if rec.Policies[i].Result == parse.CAUnknownFutureValue {
			t.unknownFutureValue++
		}
	}
}

// skipKinds are the parse sentinels a skip reason is grouped by.
var skipKinds = []error{parse.ErrAmbiguousTime, parse.ErrBadTime, parse.ErrBadValue, parse.ErrTruncated, parse.ErrTooLarge, parse.ErrMissingColumn}

// skip counts a skipped record under its reason: the field and the kind of
// error, without position or value, so that one bad column in many rows is
// one line. The first record's full error is kept as the example.
func (t *inputTally) skip(err error) {
	reason := err.Error()
	var pe *parse.ParseError
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
		for _, kind := range skipKinds {
			if errors.Is(pe.Err, kind) {
				reason = kind.Error()
				break
			}
		}
		if pe.Field != "" {
			reason = fmt.Sprintf("field %q: %s", pe.Field, reason)
		}
	}
	if s, ok := t.skipped[reason]; ok {
		s.Count++
		return
	}
	t.skipped[reason] = &SkipReason{Reason: reason, Count: 1, First: err.Error()}
	t.skipOrder = append(t.skipOrder, reason)
}

// inputWarnings says what the input's format cannot tell and what reading
// it showed.
func inputWarnings(rd *parse.Reader, info parse.FormatInfo, sum InputSummary, t inputTally) []string {
	var w []string
	if rd.Format == parse.FormatPortalCSV || rd.Format == parse.FormatGraphJSON {
		if sum.Records+sum.Skipped == truncatedRows {
			w = append(w, fmt.Sprintf("the file holds exactly %s records, the Entra portal's download limit: it is probably truncated; download smaller time ranges", Count(truncatedRows)))
		}
	}
	switch rd.Format {
	case parse.FormatPortalCSV:
		// The first capability note (no per-policy detail) always matters;
		// the flow note only when rows lack a flow, which the unknown-flow
		// warning below says.
		w = append(w, info.CannotTell[0])
	case parse.FormatGraphJSON, parse.FormatLogAnalyticsJSON, parse.FormatLogAnalyticsCSV, parse.FormatDiagnosticJSON:
		if t.caFailureNoPolicy > 0 {
			w = append(w, fmt.Sprintf("%s sign-ins failed Conditional Access but list no policy: the export was probably made without a Conditional Access read permission (Policy.Read.All), so policy detail is missing", Count(t.caFailureNoPolicy)))
		}
		if t.unknownFutureValue > 0 {
			w = append(w, fmt.Sprintf("%s policy results read unknownFutureValue: report-only results need the Graph header Prefer: include-unknown-enum-members when exporting", Count(t.unknownFutureValue)))
		}
	}
	if rd.Format == parse.FormatDiagnosticJSON {
		w = append(w, info.CannotTell...)
	}
	if t.unknownFlow > 0 {
		w = append(w, fmt.Sprintf("%s records do not say whether they are interactive or non-interactive (only a portal download's file name does): they are kept whatever --flow says", Count(t.unknownFlow)))
	}
	w = append(w, rd.Notes()...)
	return w
}

// noRecordsError explains a run that read no record: for each input, what
// it was instead (an authentication-details download, a file that is not
// an export), as its error or its reader's notes say.
func noRecordsError(inputs []InputSummary) error {
	skipped := 0
	var first string
	for _, in := range inputs {
		skipped += in.Skipped
		if first == "" && len(in.SkipReasons) > 0 {
			first = in.SkipReasons[0].First
		}
	}
	if len(inputs) == 0 {
		return errors.New("no input to read")
	}
	if skipped > 0 {
		records := "records"
		if skipped == 1 {
			records = "record"
		}
		return fmt.Errorf("no sign-in record could be read: %s malformed %s skipped; the first: %s", Count(skipped), records, first)
	}
	reason := func(in InputSummary) string {
		if in.Error != "" {
			// The error names the input already.
			return strings.TrimPrefix(in.Error, in.Path+": ")
		}
		var notes []string
		for _, w := range in.Warnings {
			if !strings.HasPrefix(w, "not read: ") {
				notes = append(notes, w)
			}
		}
		if len(notes) > 0 {
			return strings.Join(notes, "; ")
		}
		return "it holds no records"
	}
	if len(inputs) == 1 {
		return fmt.Errorf("no sign-in records in %s: %s", inputs[0].Path, reason(inputs[0]))
	}
	const shown = 10
	var b strings.Builder
	fmt.Fprintf(&b, "no sign-in records in %s inputs:", Count(len(inputs)))
	for i, in := range inputs {
		if i == shown {
			fmt.Fprintf(&b, "\n  ... and %s more", Count(len(inputs)-shown))
			break
		}
		fmt.Fprintf(&b, "\n  %s: %s", in.Path, reason(in))
	}
	return errors.New(b.String())
}

func summarizeFilter(f Filter) FilterSummary {
	fs := FilterSummary{Users: nonNil(f.Users), Apps: nonNil(f.Apps), Flow: f.Flow, Status: f.Status, Description: f.Describe()}
	if fs.Flow == "" {
		fs.Flow = FlowAny
	}
	if fs.Status == "" {
		fs.Status = StatusAny
	}
	if len(fs.Apps) == 0 {
		fs.Apps = []string{AppAny}
	}
	if !f.Since.IsZero() {
		t := f.Since.In(f.zone())
		fs.Since = &t
	}
	if !f.Until.IsZero() {
		t := f.Until.In(f.zone())
		fs.Until = &t
	}
	fs.TimeZone = f.zone().String()
	if f.Where != nil {
		fs.Where = f.Where.String()
	}
	return fs
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return append([]string(nil), s...)
}
