package policy

import "strings"

// A compiledPolicy is a policy prepared for evaluating many sign-ins: its
// IDs lower-cased once (so that a comparison is ==, not a case fold), its
// location references resolved, its controls classified, and the set of
// conditions it configures, so that the others cost nothing.
type compiledPolicy struct {
	p  *Policy
	id string // Lower case.
	// unchanged is set when the reference configuration holds the policy
	// as it is here, so that what Entra logged of its conditions holds.
	unchanged bool
	// sameSignInFrequency is set when the reference's policy of the same
	// ID has the same sign-in frequency, so that Entra's finding it met
	// holds.
	sameSignInFrequency bool
	// conds are the conditions worth evaluating: those the policy sets,
	// and users and application, which every policy has; order lists them
	// in evalOrder.
	conds ConditionSet
	order []Condition

	incUsers, excUsers   []string
	incGroups, excGroups []string
	incRoles, excRoles   []string
	incApps, excApps     []string
	incLocs, excLocs     []string
	// clientAll and platformAll are set for client app types and
	// platforms that include everything; or for an OR of grant controls.
	clientAll, platformAll, or bool

	// allUsers is set for a policy that includes all users (and nothing
	// else); excludesUsers for one that excludes anyone. allApps is set for
	// one that targets all resources and excludes none.
	allUsers, excludesUsers bool
	allApps                 bool

	controls []compiledControl
	blocks   bool
}

type compiledControl struct {
	name string
	kind controlKind
}

func lowerAll(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ToLower(s)
	}
	return out
}

// compilePolicy prepares p.
func compilePolicy(p *Policy) compiledPolicy {
	c := compiledPolicy{p: p, id: strings.ToLower(p.ID), incApps: lowerAll(p.Applications.Include), excApps: lowerAll(p.Applications.Exclude)}
	c.conds = 1<<CondUsers | 1<<CondWorkloads | 1<<CondApplication
	if u := p.Users; u != nil {
		c.incUsers, c.excUsers = lowerAll(u.IncludeUsers), lowerAll(u.ExcludeUsers)
		c.incGroups, c.excGroups = lowerAll(u.IncludeGroups), lowerAll(u.ExcludeGroups)
		c.incRoles, c.excRoles = lowerAll(u.IncludeRoles), lowerAll(u.ExcludeRoles)
	}
	if u := p.Users; u != nil {
		c.allUsers = len(c.incUsers) == 1 && c.incUsers[0] == "all" && len(u.IncludeGroups)+len(u.IncludeRoles) == 0 && u.IncludeGuests == nil
		c.excludesUsers = len(u.ExcludeUsers)+len(u.ExcludeGroups)+len(u.ExcludeRoles) > 0 || u.ExcludeGuests != nil
	}
	c.allApps = len(c.incApps) == 1 && c.incApps[0] == "all" && len(c.excApps) == 0
	if l := p.Locations; l != nil {
		c.incLocs, c.excLocs = lowerAll(l.Include), lowerAll(l.Exclude)
	}
	c.clientAll = len(p.ClientAppTypes) == 0 || hasFold(p.ClientAppTypes, "all")
	c.platformAll = p.Platforms != nil && hasFold(p.Platforms.Include, "all")
	c.or = p.Grant.Or()
	set := func(cond Condition, on bool) {
		if on {
			c.conds |= 1 << cond
		}
	}
	set(CondUserActions, len(p.Applications.UserActions) > 0)
	set(CondAuthContext, len(p.Applications.AuthContexts) > 0)
	set(CondDevicePlatform, p.Platforms != nil)
	set(CondDevices, p.DeviceFilter != nil)
	set(CondClientApps, len(p.ClientAppTypes) > 0)
	set(CondLocation, p.Locations != nil)
	set(CondSignInRisk, len(p.SignInRiskLevels) > 0)
	set(CondUserRisk, len(p.UserRiskLevels) > 0)
	set(CondServicePrincipalRisk, len(p.ServicePrincipalRiskLevels) > 0)
	set(CondInsiderRisk, len(p.InsiderRiskLevels) > 0)
	set(CondAuthFlow, len(p.TransferMethods) > 0)
	set(CondUnsupported, len(p.Unsupported) > 0)
	for _, cond := range evalOrder {
		if c.conds.Has(cond) {
			c.order = append(c.order, cond)
		}
	}
	c.blocks = p.Grant.Blocks()
	for _, name := range p.Grant.Controls() {
		c.controls = append(c.controls, compiledControl{name: name, kind: kindOf(name)})
	}
	return c
}
