package policy

import (
	"encoding/binary"
	"net/netip"
	"sort"
)

// An addrSet is a set of IP ranges prepared for lookups in logarithmic
// time: a tenant may have 195 named locations of 2,000 ranges each, and
// every kept sign-in is looked up in them. Ranges are normalized first
// (host bits masked, IPv4-mapped IPv6 ranges as IPv4), and addresses are
// unmapped before the lookup, so either spelling matches the other.
type addrSet struct {
	v4 []span4
	v6 []span6
}

type span4 struct{ lo, hi uint32 }

type span6 struct{ lo, hi u128 }

type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

func u128Of(a netip.Addr) u128 {
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// newAddrSet prepares prefixes.
func newAddrSet(prefixes []netip.Prefix) addrSet {
	var s addrSet
	for _, p := range prefixes {
		p = NormalizePrefix(p)
		if !p.IsValid() {
			continue
		}
		a := p.Addr()
		if a.Is4() {
			lo := binary.BigEndian.Uint32(a.AsSlice())
			hi := lo | uint32(uint64(1)<<(32-p.Bits())-1)
			s.v4 = append(s.v4, span4{lo, hi})
			continue
		}
		lo := u128Of(a)
		hi := lo
		host := 128 - p.Bits()
		switch {
		case host >= 64:
			hi.lo = ^uint64(0)
			hi.hi |= uint64(1)<<(host-64) - 1
			if host == 128 {
				hi.hi = ^uint64(0)
			}
		default:
			hi.lo |= uint64(1)<<host - 1
		}
		s.v6 = append(s.v6, span6{lo, hi})
	}
	sort.Slice(s.v4, func(i, j int) bool { return s.v4[i].lo < s.v4[j].lo })
	sort.Slice(s.v6, func(i, j int) bool { return s.v6[i].lo.less(s.v6[j].lo) })
	s.v4 = merge4(s.v4)
	s.v6 = merge6(s.v6)
	return s
}

func merge4(in []span4) []span4 {
	var out []span4
	for _, sp := range in {
		if n := len(out); n > 0 && sp.lo <= out[n-1].hi {
			out[n-1].hi = max(out[n-1].hi, sp.hi)
			continue
		}
		out = append(out, sp)
	}
	return out
}

func merge6(in []span6) []span6 {
	var out []span6
	for _, sp := range in {
		if n := len(out); n > 0 && !out[n-1].hi.less(sp.lo) {
			if out[n-1].hi.less(sp.hi) {
				out[n-1].hi = sp.hi
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// empty reports whether the set holds no range.
func (s *addrSet) empty() bool { return len(s.v4) == 0 && len(s.v6) == 0 }

// has6 reports whether the set holds an IPv6 range.
func (s *addrSet) has6() bool { return len(s.v6) > 0 }

// contains reports whether the address a (unmapped) lies in the set.
func (s *addrSet) contains(a netip.Addr) bool {
	if a.Is4() {
		v := binary.BigEndian.Uint32(a.AsSlice())
		i := sort.Search(len(s.v4), func(i int) bool { return s.v4[i].hi >= v })
		return i < len(s.v4) && s.v4[i].lo <= v
	}
	if !a.Is6() {
		return false
	}
	v := u128Of(a)
	i := sort.Search(len(s.v6), func(i int) bool { return !s.v6[i].hi.less(v) })
	return i < len(s.v6) && !v.less(s.v6[i].lo)
}
