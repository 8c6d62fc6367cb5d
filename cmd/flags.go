package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/analyze/render"
	"github.com/signinspect/signinspect/internal/errlist"
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

func (f *FilterFlags) register(c *cobra.Command) {
	fs := c.Flags()
	fs.StringArrayVar(&f.Users, "user", nil, "keep sign-ins of this user: UPN, object ID or display name, case-insensitive (repeatable)")
	fs.StringArrayVar(&f.Apps, "app", []string{analyze.AzureDevOpsApp}, `keep sign-ins of this application or resource, by name or ID, or "any" (repeatable)`)
	fs.StringVar(&f.Flow, "flow", parse.FlowNonInteractive, "keep sign-ins of this flow: "+strings.Join(analyze.Flows, ", "))
	fs.StringVar(&f.Since, "since", "", "keep sign-ins at or after this time (RFC 3339, 2026-11-20, 2026-11-20 10:15, ...)")
	fs.StringVar(&f.Until, "until", "", "keep sign-ins before this time")
	fs.StringVar(&f.At, "at", "", "keep sign-ins around this time (with --window)")
	fs.StringVar(&f.Window, "window", "", "with --at: keep sign-ins within this duration either side (30m, 2h, 1d)")
	fs.StringVar(&f.TZ, "tz", "UTC", "time zone of --since/--until/--at values that carry none, and of the report's times (IANA name, e.g. Europe/Berlin)")
	fs.StringVar(&f.Status, "status", string(analyze.StatusAny), "keep failures, successes or both: failure, success, any")
	fs.StringVar(&f.Where, "where", "", `keep only sign-ins for which this expression is true, in the rule language (e.g. 'Status.Code == 53003')`)
	completeValues(c, "flow", analyze.Flows...)
	var statuses []string
	for _, st := range analyze.Statuses {
		statuses = append(statuses, string(st))
	}
	completeValues(c, "status", statuses...)
	completeValues(c, "app", analyze.AzureDevOpsApp, analyze.AppAny)
	_ = c.RegisterFlagCompletionFunc("where", cobra.NoFileCompletions)
}

// build returns the filter the flags describe. ruleCtx is what a --where
// expression may ask of the tenant (its named locations); input says how
// times are read (InputFlags' --date-order), for the time flags as for the
// exports.
func (f *FilterFlags) build(ruleCtx *rules.Context, input parse.Options) (analyze.Filter, error) {
	filter := analyze.Filter{Users: f.Users, Apps: f.Apps}
	loc, err := time.LoadLocation(f.TZ)
	if err != nil {
		return filter, FlagErrorf("--tz %q: unknown time zone (want an IANA name like UTC or Europe/Berlin)", f.TZ)
	}
	if loc != time.UTC {
		filter.Location = loc
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
	if filter.Since, filter.Until, err = f.timeWindow(loc, input.DateOrder); err != nil {
		return filter, err
	}
	if f.Where != "" {
		if filter.Where, err = rules.CompileFilter(f.Where, ruleCtx); err != nil {
			return filter, &FlagError{Err: fmt.Errorf("--where: %w", err)}
		}
	}
	return filter, nil
}

// timeWindow reads --at/--window or --since/--until, in the zone loc and
// the date order given.
func (f *FilterFlags) timeWindow(loc *time.Location, order parse.DateOrder) (since, until time.Time, err error) {
	parseTime := func(flag, value string) (time.Time, error) {
		t, err := parse.ParseTimeOrder(value, loc, order)
		if errors.Is(err, parse.ErrAmbiguousTime) {
			return t, FlagErrorf("%s: %v: add %s", flag, err, dateOrderHint)
		}
		if err != nil {
			return t, FlagErrorf("%s: %v", flag, err)
		}
		return t, nil
	}
	if f.At != "" || f.Window != "" {
		switch {
		case f.Window == "":
			return since, until, FlagErrorf("--at %q needs --window, how far either side of it to look: --at %q --window 30m", f.At, f.At)
		case f.At == "":
			return since, until, FlagErrorf("--window %s needs --at, the time to look around: --at \"2026-11-20 10:15\" --window %s", f.Window, f.Window)
		}
		if f.Since != "" || f.Until != "" {
			return since, until, FlagErrorf("--at/--window and --since/--until cannot be combined")
		}
		at, err := parseTime("--at", f.At)
		if err != nil {
			return since, until, err
		}
		d, err := ParseWindow(f.Window)
		if err != nil {
			return since, until, FlagErrorf("--window: %v", err)
		}
		return at.Add(-d), at.Add(d), nil
	}
	if f.Since != "" {
		if since, err = parseTime("--since", f.Since); err != nil {
			return since, until, err
		}
	}
	if f.Until != "" {
		if until, err = parseTime("--until", f.Until); err != nil {
			return since, until, err
		}
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return since, until, FlagErrorf("--since %s is not before --until %s", analyze.FormatTime(since), analyze.FormatTime(until))
	}
	return since, until, nil
}

// dateOrderHint says how to give the order of day and month.
const dateOrderHint = "--date-order day-first or --date-order month-first"

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

func (f *RuleFlags) register(c *cobra.Command) {
	fs := c.Flags()
	fs.StringArrayVar(&f.RulePaths, "rules", nil, "load rules from this YAML file or folder, adding to or overriding the built-in pack (repeatable)")
	fs.BoolVar(&f.NoBuiltin, "no-builtin", false, "do not load the built-in rule pack")
	fs.StringArrayVar(&f.Disable, "disable", nil, "do not run the rule with this ID (repeatable)")
	_ = c.MarkFlagFilename("rules", "yaml", "yml")
	_ = c.RegisterFlagCompletionFunc("disable", f.completeIDs)
}

func (f *RuleFlags) registerContext(c *cobra.Command) {
	fs := c.Flags()
	f.registerNamedLocations(c)
	fs.StringArrayVar(&f.TrustedIPs, "trusted-ip", nil, "treat this IP range (CIDR) as a trusted location (repeatable)")
	fs.StringArrayVar(&f.Policies, "policies", nil, "evaluate the sign-ins against the Conditional Access policies of this export: a Graph, PowerShell, EntraExporter or IntuneManagement file or folder (repeatable)")
	fs.StringVar(&f.Memberships, "memberships", "", "the users' groups: Graph users with transitiveMemberOf expanded, or a CSV of user,group lines")
	_ = c.MarkFlagFilename("policies", "json")
	_ = c.MarkFlagFilename("memberships", "json", "csv")
	_ = c.RegisterFlagCompletionFunc("trusted-ip", cobra.NoFileCompletions)
}

// registerNamedLocations declares --named-locations alone, for commands
// that read the tenant's configuration without evaluating sign-ins.
func (f *RuleFlags) registerNamedLocations(c *cobra.Command) {
	c.Flags().StringVar(&f.NamedLocations, "named-locations", "", "the export of the named locations (identity/conditionalAccess/namedLocations), so that trusted IPs and the policies' locations are known")
	_ = c.MarkFlagFilename("named-locations", "json")
}

// completeIDs offers the IDs of the rules the command line chooses so far
// (the built-in pack, --rules, less --no-builtin), for --disable and rules
// show.
func (f *RuleFlags) completeIDs(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	// Cobra parses the flags twice while completing, and repeatable flags
	// collect their values both times.
	g := *f
	g.RulePaths, g.Disable = unique(f.RulePaths), nil
	rs, err := g.rules()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var ids []cobra.Completion
	for _, r := range rs {
		ids = append(ids, cobra.CompletionWithDesc(r.ID, r.Title))
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

// unique returns list without repeated values, in order.
func unique(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// completeValues makes shell completion offer values for a flag of c, and
// no file names.
func completeValues(c *cobra.Command, flag string, values ...string) {
	_ = c.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
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
			return nil, rulesFlagErrors(err)
		}
	}
	all, err := rules.Combine(base, extra, f.Disable)
	if err != nil {
		return nil, &FlagError{Err: fmt.Errorf("--disable: %w", err)}
	}
	return all, nil
}

// rulesFlagErrors says which flag the errors of a --rules path that cannot
// be read concern ("--rules my-rules/: no such file or directory"); errors
// inside rule files already name the file, line and key.
func rulesFlagErrors(err error) error {
	var errs []error
	for _, e := range errlist.Flatten(err) {
		var re *rules.RuleError
		if !errors.As(e, &re) {
			e = fmt.Errorf("--rules %w", e)
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// context returns what --named-locations, --trusted-ip, --policies and
// --memberships say of the tenant. stdin is read for any of them given as -.
func (f *RuleFlags) context(stdin io.Reader) (*rules.Context, error) {
	ctx := &rules.Context{}
	opts := parse.Options{Stdin: stdin}
	if f.NamedLocations != "" {
		ex, err := policy.LoadNamedLocationsExport(f.NamedLocations, opts)
		if err != nil {
			// The error names the file; the flag says what it was for.
			return nil, fmt.Errorf("--named-locations %w", err)
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
	Redact  bool
	KeyFile string
	FailOn  string
}

// register declares the output flags. failOn is the help of --fail-on,
// which says what the command's exit code 3 stands for; "" leaves the flag
// out. redact declares --redact and --key-file, for commands whose reports
// hold personal data.
func (f *OutputFlags) register(c *cobra.Command, failOn string, redact bool) {
	fs := c.Flags()
	fs.StringVarP(&f.Output, "output", "o", "", "output format: "+strings.Join(render.Names(), ", ")+" (default table, or from the --out extension)")
	fs.StringVar(&f.OutFile, "out", "", "write the report to this file (atomically) instead of standard output")
	fs.IntVar(&f.Top, "top", 20, "show at most this many rows in long report sections (0: all)")
	completeValues(c, "output", render.Names()...)
	_ = c.MarkFlagFilename("out", strings.Split(strings.ReplaceAll(strings.Join(render.Extensions(), ","), ".", ""), ",")...)
	_ = c.RegisterFlagCompletionFunc("top", cobra.NoFileCompletions)
	if redact {
		fs.BoolVar(&f.Redact, "redact", false, "pseudonymize UPNs, names, object IDs and IP addresses in the report, as 'signinspect redact' does")
		fs.StringVar(&f.KeyFile, "key-file", "", "with --redact: take the pseudonym key from this file, for the same pseudonyms as 'signinspect redact --key-file'")
		_ = c.MarkFlagFilename("key-file")
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
	// the terminal it happened to be made in; standard output is fitted
	// to the terminal, or to COLUMNS on a pipe.
	t.ropts = render.Options{Color: toTerminal && !ios.NoColor}
	if f.OutFile == "" {
		t.ropts.Width = ios.Width
	}
	if t.format == "xlsx" && toTerminal {
		return nil, FlagErrorf("-o xlsx writes a binary workbook, not for a terminal: add --out FILE.xlsx")
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
// file, and says on a terminal what it wrote to a file. Rendering stops at
// its next write once ctx is done; a file is then left as it was.
func (t *target) emit(ctx context.Context, ios *IOStreams, write func(io.Writer) error) error {
	size := 0
	err := writeOutput(ctx, ios.Out, t.file, func(w io.Writer) error {
		cw := &countingWriter{w: w}
		err := write(cw)
		size = cw.n
		return err
	})
	if err != nil {
		return err
	}
	if t.file != "" && ios.StderrTTY {
		ios.Messagef("wrote %s (%s, %s)\n", t.file, t.format, byteSize(size))
	}
	return nil
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
func (o *reportOutput) write(ctx context.Context, ios *IOStreams, rep *analyze.Report) error {
	if o.pseudonymizer != nil {
		analyze.Redact(rep, o.pseudonymizer)
	}
	if err := o.emit(ctx, ios, func(w io.Writer) error { return o.renderer.Render(w, rep) }); err != nil {
		return err
	}
	if o.hasFailOn && reachesSeverity(rep, o.failOn) {
		return ErrFindings
	}
	return nil
}

// checkInputs refuses a --out file that would replace an input or land
// among the inputs of a folder (where the next run would read it as one),
// and one whose folder does not exist, before anything is read.
func (o *target) checkInputs(paths []string) error {
	if o.file == "" {
		return nil
	}
	dir := filepath.Dir(o.file)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return FlagErrorf("--out %s: the folder %s does not exist", o.file, dir)
	}
	out, err := filepath.Abs(o.file)
	if err != nil {
		return FlagErrorf("--out %s: %v", o.file, err)
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		out = filepath.Join(real, filepath.Base(out))
	}
	outInfo, outErr := os.Stat(o.file)
	for _, p := range paths {
		if p == "-" {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			continue // The analysis says what is wrong with it.
		}
		if outErr == nil && os.SameFile(fi, outInfo) {
			return FlagErrorf("--out %s is the input %s: the report would replace the export; choose another file", o.file, p)
		}
		if !fi.IsDir() {
			continue
		}
		in, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(in); err == nil {
			in = real
		}
		if rel, err := filepath.Rel(in, out); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			return FlagErrorf("--out %s is inside the input folder %s: the next run would read the report as an input; write it elsewhere", o.file, p)
		}
	}
	return nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += n
	return n, err
}

// byteSize writes a size as people read it: "812 bytes", "14 KB", "2.3 MB".
func byteSize(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
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
	Format         string
	KeepDuplicates bool
	DateOrder      string
}

func (f *InputFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.Format, "format", "", "read every input as this format instead of detecting it (see 'signinspect formats')")
	c.Flags().StringVar(&f.DateOrder, "date-order", "", "read dates like 05/11/2026, which could be either, as day-first or month-first (default: refuse them and say so)")
	completeValues(c, "date-order", parse.DateOrders...)
	var formats []string
	for _, fi := range parse.Formats() {
		formats = append(formats, string(fi.Format))
	}
	completeValues(c, "format", formats...)
}

// registerDuplicates declares --keep-duplicates, for the commands that
// count sign-ins.
func (f *InputFlags) registerDuplicates(c *cobra.Command) {
	c.Flags().BoolVar(&f.KeepDuplicates, "keep-duplicates", false, "count every copy of a sign-in that several inputs hold (same request ID), instead of the first only")
}

// build returns the parse options of the flags; stdin is read for the
// input "-".
func (f *InputFlags) build(stdin io.Reader) (parse.Options, error) {
	opts := parse.Options{Stdin: stdin}
	var err error
	if f.Format != "" {
		if opts.Format, err = parse.ParseFormat(f.Format); err != nil {
			return opts, &FlagError{Err: fmt.Errorf("--format: %w", err)}
		}
	}
	if opts.DateOrder, err = parse.ParseDateOrder(f.DateOrder); err != nil {
		return opts, FlagErrorf("--date-order %v", err)
	}
	return opts, nil
}
