package cmd

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/analyze/render"
	"github.com/signinspect/signinspect/internal/atomicfile"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

// AnalyzeOptions holds the analyze command's flags and streams.
type AnalyzeOptions struct {
	IO    *IOStreams
	Paths []string

	Users   []string
	Apps    []string
	Flow    string
	Since   string
	Until   string
	At      string
	Window  string
	TZ      string
	Status  string
	Format  string
	Strict  bool
	Output  string
	OutFile string
	Top     int
	NoColor bool

	RulePaths      []string
	NoBuiltin      bool
	Disable        []string
	NamedLocations string
	TrustedIPs     []string
	Where          string
	FailOn         string
	Redact         bool
	KeyFile        string

	// Clock fixes the report time in tests.
	Clock func() time.Time
}

// NewCmdAnalyze builds the analyze command. runF replaces analyzeRun in
// tests that check flag parsing alone.
func NewCmdAnalyze(ios *IOStreams, runF func(*AnalyzeOptions) error) *cobra.Command {
	opts := &AnalyzeOptions{IO: ios}
	c := &cobra.Command{
		Use:   "analyze PATH...",
		Short: "Explain failed sign-ins in sign-in log exports",
		Long: `Read sign-in log exports, keep the sign-ins of a user, app and time window, and
report failing Conditional Access policies, locations, device gaps and error
codes, with a diagnosis and fix.

PATH is a file, a folder (searched recursively), a .gz or .zip file, or - for
standard input. Formats are detected from content; see 'signinspect formats'.

By default only non-interactive Azure DevOps sign-ins are kept: the sign-ins a
personal access token makes. Use --app any and --flow any to keep everything.`,
		Example: `  signinspect analyze samples/
  signinspect analyze NonInteractiveSignIns_2026-11-01_2026-11-20.csv --user svc-build@contoso.com
  signinspect analyze export.zip --at "2026-11-18 09:30" --window 1h --status failure
  signinspect analyze logs/ --app any --flow any -o json --out report.json`,
		Args: minimumArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			opts.NoColor = opts.NoColor || opts.IO.NoColor
			if runF != nil {
				return runF(opts)
			}
			return analyzeRun(c, opts)
		},
	}
	f := c.Flags()
	f.StringArrayVar(&opts.Users, "user", nil, "keep sign-ins of this user: UPN, object ID or display name, case-insensitive (repeatable)")
	f.StringArrayVar(&opts.Apps, "app", []string{analyze.AzureDevOpsApp}, `keep sign-ins of this application or resource, by name or ID, or "any" (repeatable)`)
	f.StringVar(&opts.Flow, "flow", parse.FlowNonInteractive, "keep sign-ins of this flow: "+strings.Join(analyze.Flows, ", "))
	f.StringVar(&opts.Since, "since", "", "keep sign-ins at or after this time (RFC 3339, 2026-11-20, 2026-11-20 10:15, ...)")
	f.StringVar(&opts.Until, "until", "", "keep sign-ins before this time")
	f.StringVar(&opts.At, "at", "", "keep sign-ins around this time (with --window)")
	f.StringVar(&opts.Window, "window", "", "with --at: keep sign-ins within this duration either side (30m, 2h, 1d)")
	f.StringVar(&opts.TZ, "tz", "UTC", "time zone of --since/--until/--at values that carry none (IANA name, e.g. Europe/Berlin)")
	f.StringVar(&opts.Status, "status", analyze.StatusAny, "keep failures, successes or both: failure, success, any")
	f.StringVar(&opts.Format, "format", "", "read every input as this format instead of detecting it (see 'signinspect formats')")
	f.BoolVar(&opts.Strict, "strict", false, "stop at the first malformed record instead of skipping and counting it")
	f.StringVarP(&opts.Output, "output", "o", "", "output format: "+strings.Join(render.Names(), ", ")+" (default table, or from the --out extension)")
	f.StringVar(&opts.OutFile, "out", "", "write the report to this file (atomically) instead of standard output")
	f.IntVar(&opts.Top, "top", 20, "show at most this many rows in long report sections (0: all)")
	f.BoolVar(&opts.NoColor, "no-color", false, "never colour the output (NO_COLOR is honoured too)")
	f.StringArrayVar(&opts.RulePaths, "rules", nil, "load rules from this YAML file or folder, adding to or overriding the built-in pack (repeatable)")
	f.BoolVar(&opts.NoBuiltin, "no-builtin", false, "do not load the built-in rule pack")
	f.StringArrayVar(&opts.Disable, "disable", nil, "do not run the rule with this ID (repeatable)")
	f.StringVar(&opts.NamedLocations, "named-locations", "", "the Graph JSON export of identity/conditionalAccess/namedLocations, so rules can tell trusted IPs")
	f.StringArrayVar(&opts.TrustedIPs, "trusted-ip", nil, "treat this IP range (CIDR) as a trusted location (repeatable)")
	f.StringVar(&opts.Where, "where", "", `keep only sign-ins for which this expression is true, in the rule language (e.g. 'Status.Code == 53003')`)
	f.StringVar(&opts.FailOn, "fail-on", "", "exit with code 3 when a finding has at least this severity: "+severityNames())
	f.BoolVar(&opts.Redact, "redact", false, "pseudonymize UPNs, names, object IDs and IP addresses in the report, as 'signinspect redact' does")
	f.StringVar(&opts.KeyFile, "key-file", "", "with --redact: take the pseudonym key from this file, for the same pseudonyms as 'signinspect redact --key-file'")
	_ = c.MarkFlagFilename("rules", "yaml", "yml")
	_ = c.MarkFlagFilename("named-locations", "json")
	return c
}

// buildFilter turns the filter flags into an analyze.Filter, or a usage
// error that shows what was expected.
func (o *AnalyzeOptions) buildFilter() (analyze.Filter, error) {
	f := analyze.Filter{Users: o.Users, Apps: o.Apps}
	loc, err := time.LoadLocation(o.TZ)
	if err != nil {
		return f, FlagErrorf("--tz %q: unknown time zone (want an IANA name like UTC or Europe/Berlin)", o.TZ)
	}
	flow := strings.ToLower(strings.TrimSpace(o.Flow))
	if !contains(analyze.Flows, flow) {
		return f, FlagErrorf("--flow %q: want one of %s", o.Flow, strings.Join(analyze.Flows, ", "))
	}
	f.Flow = flow
	status := strings.ToLower(strings.TrimSpace(o.Status))
	if !contains([]string{analyze.StatusFailure, analyze.StatusSuccess, analyze.StatusAny}, status) {
		return f, FlagErrorf("--status %q: want failure, success or any", o.Status)
	}
	f.Status = status
	for _, u := range o.Users {
		if strings.TrimSpace(u) == "" {
			return f, FlagErrorf("--user: empty value")
		}
	}
	if o.At != "" || o.Window != "" {
		if o.At == "" || o.Window == "" {
			return f, FlagErrorf("--at and --window go together: --at 2026-11-20T10:15:00Z --window 30m")
		}
		if o.Since != "" || o.Until != "" {
			return f, FlagErrorf("--at/--window and --since/--until cannot be combined")
		}
		at, err := parse.ParseTime(o.At, loc)
		if err != nil {
			return f, FlagErrorf("--at: %v", err)
		}
		d, err := ParseWindow(o.Window)
		if err != nil {
			return f, FlagErrorf("--window: %v", err)
		}
		f.Since, f.Until = at.Add(-d), at.Add(d)
		return f, nil
	}
	if o.Since != "" {
		if f.Since, err = parse.ParseTime(o.Since, loc); err != nil {
			return f, FlagErrorf("--since: %v", err)
		}
	}
	if o.Until != "" {
		if f.Until, err = parse.ParseTime(o.Until, loc); err != nil {
			return f, FlagErrorf("--until: %v", err)
		}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return f, FlagErrorf("--since %s is not before --until %s", analyze.FormatTime(f.Since), analyze.FormatTime(f.Until))
	}
	return f, nil
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

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// outputFormat picks the report format from -o or the --out extension.
func (o *AnalyzeOptions) outputFormat() (string, error) {
	if o.Output != "" {
		return strings.ToLower(o.Output), nil
	}
	if o.OutFile != "" {
		if f := render.ForFile(o.OutFile); f != "" {
			return f, nil
		}
		return "", FlagErrorf("--out %q: cannot tell the format from the extension (known: %s); add -o", o.OutFile, strings.Join(render.Extensions(), ", "))
	}
	return "table", nil
}

func analyzeRun(c *cobra.Command, o *AnalyzeOptions) error {
	filter, err := o.buildFilter()
	if err != nil {
		return err
	}
	formatName, err := o.outputFormat()
	if err != nil {
		return err
	}
	toTerminal := o.OutFile == "" && o.IO.StdoutTTY
	// A report written to a file is fitted to the default width, not to
	// the terminal it happened to be made in.
	ropts := render.Options{Color: toTerminal && !o.NoColor}
	if toTerminal {
		ropts.Width = o.IO.Width
	}
	renderer, err := render.New(formatName, ropts)
	if err != nil {
		return &FlagError{Err: fmt.Errorf("-o: %w", err)}
	}
	var inputFormat parse.Format
	if o.Format != "" {
		if inputFormat, err = parse.ParseFormat(o.Format); err != nil {
			return &FlagError{Err: fmt.Errorf("--format: %w", err)}
		}
	}
	if o.Top < 0 {
		return FlagErrorf("--top %d: want 0 or more", o.Top)
	}
	var failOn rules.Severity
	if o.FailOn != "" {
		if failOn, err = rules.ParseSeverity(o.FailOn); err != nil {
			return FlagErrorf("--fail-on: %v", err)
		}
	}
	// Rules and context load before any input is read, so that a broken
	// rule file fails fast.
	ruleCtx, err := o.ruleContext()
	if err != nil {
		return err
	}
	set, err := o.ruleSet(ruleCtx)
	if err != nil {
		return err
	}
	if o.Where != "" {
		if filter.Where, err = rules.CompileFilter(o.Where, ruleCtx); err != nil {
			return &FlagError{Err: fmt.Errorf("--where: %w", err)}
		}
	}
	opts := analyze.Options{
		Rules:   set,
		Context: ruleCtx,
		Filter:  filter,
		Parse:   parse.Options{Format: inputFormat, Stdin: o.IO.In},
		Strict:  o.Strict,
		Top:     o.Top,
		Clock:   o.Clock,
		Version: Version,
	}
	pseudonymizer, err := o.pseudonymizer()
	if err != nil {
		return err
	}
	bar := newProgress(o.IO)
	if bar != nil {
		opts.Progress = bar
	}
	rep, err := analyze.Run(c.Context(), o.Paths, opts)
	bar.Stop() // Before anything else is written, so the bar is gone.
	if err != nil {
		return err
	}
	if pseudonymizer != nil {
		analyze.Redact(rep, pseudonymizer)
	}
	for _, re := range rep.RuleErrors {
		fmt.Fprintf(o.IO.ErrOut, "signinspect: warning: %s\n", re.Message)
	}
	if err := writeOutput(o.IO.Out, o.OutFile, func(w io.Writer) error { return renderer.Render(w, rep) }); err != nil {
		return err
	}
	if o.FailOn != "" && reachesSeverity(rep, failOn) {
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

// ruleContext loads --named-locations and --trusted-ip.
func (o *AnalyzeOptions) ruleContext() (*rules.Context, error) {
	ctx := &rules.Context{}
	if o.NamedLocations != "" {
		nl, err := policy.LoadNamedLocations(o.NamedLocations, parse.Options{Stdin: o.IO.In})
		if err != nil {
			return nil, err
		}
		ctx.NamedLocations = nl
	}
	for _, s := range o.TrustedIPs {
		p, err := policy.ParseTrustedIP(s)
		if err != nil {
			return nil, FlagErrorf("--trusted-ip: %v", err)
		}
		ctx.TrustedIPs = append(ctx.TrustedIPs, p)
	}
	return ctx, nil
}

// ruleSet loads the built-in pack and --rules files, drops --disable IDs and
// compiles the rest.
func (o *AnalyzeOptions) ruleSet(ctx *rules.Context) (*rules.Set, error) {
	var base []rules.Rule
	if !o.NoBuiltin {
		b, err := rules.Builtin()
		if err != nil {
			return nil, err
		}
		base = b
	}
	var extra []rules.Rule
	if len(o.RulePaths) > 0 {
		r, err := rules.LoadPaths(o.RulePaths...)
		if err != nil {
			return nil, err
		}
		extra = r
	}
	all, err := rules.Combine(base, extra, o.Disable)
	if err != nil {
		return nil, &FlagError{Err: err}
	}
	return rules.Compile(all, ctx)
}

// writeOutput renders to stdout, or to a file written atomically, so that a
// reader never sees a half-written report.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	var writeErr error
	err := atomicfile.Write(path, 0o666, func(w io.Writer) error {
		writeErr = write(w)
		return writeErr
	})
	if err != nil && err != writeErr {
		return fmt.Errorf("--out: %w", err)
	}
	return err
}
