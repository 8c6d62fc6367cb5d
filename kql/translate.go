package kql

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"

	"github.com/signinspect/signinspect/parse"
)

// An UntranslatableError says that an expression uses a construct with no
// KQL form. Line and Column (1-based) locate it within the expression.
type UntranslatableError struct {
	Construct string
	Line      int
	Column    int
}

func (e *UntranslatableError) Error() string {
	return fmt.Sprintf("no KQL form for %s (%d:%d)", e.Construct, e.Line, e.Column)
}

// A value is a translated expression: KQL text and its kind.
type value struct {
	text string
	kind kind
	// op is the operator at the top of text ("and", "or", "==", ...), or ""
	// for an expression that needs no parentheses as an operand (a name, a
	// literal, a call).
	op string
	// list is the list field a kindObjects value is ("Policies"), for the
	// builtins that iterate over it.
	list string
	// str is the constant a string literal holds, and isConst whether the
	// value is a literal (string, number or bool).
	str     string
	isConst bool
	// lowered is set for lower(x) and upper(x), holding x and which, so that
	// comparisons with a constant become case-insensitive operators on x.
	lowered *value
	upper   bool
}

// precedence ranks KQL's operators: or below and below the comparisons
// below arithmetic.
func precedence(op string) int {
	switch op {
	case "or":
		return 1
	case "and":
		return 2
	case "+", "-":
		return 4
	case "*", "/", "%":
		return 5
	}
	return 3 // ==, !=, <, =~, in, contains, matches, between, ...
}

// operand returns v's text ready to be an operand of op: parenthesized
// unless it binds tighter than op, or is a chain of the same associative
// operator. An and inside an or keeps its parentheses, for the reader.
func (v value) operand(op string) string {
	switch {
	case v.op == "":
		return v.text
	case op == "or" && v.op == "and":
	case precedence(v.op) > precedence(op):
		return v.text
	case v.op == op && (op == "and" || op == "or" || op == "+" || op == "*"):
		return v.text
	}
	return "(" + v.text + ")"
}

func atom(text string, k kind) value { return value{text: text, kind: k} }

// constBool returns a boolean literal.
func constBool(b bool) value {
	if b {
		return value{text: "true", kind: kindBool, isConst: true}
	}
	return value{text: "false", kind: kindBool, isConst: true}
}

func binary(l value, op string, r value, k kind) value {
	// Constant conditions (no trusted ranges given, say) fold away, so
	// that the query says only what can vary.
	if op == "and" || op == "or" {
		for _, pair := range [][2]value{{l, r}, {r, l}} {
			c, other := pair[0], pair[1]
			if !c.isConst || c.kind != kindBool {
				continue
			}
			if (c.text == "true") == (op == "and") {
				return other
			}
			return c
		}
	}
	return value{text: l.operand(op) + " " + op + " " + r.operand(op), kind: k, op: op}
}

// not negates a condition.
func not(x value) value {
	if x.isConst && x.kind == kindBool {
		return constBool(x.text != "true")
	}
	return atom("not("+x.text+")", kindBool)
}

// scope is what a translation is inside of: let variables and, in a
// predicate over a list field, the list.
type scope struct {
	vars map[string]value
	// list is the list field whose element the predicate's "." refers to,
	// or "".
	list string
}

// translator translates the expressions of one query. It records what the
// translated expressions need from the rows: the fields, Known tests,
// per-list aggregates and helper functions.
type translator struct {
	env *environment
	src string // The expression being translated, for positions.
}

// expr translates n in scope sc.
func (tr *translator) expr(n ast.Node, sc scope) (value, error) {
	switch n := n.(type) {
	case *ast.NilNode:
		return value{text: "nil", kind: kindMaybe, isConst: true}, nil
	case *ast.BoolNode:
		return constBool(n.Value), nil
	case *ast.IntegerNode:
		return value{text: itoa(n.Value), kind: kindInt, isConst: true}, nil
	case *ast.FloatNode:
		return value{text: fmt.Sprint(n.Value), kind: kindFloat, isConst: true}, nil
	case *ast.StringNode:
		return value{text: quote(n.Value), kind: kindString, str: n.Value, isConst: true}, nil
	case *ast.IdentifierNode:
		if v, ok := sc.vars[n.Value]; ok {
			return v, nil
		}
		return tr.field(n, n.Value, sc)
	case *ast.MemberNode:
		return tr.member(n, sc)
	case *ast.UnaryNode:
		return tr.unary(n, sc)
	case *ast.BinaryNode:
		return tr.binary(n, sc)
	case *ast.ConditionalNode:
		c, err := tr.boolean(n.Cond, sc)
		if err != nil {
			return value{}, err
		}
		a, err := tr.expr(n.Exp1, sc)
		if err != nil {
			return value{}, err
		}
		b, err := tr.expr(n.Exp2, sc)
		if err != nil {
			return value{}, err
		}
		if c.isConst {
			if c.text == "true" {
				return a, nil
			}
			return b, nil
		}
		return atom("iff("+c.text+", "+a.text+", "+b.text+")", a.kind), nil
	case *ast.VariableDeclaratorNode:
		v, err := tr.expr(n.Value, sc)
		if err != nil {
			return value{}, err
		}
		inner := scope{vars: make(map[string]value, len(sc.vars)+1), list: sc.list}
		for k, x := range sc.vars {
			inner.vars[k] = x
		}
		// The variable's expression is substituted where it is used; KQL
		// has no let inside an expression. It is a pure expression, so
		// substitution gives the same value.
		if v.op != "" {
			v = value{text: "(" + v.text + ")", kind: v.kind, list: v.list}
		}
		inner.vars[n.Name] = v
		return tr.expr(n.Expr, inner)
	case *ast.CallNode:
		return tr.call(n, sc)
	case *ast.BuiltinNode:
		return tr.builtin(n, sc)
	case *ast.ArrayNode:
		return tr.array(n, sc)
	case *ast.ChainNode:
		return value{}, tr.fail(n, "optional chaining (?.)")
	case *ast.SliceNode:
		return value{}, tr.fail(n, "slicing")
	case *ast.MapNode:
		return value{}, tr.fail(n, "a map literal")
	case *ast.PointerNode:
		return value{}, tr.fail(n, "# outside a predicate over Policies, NetworkLocations or AuthSteps")
	case *ast.SequenceNode:
		return value{}, tr.fail(n, "a sequence of expressions (;)")
	}
	return value{}, tr.fail(n, fmt.Sprintf("the expression %s", n))
}

// boolean translates n, which must be a boolean.
func (tr *translator) boolean(n ast.Node, sc scope) (value, error) {
	v, err := tr.expr(n, sc)
	if err != nil {
		return value{}, err
	}
	if v.kind != kindBool {
		return value{}, tr.fail(n, fmt.Sprintf("%s as a condition", n))
	}
	return v, nil
}

// fail returns an UntranslatableError for construct at n.
func (tr *translator) fail(n ast.Node, construct string) error {
	line, col := position(tr.src, n.Location().From)
	return &UntranslatableError{Construct: construct, Line: line, Column: col}
}

// position returns the 1-based line and column of the rune offset in src.
func position(src string, offset int) (line, col int) {
	line, col = 1, 1
	i := 0
	for _, r := range src {
		if i == offset {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i++
	}
	return line, col
}

// path returns the field path a member chain spells ("Status.Code"), or ""
// when n is not a plain chain of field names.
func path(n ast.Node) string {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return n.Value
	case *ast.MemberNode:
		if n.Optional || n.Method {
			return ""
		}
		prop, ok := n.Property.(*ast.StringNode)
		if !ok {
			return ""
		}
		if base := path(n.Node); base != "" {
			return base + "." + prop.Value
		}
	}
	return ""
}

// field translates a reference to an environment field.
func (tr *translator) field(n ast.Node, p string, sc scope) (value, error) {
	f, ok := fieldByPath[p]
	if !ok {
		if strings.HasPrefix(strings.TrimPrefix(p, "."), "Time.") {
			return value{}, tr.fail(n, "the time field "+p)
		}
		return value{}, tr.fail(n, p+" as a value")
	}
	tr.env.useField(f)
	v := atom(f.column(), f.kind)
	if f.kind == kindObjects {
		v.list = f.path
	}
	return v, nil
}

// member translates field paths (Status.Code) and, in a predicate, the
// current element's fields (.Result).
func (tr *translator) member(n *ast.MemberNode, sc scope) (value, error) {
	if ptr, ok := n.Node.(*ast.PointerNode); ok && ptr.Name == "" && !n.Method && !n.Optional {
		prop, ok := n.Property.(*ast.StringNode)
		if !ok || sc.list == "" {
			return value{}, tr.fail(n, "this element access")
		}
		for _, ef := range elementFields[sc.list] {
			if ef.name == prop.Value {
				return tr.env.element(sc.list, ef), nil
			}
		}
		return value{}, tr.fail(n, "the element field ."+prop.Value)
	}
	if p := path(n); p != "" {
		if v, ok := sc.vars[strings.SplitN(p, ".", 2)[0]]; ok && v.kind != kindObjects {
			return value{}, tr.fail(n, "a member of a variable")
		}
		return tr.field(n, p, sc)
	}
	if n.Method {
		return value{}, tr.fail(n, "the method "+n.String())
	}
	if _, ok := n.Property.(*ast.StringNode); !ok {
		return value{}, tr.fail(n, "indexing ("+n.String()+")")
	}
	// The base is not a field: say what it is.
	if _, err := tr.expr(n.Node, sc); err != nil {
		return value{}, err
	}
	return value{}, tr.fail(n, "the member access "+n.String())
}

func (tr *translator) unary(n *ast.UnaryNode, sc scope) (value, error) {
	x, err := tr.expr(n.Node, sc)
	if err != nil {
		return value{}, err
	}
	switch n.Operator {
	case "!", "not":
		if x.kind != kindBool {
			return value{}, tr.fail(n, "! on a value that may be unknown ("+n.Node.String()+")")
		}
		return not(x), nil
	case "-":
		return value{text: "-" + x.operand("-"), kind: x.kind, op: "-"}, nil
	case "+":
		return x, nil
	}
	return value{}, tr.fail(n, "the operator "+n.Operator)
}

func (tr *translator) binary(n *ast.BinaryNode, sc scope) (value, error) {
	switch n.Operator {
	case "&&", "and", "||", "or":
		l, err := tr.boolean(n.Left, sc)
		if err != nil {
			return value{}, err
		}
		r, err := tr.boolean(n.Right, sc)
		if err != nil {
			return value{}, err
		}
		op := "and"
		if n.Operator == "||" || n.Operator == "or" {
			op = "or"
		}
		return binary(l, op, r, kindBool), nil
	case "in":
		return tr.in(n, sc)
	}
	l, err := tr.expr(n.Left, sc)
	if err != nil {
		return value{}, err
	}
	r, err := tr.expr(n.Right, sc)
	if err != nil {
		return value{}, err
	}
	switch n.Operator {
	case "==", "!=":
		return tr.equal(n, l, r, n.Operator == "!=")
	case "<", ">", "<=", ">=":
		if l.kind != r.kind || l.kind != kindInt && l.kind != kindFloat && l.kind != kindTime {
			if !(isNumber(l.kind) && isNumber(r.kind)) {
				return value{}, tr.fail(n, "the comparison "+n.Operator+" of these values")
			}
		}
		return binary(l, n.Operator, r, kindBool), nil
	case "+":
		if l.kind == kindString && r.kind == kindString {
			return concat(l, r), nil
		}
		if isNumber(l.kind) && isNumber(r.kind) {
			return binary(l, "+", r, numberKind(l, r)), nil
		}
	case "-", "*", "%":
		if isNumber(l.kind) && isNumber(r.kind) {
			return binary(l, n.Operator, r, numberKind(l, r)), nil
		}
	case "/":
		if isNumber(l.kind) && isNumber(r.kind) {
			return value{text: "todouble(" + l.text + ") / " + r.operand("/"), kind: kindFloat, op: "/"}, nil
		}
	case "contains", "startsWith", "endsWith":
		if l.kind == kindString && r.kind == kindString {
			return tr.stringTest(n.Operator, l, r), nil
		}
	case "matches":
		if l.kind == kindString && r.isConst && r.kind == kindString {
			return value{text: l.operand("matches") + " matches regex " + verbatim(r.str), kind: kindBool, op: "matches"}, nil
		}
		return value{}, tr.fail(n, "matches with a pattern that is not a constant")
	case "??":
		if l.kind == kindMaybe {
			return atom("coalesce("+l.text+", "+r.text+")", r.kind), nil
		}
		// Only pointer fields can be nil; everything else is its own value.
		return l, nil
	}
	return value{}, tr.fail(n, "the operator "+n.Operator+" on these values")
}

func isNumber(k kind) bool { return k == kindInt || k == kindFloat }

func numberKind(l, r value) kind {
	if l.kind == kindFloat || r.kind == kindFloat {
		return kindFloat
	}
	return kindInt
}

// concat joins two strings, flattening nested strcat calls.
func concat(l, r value) value {
	args := append(strcatArgs(l), strcatArgs(r)...)
	return atom("strcat("+strings.Join(args, ", ")+")", kindString)
}

func strcatArgs(v value) []string {
	if strings.HasPrefix(v.text, "strcat(") && v.op == "" && balanced(v.text[len("strcat("):len(v.text)-1]) {
		return splitArgs(v.text[len("strcat(") : len(v.text)-1])
	}
	return []string{v.text}
}

// balanced reports whether s has balanced parentheses outside string
// literals, so that strcat(a)(b) is not taken for one call.
func balanced(s string) bool {
	depth := 0
	for _, part := range scanKQL(s) {
		switch part {
		case "(":
			depth++
		case ")":
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// splitArgs splits a call's argument text at its top-level commas.
func splitArgs(s string) []string {
	parts := splitTop(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// scanKQL splits KQL text into string literals, single punctuation
// characters and other runs, so that callers see brackets and commas
// outside literals only as their own parts.
func scanKQL(s string) []string {
	var parts []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			parts = append(parts, s[i:min(j+1, len(s))])
			i = j + 1
		case c == '@' && i+1 < len(s) && s[i+1] == '"':
			j := i + 2
			for j < len(s) {
				if s[j] == '"' {
					if j+1 < len(s) && s[j+1] == '"' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			parts = append(parts, s[i:min(j+1, len(s))])
			i = j + 1
		case strings.IndexByte("()[]{},", c) >= 0:
			parts = append(parts, s[i:i+1])
			i++
		default:
			j := i
			for j < len(s) && strings.IndexByte("()[]{},\"'@", s[j]) < 0 {
				j++
			}
			if j == i {
				j++
			}
			parts = append(parts, s[i:j])
			i = j
		}
	}
	return parts
}

// equal translates == and != (negate).
func (tr *translator) equal(n *ast.BinaryNode, l, r value, negate bool) (value, error) {
	if r.kind == kindMaybe && l.kind != kindMaybe || l.isConst && !r.isConst {
		l, r = r, l
	}
	switch {
	case l.kind == kindMaybe:
		// A *bool compared with true, false or nil: unknown equals neither
		// true nor false.
		var t string
		switch r.text {
		case "nil":
			t = "isnull(" + l.text + ")"
		case "true":
			t = "coalesce(" + l.text + ", false)"
		case "false":
			t = "coalesce(not(" + l.text + "), false)"
		default:
			return value{}, tr.fail(n, "this comparison of a value that may be unknown")
		}
		if negate {
			t = "not(" + t + ")"
		}
		return atom(t, kindBool), nil
	case l.kind == kindString && r.kind == kindString:
		if l.lowered != nil && r.isConst {
			return caseless(*l.lowered, r.str, l.upper, negate), nil
		}
	case l.kind == r.kind, isNumber(l.kind) && isNumber(r.kind):
	default:
		return value{}, tr.fail(n, "the comparison of "+n.Left.String()+" with "+n.Right.String())
	}
	op := "=="
	if negate {
		op = "!="
	}
	return binary(l, op, r, kindBool), nil
}

// caseless compares x with constant c where the rule compared lower(x) (or
// upper(x)) with c: the case-insensitive =~, without folding the column.
// A constant that lower (upper) could never give matches nothing.
func caseless(x value, c string, upper, negate bool) value {
	folded := strings.ToLower(c)
	if upper {
		folded = strings.ToUpper(c)
	}
	if folded != c {
		if negate {
			return constBool(true)
		}
		return constBool(false)
	}
	op := "=~"
	if negate {
		op = "!~"
	}
	return binary(x, op, atom(quote(c), kindString), kindBool)
}

// stringTest translates contains, startsWith and endsWith, which are
// case-sensitive in the rule language: the _cs operators, or the
// case-insensitive ones on x where the rule folded x with lower() and the
// constant is folded too.
func (tr *translator) stringTest(op string, l, r value) value {
	kop := map[string]string{"contains": "contains", "startsWith": "startswith", "endsWith": "endswith"}[op]
	if l.lowered != nil && r.isConst {
		folded := strings.ToLower(r.str)
		if l.upper {
			folded = strings.ToUpper(r.str)
		}
		if folded != r.str {
			return constBool(false)
		}
		return binary(*l.lowered, kop, r, kindBool)
	}
	return binary(l, kop+"_cs", r, kindBool)
}

// in translates x in list.
func (tr *translator) in(n *ast.BinaryNode, sc scope) (value, error) {
	x, err := tr.expr(n.Left, sc)
	if err != nil {
		return value{}, err
	}
	if arr, ok := n.Right.(*ast.ArrayNode); ok {
		var items []string
		allConst := true
		for _, e := range arr.Nodes {
			v, err := tr.expr(e, sc)
			if err != nil {
				return value{}, err
			}
			if v.kind != x.kind && !(isNumber(v.kind) && isNumber(x.kind)) {
				return value{}, tr.fail(e, "in with a list of mixed types")
			}
			allConst = allConst && v.isConst
			items = append(items, v.text)
		}
		if len(items) == 0 {
			return constBool(false), nil
		}
		if allConst {
			return value{text: x.operand("in") + " in (" + strings.Join(items, ", ") + ")", kind: kindBool, op: "in"}, nil
		}
		var terms []string
		for _, it := range items {
			terms = append(terms, x.operand("==")+" == "+it)
		}
		return value{text: strings.Join(terms, " or "), kind: kindBool, op: "or"}, nil
	}
	// Within a policy, the conditions are a bitmask or a flags string:
	// they need their own test.
	if m, ok := n.Right.(*ast.MemberNode); ok && sc.list == "Policies" {
		if prop, ok := m.Property.(*ast.StringNode); ok {
			if _, ptr := m.Node.(*ast.PointerNode); ptr && (prop.Value == "ConditionsSatisfied" || prop.Value == "ConditionsNotSatisfied") {
				if !x.isConst || x.kind != kindString {
					return value{}, tr.fail(n, "in on policy conditions with a name that is not a constant")
				}
				member := "conditionsSatisfied"
				if prop.Value == "ConditionsNotSatisfied" {
					member = "conditionsNotSatisfied"
				}
				return tr.env.conditionTest(listVars["Policies"]+"."+member, x.str, false), nil
			}
		}
	}
	list, err := tr.expr(n.Right, sc)
	if err != nil {
		return value{}, err
	}
	if list.kind != kindStrings || x.kind != kindString {
		return value{}, tr.fail(n, "in on "+n.Right.String())
	}
	return atom("coalesce(set_has_element("+list.text+", "+x.text+"), false)", kindBool), nil
}

// array translates a list literal outside in: a dynamic array of
// constants.
func (tr *translator) array(n *ast.ArrayNode, sc scope) (value, error) {
	var items []string
	for _, e := range n.Nodes {
		v, err := tr.expr(e, sc)
		if err != nil {
			return value{}, err
		}
		if !v.isConst || v.kind != kindString {
			return value{}, tr.fail(e, "a list literal that is not of constant strings")
		}
		items = append(items, v.text)
	}
	return atom("dynamic(["+strings.Join(items, ", ")+"])", kindStrings), nil
}

// builtin translates expr's builtins.
func (tr *translator) builtin(n *ast.BuiltinNode, sc scope) (value, error) {
	args := n.Arguments
	switch n.Name {
	case "len":
		x, err := tr.expr(args[0], sc)
		if err != nil {
			return value{}, err
		}
		switch x.kind {
		case kindString:
			return atom("strlen("+x.text+")", kindInt), nil
		case kindStrings, kindObjects:
			return atom("coalesce(array_length("+x.text+"), 0)", kindInt), nil
		}
	case "lower", "upper":
		x, err := tr.expr(args[0], sc)
		if err != nil {
			return value{}, err
		}
		if x.kind != kindString {
			break
		}
		fn := "tolower"
		if n.Name == "upper" {
			fn = "toupper"
		}
		v := atom(fn+"("+x.text+")", kindString)
		v.lowered, v.upper = &x, n.Name == "upper"
		return v, nil
	case "join":
		x, err := tr.expr(args[0], sc)
		if err != nil {
			return value{}, err
		}
		sep := atom(`""`, kindString)
		if len(args) > 1 {
			if sep, err = tr.expr(args[1], sc); err != nil {
				return value{}, err
			}
		}
		if x.kind == kindStrings && sep.kind == kindString {
			return atom("strcat_array("+x.text+", "+sep.text+")", kindString), nil
		}
	case "string":
		x, err := tr.expr(args[0], sc)
		if err != nil {
			return value{}, err
		}
		switch x.kind {
		case kindString:
			return x, nil
		case kindInt, kindBool, kindFloat:
			return atom("tostring("+x.text+")", kindString), nil
		}
	case "date":
		if s, ok := args[0].(*ast.StringNode); ok && len(args) == 1 {
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
				if t, err := time.Parse(layout, s.Value); err == nil {
					return atom("datetime("+t.UTC().Format(time.RFC3339Nano)+")", kindTime), nil
				}
			}
		}
		return value{}, tr.fail(n, "date() of anything but a constant RFC 3339 time")
	case "any", "all", "none", "one", "count", "map":
		return tr.aggregate(n, sc)
	}
	return value{}, tr.fail(n, "the builtin "+n.Name+"()")
}

// aggregate translates the builtins that iterate over a list field: a
// value computed per row by the mv-apply over that list.
func (tr *translator) aggregate(n *ast.BuiltinNode, sc scope) (value, error) {
	if len(n.Arguments) != 2 {
		return value{}, tr.fail(n, n.Name+"() without a predicate")
	}
	if sc.list != "" {
		return value{}, tr.fail(n, n.Name+"() inside another predicate")
	}
	// map(filter(list, p), f) is one pass: the f of the elements where p.
	source := n.Arguments[0]
	var where *ast.PredicateNode
	if f, ok := source.(*ast.BuiltinNode); ok && f.Name == "filter" && n.Name == "map" && len(f.Arguments) == 2 {
		if p, ok := f.Arguments[1].(*ast.PredicateNode); ok {
			source, where = f.Arguments[0], p
		}
	}
	list, err := tr.expr(source, sc)
	if err != nil {
		return value{}, err
	}
	if list.kind != kindObjects || list.list == "" {
		return value{}, tr.fail(n, n.Name+"() over "+n.Arguments[0].String())
	}
	pred, ok := n.Arguments[1].(*ast.PredicateNode)
	if !ok {
		return value{}, tr.fail(n, n.Name+"() without a predicate")
	}
	inner := scope{vars: sc.vars, list: list.list}
	body, err := tr.expr(pred.Node, inner)
	if err != nil {
		return value{}, err
	}
	var agg string
	k := kindBool
	switch n.Name {
	case "map":
		if body.kind != kindString {
			return value{}, tr.fail(n, "map() to anything but strings")
		}
		agg, k = "make_list("+body.text+")", kindStrings
		if where != nil {
			cond, err := tr.expr(where.Node, inner)
			if err != nil {
				return value{}, err
			}
			if cond.kind != kindBool {
				return value{}, tr.fail(where, "a predicate that is not a condition")
			}
			agg = "make_list_if(" + body.text + ", " + cond.text + ")"
		}
	default:
		if body.kind != kindBool {
			return value{}, tr.fail(pred, "a predicate that is not a condition")
		}
		switch n.Name {
		case "any":
			agg = "countif(" + body.text + ") > 0"
		case "all":
			agg = "countif(not(" + body.text + ")) == 0"
		case "none":
			agg = "countif(" + body.text + ") == 0"
		case "one":
			agg = "countif(" + body.text + ") == 1"
		case "count":
			agg, k = "countif("+body.text+")", kindInt
		}
	}
	return tr.env.aggregate(list.list, "", agg, k), nil
}

// kindOf returns the kind of values of Go type t, as the checker typed a
// node.
func kindOf(t reflect.Type) (kind, bool) {
	switch {
	case t == nil:
		return 0, false
	case t == reflect.TypeFor[time.Time]():
		return kindTime, true
	case t == reflect.TypeFor[*bool]():
		return kindMaybe, true
	case t == reflect.TypeFor[[]string]():
		return kindStrings, true
	case t == reflect.TypeFor[[]parse.Policy](), t == reflect.TypeFor[[]parse.NetworkLocation](), t == reflect.TypeFor[[]parse.AuthStep]():
		return kindObjects, true
	}
	switch t.Kind() {
	case reflect.String:
		return kindString, true
	case reflect.Int, reflect.Int64, reflect.Int32:
		return kindInt, true
	case reflect.Float64:
		return kindFloat, true
	case reflect.Bool:
		return kindBool, true
	}
	return 0, false
}
