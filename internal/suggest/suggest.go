// Package suggest finds the names a user probably meant: the "did you mean"
// of a misspelt key, user, app, policy or location.
package suggest

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Distance is the Levenshtein distance between a and b, in runes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Closest returns up to n of candidates that are close to word, closest
// first: those within a third of word's length (at least 2) in edit
// distance, ignoring case. Two e-mail addresses of one domain are compared
// by their local parts, so that the shared domain does not make unrelated
// users look alike. A candidate equal to word (ignoring case) is not a
// suggestion, and each is returned once.
func Closest(word string, candidates []string, n int) []string {
	w := strings.ToLower(strings.TrimSpace(word))
	type scored struct {
		name string
		d    int
	}
	var found []scored
	seen := map[string]bool{}
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == w || seen[lc] {
			continue
		}
		seen[lc] = true
		a, b := w, lc
		if la, da, ok := strings.Cut(a, "@"); ok {
			if lb, db, ok := strings.Cut(b, "@"); ok && da == db {
				a, b = la, lb
			}
		}
		if d := Distance(a, b); d <= max(2, utf8.RuneCountInString(a)/3) {
			found = append(found, scored{c, d})
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		return found[i].name < found[j].name
	})
	var out []string
	for _, f := range found {
		if len(out) == n {
			break
		}
		out = append(out, f.name)
	}
	return out
}

// Near returns up to n of names near s, ignoring case: first those that
// hold s or that s holds, in the order given (a policy named in part),
// then the Closest others.
func Near(s string, names []string, n int) []string {
	ls := strings.ToLower(strings.TrimSpace(s))
	var out, rest []string
	for _, name := range names {
		ln := strings.ToLower(name)
		if ls != "" && (strings.Contains(ln, ls) || strings.Contains(ls, ln)) {
			if len(out) < n {
				out = append(out, name)
			}
			continue
		}
		rest = append(rest, name)
	}
	return append(out, Closest(s, rest, n-len(out))...)
}
