package policy

import (
	"net/netip"
	"strings"
	"testing"
)

// TestDeviceFilter checks the rule syntax of device filters and the
// documented behaviour of null attributes: an unregistered device makes
// positive operators false and negative ones true.
func TestDeviceFilter(t *testing.T) {
	registered := &facts{}
	registered.reset(mustRecord(t, with(patCall, "deviceDetail", object{"deviceId": "9ca87d78-1013-4d6b-a20c-620dea37e76a",
		"displayName": "CONTOSO-LT-0388", "isCompliant": true, "trustType": "Hybrid Azure AD joined"})))
	unregistered := &facts{}
	unregistered.reset(mustRecord(t, patCall))
	for _, c := range []struct {
		rule               string
		registered, unregd Tri
	}{
		{`device.trustType -eq "ServerAD"`, Yes, No},
		{`device.trustType -ne "ServerAD"`, No, Yes},
		{`device.isCompliant -eq True`, Yes, No},
		{`device.displayName -startsWith "contoso-"`, Yes, No},
		{`device.displayName -notEndsWith "0388"`, No, Yes},
		{`device.displayName -contains "LT"`, Yes, No},
		{`device.displayName -in ["a", "CONTOSO-LT-0388"]`, Yes, No},
		{`device.displayName -notIn ['a', 'b']`, Yes, Yes},
		{`device.model -eq "Surface"`, Unknown, No},
		{`device.model -eq "Surface" -or device.isCompliant -eq True`, Yes, No},
		{`device.model -eq "Surface" -and device.isCompliant -eq False`, No, No},
		{`-not (device.trustType -eq "AzureAD")`, Yes, Yes},
		{`(device.extensionAttribute1 -eq "SAW") -or (device.deviceId -eq "9ca87d78-1013-4d6b-a20c-620dea37e76a")`, Yes, No},
	} {
		e, err := parseFilter(c.rule)
		if err != nil {
			t.Errorf("%s: %v", c.rule, err)
			continue
		}
		if got := e.eval(registered); got != c.registered {
			t.Errorf("%s on a registered device = %v, want %v", c.rule, got, c.registered)
		}
		if got := e.eval(unregistered); got != c.unregd {
			t.Errorf("%s on an unregistered device = %v, want %v", c.rule, got, c.unregd)
		}
	}
	for rule, want := range map[string]string{
		"":                                "is empty",
		`device.color -eq "red"`:          `"device.color" is not a device attribute`,
		`device.model -like "x"`:          `"-like" is not an operator of device filters`,
		`(device.model -eq "x"`:           "a parenthesis is not closed",
		`device.model -eq`:                "needs a value",
		`device.model -in ["a"`:           "a list of values is not closed",
		`device.model -eq "x" extra`:      `unexpected "extra"`,
		strings.Repeat("(", 200) + "x":    "nested too deep",
		strings.Repeat("x", 3073):         "longer than 3072 characters",
		`device.model -eq "x" -and`:       "ends where a comparison should be",
		`device.model -eq "x" -or -or`:    `"-or" is not a device attribute`,
		`device.isCompliant -eq (True)`:   "needs a value",
		`device.trustType -ne "ServerAD`:  "",
		`device.trustType -ne 'ServerAD"`: "",
	} {
		_, err := parseFilter(rule)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v, want it read", rule, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: error %v, want %q", rule, err, want)
		}
	}
}

// TestEdits checks whatif's edits: what each flag value must look like,
// what applying it changes (a copy, never the configuration given), and
// the close names an edit naming nothing lists.
func TestEdits(t *testing.T) {
	cfg := Config{Policies: mustPolicies(t, blockPolicy, with(with(blockPolicy, "id", "8d36f18e-3b1b-4063-9322-ef0ae9766b1f"), "displayName", "CA002 - Contractors: require MFA")),
		NamedLocations: testLocations}
	apply := func(kind EditKind, v string) (Config, error) {
		t.Helper()
		e, err := ParseEdit(kind, v)
		if err != nil {
			return cfg, err
		}
		return cfg.Apply(e)
	}
	out, err := apply(EditAddRange, "corporate EGRESS=198.51.100.23")
	if err != nil || len(out.NamedLocations[0].Ranges) != 3 || out.NamedLocations[0].Ranges[2] != netip.MustParsePrefix("198.51.100.23/32") ||
		len(cfg.NamedLocations[0].Ranges) != 2 {
		t.Errorf("--add-range: %v, %v", out.NamedLocations[0].Ranges, err)
	}
	if out, err = apply(EditTrust, testLocationVPN); err != nil || !out.NamedLocations[1].Trusted || cfg.NamedLocations[1].Trusted {
		t.Errorf("--trust by ID: %v", err)
	}
	if out, err = apply(EditExcludeApp, "CA001=Azure DevOps"); err != nil || strings.Join(out.Policies[0].Applications.Exclude, ",") != AzureDevOpsAppID ||
		len(cfg.Policies[0].Applications.Exclude) != 0 {
		t.Errorf("--exclude-app: %v, %v", out.Policies[0].Applications.Exclude, err)
	}
	if out, err = apply(EditExcludeUser, "CA002=svc-build@contoso.com"); err != nil || len(out.Policies[1].Users.ExcludeUsers) != 2 ||
		len(cfg.Policies[1].Users.ExcludeUsers) != 1 {
		t.Errorf("--exclude-user: %v", err)
	}
	if out, err = apply(EditState, "6c6fe338-a1db-4bbc-b984-0054d8199eb6=report-only"); err != nil || out.Policies[0].State != StateReportOnly {
		t.Errorf("--state by ID: %v", err)
	}
	for _, c := range []struct {
		kind  EditKind
		value string
		want  string
	}{
		{EditAddRange, "Corporate egress", `"Corporate egress": want LOCATION=CIDR`},
		{EditAddRange, "Corporate egress=10.0.0.0/33", `"10.0.0.0/33" is not an IP address or CIDR range`},
		{EditAddRange, "Corporate egres=10.0.0.0/8", `no named location "Corporate egres"; did you mean "Corporate egress"?`},
		{EditAddRange, "Allowed countries=10.0.0.0/8", "a range can only be added to an IP location"},
		{EditTrust, " ", "want LOCATION, got an empty value"},
		{EditExcludeApp, "CA001=Azure Devops Server", `not an application ID, nor a name signinspect knows`},
		{EditExcludeUser, "CA001=svc-build", "is not a user's object ID or UPN"},
		{EditState, "CA001=paused", `want a state of enabled, report-only or disabled, got "paused"`},
		{EditState, "CA00=enabled", `no policy "CA00"; did you mean "CA001" or "CA002 - Contractors: require MFA"?`},
		{EditState, "Contractors=enabled", `no policy "Contractors"; did you mean "CA002 - Contractors: require MFA"?`},
	} {
		if _, err := apply(c.kind, c.value); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %q: error %v, want %q", c.kind, c.value, err, c.want)
		}
	}
}

// TestMemberships checks the memberships files: Graph's users with their
// groups expanded, and user,group lines.
func TestMemberships(t *testing.T) {
	m, err := ParseMemberships("users.json", []byte(`{"value": [{"id": "U1", "userPrincipalName": "A@contoso.com",
		"transitiveMemberOf": [{"@odata.type": "#microsoft.graph.group", "id": "G1", "displayName": "Service accounts"},
			{"@odata.type": "#microsoft.graph.directoryRole", "id": "r-object", "roleTemplateId": "R1"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Users() != 1 || m.member("u1", "", "g1") != Yes || m.member("", "a@CONTOSO.com", "r1") != Yes || m.member("u1", "", "g2") != No ||
		m.member("u2", "b@contoso.com", "g1") != Unknown || m.label("G1") != "Service accounts (G1)" {
		t.Error("memberships from Graph")
	}
	c, err := ParseMemberships("m.csv", []byte("user,group\r\nsvc-build@contoso.com,G1\r\nsvc-build@contoso.com,G2\r\n\r\nlee.gu@contoso.com,G3\r\n"))
	if err != nil || c.Users() != 2 || c.member("", "svc-build@contoso.com", "g2") != Yes || c.member("", "lee.gu@contoso.com", "g1") != No {
		t.Errorf("memberships from CSV: %v", err)
	}
	for data, want := range map[string]string{
		`{"value": [{"@odata.type": "#microsoft.graph.group", "id": "G1"}]}`: "a list of groups does not say whose they are",
		`[{"id": "U1"}]`:                          "a user without transitiveMemberOf or memberOf",
		`[{"transitiveMemberOf": []}]`:            "a user without id or userPrincipalName",
		`[{"id": "U1", "memberOf": {}}]`:          "memberOf: want an array of groups and roles, got an object",
		"user,group\nalone\n":                     "m:2: want two columns, user and group, got 1",
		"user,group\n":                            "no user,group line found",
		"a,\"b\n":                                 "not a CSV of user,group lines",
		`{"value": []}`:                           "no user with memberships found",
		"a@contoso.com,\n":                        "want a user and a group, got an empty cell",
		`[{"id": "U1", "memberOf": ["G1"]}]`:      "want a group or role object, got a string",
		`[{"id": "U1", "memberOf": [{"id": 5}]}]`: "memberOf[0].id: want a string, got a number",
	} {
		if _, err := ParseMemberships("m", []byte(data)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", data, err, want)
		}
	}
}
