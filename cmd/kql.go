package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/internal/atomicfile"
	"github.com/signinspect/signinspect/kql"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// KQLOptions holds the kql command's flags and streams.
type KQLOptions struct {
	IO *IOStreams

	FilterFlags
	RuleFlags
	// Output is kql (queries) or sentinel (analytics rules).
	Output string
	// OutPath is the file to write (kql), or the folder (sentinel).
	OutPath string
	// PerRule writes one query per rule instead of one for all.
	PerRule bool
}

// KQL output formats.
const (
	kqlOutputQuery    = "kql"
	kqlOutputSentinel = "sentinel"
)

// NewCmdKQL builds the kql command. runF replaces kqlRun in tests that
// check flag parsing alone.
func NewCmdKQL(ios *IOStreams, runF func(context.Context, *KQLOptions) error) *cobra.Command {
	opts := &KQLOptions{IO: ios}
	c := &cobra.Command{
		Use:   "kql",
		Short: "Translate the filters and rules into KQL for Log Analytics, Sentinel and Azure Data Explorer",
		Long: `Print the KQL query that runs the rules where the sign-in logs already live: it
reads the sign-in tables the flow selects (SigninLogs, AADNonInteractiveUserSignInLogs,
AADServicePrincipalSignInLogs, AADManagedIdentitySignInLogs), applies the filters,
evaluates every rule's condition, and summarizes like the report's diagnosis: one
row per rule that fired, with its sign-ins, failures, first and last time, top IPs,
users and failing policies, and the most frequent fix.

--per-rule prints one query per rule, listing the sign-ins it matches. -o sentinel
writes one Microsoft Sentinel scheduled analytics rule (YAML) per rule; with --out,
one file per rule in that folder.

Named locations and --trusted-ip ranges are written into the query. A rule that
uses something with no KQL form is refused, naming the rule and the construct.`,
		Example: `  signinspect kql --user svc-build@contoso.com --at "2026-11-20 10:15" --window 30m
  signinspect kql --app any --flow any --since 2026-11-20 --named-locations named-locations.json --out diagnosis.kql
  signinspect kql --per-rule --disable report-only-would-block
  signinspect kql -o sentinel --out sentinel-rules/`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return kqlRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	opts.FilterFlags.register(c)
	f.StringVarP(&opts.Output, "output", "o", kqlOutputQuery, "what to write: kql (a query) or sentinel (analytics rules)")
	f.StringVar(&opts.OutPath, "out", "", "write to this file (atomically) instead of standard output; with -o sentinel, a folder for one file per rule")
	f.BoolVar(&opts.PerRule, "per-rule", false, "one query per rule, listing the sign-ins it matches")
	opts.RuleFlags.register(c)
	opts.RuleFlags.registerContext(c)
	return c
}

func kqlRun(ctx context.Context, o *KQLOptions) error {
	output := strings.ToLower(strings.TrimSpace(o.Output))
	switch output {
	case kqlOutputQuery:
	case kqlOutputSentinel:
		if o.PerRule {
			return FlagErrorf("--per-rule goes with -o kql; -o sentinel writes one analytics rule per rule already")
		}
		if o.Since != "" || o.Until != "" || o.At != "" || o.Window != "" {
			return FlagErrorf("--since, --until, --at and --window do not go with -o sentinel: a scheduled rule runs over its query period")
		}
	default:
		return FlagErrorf("-o %q: want kql or sentinel", o.Output)
	}
	ruleCtx, err := o.RuleFlags.context(o.IO.In)
	if err != nil {
		return err
	}
	// The query holds no exports: dates in the time flags are read as
	// ISO 8601 or refused when ambiguous.
	filter, err := o.FilterFlags.build(ruleCtx, parse.Options{})
	if err != nil {
		return err
	}
	set, err := o.RuleFlags.build(ruleCtx)
	if err != nil {
		return err
	}
	opts := kql.Options{Filter: filter, Context: ruleCtx, Version: Version}
	var text string
	switch {
	case output == kqlOutputSentinel:
		srs, err := kql.Sentinel(set.Rules(), opts)
		if err != nil {
			return kqlError(err)
		}
		return writeSentinel(ctx, o, srs)
	case o.PerRule:
		qs, err := kql.PerRule(set.Rules(), opts)
		if err != nil {
			return kqlError(err)
		}
		var parts []string
		for _, q := range qs {
			parts = append(parts, q.Text)
		}
		text = strings.Join(parts, "\n")
	default:
		if text, err = kql.Build(set.Rules(), opts); err != nil {
			return kqlError(err)
		}
	}
	return writeOutput(ctx, o.IO.Out, o.OutPath, func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	})
}

// kqlError names --where when it is the filter that has no KQL form.
func kqlError(err error) error {
	var we *kql.WhereError
	if errors.As(err, &we) {
		return &FlagError{Err: fmt.Errorf("--where: %w", we.Err)}
	}
	return err
}

// writeSentinel writes the analytics rules: to standard output as YAML
// documents, or into the --out folder, one <rule-id>.yaml file each.
func writeSentinel(ctx context.Context, o *KQLOptions, srs []kql.SentinelRule) error {
	if o.OutPath == "" {
		for i, sr := range srs {
			if i > 0 {
				fmt.Fprintln(o.IO.Out, "---")
			}
			if _, err := io.WriteString(o.IO.Out, sr.YAML); err != nil {
				return err
			}
		}
		return nil
	}
	if info, err := os.Stat(o.OutPath); err == nil && !info.IsDir() {
		return FlagErrorf("--out %s: with -o sentinel, --out names a folder (one file per rule), and this is a file", o.OutPath)
	}
	if err := os.MkdirAll(o.OutPath, 0o777); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	for _, sr := range srs {
		path := filepath.Join(o.OutPath, sr.Rule.ID+".yaml")
		err := atomicfile.WriteContext(ctx, path, 0o666, func(w io.Writer) error {
			_, err := io.WriteString(w, sr.YAML)
			return err
		})
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	o.IO.Messagef("signinspect: wrote %s to %s\n", plural(len(srs), "analytics rule"), o.OutPath)
	return nil
}

// errNoKQL is returned by rules lint --kql when a rule does not translate;
// the lines before name each.
var errNoKQL = errors.New("rules without a KQL form")

// lintKQL reports, for rules lint --kql, whether each rule translates to
// KQL: one line per rule that does not, naming the construct, and a count.
func lintKQL(ios *IOStreams, set *rules.Set) error {
	rs := set.Rules()
	failed := 0
	for _, err := range kql.Check(rs, nil) {
		if err != nil {
			failed++
			fmt.Fprintln(ios.Out, err)
		}
	}
	fmt.Fprintf(ios.Out, "KQL: %d of %s translate\n", len(rs)-failed, plural(len(rs), "rule"))
	if failed > 0 {
		return fmt.Errorf("%w: %d of %d", errNoKQL, failed, len(rs))
	}
	return nil
}
