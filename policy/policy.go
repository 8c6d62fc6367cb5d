package policy

import (
	"fmt"
	"strings"
)

// State is whether a Conditional Access policy is on, as Graph names it.
type State string

// Policy states. A state Graph adds later is kept as written and evaluated
// as unknown.
const (
	StateEnabled    State = "enabled"
	StateDisabled   State = "disabled"
	StateReportOnly State = "enabledForReportingButNotEnforced"
)

// A Policy is one Conditional Access policy as Microsoft Graph's
// conditionalAccessPolicy describes it, v1.0 or beta, reduced to what an
// offline evaluation uses. Enumerations hold the values as the export
// writes them; a value signinspect does not know makes its condition
// unknown when evaluated (Warnings says so), never an error.
type Policy struct {
	ID    string
	Name  string // displayName.
	State State

	// Users is conditions.users; nil when the policy assigns no users
	// (a policy for workload identities).
	Users *UserCondition
	// Workloads is conditions.clientApplications: the service principals
	// a policy for workload identities covers; nil for user policies.
	Workloads *WorkloadCondition
	// Applications is conditions.applications: the target resources.
	Applications AppCondition
	// ClientAppTypes is conditions.clientAppTypes; empty or "all" matches
	// every client.
	ClientAppTypes []string
	// Platforms is conditions.platforms; nil matches every platform.
	Platforms *IncludeExclude
	// Locations is conditions.locations: named location IDs, "All" or
	// "AllTrusted"; nil matches every location.
	Locations *IncludeExclude
	// Risk levels the policy applies to; empty matches any.
	UserRiskLevels             []string
	SignInRiskLevels           []string
	ServicePrincipalRiskLevels []string
	InsiderRiskLevels          []string
	// DeviceFilter is conditions.devices.deviceFilter; nil matches every
	// device.
	DeviceFilter *DeviceFilter
	// TransferMethods is conditions.authenticationFlows.transferMethods:
	// deviceCodeFlow, authenticationTransfer; empty matches every flow.
	TransferMethods []string
	// Unsupported names the conditions the policy sets that signinspect
	// cannot evaluate offline (times, deprecated device states, filters on
	// custom security attributes); each makes the policy's applicability
	// unknown.
	Unsupported []string

	// Grant is grantControls; nil for a policy with session controls only.
	Grant *GrantControls
	// Session is sessionControls.
	Session SessionControls

	// Warnings say what of the policy signinspect reads as unknown.
	Warnings []string
	// Source is where the export defines the policy: "file:line".
	Source string
	// Modified is modifiedDateTime as written.
	Modified string
}

// Label returns the policy's name, or its ID when it has none.
func (p *Policy) Label() string {
	if p.Name != "" {
		return p.Name
	}
	if p.ID != "" {
		return p.ID
	}
	return "(unnamed policy)"
}

// IncludeExclude is an include list and an exclude list.
type IncludeExclude struct {
	Include, Exclude []string
}

// UserCondition is conditions.users.
type UserCondition struct {
	// IncludeUsers and ExcludeUsers hold object IDs, or All, None and
	// GuestsOrExternalUsers.
	IncludeUsers, ExcludeUsers []string
	// Groups hold group object IDs, roles directory role template IDs.
	IncludeGroups, ExcludeGroups []string
	IncludeRoles, ExcludeRoles   []string
	// IncludeGuests and ExcludeGuests are includeGuestsOrExternalUsers
	// and excludeGuestsOrExternalUsers; nil when not set.
	IncludeGuests, ExcludeGuests *GuestCondition
}

// GuestCondition is conditionalAccessGuestsOrExternalUsers.
type GuestCondition struct {
	// Types are guestOrExternalUserTypes: internalGuest,
	// b2bCollaborationGuest, b2bCollaborationMember, b2bDirectConnectUser,
	// otherExternalUser, serviceProvider.
	Types []string
	// AllTenants is externalTenants.membershipKind "all" (or no
	// externalTenants); otherwise Tenants lists the tenant IDs.
	AllTenants bool
	Tenants    []string
}

// WorkloadCondition is conditions.clientApplications.
type WorkloadCondition struct {
	// Include and Exclude hold service principal IDs or
	// ServicePrincipalsInMyTenant.
	Include, Exclude []string
	// Filtered is set when servicePrincipalFilter is set, which reads
	// custom security attributes no export holds.
	Filtered bool
}

// AppCondition is conditions.applications.
type AppCondition struct {
	// Include and Exclude hold application IDs, or All, None, Office365
	// and MicrosoftAdminPortals.
	Include, Exclude []string
	// UserActions are includeUserActions (urn:user:registersecurityinfo,
	// urn:user:registerdevice).
	UserActions []string
	// AuthContexts are includeAuthenticationContextClassReferences.
	AuthContexts []string
	// Filtered is set when applicationFilter is set (custom security
	// attributes, which no export holds).
	Filtered bool
}

// A DeviceFilter is conditions.devices.deviceFilter: a rule in the syntax
// of dynamic device groups, and whether matching devices are in the
// policy's scope (include) or out of it (exclude).
type DeviceFilter struct {
	Mode string // include or exclude.
	Rule string
	// parsed is the rule, or nil when it does not parse (err says why).
	parsed *filterExpr
	err    error
}

// GrantControls is grantControls.
type GrantControls struct {
	// Operator is AND or OR; AND when not given.
	Operator string
	// BuiltIn are builtInControls: block, mfa, compliantDevice,
	// domainJoinedDevice, approvedApplication, compliantApplication,
	// passwordChange.
	BuiltIn []string
	// TermsOfUse and CustomFactors hold IDs.
	TermsOfUse    []string
	CustomFactors []string
	// AuthStrength is authenticationStrength; nil when not required.
	AuthStrength *AuthStrength
}

// Controls returns every control the policy requires, built-in ones by
// their Graph names and the others as "authenticationStrength",
// "termsOfUse" and "customFactor", in the order the export lists them.
func (g *GrantControls) Controls() []string {
	if g == nil {
		return nil
	}
	out := append([]string(nil), g.BuiltIn...)
	if g.AuthStrength != nil {
		out = append(out, ControlAuthStrength)
	}
	for range g.TermsOfUse {
		out = append(out, ControlTermsOfUse)
	}
	for range g.CustomFactors {
		out = append(out, ControlCustomFactor)
	}
	return out
}

// Or reports whether one of the controls is enough.
func (g *GrantControls) Or() bool { return g != nil && strings.EqualFold(g.Operator, "OR") }

// Blocks reports whether the policy blocks access.
func (g *GrantControls) Blocks() bool {
	if g == nil {
		return false
	}
	for _, c := range g.BuiltIn {
		if strings.EqualFold(c, ControlBlock) {
			return true
		}
	}
	return false
}

// Grant control names, as grantControls.builtInControls writes them, and
// the names signinspect gives the controls that are not built in.
const (
	ControlBlock                = "block"
	ControlMFA                  = "mfa"
	ControlCompliantDevice      = "compliantDevice"
	ControlDomainJoinedDevice   = "domainJoinedDevice"
	ControlApprovedApplication  = "approvedApplication"
	ControlCompliantApplication = "compliantApplication"
	ControlPasswordChange       = "passwordChange"
	ControlAuthStrength         = "authenticationStrength"
	ControlTermsOfUse           = "termsOfUse"
	ControlCustomFactor         = "customFactor"
)

// AuthStrength is the authentication strength a policy requires.
type AuthStrength struct {
	ID, Name string
}

// SessionControls is sessionControls, as far as it can stop a sign-in.
type SessionControls struct {
	// SignInFrequency is nil when the policy sets none (or disables it).
	SignInFrequency *SignInFrequency
	// Other names the other session controls the policy enables
	// (persistentBrowser, cloudAppSecurity, ...), which never block a
	// sign-in.
	Other []string
}

// SignInFrequency is sessionControls.signInFrequency.
type SignInFrequency struct {
	// Value and Unit (days or hours) give the period; EveryTime is
	// frequencyInterval everyTime, which asks for a new sign-in each time.
	Value     int
	Unit      string
	EveryTime bool
}

// String writes the period: "30 days", "every time".
func (f *SignInFrequency) String() string {
	if f.EveryTime {
		return "every time"
	}
	unit := strings.TrimSuffix(strings.ToLower(f.Unit), "s")
	if unit == "" {
		unit = "day"
	}
	if f.Value == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", f.Value, unit)
}

// Known enumeration values, to tell a future value (unknown) from a
// misspelling of a known one.
var (
	knownClientAppTypes = []string{"all", "browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "easSupported", "other"}
	knownPlatforms      = []string{"all", "android", "iOS", "windows", "windowsPhone", "macOS", "linux"}
	knownRiskLevels     = []string{"low", "medium", "high", "hidden", "none"}
	knownGuestTypes     = []string{"none", "internalGuest", "b2bCollaborationGuest", "b2bCollaborationMember", "b2bDirectConnectUser", "otherExternalUser", "serviceProvider"}
	knownTransfers      = []string{"deviceCodeFlow", "authenticationTransfer"}
	knownGrantControls  = []string{ControlBlock, ControlMFA, ControlCompliantDevice, ControlDomainJoinedDevice,
		ControlApprovedApplication, ControlCompliantApplication, ControlPasswordChange}
)

// knownValue reports whether v is one of values, ignoring case.
func knownValue(values []string, v string) bool {
	for _, k := range values {
		if strings.EqualFold(k, v) {
			return true
		}
	}
	return false
}

// splitFlags reads a Graph flags enum written as one comma-joined string
// ("internalGuest,b2bCollaborationGuest"), or already as a list.
func splitFlags(list []string) []string {
	var out []string
	for _, s := range list {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" && !strings.EqualFold(p, "none") && !strings.EqualFold(p, "unknownFutureValue") {
				out = append(out, p)
			}
		}
	}
	return out
}

// policyFromJSON reads one policy. Members of the wrong kind are errors
// naming the file, line and key; unknown members are ignored, and unknown
// enumeration values are warnings.
func (d *jsonDoc) policyFromJSON(obj *jsonNode, path string) (Policy, error) {
	var errs []error
	r := d.reader(obj, path, &errs)
	p := Policy{ID: r.str("id"), Name: r.str("displayName"), State: State(r.str("state")), Source: r.source(),
		Modified: r.str("modifiedDateTime")}
	warn := func(key, format string, args ...any) {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	switch {
	case p.State == "":
		warn("state", "not given; the policy is evaluated as of unknown state")
	case knownValue([]string{string(StateEnabled), string(StateDisabled), string(StateReportOnly)}, string(p.State)):
		p.State = State(canonical([]string{string(StateEnabled), string(StateDisabled), string(StateReportOnly)}, string(p.State)))
	default:
		warn("state", "unknown value %q; the policy is evaluated as of unknown state", p.State)
	}
	checkEnum := func(key string, values, known []string) []string {
		out := make([]string, 0, len(values))
		for _, v := range values {
			if knownValue(known, v) {
				v = canonical(known, v)
			} else {
				warn(key, "unknown value %q; the condition is unknown", v)
			}
			out = append(out, v)
		}
		return out
	}

	c := r.object("conditions")
	if c == nil && !r.present("conditions") {
		errs = append(errs, r.errorf("policy %s has no conditions", policyLabel(p)))
	}
	if c == nil {
		return p, joinErrs(errs)
	}
	if u := c.object("users"); u != nil {
		p.Users = &UserCondition{
			IncludeUsers: u.stringList("includeUsers"), ExcludeUsers: u.stringList("excludeUsers"),
			IncludeGroups: u.stringList("includeGroups"), ExcludeGroups: u.stringList("excludeGroups"),
			IncludeRoles: u.stringList("includeRoles"), ExcludeRoles: u.stringList("excludeRoles"),
		}
		guests := func(key string) *GuestCondition {
			g := u.object(key)
			if g == nil {
				return nil
			}
			gc := &GuestCondition{Types: checkEnum(g.at("guestOrExternalUserTypes"), splitFlags(g.stringList("guestOrExternalUserTypes")), knownGuestTypes), AllTenants: true}
			if t := g.object("externalTenants"); t != nil {
				kind := t.str("membershipKind")
				gc.AllTenants = kind == "" || strings.EqualFold(kind, "all")
				gc.Tenants = t.stringList("members")
				if !gc.AllTenants && !strings.EqualFold(kind, "enumerated") {
					warn(t.at("membershipKind"), "unknown value %q; the condition is unknown", kind)
					gc.Tenants = nil
				}
			}
			return gc
		}
		p.Users.IncludeGuests, p.Users.ExcludeGuests = guests("includeGuestsOrExternalUsers"), guests("excludeGuestsOrExternalUsers")
		if p.Users.empty() {
			p.Users = nil
		}
	}
	if w := c.object("clientApplications"); w != nil {
		wc := &WorkloadCondition{Include: w.stringList("includeServicePrincipals"), Exclude: w.stringList("excludeServicePrincipals"),
			Filtered: w.present("servicePrincipalFilter")}
		if len(wc.Include)+len(wc.Exclude) > 0 || wc.Filtered {
			p.Workloads = wc
		}
	}
	if a := c.object("applications"); a != nil {
		p.Applications = AppCondition{Include: a.stringList("includeApplications"), Exclude: a.stringList("excludeApplications"),
			UserActions: a.stringList("includeUserActions"), AuthContexts: a.stringList("includeAuthenticationContextClassReferences"),
			Filtered: a.present("applicationFilter")}
	}
	p.ClientAppTypes = checkEnum(c.at("clientAppTypes"), c.stringList("clientAppTypes"), knownClientAppTypes)
	if pl := c.object("platforms"); pl != nil {
		p.Platforms = &IncludeExclude{Include: checkEnum(pl.at("includePlatforms"), pl.stringList("includePlatforms"), knownPlatforms),
			Exclude: checkEnum(pl.at("excludePlatforms"), pl.stringList("excludePlatforms"), knownPlatforms)}
		if len(p.Platforms.Include)+len(p.Platforms.Exclude) == 0 {
			p.Platforms = nil
		}
	}
	if l := c.object("locations"); l != nil {
		p.Locations = &IncludeExclude{Include: l.stringList("includeLocations"), Exclude: l.stringList("excludeLocations")}
		if len(p.Locations.Include)+len(p.Locations.Exclude) == 0 {
			p.Locations = nil
		}
	}
	p.UserRiskLevels = checkEnum(c.at("userRiskLevels"), splitFlags(c.stringList("userRiskLevels")), knownRiskLevels)
	p.SignInRiskLevels = checkEnum(c.at("signInRiskLevels"), splitFlags(c.stringList("signInRiskLevels")), knownRiskLevels)
	p.ServicePrincipalRiskLevels = checkEnum(c.at("servicePrincipalRiskLevels"), splitFlags(c.stringList("servicePrincipalRiskLevels")), knownRiskLevels)
	p.InsiderRiskLevels = splitFlags(c.stringList("insiderRiskLevels"))
	if dv := c.object("devices"); dv != nil {
		if f := dv.object("deviceFilter"); f != nil {
			df := &DeviceFilter{Mode: canonical([]string{"include", "exclude"}, f.str("mode")), Rule: f.str("rule")}
			df.parsed, df.err = parseFilter(df.Rule)
			if df.err != nil {
				warn(f.at("rule"), "%v; the condition is unknown", df.err)
			}
			if !strings.EqualFold(df.Mode, "include") && !strings.EqualFold(df.Mode, "exclude") {
				warn(f.at("mode"), "unknown value %q; the condition is unknown", df.Mode)
			}
			p.DeviceFilter = df
		}
		for _, key := range []string{"includeDevices", "excludeDevices", "includeDeviceStates", "excludeDeviceStates"} {
			if len(dv.stringList(key)) > 0 {
				p.Unsupported = append(p.Unsupported, "devices."+key)
			}
		}
	}
	if dv := c.object("deviceStates"); dv != nil && (len(dv.stringList("includeStates"))+len(dv.stringList("excludeStates")) > 0) {
		p.Unsupported = append(p.Unsupported, "deviceStates")
	}
	if af := c.object("authenticationFlows"); af != nil {
		p.TransferMethods = checkEnum(af.at("transferMethods"), splitFlags(af.stringList("transferMethods")), knownTransfers)
	}
	// Conditions of newer API versions that an offline replay has no input
	// for: set, they make the policy's applicability unknown.
	for _, key := range []string{"times", "clients", "agents", "agentIdRiskLevels"} {
		if n := c.obj.member(key); !n.isNull() && !(n.kind == jsonArray && len(n.elems) == 0) && !(n.kind == jsonString && n.text == "") {
			p.Unsupported = append(p.Unsupported, key)
		}
	}
	if p.Applications.Filtered {
		p.Unsupported = append(p.Unsupported, "applications.applicationFilter")
	}

	if g := r.object("grantControls"); g != nil {
		gc := &GrantControls{Operator: g.str("operator"), BuiltIn: g.stringList("builtInControls"),
			TermsOfUse: g.stringList("termsOfUse"), CustomFactors: g.stringList("customAuthenticationFactors")}
		gc.BuiltIn = checkEnum(g.at("builtInControls"), gc.BuiltIn, knownGrantControls)
		if s := g.object("authenticationStrength"); s != nil {
			gc.AuthStrength = &AuthStrength{ID: s.str("id"), Name: s.str("displayName")}
		}
		if gc.Operator != "" && !strings.EqualFold(gc.Operator, "AND") && !strings.EqualFold(gc.Operator, "OR") {
			warn(g.at("operator"), "unknown value %q; read as AND", gc.Operator)
		}
		if len(gc.Controls()) > 0 {
			p.Grant = gc
		}
	}
	if s := r.object("sessionControls"); s != nil {
		for _, key := range s.obj.memberNames() {
			n := s.obj.member(key)
			if n.kind != jsonObject || strings.EqualFold(key, "@odata.type") {
				continue
			}
			sc := s.object(key)
			enabled, given := sc.boolean("isEnabled")
			if given && !enabled {
				continue
			}
			if strings.EqualFold(key, "signInFrequency") {
				f := &SignInFrequency{Value: sc.number("value"), Unit: sc.str("type"),
					EveryTime: strings.EqualFold(sc.str("frequencyInterval"), "everyTime")}
				if f.Value > 0 || f.EveryTime {
					p.Session.SignInFrequency = f
				}
				continue
			}
			p.Session.Other = append(p.Session.Other, key)
		}
	}
	return p, joinErrs(errs)
}

// policyLabel names a policy in messages.
func policyLabel(p Policy) string {
	if p.Name != "" {
		return fmt.Sprintf("%q", p.Name)
	}
	if p.ID != "" {
		return p.ID
	}
	return "(unnamed)"
}

// canonical returns the spelling values give v (compared ignoring case).
func canonical(values []string, v string) string {
	for _, k := range values {
		if strings.EqualFold(k, v) {
			return k
		}
	}
	return v
}

func (u *UserCondition) empty() bool {
	return len(u.IncludeUsers)+len(u.ExcludeUsers)+len(u.IncludeGroups)+len(u.ExcludeGroups)+
		len(u.IncludeRoles)+len(u.ExcludeRoles) == 0 && u.IncludeGuests == nil && u.ExcludeGuests == nil
}
