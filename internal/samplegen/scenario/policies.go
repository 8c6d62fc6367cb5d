package scenario

import (
	"fmt"
	"strings"
	"time"
)

// This file writes the tenant's Conditional Access configuration (its
// seven policies and three named locations) in every shape the export
// tools write it, as /work/shared/ca-policies.md describes them, and the
// users' group memberships that no sign-in export holds.

// Group is a security group that policies target.
type Group struct {
	ID   string
	Name string
}

// BreakGlassUserID is the emergency access account every enabled policy
// excludes, as Microsoft recommends; it signs in nowhere in the story.
const BreakGlassUserID = "6b0f2c7d-9e41-4a8b-b3d5-1c2e7a9f4d60"

// groupID returns the ID of the group named name.
func (sc *Scenario) groupID(name string) string {
	for _, g := range sc.Groups {
		if g.Name == name {
			return g.ID
		}
	}
	panic("scenario: no group " + name)
}

// policyTime is how Graph writes the times of policies: seven fractional
// digits, as for named locations.
func policyTime(t time.Time) string { return namedLocationTime(t) }

// policyOptions say which API version and tool shape a policy object has.
type policyOptions struct {
	beta bool
	// odataType adds "@odata.type", as EntraExporter keeps it.
	odataType bool
	// intune adds IntuneManagement's OData metadata: @odata.context,
	// @odata.id, @odata.editLink, per-collection x@odata.type annotations
	// and the #microsoft.graph.restore action.
	intune bool
}

// strs returns a []string that is never nil, so that empty lists are [].
func strs(s ...string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// policyGraph returns one policy as Graph's conditionalAccessPolicy.
func (sc *Scenario) policyGraph(p *Policy, opt policyOptions) obj {
	collection := func(key string, values []string) []member {
		m := []member{{key, strs(values...)}}
		if opt.intune {
			m = append([]member{{key + "@odata.type", "#Collection(String)"}}, m...)
		}
		return m
	}
	var groups []string
	for _, g := range p.Groups {
		groups = append(groups, sc.groupID(g))
	}
	includeUsers := []string{}
	if len(groups) == 0 {
		includeUsers = []string{"All"}
	}
	excludeUsers := []string{}
	if p.State != Disabled {
		excludeUsers = []string{BreakGlassUserID}
	}
	var users obj
	users = append(users, collection("includeUsers", includeUsers)...)
	users = append(users, collection("excludeUsers", excludeUsers)...)
	users = append(users, collection("includeGroups", groups)...)
	users = append(users, collection("excludeGroups", nil)...)
	users = append(users, collection("includeRoles", nil)...)
	users = append(users, collection("excludeRoles", nil)...)
	users = append(users, member{"includeGuestsOrExternalUsers", nil}, member{"excludeGuestsOrExternalUsers", nil})

	includeApps := p.Apps
	if len(includeApps) == 0 {
		includeApps = []string{"All"}
	}
	var apps obj
	apps = append(apps, collection("includeApplications", includeApps)...)
	apps = append(apps, collection("excludeApplications", nil)...)
	apps = append(apps, collection("includeUserActions", nil)...)
	apps = append(apps, collection("includeAuthenticationContextClassReferences", nil)...)
	apps = append(apps, member{"applicationFilter", nil})

	var locations any
	if p.OutsideTrusted {
		var l obj
		l = append(l, collection("includeLocations", []string{"All"})...)
		l = append(l, collection("excludeLocations", []string{"AllTrusted"})...)
		locations = l
	}
	var devices any
	if p.DeviceFilter != "" {
		devices = obj{{"includeDevices", strs()}, {"excludeDevices", strs()},
			{"deviceFilter", obj{{"mode", "exclude"}, {"rule", p.DeviceFilter}}}}
	}
	var conditions obj
	conditions = append(conditions, collection("userRiskLevels", nil)...)
	conditions = append(conditions, collection("signInRiskLevels", nil)...)
	conditions = append(conditions, collection("clientAppTypes", []string{"all"})...)
	if opt.beta {
		conditions = append(conditions, collection("servicePrincipalRiskLevels", nil)...)
		conditions = append(conditions, member{"insiderRiskLevels", nil}, member{"times", nil}, member{"deviceStates", nil})
	}
	conditions = append(conditions,
		member{"platforms", nil},
		member{"locations", locations},
		member{"devices", devices},
		member{"clientApplications", nil},
		member{"applications", apps},
		member{"users", users},
		member{"authenticationFlows", nil},
	)
	if opt.beta {
		conditions = append(conditions, member{"clients", nil})
	}

	var grant any
	if len(p.Grant) > 0 {
		var controls []string
		for _, g := range p.Grant {
			controls = append(controls, map[string]string{"Block": "block", "Mfa": "mfa", "RequireCompliantDevice": "compliantDevice"}[g])
		}
		var g obj
		g = append(g, member{"operator", "OR"})
		g = append(g, collection("builtInControls", controls)...)
		g = append(g, collection("customAuthenticationFactors", nil)...)
		g = append(g, collection("termsOfUse", nil)...)
		if opt.intune {
			g = append(g, member{"authenticationStrength@odata.context", fmt.Sprintf("https://graph.microsoft.com/beta/$metadata#identity/conditionalAccess/policies('%s')/grantControls/authenticationStrength/$entity", p.ID)})
		}
		g = append(g, member{"authenticationStrength", nil})
		grant = g
	}
	var session any
	if p.SignInFrequency > 0 {
		s := obj{
			{"disableResilienceDefaults", nil},
			{"applicationEnforcedRestrictions", nil},
			{"cloudAppSecurity", nil},
			{"persistentBrowser", nil},
			{"continuousAccessEvaluation", nil},
			{"secureSignInSession", nil},
			{"signInFrequency", obj{
				{"value", int(p.SignInFrequency.Hours() / 24)},
				{"type", "days"},
				{"authenticationType", "primaryAndSecondaryAuthentication"},
				{"frequencyInterval", "timeBased"},
				{"isEnabled", true},
			}},
		}
		if opt.beta {
			s = append(s, member{"networkAccessSecurity", nil}, member{"globalSecureAccessFilteringProfile", nil})
		}
		session = s
	}

	var out obj
	if opt.intune {
		out = append(out,
			member{"@odata.context", "https://graph.microsoft.com/beta/$metadata#identity/conditionalAccess/policies/$entity"},
			member{"@odata.id", fmt.Sprintf("https://graph.microsoft.com/v2/%%OrganizationId%%/identity/conditionalAccess/policies('%s')", p.ID)},
			member{"@odata.editLink", fmt.Sprintf("https://graph.microsoft.com/v2/%%OrganizationId%%/identity/conditionalAccess/policies('%s')", p.ID)},
		)
	}
	if opt.odataType {
		out = append(out, member{"@odata.type", "#microsoft.graph.conditionalAccessPolicy"})
	}
	out = append(out,
		member{"id", p.ID},
		member{"templateId", nil},
		member{"displayName", p.Name},
		member{"createdDateTime", policyTime(p.Created)},
		member{"modifiedDateTime", policyTime(p.Modified)},
		member{"state", string(p.State)},
	)
	if opt.beta {
		out = append(out, member{"partialEnablementStrategy", nil}, member{"deletedDateTime", nil})
	}
	out = append(out,
		member{"sessionControls", session},
		member{"conditions", conditions},
		member{"grantControls", grant},
	)
	if opt.intune {
		out = append(out, member{"#microsoft.graph.restore", obj{
			{"title", "microsoft.graph.restore"},
			{"target", fmt.Sprintf("https://graph.microsoft.com/beta/identity/conditionalAccess/policies('%s')/microsoft.graph.restore", p.ID)},
		}})
	}
	return out
}

// policiesGraph returns GET identity/conditionalAccess/policies (v1.0) as
// Graph answers it, indented as saved from Graph Explorer.
func (sc *Scenario) policiesGraph() []byte {
	value := arr{}
	for _, p := range sc.Policies {
		value = append(value, sc.policyGraph(p, policyOptions{}))
	}
	return append(indentJSON.encode(obj{
		{"@odata.context", "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies"},
		{"value", value},
	}), '\n')
}

// policiesBetaPaged returns two pages of GET
// beta/identity/conditionalAccess/policies?$top=4 appended to one file, as
// a script that follows @odata.nextLink and appends each response writes
// them: compact, one page per line.
func (sc *Scenario) policiesBetaPaged() []byte {
	page := func(ps []*Policy, next string) []byte {
		value := arr{}
		for _, p := range ps {
			value = append(value, sc.policyGraph(p, policyOptions{beta: true}))
		}
		o := obj{{"@odata.context", "https://graph.microsoft.com/beta/$metadata#identity/conditionalAccess/policies"}}
		if next != "" {
			o = append(o, member{"@odata.nextLink", next})
		}
		o = append(o, member{"value", value})
		return append(compactJSON.encode(o), '\n')
	}
	out := page(sc.Policies[:4], "https://graph.microsoft.com/beta/identity/conditionalAccess/policies?$top=4&$skiptoken=RFNwdAIAAQAAACE6Y2E0")
	return append(out, page(sc.Policies[4:], "")...)
}

// policiesPowerShell returns `Get-MgIdentityConditionalAccessPolicy |
// ConvertTo-Json -Depth 10 | Out-File` under Windows PowerShell 5.1:
// PascalCase in alphabetical order, an AdditionalProperties bag on every
// object, UTF-16 with a byte order mark, CRLF. One policy alone is a bare
// object, not an array.
func (sc *Scenario) policiesPowerShell(ps []*Policy) []byte {
	items := arr{}
	for _, p := range ps {
		items = append(items, powerShellObject(sc.policyGraph(p, policyOptions{}), obj{}))
	}
	var v any = items
	if len(items) == 1 {
		v = items[0]
	}
	return utf16LE(append(powerShell51JSON.encode(v), '\r', '\n'))
}

// entraExporterFiles returns what `Export-Entra -Type ConditionalAccess`
// writes under Identity/Conditional/ with PowerShell 7: one beta object per
// file in a folder named by its ID, UTF-8 without a byte order mark, CRLF.
func (sc *Scenario) entraExporterFiles(root string) []File {
	var out []File
	for _, p := range sc.Policies {
		o := sc.policyGraph(p, policyOptions{beta: true, odataType: true})
		out = append(out, File{Path: fmt.Sprintf("%s/AccessPolicies/%s/%s.json", root, p.ID, p.ID),
			Data: append(powerShell7JSON.encode(o), '\r', '\n')})
	}
	for _, l := range sc.NamedLocations {
		out = append(out, File{Path: fmt.Sprintf("%s/NamedLocations/%s/%s.json", root, l.ID, l.ID),
			Data: append(powerShell7JSON.encode(namedLocationObject(l)), '\r', '\n')})
	}
	return out
}

// namedLocationObject returns one named location as Graph writes it.
func namedLocationObject(l NamedLocation) obj {
	typed := namedLocationMembers(l)
	item := obj{typed[0],
		{"id", l.ID},
		{"displayName", l.Name},
		{"createdDateTime", namedLocationTime(l.Created)},
		{"modifiedDateTime", namedLocationTime(l.Modified)},
	}
	return append(item, typed[1:]...)
}

// windowsFileName replaces the characters Windows forbids in file names,
// as IntuneManagement does when it names files after display names.
func windowsFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, s)
}

// intuneManagementFiles returns what Micke-K's IntuneManagement exports for
// Conditional Access: one file per object named after its display name,
// with full OData metadata, the tenant ID replaced by %OrganizationId%,
// written by Windows PowerShell 5.1's Out-File (UTF-16 with a byte order
// mark, CRLF); its named locations in a folder of their own; and the
// migration table it keeps of the groups the policies name.
func (sc *Scenario) intuneManagementFiles(root string) []File {
	var out []File
	for _, p := range sc.Policies {
		o := sc.policyGraph(p, policyOptions{beta: true, odataType: true, intune: true})
		out = append(out, File{Path: fmt.Sprintf("%s/ConditionalAccess/%s.json", root, windowsFileName(p.Name)),
			Data: utf16LE(append(powerShell51JSON.encode(o), '\r', '\n'))})
	}
	for _, l := range sc.NamedLocations {
		o := obj{{"@odata.context", "https://graph.microsoft.com/beta/$metadata#identity/conditionalAccess/namedLocations/$entity"}}
		o = append(o, namedLocationObject(l)...)
		out = append(out, File{Path: fmt.Sprintf("%s/NamedLocations/%s.json", root, windowsFileName(l.Name)),
			Data: utf16LE(append(powerShell51JSON.encode(o), '\r', '\n'))})
	}
	objects := arr{}
	for _, g := range sc.Groups {
		objects = append(objects, obj{{"Id", g.ID}, {"DisplayName", g.Name}, {"Type", "#microsoft.graph.group"}})
	}
	out = append(out, File{Path: root + "/MigrationTable.json",
		Data: utf16LE(append(powerShell51JSON.encode(obj{{"TenantId", "%OrganizationId%"}, {"Objects", objects}}), '\r', '\n'))})
	return out
}

// membershipsGraph returns GET
// users?$select=id,userPrincipalName&$expand=transitiveMemberOf($select=id,displayName)
// for the people of the story.
func (sc *Scenario) membershipsGraph() []byte {
	value := arr{}
	for _, u := range sc.people() {
		groups := arr{}
		for _, name := range u.Groups {
			groups = append(groups, obj{{"@odata.type", "#microsoft.graph.group"}, {"id", sc.groupID(name)}, {"displayName", name}})
		}
		value = append(value, obj{{"id", u.ID}, {"userPrincipalName", u.UPN}, {"transitiveMemberOf", groups}})
	}
	return append(indentJSON.encode(obj{
		{"@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName,transitiveMemberOf(id,displayName))"},
		{"value", value},
	}), '\n')
}

// membershipsCSV returns the same as user,group lines.
func (sc *Scenario) membershipsCSV() []byte {
	var b strings.Builder
	b.WriteString("user,group\n")
	for _, u := range sc.people() {
		for _, name := range u.Groups {
			fmt.Fprintf(&b, "%s,%s\n", u.UPN, sc.groupID(name))
		}
	}
	return []byte(b.String())
}

// people returns the people of the story in a fixed order.
func (sc *Scenario) people() []*Person {
	var out []*Person
	for _, upn := range []string{"svc-build@contoso.com", "adele.vance@contoso.com", "lee.gu@contoso.com",
		"megan.bowen@contoso.com", "alex.wilber@contoso.com", "diego.siciliani@contoso.com"} {
		out = append(out, sc.People[upn])
	}
	return out
}

// configFiles returns the samples of the tenant's configuration: the
// policies in every export shape (with the named locations beside them
// where the tool exports both), and the memberships.
func (sc *Scenario) configFiles() []File {
	ca001 := sc.Policies[:1]
	files := []File{
		{Path: "policies.json", Title: "Graph Conditional Access policies", Data: sc.policiesGraph(),
			Shows: "`GET identity/conditionalAccess/policies` (v1.0): the seven policies of the story, indented as Graph Explorer saves them. For `--policies`."},
		{Path: "policies-beta-paged.json", Title: "Graph Conditional Access policies, two pages", Data: sc.policiesBetaPaged(),
			Shows: "The same from `beta` with `$top=4`: two compact `{\"@odata.context\", \"@odata.nextLink\", \"value\"}` pages appended to one file, beta members (`partialEnablementStrategy`, `times`, `clients`) set to null."},
		{Path: "policies-powershell.json", Title: "Graph PowerShell policies", Data: sc.policiesPowerShell(sc.Policies),
			Shows: "`Get-MgIdentityConditionalAccessPolicy | ConvertTo-Json -Depth 10 | Out-File` in Windows PowerShell 5.1: UTF-16LE with BOM, CRLF, PascalCase keys in alphabetical order, `AdditionalProperties` on every object."},
		{Path: "policies-powershell-CA001.json", Title: "Graph PowerShell, one policy", Data: sc.policiesPowerShell(ca001),
			Shows: "`Get-MgIdentityConditionalAccessPolicy -ConditionalAccessPolicyId ...` for CA001 alone: one policy is a bare object, not an array."},
		{Path: "memberships.json", Title: "Graph users with their groups", Data: sc.membershipsGraph(),
			Shows: "`GET users?$select=id,userPrincipalName&$expand=transitiveMemberOf($select=id,displayName)`: the groups of each person of the story. For `--memberships`."},
		{Path: "memberships.csv", Title: "Memberships as user,group lines", Data: sc.membershipsCSV(),
			Shows: "The same as a two-column CSV (`user,group`, the group by object ID). For `--memberships`."},
	}
	entra := sc.entraExporterFiles("entra-exporter/Identity/Conditional")
	for i := range entra {
		entra[i].Folder = "entra-exporter/Identity/Conditional/"
		entra[i].Title = "EntraExporter folder"
		entra[i].Shows = "`Export-Entra -Type ConditionalAccess` with PowerShell 7: one beta object per file under `AccessPolicies/<id>/<id>.json` and `NamedLocations/<id>/<id>.json`, with `@odata.type`, UTF-8, CRLF. Pass the folder to `--policies`; its named locations are read with the policies."
	}
	intune := sc.intuneManagementFiles("intune-management")
	for i := range intune {
		intune[i].Folder = "intune-management/"
		intune[i].Title = "IntuneManagement export folder"
		intune[i].Shows = "Micke-K/IntuneManagement's export: `ConditionalAccess/<displayName>.json` and `NamedLocations/<displayName>.json` (`:` written `_`), full OData metadata (`@odata.context`, `@odata.id` with `%OrganizationId%`, `x@odata.type` annotations, `#microsoft.graph.restore`), UTF-16LE with BOM, CRLF, and a `MigrationTable.json` that `--policies` notes and skips."
	}
	return append(append(files, entra...), intune...)
}
