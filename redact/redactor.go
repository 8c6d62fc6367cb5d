package redact

import (
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
// personal fields, and e-mail addresses, IP addresses, phone numbers and
// known identities in any other text. It counts what it replaced and keeps
// the mapping of each original to its pseudonym. A Redactor is not safe for
// concurrent use.
type Redactor struct {
	p   *Pseudonymizer
	ids *Identities
	// DropLocations blanks cities, states and geographic coordinates; the
	// country is kept.
	DropLocations bool
	counts        Counts
	mapping       *Mapping
	// collect, when set, makes the Redactor replace nothing and add the
	// values of the fields that only the rewriters see (tenant names, which
	// parse does not read) to it instead: Run's first pass.
	collect *Identities
}

// NewRedactor returns a Redactor that pseudonymizes with p and searches
// free text for the values of ids (which may be nil).
func NewRedactor(p *Pseudonymizer, ids *Identities) *Redactor {
	if ids == nil {
		ids = NewIdentities()
	}
	return &Redactor{p: p, ids: ids, mapping: NewMapping(p.Fingerprint())}
}

// Counts returns what the Redactor has replaced so far.
func (r *Redactor) Counts() Counts { return r.counts }

// ResetCounts sets the counts to zero and returns them as they were.
func (r *Redactor) ResetCounts() Counts {
	c := r.counts
	r.counts = Counts{}
	return c
}

// Mapping returns every original the Redactor has replaced with its
// pseudonym.
func (r *Redactor) Mapping() *Mapping { return r.mapping }

// Value returns the pseudonym of a value of a personal field of kind k,
// with the white space around it kept. Empty values and placeholders
// ({PII Removed}) stay as they are. The kind is refined by the value's
// shape and by what the value is known as, so that one identity gets one
// pseudonym wherever it appears: a GUID is an object ID whatever the field,
// an e-mail address in a name field is a UPN, and the name of the tenant's
// own application is an application name in the field of a user's name.
// A value of an IP field that is not an address is scanned as text.
func (r *Redactor) Value(k Kind, s string) string {
	out, _ := r.value(k, s)
	return out
}

// User returns the pseudonym of a value that names a user and may be a
// UPN, an object ID or a display name, told apart by shape.
func (r *Redactor) User(s string) string {
	return r.Value(UserKind(s), s)
}

// Text returns s with every e-mail address, IP address, phone number and
// known identity in it replaced.
func (r *Redactor) Text(s string) string {
	out, _ := r.text(s, scanText)
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
			return r.text(s, scanText)
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
		r.note(kind, v, out)
	}
	return out, ok
}

// note counts one replacement and keeps it in the mapping. The domain of a
// replaced UPN is counted and kept as a domain too: it was replaced.
func (r *Redactor) note(k Kind, orig, pseudonym string) {
	r.counts[k]++
	if k == KindLocation {
		return
	}
	r.mapping.add(k, orig, pseudonym)
	if k == KindUPN && !r.p.opts.KeepDomain {
		if at := strings.LastIndexByte(orig, '@'); at >= 0 {
			if pat := strings.LastIndexByte(pseudonym, '@'); pat >= 0 {
				r.counts[KindDomain]++
				r.mapping.add(KindDomain, orig[at+1:], pseudonym[pat+1:])
			}
		}
	}
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
	case KindUserID, KindDeviceID, KindTenantID, KindAppID:
		return r.p.ID(v), k, true
	case KindUPN, KindName:
		if known, ok := r.ids.kindOf(v); ok && known == KindAppName {
			return r.p.AppName(v), KindAppName, true
		}
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
	case KindAppName:
		return r.p.AppName(v), k, true
	case KindDomain:
		if r.p.opts.KeepDomain {
			return v, k, false
		}
		return r.p.Domain(v), k, true
	case KindPhone:
		return r.p.Phone(v), k, true
	case KindLocation:
		return "", k, true
	}
	return v, k, false
}

// An edit replaces s[start:end] of a text with repl.
type edit struct {
	start, end int
	repl       string
	kind       Kind   // What the edit is counted as.
	orig       string // The text replaced, for the mapping; "" for edits counted already.
}

// A scanMode says what free text is searched for.
type scanMode uint8

const (
	// scanText searches for everything.
	scanText scanMode = iota
	// scanVersion is for user agents, browsers and operating systems,
	// which hold version numbers shaped like IPv4 addresses
	// ("Chrome/131.0.0.0", "Rich Client 4.66.1.0"): a dotted quad after a
	// slash or a letter, or ending in .0, is taken for a version, unless
	// it is an address of the records' IP fields. Phone numbers are not
	// searched.
	scanVersion
)

// text replaces what mode searches for in s.
func (r *Redactor) text(s string, mode scanMode) (string, bool) {
	edits := r.textEdits(s, mode, nil)
	if len(edits) == 0 {
		return s, false
	}
	return applyEdits(s, edits), true
}

// textEdits appends the edits that replace the e-mail addresses, IP
// addresses, phone numbers and known identities in s, and counts them.
// Overlapping matches (a known domain inside an e-mail address) are
// resolved leftmost-longest.
func (r *Redactor) textEdits(s string, mode scanMode, edits []edit) []edit {
	base := len(edits)
	edits = r.emailEdits(s, edits)
	if !r.p.KeepIPs() {
		edits = r.ipEdits(s, mode, edits)
	}
	if mode == scanText {
		edits = r.phoneEdits(s, edits)
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
		r.note(e.kind, e.orig, e.repl)
	}
	return edits
}

// match returns the edit that replaces s[start:end], a value of kind k,
// without counting it.
func (r *Redactor) match(k Kind, s string, start, end int) (edit, bool) {
	repl, kind, ok := r.pseudonym(k, s[start:end])
	return edit{start: start, end: end, repl: repl, kind: kind, orig: s[start:end]}, ok
}

// mentionEdit returns the edit that replaces s[start:end], a spelling of
// a known value, without counting it.
func (r *Redactor) mentionEdit(sp spelling, s string, start, end int) (edit, bool) {
	written := s[start:end]
	e := edit{start: start, end: end, kind: sp.kind, orig: written}
	switch sp.form {
	case formWhole:
		repl, kind, ok := r.pseudonym(sp.kind, written)
		e.repl, e.kind = repl, kind
		return e, ok
	case formName:
		e.repl = r.p.Name(sp.value)
	case formLocal:
		e.repl, _, _ = strings.Cut(r.p.UPN(sp.value), "@")
	case formLabel:
		if r.p.opts.KeepDomain {
			return e, false
		}
		e.repl, _, _ = strings.Cut(r.p.Domain(sp.value), ".")
	}
	return e, true
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

// stringEdits returns the edits that redact the string value v of a field
// with rule; member names the field, the parent of JSON held in v.
func (r *Redactor) stringEdits(v string, rule fieldRule, member string) []edit {
	whole := func(repl string) []edit { return []edit{{start: 0, end: len(v), repl: repl}} }
	if r.collect != nil {
		if rule.how == fieldPersonal && rule.kind == KindTenantName {
			r.collect.Add(KindTenantName, v)
		}
		return nil
	}
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
		return r.textEdits(v, scanVersion, nil)
	case fieldResourcePath:
		if out, ok := r.resourcePath(v); ok {
			return whole(out)
		}
		return nil
	}
	if looksLikeJSON(v) {
		if edits, ok := r.embeddedJSONEdits(v, member); ok {
			return edits
		}
	}
	return r.textEdits(v, scanText, nil)
}

// looksLikeJSON reports whether v may hold a JSON object or array.
func looksLikeJSON(v string) bool {
	v = strings.TrimLeft(v, " \t\r\n")
	return len(v) > 1 && (v[0] == '{' || v[0] == '[')
}
