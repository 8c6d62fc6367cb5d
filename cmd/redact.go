package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/atomicfile"
	"github.com/signinspect/signinspect/internal/errlist"
	"github.com/signinspect/signinspect/internal/safetext"
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
	Force          bool
	MapFile        string
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

IP addresses become addresses of blocks no real sign-in comes from
(240.0.0.0/4, 3fff::/20), so that nobody takes them for real ones. Names are
found in every spelling (any case, reversed, by part, a UPN's local part), as
are addresses (glued to words, zero-padded) and phone numbers; the tenant's
name leaves file and member names, and the tenant's own applications are
pseudonymized (Microsoft's stay).

--dry-run shows, on this terminal, what each kind of value would become;
--map FILE keeps the full mapping of originals to pseudonyms for you (never
send it), so that 'signinspect unredact' can turn an answer about the redacted
copy back into real names.

DIR mirrors each input's path relative to its argument. It must not be or lie
inside an input folder, nor hold an input, and must be empty unless --force.
Every input is read before anything is written; each file is written
atomically.`,
		Example: `  signinspect redact NonInteractiveSignIns_2026-11-16_2026-11-22.csv --out redacted/
  signinspect redact exports/ --named-locations named-locations.json --out for-support/
  signinspect redact export.zip --key-file ~/.signinspect.key --keep-domain --out redacted/ --dry-run
  signinspect redact exports/ --out for-support/ --map ~/ticket-4711.map.json`,
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
	f.BoolVar(&opts.DryRun, "dry-run", false, "read and redact everything, print the summary and samples of what each kind of value becomes, write nothing")
	f.BoolVar(&opts.Force, "force", false, "write into an output folder that holds files already")
	f.StringVar(&opts.MapFile, "map", "", "write the mapping of every original value to its pseudonym to this file, for 'signinspect unredact' (keep it; never send it)")
	opts.InputFlags.register(c)
	_ = c.MarkFlagDirname("out")
	_ = c.MarkFlagFilename("named-locations", "json")
	_ = c.MarkFlagFilename("map", "json")
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
	mapOut, err := prepareMapFile(o.MapFile, p, o.Out)
	if err != nil {
		return err
	}
	sum, err := redact.Run(ctx, o.Paths, p, redact.RunOptions{
		Out:            o.Out,
		DryRun:         o.DryRun,
		Force:          o.Force,
		DropLocations:  o.DropLocations,
		NamedLocations: o.NamedLocations,
		Parse:          popts,
	})
	if err != nil {
		return redactFlagErrors(err)
	}
	for _, n := range sum.Notes {
		o.IO.Messagef("signinspect: note: %s\n", n)
	}
	printRedactSummary(o.IO, sum)
	if o.DryRun {
		return nil
	}
	return mapOut.write(o.IO, sum.Mapping)
}

// mapFile is where --map writes the mapping, with the mapping of an
// earlier run under the same key that the file holds already.
type mapFile struct {
	path    string
	earlier *redact.Mapping
}

// prepareMapFile checks --map before anything is redacted: it must not lie
// inside the folder (or be the file) that goes to support, and a file that
// exists must be a mapping of the same key, which the new one extends.
func prepareMapFile(path string, p *redact.Pseudonymizer, out string) (*mapFile, error) {
	if path == "" {
		return nil, nil
	}
	absMap, err1 := filepath.Abs(path)
	absOut, err2 := filepath.Abs(out)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(absOut, absMap); err == nil && (rel == "." || !strings.HasPrefix(rel, "..")) {
			return nil, FlagErrorf("--map %s lies inside --out %s: the mapping holds the original values and must stay with you; write it elsewhere", path, out)
		}
	}
	mf := &mapFile{path: path}
	if _, err := os.Stat(path); err == nil {
		earlier, err := redact.ReadMappingFile(path)
		if err != nil {
			return nil, fmt.Errorf("--map: %w (refusing to replace it)", err)
		}
		if earlier.Fingerprint() != p.Fingerprint() {
			return nil, fmt.Errorf("--map %s holds the mapping of another key (fingerprint %s, this run's %s): choose another file, or the key of that run with --key-file", path, earlier.Fingerprint(), p.Fingerprint())
		}
		mf.earlier = earlier
	}
	return mf, nil
}

// write writes the mapping, merged with the file's earlier one, readable
// by its owner only: it holds the originals.
func (mf *mapFile) write(ios *IOStreams, m *redact.Mapping) error {
	if mf == nil {
		return nil
	}
	if mf.earlier != nil {
		if err := mf.earlier.Merge(m); err != nil {
			return err
		}
		m = mf.earlier
	}
	if err := atomicfile.Write(mf.path, 0o600, m.WriteJSON); err != nil {
		return fmt.Errorf("--map: %w", err)
	}
	fmt.Fprintf(ios.Out, "Wrote the mapping of %s values to %s: keep it, never send it; 'signinspect unredact --map %s REPORT' reads an answer with real names.\n",
		analyze.Count(m.Len()), mf.path, mf.path)
	return nil
}

// printMappingSamples prints, per kind, a few originals and their
// pseudonyms, the most frequent first: what a customer checks before
// sending anything. It goes to the customer's own terminal (standard
// output) only.
func printMappingSamples(w io.Writer, m *redact.Mapping) {
	byKind := map[redact.Kind][]*redact.MapEntry{}
	for _, e := range m.Entries() {
		byKind[e.Kind] = append(byKind[e.Kind], e)
	}
	fmt.Fprintln(w, "What each kind of value becomes (the originals are shown here only):")
	for _, k := range redact.Kinds() {
		es := byKind[k]
		if len(es) == 0 {
			continue
		}
		sort.SliceStable(es, func(i, j int) bool { return es[i].Count() > es[j].Count() })
		fmt.Fprintf(w, "  %s (%s):\n", k, analyze.Count(len(es)))
		const shown = 3
		for _, e := range es[:min(len(es), shown)] {
			fmt.Fprintf(w, "    %s -> %s\n", safetext.Visible(e.Original()), e.Pseudonym)
		}
		if len(es) > shown {
			fmt.Fprintf(w, "    ... and %s more\n", analyze.Count(len(es)-shown))
		}
	}
}

// redactFlagErrors says which flag each of redact.Run's errors about its
// output folder and named locations concerns.
func redactFlagErrors(err error) error {
	var errs []error
	for _, e := range errlist.Flatten(err) {
		var oe *redact.OutError
		var ne *redact.NamedLocationsError
		switch {
		case errors.As(e, &oe) && errors.Is(e, redact.ErrOutNotEmpty):
			e = fmt.Errorf("--out %s %w (or --force to write into it all the same)", oe.Dir, oe.Err)
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
	distinct := map[redact.Kind]int{}
	if sum.Mapping != nil {
		for _, e := range sum.Mapping.Entries() {
			distinct[e.Kind]++
		}
	}
	width := len("Replaced")
	for _, k := range redact.Kinds() {
		width = max(width, len(k.String()))
	}
	fmt.Fprintf(w, "  %-*s %8s %11s\n", width, "Replaced", "values", "occurrences")
	for _, k := range redact.Kinds() {
		values := analyze.Count(distinct[k])
		if k == redact.KindLocation {
			values = ""
		}
		fmt.Fprintf(w, "  %-*s %8s %11s\n", width, k.String(), values, analyze.Count(sum.Replaced[k]))
	}
	if sum.DryRun {
		printMappingSamples(w, sum.Mapping)
		fmt.Fprintln(w, "Dry run: nothing was written.")
	}
}
