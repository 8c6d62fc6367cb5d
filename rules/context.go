package rules

import (
	"net/netip"

	"github.com/signinspect/signinspect/policy"
)

// Context is what rules know about the tenant beyond the sign-ins: its named
// locations (--named-locations) and IP ranges the user trusts by hand
// (--trusted-ip). The zero Context knows nothing: Trusted is false for every
// address and HasTrustedRanges is false.
type Context struct {
	NamedLocations []policy.NamedLocation
	TrustedIPs     []netip.Prefix
}

// Locations returns ctx's named locations and trusted ranges prepared for
// lookups; a nil ctx gives an empty index.
func (ctx *Context) Locations() *policy.Locations {
	if ctx == nil {
		return policy.NewLocations(nil, nil)
	}
	return policy.NewLocations(ctx.NamedLocations, ctx.TrustedIPs)
}
