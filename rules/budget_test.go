package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr/vm"

	"github.com/signinspect/signinspect/parse"
)

// ruleFile returns a rule file around a when expression and a fix.
func ruleFile(when, fix string) string {
	return "id: hostile\ntitle: Hostile\nseverity: low\nstatus: stable\ndescription: A hostile rule.\n" +
		"when: " + when + "\nfix: " + fix + "\n"
}

// TestHostileRuleFilesFailFast loads the hostile inputs of issue 13, built
// here, and checks that each is refused before the YAML or expr parser
// recurses, with an error naming the file, line and rule.
func TestHostileRuleFilesFailFast(t *testing.T) {
	deepRecord := ruleFile("'true'", "x") + "tests:\n  - name: deep\n    match: true\n    record: " +
		strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"
	var block strings.Builder
	block.WriteString(ruleFile("'true'", "x") + "tests:\n  - name: deep\n    match: true\n    record:\n")
	for i := range 120 {
		fmt.Fprintf(&block, "%sk%d:\n", strings.Repeat(" ", 6+i), i)
	}
	for _, c := range []struct {
		name, data, want string
	}{
		{"100,000-deep flow sequence", deepRecord, "hostile.yaml:11: nested more than 100 levels deep"},
		{"120-deep block mapping", block.String(), "hostile.yaml:109: nested more than 100 levels deep"},
		{"2 MB file", ruleFile("'true'", "x") + "# " + strings.Repeat("x", 2<<20) + "\n",
			fmt.Sprintf("hostile.yaml: %d bytes is too large for a rule file (limit 1048576)", len(ruleFile("'true'", "x"))+2<<20+3)},
		{"1 MB of nested (", ruleFile("'"+strings.Repeat("(", 500000)+"true"+strings.Repeat(")", 500000)+"'", "x"),
			"hostile.yaml:6: rule hostile: when: the expression is 1000004 bytes long; at most 8192 are allowed"},
		{"1 MB of !", ruleFile("'"+strings.Repeat("!", 1000000)+"true'", "x"),
			"hostile.yaml:6: rule hostile: when: the expression is 1000004 bytes long; at most 8192 are allowed"},
		{"100 nested (", ruleFile("'"+strings.Repeat("(", 100)+"true"+strings.Repeat(")", 100)+"'", "x"),
			"hostile.yaml:6: rule hostile: when: the expression nests more than 64 levels deep"},
		{"100 nested [", ruleFile("'"+strings.Repeat("[", 100)+strings.Repeat("]", 100)+" != nil'", "x"),
			"hostile.yaml:6: rule hostile: when: the expression nests more than 64 levels deep"},
		{"100 negations", ruleFile("'"+strings.Repeat("! ", 100)+"true'", "x"),
			"hostile.yaml:6: rule hostile: when: the expression nests more than 64 levels deep"},
		{"100 nots", ruleFile("'"+strings.Repeat("not ", 100)+"true'", "x"),
			"hostile.yaml:6: rule hostile: when: the expression nests more than 64 levels deep"},
		{"a deep placeholder", ruleFile("'true'", "'{{ "+strings.Repeat("(", 70)+"1"+strings.Repeat(")", 70)+" }}'"),
			"hostile.yaml:7: rule hostile: fix: the expression nests more than 64 levels deep"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			rs, err := Parse("hostile.yaml", []byte(c.data))
			if err == nil {
				_, err = Compile(rs, nil)
			}
			if err == nil || err.Error() != c.want {
				t.Errorf("error:\n%v\nwant:\n%s", err, c.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestExprShapeAllowsRealExpressions checks that brackets and operators in
// string literals do not count toward the nesting bound, and that the
// built-in pack is far from it.
func TestExprShapeAllowsRealExpressions(t *testing.T) {
	for _, src := range []string{
		`ContainsFold(Status.Reason, "` + strings.Repeat("(((!", 40) + `")`,
		"UserAgent matches `" + strings.Repeat("[", 80) + "`",
		`Status.Code != 0 && IP != "" && !(Flow == "interactive")`,
		`x not in [1, 2]`,
	} {
		if err := checkExprShape(src); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if len(r.When) > maxExprBytes/4 {
			t.Errorf("%s: when is %d bytes, close to the bound", r.ID, len(r.When))
		}
	}
}

// compileOne compiles one Go rule or fails the test.
func compileOne(t *testing.T, when, fix string) *Set {
	t.Helper()
	s, err := Compile([]Rule{goRule("hostile", when, fix)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRunTimeBudgets runs hostile expressions of issue 13 on generated
// sign-ins: each fails fast with a run error that names the rule and counts
// every sign-in it failed on.
func TestRunTimeBudgets(t *testing.T) {
	var doubling strings.Builder
	doubling.WriteString(`let a0 = "xxxxxxxxxxxxxxxx"; `)
	for i := 1; i <= 28; i++ {
		fmt.Fprintf(&doubling, "let a%d = a%d + a%d; ", i, i-1, i-1)
	}
	doubling.WriteString("len(a28) > 0")
	for _, c := range []struct {
		name, when, fix, want string
	}{
		{"string doubling", doubling.String(), "x", "builds a text of 131072 bytes, more than the 65536 allowed"},
		{"join with a long glue", `len(join(map(1..1000, "x"), repeat("y", 1000))) > 0`, "x", "builds a text of 1000000 bytes"},
		{"replace that multiplies", `len(replace(repeat("x", 1000), "", repeat("y", 1000))) > 0`, "x", "builds a text of 1002000 bytes"},
		{"a large range", `len(map(1..1000000, #)) > 0`, "x", "memory budget exceeded"},
		{"a fix of 1 MB", "true", `{{ join(map(1..100000, "xxxxxxxxxx"), "") }}`, "memory budget exceeded"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := compileOne(t, c.when, c.fix)
			ev := s.NewEvaluator()
			start := time.Now()
			for range 5 {
				ev.Eval(testRecord())
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("5 sign-ins took %v", d)
			}
			errs := s.RunErrors()
			if len(errs) != 1 || errs[0].RuleID != "hostile" || errs[0].Count != 5 || !strings.Contains(errs[0].Error(), c.want) {
				t.Fatalf("run errors: %v; want one of rule hostile, on 5 sign-ins, saying %q", errs, c.want)
			}
		})
	}
}

func TestFixTextIsBounded(t *testing.T) {
	s := compileOne(t, "true", `{{ RequestID }}{{ repeat("x", 9000) }}{{ "never written" }}`)
	ms := s.NewEvaluator().Eval(testRecord())
	if len(ms) != 1 {
		t.Fatalf("%d matches", len(ms))
	}
	if fix := ms[0].Fix; len(fix) != maxFixBytes+len("…") || !strings.HasSuffix(fix, "x…") {
		t.Errorf("fix of %d bytes ends %q", len(fix), fix[max(len(fix)-10, 0):])
	}
	errs := s.RunErrors()
	if len(errs) != 1 || errs[0].Key != "fix" || !errors.Is(errs[0], ErrOverBudget) ||
		!strings.Contains(errs[0].Error(), "the fix is longer than 8192 bytes; it was cut") {
		t.Errorf("run errors: %v", errs)
	}
}

// TestSlowRuleIsStopped checks the time budget: nested loops over 1..1000
// go over it on the first sign-ins, after which the rule is not run again,
// and every sign-in is counted.
func TestSlowRuleIsStopped(t *testing.T) {
	s := compileOne(t, `let r = 1..1000; all(r, all(r, all(r, true)))`, "x")
	ev := s.NewEvaluator()
	start := time.Now()
	for range 20 {
		if len(ev.Eval(testRecord())) != 0 {
			t.Fatal("the slow rule matched")
		}
	}
	if d := time.Since(start); d > time.Duration(maxOverBudget+4)*evalTimeBudget {
		t.Errorf("20 sign-ins took %v", d)
	}
	errs := s.RunErrors()
	if len(errs) != 1 || errs[0].Count != 20 || !errors.Is(errs[0], ErrOverBudget) ||
		!strings.Contains(errs[0].Error(), "rule hostile: when: failed on 20 sign-ins") ||
		!strings.Contains(errs[0].Error(), "took more than 250ms on one sign-in") {
		t.Errorf("run errors: %v", errs)
	}
}

// TestCancellationReachesEvaluation cancels the context while a rule loops:
// evaluation stops at once, and the stop is not a rule error.
func TestCancellationReachesEvaluation(t *testing.T) {
	s := compileOne(t, `let r = 1..1000; all(r, all(r, all(r, true)))`, "x")
	ctx, cancel := context.WithCancel(context.Background())
	ev := s.NewEvaluatorContext(ctx)
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	ev.Eval(testRecord())
	if d := time.Since(start); d > evalTimeBudget/2 {
		t.Errorf("evaluation went on for %v after the cancel", d)
	}
	if errs := s.RunErrors(); len(errs) != 0 {
		t.Errorf("cancellation recorded as a rule error: %v", errs)
	}
}

// TestWhereBudget checks that --where is bounded like a rule, and that the
// sign-ins it cannot judge are counted, not silently dropped.
func TestWhereBudget(t *testing.T) {
	f, err := CompileFilter(`let r = 1..1000; all(r, all(r, all(r, true)))`, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := f.NewMatcher()
	for range 10 {
		if m.Match(testRecord()) {
			t.Fatal("matched")
		}
	}
	e := f.RunError()
	if e == nil || e.Count != 10 || e.Key != "where" || !errors.Is(e, ErrOverBudget) {
		t.Errorf("run error: %v", e)
	}
}

// FuzzExprBudget compiles arbitrary expressions as rule conditions and,
// when they compile, evaluates them on a sign-in under the budgets. Nothing
// may panic, and no evaluation may outlast the time budget by much.
//
// The seed corpus is testdata/fuzz/FuzzExprBudget plus the conditions and
// placeholders of the built-in pack.
func FuzzExprBudget(f *testing.F) {
	rs, err := Builtin()
	if err != nil {
		f.Fatal(err)
	}
	for _, r := range rs {
		f.Add(r.When)
	}
	for _, seed := range []string{
		`let r = 1..1000; all(r, all(r, true))`,
		`let a = "xx"; let b = a + a; let c = b + b; len(c) > 0`,
		`len(join(map(1..100, "x"), repeat("y", 700))) > 0`,
		`any(Policies, {.Result == "failure" && "Block" in .GrantControls})`,
		`reduce(1..500, #acc + len(string(#)), 0) > 0`,
	} {
		f.Add(seed)
	}
	rec := testRecord()
	rec.Device.Compliant = parse.BoolPtr(true)
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := compileExpr(src, nil)
		if err != nil {
			return
		}
		env := newEnv((&Context{}).tenant())
		env.record = (*record)(rec)
		m := vm.VM{MemoryBudget: memoryBudget}
		start := time.Now()
		_, _ = m.Run(prog, env)
		if d := time.Since(start); d > 4*evalTimeBudget {
			t.Fatalf("%q ran for %v", src, d)
		}
	})
}
