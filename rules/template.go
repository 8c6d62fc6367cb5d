package rules

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// A template is a rule's fix text with {{ expr }} placeholders, compiled
// once. Each placeholder is an expression over the same Env as `when`,
// evaluated against the matching sign-in; its value is written as text
// (lists joined with ", ", nil as nothing). A literal "{{" is written
// {{ "{{" }}.
type template struct {
	parts []templatePart
	size  int // Bytes of literal text, to size the output once.
	// values are the data the placeholders show, each once, in the order
	// the text first shows them.
	values []templateValue
}

// A templateValue is one piece of sign-in data that a template's
// placeholders show: a field (IP, User.UPN) or a helper that returns data
// (PolicyNames("failure"), TrustedLocation(IP)). The analyzer evaluates
// them for every match, so that fixes that differ only in their values can
// be shown as one fix with a list of values.
type templateValue struct {
	label string // What the value is, for people: "IP address".
	src   string
	prog  *vm.Program
}

type templatePart struct {
	text   string      // Literal text, when prog is nil.
	src    string      // The placeholder's expression.
	offset int         // Byte offset of the placeholder's expression in the text.
	prog   *vm.Program // The compiled placeholder.
}

// templateError is an error in the placeholder at byte offset of the text.
type templateError struct {
	offset int
	err    error
}

func (e *templateError) Error() string { return e.err.Error() }
func (e *templateError) Unwrap() error { return e.err }

// compileTemplate compiles a fix text.
func compileTemplate(text string, tn *tenant) (*template, error) {
	t := &template{}
	rest, offset := text, 0
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			if rest != "" {
				t.parts = append(t.parts, templatePart{text: rest})
			}
			for _, p := range t.parts {
				t.size += len(p.text)
			}
			return t, nil
		}
		if i > 0 {
			t.parts = append(t.parts, templatePart{text: rest[:i]})
		}
		start := offset + i + 2
		body := rest[i+2:]
		// The placeholder ends at the first "}}" after which the expression
		// compiles, so that an expression may itself hold "}}" (a closure
		// inside a map literal, say).
		var part templatePart
		var firstErr error
		end := -1
		for from := 0; ; {
			j := strings.Index(body[from:], "}}")
			if j < 0 {
				break
			}
			j += from
			src := body[:j]
			if strings.TrimSpace(src) == "" {
				firstErr = errors.New("empty placeholder {{ }}")
				end = j
				break
			}
			prog, err := compileExpr(src, tn)
			if err == nil {
				part, end, firstErr = templatePart{src: strings.TrimSpace(src), offset: start, prog: prog}, j, nil
				break
			}
			if firstErr == nil {
				firstErr = err
			}
			from = j + 2
		}
		if firstErr != nil {
			return nil, &templateError{offset: start, err: firstErr}
		}
		if end < 0 {
			return nil, &templateError{offset: start, err: errors.New("unclosed placeholder: {{ without }}")}
		}
		t.parts = append(t.parts, part)
		if err := t.addValues(part.prog, tn); err != nil {
			return nil, &templateError{offset: start, err: err}
		}
		consumed := i + 2 + end + 2
		rest = rest[consumed:]
		offset += consumed
	}
}

// A Span is a byte range of a rendered fix where a placeholder wrote its
// value: the sign-in's data, as opposed to the rule's own words. Redaction
// rewrites the spans of a fix and nothing else, so that a rule's example
// ("the ::ffff:203.0.113.7 form") reads as its author wrote it.
type Span struct{ Start, End int }

// render evaluates the template for the environment's current record, and
// returns where each placeholder's value went. On a placeholder error it
// writes "?" there and returns the first error. A text longer than
// maxFixBytes is cut, and the cut is an error too.
func (t *template) render(m *vm.VM, env *Env) (string, []Span, error) {
	return t.renderSpans(m, env, nil)
}

// renderSpans is render, appending the spans to spans: an evaluator gives
// the buffer it reuses from one sign-in to the next.
func (t *template) renderSpans(m *vm.VM, env *Env, spans []Span) (string, []Span, error) {
	if len(t.parts) == 1 && t.parts[0].prog == nil {
		return t.parts[0].text, spans, nil
	}
	var b strings.Builder
	b.Grow(t.size + 64*(len(t.parts)-1)/2 + 64)
	var firstErr error
	base := len(spans) // The spans before are other renderings'.
	for _, p := range t.parts {
		if p.prog == nil {
			b.WriteString(p.text)
			continue
		}
		env.budget.reset()
		v, err := m.Run(p.prog, env)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			b.WriteString("?")
			continue
		}
		start := b.Len()
		writeValue(&b, v)
		if b.Len() > start {
			spans = append(spans, Span{start, b.Len()})
		}
		if b.Len() > maxFixBytes {
			break
		}
	}
	if b.Len() > maxFixBytes {
		text := truncateFix(b.String())
		return text, spans[:base+len(spansWithin(spans[base:], len(text)))], fmt.Errorf("%w: the fix is longer than %d bytes; it was cut", ErrOverBudget, maxFixBytes)
	}
	return b.String(), spans, firstErr
}

// spansWithin returns the spans that lie within the first n bytes, the
// last one cut at n.
func spansWithin(spans []Span, n int) []Span {
	out := spans[:0]
	for _, sp := range spans {
		if sp.Start >= n {
			break
		}
		sp.End = min(sp.End, n)
		out = append(out, sp)
	}
	return out
}

// appendValues appends the template's values for the environment's
// current record to dst, as the placeholders write them; a value that
// fails at run time is "".
func (t *template) appendValues(dst []string, m *vm.VM, env *Env) []string {
	for _, v := range t.values {
		env.budget.reset()
		out, err := m.Run(v.prog, env)
		if err != nil {
			dst = append(dst, "")
			continue
		}
		if s, ok := out.(string); ok {
			dst = append(dst, s)
			continue
		}
		var b strings.Builder
		writeValue(&b, out)
		dst = append(dst, b.String())
	}
	return dst
}

// valueLabels returns the labels of the template's values.
func (t *template) valueLabels() []string {
	out := make([]string, len(t.values))
	for i, v := range t.values {
		out[i] = v.label
	}
	return out
}

// addValues adds the data that a placeholder's expression shows to the
// template's values.
func (t *template) addValues(prog *vm.Program, tn *tenant) error {
	for _, n := range dataNodes(prog.Node()) {
		src := n.String()
		known := false
		for _, v := range t.values {
			known = known || v.src == src
		}
		if known {
			continue
		}
		vp, err := compileExpr(src, tn)
		if err != nil {
			return fmt.Errorf("value %s: %w", src, err)
		}
		t.values = append(t.values, templateValue{label: valueLabel(src, n), src: src, prog: vp})
	}
	return nil
}

// dataNodes returns the nodes of an expression that read sign-in data a
// text can show: fields of the record (IP, User.UPN) and calls of helpers
// that return text (PolicyNames("failure")), of string, list or integer
// type, in the order they appear.
func dataNodes(root ast.Node) []ast.Node {
	// A field compared with a constant (Flow != "interactive") chooses
	// words; it is not data the text shows.
	compared := map[ast.Node]bool{}
	ast.Walk(&root, visitor(func(n ast.Node) {
		if b, ok := n.(*ast.BinaryNode); ok && comparison[b.Operator] {
			compared[b.Left], compared[b.Right] = true, true
		}
	}))
	var out []ast.Node
	ast.Walk(&root, visitor(func(n ast.Node) {
		if !compared[n] && isDataNode(n) {
			out = append(out, n)
		}
	}))
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Location(), out[j].Location()
		return a.From < b.From
	})
	return out
}

// comparison are the operators whose operands are compared, not shown.
var comparison = map[string]bool{
	"==": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true, "in": true, "not in": true,
	"matches": true, "contains": true, "startsWith": true, "endsWith": true,
}

type visitor func(ast.Node)

func (v visitor) Visit(n *ast.Node) { v(*n) }

// envFieldsByName are the fields of Env: the record's and the helpers.
var envFieldsByName = func() map[string]reflect.StructField {
	m := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Env]()) {
		if !f.Anonymous {
			m[f.Name] = f
		}
	}
	return m
}()

func isDataNode(n ast.Node) bool {
	if !showable(n.Type()) {
		return false
	}
	switch x := n.(type) {
	case *ast.IdentifierNode:
		f, ok := envFieldsByName[x.Value]
		return ok && f.Type.Kind() != reflect.Func
	case *ast.MemberNode:
		if x.Method {
			return false
		}
		root := x.Node
		for {
			m, ok := root.(*ast.MemberNode)
			if !ok {
				break
			}
			root = m.Node
		}
		id, ok := root.(*ast.IdentifierNode)
		if !ok {
			return false
		}
		f, ok := envFieldsByName[id.Value]
		return ok && f.Type.Kind() != reflect.Func
	case *ast.CallNode:
		// Helpers that return text: an integer a helper returns (an IP
		// version) is a measure, not data.
		id, ok := x.Callee.(*ast.IdentifierNode)
		if !ok || n.Type().Kind() == reflect.Int {
			return false
		}
		f, ok := envFieldsByName[id.Value]
		return ok && f.Type.Kind() == reflect.Func
	}
	return false
}

// showable reports whether a value of type t reads as text: a string, a
// list of strings or an integer, not a boolean or a structure.
func showable(t reflect.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind() {
	case reflect.String, reflect.Int, reflect.Int64:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.String
	}
	return false
}

// fieldLabels name the fields a fix shows most often, for people.
var fieldLabels = map[string]string{
	"IP": "IP address", "IPSeenByResource": "IP seen by resource",
	"User.UPN": "user", "User.Name": "user name", "User.ID": "user ID",
	"App.Name": "app", "App.ID": "app ID", "Resource.Name": "resource", "Resource.ID": "resource ID",
	"ServicePrincipal.Name": "service principal", "ServicePrincipal.ID": "service principal ID",
	"Device.OS": "OS", "Device.ID": "device ID", "Device.Name": "device", "ClientApp": "client app",
	"UserAgent": "user agent", "Status.Code": "error code", "Status.Reason": "failure reason",
	"Location.City": "city", "Location.Country": "country",
}

// helperLabels name the values of the helpers that return data.
var helperLabels = map[string]string{
	"PolicyNames": "policy", "EvaluatedPolicies": "policy", "TrustedLocation": "trusted location", "NamedLocation": "named location",
	"NamedLocations": "named locations", "CountryLocations": "country location", "CodeName": "error name",
}

// valueLabel names a value for people: "IP address" for IP, "policy" for
// PolicyNames("failure"), "report-only policy" for
// PolicyNames("reportOnlyFailure"); else its expression.
func valueLabel(src string, n ast.Node) string {
	if l, ok := fieldLabels[src]; ok {
		return l
	}
	if c, ok := n.(*ast.CallNode); ok {
		id, _ := c.Callee.(*ast.IdentifierNode)
		if l, ok := helperLabels[id.Value]; ok {
			if len(c.Arguments) == 1 {
				switch arg := c.Arguments[0].(type) {
				case *ast.StringNode:
					if id.Value == "PolicyNames" && strings.HasPrefix(strings.ToLower(arg.Value), "reportonly") {
						return "report-only policy"
					}
				default:
					// TrustedLocation(IPSeenByResource): say of which
					// address, unless it is the sign-in's own.
					if a := arg.String(); a != "IP" && fieldLabels[a] != "" {
						return l + " of " + fieldLabels[a]
					}
				}
			}
			return l
		}
	}
	return src
}

// writeValue writes a placeholder's value as text.
func writeValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
	case string:
		b.WriteString(x)
	case []string:
		b.WriteString(strings.Join(x, ", "))
	case []any:
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, e)
		}
	case int:
		b.WriteString(strconv.Itoa(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case *bool:
		if x != nil {
			b.WriteString(strconv.FormatBool(*x))
		}
	default:
		fmt.Fprint(b, x)
	}
}

// String returns the template's text with its placeholders.
func (t *template) String() string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.prog == nil {
			b.WriteString(p.text)
		} else {
			b.WriteString("{{ " + p.src + " }}")
		}
	}
	return b.String()
}
