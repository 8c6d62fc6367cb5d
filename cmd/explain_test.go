package cmd

import (
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	code, out, errOut := runCmd(t, "explain", "53003", "AADSTS50076", "vs403463")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"Code       53003 (AADSTS53003)\nName       BlockedByConditionalAccess\nKind       Conditional Access\nMeaning    Access has been blocked by Conditional Access policies.",
		"Code       50076 (AADSTS50076)\nName       UserStrongAuthClientAuthNRequired\nKind       not a Conditional Access outcome\n",
		"Code       VS403463\nKind       Conditional Access\n",
		"Usual fix  Find the matching failure under Entra > Sign-in logs > Non-interactive sign-ins",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "\n\nCode") != 2 {
		t.Errorf("codes are not separated by a blank line:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if len(line) > 110 || strings.HasSuffix(line, " ") {
			t.Errorf("line of %d columns or with a trailing space: %q", len(line), line)
		}
	}

	code, out, _ = runCmd(t, "explain", "530002")
	if code != ExitOK || !strings.Contains(out, "Note       not in Microsoft's error-code reference") {
		t.Errorf("unconfirmed code: exit %d\n%s", code, out)
	}
}

func TestExplainUnknownCode(t *testing.T) {
	code, out, errOut := runCmd(t, "explain", "53003", "99999", "VS1")
	if code != ExitError {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "BlockedByConditionalAccess") {
		t.Errorf("the known code was not explained:\n%s", out)
	}
	want := "signinspect: unknown error code 99999, VS1: not in signinspect's offline table (signinspect explain lists it); Microsoft's lookup page is https://login.microsoftonline.com/error?code=NUMBER\n"
	if errOut != want {
		t.Errorf("stderr:\n%q\nwant\n%q", errOut, want)
	}
}

func TestExplainListsTheTable(t *testing.T) {
	code, out, _ := runCmd(t, "explain")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "CODE") || len(lines) < 40 {
		t.Errorf("%d lines, header %q", len(lines), lines[0])
	}
	if !strings.Contains(out, "\n53003     BlockedByConditionalAccess") || !strings.Contains(out, "\nVS403463") {
		t.Errorf("table:\n%s", out)
	}
}
