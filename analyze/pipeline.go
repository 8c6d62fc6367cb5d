package analyze

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/signinspect/signinspect/parse"
)

// The read loop runs as a pipeline over all inputs of a run:
//
//   - one producer goroutine opens the inputs one after the other, frames
//     their records (parse.Splitter) and copies them into batches;
//   - N workers (GOMAXPROCS by default) take batches in any order and, per
//     record, run the prefilter, decode, filter and evaluate the rules;
//   - the calling goroutine, the collector, takes the batches back in the
//     order the producer made them and does everything whose result
//     depends on order: counting, skip reasons with their first example,
//     the rejections, the aggregation, the per-input summaries.
//
// The report is therefore the one a sequential read gives, record for
// record, whatever the number of workers: workers only compute per-record
// facts, and every fold over records happens in input order. Inputs of a
// folder flow through the same workers, and the producer opens the next
// input while the workers still decode the previous one's last batches, so
// many small files cost per byte what one large file costs. Memory is
// bounded by the batches in flight (orderDepth per worker, each at most
// batchBytes of raw records plus the decoded records of one batch).

const (
	// batchBytes and batchRecords bound one batch: large enough that
	// channel operations and scheduling vanish next to decoding, small
	// enough that many are in flight per worker and memory stays flat.
	batchBytes   = 256 << 10
	batchRecords = 1024
	// orderDepth is how many batches per worker may wait to be collected.
	orderDepth = 4
)

// chunkRef is one framed record in a batch's buffer, or a record the
// splitter could not frame (err).
type chunkRef struct {
	off, end    int
	line, index int
	layout      parse.Layout
	err         error
}

// outcome is what a worker found out about one record.
type outcome struct {
	rec      *parse.Record // The decoded record, nil when skipped or screened.
	err      error         // A *parse.RecordError: the record is skipped.
	stage    stage         // The filter stage that dropped it, or stageKept.
	later    stageSet      // The later stages that dropped it too.
	screened bool          // Dropped by the prefilter without decoding.
	noFlow   bool          // For a screened record: it does not tell its flow.
	hits     []Hit         // The rules that fired on a kept record.
	eval     *evalOutcome  // The evaluation of --policies for a kept record.
	change   changeOutcome // What whatif's edits do to a kept record.
}

// batch is the unit of work: consecutive records of one input. A batch
// with end set closes its input and carries no records.
type batch struct {
	in     *inputRun
	data   []byte
	chunks []chunkRef
	out    []outcome
	done   chan struct{} // Closed by the worker that filled out.
	end    bool
}

func (b *batch) full() bool {
	return len(b.data) >= batchBytes || len(b.chunks) >= batchRecords
}

// inputRun is the state of one input during a run.
type inputRun struct {
	in       parse.Input
	rd       *parse.Reader
	screener parse.Screener
	escapes  bool  // The format escapes characters with a backslash (JSON).
	err      error // Why the input could not be opened or read on.
}

// pipeline runs one pass over the inputs.
type pipeline struct {
	opts      Options
	filter    Filter
	prefilter *prefilter
	workers   int
	// severalInputs makes the collector look for sign-ins that more than
	// one input holds (see dedupe.go).
	severalInputs bool
	// labelsOnly makes the pass collect only the names of the records that
	// the filter of labelStage drops (see RunInputs).
	labelsOnly bool
	labelStage stage
	// layout frames inputs by the layout of their lines (see
	// parse.LayoutFramer); a pass that meets parse.ErrReframe fails with it.
	layout bool

	pool sync.Pool // *batch
}

// passResult is what a pass collected.
type passResult struct {
	inputs []InputSummary
	agg    *aggregator
	rej    rejections
	// screened counts the records the prefilter dropped undecoded.
	screened int
	// dedupe finds the sign-ins several inputs hold; nil for one input.
	dedupe *dedupe
	// changes folds whatif's replay of the kept records.
	changes *changeAgg
}

func (p *pipeline) newBatch(in *inputRun) *batch {
	b, _ := p.pool.Get().(*batch)
	if b == nil {
		b = &batch{data: make([]byte, 0, batchBytes+64<<10)}
	}
	b.in, b.end = in, false
	b.done = make(chan struct{})
	return b
}

func (p *pipeline) recycle(b *batch) {
	if cap(b.data) > 4*batchBytes {
		return // Grown for a huge record: let it go.
	}
	clear(b.out)
	b.data, b.chunks, b.out, b.in = b.data[:0], b.chunks[:0], b.out[:0], nil
	p.pool.Put(b)
}

// run reads every input through the pipeline.
func (p *pipeline) run(ctx context.Context, inputs []parse.Input) (*passResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := p.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	order := make(chan *batch, orderDepth*workers)
	work := make(chan *batch, workers)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(work)
		p.produce(ctx, inputs, order, work)
	}()
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.work(ctx, work)
		}()
	}
	res, err := p.collect(ctx, order)
	if err != nil {
		cancel()
	}
	// The producer and workers stop at the cancellation; wait for them so
	// that no goroutine outlives the run, then release what they left.
	for range order {
	}
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// send queues b for the collector and, when it holds records, for the
// workers. It reports false when the run is cancelled.
func send(ctx context.Context, b *batch, order, work chan<- *batch) bool {
	select {
	case order <- b:
	case <-ctx.Done():
		return false
	}
	if b.end {
		return true
	}
	select {
	case work <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// produce opens and frames the inputs in order.
func (p *pipeline) produce(ctx context.Context, inputs []parse.Input, order, work chan<- *batch) {
	for _, in := range inputs {
		if ctx.Err() != nil {
			return
		}
		run := &inputRun{in: in}
		rd, err := parse.Open(in, p.opts.Parse)
		if err != nil {
			run.err = err
			end := p.newBatch(run)
			end.end = true
			close(end.done)
			if !send(ctx, end, order, work) || !p.tolerates(run) {
				return // Cancelled, or the error ends the run.
			}
			continue
		}
		run.rd = rd
		run.screener, _ = rd.Decoder().(parse.Screener)
		if lf, ok := rd.Splitter().(parse.LayoutFramer); ok && p.layout {
			lf.FrameByLayout()
		}
		// Only the portal CSV, of the formats with a Screener, has no
		// escapes: its cells hold their values but for doubled quotes.
		run.escapes = rd.Format != parse.FormatPortalCSV
		if p.opts.Progress != nil {
			p.opts.Progress.Open(rd)
		}
		if !p.frame(ctx, run, order, work) {
			rd.Close()
			return
		}
		rd.Close()
	}
}

// frame splits one input into batches. It reports false when the run is
// cancelled or the input failed (the failure travels in the end batch).
func (p *pipeline) frame(ctx context.Context, run *inputRun, order, work chan<- *batch) bool {
	s := run.rd.Splitter()
	b := p.newBatch(run)
	for {
		c, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !parse.IsRecordError(err) {
				run.err = err
				break
			}
			b.chunks = append(b.chunks, chunkRef{err: err})
		} else {
			off := len(b.data)
			b.data = append(b.data, c.Data...)
			b.chunks = append(b.chunks, chunkRef{off: off, end: len(b.data), line: c.Line, index: c.Index, layout: c.Layout})
		}
		if b.full() {
			if !send(ctx, b, order, work) {
				return false
			}
			b = p.newBatch(run)
		}
	}
	if len(b.chunks) > 0 {
		if !send(ctx, b, order, work) {
			return false
		}
	} else {
		p.recycle(b)
	}
	end := p.newBatch(run)
	end.end = true
	close(end.done)
	return send(ctx, end, order, work) && (run.err == nil || p.tolerates(run))
}

// tolerates reports whether the run goes on after run's input failed to
// open or to read to its end: a file found in a folder (or an archive) is
// one of many, and one damaged file does not sink the batch, unless
// --strict asks for every input to be whole. The input's report says what
// happened.
func (p *pipeline) tolerates(run *inputRun) bool {
	return run.in.FromDirectory && !p.opts.Strict && !errors.Is(run.err, parse.ErrReframe)
}

// work fills batches with outcomes until the work runs out or the run is
// cancelled.
func (p *pipeline) work(ctx context.Context, work <-chan *batch) {
	m := newMatcher(p.filter)
	if p.filter.Where != nil {
		// Cancellation stops a --where expression that loops.
		m.where = p.filter.Where.NewMatcherContext(ctx)
	}
	var ev *ruleEvaluator
	var pe *evaluator
	if p.opts.Rules != nil && !p.labelsOnly {
		ev = newRuleEvaluator(ctx, p.opts.Rules)
	}
	var rp *replayer
	if !p.labelsOnly {
		pe = newEvaluator(p.opts.Context)
		if p.opts.replay != nil {
			rp = &replayer{r: p.opts.replay}
		}
	}
	for {
		select {
		case b, ok := <-work:
			if !ok {
				return
			}
			p.process(b, m, ev, pe, rp)
			close(b.done)
		case <-ctx.Done():
			return
		}
	}
}

// process works out the outcome of every record of b.
func (p *pipeline) process(b *batch, m *matcher, ev *ruleEvaluator, pe *evaluator, rp *replayer) {
	dec := b.in.rd.Decoder()
	for _, ref := range b.chunks {
		if ref.err != nil {
			b.out = append(b.out, outcome{err: ref.err})
			continue
		}
		c := parse.Chunk{Data: b.data[ref.off:ref.end:ref.end], Line: ref.line, Index: ref.index, Layout: ref.layout}
		if p.prefilter != nil && b.in.screener != nil {
			if st := p.prefilter.drops(c.Data, b.in.escapes); st != stageKept {
				if sc, ok := b.in.screener.Screen(c); ok {
					b.out = append(b.out, outcome{stage: st, screened: true, noFlow: sc.NoFlow})
					continue
				}
			}
		}
		rec, err := dec.Decode(c)
		if err != nil {
			b.out = append(b.out, outcome{err: err})
			continue
		}
		o := outcome{rec: rec, stage: m.keep(rec)}
		if o.stage != stageKept {
			o.later = m.failsAfter(rec, o.stage)
		}
		if o.stage == stageKept && ev != nil {
			if hits := ev.eval(rec); len(hits) > 0 {
				o.hits = append([]Hit(nil), hits...)
			}
		}
		if o.stage == stageKept && pe != nil {
			o.eval = pe.outcome(rec, ev.policies())
		}
		if o.stage == stageKept && rp != nil {
			o.change = rp.replayRecord(rec)
		}
		b.out = append(b.out, o)
	}
}

// inputState is what the collector accumulates for the input it is on.
type inputState struct {
	input int // The input's number, in read order.
	sum   InputSummary
	tally inputTally
}

// collect folds the outcomes in input order.
func (p *pipeline) collect(ctx context.Context, order <-chan *batch) (*passResult, error) {
	res := &passResult{agg: newAggregator()}
	if p.severalInputs {
		res.dedupe = &dedupe{}
	}
	if p.opts.replay != nil {
		res.changes = &changeAgg{top: p.opts.Top}
	}
	var cur *inputState
	var curRun *inputRun
	input := -1 // The current input's number, in read order.
	pending := 0
	flushProgress := func() {
		if p.opts.Progress != nil && pending > 0 {
			p.opts.Progress.Records(pending)
		}
		pending = 0
	}
	defer flushProgress()
	for b := range order {
		select {
		case <-b.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if b.in != curRun {
			curRun = b.in
			input++
			cur = &inputState{input: input, sum: InputSummary{Path: b.in.in.Name, Warnings: []string{}}, tally: inputTally{skipped: map[string]*SkipReason{}}}
		}
		if b.end {
			flushProgress()
			sum, err := p.finishInput(b.in, cur)
			if err != nil {
				return nil, err
			}
			res.inputs = append(res.inputs, sum)
			p.recycle(b)
			continue
		}
		if err := p.collectBatch(b, cur, res, &pending); err != nil {
			return nil, err
		}
		p.recycle(b)
		if pending >= 4096 {
			flushProgress()
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// collectBatch folds one batch's outcomes, as the sequential read loop did
// record by record.
func (p *pipeline) collectBatch(b *batch, st *inputState, res *passResult, pending *int) error {
	sum, tally := &st.sum, &st.tally
	for i := range b.out {
		o := &b.out[i]
		if o.err != nil {
			if errors.Is(o.err, parse.ErrReframe) {
				return o.err
			}
			if p.opts.Strict {
				return fmt.Errorf("%w (--strict stops at the first malformed record)", o.err)
			}
			sum.Skipped++
			tally.skip(o.err)
			continue
		}
		sum.Records++
		*pending++
		if p.labelsOnly {
			if o.stage == p.labelStage && o.rec != nil {
				res.rej.add(o.stage, o.later, o.rec)
			}
			continue
		}
		if o.screened {
			res.screened++
			if o.noFlow {
				tally.unknownFlow++
			}
			res.rej.byStage[o.stage]++
			res.rej.screened[o.stage]++
			continue
		}
		rec := o.rec
		tally.observe(rec)
		if o.stage != stageKept {
			res.rej.add(o.stage, o.later, rec)
			continue
		}
		sum.Matched++
		if rec.Failed() {
			sum.Failures++
		}
		if res.dedupe != nil && res.dedupe.copyOf(rec.RequestID, st.input) && !p.opts.KeepDuplicates {
			continue // Counted in its input, merged in the report.
		}
		if res.changes != nil {
			res.changes.add(o.change)
			continue
		}
		res.agg.add(rec, o.hits)
		if o.eval != nil {
			res.agg.addEvaluation(rec, o.eval)
		}
	}
	return nil
}

// finishInput completes an input's summary once all its records are
// collected, or returns the error that ends the run.
func (p *pipeline) finishInput(run *inputRun, st *inputState) (InputSummary, error) {
	sum := st.sum
	if run.rd == nil {
		err := run.err
		if !p.tolerates(run) {
			return sum, err
		}
		sum.Format, sum.Error = "unknown", err.Error()
		if errors.Is(err, parse.ErrUnknownFormat) {
			sum.Warnings = append(sum.Warnings, "not read: not a sign-in log export")
		} else {
			sum.Damaged = true
		}
		return sum, nil
	}
	if p.opts.Progress != nil {
		defer p.opts.Progress.Done(run.rd)
	}
	if run.err != nil {
		if !p.tolerates(run) {
			return sum, run.err
		}
		// The records before the damage were read and count; the rest of
		// the input is lost, which the input's error says.
		sum.Damaged = true
		sum.Error = fmt.Sprintf("%v; the %s records before it were read, the rest of the file was not", run.err, Count(sum.Records))
	}
	info := run.rd.Format.Info()
	sum.Format, sum.FormatName = string(run.rd.Format), info.Name
	for _, k := range st.tally.skipOrder {
		sum.SkipReasons = append(sum.SkipReasons, *st.tally.skipped[k])
	}
	sum.Warnings = append(sum.Warnings, inputWarnings(run.rd, info, sum, st.tally)...)
	return sum, nil
}
