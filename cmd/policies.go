package cmd

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze/render"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// PoliciesOptions holds the policies command's flags and streams.
type PoliciesOptions struct {
	IO    *IOStreams
	Paths []string

	// RuleFlags give --named-locations alone.
	RuleFlags
	OutputFlags

	// Clock fixes the report time in tests.
	Clock func() time.Time
}

// NewCmdPolicies builds the policies command. runF replaces policiesRun in
// tests that check flag parsing alone.
func NewCmdPolicies(ios *IOStreams, runF func(context.Context, *PoliciesOptions) error) *cobra.Command {
	opts := &PoliciesOptions{IO: ios}
	c := &cobra.Command{
		Use:   "policies PATH...",
		Short: "List exported Conditional Access policies and what can block a PAT call",
		Long: `Read exported Conditional Access policies and list each with its state, what it
targets and what it requires; flag each policy that can block a non-interactive
Azure DevOps call made with a personal access token (PAT), and why; resolve the
named locations the policies name, and warn about references the exports do not
hold.

PATH is a file, a folder, a .zip or .gz file, or - for standard input, holding
policies in any export shape: Microsoft Graph JSON (a page, several pages, a
list or one policy), Graph PowerShell's ConvertTo-Json output, an EntraExporter
or IntuneManagement folder. Named locations found beside the policies are read
with them; --named-locations adds an export of its own.`,
		Example: `  signinspect policies samples/policies.json --named-locations samples/named-locations.json
  signinspect policies export/Identity/Conditional/
  signinspect policies policies.json -o json --out policies-report.json`,
		Args: minimumArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return policiesRun(c.Context(), opts)
		},
	}
	opts.RuleFlags.registerNamedLocations(c)
	opts.OutputFlags.register(c, "", false)
	return c
}

func policiesRun(ctx context.Context, o *PoliciesOptions) error {
	t, err := o.OutputFlags.target(o.IO)
	if err != nil {
		return err
	}
	if err := t.checkInputs(o.Paths); err != nil {
		return err
	}
	write, err := render.NewInventory(t.format, t.ropts)
	if err != nil {
		return &FlagError{Err: fmt.Errorf("-o: %w", err)}
	}
	popts := parse.Options{Stdin: o.IO.In}
	ex, err := policy.LoadPolicies(o.Paths, popts)
	if err != nil {
		return err
	}
	locations, notes := ex.NamedLocations, ex.Notes
	if o.NamedLocations != "" {
		nl, err := policy.LoadNamedLocationsExport(o.NamedLocations, popts)
		if err != nil {
			return err
		}
		locations, notes = mergeLocations(nl.NamedLocations, locations), append(nl.Notes, notes...)
	}
	inv := policy.NewInventory(o.Paths, ex.Policies, locations, notes)
	inv.Version = Version
	clock := o.Clock
	if clock == nil {
		clock = time.Now
	}
	inv.GeneratedAt = clock().UTC()
	return t.emit(ctx, o.IO, func(w io.Writer) error { return write(w, inv) })
}
