package kql

import (
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

// environment is what the expressions of one query need from the rows,
// collected while they are translated: fields, Known tests, values
// computed per row over the list fields, and the helper functions of the
// query's prologue. It also holds the tenant's named locations and trusted
// ranges, which translations inline.
type environment struct {
	used  map[string]bool // Field paths.
	known map[string]bool // Known names.
	lists map[string]*listAggregates
	funcs map[string]bool
	loc   locations
}

// listAggregates are the values computed per row over one list field, by
// one mv-apply: column name → aggregation, in order of first use.
type listAggregates struct {
	names     []string
	aggs      map[string]string
	byAgg     map[string]string
	kinds     map[string]kind
	result    bool // The Policies element's result is used.
	anonymous int  // Aggregates named by number so far.
}

func newEnvironment(ctx *rules.Context) *environment {
	return &environment{
		used:  map[string]bool{},
		known: map[string]bool{},
		lists: map[string]*listAggregates{},
		funcs: map[string]bool{},
		loc:   newLocations(ctx),
	}
}

func (e *environment) useField(f *field) { e.used[f.path] = true }

func (e *environment) useFieldPath(p string) string {
	f := fieldByPath[p]
	e.useField(f)
	return f.column()
}

// use marks a helper function of the prologue as needed, with those it
// calls.
func (e *environment) use(fn string) string {
	e.funcs[fn] = true
	for _, dep := range prologue[fn].needs {
		e.use(dep)
	}
	return fn
}

// aggregate returns the column holding agg computed over list for each row,
// registering it; hint names the column ("" for a numbered one).
func (e *environment) aggregate(list, hint, agg string, k kind) value {
	e.useFieldPath(list)
	la := e.lists[list]
	if la == nil {
		la = &listAggregates{aggs: map[string]string{}, byAgg: map[string]string{}, kinds: map[string]kind{}}
		e.lists[list] = la
	}
	if name, ok := la.byAgg[agg]; ok {
		return atom(name, la.kinds[name])
	}
	name := hint
	if name == "" {
		la.anonymous++
		name = fmt.Sprintf("_%s_%d", list, la.anonymous)
	}
	la.names = append(la.names, name)
	la.aggs[name] = agg
	la.byAgg[agg] = name
	la.kinds[name] = k
	return atom(name, k)
}

// element returns the value of field ef of the current element of list in
// an mv-apply.
func (e *environment) element(list string, ef elementField) value {
	v := listVars[list]
	ref := v + "." + ef.member
	switch {
	case ef.expr != nil:
		return atom(ef.expr(v), kindString)
	case list == "Policies" && ef.name == "Result":
		e.policyResult()
		return atom("_result", kindString)
	}
	switch ef.kind {
	case kindStrings:
		return atom(ref, kindStrings)
	case kindConditions:
		return atom(ref, kindConditions)
	case kindTime:
		return atom("todatetime("+ref+")", kindTime)
	case kindMaybe:
		return atom("tobool("+ref+")", kindMaybe)
	}
	return atom("tostring("+ref+")", kindString)
}

// policyResult notes that the Policies mv-apply computes each policy's
// normalized result as _result.
func (e *environment) policyResult() {
	e.useFieldPath("Policies")
	e.use("_ca_result")
	if e.lists["Policies"] == nil {
		e.lists["Policies"] = &listAggregates{aggs: map[string]string{}, byAgg: map[string]string{}, kinds: map[string]kind{}}
	}
	e.lists["Policies"].result = true
}

// resultMatch is the test that the current policy's result is result, as
// the policy helpers compare it: case-insensitively, "" for any.
func (e *environment) resultMatch(result string) string {
	if result == "" {
		return "true"
	}
	e.policyResult()
	return "_result =~ " + quote(result)
}

// conditionTest tests that the conditions value ref (a member of the
// current policy) lists condition; fold compares the name
// case-insensitively, as HasPolicyCondition does; `in` does not.
func (e *environment) conditionTest(ref, condition string, fold bool) value {
	if strings.EqualFold(condition, "none") {
		// Neither form ever lists "none": it is the empty set.
		return constBool(false)
	}
	bit := int64(0)
	for i, name := range parse.ConditionFlags(1<<15 - 1) {
		if name == condition || fold && strings.EqualFold(name, condition) {
			bit = 1 << i
		}
	}
	return atom(e.use("_condition_in")+"("+ref+", "+quote(condition)+", "+strconv.FormatInt(bit, 10)+", "+strconv.FormatBool(fold)+")", kindBool)
}

// call translates a call of one of the environment's helpers.
func (tr *translator) call(n *ast.CallNode, sc scope) (value, error) {
	callee, ok := n.Callee.(*ast.IdentifierNode)
	if ok && rules.IsBoundedBuiltin(callee.Value) {
		// join and replace, bounded in the rule language, mean what the
		// builtins do: translated as them.
		b := &ast.BuiltinNode{Name: callee.Value, Arguments: n.Arguments}
		b.SetType(n.Type())
		b.SetLocation(n.Location())
		return tr.builtin(b, sc)
	}
	if !ok {
		if m, ok := n.Callee.(*ast.MemberNode); ok {
			return value{}, tr.fail(n, "the method "+m.String()+"()")
		}
		return value{}, tr.fail(n, "this call")
	}
	e := tr.env
	args := make([]value, len(n.Arguments))
	for i, a := range n.Arguments {
		v, err := tr.expr(a, sc)
		if err != nil {
			return value{}, err
		}
		args[i] = v
	}
	constant := func(i int, what string) (string, error) {
		if i < len(args) && args[i].isConst && args[i].kind == kindString {
			return args[i].str, nil
		}
		return "", tr.fail(n, callee.Value+" with a "+what+" that is not a constant string")
	}
	inPolicy := func(fn string) error {
		if sc.list != "" {
			return tr.fail(n, fn+" inside a predicate")
		}
		return nil
	}
	switch callee.Value {
	// The policy helpers evaluate the exports of --policies, which a
	// workspace does not hold: in KQL they answer as they do without
	// policies ("", an empty list, false), so a rule's other branch runs.
	case "HasPolicies", "BlockDecidedBy":
		return constBool(false), nil
	case "PolicyVerdict", "EvaluatedResult", "ConditionMatch":
		return value{text: `""`, kind: kindString, isConst: true}, nil
	case "EvaluatedPolicies":
		return atom("dynamic([])", kindStrings), nil
	case "Known":
		name, err := constant(0, "field name")
		if err != nil {
			return value{}, err
		}
		canonical, ok := knownName(name)
		if !ok {
			return value{}, tr.fail(n, "Known("+quote(name)+")")
		}
		e.known[canonical] = true
		return atom(knownColumn(canonical), kindBool), nil
	case "Failed":
		return value{text: e.useFieldPath("Status.Code") + " != 0", kind: kindBool, op: "!="}, nil
	case "IsAzureDevOps":
		app, res := e.useFieldPath("App.ID"), e.useFieldPath("Resource.ID")
		appName, resName := e.useFieldPath("App.Name"), e.useFieldPath("Resource.Name")
		id, name := quote(parse.AzureDevOpsAppID), quote("Azure DevOps")
		return value{text: app + " =~ " + id + " or " + res + " =~ " + id + " or " + appName + " =~ " + name + " or " + resName + " =~ " + name,
			kind: kindBool, op: "or"}, nil
	case "HasPolicyControl":
		if err := inPolicy(callee.Value); err != nil {
			return value{}, err
		}
		result, err := constant(0, "result")
		if err != nil {
			return value{}, err
		}
		control, err := constant(1, "control")
		if err != nil {
			return value{}, err
		}
		norm := normalizeControl(control)
		fn := e.use("_has_control")
		agg := "countif(" + e.resultMatch(result) + " and (" + fn + "(_p.enforcedGrantControls, " + quote(norm) + ") or " +
			fn + "(_p.enforcedSessionControls, " + quote(norm) + "))) > 0"
		return e.aggregate("Policies", aggName("HasPolicyControl", result, control), agg, kindBool), nil
	case "HasPolicyCondition":
		if err := inPolicy(callee.Value); err != nil {
			return value{}, err
		}
		result, err := constant(0, "result")
		if err != nil {
			return value{}, err
		}
		condition, err := constant(1, "condition")
		if err != nil {
			return value{}, err
		}
		test := atom(e.use("_condition_any")+"(_p.conditionsSatisfied)", kindBool)
		if condition != "" {
			test = e.conditionTest("_p.conditionsSatisfied", condition, true)
		}
		agg := "countif(" + e.resultMatch(result) + " and " + test.text + ") > 0"
		return e.aggregate("Policies", aggName("HasPolicyCondition", result, condition), agg, kindBool), nil
	case "PolicyNames":
		if err := inPolicy(callee.Value); err != nil {
			return value{}, err
		}
		result, err := constant(0, "result")
		if err != nil {
			return value{}, err
		}
		return e.policyNames(result), nil
	case "InCIDR":
		cidr, err := constant(1, "range")
		if err != nil {
			return value{}, err
		}
		p, err := policy.ParsePrefix(cidr)
		if err != nil {
			return value{}, tr.fail(n, "InCIDR with the range "+quote(cidr))
		}
		return rangeTest(args[0], []netip.Prefix{p}), nil
	case "IPVersion":
		return atom(e.use("_ip_version")+"("+args[0].text+")", kindInt), nil
	case "SameIP":
		return atom(e.use("_same_ip")+"("+args[0].text+", "+args[1].text+")", kindBool), nil
	case "Trusted":
		return rangeTest(args[0], e.loc.trustedPrefixes()), nil
	case "TrustedLocation":
		return firstOf(args[0], e.loc.trusted), nil
	case "NamedLocation":
		return firstOf(args[0], e.loc.named), nil
	case "NamedLocations":
		return allOf(args[0], e.loc.named), nil
	case "InNamedLocation":
		name, err := constant(1, "location name")
		if err != nil {
			return value{}, err
		}
		var ps []netip.Prefix
		for _, g := range e.loc.named {
			if strings.EqualFold(g.name, name) || g.id != "" && strings.EqualFold(g.id, name) {
				ps = append(ps, g.prefixes...)
			}
		}
		return rangeTest(args[0], ps), nil
	case "CountryLocations":
		return e.loc.countries(args[0]), nil
	case "HasNamedLocations":
		return constBool(e.loc.count > 0), nil
	case "HasTrustedRanges":
		if len(args) == 1 && args[0].isConst && args[0].kind == kindInt {
			v, _ := strconv.Atoi(args[0].text)
			return constBool(e.loc.hasTrusted(v)), nil
		}
		return value{}, tr.fail(n, "HasTrustedRanges with a version that is not a constant")
	case "EqualFold":
		return binary(args[0], "=~", args[1], kindBool), nil
	case "ContainsFold":
		if args[1].isConst && args[1].str == "" {
			return constBool(true), nil
		}
		return binary(args[0], "contains", args[1], kindBool), nil
	case "CodeName":
		return atom("tostring("+codeNames()+"[tostring("+args[0].text+")])", kindString), nil
	case "IsCACode":
		c := args[0].operand("between")
		return value{text: c + " between (53000 .. 53004) or " + c + " in (53010, 53011, 50005, 50131, 70043, 70044) or " + c + " between (530000 .. 530099)",
			kind: kindBool, op: "or"}, nil
	}
	return value{}, tr.fail(n, "the function "+callee.Value+"()")
}

// policyNames returns the list of the names (IDs for unnamed policies) of
// the row's policies whose result is result ("" for all).
func (e *environment) policyNames(result string) value {
	name := "iff(isnotempty(tostring(_p.displayName)), tostring(_p.displayName), tostring(_p.id))"
	agg := "make_list(" + name + ")"
	if result != "" {
		agg = "make_list_if(" + name + ", " + e.resultMatch(result) + ")"
	}
	return e.aggregate("Policies", aggName("PolicyNames", result), agg, kindStrings)
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9]+`)

// aggName names the column of a helper's per-row value:
// HasPolicyControl("failure", "Block") is _HasPolicyControl_failure_Block.
func aggName(fn string, args ...string) string {
	name := "_" + fn
	for _, a := range args {
		if a == "" {
			a = "any"
		}
		name += "_" + strings.Trim(nonIdent.ReplaceAllString(a, "_"), "_")
	}
	return name
}

// normalizeControl folds a control name as the policy helpers compare it:
// lower case, without spaces, dashes and underscores, and without a
// "Require" prefix.
func normalizeControl(c string) string {
	c = strings.TrimSpace(c)
	if len(c) > len("require") && strings.EqualFold(c[:len("require")], "require") {
		c = c[len("require"):]
	}
	c = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' {
			return -1
		}
		return r
	}, c)
	return strings.ToLower(c)
}

// knownName returns the field name Known accepts for name, which compares
// case-insensitively.
func knownName(name string) (string, bool) {
	f, ok := parse.FieldByName(name)
	if !ok {
		for _, g := range parse.Fields() {
			if strings.EqualFold(g.String(), name) {
				return g.String(), true
			}
		}
		return "", false
	}
	return f.String(), true
}

// knownColumn names the normalized column of Known(name).
func knownColumn(name string) string { return "Known_" + strings.ReplaceAll(name, ".", "_") }

// codeNames is a dynamic bag from sign-in error codes to their names, for
// CodeName.
func codeNames() string {
	var pairs []string
	for _, c := range rules.Codes() {
		if c.Name == "" {
			continue
		}
		if _, err := strconv.Atoi(c.Code); err != nil {
			continue
		}
		pairs = append(pairs, quote(c.Code)+": "+quote(c.Name))
	}
	return "dynamic({" + strings.Join(pairs, ", ") + "})"
}

// locations are the tenant's named locations and trusted ranges, grouped
// for inlining.
type locations struct {
	// trusted are the trusted ranges by location, in lookup order: trusted
	// named locations, then each --trusted-ip range.
	trusted []rangeGroup
	// named are the IP named locations, trusted or not.
	named []rangeGroup
	// countryLocs are the country named locations.
	countryLocs []policy.NamedLocation
	count       int
	trusted4    bool
	trusted6    bool
}

type rangeGroup struct {
	name     string
	id       string
	prefixes []netip.Prefix
}

func newLocations(ctx *rules.Context) locations {
	var l locations
	if ctx == nil {
		return l
	}
	l.count = len(ctx.NamedLocations)
	note := func(p netip.Prefix) {
		if p.Addr().Is4() {
			l.trusted4 = true
		} else {
			l.trusted6 = true
		}
	}
	for _, loc := range ctx.NamedLocations {
		name := loc.Name
		if name == "" {
			name = loc.ID
		}
		if loc.Kind == policy.LocationCountry {
			l.countryLocs = append(l.countryLocs, loc)
		}
		if len(loc.Ranges) == 0 {
			continue
		}
		g := rangeGroup{name: name, id: loc.ID, prefixes: loc.Ranges}
		l.named = append(l.named, g)
		if loc.Trusted {
			l.trusted = append(l.trusted, g)
			for _, p := range loc.Ranges {
				note(p)
			}
		}
	}
	for _, p := range ctx.TrustedIPs {
		l.trusted = append(l.trusted, rangeGroup{name: "--trusted-ip " + p.String(), prefixes: []netip.Prefix{p}})
		note(p)
	}
	return l
}

func (l *locations) trustedPrefixes() []netip.Prefix {
	var ps []netip.Prefix
	for _, g := range l.trusted {
		ps = append(ps, g.prefixes...)
	}
	return ps
}

func (l *locations) hasTrusted(version int) bool {
	switch version {
	case 4:
		return l.trusted4
	case 6:
		return l.trusted6
	case 0:
		return l.trusted4 || l.trusted6
	}
	return false
}

// countries translates CountryLocations(country).
func (l *locations) countries(country value) value {
	if len(l.countryLocs) == 0 {
		return atom("dynamic([])", kindStrings)
	}
	c := "trim(@\"\\s+\", " + country.text + ")"
	var parts []string
	for _, loc := range l.countryLocs {
		name := loc.Name
		if name == "" {
			name = loc.ID
		}
		var terms []string
		if loc.IncludeUnknownCountries {
			terms = append(terms, "isempty("+c+")")
		}
		if len(loc.Countries) > 0 {
			terms = append(terms, "(isnotempty("+c+") and "+c+" in~ "+quoteList(loc.Countries)+")")
		}
		if len(terms) == 0 {
			continue
		}
		parts = append(parts, "iff("+strings.Join(terms, " or ")+", "+dynamicStrings([]string{name})+", dynamic([]))")
	}
	return arrayConcat(parts)
}

func arrayConcat(parts []string) value {
	switch len(parts) {
	case 0:
		return atom("dynamic([])", kindStrings)
	case 1:
		return atom(parts[0], kindStrings)
	}
	return atom("array_concat("+strings.Join(parts, ", ")+")", kindStrings)
}

// firstOf returns the name of the first group whose ranges hold ip, or "".
func firstOf(ip value, groups []rangeGroup) value {
	if len(groups) == 0 {
		return atom(`""`, kindString)
	}
	var args []string
	for _, g := range groups {
		args = append(args, rangeTest(ip, g.prefixes).text, quote(g.name))
	}
	return atom("case("+strings.Join(args, ", ")+", \"\")", kindString)
}

// allOf returns the names of the groups whose ranges hold ip, each once, in
// order.
func allOf(ip value, groups []rangeGroup) value {
	var order []string
	byName := map[string][]netip.Prefix{}
	for _, g := range groups {
		if _, ok := byName[g.name]; !ok {
			order = append(order, g.name)
		}
		byName[g.name] = append(byName[g.name], g.prefixes...)
	}
	var parts []string
	for _, name := range order {
		parts = append(parts, "iff("+rangeTest(ip, byName[name]).text+", "+dynamicStrings([]string{name})+", dynamic([]))")
	}
	return arrayConcat(parts)
}

// rangeTest tests that ip lies in one of prefixes, as policy.Locations
// does: IPv4-mapped addresses and ranges count as IPv4. IPv4 addresses are
// tested against the IPv4 ranges with ipv4_is_in_any_range; IPv6 ones (an
// IPv4-mapped address included) with ipv6_is_in_any_range against the IPv6
// ranges and the IPv4 ranges written as IPv4-mapped IPv6 ranges. Either
// function gives null for an address of the other family, or for a value
// that is no address, which counts as false.
func rangeTest(ip value, prefixes []netip.Prefix) value {
	var v4, v6 []string
	seen := map[netip.Prefix]bool{}
	for _, p := range prefixes {
		p = policy.NormalizePrefix(p)
		if seen[p] {
			continue
		}
		seen[p] = true
		if p.Addr().Is4() {
			v4 = append(v4, p.String())
			v6 = append(v6, mapped(p))
		} else {
			v6 = append(v6, p.String())
		}
	}
	sort.SliceStable(v6, func(i, j int) bool {
		return !strings.HasPrefix(v6[i], "0:0:0:0:0:ffff:") && strings.HasPrefix(v6[j], "0:0:0:0:0:ffff:")
	})
	var terms []string
	if len(v4) > 0 {
		terms = append(terms, "coalesce(ipv4_is_in_any_range("+ip.text+", "+dynamicStrings(v4)+"), false)")
	}
	if len(v6) > 0 {
		terms = append(terms, "coalesce(ipv6_is_in_any_range("+ip.text+", "+dynamicStrings(v6)+"), false)")
	}
	switch len(terms) {
	case 0:
		return constBool(false)
	case 1:
		return atom(terms[0], kindBool)
	}
	return value{text: strings.Join(terms, " or "), kind: kindBool, op: "or"}
}

// mapped writes an IPv4 range as the IPv4-mapped IPv6 range, in plain hex
// groups: 203.0.113.0/24 is 0:0:0:0:0:ffff:cb00:7100/120.
func mapped(p netip.Prefix) string {
	b := p.Addr().As16()
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = strconv.FormatUint(uint64(b[2*i])<<8|uint64(b[2*i+1]), 16)
	}
	return strings.Join(groups, ":") + "/" + strconv.Itoa(p.Bits()+96)
}
