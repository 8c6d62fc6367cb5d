package synth

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
)

// This file writes the synthetic tenant's Conditional Access configuration,
// for benchmarks of signinspect whatif and analyze --policies: the
// tenant's own policies with conditions, as many more as asked for, and its
// named locations, as one Graph-shaped export.

// Named location IDs of the synthetic tenant.
const (
	corporateLocationID = "3f1c9a2e-5b7d-4e6f-8a0b-1c2d3e4f5a6b"
	countriesLocationID = "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d"
	groupIDFormat       = "%08x-1111-4222-8333-%012x"
)

// TenantExport returns the tenant's configuration as one export holding
// {"policies": [...], "namedLocations": [...]}: the tenant's 15 policies
// with conditions of their kind, then generated ones up to n in all (each
// targeting an app of the tenant or all apps, a group or all users, with
// the conditions and controls of the tenant's own in turn), and the named
// locations "Corporate egress" (the offices' ranges, trusted) and "Allowed
// countries". The same seed gives the same bytes.
func (g *Generator) TenantExport(n int) ([]byte, error) {
	type obj = map[string]any
	var corp []any
	for _, rg := range g.ranges {
		if rg.kind != kindCorp {
			continue
		}
		cidr := rg.prefix + ".0/24"
		kind := "#microsoft.graph.iPv4CidrRange"
		if rg.v6 {
			cidr, kind = rg.prefix+"::/64", "#microsoft.graph.iPv6CidrRange"
		}
		corp = append(corp, obj{"@odata.type": kind, "cidrAddress": cidr})
	}
	locations := []any{
		obj{"@odata.type": "#microsoft.graph.ipNamedLocation", "id": corporateLocationID, "displayName": "Corporate egress", "isTrusted": true, "ipRanges": corp},
		obj{"@odata.type": "#microsoft.graph.countryNamedLocation", "id": countriesLocationID, "displayName": "Allowed countries",
			"countriesAndRegions": []string{"US", "GB", "DE", "IN", "NL", "FR"}, "includeUnknownCountriesAndRegions": false},
	}
	state := func(s string) string {
		if s == "reportOnly" {
			return "enabledForReportingButNotEnforced"
		}
		return s
	}
	users := func(all bool, group int) obj {
		u := obj{"includeUsers": []string{}, "excludeUsers": []string{"0b5c7d3e-9f1a-4b2c-8d4e-6f7a8b9c0d1e"}, "includeGroups": []string{}}
		if all {
			u["includeUsers"] = []string{"All"}
		} else {
			u["includeGroups"] = []string{fmt.Sprintf(groupIDFormat, group, group)}
		}
		return u
	}
	outsideTrusted := obj{"includeLocations": []string{"All"}, "excludeLocations": []string{"AllTrusted"}}
	outsideCountries := obj{"includeLocations": []string{"All"}, "excludeLocations": []string{countriesLocationID}}
	builtIn := map[string]string{"Mfa": "mfa", "Block": "block", "RequireCompliantDevice": "compliantDevice",
		"RequireDomainJoinedDevice": "domainJoinedDevice", "ApprovedApplication": "approvedApplication", "CompliantApplication": "compliantApplication"}
	var policies []any
	policy := func(p Policy, conds obj) {
		grant := any(nil)
		if len(p.GrantControls) > 0 {
			var controls []string
			for _, c := range p.GrantControls {
				controls = append(controls, builtIn[c])
			}
			grant = obj{"operator": "OR", "builtInControls": controls}
		}
		session := any(nil)
		for _, s := range p.SessionControls {
			switch s {
			case "SignInFrequency":
				session = obj{"signInFrequency": obj{"isEnabled": true, "value": 12, "type": "hours", "frequencyInterval": "timeBased"}}
			case "CloudAppSecurity":
				session = obj{"cloudAppSecurity": obj{"isEnabled": true, "cloudAppSecurityType": "monitorOnly"}}
			}
		}
		if _, ok := conds["clientAppTypes"]; !ok {
			conds["clientAppTypes"] = []string{"all"}
		}
		policies = append(policies, obj{"id": p.ID, "displayName": p.Name, "state": state(p.State), "conditions": conds,
			"grantControls": grant, "sessionControls": session})
	}
	targets := func(ids ...string) obj { return obj{"includeApplications": ids} }
	devops := targets("499b84ac-1321-427f-aa17-267ca6975798")
	for i, p := range g.policies {
		c := obj{"users": users(true, 0), "applications": targets("All")}
		switch i {
		case ca002:
			c["clientAppTypes"] = []string{"exchangeActiveSync", "other"}
		case ca003:
			c["applications"] = targets(azureManagementID)
		case ca005:
			c["locations"] = outsideCountries
		case ca006:
			c["devices"] = obj{"deviceFilter": obj{"mode": "exclude", "rule": `device.isCompliant -eq True -or device.trustType -eq "ServerAD"`}}
		case ca007:
			c["users"] = obj{"includeUsers": []string{"GuestsOrExternalUsers"}}
		case ca010, ca012:
			c["applications"], c["users"] = devops, users(false, i)
		case ca011:
			c["applications"], c["locations"] = devops, outsideTrusted
		case 10: // CA020: mobile platforms.
			c["platforms"] = obj{"includePlatforms": []string{"android", "iOS"}}
		case 11: // CA030: admin roles.
			c["users"] = obj{"includeRoles": []string{"62e90394-69f5-4237-9190-012177145e10", "194ae4cb-b126-40b2-bd5b-6091b380977d"}}
		case ca050:
			c["locations"] = outsideCountries
		}
		policy(p, c)
	}
	r := rand.New(rand.NewPCG(0x5eed, uint64(n)))
	for i := len(g.policies); i < n; i++ {
		base := g.policies[i%len(g.policies)]
		p := Policy{ID: fmt.Sprintf("%08x-2222-4333-8444-%012x", i, i), Name: fmt.Sprintf("CA%03d - Generated for benchmarks", 100+i),
			State: base.State, GrantControls: base.GrantControls, SessionControls: base.SessionControls}
		app := apps[r.IntN(len(apps))]
		c := obj{"users": users(r.IntN(3) == 0, r.IntN(40)), "applications": targets(app.ResourceID)}
		if r.IntN(4) == 0 {
			c["applications"] = targets("All")
		}
		switch r.IntN(4) {
		case 0:
			c["locations"] = outsideTrusted
		case 1:
			c["platforms"] = obj{"includePlatforms": []string{"all"}, "excludePlatforms": []string{"iOS", "android"}}
		case 2:
			c["clientAppTypes"] = []string{"browser", "mobileAppsAndDesktopClients"}
		}
		policy(p, c)
	}
	return json.MarshalIndent(obj{"policies": policies, "namedLocations": locations}, "", "  ")
}
