package policy

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/signinspect/signinspect/parse"
)

// condition evaluates one condition of p for the sign-in. set says whether
// the policy configures it (rather than leaving it at "all"); with
// explain, why says in words what decided it. Reasons are only written
// when asked for, so that evaluating a record allocates nothing.
func (e *Evaluator) condition(cond Condition, c *compiledPolicy, f *facts, explain bool) (t Tri, set bool, why string) {
	t, set, why = e.offlineCondition(cond, c, f, explain)
	if t != Unknown || !e.logged || !c.unchanged {
		return t, set, why
	}
	if u, what := loggedCondition(f.rec, c.id, cond); u != Unknown {
		return u, true, sayf(explain, func() string { return why + "; Entra logged it " + what + " on this sign-in" })
	}
	return t, set, why
}

// loggedConditionNames are the names sign-in logs give the conditions.
var loggedConditionNames = [numConds]string{CondUsers: "users", CondWorkloads: "servicePrincipals", CondApplication: "application",
	CondDevicePlatform: "devicePlatform", CondClientApps: "clientType", CondLocation: "location", CondSignInRisk: "signInRisk",
	CondUserRisk: "userRisk", CondServicePrincipalRisk: "servicePrincipalRisk", CondInsiderRisk: "insiderRisk",
	CondAuthFlow: "authenticationFlows"}

// loggedCondition says what the result Entra logged for the policy with
// the lower-case ID id says of condition cond: a policy it applied
// matched every condition, and conditionsSatisfied and
// conditionsNotSatisfied name the others.
func loggedCondition(rec *parse.Record, id string, cond Condition) (Tri, string) {
	for i := range rec.Policies {
		lp := &rec.Policies[i]
		if !strings.EqualFold(lp.ID, id) {
			continue
		}
		if appliedResult(lp.Result) {
			return Yes, "matched (the policy applied)"
		}
		name := loggedConditionNames[cond]
		switch {
		case name == "":
		case hasFold(lp.ConditionsSatisfied, name):
			return Yes, "satisfied"
		case hasFold(lp.ConditionsNotSatisfied, name):
			return No, "not satisfied"
		}
		return Unknown, ""
	}
	return Unknown, ""
}

// offlineCondition evaluates the condition from the record and the
// configuration alone.
func (e *Evaluator) offlineCondition(cond Condition, c *compiledPolicy, f *facts, explain bool) (t Tri, set bool, why string) {
	p := c.p
	switch cond {
	case CondUsers:
		return e.users(c, f, explain)
	case CondWorkloads:
		return e.workloads(p, f, explain)
	case CondApplication:
		return e.application(c, f, explain)
	case CondUserActions:
		if len(p.Applications.UserActions) == 0 {
			return Yes, false, ""
		}
		return No, true, sayf(explain, func() string {
			return fmt.Sprintf("the policy targets the user action %s, not access to a resource", strings.Join(p.Applications.UserActions, ", "))
		})
	case CondAuthContext:
		if len(p.Applications.AuthContexts) == 0 || len(p.Applications.Include) > 0 {
			return Yes, false, ""
		}
		return Unknown, true, sayf(explain, func() string {
			return fmt.Sprintf("the policy targets authentication context %s; the export does not say whether the app asked for it", strings.Join(p.Applications.AuthContexts, ", "))
		})
	case CondDevicePlatform:
		return platforms(c, f, explain)
	case CondDevices:
		return devices(p, f, explain)
	case CondClientApps:
		return clientApps(c, f, explain)
	case CondLocation:
		return e.location(c, f, explain)
	case CondSignInRisk:
		return signInRisk(p, f, explain)
	case CondUserRisk:
		if len(p.UserRiskLevels) == 0 {
			return Yes, false, ""
		}
		return Unknown, true, sayf(explain, func() string {
			return fmt.Sprintf("the policy applies at user risk %s; sign-in exports do not record user risk", strings.Join(p.UserRiskLevels, ", "))
		})
	case CondServicePrincipalRisk:
		if len(p.ServicePrincipalRiskLevels) == 0 {
			return Yes, false, ""
		}
		return Unknown, true, sayf(explain, func() string {
			return fmt.Sprintf("the policy applies at service principal risk %s; sign-in exports do not record it", strings.Join(p.ServicePrincipalRiskLevels, ", "))
		})
	case CondInsiderRisk:
		if len(p.InsiderRiskLevels) == 0 {
			return Yes, false, ""
		}
		return Unknown, true, sayf(explain, func() string {
			return fmt.Sprintf("the policy applies at insider risk %s; sign-in exports do not record it", strings.Join(p.InsiderRiskLevels, ", "))
		})
	case CondAuthFlow:
		return authFlows(p, f, explain)
	case CondUnsupported:
		if len(p.Unsupported) == 0 {
			return Yes, false, ""
		}
		return Unknown, true, sayf(explain, func() string {
			return fmt.Sprintf("the policy sets %s, which signinspect cannot evaluate from a sign-in export", strings.Join(p.Unsupported, ", "))
		})
	}
	return Yes, false, ""
}

// say returns a reason without arguments when explain is set.
func say(explain bool, reason string) string {
	if !explain {
		return ""
	}
	return reason
}

// sayf returns the reason reason writes when explain is set. The reason is
// a function so that evaluating a record without explaining it formats
// nothing and allocates nothing.
func sayf(explain bool, reason func() string) string {
	if !explain {
		return ""
	}
	return reason()
}

// users evaluates conditions.users: exclusion beats inclusion; a group or
// role the memberships do not settle leaves the condition unknown, "applies
// unless the user is in the excluded group".
func (e *Evaluator) users(c *compiledPolicy, f *facts, explain bool) (Tri, bool, string) {
	p := c.p
	u := p.Users
	if u == nil {
		if p.Workloads != nil {
			return Yes, false, ""
		}
		return Unknown, true, say(explain, "the policy assigns neither users nor workload identities")
	}
	switch f.subject {
	case subjectManagedIdentity:
		return No, true, say(explain, "a managed identity signed in; Conditional Access does not cover managed identities")
	case subjectServicePrincipal:
		return No, true, say(explain, "a service principal signed in; the policy assigns users")
	case subjectUnknown:
		return Unknown, true, say(explain, "the export does not say which user signed in")
	}
	user := f.userLabel()
	// The inclusion first: most policies do not include most users, and
	// whether an excluded user is included does not matter.
	inc, incWhat := Yes, "all users"
	if !c.allUsers {
		inc, incWhat = e.userIn(c.incUsers, c.incGroups, c.incRoles, u.IncludeGuests, f, explain)
	}
	if inc == No && !explain {
		return No, true, ""
	}
	exc, excWhat := No, ""
	if c.excludesUsers {
		exc, excWhat = e.userIn(c.excUsers, c.excGroups, c.excRoles, u.ExcludeGuests, f, explain)
	}
	if exc == Yes {
		return No, true, sayf(explain, func() string { return fmt.Sprintf("%s is excluded: %s", user, excWhat) })
	}
	set := !c.allUsers || c.excludesUsers
	switch {
	case inc == No:
		if !explain {
			return No, true, ""
		}
		return No, true, fmt.Sprintf("%s is not among the users the policy includes (%s)", user, describeUserLists(u.IncludeUsers, u.IncludeGroups, u.IncludeRoles, u.IncludeGuests))
	case inc == Yes && exc == No:
		return Yes, set, sayf(explain, func() string { return fmt.Sprintf("%s is included: %s", user, incWhat) })
	case inc == Yes:
		return Unknown, true, sayf(explain, func() string { return fmt.Sprintf("applies unless %s is in excluded %s", user, excWhat) })
	case exc == No:
		return Unknown, true, sayf(explain, func() string { return fmt.Sprintf("applies only if %s is in %s", user, incWhat) })
	}
	return Unknown, true, sayf(explain, func() string {
		return fmt.Sprintf("applies only if %s is in %s, and not in excluded %s", user, incWhat, excWhat)
	})
}

// userIn reports whether the user is among users, groups, roles (their
// IDs lower case) and guests, and with explain names the entry that decides: the one that
// matches (Yes) or the first unknown one (Unknown).
func (e *Evaluator) userIn(users, groups, roles []string, guests *GuestCondition, f *facts, explain bool) (Tri, string) {
	t, at, kind := No, "", ""
	for _, s := range users {
		var u Tri
		switch {
		case s == "all":
			u, kind = Yes, "all users"
		case s == "none":
			continue
		case s == "guestsorexternalusers":
			_, u = f.external()
			kind = "guests or external users"
		case s != "" && (s == f.userID || s == f.upn):
			u, kind = Yes, "their user ID"
		default:
			continue
		}
		if u == Yes {
			return Yes, kind
		}
		if u == Unknown && t == No {
			t, at = Unknown, kind
		}
	}
	for pass, list := range [2][]string{groups, roles} {
		for _, g := range list {
			u := e.member(f, g)
			if u == No || u == Unknown && t == Unknown {
				continue
			}
			what := ""
			if explain {
				what = [2]string{"group ", "role "}[pass] + e.members.label(g)
			}
			if u == Yes {
				return Yes, what
			}
			t, at = Unknown, what
		}
	}
	if guests != nil {
		u := guestMatch(guests, f)
		what := ""
		if explain {
			what = "guests or external users of the kinds " + strings.Join(guests.Types, ", ")
		}
		if u == Yes {
			return Yes, what
		}
		if u == Unknown && t == No {
			t, at = Unknown, what
		}
	}
	return t, at
}

// guestMatch evaluates includeGuestsOrExternalUsers (or the exclude).
func guestMatch(g *GuestCondition, f *facts) Tri {
	kind, ext := f.external()
	if ext != Yes {
		return ext
	}
	if kind == "" {
		return Unknown
	}
	if !knownValue(g.Types, kind) {
		for _, t := range g.Types {
			if !knownValue(knownGuestTypes, t) {
				return Unknown
			}
		}
		return No
	}
	if g.AllTenants {
		return Yes
	}
	home := f.rec.HomeTenantID
	if home == "" {
		return Unknown
	}
	return triOf(knownValue(g.Tenants, home))
}

// describeUserLists names what a users list holds, for reasons.
func describeUserLists(users, groups, roles []string, guests *GuestCondition) string {
	var parts []string
	if len(users) > 0 {
		var ids []string
		for _, u := range users {
			switch {
			case strings.EqualFold(u, "All"):
				parts = append(parts, "all users")
			case strings.EqualFold(u, "None"):
				parts = append(parts, "no user")
			case strings.EqualFold(u, "GuestsOrExternalUsers"):
				parts = append(parts, "guests or external users")
			default:
				ids = append(ids, u)
			}
		}
		if len(ids) > 0 {
			parts = append(parts, "users "+strings.Join(ids, ", "))
		}
	}
	if len(groups) > 0 {
		parts = append(parts, "groups "+strings.Join(groups, ", "))
	}
	if len(roles) > 0 {
		parts = append(parts, "roles "+strings.Join(roles, ", "))
	}
	if guests != nil {
		parts = append(parts, "guests or external users")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

// member says whether the user is in the group or role with ID id: from
// the memberships given, else from what the logged policy results prove.
func (e *Evaluator) member(f *facts, id string) Tri {
	if e.members != nil {
		if t := e.members.memberLower(f.userID, f.upn, id); t != Unknown {
			return t
		}
	}
	ev := &f.evidence
	if !ev.done {
		ev = e.evidence(f)
	}
	for _, g := range ev.in {
		if g == id {
			return Yes
		}
	}
	for _, g := range ev.out {
		if g == id {
			return No
		}
	}
	return Unknown
}

// evidence works out what the policy results Entra logged for the sign-in
// prove, once per record, reading them against the reference's policies
// (the policies as they were when Entra logged them). A policy Entra applied (or whose users condition
// it lists as satisfied) matched its user assignment: the user is in its
// one included group, if it includes one group alone, and in none of the
// groups it excludes. A policy whose users condition Entra lists as not
// satisfied proves the user in none of its included groups, when it
// excludes nothing. A policy applied with success proves its enforced
// controls met.
func (e *Evaluator) evidence(f *facts) *evidence {
	ev := &f.evidence
	if ev.done {
		return ev
	}
	ev.done = true
	ref := e.ref
	for li := range f.rec.Policies {
		lp := &f.rec.Policies[li]
		i, ok := ref.indexOf(lp.ID)
		if !ok {
			continue
		}
		p := &ref.policies[i]
		rc := &ref.compiled[i]
		applied := appliedResult(lp.Result)
		if u := p.Users; u != nil && f.subject == subjectUser {
			satisfied := applied || hasFold(lp.ConditionsSatisfied, "users")
			notSatisfied := !satisfied && hasFold(lp.ConditionsNotSatisfied, "users")
			direct := false
			for _, s := range u.IncludeUsers {
				if strings.EqualFold(s, "All") || strings.EqualFold(s, "GuestsOrExternalUsers") || f.isUser(s) {
					direct = true
				}
			}
			// Exclusions the record cannot settle (groups, roles, guests,
			// or the user's own ID) may be why the users condition failed.
			excludes := len(u.ExcludeGroups)+len(u.ExcludeRoles) > 0 || u.ExcludeGuests != nil
			for _, s := range u.ExcludeUsers {
				excludes = excludes || f.isUser(s) || strings.EqualFold(s, "GuestsOrExternalUsers")
			}
			switch {
			case satisfied:
				ev.out = append(append(ev.out, rc.excGroups...), rc.excRoles...)
				if !direct && u.IncludeGuests == nil && len(u.IncludeGroups)+len(u.IncludeRoles) == 1 {
					ev.in = append(append(ev.in, rc.incGroups...), rc.incRoles...)
				}
			case notSatisfied && !direct && !excludes && u.IncludeGuests == nil:
				ev.out = append(append(ev.out, rc.incGroups...), rc.incRoles...)
			case notSatisfied && direct && len(u.ExcludeRoles) == 0 && u.ExcludeGuests == nil && len(u.ExcludeGroups) == 1:
				ev.in = append(ev.in, rc.excGroups...)
			}
		}
		switch lp.Result {
		case parse.CASuccess, parse.CAReportOnlySuccess:
			for _, c := range lp.GrantControls {
				if k, ok := loggedControl(c); ok {
					ev.controls[k] = StatusSatisfied
				}
			}
			for _, c := range lp.SessionControls {
				if k, ok := loggedControl(c); ok && k == ctlSignInFrequency {
					ev.sifOK = append(ev.sifOK, ref.compiled[i].id)
				}
			}
		case parse.CAFailure, parse.CAReportOnlyFailure:
			all := append(append([]string(nil), lp.GrantControls...), lp.SessionControls...)
			if len(all) == 1 {
				if k, ok := loggedControl(all[0]); ok && ev.controls[k] == StatusUnknown {
					ev.controls[k] = StatusNotSatisfied
				}
			}
		}
	}
	return ev
}

// appliedResult reports whether a logged result is one of a policy that
// applied.
func appliedResult(r string) bool {
	switch r {
	case parse.CASuccess, parse.CAFailure, parse.CAReportOnlySuccess, parse.CAReportOnlyFailure, parse.CAReportOnlyInterrupted:
		return true
	}
	return false
}

// has reports whether list holds s; for the canonical values the reader
// spells as Graph does.
func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// workloads evaluates conditions.clientApplications.
func (e *Evaluator) workloads(p *Policy, f *facts, explain bool) (Tri, bool, string) {
	w := p.Workloads
	if w == nil {
		return Yes, false, ""
	}
	switch f.subject {
	case subjectUser:
		if p.Users == nil {
			return No, true, say(explain, "a user signed in; the policy covers workload identities")
		}
		return Yes, false, ""
	case subjectManagedIdentity:
		return No, true, say(explain, "a managed identity signed in; Conditional Access does not cover managed identities")
	case subjectUnknown:
		return Unknown, true, say(explain, "the export does not say who signed in")
	}
	sp := f.rec.ServicePrincipal
	is := func(s string) bool {
		return sp.ID != "" && strings.EqualFold(s, sp.ID) || f.rec.App.ID != "" && strings.EqualFold(s, f.rec.App.ID)
	}
	name := firstNonEmpty(sp.Name, sp.ID, f.rec.App.ID, "the service principal")
	for _, s := range w.Exclude {
		if is(s) {
			return No, true, sayf(explain, func() string { return fmt.Sprintf("%s is excluded", name) })
		}
	}
	in := false
	for _, s := range w.Include {
		if strings.EqualFold(s, "ServicePrincipalsInMyTenant") || is(s) {
			in = true
		}
	}
	switch {
	case !in:
		return No, true, sayf(explain, func() string { return fmt.Sprintf("%s is not among the service principals the policy includes", name) })
	case w.Filtered:
		return Unknown, true, say(explain, "the policy filters service principals by custom security attributes, which no export holds")
	}
	return Yes, true, sayf(explain, func() string { return fmt.Sprintf("%s is included", name) })
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// application evaluates the target resources.
func (e *Evaluator) application(c *compiledPolicy, f *facts, explain bool) (Tri, bool, string) {
	a := &c.p.Applications
	if len(a.Include) == 0 {
		if len(a.UserActions)+len(a.AuthContexts) > 0 {
			return Yes, false, "" // Decided by those conditions.
		}
		return No, true, say(explain, "the policy targets no resource")
	}
	res := f.resource
	if res == "" {
		return Unknown, true, say(explain, "the export does not say which resource the sign-in was for")
	}
	if c.allApps && !explain {
		return Yes, false, ""
	}
	exc, excAt := appsHold(c.excApps, res)
	inc, incAt := appsHold(c.incApps, res)
	set := !(len(c.incApps) == 1 && c.incApps[0] == "all") || len(c.excApps) > 0
	t := inc.And(exc.Not())
	if !explain {
		return t, set || t != Yes, ""
	}
	name := firstNonEmpty(f.rec.Resource.Name, AppName(res), res)
	switch {
	case exc == Yes:
		if c.excApps[excAt] == res {
			return No, true, fmt.Sprintf("%s is excluded", name)
		}
		return No, true, fmt.Sprintf("%s is excluded, through %s", name, appLabel(a.Exclude[excAt]))
	case inc == No:
		return No, true, fmt.Sprintf("the policy does not target %s", name)
	case inc == Unknown:
		return Unknown, true, fmt.Sprintf("whether %s is in %s is not known", name, appLabel(a.Include[incAt]))
	case exc == Unknown:
		return Unknown, true, fmt.Sprintf("applies unless %s is in excluded %s", name, appLabel(a.Exclude[excAt]))
	}
	if c.incApps[incAt] == res {
		return Yes, set, fmt.Sprintf("the policy targets %s", name)
	}
	return Yes, set, fmt.Sprintf("the policy targets %s, through %s", name, appLabel(a.Include[incAt]))
}

// appsHold says whether a list of application targets (lower case) holds
// the resource (lower case), and the index of the entry that decides (the
// match, or the first unknown).
func appsHold(list []string, res string) (Tri, int) {
	t, at := No, -1
	for i, s := range list {
		var u Tri
		switch {
		case s == "all":
			u = Yes
		case s == "none":
			u = No
		default:
			if g, ok := appGroupMember(s, res); ok {
				u = g
			} else {
				u = triOf(appCovers(s, res))
			}
		}
		if u == Yes {
			return Yes, i
		}
		if u == Unknown && t == No {
			t, at = Unknown, i
		}
	}
	return t, at
}

// appLabel names an application target.
func appLabel(s string) string {
	switch {
	case strings.EqualFold(s, "All"):
		return "all resources"
	case strings.EqualFold(s, "Office365"):
		return "the Office 365 app group"
	case strings.EqualFold(s, "MicrosoftAdminPortals"):
		return "the Microsoft Admin Portals app group"
	}
	if n := AppName(s); n != "" {
		return n + " " + s
	}
	return s
}

// platforms evaluates conditions.platforms.
func platforms(c *compiledPolicy, f *facts, explain bool) (Tri, bool, string) {
	pl := c.p.Platforms
	if pl == nil {
		return Yes, false, ""
	}
	all := c.platformAll
	if f.platform == "" {
		if all && len(pl.Exclude) == 0 {
			return Yes, false, ""
		}
		os := f.rec.Device.OS
		if os == "" {
			return Unknown, true, say(explain, "the sign-in does not say its operating system")
		}
		return Unknown, true, sayf(explain, func() string {
			return fmt.Sprintf("the operating system %q is none signinspect maps to a platform", os)
		})
	}
	if has(pl.Exclude, f.platform) || has(pl.Exclude, "all") {
		return No, true, sayf(explain, func() string { return fmt.Sprintf("the platform %s is excluded", f.platform) })
	}
	if all || has(pl.Include, f.platform) {
		return Yes, true, sayf(explain, func() string { return fmt.Sprintf("the platform %s is included", f.platform) })
	}
	for _, v := range pl.Include {
		if !knownValue(knownPlatforms, v) {
			return Unknown, true, sayf(explain, func() string {
				return fmt.Sprintf("the policy names the platform %q, which signinspect does not know", v)
			})
		}
	}
	if !explain {
		return No, true, ""
	}
	return No, true, fmt.Sprintf("the platform %s is not included (%s)", f.platform, strings.Join(pl.Include, ", "))
}

// clientApps evaluates conditions.clientAppTypes: unset or "all" matches
// every client.
func clientApps(c *compiledPolicy, f *facts, explain bool) (Tri, bool, string) {
	types := c.p.ClientAppTypes
	if c.clientAll {
		return Yes, false, ""
	}
	if f.clientType == "" {
		if f.rec.ClientApp == "" {
			return Unknown, true, say(explain, "the sign-in does not say its client app")
		}
		return Unknown, true, sayf(explain, func() string {
			return fmt.Sprintf("the client app %q is none signinspect maps to a client app type", f.rec.ClientApp)
		})
	}
	for _, t := range types {
		// Values are canonical: the reader spells known values as Graph does.
		if t == f.clientType || f.clientType == "exchangeActiveSync" && t == "easSupported" {
			return Yes, true, sayf(explain, func() string {
				return fmt.Sprintf("the client app %s is %s, which the policy includes", f.rec.ClientApp, f.clientType)
			})
		}
	}
	for _, t := range types {
		if !knownValue(knownClientAppTypes, t) {
			return Unknown, true, sayf(explain, func() string {
				return fmt.Sprintf("the policy names the client app type %q, which signinspect does not know", t)
			})
		}
	}
	if !explain {
		return No, true, ""
	}
	return No, true, fmt.Sprintf("the client app %s is %s; the policy covers %s", f.rec.ClientApp, f.clientType, strings.Join(types, ", "))
}

// signInRisk evaluates conditions.signInRiskLevels from the risk level the
// sign-in records.
func signInRisk(p *Policy, f *facts, explain bool) (Tri, bool, string) {
	if len(p.SignInRiskLevels) == 0 {
		return Yes, false, ""
	}
	level := f.rec.RiskLevelDuringSignIn
	if level == "" || strings.EqualFold(level, "hidden") || !f.rec.Known.Has(parse.FieldRisk) {
		return Unknown, true, say(explain, "the export does not give the sign-in risk")
	}
	if hasFold(p.SignInRiskLevels, level) {
		return Yes, true, sayf(explain, func() string { return fmt.Sprintf("the sign-in risk %s is one the policy covers", level) })
	}
	if !explain {
		return No, true, ""
	}
	return No, true, fmt.Sprintf("the sign-in risk %s is not one the policy covers (%s)", level, strings.Join(p.SignInRiskLevels, ", "))
}

// authFlows evaluates conditions.authenticationFlows.
func authFlows(p *Policy, f *facts, explain bool) (Tri, bool, string) {
	if len(p.TransferMethods) == 0 {
		return Yes, false, ""
	}
	t := No
	for _, m := range p.TransferMethods {
		switch {
		case strings.EqualFold(m, "deviceCodeFlow"):
			t = t.Or(f.deviceCode)
		default:
			t = t.Or(Unknown)
		}
	}
	if !explain {
		return t, true, ""
	}
	switch t {
	case Yes:
		return Yes, true, "the sign-in used the device code flow"
	case No:
		return No, true, fmt.Sprintf("the sign-in did not use %s", strings.Join(p.TransferMethods, " or "))
	}
	return Unknown, true, fmt.Sprintf("the export does not say whether the sign-in used %s", strings.Join(p.TransferMethods, " or "))
}

// devices evaluates conditions.devices.deviceFilter.
func devices(p *Policy, f *facts, explain bool) (Tri, bool, string) {
	df := p.DeviceFilter
	if df == nil {
		return Yes, false, ""
	}
	include := df.Mode == "include"
	if df.parsed == nil || !include && df.Mode != "exclude" {
		return Unknown, true, sayf(explain, func() string { return fmt.Sprintf("signinspect cannot read the device filter %q", df.Rule) })
	}
	m := df.parsed.eval(f)
	t := m
	if !include {
		t = m.Not()
	}
	if !explain {
		return t, true, ""
	}
	mode := "include"
	if !include {
		mode = "exclude"
	}
	switch m {
	case Unknown:
		return Unknown, true, sayf(explain, func() string {
			return fmt.Sprintf("the sign-in does not carry the device attributes the filter %q compares", df.Rule)
		})
	case Yes:
		return t, true, sayf(explain, func() string { return fmt.Sprintf("the device matches the filter %q (%s mode)", df.Rule, mode) })
	}
	return t, true, sayf(explain, func() string { return fmt.Sprintf("the device does not match the filter %q (%s mode)", df.Rule, mode) })
}

// deviceAttr says what the sign-in records of a device attribute. A
// sign-in without a device ID comes from an unregistered device, whose
// attributes are all null; a registered device's attributes are those the
// sign-in carries, the others unknown.
func (f *facts) deviceAttr(name string) deviceAttr {
	d := f.rec.Device
	if !f.rec.Known.Has(parse.FieldDeviceID) {
		return deviceAttr{}
	}
	if d.ID == "" {
		return deviceAttr{null: true}
	}
	known := func(v string) deviceAttr {
		if v == "" {
			return deviceAttr{}
		}
		return deviceAttr{value: v, known: true}
	}
	switch name {
	case "deviceid":
		if strings.Contains(d.ID, "PII") {
			return deviceAttr{}
		}
		return known(d.ID)
	case "displayname":
		return known(d.Name)
	case "iscompliant":
		if d.Compliant == nil {
			return deviceAttr{}
		}
		if *d.Compliant {
			return known("True")
		}
		return known("False")
	case "trusttype":
		switch d.TrustType {
		case parse.TrustEntraJoined:
			return known("AzureAD")
		case parse.TrustEntraHybridJoined:
			return known("ServerAD")
		case parse.TrustEntraRegistered:
			return known("Workplace")
		}
	}
	return deviceAttr{}
}

// location evaluates conditions.locations on the address Entra ID saw and,
// when the resource saw another one, on that too: the policy applies when
// either address is in its scope, since the resource (Azure DevOps, for
// its IP fencing) enforces the policy on the address it sees.
func (e *Evaluator) location(c *compiledPolicy, f *facts, explain bool) (Tri, bool, string) {
	if c.p.Locations == nil {
		return Yes, false, ""
	}
	set := !(len(c.incLocs) == 1 && c.incLocs[0] == "all" && len(c.excLocs) == 0)
	if !f.ip.IsValid() && !f.ipResource.IsValid() {
		if !set {
			return Yes, false, ""
		}
		return Unknown, true, say(explain, "the sign-in records no IP address")
	}
	t, why := e.locationAt(c, f, 0, explain)
	if f.ipResource.IsValid() {
		t2, why2 := e.locationAt(c, f, 1, explain)
		switch {
		case t2 == Yes && t != Yes:
			t, why = Yes, why2+sayf(explain, func() string {
				return fmt.Sprintf(" (the address %s that %s saw; Entra ID saw %s)", f.ipResource, firstNonEmpty(f.rec.Resource.Name, "the resource"), f.ip)
			})
		case t2 == Unknown && t == No:
			t, why = Unknown, why2
		case t2 == No && t == No && explain:
			why = fmt.Sprintf("%s (Entra ID's address); %s (the address %s saw)", why, why2, firstNonEmpty(f.rec.Resource.Name, "the resource"))
		}
	}
	return t, set, why
}

// locationAt evaluates the location condition on the address Entra ID saw
// (which 0) or the resource saw (which 1).
func (e *Evaluator) locationAt(c *compiledPolicy, f *facts, which int, explain bool) (Tri, string) {
	l := c.p.Locations
	addr := f.ip
	if which == 1 {
		addr = f.ipResource
	}
	if !addr.IsValid() {
		return No, ""
	}
	// in says whether addr is in a location of list, with the location
	// that decides: the one holding it, the first unknown, or (No) all of
	// them.
	in := func(list []string) (Tri, string) {
		t, what := No, ""
		var none []string
		for _, id := range list {
			u, w := e.inLocation(id, addr, f, which, explain)
			switch {
			case u == Yes:
				return Yes, w
			case u == Unknown && t == No:
				t, what = Unknown, w
			case u == No && explain:
				none = append(none, w)
			}
		}
		if t == No {
			what = strings.Join(none, ", ")
		}
		return t, what
	}
	exc, excWhy := in(c.excLocs)
	if exc == Yes {
		return No, sayf(explain, func() string { return fmt.Sprintf("%s is in an excluded location: %s", addr, excWhy) })
	}
	inc, incWhy := in(c.incLocs)
	switch {
	case inc == No:
		return No, sayf(explain, func() string { return fmt.Sprintf("%s is in none of the included locations (%s)", addr, incWhy) })
	case inc == Unknown:
		return Unknown, sayf(explain, func() string {
			return fmt.Sprintf("whether %s is in an included location is not known: %s", addr, incWhy)
		})
	case exc == Unknown:
		return Unknown, sayf(explain, func() string {
			return fmt.Sprintf("%s is in an included location (%s); whether it is excluded is not known: %s", addr, incWhy, excWhy)
		})
	}
	if !explain {
		return Yes, ""
	}
	if len(l.Exclude) > 0 {
		return Yes, fmt.Sprintf("%s is outside every excluded location (%s)", addr, e.describeLocations(l.Exclude, addr, f, which))
	}
	return Yes, sayf(explain, func() string { return fmt.Sprintf("%s is in %s", addr, incWhy) })
}

// describeLocations names a list of location IDs for a reason, with the
// caveat of the MFA trusted IPs when it applies.
func (e *Evaluator) describeLocations(ids []string, addr netip.Addr, f *facts, which int) string {
	var parts []string
	for _, id := range ids {
		switch {
		case strings.EqualFold(id, "AllTrusted"):
			tf := e.trustedAt(addr, f, which)
			s := "all trusted locations"
			if tf.caveat {
				s += "; the legacy MFA trusted IPs, which no export holds, are not checked"
			}
			parts = append(parts, s)
		case strings.EqualFold(id, "All"):
			parts = append(parts, "any location")
		default:
			parts = append(parts, e.locationName(id))
		}
	}
	return strings.Join(parts, ", ")
}

// locationName names a location ID.
func (e *Evaluator) locationName(id string) string {
	if strings.EqualFold(id, MFATrustedIPsID) {
		return "the MFA trusted IPs"
	}
	if cl := e.locations[strings.ToLower(id)]; cl != nil && cl.loc.Name != "" {
		return fmt.Sprintf("%q", cl.loc.Name)
	}
	return id
}

// inLocation says whether addr lies in the location id ("All",
// "AllTrusted", a named location ID or the MFA trusted IPs).
func (e *Evaluator) inLocation(id string, addr netip.Addr, f *facts, which int, explain bool) (Tri, string) {
	switch id {
	case "all":
		return Yes, "any location"
	case "alltrusted":
		tf := e.trustedAt(addr, f, which)
		switch tf.t {
		case Yes:
			return Yes, sayf(explain, func() string { return fmt.Sprintf("the trusted location %q", tf.name) })
		case No:
			return No, say(explain, "all trusted locations")
		}
		return Unknown, tf.unknown
	case MFATrustedIPsID:
		if e.mfaTrusted == nil {
			if addr.Is6() {
				return No, "the MFA trusted IPs (IPv4 only)"
			}
			return Unknown, "the MFA trusted IPs are in no export; give them as a named location of ID " + MFATrustedIPsID
		}
		return triOf(e.mfaTrusted.set.contains(addr)), "the MFA trusted IPs"
	}
	cl := e.locations[id]
	if cl == nil {
		return Unknown, sayf(explain, func() string { return fmt.Sprintf("the named location %s is not in the named locations given", id) })
	}
	name := ""
	if explain {
		name = fmt.Sprintf("%q", firstNonEmpty(cl.loc.Name, cl.loc.ID))
	}
	switch cl.loc.Kind {
	case LocationIP:
		return triOf(cl.set.contains(addr)), sayf(explain, func() string { return fmt.Sprintf("%s", name) })
	case LocationCountry:
		if which == 1 {
			return Unknown, sayf(explain, func() string {
				return fmt.Sprintf("the export does not say the country of the address the resource saw, for %s", name)
			})
		}
		if strings.EqualFold(cl.loc.CountryLookupMethod, "authenticatorAppGps") {
			return Unknown, sayf(explain, func() string {
				return fmt.Sprintf("%s looks countries up by Authenticator GPS, which no export holds", name)
			})
		}
		country := f.rec.Location.Country
		if country == "" {
			if !f.rec.Known.Has(parse.FieldLocation) {
				return Unknown, sayf(explain, func() string { return fmt.Sprintf("the export does not give the sign-in's country, for %s", name) })
			}
			return triOf(cl.loc.IncludeUnknownCountries), sayf(explain, func() string { return fmt.Sprintf("%s (the country of %s is unknown)", name, addr) })
		}
		return triOf(knownValue(cl.loc.Countries, country)), sayf(explain, func() string { return fmt.Sprintf("%s (country %s)", name, country) })
	}
	return Unknown, sayf(explain, func() string {
		return fmt.Sprintf("%s is a %s location, which an IP address alone does not decide", name, cl.loc.Kind)
	})
}

// trustedAt says whether addr lies in a trusted location, once per
// address and record.
func (e *Evaluator) trustedAt(addr netip.Addr, f *facts, which int) *trustFact {
	tf := &f.trusted[which]
	if tf.done {
		return tf
	}
	tf.done = true
	for i := range e.trusted {
		if e.trusted[i].set.contains(addr) {
			tf.t, tf.name = Yes, firstNonEmpty(e.trusted[i].loc.Name, e.trusted[i].loc.ID)
			return tf
		}
	}
	if e.mfaTrusted != nil {
		if e.mfaTrusted.set.contains(addr) {
			tf.t, tf.name = Yes, "the MFA trusted IPs"
			return tf
		}
		tf.t = No
		return tf
	}
	if !e.haveLocation {
		tf.t, tf.unknown = Unknown, "no named locations are given (--named-locations)"
		return tf
	}
	// "All trusted locations" also covers the legacy MFA trusted IPs of
	// the MFA service settings, which are IPv4 only and in no export. The
	// address is outside every trusted location given; the reason says
	// that the MFA trusted IPs were not checked.
	tf.t, tf.caveat = No, addr.Is4()
	return tf
}
