package redact

import (
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testKey = []byte("0123456789abcdef-test-key")

func testPseudonymizer(t testing.TB, opts Options) *Pseudonymizer {
	t.Helper()
	p, err := New(testKey, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// randomAddr returns a random address of the family, IPv6 sometimes near
// the IPv4-mapped range, where the map treats bits specially.
func randomAddr(rng *rand.Rand, v6 bool) netip.Addr {
	if !v6 {
		return netip.AddrFrom4([4]byte{byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32())})
	}
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	switch rng.IntN(4) {
	case 0: // IPv4-mapped.
		b = [16]byte{10: 0xff, 11: 0xff, 12: b[12], 13: b[13], 14: b[14], 15: b[15]}
	case 1: // Shares a random number of leading bits with ::ffff:0:0.
		n := rng.IntN(97)
		m := [16]byte{10: 0xff, 11: 0xff}
		for i := 0; i < n; i++ {
			mask := byte(0x80) >> (i % 8)
			b[i/8] = b[i/8]&^mask | m[i/8]&mask
		}
	}
	return netip.AddrFrom16(b)
}

// withPrefix returns a with its first bits bits taken from p.
func withPrefix(a, p netip.Addr, bits int) netip.Addr {
	x, y := a.AsSlice(), p.AsSlice()
	for i := 0; i < bits; i++ {
		mask := byte(0x80) >> (i % 8)
		x[i/8] = x[i/8]&^mask | y[i/8]&mask
	}
	out, _ := netip.AddrFromSlice(x)
	return out
}

// keptBits is the shortest prefix whose relations the IP map keeps: the
// length of the synthetic block's prefix.
func keptBits(a netip.Addr) int {
	switch {
	case a.Is4():
		return synthetic4Bits
	case a.Is4In6():
		return mappedPrefixBits + synthetic4Bits
	}
	return synthetic6Bits
}

// inSyntheticBlock reports whether a pseudonym lies in its family's
// synthetic block.
func inSyntheticBlock(a netip.Addr) bool {
	switch {
	case a.Is4():
		return netip.MustParsePrefix("240.0.0.0/4").Contains(a)
	case a.Is4In6():
		return netip.MustParsePrefix("240.0.0.0/4").Contains(a.Unmap())
	}
	return netip.MustParsePrefix("3fff::/20").Contains(a)
}

// commonBits returns the number of leading bits a and b share.
func commonBits(a, b netip.Addr) int {
	x, y := a.AsSlice(), b.AsSlice()
	for i := 0; i < len(x)*8; i++ {
		if x[i/8]>>(7-i%8)&1 != y[i/8]>>(7-i%8)&1 {
			return i
		}
	}
	return len(x) * 8
}

func TestPrefixPreservation(t *testing.T) {
	p := testPseudonymizer(t, Options{})
	rng := rand.New(rand.NewPCG(1, 2))
	for _, v6 := range []bool{false, true} {
		for range 2000 {
			base := randomAddr(rng, v6)
			bits := rng.IntN(base.BitLen() + 1)
			prefix := netip.PrefixFrom(base, bits).Masked()
			mapped, ok := p.Prefix(prefix.String())
			if !ok {
				t.Fatalf("Prefix(%s) failed", prefix)
			}
			mp := netip.MustParsePrefix(mapped)
			exact := bits >= keptBits(base) || bits == 0
			if base.Is6() && bits <= mappedPrefixBits && onMappedPath(base.As16(), bits) {
				// Ranges that hold the mapped range stay as they are.
				if mp != prefix {
					t.Fatalf("Prefix(%s) = %s: want it kept", prefix, mp)
				}
				continue
			}
			if exact && (mp.Bits() != bits || mp.Masked() != mp) {
				t.Fatalf("Prefix(%s) = %s: want a masked /%d", prefix, mapped, bits)
			}
			if !exact && mp.Bits() != keptBits(base) {
				t.Fatalf("Prefix(%s) = %s: want the whole synthetic block", prefix, mapped)
			}
			// An address inside and one that may be outside; containment
			// holds both ways for ranges the map keeps, and one way (what
			// the range held, its pseudonym holds) for shorter ones.
			inside := withPrefix(randomAddr(rng, v6), base, bits)
			for _, a := range []netip.Addr{inside, randomAddr(rng, v6), withPrefix(randomAddr(rng, v6), base, max(bits-1, 0))} {
				if a.Is4() != base.Is4() || a.Is4In6() != base.Is4In6() {
					continue
				}
				s, ok := p.IP(a.String())
				if !ok {
					t.Fatalf("IP(%s) failed", a)
				}
				ma := netip.MustParseAddr(s)
				if ma.Is4() != a.Is4() || ma.Is4In6() != a.Is4In6() {
					t.Fatalf("IP(%s) = %s changes the family", a, s)
				}
				if !inSyntheticBlock(ma) {
					t.Fatalf("IP(%s) = %s, outside the synthetic block", a, s)
				}
				// Across synthetic blocks, containment holds one way only:
				// an address of another /4 (/20) lands in a range's
				// pseudonym by chance, 2^(4-n) for a /n.
				sameBlock := commonBits(a, base) >= keptBits(base)
				got, want := mp.Contains(ma), prefix.Contains(a)
				if exact && sameBlock && got != want || want && !got {
					t.Fatalf("%s in %s is %v, but %s in %s is %v", a, prefix, want, ma, mp, got)
				}
			}
		}
	}
}

func TestPrefixPreservationKeepsCommonPrefixLength(t *testing.T) {
	p := testPseudonymizer(t, Options{})
	rng := rand.New(rand.NewPCG(3, 4))
	common := commonBits
	seen := map[string]string{}
	for range 5000 {
		v6 := rng.IntN(2) == 0
		a := randomAddr(rng, v6)
		if a.Is6() && !a.Is4In6() && onMappedPath(a.As16(), mappedPrefixBits) {
			continue
		}
		b := withPrefix(randomAddr(rng, v6), a, keptBits(a)+rng.IntN(a.BitLen()-keptBits(a)+1))
		if b.Is4In6() != a.Is4In6() {
			continue
		}
		ma := netip.MustParseAddr(must(p.IP(a.String())))
		mb := netip.MustParseAddr(must(p.IP(b.String())))
		if common(a, b) != common(ma, mb) {
			t.Fatalf("%s and %s share %d bits, their pseudonyms %s and %s %d", a, b, common(a, b), ma, mb, common(ma, mb))
		}
		// No two addresses of this sample share a pseudonym (a collision
		// across blocks has a chance of one in 2^28 per pair).
		if prev, ok := seen[ma.String()]; ok && prev != a.String() {
			t.Fatalf("%s and %s both map to %s", prev, a, ma)
		}
		seen[ma.String()] = a.String()
	}
}

func must(s string, ok bool) string {
	if !ok {
		panic("not an address: " + s)
	}
	return s
}

func TestIPv4Mapped(t *testing.T) {
	p := testPseudonymizer(t, Options{})
	for _, v4 := range []string{"198.51.100.23", "203.0.113.45", "0.0.0.0", "255.255.255.255"} {
		plain := must(p.IP(v4))
		mapped := must(p.IP("::ffff:" + v4))
		if mapped != "::ffff:"+plain {
			t.Errorf("IP(::ffff:%s) = %s, want ::ffff:%s", v4, mapped, plain)
		}
		if upper := must(p.IP("::FFFF:" + v4)); upper != mapped {
			t.Errorf("case changes the pseudonym: %s vs %s", upper, mapped)
		}
	}
	// The mapped range stays the mapped range, and a mapped range keeps
	// holding the mapped pseudonyms of its IPv4 addresses.
	if got := must(p.Prefix("::ffff:0:0/96")); got != "::ffff:0.0.0.0/96" {
		t.Errorf("Prefix(::ffff:0:0/96) = %s", got)
	}
	r := netip.MustParsePrefix(must(p.Prefix("::ffff:203.0.113.0/120")))
	if a := netip.MustParseAddr(must(p.IP("::ffff:203.0.113.45"))); !r.Contains(a) {
		t.Errorf("%s not in %s", a, r)
	}
	v4 := netip.MustParsePrefix(must(p.Prefix("203.0.113.0/24")))
	if r.Addr().Unmap() != v4.Addr() || r.Bits()-96 != v4.Bits() {
		t.Errorf("mapped range %s does not match the IPv4 range %s", r, v4)
	}
}

func TestIPKeepsZoneAndRejectsText(t *testing.T) {
	p := testPseudonymizer(t, Options{})
	if got := must(p.IP("fe80::1%eth0")); !strings.HasSuffix(got, "%eth0") {
		t.Errorf("zone lost: %s", got)
	}
	for _, s := range []string{"", "not an ip", "1.2.3", "1.2.3.4.5", "01.2.3.4"} {
		if out, ok := p.IP(s); ok || out != s {
			t.Errorf("IP(%q) = %q, %v; want it unchanged and false", s, out, ok)
		}
	}
	if out, ok := p.Prefix("203.0.113.0"); ok || out != "203.0.113.0" {
		t.Errorf("Prefix of an address = %q, %v", out, ok)
	}
	// A range written with host bits keeps them (pseudonymized).
	pr := netip.MustParsePrefix(must(p.Prefix("203.0.113.45/24")))
	if pr.Masked() == pr || pr.Addr().String() != must(p.IP("203.0.113.45")) {
		t.Errorf("Prefix(203.0.113.45/24) = %s", pr)
	}
}

func TestKeepIPs(t *testing.T) {
	p := testPseudonymizer(t, Options{KeepIPs: true})
	if got, ok := p.IP("198.51.100.23"); !ok || got != "198.51.100.23" {
		t.Errorf("IP = %s, %v", got, ok)
	}
	if got, ok := p.Prefix("2001:db8::/48"); !ok || got != "2001:db8::/48" {
		t.Errorf("Prefix = %s, %v", got, ok)
	}
}

func TestPseudonymsAreStableAndKeyed(t *testing.T) {
	p1 := testPseudonymizer(t, Options{})
	p2 := testPseudonymizer(t, Options{})
	other, err := New([]byte("another key of enough bytes"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	values := []struct {
		name string
		f    func(*Pseudonymizer, string) string
		v    string
	}{
		{"UPN", (*Pseudonymizer).UPN, "svc-build@contoso.com"},
		{"Name", (*Pseudonymizer).Name, "Build Service"},
		{"ID", (*Pseudonymizer).ID, "1fe161c6-f484-4b44-af3a-fdd3a009be31"},
		{"DeviceName", (*Pseudonymizer).DeviceName, "CONTOSO-LT-0457"},
		{"TenantName", (*Pseudonymizer).TenantName, "Contoso"},
		{"IP", func(p *Pseudonymizer, s string) string { return must(p.IP(s)) }, "198.51.100.23"},
	}
	for _, v := range values {
		a, b, c := v.f(p1, v.v), v.f(p2, v.v), v.f(other, v.v)
		if a != b {
			t.Errorf("%s: same key, %q then %q", v.name, a, b)
		}
		if a == c {
			t.Errorf("%s: another key gives the same %q", v.name, a)
		}
		if a == v.v || strings.Contains(strings.ToLower(a), strings.ToLower(v.v)) {
			t.Errorf("%s: %q keeps the value", v.name, a)
		}
	}
}

func TestPseudonymShapes(t *testing.T) {
	p := testPseudonymizer(t, Options{})
	upn := p.UPN("Svc-Build@Contoso.com")
	if upn != p.UPN("svc-build@contoso.com") {
		t.Errorf("case variants of a UPN differ: %s", upn)
	}
	if !strings.HasPrefix(upn, "user-") || !strings.HasSuffix(upn, ".example") || strings.Count(upn, "@") != 1 {
		t.Errorf("UPN pseudonym %q", upn)
	}
	if d1, d2 := p.UPN("a@contoso.com"), p.UPN("b@contoso.com"); d1[strings.IndexByte(d1, '@'):] != d2[strings.IndexByte(d2, '@'):] {
		t.Errorf("one domain, two pseudonyms: %s %s", d1, d2)
	}
	if guest := p.UPN("adele_fabrikam.com#EXT#@contoso.onmicrosoft.com"); !strings.Contains(guest, "#EXT#@") || strings.Contains(guest, "fabrikam") {
		t.Errorf("guest UPN pseudonym %q", guest)
	}
	if bare := p.UPN("+1 555 0100"); !strings.HasPrefix(bare, "user-") || strings.Contains(bare, "@") {
		t.Errorf("UPN without @ = %q", bare)
	}
	keep := testPseudonymizer(t, Options{KeepDomain: true})
	if got := keep.UPN("svc-build@Contoso.com"); !strings.HasSuffix(got, "@Contoso.com") || strings.Contains(got, "svc-build") {
		t.Errorf("KeepDomain: %q", got)
	}
	if p.Name("Build Service") != p.Name("build service") || !strings.HasPrefix(p.Name("x"), "User ") {
		t.Error("names are not case-folded or not shaped User ...")
	}

	id := p.ID("1fe161c6-f484-4b44-af3a-fdd3a009be31")
	if !isGUID(id) || id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) {
		t.Errorf("GUID pseudonym %q is not a version 4 UUID", id)
	}
	if up := p.ID("1FE161C6-F484-4B44-AF3A-FDD3A009BE31"); up != strings.ToUpper(id) {
		t.Errorf("upper-case GUID gives %q, want %q", up, strings.ToUpper(id))
	}
	if br := p.ID("{1fe161c6-f484-4b44-af3a-fdd3a009be31}"); br != "{"+id+"}" {
		t.Errorf("braced GUID gives %q", br)
	}
	if other := p.ID("not-a-guid"); !strings.HasPrefix(other, "id-") {
		t.Errorf("non-GUID ID gives %q", other)
	}
}

func TestNewAndReadKeyFile(t *testing.T) {
	if _, err := New([]byte("short"), Options{}); err == nil {
		t.Error("New accepted a 5-byte key")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "key")
	os.WriteFile(path, []byte("  0123456789abcdef0123\n"), 0o600)
	key, err := ReadKeyFile(path)
	if err != nil || string(key) != "0123456789abcdef0123" {
		t.Errorf("ReadKeyFile = %q, %v", key, err)
	}
	os.WriteFile(path, []byte("short\n"), 0o600)
	if _, err := ReadKeyFile(path); err == nil || !strings.Contains(err.Error(), "at least 16") {
		t.Errorf("short key file: %v", err)
	}
	if _, err := ReadKeyFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing key file accepted")
	}
	a, _ := NewRandom(Options{})
	b, _ := NewRandom(Options{})
	if a.UPN("x@y.com") == b.UPN("x@y.com") {
		t.Error("two random keys give the same pseudonym")
	}
}

func BenchmarkIPv4(b *testing.B) {
	p := testPseudonymizer(b, Options{})
	for i := 0; i < b.N; i++ {
		p.IP("198.51.100.23")
	}
}
