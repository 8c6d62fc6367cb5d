package redact

import (
	"strings"
	"testing"
)

func testRedactor(t testing.TB, opts Options, known ...[2]string) *Redactor {
	t.Helper()
	ids := NewIdentities()
	kinds := map[string]Kind{"upn": KindUPN, "name": KindName, "user": KindUserID, "device": KindDeviceName, "tenant": KindTenantID}
	for _, k := range known {
		ids.Add(kinds[k[0]], k[1])
	}
	return NewRedactor(testPseudonymizer(t, opts), ids)
}

func TestText(t *testing.T) {
	r := testRedactor(t, Options{}, [2]string{"name", "Diego Siciliani"}, [2]string{"upn", "diego.siciliani@contoso.com"},
		[2]string{"user", "847db85e-38ee-42bf-8dee-a615ff797d73"}, [2]string{"name", "Lee Gu"}, [2]string{"name", "Ed"})
	p := r.p
	ip := func(s string) string { return must(p.IP(s)) }
	tests := []struct {
		name, in, want string
		counts         map[Kind]int
	}{
		{"plain reason", "Access has been blocked by Conditional Access policies.", "Access has been blocked by Conditional Access policies.", nil},
		{"quoted e-mail", "The account 'diego.siciliani@contoso.com' is disabled.",
			"The account '" + p.UPN("diego.siciliani@contoso.com") + "' is disabled.", map[Kind]int{KindUPN: 1, KindDomain: 1}},
		{"unknown e-mail at the end of a sentence", "Contact Jo.Doe+x@Fabrikam.co.uk.",
			"Contact " + p.UPN("Jo.Doe+x@Fabrikam.co.uk") + ".", map[Kind]int{KindUPN: 1, KindDomain: 1}},
		{"known display name, any case", "Sign-in of DIEGO SICILIANI failed; diego siciliani again",
			"Sign-in of " + p.Name("Diego Siciliani") + " failed; " + p.Name("Diego Siciliani") + " again", map[Kind]int{KindName: 2}},
		{"known name only as a whole word", "Lee Gus and Lee Gu-Smith, Leeds", p.Name("Lee Gu") + " Gus and " + p.Name("Lee Gu") + "-Smith, Leeds", map[Kind]int{KindName: 2}},
		{"names shorter than three bytes are not searched", "Ed edited it", "Ed edited it", nil},
		{"object ID in a path", "/tenants/x/users/847DB85E-38EE-42BF-8DEE-A615FF797D73/",
			"/tenants/x/users/" + p.ID("847DB85E-38EE-42BF-8DEE-A615FF797D73") + "/", map[Kind]int{KindUserID: 1}},
		{"known domain on its own", "federated with contoso.com today", "federated with " + p.Domain("contoso.com") + " today", map[Kind]int{KindDomain: 1}},
		{"IPv4 with port and punctuation", "from 198.51.100.23:443, then 203.0.113.7.",
			"from " + ip("198.51.100.23") + ":443, then " + ip("203.0.113.7") + ".", map[Kind]int{KindIP: 2}},
		{"IPv6 and mapped", "[2001:db8:4d2:10::17] or ::ffff:192.0.2.1",
			"[" + ip("2001:db8:4d2:10::17") + "] or " + ip("::ffff:192.0.2.1"), map[Kind]int{KindIP: 2}},
		{"CIDR range", "range 203.0.113.0/24 only", "range " + must(p.Prefix("203.0.113.0/24")) + " only", map[Kind]int{KindIPRange: 1}},
		{"times and versions are not addresses", "at 10:15:02.481 on 2026-11-20, version 1.0, 24295.605.3225.8804",
			"at 10:15:02.481 on 2026-11-20, version 1.0, 24295.605.3225.8804", nil},
		{"MAC address is not an address", "00:1A:2B:3C:4D:5E", "00:1A:2B:3C:4D:5E", nil},
		{"a known UPN inside an e-mail match is replaced once", "user diego.siciliani@contoso.com.",
			"user " + p.UPN("diego.siciliani@contoso.com") + ".", map[Kind]int{KindUPN: 1, KindDomain: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.ResetCounts()
			if got := r.Text(tt.in); got != tt.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			c := r.ResetCounts()
			for _, k := range Kinds() {
				if c[k] != tt.counts[k] {
					t.Errorf("%s counted %d, want %d", k, c[k], tt.counts[k])
				}
			}
		})
	}
}

func TestStringEditsByRule(t *testing.T) {
	r := testRedactor(t, Options{})
	p := r.p
	apply := func(v string, rule fieldRule) string { return applyEdits(v, r.stringEdits(v, rule, "")) }
	if got := apply("Rich Client 4.66.1.0", fieldRule{how: fieldVersion}); got != "Rich Client 4.66.1.0" {
		t.Errorf("version text changed: %q", got)
	}
	if got := apply("Rich Client 4.66.1.0", fieldRule{}); got == "Rich Client 4.66.1.0" {
		t.Error("the same text outside a version field keeps its address-shaped part")
	}
	for _, tt := range []struct {
		kind   Kind
		in     string
		want   string
		counts Kind
	}{
		{KindUPN, "svc-build@contoso.com", p.UPN("svc-build@contoso.com"), KindUPN},
		{KindUPN, "1fe161c6-f484-4b44-af3a-fdd3a009be31", p.ID("1fe161c6-f484-4b44-af3a-fdd3a009be31"), KindUserID},
		{KindName, "svc-build@contoso.com", p.UPN("svc-build@contoso.com"), KindUPN},
		{KindName, " Build Service ", " " + p.Name("Build Service") + " ", KindName},
		{KindDeviceID, "{PII Removed}", "{PII Removed}", numKinds},
		{KindDeviceID, "", "", numKinds},
		{KindUserID, "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000", numKinds},
		{KindTenantID, "F8CDEF31-A31E-4B4A-93E4-5F571E91255A", "F8CDEF31-A31E-4B4A-93E4-5F571E91255A", numKinds},
		{KindDeviceName, "CONTOSO-LT-0457", p.DeviceName("CONTOSO-LT-0457"), KindDeviceName},
		{KindIP, "192.0.2.1, 192.0.2.2", must(p.IP("192.0.2.1")) + ", " + must(p.IP("192.0.2.2")), KindIP},
		{KindIP, "unknown", "unknown", numKinds},
	} {
		r.ResetCounts()
		if got := apply(tt.in, personal(tt.kind)); got != tt.want {
			t.Errorf("%s %q = %q, want %q", tt.kind, tt.in, got, tt.want)
		}
		c := r.ResetCounts()
		if tt.counts < numKinds && c[tt.counts] == 0 || tt.counts == numKinds && c.Total() != 0 {
			t.Errorf("%s %q counted %v", tt.kind, tt.in, c)
		}
	}
}

func TestDropLocations(t *testing.T) {
	r := testRedactor(t, Options{})
	apply := func(v string, rule fieldRule) string { return applyEdits(v, r.stringEdits(v, rule, "")) }
	city, loc := fieldRule{how: fieldCity}, fieldRule{how: fieldPortalLocation}
	if apply("München", city) != "München" || apply("München, Bayern, DE", loc) != "München, Bayern, DE" {
		t.Error("locations dropped without DropLocations")
	}
	r.DropLocations = true
	for in, want := range map[string]string{"München, Bayern, DE": ", , DE", "Seattle, US": ", US", "DE": "DE", "Seattle": "", "": ""} {
		if got := apply(in, loc); got != want {
			t.Errorf("location %q = %q, want %q", in, got, want)
		}
	}
	if got := apply("München", city); got != "" {
		t.Errorf("city = %q", got)
	}
}

func TestIdentitiesIgnorePlaceholders(t *testing.T) {
	ids := NewIdentities()
	for _, v := range []string{"", "  ", "{PII Removed}", "None", "-", "ab"} {
		ids.Add(KindDeviceName, v)
	}
	if ids.Len() != 0 {
		t.Errorf("%d placeholders kept", ids.Len())
	}
	ids.Add(KindUPN, "svc-build@contoso.com")
	if ids.Len() != 4 { // The UPN, its local part, its domain and the domain's first label.
		t.Errorf("Len = %d, want 4", ids.Len())
	}
	if !strings.Contains(NewRedactor(testPseudonymizer(t, Options{}), ids).Text("see contoso.com"), "domain-") {
		t.Error("the domain of a known UPN is not replaced")
	}
}

// TestOrdinaryWordsStayInText checks that a known value that is one
// ordinary word, or a name part that is one, is replaced in its own field
// but not as a word of free text, while a name of its own is.
func TestOrdinaryWordsStayInText(t *testing.T) {
	ids := NewIdentities()
	ids.Add(KindAppName, "Pipeline")
	ids.Add(KindName, "Build Service")
	ids.Add(KindName, "Zed Quux")
	r := NewRedactor(testPseudonymizer(t, Options{}), ids)
	in := "The release pipeline failed to build for Zed; no service"
	if got, want := r.Text(in), "The release pipeline failed to build for "+r.p.Name("Zed Quux")+"; no service"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got := r.Text("Build Service is blocked"); got != r.p.Name("Build Service")+" is blocked" {
		t.Errorf("the whole name is not replaced: %q", got)
	}
	if got := r.Value(KindAppName, "Pipeline"); got != r.p.AppName("Pipeline") {
		t.Errorf("the app's own field: %q", got)
	}
}
