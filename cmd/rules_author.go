package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/internal/atomicfile"
	"github.com/signinspect/signinspect/internal/errlist"
	"github.com/signinspect/signinspect/rules"
)

// This file holds the commands that let a rule author work from the binary
// alone: rules fields prints the whole expression environment, and rules
// new writes a rule file to start from.

func newCmdRulesFields(ios *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "fields [WORD]",
		Short: "Print every field and helper rule expressions can use, with types and examples",
		Long: `Print the expression environment of rules and --where: every field of a
sign-in with its type, the Microsoft Graph key test records write it with, what
it means and an example; every helper function with its signature; and the
values of the enumerations. With WORD, print only the fields and helpers whose
name, Graph key or meaning holds it (ignoring case). rules/REFERENCE.md holds
the same tables, made from the same source.`,
		Example: `  signinspect rules fields
  signinspect rules fields device
  signinspect rules fields ipAddress`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(_ *cobra.Command, args []string) error {
			word := ""
			if len(args) == 1 {
				word = args[0]
			}
			return rulesFieldsRun(ios, word)
		},
	}
}

func rulesFieldsRun(ios *IOStreams, word string) error {
	width := textWidth(ios)
	matches := func(s ...string) bool {
		for _, x := range s {
			if word == "" || strings.Contains(strings.ToLower(x), strings.ToLower(word)) {
				return true
			}
		}
		return false
	}
	var fields, helpers strings.Builder
	block := func(b *strings.Builder, head, meaning, graph, example string) {
		fmt.Fprintf(b, "  %s\n", head)
		for _, line := range strings.Split(text.WrapSoft(meaning, width-6), "\n") {
			fmt.Fprintf(b, "      %s\n", strings.TrimRight(line, " "))
		}
		if graph != "" {
			fmt.Fprintf(b, "      Graph key: %s\n", graph)
		}
		fmt.Fprintf(b, "      e.g. %s\n", example)
	}
	for _, f := range rules.Fields() {
		if matches(f.Path, f.Graph, f.Meaning) {
			block(&fields, f.Path+"  "+f.Type, f.Meaning, f.Graph, f.Example)
		}
	}
	for _, h := range rules.Helpers() {
		if matches(h.Signature, h.Meaning) {
			block(&helpers, h.Signature, h.Meaning, "", h.Example)
		}
	}
	if fields.Len() == 0 && helpers.Len() == 0 {
		return fmt.Errorf("no field or helper holds %q (signinspect rules fields lists them all)", word)
	}
	var b strings.Builder
	if fields.Len() > 0 {
		b.WriteString("FIELDS: the sign-in, by the paths expressions write (Policies[].Result: the Result of each policy)\n")
		b.WriteString(fields.String())
	}
	if helpers.Len() > 0 {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("HELPERS: signinspect's functions (expr's builtins are lower case: len, lower, any, join, date, ...)\n")
		b.WriteString(helpers.String())
	}
	if word == "" {
		b.WriteString("\nVALUES: what enumerations hold, as every reader normalizes them\n")
		for _, v := range rules.Values() {
			line := strings.ReplaceAll(v.Fields, "`", "") + ": " + strings.ReplaceAll(v.Values, "`", "")
			for i, l := range strings.Split(text.WrapSoft(line, width-6), "\n") {
				indent := "  "
				if i > 0 {
					indent = "      "
				}
				fmt.Fprintf(&b, "%s%s\n", indent, strings.TrimRight(l, " "))
			}
		}
		b.WriteString("\nWrite a rule file to start from with: signinspect rules new ID\n")
	}
	_, err := io.WriteString(ios.Out, b.String())
	return err
}

// RulesNewOptions holds the rules new command's arguments and streams.
type RulesNewOptions struct {
	IO  *IOStreams
	ID  string
	Out string
}

func newCmdRulesNew(ios *IOStreams) *cobra.Command {
	opts := &RulesNewOptions{IO: ios}
	c := &cobra.Command{
		Use:   "new ID",
		Short: "Write a complete, commented rule file to start from, with tests that pass",
		Long: `Write ID.yaml (or --out FILE): a rule with every key, a comment on what each
takes, an example condition and fix, and test cases that pass. Edit it for your
case, then check it with 'signinspect rules lint' and 'signinspect rules test'.
An existing file is never replaced.`,
		Example: `  signinspect rules new build-server-blocked
  signinspect rules new build-server-blocked --out my-rules/build-server-blocked.yaml`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.ID = args[0]
			return rulesNewRun(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Out, "out", "", "write the rule to this file (default: ID.yaml in the current folder)")
	_ = c.MarkFlagFilename("out", "yaml", "yml")
	return c
}

func rulesNewRun(ctx context.Context, o *RulesNewOptions) error {
	file := o.Out
	if file == "" {
		file = o.ID + ".yaml"
	}
	data, err := rules.NewRuleFile(o.ID, file)
	if err != nil {
		return &FlagError{Err: err}
	}
	err = atomicfile.WriteNew(ctx, file, 0o666, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; signinspect rules new never replaces a file: choose another ID or --out", file)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", file, errlist.WithoutPath(err))
	}
	fmt.Fprintf(o.IO.Out, "Wrote %s. Edit its condition, fix and tests, then run:\n  signinspect rules lint %s\n  signinspect rules test %s\n", file, file, file)
	return nil
}
