package cmd

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The story's tenant, as the samples export it.
var (
	samplePolicies       = filepath.Join(samplesDir, "policies.json")
	sampleNamedLocations = filepath.Join(samplesDir, "named-locations.json")
	samplePortalJSON     = filepath.Join(samplesDir, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json")
)

// TestNewCmdWhatIf checks how whatif's command line fills its options.
func TestNewCmdWhatIf(t *testing.T) {
	ios, _, _, _ := Test()
	var got *WhatIfOptions
	cmd := NewCmdWhatIf(ios, func(_ context.Context, o *WhatIfOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"x.json", "--policies", "p.json", "--policies", "q/", "--named-locations", "nl.json", "--memberships", "m.csv",
		"--add-range", "Corporate egress=198.51.100.23/32", "--trust", "Contractor VPN", "--exclude-app", "CA001=Azure DevOps",
		"--exclude-user", "CA001=svc-build@contoso.com", "--state", "CA006=enabled", "--policies-after", "after.json",
		"--named-locations-after", "nl2.json", "--fail-on", "newly-blocked", "-o", "json", "--user", "u"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := EditFlags{AddRanges: []string{"Corporate egress=198.51.100.23/32"}, Trust: []string{"Contractor VPN"},
		ExcludeApps: []string{"CA001=Azure DevOps"}, ExcludeUsers: []string{"CA001=svc-build@contoso.com"}, States: []string{"CA006=enabled"},
		PoliciesAfter: []string{"after.json"}, NamedLocationsAfter: "nl2.json"}
	if !reflect.DeepEqual(got.EditFlags, want) || !reflect.DeepEqual(got.Policies, []string{"p.json", "q/"}) ||
		got.Memberships != "m.csv" || got.NamedLocations != "nl.json" || got.FailOn != "newly-blocked" || got.Output != "json" ||
		!reflect.DeepEqual(got.Users, []string{"u"}) {
		t.Errorf("options %+v", *got)
	}
}

// TestPolicyCommands runs policies, whatif and analyze --policies as a
// user would and checks each exit code and what it prints.
func TestPolicyCommands(t *testing.T) {
	dir := t.TempDir()
	malformed := filepath.Join(dir, "policies.json")
	if err := os.WriteFile(malformed, []byte("{\"value\": [\n  {\"displayName\": \"CA1\", \"conditions\": {\n    \"users\": \"All\"}}]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stdout []string // Texts standard output holds.
		stderr string   // Substring of standard error; "" wants none.
	}{
		{"policies", []string{"policies", samplePolicies, "--named-locations", sampleNamedLocations}, ExitOK,
			[]string{"4 enabled policies can block", "CA001 - Azure DevOps", `("Corporate egress" 203.0.113.0/24,`}, ""},
		{"policies of an EntraExporter folder", []string{"policies", filepath.Join(samplesDir, "entra-exporter"), "-o", "json"}, ExitOK,
			[]string{`"schema": "signinspect.policies/v1"`, `"blocks_pat": 4`}, ""},
		{"policies: a malformed file", []string{"policies", malformed}, ExitError, nil,
			"policies.json:3: value[0].conditions.users: want an object, got a string"},
		{"policies: a sign-in export", []string{"policies", samplePortalJSON}, ExitError, nil,
			"holds no Conditional Access policy: it is a sign-in log export"},
		{"policies: named locations", []string{"policies", sampleNamedLocations}, ExitError, nil, "pass it with --named-locations"},

		{"whatif proves the fix", []string{"whatif", samplePortalJSON, "--policies", samplePolicies, "--named-locations", sampleNamedLocations,
			"--add-range", "Corporate egress=198.51.100.23/32", "--add-range", "Corporate egress=2001:db8:4d2:10::/64", "--fail-on", "newly-blocked", "-o", "json"},
			ExitOK, []string{`"unblocked": 5`, `"newly_blocked": 0`}, ""},
		{"whatif: an edit that blocks", []string{"whatif", samplePortalJSON, "--policies", samplePolicies, "--named-locations", sampleNamedLocations,
			"--state", "CA006=enabled", "--fail-on", "newly-blocked"}, ExitFindings, []string{"newly blocked", "megan.bowen@contoso.com"}, ""},
		{"whatif: no --policies", []string{"whatif", samplePortalJSON, "--trust", "Contractor VPN"}, ExitUsage, nil, "--policies is required"},
		{"whatif: no edit", []string{"whatif", samplePortalJSON, "--policies", samplePolicies}, ExitUsage, nil, "no edit"},
		{"whatif: a location that is not there", []string{"whatif", samplePortalJSON, "--policies", samplePolicies, "--named-locations", sampleNamedLocations,
			"--add-range", "Corporate egres=198.51.100.23/32"}, ExitUsage, nil, `no named location "Corporate egres"; did you mean "Corporate egress"?`},
		{"whatif: a policy that is not there", []string{"whatif", samplePortalJSON, "--policies", samplePolicies, "--state", "CA09=disabled"},
			ExitUsage, nil, `--state "CA09=disabled": no policy "CA09"`},
		{"whatif: a bad range", []string{"whatif", samplePortalJSON, "--policies", samplePolicies, "--add-range", "Corporate egress=198.51.100.0/33"},
			ExitUsage, nil, `--add-range "Corporate egress=198.51.100.0/33": "198.51.100.0/33" is not an IP address or CIDR range`},
		{"whatif: a bad --fail-on", []string{"whatif", samplePortalJSON, "--policies", samplePolicies, "--trust", "Contractor VPN", "--fail-on", "high"},
			ExitUsage, nil, `--fail-on "high": want newly-blocked`},
		{"whatif: trusting a country location", []string{"whatif", samplePortalJSON, "--policies", samplePolicies, "--named-locations", sampleNamedLocations,
			"--trust", "Allowed countries"}, ExitUsage, nil, "only IP locations can be trusted"},

		{"analyze names the policy a portal CSV lacks", []string{"analyze", filepath.Join(samplesDir, "portal-csv", "CONTOSO_2026-11-16_2026-11-22_1_1.zip"),
			"--user", "svc-build@contoso.com", "--policies", samplePolicies, "--named-locations", sampleNamedLocations, "--memberships", filepath.Join(samplesDir, "memberships.csv")},
			ExitOK, []string{"── Policy evaluation", "blocked │ CA001 - Azure"}, ""},
		{"analyze --policies notes the files it skips", []string{"analyze", samplePortalJSON, "--policies", filepath.Join(samplesDir, "intune-management")},
			ExitOK, []string{"Policy evaluation"}, "note: ../samples/intune-management/MigrationTable.json: not read"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstderr: %s", code, c.code, stderr)
			}
			for _, want := range c.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("standard output lacks %q:\n%s", want, stdout)
				}
			}
			if c.stderr == "" && stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, stderr)
			}
			if lines := strings.Split(strings.TrimSpace(stderr), "\n"); c.code == ExitError && len(lines) != 1 {
				t.Errorf("the error is %d lines, want one:\n%s", len(lines), stderr)
			}
		})
	}
}
