package policy

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// This file reads and evaluates the rule of a device filter
// (conditions.devices.deviceFilter.rule), written in the syntax of dynamic
// device groups: comparisons such as device.trustType -eq "ServerAD",
// joined by -and and -or, negated by -not, grouped with parentheses.

// maxFilterRule is the longest rule Entra accepts.
const maxFilterRule = 3072

// A filterExpr is a parsed rule: a comparison, or -and, -or, -not of rules.
type filterExpr struct {
	op          string // "and", "or", "not", or "" for a comparison.
	left, right *filterExpr
	// A comparison: device.attr -operator values.
	attr     string // Lower case, without "device.".
	operator string // Lower case, without "-".
	values   []string
	// positive is the operator without its negation ("ne" is "eq"
	// negated), negative whether it is negated.
	positive string
	negative bool
}

// filterOperators are the operators device filters support, lower case,
// and whether each is negative (true for a device without the attribute).
var filterOperators = map[string]bool{
	"eq": false, "ne": true, "startswith": false, "notstartswith": true, "endswith": false, "notendswith": true,
	"contains": false, "notcontains": true, "in": false, "notin": true,
}

// filterAttributes are the device attributes a filter may compare, lower
// case.
var filterAttributes = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range []string{"deviceId", "displayName", "deviceOwnership", "enrollmentProfileName", "isCompliant",
		"manufacturer", "mdmAppId", "model", "operatingSystem", "operatingSystemVersion", "physicalIds", "profileType",
		"systemLabels", "trustType"} {
		m[strings.ToLower(a)] = true
	}
	for i := 1; i <= 15; i++ {
		m[fmt.Sprintf("extensionattribute%d", i)] = true
	}
	return m
}()

// parseFilter parses a device filter rule.
func parseFilter(rule string) (*filterExpr, error) {
	if strings.TrimSpace(rule) == "" {
		return nil, errors.New("the device filter rule is empty")
	}
	if len(rule) > maxFilterRule {
		return nil, fmt.Errorf("the device filter rule is longer than %d characters", maxFilterRule)
	}
	p := &filterParser{src: rule}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if tok := p.next(); tok != "" {
		return nil, fmt.Errorf("device filter rule: unexpected %q at character %d", tok, p.pos-len(tok)+1)
	}
	return e, nil
}

// filterParser is a recursive-descent parser over the rule's tokens.
type filterParser struct {
	src    string
	pos    int
	peeked string
	hasTok bool
	depth  int
}

// next returns the next token: "(", ")", "[", "]", ",", a quoted string
// (with its quotes), an -operator, or a bare word.
func (p *filterParser) next() string {
	if p.hasTok {
		p.hasTok = false
		return p.peeked
	}
	for p.pos < len(p.src) && unicode.IsSpace(rune(p.src[p.pos])) {
		p.pos++
	}
	if p.pos >= len(p.src) {
		return ""
	}
	start := p.pos
	switch c := p.src[p.pos]; c {
	case '(', ')', '[', ']', ',':
		p.pos++
	case '"', '\'':
		p.pos++
		for p.pos < len(p.src) && p.src[p.pos] != c {
			p.pos++
		}
		if p.pos < len(p.src) {
			p.pos++
		}
	default:
		for p.pos < len(p.src) && !unicode.IsSpace(rune(p.src[p.pos])) && !strings.ContainsRune("()[],\"'", rune(p.src[p.pos])) {
			p.pos++
		}
	}
	return p.src[start:p.pos]
}

func (p *filterParser) peek() string {
	if !p.hasTok {
		p.peeked, p.hasTok = p.next(), true
	}
	return p.peeked
}

func (p *filterParser) or() (*filterExpr, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "-or") {
		p.next()
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		left = &filterExpr{op: "or", left: left, right: right}
	}
	return left, nil
}

func (p *filterParser) and() (*filterExpr, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "-and") {
		p.next()
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		left = &filterExpr{op: "and", left: left, right: right}
	}
	return left, nil
}

func (p *filterParser) unary() (*filterExpr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 100 {
		return nil, errors.New("device filter rule: nested too deep")
	}
	switch tok := p.peek(); {
	case strings.EqualFold(tok, "-not"):
		p.next()
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &filterExpr{op: "not", left: e}, nil
	case tok == "(":
		p.next()
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, errors.New("device filter rule: a parenthesis is not closed")
		}
		return e, nil
	}
	return p.comparison()
}

func (p *filterParser) comparison() (*filterExpr, error) {
	attr := p.next()
	name, ok := strings.CutPrefix(strings.ToLower(attr), "device.")
	if !ok || !filterAttributes[name] {
		if attr == "" {
			return nil, errors.New("device filter rule: ends where a comparison should be")
		}
		return nil, fmt.Errorf("device filter rule: %q is not a device attribute (like device.trustType)", attr)
	}
	op := p.next()
	oper := strings.ToLower(strings.TrimPrefix(op, "-"))
	if _, ok := filterOperators[oper]; !ok || !strings.HasPrefix(op, "-") {
		return nil, fmt.Errorf("device filter rule: %q is not an operator of device filters (-eq, -ne, -startsWith, -contains, -in, ...)", op)
	}
	e := &filterExpr{attr: name, operator: oper, negative: filterOperators[oper], positive: oper}
	if e.negative {
		e.positive = map[string]string{"ne": "eq", "notstartswith": "startswith", "notendswith": "endswith",
			"notcontains": "contains", "notin": "in"}[oper]
	}
	if p.peek() == "[" {
		p.next()
		for {
			v := p.next()
			switch v {
			case "]":
				return e, nil
			case ",":
				continue
			case "", "(", ")", "[":
				return nil, errors.New("device filter rule: a list of values is not closed")
			}
			e.values = append(e.values, unquoteFilter(v))
		}
	}
	v := p.next()
	if v == "" || strings.ContainsAny(v, "()[],") {
		return nil, fmt.Errorf("device filter rule: %s %s needs a value", attr, op)
	}
	e.values = []string{unquoteFilter(v)}
	return e, nil
}

func unquoteFilter(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return strings.TrimLeft(v, "\"'")
}

// deviceAttr is what a sign-in says of one device attribute: its values,
// or null (an unregistered device has every attribute null), or unknown.
type deviceAttr struct {
	value string
	null  bool
	known bool
}

// eval evaluates the rule with attr answering for the device's attributes.
// A comparison of a null attribute is true for the negative operators and
// false for the positive ones, as Entra documents for unregistered devices;
// a comparison of an attribute the sign-in does not carry is unknown.
func (e *filterExpr) eval(f *facts) Tri {
	switch e.op {
	case "and":
		return e.left.eval(f).And(e.right.eval(f))
	case "or":
		return e.left.eval(f).Or(e.right.eval(f))
	case "not":
		return e.left.eval(f).Not()
	}
	a := f.deviceAttr(e.attr)
	negative, positive := e.negative, e.positive
	switch {
	case a.null:
		return triOf(negative)
	case !a.known:
		return Unknown
	}
	hit := false
	collection := e.attr == "physicalids" || e.attr == "systemlabels"
	have := a.value
	{
		for _, want := range e.values {
			switch positive {
			case "eq", "in":
				hit = hit || strings.EqualFold(have, want)
			case "startswith":
				hit = hit || len(have) >= len(want) && strings.EqualFold(have[:len(want)], want)
			case "endswith":
				hit = hit || len(have) >= len(want) && strings.EqualFold(have[len(have)-len(want):], want)
			case "contains":
				if collection {
					hit = hit || strings.EqualFold(have, want)
				} else {
					hit = hit || containsFold(have, want)
				}
			}
		}
	}
	return triOf(hit != negative)
}

// String writes a comparison as the rule does, for reasons.
func (e *filterExpr) String() string {
	switch e.op {
	case "and", "or":
		return "(" + e.left.String() + " -" + e.op + " " + e.right.String() + ")"
	case "not":
		return "-not " + e.left.String()
	}
	return fmt.Sprintf("device.%s -%s %q", e.attr, e.operator, strings.Join(e.values, ","))
}

// containsFold reports whether s holds sub, ignoring case.
func containsFold(s, sub string) bool {
	if len(sub) == 0 {
		return true
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	// Case folding can change byte lengths outside ASCII.
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
		}
	}
	return false
}

// lower returns s in lower case, without copying when it is already.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}
