package redact

import (
	"net/netip"
	"strconv"
	"strings"
)

// This file finds personal values by their shape in free text: e-mail
// addresses, IP addresses in any spelling, phone numbers, and the parts of
// Azure resource IDs that name the tenant's resources.

// emailEdits appends an edit for every e-mail address (or e-mail-shaped
// UPN) in s.
func (r *Redactor) emailEdits(s string, edits []edit) []edit {
	from := 0
	for {
		at := strings.IndexByte(s[from:], '@')
		if at < 0 {
			return edits
		}
		at += from
		start := at
		for start > 0 && isLocalByte(s[start-1]) {
			start--
		}
		for start < at && s[start] == '.' {
			start++
		}
		end := at + 1
		for end < len(s) && isDomainByte(s[end]) {
			end++
		}
		for end > at+1 && (s[end-1] == '.' || s[end-1] == '-') {
			end--
		}
		from = max(end, at+1)
		domain := s[at+1 : end]
		if start == at || !validDomain(domain) {
			continue
		}
		if e, ok := r.match(KindUPN, s, start, end); ok {
			edits = append(edits, e)
		}
	}
}

// isLocalByte reports whether c may be part of the local part of an e-mail
// address as sign-in logs hold them. Quotes are left out, so that a
// quoted address ('user@contoso.com') is found without its quote.
func isLocalByte(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte("._%+-#!$&*^~", c) >= 0
}

func isDomainByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.'
}

// validDomain reports whether d looks like a domain name: two or more
// non-empty labels, the last one starting with a letter.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	last := labels[len(labels)-1][0]
	return 'a' <= last && last <= 'z' || 'A' <= last && last <= 'Z'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// ipEdits appends an edit for every IP address or CIDR range in s, in any
// spelling: glued to a word ("IP:203.0.113.99", "_203.0.113.99_"),
// zero-padded ("203.000.113.099"), IPv6 compressed or expanded, IPv4-mapped,
// with a port or a zone. mode scanVersion keeps version numbers (see
// scanMode).
func (r *Redactor) ipEdits(s string, mode scanMode, edits []edit) []edit {
	if strings.IndexByte(s, '.') < 0 && strings.IndexByte(s, ':') < 0 {
		return edits
	}
	edits = r.ip4Edits(s, mode, edits)
	if strings.Count(s, ":") >= 2 {
		edits = r.ip6Edits(s, edits)
	}
	return edits
}

// ip4Edits finds dotted quads: runs of digits and dots that hold exactly
// four groups of one to three digits, each at most 255. A longer run
// (1.2.3.4.5) is a version or an outline number, not an address.
func (r *Redactor) ip4Edits(s string, mode scanMode, edits []edit) []edit {
	for i := 0; i < len(s); {
		if !isDigit(s[i]) && s[i] != '.' {
			i++
			continue
		}
		j := i
		for j < len(s) && (isDigit(s[j]) || s[j] == '.') {
			j++
		}
		start, end := i, j
		i = j
		for start < end && s[start] == '.' {
			start++
		}
		for end > start && s[end-1] == '.' {
			end--
		}
		addr, ok := parseDottedQuad(s[start:end])
		if !ok {
			continue
		}
		if mode == scanVersion && !r.ids.ips[addr] && looksLikeVersion(s, start, end) {
			continue
		}
		// After a trailing dot that ended a sentence no range follows.
		edits = r.addressEdit(s, start, end, addr, end == j, edits)
	}
	return edits
}

// addressEdit appends the edit that replaces the address at s[start:end],
// or, when ranged and "/bits" follows, the range it starts.
func (r *Redactor) addressEdit(s string, start, end int, addr netip.Addr, ranged bool, edits []edit) []edit {
	if bits, k, ok := cidrSuffix(s, end, addr.BitLen()); ok && ranged {
		if out, ok := r.p.Prefix(netip.PrefixFrom(addr, bits).String()); ok {
			return append(edits, edit{start: start, end: k, repl: out, kind: KindIPRange, orig: s[start:k]})
		}
		return edits
	}
	if out, ok := r.p.IP(addr.String()); ok {
		edits = append(edits, edit{start: start, end: end, repl: out, kind: KindIP, orig: s[start:end]})
	}
	return edits
}

// parseDottedQuad reads an IPv4 address of four decimal groups, leading
// zeros allowed (203.000.113.099 is 203.0.113.99).
func parseDottedQuad(s string) (netip.Addr, bool) {
	var b [4]byte
	for n := range 4 {
		k := strings.IndexByte(s, '.')
		if n == 3 {
			k = len(s)
		}
		if k <= 0 || k > 3 {
			return netip.Addr{}, false
		}
		v, err := strconv.Atoi(s[:k])
		if err != nil || v > 255 {
			return netip.Addr{}, false
		}
		b[n] = byte(v)
		if n < 3 {
			s = s[k+1:]
		} else if k != len(s) {
			return netip.Addr{}, false
		}
	}
	return netip.AddrFrom4(b), true
}

// looksLikeVersion reports whether the dotted quad s[start:end] of a user
// agent is a version number: it follows a slash, a letter (Edge131.0.0.1,
// v4.61.3.0) or a plus, or its last group is 0 (Rich Client 4.66.1.0).
func looksLikeVersion(s string, start, end int) bool {
	if start > 0 {
		c := s[start-1]
		if l := c | 0x20; c == '/' || c == '+' || 'a' <= l && l <= 'z' {
			return true
		}
	}
	return s[end-1] == '0' && (s[end-2] == '.' || s[end-3] == '.' && s[end-2] == '0')
}

// cidrSuffix reads "/bits" at s[i:], bits at most max and not followed by
// a word character; k is where it ends.
func cidrSuffix(s string, i, max int) (bits, k int, ok bool) {
	if i >= len(s) || s[i] != '/' {
		return 0, 0, false
	}
	k = i + 1
	for k < len(s) && k-i <= 3 && isDigit(s[k]) {
		k++
	}
	// Digits that go on with a dot start an address (192.0.2.1/203.0.113.7),
	// not a prefix length.
	if k == i+1 || wordAt(s, k) || k < len(s) && (s[k] == '.' || s[k] == ':') {
		return 0, 0, false
	}
	bits, err := strconv.Atoi(s[i+1 : k])
	if err != nil || bits > max {
		return 0, 0, false
	}
	return bits, k, true
}

// ip6Edits finds IPv6 addresses: runs of hexadecimal digits, colons and
// dots that parse as one, after trimming sentence punctuation and a
// leading colon ("IP:2001:db8::1"). A run needs two groups of digits ("::1"
// and "::ffff" are left: they identify no one) and, when glued to a word
// on either side, three (so that "std::string" stays).
func (r *Redactor) ip6Edits(s string, edits []edit) []edit {
	for i := 0; i < len(s); {
		if !isHex(s[i]) && s[i] != ':' {
			i++
			continue
		}
		j := i
		colons := 0
		for j < len(s) && (isHex(s[j]) || s[j] == ':' || s[j] == '.') {
			if s[j] == ':' {
				colons++
			}
			j++
		}
		start, end := i, j
		i = j
		if colons < 2 {
			continue
		}
		for end > start && (s[end-1] == '.' || s[end-1] == ':' && !strings.HasSuffix(s[start:end], "::")) {
			end--
		}
		for start < end && s[start] == ':' && !strings.HasPrefix(s[start:end], "::") {
			start++
		}
		a, err := netip.ParseAddr(s[start:end])
		if err != nil || !a.Is6() {
			continue
		}
		groups := 0
		for _, g := range strings.Split(s[start:end], ":") {
			if g != "" {
				groups++
			}
		}
		glued := wordBefore(s, start) || wordAt(s, end) && (end >= len(s) || s[end] != '/')
		if groups < 2 || glued && groups < 3 {
			continue
		}
		edits = r.addressEdit(s, start, end, a, true, edits)
	}
	return edits
}

// phoneEdits appends an edit for every phone number in s: international
// numbers (a plus, then at least seven digits with spaces, dashes, dots or
// parentheses between them; Entra's masked "+X XXXXXXXX99" too) and North
// American ones ("(555) 010-0199", "555-010-0199", "555.010.0199").
func (r *Redactor) phoneEdits(s string, edits []edit) []edit {
	if strings.IndexByte(s, '+') < 0 && strings.IndexByte(s, '-') < 0 && strings.IndexByte(s, '.') < 0 && strings.IndexByte(s, '(') < 0 {
		return edits
	}
	isMask := func(c byte) bool { return c == 'X' || c == 'x' || c == '*' }
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+' && i+1 < len(s) && (isDigit(s[i+1]) || isMask(s[i+1])) && !wordBefore(s, i):
			digits, last := 0, i
			for j := i + 1; j < len(s); j++ {
				d := s[j]
				if isDigit(d) || isMask(d) {
					digits, last = digits+1, j
					continue
				}
				if d != ' ' && d != '-' && d != '.' && d != '(' && d != ')' {
					break
				}
			}
			end := last + 1
			if digits >= 7 && !wordAt(s, end) {
				edits = append(edits, edit{start: i, end: end, repl: r.p.Phone(s[i:end]), kind: KindPhone, orig: s[i:end]})
				i = end - 1
			}
		case (c == '(' || isDigit(c)) && !wordBefore(s, i) && (i == 0 || s[i-1] != '.' && s[i-1] != '-'):
			if end, ok := northAmerican(s, i); ok {
				edits = append(edits, edit{start: i, end: end, repl: r.p.Phone(s[i:end]), kind: KindPhone, orig: s[i:end]})
				i = end - 1
			}
		}
	}
	return edits
}

// northAmerican matches "(ddd) ddd-dddd", "ddd-ddd-dddd" or "ddd.ddd.dddd"
// at s[i:], not followed by a word character or another group.
func northAmerican(s string, i int) (int, bool) {
	digits := func(at, n int) bool {
		if at+n > len(s) {
			return false
		}
		for k := at; k < at+n; k++ {
			if !isDigit(s[k]) {
				return false
			}
		}
		return true
	}
	var j int
	switch {
	case s[i] == '(' && digits(i+1, 3) && i+5 < len(s) && s[i+4] == ')' && s[i+5] == ' ' && digits(i+6, 3) && i+9 < len(s) && s[i+9] == '-' && digits(i+10, 4):
		j = i + 14
	case digits(i, 3) && i+3 < len(s) && (s[i+3] == '-' || s[i+3] == '.') && digits(i+4, 3) && i+7 < len(s) && s[i+7] == s[i+3] && digits(i+8, 4):
		j = i + 12
	default:
		return 0, false
	}
	if wordAt(s, j) || j+1 < len(s) && (s[j] == '-' || s[j] == '.') && isDigit(s[j+1]) {
		return 0, false
	}
	return j, true
}

// resourcePath pseudonymizes an Azure resource ID
// (/subscriptions/ID/resourceGroups/NAME/providers/NAMESPACE/TYPE/NAME...):
// the subscription ID and the names of the resource group and resources,
// which are the tenant's; the provider namespaces and resource types stay,
// so that the path still says what the resource is. ok is false when v is
// not such a path.
func (r *Redactor) resourcePath(v string) (string, bool) {
	if !strings.HasPrefix(strings.TrimSpace(v), "/") {
		return "", false
	}
	segs := strings.Split(v, "/")
	changed := false
	set := func(i int, k Kind) {
		if i < len(segs) && segs[i] != "" {
			if out, ok := r.replace(k, segs[i]); ok && out != segs[i] {
				segs[i], changed = out, true
			}
		}
	}
	for i := 0; i < len(segs); i++ {
		switch strings.ToLower(segs[i]) {
		case "subscriptions":
			set(i+1, KindAppID)
			i++
		case "tenants":
			set(i+1, KindTenantID)
			i++
		case "resourcegroups":
			set(i+1, KindAppName)
			i++
		case "providers":
			// NAMESPACE, then TYPE/NAME pairs.
			for k := i + 3; k < len(segs); k += 2 {
				set(k, KindAppName)
			}
			i = len(segs)
		}
	}
	return strings.Join(segs, "/"), changed
}
