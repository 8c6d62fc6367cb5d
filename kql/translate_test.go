package kql

import (
	"net/netip"
	"testing"

	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

// TestTranslate translates one expression per operator and helper, from
// the rule language to KQL text.
func TestTranslate(t *testing.T) {
	ctx := &rules.Context{
		NamedLocations: []policy.NamedLocation{
			{ID: "loc-1", Name: "Corporate egress", Kind: policy.LocationIP, Trusted: true, Ranges: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}},
			{ID: "loc-2", Name: "Contractor VPN", Kind: policy.LocationIP, Ranges: []netip.Prefix{netip.MustParsePrefix("2001:db8:c0de::/48")}},
			{ID: "loc-3", Name: "Allowed countries", Kind: policy.LocationCountry, Countries: []string{"US", "NL"}},
		},
		TrustedIPs: []netip.Prefix{netip.MustParsePrefix("::ffff:198.51.100.0/120")},
	}
	for _, c := range []struct{ src, want string }{
		// Comparisons: == between strings is case-sensitive, as in expr.
		{`App.Name == "Azure DevOps"`, `App_Name == "Azure DevOps"`},
		{`Status.Code != 53003`, `Status_Code != 53003`},
		{`ASN >= 64500 && ASN < 64512`, `ASN >= 64500 and ASN < 64512`},
		{`lower(User.UPN) == "svc-build@contoso.com"`, `User_UPN =~ "svc-build@contoso.com"`},
		{`lower(User.UPN) == "Svc"`, `false`},
		{`upper(Location.Country) != "NL"`, `Location_Country !~ "NL"`},
		{`lower(User.UPN) startsWith "svc-"`, `User_UPN startswith "svc-"`},
		{`UserAgent startsWith "git/"`, `UserAgent startswith_cs "git/"`},
		{`UserAgent endsWith "x"`, `UserAgent endswith_cs "x"`},
		{`UserAgent contains "Git"`, `UserAgent contains_cs "Git"`},
		{`UserAgent matches "^git/2\\."`, `UserAgent matches regex @"^git/2\."`},
		{`len(UserAgent) > 3`, `strlen(UserAgent) > 3`},
		{`lower(UserAgent) == upper(IP)`, `tolower(UserAgent) == toupper(IP)`},
		// Membership.
		{`Status.Code in [53003, 530032]`, `Status_Code in (53003, 530032)`},
		{`Flow not in ["interactive", ""]`, `not(Flow in ("interactive", ""))`},
		{`IP in [IPSeenByResource, ""]`, `IP == IPSeenByResource or IP == ""`},
		{`"Contractor VPN" in NamedLocations(IP)`, `coalesce(set_has_element(array_concat(iff(coalesce(ipv4_is_in_any_range(IP, dynamic(["203.0.113.0/24"])), false) or coalesce(ipv6_is_in_any_range(IP, dynamic(["0:0:0:0:0:ffff:cb00:7100/120"])), false), dynamic(["Corporate egress"]), dynamic([])), iff(coalesce(ipv6_is_in_any_range(IP, dynamic(["2001:db8:c0de::/48"])), false), dynamic(["Contractor VPN"]), dynamic([]))), "Contractor VPN"), false)`},
		// Logic, arithmetic, conditionals, let, strings.
		{`!Failed() || CAStatus == "failure"`, `not(Status_Code != 0) or CAStatus == "failure"`},
		{`(Failed() || IP == "") && ASN == 1`, `(Status_Code != 0 or IP == "") and ASN == 1`},
		{`ASN + 1 == 2 * 3 - 1`, `ASN + 1 == 2 * 3 - 1`},
		{`ASN % 2 == 0`, `ASN % 2 == 0`},
		{`(IP == "" ? "none" : IP) == "x"`, `iff(IP == "", "none", IP) == "x"`},
		{`let ip = IP; ip != "" && SameIP(ip, IPSeenByResource)`, `IP != "" and _same_ip(IP, IPSeenByResource)`},
		{`User.UPN + "/" + IP == "a/b"`, `strcat(User_UPN, "/", IP) == "a/b"`},
		{`string(ASN) == "1"`, `tostring(ASN) == "1"`},
		{`Time >= date("2026-11-20T10:00:00Z")`, `Time >= datetime(2026-11-20T10:00:00Z)`},
		// Values that may be unknown.
		{`Device.Compliant == true`, `coalesce(Device_Compliant, false)`},
		{`Device.Compliant != true`, `not(coalesce(Device_Compliant, false))`},
		{`Device.Managed == false`, `coalesce(not(Device_Managed), false)`},
		{`Device.Compliant == nil`, `isnull(Device_Compliant)`},
		// Lists.
		{`len(Policies) == 0`, `coalesce(array_length(Policies), 0) == 0`},
		{`any(Policies, .Result == "failure" && "Block" in .GrantControls)`, `_Policies_1`},
		{`all(Policies, .Result in ["notApplied", "notEnabled"])`, `_Policies_1`},
		{`count(Policies, "location" in .ConditionsSatisfied) > 1`, `_Policies_1 > 1`},
		{`any(NetworkLocations, "Corporate egress" in .Names)`, `_NetworkLocations_1`},
		{`none(AuthSteps, .Succeeded == false)`, `_AuthSteps_1`},
		{`join(PolicyNames("failure"), "; ") == ""`, `strcat_array(_PolicyNames_failure, "; ") == ""`},
		// Helpers.
		{`Known("Policies")`, `Known_Policies`},
		{`IsAzureDevOps()`, `App_ID =~ "499b84ac-1321-427f-aa17-267ca6975798" or Resource_ID =~ "499b84ac-1321-427f-aa17-267ca6975798" or App_Name =~ "Azure DevOps" or Resource_Name =~ "Azure DevOps"`},
		{`HasPolicyControl("failure", "RequireCompliantDevice")`, `_HasPolicyControl_failure_RequireCompliantDevice`},
		{`HasPolicyCondition("", "location")`, `_HasPolicyCondition_any_location`},
		{`InCIDR(IP, "198.51.100.0/24")`, `coalesce(ipv4_is_in_any_range(IP, dynamic(["198.51.100.0/24"])), false) or coalesce(ipv6_is_in_any_range(IP, dynamic(["0:0:0:0:0:ffff:c633:6400/120"])), false)`},
		{`InCIDR(IP, "2001:db8::/32")`, `coalesce(ipv6_is_in_any_range(IP, dynamic(["2001:db8::/32"])), false)`},
		{`IPVersion(IP) == 6`, `_ip_version(IP) == 6`},
		{`Trusted(IP)`, `coalesce(ipv4_is_in_any_range(IP, dynamic(["203.0.113.0/24", "198.51.100.0/24"])), false) or coalesce(ipv6_is_in_any_range(IP, dynamic(["0:0:0:0:0:ffff:cb00:7100/120", "0:0:0:0:0:ffff:c633:6400/120"])), false)`},
		{`TrustedLocation(IP) == "Corporate egress"`, `case(coalesce(ipv4_is_in_any_range(IP, dynamic(["203.0.113.0/24"])), false) or coalesce(ipv6_is_in_any_range(IP, dynamic(["0:0:0:0:0:ffff:cb00:7100/120"])), false), "Corporate egress", coalesce(ipv4_is_in_any_range(IP, dynamic(["198.51.100.0/24"])), false) or coalesce(ipv6_is_in_any_range(IP, dynamic(["0:0:0:0:0:ffff:c633:6400/120"])), false), "--trusted-ip ::ffff:198.51.100.0/120", "") == "Corporate egress"`},
		{`NamedLocation(IP) != ""`, `case(coalesce(ipv4_is_in_any_range(IP, dynamic(["203.0.113.0/24"])), false) or coalesce(ipv6_is_in_any_range(IP, dynamic(["0:0:0:0:0:ffff:cb00:7100/120"])), false), "Corporate egress", coalesce(ipv6_is_in_any_range(IP, dynamic(["2001:db8:c0de::/48"])), false), "Contractor VPN", "") != ""`},
		{`InNamedLocation(IP, "contractor vpn")`, `coalesce(ipv6_is_in_any_range(IP, dynamic(["2001:db8:c0de::/48"])), false)`},
		{`len(CountryLocations(Location.Country)) == 0`, `coalesce(array_length(iff((isnotempty(trim(@"\s+", Location_Country)) and trim(@"\s+", Location_Country) in~ ("US", "NL")), dynamic(["Allowed countries"]), dynamic([]))), 0) == 0`},
		{`HasNamedLocations() && HasTrustedRanges(6)`, `true`},
		{`HasTrustedRanges(4) || IP == ""`, `true`},
		{`EqualFold(App.Name, "azure devops")`, `App_Name =~ "azure devops"`},
		{`ContainsFold(UserAgent, "GIT/")`, `UserAgent contains "GIT/"`},
		{`ContainsFold(UserAgent, "")`, `true`},
		{`IsCACode(Status.Code)`, `Status_Code between (53000 .. 53004) or Status_Code in (53010, 53011, 50005, 50131, 70043, 70044) or Status_Code between (530000 .. 530099)`},
		{`CodeName(Status.Code) == "BlockedByConditionalAccess"`, ""},
	} {
		env := newEnvironment(ctx)
		v, err := translateSource(c.src, env)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if c.want != "" && v.text != c.want {
			t.Errorf("%s\n got: %s\nwant: %s", c.src, v.text, c.want)
		}
	}
}

// TestAggregates checks what the list helpers compute per row.
func TestAggregates(t *testing.T) {
	for _, c := range []struct{ src, list, want string }{
		{`HasPolicyControl("failure", "Require-Compliant Device")`, "Policies",
			`countif(_result =~ "failure" and (_has_control(_p.enforcedGrantControls, "compliantdevice") or _has_control(_p.enforcedSessionControls, "compliantdevice"))) > 0`},
		{`HasPolicyCondition("failure", "")`, "Policies", `countif(_result =~ "failure" and _condition_any(_p.conditionsSatisfied)) > 0`},
		{`HasPolicyCondition("failure", "none")`, "Policies", `countif(_result =~ "failure" and false) > 0`},
		{`HasPolicyCondition("failure", "Location")`, "Policies", `countif(_result =~ "failure" and _condition_in(_p.conditionsSatisfied, "Location", 8, true)) > 0`},
		{`len(PolicyNames("")) > 0`, "Policies", `make_list(iff(isnotempty(tostring(_p.displayName)), tostring(_p.displayName), tostring(_p.id)))`},
		{`any(Policies, "location" in .ConditionsNotSatisfied)`, "Policies", `countif(_condition_in(_p.conditionsNotSatisfied, "location", 8, false)) > 0`},
		{`len(map(filter(Policies, .Result == "failure"), .Name)) > 0`, "Policies", `make_list_if(tostring(_p.displayName), _result == "failure")`},
		{`one(AuthSteps, .Method == "Password")`, "AuthSteps", `countif(tostring(_s.authenticationMethod) == "Password") == 1`},
	} {
		env := newEnvironment(nil)
		if _, err := translateSource(c.src, env); err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		la := env.lists[c.list]
		if la == nil || len(la.names) != 1 || la.aggs[la.names[0]] != c.want {
			got := ""
			if la != nil && len(la.names) > 0 {
				got = la.aggs[la.names[len(la.names)-1]]
			}
			t.Errorf("%s\n got: %s\nwant: %s", c.src, got, c.want)
		}
	}
}

// TestUntranslatable names the construct and its position.
func TestUntranslatable(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`Time.Hour() > 18`, "no KQL form for the method Time.Hour() (1:6)"},
		{`Policies[0].Result == "failure"`, "no KQL form for indexing (Policies[0]) (1:9)"},
		{`any(PolicyNames("failure"), # startsWith "CA")`, "no KQL form for any() over PolicyNames(\"failure\") (1:1)"},
		{`HasPolicyControl(CAStatus, "Block")`, "no KQL form for HasPolicyControl with a result that is not a constant string (1:1)"},
		{`{"a": 1}.a == 1`, "no KQL form for a map literal (1:1)"},
		{`any(Policies, any(Policies, .Result == "x"))`, "no KQL form for any() inside another predicate (1:15)"},
		{`Policies[0:1] == nil`, "no KQL form for slicing (1:9)"},
	} {
		_, err := translateSource(c.src, newEnvironment(nil))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v, want %q", c.src, err, c.want)
		}
	}
}
