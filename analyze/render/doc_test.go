package render

import (
	"bufio"
	"encoding"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/policy"
)

// jsonKey is one key of the JSON report, as REPORT.md documents it.
type jsonKey struct {
	Path, Type string
}

// jsonKeys lists every key of the JSON report with its type, walking the
// struct tags of analyze.Report: "inputs[].skipReasons[].count".
func jsonKeys() []jsonKey { return jsonKeysOf(reflect.TypeFor[analyze.Report]()) }

// jsonKeysOf lists every key of the JSON encoding of the struct type t.
func jsonKeysOf(root reflect.Type) []jsonKey {
	var out []jsonKey
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			path := prefix + name
			typ := jsonTypeName(f.Type)
			if strings.Contains(opts, "omitempty") {
				// An omitted pointer is never null: it is left out.
				typ = strings.TrimSuffix(typ, " or null") + ", optional"
			}
			out = append(out, jsonKey{Path: path, Type: typ})
			elem := f.Type
			for elem.Kind() == reflect.Pointer {
				elem = elem.Elem()
			}
			switch {
			case elem.Kind() == reflect.Struct && elem != reflect.TypeFor[time.Time]():
				walk(path+".", elem)
			case elem.Kind() == reflect.Slice && elem.Elem().Kind() == reflect.Struct:
				walk(path+"[].", elem.Elem())
			}
		}
	}
	walk("", root)
	return out
}

// jsonTypeName names a Go type as the JSON it encodes to.
func jsonTypeName(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		return jsonTypeName(t.Elem()) + " or null"
	}
	if t == reflect.TypeFor[time.Time]() {
		return "time"
	}
	if t.Implements(reflect.TypeFor[encoding.TextMarshaler]()) {
		return "string" // A severity, say: its name.
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "integer"
	case reflect.Bool:
		return "boolean"
	case reflect.Struct:
		return "object"
	case reflect.Slice:
		switch e := jsonTypeName(t.Elem()); e {
		case "object":
			return "array of objects"
		default:
			return "array of " + e + "s"
		}
	}
	return t.String()
}

// docTable returns the rows of the Markdown tables under the heading
// "## section" of REPORT.md, each as its cells, without the header and
// delimiter rows; tables are separated by a nil row.
func docTable(t *testing.T, section string) [][]string {
	t.Helper()
	f, err := os.Open("REPORT.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	in, header := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = strings.TrimPrefix(line, "## ") == section
			continue
		}
		if !in {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			if header {
				rows = append(rows, nil)
			}
			header = false
			continue
		}
		if !header { // The header row; the delimiter row follows.
			header = true
			sc.Scan()
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// tables splits docTable's rows into tables.
func tables(rows [][]string) [][][]string {
	var out [][][]string
	var cur [][]string
	for _, r := range append(rows, nil) {
		if r == nil {
			if cur != nil {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, r)
	}
	return out
}

var codeSpan = regexp.MustCompile("^`([^`]+)`$")

// unquote returns the text of a cell that is one code span, or "".
func unquote(cell string) string {
	if m := codeSpan.FindStringSubmatch(cell); m != nil {
		return m[1]
	}
	return ""
}

// TestReportDocJSON checks that REPORT.md documents every key of the JSON
// report, in struct order, with its type and a meaning, and no key that
// does not exist; and the same of the policies and whatif reports.
func TestReportDocJSON(t *testing.T) {
	for _, c := range []struct {
		section string
		typ     reflect.Type
	}{
		{"JSON", reflect.TypeFor[analyze.Report]()},
		{"signinspect policies: JSON", reflect.TypeFor[policy.Inventory]()},
		{"signinspect whatif: JSON", reflect.TypeFor[analyze.WhatIfReport]()},
	} {
		t.Run(c.section, func(t *testing.T) { checkDocKeys(t, c.section, jsonKeysOf(c.typ)) })
	}
}

// checkDocKeys checks the table of keys under the heading section.
func checkDocKeys(t *testing.T, section string, want []jsonKey) {
	ts := tables(docTable(t, section))
	if len(ts) != 1 {
		t.Fatalf("REPORT.md's %s section has %d tables, want 1", section, len(ts))
	}
	var got []jsonKey
	for _, row := range ts[0] {
		if len(row) != 3 || unquote(row[0]) == "" || row[2] == "" {
			t.Errorf("REPORT.md JSON row %q: want | `key` | type | meaning |", row)
			continue
		}
		got = append(got, jsonKey{Path: unquote(row[0]), Type: row[1]})
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			t.Errorf("REPORT.md lacks key %s (%s), after the last documented one", want[i].Path, want[i].Type)
		case i >= len(want):
			t.Errorf("REPORT.md documents %s, which the report does not have", got[i].Path)
		case got[i] != want[i]:
			t.Errorf("REPORT.md JSON row %d is %s (%s); the report has %s (%s) there", i+1, got[i].Path, got[i].Type, want[i].Path, want[i].Type)
		}
	}
}

// TestReportDocOtherCSV checks the CSV columns of the policies and whatif
// reports.
func TestReportDocOtherCSV(t *testing.T) {
	for _, c := range []struct {
		section string
		header  []string
	}{
		{"signinspect policies: CSV", structHeader[inventoryRow]()},
		{"signinspect whatif: CSV", structHeader[whatIfRow]()},
	} {
		ts := tables(docTable(t, c.section))
		if len(ts) != 1 {
			t.Fatalf("REPORT.md's %s section has %d tables, want 1", c.section, len(ts))
		}
		var columns []string
		for _, row := range ts[0] {
			columns = append(columns, unquote(row[0]))
		}
		if got, want := strings.Join(columns, ","), strings.Join(c.header, ","); got != want {
			t.Errorf("REPORT.md %s columns:\n got %s\nwant %s", c.section, got, want)
		}
	}
}

// TestReportDocCSV checks that REPORT.md lists the CSV columns in order,
// and every section the CSV report can write.
func TestReportDocCSV(t *testing.T) {
	ts := tables(docTable(t, "CSV"))
	if len(ts) != 2 {
		t.Fatalf("REPORT.md's CSV section has %d tables, want 2 (columns, sections)", len(ts))
	}
	var columns []string
	for _, row := range ts[0] {
		columns = append(columns, unquote(row[0]))
	}
	if got, want := strings.Join(columns, ","), strings.Join(csvHeader(), ","); got != want {
		t.Errorf("REPORT.md CSV columns:\n got %s\nwant %s", got, want)
	}
	documented := map[string]bool{}
	for _, row := range ts[1] {
		documented[unquote(row[0])] = true
	}
	written := map[string]bool{}
	for _, row := range csvRows(fullReport()) {
		written[row.Section] = true
	}
	for s := range written {
		if !documented[s] {
			t.Errorf("the CSV report writes section %q, which REPORT.md does not document", s)
		}
	}
	for s := range documented {
		if !written[s] {
			t.Errorf("REPORT.md documents CSV section %q, which the full test report does not write", s)
		}
	}
}

// TestReportDocFormats checks the table of formats against the registry.
func TestReportDocFormats(t *testing.T) {
	f, err := os.ReadFile("REPORT.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, fm := range formats {
		var exts []string
		for _, e := range fm.extensions {
			exts = append(exts, "`"+e+"`")
		}
		row := fmt.Sprintf("| `%s` | %s |", fm.name, strings.Join(exts, ", "))
		if !strings.Contains(string(f), row) {
			t.Errorf("REPORT.md lacks the format row %q", row)
		}
	}
}
