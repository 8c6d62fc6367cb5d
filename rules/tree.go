package rules

import (
	"github.com/expr-lang/expr/ast"

	"github.com/signinspect/signinspect/parse"
)

// This file gives tools that translate rules into other languages (the kql
// package) what they need beyond running them: an expression's typed tree,
// a fix split into text and placeholders, the records of a rule's test
// cases, and errors positioned in the rule's file.

// CheckedTree parses an expression of the rule language (a `when`, a fix
// placeholder or a --where filter) and type-checks it against Env, as
// Compile does but without optimizing it, so that the tree is the one
// written: every node has its type set, and `x in [1, 2]` is still an
// array, not a folded set.
func CheckedTree(src string) (ast.Node, error) {
	tree, err := checkedTree(src, exprOptions())
	if err != nil {
		return nil, err
	}
	return tree.Node, nil
}

// A FixPart is a piece of a rule's fix: literal Text, or the expression
// Expr of a {{ }} placeholder, which starts at byte Offset of the fix.
type FixPart struct {
	Text   string
	Expr   string
	Offset int
}

// FixParts returns the rule's fix as text and placeholders, in order.
func (c *Compiled) FixParts() []FixPart {
	parts := make([]FixPart, len(c.fix.parts))
	for i, p := range c.fix.parts {
		if p.prog == nil {
			parts[i] = FixPart{Text: p.text}
		} else {
			parts[i] = FixPart{Expr: p.src, Offset: p.offset}
		}
	}
	return parts
}

// CaseRecord returns the record of the rule's i-th test case as the rule
// sees it: decoded, and cleared to the case's format. The record is shared:
// do not modify it.
func (c *Compiled) CaseRecord(i int) *parse.Record { return c.cases[i].record }

// ExprError returns err, an error found in the rule's `when` or `fix` (key),
// as a *RuleError on the line of the rule's file where it is. offset is the
// byte offset of the expression within the key's text (a fix placeholder's
// FixPart.Offset; 0 for `when`); a *file.Error's Line counts lines from
// there, as expr's own errors do.
func (r *Rule) ExprError(key string, offset int, err error) error {
	pos := r.pos.when
	if key == "fix" {
		pos = r.pos.fix
	}
	return r.exprError(key, pos, offset, err)
}
