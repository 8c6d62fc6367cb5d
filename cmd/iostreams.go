package cmd

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/signinspect/signinspect/internal/safetext"
)

// IOStreams carries the standard streams and what is known about them, so
// that commands never touch os.Stdout directly and tests can swap buffers in.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// StdinTTY, StdoutTTY and StderrTTY say whether the streams are
	// terminals.
	StdinTTY  bool
	StdoutTTY bool
	StderrTTY bool
	// NoColor is set by NO_COLOR or --no-color.
	NoColor bool
	// Width is the width to fit stdout to: the terminal's; when stdout is
	// not a terminal (a pipe into a pager), the COLUMNS environment
	// variable's, else the terminal's that stderr writes to; or 0 for the
	// default.
	Width int
	// Getenv reads the environment; tests replace it.
	Getenv func(string) string
}

// System returns the process's streams.
func System() *IOStreams {
	io := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, Getenv: os.Getenv}
	io.StdinTTY = term.IsTerminal(int(os.Stdin.Fd()))
	io.StdoutTTY = term.IsTerminal(int(os.Stdout.Fd()))
	io.StderrTTY = term.IsTerminal(int(os.Stderr.Fd()))
	if io.StdoutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			io.Width = w
		}
	}
	if io.Width == 0 {
		io.Width = columnsEnv(os.Getenv("COLUMNS"))
	}
	if io.Width == 0 && io.StderrTTY {
		// Output piped into a pager or head is read on the terminal
		// that standard error still writes to: fit that.
		if w, _, err := term.GetSize(int(os.Stderr.Fd())); err == nil {
			io.Width = w
		}
	}
	if v, ok := os.LookupEnv("NO_COLOR"); ok && v != "" {
		io.NoColor = true
	}
	return io
}

// Test returns streams backed by buffers: no terminal, no colour, and an
// empty environment.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	ios = &IOStreams{In: in, Out: out, ErrOut: errOut, NoColor: true,
		Getenv: func(string) string { return "" }}
	return ios, in, out, errOut
}

// ColorEnabled reports whether output to stdout may use colour.
func (s *IOStreams) ColorEnabled() bool { return s.StdoutTTY && !s.NoColor }

// columnsEnv reads the COLUMNS environment variable: a width of at least
// 20 columns, or 0 when it is unset or not such a number.
func columnsEnv(v string) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 20 {
		return 0
	}
	return n
}

// Messagef writes a message to ErrOut with the control and bidirectional
// characters of its values made visible (safetext.Visible): an error that
// quotes a file name or a value of an export never writes an escape
// sequence to the terminal.
func (s *IOStreams) Messagef(format string, args ...any) {
	fmt.Fprint(s.ErrOut, safetext.Visible(fmt.Sprintf(format, args...)))
}
