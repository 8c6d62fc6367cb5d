package cmd

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze/render"
	"github.com/signinspect/signinspect/rules"
)

// RulesOptions holds the flags and streams of the rules subcommands.
type RulesOptions struct {
	IO *IOStreams
	// RuleFlags choose the rules list and show print, as they choose the
	// rules analyze runs.
	RuleFlags
	// Paths are the rule files and directories lint and test check: their
	// arguments.
	Paths []string
	// ID is the rule that show prints.
	ID string
	// Verbose makes test list every case, not only the failures.
	Verbose bool
	// KQL makes lint also check that every rule translates to KQL.
	KQL bool
}

// newCmdRules builds `rules` and its subcommands.
func newCmdRules(ios *IOStreams) *cobra.Command {
	c := &cobra.Command{
		Use:   "rules",
		Short: "List, show, check and test diagnosis rules",
		Long: `Diagnosis rules are YAML files whose condition is an expr expression over one
sign-in. signinspect embeds a built-in pack; --rules adds your own (a rule with
the ID of a built-in one replaces it). 'signinspect rules fields' prints every
field and helper expressions can use, and 'signinspect rules new ID' writes a
rule file to start from; rules/REFERENCE.md documents the format.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	c.AddCommand(newCmdRulesList(ios), newCmdRulesShow(ios), newCmdRulesLint(ios), newCmdRulesTest(ios),
		newCmdRulesFields(ios), newCmdRulesNew(ios))
	return c
}

func newCmdRulesList(ios *IOStreams) *cobra.Command {
	opts := &RulesOptions{IO: ios}
	c := &cobra.Command{
		Use:   "list",
		Short: "List the rules: ID, severity, status and title",
		Example: `  signinspect rules list
  signinspect rules list --rules my-rules/`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error { return rulesListRun(opts) },
	}
	opts.RuleFlags.register(c)
	return c
}

func newCmdRulesShow(ios *IOStreams) *cobra.Command {
	opts := &RulesOptions{IO: ios}
	c := &cobra.Command{
		Use:     "show ID",
		Short:   "Show a rule: its metadata, condition, fix and test cases",
		Example: `  signinspect rules show ip-outside-trusted-locations`,
		Args:    exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.ID = args[0]
			return rulesShowRun(opts)
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return opts.RuleFlags.completeIDs(c, args, toComplete)
		},
	}
	opts.RuleFlags.register(c)
	return c
}

func newCmdRulesLint(ios *IOStreams) *cobra.Command {
	opts := &RulesOptions{IO: ios}
	c := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Check rule files: YAML, keys, values, IDs and expressions (the built-in pack when no PATH is given)",
		Long: `Load and compile rule files (or directories of them) the way analyze --rules
does, and report every error of every file at once, each with its file, line
and key. Exits 1 when a file has an error.`,
		Example: `  signinspect rules lint my-rules/
  signinspect rules lint`,
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Paths = args
			return rulesLintRun(opts)
		},
	}
	c.Flags().BoolVar(&opts.KQL, "kql", false, "also report which rules translate to KQL (signinspect kql)")
	return c
}

func newCmdRulesTest(ios *IOStreams) *cobra.Command {
	opts := &RulesOptions{IO: ios}
	c := &cobra.Command{
		Use:   "test [PATH...]",
		Short: "Run the rules' own test cases (the built-in pack when no PATH is given)",
		Long: `Run the test cases written in each rule's tests list: every case's record must
match, or not match, as the case says. Exits 1, naming each failing case, when
one fails.`,
		Example: `  signinspect rules test
  signinspect rules test my-rules/ -v`,
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Paths = args
			return rulesTestRun(opts)
		},
	}
	c.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "list every case, not only the failures")
	return c
}

func rulesListRun(opts *RulesOptions) error {
	rs, err := opts.RuleFlags.rules()
	if err != nil {
		return err
	}
	t := newTable(opts.IO)
	t.AppendHeader(table.Row{"ID", "Severity", "Status", "Title", "Source"})
	rows := make([]table.Row, 0, len(rs))
	for _, r := range rs {
		rows = append(rows, table.Row{r.ID, r.Severity.String(), r.Status.String(), r.Title, ruleSource(r)})
	}
	t.AppendRows(rows)
	fitColumn(t, opts.IO, rows, 4)
	t.Render()
	return nil
}

// ruleSource says where a rule comes from, as list and show print it.
func ruleSource(r rules.Rule) string {
	if r.Builtin {
		return "built-in"
	}
	if r.Line > 0 {
		return fmt.Sprintf("%s:%d", r.File, r.Line)
	}
	return r.File
}

func rulesShowRun(opts *RulesOptions) error {
	rs, err := opts.RuleFlags.rules()
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.ID == opts.ID {
			return showRule(opts.IO, r)
		}
	}
	return fmt.Errorf("no rule with ID %q (see signinspect rules list)", opts.ID)
}

func showRule(ios *IOStreams, r rules.Rule) error {
	t := newTable(ios)
	t.Style().Options.SeparateHeader = false
	t.Style().Format.Header = text.FormatDefault
	t.AppendRows([]table.Row{
		{"ID", r.ID},
		{"Title", r.Title},
		{"Severity", r.Severity.String()},
		{"Status", r.Status.String()},
		{"Source", ruleSource(r)},
	})
	if len(r.Tags) > 0 {
		t.AppendRow(table.Row{"Tags", strings.Join(r.Tags, ", ")})
	}
	for i, ref := range r.References {
		label := ""
		if i == 0 {
			label = "References"
		}
		t.AppendRow(table.Row{label, ref})
	}
	t.Render()

	w, width := ios.Out, textWidth(ios)
	section(w, "Description", text.WrapSoft(r.Description, width))
	section(w, "When", r.When)
	// The fix as written, placeholders and all: wrapping it would change
	// what a reader copies into a rule of their own.
	section(w, "Fix", r.Fix)
	if len(r.Tests) > 0 {
		fmt.Fprintf(w, "\nTests (%d)\n", len(r.Tests))
		tt := newTable(ios)
		tt.AppendHeader(table.Row{"Match", "Case"})
		for _, c := range r.Tests {
			m := "no"
			if c.Match {
				m = "yes"
			}
			tt.AppendRow(table.Row{m, c.Name})
		}
		tt.Render()
	}
	return nil
}

// outputWidth is the width to fit output to: the terminal's (or COLUMNS),
// else the report's default.
func outputWidth(ios *IOStreams) int {
	if ios.Width > 40 {
		return ios.Width
	}
	return render.DefaultWidth
}

// textWidth is the width to wrap indented prose at: four columns less
// than a terminal's, the report's default width on a pipe.
func textWidth(ios *IOStreams) int {
	if ios.Width > 40 {
		return ios.Width - 4
	}
	return render.DefaultWidth
}

// section prints a titled block of text, indented.
func section(w io.Writer, title, body string) {
	fmt.Fprintf(w, "\n%s\n", title)
	for _, line := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", strings.TrimRight(line, " "))
	}
}

func rulesLintRun(opts *RulesOptions) error {
	rs, err := rules.Lint(opts.Paths...)
	if err != nil {
		return err
	}
	if opts.KQL {
		set, err := rules.Compile(rs, nil)
		if err != nil {
			return err
		}
		if err := lintKQL(opts.IO, set); err != nil {
			return err
		}
	}
	if len(opts.Paths) > 0 {
		builtin, err := rules.Builtin()
		if err != nil {
			return err
		}
		ids := map[string]bool{}
		for _, r := range builtin {
			ids[r.ID] = true
		}
		for _, r := range rs {
			if ids[r.ID] {
				fmt.Fprintf(opts.IO.Out, "%s:%d: rule %s replaces the built-in rule of that ID\n", r.File, r.Line, r.ID)
			}
		}
	}
	files := map[string]bool{}
	for _, r := range rs {
		files[r.File] = true
	}
	fmt.Fprintf(opts.IO.Out, "%s in %s: no errors\n", plural(len(rs), "rule"), plural(len(files), "file"))
	return nil
}

// errCasesFailed is returned by rules test when a case fails; the table
// already names the cases.
var errCasesFailed = errors.New("test cases failed")

func rulesTestRun(opts *RulesOptions) error {
	// The same loading as lint: every error of every file, before any
	// case runs.
	rs, err := rules.Lint(opts.Paths...)
	if err != nil {
		return err
	}
	set, err := rules.Compile(rs, nil)
	if err != nil {
		return err
	}
	results := rules.SelfTest(set)
	failed := 0
	t := newTable(opts.IO)
	t.AppendHeader(table.Row{"Result", "Rule", "Case", "Where", "Reason"})
	for _, res := range results {
		if res.Passed() && !opts.Verbose {
			continue
		}
		verdict, reason := "ok", ""
		if !res.Passed() {
			failed++
			verdict, reason = "FAIL", res.Err.Error()
		}
		t.AppendRow(table.Row{verdict, res.Rule.ID, res.Case.Name, res.Where(), reason})
	}
	if opts.Verbose || failed > 0 {
		t.Render()
		fmt.Fprintln(opts.IO.Out)
	}
	var untested []string
	tested := map[string]bool{}
	for _, res := range results {
		tested[res.Rule.ID] = true
	}
	for _, r := range set.Rules() {
		if !tested[r.ID] {
			untested = append(untested, r.ID)
		}
	}
	fmt.Fprintf(opts.IO.Out, "%s of %s passed", plural(len(results)-failed, "case"), plural(len(set.Rules()), "rule"))
	if failed > 0 {
		fmt.Fprintf(opts.IO.Out, "; %d failed", failed)
	}
	fmt.Fprintln(opts.IO.Out)
	if len(untested) > 0 {
		fmt.Fprintf(opts.IO.Out, "no test cases: %s\n", strings.Join(untested, ", "))
	}
	if failed > 0 {
		return fmt.Errorf("%w: %d of %d", errCasesFailed, failed, len(results))
	}
	return nil
}

// fitColumn lets column col (1-based) of a plain table wrap at its spaces so
// that the table fits the output's width: the other columns keep their
// widths.
func fitColumn(t table.Writer, ios *IOStreams, rows []table.Row, col int) {
	widths := map[int]int{}
	for _, row := range rows {
		for i, v := range row {
			widths[i+1] = max(widths[i+1], text.StringWidthWithoutEscSequences(fmt.Sprint(v)))
		}
	}
	others := 0
	for i, w := range widths {
		if i != col {
			others += max(w, 6) + 2 // Two spaces after each column.
		}
	}
	room := max(20, outputWidth(ios)-others)
	t.SetColumnConfigs([]table.ColumnConfig{{Number: col, WidthMax: room, WidthMaxEnforcer: text.WrapSoft}})
}

// newTable returns a go-pretty table writing to ios.Out in signinspect's
// plain style: no borders, columns two spaces apart, nothing decorative.
func newTable(ios *IOStreams) table.Writer {
	t := table.NewWriter()
	t.SetOutputMirror(ios.Out)
	style := table.StyleDefault
	style.Options = table.Options{SeparateHeader: false}
	style.Box.PaddingLeft = ""
	style.Box.PaddingRight = "  "
	style.Format.Header = text.FormatUpper
	t.SetStyle(style)
	t.SuppressTrailingSpaces()
	return t
}

// plural writes n with a noun, pluralized in English.
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
