package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/parse"
)

func newCmdFormats(ios *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "formats",
		Short: "List the export formats signinspect reads, how it detects them and what each cannot tell",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			return formatsRun(ios)
		},
	}
}

func formatsRun(ios *IOStreams) error {
	var b strings.Builder
	b.WriteString("signinspect detects the format of each input from its content; --format overrides it.\n")
	b.WriteString("Inputs may be files, folders (searched recursively), .gz files, .zip archives or - (standard input),\n")
	b.WriteString("in UTF-8 (with or without a byte order mark) or UTF-16, with CRLF or LF line ends.\n")
	for _, fi := range parse.Formats() {
		fmt.Fprintf(&b, "\n%s  (--format %s)\n", fi.Name, fi.Format)
		fmt.Fprintf(&b, "  Detected by: %s.\n", fi.Detection)
		if fi.Format == parse.FormatPortalAuthDetailsCSV {
			b.WriteString("  Carries: authentication steps only; its rows are recognised and reported, not read as sign-ins.\n")
		} else if missing := fi.Carries.Missing(parse.AllFields); len(missing) > 0 {
			names := make([]string, len(missing))
			for i, f := range missing {
				names[i] = f.String()
			}
			fmt.Fprintf(&b, "  Does not carry: %s.\n", strings.Join(names, ", "))
		}
		for _, c := range fi.CannotTell {
			fmt.Fprintf(&b, "  Note: %s\n", c)
		}
	}
	_, err := fmt.Fprint(ios.Out, b.String())
	return err
}
