package cmd

import (
	"fmt"
	"strings"

	"github.com/jedib0t/go-pretty/v6/text"
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
	width := outputWidth(ios)
	para := func(first, indent, s string) {
		lines := strings.Split(text.WrapSoft(s, width-max(len(first), len(indent))), "\n")
		for i, l := range lines {
			prefix := indent
			if i == 0 {
				prefix = first
			}
			b.WriteString(strings.TrimRight(prefix+l, " ") + "\n")
		}
	}
	para("", "", "signinspect detects the format of each input from its content; --format overrides it. "+
		"Inputs may be files, folders (searched recursively), .gz files, .zip archives or - (standard input), "+
		"in UTF-8 (with or without a byte order mark) or UTF-16, with CRLF or LF line ends.")
	for _, fi := range parse.Formats() {
		title := fmt.Sprintf("%s  (--format %s)", fi.Name, fi.Format)
		if len(title) > width {
			title = fmt.Sprintf("%s\n  (--format %s)", fi.Name, fi.Format)
		}
		b.WriteString("\n" + title + "\n")
		para("  Detected by: ", "    ", fi.Detection+".")
		if fi.Format == parse.FormatPortalAuthDetailsCSV {
			para("  Carries: ", "    ", "authentication steps only; its rows are recognised and reported, not read as sign-ins.")
		} else if missing := fi.Carries.Missing(parse.AllFields); len(missing) > 0 {
			names := make([]string, len(missing))
			for i, f := range missing {
				names[i] = f.String()
			}
			para("  Does not carry: ", "    ", strings.Join(names, ", ")+".")
		}
		for _, c := range fi.CannotTell {
			para("  Note: ", "    ", c)
		}
	}
	_, err := fmt.Fprint(ios.Out, b.String())
	return err
}
