package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/signinspect/signinspect/internal/atomicfile"
)

// An Interrupt is the cause of a run's context when a signal stopped it:
// Ctrl-C (SIGINT) or SIGTERM. The run exits with ExitCode and says
// "interrupted"; what it was writing is left unwritten.
type Interrupt struct {
	Signal os.Signal
}

func (i *Interrupt) Error() string { return "interrupted" }

// ExitCode is 128 plus the signal's number, as shells report a process that
// a signal ended: 130 for SIGINT, 143 for SIGTERM.
func (i *Interrupt) ExitCode() int {
	if s, ok := i.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + int(syscall.SIGINT)
}

// interruptGrace is how long a run may take to stop once interrupted
// before the process exits without waiting for it: long enough for a
// render or a copy to notice at its next write, short enough that Ctrl-C
// feels immediate when the program is blocked (reading a terminal, say).
const interruptGrace = 2 * time.Second

// interruptible returns a context that SIGINT and SIGTERM cancel, with an
// *Interrupt as its cause. A second signal, or a run that has not stopped
// within interruptGrace, ends the process at once: the temporary files of
// writes under way are removed first, and the exit code is the signal's.
// stop releases the signals.
func interruptible(parent context.Context, errOut io.Writer) (ctx context.Context, stop func()) {
	ctx = context.WithValue(parent, interruptOnceKey{}, new(sync.Once))
	ctx, cancel := context.WithCancelCause(ctx)
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		var sig os.Signal
		select {
		case sig = <-signals:
		case <-done:
			return
		}
		cancel(&Interrupt{Signal: sig})
		select {
		case <-signals:
		case <-time.After(interruptGrace):
		case <-done:
			return
		}
		atomicfile.RemoveTemporary()
		reportInterrupt(ctx, errOut)
		os.Exit((&Interrupt{Signal: sig}).ExitCode())
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(signals)
			close(done)
			cancel(nil)
		})
	}
}

// interruptOnceKey holds, in the context of a run, the sync.Once that makes
// "interrupted" print once, whether the run or the signal goroutine gets
// there first.
type interruptOnceKey struct{}

func reportInterrupt(ctx context.Context, errOut io.Writer) {
	once, ok := ctx.Value(interruptOnceKey{}).(*sync.Once)
	if !ok {
		once = new(sync.Once)
	}
	once.Do(func() { fmt.Fprintln(errOut, "signinspect: interrupted") })
}

// interruptOf returns the Interrupt that stopped ctx, or nil.
func interruptOf(ctx context.Context) *Interrupt {
	if ctx.Err() == nil {
		return nil
	}
	var in *Interrupt
	if errors.As(context.Cause(ctx), &in) {
		return in
	}
	return nil
}
