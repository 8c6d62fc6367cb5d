package policy

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseIP reads an address as exports write it: surrounding spaces and an
// IPv6 zone are dropped. ok is false when s is not an address.
func ParseIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone(""), true
}

// NormalizePrefix returns p masked, with an IPv4-mapped IPv6 range
// (::ffff:192.0.2.0/120) turned into its IPv4 form, so that addresses and
// ranges of either spelling compare.
func NormalizePrefix(p netip.Prefix) netip.Prefix {
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked()
}

// ParsePrefix reads a CIDR range or a single address (which becomes a /32
// or /128 range).
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.ParsePrefix(s)
}

// ParseTrustedIP reads an IP range the user trusts by hand: a CIDR range,
// or a single address that stands for itself.
func ParseTrustedIP(s string) (netip.Prefix, error) {
	p, err := ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR range (like 203.0.113.0/24 or 2001:db8::/48)", s)
	}
	return p, nil
}
