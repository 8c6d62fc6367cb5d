package rules

import (
	"strconv"
	"testing"
)

func TestLookupCode(t *testing.T) {
	for in, want := range map[string]string{
		"53003":          "BlockedByConditionalAccess",
		"AADSTS53003":    "BlockedByConditionalAccess",
		" aadsts53003: ": "BlockedByConditionalAccess",
		"AADSTS50076.":   "UserStrongAuthClientAuthNRequired",
		"VS403463":       "",
		"vs403463":       "",
		"700082":         "ExpiredOrRevokedGrantInactiveToken",
	} {
		c, ok := LookupCode(in)
		if !ok || c.Name != want {
			t.Errorf("LookupCode(%q) = %+v, %v; want name %q", in, c, ok, want)
		}
	}
	if c, _ := LookupCode("VS403463"); !c.CA || c.Code != "VS403463" {
		t.Errorf("VS403463 = %+v", c)
	}
	for _, bad := range []string{"", "AADSTS", "12345", "53003x", "VS40346"} {
		if c, ok := LookupCode(bad); ok {
			t.Errorf("LookupCode(%q) = %+v", bad, c)
		}
	}
}

func TestCodeTable(t *testing.T) {
	seen := map[string]bool{}
	unconfirmed := map[string]bool{}
	for _, c := range Codes() {
		if seen[c.Code] {
			t.Errorf("%s listed twice", c.Code)
		}
		seen[c.Code] = true
		if c.Meaning == "" || c.Fix == "" {
			t.Errorf("%s: missing meaning or fix", c.Code)
		}
		if c.Unconfirmed {
			unconfirmed[c.Code] = true
		}
		if n, err := strconv.Atoi(c.Code); err == nil && isCACode(n) != c.CA {
			t.Errorf("%s: CA = %v, but isCACode says %v", c.Code, c.CA, isCACode(n))
		}
	}
	// formats.md §g marks exactly these as not in Microsoft's reference.
	for _, code := range []string{"530002", "530003", "70044", "500121"} {
		if !unconfirmed[code] {
			t.Errorf("%s is not marked Unconfirmed", code)
		}
		delete(unconfirmed, code)
	}
	if len(unconfirmed) > 0 {
		t.Errorf("also marked Unconfirmed: %v", unconfirmed)
	}
	// Codes returns a copy.
	Codes()[0].Meaning = "changed"
	if Codes()[0].Meaning == "changed" {
		t.Error("Codes shares its table")
	}
	// The codes the built-in pack names are all in the table.
	for _, n := range []int{50053, 50055, 50057, 50074, 50076, 50079, 50097, 50126, 50131, 50132, 50133, 50173, 50187,
		53000, 53001, 53003, 530002, 530003, 530032, 70008, 70043, 70044, 700082} {
		if _, ok := lookupNumeric(n); !ok {
			t.Errorf("%d is not in the table", n)
		}
	}
}
