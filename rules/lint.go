package rules

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"

	"github.com/signinspect/signinspect/internal/errlist"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// Lint checks rule files as analyze --rules loads and compiles them, and
// reports every error of every file at once, in file and line order: a
// file's YAML or key errors do not hide the expression errors of its other
// rules or of the same rule, nor those of other files. With no paths it
// checks the built-in pack. It returns the rules that have no error; a
// rule's tests are not run (SelfTest runs them).
func Lint(paths ...string) ([]Rule, error) {
	var files []ruleSource
	var errs []error
	builtin := len(paths) == 0
	if builtin {
		var err error
		if files, errs, err = fsSources(builtinFS, "builtin"); err != nil {
			return nil, err
		}
	} else {
		files, errs = pathSources(paths)
	}
	var good, all []Rule
	var broken []bool
	for _, f := range files {
		ok, bad, fileErrs := parseFileAll(f.name, f.data)
		errs = append(errs, fileErrs...)
		for _, r := range ok {
			all, broken = append(all, r), append(broken, false)
		}
		for _, r := range bad {
			all, broken = append(all, r), append(broken, true)
		}
	}
	errs = append(errs, duplicateIDs(all)...)
	for i := range all {
		r := &all[i]
		r.Builtin = builtin
		var err error
		if broken[i] {
			_, err = compileParts(r, nil)
		} else if _, err = compileRule(r, nil); err == nil {
			good = append(good, *r)
		}
		errs = append(errs, errlist.Flatten(err)...)
	}
	return good, joinErrors(errs)
}

// lintExpr checks what expr's type checker cannot: the constant arguments
// of helper calls (a misspelt field name in Known("Polices") or a bad range
// in InCIDR(IP, "10.0.0.0/33") would otherwise be a silent false at run
// time), and bool-or-nil facts used as booleans (!Device.Compliant fails on
// every sign-in whose export does not say). tree is src checked, with its
// types.
func lintExpr(src string, tree *parser.Tree, t *tenant) error {
	l := &linter{t: t}
	ast.Walk(&tree.Node, l)
	if l.err != nil {
		return l.err.Bind(file.NewSource(src))
	}
	return nil
}

type linter struct {
	t   *tenant
	err *file.Error
}

// policyResults are the values HasPolicyControl, HasPolicyCondition and
// PolicyNames accept as a result.
var policyResults = []string{parse.CASuccess, parse.CAFailure, parse.CANotApplied, parse.CANotEnabled,
	parse.CAReportOnlySuccess, parse.CAReportOnlyFailure, parse.CAReportOnlyNotApplied,
	parse.CAReportOnlyInterrupted, parse.CAUnknown, parse.CAUnknownFutureValue}

// policyConditions are Graph's conditionalAccessConditions flags.
var policyConditions = []string{"none", "application", "users", "devicePlatform", "location",
	"clientType", "signInRisk", "userRisk", "time", "deviceState", "client",
	"ipAddressSeenByAzureAD", "ipAddressSeenByResourceProvider", "unknownFutureValue",
	"servicePrincipals", "servicePrincipalRisk"}

func (l *linter) Visit(node *ast.Node) {
	if l.err != nil {
		return
	}
	switch n := (*node).(type) {
	case *ast.UnaryNode:
		if (n.Operator == "!" || n.Operator == "not") && isNilBool(n.Node) {
			l.fail(n, "%s", nilBoolMessage(n.Node, n.Operator))
		}
		return
	case *ast.BinaryNode:
		switch n.Operator {
		case "&&", "||", "and", "or":
			for _, side := range []ast.Node{n.Left, n.Right} {
				if isNilBool(side) {
					l.fail(side, "%s", nilBoolMessage(side, n.Operator))
					return
				}
			}
		}
		return
	case *ast.ConditionalNode:
		if isNilBool(n.Cond) {
			l.fail(n.Cond, "%s", nilBoolMessage(n.Cond, "?:"))
		}
		return
	}
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	callee, ok := call.Callee.(*ast.IdentifierNode)
	if !ok {
		return
	}
	arg := func(i int) (ast.Node, string, bool) {
		if i >= len(call.Arguments) {
			return nil, "", false
		}
		s, ok := call.Arguments[i].(*ast.StringNode)
		if !ok {
			return call.Arguments[i], "", false
		}
		return s, s.Value, true
	}
	switch callee.Value {
	case "Known":
		n, name, ok := arg(0)
		switch {
		case n == nil:
		case !ok:
			l.fail(n, "Known takes a field name in quotes, like Known(\"Policies\")")
		default:
			if _, found := lookupField(name); !found {
				l.fail(n, "Known: no field %q (want one of %s)", name, fieldNameList())
			}
		}
	case "InCIDR":
		if n, cidr, ok := arg(1); ok {
			if _, err := policy.ParsePrefix(cidr); err != nil {
				l.fail(n, "InCIDR: %q is not a CIDR range (like 203.0.113.0/24 or 2001:db8::/48)", cidr)
			}
		}
	case "HasPolicyControl", "HasPolicyCondition", "PolicyNames":
		if n, result, ok := arg(0); ok && result != "" && !equalFoldAny(result, policyResults) {
			l.fail(n, "%s: %q is not a policy result (want one of %s, or \"\" for any)", callee.Value, result, strings.Join(policyResults, ", "))
		}
		if callee.Value == "HasPolicyCondition" {
			if n, cond, ok := arg(1); ok && cond != "" && !equalFoldAny(cond, policyConditions) {
				l.fail(n, "HasPolicyCondition: %q is not a condition (want one of %s, or \"\" for any)", cond, strings.Join(policyConditions, ", "))
			}
		}
	case "HasTrustedRanges":
		if len(call.Arguments) == 1 {
			if n, ok := call.Arguments[0].(*ast.IntegerNode); ok && n.Value != 0 && n.Value != 4 && n.Value != 6 {
				l.fail(n, "HasTrustedRanges: IP version %d; want 4, 6 or 0 for either", n.Value)
			}
		}
	case "BlockDecidedBy":
		l.condition(callee.Value, arg, 0)
	case "ConditionMatch":
		l.policy(callee.Value, arg, 0)
		l.condition(callee.Value, arg, 1)
	case "EvaluatedResult":
		l.policy(callee.Value, arg, 0)
	case "EvaluatedPolicies":
		if n, result, ok := arg(0); ok && result != "" && !equalFoldAny(result, policyResults) {
			l.fail(n, "EvaluatedPolicies: %q is not a policy result (want one of %s, or \"\" for any)", result, strings.Join(policyResults, ", "))
		}
	case "InNamedLocation":
		if n, name, ok := arg(1); ok && l.t.loc.Len() > 0 && !l.t.loc.Has(name) {
			l.fail(n, "InNamedLocation: no named location %q among the named locations", name)
		}
	}
}

// condition checks that constant argument i of a policy helper is a
// condition name.
func (l *linter) condition(helper string, arg func(int) (ast.Node, string, bool), i int) {
	if n, cond, ok := arg(i); ok {
		if _, found := policy.ParseCondition(cond); !found {
			l.fail(n, "%s: %q is not a condition (want one of %s)", helper, cond, strings.Join(policy.ConditionNames(), ", "))
		}
	}
}

// policy checks that constant argument i of a policy helper names a policy
// of --policies, when they are given.
func (l *linter) policy(helper string, arg func(int) (ast.Node, string, bool), i int) {
	if n, name, ok := arg(i); ok && l.t.policies != nil && !l.t.policies.HasPolicy(name) {
		l.fail(n, "%s: no policy %q among the policies", helper, name)
	}
}

func (l *linter) fail(n ast.Node, format string, args ...any) {
	l.err = &file.Error{Location: n.Location(), Message: fmt.Sprintf(format, args...)}
}

func equalFoldAny(s string, list []string) bool {
	for _, x := range list {
		if strings.EqualFold(s, x) {
			return true
		}
	}
	return false
}

// fieldNameList lists the names Known accepts.
func fieldNameList() string {
	var names []string
	for _, f := range parse.Fields() {
		names = append(names, f.String())
	}
	return strings.Join(names, ", ")
}
