package analyze

import (
	"context"
	"sort"
	"testing"

	"github.com/signinspect/signinspect/rules"
)

func TestCauseRanking(t *testing.T) {
	findings := []Finding{
		{Rule: "info-context", Severity: rules.SeverityInfo, Count: 90, Failures: 90},
		{Rule: "report-only", Severity: rules.SeverityCritical, Tags: []string{"Report-Only"}, Count: 80, Failures: 80},
		{Rule: "successes-only", Severity: rules.SeverityCritical, Count: 70},
		{Rule: "medium-many", Severity: rules.SeverityMedium, Count: 60, Failures: 60},
		{Rule: "high-few", Severity: rules.SeverityHigh, Count: 5, Failures: 5},
		{Rule: "high-more", Severity: rules.SeverityHigh, Count: 9, Failures: 9},
		{Rule: "high-more-b", Severity: rules.SeverityHigh, Count: 9, Failures: 9},
		{Rule: "high-more-signins", Severity: rules.SeverityHigh, Count: 20, Failures: 9},
	}
	sort.SliceStable(findings, func(i, j int) bool { return causeOf(&findings[i]).before(causeOf(&findings[j])) })
	var got []string
	for _, f := range findings {
		got = append(got, f.Rule)
	}
	want := []string{
		// Causes of failures: by severity, then failures, sign-ins, ID.
		"high-more-signins", "high-more", "high-more-b", "high-few", "medium-many",
		// Then the rest, by severity: no failure, report-only, information.
		"report-only", "successes-only", "info-context",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ranking = %q;\nwant %q", got, want)
		}
	}
}

func TestVerdictAnswer(t *testing.T) {
	blocked := Finding{Rule: "ip", Severity: rules.SeverityHigh, Count: 4, Failures: 4,
		Verdict: "Office only blocked 198.51.100.7.",
		Fixes: []FixGroup{{Fix: "x", Count: 4, Labels: []string{"IP address"},
			Values: []FixValues{{Values: []string{"198.51.100.7"}, Count: 3}, {Values: []string{"203.0.113.9"}, Count: 1}}}}}
	info := Finding{Rule: "context", Title: "Context only", Severity: rules.SeverityInfo, Count: 5, Failures: 5}
	tests := []struct {
		name     string
		summary  Summary
		findings []Finding
		want     string
	}{
		{"no match with a reason", Summary{NoMatch: "No sign-in is for app X."}, nil, "No sign-in is for app X."},
		{"nothing matched", Summary{}, nil, "No sign-in matched."},
		{"one success", Summary{Matched: 1}, nil, "The matched sign-in succeeded."},
		{"all succeeded", Summary{Matched: 1200}, nil, "None of the 1,200 matched sign-ins failed."},
		{"no rule explains", Summary{Matched: 5, Failures: 5}, []Finding{info}, "No rule explains the 5 failures: see the error codes and policies below."},
		{"a cause of some", Summary{Matched: 9, Failures: 5}, []Finding{blocked, info},
			"4 of the 5 failures: Office only blocked 198.51.100.7. The same applies to 1 other IP address."},
		{"a cause of all", Summary{Matched: 4, Failures: 4}, []Finding{blocked}, "All 4 failures: Office only blocked 198.51.100.7. The same applies to 1 other IP address."},
		{"one failure, a rule without a verdict", Summary{Matched: 1, Failures: 1},
			[]Finding{{Rule: "r", Title: "Blocked by policy", Severity: rules.SeverityLow, Count: 1, Failures: 1}}, "The failure: Blocked by policy."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := verdictOf(&Report{Summary: tt.summary, Findings: tt.findings})
			if v.Answer != tt.want {
				t.Errorf("answer = %q;\nwant     %q", v.Answer, tt.want)
			}
			if len(v.Causes) != len(tt.findings) {
				t.Errorf("%d causes; want one per finding, %d", len(v.Causes), len(tt.findings))
			}
		})
	}
}

// TestVerdictOncePerCombination checks that an evaluator renders a
// rule's verdict for the first sign-in of each combination of its fix's
// values, and not again for the same combination.
func TestVerdictOncePerCombination(t *testing.T) {
	rs, err := rules.Parse("mine.yaml", []byte(`id: blocked-ip
title: Blocked
severity: high
status: stable
description: A test rule.
when: Failed()
fix: Trust {{ IP }}.
verdict: Blocked {{ IP }}.
`))
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := newRuleEvaluator(context.Background(), set)
	var got []string
	for _, ip := range []string{"198.51.100.7", "198.51.100.7", "203.0.113.9", "198.51.100.7"} {
		rec := adoRecord(t)
		rec.IP = ip
		hits := ev.eval(rec)
		if len(hits) != 1 {
			t.Fatalf("%d hits", len(hits))
		}
		got = append(got, hits[0].Verdict)
	}
	want := []string{"Blocked 198.51.100.7.", "", "Blocked 203.0.113.9.", ""}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("verdicts %q; want %q", got, want)
		}
	}
}
