package cmd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/rules"
)

// ExplainOptions holds the explain command's arguments and streams.
type ExplainOptions struct {
	IO    *IOStreams
	Codes []string
}

func newCmdExplain(ios *IOStreams) *cobra.Command {
	opts := &ExplainOptions{IO: ios}
	return &cobra.Command{
		Use:   "explain [CODE...]",
		Short: "Explain sign-in error codes offline: Microsoft's meaning and the usual fix",
		Long: `Look sign-in error codes up in signinspect's offline catalog: every Entra ID
code of Microsoft's error-code reference, with or without its AADSTS prefix,
and the Azure DevOps codes met with them, such as VS403463 (with the sign-in
codes behind it). Without a code, list the whole catalog and its sources. The
text of an export's own failure reason is more current than the catalog when
the two differ.`,
		Example: `  signinspect explain 53003
  signinspect explain AADSTS50076 VS403463`,
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Codes = args
			return explainRun(opts)
		},
	}
}

func explainRun(opts *ExplainOptions) error {
	if len(opts.Codes) == 0 {
		t := newTable(opts.IO)
		t.AppendHeader(table.Row{"Code", "Name", "Kind", "Meaning"})
		var rows []table.Row
		for _, c := range rules.Codes() {
			rows = append(rows, table.Row{c.Code, c.Name, c.Kind.Label(), c.Meaning})
		}
		t.AppendRows(rows)
		fitColumn(t, opts.IO, rows, 4)
		t.Render()
		fmt.Fprintln(opts.IO.Out, "\nSources:")
		for _, s := range rules.CodeSources() {
			line := fmt.Sprintf("%s: %s", plural(s.Codes, "code"), s.Name)
			if s.Version != "" {
				line += " (" + s.Version + ")"
			}
			line += "; read " + s.Read + "."
			for i, l := range strings.Split(text.WrapSoft(line, textWidth(opts.IO)-4), "\n") {
				indent := "  "
				if i > 0 {
					indent = "    "
				}
				fmt.Fprintln(opts.IO.Out, indent+strings.TrimRight(l, " "))
			}
		}
		return nil
	}
	var unknown []error
	first := true
	for _, arg := range opts.Codes {
		c, ok := rules.LookupCode(arg)
		if !ok {
			unknown = append(unknown, unknownCodeError(arg))
			continue
		}
		if !first {
			fmt.Fprintln(opts.IO.Out)
		}
		first = false
		explainCode(opts.IO, c)
	}
	return errors.Join(unknown...)
}

// explainCode prints one code: what it is, what it means, the usual fix,
// and for an Azure DevOps code the sign-in codes behind it.
func explainCode(ios *IOStreams, c rules.Code) {
	t := newTable(ios)
	width := textWidth(ios) - 10
	t.SetColumnConfigs([]table.ColumnConfig{{Number: 2, WidthMax: width, WidthMaxEnforcer: text.WrapSoft}})
	title := c.Code
	if _, err := strconv.Atoi(c.Code); err == nil {
		title = c.Code + " (AADSTS" + c.Code + ")"
	}
	t.AppendRow(table.Row{"Code", title})
	if c.Name != "" {
		t.AppendRow(table.Row{"Name", c.Name})
	}
	t.AppendRow(table.Row{"Kind", c.Kind.String()})
	t.AppendRow(table.Row{"Meaning", c.Meaning})
	t.AppendRow(table.Row{"Usual fix", c.Fix})
	for i, code := range c.Behind {
		label := ""
		if i == 0 {
			label = "Behind it"
		}
		b, _ := rules.LookupCode(code)
		name := code
		if b.Name != "" {
			name += " " + b.Name
		}
		t.AppendRow(table.Row{label, name + ": " + b.Fix})
	}
	if c.Unconfirmed {
		t.AppendRow(table.Row{"Note", "not in Microsoft's references; the meaning comes from other sources"})
	}
	t.Style().Format.Header = text.FormatDefault
	t.Render()
}

// unknownCodeError says that a code is not in the catalog, with Microsoft's
// lookup page for it when it is an Entra ID code.
func unknownCodeError(arg string) error {
	key := strings.TrimPrefix(strings.ToUpper(strings.TrimRight(strings.TrimSpace(arg), ":.,;")), "AADSTS")
	if _, err := strconv.Atoi(key); err == nil {
		return fmt.Errorf("unknown error code %s: not in signinspect's offline catalog (signinspect explain lists it); Microsoft's lookup page for it is https://login.microsoftonline.com/error?code=%s", arg, key)
	}
	return fmt.Errorf("unknown error code %s: not in signinspect's offline catalog (signinspect explain lists it); Entra ID codes are numbers, with or without AADSTS", arg)
}
