package analyze

import (
	"bytes"
)

// The prefilter drops records that the user or app filter would drop,
// from their raw bytes, before they are decoded. It is sound by this
// argument: the matcher keeps a record only when one of its user (or app)
// fields equals a filter value ignoring case, and every field is a string
// of the record (a JSON string without escapes is its raw bytes; a CSV cell
// is its raw bytes but for doubled quotes). So a record whose raw bytes do
// not hold any filter value, modulo ASCII case, fails that filter. Three
// things could break the argument, and each is kept out:
//
//   - escapes: a JSON record holding a backslash may spell any character
//     as \u0040 and the like, so it is always decoded;
//   - case folding beyond ASCII: strings.EqualFold equates K (the Kelvin
//     sign) with k and ſ (long s) with s, and other non-ASCII letters fold
//     to other bytes, so a needle is the longest part of the value made of
//     ASCII bytes other than k and s (and other than quotes, backslashes
//     and control bytes, which the formats escape);
//   - a value with no such part of at least minNeedle bytes cannot be
//     looked for, and the prefilter is off.
//
// The user test comes first, as in matcher.keep: a record without a user
// needle is dropped at the user stage. The app test is done only when no
// user is asked for (a user needle in the bytes does not prove that the
// user test passes): a record without an app needle is then dropped at the
// app stage. A dropped record
// must also be one the input's parse.Screener vouches for, so that the
// notes and warnings of its input come out as if it had been decoded.
// What a dropped record cannot tell is whether it was malformed: it is
// counted as read, never as skipped (Options.DecodeAll and --strict decode
// every record).

// minNeedle is the shortest needle worth searching for.
const minNeedle = 3

// prefilter holds the needles of one run.
type prefilter struct {
	users []*needle // Any of them is a hit; nil: no user test.
	apps  []*needle // Any of them is a hit; nil: no app test.
}

// newPrefilter returns the prefilter of f, or nil when it would drop
// nothing: no user or app filter, or a value it cannot look for. byApp
// allows dropping records at the app stage.
func newPrefilter(f Filter, byApp bool) *prefilter {
	m := newMatcher(f)
	p := &prefilter{}
	for _, u := range m.users {
		n := needleOf(u)
		if n == nil {
			return nil // The user test cannot be done, so neither can the app test after it.
		}
		p.users = append(p.users, n)
	}
	if byApp && p.users == nil {
		for _, a := range m.apps {
			n := needleOf(a)
			if n == nil {
				p.apps = nil
				break
			}
			p.apps = append(p.apps, n)
		}
	}
	if p.users == nil && p.apps == nil {
		return nil
	}
	return p
}

// needleOf returns the needle for a filter value (trimmed, lower case):
// its longest part that the raw bytes must hold, or nil.
func needleOf(v string) *needle {
	best, start := "", 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && searchable(v[i]) {
			continue
		}
		if i-start > len(best) {
			best = v[start:i]
		}
		start = i + 1
	}
	if len(best) < minNeedle {
		return nil
	}
	return newNeedle(best)
}

// searchable reports whether a byte of a filter value appears as itself
// (modulo ASCII case) in the raw bytes of every record whose field equals
// the value under strings.EqualFold.
func searchable(c byte) bool {
	switch {
	case c < 0x20 || c >= 0x80:
		return false
	case c == 'k' || c == 'K' || c == 's' || c == 'S':
		return false
	case c == '"' || c == '\\':
		return false
	}
	return true
}

// drops returns the stage at which the filter would drop the record whose
// raw bytes are data, or stageKept when the bytes cannot tell. escapes
// says the format escapes characters with a backslash (JSON).
func (p *prefilter) drops(data []byte, escapes bool) stage {
	if escapes && bytes.IndexByte(data, '\\') >= 0 {
		return stageKept
	}
	if p.users != nil {
		// A user needle in the bytes does not prove the user test passes
		// (the needle may be part of another value), so the app test can
		// only be done without a user filter.
		if !anyNeedle(data, p.users) {
			return stageUser
		}
		return stageKept
	}
	if p.apps != nil && !anyNeedle(data, p.apps) {
		return stageApp
	}
	return stageKept
}

func anyNeedle(data []byte, needles []*needle) bool {
	for _, n := range needles {
		if n.Index(data) >= 0 {
			return true
		}
	}
	return false
}
