package kql

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr/file"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/rules"
)

// Options say what a query is about: the filter (as analyze takes it) and
// what the rules know of the tenant.
type Options struct {
	Filter  analyze.Filter
	Context *rules.Context
	// Version is signinspect's version, written in the query's header.
	Version string
}

// topN is how many IPs, users and policies the summary lists per rule,
// most frequent first.
const topN = 5

// ingestionSlack widens the TimeGenerated bounds around the sign-in time
// bounds: TimeGenerated is when a row reached the workspace, after the
// sign-in itself (CreatedDateTime). Bounding TimeGenerated lets the engine
// skip the data outside the window; the sign-in time is then filtered
// exactly.
const ingestionSlack = 24 * time.Hour

// A translatedRule is a rule's condition and fix in KQL.
type translatedRule struct {
	rule *rules.Compiled
	when value
	fix  value
}

// translateRules translates the conditions and fixes of rs in env. Every
// rule whose condition has no KQL form is an error, joined; a fix
// placeholder with no KQL form is kept as written in the fix text.
func translateRules(rs []*rules.Compiled, env *environment) ([]translatedRule, error) {
	var out []translatedRule
	var errs []error
	for _, c := range rs {
		t, err := translateRule(c, env)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, t)
	}
	return out, errors.Join(errs...)
}

func translateRule(c *rules.Compiled, env *environment) (translatedRule, error) {
	when, err := translateSource(c.When, env)
	if err != nil {
		return translatedRule{}, positioned(&c.Rule, "when", 0, err)
	}
	if when.kind != kindBool {
		return translatedRule{}, positioned(&c.Rule, "when", 0, &UntranslatableError{Construct: "a condition that may be unknown", Line: 1, Column: 1})
	}
	return translatedRule{rule: c, when: when, fix: translateFix(c, env)}, nil
}

// translateSource translates one expression of the rule language.
func translateSource(src string, env *environment) (value, error) {
	tree, err := rules.CheckedTree(src)
	if err != nil {
		return value{}, err
	}
	tr := &translator{env: env, src: src}
	return tr.expr(tree, scope{})
}

// positioned turns a translation error into a rule error on its file line.
func positioned(r *rules.Rule, key string, offset int, err error) error {
	var ue *UntranslatableError
	if errors.As(err, &ue) {
		return r.ExprError(key, offset, &file.Error{Line: ue.Line, Column: ue.Column - 1, Message: ue.Error()})
	}
	return r.ExprError(key, offset, err)
}

// translateFix translates a rule's fix into a KQL string expression. A
// placeholder without a KQL form is written as the rule has it, {{ ... }},
// so that the fix still reads, and says what to look at.
func translateFix(c *rules.Compiled, env *environment) value {
	var args []string
	for _, p := range c.FixParts() {
		if p.Expr == "" {
			args = append(args, quote(p.Text))
			continue
		}
		// A placeholder that cannot be translated must not leave anything
		// it registered: translate it in a scratch environment first.
		scratch := env.clone()
		v, err := translateSource(p.Expr, scratch)
		if err != nil {
			args = append(args, quote("{{ "+p.Expr+" }}"))
			continue
		}
		text, ok := asText(v)
		if !ok {
			args = append(args, quote("{{ "+p.Expr+" }}"))
			continue
		}
		*env = *scratch
		args = append(args, text)
	}
	// Merge adjacent literals.
	var merged []string
	for _, a := range args {
		if n := len(merged); n > 0 && isLiteral(a) && isLiteral(merged[n-1]) {
			merged[n-1] = merged[n-1][:len(merged[n-1])-1] + a[1:]
			continue
		}
		merged = append(merged, a)
	}
	switch len(merged) {
	case 0:
		return atom(`""`, kindString)
	case 1:
		if isLiteral(merged[0]) {
			return atom(merged[0], kindString)
		}
	}
	return atom("strcat("+strings.Join(merged, ", ")+")", kindString)
}

func isLiteral(s string) bool {
	return len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' && balancedLiteral(s)
}

// balancedLiteral reports whether s is a single string literal.
func balancedLiteral(s string) bool {
	parts := scanKQL(s)
	return len(parts) == 1
}

// asText writes a placeholder's value as text, as the fix renderer does.
func asText(v value) (string, bool) {
	switch v.kind {
	case kindString:
		return v.text, true
	case kindInt, kindFloat, kindBool:
		return "tostring(" + v.text + ")", true
	case kindMaybe:
		return "iff(isnull(" + v.text + "), \"\", tostring(" + v.text + "))", true
	case kindStrings:
		return "strcat_array(" + v.text + ", \", \")", true
	}
	return "", false
}

// clone copies the environment, for translating something that may fail.
func (e *environment) clone() *environment {
	c := &environment{used: map[string]bool{}, known: map[string]bool{}, lists: map[string]*listAggregates{}, funcs: map[string]bool{}, loc: e.loc}
	for k, v := range e.used {
		c.used[k] = v
	}
	for k, v := range e.known {
		c.known[k] = v
	}
	for k, v := range e.funcs {
		c.funcs[k] = v
	}
	for k, la := range e.lists {
		n := &listAggregates{names: append([]string(nil), la.names...), aggs: map[string]string{}, byAgg: map[string]string{}, kinds: map[string]kind{}, result: la.result, anonymous: la.anonymous}
		for a, b := range la.aggs {
			n.aggs[a] = b
		}
		for a, b := range la.byAgg {
			n.byAgg[a] = b
		}
		for a, b := range la.kinds {
			n.kinds[a] = b
		}
		c.lists[k] = n
	}
	return c
}

// query builds the text of one query.
type query struct {
	env    *environment
	opts   Options
	tables []*Table
	where  *value
	rules  []translatedRule
	// passthrough are source columns kept as they are (the conformance
	// script's Case).
	passthrough []string
}

// newQuery translates the filter and the rules.
func newQuery(rs []*rules.Compiled, opts Options) (*query, error) {
	q := &query{env: newEnvironment(opts.Context), opts: opts, tables: TablesFor(opts.Filter.Flow)}
	// What every query shows of a sign-in.
	for _, p := range []string{"Time", "Status.Code", "IP", "User.UPN", "User.Name", "User.ID", "ServicePrincipal.Name", "ServicePrincipal.ID"} {
		q.env.useFieldPath(p)
	}
	q.env.policyNames("failure")
	if w := opts.Filter.Where; w != nil {
		v, err := translateSource(w.String(), q.env)
		if err != nil {
			return nil, &WhereError{Err: err}
		}
		if v.kind != kindBool {
			return nil, &WhereError{Err: &UntranslatableError{Construct: "a condition that may be unknown", Line: 1, Column: 1}}
		}
		q.where = &v
	}
	var err error
	if q.rules, err = translateRules(rs, q.env); err != nil {
		return nil, err
	}
	return q, nil
}

// A WhereError is a --where expression with no KQL form.
type WhereError struct{ Err error }

func (e *WhereError) Error() string { return e.Err.Error() }
func (e *WhereError) Unwrap() error { return e.Err }

// header writes the comment lines that open a query.
func (q *query) header(b *strings.Builder, what string) {
	fmt.Fprintf(b, "// signinspect %s: %s\n", what, q.opts.Filter.Describe())
	var names []string
	for _, t := range q.tables {
		names = append(names, t.Name)
	}
	fmt.Fprintf(b, "// Tables: %s. Generated by signinspect %s; runs in Log Analytics, Microsoft Sentinel and Azure Data Explorer.\n",
		strings.Join(names, ", "), q.version())
}

func (q *query) version() string {
	if q.opts.Version == "" {
		return "dev"
	}
	return q.opts.Version
}

// signIns writes the normalized, filtered sign-ins: a let statement named
// SignIns. withTime bounds them by the filter's times (Sentinel rules take
// their window from the rule's query period instead).
func (q *query) signIns(b *strings.Builder, withTime bool) {
	// The body first: reading the fields registers the prologue's
	// functions it calls.
	body := q.rows(func(t *Table) string { return t.Name }, withTime)
	b.WriteString(prologueText(q.env.funcs))
	b.WriteString("let SignIns = materialize(" + body + ");\n")
}

// rows returns the normalized, filtered sign-ins of the query's tables,
// each read from source(table).
func (q *query) rows(source func(*Table) string, withTime bool) string {
	var body strings.Builder
	if len(q.tables) > 1 {
		body.WriteString("union\n")
		for i, t := range q.tables {
			body.WriteString("    (" + q.leg(t, source(t), withTime, "    ") + ")")
			if i < len(q.tables)-1 {
				body.WriteString(",")
			}
			body.WriteString("\n")
		}
	} else {
		body.WriteString(q.leg(q.tables[0], source(q.tables[0]), withTime, "") + "\n")
	}
	f := q.opts.Filter
	if withTime {
		switch {
		case !f.Since.IsZero() && !f.Until.IsZero():
			fmt.Fprintf(&body, "| where Time >= %s and Time < %s\n", datetime(f.Since), datetime(f.Until))
		case !f.Since.IsZero():
			fmt.Fprintf(&body, "| where Time >= %s\n", datetime(f.Since))
		case !f.Until.IsZero():
			fmt.Fprintf(&body, "| where Time < %s\n", datetime(f.Until))
		}
	}
	if len(f.Users) > 0 {
		var users []string
		for _, u := range f.Users {
			users = append(users, strings.ToLower(strings.TrimSpace(u)))
		}
		list := quoteList(users)
		var terms []string
		for _, p := range []string{"User.UPN", "User.ID", "User.Name", "ServicePrincipal.Name", "ServicePrincipal.ID"} {
			terms = append(terms, fieldByPath[p].column()+" in~ "+list)
		}
		fmt.Fprintf(&body, "| where %s\n", strings.Join(terms, " or "))
	}
	if apps := q.apps(); len(apps) > 0 {
		list := quoteList(apps)
		var terms []string
		for _, p := range []string{"App.ID", "App.Name", "Resource.ID", "Resource.Name"} {
			terms = append(terms, fieldByPath[p].column()+" in~ "+list)
		}
		fmt.Fprintf(&body, "| where %s\n", strings.Join(terms, " or "))
	}
	switch f.Status {
	case analyze.StatusFailure:
		body.WriteString("| where Status_Code != 0\n")
	case analyze.StatusSuccess:
		body.WriteString("| where Status_Code == 0\n")
	}
	q.lists(&body)
	if q.where != nil {
		fmt.Fprintf(&body, "| where %s\n", q.where.text)
	}
	return body.String()
}

// apps returns the folded names and IDs the app filter keeps, or nil for
// any app.
func (q *query) apps() []string {
	var out []string
	for _, a := range q.opts.Filter.Apps {
		if strings.EqualFold(strings.TrimSpace(a), analyze.AppAny) {
			return nil
		}
		out = append(out, analyze.AppAliases(a)...)
	}
	return out
}

// neededFields returns the fields the query reads, in the field map's
// order. The app filter's fields are read whenever there is one.
func (q *query) neededFields() []*field {
	if len(q.apps()) > 0 {
		for _, p := range []string{"App.ID", "App.Name", "Resource.ID", "Resource.Name"} {
			q.env.useFieldPath(p)
		}
	}
	var out []*field
	for _, f := range fields {
		if q.env.used[f.path] {
			out = append(out, f)
		}
	}
	return out
}

// leg returns one table's rows as normalized sign-ins.
func (q *query) leg(t *Table, source string, withTime bool, indent string) string {
	var b strings.Builder
	b.WriteString(source)
	f := q.opts.Filter
	if withTime {
		switch {
		case !f.Since.IsZero() && !f.Until.IsZero():
			fmt.Fprintf(&b, "\n%s| where TimeGenerated between (%s .. %s)", indent, datetime(f.Since.Add(-ingestionSlack)), datetime(f.Until.Add(ingestionSlack)))
		case !f.Since.IsZero():
			fmt.Fprintf(&b, "\n%s| where TimeGenerated >= %s", indent, datetime(f.Since.Add(-ingestionSlack)))
		case !f.Until.IsZero():
			fmt.Fprintf(&b, "\n%s| where TimeGenerated < %s", indent, datetime(f.Until.Add(ingestionSlack)))
		}
	}
	parsed := map[string]bool{}
	var assigns []string
	for _, fd := range q.neededFields() {
		assigns = append(assigns, fd.column()+" = "+q.fieldValue(fd, t, parsed))
	}
	for _, name := range sortedKeys(q.env.known) {
		assigns = append(assigns, knownColumn(name)+" = "+q.knownValue(name, t, parsed))
	}
	assigns = append(assigns, q.passthrough...)
	var parses []string
	for _, c := range sortedKeys(parsed) {
		parses = append(parses, "_"+c+" = parse_json("+c+")")
	}
	if len(parses) > 0 {
		fmt.Fprintf(&b, "\n%s| extend %s", indent, strings.Join(parses, ", "))
	}
	fmt.Fprintf(&b, "\n%s| project\n%s    %s", indent, indent, strings.Join(assigns, ",\n"+indent+"    "))
	return b.String()
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ref returns the KQL expression for a source in table t, or "" when t
// lacks its column. parsed collects the string columns whose JSON members
// are read, which the leg parses once.
func ref(s source, t *Table, parsed map[string]bool) string {
	typ := t.columnType(s.column)
	switch {
	case typ == "":
		return ""
	case s.member == "":
		return s.column
	case typ == typeDynamic:
		return s.column + "." + s.member
	}
	parsed[s.column] = true
	return "_" + s.column + "." + s.member
}

// emptyValue is the value of a field a table lacks: what parse gives.
func emptyValue(k kind) string {
	switch k {
	case kindInt:
		return "0"
	case kindBool:
		return "false"
	case kindMaybe:
		return "bool(null)"
	case kindTime:
		return "datetime(null)"
	case kindObjects, kindStrings:
		return "dynamic([])"
	}
	return `""`
}

// fieldValue returns field f's value in table t.
func (q *query) fieldValue(f *field, t *Table, parsed map[string]bool) string {
	if f.constant != nil {
		return f.constant(t)
	}
	var refs []string
	var plain []bool
	for _, s := range f.from {
		r := ref(s, t, parsed)
		if r == "" {
			continue
		}
		refs = append(refs, r)
		plain = append(plain, s.member == "" && t.columnType(s.column) == typeString)
	}
	if len(refs) == 0 {
		return emptyValue(f.kind)
	}
	str := func(i int) string {
		if plain[i] {
			return refs[i]
		}
		return "tostring(" + refs[i] + ")"
	}
	switch f.conv {
	case convTime:
		return refs[0]
	case convInt:
		return "coalesce(tolong(trim(@\"\\s+\", " + str(0) + ")), 0)"
	case convASN:
		return "coalesce(tolong(replace_regex(trim(@\"\\s+\", " + str(0) + "), @\"^(AS|as)\", \"\")), 0)"
	case convResult:
		return "iff(coalesce(tolong(trim(@\"\\s+\", " + str(0) + ")), 0) == 0, \"success\", \"failure\")"
	case convBool:
		return "tobool(" + refs[0] + ")"
	case convArray:
		r := refs[0]
		if t.columnType(f.from[0].column) == typeString {
			r = "parse_json(" + f.from[0].column + ")"
		}
		return q.env.use("_array") + "(" + r + ")"
	case convCAResult:
		return q.env.use("_ca_result") + "(" + str(0) + ")"
	case convTrustType:
		return q.env.use("_trust_type") + "(" + str(0) + ")"
	case convAuthRequirement:
		return q.env.use("_auth_requirement") + "(" + str(0) + ")"
	case convTokenType:
		return q.env.use("_token_type") + "(" + str(0) + ")"
	}
	if len(refs) == 1 {
		return str(0)
	}
	var args []string
	for i := range refs {
		args = append(args, str(i))
	}
	return "coalesce(" + strings.Join(args, ", ") + ")"
}

// knownValue returns Known(name) in table t.
func (q *query) knownValue(name string, t *Table, parsed map[string]bool) string {
	k := knownFields[name]
	if k.always {
		return "true"
	}
	for _, c := range k.columns {
		if t.has(c) {
			return "true"
		}
	}
	if k.json == "" || !t.has(k.json) {
		return "false"
	}
	present := "_present_array"
	if jsonColumns[k.json] {
		present = "_present_object"
	}
	text := k.json
	if t.columnType(k.json) == typeDynamic {
		text = "tostring(" + k.json + ")"
	}
	test := q.env.use(present) + "(" + text + ")"
	switch k.member {
	case "":
	case "conditions":
		test += " and " + text + ` matches regex @"(?i)""conditions(not)?satisfied""\s*:\s*[^n\s]"`
	default:
		test += " and isnotnull(tobool(" + ref(source{column: k.json, member: k.member}, t, parsed) + "))"
	}
	return test
}

// lists writes the mv-apply that computes the per-row values over each
// list field.
func (q *query) lists(b *strings.Builder) {
	for _, list := range []string{"Policies", "NetworkLocations", "AuthSteps"} {
		la := q.env.lists[list]
		if la == nil || len(la.names) == 0 {
			continue
		}
		v := listVars[list]
		fmt.Fprintf(b, "| mv-apply %s = %s to typeof(dynamic) on (\n", v, fieldByPath[list].column())
		if la.result {
			fmt.Fprintf(b, "    extend _result = _ca_result(tostring(%s.result))\n    | ", v)
		} else {
			b.WriteString("    ")
		}
		b.WriteString("summarize\n")
		for i, name := range la.names {
			sep := ","
			if i == len(la.names)-1 {
				sep = ")"
			}
			fmt.Fprintf(b, "        %s = %s%s\n", name, la.aggs[name], sep)
		}
	}
}

// datetime writes t as a KQL datetime literal.
func datetime(t time.Time) string {
	return "datetime(" + t.UTC().Format(time.RFC3339Nano) + ")"
}

// predicate writes a rule's condition for a where clause, one conjunct per
// line.
func predicate(v value, indent string) string {
	if v.op != "and" {
		return v.text
	}
	parts := splitTop(v.text, " and ")
	return strings.Join(parts, "\n"+indent+"and ")
}

// splitTop splits s at sep where sep is outside parentheses and literals.
func splitTop(s, sep string) []string {
	var out []string
	depth, start, pos := 0, 0, 0
	for _, part := range scanKQL(s) {
		switch part {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		default:
			if depth == 0 && !strings.HasPrefix(part, `"`) && !strings.HasPrefix(part, `@"`) && !strings.HasPrefix(part, `'`) {
				for i := 0; ; {
					j := strings.Index(part[i:], sep)
					if j < 0 {
						break
					}
					out = append(out, s[start:pos+i+j])
					start = pos + i + j + len(sep)
					i += j + len(sep)
				}
			}
		}
		pos += len(part)
	}
	return append(out, s[start:])
}

// userColumn is the summary's user: the UPN, or the display name or object
// ID, or the service principal, as the report names a sign-in's user.
const userColumn = "coalesce(User_UPN, User_Name, User_ID, ServicePrincipal_Name, ServicePrincipal_ID)"

// Build returns the query that runs the rules over the sign-ins the
// filter selects and summarizes the matches per rule, as the report's
// diagnosis does: rule, severity, title, sign-ins, failures, first, last,
// top IPs, users and failing policies, and the most frequent fix.
func Build(rs []*rules.Compiled, opts Options) (string, error) {
	q, err := newQuery(rs, opts)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	q.header(&b, "kql")
	fmt.Fprintf(&b, "// Rules: %d. One result row per rule that fired, ranked as the report ranks causes.\n", len(q.rules))
	q.signIns(&b, true)
	b.WriteString("let Matches = materialize(")
	if len(q.rules) == 0 {
		b.WriteString("SignIns | where false | extend Rule = \"\", Fix = \"\"")
	} else {
		if len(q.rules) > 1 {
			b.WriteString("union\n")
		}
		for i, r := range q.rules {
			fmt.Fprintf(&b, "    (SignIns // %s\n", r.rule.ID)
			fmt.Fprintf(&b, "    | where %s\n", predicate(r.when, "        "))
			fmt.Fprintf(&b, "    | extend Rule = %s, Fix = %s)", quote(r.rule.ID), r.fix.text)
			if i < len(q.rules)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
	}
	b.WriteString(");\n")
	b.WriteString("let RuleInfo = datatable(Rule:string, Severity:string, SeverityRank:long, ReportOnly:bool, Title:string) [\n")
	for _, r := range q.rules {
		fmt.Fprintf(&b, "    %s, %s, %d, %t, %s,\n", quote(r.rule.ID), quote(r.rule.Severity.String()), int(r.rule.Severity),
			rules.IsReportOnly(r.rule.Tags), quote(r.rule.Title))
	}
	b.WriteString("];\n")
	fmt.Fprintf(&b, `Matches
| summarize SignIns = count(), Failures = countif(Status_Code != 0), First = min(Time), Last = max(Time) by Rule
| lookup (Matches | summarize Count = count() by Rule, Fix | summarize arg_max(Count, Fix) by Rule | project Rule, Fix) on Rule
| lookup (Matches | where isnotempty(IP) | summarize Count = count() by Rule, IP
    | order by Count desc, IP asc | summarize TopIPs = make_list(strcat(IP, " (", Count, ")"), %[1]d) by Rule) on Rule
| lookup (Matches | extend User = %[2]s | where isnotempty(User) | summarize Count = count() by Rule, User
    | order by Count desc, User asc | summarize TopUsers = make_list(strcat(User, " (", Count, ")"), %[1]d) by Rule) on Rule
| lookup (Matches | mv-expand Policy = _PolicyNames_failure to typeof(string) | where isnotempty(Policy) | summarize Count = count() by Rule, Policy
    | order by Count desc, Policy asc | summarize FailingPolicies = make_list(strcat(Policy, " (", Count, ")"), %[1]d) by Rule) on Rule
| lookup RuleInfo on Rule
| extend Explains = Failures > 0 and SeverityRank > %[3]d and not(ReportOnly)
| order by Explains desc, SeverityRank desc, Failures desc, SignIns desc, Rule asc
| project Rule, Severity, Title, SignIns, Failures, First, Last, TopIPs, TopUsers, FailingPolicies, Fix
`, topN, userColumn, int(rules.SeverityInfo))
	return b.String(), nil
}

// A RuleQuery is the query of one rule.
type RuleQuery struct {
	Rule *rules.Compiled
	Text string
}

// PerRule returns one query per rule, each listing the sign-ins its rule
// matches, newest first, with what the report shows of each (time, user,
// app, IP, error code, request ID, failing policies) and the rendered fix.
func PerRule(rs []*rules.Compiled, opts Options) ([]RuleQuery, error) {
	return eachRule(rs, opts, func(c *rules.Compiled, q *query) RuleQuery {
		q.env.useFieldPath("RequestID")
		q.env.useFieldPath("App.Name")
		q.env.useFieldPath("App.ID")
		var b strings.Builder
		q.header(&b, "kql --per-rule")
		r := q.rules[0]
		fmt.Fprintf(&b, "// Rule %s (%s): %s\n", c.ID, c.Severity, c.Title)
		q.signIns(&b, true)
		fmt.Fprintf(&b, "SignIns\n| where %s\n", predicate(r.when, "    "))
		fmt.Fprintf(&b, "| extend Rule = %s, User = %s, App = coalesce(App_Name, App_ID), FailedPolicies = strcat_array(_PolicyNames_failure, \", \"), Fix = %s\n", quote(c.ID), userColumn, r.fix.text)
		b.WriteString("| project Time, Rule, User, App, IP, Code = Status_Code, RequestID, FailedPolicies, Fix\n| order by Time desc\n")
		return RuleQuery{Rule: c, Text: b.String()}
	})
}

// eachRule builds one query per rule with build; the rules that do not
// translate are errors, joined.
func eachRule[T any](rs []*rules.Compiled, opts Options, build func(*rules.Compiled, *query) T) ([]T, error) {
	var out []T
	var errs []error
	for _, c := range rs {
		q, err := newQuery([]*rules.Compiled{c}, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, build(c, q))
	}
	return out, errors.Join(errs...)
}
