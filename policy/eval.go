package policy

import (
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/signinspect/signinspect/parse"
)

// This file evaluates recorded sign-ins against exported policies, as
// Entra ID's documented rules say it does: every condition of a policy must
// match for it to apply (an unset condition matches, an exclusion beats an
// inclusion), only enabled policies enforce (report-only ones are
// evaluated and reported), a block stops the sign-in, and every other
// applying policy must have its grant controls satisfied, all of them
// (AND) or one (OR), and its sign-in frequency met. Each condition is
// three-valued: what the record does not say is Unknown, with the reason.
// The vocabulary is that of Microsoft's What If tool: whether a policy
// applies and the first condition that does not match; what What If never
// says, whether the grant controls are met, is added.

// Condition is a condition of a policy, named as the What If tool names
// the reason a policy does not apply (analysisReasons).
type Condition uint8

// The conditions, in the order they are evaluated and reported.
const (
	CondUsers Condition = iota
	CondWorkloads
	CondApplication
	CondUserActions
	CondAuthContext
	CondDevicePlatform
	CondDevices
	CondClientApps
	CondLocation
	CondSignInRisk
	CondUserRisk
	CondServicePrincipalRisk
	CondInsiderRisk
	CondAuthFlow
	CondUnsupported
	numConds
)

var condNames = [numConds]string{"users", "workloadIdentities", "application", "userActions", "authenticationContext",
	"devicePlatform", "devices", "clientApps", "location", "signInRisk", "userRisk", "servicePrincipalRisk",
	"insiderRisk", "authenticationFlow", "unsupported"}

// String returns the What If name of the condition.
func (c Condition) String() string {
	if c < numConds {
		return condNames[c]
	}
	return "unknown"
}

// ConditionNames lists the What If names of the conditions.
func ConditionNames() []string { return append([]string(nil), condNames[:CondUnsupported]...) }

// ParseCondition reads a condition name: the What If names, and the names
// sign-in logs give conditions (clientType, servicePrincipals, ...).
func ParseCondition(s string) (Condition, bool) {
	for i, n := range condNames[:CondUnsupported] {
		if strings.EqualFold(n, s) {
			return Condition(i), true
		}
	}
	switch strings.ToLower(s) {
	case "clienttype":
		return CondClientApps, true
	case "serviceprincipals":
		return CondWorkloads, true
	case "authenticationflows":
		return CondAuthFlow, true
	case "devicestate", "client":
		return CondDevices, true
	case "ipaddressseenbyazuread", "ipaddressseenbyresourceprovider":
		return CondLocation, true
	}
	return 0, false
}

// ControlStatus says whether a sign-in meets a grant or session control.
type ControlStatus uint8

// Control statuses.
const (
	// StatusUnknown: the record does not say.
	StatusUnknown ControlStatus = iota
	// StatusSatisfied: the record shows the control met.
	StatusSatisfied
	// StatusNotSatisfied: the record shows the control not met.
	StatusNotSatisfied
	// StatusUnsatisfiable: the flow can never meet the control (MFA or a
	// device grant on a personal access token).
	StatusUnsatisfiable
	// StatusUserAction: the user would be prompted (MFA in a browser).
	StatusUserAction
	// StatusBlock: the control is block.
	StatusBlock
)

var controlStatusNames = [...]string{"unknown", "satisfied", "notSatisfied", "unsatisfiable", "userAction", "block"}

func (s ControlStatus) String() string { return controlStatusNames[s] }

// fails reports whether the status fails the control.
func (s ControlStatus) fails() bool {
	return s == StatusNotSatisfied || s == StatusUnsatisfiable || s == StatusBlock
}

// Verdict is what the policies make of a sign-in.
type Verdict uint8

// Verdicts.
const (
	// VerdictUnknown: whether the policies allow the sign-in depends on
	// what the export does not say.
	VerdictUnknown Verdict = iota
	// VerdictAllowed: no enabled policy stops the sign-in.
	VerdictAllowed
	// VerdictBlocked: an enabled policy that applies blocks it, or its
	// controls are not met.
	VerdictBlocked
	// VerdictNotEvaluated: Conditional Access does not decide the sign-in
	// (it failed before, or a managed identity signed in).
	VerdictNotEvaluated
)

var verdictNames = [...]string{"unknown", "allowed", "blocked", "notEvaluated"}

func (v Verdict) String() string { return verdictNames[v] }

// A PolicyResult is one policy evaluated for one sign-in.
type PolicyResult struct {
	// Index is the policy's position in the evaluator's policies.
	Index  int
	Policy *Policy
	// Applies says whether the policy's conditions match; Reason is the
	// first condition that does not match (Applies No), or the first that
	// is unknown (Applies Unknown).
	Applies Tri
	Reason  Condition
	// Deciding are the conditions the policy configures (not "all") that
	// match: those whose change would make it stop applying.
	Deciding ConditionSet
	// Grant says whether the controls are met; Control is the control
	// that decides it (the one not met, or not known), "" when none does.
	Grant         Grant
	Control       string
	ControlStatus ControlStatus
	// Result is the result Entra would log for the policy: a parse.CA
	// constant, or "unknown".
	Result string
}

// Enforced reports whether the policy is enabled (not report-only).
func (r *PolicyResult) Enforced() bool { return r.Policy.State == StateEnabled }

// Stops reports whether the policy applies and its controls are not met.
func (r *PolicyResult) Stops() bool {
	return r.Applies == Yes && (r.Grant == GrantBlocked || r.Grant == GrantFailed)
}

// ConditionSet is a set of conditions.
type ConditionSet uint16

// Has reports whether c is in the set.
func (s ConditionSet) Has(c Condition) bool { return s&(1<<c) != 0 }

// List returns the conditions of the set, in evaluation order.
func (s ConditionSet) List() []Condition {
	var out []Condition
	for c := Condition(0); c < numConds; c++ {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// Grant is whether a sign-in meets a policy's grant and session controls.
type Grant uint8

// Grant outcomes.
const (
	GrantUnknown Grant = iota
	// GrantSatisfied: every control needed is met (or there is none).
	GrantSatisfied
	// GrantFailed: a control needed is not met and cannot be.
	GrantFailed
	// GrantBlocked: the policy blocks access.
	GrantBlocked
	// GrantUserAction: the user would be prompted.
	GrantUserAction
)

var grantNames = [...]string{"unknown", "satisfied", "failed", "blocked", "userAction"}

func (g Grant) String() string { return grantNames[g] }

// An Evaluation is every policy evaluated for one sign-in, and the verdict.
// Its slices are reused by the next Evaluate into it.
type Evaluation struct {
	Verdict Verdict
	// Deciding is the index in Results of the policy that decides the
	// verdict (the first block, else the first policy whose controls are
	// not met, or for an unknown verdict the first policy that leaves it
	// open), or -1.
	Deciding int
	Results  []PolicyResult

	f  facts
	by *Evaluator
}

// Evaluator returns the evaluator that filled ev.
func (ev *Evaluation) Evaluator() *Evaluator { return ev.by }

// DecidingResult returns the deciding policy's result, or nil.
func (ev *Evaluation) DecidingResult() *PolicyResult {
	if ev == nil || ev.Deciding < 0 {
		return nil
	}
	return &ev.Results[ev.Deciding]
}

// Record returns the sign-in evaluated.
func (ev *Evaluation) Record() *parse.Record { return ev.f.rec }

// A Config is what the evaluator evaluates against.
type Config struct {
	Policies       []Policy
	NamedLocations []NamedLocation
	// TrustedIPs are ranges trusted by hand (--trusted-ip): they count as
	// a trusted location for policies that exclude all trusted locations.
	TrustedIPs []netip.Prefix
	// Memberships are the users' groups and roles; nil knows none.
	Memberships *Memberships
	// Reference is the evaluator of the policies as they were when the
	// sign-ins happened (whatif's policies before the edits); nil means
	// this configuration. The per-policy results Entra logged are read
	// against the reference's policies: what they prove of the user's
	// groups and of the controls met.
	Reference *Evaluator
	// LoggedConditions lets a condition that the export cannot decide
	// offline take the result Entra logged for it (a policy it applied
	// matched every condition; conditionsSatisfied and
	// conditionsNotSatisfied name the others), for policies that the
	// reference holds unchanged.
	LoggedConditions bool
}

// An Evaluator evaluates sign-ins against a set of policies. It is safe
// for concurrent use: each call evaluates into its own Evaluation.
type Evaluator struct {
	policies  []Policy
	compiled  []compiledPolicy
	byID      map[string]int
	locations map[string]*compiledLocation // By lower-case ID.
	// trusted holds the ranges of the trusted IP locations and of
	// --trusted-ip, trustedNames their names for reasons.
	trusted      []compiledLocation
	haveLocation bool // Any named location (or --trusted-ip) is known.
	mfaTrusted   *compiledLocation
	members      *Memberships
	ref          *Evaluator
	logged       bool
	cfg          Config

	// targets index the policies by the resource they target, so that a
	// sign-in is evaluated against the policies that may apply to its
	// resource and the others are "not applied" at once: byResource maps a
	// lower-case application ID to the sorted indices of the policies
	// that name it or may cover any resource; anyResource lists the latter
	// alone, for resources no policy names.
	byResource  map[string][]int
	anyResource []int
	// untargeted are the results of the policies for a sign-in to a
	// resource they do not target.
	untargeted []PolicyResult
}

type compiledLocation struct {
	loc *NamedLocation
	set addrSet
}

// NewEvaluator prepares cfg for evaluation.
func NewEvaluator(cfg Config) *Evaluator {
	e := &Evaluator{policies: cfg.Policies, byID: map[string]int{}, locations: map[string]*compiledLocation{},
		members: cfg.Memberships, ref: cfg.Reference, logged: cfg.LoggedConditions, cfg: cfg}
	if e.ref == nil {
		e.ref = e
	}
	e.compiled = make([]compiledPolicy, len(e.policies))
	for i := range e.policies {
		e.compiled[i] = compilePolicy(&e.policies[i])
		if id := strings.ToLower(e.policies[i].ID); id != "" {
			if _, dup := e.byID[id]; !dup {
				e.byID[id] = i
			}
		}
	}
	e.indexTargets()
	e.markUnchanged()
	for i := range cfg.NamedLocations {
		l := &cfg.NamedLocations[i]
		cl := &compiledLocation{loc: l, set: newAddrSet(l.Ranges)}
		if l.ID != "" {
			e.locations[strings.ToLower(l.ID)] = cl
		}
		if strings.EqualFold(l.ID, MFATrustedIPsID) {
			e.mfaTrusted = cl
			continue
		}
		if l.Trusted && l.Kind == LocationIP {
			e.trusted = append(e.trusted, *cl)
		}
		e.haveLocation = true
	}
	for _, p := range cfg.TrustedIPs {
		l := &NamedLocation{Name: "--trusted-ip " + p.String(), Kind: LocationIP, Trusted: true, Ranges: []netip.Prefix{p}}
		e.trusted = append(e.trusted, compiledLocation{loc: l, set: newAddrSet(l.Ranges)})
		e.haveLocation = true
	}
	return e
}

// HasPolicy reports whether a policy is named (ignoring case) or has the
// ID name.
func (e *Evaluator) HasPolicy(name string) bool {
	for i := range e.policies {
		if strings.EqualFold(e.policies[i].Name, name) || e.policies[i].ID != "" && strings.EqualFold(e.policies[i].ID, name) {
			return true
		}
	}
	return false
}

// indexOf returns the index of the policy with the ID id, ignoring case.
func (e *Evaluator) indexOf(id string) (int, bool) {
	i, ok := e.byID[lower(id)]
	return i, ok
}

// Policies returns the policies evaluated, in order.
func (e *Evaluator) Policies() []Policy { return e.policies }

// Location returns the named location with the ID id, or nil.
func (e *Evaluator) Location(id string) *NamedLocation {
	if cl := e.locations[strings.ToLower(id)]; cl != nil {
		return cl.loc
	}
	return nil
}

// Evaluate evaluates every policy for rec into ev, reusing its slices.
func (e *Evaluator) Evaluate(rec *parse.Record, ev *Evaluation) {
	ev.f.reset(rec)
	ev.by = e
	f := &ev.f
	if cap(ev.Results) < len(e.policies) {
		ev.Results = make([]PolicyResult, len(e.policies))
	}
	ev.Results = ev.Results[:len(e.policies)]
	candidates := e.anyResource
	if f.resource == "" {
		candidates = nil // Every policy may apply: evaluate them all.
	} else if list, ok := e.byResource[f.resource]; ok {
		candidates = list
	}
	next := 0
	for i := range e.policies {
		if f.resource == "" || next < len(candidates) && candidates[next] == i {
			next++
			e.evalPolicy(i, f, &ev.Results[i])
			continue
		}
		ev.Results[i] = e.untargeted[i]
	}
	if f.resource == "" {
		candidates = nil
	}
	ev.Verdict, ev.Deciding = verdict(ev.Results, candidates, f)
}

// markUnchanged marks the policies the reference holds as they are here,
// with the same named locations and trusted ranges, whose logged
// condition results stay true.
func (e *Evaluator) markUnchanged() {
	sameLocations := e.ref == e || reflect.DeepEqual(e.cfg.NamedLocations, e.ref.cfg.NamedLocations) &&
		reflect.DeepEqual(e.cfg.TrustedIPs, e.ref.cfg.TrustedIPs)
	for i := range e.compiled {
		c := &e.compiled[i]
		if e.ref == e {
			c.unchanged, c.sameSignInFrequency = true, true
			continue
		}
		j, ok := e.ref.byID[c.id]
		c.unchanged = ok && reflect.DeepEqual(*c.p, e.ref.policies[j]) && (sameLocations || c.p.Locations == nil)
		c.sameSignInFrequency = ok && reflect.DeepEqual(c.p.Session.SignInFrequency, e.ref.policies[j].Session.SignInFrequency)
	}
}

// indexTargets fills byResource, anyResource and untargeted.
func (e *Evaluator) indexTargets() {
	e.byResource = map[string][]int{}
	e.untargeted = make([]PolicyResult, len(e.policies))
	named := map[string][]int{}
	for i := range e.compiled {
		c := &e.compiled[i]
		p := c.p
		r := PolicyResult{Index: i, Policy: p, Applies: No, Reason: CondApplication, Result: parse.CANotApplied}
		switch p.State {
		case StateDisabled:
			r.Applies, r.Reason, r.Result = Unknown, numConds, parse.CANotEnabled
		case StateReportOnly:
			r.Result = parse.CAReportOnlyNotApplied
		case StateEnabled:
		default:
			// Whatever its state, it does not target the resource.
			r.Result = parse.CAUnknown
		}
		e.untargeted[i] = r
		specific := len(c.incApps) > 0 && p.State != StateDisabled
		for _, a := range c.incApps {
			if !looksLikeID(a) {
				specific = false
			}
		}
		if !specific {
			e.anyResource = append(e.anyResource, i)
			continue
		}
		for _, a := range c.incApps {
			named[a] = append(named[a], i)
			if a == AzureManagementAppID {
				named[AzurePortalAppID] = append(named[AzurePortalAppID], i)
			}
		}
	}
	for app, list := range named {
		merged := append(append([]int(nil), list...), e.anyResource...)
		sort.Ints(merged)
		merged = slices.Compact(merged)
		e.byResource[app] = merged
	}
}

// evalOrder is the order conditions are evaluated in: the cheapest and
// most selective first (most policies target other resources or clients),
// so that a policy that does not apply is told at its first condition that
// does not match. Reason names that condition.
var evalOrder = [numConds]Condition{CondApplication, CondClientApps, CondDevicePlatform, CondUserActions,
	CondAuthContext, CondAuthFlow, CondWorkloads, CondUsers, CondLocation, CondDevices, CondSignInRisk,
	CondUserRisk, CondServicePrincipalRisk, CondInsiderRisk, CondUnsupported}

// evalPolicy evaluates policy i into r. A disabled policy's conditions
// are not evaluated (Applies stays Unknown): it enforces nothing, and
// Explain evaluates them when asked.
func (e *Evaluator) evalPolicy(i int, f *facts, r *PolicyResult) {
	c := &e.compiled[i]
	p := c.p
	*r = PolicyResult{Index: i, Policy: p, Applies: Yes}
	if p.State == StateDisabled {
		r.Applies, r.Reason, r.Result = Unknown, numConds, parse.CANotEnabled
		return
	}
	reason := Condition(numConds)
	for _, cond := range c.order {
		t, set, _ := e.offlineCondition(cond, c, f, false)
		if t == Unknown && e.logged && c.unchanged {
			if u, _ := loggedCondition(f.rec, c.id, cond); u != Unknown {
				t, set = u, true
			}
		}
		if t == No {
			r.Applies, r.Reason = No, cond
			break
		}
		if t == Unknown {
			if r.Applies == Yes {
				reason = cond
			}
			r.Applies = Unknown
		} else if set {
			r.Deciding |= 1 << cond
		}
	}
	if r.Applies == Unknown {
		r.Reason = reason
	}
	if r.Applies != No {
		r.Grant, r.Control, r.ControlStatus = e.grant(i, c, f)
	}
	r.Result = predictedResult(p, r, f)
}

// predictedResult is the result Entra would log for the policy.
func predictedResult(p *Policy, r *PolicyResult, f *facts) string {
	reportOnly := p.State == StateReportOnly
	pick := func(enforced, report string) string {
		if reportOnly {
			return report
		}
		return enforced
	}
	switch {
	case p.State == StateDisabled:
		return parse.CANotEnabled
	case p.State != StateEnabled && !reportOnly:
		return parse.CAUnknown
	case f.preCA || f.subject == subjectManagedIdentity:
		return pick(parse.CANotApplied, parse.CAReportOnlyNotApplied)
	case r.Applies == No:
		return pick(parse.CANotApplied, parse.CAReportOnlyNotApplied)
	case r.Applies == Unknown:
		return parse.CAUnknown
	}
	switch r.Grant {
	case GrantSatisfied:
		return pick(parse.CASuccess, parse.CAReportOnlySuccess)
	case GrantFailed, GrantBlocked:
		return pick(parse.CAFailure, parse.CAReportOnlyFailure)
	case GrantUserAction:
		return pick(parse.CAUnknown, parse.CAReportOnlyInterrupted)
	}
	return parse.CAUnknown
}

// verdict folds the enforced policies' results: a block wins, then any
// control not met; what stays open makes the verdict unknown. candidates
// are the indices of the policies that target the resource (nil: all);
// the others do not apply.
func verdict(results []PolicyResult, candidates []int, f *facts) (Verdict, int) {
	if f.preCA || f.subject == subjectManagedIdentity {
		return VerdictNotEvaluated, -1
	}
	blocked, failed, open := -1, -1, -1
	n := len(results)
	if candidates != nil {
		n = len(candidates)
	}
	for k := 0; k < n; k++ {
		i := k
		if candidates != nil {
			i = candidates[k]
		}
		r := &results[i]
		if r.Policy.State == StateDisabled || r.Policy.State == StateReportOnly {
			continue
		}
		if r.Policy.State != StateEnabled {
			if open < 0 && r.Applies != No {
				open = i
			}
			continue
		}
		switch {
		case r.Applies == No:
		case r.Applies == Yes && r.Grant == GrantBlocked:
			if blocked < 0 {
				blocked = i
			}
		case r.Applies == Yes && r.Grant == GrantFailed:
			if failed < 0 {
				failed = i
			}
		case r.Grant == GrantSatisfied:
			// Met whether or not the policy applies.
		default:
			if open < 0 {
				open = i
			}
		}
	}
	switch {
	case blocked >= 0:
		return VerdictBlocked, blocked
	case failed >= 0:
		return VerdictBlocked, failed
	case open >= 0:
		return VerdictUnknown, open
	}
	return VerdictAllowed, -1
}
