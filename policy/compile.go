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
