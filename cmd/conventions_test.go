package cmd

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/signinspect/signinspect/analyze/render"
)

// TestVersion checks that version and --version print the same line, that
// -v is not a second spelling of it, and how the line is made from Go's
// build info.
func TestVersion(t *testing.T) {
	_, a, _ := runCmd(t, "version")
	code, b, _ := runCmd(t, "--version")
	if code != ExitOK || a != b || !strings.HasPrefix(a, "signinspect ") || strings.Count(a, "\n") != 1 {
		t.Errorf("version %q, --version %q (exit %d)", a, b, code)
	}
	if code, _, stderr := runCmd(t, "-v"); code != ExitUsage || !strings.Contains(stderr, "unknown shorthand flag: 'v' in -v") {
		t.Errorf("-v: exit %d, %q", code, stderr)
	}
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-11-20T10:00:00Z"}}
	for _, c := range []struct {
		ldflags string
		info    *debug.BuildInfo
		ok      bool
		want    string
	}{
		{"dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}, true, "signinspect v1.2.3 (go1.26.8)"},
		{"dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs}, true,
			"signinspect dev (commit 0123456789ab of 2026-11-20T10:00:00Z, go1.26.8)"},
		{"dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: append(vcs, debug.BuildSetting{Key: "vcs.modified", Value: "true"})}, true,
			"signinspect dev (commit 0123456789ab with local changes of 2026-11-20T10:00:00Z, go1.26.8)"},
		{"v2.0.0", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}, true, "signinspect v2.0.0 (go1.26.8)"},
		{"dev", nil, false, "signinspect dev"},
	} {
		if got := formatVersion(c.ldflags, c.info, c.ok); got != c.want {
			t.Errorf("formatVersion(%q, %+v) = %q, want %q", c.ldflags, c.info, got, c.want)
		}
	}
}

// complete runs cobra's completion request for args and returns the values
// offered.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	_, out, _ := runCmd(t, append([]string{cobra.ShellCompRequestCmd}, args...)...)
	var values []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") {
			break
		}
		value, _, _ := strings.Cut(line, "\t")
		values = append(values, value)
	}
	return values
}

// TestCompletion checks that shell completion offers the values of the
// flags that take one of a list, and rule IDs, in every command that has
// the flags.
func TestCompletion(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", "x", "--flow", ""}, "non-interactive interactive service-principal managed-identity any"},
		{[]string{"analyze", "x", "-o", ""}, strings.Join(render.Names(), " ")},
		{[]string{"analyze", "x", "--status", ""}, "failure success any"},
		{[]string{"analyze", "x", "--fail-on", ""}, "info low medium high critical"},
		{[]string{"analyze", "x", "--format", ""}, "portal-csv portal-authdetails-csv graph-json log-analytics-csv log-analytics-json diagnostic-json"},
		{[]string{"redact", "x", "--format", ""}, "portal-csv portal-authdetails-csv graph-json log-analytics-csv log-analytics-json diagnostic-json"},
	} {
		if got := strings.Join(complete(t, c.args...), " "); got != c.want {
			t.Errorf("%v: %q, want %q", c.args, got, c.want)
		}
	}
	for _, args := range [][]string{{"analyze", "x", "--disable", ""}, {"rules", "show", ""}, {"rules", "list", "--disable", ""}} {
		ids := complete(t, args...)
		if len(ids) < 15 || ids[0] != "account-disabled" {
			t.Errorf("%v: %v", args, ids)
		}
	}
	// Rule IDs follow --rules and --no-builtin.
	dir := t.TempDir()
	writeRule(t, dir, "mine.yaml", userRule)
	if got := complete(t, "rules", "show", "--no-builtin", "--rules", dir, ""); strings.Join(got, " ") != "svc-account-blocked" {
		t.Errorf("rule IDs of --rules: %v", got)
	}
}

// TestNoColorOnEveryCommand runs each command with --no-color: the flag is
// accepted everywhere, and nothing prints a colour code.
func TestNoColorOnEveryCommand(t *testing.T) {
	dir := t.TempDir()
	root := NewRootCmd(&IOStreams{})
	covered := map[string]bool{}
	for _, args := range [][]string{
		{"analyze", samplesDir}, {"redact", samplesDir + "/portal-json", "--out", filepath.Join(dir, "red"), "--dry-run"},
		{"explain", "53003"}, {"formats"}, {"version"}, {"man", filepath.Join(dir, "man")},
		{"rules", "list"}, {"rules", "show", "account-disabled"}, {"rules", "lint"}, {"rules", "test"},
		{"rules", "fields", "device"}, {"rules", "new", "my-rule", "--out", filepath.Join(dir, "my-rule.yaml")},
		{"rules"}, {"completion", "bash"}, {"completion", "zsh"}, {"completion", "fish"}, {"completion", "powershell"}, {"completion"},
		{"kql"}, {"bundle", samplesDir + "/portal-json", "--out", filepath.Join(dir, "ticket.zip"), "--map", filepath.Join(dir, "map.json")},
		{"analyze", filepath.Join(dir, "ticket.zip"), "--out", filepath.Join(dir, "answer.md")},
		{"unredact", "--map", filepath.Join(dir, "map.json"), filepath.Join(dir, "answer.md")},
		{"policies", samplesDir + "/policies.json"},
		{"whatif", samplesDir + "/portal-json", "--policies", samplesDir + "/policies.json", "--state", "CA006=enabled"},
	} {
		code, out, stderr := runCmd(t, append(args, "--no-color")...)
		if code != ExitOK || strings.Contains(out+stderr, "\x1b[") {
			t.Errorf("%v --no-color: exit %d, stderr %q", args, code, stderr)
		}
		c, _, _ := root.Find(args)
		covered[c.CommandPath()] = true
	}
	for _, c := range manCommands(root) {
		if !covered[c.CommandPath()] && c.HasParent() {
			t.Errorf("%s is not run with --no-color", c.CommandPath())
		}
	}
}

// TestManPages writes the manual pages and checks that there is one per
// command, that each holds its options, and, where groff is installed,
// that groff reads them without a warning.
func TestManPages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "man1")
	ios, _, out, _ := Test()
	ios.Getenv = func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "1795000000"
		}
		return ""
	}
	if code := Run(context.Background(), ios, []string{"man", dir}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	written, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	pages := len(written)
	if !strings.HasPrefix(out.String(), fmt.Sprintf("Wrote %d manual pages to %s: signinspect.1, signinspect-analyze.1,", pages, dir)) {
		t.Errorf("stdout %q", out)
	}
	page, err := os.ReadFile(filepath.Join(dir, "signinspect-analyze.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`.TH "SIGNINSPECT-ANALYZE" 1 "2026-11-18" "signinspect `, ".SH NAME\nsigninspect\\-analyze \\- Explain failed sign-ins",
		".SH OPTIONS\n", `\fB\-\-flow\fP \fIstring\fP`, `\fB\-o\fP, \fB\-\-output\fP`, ".SH OPTIONS OF EVERY COMMAND\n.TP\n\\fB\\-\\-no\\-color\\fP",
		".SH EXAMPLES\n.nf\n", ".SH SEE ALSO\n\\fBsigninspect\\fP(1)"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("signinspect-analyze.1 lacks %q", want)
		}
	}
	if _, err := exec.LookPath("groff"); err != nil {
		return
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	cmd := exec.Command("groff", append([]string{"-man", "-ww", "-z"}, files...)...)
	if msg, err := cmd.CombinedOutput(); err != nil || len(msg) > 0 {
		t.Errorf("groff: %v\n%s", err, msg)
	}
}
