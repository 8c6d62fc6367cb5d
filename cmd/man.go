package cmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/signinspect/signinspect/internal/atomicfile"
	"github.com/signinspect/signinspect/internal/errlist"
)

// The manual pages are written by signinspect itself, from its command
// tree, rather than by cobra/doc: that package would link a Markdown
// renderer and a YAML library into the binary for one command, and an
// administrator with only the binary can still make its pages.

func newCmdMan(ios *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write the manual pages (section 1) of signinspect and its commands into DIR",
		Long: `Write one manual page per command into DIR (created when missing):
signinspect.1, signinspect-analyze.1, signinspect-rules-lint.1, and so on. Read
one with 'man -l DIR/signinspect-analyze.1', or copy them into a folder of
MANPATH, such as /usr/local/share/man/man1. SOURCE_DATE_EPOCH, when set, dates
the pages, for reproducible builds.`,
		Example: `  signinspect man ./man
  sudo signinspect man /usr/local/share/man/man1`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return manRun(c.Context(), ios, c.Root(), args[0])
		},
	}
}

func manRun(ctx context.Context, ios *IOStreams, root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: %w", dir, errlist.WithoutPath(err))
	}
	date := ""
	if s := ios.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds", s)
		}
		date = time.Unix(sec, 0).UTC().Format("2006-01-02")
	}
	var names []string
	for _, c := range manCommands(root) {
		name := manName(c) + ".1"
		var b bytes.Buffer
		writeManPage(&b, c, date)
		err := atomicfile.WriteContext(ctx, filepath.Join(dir, name), 0o666, func(w io.Writer) error {
			_, err := w.Write(b.Bytes())
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, name), errlist.WithoutPath(err))
		}
		names = append(names, name)
	}
	fmt.Fprintf(ios.Out, "Wrote %s to %s: %s\n", plural(len(names), "manual page"), dir, strings.Join(names, ", "))
	return nil
}

// manCommands lists root and every command below it that has a page: the
// available, visible ones.
func manCommands(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c != root || c.Hidden {
			return
		}
		out = append(out, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

// manName is a command's page name: its path with dashes.
func manName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

// roffText escapes text for roff: backslashes, and a line that would start
// with a control character.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "'") {
			b.WriteString(`\&`)
		}
		b.WriteString(line)
	}
	return b.String()
}

// roffBold sets text in bold, with its hyphens as the minus signs options
// need to be typed as.
func roffBold(s string) string {
	return `\fB` + strings.ReplaceAll(roffText(s), "-", `\-`) + `\fP`
}

// writeManPage writes the page of one command.
func writeManPage(w *bytes.Buffer, c *cobra.Command, date string) {
	name := manName(c)
	fmt.Fprintf(w, ".TH %q 1 %q %q %q\n", strings.ToUpper(name), date, versionLine(), "signinspect manual")
	fmt.Fprintf(w, ".SH NAME\n%s \\- %s\n", strings.ReplaceAll(name, "-", `\-`), roffText(c.Short))
	fmt.Fprintf(w, ".SH SYNOPSIS\n%s\n", roffBold(c.UseLine()))
	long := c.Long
	if long == "" {
		long = c.Short
	}
	w.WriteString(".SH DESCRIPTION\n")
	for i, para := range strings.Split(strings.TrimSpace(long), "\n\n") {
		if i > 0 {
			w.WriteString(".PP\n")
		}
		w.WriteString(roffText(para) + "\n")
	}
	writeManFlags(w, "OPTIONS", c.NonInheritedFlags())
	writeManFlags(w, "OPTIONS OF EVERY COMMAND", c.InheritedFlags())
	if c.Example != "" {
		fmt.Fprintf(w, ".SH EXAMPLES\n.nf\n%s\n.fi\n", roffText(strings.TrimRight(c.Example, "\n")))
	}
	if !c.HasParent() {
		w.WriteString(".SH EXIT STATUS\n" +
			".TP\n0\ndone, and no finding at or above \\-\\-fail\\-on\n" +
			".TP\n1\nan error: an unreadable input, an invalid rule, no record at all\n" +
			".TP\n2\na usage error: a wrong command, flag or argument\n" +
			".TP\n3\na finding at or above \\-\\-fail\\-on\n" +
			".TP\n130, 143\ninterrupted by SIGINT (Ctrl-C) or SIGTERM\n")
	}
	var see []string
	if c.HasParent() {
		see = append(see, manName(c.Parent()))
	}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && !sub.Hidden {
			see = append(see, manName(sub))
		}
	}
	if len(see) > 0 {
		sort.Strings(see)
		for i, s := range see {
			see[i] = roffBold(s) + "(1)"
		}
		fmt.Fprintf(w, ".SH SEE ALSO\n%s\n", strings.Join(see, ", "))
	}
}

// writeManFlags writes a section of flags, one tagged paragraph each.
func writeManFlags(w *bytes.Buffer, title string, fs *pflag.FlagSet) {
	var items []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return
		}
		tag := roffBold("--" + f.Name)
		if f.Shorthand != "" {
			tag = roffBold("-"+f.Shorthand) + ", " + tag
		}
		varname, usage := pflag.UnquoteUsage(f)
		if varname != "" {
			tag += " " + `\fI` + roffText(varname) + `\fP`
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			usage += " (default " + f.DefValue + ")"
		}
		items = append(items, ".TP\n"+tag+"\n"+roffText(usage)+"\n")
	})
	if len(items) > 0 {
		w.WriteString(".SH " + title + "\n" + strings.Join(items, ""))
	}
}
