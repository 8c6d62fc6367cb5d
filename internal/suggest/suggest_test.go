package suggest

import (
	"reflect"
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"svc-bulid", "svc-build", 2}, {"Zoë", "Zoe", 1},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	users := []string{"svc-build@contoso.com", "adele.vance@contoso.com", "alex.wilber@contoso.com", "SVC-BUILD@contoso.com", "jose.lee@contoso.com"}
	for _, c := range []struct {
		word string
		want []string
	}{
		{"svc-bulid@contoso.com", []string{"svc-build@contoso.com"}}, // Once, as first written.
		{"alex.wilbur@contoso.com", []string{"alex.wilber@contoso.com"}},
		{"nobody@fabrikam.com", nil},
		{"someone.else@contoso.com", nil}, // Not "jose.lee": the domain is no likeness.
		{"svc-build@contoso.com", nil},    // The same name is no suggestion.
	} {
		if got := Closest(c.word, users, 3); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Closest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
	if got := Closest("Azur DevOps", []string{"Azure DevOps", "Azure Portal", "Visual Studio"}, 3); !reflect.DeepEqual(got, []string{"Azure DevOps"}) {
		t.Errorf("app = %q", got)
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
