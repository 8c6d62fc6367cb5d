package rules

import (
	"testing"
)

// TestExprMessages checks, by exact text, what a rule author who slips
// reads: "did you mean" for misspelt names and fields (in the record's
// spelling and in Graph's), plain words instead of Go's types, and the
// remedy for each pitfall REFERENCE.md warns about.
func TestExprMessages(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`IPAddress == "198.51.100.7"`, "unknown name IPAddress; did you mean IP? (1:1)\n | IPAddress == \"198.51.100.7\"\n | ^"},
		{`ipAddress == "198.51.100.7"`, "unknown name ipAddress; did you mean IP? (1:1)\n | ipAddress == \"198.51.100.7\"\n | ^"},
		{`userPrincipalName endsWith "@contoso.com"`, "unknown name userPrincipalName; did you mean User.UPN? (1:1)\n | userPrincipalName endsWith \"@contoso.com\"\n | ^"},
		{`User.Upn == "a@b"`, "User has no field Upn; did you mean User.UPN? (1:6)\n | User.Upn == \"a@b\"\n | .....^"},
		{`status.Code == 53003`, "unknown name status; did you mean Status? (1:1)\n | status.Code == 53003\n | ^"},
		{`Status.errorCode == 53003`, "Status has no field errorCode; did you mean Status.Code? (1:8)\n | Status.errorCode == 53003\n | .......^"},
		{`Location.Cty == "Amsterdam"`, "Location has no field Cty; did you mean Location.City? (1:10)\n | Location.Cty == \"Amsterdam\"\n | .........^"},
		{`Device.isCompliant == true`, "Device has no field isCompliant; did you mean Device.Compliant? (1:8)\n | Device.isCompliant == true\n | .......^"},
		{`Policies[0].Reslt == "failure"`, "Policies[0] has no field Reslt; did you mean Policies[0].Result? (1:13)\n | Policies[0].Reslt == \"failure\"\n | ............^"},
		{`lenn(Policies) > 0`, "unknown name lenn; did you mean len? (1:1)\n | lenn(Policies) > 0\n | ^"},
		{`Status.Code == "53003"`, "== compares a number (Status.Code) with text (\"53003\"); write the number without quotes: Status.Code == 53003 (1:13)\n | Status.Code == \"53003\"\n | ............^"},
		{`Time > "2026-11-20"`, "> compares a time (Time) with text (\"2026-11-20\"); make the text a time: Time > date(\"2026-11-20\") (1:6)\n | Time > \"2026-11-20\"\n | .....^"},
		{`Status.Code = 53003`, "unexpected token Operator(\"=\"); compare with == (a single = is not an operator) (1:13)\n | Status.Code = 53003\n | ............^"},
		{`!Device.Compliant`, "Device.Compliant is true, false or nil (nil when the export does not say), and ! fails on nil: write Device.Compliant == true, Device.Compliant != true (false or unknown), Device.Compliant == false or Device.Compliant == nil (1:1)\n | !Device.Compliant\n | ^"},
		{`Failed() && Device.Managed`, "Device.Managed is true, false or nil (nil when the export does not say), and && fails on nil: write Device.Managed == true, Device.Managed != true (false or unknown), Device.Managed == false or Device.Managed == nil (1:20)\n | Failed() && Device.Managed\n | ...................^"},
		{`Device.Compliant ? 1 == 1 : false`, "Device.Compliant is true, false or nil (nil when the export does not say), and ?: fails on nil: write Device.Compliant == true, Device.Compliant != true (false or unknown), Device.Compliant == false or Device.Compliant == nil (1:8)\n | Device.Compliant ? 1 == 1 : false\n | .......^"},
		{`Device.Compliant`, "the condition is true, false or nil (nil when the export does not say); compare it: Device.Compliant == true"},
		{`any(AuthSteps, .Succeeded)`, "this test is true, false or nil (nil when the export does not say); compare it: == true, != true (false or unknown) or == nil (1:16)\n | any(AuthSteps, .Succeeded)\n | ...............^"},
	} {
		_, err := CompileFilter(c.src, nil)
		if err == nil {
			t.Errorf("%s compiled", c.src)
			continue
		}
		if got := err.Error(); got != "where: "+c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.src, got, "where: "+c.want)
		}
	}
}
