// Package cmd holds signinspect's command line: thin cobra commands that
// fill an options struct and call into the library packages.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"
)

// Version is the program version. It is read from Go's build info (the
// module version that go install ...@v1.2.3 records); a release build may
// set it with -ldflags "-X github.com/signinspect/signinspect/cmd.Version=v1.2.3".
var Version = "dev"

// Main runs signinspect with the process's arguments and streams and returns
// the exit code.
func Main() int {
	setMemoryLimit()
	ios := System()
	ctx, stop := interruptible(context.Background(), ios.ErrOut)
	defer stop()
	return Run(ctx, ios, os.Args[1:])
}

// defaultMemoryLimit is the soft heap limit signinspect runs with unless
// GOMEMLIMIT says otherwise. The live heap of a large analysis is a few tens
// of megabytes (batches in flight and the report's tallies); without a
// limit the collector lets the heap grow to twice that before collecting,
// and resident memory passes 100 MB. Past the limit the runtime caps the
// collector's share of CPU, so a run whose tallies outgrow it slows down
// gently instead of thrashing.
const defaultMemoryLimit = 80 << 20

func setMemoryLimit() {
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

// Run runs signinspect with the given streams and arguments and returns the
// exit code. Errors are printed once, on ErrOut. A run whose context an
// Interrupt cancelled says "interrupted" and exits with the signal's code,
// whatever the command returned.
func Run(ctx context.Context, ios *IOStreams, args []string) int {
	root := NewRootCmd(ios)
	root.SetArgs(args)
	c, err := root.ExecuteContextC(ctx)
	if in := interruptOf(ctx); in != nil {
		reportInterrupt(ctx, ios.ErrOut)
		return in.ExitCode()
	}
	if err != nil && !errors.Is(err, ErrFindings) {
		if isCobraUsageError(err) {
			err = &FlagError{Err: err}
		}
		ios.Messagef("signinspect: %s\n", strings.TrimSpace(err.Error()))
		var fe *FlagError
		if errors.As(err, &fe) {
			// The help of the command that was given wrong, where the
			// flags and arguments it takes are.
			if c == nil {
				c = root
			}
			fmt.Fprintf(ios.ErrOut, "Run '%s --help' for usage.\n", c.CommandPath())
		}
	}
	return exitCode(err)
}

// isCobraUsageError recognises the two usage errors cobra makes without
// passing them through the flag error function or an argument validator of
// ours: an unknown command (found while cobra looks the command up, and by
// the NoArgs validator of the commands it adds itself, such as completion)
// and an unknown flag. They are recognised by how cobra begins them, never
// by words elsewhere in a message, so that an error from a rule file or the
// system that happens to say "invalid argument" stays a runtime error.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command ", "unknown flag: ", "unknown shorthand flag: "} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// NewRootCmd builds the command tree.
func NewRootCmd(ios *IOStreams) *cobra.Command {
	var noColor bool
	root := &cobra.Command{
		Use:   "signinspect",
		Short: "Explain failed Entra ID sign-ins from exported sign-in logs, offline",
		Long: `signinspect reads Microsoft Entra ID sign-in log exports (portal CSV and JSON
downloads, Microsoft Graph JSON, Log Analytics exports, diagnostic archives)
without credentials or network access, and explains why sign-ins failed:
which Conditional Access policy blocked them, from which IP and location,
what device information was missing, and what to change.`,
		Version:       versionLine(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// --no-color holds on every command: colour is decided once, here.
		PersistentPreRun: func(*cobra.Command, []string) {
			if noColor {
				ios.NoColor = true
			}
			if ios.NoColor {
				text.DisableColors()
			}
		},
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{Err: err} })
	// -v is --verbose wherever a command has it (rules test); --version
	// has no short form, so that -v never means two things.
	root.Flags().Bool("version", false, "print the version, as 'signinspect version' does")
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().BoolVar(&noColor, "no-color", false, "never colour the output (NO_COLOR is honoured too)")
	root.AddCommand(NewCmdAnalyze(ios, nil))
	root.AddCommand(newCmdFormats(ios))
	root.AddCommand(newCmdRules(ios))
	root.AddCommand(newCmdExplain(ios))
	root.AddCommand(NewCmdRedact(ios, nil))
	root.AddCommand(NewCmdKQL(ios, nil))
	root.AddCommand(NewCmdUnredact(ios, nil))
	root.AddCommand(NewCmdBundle(ios, nil))
	root.AddCommand(NewCmdPolicies(ios, nil))
	root.AddCommand(NewCmdWhatIf(ios, nil))
	root.AddCommand(newCmdVersion(ios))
	root.AddCommand(newCmdMan(ios))
	return root
}

func newCmdVersion(ios *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version: the module version, commit and commit time this binary was built from",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(ios.Out, versionLine())
			return err
		},
	}
}

// versionLine is what version and --version print.
func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	return formatVersion(Version, info, ok)
}

// formatVersion writes the version line from Go's build info: the module
// version (v1.2.3 when built by go install ...@v1.2.3, "dev" for a build of
// a checkout), and, when the build was made from a Git checkout, the commit,
// whether the tree had changes, and the commit time. A version set with
// -ldflags wins over the module's.
func formatVersion(ldflags string, info *debug.BuildInfo, ok bool) string {
	version := ldflags
	var details []string
	if ok {
		if version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			version = info.Main.Version
		}
		var revision, when string
		modified := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if revision != "" {
			if len(revision) > 12 {
				revision = revision[:12]
			}
			c := "commit " + revision
			if modified {
				c += " with local changes"
			}
			if when != "" {
				c += " of " + when
			}
			details = append(details, c)
		}
		if info.GoVersion != "" {
			details = append(details, info.GoVersion)
		}
	}
	line := "signinspect " + version
	if len(details) > 0 {
		line += " (" + strings.Join(details, ", ") + ")"
	}
	return line
}
