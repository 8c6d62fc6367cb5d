package rules

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"
)

// Rule files and --where expressions may come from people other than the
// person who runs signinspect (a rule pack shared on a wiki, a ticket that
// says "run this"), so what one rule may cost is bounded at every step:
// before a file is parsed (its size and nesting), before an expression is
// parsed (its length and nesting), while it runs (expr's memory budget, a
// bound on the strings it builds, and a time budget per sign-in that also
// notices cancellation), and when its fix is rendered. A rule that goes over
// a run-time budget does not match; the error names the rule and is counted
// with the rule's other run errors in the report.
const (
	// maxRuleFileSize bounds one rule file. Rule files are a few
	// kilobytes; the bound also stops a mistaken path (a sign-in export
	// passed to --rules) from being parsed as YAML at length.
	maxRuleFileSize = 1 << 20
	// maxRuleFileDepth bounds how deeply a rule file nests, in flow
	// collections ([ and {) and indented blocks together, before the YAML
	// parser (which recurses once per level) sees it. A rule is four
	// levels deep; its test records add the nesting of a sign-in, about
	// six more.
	maxRuleFileDepth = 100
	// maxExprBytes bounds the text of one expression: a condition, a
	// placeholder of a fix or --where. The built-in pack's longest is under
	// 400 bytes.
	maxExprBytes = 8 << 10
	// maxExprDepth bounds the nesting of one expression (brackets and
	// runs of unary operators) before expr's parser, which recurses once
	// per level, sees it.
	maxExprDepth = 64
	// maxStringBytes bounds a string an expression builds with +, join or
	// replace, which expr's memory budget does not count: doubling a
	// string in a chain of lets would otherwise reach gigabytes in a few
	// dozen steps.
	maxStringBytes = 64 << 10
	// maxFixBytes bounds the rendered fix of one finding; a longer one is
	// cut, with an ellipsis, and counted as a run error of the rule's fix.
	maxFixBytes = 8 << 10
	// evalTimeBudget bounds the time one expression may take on one
	// sign-in. The built-in rules take microseconds.
	evalTimeBudget = 250 * time.Millisecond
	// memoryBudget is expr's memory budget for one evaluation, in its
	// units (about one per value a range, map or filter makes). expr's
	// default is ten times larger; a rule walks lists of a few dozen
	// policies or steps.
	memoryBudget = 100_000
	// maxOverBudget is how many sign-ins a rule may take too long on
	// before it stops being run at all; the sign-ins after are counted
	// as failed without running it, so that a slow rule cannot make a
	// large run last for days.
	maxOverBudget = 3
	// tickInterval is how many loop iterations pass between two looks at
	// the clock and the context.
	tickInterval = 256
)

// Names of the functions the budget patch inserts. They start with two
// underscores so that they cannot clash with signinspect's helpers (upper
// case) or expr's builtins (lower case).
const (
	tickFunc   = "__tick"
	concatFunc = "__concat"
)

// ErrOverBudget is wrapped by the run-time error of an expression that
// went over one of its budgets.
var ErrOverBudget = errors.New("over budget")

// errTimeBudget is the error of an expression that went over its time
// budget; errStoppedSlow is counted for the sign-ins after a rule went over
// it maxOverBudget times.
var (
	errTimeBudget  = fmt.Errorf("%w: took more than %v on one sign-in", ErrOverBudget, evalTimeBudget)
	errStoppedSlow = fmt.Errorf("%w: not run, after it took more than %v on %d sign-ins", ErrOverBudget, evalTimeBudget, maxOverBudget)
)

// evalBudget is the time budget of the evaluation under way in one Env.
type evalBudget struct {
	ctx   context.Context // Nil: not cancellable.
	ticks int             // Loop iterations so far; 0 before the first.
	start time.Time       // Time of the first iteration.
}

// reset readies the budget for the next evaluation. It does not read the
// clock: most expressions never loop, and the clock is read on the first
// iteration of the first loop.
func (b *evalBudget) reset() { b.ticks = 0 }

// tick counts one loop iteration and fails when the evaluation has run
// past its time budget or its context is done.
func (b *evalBudget) tick() error {
	if b.ticks == 0 {
		b.start = time.Now()
	}
	b.ticks++
	if b.ticks%tickInterval != 0 {
		return nil
	}
	if b.ctx != nil {
		if err := b.ctx.Err(); err != nil {
			return err
		}
	}
	if time.Since(b.start) > evalTimeBudget {
		return errTimeBudget
	}
	return nil
}

// boundedBuiltins are the builtins that budgetOptions replaces with
// bounded functions of the same name and meaning.
var boundedBuiltins = []string{"join", "replace"}

// IsBoundedBuiltin reports whether name is one of expr's builtins that
// the rule language replaces with a bounded function of the same meaning:
// in a checked tree it is a call, not a builtin, and a translator reads it
// as the builtin.
func IsBoundedBuiltin(name string) bool { return slices.Contains(boundedBuiltins, name) }

// budgetOptions are the expr options that enforce the run-time budgets:
// the tick that loops call, the bounded concatenation, and bounded
// versions of the builtins join and replace. budgetPatch makes expressions
// call the first two.
func budgetOptions() []expr.Option {
	return []expr.Option{
		expr.Function(tickFunc, func(args ...any) (any, error) {
			if env, ok := args[0].(*Env); ok && env.budget != nil {
				if err := env.budget.tick(); err != nil {
					return nil, err
				}
			}
			return true, nil
		}, new(func(any) bool)),
		expr.Function(concatFunc, func(args ...any) (any, error) {
			a, b := args[0].(string), args[1].(string)
			if err := checkStringSize(len(a) + len(b)); err != nil {
				return nil, err
			}
			return a + b, nil
		}, new(func(string, string) string)),
		expr.DisableBuiltin("join"),
		expr.Function("join", boundedJoin, new(func([]string) string), new(func([]string, string) string),
			new(func([]any) string), new(func([]any, string) string)),
		expr.DisableBuiltin("replace"),
		expr.Function("replace", boundedReplace, new(func(string, string, string) string)),
	}
}

func checkStringSize(n int) error {
	if n > maxStringBytes {
		return fmt.Errorf("%w: builds a text of %d bytes, more than the %d allowed", ErrOverBudget, n, maxStringBytes)
	}
	return nil
}

// boundedJoin is expr's join(list, glue) with its result bounded.
func boundedJoin(args ...any) (any, error) {
	glue := ""
	if len(args) == 2 {
		glue = args[1].(string)
	}
	var parts []string
	switch list := args[0].(type) {
	case []string:
		parts = list
	case []any:
		parts = make([]string, len(list))
		for i, v := range list {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("join: item %d is %s, not text", i+1, typeWord(v))
			}
			parts[i] = s
		}
	}
	n := len(glue) * max(len(parts)-1, 0)
	for _, p := range parts {
		n += len(p)
	}
	if err := checkStringSize(n); err != nil {
		return nil, err
	}
	return strings.Join(parts, glue), nil
}

// boundedReplace is expr's replace(s, old, new) with its result bounded.
func boundedReplace(args ...any) (any, error) {
	s, old, repl := args[0].(string), args[1].(string), args[2].(string)
	n := strings.Count(s, old)
	if err := checkStringSize(len(s) + n*(len(repl)-len(old))); err != nil {
		return nil, err
	}
	return strings.ReplaceAll(s, old, repl), nil
}

// typeWord names the kind of a value for messages, in the words of the
// rule language rather than Go's.
func typeWord(v any) string {
	switch v.(type) {
	case nil:
		return "nil"
	case string:
		return "text"
	case int, int64, float64:
		return "a number"
	case bool:
		return "a boolean"
	case time.Time:
		return "a time"
	}
	return "a value of another kind"
}

// budgetPatch rewrites a checked expression tree so that its run-time
// budgets hold: the body of every closure (the predicates of all, any,
// filter, map, reduce, ...) first calls the tick, which bounds loops in
// time and lets cancellation stop them, and + between texts becomes the
// bounded concatenation.
type budgetPatch struct{}

func (budgetPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.PredicateNode:
		if seq, ok := n.Node.(*ast.SequenceNode); ok && isTick(seq) {
			return
		}
		tick := &ast.CallNode{Callee: &ast.IdentifierNode{Value: tickFunc}, Arguments: []ast.Node{&ast.IdentifierNode{Value: "$env"}}}
		seq := &ast.SequenceNode{Nodes: []ast.Node{tick, n.Node}}
		loc := n.Node.Location()
		tick.SetLocation(loc)
		tick.Callee.SetLocation(loc)
		tick.Arguments[0].SetLocation(loc)
		seq.SetLocation(loc)
		n.Node = seq
	case *ast.BinaryNode:
		if n.Operator != "+" || !isString(n.Left) || !isString(n.Right) {
			return
		}
		call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: concatFunc}, Arguments: []ast.Node{n.Left, n.Right}}
		call.SetLocation(n.Location())
		call.Callee.SetLocation(n.Location())
		ast.Patch(node, call)
	}
}

func isTick(seq *ast.SequenceNode) bool {
	if len(seq.Nodes) != 2 {
		return false
	}
	c, ok := seq.Nodes[0].(*ast.CallNode)
	if !ok {
		return false
	}
	id, ok := c.Callee.(*ast.IdentifierNode)
	return ok && id.Value == tickFunc
}

func isString(n ast.Node) bool {
	t := n.Type()
	return t != nil && t.Kind() == reflect.String
}

// checkExprShape bounds an expression's length and nesting before expr
// parses it. Brackets inside string literals do not count.
func checkExprShape(src string) error {
	if len(src) > maxExprBytes {
		return fmt.Errorf("the expression is %d bytes long; at most %d are allowed", len(src), maxExprBytes)
	}
	depth, unary := 0, 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"', '\'', '`':
			// Skip the literal, with its backslash escapes (none in
			// backquoted raw strings).
			for i++; i < len(src) && src[i] != c; i++ {
				if src[i] == '\\' && c != '`' {
					i++
				}
			}
			unary = 0
			continue
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth = max(depth-1, 0)
		case '!', '-', '+':
			if c == '!' && i+1 < len(src) && src[i+1] == '=' {
				unary = 0
				continue
			}
			unary++
		case ' ', '\t', '\r', '\n':
			continue
		default:
			if c == 'n' && strings.HasPrefix(src[i:], "not ") && (i == 0 || !isIdentByte(src[i-1])) {
				unary++
				i += 2
			} else {
				unary = 0
			}
		}
		if depth+unary > maxExprDepth {
			return fmt.Errorf("the expression nests more than %d levels deep", maxExprDepth)
		}
	}
	return nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// checkYAMLShape bounds how deeply a rule file nests before the YAML parser
// sees it. The depth is that of flow collections plus that of indented
// blocks, from the tokens of goccy/go-yaml's lexer, which does not recurse.
// It returns the line where the nesting passes the bound.
func checkYAMLShape(data []byte) (int, error) {
	var indents []int
	flow, lastLine := 0, 0
	for _, tk := range lexer.Tokenize(string(data)) {
		if tk.Position == nil {
			continue
		}
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			flow = max(flow-1, 0)
		}
		if tk.Position.Line != lastLine && flow == 0 {
			lastLine = tk.Position.Line
			col := tk.Position.Column
			for len(indents) > 0 && indents[len(indents)-1] >= col {
				indents = indents[:len(indents)-1]
			}
			indents = append(indents, col)
		}
		if d := flow + len(indents); d > maxRuleFileDepth {
			return tk.Position.Line, fmt.Errorf("nested more than %d levels deep", maxRuleFileDepth)
		}
	}
	return 0, nil
}

// truncateFix cuts a rendered fix that is longer than maxFixBytes at a
// rune boundary and marks the cut.
func truncateFix(s string) string {
	cut := maxFixBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
