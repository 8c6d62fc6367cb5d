package analyze

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestFixShape(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		values    []string
		wantShape string
		wantShown []string
	}{
		{"no values", "Add the IP.", nil, "Add the IP.", nil},
		{"one value", "Add 198.51.100.7 to Office.", []string{"198.51.100.7"},
			"Add \x00A\x00 to Office.", []string{"198.51.100.7"}},
		{"a value the text does not show", "Add the IP.", []string{"198.51.100.7"},
			"Add the IP.", []string{""}},
		// The longer value goes first, so the shorter one inside it is
		// not taken out of the longer one.
		{"longest first", "Policy Office only blocks Office.", []string{"Office", "Office only"},
			"Policy \x00B\x00 blocks \x00A\x00.", []string{"Office", "Office only"}},
		{"too short to take out", "a b", []string{"a"}, "a b", []string{""}},
		{"every occurrence", "1.2.3.4 then 1.2.3.4", []string{"1.2.3.4"},
			"\x00A\x00 then \x00A\x00", []string{"1.2.3.4"}},
		{"a value holding the marker byte", "x\x00y", []string{"x\x00y"}, "x\x00y", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shape, shown := fixShape(tt.text, tt.values)
			if shape != tt.wantShape || !reflect.DeepEqual(shown, tt.wantShown) {
				t.Fatalf("fixShape(%q, %q) = %q, %q; want %q, %q", tt.text, tt.values, shape, shown, tt.wantShape, tt.wantShown)
			}
			if got := fillShape(shape, tt.values); got != tt.text {
				t.Errorf("fillShape(%q) = %q; want the text back, %q", shape, got, tt.text)
			}
		})
	}
}

func TestFillShapeOtherValues(t *testing.T) {
	shape, _ := fixShape("Add 198.51.100.7 to Office.", []string{"198.51.100.7"})
	if got, want := fillShape(shape, []string{"203.0.113.9"}), "Add 203.0.113.9 to Office."; got != want {
		t.Errorf("fillShape = %q; want %q", got, want)
	}
	// A marker without a value, and a broken marker, leave no marker byte.
	if got := fillShape(shape, nil); got != "Add  to Office." {
		t.Errorf("fillShape without values = %q", got)
	}
	if got := fillShape("cut \x00A", nil); got != "cut \x00A" {
		t.Errorf("fillShape of a cut marker = %q; want it unchanged", got)
	}
}

// hitFor is a hit whose fix names ip and policy, as the rule engine makes it.
func hitFor(ip, policy string) *Hit {
	values := []string{ip, policy}
	fix := "Add " + ip + " to a location " + policy + " trusts."
	shape, shown := fixShape(fix, values)
	return &Hit{Fix: fix, FixShape: shape, FixValues: shown, Verdict: policy + " blocked " + ip + "."}
}

func TestFixAggGroups(t *testing.T) {
	var a fixAgg
	for range 3 {
		a.add(hitFor("198.51.100.7", "Office only"))
	}
	a.add(hitFor("203.0.113.9", "Office only"))
	a.add(&Hit{Fix: "Another text."})
	groups, verdict, _ := a.groups([]string{"IP address", "policy"}, 10)
	if verdict != "Office only blocked 198.51.100.7." {
		t.Errorf("verdict = %q; want that of the most frequent values", verdict)
	}
	want := []FixGroup{
		{Fix: "Add 198.51.100.7 to a location Office only trusts.", Count: 4,
			Labels: []string{"IP address"},
			Values: []FixValues{{Values: []string{"198.51.100.7"}, Count: 3}, {Values: []string{"203.0.113.9"}, Count: 1}}},
		{Fix: "Another text.", Count: 1},
	}
	if !reflect.DeepEqual(groups, want) {
		t.Errorf("groups =\n%+v\nwant\n%+v", groups, want)
	}

	groups, _, _ = a.groups([]string{"IP address", "policy"}, 1)
	if len(groups[0].Values) != 1 || groups[0].ValuesOmitted != 1 {
		t.Errorf("top 1 kept %d values and omitted %d; want 1 and 1", len(groups[0].Values), groups[0].ValuesOmitted)
	}
}

func TestFixAggBounded(t *testing.T) {
	var a fixAgg
	for i := range maxFixTuples + 5 {
		a.add(hitFor(fmt.Sprintf("10.0.%d.%d", i/256, i%256), "P"))
	}
	groups, _, _ := a.groups([]string{"IP address", "policy"}, 10)
	if len(groups) != 1 {
		t.Fatalf("%d groups; want 1", len(groups))
	}
	g := groups[0]
	if g.Count != maxFixTuples+5 || !g.ValuesPartial {
		t.Errorf("count %d, partial %v; want every sign-in counted and the list marked partial", g.Count, g.ValuesPartial)
	}
	if len(g.Values)+g.ValuesOmitted != maxFixTuples {
		t.Errorf("%d values kept; want at most %d", len(g.Values)+g.ValuesOmitted, maxFixTuples)
	}
	if strings.ContainsRune(g.Fix, markerByte) {
		t.Errorf("fix %q holds a marker", g.Fix)
	}
}
