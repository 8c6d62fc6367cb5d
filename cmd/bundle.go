package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/bundle"
	"github.com/signinspect/signinspect/internal/errlist"
	"github.com/signinspect/signinspect/redact"
)

// BundleOptions holds the bundle command's flags and streams.
type BundleOptions struct {
	IO    *IOStreams
	Paths []string

	Out           string
	KeyFile       string
	MapFile       string
	DropLocations bool
	FilterFlags
	RuleFlags
	InputFlags
}

// NewCmdBundle builds the bundle command. runF replaces bundleRun in tests
// that check flag parsing alone.
func NewCmdBundle(ios *IOStreams, runF func(context.Context, *BundleOptions) error) *cobra.Command {
	opts := &BundleOptions{IO: ios}
	c := &cobra.Command{
		Use:   "bundle EXPORTS... --out ticket.zip",
		Short: "Write one redacted file to send to support: exports, reports and a manifest",
		Long: `Redact the exports as 'signinspect redact' does and write one ZIP archive to
attach to a support ticket: the redacted exports in their own formats (the
members of a ZIP export in a folder of its name), report.html, report.md and
report.json made from the redacted exports with the filters given here,
the named locations (--named-locations) redacted with the same IP mapping, a
manifest.json (signinspect's version, the filter, each file's SHA-256 and
record count, what was redacted by kind, the key's fingerprint, never the
key) and a README.txt for the recipient. No original value goes into it.

The filters and rules are those of 'analyze'; values you give them (a --user
UPN, a --trusted-ip range) are redacted the same way. 'signinspect analyze
ticket.zip' reads the bundle's exports, not its reports.

Keep the mapping with --map FILE to read the vendor's answer with real names
('signinspect unredact'), and the key with --key-file for the same pseudonyms
in a later bundle.`,
		Example: `  signinspect bundle NonInteractiveSignIns_2026-11-16_2026-11-22.json --user svc-build@contoso.com --out ticket.zip
  signinspect bundle exports/ --named-locations named-locations.json --app any --flow any --map ~/ticket-4711.map.json --out ticket-4711.zip`,
		Args: minimumArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return bundleRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Out, "out", "", "write the bundle to this file (required; written atomically)")
	f.StringVar(&opts.KeyFile, "key-file", "", "take the pseudonym key from this file, so that pseudonyms stay the same across bundles (default: a random key, not stored)")
	f.StringVar(&opts.MapFile, "map", "", "write the mapping of every original value to its pseudonym to this file, for 'signinspect unredact' (keep it; never send it)")
	f.BoolVar(&opts.DropLocations, "drop-locations", false, "blank cities, states and coordinates (countries are kept)")
	opts.FilterFlags.register(c)
	opts.InputFlags.register(c)
	opts.RuleFlags.register(c)
	opts.RuleFlags.registerContext(c)
	_ = c.MarkFlagFilename("out", "zip")
	_ = c.MarkFlagFilename("map", "json")
	return c
}

func bundleRun(ctx context.Context, o *BundleOptions) error {
	if strings.TrimSpace(o.Out) == "" {
		return FlagErrorf("--out FILE is required: the bundle to write (ticket.zip)")
	}
	popts, err := o.InputFlags.build(o.IO.In)
	if err != nil {
		return err
	}
	// The flags are checked against the original named locations before
	// anything is read, so that a bad flag or a broken rule file fails
	// fast; the reports are made with their redacted forms.
	ruleCtx, err := o.RuleFlags.context(o.IO.In)
	if err != nil {
		return err
	}
	if _, err := o.FilterFlags.build(ruleCtx, popts); err != nil {
		return err
	}
	if _, err := o.RuleFlags.build(ruleCtx); err != nil {
		return err
	}
	p, err := newPseudonymizer(o.KeyFile, redact.Options{})
	if err != nil {
		return err
	}
	mapOut, err := prepareMapFile(o.MapFile, p, o.Out)
	if err != nil {
		return err
	}
	res, err := bundle.Build(ctx, o.Paths, bundle.Options{
		Out:            o.Out,
		Pseudonymizer:  p,
		KeyFromFile:    o.KeyFile != "",
		NamedLocations: o.RuleFlags.NamedLocations,
		DropLocations:  o.DropLocations,
		Parse:          popts,
		Prepare:        o.prepare,
		Top:            20,
		Version:        Version,
	})
	if err != nil {
		return bundleFlagErrors(err)
	}
	for _, n := range res.Redaction.Notes {
		fmt.Fprintf(o.IO.ErrOut, "signinspect: note: %s\n", n)
	}
	printBundleSummary(o, res)
	return mapOut.write(o.IO, res.Redaction.Mapping)
}

// prepare builds the filter, rules and context of the bundle's reports
// from the flags, with each value in its redacted form.
func (o *BundleOptions) prepare(t *bundle.Translator, namedLocations string) (*bundle.Analysis, error) {
	ff := o.FilterFlags
	ff.Users = mapValues(ff.Users, t.User)
	ff.Apps = mapValues(ff.Apps, func(v string) string {
		if strings.EqualFold(v, analyze.AppAny) {
			return v
		}
		return t.App(v)
	})
	ff.Where = t.Text(ff.Where)
	rf := o.RuleFlags
	rf.NamedLocations = namedLocations
	rf.TrustedIPs = mapValues(rf.TrustedIPs, t.Range)
	ruleCtx, err := rf.context(o.IO.In)
	if err != nil {
		return nil, err
	}
	popts, err := o.InputFlags.build(o.IO.In)
	if err != nil {
		return nil, err
	}
	filter, err := ff.build(ruleCtx, popts)
	if err != nil {
		return nil, err
	}
	set, err := rf.build(ruleCtx)
	if err != nil {
		return nil, err
	}
	return &bundle.Analysis{Filter: filter, Rules: set, Context: ruleCtx}, nil
}

func mapValues(vs []string, f func(string) string) []string {
	if vs == nil {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = f(v)
	}
	return out
}

// bundleFlagErrors says which flag each of bundle.Build's errors about its
// output and named locations concerns.
func bundleFlagErrors(err error) error {
	var errs []error
	for _, e := range errlist.Flatten(err) {
		var oe *bundle.OutError
		if errors.As(e, &oe) {
			e = fmt.Errorf("--out %s %w", oe.Path, oe.Err)
		}
		errs = append(errs, e)
	}
	return redactFlagErrors(errors.Join(errs...))
}

// printBundleSummary says what went into the bundle, on the customer's
// terminal.
func printBundleSummary(o *BundleOptions, res *bundle.Result) {
	w := o.IO.Out
	m := res.Manifest
	exports, records := 0, 0
	for _, f := range m.Files {
		if f.Role == bundle.RoleExport {
			exports++
			records += *f.Records
		}
	}
	fmt.Fprintf(w, "Wrote %s: %s (%s sign-ins), report.html, report.md, report.json, manifest.json, README.txt\n",
		o.Out, plural(exports, "redacted export"), analyze.Count(records))
	fmt.Fprintf(w, "Reports: %s; %s of %s sign-ins matched, %s failures, %s\n", m.Filter.Description,
		analyze.Count(m.Summary.Matched), analyze.Count(m.Summary.Read), analyze.Count(m.Summary.Failures),
		plural(len(res.Report.Findings), "finding"))
	var kinds []string
	for _, k := range m.Redacted {
		kinds = append(kinds, fmt.Sprintf("%s %s", k.Name, analyze.Count(k.Values)))
	}
	fmt.Fprintf(w, "Redacted: %s", strings.Join(kinds, ", "))
	fmt.Fprintf(w, "\nKey fingerprint %s", m.Key.Fingerprint)
	if !m.Key.Kept {
		fmt.Fprint(w, " (a random key, not kept: use --key-file for the same pseudonyms in a later bundle)")
	}
	fmt.Fprintln(w)
}
