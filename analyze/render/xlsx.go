package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/safetext"
)

// XLSX writes the report as an Excel workbook for analysts: one sheet per
// report section, laid out from the JSON report so that every sheet holds
// exactly what that section of the JSON holds, under the same names
// (REPORT.md documents them). An array of objects is a sheet with a row per
// object and a column per key (inputs, findings, policies, locations,
// devices, errors, users, apps, rule errors, the timeline's buckets); an
// array of objects inside one (a finding's evidence and fixes, an input's
// skip reasons, a policy's results) is a sheet of its own whose first
// column names the object it belongs to; the report's scalars, the filter
// and the summary make the Scope sheet, one field per row. Arrays of
// values are joined with "; ".
//
// Every sheet has a frozen header row, an autofilter and columns sized to
// their content. Times are dates (UTC, to the second), counts are numbers, true and false
// are booleans, and text is always a text cell: a value that starts with =
// stays text, never a formula (the workbook holds no formula at all).
type XLSX struct{}

var _ Renderer = XLSX{}

// xlsxSheet is one sheet being laid out.
type xlsxSheet struct {
	name   string
	header []string
	rows   [][]any
}

// xlsxTimeFormat is how dates show: ISO 8601, to the second, as the other
// formats write times.
const xlsxTimeFormat = "yyyy-mm-dd hh:mm:ss"

// maxCellRunes is Excel's limit on the characters of a cell.
const maxCellRunes = 32767

// Render implements Renderer.
func (XLSX) Render(w io.Writer, r *analyze.Report) error { return writeXLSX(w, r) }

// writeXLSX writes the workbook of any report, from its JSON form: v is a
// pointer to the report's struct, whose types give the columns of sections
// that are empty.
func writeXLSX(w io.Writer, v any) error {
	sheets, err := xlsxSheets(v)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(xlsxTimeFormat)})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		if err := writeSheet(f, s, timeStyle, headStyle); err != nil {
			return fmt.Errorf("sheet %s: %w", s.name, err)
		}
	}
	return f.Write(w)
}

func ptr[T any](v T) *T { return &v }

// writeSheet writes one sheet's cells, styles, widths, frozen header and
// autofilter.
func writeSheet(f *excelize.File, s xlsxSheet, timeStyle, headStyle int) error {
	widths := make([]int, len(s.header))
	for c, h := range s.header {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := f.SetCellStr(s.name, cell, h); err != nil {
			return err
		}
		widths[c] = utf8.RuneCountInString(h)
	}
	last, _ := excelize.CoordinatesToCellName(max(len(s.header), 1), 1)
	if err := f.SetCellStyle(s.name, "A1", last, headStyle); err != nil {
		return err
	}
	for r, row := range s.rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			n, err := setCell(f, s.name, cell, v, timeStyle)
			if err != nil {
				return err
			}
			widths[c] = max(widths[c], n)
		}
	}
	for c, w := range widths {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(s.name, col, col, float64(min(max(w+2, 8), 60))); err != nil {
			return err
		}
	}
	if err := f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(max(len(s.header), 1), max(len(s.rows)+1, 2))
	return f.AutoFilter(s.name, "A1:"+end, nil)
}

// setCell writes one value with its type, and returns how wide it shows.
func setCell(f *excelize.File, sheet, cell string, v any, timeStyle int) (int, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case time.Time:
		// To the second, as the other formats show times (the JSON report
		// keeps the export's fractions).
		if err := f.SetCellValue(sheet, cell, x.UTC().Truncate(time.Second)); err != nil {
			return 0, err
		}
		return len(xlsxTimeFormat), f.SetCellStyle(sheet, cell, cell, timeStyle)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return len(x.String()), f.SetCellInt(sheet, cell, i)
		}
		fl, err := x.Float64()
		if err != nil {
			return 0, err
		}
		return len(x.String()), f.SetCellFloat(sheet, cell, fl, -1, 64)
	case bool:
		return 5, f.SetCellBool(sheet, cell, x)
	case string:
		// Shown as the other formats show them: a bidirectional override
		// would reorder the cell, and XML cannot hold most controls.
		x = safetext.Visible(x)
		if utf8.RuneCountInString(x) > maxCellRunes {
			x = string([]rune(x)[:maxCellRunes-1]) + "…"
		}
		// SetCellStr writes a text cell: Excel never evaluates it, whatever
		// it starts with.
		return min(utf8.RuneCountInString(x), 80), f.SetCellStr(sheet, cell, x)
	}
	return 0, fmt.Errorf("cell %s: unexpected %T", cell, v)
}

// A jsonField is one member of a JSON object, in order.
type jsonField struct {
	key   string
	value any // nil, bool, json.Number, string, []any or []jsonField
}

// decodeOrdered decodes JSON keeping the order of object members, which
// gives the sheets' column order.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var obj []jsonField
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				obj = append(obj, jsonField{key: k.(string), value: v})
			}
			_, err := dec.Token()
			if obj == nil {
				obj = []jsonField{}
			}
			return obj, err
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		}
	}
	return tok, nil
}

// xlsxSheets lays the report out as sheets, from its JSON form.
func xlsxSheets(r any) ([]xlsxSheet, error) {
	var b bytes.Buffer
	if err := writeJSON(&b, r); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(&b)
	dec.UseNumber()
	root, err := decodeOrdered(dec)
	if err != nil {
		return nil, err
	}
	top, ok := root.([]jsonField)
	if !ok {
		return nil, fmt.Errorf("the JSON report is not an object")
	}
	scope := xlsxSheet{name: "Scope", header: []string{"field", "value"}}
	sheets := []xlsxSheet{}
	var sections []xlsxSheet
	for _, fld := range top {
		switch v := fld.value.(type) {
		case []any:
			if isObjectArray(v) || len(v) == 0 && emptyColumns(r, fld.key) != nil {
				sections = append(sections, objectSheets(sheetName(fld.key), fld.key, v, "", nil, r)...)
				continue
			}
			scope.rows = append(scope.rows, []any{fld.key, cellValue(fld.value)})
		case []jsonField:
			// An object: its arrays of objects are sections (the
			// timeline's buckets), its other members scope fields. The
			// sheet is named after the object, and after the array too
			// when the object holds several (the policy evaluation's
			// failures and disagreements).
			isSection := func(sub jsonField) ([]any, bool) {
				arr, ok := sub.value.([]any)
				return arr, ok && (isObjectArray(arr) || len(arr) == 0 && emptyColumns(r, fld.key+"."+sub.key) != nil)
			}
			several := 0
			for _, sub := range v {
				if _, ok := isSection(sub); ok {
					several++
				}
			}
			for _, sub := range v {
				if arr, ok := isSection(sub); ok {
					name := sheetName(fld.key)
					if several > 1 {
						name = truncateName(name + " " + strings.ToLower(sheetName(sub.key)))
					}
					sections = append(sections, objectSheets(name, fld.key+"."+sub.key, arr, "", nil, r)...)
					continue
				}
				scope.addFields(fld.key+"."+sub.key, sub.value)
			}
		default:
			scope.rows = append(scope.rows, []any{fld.key, cellValue(fld.value)})
		}
	}
	sheets = append(sheets, scope)
	return append(sheets, sections...), nil
}

// addFields adds a scope field: a row for a value, a row per member for an
// object (policyEvaluation.verdicts.blocked), at any depth.
func (s *xlsxSheet) addFields(key string, v any) {
	if obj, ok := v.([]jsonField); ok {
		for _, f := range obj {
			s.addFields(key+"."+f.key, f.value)
		}
		return
	}
	s.rows = append(s.rows, []any{key, cellValue(v)})
}

// isObjectArray reports whether an array holds objects. An empty array
// holds none: whether it is a section is told by the report's types (see
// isSection).
func isObjectArray(arr []any) bool {
	if len(arr) == 0 {
		return false
	}
	for _, e := range arr {
		if _, ok := e.([]jsonField); !ok {
			return false
		}
	}
	return true
}

// objectSheets lays out an array of objects as a sheet (path names it in
// the JSON report), and each array of objects inside them, at any depth, as
// a sheet of its own, whose first column is the owning object's first
// member. ownerCol and owners give that column for this array's objects,
// when it is nested. An empty array still gets its columns, from the
// report's types.
func objectSheets(name, path string, arr []any, ownerCol string, owners []any, r any) []xlsxSheet {
	header := emptyColumns(r, path)
	if ownerCol != "" {
		header = append([]string{ownerCol}, header...)
	}
	main := &xlsxSheet{name: name, header: header}
	type nestedArray struct {
		col           string
		elems, owners []any
	}
	var children []string
	nested := map[string]*nestedArray{}
	for i, e := range arr {
		obj := e.([]jsonField)
		var fields []jsonField
		if ownerCol != "" {
			fields = append(fields, jsonField{key: ownerCol, value: owners[i]})
		}
		for _, fld := range obj {
			sub, ok := fld.value.([]any)
			if !ok || !isObjectArray(sub) {
				fields = append(fields, fld)
				continue
			}
			n := nested[fld.key]
			if n == nil {
				n = &nestedArray{col: path + "[]." + obj[0].key}
				nested[fld.key] = n
				children = append(children, fld.key)
			}
			for _, se := range sub {
				n.elems = append(n.elems, se)
				n.owners = append(n.owners, obj[0].value)
			}
		}
		main.addRow(fields)
	}
	out := []xlsxSheet{main.padded()}
	for _, k := range children {
		n := nested[k]
		out = append(out, objectSheets(truncateName(name+" "+strings.ToLower(sheetName(k))), path+"."+k, n.elems, n.col, n.owners, r)...)
	}
	return out
}

// addRow adds a row of an object's members, each under the column of its
// key; a key the sheet has no column for yet gets one.
func (s *xlsxSheet) addRow(fields []jsonField) {
	row := make([]any, len(s.header))
	for _, fld := range fields {
		c := slices.Index(s.header, fld.key)
		if c < 0 {
			c = len(s.header)
			s.header = append(s.header, fld.key)
			row = append(row, nil)
		}
		row[c] = cellValue(fld.value)
	}
	s.rows = append(s.rows, row)
}

// padded returns the sheet with every row as long as its header.
func (s *xlsxSheet) padded() xlsxSheet {
	for i := range s.rows {
		for len(s.rows[i]) < len(s.header) {
			s.rows[i] = append(s.rows[i], nil)
		}
	}
	return *s
}

// emptyColumns returns the JSON keys of the elements of the report's array
// at path ("locations", "timeline.buckets", "findings.evidence"), in the
// order of the type's fields, or nil when path is not an array of objects:
// the columns of a section, in the same order whether or not a row leaves
// an optional key out.
func emptyColumns(r any, path string) []string {
	t := reflect.TypeOf(r).Elem()
	for _, key := range strings.Split(path, ".") {
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		found := false
		for i := 0; i < t.NumField(); i++ {
			if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name == key {
				t, found = t.Field(i).Type, true
				break
			}
		}
		if !found {
			return nil
		}
	}
	if t.Kind() != reflect.Slice || t.Elem().Kind() != reflect.Struct {
		return nil
	}
	b, err := json.Marshal(reflect.New(t.Elem()).Interface())
	if err != nil {
		return nil
	}
	zero, err := decodeOrdered(json.NewDecoder(bytes.NewReader(b)))
	if err != nil {
		return nil
	}
	fields, _ := zero.([]jsonField)
	var cols []string
	for _, f := range fields {
		if isObjectSlice(t.Elem(), f.key) {
			continue // A sheet of its own.
		}
		cols = append(cols, f.key)
	}
	// Members left out when empty (omitempty) are not in the zero value's
	// JSON: they follow, in field order.
	for i := 0; i < t.Elem().NumField(); i++ {
		fld := t.Elem().Field(i)
		name, opts, _ := strings.Cut(fld.Tag.Get("json"), ",")
		if name == "" || name == "-" || !fld.IsExported() || !strings.Contains(opts, "omitempty") || isObjectSlice(t.Elem(), name) || slices.Index(cols, name) >= 0 {
			continue
		}
		cols = insertAfterField(cols, t.Elem(), name)
	}
	return cols
}

// insertAfterField inserts name into cols after the last column whose
// field comes before name's in t.
func insertAfterField(cols []string, t reflect.Type, name string) []string {
	pos := 0
	for i := 0; i < t.NumField(); i++ {
		n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if n == name {
			break
		}
		for j, c := range cols {
			if c == n {
				pos = j + 1
			}
		}
	}
	return append(cols[:pos], append([]string{name}, cols[pos:]...)...)
}

// isObjectSlice reports whether the member key of struct type t is a
// slice of structs (a nested section, with a sheet of its own).
func isObjectSlice(t reflect.Type, key string) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name == key {
			ft := t.Field(i).Type
			return ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && ft.Elem() != reflect.TypeFor[time.Time]()
		}
	}
	return false
}

// cellValue turns a JSON value into what a cell holds: a time for an RFC
// 3339 string, a number, a boolean, text, nothing for null; an array of
// values joined with "; ", an object as its JSON.
func cellValue(v any) any {
	switch x := v.(type) {
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil && len(x) >= len("2006-01-02T15:04:05Z") {
			return t
		}
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, fmt.Sprint(textOf(cellValue(e))))
		}
		return strings.Join(parts, "; ")
	case []jsonField:
		var parts []string
		for _, f := range x {
			parts = append(parts, f.key+": "+fmt.Sprint(textOf(cellValue(f.value))))
		}
		return strings.Join(parts, ", ")
	}
	return v
}

// textOf writes a cell value inside a joined text.
func textOf(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339)
	}
	if v == nil {
		return ""
	}
	return v
}

// sheetName turns a JSON key into a sheet name: "ruleErrors" becomes
// "Rule errors", within Excel's 31 characters.
func sheetName(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	var b strings.Builder
	for i, r := range key {
		switch {
		case i == 0:
			b.WriteString(strings.ToUpper(string(r)))
		case 'A' <= r && r <= 'Z':
			b.WriteByte(' ')
			b.WriteRune(r + 'a' - 'A')
		case r == '_': // snake_case keys (policies, whatif).
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return truncateName(b.String())
}

// truncateName keeps a sheet name within Excel's 31 characters.
func truncateName(s string) string {
	if len(s) > 31 {
		s = s[:31]
	}
	return s
}
