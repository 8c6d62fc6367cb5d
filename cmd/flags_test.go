package cmd

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// TestNewCmdAnalyze checks how analyze's command line fills its options,
// flag parsing alone, as GitHub CLI's TestNewCmdX tests do: runF captures
// the options instead of running the analysis.
func TestNewCmdAnalyze(t *testing.T) {
	defaults := FilterFlags{Apps: []string{analyze.AzureDevOpsApp}, Flow: "non-interactive", TZ: "UTC", Status: "any"}
	for _, c := range []struct {
		name   string
		args   []string
		want   AnalyzeOptions
		errMsg string // Substring of the error; "" wants none.
	}{
		{name: "defaults", args: []string{"x.json"},
			want: AnalyzeOptions{Paths: []string{"x.json"}, FilterFlags: defaults, OutputFlags: OutputFlags{Top: 20}}},
		{name: "every filter", args: []string{"a.csv", "b/", "--user", "u1", "--user", "u2", "--app", "any", "--flow", "any",
			"--since", "2026-11-20", "--until", "2026-11-21", "--tz", "Europe/Berlin", "--status", "failure", "--where", "Status.Code == 53003"},
			want: AnalyzeOptions{Paths: []string{"a.csv", "b/"}, FilterFlags: FilterFlags{Users: []string{"u1", "u2"}, Apps: []string{"any"},
				Flow: "any", Since: "2026-11-20", Until: "2026-11-21", TZ: "Europe/Berlin", Status: "failure", Where: "Status.Code == 53003"},
				OutputFlags: OutputFlags{Top: 20}}},
		{name: "rule flags", args: []string{"x", "--rules", "r1/", "--rules", "r2.yaml", "--no-builtin", "--disable", "a", "--disable", "b",
			"--named-locations", "nl.json", "--trusted-ip", "203.0.113.0/24"},
			want: AnalyzeOptions{Paths: []string{"x"}, FilterFlags: defaults, OutputFlags: OutputFlags{Top: 20},
				RuleFlags: RuleFlags{RulePaths: []string{"r1/", "r2.yaml"}, NoBuiltin: true, Disable: []string{"a", "b"},
					NamedLocations: "nl.json", TrustedIPs: []string{"203.0.113.0/24"}}}},
		{name: "output flags", args: []string{"x", "-o", "json", "--out", "r.json", "--top", "0", "--redact", "--key-file", "k", "--fail-on", "high",
			"--format", "graph-json", "--strict", "--at", "2026-11-20 10:15", "--window", "30m"},
			want: AnalyzeOptions{Paths: []string{"x"}, FilterFlags: func() FilterFlags { f := defaults; f.At, f.Window = "2026-11-20 10:15", "30m"; return f }(),
				OutputFlags: OutputFlags{Output: "json", OutFile: "r.json", Top: 0, Redact: true, KeyFile: "k", FailOn: "high"},
				InputFlags:  InputFlags{Format: "graph-json"}, Strict: true}},
		{name: "no path", args: nil, errMsg: "requires at least 1 arg(s)"},
		{name: "--top not a number", args: []string{"x", "--top", "many"}, errMsg: `invalid argument "many" for "--top" flag`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ios, _, _, _ := Test()
			var got *AnalyzeOptions
			cmd := NewCmdAnalyze(ios, func(_ context.Context, o *AnalyzeOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(c.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if c.errMsg != "" {
				if err == nil || !strings.Contains(err.Error(), c.errMsg) {
					t.Fatalf("error = %v, want one with %q", err, c.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO = nil
			if !reflect.DeepEqual(*got, c.want) {
				t.Errorf("options\n%+v\nwant\n%+v", *got, c.want)
			}
		})
	}
}

func TestNewCmdRedact(t *testing.T) {
	ios, _, _, _ := Test()
	var got *RedactOptions
	cmd := NewCmdRedact(ios, func(_ context.Context, o *RedactOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"in/", "x.zip", "--out", "red/", "--keep-ips", "--keep-domain", "--key-file", "k", "--named-locations", "nl.json",
		"--drop-locations", "--dry-run", "--force", "--map", "m.json", "--format", "portal-csv"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	got.IO = nil
	want := RedactOptions{Paths: []string{"in/", "x.zip"}, Out: "red/", KeepIPs: true, KeepDomain: true, KeyFile: "k", NamedLocations: "nl.json",
		DropLocations: true, DryRun: true, Force: true, MapFile: "m.json", InputFlags: InputFlags{Format: "portal-csv"}}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("options\n%+v\nwant\n%+v", *got, want)
	}
}

func TestNewCmdBundleAndUnredact(t *testing.T) {
	ios, _, _, _ := Test()
	var got *BundleOptions
	cmd := NewCmdBundle(ios, func(_ context.Context, o *BundleOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"in/", "--out", "t.zip", "--key-file", "k", "--map", "m.json", "--drop-locations", "--user", "a@b.c",
		"--app", "any", "--flow", "any", "--since", "2026-11-20", "--status", "failure", "--where", "true",
		"--rules", "r.yaml", "--no-builtin", "--disable", "x", "--named-locations", "nl.json", "--trusted-ip", "192.0.2.0/24", "--format", "graph-json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	got.IO = nil
	want := BundleOptions{Paths: []string{"in/"}, Out: "t.zip", KeyFile: "k", MapFile: "m.json", DropLocations: true,
		FilterFlags: FilterFlags{Users: []string{"a@b.c"}, Apps: []string{"any"}, Flow: "any", Since: "2026-11-20", TZ: "UTC", Status: "failure", Where: "true"},
		RuleFlags:   RuleFlags{RulePaths: []string{"r.yaml"}, NoBuiltin: true, Disable: []string{"x"}, NamedLocations: "nl.json", TrustedIPs: []string{"192.0.2.0/24"}},
		InputFlags:  InputFlags{Format: "graph-json"}}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("options\n%+v\nwant\n%+v", *got, want)
	}

	var un *UnredactOptions
	ucmd := NewCmdUnredact(ios, func(_ context.Context, o *UnredactOptions) error {
		un = o
		return nil
	})
	ucmd.SetArgs([]string{"answer.md", "--map", "m.json", "-o", "markdown", "--out", "real.md"})
	if err := ucmd.Execute(); err != nil {
		t.Fatal(err)
	}
	un.IO = nil
	if w := (UnredactOptions{Report: "answer.md", MapFile: "m.json", Format: "markdown", OutFile: "real.md"}); *un != w {
		t.Errorf("options %+v, want %+v", *un, w)
	}
}

func TestXLSXNotToATerminal(t *testing.T) {
	ios, _, out, errOut := Test()
	ios.StdoutTTY = true
	if code := analyzeCmd(t, ios, samplesDir, "-o", "xlsx"); code != ExitUsage || !strings.Contains(errOut.String(), "add --out FILE.xlsx") || out.Len() != 0 {
		t.Errorf("exit %d, stderr %q, %d bytes out", code, errOut, out.Len())
	}
}

// TestFilterFlagsBuild checks that the filter flags become the filter
// analyze takes, and that each bad value is a usage error naming its flag.
func TestFilterFlagsBuild(t *testing.T) {
	base := FilterFlags{Apps: []string{"Azure DevOps"}, Flow: "non-interactive", TZ: "UTC", Status: "any"}
	with := func(edit func(*FilterFlags)) FilterFlags {
		f := base
		edit(&f)
		return f
	}
	at := time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		flags  FilterFlags
		want   analyze.Filter
		errMsg string
	}{
		{"defaults", base, analyze.Filter{Apps: []string{"Azure DevOps"}, Flow: "non-interactive", Status: analyze.StatusAny}, ""},
		{"case and spaces", with(func(f *FilterFlags) { f.Flow, f.Status = " Any ", "FAILURE" }),
			analyze.Filter{Apps: []string{"Azure DevOps"}, Flow: analyze.FlowAny, Status: analyze.StatusFailure}, ""},
		{"--at and --window", with(func(f *FilterFlags) { f.At, f.Window = "2026-11-20 10:15", "30m" }),
			analyze.Filter{Apps: []string{"Azure DevOps"}, Flow: "non-interactive", Status: analyze.StatusAny, Since: at.Add(-30 * time.Minute), Until: at.Add(30 * time.Minute)}, ""},
		{"--tz", with(func(f *FilterFlags) { f.Since, f.TZ = "2026-11-20 11:15", "Europe/Berlin" }),
			analyze.Filter{Apps: []string{"Azure DevOps"}, Flow: "non-interactive", Status: analyze.StatusAny, Since: at, Location: berlin}, ""},
		{"bad flow", with(func(f *FilterFlags) { f.Flow = "sideways" }), analyze.Filter{},
			`--flow "sideways": want one of non-interactive, interactive, service-principal, managed-identity, any`},
		{"bad status", with(func(f *FilterFlags) { f.Status = "broken" }), analyze.Filter{}, `--status "broken": want failure, success or any`},
		{"bad zone", with(func(f *FilterFlags) { f.TZ = "Mars/Olympus" }), analyze.Filter{}, `--tz "Mars/Olympus": unknown time zone`},
		{"empty user", with(func(f *FilterFlags) { f.Users = []string{" "} }), analyze.Filter{}, "--user: empty value"},
		{"--at alone", with(func(f *FilterFlags) { f.At = "2026-11-20 10:15" }), analyze.Filter{},
			`--at "2026-11-20 10:15" needs --window, how far either side of it to look: --at "2026-11-20 10:15" --window 30m`},
		{"--window alone", with(func(f *FilterFlags) { f.Window = "2h" }), analyze.Filter{},
			`--window 2h needs --at, the time to look around: --at "2026-11-20 10:15" --window 2h`},
		{"ambiguous --since", with(func(f *FilterFlags) { f.Since = "05/11/2026" }), analyze.Filter{},
			`--since: unreadable time: ambiguous date: "05/11/2026" could be 11 May 2026 (month first) or 5 November 2026 (day first); write dates as ISO 8601 (2026-05-11 or 2026-11-05), or give the order of day and month: add --date-order day-first or --date-order month-first`},
		{"both windows", with(func(f *FilterFlags) { f.At, f.Window, f.Since = "2026-11-20", "1h", "2026-11-19" }), analyze.Filter{}, "cannot be combined"},
		{"bad --since", with(func(f *FilterFlags) { f.Since = "yesterday" }), analyze.Filter{}, "--since: "},
		{"reversed window", with(func(f *FilterFlags) { f.Since, f.Until = "2026-11-21", "2026-11-20" }), analyze.Filter{}, "is not before --until"},
		{"bad --window", with(func(f *FilterFlags) { f.At, f.Window = "2026-11-20", "-1h" }), analyze.Filter{}, "--window: "},
		{"bad --where", with(func(f *FilterFlags) { f.Where = "Stauts.Code == 1" }), analyze.Filter{}, "--where: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.flags.build(nil, parse.Options{})
			if c.errMsg != "" {
				var fe *FlagError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.errMsg) {
					t.Fatalf("error = %v, want a FlagError with %q", err, c.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("filter\n%+v\nwant\n%+v", got, c.want)
			}
		})
	}
	// --date-order reads the time flags as it reads the exports.
	dayFirst := with(func(f *FilterFlags) { f.Since = "05/11/2026" })
	got, err := dayFirst.build(nil, parse.Options{DateOrder: parse.DateOrderDayFirst})
	if err != nil || !got.Since.Equal(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("--date-order day-first --since 05/11/2026: %v, %v", got.Since, err)
	}
}

// TestRuleFlags checks that the rule flags load the same rules for analyze
// and for rules list: the pack, --rules files overriding by ID, --disable.
func TestRuleFlags(t *testing.T) {
	builtin, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeRule(t, dir, "mine.yaml", userRule)
	rs, err := (&RuleFlags{RulePaths: []string{dir}, Disable: []string{"invalid-credentials"}}).rules()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(builtin) {
		t.Errorf("%d rules, want %d (the pack, one added, one disabled)", len(rs), len(builtin))
	}
	ids := map[string]bool{}
	for _, r := range rs {
		ids[r.ID] = true
	}
	if !ids["svc-account-blocked"] || ids["invalid-credentials"] {
		t.Errorf("rules: %v", ids)
	}
	if _, err := (&RuleFlags{Disable: []string{"no-such-rule"}}).rules(); err == nil {
		t.Error("--disable of an unknown ID is no error")
	} else if fe := (*FlagError)(nil); !errors.As(err, &fe) {
		t.Errorf("--disable of an unknown ID: %v is not a usage error", err)
	}
	if _, err := (&RuleFlags{TrustedIPs: []string{"10.0.0.0/33"}}).context(nil); err == nil || !strings.HasPrefix(err.Error(), "--trusted-ip: ") {
		t.Errorf("bad --trusted-ip: %v", err)
	}

	// rules list applies the same flags.
	code, out, errOut := runCmd(t, "rules", "list", "--disable", "invalid-credentials", "--rules", dir)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "invalid-credentials") || !strings.Contains(out, "svc-account-blocked") {
		t.Errorf("rules list --disable --rules:\n%s", out)
	}
}
