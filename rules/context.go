package rules

import (
	"net/netip"
	"sync"

	"github.com/signinspect/signinspect/policy"
)

// Context is what rules know about the tenant beyond the sign-ins: its named
// locations (--named-locations), IP ranges the user trusts by hand
// (--trusted-ip), its Conditional Access policies (--policies) and its users'
// groups (--memberships). The zero Context knows nothing: Trusted is false
// for every address, HasTrustedRanges is false, and no policy is evaluated.
type Context struct {
	NamedLocations []policy.NamedLocation
	TrustedIPs     []netip.Prefix
	Policies       []policy.Policy
	Memberships    *policy.Memberships
	// Notes say what reading the tenant's exports left out (files of a
	// folder that hold no policy, objects given twice).
	Notes []string

	once      sync.Once
	evaluator *policy.Evaluator
}

// Locations returns ctx's named locations and trusted ranges prepared for
// lookups; a nil ctx gives an empty index.
func (ctx *Context) Locations() *policy.Locations {
	if ctx == nil {
		return policy.NewLocations(nil, nil)
	}
	return policy.NewLocations(ctx.NamedLocations, ctx.TrustedIPs)
}

// PolicyEvaluator returns the evaluator of ctx's policies, made once, or
// nil when ctx holds no policy. A condition that the exports cannot decide
// takes the result Entra logged for it, when the sign-in's export logs one.
func (ctx *Context) PolicyEvaluator() *policy.Evaluator {
	if ctx == nil || len(ctx.Policies) == 0 {
		return nil
	}
	ctx.once.Do(func() {
		ctx.evaluator = policy.NewEvaluator(ctx.PolicyConfig())
	})
	return ctx.evaluator
}

// PolicyConfig returns ctx as the configuration of a policy evaluator.
func (ctx *Context) PolicyConfig() policy.Config {
	return policy.Config{Policies: ctx.Policies, NamedLocations: ctx.NamedLocations, TrustedIPs: ctx.TrustedIPs,
		Memberships: ctx.Memberships, LoggedConditions: true}
}

// tenant is what a compiled expression runs with: the context's locations
// prepared for lookups and its policy evaluator (nil without policies).
type tenant struct {
	loc      *policy.Locations
	policies *policy.Evaluator
}

func (ctx *Context) tenant() *tenant {
	return &tenant{loc: ctx.Locations(), policies: ctx.PolicyEvaluator()}
}
