package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lenOfNumberRule is a rule whose condition does not compile, with a
// message from expr that holds the words "invalid argument": a runtime
// error (exit 1), not a usage error.
const lenOfNumberRule = `id: len-of-a-number
title: Length of a number
severity: low
status: stable
description: len of an int does not compile.
when: len(Status.Code) > 0
fix: None.
`

// TestExitCodePaths runs every way a command line can end and checks its
// exit code and whether usage help is offered: only usage errors (bad
// commands, flags, flag values and argument counts) get it, whatever words
// a runtime error's message holds.
func TestExitCodePaths(t *testing.T) {
	dir := t.TempDir()
	lenRule := writeRule(t, dir, "len.yaml", lenOfNumberRule)
	// A path whose name holds phrases of cobra's usage errors: its absence
	// is a runtime error.
	oddPath := filepath.Join(dir, "invalid argument for accepts 1 arg(s)", "x.json")
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string // Substring of standard error; "" wants none.
		help   string // The command whose help a usage error points at.
	}{
		{"version", []string{"version"}, ExitOK, "", ""},
		{"analyze", []string{"analyze", samplesDir}, ExitOK, "", ""},
		{"findings at --fail-on", []string{"analyze", samplesDir, "--fail-on", "high"}, ExitFindings, "", ""},

		{"rule with 'invalid argument' in expr's message, analyze", []string{"analyze", samplesDir, "--rules", lenRule}, ExitError, "invalid argument for len", ""},
		{"rule with 'invalid argument' in expr's message, lint", []string{"rules", "lint", lenRule}, ExitError, "invalid argument for len", ""},
		{"missing path whose name reads like a usage error", []string{"analyze", oddPath}, ExitError, "no such file or directory", ""},
		{"unknown rule ID", []string{"rules", "show", "no-such-rule"}, ExitError, "no rule with ID", ""},
		{"missing rule file", []string{"rules", "lint", filepath.Join(dir, "missing.yaml")}, ExitError, "missing.yaml", ""},

		{"unknown command", []string{"analyse", samplesDir}, ExitUsage, `unknown command "analyse" for "signinspect"`, "signinspect"},
		{"unknown subcommand", []string{"rules", "lsit"}, ExitUsage, `unknown command "lsit" for "signinspect rules"`, "signinspect rules"},
		{"unknown flag", []string{"analyze", samplesDir, "--usr", "x"}, ExitUsage, "unknown flag: --usr", "signinspect analyze"},
		{"unknown shorthand flag", []string{"analyze", samplesDir, "-z"}, ExitUsage, "unknown shorthand flag: 'z' in -z", "signinspect analyze"},
		{"flag without its value", []string{"analyze", samplesDir, "--user"}, ExitUsage, "flag needs an argument: --user", "signinspect analyze"},
		{"flag value of the wrong type", []string{"analyze", samplesDir, "--top", "abc"}, ExitUsage, `invalid argument "abc" for "--top" flag`, "signinspect analyze"},
		{"bad flag value", []string{"analyze", samplesDir, "--flow", "sideways"}, ExitUsage, `--flow "sideways"`, "signinspect analyze"},
		{"no argument", []string{"analyze"}, ExitUsage, "requires at least 1 arg(s), only received 0", "signinspect analyze"},
		{"no argument to redact", []string{"redact", "--out", dir}, ExitUsage, "requires at least 1 arg(s)", "signinspect redact"},
		{"too many arguments", []string{"rules", "show", "a", "b"}, ExitUsage, "accepts 1 arg(s), received 2", "signinspect rules show"},
		{"argument to a command that takes none", []string{"version", "now"}, ExitUsage, `unknown command "now" for "signinspect version"`, "signinspect version"},
		{"argument to formats", []string{"formats", "csv"}, ExitUsage, `unknown command "csv" for "signinspect formats"`, "signinspect formats"},
		{"argument to cobra's completion command", []string{"completion", "bash", "extra"}, ExitUsage, `unknown command "extra" for "signinspect completion bash"`, "signinspect completion bash"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstderr: %s", code, c.code, stderr)
			}
			if c.stderr == "" && stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, stderr)
			}
			usage := "Run '" + c.help + " --help' for usage.\n"
			if got, want := strings.HasSuffix(stderr, usage), c.code == ExitUsage; got != want || !want && strings.Contains(stderr, "for usage") {
				t.Errorf("usage help %q offered: %v, want %v\nstderr: %s", usage, got, want, stderr)
			}
		})
	}
}

// TestExitCodeOfSystemError checks that an error of the system whose text
// is EINVAL's ("invalid argument") is a runtime error, not a usage error:
// exitCode looks at the error's type, never at its words.
func TestExitCodeOfSystemError(t *testing.T) {
	err := &os.PathError{Op: "read", Path: "export.json", Err: os.ErrInvalid}
	if !strings.Contains(err.Error(), "invalid argument") {
		t.Fatalf("the test needs an error that says invalid argument, got %q", err)
	}
	if isCobraUsageError(err) {
		t.Error("an EINVAL path error is taken for cobra's usage error")
	}
	if got := exitCode(err); got != ExitError {
		t.Errorf("exitCode(%v) = %d, want %d", err, got, ExitError)
	}
	if got := exitCode(FlagErrorf("--top -1: want 0 or more")); got != ExitUsage {
		t.Errorf("exitCode(FlagError) = %d, want %d", got, ExitUsage)
	}
}
