package cmd

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/analyze/render"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// WhatIfOptions holds the whatif command's flags and streams.
type WhatIfOptions struct {
	IO    *IOStreams
	Paths []string

	FilterFlags
	// RuleFlags give the tenant: --policies (required), --named-locations,
	// --trusted-ip, --memberships.
	RuleFlags
	OutputFlags
	InputFlags
	EditFlags

	// Clock fixes the report time in tests.
	Clock func() time.Time
}

// EditFlags are the edits whatif replays the sign-ins under.
type EditFlags struct {
	AddRanges           []string
	Trust               []string
	ExcludeApps         []string
	ExcludeUsers        []string
	States              []string
	PoliciesAfter       []string
	NamedLocationsAfter string
}

func (f *EditFlags) register(c *cobra.Command) {
	fs := c.Flags()
	fs.StringArrayVar(&f.AddRanges, "add-range", nil, `add an IP range to a named location: "LOCATION=CIDR", the location by name or ID (repeatable)`)
	fs.StringArrayVar(&f.Trust, "trust", nil, "mark a named location trusted, by name or ID (repeatable)")
	fs.StringArrayVar(&f.ExcludeApps, "exclude-app", nil, `exclude an application from a policy: "POLICY=APP", the app by ID or a known name such as Azure DevOps (repeatable)`)
	fs.StringArrayVar(&f.ExcludeUsers, "exclude-user", nil, `exclude a user from a policy: "POLICY=USER", the user by object ID or UPN (repeatable)`)
	fs.StringArrayVar(&f.States, "state", nil, `set a policy's state: "POLICY=enabled|report-only|disabled" (repeatable)`)
	fs.StringArrayVar(&f.PoliciesAfter, "policies-after", nil, "replay under the policies of this export instead of editing them (repeatable)")
	fs.StringVar(&f.NamedLocationsAfter, "named-locations-after", "", "replay under the named locations of this export instead of editing them")
	_ = c.MarkFlagFilename("policies-after", "json")
	_ = c.MarkFlagFilename("named-locations-after", "json")
}

// edits parses the edit flags, in the order of the flags' kinds.
func (f *EditFlags) edits() ([]policy.Edit, []string, error) {
	var out []policy.Edit
	var flags []string
	for _, k := range []struct {
		flag   string
		kind   policy.EditKind
		values []string
	}{
		{"--add-range", policy.EditAddRange, f.AddRanges}, {"--trust", policy.EditTrust, f.Trust},
		{"--exclude-app", policy.EditExcludeApp, f.ExcludeApps}, {"--exclude-user", policy.EditExcludeUser, f.ExcludeUsers},
		{"--state", policy.EditState, f.States},
	} {
		for _, v := range k.values {
			e, err := policy.ParseEdit(k.kind, v)
			if err != nil {
				return nil, nil, FlagErrorf("%s %v", k.flag, err)
			}
			out = append(out, e)
			flags = append(flags, k.flag)
		}
	}
	return out, flags, nil
}

// failOnNewlyBlocked is whatif's one --fail-on value.
const failOnNewlyBlocked = "newly-blocked"

// NewCmdWhatIf builds the whatif command. runF replaces whatIfRun in tests
// that check flag parsing alone.
func NewCmdWhatIf(ios *IOStreams, runF func(context.Context, *WhatIfOptions) error) *cobra.Command {
	opts := &WhatIfOptions{IO: ios}
	c := &cobra.Command{
		Use:   "whatif PATH... --policies PATH EDIT...",
		Short: "Replay recorded sign-ins under edited Conditional Access policies",
		Long: `Replay every matched sign-in of the exports under the Conditional Access
policies as exported (--policies) and as edited, and report the sign-ins whose
outcome changes: unblocked (blocked before, allowed after) and newly blocked
(allowed before, blocked after), with the deciding policy and condition; the
others are counted as unchanged, or unknown when the exports cannot settle them.
Nothing is changed in the tenant, and nothing is written over an input.

Edit with --add-range, --trust, --exclude-app, --exclude-user and --state, or
give the edited exports with --policies-after and --named-locations-after.
The filters are analyze's: by default the non-interactive Azure DevOps
sign-ins, what a personal access token makes.`,
		Example: `  signinspect whatif NonInteractiveSignIns.json --policies policies.json --named-locations named-locations.json \
    --add-range "Corporate egress=198.51.100.23/32" --fail-on newly-blocked
  signinspect whatif logs/ --app any --flow any --policies policies.json --state "CA006=enabled"`,
		Args: minimumArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return whatIfRun(c.Context(), opts)
		},
	}
	opts.FilterFlags.register(c)
	opts.InputFlags.register(c)
	opts.InputFlags.registerDuplicates(c)
	opts.RuleFlags.registerContext(c)
	opts.EditFlags.register(c)
	opts.OutputFlags.register(c, "exit with code 3 when an edit blocks a sign-in that the policies allowed: "+failOnNewlyBlocked, true)
	completeValues(c, "fail-on", failOnNewlyBlocked)
	return c
}

func whatIfRun(ctx context.Context, o *WhatIfOptions) error {
	if err := refuseTerminalStdin(o.IO, "whatif", o.Paths); err != nil {
		return err
	}
	t, err := o.OutputFlags.target(o.IO)
	if err != nil {
		return err
	}
	if err := t.checkInputs(append(o.Paths, o.Policies...)); err != nil {
		return err
	}
	write, err := render.NewWhatIf(t.format, t.ropts)
	if err != nil {
		return &FlagError{Err: fmt.Errorf("-o: %w", err)}
	}
	if o.FailOn != "" && !strings.EqualFold(o.FailOn, failOnNewlyBlocked) {
		return FlagErrorf("--fail-on %q: want %s", o.FailOn, failOnNewlyBlocked)
	}
	if len(o.Policies) == 0 {
		return FlagErrorf("--policies is required: the export of the policies to replay the sign-ins under")
	}
	edits, editFlags, err := o.EditFlags.edits()
	if err != nil {
		return err
	}
	if len(edits) == 0 && len(o.PoliciesAfter) == 0 && o.NamedLocationsAfter == "" {
		return FlagErrorf("no edit: give --add-range, --trust, --exclude-app, --exclude-user, --state, --policies-after or --named-locations-after")
	}
	popts, err := o.InputFlags.build(o.IO.In)
	if err != nil {
		return err
	}
	// The tenant and the edits are ready before any sign-in is read, so
	// that a bad flag or an edit naming nothing fails fast.
	ruleCtx, err := o.RuleFlags.context(o.IO.In)
	if err != nil {
		return err
	}
	filter, err := o.FilterFlags.build(ruleCtx, popts)
	if err != nil {
		return err
	}
	before := ruleCtx.PolicyConfig()
	after, err := o.afterConfig(before, edits, editFlags)
	if err != nil {
		return err
	}
	beforeEval := policy.NewEvaluator(before)
	after.Reference = beforeEval
	afterEval := policy.NewEvaluator(after)

	var descriptions []string
	if len(o.PoliciesAfter) > 0 {
		descriptions = append(descriptions, "replace the policies with those of "+strings.Join(o.PoliciesAfter, ", "))
	}
	if o.NamedLocationsAfter != "" {
		descriptions = append(descriptions, "replace the named locations with those of "+o.NamedLocationsAfter)
	}
	for _, e := range edits {
		descriptions = append(descriptions, e.String())
	}
	var warnings []string
	for _, p := range before.Policies {
		for _, w := range p.Warnings {
			warnings = append(warnings, p.Label()+": "+w)
		}
	}
	warnings = append(warnings, ruleCtx.Notes...)
	wopts := analyze.WhatIfOptions{
		Options: analyze.Options{Filter: filter, Parse: popts, Top: t.top, Clock: o.Clock, Version: Version, KeepDuplicates: o.KeepDuplicates},
		Before:  beforeEval, After: afterEval, Edits: descriptions, Warnings: warnings,
	}
	bar := newProgress(o.IO)
	if bar != nil {
		wopts.Progress = bar
	}
	rep, err := analyze.WhatIf(ctx, o.Paths, wopts)
	bar.Stop()
	if err != nil {
		return err
	}
	if t.pseudonymizer != nil {
		analyze.RedactWhatIf(rep, t.pseudonymizer)
	}
	if err := t.emit(ctx, o.IO, func(w io.Writer) error { return write(w, rep) }); err != nil {
		return err
	}
	if o.FailOn != "" && rep.Changes.NewlyBlocked > 0 {
		return ErrFindings
	}
	return nil
}

// afterConfig returns the configuration the sign-ins are replayed under:
// before, or the exports of --policies-after and --named-locations-after,
// with the edits made in turn. An edit that names no policy or location is
// a usage error naming its flag and the closest names.
func (o *WhatIfOptions) afterConfig(before policy.Config, edits []policy.Edit, flags []string) (policy.Config, error) {
	after := before
	after.Reference = nil
	popts := parse.Options{Stdin: o.IO.In}
	if len(o.PoliciesAfter) > 0 {
		ex, err := policy.LoadPolicies(o.PoliciesAfter, popts)
		if err != nil {
			return after, err
		}
		after.Policies = ex.Policies
		if o.NamedLocationsAfter == "" {
			after.NamedLocations = mergeLocations(append([]policy.NamedLocation(nil), before.NamedLocations...), ex.NamedLocations)
		}
	}
	if o.NamedLocationsAfter != "" {
		nl, err := policy.LoadNamedLocations(o.NamedLocationsAfter, popts)
		if err != nil {
			return after, err
		}
		after.NamedLocations = nl
	}
	for i, e := range edits {
		// Every error of an edit is the command line's: it names a policy
		// or location that is not there, or of the wrong kind.
		next, err := after.Apply(e)
		if err != nil {
			return after, FlagErrorf("%s %q: %v", flags[i], editValue(e), err)
		}
		after = next
	}
	return after, nil
}

// editValue writes an edit as its flag's value.
func editValue(e policy.Edit) string {
	switch e.Kind {
	case policy.EditTrust:
		return e.Target
	case policy.EditAddRange:
		return e.Target + "=" + e.Range.String()
	}
	return e.Target + "=" + e.Value
}
