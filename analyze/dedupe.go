package analyze

import (
	"sort"

	"github.com/signinspect/signinspect/parse"
)

// The same sign-in often reaches an analysis twice: a ZIP of the portal
// download next to its extracted CSV, overlapping downloads, a JSON and a
// CSV export of the same days. Counting each copy would double the
// failures a ticket is about, so by default every sign-in counts once. The
// collector notices a matched sign-in whose request ID an earlier input
// already held, and (unless Options.KeepDuplicates) counts only the first
// copy, in read order, so that the report is the same whatever the number
// of workers. The inputs are read in the order of what their formats carry
// (see readOrder), so that the copy counted is the one with the most
// detail: a JSON export's, with its per-policy results, rather than a
// portal CSV's. Copies within one input are kept: an input is one export,
// and only its own export tool knows whether it repeats a request ID.

// maxTrackedIDs bounds the request IDs tracked, 16 bytes each (32 MB); past
// it, later sign-ins are no longer checked and the count is a lower bound.
const maxTrackedIDs = 1 << 21

// dedupe tracks the request IDs of matched sign-ins and the input that held
// each first.
type dedupe struct {
	ids    idSet
	copies int  // Matched sign-ins whose request ID an earlier input held.
	full   bool // maxTrackedIDs was reached.
}

// copyOf reports whether the sign-in is a copy of one read from an earlier
// input (input numbers its inputs in read order), remembering its ID
// otherwise.
func (d *dedupe) copyOf(requestID string, input int) bool {
	if requestID == "" {
		return false
	}
	owner, found := d.ids.lookup(foldHash(requestID))
	switch {
	case found && owner != uint32(input):
		d.copies++
		return true
	case found:
		return false
	case d.ids.n >= maxTrackedIDs:
		d.full = true
		return false
	}
	d.ids.add(foldHash(requestID), uint32(input))
	return false
}

// foldHash is FNV-1a over the ASCII-lower-cased bytes of s: request IDs are
// GUIDs, which exports write in either case.
func foldHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// idSet is an open-addressing hash set of 64-bit request ID hashes, each
// with the input that held it first: 12 bytes a slot, a third of what a
// Go map costs per entry. 0 marks an empty slot.
type idSet struct {
	keys   []uint64
	inputs []uint32
	n      int
}

func (s *idSet) slot(h uint64) int {
	if h == 0 {
		h = 1
	}
	mask := len(s.keys) - 1
	i := int(h>>7) & mask
	for s.keys[i] != 0 && s.keys[i] != h {
		i = (i + 1) & mask
	}
	return i
}

func (s *idSet) lookup(h uint64) (uint32, bool) {
	if s.n == 0 {
		return 0, false
	}
	i := s.slot(h)
	return s.inputs[i], s.keys[i] != 0
}

func (s *idSet) add(h uint64, input uint32) {
	if h == 0 {
		h = 1
	}
	if 4*(s.n+1) > 3*len(s.keys) {
		s.grow()
	}
	i := s.slot(h)
	if s.keys[i] == 0 {
		s.n++
	}
	s.keys[i], s.inputs[i] = h, input
}

func (s *idSet) grow() {
	keys, inputs := s.keys, s.inputs
	size := max(1024, 2*len(keys))
	s.keys, s.inputs, s.n = make([]uint64, size), make([]uint32, size), 0
	for i, k := range keys {
		if k != 0 {
			s.add(k, inputs[i])
		}
	}
}

// readOrder returns the order to read inputs in when their sign-ins may be
// merged: the inputs whose formats carry the most fields first, otherwise
// in the order given. An input that cannot be sniffed (it will fail to
// open, or is a pipe) keeps its place among the least.
func readOrder(inputs []parse.Input, opts parse.Options) []int {
	rank := make([]int, len(inputs))
	for i, in := range inputs {
		if !in.Rereadable() {
			continue
		}
		if f, err := parse.Sniff(in, opts); err == nil {
			rank[i] = f.Info().Carries.Count()
		}
	}
	order := make([]int, len(inputs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rank[order[a]] > rank[order[b]] })
	return order
}
