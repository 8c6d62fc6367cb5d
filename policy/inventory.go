package policy

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/signinspect/signinspect/parse"
)

// InventorySchema is the version tag of signinspect policies' JSON report.
const InventorySchema = "signinspect.policies/v1"

// An Inventory is what signinspect policies reports of the exported
// configuration: every policy with its state, what it targets and
// requires, whether it can block an Azure DevOps call made with a personal
// access token and why, the named locations with the policies that use
// them, and what the exports leave unresolved.
type Inventory struct {
	Schema      string    `json:"schema"`
	Version     string    `json:"version"`
	GeneratedAt time.Time `json:"generated_at"`
	// Inputs are the paths read.
	Inputs         []string           `json:"inputs"`
	Policies       []PolicySummary    `json:"policies"`
	NamedLocations []LocationSummary  `json:"named_locations"`
	Counts         InventoryCounts    `json:"counts"`
	Warnings       []InventoryWarning `json:"warnings"`
}

// InventoryCounts counts the policies by state, and those that can block
// a personal access token's call to Azure DevOps.
type InventoryCounts struct {
	Enabled    int `json:"enabled"`
	ReportOnly int `json:"report_only"`
	Disabled   int `json:"disabled"`
	BlocksPAT  int `json:"blocks_pat"`
}

// PolicySummary is one policy of the inventory.
type PolicySummary struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	State string `json:"state"` // enabled, report-only, disabled, or as written.
	// Users, Resources and Conditions say what the policy targets, in
	// words; Grant and Session what it requires.
	Users      string   `json:"users"`
	Resources  string   `json:"resources"`
	Conditions []string `json:"conditions"`
	Grant      string   `json:"grant"`
	Session    []string `json:"session"`
	// BlocksPAT says whether the policy can stop a non-interactive Azure
	// DevOps call made with a personal access token; PATRisks say how.
	BlocksPAT bool      `json:"blocks_pat"`
	PATRisks  []PATRisk `json:"pat_risks"`
	// Locations are the named locations the policy names, resolved.
	Locations []LocationRef `json:"locations"`
	Source    string        `json:"source"`
	Modified  string        `json:"modified,omitempty"`
}

// PATRisk is one way a policy can stop a personal access token.
type PATRisk struct {
	// Kind is block, mfa, device, location, sign-in-frequency or control.
	Kind string `json:"kind"`
	Why  string `json:"why"`
}

// LocationRef is a named location a policy names.
type LocationRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Use is include or exclude; Via is AllTrusted for a trusted location
	// the policy names as one of "all trusted locations".
	Use string `json:"use"`
	Via string `json:"via,omitempty"`
	// Found is false for an ID the named locations given do not hold.
	Found bool `json:"found"`
}

// LocationSummary is one named location of the inventory.
type LocationSummary struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Trusted   bool     `json:"trusted"`
	Ranges    []string `json:"ranges"`
	Countries []string `json:"countries"`
	// UsedBy names the policies that include or exclude it.
	UsedBy []string `json:"used_by"`
	Source string   `json:"source"`
}

// InventoryWarning is something of the exports signinspect cannot resolve
// or reads as unknown.
type InventoryWarning struct {
	Policy  string `json:"policy,omitempty"`
	Source  string `json:"source,omitempty"`
	Message string `json:"message"`
}

// NewInventory describes the policies and named locations.
func NewInventory(inputs []string, policies []Policy, locations []NamedLocation, notes []string) *Inventory {
	inv := &Inventory{Schema: InventorySchema, Inputs: append([]string{}, inputs...), Policies: []PolicySummary{},
		NamedLocations: []LocationSummary{}, Warnings: []InventoryWarning{}}
	e := NewEvaluator(Config{Policies: policies, NamedLocations: locations})
	used := map[string][]string{}
	for i := range policies {
		p := &policies[i]
		s := summarize(e, p)
		switch p.State {
		case StateEnabled:
			inv.Counts.Enabled++
		case StateReportOnly:
			inv.Counts.ReportOnly++
		case StateDisabled:
			inv.Counts.Disabled++
		}
		if s.BlocksPAT && p.State == StateEnabled {
			inv.Counts.BlocksPAT++
		}
		for _, l := range s.Locations {
			if l.Found {
				used[strings.ToLower(l.ID)] = append(used[strings.ToLower(l.ID)], p.Label())
				continue
			}
			inv.Warnings = append(inv.Warnings, InventoryWarning{Policy: p.Label(), Source: p.Source,
				Message: fmt.Sprintf("names the named location %s, which the named locations given do not hold; pass their export with --named-locations", l.ID)})
		}
		for _, w := range p.Warnings {
			inv.Warnings = append(inv.Warnings, InventoryWarning{Policy: p.Label(), Source: p.Source, Message: w})
		}
		for _, id := range p.Applications.Include {
			if strings.EqualFold(id, AzureManagementAppID) && p.State != StateDisabled {
				inv.Warnings = append(inv.Warnings, InventoryWarning{Policy: p.Label(), Source: p.Source,
					Message: "targets Windows Azure Service Management API, which no longer covers Azure DevOps: target Azure DevOps (" + AzureDevOpsAppID + ") itself"})
			}
		}
		inv.Policies = append(inv.Policies, s)
	}
	for _, l := range locations {
		ls := LocationSummary{ID: l.ID, Name: l.Name, Kind: l.Kind, Trusted: l.Trusted, Ranges: []string{},
			Countries: append([]string{}, l.Countries...), UsedBy: append([]string{}, used[strings.ToLower(l.ID)]...), Source: l.Source}
		for _, r := range l.Ranges {
			ls.Ranges = append(ls.Ranges, r.String())
		}
		inv.NamedLocations = append(inv.NamedLocations, ls)
	}
	for _, n := range notes {
		inv.Warnings = append(inv.Warnings, InventoryWarning{Message: n})
	}
	return inv
}

// patFacts are a personal access token's call to Azure DevOps as the
// inventory imagines it: a user's non-interactive call from a desktop
// client, without a device, that has not failed; who and from where are not
// known.
func patFacts() *facts {
	rec := &parse.Record{Flow: parse.FlowNonInteractive, App: parse.App{ID: AzureDevOpsAppID}, Resource: parse.App{ID: AzureDevOpsAppID},
		ClientApp: "Mobile Apps and Desktop clients", AuthProtocol: "none", Known: parse.AllFields}
	f := &facts{}
	f.reset(rec)
	f.subject = subjectUser
	return f
}

// summarize describes one policy.
func summarize(e *Evaluator, p *Policy) PolicySummary {
	s := PolicySummary{ID: p.ID, Name: p.Label(), State: stateWord(p.State), Source: p.Source, Modified: p.Modified,
		Users: describeUsers(p), Resources: describeResources(p), Conditions: []string{}, Session: []string{},
		PATRisks: []PATRisk{}, Locations: []LocationRef{}}
	if p.Grant != nil {
		op := " and "
		if p.Grant.Or() {
			op = " or "
		}
		s.Grant = strings.Join(p.Grant.Controls(), op)
	}
	if f := p.Session.SignInFrequency; f != nil {
		s.Session = append(s.Session, "sign-in frequency "+f.String())
	}
	s.Session = append(s.Session, p.Session.Other...)
	if l := p.Locations; l != nil {
		for _, list := range []struct {
			use string
			ids []string
		}{{"include", l.Include}, {"exclude", l.Exclude}} {
			for _, id := range list.ids {
				if strings.EqualFold(id, "AllTrusted") {
					for _, t := range e.trusted {
						if t.loc.ID != "" {
							s.Locations = append(s.Locations, LocationRef{ID: t.loc.ID, Name: t.loc.Name, Use: list.use, Via: "AllTrusted", Found: true})
						}
					}
					continue
				}
				if strings.EqualFold(id, "All") {
					continue
				}
				ref := LocationRef{ID: id, Use: list.use}
				if loc := e.Location(id); loc != nil {
					ref.Name, ref.Found = loc.Name, true
				} else if strings.EqualFold(id, MFATrustedIPsID) {
					ref.Name, ref.Found = "MFA trusted IPs", true
				}
				s.Locations = append(s.Locations, ref)
			}
		}
		s.Conditions = append(s.Conditions, "locations: "+e.describeLocationLists(l))
	}
	if pl := p.Platforms; pl != nil {
		s.Conditions = append(s.Conditions, "platforms: "+includeExclude(pl.Include, pl.Exclude))
	}
	if len(p.ClientAppTypes) > 0 && !hasFold(p.ClientAppTypes, "all") {
		s.Conditions = append(s.Conditions, "client apps: "+strings.Join(p.ClientAppTypes, ", "))
	}
	if df := p.DeviceFilter; df != nil {
		s.Conditions = append(s.Conditions, fmt.Sprintf("devices: %s those matching %s", df.Mode, df.Rule))
	}
	for _, r := range []struct {
		name   string
		levels []string
	}{{"sign-in risk", p.SignInRiskLevels}, {"user risk", p.UserRiskLevels}, {"service principal risk", p.ServicePrincipalRiskLevels}, {"insider risk", p.InsiderRiskLevels}} {
		if len(r.levels) > 0 {
			s.Conditions = append(s.Conditions, r.name+": "+strings.Join(r.levels, ", "))
		}
	}
	if len(p.TransferMethods) > 0 {
		s.Conditions = append(s.Conditions, "authentication flows: "+strings.Join(p.TransferMethods, ", "))
	}
	if len(p.Applications.UserActions) > 0 {
		s.Conditions = append(s.Conditions, "user actions: "+strings.Join(p.Applications.UserActions, ", "))
	}
	if len(p.Applications.AuthContexts) > 0 {
		s.Conditions = append(s.Conditions, "authentication context: "+strings.Join(p.Applications.AuthContexts, ", "))
	}
	for _, u := range p.Unsupported {
		s.Conditions = append(s.Conditions, u+": set (signinspect cannot evaluate it)")
	}
	s.PATRisks = patRisks(e, p)
	s.BlocksPAT = len(s.PATRisks) > 0
	return s
}

// patRisks says how the policy can stop a personal access token's call to
// Azure DevOps: evaluated against such a call, with whoever and wherever
// left unknown, the policy may apply and its controls are not met.
func patRisks(e *Evaluator, p *Policy) []PATRisk {
	risks := []PATRisk{}
	if p.State == StateDisabled {
		return risks
	}
	idx := -1
	for i := range e.policies {
		if &e.policies[i] == p {
			idx = i
		}
	}
	c := &e.compiled[idx]
	f := patFacts()
	for _, cond := range c.order {
		if cond == CondUsers || cond == CondLocation {
			continue // Whoever signs in, from wherever.
		}
		if t, _, _ := e.offlineCondition(cond, c, f, false); t == No {
			return risks
		}
	}
	if p.Users == nil {
		return risks // Workload identities only.
	}
	add := func(kind, why string) { risks = append(risks, PATRisk{Kind: kind, Why: why}) }
	fence := p.Locations != nil && !(len(p.Locations.Include) == 1 && strings.EqualFold(p.Locations.Include[0], "All") && len(p.Locations.Exclude) == 0)
	where := ""
	if fence {
		where = " from " + e.describeLocationLists(p.Locations)
	}
	grant, _, _ := e.grant(idx, c, f)
	if g := p.Grant; g != nil {
		switch {
		case g.Blocks():
			add("block", "blocks access"+where)
		case grant == GrantFailed:
			for _, ctl := range c.controls {
				s, _ := e.controlStatus(ctl, idx, f, false)
				if !s.fails() {
					continue
				}
				switch ctl.kind {
				case ctlMFA, ctlAuthStrength:
					add("mfa", "requires "+controlLabel(ctl.name)+where+", which a personal access token cannot do")
				case ctlCompliantDevice, ctlDomainJoinedDevice:
					add("device", "requires "+controlLabel(ctl.name)+where+", and a personal access token carries no device")
				default:
					add("control", "requires "+controlLabel(ctl.name)+where+", which a personal access token cannot satisfy")
				}
			}
		}
	}
	if fence && len(risks) == 0 && grant != GrantSatisfied {
		add("location", "fences by location ("+e.describeLocationLists(p.Locations)+")")
	}
	if sif := p.Session.SignInFrequency; sif != nil {
		add("sign-in-frequency", "sign-in frequency "+sif.String()+": a personal access token older than that fails (70044)")
	}
	return risks
}

// describeUsers writes conditions.users (or the workload identities) in
// words.
func describeUsers(p *Policy) string {
	if u := p.Users; u != nil {
		s := describeUserLists(u.IncludeUsers, u.IncludeGroups, u.IncludeRoles, u.IncludeGuests)
		if exc := describeUserLists(u.ExcludeUsers, u.ExcludeGroups, u.ExcludeRoles, u.ExcludeGuests); exc != "none" {
			s += "; excluding " + exc
		}
		return s
	}
	if w := p.Workloads; w != nil {
		s := "service principals " + strings.Join(w.Include, ", ")
		if len(w.Exclude) > 0 {
			s += "; excluding " + strings.Join(w.Exclude, ", ")
		}
		return s
	}
	return "none"
}

// describeResources writes the target resources in words.
func describeResources(p *Policy) string {
	a := p.Applications
	name := func(ids []string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = appLabel(id)
		}
		return strings.Join(out, ", ")
	}
	s := name(a.Include)
	if len(a.Include) == 0 {
		s = "none"
	}
	if len(a.Exclude) > 0 {
		s += "; excluding " + name(a.Exclude)
	}
	return s
}

// includeExclude writes an include and an exclude list.
func includeExclude(inc, exc []string) string {
	s := strings.Join(inc, ", ")
	if len(exc) > 0 {
		s += "; excluding " + strings.Join(exc, ", ")
	}
	return s
}

// describeLocationLists writes a locations condition, the named locations
// by name with their ranges.
func (e *Evaluator) describeLocationLists(l *IncludeExclude) string {
	name := func(ids []string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			switch {
			case strings.EqualFold(id, "All"):
				out[i] = "any location"
			case strings.EqualFold(id, "AllTrusted"):
				var names []string
				for _, t := range e.trusted {
					names = append(names, describeRanges(t.loc))
				}
				sort.Strings(names)
				out[i] = "all trusted locations"
				if len(names) > 0 {
					out[i] += " (" + strings.Join(names, "; ") + "; and the MFA trusted IPs)"
				}
			default:
				out[i] = e.locationName(id)
				if loc := e.Location(id); loc != nil {
					out[i] = describeRanges(loc)
				}
			}
		}
		return strings.Join(out, ", ")
	}
	s := name(l.Include)
	if len(l.Exclude) > 0 {
		s += ", excluding " + name(l.Exclude)
	}
	return s
}

// describeRanges names a named location with what it holds: "\"Corporate
// egress\" 203.0.113.0/24, 192.0.2.0/26".
func describeRanges(l *NamedLocation) string {
	name := fmt.Sprintf("%q", firstNonEmpty(l.Name, l.ID))
	var parts []string
	for _, r := range l.Ranges {
		parts = append(parts, r.String())
	}
	parts = append(parts, l.Countries...)
	if l.IncludeUnknownCountries {
		parts = append(parts, "unknown countries")
	}
	if len(parts) == 0 {
		return name
	}
	return name + " " + strings.Join(parts, ", ")
}

// controlLabel names a grant control for people.
func controlLabel(c string) string {
	switch c {
	case ControlMFA:
		return "multifactor authentication"
	case ControlCompliantDevice:
		return "a compliant device"
	case ControlDomainJoinedDevice:
		return "a Microsoft Entra hybrid joined device"
	case ControlApprovedApplication:
		return "an approved client app"
	case ControlCompliantApplication:
		return "an app protection policy"
	case ControlPasswordChange:
		return "a password change"
	case ControlAuthStrength:
		return "an authentication strength"
	case ControlTermsOfUse:
		return "terms of use"
	case ControlCustomFactor:
		return "a custom control"
	}
	return c
}
