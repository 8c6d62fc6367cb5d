package redact

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/signinspect/signinspect/policy"
)

// maxRelationNotes bounds the notes checkIPRelations returns; the rest
// are counted.
const maxRelationNotes = 5

// checkIPRelations checks, under p's key, what the IP map cannot promise
// (see ipMaps) for the addresses of the records and the ranges of the
// named locations: an address of another /4 (IPv6: /20) block than a range
// whose pseudonym falls into the range's pseudonym, two addresses that
// share a pseudonym, and ranges shorter than the block, whose pseudonym
// holds every pseudonymous address. Within a block every relation holds by
// construction, so only pairs across blocks are checked. It returns one
// note per problem found, for the customer to see before sending.
func checkIPRelations(p *Pseudonymizer, ips map[netip.Addr]bool, locs []policy.NamedLocation) []string {
	if p.KeepIPs() {
		return nil
	}
	addrs := make([]netip.Addr, 0, len(ips))
	for a := range ips {
		if !a.Is4In6() {
			addrs = append(addrs, a)
		}
	}
	sort.Slice(addrs, func(i, j int) bool { return addrs[i].Less(addrs[j]) })
	pseudo := make(map[netip.Addr]netip.Addr, len(addrs))
	byPseudonym := map[netip.Addr]netip.Addr{}
	var notes []string
	more := 0
	note := func(format string, args ...any) {
		if len(notes) < maxRelationNotes {
			notes = append(notes, fmt.Sprintf(format, args...))
		} else {
			more++
		}
	}
	for _, a := range addrs {
		m := p.ips.addr(a)
		pseudo[a] = m
		if prev, ok := byPseudonym[m]; ok {
			note("under this key %s and %s share the pseudonym %s, so the redacted copy counts their sign-ins as one address's; redact again with another key", prev, a, m)
			continue
		}
		byPseudonym[m] = a
	}
	for _, l := range locs {
		for _, r := range l.Ranges {
			kept := synthetic4Bits
			if r.Addr().Is6() {
				kept = synthetic6Bits
				if r.Addr().Is4In6() {
					kept = mappedPrefixBits + synthetic4Bits
				}
			}
			if r.Bits() > 0 && r.Bits() < kept {
				note("the range %s of %q is shorter than /%d: its pseudonym holds every pseudonymous address of its family", r, l.Name, kept)
				continue
			}
			mr := p.ips.prefix(r)
			for _, a := range addrs {
				if a.Is4() != r.Addr().Unmap().Is4() || r.Contains(a) {
					continue
				}
				if mr.Contains(pseudo[a]) {
					note("under this key the pseudonym %s of %s lies in %s, the pseudonym of the range %s of %q, which does not hold the address; redact again with another key", pseudo[a], a, mr, r, l.Name)
				}
			}
		}
	}
	if more > 0 {
		notes = append(notes, fmt.Sprintf("%d more such address relations change under this key", more))
	}
	return notes
}
