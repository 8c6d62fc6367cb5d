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
		"Code       53003 (AADSTS53003)\nName       BlockedByConditionalAccess\nKind       Conditional Access\nMeaning    Conditional Access policies blocked the access: the policy allows no token.\n",
		"Code       50076 (AADSTS50076)\nName       UserStrongAuthClientAuthNRequired\nKind       Multifactor authentication (required by a Conditional Access policy, per-user MFA or\n           security defaults)\n",
		"Code       VS403463\nKind       Conditional Access\n",
		"Usual fix  Find the matching failure under Entra > Sign-in logs > Non-interactive sign-ins",
		"Behind it  53003 BlockedByConditionalAccess: Find the failing policy in the sign-in's Conditional\n",
		"\n           70044: Sign in again; for Azure DevOps PATs created before the sign-in frequency policy,\n",
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
	if code != ExitOK || !strings.Contains(out, "Note       not in Microsoft's references; the meaning comes from other sources") {
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
	want := "signinspect: unknown error code 99999: not in signinspect's offline catalog (signinspect explain lists it); Microsoft's lookup page for it is https://login.microsoftonline.com/error?code=99999\n" +
		"unknown error code VS1: not in signinspect's offline catalog (signinspect explain lists it); Entra ID codes are numbers, with or without AADSTS\n"
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
	if !strings.HasPrefix(lines[0], "CODE") || len(lines) < 350 {
		t.Errorf("%d lines, header %q", len(lines), lines[0])
	}
	if !strings.Contains(out, "\n53003     BlockedByConditionalAccess") || !strings.Contains(out, "\nVS403463") ||
		!strings.Contains(out, "\nSources:\n  345 codes: Microsoft Entra authentication and authorization error codes,\n") {
		t.Errorf("table:\n%s", out)
	}
}
