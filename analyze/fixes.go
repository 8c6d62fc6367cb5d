package analyze

import (
	"hash/maphash"
	"slices"
	"sort"
	"strings"

	"github.com/signinspect/signinspect/rules"
)

// A finding's fix is rendered for every sign-in it fires on, so a rule
// whose fix names the address gives one text per address: on a large batch,
// thousands of paragraphs that differ in one IP. The analysis groups them:
// the rule engine says which data each fix shows (the fix's values: the IP,
// the user, the policy), and two fixes whose texts are the same once those
// values are taken out are one fix for several values. A group is shown as
// one text, with the list of value combinations and their counts.

// maxFixShapes bounds the distinct fix texts (values taken out) kept per
// finding, and maxFixTuples the value combinations kept per text; the
// sign-ins past them are counted but their values are not.
const (
	maxFixShapes = 1000
	maxFixTuples = 1000
)

// minFixValue is the shortest value taken out of a fix text: a shorter one
// would match inside other words.
const minFixValue = 2

// fixShape returns text with each value of values (the longest first) that
// the text shows replaced by a marker naming its index, and the values it
// shows, "" for those it does not.
func fixShape(text string, values []string) (shape string, shown []string) {
	if len(values) == 0 {
		return text, nil
	}
	shown = make([]string, len(values))
	order := make([]int, len(values))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(values[order[a]]) > len(values[order[b]]) })
	shape = text
	for _, i := range order {
		v := values[i]
		if len(v) < minFixValue || strings.ContainsRune(v, markerByte) || !strings.Contains(shape, v) {
			continue
		}
		shape = strings.ReplaceAll(shape, v, fixMarker(i))
		shown[i] = v
	}
	return shape, shown
}

// markerByte delimits the markers of a fix shape; no export value holds it.
const markerByte = '\x00'

func fixMarker(i int) string {
	return string([]rune{markerByte, rune('A' + i), markerByte})
}

// fillShape puts values back into a shape's markers.
func fillShape(shape string, values []string) string {
	if !strings.ContainsRune(shape, markerByte) {
		return shape
	}
	var b strings.Builder
	for {
		i := strings.IndexRune(shape, markerByte)
		if i < 0 || i+2 >= len(shape) || shape[i+2] != markerByte {
			b.WriteString(shape)
			return b.String()
		}
		b.WriteString(shape[:i])
		if k := int(shape[i+1] - 'A'); k >= 0 && k < len(values) {
			b.WriteString(values[k])
		}
		shape = shape[i+3:]
	}
}

// fixAgg collects a finding's fixes.
type fixAgg struct {
	shapes    map[string]*fixShapeAgg
	untracked int // Sign-ins whose fix text was past maxFixShapes.
}

type fixShapeAgg struct {
	count int
	// tuples holds the combinations by a hash of their values; those of
	// one hash are chained (next).
	tuples    map[uint64]*fixTuple
	n         int // Combinations held.
	untracked int // Sign-ins whose values were past maxFixTuples.
}

// fixTuple is one combination of a fix's values, with the spans of its
// fix and the verdict of the first sign-in that had it: filling the shape
// with the tuple's values gives that sign-in's fix again, so the spans
// hold for the group's text.
type fixTuple struct {
	next         *fixTuple // The next combination of the same hash.
	values       []string
	count        int
	spans        []rules.Span
	verdict      string
	verdictSpans []rules.Span
}

func (a *fixAgg) add(h *Hit) {
	if a.shapes == nil {
		a.shapes = map[string]*fixShapeAgg{}
	}
	shape := h.FixShape
	if shape == "" {
		shape = h.Fix // A hit made without the rule engine's values.
	}
	s := a.shapes[shape]
	if s == nil {
		if len(a.shapes) >= maxFixShapes {
			a.untracked++
			return
		}
		s = &fixShapeAgg{tuples: map[uint64]*fixTuple{}}
		a.shapes[shape] = s
	}
	s.count++
	// A hash, not the values joined: no key is built per sign-in.
	var hash maphash.Hash
	hash.SetSeed(tupleSeed)
	for _, v := range h.FixValues {
		hash.WriteString(v)
		hash.WriteByte(0)
	}
	key := hash.Sum64()
	t := s.tuples[key]
	for t != nil && !slices.Equal(t.values, h.FixValues) {
		t = t.next
	}
	if t == nil {
		if s.n >= maxFixTuples {
			s.untracked++
			return
		}
		t = &fixTuple{next: s.tuples[key], values: h.FixValues, spans: h.FixSpans, verdict: h.Verdict, verdictSpans: h.VerdictSpans}
		s.tuples[key] = t
		s.n++
	}
	t.count++
}

// groups returns the fix groups, the most frequent first, each with its
// value combinations cut to top, and the verdict (with its spans) of the
// most frequent combination of the first group.
func (a *fixAgg) groups(labels []string, top int) (groups []FixGroup, verdict string, verdictSpans []rules.Span) {
	type shapeRef struct {
		shape string
		agg   *fixShapeAgg
	}
	shapes := make([]shapeRef, 0, len(a.shapes))
	for k, s := range a.shapes {
		shapes = append(shapes, shapeRef{k, s})
	}
	sort.Slice(shapes, func(i, j int) bool {
		if shapes[i].agg.count != shapes[j].agg.count {
			return shapes[i].agg.count > shapes[j].agg.count
		}
		return shapes[i].shape < shapes[j].shape
	})
	for n, sr := range shapes {
		tuples := make([]*fixTuple, 0, sr.agg.n)
		for _, t := range sr.agg.tuples {
			for ; t != nil; t = t.next {
				tuples = append(tuples, t)
			}
		}
		sort.Slice(tuples, func(i, j int) bool {
			if tuples[i].count != tuples[j].count {
				return tuples[i].count > tuples[j].count
			}
			return slices.Compare(tuples[i].values, tuples[j].values) < 0
		})
		if len(tuples) == 0 {
			continue
		}
		if n == 0 {
			verdict, verdictSpans = tuples[0].verdict, tuples[0].verdictSpans
		}
		g := FixGroup{Fix: fillShape(sr.shape, tuples[0].values), Count: sr.agg.count, Spans: tuples[0].spans, ValuesPartial: sr.agg.untracked > 0}
		varying := varyingValues(tuples)
		if len(varying) > 0 {
			for _, i := range varying {
				label := ""
				if i < len(labels) {
					label = labels[i]
				}
				g.Labels = append(g.Labels, label)
			}
			for _, t := range tuples {
				row := FixValues{Count: t.count, Values: make([]string, len(varying))}
				for k, i := range varying {
					row.Values[k] = t.values[i]
				}
				g.Values = append(g.Values, row)
			}
			g.Values, g.ValuesOmitted = cut(g.Values, top)
		}
		groups = append(groups, g)
	}
	return groups, verdict, verdictSpans
}

// varyingValues returns the positions at which the tuples' values differ.
func varyingValues(tuples []*fixTuple) []int {
	if len(tuples) < 2 {
		return nil
	}
	var out []int
	for i := range tuples[0].values {
		for _, t := range tuples[1:] {
			if i < len(t.values) && t.values[i] != tuples[0].values[i] {
				out = append(out, i)
				break
			}
		}
	}
	return out
}
