package rules

import (
	"errors"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/parse"
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
		"16000":          "InteractionRequired",
		"9002341":        "",
	} {
		c, ok := LookupCode(in)
		if !ok || c.Name != want {
			t.Errorf("LookupCode(%q) = %+v, %v; want name %q", in, c, ok, want)
		}
	}
	if c, _ := LookupCode("VS403463"); !c.CA || c.Code != "VS403463" {
		t.Errorf("VS403463 = %+v", c)
	}
	for _, bad := range []string{"", "AADSTS", "12345", "53003x", "VS40346", "99999"} {
		if c, ok := LookupCode(bad); ok {
			t.Errorf("LookupCode(%q) = %+v", bad, c)
		}
	}
}

// TestCatalog checks the catalog as data: every code of Microsoft's
// reference is there (the reference lists over 350), each with a meaning,
// a fix and a kind; the sources say what was read and when; the codes not
// from Microsoft's references are marked.
func TestCatalog(t *testing.T) {
	codes := Codes()
	if len(codes) < 350 {
		t.Errorf("only %d codes", len(codes))
	}
	unconfirmed := map[string]bool{}
	for _, c := range codes {
		if c.Meaning == "" || c.Fix == "" || c.Kind.String() == "" || c.Source == "" {
			t.Errorf("%s: missing meaning, fix, kind or source: %+v", c.Code, c)
		}
		if c.Unconfirmed {
			unconfirmed[c.Code] = true
		}
		if n, err := strconv.Atoi(c.Code); err == nil && isCACode(n) && !c.CA {
			t.Errorf("%s: IsCACode says Conditional Access, the catalog's kind is %s", c.Code, c.Kind)
		}
	}
	var got []string
	for c := range unconfirmed {
		got = append(got, c)
	}
	sort.Strings(got)
	if strings.Join(got, " ") != "500121 530002 530003 70044 VS403462" {
		t.Errorf("unconfirmed codes: %v", got)
	}
	for _, s := range CodeSources() {
		if s.Read == "" || s.Codes == 0 {
			t.Errorf("source %q: read %q, %d codes", s.Name, s.Read, s.Codes)
		}
	}
	if s := CodeSources()[0]; !strings.Contains(s.Name, "learn.microsoft.com/entra/identity-platform/reference-error-codes") || !strings.Contains(s.Version, "2025-02-03") {
		t.Errorf("first source = %+v", s)
	}
	// Codes returns a copy.
	Codes()[0].Meaning = "changed"
	if Codes()[0].Meaning == "changed" {
		t.Error("Codes shares its table")
	}
}

// TestCodeKinds checks the kind of the codes whose kind issue 14 found
// wrong, and of the common ones.
func TestCodeKinds(t *testing.T) {
	for code, want := range map[string]CodeKind{
		"50076": KindMFA, "50074": KindMFA, "50079": KindMFA, "50097": KindConditionalAccess,
		"50158": KindConditionalAccess, "53003": KindConditionalAccess, "70043": KindConditionalAccess,
		"50126": KindCredentials, "50057": KindAccount, "50140": KindInterrupt, "700082": KindSession,
		"65001": KindConsent, "VS30063": KindAzureDevOps,
	} {
		if c, _ := LookupCode(code); c.Kind != want {
			t.Errorf("%s: kind %q, want %q", code, c.Kind, want)
		}
	}
}

// TestVS403463ListsTheCodesBehindIt checks that VS403463 names the
// sign-in codes that cause it, each in the catalog.
func TestVS403463ListsTheCodesBehindIt(t *testing.T) {
	c, _ := LookupCode("VS403463")
	for _, want := range []string{"53003", "53000", "53001", "50076", "70044"} {
		found := false
		for _, b := range c.Behind {
			found = found || b == want
		}
		if !found {
			t.Errorf("VS403463 does not list %s behind it: %v", want, c.Behind)
		}
	}
	for _, b := range c.Behind {
		if _, ok := LookupCode(b); !ok {
			t.Errorf("VS403463 lists %s, which is not in the catalog", b)
		}
	}
}

// TestCatalogCoversRulesAndSamples checks that every error code the
// built-in rules name, in their conditions, fixes and test records, and
// every code in the shipped samples, is in the catalog.
func TestCatalogCoversRulesAndSamples(t *testing.T) {
	number := regexp.MustCompile(`\b[1-9][0-9]{4,6}\b`)
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range rs {
		for _, n := range number.FindAllString(r.When+" "+r.Fix, -1) {
			want[n] = "rule " + r.ID
		}
		for _, c := range r.Tests {
			rec, err := parse.DecodeJSONRecord(c.Record)
			if err == nil && rec.Status.Code != 0 {
				want[strconv.Itoa(rec.Status.Code)] = "a test of rule " + r.ID
			}
		}
	}
	inputs, err := parse.Expand([]string{"../samples"}, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		rd, err := parse.Open(in, parse.Options{})
		if err != nil {
			continue // Named locations and other files that are not exports.
		}
		for {
			rec, err := rd.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err == nil && rec.Status.Code != 0 {
				want[strconv.Itoa(rec.Status.Code)] = in.Name
			}
		}
		rd.Close()
	}
	if len(want) < 10 {
		t.Fatalf("found only %d codes in the rules and samples", len(want))
	}
	for code, where := range want {
		if _, ok := LookupCode(code); !ok {
			t.Errorf("%s (in %s) is not in the catalog", code, where)
		}
	}
}
