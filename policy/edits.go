package policy

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/signinspect/signinspect/internal/suggest"
)

// EditKind is a kind of change to the exported configuration, as
// signinspect whatif's flags make them.
type EditKind uint8

// Kinds of edit.
const (
	// EditAddRange adds an IP range to an IP named location:
	// "LOCATION=CIDR".
	EditAddRange EditKind = iota
	// EditTrust marks a named location trusted: "LOCATION".
	EditTrust
	// EditExcludeApp excludes an application from a policy: "POLICY=APP".
	EditExcludeApp
	// EditExcludeUser excludes a user from a policy: "POLICY=USER".
	EditExcludeUser
	// EditState sets a policy's state: "POLICY=enabled|report-only|disabled".
	EditState
)

var editSyntax = [...]string{"LOCATION=CIDR", "LOCATION", "POLICY=APP", "POLICY=USER", "POLICY=disabled|report-only|enabled"}

// An Edit is one change to the exported configuration.
type Edit struct {
	Kind EditKind
	// Target names the named location or policy: its display name
	// (compared ignoring case) or ID.
	Target string
	// Range is the range of EditAddRange; Value the application, user or
	// state of the others.
	Range netip.Prefix
	Value string
}

// ParseEdit reads the value of an edit flag. Its error says what the value
// should look like; the caller names the flag.
func ParseEdit(kind EditKind, s string) (Edit, error) {
	e := Edit{Kind: kind}
	if kind == EditTrust {
		e.Target = strings.TrimSpace(s)
		if e.Target == "" {
			return e, fmt.Errorf("want %s, got an empty value", editSyntax[kind])
		}
		return e, nil
	}
	// Names may hold "=" only before the last one; values (a CIDR, an ID,
	// a state) never do.
	i := strings.LastIndexByte(s, '=')
	if i < 0 {
		return e, fmt.Errorf("%q: want %s", s, editSyntax[kind])
	}
	e.Target, e.Value = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	if e.Target == "" || e.Value == "" {
		return e, fmt.Errorf("%q: want %s", s, editSyntax[kind])
	}
	switch kind {
	case EditAddRange:
		p, err := ParsePrefix(e.Value)
		if err != nil {
			return e, fmt.Errorf("%q: %q is not an IP address or CIDR range (like 198.51.100.23/32 or 2001:db8::/48)", s, e.Value)
		}
		e.Range, e.Value = p, p.String()
	case EditExcludeApp:
		if !looksLikeID(e.Value) {
			id := AppID(e.Value)
			if id == "" {
				return e, fmt.Errorf("%q: %q is not an application ID, nor a name signinspect knows (like Azure DevOps)", s, e.Value)
			}
			e.Value = id
		}
	case EditExcludeUser:
		if !looksLikeID(e.Value) && !strings.Contains(e.Value, "@") {
			return e, fmt.Errorf("%q: %q is not a user's object ID or UPN", s, e.Value)
		}
	case EditState:
		switch strings.ToLower(strings.ReplaceAll(e.Value, "_", "-")) {
		case "enabled", "on":
			e.Value = string(StateEnabled)
		case "disabled", "off":
			e.Value = string(StateDisabled)
		case "report-only", "reportonly", "enabledforreportingbutnotenforced":
			e.Value = string(StateReportOnly)
		default:
			return e, fmt.Errorf("%q: want a state of enabled, report-only or disabled, got %q", s, e.Value)
		}
	}
	return e, nil
}

// looksLikeID reports whether s is a GUID.
func looksLikeID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// String describes the edit for reports.
func (e Edit) String() string {
	switch e.Kind {
	case EditAddRange:
		return fmt.Sprintf("add %s to named location %s", e.Range, e.Target)
	case EditTrust:
		return fmt.Sprintf("mark named location %s trusted", e.Target)
	case EditExcludeApp:
		return fmt.Sprintf("exclude application %s from policy %s", appLabel(e.Value), e.Target)
	case EditExcludeUser:
		return fmt.Sprintf("exclude user %s from policy %s", e.Value, e.Target)
	case EditState:
		return fmt.Sprintf("set policy %s to %s", e.Target, stateWord(State(e.Value)))
	}
	return "?"
}

// stateWord writes a state as people say it.
func stateWord(s State) string {
	switch s {
	case StateReportOnly:
		return "report-only"
	case "":
		return "unknown"
	}
	return string(s)
}

// An EditError is an edit that names a policy or named location the
// configuration does not hold; Close lists the names that come nearest.
type EditError struct {
	Edit  Edit
	What  string // "policy" or "named location".
	Close []string
}

func (e *EditError) Error() string {
	msg := fmt.Sprintf("no %s %q", e.What, e.Edit.Target)
	if len(e.Close) > 0 {
		msg += "; did you mean " + quoteList(e.Close) + "?"
	}
	return msg
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// Apply returns the configuration with the edit made. The configuration
// given is not modified: what the edit changes is copied.
func (cfg Config) Apply(e Edit) (Config, error) {
	out := cfg
	switch e.Kind {
	case EditAddRange, EditTrust:
		i, err := findLocation(cfg.NamedLocations, e)
		if err != nil {
			return cfg, err
		}
		locs := append([]NamedLocation(nil), cfg.NamedLocations...)
		l := &locs[i]
		if e.Kind == EditTrust {
			if l.Kind != LocationIP {
				return cfg, fmt.Errorf("named location %q is a %s location; only IP locations can be trusted", l.Name, l.Kind)
			}
			l.Trusted = true
		} else {
			if l.Kind != LocationIP {
				return cfg, fmt.Errorf("named location %q is a %s location; a range can only be added to an IP location", l.Name, l.Kind)
			}
			l.Ranges = append(append([]netip.Prefix(nil), l.Ranges...), e.Range)
		}
		out.NamedLocations = locs
	default:
		i, err := findPolicy(cfg.Policies, e)
		if err != nil {
			return cfg, err
		}
		pols := append([]Policy(nil), cfg.Policies...)
		p := &pols[i]
		switch e.Kind {
		case EditExcludeApp:
			p.Applications.Exclude = append(append([]string(nil), p.Applications.Exclude...), e.Value)
		case EditExcludeUser:
			u := UserCondition{}
			if p.Users != nil {
				u = *p.Users
			}
			u.ExcludeUsers = append(append([]string(nil), u.ExcludeUsers...), e.Value)
			p.Users = &u
		case EditState:
			p.State = State(e.Value)
		}
		out.Policies = pols
	}
	return out, nil
}

func findLocation(locs []NamedLocation, e Edit) (int, error) {
	names := make([]string, 0, len(locs))
	for i, l := range locs {
		if strings.EqualFold(l.Name, e.Target) || l.ID != "" && strings.EqualFold(l.ID, e.Target) {
			return i, nil
		}
		if l.Name != "" {
			names = append(names, l.Name)
		}
	}
	return -1, &EditError{Edit: e, What: "named location", Close: suggest.Near(e.Target, names, 3)}
}

func findPolicy(pols []Policy, e Edit) (int, error) {
	names := make([]string, 0, len(pols))
	for i, p := range pols {
		if strings.EqualFold(p.Name, e.Target) || p.ID != "" && strings.EqualFold(p.ID, e.Target) {
			return i, nil
		}
		if p.Name != "" {
			names = append(names, p.Name)
		}
	}
	// A policy is often named by the number its name starts with: "CA001".
	var prefixed []int
	for i, p := range pols {
		if len(e.Target) >= 3 && strings.HasPrefix(strings.ToLower(p.Name), strings.ToLower(e.Target)) {
			prefixed = append(prefixed, i)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0], nil
	}
	return -1, &EditError{Edit: e, What: "policy", Close: suggest.Near(e.Target, names, 3)}
}
