package policy

import (
	"net/netip"
	"strings"
)

// Locations answers which named locations, and which ranges trusted by
// hand, hold an address: named locations and ranges prepared for lookups,
// normalized so that IPv4-mapped addresses and ranges compare as IPv4, each
// range tied to its location's name. The zero value and nil know no
// location. It is safe for concurrent use.
type Locations struct {
	locations []NamedLocation
	ranges    []indexedRange
	trusted4  bool // A trusted range is written in IPv4 form.
	trusted6  bool // A trusted range is written in IPv6 (or mapped) form.
}

type indexedRange struct {
	prefix  netip.Prefix // Normalized.
	name    string
	id      string
	trusted bool
	manual  bool // A --trusted-ip range, not a named location.
}

// NewLocations prepares named locations and the ranges trusted by hand
// (signinspect's --trusted-ip), each of which is named "--trusted-ip
// <range>" in answers.
func NewLocations(named []NamedLocation, trusted []netip.Prefix) *Locations {
	idx := &Locations{locations: named}
	for _, loc := range named {
		name := loc.Name
		if name == "" {
			name = loc.ID
		}
		for _, p := range loc.Ranges {
			idx.ranges = append(idx.ranges, indexedRange{prefix: NormalizePrefix(p), name: name, id: loc.ID, trusted: loc.Trusted})
			if loc.Trusted {
				idx.noteTrusted(p)
			}
		}
	}
	for _, p := range trusted {
		idx.ranges = append(idx.ranges, indexedRange{prefix: NormalizePrefix(p), name: "--trusted-ip " + p.String(), trusted: true, manual: true})
		idx.noteTrusted(p)
	}
	return idx
}

func (idx *Locations) noteTrusted(p netip.Prefix) {
	if p.Addr().Is4() {
		idx.trusted4 = true
	} else {
		idx.trusted6 = true
	}
}

// Trusted returns the name of the first trusted range holding ip, or "".
func (idx *Locations) Trusted(ip string) string {
	if idx == nil || len(idx.ranges) == 0 {
		return ""
	}
	a, ok := ParseIP(ip)
	if !ok {
		return ""
	}
	a = a.Unmap()
	for i := range idx.ranges {
		r := &idx.ranges[i]
		if r.trusted && r.prefix.Contains(a) {
			return r.name
		}
	}
	return ""
}

// Named returns the names of the named locations (not ranges trusted by
// hand) holding ip, each once; with first, it stops at the first.
func (idx *Locations) Named(ip string, first bool) []string {
	if idx == nil || len(idx.ranges) == 0 {
		return nil
	}
	a, ok := ParseIP(ip)
	if !ok {
		return nil
	}
	a = a.Unmap()
	var names []string
	for i := range idx.ranges {
		r := &idx.ranges[i]
		if r.manual || !r.prefix.Contains(a) || containsString(names, r.name) {
			continue
		}
		names = append(names, r.name)
		if first {
			break
		}
	}
	return names
}

// InNamed reports whether ip lies in the IP named location called (or with
// ID) name, compared case-insensitively.
func (idx *Locations) InNamed(ip, name string) bool {
	if idx == nil {
		return false
	}
	a, ok := ParseIP(ip)
	if !ok {
		return false
	}
	a = a.Unmap()
	for i := range idx.ranges {
		r := &idx.ranges[i]
		if !r.manual && (strings.EqualFold(r.name, name) || (r.id != "" && strings.EqualFold(r.id, name))) && r.prefix.Contains(a) {
			return true
		}
	}
	return false
}

// Countries returns the names of the country named locations that include
// the two-letter country code; an empty code matches the locations that
// include unknown countries.
func (idx *Locations) Countries(code string) []string {
	if idx == nil {
		return nil
	}
	code = strings.TrimSpace(code)
	var names []string
	for _, loc := range idx.locations {
		if loc.Kind != LocationCountry {
			continue
		}
		in := code == "" && loc.IncludeUnknownCountries
		for _, c := range loc.Countries {
			if code != "" && strings.EqualFold(c, code) {
				in = true
			}
		}
		if in {
			name := loc.Name
			if name == "" {
				name = loc.ID
			}
			names = append(names, name)
		}
	}
	return names
}

// HasTrusted reports whether any trusted range is known written in IP
// version version: 4, 6 (IPv6 and IPv4-mapped ranges), or 0 for either.
func (idx *Locations) HasTrusted(version int) bool {
	if idx == nil {
		return false
	}
	switch version {
	case 4:
		return idx.trusted4
	case 6:
		return idx.trusted6
	case 0:
		return idx.trusted4 || idx.trusted6
	}
	return false
}

// Has reports whether a named location is called (or has ID) name.
func (idx *Locations) Has(name string) bool {
	if idx == nil {
		return false
	}
	for _, loc := range idx.locations {
		if strings.EqualFold(loc.Name, name) || (loc.ID != "" && strings.EqualFold(loc.ID, name)) {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Len returns the number of named locations.
func (idx *Locations) Len() int {
	if idx == nil {
		return 0
	}
	return len(idx.locations)
}

// Locate returns the named locations holding ip (and the ranges trusted by
// hand, named "--trusted-ip <range>"), in the order they were given, and
// whether one of them is trusted. ok is false when there are no IP ranges
// at all, so nothing can be said.
func (idx *Locations) Locate(ip string) (names []string, trusted bool, ok bool) {
	if idx == nil || len(idx.ranges) == 0 {
		return nil, false, false
	}
	a, valid := ParseIP(ip)
	if !valid {
		return nil, false, true
	}
	a = a.Unmap()
	for i := range idx.ranges {
		r := &idx.ranges[i]
		if !r.prefix.Contains(a) {
			continue
		}
		trusted = trusted || r.trusted
		if !containsString(names, r.name) {
			names = append(names, r.name)
		}
	}
	return names, trusted, true
}
