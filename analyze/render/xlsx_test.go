package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/signinspect/signinspect/analyze"
)

// renderXLSX renders a report and opens the workbook with the library that
// wrote it.
func renderXLSX(t *testing.T, rep *analyze.Report) *excelize.File {
	t.Helper()
	var b bytes.Buffer
	if err := (XLSX{}).Render(&b, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// jsonSections decodes the JSON report of rep, as a program reads it.
func jsonSections(t *testing.T, rep *analyze.Report) map[string]any {
	t.Helper()
	var b bytes.Buffer
	if err := (JSON{}).Render(&b, rep); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&b)
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// wantCell returns what a cell that holds the JSON value v must read as:
// its text (as the workbook shows it) and its type.
func wantCell(v any) (string, excelize.CellType) {
	switch x := v.(type) {
	case nil:
		return "", excelize.CellTypeUnset
	case bool:
		if x {
			return "TRUE", excelize.CellTypeBool
		}
		return "FALSE", excelize.CellTypeBool
	case json.Number:
		return x.String(), excelize.CellTypeNumber
	case string:
		if tm, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return tm.UTC().Format("2006-01-02 15:04:05"), excelize.CellTypeNumber
		}
		return x, excelize.CellTypeSharedString
	case []any:
		var parts []string
		for _, e := range x {
			s, _ := wantCell(e)
			if tm, err := time.Parse(time.RFC3339Nano, fmt.Sprint(e)); err == nil {
				s = tm.UTC().Format(time.RFC3339)
			}
			parts = append(parts, s)
		}
		if len(parts) == 0 {
			return "", excelize.CellTypeSharedString
		}
		return strings.Join(parts, "; "), excelize.CellTypeSharedString
	}
	return fmt.Sprint(v), excelize.CellTypeSharedString
}

// checkCell compares one cell with the JSON value it must hold.
func checkCell(t *testing.T, f *excelize.File, sheet string, col, row int, v any, where string) {
	t.Helper()
	cell, _ := excelize.CoordinatesToCellName(col, row)
	got, err := f.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	typ, _ := f.GetCellType(sheet, cell)
	want, wantType := wantCell(v)
	switch {
	case typ == excelize.CellTypeInlineString:
		typ = excelize.CellTypeSharedString
	case typ == excelize.CellTypeUnset && got != "":
		typ = excelize.CellTypeNumber // A number cell carries no type.
	}
	if got != want || want != "" && typ != wantType {
		t.Errorf("%s %s (%s): %q of type %v, want %q of type %v", sheet, cell, where, got, typ, want, wantType)
	}
}

// checkSheet compares a sheet with an array of JSON objects, cell for
// cell, by the column names; owner, when set, is the first column's value
// of each row (the object the array belongs to). It returns the rows
// checked.
func checkSheet(t *testing.T, f *excelize.File, sheet string, objs []map[string]any, owners []any) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	if len(rows) == 0 {
		t.Fatalf("sheet %s has no header", sheet)
	}
	header := rows[0]
	if len(rows)-1 != len(objs) {
		t.Errorf("sheet %s has %d rows, the JSON %d objects", sheet, len(rows)-1, len(objs))
	}
	for i, obj := range objs {
		seen := 0
		for c, h := range header {
			if owners != nil && c == 0 {
				checkCell(t, f, sheet, 1, i+2, owners[i], h)
				continue
			}
			v, ok := obj[h]
			if !ok {
				checkCell(t, f, sheet, c+1, i+2, nil, h)
				continue
			}
			seen++
			if arr, ok := v.([]any); ok && len(arr) > 0 && isMapArray(arr) {
				t.Errorf("sheet %s column %s holds an array of objects", sheet, h)
				continue
			}
			checkCell(t, f, sheet, c+1, i+2, v, h)
		}
		for k, v := range obj {
			if arr, ok := v.([]any); ok && len(arr) > 0 && isMapArray(arr) {
				continue
			}
			if !contains(header, k) {
				t.Errorf("sheet %s lacks the column %s", sheet, k)
			}
		}
		_ = seen
	}
}

func isMapArray(arr []any) bool {
	for _, e := range arr {
		if _, ok := e.(map[string]any); !ok {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func maps(arr []any) []map[string]any {
	out := make([]map[string]any, len(arr))
	for i, e := range arr {
		out[i] = e.(map[string]any)
	}
	return out
}

// TestXLSXEqualsJSON reads the workbook back and compares each sheet with
// its section of the JSON report, cell for cell: every array of objects a
// sheet, every nested array of objects a sheet of its own, every other
// value on the Scope sheet.
func TestXLSXEqualsJSON(t *testing.T) {
	reports := map[string]*analyze.Report{"full": fullReport(), "batch": sampleReport(t, sampleCases[1]), "nomatch": sampleReport(t, sampleCases[2])}
	for name, rep := range reports {
		t.Run(name, func(t *testing.T) {
			f := renderXLSX(t, rep)
			js := jsonSections(t, rep)
			sheets := map[string]bool{}
			for _, s := range f.GetSheetList() {
				sheets[s] = true
			}
			scope := map[string]any{}
			checked := map[string]bool{"Scope": true}
			section := func(key, sheet string, arr []any) {
				if !sheets[sheet] {
					t.Errorf("no sheet %s for the section %s", sheet, key)
					return
				}
				checked[sheet] = true
				objs := maps(arr)
				checkSheet(t, f, sheet, objs, nil)
				checkNested(t, f, rep, sheet, key, objs, checked)
			}
			for k, v := range js {
				switch x := v.(type) {
				case []any:
					if len(x) > 0 && isMapArray(x) || len(x) == 0 && emptyColumns(rep, k) != nil {
						section(k, sheetName(k), x)
						continue
					}
					scope[k] = v
				case map[string]any:
					isSection := func(sk string, sv any) ([]any, bool) {
						arr, ok := sv.([]any)
						return arr, ok && (len(arr) > 0 && isMapArray(arr) || len(arr) == 0 && emptyColumns(rep, k+"."+sk) != nil)
					}
					several := 0
					for sk, sv := range x {
						if _, ok := isSection(sk, sv); ok {
							several++
						}
					}
					for sk, sv := range x {
						if arr, ok := isSection(sk, sv); ok {
							sheet := sheetName(k)
							if several > 1 {
								sheet = truncateName(sheet + " " + strings.ToLower(sheetName(sk)))
							}
							section(k, sheet, arr)
							continue
						}
						addScope(scope, k+"."+sk, sv)
					}
				default:
					scope[k] = v
				}
			}
			rows, _ := f.GetRows("Scope")
			if len(rows)-1 != len(scope) {
				t.Errorf("Scope has %d fields, the JSON %d", len(rows)-1, len(scope))
			}
			for i, row := range rows[1:] {
				v, ok := scope[row[0]]
				if !ok {
					t.Errorf("Scope field %s is not in the JSON", row[0])
					continue
				}
				checkCell(t, f, "Scope", 2, i+2, v, row[0])
			}
			for s := range sheets {
				if !checked[s] {
					t.Errorf("sheet %s matches no section of the JSON", s)
				}
			}
		})
	}
}

// checkNested checks the sheets of the arrays of objects nested in objs
// (the objects of the sheet's section, at path key), at any depth: a sheet
// each, owned by the object's first member.
func checkNested(t *testing.T, f *excelize.File, rep *analyze.Report, sheet, key string, objs []map[string]any, checked map[string]bool) {
	t.Helper()
	nested := map[string][]map[string]any{}
	owners := map[string][]any{}
	for _, o := range objs {
		for k, v := range o {
			if sub, ok := v.([]any); ok && len(sub) > 0 && isMapArray(sub) {
				for _, e := range sub {
					nested[k] = append(nested[k], e.(map[string]any))
					owners[k] = append(owners[k], firstMember(t, rep, key, o))
				}
			}
		}
	}
	for k, objs := range nested {
		ns := truncateName(sheet + " " + strings.ToLower(sheetName(k)))
		checked[ns] = true
		checkSheet(t, f, ns, objs, owners[k])
		checkNested(t, f, rep, ns, k, objs, checked)
	}
}

// addScope adds a Scope field of the JSON report, each member of an
// object a field of its own, as the workbook lays them out.
func addScope(scope map[string]any, key string, v any) {
	if obj, ok := v.(map[string]any); ok {
		for k, sv := range obj {
			addScope(scope, key+"."+k, sv)
		}
		return
	}
	scope[key] = v
}

// firstMember returns the first member, in the JSON report's order, of the
// object of section key that o is: the owner column of its nested sheets.
func firstMember(t *testing.T, rep *analyze.Report, key string, o map[string]any) any {
	t.Helper()
	first := map[string]string{"findings": "rule", "fixes": "fix", "inputs": "path", "policies": "id", "users": "name", "apps": "name"}[key]
	if first == "" {
		t.Fatalf("no owner column known for %s", key)
	}
	return o[first]
}

// TestXLSXLayout checks what an analyst sees: a frozen header, an
// autofilter and sized columns on every sheet, times as dates, counts as
// numbers, and no formula anywhere, not even for a hostile value.
func TestXLSXLayout(t *testing.T) {
	f := renderXLSX(t, fullReport())
	names, _ := f.GetDefinedName(), 0
	filters := map[string]bool{}
	for _, n := range names {
		if n.Name == "_xlnm._FilterDatabase" {
			filters[n.Scope] = true
		}
	}
	hostile := 0
	for _, sheet := range f.GetSheetList() {
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: panes %+v, %v; want the header row frozen", sheet, panes, err)
		}
		if !filters[sheet] {
			t.Errorf("%s has no autofilter", sheet)
		}
		rows, _ := f.GetRows(sheet)
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s %s is a formula: %s", sheet, cell, formula)
				}
				if strings.Contains(v, hostileFormula) {
					hostile++
					if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
						t.Errorf("%s %s holds %q as %v, not as text", sheet, cell, v, typ)
					}
				}
			}
		}
	}
	if hostile == 0 {
		t.Error("the hostile value is nowhere: the test does not test")
	}
	// A date and a count on the Findings evidence sheet.
	rows, _ := f.GetRows("Findings evidence")
	col := func(name string) string {
		for i, h := range rows[0] {
			if h == name {
				c, _ := excelize.CoordinatesToCellName(i+1, 2)
				return c
			}
		}
		t.Fatalf("no column %s in %v", name, rows[0])
		return ""
	}
	raw := func(cell string) string {
		v, _ := f.GetCellValue("Findings evidence", cell, excelize.Options{RawCellValue: true})
		return v
	}
	if v := raw(col("time")); strings.Contains(v, "-") || !strings.Contains(v, ".") {
		t.Errorf("time is %q, not a date serial", v)
	}
	if typ, _ := f.GetCellType("Findings evidence", col("code")); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("code is %v, not a number", typ)
	}
	if w, _ := f.GetColWidth("Findings", "A"); w <= 8.5 {
		t.Errorf("the rule column of Findings is %v wide, not sized to its content", w)
	}
}
