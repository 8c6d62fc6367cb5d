package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/rules"
)

// run runs signinspect with test streams and returns the exit code and
// outputs.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := Test()
	code = Run(context.Background(), ios, args)
	return code, out.String(), errOut.String()
}

// writeRule writes a rule file into dir and returns its path.
func writeRule(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const userRule = `id: svc-account-blocked
title: A service account was blocked
severity: critical
status: experimental
description: Any failure of an svc- account.
tags: [account]
when: Failed() && lower(User.UPN) startsWith "svc-"
fix: Look at {{ User.UPN }}.
tests:
  - name: blocked
    record: {userPrincipalName: svc-build@contoso.com, status: {errorCode: 53003}}
    match: true
    fix-contains: [Look at svc-build@contoso.com.]
  - name: a person
    record: {userPrincipalName: adele.vance@contoso.com, status: {errorCode: 53003}}
    match: false
`

func TestRulesList(t *testing.T) {
	code, out, errOut := runCmd(t, "rules", "list")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "ID ") || !strings.Contains(lines[0], "SEVERITY") || !strings.Contains(lines[0], "TITLE") {
		t.Errorf("header = %q", lines[0])
	}
	if len(lines) < 15 {
		t.Errorf("%d lines", len(lines))
	}
	for _, want := range []string{"ip-outside-trusted-locations", "mfa-required-non-interactive", "device-required-no-device-context", "sign-in-frequency-stale-token"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %s", want)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes in piped output")
	}

	dir := t.TempDir()
	writeRule(t, dir, "mine.yaml", userRule)
	t.Chdir(dir)
	code, out, _ = runCmd(t, "rules", "list", "--no-builtin", "--rules", ".")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	want := "ID                   SEVERITY  STATUS        TITLE                          SOURCE\nsvc-account-blocked  critical  experimental  A service account was blocked  mine.yaml:1\n"
	if out != want {
		t.Errorf("list --no-builtin --rules:\n%q\nwant\n%q", out, want)
	}
}

func TestRulesShow(t *testing.T) {
	code, out, _ := runCmd(t, "rules", "show", "sign-in-frequency-stale-token")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"ID          sign-in-frequency-stale-token\n",
		"Severity    high\n",
		"Source      built-in\n",
		"\nWhen\n  Failed()\n  && (Status.Code in [70043, 70044] || HasPolicyControl(\"failure\", \"SignInFrequency\"))\n",
		"\nFix\n  {{ IsAzureDevOps()",
		"\nTests (5)\nMATCH  CASE\nyes    the nightly build's git fetch with a PAT older than the 30-day policy\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing space: %q", line)
		}
	}

	code, _, errOut := runCmd(t, "rules", "show", "no-such-rule")
	if code != ExitError || errOut != "signinspect: no rule with ID \"no-such-rule\" (see signinspect rules list)\n" {
		t.Errorf("unknown ID: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCmd(t, "rules", "show"); code != ExitUsage {
		t.Errorf("show without ID: exit %d", code)
	}
}

func TestRulesLint(t *testing.T) {
	dir := t.TempDir()
	writeRule(t, dir, "mine.yaml", userRule)
	writeRule(t, dir, "override.yaml", strings.Replace(userRule, "id: svc-account-blocked", "id: invalid-credentials", 1))
	code, out, errOut := runCmd(t, "rules", "lint", dir)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := filepath.Join(dir, "override.yaml") + ":1: rule invalid-credentials replaces the built-in rule of that ID\n2 rules in 2 files: no errors\n"
	if out != want {
		t.Errorf("lint output:\n%q\nwant\n%q", out, want)
	}

	bad := writeRule(t, t.TempDir(), "bad.yaml", "id: bad\ntitle: T\nseverity: loud\nstatus: stable\ndescription: D\nwhen: |\n  Failed()\n  && Stauts.Code == 1\nfix: F\n")
	code, out, errOut = runCmd(t, "rules", "lint", bad)
	if code != ExitError || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	// A key error does not hide the expression error of the same rule.
	wantErr := "signinspect: " + bad + ":3: rule bad: severity: unknown severity \"loud\" (want one of info, low, medium, high, critical)\n" +
		bad + ":8: rule bad: when: unknown name Stauts; did you mean Status? (2:4)\n | && Stauts.Code == 1\n | ...^\n"
	if errOut != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut, wantErr)
	}

	// Without a path, lint checks the built-in pack, as test does.
	builtin, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want = fmt.Sprintf("%d rules in %d files: no errors\n", len(builtin), len(builtin))
	if code, out, _ := runCmd(t, "rules", "lint"); code != ExitOK || out != want {
		t.Errorf("lint without a path: exit %d, %q", code, out)
	}
	if code, _, errOut := runCmd(t, "rules", "lint", filepath.Join(dir, "missing.yaml")); code != ExitError || !strings.Contains(errOut, "missing.yaml") {
		t.Errorf("missing path: exit %d, %q", code, errOut)
	}
}

func TestRulesTest(t *testing.T) {
	code, out, errOut := runCmd(t, "rules", "test")
	if code != ExitOK || errOut != "" {
		t.Fatalf("built-in pack: exit %d, stderr %q, stdout %s", code, errOut, out)
	}
	if !strings.HasSuffix(out, " of 16 rules passed\n") || strings.Contains(out, "FAIL") {
		t.Errorf("output %q", out)
	}

	dir := t.TempDir()
	writeRule(t, dir, "mine.yaml", userRule)
	code, out, _ = runCmd(t, "rules", "test", "-v", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	if !strings.Contains(out, "ok      svc-account-blocked  blocked ") || !strings.HasSuffix(out, "\n2 cases of 1 rule passed\n") {
		t.Errorf("-v output:\n%s", out)
	}

	// A case that fails is named, with why, and the exit code is 1.
	failing := strings.Replace(userRule, "record: {userPrincipalName: adele.vance@contoso.com", "record: {userPrincipalName: svc-adele@contoso.com", 1)
	failing = strings.Replace(failing, "fix-contains: [Look at svc-build@contoso.com.]", "fix-contains: [Look at nobody.]", 1)
	p := writeRule(t, t.TempDir(), "failing.yaml", failing)
	code, out, errOut = runCmd(t, "rules", "test", p)
	if code != ExitError {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"FAIL    svc-account-blocked  blocked   " + p + ":10",
		`fix does not contain "Look at nobody."`,
		"FAIL    svc-account-blocked  a person  " + p + ":14",
		"want no match, got one",
		"0 cases of 1 rule passed; 2 failed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if errOut != "signinspect: test cases failed: 2 of 2\n" {
		t.Errorf("stderr %q", errOut)
	}

	// A rule without cases is named.
	untested := writeRule(t, t.TempDir(), "untested.yaml", userRule[:strings.Index(userRule, "tests:")])
	code, out, _ = runCmd(t, "rules", "test", untested)
	if code != ExitOK || !strings.HasSuffix(out, "0 cases of 1 rule passed\nno test cases: svc-account-blocked\n") {
		t.Errorf("untested: exit %d, %q", code, out)
	}

	// A broken file is a load error, exit 1, before any case runs.
	broken := writeRule(t, t.TempDir(), "broken.yaml", "id: [\n")
	if code, out, errOut := runCmd(t, "rules", "test", broken); code != ExitError || out != "" || !strings.Contains(errOut, "invalid YAML") {
		t.Errorf("broken: exit %d, %q, %q", code, out, errOut)
	}
}

// TestRulesLintFolder lints a folder of several broken files: every error
// of every file comes out at once, in file and line order, and exit 1.
func TestRulesLintFolder(t *testing.T) {
	dir := t.TempDir()
	a := writeRule(t, dir, "a.yaml", strings.Replace(userRule, "when: Failed() && lower(User.UPN)", "when: Failed() && lower(User.Upn)", 1))
	b := writeRule(t, dir, "b.yaml", strings.Replace(strings.Replace(userRule, "id: svc-account-blocked", "id: other", 1), "fix: Look at {{ User.UPN }}.", "fix: Look at {{ UserPrincipalName }}.", 1))
	c := writeRule(t, dir, "c.yaml", strings.Replace(strings.Replace(userRule, "id: svc-account-blocked", "id: third", 1), "record: {userPrincipalName: svc-build", "record: {userPrincipalNme: svc-build", 1))
	code, out, errOut := runCmd(t, "rules", "lint", dir)
	want := "signinspect: " + a + ":7: rule svc-account-blocked: when: User has no field Upn; did you mean User.UPN? (1:24)\n" +
		" | Failed() && lower(User.Upn) startsWith \"svc-\"\n | .......................^\n" +
		b + ":8: rule other: fix: unknown name UserPrincipalName; did you mean User.UPN? (1:2)\n |  UserPrincipalName \n | .^\n" +
		c + ":11: rule third: tests[0].record: unknown key \"userPrincipalNme\" in the sign-in; did you mean \"userPrincipalName\"?\n"
	if code != ExitError || out != "" || errOut != want {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, out, errOut, want)
	}
}

// TestRulesShowPrintsTheFixAsWritten checks that show prints the fix
// template with its placeholders and line breaks as the file holds them.
func TestRulesShowPrintsTheFixAsWritten(t *testing.T) {
	rs, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		_, out, _ := runCmd(t, "rules", "show", r.ID)
		var b strings.Builder
		section(&b, "Fix", r.Fix)
		if !strings.Contains(out, b.String()) {
			t.Errorf("%s: show does not print the fix as written:\n%s", r.ID, out)
		}
	}
}

// TestRulesNew writes a new rule, and checks that it lints, passes its own
// tests, and is never written over.
func TestRulesNew(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "blocked-build.yaml")
	code, out, errOut := runCmd(t, "rules", "new", "blocked-build", "--out", file)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if want := "Wrote " + file + ". Edit its condition, fix and tests, then run:\n  signinspect rules lint " + file + "\n  signinspect rules test " + file + "\n"; out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if code, out, errOut := runCmd(t, "rules", "lint", file); code != ExitOK || out != "1 rule in 1 file: no errors\n" {
		t.Errorf("lint: exit %d, %q, %q", code, out, errOut)
	}
	if code, out, errOut := runCmd(t, "rules", "test", file); code != ExitOK || out != "3 cases of 1 rule passed\n" {
		t.Errorf("test: exit %d, %q, %q", code, out, errOut)
	}
	before, _ := os.ReadFile(file)
	code, _, errOut = runCmd(t, "rules", "new", "blocked-build", "--out", file)
	if want := "signinspect: " + file + " already exists; signinspect rules new never replaces a file: choose another ID or --out\n"; code != ExitError || errOut != want {
		t.Errorf("second new: exit %d, stderr %q", code, errOut)
	}
	if after, _ := os.ReadFile(file); string(after) != string(before) {
		t.Error("the rule file was replaced")
	}
	code, _, errOut = runCmd(t, "rules", "new", "Blocked_Build")
	if code != ExitUsage || !strings.HasPrefix(errOut, `signinspect: rule ID: "Blocked_Build" is not kebab-case`) {
		t.Errorf("bad ID: exit %d, %q", code, errOut)
	}
}
