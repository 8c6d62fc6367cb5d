package rules

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

var update = flag.Bool("update", false, "rewrite the generated tables of REFERENCE.md")

// TestFieldDocsMatchEnv checks that reference.go documents every field and
// helper of Env, and nothing else.
func TestFieldDocsMatchEnv(t *testing.T) {
	for _, err := range checkFieldDocs() {
		t.Error(err)
	}
	if len(Fields()) < 50 || len(Helpers()) < 15 {
		t.Errorf("only %d fields and %d helpers", len(Fields()), len(Helpers()))
	}
}

// referenceTables returns the generated tables of REFERENCE.md, by the
// name of their marker.
func referenceTables() map[string]string {
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	code := func(s string) string {
		if s == "" {
			return ""
		}
		return "`" + cell(s) + "`"
	}
	var fields, helpers, values bytes.Buffer
	fields.WriteString("| field | type | Graph key | meaning | example |\n|---|---|---|---|---|\n")
	for _, f := range Fields() {
		fmt.Fprintf(&fields, "| %s | %s | %s | %s | %s |\n", code(f.Path), code(f.Type), code(f.Graph), cell(f.Meaning), code(f.Example))
	}
	helpers.WriteString("| helper | meaning | example |\n|---|---|---|\n")
	for _, h := range Helpers() {
		fmt.Fprintf(&helpers, "| %s | %s | %s |\n", code(h.Signature), cell(h.Meaning), code(h.Example))
	}
	values.WriteString("| field | values |\n|---|---|\n")
	for _, v := range Values() {
		fmt.Fprintf(&values, "| %s | %s |\n", v.Fields, v.Values)
	}
	return map[string]string{"fields": fields.String(), "helpers": helpers.String(), "values": values.String()}
}

const (
	beginMarker = "<!-- generated from rules/reference.go (go test ./rules -update): %s -->\n"
	endMarker   = "<!-- end of generated %s -->\n"
)

// TestReferenceIsGenerated checks that REFERENCE.md's tables of fields,
// helpers and values are those reference.go generates, so that the file
// and `signinspect rules fields` say the same. go test ./rules -update
// rewrites them.
func TestReferenceIsGenerated(t *testing.T) {
	data, err := os.ReadFile("REFERENCE.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, name := range []string{"fields", "helpers", "values"} {
		table := referenceTables()[name]
		begin, end := fmt.Sprintf(beginMarker, name), fmt.Sprintf(endMarker, name)
		i, j := strings.Index(text, begin), strings.Index(text, end)
		if i < 0 || j < i {
			t.Fatalf("REFERENCE.md lacks the markers %q and %q", strings.TrimSpace(begin), strings.TrimSpace(end))
		}
		got := text[i+len(begin) : j]
		if got == table {
			continue
		}
		if *update {
			text = text[:i+len(begin)] + table + text[j:]
			continue
		}
		t.Errorf("REFERENCE.md's %s table is not what reference.go generates; run go test ./rules -update", name)
	}
	if *update && text != string(data) {
		if err := os.WriteFile("REFERENCE.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReferenceExamplesCompile compiles every example of the reference as
// a rule condition, and runs it on a sample record, so that the examples
// stay correct.
func TestReferenceExamplesCompile(t *testing.T) {
	env := newEnv((&Context{}).tenant())
	env.record = (*record)(testRecord())
	var m vm.VM
	examples := map[string]string{}
	for _, f := range Fields() {
		examples["field "+f.Path] = f.Example
	}
	for _, h := range Helpers() {
		examples["helper "+h.Name] = h.Example
	}
	for name, ex := range examples {
		prog, err := compileExpr(ex, (&Context{}).tenant(), expr.AsBool())
		if err != nil {
			t.Errorf("example of %s does not compile: %v", name, err)
			continue
		}
		if _, err := runBool(&m, prog, env); err != nil {
			t.Errorf("example of %s fails on a sample record: %v", name, err)
		}
	}
}

// TestHelpersTakeTheFastPath checks that expr calls every helper without
// reflection: its type must be one of expr's predefined function types.
func TestHelpersTakeTheFastPath(t *testing.T) {
	fast := map[reflect.Type]bool{}
	for _, ft := range vm.FuncTypes {
		if ft != nil {
			fast[reflect.TypeOf(ft).Elem()] = true
		}
	}
	for _, h := range envHelpers() {
		if !fast[h.t] {
			t.Errorf("helper %s has type %s, which expr calls through reflection; use a type of vm.FuncTypes", h.name, h.t)
		}
	}
}
