package render

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/safetext"
)

// The formats people read (table, Markdown, HTML) show a report's texts as
// safe, bounded text. An export's value can be anything its writer sent: an
// escape sequence in a device name, a bidirectional override in a UPN, an
// IP address 200,000 characters long. Each such format renders a copy of
// the report in which every string has its invisible characters made
// visible (safetext.Visible) and is cut to a readable size, with a marker
// that says how much was left out; the JSON report keeps every value whole.
// Doing it once, on the report, covers every field a format shows, those
// that exist today and those added later, before any layout measures a
// width.

// maxShownWord is the longest run of characters without a space that a
// shown text keeps, and maxShownText the longest text: longer ones are cut
// with a marker. A URL, a path or a policy name fits in maxShownWord; a
// rule's description or fix fits in maxShownText.
const (
	maxShownWord = 200
	maxShownText = 4000
)

// shownText returns s made safe and bounded for a format people read.
func shownText(s string) string {
	return clipText(safetext.Visible(s))
}

// clipText cuts every word of s longer than maxShownWord characters, and
// then s itself past maxShownText characters, each cut marked with the
// number of characters it left out. A text of at most maxShownWord bytes
// is returned as is.
func clipText(s string) string {
	if len(s) <= maxShownWord {
		return s
	}
	var b strings.Builder
	run := 0 // Characters of the current word written so far.
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			run = 0
		} else if run++; run > maxShownWord {
			// Skip to the end of the word and say how much it held.
			j, cut := i, 0
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if unicode.IsSpace(r) {
					break
				}
				j += size
				cut++
			}
			b.WriteString(cutMarker(cut))
			i, run = j, 0
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	s = b.String()
	if n := utf8.RuneCountInString(s); n > maxShownText {
		cut := 0
		for i := range s {
			if cut == maxShownText {
				return s[:i] + cutMarker(n-maxShownText)
			}
			cut++
		}
	}
	return s
}

// cutMarker says that n characters were cut: "…(+199,800 characters)".
func cutMarker(n int) string {
	if n == 1 {
		return "…(+1 character)"
	}
	return fmt.Sprintf("…(+%s characters)", analyze.Count(n))
}

// shown returns a copy of the report r points to with every string of
// it, at any depth, passed through shownText. r is not changed.
func shown[T any](r *T) *T {
	c := *r
	mapStrings(reflect.ValueOf(&c).Elem(), shownText)
	return &c
}

// mapStrings replaces every settable string reachable from v with f of
// it, copying the slices, maps and pointed-to values it passes through so
// that the original shares nothing it changes. Unexported fields (a
// time.Time's, a report's time zone) are left as they are.
func mapStrings(v reflect.Value, f func(string) string) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); s != "" {
			v.SetString(f(s))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if field := v.Field(i); field.CanSet() {
				mapStrings(field, f)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			mapStrings(v.Index(i), f)
		}
	case reflect.Slice:
		if v.IsNil() || !holdsStrings(v.Type().Elem()) {
			return
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := range c.Len() {
			mapStrings(c.Index(i), f)
		}
		v.Set(c)
	case reflect.Pointer:
		if v.IsNil() || !holdsStrings(v.Type().Elem()) {
			return
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(v.Elem())
		mapStrings(c.Elem(), f)
		v.Set(c)
	case reflect.Map:
		if v.IsNil() || !holdsStrings(v.Type().Key()) && !holdsStrings(v.Type().Elem()) {
			return
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			k := reflect.New(v.Type().Key()).Elem()
			k.Set(it.Key())
			mapStrings(k, f)
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			mapStrings(e, f)
			c.SetMapIndex(k, e)
		}
		v.Set(c)
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		e := reflect.New(v.Elem().Type()).Elem()
		e.Set(v.Elem())
		mapStrings(e, f)
		v.Set(e)
	}
}

// holdsStrings reports whether a value of type t may hold a string that
// mapStrings would change: it is a string, or reaches one through
// exported fields, elements or pointers.
func holdsStrings(t reflect.Type) bool {
	return holdsStringsSeen(t, map[reflect.Type]bool{})
}

func holdsStringsSeen(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false // A recursive type: its strings are found on the first visit.
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.String, reflect.Interface:
		return true
	case reflect.Struct:
		for i := range t.NumField() {
			if sf := t.Field(i); sf.IsExported() && holdsStringsSeen(sf.Type, seen) {
				return true
			}
		}
	case reflect.Array, reflect.Slice, reflect.Pointer:
		return holdsStringsSeen(t.Elem(), seen)
	case reflect.Map:
		return holdsStringsSeen(t.Key(), seen) || holdsStringsSeen(t.Elem(), seen)
	}
	return false
}
