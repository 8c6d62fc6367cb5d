package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"

	"github.com/signinspect/signinspect/analyze"
)

// Table writes the report for people reading a terminal.
type Table struct {
	Options Options
}

var _ Renderer = (*Table)(nil)

// Render implements Renderer.
func (t *Table) Render(w io.Writer, r *analyze.Report) error {
	ew := &errWriter{w: w}
	t.inputs(ew, r)
	t.scope(ew, r)
	return ew.err
}

func (t *Table) newTable(title string) table.Writer {
	tw := table.NewWriter()
	tw.SetStyle(table.StyleLight)
	tw.Style().Format.Header = 0 // Keep headers as written, not upper case.
	tw.SetTitle(title)
	if t.Options.Width > 0 {
		tw.SetAllowedRowLength(t.Options.Width)
	}
	return tw
}

func (t *Table) inputs(w *errWriter, r *analyze.Report) {
	tw := t.newTable("Inputs")
	tw.AppendHeader(table.Row{"Input", "Format", "Records", "Skipped", "Matched"})
	for _, in := range r.Inputs {
		tw.AppendRow(table.Row{in.Path, in.Format, analyze.Count(in.Records), analyze.Count(in.Skipped), analyze.Count(in.Matched)})
	}
	w.println(tw.Render())
	for _, in := range r.Inputs {
		for _, s := range in.SkipReasons {
			w.printf("  skipped in %s: %s × %s (first: %s)\n", in.Path, analyze.Count(s.Count), s.Reason, s.First)
		}
		for _, warn := range in.Warnings {
			w.printf("  warning: %s: %s\n", in.Path, warn)
		}
	}
	w.println("")
}

func (t *Table) scope(w *errWriter, r *analyze.Report) {
	s := r.Summary
	w.printf("Scope: %s\n", r.Filter.Description)
	w.printf("Read %s records (%s skipped); %s matched: %s failures, %s successes",
		analyze.Count(s.Read), analyze.Count(s.Skipped), analyze.Count(s.Matched), analyze.Count(s.Failures), analyze.Count(s.Successes))
	if s.First != nil {
		w.printf(", from %s to %s", analyze.FormatTime(*s.First), analyze.FormatTime(*s.Last))
	}
	w.println(".")
	if s.NoMatch != "" {
		w.println(s.NoMatch)
	}
}

// errWriter keeps the first write error, so that rendering code reads as a
// sequence of prints.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) println(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, strings.TrimRight(s, "\n")+"\n")
	}
}
