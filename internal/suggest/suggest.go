// Package suggest finds the names close to one a user mistyped, for the
// "did you mean" of an error.
package suggest

import (
	"sort"
	"strings"
)

// Distance is the Levenshtein distance of a and b, in bytes: the fewest
// insertions, deletions and substitutions that turn a into b.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Near returns up to n of names nearest to s, ignoring case: first those
// that hold s or that s holds, then those within a few edits of it (two,
// or a third of the length of s), nearest first and in the order given
// among equals.
func Near(s string, names []string, n int) []string {
	type scored struct {
		name string
		d    int
	}
	ls := strings.ToLower(s)
	var out []scored
	for _, name := range names {
		ln := strings.ToLower(name)
		d := Distance(ls, ln)
		switch {
		case strings.Contains(ln, ls) || strings.Contains(ls, ln):
			d = 0
		case d > max(2, len(ls)/3):
			continue
		}
		out = append(out, scored{name, d})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].d < out[j].d })
	var list []string
	for i := 0; i < len(out) && i < n; i++ {
		list = append(list, out[i].name)
	}
	return list
}
