package policy

import (
	"net/netip"
	"reflect"
	"testing"
)

func TestLocationsLocate(t *testing.T) {
	l := NewLocations(
		[]NamedLocation{
			{Name: "Corporate egress", Kind: LocationIP, Trusted: true, Ranges: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}},
			{Name: "Contractor VPN", Kind: LocationIP, Ranges: []netip.Prefix{netip.MustParsePrefix("::ffff:192.0.2.0/120")}},
			{Name: "Allowed countries", Kind: LocationCountry, Countries: []string{"US"}},
		},
		[]netip.Prefix{netip.MustParsePrefix("2001:db8:4d2::/48")},
	)
	tests := []struct {
		ip      string
		names   []string
		trusted bool
	}{
		{"203.0.113.45", []string{"Corporate egress"}, true},
		{"::ffff:203.0.113.45", []string{"Corporate egress"}, true},
		{"192.0.2.140", []string{"Contractor VPN"}, false},
		{"2001:db8:4d2:10::17", []string{"--trusted-ip 2001:db8:4d2::/48"}, true},
		{"198.51.100.23", nil, false},
		{"not an ip", nil, false},
	}
	for _, tt := range tests {
		names, trusted, ok := l.Locate(tt.ip)
		if !ok || !reflect.DeepEqual(names, tt.names) || trusted != tt.trusted {
			t.Errorf("Locate(%q) = %v, %v, %v; want %v, %v, true", tt.ip, names, trusted, ok, tt.names, tt.trusted)
		}
	}
	if _, _, ok := NewLocations(nil, nil).Locate("203.0.113.45"); ok {
		t.Error("Locate with no ranges said ok")
	}
}
