package cmd

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
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
	// Width is the terminal width of stdout, or 0 when it is not a terminal.
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
