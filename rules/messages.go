package rules

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"

	"github.com/signinspect/signinspect/internal/suggest"
)

// This file turns expr's compile errors into messages that say what to do,
// in the words of the rule language: a misspelt name gets "did you mean"
// (Graph's spelling included: ipAddress is IP), Go's type names give way to
// plain ones, and the pitfalls REFERENCE.md warns about get their remedy.
// Messages keep expr's position and caret excerpt.

var (
	unknownNameRE = regexp.MustCompile(`^unknown name (\S+)$`)
	noFieldRE     = regexp.MustCompile(`^type (\S+) has no field (\S+)$`)
	mismatchRE    = regexp.MustCompile(`^invalid operation: (\S+) \(mismatched types (.+) and (.+)\)$`)
	nilBoolRE     = regexp.MustCompile(`^expected bool, but got \*bool$`)
	predicateRE   = regexp.MustCompile(`^predicate should return boolean \(got \*bool\)$`)
)

// explainExprError rewrites the message of an expr error about src.
func explainExprError(src string, err error) error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		// expr reports a result of the wrong type without a position.
		if nilBoolRE.MatchString(err.Error()) {
			return errors.New(nilBoolCondition(src))
		}
		return err
	}
	msg := fe.Message
	switch {
	case msg == "unknown name now":
		msg = "now() is not available: a rule depends on the sign-in, never on when it runs; compare Time with date(...)"
	case unknownNameRE.MatchString(msg):
		name := unknownNameRE.FindStringSubmatch(msg)[1]
		if s := suggestName(name); s != "" {
			msg += "; did you mean " + s + "?"
		}
	case noFieldRE.MatchString(msg):
		m := noFieldRE.FindStringSubmatch(msg)
		owner := memberOwner(src, fe.Location)
		if owner == "" {
			owner = strings.TrimPrefix(m[1], "parse.")
		}
		msg = fmt.Sprintf("%s has no field %s", owner, m[2])
		if s := suggestField(m[1], m[2]); s != "" {
			msg += "; did you mean " + owner + "." + s + "?"
		}
	case mismatchRE.MatchString(msg):
		msg = explainMismatch(src, fe.Location, mismatchRE.FindStringSubmatch(msg))
	case strings.HasPrefix(msg, `unexpected token Operator("=")`):
		msg += "; compare with == (a single = is not an operator)"
	case nilBoolRE.MatchString(msg):
		msg = nilBoolCondition(src)
	case predicateRE.MatchString(msg):
		msg = "this test is true, false or nil (nil when the export does not say); compare it: " +
			"== true, != true (false or unknown) or == nil"
	}
	fe.Message = plainTypes(msg)
	return fe
}

// nilBoolCondition explains a condition that is a bool-or-nil fact.
func nilBoolCondition(src string) string {
	return "the condition is true, false or nil (nil when the export does not say); compare it: " + shorten(src) + " == true"
}

// shorten returns an expression for quoting in a message.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 40 {
		return "(...)"
	}
	if strings.ContainsAny(s, " ") {
		return "(" + s + ")"
	}
	return s
}

// plainTypes replaces Go's type names in a message by the rule language's.
var plainTypes = strings.NewReplacer("*bool", "bool or nil", "time.Time", "time", "time.Duration", "duration",
	"parse.", "", "[]interface {}", "list", "interface {}", "any").Replace

// typeWords names a type of expr's messages for a sentence.
func typeWords(t string) string {
	switch {
	case t == "int" || t == "float64" || t == "int64":
		return "a number"
	case t == "string":
		return "text"
	case t == "bool":
		return "true or false"
	case t == "*bool":
		return "true, false or nil"
	case t == "time.Time":
		return "a time"
	case t == "time.Duration":
		return "a duration"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	}
	return plainTypes(t)
}

// explainMismatch rewrites "invalid operation: OP (mismatched types A and
// B)" with the operands, and the remedy for the common cases: a number
// quoted as text, and a time compared with text.
func explainMismatch(src string, loc file.Location, m []string) string {
	op, left, right := m[1], m[2], m[3]
	l, r := binaryOperands(src, loc, op)
	describe := func(words, node string) string {
		if node == "" {
			return words
		}
		return words + " (" + node + ")"
	}
	msg := fmt.Sprintf("%s compares %s with %s", op, describe(typeWords(left), l), describe(typeWords(right), r))
	num := regexp.MustCompile(`^"-?[0-9]+"$`)
	switch {
	case left == "int" && right == "string" && num.MatchString(r):
		msg += fmt.Sprintf("; write the number without quotes: %s %s %s", l, op, strings.Trim(r, `"`))
	case left == "string" && right == "int" && num.MatchString(l):
		msg += fmt.Sprintf("; write the number without quotes: %s %s %s", strings.Trim(l, `"`), op, r)
	case left == "time.Time" && right == "string" && r != "":
		msg += fmt.Sprintf("; make the text a time: %s %s date(%s)", l, op, r)
	case left == "string" && right == "time.Time" && l != "":
		msg += fmt.Sprintf("; make the text a time: date(%s) %s %s", l, op, r)
	}
	return msg
}

// binaryOperands returns the operands, as expressions, of the binary
// operation at loc in src, or "" when it cannot be found.
func binaryOperands(src string, loc file.Location, op string) (string, string) {
	tree, err := parser.Parse(src)
	if err != nil {
		return "", ""
	}
	var l, r string
	ast.Find(tree.Node, func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryNode)
		if ok && b.Operator == op && b.Location() == loc {
			l, r = b.Left.String(), b.Right.String()
			return true
		}
		return false
	})
	return l, r
}

// memberOwner returns the expression whose field is accessed at loc:
// "User" for User.Upn, "Policies[0]" for Policies[0].Reslt.
func memberOwner(src string, loc file.Location) string {
	tree, err := parser.Parse(src)
	if err != nil {
		return ""
	}
	owner := ""
	ast.Find(tree.Node, func(n ast.Node) bool {
		m, ok := n.(*ast.MemberNode)
		if ok && m.Property != nil && m.Property.Location() == loc {
			owner = m.Node.String()
			return true
		}
		return false
	})
	return owner
}

// topNames are the names an expression may start with: the record's
// top-level fields, the helpers and expr's builtins.
var topNames = func() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, f := range envFields() {
		add(f.path[:strings.IndexAny(f.path+".", ".[")])
	}
	for _, h := range envHelpers() {
		add(h.name)
	}
	for _, b := range builtin.Builtins {
		if b.Name != "now" {
			add(b.Name)
		}
	}
	return out
}()

// structFields maps the Go names of the record's struct types ("parse.User")
// to their fields and to the path prefixes they appear under ("User.",
// "Policies[].").
var structFields = func() map[string]struct {
	fields   []string
	prefixes []string
} {
	m := map[string]struct {
		fields   []string
		prefixes []string
	}{}
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			ft := f.Type
			sub := prefix + f.Name + "."
			if ft.Kind() == reflect.Slice {
				ft, sub = ft.Elem(), prefix+f.Name+"[]."
			}
			if ft.Kind() != reflect.Struct || ft == timeType {
				continue
			}
			e := m[ft.String()]
			if e.fields == nil {
				for j := 0; j < ft.NumField(); j++ {
					if ft.Field(j).IsExported() {
						e.fields = append(e.fields, ft.Field(j).Name)
					}
				}
			}
			e.prefixes = append(e.prefixes, sub)
			m[ft.String()] = e
			walk(ft, sub)
		}
	}
	walk(reflect.TypeOf(record{}), "")
	return m
}()

// suggestName returns the name closest to an unknown one: the same name in
// another case, the field a Graph key is read from (ipAddress: IP), or a
// name a typo or two away.
func suggestName(name string) string {
	if s := sameFold(name, topNames); s != "" {
		return s
	}
	if p, ok := graphAliases[strings.ToLower(name)]; ok {
		return p
	}
	return closest(name, topNames)
}

// suggestField returns the field of the struct type typ closest to name.
func suggestField(typ, name string) string {
	e, ok := structFields[typ]
	if !ok {
		return ""
	}
	if s := sameFold(name, e.fields); s != "" {
		return s
	}
	if p, ok := graphAliases[strings.ToLower(name)]; ok {
		for _, prefix := range e.prefixes {
			if rest, ok := strings.CutPrefix(p, prefix); ok && !strings.ContainsAny(rest, ".[") {
				return rest
			}
		}
	}
	return closest(name, e.fields)
}

func sameFold(name string, names []string) string {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return n
		}
	}
	return ""
}

// closest returns the name of names within a small edit distance of name,
// ignoring case, or "".
func closest(name string, names []string) string {
	limit := 1
	switch {
	case len(name) > 8:
		limit = 3
	case len(name) > 4:
		limit = 2
	}
	best, bestDist := "", limit+1
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	for _, n := range sorted {
		if d := suggest.Distance(strings.ToLower(name), strings.ToLower(n)); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// nilBoolMessage explains why an operator must not take a bool-or-nil
// field as is, and what to write instead.
func nilBoolMessage(operand ast.Node, use string) string {
	x := operand.String()
	return fmt.Sprintf("%s is true, false or nil (nil when the export does not say), and %s fails on nil: "+
		"write %s == true, %s != true (false or unknown), %s == false or %s == nil", x, use, x, x, x, x)
}

// isNilBool reports whether a checked node is a bool-or-nil value.
func isNilBool(n ast.Node) bool {
	t := n.Type()
	return t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Bool
}
