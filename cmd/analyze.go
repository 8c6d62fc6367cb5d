package cmd

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/atomicfile"
)

// AnalyzeOptions holds the analyze command's flags and streams.
type AnalyzeOptions struct {
	IO    *IOStreams
	Paths []string

	FilterFlags
	RuleFlags
	OutputFlags
	InputFlags
	Strict bool

	// Clock fixes the report time in tests.
	Clock func() time.Time
}

// NewCmdAnalyze builds the analyze command. runF replaces analyzeRun in
// tests that check flag parsing alone.
func NewCmdAnalyze(ios *IOStreams, runF func(context.Context, *AnalyzeOptions) error) *cobra.Command {
	opts := &AnalyzeOptions{IO: ios}
	c := &cobra.Command{
		Use:   "analyze PATH...",
		Short: "Explain failed sign-ins in sign-in log exports",
		Long: `Read sign-in log exports, keep the sign-ins of a user, app and time window, and
report failing Conditional Access policies, locations, device gaps and error
codes, with a diagnosis and fix.

PATH is a file, a folder (searched recursively), a .gz or .zip file, or - for
standard input. Formats are detected from content; see 'signinspect formats'.

By default only non-interactive Azure DevOps sign-ins are kept: the sign-ins a
personal access token makes. Use --app any and --flow any to keep everything.`,
		Example: `  signinspect analyze samples/
  signinspect analyze NonInteractiveSignIns_2026-11-01_2026-11-20.csv --user svc-build@contoso.com
  signinspect analyze export.zip --at "2026-11-18 09:30" --window 1h --status failure
  signinspect analyze logs/ --app any --flow any -o json --out report.json`,
		Args: minimumArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return analyzeRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	opts.FilterFlags.register(f)
	opts.InputFlags.register(f)
	f.BoolVar(&opts.Strict, "strict", false, "stop at the first malformed record instead of skipping and counting it")
	opts.OutputFlags.register(f, severityFailOn, true)
	opts.RuleFlags.register(f)
	opts.RuleFlags.registerContext(f)
	opts.RuleFlags.markFiles(c)
	return c
}

func analyzeRun(ctx context.Context, o *AnalyzeOptions) error {
	out, err := o.OutputFlags.build(o.IO)
	if err != nil {
		return err
	}
	popts, err := o.InputFlags.build(o.IO.In)
	if err != nil {
		return err
	}
	// The tenant context, the filter and the rules are ready before any
	// input is read, so that a bad flag or a broken rule file fails fast.
	ruleCtx, err := o.RuleFlags.context(o.IO.In)
	if err != nil {
		return err
	}
	filter, err := o.FilterFlags.build(ruleCtx)
	if err != nil {
		return err
	}
	set, err := o.RuleFlags.build(ruleCtx)
	if err != nil {
		return err
	}
	opts := analyze.Options{
		Rules:   set,
		Context: ruleCtx,
		Filter:  filter,
		Parse:   popts,
		Strict:  o.Strict,
		Top:     out.top,
		Clock:   o.Clock,
		Version: Version,
	}
	bar := newProgress(o.IO)
	if bar != nil {
		opts.Progress = bar
	}
	rep, err := analyze.Run(ctx, o.Paths, opts)
	bar.Stop() // Before anything else is written, so the bar is gone.
	if err != nil {
		return err
	}
	for _, note := range ruleCtx.Notes {
		fmt.Fprintf(o.IO.ErrOut, "signinspect: note: %s\n", note)
	}
	for _, re := range rep.RuleErrors {
		fmt.Fprintf(o.IO.ErrOut, "signinspect: warning: %s\n", re.Message)
	}
	return out.write(o.IO, rep)
}

// writeOutput renders to stdout, or to a file written atomically, so that a
// reader never sees a half-written report.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	var writeErr error
	err := atomicfile.Write(path, 0o666, func(w io.Writer) error {
		writeErr = write(w)
		return writeErr
	})
	if err != nil && err != writeErr {
		return fmt.Errorf("--out: %w", err)
	}
	return err
}
