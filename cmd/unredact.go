package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/analyze/render"
	"github.com/signinspect/signinspect/redact"
)

// UnredactOptions holds the unredact command's flags and streams.
type UnredactOptions struct {
	IO     *IOStreams
	Report string

	MapFile string
	Format  string
	OutFile string
}

// NewCmdUnredact builds the unredact command. runF replaces unredactRun in
// tests that check flag parsing alone.
func NewCmdUnredact(ios *IOStreams, runF func(context.Context, *UnredactOptions) error) *cobra.Command {
	opts := &UnredactOptions{IO: ios}
	c := &cobra.Command{
		Use:   "unredact --map FILE REPORT",
		Short: "Put the real names back into a report about redacted exports",
		Long: `Read a report that was made from redacted exports (by signinspect, a support
team or anyone: markdown, text, HTML, JSON or CSV) and write it with every
pseudonym that the mapping of 'signinspect redact --map FILE' or
'signinspect bundle --map FILE' holds replaced by the original value, escaped
as the report's format needs. REPORT is a file or - for standard input; its
format comes from -o, the file's extension, or its content.

A report that holds pseudonyms of which the mapping knows none was made from
other exports or under another key: that is an error. Pseudonyms the mapping
does not know are left as they are, and counted on standard error. The table
format wraps long values over lines, and a pseudonym cut there may stay:
prefer an answer in Markdown, HTML, JSON or CSV.`,
		Example: `  signinspect unredact --map ~/ticket-4711.map.json answer.md
  signinspect unredact --map ~/ticket-4711.map.json report.html --out report-real-names.html`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Report = args[0]
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return unredactRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.MapFile, "map", "", "the mapping file written by 'redact --map' or 'bundle --map' (required)")
	f.StringVarP(&opts.Format, "output", "o", "", "the report's format: "+strings.Join(render.Names(), ", ")+" (default: from the extension or the content)")
	f.StringVar(&opts.OutFile, "out", "", "write the report with real names to this file (atomically) instead of standard output")
	_ = c.MarkFlagFilename("map", "json")
	return c
}

func unredactRun(ctx context.Context, o *UnredactOptions) error {
	if o.MapFile == "" {
		return FlagErrorf("--map FILE is required: the mapping that 'redact --map' or 'bundle --map' wrote")
	}
	m, err := redact.ReadMappingFile(o.MapFile)
	if err != nil {
		return fmt.Errorf("--map: %w", err)
	}
	var in []byte
	if o.Report == "-" {
		in, err = io.ReadAll(o.IO.In)
	} else {
		in, err = os.ReadFile(o.Report)
	}
	if err != nil {
		return err
	}
	format := strings.ToLower(o.Format)
	if format == "" && o.Report != "-" {
		format = render.ForFile(o.Report)
	}
	if format == "" {
		format = render.Sniff(in)
	}
	var stats redact.UnredactStats
	out, err := render.Rewrite(format, in, func(text string, escape func(string) string) string {
		s, st := m.Unredact(text, escape)
		stats.Add(st)
		return s
	})
	if err != nil {
		var fe error = err
		if o.Format != "" {
			fe = &FlagError{Err: fmt.Errorf("-o: %w", err)}
		}
		return fmt.Errorf("%s: %w", o.Report, fe)
	}
	switch {
	case stats.Replaced == 0 && stats.Unknown > 0:
		return fmt.Errorf("%s holds %s pseudonyms (%s) but %w (fingerprint %s)", o.Report, analyze.Count(stats.Unknown),
			strings.Join(stats.UnknownSamples, ", "), redact.ErrWrongMapping, m.Fingerprint())
	case stats.Replaced == 0:
		return errors.New(o.Report + " holds no pseudonym: it is not a report about redacted exports")
	case stats.Unknown > 0:
		fmt.Fprintf(o.IO.ErrOut, "signinspect: note: %s pseudonyms of %s are not in the mapping and were left as they are (%s)\n",
			analyze.Count(stats.Unknown), o.Report, strings.Join(stats.UnknownSamples, ", "))
	}
	return writeOutput(ctx, o.IO.Out, o.OutFile, func(w io.Writer) error {
		_, err := w.Write(out)
		return err
	})
}
