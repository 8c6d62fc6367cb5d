package rules

import (
	"fmt"
	"strings"

	"github.com/signinspect/signinspect/internal/ascii"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// record is parse.Record without its Go methods. Env embeds it rather than
// *parse.Record so that the expression environment is exactly the record's
// fields plus the helpers below: a method added to parse.Record later does
// not leak into the rule language, and helper fields (Known, Failed) are not
// shadowed by methods, which expr resolves before fields and calls through
// reflection, several times slower than a helper field.
type record parse.Record

// Env is the environment rule expressions are compiled against and
// evaluated in: the fields of the normalized sign-in (parse.Record, by their
// Go paths: Status.Code, Flow, IP, Policies, Device.Compliant, ...) and the
// helper functions below. REFERENCE.md documents every field and helper;
// a test keeps it in step with this type.
//
// Helpers are function-valued fields rather than methods or expr.Function
// options: expr calls a function field whose signature is one of its
// predefined types (vm.FuncTypes) directly, without reflection, and a field
// can close over the record being evaluated and the Context of the run. Each
// Evaluator builds its own Env once and only swaps the record per sign-in.
type Env struct {
	*record

	// budget is the time budget of the evaluation under way; the tick that
	// budgetPatch puts into loops reaches it through $env.
	budget *evalBudget
	// policies evaluates the policies of the context (nil without any);
	// eval holds its evaluation of the record once a helper asked for it.
	policies  *policy.Evaluator
	eval      policy.Evaluation
	evaluated bool

	// Known reports whether the record's format carries the named field
	// (a parse.Field name: "Policies", "Device.Compliant", ...), so that a
	// rule can tell "the export lacks it" from "empty". A name that is not a
	// field is a compile error.
	Known func(field string) bool
	// Failed reports whether the sign-in did not succeed (parse.Record.Failed).
	Failed func() bool
	// IsAzureDevOps reports whether the application or the resource is
	// Azure DevOps, by ID or by name.
	IsAzureDevOps func() bool
	// HasPolicyControl reports whether a policy whose result is result
	// enforces control as a grant or session control. Results and controls
	// compare case-insensitively; an empty result matches any result; control
	// names compare without a "Require" prefix, so "compliantDevice" matches
	// "RequireCompliantDevice".
	HasPolicyControl func(result, control string) bool
	// HasPolicyCondition reports whether a policy whose result is result
	// lists condition among its satisfied conditions. An empty result
	// matches any result; an empty condition matches any listed condition.
	HasPolicyCondition func(result, condition string) bool
	// PolicyNames returns the names (or IDs, for unnamed policies) of the
	// policies whose result is result; an empty result lists every policy.
	PolicyNames func(result string) []string

	// InCIDR reports whether ip lies in the CIDR range cidr. IPv4, IPv6
	// and IPv4-mapped IPv6 (::ffff:192.0.2.1) addresses and ranges are
	// accepted; a mapped address matches its IPv4 range and the reverse. An
	// ip that is not an address gives false; a cidr that is not a range is
	// a compile error when it is a constant, a run error otherwise.
	InCIDR func(ip, cidr string) bool
	// IPVersion returns 4 for an IPv4 address, 6 for an IPv6 one (an
	// IPv4-mapped address is written in IPv6 form, so it is 6), and 0 when
	// ip is not an address.
	IPVersion func(ip string) int
	// SameIP reports whether a and b are the same address, whatever their
	// spelling (IPv6 zero compression, IPv4-mapped form).
	SameIP func(a, b string) bool

	// Trusted reports whether ip lies in a trusted named location of
	// --named-locations or in a --trusted-ip range.
	Trusted func(ip string) bool
	// TrustedLocation returns the name of the first trusted location that
	// holds ip ("--trusted-ip 203.0.113.0/24" for a range given by hand), or
	// "".
	TrustedLocation func(ip string) string
	// NamedLocation returns the name of the first IP named location,
	// trusted or not, that holds ip, or "".
	NamedLocation func(ip string) string
	// NamedLocations returns the names of every IP named location that
	// holds ip.
	NamedLocations func(ip string) []string
	// InNamedLocation reports whether ip lies in the IP named location
	// called name (compared case-insensitively) or with ID name.
	InNamedLocation func(ip, name string) bool
	// CountryLocations returns the names of the country named locations
	// that include the two-letter country code; an empty code matches the
	// locations that include unknown countries.
	CountryLocations func(country string) []string
	// HasNamedLocations reports whether --named-locations gave any named
	// location.
	HasNamedLocations func() bool
	// HasTrustedRanges reports whether any trusted range is known (from
	// trusted named locations or --trusted-ip) written in IP version
	// version: 4, 6 (IPv6 and IPv4-mapped ranges), or 0 for either.
	HasTrustedRanges func(version int) bool

	// HasPolicies reports whether --policies gave any policy, so that the
	// helpers below evaluate them.
	HasPolicies func() bool
	// PolicyVerdict returns what signinspect's evaluation of the policies
	// makes of the sign-in: "blocked", "allowed", "unknown" or
	// "notEvaluated" (it failed before Conditional Access), or "" without
	// policies.
	PolicyVerdict func() string
	// EvaluatedPolicies returns the names (IDs for unnamed ones) of the
	// policies whose evaluated result is result, as PolicyNames does for
	// the logged results: "failure" lists the enabled policies that stop
	// the sign-in by the evaluation; "" lists every policy.
	EvaluatedPolicies func(result string) []string
	// EvaluatedResult returns the result the evaluation gives a policy
	// (named, case-insensitively, or by ID): a policy result as sign-in
	// logs write them, or "unknown"; "" when no policy is so named.
	EvaluatedResult func(policy string) string
	// ConditionMatch returns whether a condition of a policy matches the
	// sign-in: "yes", "no", "unknown", or "notSet" when the policy leaves
	// it at all; "" when no policy is so named.
	ConditionMatch func(policy, condition string) string
	// BlockDecidedBy reports whether the evaluation blocks the sign-in and
	// condition decides every block: each enabled policy that stops it
	// configures the condition (not "all") and the condition matches, so
	// that the block goes when the condition stops matching.
	BlockDecidedBy func(condition string) bool

	// EqualFold reports whether a and b are equal, ignoring case.
	EqualFold func(a, b string) bool
	// ContainsFold reports whether substr is within s, ignoring case.
	ContainsFold func(s, substr string) bool
	// CodeName returns Microsoft's name of a sign-in error code
	// ("BlockedByConditionalAccess" for 53003), or "".
	CodeName func(code int) string
	// IsCACode reports whether a sign-in error code is a Conditional Access
	// one (53000-53004, 53010, 53011, 5300xx, 50005, 50131, 70043, 70044).
	IsCACode func(code int) bool
}

// knownFields maps field names, as written and lower case, to fields, so
// that Known does not scan the field list on the hot path.
var knownFields = func() map[string]parse.Field {
	m := make(map[string]parse.Field)
	for _, f := range parse.Fields() {
		m[f.String()] = f
		m[strings.ToLower(f.String())] = f
	}
	return m
}()

// lookupField returns the field named name, case-insensitively.
func lookupField(name string) (parse.Field, bool) {
	if f, ok := knownFields[name]; ok {
		return f, true
	}
	return parse.FieldByName(name)
}

// newEnv returns an Env whose helpers read the record in env.record and the
// tenant in t. The caller sets env.record before each evaluation (and
// clears what the policy helpers evaluated of the last record).
func newEnv(t *tenant) *Env {
	loc := t.loc
	env := &Env{budget: &evalBudget{}, policies: t.policies}
	env.Known = func(name string) bool {
		f, ok := lookupField(name)
		return ok && env.record.Known.Has(f)
	}
	env.Failed = func() bool { return (*parse.Record)(env.record).Failed() }
	env.IsAzureDevOps = func() bool {
		r := env.record
		return strings.EqualFold(r.App.ID, parse.AzureDevOpsAppID) ||
			strings.EqualFold(r.Resource.ID, parse.AzureDevOpsAppID) ||
			strings.EqualFold(r.App.Name, "Azure DevOps") ||
			strings.EqualFold(r.Resource.Name, "Azure DevOps")
	}
	env.HasPolicyControl = func(result, control string) bool {
		for i := range env.record.Policies {
			p := &env.record.Policies[i]
			if !resultMatches(p.Result, result) {
				continue
			}
			if hasControl(p.GrantControls, control) || hasControl(p.SessionControls, control) {
				return true
			}
		}
		return false
	}
	env.HasPolicyCondition = func(result, condition string) bool {
		for i := range env.record.Policies {
			p := &env.record.Policies[i]
			if !resultMatches(p.Result, result) {
				continue
			}
			for _, c := range p.ConditionsSatisfied {
				if condition == "" || strings.EqualFold(c, condition) {
					return true
				}
			}
		}
		return false
	}
	env.PolicyNames = func(result string) []string {
		var names []string
		for i := range env.record.Policies {
			p := &env.record.Policies[i]
			if !resultMatches(p.Result, result) {
				continue
			}
			name := p.Name
			if name == "" {
				name = p.ID
			}
			names = append(names, name)
		}
		return names
	}

	env.InCIDR = inCIDR
	env.IPVersion = ipVersion
	env.SameIP = sameIP

	env.Trusted = func(ip string) bool { return loc.Trusted(ip) != "" }
	env.TrustedLocation = loc.Trusted
	env.NamedLocation = func(ip string) string {
		if names := loc.Named(ip, true); len(names) > 0 {
			return names[0]
		}
		return ""
	}
	env.NamedLocations = func(ip string) []string { return loc.Named(ip, false) }
	env.InNamedLocation = loc.InNamed
	env.CountryLocations = loc.Countries
	env.HasNamedLocations = func() bool { return loc.Len() > 0 }
	env.HasTrustedRanges = loc.HasTrusted

	env.HasPolicies = func() bool { return env.policies != nil }
	env.PolicyVerdict = func() string {
		if ev := env.policyEval(); ev != nil {
			return ev.Verdict.String()
		}
		return ""
	}
	env.EvaluatedPolicies = func(result string) []string {
		var names []string
		if ev := env.policyEval(); ev != nil {
			for i := range ev.Results {
				if r := &ev.Results[i]; resultMatches(r.Result, result) {
					names = append(names, r.Policy.Label())
				}
			}
		}
		return names
	}
	env.EvaluatedResult = func(name string) string {
		if r := env.policyResult(name); r != nil {
			return r.Result
		}
		return ""
	}
	env.ConditionMatch = func(name, condition string) string {
		r := env.policyResult(name)
		cond, ok := policy.ParseCondition(condition)
		if r == nil || !ok {
			return ""
		}
		t, set := env.policies.ConditionResult(&env.eval, r.Index, cond)
		if !set && t == policy.Yes {
			return "notSet"
		}
		return t.String()
	}
	env.BlockDecidedBy = func(condition string) bool {
		ev := env.policyEval()
		cond, ok := policy.ParseCondition(condition)
		if ev == nil || !ok || ev.Verdict != policy.VerdictBlocked {
			return false
		}
		for i := range ev.Results {
			if r := &ev.Results[i]; r.Enforced() && r.Stops() && !r.Deciding.Has(cond) {
				return false
			}
		}
		return true
	}

	env.EqualFold = strings.EqualFold
	env.ContainsFold = containsFold
	env.CodeName = func(code int) string {
		if c, ok := lookupNumeric(code); ok {
			return c.Name
		}
		return ""
	}
	env.IsCACode = isCACode
	return env
}

// setRecord makes rec the record the helpers read.
func (env *Env) setRecord(rec *parse.Record) {
	env.record = (*record)(rec)
	env.evaluated = false
}

// policyEval returns the evaluation of the record's policies, evaluated on
// first use, or nil without policies.
func (env *Env) policyEval() *policy.Evaluation {
	if env.policies == nil {
		return nil
	}
	if !env.evaluated {
		env.policies.Evaluate((*parse.Record)(env.record), &env.eval)
		env.evaluated = true
	}
	return &env.eval
}

// policyResult returns the evaluation of the policy named (or with ID)
// name, or nil.
func (env *Env) policyResult(name string) *policy.PolicyResult {
	ev := env.policyEval()
	if ev == nil {
		return nil
	}
	for i := range ev.Results {
		r := &ev.Results[i]
		if strings.EqualFold(r.Policy.Name, name) || r.Policy.ID != "" && strings.EqualFold(r.Policy.ID, name) {
			return r
		}
	}
	return nil
}

// resultMatches reports whether a policy result matches the wanted one: an
// empty want matches anything.
func resultMatches(got, want string) bool {
	return want == "" || strings.EqualFold(got, want)
}

// controlEqual reports whether two control names are the same control:
// case and spaces, dashes and underscores are ignored, and so is a "Require"
// prefix, so that the grant control names of sign-in logs
// ("RequireCompliantDevice") and of policy definitions ("compliantDevice")
// compare equal. It does not allocate.
func controlEqual(a, b string) bool {
	a, b = trimRequire(strings.TrimSpace(a)), trimRequire(strings.TrimSpace(b))
	i, j := 0, 0
	for {
		for i < len(a) && isControlSeparator(a[i]) {
			i++
		}
		for j < len(b) && isControlSeparator(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if ascii.Lower(a[i]) != ascii.Lower(b[j]) {
			return false
		}
		i++
		j++
	}
}

func trimRequire(s string) string {
	const prefix = "require"
	if len(s) > len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):]
	}
	return s
}

func isControlSeparator(c byte) bool { return c == ' ' || c == '-' || c == '_' }

// hasControl reports whether a list of controls holds control.
func hasControl(controls []string, control string) bool {
	for _, c := range controls {
		if controlEqual(c, control) {
			return true
		}
	}
	return false
}

// containsFold reports whether substr is within s, ignoring case.
func containsFold(s, substr string) bool {
	if substr == "" {
		return true
	}
	n := len(substr)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], substr) {
			return true
		}
	}
	// Case folding can change byte lengths outside ASCII; fall back to a
	// full fold then.
	return strings.Contains(strings.ToLower(s), strings.ToLower(substr))
}

// inCIDR implements Env.InCIDR. A cidr that is not a range panics: expr
// turns the panic into a run error of the rule, with its position, which is
// better than a silent false. Constant ranges are checked at compile time.
func inCIDR(ip, cidr string) bool {
	p, err := policy.ParsePrefix(cidr)
	if err != nil {
		panic(fmt.Errorf("InCIDR: %q is not a CIDR range", cidr))
	}
	a, ok := policy.ParseIP(ip)
	if !ok {
		return false
	}
	return policy.NormalizePrefix(p).Contains(a.Unmap())
}

func ipVersion(ip string) int {
	a, ok := policy.ParseIP(ip)
	switch {
	case !ok:
		return 0
	case a.Is4():
		return 4
	default:
		return 6
	}
}

func sameIP(x, y string) bool {
	a, ok1 := policy.ParseIP(x)
	b, ok2 := policy.ParseIP(y)
	return ok1 && ok2 && a.Unmap() == b.Unmap()
}
