package cmd

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jedib0t/go-pretty/v6/progress"
	"github.com/jedib0t/go-pretty/v6/text"
	"golang.org/x/term"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/parse"
)

// progressDelay is how long an analysis runs before its progress bar
// appears: short runs print nothing.
const progressDelay = 700 * time.Millisecond

// progressTick is how often the bar is brought up to date.
const progressTick = 150 * time.Millisecond

// progressBar shows how far an analysis has read, on standard error: the
// bytes read of the inputs' total size, the inputs done, the records read
// and their rate. It implements analyze.Progress and is safe for
// concurrent use: inputs read in parallel each add their reader, and the
// bar sums the bytes read over every open reader.
type progressBar struct {
	out   io.Writer
	width int
	delay time.Duration

	mu        sync.Mutex
	open      map[*parse.Reader]struct{}
	doneBytes int64 // Bytes read by inputs already done.
	doneCount int
	inputs    int
	total     int64 // -1 when some input's size is unknown.
	records   atomic.Int64

	started time.Time
	stop    chan struct{}
	stopped sync.WaitGroup

	pw      progress.Writer // Nil until the bar appears.
	tracker *progress.Tracker
}

var _ analyze.Progress = (*progressBar)(nil)

// newProgress returns a progress bar for the analysis, or nil when nothing
// decorative may be written: standard error is not a terminal (a pipe, a
// file), the run is in CI, or the terminal is dumb.
func newProgress(ios *IOStreams) *progressBar {
	if !ios.StderrTTY || ios.Getenv == nil || ios.Getenv("CI") != "" || ios.Getenv("TERM") == "dumb" {
		return nil
	}
	width := 0
	if f, ok := ios.ErrOut.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			width = w
		}
	}
	if width <= 0 {
		width = 100
	}
	return &progressBar{out: ios.ErrOut, width: width, delay: progressDelay, open: map[*parse.Reader]struct{}{}}
}

// Start implements analyze.Progress.
func (p *progressBar) Start(inputs []parse.Input, total int64) {
	p.mu.Lock()
	p.inputs, p.total, p.started = len(inputs), total, time.Now()
	p.mu.Unlock()
	p.stop = make(chan struct{})
	p.stopped.Add(1)
	go p.loop()
}

// Open implements analyze.Progress.
func (p *progressBar) Open(r *parse.Reader) {
	p.mu.Lock()
	p.open[r] = struct{}{}
	p.mu.Unlock()
}

// Done implements analyze.Progress.
func (p *progressBar) Done(r *parse.Reader) {
	p.mu.Lock()
	if _, ok := p.open[r]; ok {
		delete(p.open, r)
		p.doneBytes += r.BytesRead()
		p.doneCount++
	}
	p.mu.Unlock()
}

// Records implements analyze.Progress.
func (p *progressBar) Records(n int) { p.records.Add(int64(n)) }

// state returns the bytes read so far over every input, done or open.
func (p *progressBar) state() (read, total int64, done, inputs int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	read = p.doneBytes
	for r := range p.open {
		read += r.BytesRead()
	}
	return read, p.total, p.doneCount, p.inputs
}

func (p *progressBar) loop() {
	defer p.stopped.Done()
	if p.delay <= 0 {
		p.show()
	}
	tick := time.NewTicker(progressTick)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
			if p.pw == nil && time.Since(p.started) >= p.delay {
				p.show()
			}
			p.update(false)
		}
	}
}

// show starts rendering the bar.
func (p *progressBar) show() {
	pw := progress.NewWriter()
	pw.SetOutputWriter(p.out)
	// go-pretty measures the terminal only when it writes to stdout.
	pw.SetTerminalWidth(p.width)
	pw.SetAutoStop(false)
	pw.SetUpdateFrequency(progressTick)
	pw.SetTrackerLength(20)
	// The percentage, bar, bytes and speed take about 56 columns.
	pw.SetMessageLength(max(20, p.width-58))
	pw.Style().Visibility.Speed = true
	pw.Style().Visibility.Value = true
	pw.Style().Visibility.ETA = false
	pw.Style().Visibility.Time = false
	_, total, _, _ := p.state()
	if total < 0 {
		total = 0 // go-pretty draws an indeterminate bar.
	}
	p.tracker = &progress.Tracker{Message: "reading", Total: total, Units: progress.UnitsBytes}
	pw.AppendTracker(p.tracker)
	p.pw = pw
	go pw.Render()
	// Wait for the renderer to start, so that a Stop right after cannot
	// come before it and leave it running.
	for !pw.IsRenderInProgress() {
		time.Sleep(time.Millisecond)
	}
}

// update brings the bar up to date; final shows the run complete, whatever
// inputs were skipped unread or counted differently.
func (p *progressBar) update(final bool) {
	if p.pw == nil {
		return
	}
	read, total, done, inputs := p.state()
	current := min(done+1, inputs)
	if total > 0 {
		read = min(read, total) // Never past 100%.
	}
	if final {
		current = inputs
		read = max(read, total)
	}
	records := p.records.Load()
	rate := float64(records) / max(time.Since(p.started).Seconds(), 0.001)
	p.tracker.SetValue(read)
	p.tracker.UpdateMessage(fmt.Sprintf("%d/%d inputs · %s records · %s/s",
		current, inputs, analyze.Count(int(records)), analyze.Count(int(rate))))
}

// Stop ends the bar and erases it, so that what follows on the terminal
// starts on a clean line. It is safe to call more than once, on a bar
// whose Start was never called, and on nil.
func (p *progressBar) Stop() {
	if p == nil || p.stop == nil {
		return
	}
	select {
	case <-p.stop:
		return
	default:
		close(p.stop)
	}
	p.stopped.Wait()
	if p.pw == nil {
		return
	}
	p.update(true)
	p.tracker.MarkAsDone()
	p.pw.Stop()
	for p.pw.IsRenderInProgress() {
		time.Sleep(10 * time.Millisecond)
	}
	// go-pretty leaves the last frame and a line break: go back up over
	// it and erase it. (Its RemoveOnCompletion would stop it from
	// rewinding the bar between frames.)
	_, _ = io.WriteString(p.out, text.CursorUp.Sprint()+text.EraseLine.Sprint())
}
