package rules

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// lintExpr checks the constant arguments of helper calls, which expr's type
// checker cannot: a misspelt field name in Known("Polices") or a bad range
// in InCIDR(IP, "10.0.0.0/33") would otherwise be a silent false at run
// time. src has already compiled.
func lintExpr(src string, t *tenant) error {
	tree, err := parser.Parse(src)
	if err != nil {
		return err
	}
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
