package policy

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/parse"
)

// The IDs of the evaluator tests: one tenant, its groups and locations.
const (
	testGroupServiceAccounts = "4d1c8f2e-7a3b-4b6e-9f05-2c8d1e6a7b39"
	testGroupBreakGlass      = "11111111-2222-4333-8444-555555555555"
	testUserID               = "1fe161c6-f484-4b44-af3a-fdd3a009be31"
	testLocationCorporate    = "c8b6a51e-0c1b-4f8e-9d5f-3b2a7c4e6d10"
	testLocationCountries    = "0d7c3e91-6b2a-4f5d-8e1c-9a4b7f2d3c65"
	testLocationVPN          = "5e2f9d47-8a63-4c1b-b0e4-7f1a2d6c9b38"
)

// testLocations are the named locations of the tests: a trusted IPv4
// location, an untrusted one with IPv6, and a country location.
var testLocations = []NamedLocation{
	{ID: testLocationCorporate, Name: "Corporate egress", Kind: LocationIP, Trusted: true,
		Ranges: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("192.0.2.7/26")}},
	{ID: testLocationVPN, Name: "Contractor VPN", Kind: LocationIP,
		Ranges: []netip.Prefix{netip.MustParsePrefix("::ffff:192.0.2.128/121"), netip.MustParsePrefix("2001:db8:c0de::9d62/48")}},
	{ID: testLocationCountries, Name: "Allowed countries", Kind: LocationCountry, Countries: []string{"US", "GB"}},
}

// object is a JSON object built in tests.
type object = map[string]any

// with returns a copy of o with the member at the dotted path set to v (nil
// deletes it).
func with(o object, path string, v any) object {
	out := object{}
	for k, x := range o {
		out[k] = x
	}
	key, rest, nested := strings.Cut(path, ".")
	if !nested {
		if v == nil {
			delete(out, key)
		} else {
			out[key] = v
		}
		return out
	}
	inner, _ := out[key].(object)
	out[key] = with(inner, rest, v)
	return out
}

// blockPolicy is CA001 of the story: service accounts, Azure DevOps,
// outside trusted locations, block.
var blockPolicy = object{
	"id": "6c6fe338-a1db-4bbc-b984-0054d8199eb6", "displayName": "CA001", "state": "enabled",
	"conditions": object{
		"clientAppTypes": []string{"all"},
		"users":          object{"includeGroups": []string{testGroupServiceAccounts}, "excludeUsers": []string{"6b0f2c7d-9e41-4a8b-b3d5-1c2e7a9f4d60"}},
		"applications":   object{"includeApplications": []string{AzureDevOpsAppID}},
		"locations":      object{"includeLocations": []string{"All"}, "excludeLocations": []string{"AllTrusted"}},
	},
	"grantControls": object{"operator": "OR", "builtInControls": []string{"block"}},
}

// patCall is svc-build's personal access token calling Azure DevOps from
// the new build VM: non-interactive, no device.
var patCall = object{
	"id": "b27fd72f-4b41-446e-8160-b072930b6057", "createdDateTime": "2026-11-20T10:15:02Z",
	"userPrincipalName": "svc-build@contoso.com", "userId": testUserID, "userType": "Member",
	"crossTenantAccessType": "none", "isInteractive": false,
	"appId": AzureDevOpsAppID, "appDisplayName": "Azure DevOps", "resourceId": AzureDevOpsAppID, "resourceDisplayName": "Azure DevOps",
	"ipAddress": "198.51.100.23", "clientAppUsed": "Mobile Apps and Desktop clients", "conditionalAccessStatus": "failure",
	"location":     object{"city": "Amsterdam", "countryOrRegion": "NL"},
	"status":       object{"errorCode": 53003},
	"deviceDetail": object{"deviceId": "", "operatingSystem": "Linux"},
}

func mustRecord(t *testing.T, o object) *parse.Record {
	t.Helper()
	data, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := parse.DecodeJSONRecord(data)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func mustPolicies(t *testing.T, ps ...object) []Policy {
	t.Helper()
	data, err := json.Marshal(object{"value": ps})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := ParsePolicies("test.json", data)
	if err != nil {
		t.Fatal(err)
	}
	return ex.Policies
}

// member is memberships of the test user in groups.
func memberOf(t *testing.T, groups ...string) *Memberships {
	t.Helper()
	csv := "user,group\n"
	for _, g := range groups {
		csv += "svc-build@contoso.com," + g + "\n"
	}
	if len(groups) == 0 {
		csv += "svc-build@contoso.com,00000000-1111-2222-3333-444444444444\n"
	}
	m, err := ParseMemberships("memberships.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// evalCase evaluates one policy for one sign-in and explains it.
func evalCase(t *testing.T, cfg Config, rec *parse.Record) (Evaluation, Explanation) {
	t.Helper()
	e := NewEvaluator(cfg)
	var ev Evaluation
	e.Evaluate(rec, &ev)
	return ev, e.Explain(&ev, 0)
}

// TestConditions checks each condition type with its documented edge
// cases: what the condition makes of the policy (applies, and the first
// condition that does not match or is unknown) and the reason it gives.
func TestConditions(t *testing.T) {
	members := memberOf(t, testGroupServiceAccounts)
	tests := []struct {
		name    string
		policy  object
		record  object
		members *Memberships
		trusted []netip.Prefix
		applies Tri
		reason  Condition // The deciding condition when the policy does not apply or is unknown.
		why     string    // A text the explanation must hold.
	}{
		{"the blocked PAT call", blockPolicy, patCall, members, nil, Yes, 0,
			"198.51.100.23 is outside every excluded location (all trusted locations; the legacy MFA trusted IPs, which no export holds, are not checked)"},

		// Users.
		{"membership unknown", blockPolicy, patCall, nil, nil, Unknown, CondUsers,
			"applies only if svc-build@contoso.com is in group " + testGroupServiceAccounts},
		{"not in the group", blockPolicy, patCall, memberOf(t), nil, No, CondUsers, "is not among the users the policy includes"},
		{"exclusion beats inclusion", with(blockPolicy, "conditions.users.excludeUsers", []string{testUserID}), patCall, members, nil, No, CondUsers, "is excluded: their user ID"},
		{"excluded group unknown", with(with(blockPolicy, "conditions.users.includeGroups", nil), "conditions.users", object{"includeUsers": []string{"All"}, "excludeGroups": []string{testGroupBreakGlass}}),
			patCall, nil, nil, Unknown, CondUsers, "applies unless svc-build@contoso.com is in excluded group " + testGroupBreakGlass},
		{"excluded group known", with(blockPolicy, "conditions.users", object{"includeUsers": []string{"All"}, "excludeGroups": []string{testGroupBreakGlass}}),
			patCall, members, nil, Yes, 0, ""},
		{"None includes nobody", with(blockPolicy, "conditions.users", object{"includeUsers": []string{"None"}}), patCall, members, nil, No, CondUsers, ""},
		{"a role from memberships", with(blockPolicy, "conditions.users", object{"includeRoles": []string{"62e90394-69f5-4237-9190-012177145e10"}}),
			patCall, memberOf(t, "62e90394-69f5-4237-9190-012177145e10"), nil, Yes, 0, "role 62e90394"},
		{"guests: a member is none", with(blockPolicy, "conditions.users", object{"includeUsers": []string{"GuestsOrExternalUsers"}}), patCall, nil, nil, No, CondUsers, ""},
		{"guests: a B2B guest", with(blockPolicy, "conditions.users", object{"includeGuestsOrExternalUsers": object{"guestOrExternalUserTypes": "internalGuest,b2bCollaborationGuest", "externalTenants": object{"membershipKind": "all"}}}),
			with(with(patCall, "userType", "Guest"), "crossTenantAccessType", "b2bCollaboration"), nil, nil, Yes, 0, ""},
		{"guests: kind unknown", with(blockPolicy, "conditions.users", object{"includeGuestsOrExternalUsers": object{"guestOrExternalUserTypes": "b2bCollaborationGuest"}}),
			with(with(patCall, "userType", "Guest"), "crossTenantAccessType", nil), nil, nil, Unknown, CondUsers, ""},
		{"a service principal is no user", blockPolicy, with(with(patCall, "servicePrincipalId", "d51c7843-4e11-4e5f-8122-dc2fc0216b1c"), "signInEventTypes", []string{"servicePrincipal"}),
			members, nil, No, CondUsers, "a service principal signed in"},

		// Target resources.
		{"another resource", blockPolicy, with(patCall, "resourceId", AzureManagementAppID), members, nil, No, CondApplication, "the policy does not target"},
		{"all resources", with(blockPolicy, "conditions.applications.includeApplications", []string{"All"}), patCall, members, nil, Yes, 0, ""},
		{"excluded resource", with(blockPolicy, "conditions.applications.excludeApplications", []string{AzureDevOpsAppID}), patCall, members, nil, No, CondApplication, "is excluded"},
		{"Office365 does not hold Azure DevOps", with(blockPolicy, "conditions.applications.includeApplications", []string{"Office365"}), patCall, members, nil, No, CondApplication, ""},
		{"Office365 holds Exchange", with(blockPolicy, "conditions.applications.includeApplications", []string{"Office365"}), with(patCall, "resourceId", ExchangeOnlineAppID), members, nil, Yes, 0, ""},
		{"Office365 and an app it may hold", with(blockPolicy, "conditions.applications.includeApplications", []string{"Office365"}), with(patCall, "resourceId", "0000000a-0000-0000-c000-000000000000"), members, nil, Unknown, CondApplication, ""},
		{"the management API covers the Azure portal", with(blockPolicy, "conditions.applications.includeApplications", []string{AzureManagementAppID}), with(patCall, "resourceId", AzurePortalAppID), members, nil, Yes, 0, ""},
		{"a user action", with(blockPolicy, "conditions.applications", object{"includeUserActions": []string{"urn:user:registersecurityinfo"}}), patCall, members, nil, No, CondUserActions, ""},
		{"an authentication context", with(blockPolicy, "conditions.applications", object{"includeAuthenticationContextClassReferences": []string{"c1"}}), patCall, members, nil, Unknown, CondAuthContext, ""},

		// Client app types.
		{"unset client apps match", with(blockPolicy, "conditions.clientAppTypes", nil), patCall, members, nil, Yes, 0, ""},
		{"legacy clients only", with(blockPolicy, "conditions.clientAppTypes", []string{"exchangeActiveSync", "other"}), patCall, members, nil, No, CondClientApps, "mobileAppsAndDesktopClients"},
		{"legacy client IMAP", with(blockPolicy, "conditions.clientAppTypes", []string{"other"}), with(patCall, "clientAppUsed", "IMAP4"), members, nil, Yes, 0, ""},
		{"client app not recorded", with(blockPolicy, "conditions.clientAppTypes", []string{"browser"}), with(patCall, "clientAppUsed", nil), members, nil, Unknown, CondClientApps, ""},
		{"a future client app type", with(blockPolicy, "conditions.clientAppTypes", []string{"browser", "holographic"}), patCall, members, nil, Unknown, CondClientApps, "holographic"},

		// Device platforms.
		{"platform excluded", with(blockPolicy, "conditions.platforms", object{"includePlatforms": []string{"all"}, "excludePlatforms": []string{"linux"}}), patCall, members, nil, No, CondDevicePlatform, ""},
		{"platform from the OS", with(blockPolicy, "conditions.platforms", object{"includePlatforms": []string{"windows"}}), with(patCall, "deviceDetail.operatingSystem", "Windows10"), members, nil, Yes, 0, ""},
		{"no OS, all platforms", with(blockPolicy, "conditions.platforms", object{"includePlatforms": []string{"all"}}), with(patCall, "deviceDetail.operatingSystem", ""), members, nil, Yes, 0, ""},
		{"no OS, some platforms", with(blockPolicy, "conditions.platforms", object{"includePlatforms": []string{"android"}}), with(patCall, "deviceDetail.operatingSystem", ""), members, nil, Unknown, CondDevicePlatform, ""},

		// Locations.
		{"trusted address", blockPolicy, with(patCall, "ipAddress", "203.0.113.45"), members, nil, No, CondLocation, `excluded location: the trusted location "Corporate egress"`},
		{"host bits of a range masked", blockPolicy, with(patCall, "ipAddress", "192.0.2.1"), members, nil, No, CondLocation, ""},
		{"IPv4-mapped address in an IPv4 range", blockPolicy, with(patCall, "ipAddress", "::ffff:203.0.113.9"), members, nil, No, CondLocation, ""},
		{"IPv6 outside: no MFA trusted IPs caveat", blockPolicy, with(patCall, "ipAddress", "2001:db8:4d2:10::17"), members, nil, Yes, 0, "2001:db8:4d2:10::17 is outside every excluded location (all trusted locations)"},
		{"--trusted-ip counts as trusted", blockPolicy, patCall, members, []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}, No, CondLocation, "--trusted-ip 198.51.100.0/24"},
		{"the resource saw an untrusted address", blockPolicy, with(with(patCall, "ipAddress", "203.0.113.10"), "ipAddressFromResourceProvider", "198.51.100.23"), members, nil, Yes, 0, "the address 198.51.100.23 that Azure DevOps saw"},
		{"All vs AllTrusted", with(blockPolicy, "conditions.locations", object{"includeLocations": []string{"AllTrusted"}}), with(patCall, "ipAddress", "203.0.113.45"), members, nil, Yes, 0, ""},
		{"named IP location with IPv6 and host bits", with(blockPolicy, "conditions.locations", object{"includeLocations": []string{testLocationVPN}}), with(patCall, "ipAddress", "2001:db8:c0de:1::5"), members, nil, Yes, 0, ""},
		{"mapped range holds the IPv4 address", with(blockPolicy, "conditions.locations", object{"includeLocations": []string{testLocationVPN}}), with(patCall, "ipAddress", "192.0.2.140"), members, nil, Yes, 0, ""},
		{"country location", with(blockPolicy, "conditions.locations", object{"includeLocations": []string{"All"}, "excludeLocations": []string{testLocationCountries}}), patCall, members, nil, Yes, 0, ""},
		{"unknown country, not included", with(blockPolicy, "conditions.locations", object{"includeLocations": []string{testLocationCountries}}), with(patCall, "location", object{"city": ""}), members, nil, No, CondLocation, "the country of 198.51.100.23 is unknown"},
		{"a location not in the export", with(blockPolicy, "conditions.locations", object{"includeLocations": []string{"9e0a6a6c-2a7f-4b4d-9e55-0d0a3b5f7c11"}}), patCall, members, nil, Unknown, CondLocation, "not in the named locations given"},
		{"the zero ID, IPv4", with(blockPolicy, "conditions.locations", object{"includeLocations": []string{"All"}, "excludeLocations": []string{MFATrustedIPsID}}), patCall, members, nil, Unknown, CondLocation, "the MFA trusted IPs are in no export"},
		{"the zero ID, IPv6", with(blockPolicy, "conditions.locations", object{"includeLocations": []string{"All"}, "excludeLocations": []string{MFATrustedIPsID}}), with(patCall, "ipAddress", "2001:db8::1"), members, nil, Yes, 0, ""},
		{"no address recorded", blockPolicy, with(patCall, "ipAddress", nil), members, nil, Unknown, CondLocation, "no IP address"},

		// Risk.
		{"sign-in risk not exported", with(blockPolicy, "conditions.signInRiskLevels", []string{"high"}), patCall, members, nil, Unknown, CondSignInRisk, ""},
		{"sign-in risk none", with(blockPolicy, "conditions.signInRiskLevels", []string{"high"}), with(patCall, "riskLevelDuringSignIn", "none"), members, nil, No, CondSignInRisk, ""},
		{"sign-in risk high", with(blockPolicy, "conditions.signInRiskLevels", []string{"medium", "high"}), with(patCall, "riskLevelDuringSignIn", "high"), members, nil, Yes, 0, ""},
		{"sign-in risk hidden", with(blockPolicy, "conditions.signInRiskLevels", []string{"high"}), with(patCall, "riskLevelDuringSignIn", "hidden"), members, nil, Unknown, CondSignInRisk, ""},
		{"user risk is never exported", with(blockPolicy, "conditions.userRiskLevels", []string{"high"}), patCall, members, nil, Unknown, CondUserRisk, "do not record user risk"},

		// Device filters: an unregistered device has every attribute null.
		{"negative operator, unregistered device", with(blockPolicy, "conditions.devices", object{"deviceFilter": object{"mode": "include", "rule": `device.trustType -ne "ServerAD"`}}), patCall, members, nil, Yes, 0, ""},
		{"positive operator, unregistered device", with(blockPolicy, "conditions.devices", object{"deviceFilter": object{"mode": "include", "rule": `device.trustType -eq "ServerAD"`}}), patCall, members, nil, No, CondDevices, ""},
		{"exclude mode, positive operator, unregistered device", with(blockPolicy, "conditions.devices", object{"deviceFilter": object{"mode": "exclude", "rule": `device.isCompliant -eq True`}}), patCall, members, nil, Yes, 0, ""},
		{"registered device, attribute not exported", with(blockPolicy, "conditions.devices", object{"deviceFilter": object{"mode": "include", "rule": `device.model -startsWith "Surface"`}}),
			with(patCall, "deviceDetail", object{"deviceId": "9ca87d78-1013-4d6b-a20c-620dea37e76a", "isCompliant": true}), members, nil, Unknown, CondDevices, ""},
		{"registered device, compliant", with(blockPolicy, "conditions.devices", object{"deviceFilter": object{"mode": "exclude", "rule": `device.isCompliant -eq True -or device.model -eq "x"`}}),
			with(patCall, "deviceDetail", object{"deviceId": "9ca87d78-1013-4d6b-a20c-620dea37e76a", "isCompliant": true}), members, nil, No, CondDevices, ""},
		{"an unreadable rule", with(blockPolicy, "conditions.devices", object{"deviceFilter": object{"mode": "include", "rule": `device.trustType -like "x"`}}), patCall, members, nil, Unknown, CondDevices, "cannot read the device filter"},

		// Authentication flows.
		{"device code flow", with(blockPolicy, "conditions.authenticationFlows", object{"transferMethods": "deviceCodeFlow"}), with(patCall, "authenticationProtocol", "deviceCode"), members, nil, Yes, 0, ""},
		{"not the device code flow", with(blockPolicy, "conditions.authenticationFlows", object{"transferMethods": "deviceCodeFlow"}), with(patCall, "authenticationProtocol", "none"), members, nil, No, CondAuthFlow, ""},
		{"authentication transfer is not exported", with(blockPolicy, "conditions.authenticationFlows", object{"transferMethods": "deviceCodeFlow,authenticationTransfer"}), with(patCall, "authenticationProtocol", "none"), members, nil, Unknown, CondAuthFlow, ""},

		// What cannot be evaluated offline.
		{"times", with(blockPolicy, "conditions.times", object{"startTime": "08:00"}), patCall, members, nil, Unknown, CondUnsupported, "times"},
		{"future keys are ignored", with(blockPolicy, "conditions.holograms", object{"include": []string{"All"}}), patCall, members, nil, Yes, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Policies: mustPolicies(t, tt.policy), NamedLocations: testLocations, Memberships: tt.members, TrustedIPs: tt.trusted}
			ev, x := evalCase(t, cfg, mustRecord(t, tt.record))
			r := ev.Results[0]
			if r.Applies != tt.applies {
				t.Errorf("applies = %v, want %v (%s)", r.Applies, tt.applies, x.Summary())
			}
			if tt.applies != Yes && r.Reason != tt.reason {
				t.Errorf("reason = %v, want %v (%s)", r.Reason, tt.reason, x.Summary())
			}
			if tt.why != "" {
				var all []string
				for _, c := range x.Conditions {
					all = append(all, c.Reason)
				}
				if !strings.Contains(strings.Join(all, " | "), tt.why) {
					t.Errorf("reasons %q lack %q", all, tt.why)
				}
			}
		})
	}
}

// TestControls checks the grant controls: block wins, AND and OR, each
// control satisfied by the record, unsatisfiable in the flow, or unknown;
// the sign-in frequency as a session control; report-only never enforces.
func TestControls(t *testing.T) {
	members := memberOf(t, testGroupServiceAccounts)
	grant := func(op string, controls ...string) object {
		return with(blockPolicy, "grantControls", object{"operator": op, "builtInControls": controls})
	}
	interactive := with(with(with(patCall, "isInteractive", true), "appId", "872cd9fa-d31f-45e0-9eab-6e460a02d1f1"), "status.errorCode", 0)
	mfaDoneCall := with(interactive, "authenticationDetails", []object{{"authenticationStepRequirement": "Multifactor authentication", "succeeded": true, "authenticationMethod": "Mobile app notification"}})
	compliant := with(interactive, "deviceDetail", object{"deviceId": "9ca87d78-1013-4d6b-a20c-620dea37e76a", "isCompliant": true, "trustType": "Azure AD joined", "operatingSystem": "Windows10"})
	tests := []struct {
		name    string
		policy  object
		record  object
		grant   Grant
		control string
		status  ControlStatus
		result  string
		verdict Verdict
	}{
		{"block", blockPolicy, patCall, GrantBlocked, ControlBlock, StatusBlock, parse.CAFailure, VerdictBlocked},
		{"MFA on a PAT", grant("OR", "mfa"), patCall, GrantFailed, ControlMFA, StatusUnsatisfiable, parse.CAFailure, VerdictBlocked},
		{"a compliant device on a PAT", grant("AND", "compliantDevice"), patCall, GrantFailed, ControlCompliantDevice, StatusUnsatisfiable, parse.CAFailure, VerdictBlocked},
		{"MFA done", grant("OR", "mfa"), mfaDoneCall, GrantSatisfied, ControlMFA, StatusSatisfied, parse.CASuccess, VerdictAllowed},
		{"MFA in a browser, not yet done", grant("OR", "mfa"), interactive, GrantUserAction, ControlMFA, StatusUserAction, parse.CAUnknown, VerdictUnknown},
		{"MFA required, code 50076", grant("OR", "mfa"), with(interactive, "status.errorCode", 50076), GrantFailed, ControlMFA, StatusNotSatisfied, parse.CAFailure, VerdictBlocked},
		{"MFA on legacy authentication", grant("OR", "mfa"), with(interactive, "clientAppUsed", "IMAP4"), GrantFailed, ControlMFA, StatusUnsatisfiable, parse.CAFailure, VerdictBlocked},
		{"AND: MFA done, device compliant", grant("AND", "mfa", "compliantDevice"), with(compliant, "authenticationDetails", mfaDoneCall["authenticationDetails"]), GrantSatisfied, "", StatusSatisfied, parse.CASuccess, VerdictAllowed},
		{"AND: device compliant, MFA to do", grant("AND", "compliantDevice", "mfa"), compliant, GrantUserAction, ControlMFA, StatusUserAction, parse.CAUnknown, VerdictUnknown},
		{"OR: device compliant is enough", grant("OR", "mfa", "compliantDevice"), compliant, GrantSatisfied, ControlCompliantDevice, StatusSatisfied, parse.CASuccess, VerdictAllowed},
		{"OR: both fail on a PAT", grant("OR", "mfa", "domainJoinedDevice"), patCall, GrantFailed, ControlMFA, StatusUnsatisfiable, parse.CAFailure, VerdictBlocked},
		{"hybrid join required of an Entra-joined device", grant("AND", "domainJoinedDevice"), compliant, GrantFailed, ControlDomainJoinedDevice, StatusNotSatisfied, parse.CAFailure, VerdictBlocked},
		{"approved app on Windows", grant("AND", "approvedApplication"), compliant, GrantFailed, ControlApprovedApplication, StatusUnsatisfiable, parse.CAFailure, VerdictBlocked},
		{"device code flow cannot satisfy a device grant", grant("AND", "compliantDevice"), with(with(interactive, "authenticationProtocol", "deviceCode"), "deviceDetail", object{"deviceId": ""}), GrantFailed, ControlCompliantDevice, StatusUnsatisfiable, parse.CAFailure, VerdictBlocked},
		{"an unknown control", grant("AND", "holographicDevice"), compliant, GrantUnknown, "holographicDevice", StatusUnknown, parse.CAUnknown, VerdictUnknown},
		{"report-only never enforces", with(blockPolicy, "state", "enabledForReportingButNotEnforced"), patCall, GrantBlocked, ControlBlock, StatusBlock, parse.CAReportOnlyFailure, VerdictAllowed},
		{"sign-in frequency failed, 70044", with(with(blockPolicy, "grantControls", nil), "sessionControls", object{"signInFrequency": object{"value": 30, "type": "days", "isEnabled": true}}),
			with(patCall, "status.errorCode", 70044), GrantFailed, ControlSignInFrequency, StatusNotSatisfied, parse.CAFailure, VerdictBlocked},
		{"sign-in frequency, sign-in succeeded", with(with(blockPolicy, "grantControls", nil), "sessionControls", object{"signInFrequency": object{"value": 30, "type": "days", "isEnabled": true}}),
			with(with(patCall, "status.errorCode", 0), "conditionalAccessStatus", "success"), GrantSatisfied, "", StatusSatisfied, parse.CASuccess, VerdictAllowed},
		{"sign-in frequency on a PAT, age unknown", with(with(blockPolicy, "grantControls", nil), "sessionControls", object{"signInFrequency": object{"value": 30, "type": "days", "isEnabled": true}}),
			patCall, GrantUnknown, ControlSignInFrequency, StatusUnknown, parse.CAUnknown, VerdictUnknown},
		{"sign-in frequency disabled", with(with(blockPolicy, "grantControls", nil), "sessionControls", object{"signInFrequency": object{"value": 30, "type": "days", "isEnabled": false}}),
			patCall, GrantSatisfied, "", StatusSatisfied, parse.CASuccess, VerdictAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Policies: mustPolicies(t, tt.policy), NamedLocations: testLocations, Memberships: members}
			ev, x := evalCase(t, cfg, mustRecord(t, tt.record))
			r := ev.Results[0]
			if r.Applies != Yes {
				t.Fatalf("the policy does not apply: %s", x.Summary())
			}
			if r.Grant != tt.grant || r.Control != tt.control || r.ControlStatus != tt.status || r.Result != tt.result || ev.Verdict != tt.verdict {
				t.Errorf("grant %v, control %q %v, result %s, verdict %v; want %v, %q %v, %s, %v (%s)", r.Grant, r.Control, r.ControlStatus, r.Result, ev.Verdict,
					tt.grant, tt.control, tt.status, tt.result, tt.verdict, x.ControlsSummary())
			}
		})
	}
}

// TestDisabled checks that a disabled policy enforces nothing and is
// logged as not enabled, and that Explain still evaluates its conditions.
func TestDisabled(t *testing.T) {
	cfg := Config{Policies: mustPolicies(t, with(blockPolicy, "state", "disabled")), NamedLocations: testLocations, Memberships: memberOf(t, testGroupServiceAccounts)}
	ev, x := evalCase(t, cfg, mustRecord(t, patCall))
	if ev.Results[0].Result != parse.CANotEnabled || ev.Verdict != VerdictAllowed || x.Summary() != "the policy is disabled" {
		t.Errorf("result %s, verdict %v, summary %q", ev.Results[0].Result, ev.Verdict, x.Summary())
	}
	if c, ok := x.Condition(CondLocation); !ok || c.Match != Yes {
		t.Errorf("location of a disabled policy: %+v, %v", c, ok)
	}
}

// TestVerdict checks how the policies' results fold into the verdict: a
// block wins over a control not met, every applying policy must be met,
// and a policy that may apply with a control not met leaves it open.
func TestVerdict(t *testing.T) {
	mfa := with(with(blockPolicy, "id", "8d36f18e-3b1b-4063-9322-ef0ae9766b1f"), "grantControls", object{"builtInControls": []string{"mfa"}})
	mfa = with(mfa, "displayName", "CA002")
	other := with(mfa, "conditions.users", object{"includeGroups": []string{testGroupBreakGlass}})
	cases := []struct {
		name     string
		policies []object
		members  *Memberships
		verdict  Verdict
		deciding string
	}{
		{"block wins over MFA", []object{mfa, blockPolicy}, memberOf(t, testGroupServiceAccounts), VerdictBlocked, "CA001"},
		{"MFA alone", []object{mfa}, memberOf(t, testGroupServiceAccounts), VerdictBlocked, "CA002"},
		{"an MFA policy of another group", []object{other}, memberOf(t, testGroupServiceAccounts), VerdictAllowed, ""},
		{"an MFA policy that may apply", []object{other}, nil, VerdictUnknown, "CA002"},
		{"no policy", nil, nil, VerdictAllowed, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var pols []Policy
			if len(c.policies) > 0 {
				pols = mustPolicies(t, c.policies...)
			}
			e := NewEvaluator(Config{Policies: pols, NamedLocations: testLocations, Memberships: c.members})
			var ev Evaluation
			e.Evaluate(mustRecord(t, patCall), &ev)
			name := ""
			if d := ev.DecidingResult(); d != nil {
				name = d.Policy.Name
			}
			if ev.Verdict != c.verdict || name != c.deciding {
				t.Errorf("verdict %v by %q, want %v by %q", ev.Verdict, name, c.verdict, c.deciding)
			}
		})
	}
	// A sign-in that failed before Conditional Access, and a managed
	// identity, are not Conditional Access's to decide.
	e := NewEvaluator(Config{Policies: mustPolicies(t, blockPolicy), NamedLocations: testLocations})
	for _, rec := range []object{
		with(with(patCall, "status.errorCode", 50126), "conditionalAccessStatus", "notApplied"),
		with(with(patCall, "signInEventTypes", []string{"managedIdentity"}), "userPrincipalName", nil),
	} {
		var ev Evaluation
		e.Evaluate(mustRecord(t, rec), &ev)
		if ev.Verdict != VerdictNotEvaluated || ev.Results[0].Result != parse.CANotApplied {
			t.Errorf("verdict %v, result %s; want notEvaluated, notApplied", ev.Verdict, ev.Results[0].Result)
		}
	}
}

// TestMembershipEvidence checks what the logged policy results prove of
// the user's groups: a policy Entra applied matched its user assignment.
func TestMembershipEvidence(t *testing.T) {
	mfaGroup := with(with(with(blockPolicy, "id", "8d36f18e-3b1b-4063-9322-ef0ae9766b1f"), "displayName", "CA002"), "grantControls", object{"builtInControls": []string{"mfa"}})
	pols := mustPolicies(t, blockPolicy, with(mfaGroup, "conditions.users.includeGroups", []string{testGroupBreakGlass}))
	logged := func(results ...object) object { return with(patCall, "appliedConditionalAccessPolicies", results) }
	e := NewEvaluator(Config{Policies: pols, NamedLocations: testLocations})
	for _, c := range []struct {
		name   string
		record object
		ca001  Tri // CA001's users condition.
		ca002  Tri
	}{
		{"nothing logged", patCall, Unknown, Unknown},
		{"CA001 applied", logged(object{"id": pols[0].ID, "result": "failure", "enforcedGrantControls": []string{"Block"}}), Yes, Unknown},
		{"CA002 users not satisfied", logged(object{"id": pols[1].ID, "result": "notApplied", "conditionsNotSatisfied": "users"}), Unknown, No},
		{"CA002 users satisfied, location not", logged(object{"id": pols[1].ID, "result": "notApplied", "conditionsSatisfied": "application,users", "conditionsNotSatisfied": "location"}), Unknown, Yes},
	} {
		var ev Evaluation
		e.Evaluate(mustRecord(t, c.record), &ev)
		got := func(i int) Tri {
			x := e.Explain(&ev, i)
			r, _ := x.Condition(CondUsers)
			return r.Match
		}
		if got(0) != c.ca001 || got(1) != c.ca002 {
			t.Errorf("%s: users of CA001 %v, CA002 %v; want %v, %v", c.name, got(0), got(1), c.ca001, c.ca002)
		}
	}
}

func TestTri(t *testing.T) {
	all := []Tri{Yes, No, Unknown}
	for _, a := range all {
		for _, b := range all {
			if a.And(b) != b.And(a) || a.Or(b) != b.Or(a) {
				t.Errorf("%v and %v are not commutative", a, b)
			}
			if a.And(b).Not() != a.Not().Or(b.Not()) {
				t.Errorf("De Morgan fails for %v, %v", a, b)
			}
		}
	}
	if Yes.And(Unknown) != Unknown || No.And(Unknown) != No || Yes.Or(Unknown) != Yes || No.Or(Unknown) != Unknown {
		t.Error("Kleene's tables do not hold")
	}
}

func TestAddrSet(t *testing.T) {
	s := newAddrSet([]netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("192.0.2.77/26"),
		netip.MustParsePrefix("::ffff:198.51.100.0/120"), netip.MustParsePrefix("2001:db8::9d62/48"), netip.MustParsePrefix("::/0"),
	})
	for ip, want := range map[string]bool{
		"10.255.255.255": true, "11.0.0.0": false, "192.0.2.64": true, "192.0.2.63": false, "192.0.2.127": true, "192.0.2.128": false,
		"198.51.100.255": true, "198.51.101.0": false, "2001:db8:0:ffff::1": true, "fe80::1": true,
	} {
		if got := s.contains(netip.MustParseAddr(ip).Unmap()); got != want {
			t.Errorf("contains(%s) = %v, want %v", ip, got, want)
		}
	}
	v6 := newAddrSet([]netip.Prefix{netip.MustParsePrefix("2001:db8:4d2::/48"), netip.MustParsePrefix("2001:db8:4d2:10::/64")})
	if !v6.contains(netip.MustParseAddr("2001:db8:4d2:ffff::1")) || v6.contains(netip.MustParseAddr("2001:db8:4d3::1")) || v6.contains(netip.MustParseAddr("10.0.0.1")) {
		t.Error("IPv6 ranges")
	}
}
