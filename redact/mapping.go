package redact

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"sort"
	"strings"
)

// A Mapping records every original value a Redactor replaced and its
// pseudonym: what `redact --dry-run` samples, what `redact --map FILE`
// writes for the customer to keep, and what `unredact` reads to turn a
// report about redacted data back into real names. It holds the originals,
// so it is written only where the customer asks, never into the output.
type Mapping struct {
	fingerprint string
	entries     map[string]*MapEntry // By pseudonym.
	parts       map[string]string    // See indexParts; nil until needed.
}

// A MapEntry is one pseudonym and the originals it replaced.
type MapEntry struct {
	Kind      Kind
	Pseudonym string
	// Spellings are the originals as written, with how often each was
	// replaced; one value may be spelt several ways (in another case, a
	// name reversed, an address zero-padded).
	Spellings map[string]int
}

// Original returns the spelling replaced most often (the first in byte
// order among equals): what unredact puts back.
func (e *MapEntry) Original() string {
	best, n := "", -1
	for s, c := range e.Spellings {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	return best
}

// Count returns how many values the pseudonym replaced.
func (e *MapEntry) Count() int {
	n := 0
	for _, c := range e.Spellings {
		n += c
	}
	return n
}

// NewMapping returns an empty mapping for the key with this fingerprint.
func NewMapping(fingerprint string) *Mapping {
	return &Mapping{fingerprint: fingerprint, entries: map[string]*MapEntry{}}
}

// Fingerprint identifies the key the mapping was made with.
func (m *Mapping) Fingerprint() string { return m.fingerprint }

func (m *Mapping) add(k Kind, orig, pseudonym string) {
	m.addN(k, orig, pseudonym, 1)
}

func (m *Mapping) addN(k Kind, orig, pseudonym string, n int) {
	if orig == "" || pseudonym == "" || orig == pseudonym {
		return
	}
	e := m.entries[pseudonym]
	if e == nil {
		e = &MapEntry{Kind: k, Pseudonym: pseudonym, Spellings: map[string]int{}}
		m.entries[pseudonym] = e
	}
	e.Spellings[orig] += n
	m.parts = nil
}

// Merge adds the entries of o, which must have been made with the same
// key.
func (m *Mapping) Merge(o *Mapping) error {
	if o.fingerprint != m.fingerprint {
		return fmt.Errorf("the mappings were made with different keys (fingerprints %s and %s)", m.fingerprint, o.fingerprint)
	}
	for _, e := range o.entries {
		for s, n := range e.Spellings {
			m.addN(e.Kind, s, e.Pseudonym, n)
		}
	}
	return nil
}

// Len returns the number of pseudonyms.
func (m *Mapping) Len() int { return len(m.entries) }

// Entries returns the entries in kind order, then by original.
func (m *Mapping) Entries() []*MapEntry {
	out := make([]*MapEntry, 0, len(m.entries))
	for _, e := range m.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		a, b := foldCase(out[i].Original()), foldCase(out[j].Original())
		if a != b {
			return a < b
		}
		return out[i].Pseudonym < out[j].Pseudonym
	})
	return out
}

// Lookup returns the original of a pseudonym.
func (m *Mapping) Lookup(pseudonym string) (string, bool) {
	e, ok := m.entries[pseudonym]
	if !ok {
		return "", false
	}
	return e.Original(), true
}

// MapSchema is the version tag of a mapping file.
const MapSchema = "signinspect.redact-map/v1"

type mapFile struct {
	Schema         string         `json:"schema"`
	KeyFingerprint string         `json:"keyFingerprint"`
	Warning        string         `json:"warning"`
	Values         []mapFileEntry `json:"values"`
}

type mapFileEntry struct {
	Kind      string         `json:"kind"`
	Pseudonym string         `json:"pseudonym"`
	Original  string         `json:"original"`
	Spellings map[string]int `json:"spellings"`
}

// WriteJSON writes the mapping as a mapping file.
func (m *Mapping) WriteJSON(w io.Writer) error {
	f := mapFile{Schema: MapSchema, KeyFingerprint: m.fingerprint,
		Warning: "This file holds the original personal data that signinspect replaced with pseudonyms. Keep it; never send it with the redacted files.",
		Values:  []mapFileEntry{}}
	for _, e := range m.Entries() {
		f.Values = append(f.Values, mapFileEntry{Kind: e.Kind.ID(), Pseudonym: e.Pseudonym, Original: e.Original(), Spellings: e.Spellings})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// ReadMappingFile reads a mapping file.
func ReadMappingFile(path string) (*Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f mapFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: not a signinspect mapping file: %v", path, err)
	}
	if f.Schema != MapSchema {
		return nil, fmt.Errorf("%s: not a signinspect mapping file (schema %q, want %q)", path, f.Schema, MapSchema)
	}
	m := NewMapping(f.KeyFingerprint)
	for i, v := range f.Values {
		k, ok := ParseKind(v.Kind)
		if !ok {
			return nil, fmt.Errorf("%s: value %d: unknown kind %q", path, i+1, v.Kind)
		}
		if v.Pseudonym == "" || v.Original == "" {
			return nil, fmt.Errorf("%s: value %d: no pseudonym or no original", path, i+1)
		}
		m.addN(k, v.Original, v.Pseudonym, max(v.Spellings[v.Original], 1)+1)
		for s, n := range v.Spellings {
			if s != v.Original {
				m.addN(k, s, v.Pseudonym, n)
			}
		}
	}
	return m, nil
}

// pseudonymShapes matches what a pseudonym looks like, longest forms
// first: the shapes this package writes (user-…@domain-….example, User …,
// device-…, …), GUIDs, and addresses and ranges.
var pseudonymShapes = regexp.MustCompile(`user-[0-9a-f]{12}(?:#EXT#)?(?:@domain-[0-9a-f]{8}\.example)?` +
	`|User [0-9a-f]{12}|(?:device|tenant|app|phone|id)-[0-9a-f]{12}|domain-[0-9a-f]{8}(?:\.example)?` +
	`|\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?` +
	`|(?:::ffff:)?\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:/\d{1,3})?` +
	`|(?i:3fff:[0-9a-f:]*[0-9a-f](?:/\d{1,3})?)`)

// isSyntheticShape reports whether a match of pseudonymShapes can only be
// a pseudonym: not a GUID or an address that real data holds too.
func isSyntheticShape(s string) bool {
	if strings.HasPrefix(s, "user-") || strings.HasPrefix(s, "User ") || strings.HasPrefix(s, "device-") ||
		strings.HasPrefix(s, "tenant-") || strings.HasPrefix(s, "app-") || strings.HasPrefix(s, "phone-") ||
		strings.HasPrefix(s, "domain-") {
		return true
	}
	a := strings.TrimPrefix(s, "::ffff:")
	if i := strings.IndexByte(a, '/'); i >= 0 {
		a = a[:i]
	}
	addr, err := netip.ParseAddr(a)
	if err != nil {
		return false
	}
	return netip.MustParsePrefix("240.0.0.0/4").Contains(addr) || netip.MustParsePrefix("3fff::/20").Contains(addr)
}

// UnredactStats counts what Unredact found.
type UnredactStats struct {
	// Replaced counts the pseudonyms put back; Unknown the strings shaped
	// like pseudonyms that the mapping does not hold (with the first few).
	Replaced, Unknown int
	UnknownSamples    []string
}

// Add adds o to s.
func (s *UnredactStats) Add(o UnredactStats) {
	s.Replaced += o.Replaced
	s.Unknown += o.Unknown
	for _, u := range o.UnknownSamples {
		if len(s.UnknownSamples) < 3 {
			s.UnknownSamples = append(s.UnknownSamples, u)
		}
	}
}

// Unredact returns s with every pseudonym of the mapping replaced by its
// original, written through escape (the escaping of the text's format).
func (m *Mapping) Unredact(s string, escape func(string) string) (string, UnredactStats) {
	var st UnredactStats
	locs := pseudonymShapes.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return s, st
	}
	var b strings.Builder
	prev := 0
	for _, l := range locs {
		tok := s[l[0]:l[1]]
		if l[0] > 0 && wordBefore(s, l[0]) && !strings.HasPrefix(tok, "User ") || wordAt(s, l[1]) && !isDigit(tok[len(tok)-1]) {
			continue
		}
		orig, ok := m.lookupToken(tok)
		if !ok {
			if isSyntheticShape(tok) {
				st.Unknown++
				if len(st.UnknownSamples) < 3 {
					st.UnknownSamples = append(st.UnknownSamples, tok)
				}
			}
			continue
		}
		b.WriteString(s[prev:l[0]])
		b.WriteString(escape(orig))
		prev = l[1]
		st.Replaced++
	}
	if st.Replaced == 0 {
		return s, st
	}
	b.WriteString(s[prev:])
	return b.String(), st
}

// lookupToken looks a matched token up, and the shorter pseudonyms it may
// hold when it is not one itself (an address of a range that was never
// written as one).
func (m *Mapping) lookupToken(tok string) (string, bool) {
	if orig, ok := m.Lookup(tok); ok {
		return orig, true
	}
	if i := strings.IndexByte(tok, '/'); i >= 0 {
		if orig, ok := m.Lookup(tok[:i]); ok {
			return orig + tok[i:], true
		}
	}
	if strings.HasPrefix(tok, "user-") || strings.HasPrefix(tok, "domain-") {
		// A part of a pseudonymous UPN or domain, cut off by a line break
		// or mentioned alone: the same part of the original.
		m.indexParts()
		local, domain, hasDomain := strings.Cut(tok, "@")
		if !hasDomain && strings.HasPrefix(tok, "domain-") {
			local, domain = "", tok
		}
		var out string
		if local != "" {
			lo, ok := m.parts[local]
			if !ok {
				return "", false
			}
			out = lo
		}
		if domain != "" {
			do, ok := m.parts[domain]
			if !ok {
				return "", false
			}
			if local != "" || hasDomain {
				out += "@"
			}
			out += do
		}
		return out, true
	}
	return "", false
}

// indexParts maps the local parts of pseudonymous UPNs and the first labels
// of pseudonymous domains to those of their originals.
func (m *Mapping) indexParts() {
	if m.parts != nil {
		return
	}
	m.parts = map[string]string{}
	for p, e := range m.entries {
		orig := e.Original()
		switch e.Kind {
		case KindUPN:
			pl, _, ok1 := strings.Cut(p, "@")
			at := strings.LastIndexByte(orig, '@')
			if ok1 && at >= 0 {
				m.parts[pl] = orig[:at]
			}
		case KindDomain:
			m.parts[p] = orig
			if pl, _, ok := strings.Cut(p, "."); ok {
				ol, _, _ := strings.Cut(orig, ".")
				m.parts[pl] = ol
			}
		}
	}
}

// ErrWrongMapping says that a report holds pseudonyms but none of the
// mapping's.
var ErrWrongMapping = errors.New("none of its pseudonyms is in the mapping: the mapping was made with another key or for other exports")
