package redact

import (
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/signinspect/signinspect/parse"
)

// Identities is the set of personal values known to occur in the inputs:
// the users, devices, tenants, the tenant's own applications and the IP
// addresses of the records, collected by reading them before anything is
// written. A Redactor replaces every mention of them in free text (a
// failure reason that names a user, a resource path that holds the tenant
// ID, a user agent that holds the caller's address), even where they are
// not shaped like an e-mail address.
//
// A value is searched in every spelling it has: a UPN also as its local
// part ("zquux", as in FABRIKAM\zquux) and its domain, a domain also as its
// first label (the NetBIOS-like "FABRIKAM"), a display name also reversed
// ("Quux, Zed") and by its parts ("Zed"), except parts that are ordinary
// words of account names ("Build Service" is not searched as "Service").
// Mentions are matched in any case (Unicode simple case folding) and as
// whole words: a known value is not replaced inside a longer word.
type Identities struct {
	spellings map[string]spelling // Folded spelling → what it stands for.
	// byStart indexes the spellings by their first three folded bytes,
	// so that scanning text costs at most one map lookup per word start.
	byStart map[uint32][]string
	// starts is a bit set of the three-byte starts that byStart holds: a
	// test of one bit rules out most positions without a map lookup.
	starts []uint64
	// wordStarts is set while every spelling starts with a word
	// character, so that a position inside a word can be skipped.
	wordStarts bool
	// ips holds the addresses of the records' IP fields, which are
	// replaced in free text even where an address would otherwise be taken
	// for a version number (Chrome/131.0.0.0).
	ips map[netip.Addr]bool
}

// A spelling is one way a known value is written.
type spelling struct {
	kind  Kind   // The kind the value is counted as.
	value string // The value whose pseudonym replaces the spelling.
	form  form
}

// form says how a spelling relates to its value, and so which part of the
// value's pseudonym replaces it.
type form uint8

const (
	formWhole form = iota // The value itself.
	formName              // A display name reversed, or one of its parts: the name's pseudonym.
	formLocal             // A UPN's local part: the local part of the UPN's pseudonym.
	formLabel             // A domain's first label: the first label of the domain's pseudonym.
)

// minMentionLen is the shortest value searched for in free text, in
// bytes: shorter names ("Ed") would hit ordinary words. Such values are
// still replaced in their own fields.
const minMentionLen = 3

// NewIdentities returns an empty set.
func NewIdentities() *Identities {
	return &Identities{spellings: map[string]spelling{}, byStart: map[uint32][]string{}, starts: make([]uint64, 1<<24/64), ips: map[netip.Addr]bool{}, wordStarts: true}
}

// Add adds a value of a kind, with the spellings its kind has. Empty
// values, placeholders ({PII Removed}) and values shorter than three bytes
// are ignored. A spelling added twice keeps its first meaning.
func (ids *Identities) Add(k Kind, v string) {
	v = strings.TrimSpace(v)
	if len(v) < minMentionLen || isPlaceholder(v) {
		return
	}
	// A value that is one ordinary word (an application called
	// "Pipeline") is replaced in its own fields, but not searched in free
	// text, where the word means what it says.
	ids.addSpelling(v, spelling{kind: k, value: v}, !isOrdinaryWord(v))
	switch k {
	case KindUPN:
		at := strings.LastIndexByte(v, '@')
		if at < 0 {
			return
		}
		local, domain := v[:at], v[at+1:]
		if strings.Contains(domain, ".") {
			ids.Add(KindDomain, domain)
		}
		if !isOrdinaryWord(local) {
			ids.addSpelling(local, spelling{kind: KindUPN, value: v, form: formLocal}, true)
		}
	case KindDomain:
		label, _, ok := strings.Cut(v, ".")
		if ok && !genericLabels[foldCase(label)] {
			ids.addSpelling(label, spelling{kind: KindDomain, value: v, form: formLabel}, true)
		}
	case KindName:
		parts := strings.Fields(v)
		if len(parts) < 2 {
			return
		}
		last, first := parts[len(parts)-1], strings.Join(parts[:len(parts)-1], " ")
		ids.addSpelling(last+", "+first, spelling{kind: KindName, value: v, form: formName}, true)
		ids.addSpelling(last+" "+first, spelling{kind: KindName, value: v, form: formName}, true)
		for _, part := range parts {
			part = strings.Trim(part, ",.()")
			if utf8.RuneCountInString(part) >= minMentionLen && !isOrdinaryWord(part) {
				ids.addSpelling(part, spelling{kind: KindName, value: v, form: formName}, true)
			}
		}
	}
}

// addSpelling adds a spelling of a value; searched says whether mentions
// finds it in free text.
func (ids *Identities) addSpelling(s string, sp spelling, searched bool) {
	key := foldCase(s)
	if len(key) < minMentionLen {
		return
	}
	if _, ok := ids.spellings[key]; ok {
		return
	}
	ids.spellings[key] = sp
	if !searched {
		return
	}
	start := start3(key)
	ids.byStart[start] = append(ids.byStart[start], key)
	ids.starts[start/64] |= 1 << (start % 64)
	if r, _ := utf8.DecodeRuneInString(key); !isWordRune(r) {
		ids.wordStarts = false
	}
}

// AddIP adds an address of an IP field.
func (ids *Identities) AddIP(s string) {
	if a, err := netip.ParseAddr(strings.TrimSpace(s)); err == nil {
		ids.ips[a.WithZone("")] = true
		ids.ips[a.Unmap()] = true
	}
}

// kindOf returns the kind of a known value written whole, if it is one.
func (ids *Identities) kindOf(v string) (Kind, bool) {
	sp, ok := ids.spellings[foldCase(strings.TrimSpace(v))]
	if !ok || sp.form != formWhole {
		return 0, false
	}
	return sp.kind, true
}

// AddRecord adds the personal values of a sign-in: its user's UPN, name,
// ID and sign-in identifier, its device's ID and name, its tenant IDs, its
// addresses, and the names and IDs of the applications, resources and
// service principals that are the tenant's own (not Microsoft's, see
// FirstParty). A user name that is the name of the workload that signed
// in (diagnostic records name service principals in identity, which the
// reader takes for the user's name) is added as an application name.
func (ids *Identities) AddRecord(rec *parse.Record) {
	ids.Add(KindUPN, rec.User.UPN)
	ids.Add(KindUPN, rec.User.SignInIdentifier)
	ids.Add(KindUserID, rec.User.ID)
	ids.Add(KindDeviceID, rec.Device.ID)
	ids.Add(KindDeviceName, rec.Device.Name)
	ids.Add(KindTenantID, rec.HomeTenantID)
	ids.Add(KindTenantID, rec.ResourceTenantID)
	ids.Add(KindTenantID, rec.TenantID)
	ids.AddIP(rec.IP)
	ids.AddIP(rec.IPSeenByResource)
	for _, a := range []parse.App{rec.App, rec.Resource} {
		if a.ID != "" && !FirstParty(a.ID) {
			ids.Add(KindAppID, a.ID)
			ids.Add(KindAppName, a.Name)
		}
	}
	// A service principal's object ID and credential are the tenant's
	// whatever the application; its name is the application's, kept when
	// that is Microsoft's.
	ids.Add(KindAppID, rec.ServicePrincipal.ID)
	ids.Add(KindAppID, rec.ServicePrincipal.CredentialKeyID)
	firstPartyName := func(name string) bool {
		return rec.App.ID != "" && FirstParty(rec.App.ID) && strings.EqualFold(strings.TrimSpace(name), strings.TrimSpace(rec.App.Name))
	}
	if !firstPartyName(rec.ServicePrincipal.Name) {
		ids.Add(KindAppName, rec.ServicePrincipal.Name)
	}
	switch {
	case !isWorkloadName(rec, rec.User.Name):
		ids.Add(UserKind(rec.User.Name), rec.User.Name)
	case !firstPartyName(rec.User.Name) && !(rec.Resource.ID != "" && FirstParty(rec.Resource.ID) && strings.EqualFold(rec.User.Name, rec.Resource.Name)):
		ids.Add(KindAppName, rec.User.Name)
	}
}

// isWorkloadName reports whether name names the workload or application of
// a sign-in rather than a user.
func isWorkloadName(rec *parse.Record, name string) bool {
	if rec.Flow == parse.FlowServicePrincipal || rec.Flow == parse.FlowManagedIdentity {
		return true
	}
	for _, n := range []string{rec.ServicePrincipal.Name, rec.App.Name, rec.Resource.Name} {
		if n != "" && strings.EqualFold(strings.TrimSpace(n), strings.TrimSpace(name)) {
			return true
		}
	}
	return false
}

// Len returns the number of spellings in the set.
func (ids *Identities) Len() int {
	if ids == nil {
		return 0
	}
	return len(ids.spellings)
}

// UserKind tells what a value that names a user is, by its shape: a GUID
// is a user ID, an e-mail-shaped value a UPN, anything else a display name.
func UserKind(v string) Kind {
	v = strings.TrimSpace(v)
	switch {
	case isGUID(v):
		return KindUserID
	case strings.Contains(v, "@"):
		return KindUPN
	}
	return KindName
}

// mentions appends an edit for every mention of a known value in s.
func (ids *Identities) mentions(s string, r *Redactor, edits []edit) []edit {
	if ids.Len() == 0 || len(s) < minMentionLen {
		return edits
	}
	folded, offsets := foldWithOffsets(s)
	orig := func(i int) int {
		if offsets == nil {
			return i
		}
		return offsets[i]
	}
	for i := 0; i+minMentionLen <= len(folded); i++ {
		if ids.wordStarts && i > 0 && isASCIIWordByte(folded[i-1]) {
			continue
		}
		prefix := start3(folded[i:])
		if ids.starts[prefix/64]&(1<<(prefix%64)) == 0 {
			continue
		}
		if offsets != nil && i > 0 && offsets[i] == offsets[i-1] {
			continue // Inside a character.
		}
		cands := ids.byStart[prefix]
		if len(cands) == 0 {
			continue
		}
		start := orig(i)
		best := ""
		for _, c := range cands {
			end := i + len(c)
			if end > len(folded) || len(c) <= len(best) || folded[i:end] != c {
				continue
			}
			if offsets != nil && end < len(folded) && offsets[end] == offsets[end-1] {
				continue // Ends inside a character.
			}
			first, _ := utf8.DecodeRuneInString(c)
			last, _ := utf8.DecodeLastRuneInString(c)
			if isWordRune(first) && wordBefore(s, start) || isWordRune(last) && wordAt(s, orig(end)) {
				continue
			}
			best = c
		}
		if best == "" {
			continue
		}
		end := orig(i + len(best))
		if e, ok := r.mentionEdit(ids.spellings[best], s, start, end); ok {
			edits = append(edits, e)
		}
		i += len(best) - 1
	}
	return edits
}

// start3 returns the first three bytes of s as a number.
func start3(s string) uint32 { return uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2]) }

// isASCIIWordByte reports whether c is an ASCII letter, digit or
// underscore.
func isASCIIWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// ordinaryWords are words of account, application and service names that
// a display name or a UPN's local part may be made of ("Build Service",
// admin@...) and that are not searched alone in free text, where they
// mean what they say. Whole names are searched all the same.
var ordinaryWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		access account accounts admin administrator agent api app application applications apps
		automation azure backup bot build builder client cloud conference corp corporate data default
		demo deploy deployment desk dev device devices directory domain donotreply engineering exchange
		external finance global graph guest help helpdesk info internal key lab local mail main
		management manager marketing master meeting member microsoft monitor monitoring network new
		noreply office old operations ops owner pipeline policy portal power primary print printer prod
		public release report reports room sales scan scanner script scripts secondary security server
		servers service services shared sign support svc sync system systems team teams test testing
		the user users vault vendor web windows`) {
		ordinaryWords[w] = true
	}
}

// isOrdinaryWord reports whether a name part or local part is too common
// to be searched alone.
func isOrdinaryWord(s string) bool {
	return ordinaryWords[foldCase(s)]
}

// genericLabels are first labels of domains that do not name a tenant.
var genericLabels = map[string]bool{
	"onmicrosoft": true, "mail": true, "email": true, "www": true, "login": true, "corp": true,
	"local": true, "ad": true, "outlook": true, "hotmail": true, "live": true, "microsoft": true,
	"windows": true, "azure": true, "office": true, "gmail": true, "yahoo": true, "icloud": true,
}

// isPlaceholder reports whether a value stands for no value or for no one
// in particular: Microsoft's "{PII Removed}", a dash, "n/a", "none",
// "null", the all-zero GUID, and the tenant IDs of Microsoft itself (the
// owner of its first-party applications, its corporate tenant, and the
// tenant of personal Microsoft accounts), which support needs to see as
// they are.
func isPlaceholder(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "{pii removed}", "-", "n/a", "none", "null",
		"00000000-0000-0000-0000-000000000000",
		"f8cdef31-a31e-4b4a-93e4-5f571e91255a", // Microsoft Services: owns first-party apps.
		"72f988bf-86f1-41af-91ab-2d7cd011db47", // Microsoft's corporate tenant.
		"9188040d-6c67-4c5b-b112-36a304b66dad": // Personal Microsoft accounts.
		return true
	}
	return false
}
