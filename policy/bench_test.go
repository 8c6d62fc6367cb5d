package policy

import (
	"fmt"
	"testing"

	"github.com/signinspect/signinspect/parse"
)

// benchPolicies returns a tenant of n policies made from the story's
// seven: each with its own ID, a resource in turn (all resources, Azure
// DevOps, Azure management, Exchange, SharePoint, an app of the tenant's,
// the Office 365 group), a group in turn, and in turn a device filter, a
// platform condition, client app types or risk levels, so that every
// condition type is evaluated.
func benchPolicies(b *testing.B, n int) Config {
	b.Helper()
	t := &testing.T{}
	cfg := sampleConfig(t)
	if t.Failed() {
		b.Fatal("cannot read the samples")
	}
	base := cfg.Policies
	apps := [][]string{{"All"}, {AzureDevOpsAppID}, {AzureManagementAppID}, {ExchangeOnlineAppID}, {SharePointOnlineAppID},
		{"5d3e0a4c-9b21-4f7e-8c6a-1b2d3e4f5a6b"}, {"Office365"}}
	groups := []string{"4d1c8f2e-7a3b-4b6e-9f05-2c8d1e6a7b39", "9a2e5c71-0b4d-4f8a-8c36-e1d7f3b2a054",
		"b7f03d19-62ce-4a95-a1e8-5d4c0f9b2e76", "e35a9b04-8d17-4c2f-b6a0-79f1e2d8c5b3", "0f9e8d7c-6b5a-4432-a1b0-c9d8e7f6a5b4"}
	var out []Policy
	for i := 0; len(out) < n; i++ {
		p := base[i%len(base)]
		p.ID = fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
		p.Applications.Include = apps[i%len(apps)]
		u := UserCondition{IncludeGroups: []string{groups[i%len(groups)]}, ExcludeUsers: []string{"6b0f2c7d-9e41-4a8b-b3d5-1c2e7a9f4d60"}}
		if i%4 == 0 {
			u = UserCondition{IncludeUsers: []string{"All"}, ExcludeGroups: []string{groups[(i+1)%len(groups)]}}
		}
		p.Users = &u
		switch i % 5 {
		case 1:
			f, _ := parseFilter(`device.trustType -eq "ServerAD" -or device.isCompliant -eq True`)
			p.DeviceFilter = &DeviceFilter{Mode: "exclude", Rule: "…", parsed: f}
		case 2:
			p.Platforms = &IncludeExclude{Include: []string{"all"}, Exclude: []string{"iOS", "android"}}
		case 3:
			p.ClientAppTypes = []string{"browser", "mobileAppsAndDesktopClients"}
		case 4:
			p.SignInRiskLevels = []string{"high"}
		}
		out = append(out, p)
	}
	cfg.Policies = out
	return cfg
}

// benchRecords are a blocked PAT call with Entra's per-policy results, as
// the portal JSON download holds it, and a successful Visual Studio call.
func benchRecords(b *testing.B) []*parse.Record {
	var out []*parse.Record
	t := &testing.T{}
	sampleRecords(t, func(in string, rec *parse.Record) {
		if in == "../samples/portal-json/NonInteractiveSignIns_2026-11-16_2026-11-22.json" {
			out = append(out, rec)
		}
	})
	if len(out) == 0 {
		b.Fatal("no sample records")
	}
	return out
}

// BenchmarkEvaluate50 measures what evaluating 50 policies adds per kept
// sign-in on one core: the budget is 2 µs. The sign-ins are the
// portal JSON download's, with their logged policy results (which the
// evaluation reads for memberships).
func BenchmarkEvaluate50(b *testing.B) {
	e := NewEvaluator(benchPolicies(b, 50))
	recs := benchRecords(b)
	var ev Evaluation
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Evaluate(recs[i%len(recs)], &ev)
	}
}
