package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/rules"
)

func TestKQLCommand(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stdout string // Substring of standard output.
		stderr string // Substring of standard error.
	}{
		{"query", []string{"kql", "--user", "svc-build@contoso.com", "--at", "2026-11-20 10:15", "--window", "30m"}, ExitOK,
			"// signinspect kql: user svc-build@contoso.com, app Azure DevOps, non-interactive sign-ins, from 2026-11-20T09:45:00Z", ""},
		{"per rule", []string{"kql", "--per-rule", "--flow", "any"}, ExitOK, "// Rule token-expired-or-revoked (medium)", ""},
		{"sentinel", []string{"kql", "-o", "sentinel"}, ExitOK, "kind: Scheduled\n---\nid: ", ""},
		{"sentinel with times", []string{"kql", "-o", "sentinel", "--since", "2026-11-20"}, ExitUsage, "", "do not go with -o sentinel"},
		{"sentinel per rule", []string{"kql", "-o", "sentinel", "--per-rule"}, ExitUsage, "", "--per-rule goes with -o kql"},
		{"unknown output", []string{"kql", "-o", "splunk"}, ExitUsage, "", `-o "splunk": want kql or sentinel`},
		{"where without a KQL form", []string{"kql", "--where", "Time.Hour() > 18"}, ExitUsage, "", "--where: no KQL form for the method Time.Hour() (1:6)"},
		{"bad flow", []string{"kql", "--flow", "sideways"}, ExitUsage, "", `--flow "sideways"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ios, _, stdout, stderr := Test()
			code := Run(context.Background(), ios, c.args)
			if code != c.code || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("signinspect %s: exit %d, want %d\nstdout: %.300s\nstderr: %s", strings.Join(c.args, " "), code, c.code, stdout.String(), stderr.String())
			}
		})
	}
	// -o sentinel --out writes one file per rule into the folder.
	out := filepath.Join(dir, "rules")
	ios, _, _, stderr := Test()
	if code := Run(context.Background(), ios, []string{"kql", "-o", "sentinel", "--out", out}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	entries, err := os.ReadDir(out)
	builtin, berr := rules.Builtin()
	if berr != nil {
		t.Fatal(berr)
	}
	if err != nil || len(entries) != len(builtin) {
		t.Errorf("--out folder holds %d files (%v), want one per built-in rule (%d)", len(entries), err, len(builtin))
	}
}

func TestRulesLintKQL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "late.yaml")
	if err := os.WriteFile(path, []byte("id: late\ntitle: Late\nseverity: low\nstatus: experimental\ndescription: x\nwhen: Failed() && Time.Hour() > 18\nfix: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ios, _, stdout, _ := Test()
	if code := Run(context.Background(), ios, []string{"rules", "lint", "--kql", path}); code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	want := path + ":6: rule late: when: no KQL form for the method Time.Hour() (1:18)\nKQL: 0 of 1 rule translate\n"
	if stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
}
