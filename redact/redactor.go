package redact

import (
	"net/netip"
	"sort"
	"strings"
)

// Counts counts replaced values by kind.
type Counts [numKinds]int

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	for i := range c {
		c[i] += o[i]
	}
}

// Total returns the number of replaced values of every kind.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// A Redactor replaces the personal values of exports: whole values of
// personal fields, and e-mail addresses, IP addresses and known identities
// in any other text. It counts what it replaced. A Redactor is not safe for
// concurrent use.
type Redactor struct {
	p   *Pseudonymizer
	ids *Identities
	// DropLocations blanks cities, states and geographic coordinates; the
	// country is kept.
	DropLocations bool
	counts        Counts
}

// NewRedactor returns a Redactor that pseudonymizes with p and searches
// free text for the values of ids (which may be nil).
func NewRedactor(p *Pseudonymizer, ids *Identities) *Redactor {
	if ids == nil {
		ids = NewIdentities()
	}
	return &Redactor{p: p, ids: ids}
}

// Counts returns what the Redactor has replaced so far.
func (r *Redactor) Counts() Counts { return r.counts }

// ResetCounts sets the counts to zero and returns them as they were.
func (r *Redactor) ResetCounts() Counts {
	c := r.counts
	r.counts = Counts{}
	return c
}

// Value returns the pseudonym of a value of a personal field of kind k,
// with the white space around it kept. Empty values and placeholders
// ({PII Removed}) stay as they are. The kind is refined by the value's
// shape, so that one identity gets one pseudonym wherever it appears: a
// GUID is an object ID whatever the field, and an e-mail address in a name
// field is a UPN. A value of an IP field that is not an address is
// scanned as text.
func (r *Redactor) Value(k Kind, s string) string {
	out, _ := r.value(k, s)
	return out
}

// User returns the pseudonym of a value that names a user and may be a
// UPN, an object ID or a display name, told apart by shape.
func (r *Redactor) User(s string) string {
	return r.Value(UserKind(s), s)
}

// Text returns s with every e-mail address, IP address and known identity
// in it replaced.
func (r *Redactor) Text(s string) string {
	out, _ := r.text(s, false)
	return out
}

// value is Value, and reports whether anything changed.
func (r *Redactor) value(k Kind, s string) (string, bool) {
	core := strings.TrimSpace(s)
	if core == "" || isPlaceholder(core) {
		return s, false
	}
	repl, ok := r.replace(k, core)
	if !ok {
		if k == KindIP || k == KindIPRange {
			return r.text(s, false)
		}
		return s, false
	}
	if len(core) == len(s) {
		return repl, true
	}
	i := strings.Index(s, core)
	return s[:i] + repl + s[i+len(core):], true
}

// replace returns the pseudonym of a trimmed value of kind k and counts
// it; ok is false when the value stays (an IP field holding no address, or
// any IP with KeepIPs).
func (r *Redactor) replace(k Kind, v string) (string, bool) {
	out, kind, ok := r.pseudonym(k, v)
	if ok {
		r.counts[kind]++
	}
	return out, ok
}

// pseudonym returns the pseudonym of a trimmed value of kind k, and the
// kind it is counted as once its shape is known; ok is false when the value
// stays.
func (r *Redactor) pseudonym(k Kind, v string) (out string, kind Kind, ok bool) {
	switch k {
	case KindIP, KindIPRange:
		if r.p.KeepIPs() {
			return v, k, false
		}
		if k == KindIP {
			out, ok = r.p.IP(v)
		} else {
			out, ok = r.p.Prefix(v)
		}
		return out, k, ok
	case KindUserID, KindDeviceID, KindTenantID:
		return r.p.ID(v), k, true
	case KindUPN, KindName:
		switch UserKind(v) {
		case KindUserID:
			return r.p.ID(v), KindUserID, true
		case KindUPN:
			return r.p.UPN(v), KindUPN, true
		}
		if k == KindUPN {
			return r.p.UPN(v), KindUPN, true
		}
		return r.p.Name(v), KindName, true
	case KindDeviceName:
		if isGUID(v) {
			return r.p.ID(v), KindDeviceID, true
		}
		return r.p.DeviceName(v), k, true
	case KindTenantName:
		return r.p.TenantName(v), k, true
	case KindDomain:
		if r.p.opts.KeepDomain {
			return v, k, false
		}
		return r.p.Domain(v), k, true
	case KindLocation:
		return "", k, true
	}
	return v, k, false
}

// An edit replaces s[start:end] of a text with repl.
type edit struct {
	start, end int
	repl       string
	kind       Kind // What the edit is counted as.
}

// text replaces e-mail addresses, IP addresses (unless noIP) and known
// identities in s.
func (r *Redactor) text(s string, noIP bool) (string, bool) {
	edits := r.textEdits(s, noIP, nil)
	if len(edits) == 0 {
		return s, false
	}
	return applyEdits(s, edits), true
}

// textEdits appends the edits that replace the e-mail addresses, IP
// addresses (unless noIP) and known identities in s, and counts them.
// Overlapping matches (a known domain inside an e-mail address) are
// resolved leftmost-longest.
func (r *Redactor) textEdits(s string, noIP bool, edits []edit) []edit {
	base := len(edits)
	edits = r.emailEdits(s, edits)
	if !noIP && !r.p.KeepIPs() {
		edits = r.ipEdits(s, edits)
	}
	edits = r.ids.mentions(s, r, edits)
	found := edits[base:]
	if len(found) > 1 {
		sort.SliceStable(found, func(i, j int) bool {
			if found[i].start != found[j].start {
				return found[i].start < found[j].start
			}
			return found[i].end > found[j].end
		})
		kept := found[:0]
		end := -1
		for _, e := range found {
			if e.start >= end {
				kept = append(kept, e)
				end = e.end
			}
		}
		edits = edits[:base+len(kept)]
	}
	for _, e := range edits[base:] {
		r.counts[e.kind]++
	}
	return edits
}

// match returns the edit that replaces s[start:end], a value of kind k,
// without counting it.
func (r *Redactor) match(k Kind, s string, start, end int) (edit, bool) {
	repl, kind, ok := r.pseudonym(k, s[start:end])
	return edit{start: start, end: end, repl: repl, kind: kind}, ok
}

// applyEdits returns s with sorted, non-overlapping edits applied.
func applyEdits(s string, edits []edit) string {
	var b strings.Builder
	b.Grow(len(s) + 16*len(edits))
	prev := 0
	for _, e := range edits {
		b.WriteString(s[prev:e.start])
		b.WriteString(e.repl)
		prev = e.end
	}
	b.WriteString(s[prev:])
	return b.String()
}

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

// ipEdits appends an edit for every IP address or CIDR range in s. It
// looks at runs of hexadecimal digits, dots and colons and keeps those that
// parse as an address, after trimming sentence punctuation and an IPv4
// port; a run followed by /digits is a range.
func (r *Redactor) ipEdits(s string, edits []edit) []edit {
	if strings.IndexByte(s, '.') < 0 && strings.IndexByte(s, ':') < 0 {
		return edits
	}
	for i := 0; i < len(s); {
		if !isAddrByte(s[i]) {
			i++
			continue
		}
		j := i
		punct := false
		for j < len(s) && isAddrByte(s[j]) {
			punct = punct || s[j] == '.' || s[j] == ':'
			j++
		}
		if punct && (i == 0 || !isWordByte(s[i-1]) || s[i-1] >= 0x80) {
			edits = r.addrEdit(s, i, j, edits)
		}
		i = j
	}
	return edits
}

func isAddrByte(c byte) bool { return isHex(c) || c == '.' || c == ':' }

// addrEdit tries the run s[i:j] as an address or range.
func (r *Redactor) addrEdit(s string, i, j int, edits []edit) []edit {
	// The run must not be glued to a longer word: "Edge131.0.0.1x".
	if j < len(s) && isWordByte(s[j]) && s[j] < 0x80 {
		return edits
	}
	start, end := i, j
	try := func(start, end int) (netip.Addr, bool) {
		a, err := netip.ParseAddr(s[start:end])
		return a, err == nil
	}
	_, ok := try(start, end)
	if !ok {
		for end > start && (s[end-1] == '.' || s[end-1] == ':') {
			end--
		}
		for start < end && s[start] == ':' && !strings.HasPrefix(s[start:end], "::") {
			start++
		}
		if _, ok = try(start, end); !ok {
			// An IPv4 address with a port: 192.0.2.1:443.
			if c := strings.IndexByte(s[start:end], ':'); c > 0 && strings.Count(s[start:end], ":") == 1 {
				if a, ok2 := try(start, start+c); ok2 && a.Is4() {
					end, ok = start+c, true
				}
			}
		}
	}
	if !ok {
		return edits
	}
	// A range: the address is followed by /bits.
	if end == j && end < len(s) && s[end] == '/' {
		k := end + 1
		for k < len(s) && k-end <= 3 && '0' <= s[k] && s[k] <= '9' {
			k++
		}
		if k > end+1 && (k == len(s) || !isWordByte(s[k])) {
			if e, ok := r.match(KindIPRange, s, start, k); ok {
				return append(edits, e)
			}
		}
	}
	if e, ok := r.match(KindIP, s, start, end); ok {
		edits = append(edits, e)
	}
	return edits
}

// stringEdits returns the edits that redact the string value v of a field
// with rule; member names the field, the parent of JSON held in v.
func (r *Redactor) stringEdits(v string, rule fieldRule, member string) []edit {
	whole := func(repl string) []edit { return []edit{{start: 0, end: len(v), repl: repl}} }
	switch rule.how {
	case fieldPersonal:
		if out, ok := r.value(rule.kind, v); ok {
			return whole(out)
		}
		return nil
	case fieldCity:
		if r.DropLocations {
			if strings.TrimSpace(v) == "" {
				return nil
			}
			r.counts[KindLocation]++
			return whole("")
		}
	case fieldCoordinate:
		if r.DropLocations && strings.TrimSpace(v) != "" {
			r.counts[KindLocation]++
			return whole("")
		}
		return nil
	case fieldPortalLocation:
		if r.DropLocations {
			if out, ok := dropPortalLocation(v); ok {
				r.counts[KindLocation]++
				return whole(out)
			}
			return nil
		}
	case fieldVersion:
		return r.textEdits(v, true, nil)
	}
	if looksLikeJSON(v) {
		if edits, ok := r.embeddedJSONEdits(v, member); ok {
			return edits
		}
	}
	return r.textEdits(v, false, nil)
}

// looksLikeJSON reports whether v may hold a JSON object or array.
func looksLikeJSON(v string) bool {
	v = strings.TrimLeft(v, " \t\r\n")
	return len(v) > 1 && (v[0] == '{' || v[0] == '[')
}
