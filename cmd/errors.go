package cmd

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Exit codes, as README.md states them (Batch analysis).
const (
	ExitOK       = 0 // Done, and no finding at or above --fail-on.
	ExitError    = 1 // Unreadable input, invalid rule, no record parsed.
	ExitUsage    = 2 // Bad flags or arguments.
	ExitFindings = 3 // A finding at or above --fail-on.
)

// A FlagError is a usage error: the command line is wrong. It exits with
// ExitUsage.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf returns a FlagError with a formatted message.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// usageArgs wraps one of cobra's argument validators so that a wrong
// number of arguments is a FlagError, a usage error, as GitHub CLI's
// cmdutil wrappers do; the message stays cobra's.
func usageArgs(validate cobra.PositionalArgs) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := validate(c, args); err != nil {
			return &FlagError{Err: err}
		}
		return nil
	}
}

// Argument validators of signinspect's commands: cobra's, returning
// FlagErrors.
var noArgs = usageArgs(cobra.NoArgs)

func minimumArgs(n int) cobra.PositionalArgs { return usageArgs(cobra.MinimumNArgs(n)) }

func exactArgs(n int) cobra.PositionalArgs { return usageArgs(cobra.ExactArgs(n)) }

// ErrFindings is returned when a finding reaches --fail-on: exit 3, and
// nothing more to print (the report already says it).
var ErrFindings = errors.New("findings at or above --fail-on")

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var fe *FlagError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrFindings):
		return ExitFindings
	case errors.As(err, &fe):
		return ExitUsage
	default:
		return ExitError
	}
}
