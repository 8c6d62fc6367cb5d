package redact

import (
	"strings"

	"github.com/signinspect/signinspect/internal/ascii"
	"github.com/signinspect/signinspect/parse"
)

// Identities is the set of personal values known to occur in the inputs:
// the users, devices and tenants of the records, collected by reading them
// before anything is written. A Redactor replaces every mention of them in
// free text (a failure reason that names a user, a resource path that holds
// the tenant ID), even where they are not shaped like an e-mail address.
//
// Mentions are matched case-insensitively (ASCII letters only) and as whole
// words: a known value is not replaced inside a longer word.
type Identities struct {
	kinds map[string]Kind // Lower-cased value → kind.
	// byStart indexes the values by their first three lower-cased bytes,
	// so that scanning text costs one map lookup per word start.
	byStart map[[3]byte][]string
}

// minMentionLen is the shortest value searched for in free text: shorter
// names ("Ed") would hit ordinary words. Such values are still replaced in
// their own fields.
const minMentionLen = 3

// NewIdentities returns an empty set.
func NewIdentities() *Identities {
	return &Identities{kinds: map[string]Kind{}, byStart: map[[3]byte][]string{}}
}

// Add adds a value of a kind. Empty values, placeholders ({PII Removed})
// and values shorter than three bytes are ignored. A value added twice
// keeps its first kind.
func (ids *Identities) Add(k Kind, v string) {
	v = strings.TrimSpace(v)
	if len(v) < minMentionLen || isPlaceholder(v) {
		return
	}
	key := ascii.ToLower(v)
	if _, ok := ids.kinds[key]; ok {
		return
	}
	ids.kinds[key] = k
	start := [3]byte{key[0], key[1], key[2]}
	ids.byStart[start] = append(ids.byStart[start], key)
	if k == KindUPN {
		if at := strings.LastIndexByte(v, '@'); at >= 0 && strings.Contains(v[at+1:], ".") {
			ids.Add(KindDomain, v[at+1:])
		}
	}
}

// AddRecord adds the personal values of a sign-in: its user's UPN, name,
// ID and sign-in identifier, its device's ID and name, and its tenant IDs.
// A user name that is the name of the workload that signed in (diagnostic
// records name service principals in identity, which the reader takes for
// the user's name) is not added: application and service principal names
// are kept wherever they appear.
func (ids *Identities) AddRecord(rec *parse.Record) {
	ids.Add(KindUPN, rec.User.UPN)
	ids.Add(KindUPN, rec.User.SignInIdentifier)
	if !isWorkloadName(rec, rec.User.Name) {
		ids.Add(UserKind(rec.User.Name), rec.User.Name)
	}
	ids.Add(KindUserID, rec.User.ID)
	ids.Add(KindDeviceID, rec.Device.ID)
	ids.Add(KindDeviceName, rec.Device.Name)
	ids.Add(KindTenantID, rec.HomeTenantID)
	ids.Add(KindTenantID, rec.ResourceTenantID)
	ids.Add(KindTenantID, rec.TenantID)
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

// Len returns the number of values in the set.
func (ids *Identities) Len() int {
	if ids == nil {
		return 0
	}
	return len(ids.kinds)
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
	for i := 0; i+minMentionLen <= len(s); i++ {
		if i > 0 && isWordByte(s[i-1]) {
			continue
		}
		cands := ids.byStart[[3]byte{ascii.Lower(s[i]), ascii.Lower(s[i+1]), ascii.Lower(s[i+2])}]
		best := ""
		for _, c := range cands {
			end := i + len(c)
			if end > len(s) || len(c) <= len(best) || !ascii.EqualFold(s[i:end], c) {
				continue
			}
			if end < len(s) && isWordByte(s[end]) && isWordByte(c[len(c)-1]) {
				continue
			}
			best = c
		}
		if best == "" {
			continue
		}
		end := i + len(best)
		if e, ok := r.match(ids.kinds[best], s, i, end); ok {
			edits = append(edits, e)
		}
		i = end - 1
	}
	return edits
}

// isWordByte reports whether c can be part of a word: ASCII letters and
// digits, the underscore, and any byte of a non-ASCII character.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c >= 0x80
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
