package kql

import (
	"sort"
	"strings"
)

// A prologueFunc is a KQL function a query defines with let before using
// it: the KQL forms of parse's normalizers and of the rule helpers that
// need more than one expression.
type prologueFunc struct {
	order int      // Definition order: a function follows those it calls.
	needs []string // Functions it calls.
	text  string   // let name = (...) { ... };
}

// normKey is parse's normKey in KQL: lower case without spaces, tabs,
// dashes, underscores and no-break spaces.
const normKey = `replace_regex(tolower(s), @"[ \t_\x{00A0}-]", "")`

var prologue = map[string]prologueFunc{
	"_ca_result": {order: 1, text: `// A Conditional Access result in Graph's spelling, as signinspect normalizes it.
let _ca_result = (s:string) {
    let k = ` + normKey + `;
    case(k == "success", "success", k == "failure", "failure", k == "notapplied", "notApplied",
        k in ("notenabled", "disabled"), "notEnabled", k == "reportonlysuccess", "reportOnlySuccess",
        k in ("reportonlyfailure", "reportonlyfail"), "reportOnlyFailure", k == "reportonlynotapplied", "reportOnlyNotApplied",
        k == "reportonlyinterrupted", "reportOnlyInterrupted", k == "unknown", "unknown",
        k == "unknownfuturevalue", "unknownFutureValue", trim(@"\s+", s))
};`},
	"_trust_type": {order: 2, text: `// A device join type in Microsoft Entra's wording, as signinspect normalizes it.
let _trust_type = (s:string) {
    let k = ` + normKey + `;
    case(isempty(k), "",
        k contains_cs "hybrid" or k in ("serverad", "domainjoined"), "Microsoft Entra hybrid joined",
        k contains_cs "registered" or k == "workplace", "Microsoft Entra registered",
        k contains_cs "joined" or k == "azuread", "Microsoft Entra joined", trim(@"\s+", s))
};`},
	"_auth_requirement": {order: 3, text: `// singleFactorAuthentication or multiFactorAuthentication, as signinspect normalizes them.
let _auth_requirement = (s:string) {
    let k = ` + normKey + `;
    case(isempty(k), "", k startswith_cs "single", "singleFactorAuthentication",
        k startswith_cs "multi", "multiFactorAuthentication", trim(@"\s+", s))
};`},
	"_token_type": {order: 4, text: `// A token type in Graph's camelCase spelling: a one-word value starts in lower case.
let _token_type = (s:string) {
    let t = trim(@"\s+", s);
    iff(t matches regex @"^[^ _-]+$", strcat(tolower(substring(t, 0, 1)), substring(t, 1)), t)
};`},
	"_array": {order: 5, text: `// A JSON array, or an empty one where the value is absent.
let _array = (v:dynamic) { iff(gettype(v) == "array", v, dynamic([])) };`},
	"_present_object": {order: 6, text: `// Whether a column holds a JSON object part: not empty, null or [].
let _present_object = (s:string) { let t = trim(@"\s+", s); isnotempty(t) and t != "null" and t != "[]" };`},
	"_present_array": {order: 7, text: `// Whether a column holds a JSON list: not empty or null ([] is an empty list).
let _present_array = (s:string) { let t = trim(@"\s+", s); isnotempty(t) and t != "null" };`},
	"_has_control": {order: 8, text: `// Whether a list of grant or session controls holds a control, compared as signinspect does:
// ignoring case, spaces, dashes, underscores and a "Require" prefix (name is already folded so).
let _has_control = (controls:dynamic, name:string) {
    let t = replace_regex(tolower(tostring(controls)), @"""\s*require([^""]*[^""\s])\s*""", @"""\1""");
    replace_regex(t, @"[\s_-]", "") contains strcat('"', name, '"')
};`},
	"_condition_in": {order: 9, text: `// Whether a policy's conditionsSatisfied (or conditionsNotSatisfied) lists a condition: the value
// is a bitmask (bit is the condition's flag) or a comma-separated flags string; fold ignores case.
let _condition_in = (v:dynamic, name:string, bit:long, fold:bool) {
    let m = tolong(v);
    iff(isnotnull(m), binary_and(m, bit) != 0,
        set_has_element(split(replace_regex(iff(fold, tolower(tostring(v)), tostring(v)), @"\s", ""), ","), iff(fold, tolower(name), name)))
};`},
	"_condition_any": {order: 10, text: `// Whether a policy's conditions value lists any condition.
let _condition_any = (v:dynamic) {
    let m = tolong(v);
    iff(isnotnull(m), m != 0,
        array_length(set_difference(split(replace_regex(tolower(tostring(v)), @"\s", ""), ","), dynamic(["", "none"]))) > 0)
};`},
	"_ip_version": {order: 11, text: `// 4 for an IPv4 address, 6 for an IPv6 one (IPv4-mapped included), 0 for anything else.
let _ip_version = (ip:string) {
    let a = trim(@"\s+", ip);
    case(a matches regex @"^[0-9]{1,3}(\.[0-9]{1,3}){3}$" and isnotnull(parse_ipv4(a)), 4,
        a contains ":" and a !contains "/" and isnotempty(parse_ipv6(a)), 6, 0)
};`},
	"_same_ip": {order: 12, needs: []string{"_ip_version"}, text: `// Whether two addresses are the same, whatever their spelling (zero compression, IPv4-mapped form).
let _same_ip = (a:string, b:string) {
    _ip_version(a) != 0 and _ip_version(b) != 0 and coalesce(ipv6_is_match(trim(@"\s+", a), trim(@"\s+", b)), false)
};`},
}

// prologueText returns the definitions of the functions in used, in
// definition order.
func prologueText(used map[string]bool) string {
	var names []string
	for name := range used {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return prologue[names[i]].order < prologue[names[j]].order })
	var b strings.Builder
	for _, name := range names {
		b.WriteString(prologue[name].text)
		b.WriteString("\n")
	}
	return b.String()
}
