package analyze

import (
	"context"
	"testing"
)

func TestDedupeCopyOf(t *testing.T) {
	var d dedupe
	for _, c := range []struct {
		id    string
		input int
		copy  bool
	}{
		{"AAAA-1", 0, false},
		{"aaaa-2", 0, false},
		{"aaaa-2", 0, false}, // Twice in one input: the export's own rows.
		{"aaaa-1", 1, true},  // Case does not matter.
		{"aaaa-3", 1, false},
		{"AAAA-1", 2, true},
		{"aaaa-3", 2, true},
		{"", 2, false}, // No request ID: never a copy.
		{"", 3, false},
	} {
		if got := d.copyOf(c.id, c.input); got != c.copy {
			t.Errorf("copyOf(%q, %d) = %v, want %v", c.id, c.input, got, c.copy)
		}
	}
	if d.copies != 3 || d.full {
		t.Errorf("copies %d, full %v", d.copies, d.full)
	}
}

// TestIDSetGrows checks the hash set against a map across its growth.
func TestIDSetGrows(t *testing.T) {
	var s idSet
	want := map[uint64]uint32{}
	for i := uint64(0); i < 50000; i++ {
		h := i * 0x9e3779b97f4a7c15 // Includes 0, which the set stores as 1.
		if h == 1 {
			continue
		}
		s.add(h, uint32(i%7))
		want[h] = uint32(i % 7)
	}
	for h, in := range want {
		if got, ok := s.lookup(h); !ok || got != in {
			t.Fatalf("lookup(%d) = %d, %v; want %d", h, got, ok, in)
		}
	}
	if _, ok := s.lookup(12345); ok {
		t.Error("lookup of an absent hash found it")
	}
}

// TestRunMergesDuplicates checks that a sign-in two inputs hold (a download
// and a copy of it) counts once by default, that the report says how many
// copies it merged, and that KeepDuplicates counts every copy.
func TestRunMergesDuplicates(t *testing.T) {
	dir := t.TempDir()
	body := csvHeader + csvRow(1, "2026-11-20T10:00:00Z", 53003) + csvRow(2, "2026-11-20T11:00:00Z", 0)
	a := writeFile(t, dir, "NonInteractiveSignIns_a.csv", body)
	b := writeFile(t, dir, "NonInteractiveSignIns_b.csv", body+csvRow(3, "2026-11-20T12:00:00Z", 0))
	for _, c := range []struct {
		keep            bool
		matched, copies int
		merged          bool
	}{{false, 3, 2, true}, {true, 5, 2, false}} {
		rep, err := Run(context.Background(), []string{a, b}, Options{Filter: DefaultFilter(), KeepDuplicates: c.keep})
		if err != nil {
			t.Fatal(err)
		}
		s := rep.Summary
		if s.Matched != c.matched || s.Duplicates != c.copies || s.DuplicatesMerged != c.merged {
			t.Errorf("keep %v: matched %d, duplicates %d, merged %v; want %d, %d, %v", c.keep, s.Matched, s.Duplicates, s.DuplicatesMerged, c.matched, c.copies, c.merged)
		}
		if rep.Inputs[1].Matched != 3 {
			t.Errorf("keep %v: the second input matched %d, want 3 (its own rows, copies included)", c.keep, rep.Inputs[1].Matched)
		}
	}
	// One input: nothing is tracked.
	rep, err := Run(context.Background(), []string{a}, Options{Filter: DefaultFilter()})
	if err != nil || rep.Summary.Duplicates != 0 {
		t.Errorf("one input: %v, %+v", err, rep.Summary)
	}
}
