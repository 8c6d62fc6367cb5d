package suggest

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"when", "wehn", 2},
		{"severity", "severity", 0},
		{"flaw", "lawn", 2},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestNear(t *testing.T) {
	names := []string{"Corporate egress", "Build VMs", "Allowed countries", "corporate Egress (old)", "Branch offices"}
	for _, c := range []struct {
		s    string
		n    int
		want []string
	}{
		{"corporate", 3, []string{"Corporate egress", "corporate Egress (old)"}},
		{"Corporate egres", 3, []string{"Corporate egress", "corporate Egress (old)"}},
		{"Build VM", 1, []string{"Build VMs"}},
		{"Bild VMs", 3, []string{"Build VMs"}},
		{"nothing like it", 3, nil},
		{"o", 2, []string{"Corporate egress", "Allowed countries"}},
	} {
		if got := Near(c.s, names, c.n); !slices.Equal(got, c.want) {
			t.Errorf("Near(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}
