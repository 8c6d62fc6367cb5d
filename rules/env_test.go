package rules

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

func TestInCIDR(t *testing.T) {
	tests := []struct {
		ip, cidr string
		want     bool
	}{
		{"203.0.113.7", "203.0.113.0/24", true},
		{"203.0.114.7", "203.0.113.0/24", false},
		{" 203.0.113.7 ", "203.0.113.0/24", true},
		{"203.0.113.7", "203.0.113.7", true},    // A bare address is a /32.
		{"203.0.113.7", "203.0.113.9/24", true}, // Host bits are masked.
		{"2001:db8:4d2:10::17", "2001:db8:4d2::/48", true},
		{"2001:DB8:4D2:10:0:0:0:17", "2001:db8:4d2::/48", true},
		{"2001:db8:4d3::1", "2001:db8:4d2::/48", false},
		{"fe80::1%eth0", "fe80::/10", true},
		// IPv4-mapped IPv6 addresses match IPv4 ranges and the reverse.
		{"::ffff:203.0.113.7", "203.0.113.0/24", true},
		{"203.0.113.7", "::ffff:203.0.113.0/120", true},
		{"::ffff:203.0.113.7", "::ffff:203.0.113.0/120", true},
		{"::ffff:203.0.114.7", "::ffff:203.0.113.0/120", false},
		// IPv4 and IPv6 never mix otherwise.
		{"203.0.113.7", "::/0", false},
		{"2001:db8::1", "0.0.0.0/0", false},
		{"not an ip", "0.0.0.0/0", false},
		{"", "0.0.0.0/0", false},
	}
	for _, tt := range tests {
		if got := inCIDR(tt.ip, tt.cidr); got != tt.want {
			t.Errorf("InCIDR(%q, %q) = %v, want %v", tt.ip, tt.cidr, got, tt.want)
		}
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(error).Error(), `"10.0.0.0/33" is not a CIDR range`) {
				t.Errorf("InCIDR with a bad range: recovered %v", r)
			}
		}()
		inCIDR("10.0.0.1", "10.0.0.0/33")
	}()
}

func TestIPVersionAndSameIP(t *testing.T) {
	for ip, want := range map[string]int{"203.0.113.7": 4, "2001:db8::1": 6, "::ffff:203.0.113.7": 6, "": 0, "x": 0, "203.0.113.7:443": 0} {
		if got := ipVersion(ip); got != want {
			t.Errorf("IPVersion(%q) = %d, want %d", ip, got, want)
		}
	}
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"203.0.113.7", "203.0.113.7", true},
		{"203.0.113.7", "::ffff:203.0.113.7", true},
		{"2001:db8:0:0::1", "2001:DB8::1", true},
		{"203.0.113.7", "203.0.113.8", false},
		{"", "", false},
		{"x", "x", false},
	} {
		if got := sameIP(tt.a, tt.b); got != tt.want {
			t.Errorf("SameIP(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestControlEqual(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"Mfa", "mfa", true},
		{"RequireCompliantDevice", "compliantDevice", true},
		{"RequireCompliantDevice", "RequireCompliantDevice", true},
		{"require compliant device", "CompliantDevice", true},
		{"RequireDomainJoinedDevice", "domain_joined_device", true},
		{"SignInFrequency", "signInFrequency", true},
		{"Block", "Mfa", false},
		{"RequireCompliantApp", "compliantDevice", false},
		{"Require", "require", true},
		{"", "", true},
		{"Block", "", false},
	} {
		if got := controlEqual(tt.a, tt.b); got != tt.want {
			t.Errorf("controlEqual(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestContainsFold(t *testing.T) {
	for _, tt := range []struct {
		s, sub string
		want   bool
	}{
		{"Azure DevOps", "devops", true},
		{"Azure DevOps", "", true},
		{"Azure", "azure devops", false},
		{"Straße", "STRASSE", false},
		{"Σίσυφος", "ΣΊΣ", true},
	} {
		if got := containsFold(tt.s, tt.sub); got != tt.want {
			t.Errorf("ContainsFold(%q, %q) = %v, want %v", tt.s, tt.sub, got, tt.want)
		}
	}
}

// testRecord is a failing Azure DevOps PAT sign-in with three policies.
func testRecord() *parse.Record {
	return &parse.Record{
		IP:       "198.51.100.23",
		Flow:     parse.FlowNonInteractive,
		App:      parse.App{ID: parse.AzureDevOpsAppID, Name: "Azure DevOps"},
		Resource: parse.App{ID: parse.AzureDevOpsAppID, Name: "Azure DevOps"},
		Status:   parse.Status{Code: 53003, Result: parse.ResultFailure},
		CAStatus: parse.CAFailure,
		User:     parse.User{UPN: "svc-build@contoso.com"},
		Policies: []parse.Policy{
			{ID: "p1", Name: "Block outside office", Result: "failure", GrantControls: []string{"Block"},
				ConditionsSatisfied: []string{"application", "users", "location"}},
			{ID: "p2", Result: "notApplied", GrantControls: nil, ConditionsNotSatisfied: []string{"users"}},
			{ID: "p3", Name: "Report-only MFA", Result: "reportOnlyFailure", GrantControls: []string{"Mfa"},
				SessionControls: []string{"SignInFrequency"}},
		},
		Known: parse.AllFields.Remove(parse.FieldRisk),
	}
}

func TestRecordHelpers(t *testing.T) {
	env := newEnv((&Context{}).tenant())
	env.record = (*record)(testRecord())

	if !env.Known("Policies") || !env.Known("policies") || !env.Known("Device.Compliant") || env.Known("Risk") || env.Known("NoSuchField") {
		t.Error("Known does not follow Record.Known")
	}
	if !env.Failed() || !env.IsAzureDevOps() {
		t.Error("Failed or IsAzureDevOps is false")
	}
	for _, tt := range []struct {
		result, control string
		want            bool
	}{
		{"failure", "Block", true},
		{"FAILURE", "block", true},
		{"", "Mfa", true},
		{"failure", "Mfa", false},
		{"reportOnlyFailure", "mfa", true},
		{"reportOnlyFailure", "signInFrequency", true},
		{"notApplied", "Block", false},
	} {
		if got := env.HasPolicyControl(tt.result, tt.control); got != tt.want {
			t.Errorf("HasPolicyControl(%q, %q) = %v, want %v", tt.result, tt.control, got, tt.want)
		}
	}
	for _, tt := range []struct {
		result, condition string
		want              bool
	}{
		{"failure", "location", true},
		{"failure", "Location", true},
		{"failure", "", true},
		{"notApplied", "users", false}, // Not satisfied is not satisfied.
		{"reportOnlyFailure", "", false},
		{"", "application", true},
	} {
		if got := env.HasPolicyCondition(tt.result, tt.condition); got != tt.want {
			t.Errorf("HasPolicyCondition(%q, %q) = %v, want %v", tt.result, tt.condition, got, tt.want)
		}
	}
	if got := strings.Join(env.PolicyNames(""), ","); got != "Block outside office,p2,Report-only MFA" {
		t.Errorf("PolicyNames(\"\") = %s", got)
	}
	if got := env.PolicyNames("success"); got != nil {
		t.Errorf("PolicyNames(success) = %v", got)
	}
	if env.CodeName(53003) != "BlockedByConditionalAccess" || env.CodeName(1) != "" || !env.IsCACode(530002) || env.IsCACode(50126) {
		t.Error("code helpers")
	}

	other := testRecord()
	other.App, other.Resource = parse.App{Name: "azure devops"}, parse.App{}
	env.record = (*record)(other)
	if !env.IsAzureDevOps() {
		t.Error("IsAzureDevOps by name")
	}
	other.App = parse.App{ID: "00000003-0000-0000-c000-000000000000", Name: "Microsoft Graph"}
	if env.IsAzureDevOps() {
		t.Error("IsAzureDevOps on Microsoft Graph")
	}
}

func TestLocationHelpers(t *testing.T) {
	ctx := &Context{
		NamedLocations: []policy.NamedLocation{
			{ID: "id-corp", Name: "Corporate egress", Kind: policy.LocationIP, Trusted: true,
				Ranges: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("192.0.2.0/26")}},
			{ID: "id-vpn", Name: "Contractor VPN", Kind: policy.LocationIP,
				Ranges: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("2001:db8:c0de::/48")}},
			{ID: "id-countries", Name: "Allowed countries", Kind: policy.LocationCountry, Countries: []string{"US", "GB"}},
			{ID: "id-unknown", Name: "Unknown countries", Kind: policy.LocationCountry, IncludeUnknownCountries: true},
		},
		TrustedIPs: []netip.Prefix{netip.MustParsePrefix("::ffff:198.51.100.0/120")},
	}
	env := newEnv(ctx.tenant())
	for _, tt := range []struct {
		ip            string
		trusted       string
		named         []string
		inVPN, inCorp bool
	}{
		{"203.0.113.10", "Corporate egress", []string{"Corporate egress"}, false, true},
		{"192.0.2.20", "Corporate egress", []string{"Corporate egress", "Contractor VPN"}, true, true},
		{"192.0.2.140", "", []string{"Contractor VPN"}, true, false},
		{"2001:db8:c0de::5", "", []string{"Contractor VPN"}, true, false},
		{"::ffff:203.0.113.10", "Corporate egress", []string{"Corporate egress"}, false, true},
		// A --trusted-ip range given in mapped form trusts the IPv4 address;
		// it is not a named location.
		{"198.51.100.23", "--trusted-ip ::ffff:198.51.100.0/120", nil, false, false},
		{"198.52.0.1", "", nil, false, false},
		{"bogus", "", nil, false, false},
	} {
		if got := env.TrustedLocation(tt.ip); got != tt.trusted {
			t.Errorf("TrustedLocation(%q) = %q, want %q", tt.ip, got, tt.trusted)
		}
		if got := env.Trusted(tt.ip); got != (tt.trusted != "") {
			t.Errorf("Trusted(%q) = %v", tt.ip, got)
		}
		if got := env.NamedLocations(tt.ip); strings.Join(got, "|") != strings.Join(tt.named, "|") {
			t.Errorf("NamedLocations(%q) = %q, want %q", tt.ip, got, tt.named)
		}
		wantFirst := ""
		if len(tt.named) > 0 {
			wantFirst = tt.named[0]
		}
		if got := env.NamedLocation(tt.ip); got != wantFirst {
			t.Errorf("NamedLocation(%q) = %q, want %q", tt.ip, got, wantFirst)
		}
		if env.InNamedLocation(tt.ip, "contractor vpn") != tt.inVPN || env.InNamedLocation(tt.ip, "id-corp") != tt.inCorp {
			t.Errorf("InNamedLocation(%q) wrong", tt.ip)
		}
	}
	if env.InNamedLocation("198.51.100.23", "--trusted-ip ::ffff:198.51.100.0/120") {
		t.Error("a --trusted-ip range counts as a named location")
	}
	if got := env.CountryLocations("gb"); strings.Join(got, "|") != "Allowed countries" {
		t.Errorf("CountryLocations(gb) = %v", got)
	}
	if got := env.CountryLocations(""); strings.Join(got, "|") != "Unknown countries" {
		t.Errorf("CountryLocations(\"\") = %v", got)
	}
	if !env.HasNamedLocations() || !env.HasTrustedRanges(0) || !env.HasTrustedRanges(4) || !env.HasTrustedRanges(6) || env.HasTrustedRanges(5) {
		t.Error("HasNamedLocations/HasTrustedRanges")
	}

	empty := newEnv((&Context{}).tenant())
	if empty.Trusted("203.0.113.10") || empty.HasNamedLocations() || empty.HasTrustedRanges(0) || empty.NamedLocation("203.0.113.10") != "" {
		t.Error("an empty context trusts something")
	}
	v4only := newEnv((&Context{TrustedIPs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}}).tenant())
	if !v4only.HasTrustedRanges(4) || v4only.HasTrustedRanges(6) {
		t.Error("HasTrustedRanges by version")
	}
}

// TestPolicyHelpers checks the helpers that evaluate --policies: the
// verdict, the policies that stop the sign-in, one policy's result and
// condition, and whether the location decides the block.
func TestPolicyHelpers(t *testing.T) {
	ex, err := policy.ParsePolicies("policies.json", []byte(`[
		{"id": "p1", "displayName": "Block outside office", "state": "enabled",
		 "conditions": {"users": {"includeUsers": ["All"]}, "applications": {"includeApplications": ["All"]},
		   "locations": {"includeLocations": ["All"], "excludeLocations": ["AllTrusted"]}},
		 "grantControls": {"builtInControls": ["block"]}},
		{"id": "p4", "displayName": "MFA for all", "state": "enabled",
		 "conditions": {"users": {"includeUsers": ["All"]}, "applications": {"includeApplications": ["All"]}},
		 "grantControls": {"builtInControls": ["mfa"]}}]`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := &Context{Policies: ex.Policies, TrustedIPs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}}
	env := newEnv(ctx.tenant())
	env.setRecord(testRecord())
	if !env.HasPolicies() || env.PolicyVerdict() != "blocked" {
		t.Errorf("HasPolicies %v, PolicyVerdict %q", env.HasPolicies(), env.PolicyVerdict())
	}
	if got := strings.Join(env.EvaluatedPolicies("failure"), "|"); got != "Block outside office|MFA for all" {
		t.Errorf("EvaluatedPolicies(failure) = %q", got)
	}
	if got := env.EvaluatedResult("p1"); got != "failure" {
		t.Errorf("EvaluatedResult(p1) = %q", got)
	}
	if env.ConditionMatch("block outside office", "location") != "yes" || env.ConditionMatch("MFA for all", "location") != "notSet" ||
		env.ConditionMatch("MFA for all", "devicePlatform") != "notSet" || env.ConditionMatch("nope", "location") != "" {
		t.Error("ConditionMatch")
	}
	// The MFA policy stops the PAT call too, and its location is not set:
	// the location does not decide the block.
	if env.BlockDecidedBy("location") {
		t.Error("BlockDecidedBy(location) with an MFA policy that fails whatever the location")
	}
	only := newEnv((&Context{Policies: ex.Policies[:1], TrustedIPs: ctx.TrustedIPs}).tenant())
	only.setRecord(testRecord())
	if !only.BlockDecidedBy("location") || only.BlockDecidedBy("users") {
		t.Error("BlockDecidedBy with the location policy alone")
	}
	// From the office the location policy does not apply.
	office := testRecord()
	office.IP = "203.0.113.10"
	only.setRecord(office)
	if only.PolicyVerdict() != "allowed" || only.BlockDecidedBy("location") {
		t.Errorf("from the office: verdict %q", only.PolicyVerdict())
	}
	none := newEnv((&Context{}).tenant())
	none.setRecord(testRecord())
	if none.HasPolicies() || none.PolicyVerdict() != "" || len(none.EvaluatedPolicies("")) != 0 || none.BlockDecidedBy("location") {
		t.Error("the policy helpers without policies")
	}
	for _, c := range []struct{ src, want string }{
		{`BlockDecidedBy("locaton")`, `BlockDecidedBy: "locaton" is not a condition`},
		{`ConditionMatch("p1", "ip") == "yes"`, `ConditionMatch: "ip" is not a condition`},
		{`EvaluatedResult("CA009") == "failure"`, `EvaluatedResult: no policy "CA009" among the policies`},
		{`len(EvaluatedPolicies("failed")) > 0`, `EvaluatedPolicies: "failed" is not a policy result`},
	} {
		if _, err := CompileFilter(c.src, ctx); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.src, err, c.want)
		}
	}
}
