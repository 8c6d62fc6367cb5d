package cmd

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/analyze/render"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/redact"
	"github.com/signinspect/signinspect/rules"
)

// This file holds the flag groups that several commands share: the filters
// that select sign-ins, the rules and what they know of the tenant, and how
// a report is written. Each group is a struct of the flags' values that a
// command's options embed, a register method that declares the flags, and
// a build method that turns the values into what the library packages take,
// or into a usage error that names the flag. The library packages parse the
// values and return domain errors; only this file knows flag names.

// FilterFlags are the flags that select the sign-ins a command is about.
type FilterFlags struct {
	Users  []string
	Apps   []string
	Flow   string
	Since  string
	Until  string
	At     string
	Window string
	TZ     string
	Status string
	Where  string
}

func (f *FilterFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.Users, "user", nil, "keep sign-ins of this user: UPN, object ID or display name, case-insensitive (repeatable)")
	fs.StringArrayVar(&f.Apps, "app", []string{analyze.AzureDevOpsApp}, `keep sign-ins of this application or resource, by name or ID, or "any" (repeatable)`)
	fs.StringVar(&f.Flow, "flow", parse.FlowNonInteractive, "keep sign-ins of this flow: "+strings.Join(analyze.Flows, ", "))
	fs.StringVar(&f.Since, "since", "", "keep sign-ins at or after this time (RFC 3339, 2026-11-20, 2026-11-20 10:15, ...)")
	fs.StringVar(&f.Until, "until", "", "keep sign-ins before this time")
	fs.StringVar(&f.At, "at", "", "keep sign-ins around this time (with --window)")
	fs.StringVar(&f.Window, "window", "", "with --at: keep sign-ins within this duration either side (30m, 2h, 1d)")
	fs.StringVar(&f.TZ, "tz", "UTC", "time zone of --since/--until/--at values that carry none (IANA name, e.g. Europe/Berlin)")
	fs.StringVar(&f.Status, "status", string(analyze.StatusAny), "keep failures, successes or both: failure, success, any")
	fs.StringVar(&f.Where, "where", "", `keep only sign-ins for which this expression is true, in the rule language (e.g. 'Status.Code == 53003')`)
}

// build returns the filter the flags describe. ruleCtx is what a --where
// expression may ask of the tenant (its named locations).
func (f *FilterFlags) build(ruleCtx *rules.Context) (analyze.Filter, error) {
	filter := analyze.Filter{Users: f.Users, Apps: f.Apps}
	loc, err := time.LoadLocation(f.TZ)
	if err != nil {
		return filter, FlagErrorf("--tz %q: unknown time zone (want an IANA name like UTC or Europe/Berlin)", f.TZ)
	}
	if filter.Flow, err = analyze.ParseFlow(f.Flow); err != nil {
		return filter, FlagErrorf("--flow %v", err)
	}
	if filter.Status, err = analyze.ParseStatus(f.Status); err != nil {
		return filter, FlagErrorf("--status %v", err)
	}
	for _, u := range f.Users {
		if strings.TrimSpace(u) == "" {
			return filter, FlagErrorf("--user: empty value")
		}
	}
	if filter.Since, filter.Until, err = f.timeWindow(loc); err != nil {
		return filter, err
	}
	if f.Where != "" {
		if filter.Where, err = rules.CompileFilter(f.Where, ruleCtx); err != nil {
			return filter, &FlagError{Err: fmt.Errorf("--where: %w", err)}
		}
	}
	return filter, nil
}

// timeWindow reads --at/--window or --since/--until, in the zone loc.
func (f *FilterFlags) timeWindow(loc *time.Location) (since, until time.Time, err error) {
	if f.At != "" || f.Window != "" {
		if f.At == "" || f.Window == "" {
			return since, until, FlagErrorf("--at and --window go together: --at 2026-11-20T10:15:00Z --window 30m")
		}
		if f.Since != "" || f.Until != "" {
			return since, until, FlagErrorf("--at/--window and --since/--until cannot be combined")
		}
		at, err := parse.ParseTime(f.At, loc)
		if err != nil {
			return since, until, FlagErrorf("--at: %v", err)
		}
		d, err := ParseWindow(f.Window)
		if err != nil {
			return since, until, FlagErrorf("--window: %v", err)
		}
		return at.Add(-d), at.Add(d), nil
	}
	if f.Since != "" {
		if since, err = parse.ParseTime(f.Since, loc); err != nil {
			return since, until, FlagErrorf("--since: %v", err)
		}
	}
	if f.Until != "" {
		if until, err = parse.ParseTime(f.Until, loc); err != nil {
			return since, until, FlagErrorf("--until: %v", err)
		}
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return since, until, FlagErrorf("--since %s is not before --until %s", analyze.FormatTime(since), analyze.FormatTime(until))
	}
	return since, until, nil
}

// ParseWindow reads a duration as Go writes it (90m, 1h30m) or in days
// (2d).
func ParseWindow(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err == nil && n > 0 {
			return time.Duration(n * float64(24*time.Hour)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration (want 30m, 2h, 1h30m or 1d)", s)
	}
	return d, nil
}

// RuleFlags are the flags that choose the rules, and those that tell the
// rules about the tenant. Commands that only list rules register the first
// kind alone (register); commands that run them register both
// (registerContext too).
type RuleFlags struct {
	RulePaths      []string
	NoBuiltin      bool
	Disable        []string
	NamedLocations string
	TrustedIPs     []string
	Policies       []string
	Memberships    string
}

func (f *RuleFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.RulePaths, "rules", nil, "load rules from this YAML file or folder, adding to or overriding the built-in pack (repeatable)")
	fs.BoolVar(&f.NoBuiltin, "no-builtin", false, "do not load the built-in rule pack")
	fs.StringArrayVar(&f.Disable, "disable", nil, "do not run the rule with this ID (repeatable)")
}

func (f *RuleFlags) registerContext(fs *pflag.FlagSet) {
	f.registerNamedLocations(fs)
	fs.StringArrayVar(&f.TrustedIPs, "trusted-ip", nil, "treat this IP range (CIDR) as a trusted location (repeatable)")
	fs.StringArrayVar(&f.Policies, "policies", nil, "evaluate the sign-ins against the Conditional Access policies of this export: a Graph, PowerShell, EntraExporter or IntuneManagement file or folder (repeatable)")
	fs.StringVar(&f.Memberships, "memberships", "", "the users' groups: Graph users with transitiveMemberOf expanded, or a CSV of user,group lines")
}

// registerNamedLocations declares --named-locations alone, for commands
// that read the tenant's configuration without evaluating sign-ins.
func (f *RuleFlags) registerNamedLocations(fs *pflag.FlagSet) {
	fs.StringVar(&f.NamedLocations, "named-locations", "", "the export of the named locations (identity/conditionalAccess/namedLocations), so that trusted IPs and the policies' locations are known")
}

// markFiles tells shell completion which files the rule flags take.
func (f *RuleFlags) markFiles(c *cobra.Command) {
	_ = c.MarkFlagFilename("rules", "yaml", "yml")
	for _, name := range []string{"named-locations", "policies", "memberships"} {
		if c.Flags().Lookup(name) != nil {
			_ = c.MarkFlagFilename(name, "json", "csv")
		}
	}
}

// rules returns the built-in pack (unless --no-builtin) with the rules of
// --rules added or overriding by ID, less the --disable IDs, in order.
func (f *RuleFlags) rules() ([]rules.Rule, error) {
	var base, extra []rules.Rule
	var err error
	if !f.NoBuiltin {
		if base, err = rules.Builtin(); err != nil {
			return nil, err
		}
	}
	if len(f.RulePaths) > 0 {
		if extra, err = rules.LoadPaths(f.RulePaths...); err != nil {
			return nil, err
		}
	}
	all, err := rules.Combine(base, extra, f.Disable)
	if err != nil {
		return nil, &FlagError{Err: fmt.Errorf("--disable: %w", err)}
	}
	return all, nil
}

// context returns what --named-locations, --trusted-ip, --policies and
// --memberships say of the tenant. stdin is read for any of them given as -.
func (f *RuleFlags) context(stdin io.Reader) (*rules.Context, error) {
	ctx := &rules.Context{}
	opts := parse.Options{Stdin: stdin}
	if f.NamedLocations != "" {
		ex, err := policy.LoadNamedLocationsExport(f.NamedLocations, opts)
		if err != nil {
			return nil, err
		}
		ctx.NamedLocations, ctx.Notes = ex.NamedLocations, ex.Notes
	}
	for _, s := range f.TrustedIPs {
		p, err := policy.ParseTrustedIP(s)
		if err != nil {
			return nil, FlagErrorf("--trusted-ip: %v", err)
		}
		ctx.TrustedIPs = append(ctx.TrustedIPs, p)
	}
	if len(f.Policies) > 0 {
		ex, err := policy.LoadPolicies(f.Policies, opts)
		if err != nil {
			return nil, err
		}
		ctx.Policies = ex.Policies
		ctx.Notes = append(ctx.Notes, ex.Notes...)
		// Named locations exported beside the policies (an EntraExporter
		// or IntuneManagement folder) count too, after --named-locations.
		ctx.NamedLocations = mergeLocations(ctx.NamedLocations, ex.NamedLocations)
	}
	if f.Memberships != "" {
		m, err := policy.LoadMemberships(f.Memberships, opts)
		if err != nil {
			return nil, err
		}
		ctx.Memberships = m
	}
	return ctx, nil
}

// mergeLocations appends to locs the named locations of more whose ID
// locs does not hold.
func mergeLocations(locs, more []policy.NamedLocation) []policy.NamedLocation {
	have := map[string]bool{}
	for _, l := range locs {
		have[strings.ToLower(l.ID)] = true
	}
	for _, l := range more {
		if l.ID == "" || !have[strings.ToLower(l.ID)] {
			locs = append(locs, l)
			have[strings.ToLower(l.ID)] = true
		}
	}
	return locs
}

// build loads the rules and compiles them to run with ctx, the tenant
// context that context returned.
func (f *RuleFlags) build(ctx *rules.Context) (*rules.Set, error) {
	rs, err := f.rules()
	if err != nil {
		return nil, err
	}
	return rules.Compile(rs, ctx)
}

// OutputFlags are the flags that say how a report is written.
type OutputFlags struct {
	Output  string
	OutFile string
	Top     int
	NoColor bool
	Redact  bool
	KeyFile string
	FailOn  string
}

// register declares the output flags. failOn is the help of --fail-on,
// which says what the command's exit code 3 stands for; "" leaves the flag
// out. redact declares --redact and --key-file, for commands whose reports
// hold personal data.
func (f *OutputFlags) register(fs *pflag.FlagSet, failOn string, redact bool) {
	fs.StringVarP(&f.Output, "output", "o", "", "output format: "+strings.Join(render.Names(), ", ")+" (default table, or from the --out extension)")
	fs.StringVar(&f.OutFile, "out", "", "write the report to this file (atomically) instead of standard output")
	fs.IntVar(&f.Top, "top", 20, "show at most this many rows in long report sections (0: all)")
	fs.BoolVar(&f.NoColor, "no-color", false, "never colour the output (NO_COLOR is honoured too)")
	if redact {
		fs.BoolVar(&f.Redact, "redact", false, "pseudonymize UPNs, names, object IDs and IP addresses in the report, as 'signinspect redact' does")
		fs.StringVar(&f.KeyFile, "key-file", "", "with --redact: take the pseudonym key from this file, for the same pseudonyms as 'signinspect redact --key-file'")
	}
	if failOn != "" {
		fs.StringVar(&f.FailOn, "fail-on", "", failOn)
	}
}

// severityFailOn is analyze's --fail-on.
var severityFailOn = "exit with code 3 when a finding has at least this severity: " + severityNames()

// reportOutput is what OutputFlags build for analyze: where and how to
// write a report and what its findings make of the exit code.
type reportOutput struct {
	*target
	renderer render.Renderer
	// failOn is the --fail-on severity; hasFailOn is false without it.
	failOn    rules.Severity
	hasFailOn bool
}

// target is where and how a report of any command is written: the format,
// the renderer options for standard output or the file, --top, and
// --redact's pseudonymizer (nil without it).
type target struct {
	format        string
	ropts         render.Options
	file          string // "" for standard output.
	top           int
	pseudonymizer *redact.Pseudonymizer
}

// target checks the flags every report shares.
func (f *OutputFlags) target(ios *IOStreams) (*target, error) {
	t := &target{file: f.OutFile, top: f.Top}
	var err error
	if t.format, err = f.format(); err != nil {
		return nil, err
	}
	toTerminal := f.OutFile == "" && ios.StdoutTTY
	// A report written to a file is fitted to the default width, not to
	// the terminal it happened to be made in.
	t.ropts = render.Options{Color: toTerminal && !f.NoColor && !ios.NoColor}
	if toTerminal {
		t.ropts.Width = ios.Width
	}
	if f.Top < 0 {
		return nil, FlagErrorf("--top %d: want 0 or more", f.Top)
	}
	if t.pseudonymizer, err = f.pseudonymizer(); err != nil {
		return nil, err
	}
	return t, nil
}

// emit writes a report, rendered by write, to standard output or the --out
// file.
func (t *target) emit(ios *IOStreams, write func(io.Writer) error) error {
	return writeOutput(ios.Out, t.file, write)
}

// build checks the output flags and prepares analyze's renderer for ios.
func (f *OutputFlags) build(ios *IOStreams) (*reportOutput, error) {
	t, err := f.target(ios)
	if err != nil {
		return nil, err
	}
	out := &reportOutput{target: t}
	if out.renderer, err = render.New(t.format, t.ropts); err != nil {
		return nil, &FlagError{Err: fmt.Errorf("-o: %w", err)}
	}
	if f.FailOn != "" {
		if out.failOn, err = rules.ParseSeverity(f.FailOn); err != nil {
			return nil, FlagErrorf("--fail-on: %v", err)
		}
		out.hasFailOn = true
	}
	return out, nil
}

// format picks the report format from -o or the --out extension.
func (f *OutputFlags) format() (string, error) {
	if f.Output != "" {
		return strings.ToLower(f.Output), nil
	}
	if f.OutFile != "" {
		if name := render.ForFile(f.OutFile); name != "" {
			return name, nil
		}
		return "", FlagErrorf("--out %q: cannot tell the format from the extension (known: %s); add -o", f.OutFile, strings.Join(render.Extensions(), ", "))
	}
	return "table", nil
}

// pseudonymizer returns the pseudonymizer of --redact, or nil without it.
func (f *OutputFlags) pseudonymizer() (*redact.Pseudonymizer, error) {
	if !f.Redact {
		if f.KeyFile != "" {
			return nil, FlagErrorf("--key-file goes with --redact")
		}
		return nil, nil
	}
	return newPseudonymizer(f.KeyFile, redact.Options{})
}

// write redacts the report when asked, renders it to standard output or
// the --out file, and returns ErrFindings when a finding reaches
// --fail-on.
func (o *reportOutput) write(ios *IOStreams, rep *analyze.Report) error {
	if o.pseudonymizer != nil {
		analyze.Redact(rep, o.pseudonymizer)
	}
	if err := o.emit(ios, func(w io.Writer) error { return o.renderer.Render(w, rep) }); err != nil {
		return err
	}
	if o.hasFailOn && reachesSeverity(rep, o.failOn) {
		return ErrFindings
	}
	return nil
}

// reachesSeverity reports whether a finding of the report is at least sev.
func reachesSeverity(rep *analyze.Report, sev rules.Severity) bool {
	for _, f := range rep.Findings {
		if f.Severity >= sev {
			return true
		}
	}
	return false
}

func severityNames() string {
	var names []string
	for _, s := range rules.Severities() {
		names = append(names, s.String())
	}
	return strings.Join(names, ", ")
}

// InputFlags are the flags that say how inputs are read.
type InputFlags struct {
	Format string
}

func (f *InputFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Format, "format", "", "read every input as this format instead of detecting it (see 'signinspect formats')")
}

// build returns the parse options of the flags; stdin is read for the
// input "-".
func (f *InputFlags) build(stdin io.Reader) (parse.Options, error) {
	opts := parse.Options{Stdin: stdin}
	if f.Format != "" {
		var err error
		if opts.Format, err = parse.ParseFormat(f.Format); err != nil {
			return opts, &FlagError{Err: fmt.Errorf("--format: %w", err)}
		}
	}
	return opts, nil
}
