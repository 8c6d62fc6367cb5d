// Package redact pseudonymizes the personal data of sign-in log exports:
// user names, UPNs and e-mail addresses, user, device and tenant object IDs,
// device names and IP addresses. Pseudonyms come from a keyed hash, so that
// the same value always gets the same pseudonym under one key, and analysing
// a redacted export gives the same counts, findings and timeline as the
// original, with pseudonyms in place of identities.
//
// A Pseudonymizer maps single values; a Redactor finds the values in
// exports (by field, and in free text) and counts what it replaced; Run
// writes redacted copies of whole inputs in their own format.
package redact

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/netip"
	"os"
	"strings"
	"sync"
)

// A Kind is a kind of personal value.
type Kind uint8

// The kinds of personal values, in the order summaries list them.
const (
	KindUPN        Kind = iota // UPNs and e-mail addresses, and their local parts.
	KindName                   // Display names of users, in any spelling.
	KindUserID                 // User object IDs.
	KindDeviceID               // Device IDs.
	KindDeviceName             // Device names.
	KindTenantID               // Tenant IDs.
	KindTenantName             // Tenant names.
	KindDomain                 // Domain names, in UPNs and on their own.
	KindAppName                // Names of the tenant's own applications, service principals and Azure resources.
	KindAppID                  // IDs of the tenant's own applications, service principals, credentials and subscriptions.
	KindIP                     // IP addresses.
	KindIPRange                // IP ranges (CIDR) of named locations.
	KindPhone                  // Phone numbers.
	KindLocation               // Cities, states and coordinates dropped.
	numKinds
)

var kindNames = [numKinds]string{
	KindUPN:        "UPNs and e-mail addresses",
	KindName:       "user names",
	KindUserID:     "user IDs",
	KindDeviceID:   "device IDs",
	KindDeviceName: "device names",
	KindTenantID:   "tenant IDs",
	KindTenantName: "tenant names",
	KindDomain:     "domain names",
	KindAppName:    "application names",
	KindAppID:      "application IDs",
	KindIP:         "IP addresses",
	KindIPRange:    "IP ranges",
	KindPhone:      "phone numbers",
	KindLocation:   "locations dropped",
}

// kindIDs name the kinds in files (the mapping, a bundle's manifest).
var kindIDs = [numKinds]string{
	KindUPN:        "upn",
	KindName:       "user-name",
	KindUserID:     "user-id",
	KindDeviceID:   "device-id",
	KindDeviceName: "device-name",
	KindTenantID:   "tenant-id",
	KindTenantName: "tenant-name",
	KindDomain:     "domain",
	KindAppName:    "app-name",
	KindAppID:      "app-id",
	KindIP:         "ip",
	KindIPRange:    "ip-range",
	KindPhone:      "phone",
	KindLocation:   "location",
}

// String names the kind for people, in the plural.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "Kind(?)"
}

// ID names the kind in files: "upn", "user-name", "ip", ...
func (k Kind) ID() string {
	if k < numKinds {
		return kindIDs[k]
	}
	return "unknown"
}

// ParseKind returns the kind an ID names.
func ParseKind(id string) (Kind, bool) {
	for k, s := range kindIDs {
		if s == id {
			return Kind(k), true
		}
	}
	return 0, false
}

// Kinds returns every kind in summary order.
func Kinds() []Kind {
	out := make([]Kind, numKinds)
	for i := range out {
		out[i] = Kind(i)
	}
	return out
}

// MinKeyBytes is the shortest key a Pseudonymizer accepts.
const MinKeyBytes = 16

// Options change what a Pseudonymizer replaces.
type Options struct {
	// KeepDomain keeps the domain of UPNs and e-mail addresses
	// (user-3f9a2c4d5e6f@contoso.com) instead of pseudonymizing it.
	KeepDomain bool
	// KeepIPs leaves IP addresses and ranges as they are.
	KeepIPs bool
}

// A Pseudonymizer maps personal values to stable pseudonyms under a key:
// HMAC-SHA256 for names and identifiers, a prefix-preserving map for IP
// addresses. Values are case-folded before hashing, so that case variants
// of one UPN, name or ID get one pseudonym. A Pseudonymizer is safe for
// concurrent use.
type Pseudonymizer struct {
	opts Options
	macs sync.Pool // of hash.Hash, keyed HMAC-SHA256
	ips  ipMaps
}

// New returns a Pseudonymizer for key, which must hold at least
// MinKeyBytes bytes.
func New(key []byte, opts Options) (*Pseudonymizer, error) {
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("the key has %d bytes; it needs at least %d", len(key), MinKeyBytes)
	}
	key = bytes.Clone(key)
	p := &Pseudonymizer{opts: opts}
	p.macs.New = func() any { return hmac.New(sha256.New, key) }
	// The IP maps get their own keys, derived from the key, so that no
	// AES key is also an HMAC key.
	p.ips = ipMaps{
		v4: newPrefixMap(derive(key, "signinspect/redact ip4")),
		v6: newPrefixMap(derive(key, "signinspect/redact ip6")),
	}
	return p, nil
}

// NewRandom returns a Pseudonymizer with a random key that is not kept
// anywhere: its pseudonyms cannot be reproduced by a later run.
func NewRandom(opts Options) (*Pseudonymizer, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("no random key: %w", err)
	}
	return New(key, opts)
}

// ReadKeyFile reads a key from a file: its content, with surrounding white
// space removed (so that a line of text written by an editor or echo is the
// same key with or without its final line break), of at least MinKeyBytes
// bytes.
func ReadKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	b = bytes.TrimSpace(b)
	if len(b) < MinKeyBytes {
		return nil, fmt.Errorf("key file %s: %d bytes after trimming white space; a key needs at least %d (e.g. head -c 32 /dev/urandom | base64 > %s)", path, len(b), MinKeyBytes, path)
	}
	return b, nil
}

// derive returns 32 bytes of key material for one use of the key.
func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// sum returns HMAC-SHA256 of the kind label and the value.
func (p *Pseudonymizer) sum(label, value string) [sha256.Size]byte {
	m := p.macs.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(label))
	m.Write([]byte{0})
	m.Write([]byte(value))
	var out [sha256.Size]byte
	m.Sum(out[:0])
	p.macs.Put(m)
	return out
}

// digestLen is the length of the hexadecimal digest in pseudonyms: 48 bits,
// so that two of 100,000 distinct users share a pseudonym with a chance of
// about one in 50,000.
const digestLen = 12

func (p *Pseudonymizer) digest(label, value string) string {
	s := p.sum(label, value)
	return hex.EncodeToString(s[:digestLen/2])
}

// UPN returns the pseudonym of a UPN or e-mail address:
// user-3f9a2c4d5e6f@domain-1b2c3d4e.example, or with KeepDomain
// user-3f9a2c4d5e6f@contoso.com. A guest's #EXT# marker is kept, so that
// guest accounts stay recognisable. A value without @ becomes
// user-3f9a2c4d5e6f.
func (p *Pseudonymizer) UPN(s string) string {
	local := "user-" + p.digest("upn", foldCase(s))
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return local
	}
	if strings.Contains(strings.ToUpper(s[:at]), "#EXT#") {
		local += "#EXT#"
	}
	return local + "@" + p.Domain(s[at+1:])
}

// Domain returns the pseudonym of a domain name (domain-1b2c3d4e.example,
// under the reserved .example top-level domain), or the domain itself with
// KeepDomain.
func (p *Pseudonymizer) Domain(d string) string {
	if p.opts.KeepDomain {
		return d
	}
	return "domain-" + p.digest("domain", foldCase(d))[:8] + ".example"
}

// Name returns the pseudonym of a user's display name: User 3f9a2c4d5e6f.
func (p *Pseudonymizer) Name(s string) string {
	return "User " + p.digest("name", foldCase(s))
}

// DeviceName returns the pseudonym of a device name: device-3f9a2c4d5e6f.
func (p *Pseudonymizer) DeviceName(s string) string {
	return "device-" + p.digest("device", foldCase(s))
}

// TenantName returns the pseudonym of a tenant name: tenant-3f9a2c4d5e6f.
func (p *Pseudonymizer) TenantName(s string) string {
	return "tenant-" + p.digest("tenant", foldCase(s))
}

// AppName returns the pseudonym of the name of one of the tenant's own
// applications, service principals or Azure resources: app-3f9a2c4d5e6f.
func (p *Pseudonymizer) AppName(s string) string {
	return "app-" + p.digest("app", foldCase(s))
}

// Phone returns the pseudonym of a phone number: phone-3f9a2c4d5e6f. The
// number's digits (and the X of a masked number) are hashed, so that
// "+1 555 0100" and "+1-555-0100" are one number.
func (p *Pseudonymizer) Phone(s string) string {
	var digits []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits = append(digits, c)
		case c == 'X' || c == 'x' || c == '*':
			digits = append(digits, 'x')
		}
	}
	return "phone-" + p.digest("phone", string(digits))
}

// Fingerprint identifies the key without revealing it: 16 hexadecimal
// digits of a keyed hash that no pseudonym uses. A bundle's manifest and
// a mapping file carry it, so that a mapping can be matched to the data it
// was made with.
func (p *Pseudonymizer) Fingerprint() string {
	s := p.sum("fingerprint", "signinspect/redact")
	return hex.EncodeToString(s[:8])
}

// ID returns the pseudonym of an object ID. A GUID gets a GUID (a version 4
// UUID, in the letter case and braces of the original), so that parsers and
// rules still see a GUID; every role (user, device, tenant) shares one
// mapping, so that one ID seen in two roles stays one ID. Anything else
// becomes id-3f9a2c4d5e6f.
func (p *Pseudonymizer) ID(s string) string {
	core, braced := s, false
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		core, braced = s[1:37], true
	}
	if !isGUID(core) {
		return "id-" + p.digest("id", strings.ToLower(s))
	}
	sum := p.sum("guid", strings.ToLower(core))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40 // Version 4.
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant.
	h := hex.EncodeToString(b)
	out := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	if core != strings.ToLower(core) {
		out = strings.ToUpper(out)
	}
	if braced {
		out = "{" + out + "}"
	}
	return out
}

// IP returns the pseudonym of an IP address: an address of the same family
// in a block that no real sign-in comes from (240.0.0.0/4, 3fff::/20, or
// ::ffff: and an address of 240.0.0.0/4 for an IPv4-mapped address), keyed
// and prefix-preserving within the block (see ipMaps): addresses that share
// a prefix of /4 (/20) or longer share exactly that prefix after
// redaction. ok is false when s is not an address. With KeepIPs, s is
// returned as it is.
func (p *Pseudonymizer) IP(s string) (string, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return s, false
	}
	if p.opts.KeepIPs {
		return s, true
	}
	return p.ips.addr(a).String(), true
}

// Prefix returns the pseudonym of a CIDR range: it holds exactly the
// pseudonyms of the addresses the range holds. ok is false when s is not a
// range. With KeepIPs, s is returned as it is.
func (p *Pseudonymizer) Prefix(s string) (string, bool) {
	pr, err := netip.ParsePrefix(s)
	if err != nil {
		return s, false
	}
	if p.opts.KeepIPs {
		return s, true
	}
	return p.ips.prefix(pr).String(), true
}

// KeepIPs reports whether the Pseudonymizer leaves IP addresses alone.
func (p *Pseudonymizer) KeepIPs() bool { return p.opts.KeepIPs }

// isGUID reports whether s is a GUID in its 8-4-4-4-12 form.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
