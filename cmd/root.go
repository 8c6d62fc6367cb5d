// Package cmd holds signinspect's command line: thin cobra commands that
// fill an options struct and call into the library packages.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Version is the program version; release builds set it with
// -ldflags "-X github.com/signinspect/signinspect/cmd.Version=v1.2.3".
var Version = "dev"

// Main runs signinspect with the process's arguments and streams and returns
// the exit code.
func Main() int {
	setMemoryLimit()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, System(), os.Args[1:])
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
// exit code. Errors are printed once, on ErrOut.
func Run(ctx context.Context, ios *IOStreams, args []string) int {
	root := NewRootCmd(ios)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && !errors.Is(err, ErrFindings) {
		if isCobraUsageError(err) {
			err = &FlagError{Err: err}
		}
		fmt.Fprintf(ios.ErrOut, "signinspect: %s\n", strings.TrimSpace(err.Error()))
		var fe *FlagError
		if errors.As(err, &fe) {
			fmt.Fprintln(ios.ErrOut, "Run 'signinspect --help' for usage.")
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
	root := &cobra.Command{
		Use:   "signinspect",
		Short: "Explain failed Entra ID sign-ins from exported sign-in logs, offline",
		Long: `signinspect reads Microsoft Entra ID sign-in log exports (portal CSV and JSON
downloads, Microsoft Graph JSON, Log Analytics exports, diagnostic archives)
without credentials or network access, and explains why sign-ins failed:
which Conditional Access policy blocked them, from which IP and location,
what device information was missing, and what to change.`,
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{Err: err} })
	root.AddCommand(NewCmdAnalyze(ios, nil))
	root.AddCommand(newCmdFormats(ios))
	root.AddCommand(newCmdRules(ios))
	root.AddCommand(newCmdExplain(ios))
	root.AddCommand(NewCmdRedact(ios, nil))
	root.AddCommand(NewCmdPolicies(ios, nil))
	root.AddCommand(NewCmdWhatIf(ios, nil))
	root.AddCommand(newCmdVersion(ios))
	return root
}

func newCmdVersion(ios *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(ios.Out, "signinspect %s\n", Version)
			return err
		},
	}
}
