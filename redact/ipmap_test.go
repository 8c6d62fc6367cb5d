package redact

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/internal/samplegen/scenario"
	"github.com/signinspect/signinspect/policy"
)

// TestIPMapKeepsSampleNamedLocations checks, under several keys, every
// relation between the samples' addresses and their named locations' ranges
// that named-location matching asks: which ranges hold which address (in
// its plain and IPv4-mapped forms), which ranges hold or overlap which, and
// that distinct addresses stay distinct, all in the synthetic blocks.
func TestIPMapKeepsSampleNamedLocations(t *testing.T) {
	sc := scenario.New()
	var addrs []netip.Addr
	seen := map[netip.Addr]bool{}
	addAddr := func(s string) {
		if s == "" {
			return
		}
		a := netip.MustParseAddr(s)
		for _, x := range []netip.Addr{a, netip.AddrFrom16(a.As16())} {
			if !seen[x] {
				seen[x] = true
				addrs = append(addrs, x)
			}
		}
	}
	for _, s := range sc.SignIns {
		addAddr(s.From.IP)
		addAddr(s.SeenByResource)
	}
	var ranges []netip.Prefix
	for _, l := range sc.NamedLocations {
		for _, r := range l.Ranges {
			p := netip.MustParsePrefix(r)
			ranges = append(ranges, p)
			if p.Addr().Is4() {
				ranges = append(ranges, netip.PrefixFrom(netip.AddrFrom16(p.Addr().As16()), p.Bits()+96))
			}
		}
	}
	if len(addrs) < 10 || len(ranges) < 4 {
		t.Fatalf("%d addresses, %d ranges: the scenario changed", len(addrs), len(ranges))
	}
	for k := range 20 {
		p, err := New([]byte(fmt.Sprintf("sample named locations key %d", k)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		mapAddr := func(a netip.Addr) netip.Addr { return netip.MustParseAddr(must(p.IP(a.String()))) }
		mapRange := func(r netip.Prefix) netip.Prefix { return netip.MustParsePrefix(must(p.Prefix(r.String()))) }
		pseudo := map[netip.Addr]netip.Addr{}
		for _, a := range addrs {
			ma := mapAddr(a)
			if !inSyntheticBlock(ma) {
				t.Errorf("key %d: %s → %s, outside the synthetic block", k, a, ma)
			}
			if prev, ok := pseudo[ma]; ok {
				t.Errorf("key %d: %s and %s both → %s", k, prev, a, ma)
			}
			pseudo[ma] = a
		}
		for _, r := range ranges {
			mr := mapRange(r)
			for _, a := range addrs {
				if got, want := mr.Contains(mapAddr(a)), r.Contains(a); got != want {
					t.Errorf("key %d: %s in %s is %v, but %s in %s is %v", k, a, r, want, mapAddr(a), mr, got)
				}
			}
			for _, r2 := range ranges {
				mr2 := mapRange(r2)
				if got, want := mr.Overlaps(mr2), r.Overlaps(r2); got != want {
					t.Errorf("key %d: %s overlaps %s is %v, their pseudonyms %v", k, r, r2, want, got)
				}
			}
		}
	}
}

func TestIPMapSyntheticBlocksAndMappedForm(t *testing.T) {
	p := testPseudonymizer(t, Options{})
	for _, tt := range []struct{ in, block string }{
		{"192.0.2.140", "240.0.0.0/4"},
		{"17.240.62.124", "240.0.0.0/4"},
		{"255.255.255.255", "240.0.0.0/4"},
		{"0.0.0.0", "240.0.0.0/4"},
		{"2001:db8:4d2:10::17", "3fff::/20"},
		{"2001:0db8:04d2:0010:0000:0000:0000:0017", "3fff::/20"},
		{"fe80::1%eth0", "3fff::/20"},
		{"::1", "3fff::/20"},
		{"::ffff:203.0.113.7", "::ffff:240.0.0.0/100"},
	} {
		out := netip.MustParseAddr(must(p.IP(tt.in)))
		if !netip.MustParsePrefix(tt.block).Contains(out.WithZone("")) {
			t.Errorf("IP(%s) = %s, not in %s", tt.in, out, tt.block)
		}
	}
	// Compressed and expanded spellings are one address.
	if a, b := must(p.IP("2001:db8:4d2:10::17")), must(p.IP("2001:0db8:04d2:0010:0000:0000:0000:0017")); a != b {
		t.Errorf("two spellings, two pseudonyms: %s, %s", a, b)
	}
	for _, tt := range []struct{ in, want string }{
		{"0.0.0.0/0", "0.0.0.0/0"},
		{"::/0", "::/0"},
		{"64.0.0.0/2", "240.0.0.0/4"},
		{"2000::/3", "3fff::/20"},
		{"::ffff:0:0/96", "::ffff:0.0.0.0/96"},
		{"::ffff:0.0.0.0/98", "::ffff:240.0.0.0/100"},
	} {
		if got := must(p.Prefix(tt.in)); got != tt.want {
			t.Errorf("Prefix(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestCheckIPRelations finds, under a key, the relations the IP map does
// not keep: an address of another /4 that lands in a range's pseudonym,
// and a range shorter than /4; and none for the samples.
func TestCheckIPRelations(t *testing.T) {
	p := testPseudonymizer(t, Options{})
	r := netip.MustParsePrefix("20.0.0.0/8")
	// Find an address of another /4 block whose pseudonym lands in the
	// range's pseudonym: one in 16 does.
	mr := p.ips.prefix(r)
	var outside netip.Addr
	for first := 32; first < 224; first++ {
		a := netip.AddrFrom4([4]byte{byte(first), 1, 2, 3})
		if mr.Contains(p.ips.addr(a)) {
			outside = a
			break
		}
	}
	if !outside.IsValid() {
		t.Fatal("no address of another block lands in the range's pseudonym")
	}
	ips := map[netip.Addr]bool{outside: true, netip.MustParseAddr("20.1.2.3"): true}
	locs := []policy.NamedLocation{{Name: "Azure West Europe", Ranges: []netip.Prefix{r, netip.MustParsePrefix("0.0.0.0/2")}}}
	notes := checkIPRelations(p, ips, locs)
	if len(notes) != 2 || !strings.Contains(notes[0], outside.String()) || !strings.Contains(notes[1], "shorter than /4") {
		t.Errorf("notes: %q", notes)
	}

	sc := scenario.New()
	ips = map[netip.Addr]bool{}
	for _, s := range sc.SignIns {
		if s.From.IP != "" {
			ips[netip.MustParseAddr(s.From.IP)] = true
		}
	}
	var sampleLocs []policy.NamedLocation
	for _, l := range sc.NamedLocations {
		var ranges []netip.Prefix
		for _, r := range l.Ranges {
			ranges = append(ranges, netip.MustParsePrefix(r))
		}
		sampleLocs = append(sampleLocs, policy.NamedLocation{Name: l.Name, Ranges: ranges})
	}
	if notes := checkIPRelations(p, ips, sampleLocs); len(notes) != 0 {
		t.Errorf("notes for the samples: %q", notes)
	}
}
