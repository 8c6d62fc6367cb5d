package render

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

// goldenClock is the fixed report time of every test report.
var goldenClock = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// repoRoot returns the repository's root folder, found from this file.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot find the test's own file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// sampleCase is a report made from the shipped samples, as a command line
// would make it.
type sampleCase struct {
	name   string
	filter analyze.Filter
	top    int
	// width is the table format's width for the golden file.
	width int
	// paths are the inputs; nil reads samples/.
	paths []string
	// policies evaluates the story's policies, with its named locations
	// and memberships.
	policies bool
}

// sampleCases are the golden cases: the default run that the VS403463
// walk-through starts with, a batch run over every sample with every app
// and flow (with a small --top, so that the "and N more" lines show), and
// a run where nothing matches.
var sampleCases = []sampleCase{
	{name: "vs403463", filter: analyze.DefaultFilter(), top: 20, width: 100},
	{name: "batch", filter: analyze.Filter{Apps: []string{analyze.AppAny}, Flow: analyze.FlowAny}, top: 5, width: 160},
	{name: "nomatch", filter: func() analyze.Filter {
		f := analyze.DefaultFilter()
		f.Users = []string{"nobody@contoso.com"}
		return f
	}(), top: 20, width: 100},
	// The portal CSV download, which logs no per-policy results, with the
	// policies: the evaluation names the policy the export lacks.
	{name: "policies", filter: func() analyze.Filter {
		f := analyze.DefaultFilter()
		f.Users = []string{"svc-build@contoso.com"}
		return f
	}(), top: 20, width: 100, paths: []string{"samples/portal-csv/CONTOSO_2026-11-16_2026-11-22_1_1.zip"}, policies: true},
}

// sampleReport runs the analysis of c over samples/ from the repository
// root, so that input paths read "samples/...", with the built-in rules.
func sampleReport(t *testing.T, c sampleCase) *analyze.Report {
	t.Helper()
	t.Chdir(repoRoot(t))
	base, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ctx := &rules.Context{}
	if c.policies {
		ex, err := policy.LoadPolicies([]string{"samples/policies.json"}, parse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if ctx.NamedLocations, err = policy.LoadNamedLocations("samples/named-locations.json", parse.Options{}); err != nil {
			t.Fatal(err)
		}
		if ctx.Memberships, err = policy.LoadMemberships("samples/memberships.json", parse.Options{}); err != nil {
			t.Fatal(err)
		}
		ctx.Policies = ex.Policies
	}
	set, err := rules.Compile(base, ctx)
	if err != nil {
		t.Fatal(err)
	}
	paths := c.paths
	if paths == nil {
		paths = []string{"samples/"}
	}
	rep, err := analyze.Run(context.Background(), paths, analyze.Options{
		Filter: c.filter, Top: c.top, Rules: set, Context: ctx,
		Clock: func() time.Time { return goldenClock }, Version: "test",
		Parse: parse.Options{},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// hostile is a value a malicious or careless export could hold: a
// spreadsheet formula, HTML with a script, Markdown and table syntax.
const (
	hostileFormula = `=cmd|' /C calc'!A0`
	hostileScript  = `<script>alert(1)</script>`
	hostileMarkup  = "*bold* `code` [link](javascript:alert(1)) | pipe \\ back & amp"
)

// fullReport builds a report by hand with every section and every optional
// field filled, and hostile text in every field an export can fill.
func fullReport() *analyze.Report {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	first, last := at("2026-11-20T10:00:00Z"), at("2026-11-20T12:30:00Z")
	since, until := at("2026-11-20T00:00:00Z"), at("2026-11-21T00:00:00Z")
	yes, no := true, false
	return &analyze.Report{
		Schema: analyze.Schema, Version: "test", GeneratedAt: goldenClock,
		Verdict: analyze.Verdict{Answer: "9 of the 9 failures: Policy " + hostileScript + " blocked " + hostileFormula + ".",
			Causes: []analyze.Cause{
				{Finding: 1, Rule: "ip-outside-trusted-locations", Severity: rules.SeverityCritical, Text: "Policy " + hostileScript + " blocked 198.51.100.23.", SignIns: 9, Failures: 9, Explains: true},
				{Finding: 2, Rule: "report-only-would-block", Severity: rules.SeverityLow, Text: hostileMarkup, SignIns: 1}},
			CausesOmitted: 1},
		Inputs: []analyze.InputSummary{
			{Path: "exports/" + hostileFormula + ".csv", Format: "portal-csv", FormatName: "Entra portal CSV download",
				Records: 12, Skipped: 2, Matched: 10, Failures: 8,
				SkipReasons: []analyze.SkipReason{{Reason: `field "Date (UTC)": unreadable value`, Count: 2, First: "exports/x.csv:7: record 6: field \"Date (UTC)\": unreadable value"}},
				Warnings:    []string{"A portal CSV carries only the aggregate Conditional Access status.", hostileScript}},
			{Path: "exports/b.json", Format: "graph-json", Records: 3, Matched: 2, Failures: 1,
				Warnings: []string{"A portal CSV carries only the aggregate Conditional Access status."}},
			{Path: "exports/notes.txt", Format: "unknown", Warnings: []string{"not read: not a sign-in log export"},
				Error: "exports/notes.txt: not a sign-in log export: it begins \"hello\""},
		},
		Warnings: []analyze.WarningGroup{
			{Text: "A portal CSV carries only the aggregate Conditional Access status.", Inputs: []string{"exports/" + hostileFormula + ".csv", "exports/b.json"}},
			{Text: hostileScript, Inputs: []string{"exports/" + hostileFormula + ".csv"}},
			{Text: `not read: not a sign-in log export: it begins "hello"`, Inputs: []string{"exports/notes.txt"}}},
		Filter: analyze.FilterSummary{Users: []string{hostileFormula}, Apps: []string{"Azure DevOps"}, Flow: "non-interactive",
			Since: &since, Until: &until, Status: "any", Where: "Status.Code == 53003", Description: "user " + hostileFormula + ", app Azure DevOps"},
		Summary: analyze.Summary{Inputs: 3, Unread: 1, Read: 15, Skipped: 2, Matched: 12, Failures: 9, Successes: 3, First: &first, Last: &last, UnknownFlow: 1},
		Findings: []analyze.Finding{
			{Rule: "ip-outside-trusted-locations", Severity: rules.SeverityCritical, Title: "Blocked " + hostileScript, Description: "Desc " + hostileMarkup,
				Count: 9, Failures: 9, Verdict: "Policy " + hostileScript + " blocked 198.51.100.23.",
				Fix: "Add 198.51.100.23 " + hostileScript, Fixes: []analyze.FixGroup{
					{Fix: "Add 198.51.100.23 " + hostileScript, Count: 7, Labels: []string{"IP address", "policy"},
						Values:        []analyze.FixValues{{Values: []string{"198.51.100.23", hostileScript}, Count: 5}, {Values: []string{"=1+1", hostileMarkup}, Count: 2}},
						ValuesOmitted: 1},
					{Fix: "Add 2001:db8::1", Count: 2}},
				Evidence: []analyze.Evidence{{Time: first, RequestID: "req-1", CorrelationID: "corr-1", User: hostileFormula, App: "Azure DevOps",
					IP: "198.51.100.23", Code: 53003, Policies: []string{hostileScript, "CA002"}, Source: "exports/a.csv:12"},
					{Time: last, RequestID: "req-2", User: "+" + hostileScript, IP: "2001:db8::1", Code: 53003, Source: "exports/b.json#3"}},
				EvidenceOmitted: 7, Tags: []string{"location"}, References: []string{"https://learn.microsoft.com/x", "javascript:alert(1)"}},
			{Rule: "report-only-would-block", Severity: rules.SeverityLow, Title: "Report-only", Count: 1, Fix: "Enable carefully",
				Evidence: []analyze.Evidence{{Time: first, RequestID: "req-3", Source: "exports/b.json#1"}}},
		},
		FindingsOmitted: 1,
		Policies: []analyze.PolicyStat{{ID: "p1", Name: hostileScript, Results: []analyze.ResultCount{{Result: "failure", Count: 8}, {Result: "reportOnlyFailure", Count: 1}},
			Failures: 8, ReportOnlyFailures: 1, GrantControls: []string{"Block"}, SessionControls: []string{"SignInFrequency"}}},
		PoliciesOmitted: 2,
		Locations: []analyze.LocationStat{{IP: "198.51.100.23", City: hostileScript, State: "Noord-Holland", Country: "NL", ASN: 64510, IPFamily: "IPv4",
			NamedLocations: []string{"-" + hostileFormula}, Trusted: &no, SeenByResource: []string{"203.0.113.10"}, Failures: 8, Successes: 1},
			{IP: "203.0.113.10", NamedLocations: []string{}, Trusted: &yes, Successes: 2}},
		LocationsOmitted: 3,
		Devices: []analyze.DeviceStat{{DeviceID: false, OS: "@" + hostileScript, Browser: "git/2.43", ClientApp: "Mobile Apps and Desktop clients",
			Compliant: &no, Managed: nil, TrustType: "", Failures: 9, Successes: 0}},
		DevicesOmitted: 4,
		Errors:         []analyze.ErrorStat{{Code: 53003, Name: "BlockedByConditionalAccess", Meaning: "Blocked.", Reason: hostileScript, ConditionalAccess: true, Count: 9}},
		ErrorsOmitted:  5,
		Timeline: analyze.Timeline{Bucket: "1h0m0s", BucketSeconds: 3600, Buckets: []analyze.TimelineBucket{
			{Start: at("2026-11-20T10:00:00Z"), Failures: 5, Successes: 1},
			{Start: at("2026-11-20T11:00:00Z")},
			{Start: at("2026-11-20T12:00:00Z"), Failures: 4, Successes: 2}}},
		Users: []analyze.GroupStat{{Name: hostileFormula, ID: "u1", Matched: 10, Failures: 8, First: first, Last: last, TopError: 53003, TopFinding: "ip-outside-trusted-locations"},
			{Name: "bob@contoso.com", Matched: 2, Failures: 1, First: first, Last: first}},
		UsersOmitted: 6,
		Apps:         []analyze.GroupStat{{Name: "Azure DevOps", ID: "499b84ac-1321-427f-aa17-267ca6975798", Matched: 12, Failures: 9, First: first, Last: last}},
		RuleErrors: []analyze.RuleError{{Rule: "custom-rule", Error: "cannot fetch City from nil " + hostileScript, Count: 3, First: "exports/a.csv:4",
			Message: "rule custom-rule failed on 3 records"}},
		Redacted: true,
		PolicyEvaluation: &analyze.PolicyEvaluation{Policies: 7, NamedLocations: 3, Memberships: 1,
			Verdicts: analyze.VerdictCounts{Blocked: 8, Allowed: 3, Unknown: 1},
			Failures: []analyze.EvaluatedFailure{
				{Verdict: "blocked", Policy: "CA001 " + hostileScript, PolicyID: "p1", Conditions: []string{"users", "location"}, Control: "block", ControlStatus: "block",
					Reason: "location: 198.51.100.23 is outside every excluded location " + hostileMarkup, Count: 8, Logged: 6, First: first, Last: last,
					RequestIDs: []string{"req-1", "req-2"}},
				{Verdict: "unknown", Policy: "CA002", PolicyID: "p2", Conditions: []string{"users"}, Control: "mfa", ControlStatus: "unsatisfiable",
					Reason: hostileFormula, Count: 1, First: first, Last: first, RequestIDs: []string{"req-3"}},
			},
			FailuresOmitted: 2,
			Agreement:       analyze.Agreement{SignIns: 9, Compared: 63, Agree: 61, Undecided: 1, Disagree: 1},
			Disagreements: []analyze.EvaluationDisagreement{{Time: first, RequestID: "req-1", User: hostileFormula, Policy: "CA003", PolicyID: "p3",
				Logged: "failure", Evaluated: "notApplied", Condition: "users", Reason: "not in group " + hostileScript, Source: "exports/a.csv:12"}},
			DisagreementsOmitted: 4,
			Warnings:             []string{"CA009: conditions.clientAppTypes: unknown value " + hostileScript},
		},
	}
}
