package cmd

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/atomicfile"
	"github.com/signinspect/signinspect/internal/errlist"
	"github.com/signinspect/signinspect/parse"
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
	opts.FilterFlags.register(c)
	opts.InputFlags.register(c)
	opts.InputFlags.registerDuplicates(c)
	c.Flags().BoolVar(&opts.Strict, "strict", false, "stop at the first malformed record instead of skipping and counting it")
	opts.OutputFlags.register(c, severityFailOn, true)
	completeValues(c, "fail-on", strings.Split(severityNames(), ", ")...)
	opts.RuleFlags.register(c)
	opts.RuleFlags.registerContext(c)
	return c
}

func analyzeRun(ctx context.Context, o *AnalyzeOptions) error {
	if err := refuseTerminalStdin(o.IO, "analyze", o.Paths); err != nil {
		return err
	}
	out, err := o.OutputFlags.build(o.IO)
	if err != nil {
		return err
	}
	if err := out.checkInputs(o.Paths); err != nil {
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
	filter, err := o.FilterFlags.build(ruleCtx, popts)
	if err != nil {
		return err
	}
	set, err := o.RuleFlags.build(ruleCtx)
	if err != nil {
		return err
	}
	opts := analyze.Options{
		Rules:          set,
		Context:        ruleCtx,
		Filter:         filter,
		Parse:          popts,
		Strict:         o.Strict,
		Top:            out.top,
		KeepDuplicates: o.KeepDuplicates,
		Clock:          o.Clock,
		Version:        Version,
	}
	bar := newProgress(o.IO)
	if bar != nil {
		opts.Progress = bar
	}
	rep, err := analyze.Run(ctx, o.Paths, opts)
	bar.Stop() // Before anything else is written, so the bar is gone.
	if err != nil {
		if strings.Contains(err.Error(), parse.ErrAmbiguousTime.Error()) {
			return fmt.Errorf("%w\ngive the order of day and month with %s", err, dateOrderHint)
		}
		return err
	}
	for _, note := range ruleCtx.Notes {
		fmt.Fprintf(o.IO.ErrOut, "signinspect: note: %s\n", note)
	}
	for _, re := range rep.RuleErrors {
		o.IO.Messagef("signinspect: warning: %s\n", re.Message)
	}
	if w := damagedWarning(rep); w != "" {
		o.IO.Messagef("signinspect: warning: %s\n", w)
	}
	if n := ambiguousDates(rep); n > 0 {
		fmt.Fprintf(o.IO.ErrOut, "signinspect: note: %s skipped for dates that read two ways (like 05/11/2026); give the order of day and month with %s\n",
			plural(n, "record"), dateOrderHint)
	}
	return out.write(ctx, o.IO, rep)
}

// ambiguousDates counts the records skipped for dates that read two ways.
func ambiguousDates(rep *analyze.Report) int {
	n := 0
	for _, in := range rep.Inputs {
		for _, r := range in.SkipReasons {
			if strings.Contains(r.Reason, parse.ErrAmbiguousTime.Error()) {
				n += r.Count
			}
		}
	}
	return n
}

// refuseTerminalStdin refuses the input "-" when standard input is a
// terminal: nobody types a sign-in export, and a program waiting for one
// looks hung.
func refuseTerminalStdin(ios *IOStreams, command string, paths []string) error {
	if !ios.StdinTTY {
		return nil
	}
	for _, p := range paths {
		if p == "-" {
			return FlagErrorf("- reads an export from standard input, which is a terminal here: pipe one in (signinspect %s - < export.json) or give its path", command)
		}
	}
	return nil
}

// damagedWarning says in one line which inputs of folders could not be
// read whole (the report's inputs section says why), or "".
func damagedWarning(rep *analyze.Report) string {
	var names []string
	for _, in := range rep.Inputs {
		if in.Damaged {
			names = append(names, in.Path)
		}
	}
	n := rep.Summary.Damaged
	if n == 0 {
		return ""
	}
	list := strings.Join(names, ", ")
	if len(names) > 3 {
		list = strings.Join(names[:3], ", ")
	}
	if more := n - min(len(names), 3); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	what := "input"
	if n > 1 {
		what = "inputs"
	}
	return fmt.Sprintf("%d %s could not be read whole (%s); the rest was analysed, and the report's inputs section says why", n, what, list)
}

// writeOutput renders to stdout, or to a file written atomically, so that a
// reader never sees a half-written report. Once ctx is done the render
// fails at its next write, on stdout as in a file.
func writeOutput(ctx context.Context, stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" {
		return write(atomicfile.NewContextWriter(ctx, stdout))
	}
	var writeErr error
	err := atomicfile.WriteContext(ctx, path, 0o666, func(w io.Writer) error {
		writeErr = write(w)
		return writeErr
	})
	if err != nil && err != writeErr {
		return fmt.Errorf("--out %s: %w", path, errlist.WithoutPath(err))
	}
	return err
}
