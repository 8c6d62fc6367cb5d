package cmd

import (
	"fmt"
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
		Long: `Look sign-in error codes up in signinspect's offline table: Entra ID codes
with or without their AADSTS prefix, and Azure DevOps codes such as VS403463.
Without a code, list the whole table. The text of an export's own failure
reason is more current than this table when the two differ.`,
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
		t.AppendHeader(table.Row{"Code", "Name", "CA", "Meaning"})
		var rows []table.Row
		for _, c := range rules.Codes() {
			ca := ""
			if c.CA {
				ca = "yes"
			}
			rows = append(rows, table.Row{c.Code, c.Name, ca, c.Meaning})
		}
		t.AppendRows(rows)
		fitColumn(t, opts.IO, rows, 4)
		t.Render()
		return nil
	}
	var unknown []string
	first := true
	for _, arg := range opts.Codes {
		c, ok := rules.LookupCode(arg)
		if !ok {
			unknown = append(unknown, arg)
			continue
		}
		if !first {
			fmt.Fprintln(opts.IO.Out)
		}
		first = false
		t := newTable(opts.IO)
		width := textWidth(opts.IO) - 10
		t.SetColumnConfigs([]table.ColumnConfig{{Number: 2, WidthMax: width, WidthMaxEnforcer: text.WrapSoft}})
		title := c.Code
		if !strings.HasPrefix(c.Code, "VS") {
			title = c.Code + " (AADSTS" + c.Code + ")"
		}
		t.AppendRow(table.Row{"Code", title})
		if c.Name != "" {
			t.AppendRow(table.Row{"Name", c.Name})
		}
		kind := "not a Conditional Access outcome"
		if c.CA {
			kind = "Conditional Access"
		}
		t.AppendRow(table.Row{"Kind", kind})
		t.AppendRow(table.Row{"Meaning", c.Meaning})
		t.AppendRow(table.Row{"Usual fix", c.Fix})
		if c.Unconfirmed {
			t.AppendRow(table.Row{"Note", "not in Microsoft's error-code reference; the meaning comes from other sources"})
		}
		t.Style().Format.Header = text.FormatDefault
		t.Render()
	}
	if len(unknown) > 0 {
		return fmt.Errorf("unknown error code %s: not in signinspect's offline table (signinspect explain lists it); Microsoft's lookup page is https://login.microsoftonline.com/error?code=NUMBER",
			strings.Join(unknown, ", "))
	}
	return nil
}
