package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/errlist"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/redact"
)

// RedactOptions holds the redact command's flags and streams.
type RedactOptions struct {
	IO    *IOStreams
	Paths []string

	Out            string
	KeepIPs        bool
	KeepDomain     bool
	KeyFile        string
	NamedLocations string
	DropLocations  bool
	DryRun         bool
	InputFlags
}

// NewCmdRedact builds the redact command. runF replaces redactRun in tests
// that check flag parsing alone.
func NewCmdRedact(ios *IOStreams, runF func(context.Context, *RedactOptions) error) *cobra.Command {
	opts := &RedactOptions{IO: ios}
	c := &cobra.Command{
		Use:   "redact PATH... --out DIR",
		Short: "Write copies of sign-in log exports with personal data pseudonymized, for support",
		Long: `Write a copy of each export into DIR, in its own format (the same CSV columns,
JSON shape, encoding and compression; a .zip becomes a .zip with the same
member names), with user names, UPNs and e-mail addresses, user, device and
tenant object IDs, device names, tenant names and IP addresses replaced by
stable pseudonyms. Analysing the copy gives the same counts, findings,
policies, error codes and timeline as the original.

Pseudonyms come from a keyed hash. With --key-file the same key gives the same
pseudonyms in every run (keep the key to yourself); without it a random key is
used and forgotten. IP addresses keep their family and are mapped so that
ranges still hold the same addresses: pass --named-locations to redact the
named-locations export with the same mapping.

DIR mirrors each input's path relative to its argument. It must not be or lie
inside an input folder, nor hold an input. Every input is read before anything
is written; each file is written atomically.`,
		Example: `  signinspect redact NonInteractiveSignIns_2026-11-16_2026-11-22.csv --out redacted/
  signinspect redact exports/ --named-locations named-locations.json --out for-support/
  signinspect redact export.zip --key-file ~/.signinspect.key --keep-domain --out redacted/ --dry-run`,
		Args: minimumArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return redactRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Out, "out", "", "write the redacted copies into this folder (required; created when missing)")
	f.BoolVar(&opts.KeepIPs, "keep-ips", false, "leave IP addresses and ranges as they are")
	f.BoolVar(&opts.KeepDomain, "keep-domain", false, "keep the domain of UPNs and e-mail addresses")
	f.StringVar(&opts.KeyFile, "key-file", "", "take the pseudonym key from this file, so that pseudonyms stay the same across runs (default: a random key, not stored)")
	f.StringVar(&opts.NamedLocations, "named-locations", "", "also redact this named-locations export (Graph JSON) with the same IP mapping")
	f.BoolVar(&opts.DropLocations, "drop-locations", false, "blank cities, states and coordinates (countries are kept)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "read and redact everything, print the summary, write nothing")
	opts.InputFlags.register(c)
	_ = c.MarkFlagDirname("out")
	_ = c.MarkFlagFilename("named-locations", "json")
	_ = c.MarkFlagFilename("key-file")
	return c
}

func redactRun(ctx context.Context, o *RedactOptions) error {
	if err := refuseTerminalStdin(o.IO, "redact", o.Paths); err != nil {
		return err
	}
	if strings.TrimSpace(o.Out) == "" {
		return FlagErrorf("--out DIR is required: the folder to write the redacted copies to")
	}
	popts, err := o.InputFlags.build(o.IO.In)
	if err != nil {
		return err
	}
	if o.NamedLocations != "" {
		// Read it as analyze will, so that a wrong file fails here and not
		// at support.
		if _, err := policy.LoadNamedLocations(o.NamedLocations, popts); err != nil {
			return fmt.Errorf("--named-locations %w", err)
		}
	}
	p, err := newPseudonymizer(o.KeyFile, redact.Options{KeepIPs: o.KeepIPs, KeepDomain: o.KeepDomain})
	if err != nil {
		return err
	}
	sum, err := redact.Run(ctx, o.Paths, p, redact.RunOptions{
		Out:            o.Out,
		DryRun:         o.DryRun,
		DropLocations:  o.DropLocations,
		NamedLocations: o.NamedLocations,
		Parse:          popts,
	})
	if err != nil {
		return redactFlagErrors(err)
	}
	for _, n := range sum.Notes {
		fmt.Fprintf(o.IO.ErrOut, "signinspect: note: %s\n", n)
	}
	printRedactSummary(o.IO, sum)
	return nil
}

// redactFlagErrors says which flag each of redact.Run's errors about its
// output folder and named locations concerns.
func redactFlagErrors(err error) error {
	var errs []error
	for _, e := range errlist.Flatten(err) {
		var oe *redact.OutError
		var ne *redact.NamedLocationsError
		switch {
		case errors.As(e, &oe):
			e = fmt.Errorf("--out %s %w", oe.Dir, oe.Err)
		case errors.As(e, &ne):
			e = fmt.Errorf("--named-locations %s: %w", ne.Path, ne.Err)
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// newPseudonymizer builds the pseudonymizer of redact and analyze --redact:
// keyed from a file, or from a random key.
func newPseudonymizer(keyFile string, opts redact.Options) (*redact.Pseudonymizer, error) {
	if keyFile == "" {
		return redact.NewRandom(opts)
	}
	key, err := redact.ReadKeyFile(keyFile)
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("--key-file %s: no such file; make a key once, keep it to yourself, and give the same file every time: "+
			"head -c 32 /dev/urandom | base64 > %s (in PowerShell 7: [Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(32)) > %s)",
			keyFile, keyFile, keyFile)
	case errors.As(err, &pe):
		return nil, fmt.Errorf("--key-file %s: %w", keyFile, pe.Err)
	case err != nil:
		return nil, fmt.Errorf("--key-file: %w", err)
	}
	return redact.New(key, opts)
}

// printRedactSummary prints one line per file and the replaced values by
// kind.
func printRedactSummary(ios *IOStreams, sum *redact.Summary) {
	w := ios.Out
	verb := "Wrote"
	if sum.DryRun {
		verb = "Would write"
	}
	inputs := "inputs"
	if len(sum.Files) == 1 {
		inputs = "input"
	}
	fmt.Fprintf(w, "%s %s redacted %s (%s records", verb, analyze.Count(len(sum.Files)), inputs, analyze.Count(sum.Records))
	if sum.Skipped > 0 {
		fmt.Fprintf(w, ", %s malformed records redacted as text", analyze.Count(sum.Skipped))
	}
	fmt.Fprintf(w, ") to %s:\n", sum.Out)
	for _, f := range sum.Files {
		fmt.Fprintf(w, "  %s -> %s (%s, %s records, %s values replaced)\n", f.Input, f.Output, f.Format,
			analyze.Count(f.Records), analyze.Count(f.Replaced.Total()))
	}
	fmt.Fprintln(w, "Replaced values:")
	width := 0
	for _, k := range redact.Kinds() {
		width = max(width, len(k.String()))
	}
	for _, k := range redact.Kinds() {
		fmt.Fprintf(w, "  %-*s %8s\n", width, k.String(), analyze.Count(sum.Replaced[k]))
	}
	if sum.DryRun {
		fmt.Fprintln(w, "Dry run: nothing was written.")
	}
}
