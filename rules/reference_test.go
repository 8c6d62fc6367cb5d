package rules

import (
	"bufio"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// A docEntry is one row of REFERENCE.md's field or helper table.
type docEntry struct {
	name, typ, example string
}

// envFields lists the record fields rules see, by path, with their types,
// by reflection over Env: nested structs by their fields (User.UPN), slices
// of structs as a whole and by element field (Policies, Policies[].Result).
// Fields that Env's own fields shadow (Record.Known) are left out.
func envFields() []docEntry {
	envType := reflect.TypeOf(Env{})
	own := map[string]bool{}
	for i := 0; i < envType.NumField(); i++ {
		own[envType.Field(i).Name] = true
	}
	var out []docEntry
	var walk func(t reflect.Type, prefix string, top bool)
	walk = func(t reflect.Type, prefix string, top bool) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || (top && own[f.Name]) {
				continue
			}
			path := prefix + f.Name
			switch {
			case f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Time{}):
				walk(f.Type, path+".", false)
			case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
				out = append(out, docEntry{name: path, typ: typeName(f.Type)})
				walk(f.Type.Elem(), path+"[].", false)
			default:
				out = append(out, docEntry{name: path, typ: typeName(f.Type)})
			}
		}
	}
	walk(reflect.TypeOf(record{}), "", true)
	return out
}

// envHelpers lists Env's helper fields with their types.
func envHelpers() []docEntry {
	t := reflect.TypeOf(Env{})
	var out []docEntry
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && f.Type.Kind() == reflect.Func {
			out = append(out, docEntry{name: f.Name, typ: typeName(f.Type)})
		}
	}
	return out
}

// typeName writes a type as REFERENCE.md does: without the parse package
// qualifier.
func typeName(t reflect.Type) string {
	return strings.ReplaceAll(t.String(), "parse.", "")
}

// readReference reads the rows of the tables under the "## Fields" and
// "## Helpers" headings of REFERENCE.md: | `name` | `type` | `example` |.
func readReference(t *testing.T) (fields, helpers []docEntry) {
	t.Helper()
	f, err := os.Open("REFERENCE.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var section string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			section = strings.TrimPrefix(line, "## ")
			continue
		}
		if !strings.HasPrefix(line, "| `") || (section != "Fields" && section != "Helpers") {
			continue
		}
		cells := splitRow(line)
		if len(cells) != 3 {
			t.Errorf("REFERENCE.md: row %q has %d cells, want 3", line, len(cells))
			continue
		}
		e := docEntry{name: unquote(cells[0]), typ: unquote(cells[1]), example: unquote(cells[2])}
		switch section {
		case "Fields":
			fields = append(fields, e)
		case "Helpers":
			// The helper column reads Name(param type, ...) result.
			e.name = e.name[:strings.IndexByte(e.name+"(", '(')]
			helpers = append(helpers, e)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return fields, helpers
}

// splitRow splits a Markdown table row into cells; "\|" is a literal bar.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(strings.TrimSuffix(line, "|"), "|")
	line = strings.ReplaceAll(line, `\|`, "\x00")
	var cells []string
	for _, c := range strings.Split(line, "|") {
		cells = append(cells, strings.ReplaceAll(strings.TrimSpace(c), "\x00", "|"))
	}
	return cells
}

func unquote(s string) string {
	return strings.TrimSuffix(strings.TrimPrefix(s, "`"), "`")
}

func TestReferenceMatchesEnv(t *testing.T) {
	fields, helpers := readReference(t)
	compare := func(kind string, doc, code []docEntry) {
		documented := map[string]docEntry{}
		for _, d := range doc {
			if _, dup := documented[d.name]; dup {
				t.Errorf("REFERENCE.md documents %s %s twice", kind, d.name)
			}
			documented[d.name] = d
		}
		inCode := map[string]bool{}
		for _, c := range code {
			inCode[c.name] = true
			d, ok := documented[c.name]
			switch {
			case !ok:
				t.Errorf("%s %s (%s) is not in REFERENCE.md", kind, c.name, c.typ)
			case d.typ != c.typ:
				t.Errorf("REFERENCE.md gives %s %s the type %s; the code has %s", kind, c.name, d.typ, c.typ)
			}
		}
		for _, d := range doc {
			if !inCode[d.name] {
				t.Errorf("REFERENCE.md documents %s %s, which the code does not have", kind, d.name)
			}
		}
	}
	compare("field", fields, envFields())
	compare("helper", helpers, envHelpers())
	if len(fields) < 50 || len(helpers) < 15 {
		t.Errorf("only %d fields and %d helpers documented", len(fields), len(helpers))
	}
}

// TestReferenceExamplesCompile compiles every example of REFERENCE.md as a
// rule condition, and runs it on a sample record, so that the examples stay
// correct.
func TestReferenceExamplesCompile(t *testing.T) {
	fields, helpers := readReference(t)
	ev := &Evaluator{}
	env := newEnv((&Context{}).tenant())
	env.record = (*record)(testRecord())
	for _, e := range append(fields, helpers...) {
		if e.example == "" {
			t.Errorf("%s has no example", e.name)
			continue
		}
		prog, err := compileExpr(e.example, (&Context{}).tenant(), expr.AsBool())
		if err != nil {
			t.Errorf("example of %s does not compile: %v", e.name, err)
			continue
		}
		if _, err := runBool(&ev.vm, prog, env); err != nil {
			t.Errorf("example of %s fails on a sample record: %v", e.name, err)
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
		f, _ := reflect.TypeOf(Env{}).FieldByName(h.name)
		if !fast[f.Type] {
			t.Errorf("helper %s has type %s, which expr calls through reflection; use a type of vm.FuncTypes", h.name, f.Type)
		}
	}
}
