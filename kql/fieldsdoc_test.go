package kql

import (
	"os"
	"strings"
	"testing"
)

// fieldsDoc writes FIELDS.md from the field map.
func fieldsDoc() string {
	var b strings.Builder
	b.WriteString(`# KQL field map

How ` + "`signinspect kql`" + ` reads each field of the rule language ([rules/REFERENCE.md](../rules/REFERENCE.md))
from each sign-in table. Generated from the map in ` + "`fields.go`" + ` (` + "`go test ./kql -update`" + `); a test keeps
the two in step, and another checks every column against Microsoft's table reference
(` + "`testdata/tables.json`" + `).

- ` + "`Column.member`" + ` reads a member of a dynamic column; ` + "`parse_json(Column).member`" + ` a member of a column
  that holds JSON in a string (each such column is parsed once per row).
- ` + "`a, then b`" + `: the first that is not empty.
- — : the table has no such column; the field is empty (` + "`\"\"`" + `, 0, unknown or an empty list), as
  signinspect's reader of a Log Analytics export gives it, never an error.
- The values are normalized as the offline readers do: Conditional Access results and statuses to Graph's
  spelling, device join types to Microsoft Entra's wording, error codes and ASNs to numbers. A token type
  written in several words ("Primary Refresh Token") is kept as written; Log Analytics writes Graph's
  one-word spelling.
- Policy conditions (` + "`conditionsSatisfied`" + `) are Log Analytics' integer bitmasks or Graph's flags
  strings; both are read, in Graph's flag order.

| field |`)
	for _, t := range Tables {
		b.WriteString(" " + t.Name + " |")
	}
	b.WriteString(" note |\n|---|---|---|---|---|---|\n")
	for _, f := range fields {
		b.WriteString("| `" + f.path + "` |")
		for _, t := range Tables {
			b.WriteString(" " + docCell(f, t) + " |")
		}
		b.WriteString(" " + f.note + " |\n")
	}
	return b.String()
}

func docCell(f *field, t *Table) string {
	if f.constant != nil {
		return "`" + f.constant(t) + "`"
	}
	var parts []string
	for _, s := range f.from {
		typ := t.columnType(s.column)
		switch {
		case typ == "":
		case s.member == "":
			parts = append(parts, "`"+s.column+"`")
		case typ == typeDynamic:
			parts = append(parts, "`"+s.column+"."+s.member+"`")
		default:
			parts = append(parts, "`parse_json("+s.column+")."+s.member+"`")
		}
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", then ")
}

func TestFieldsDoc(t *testing.T) {
	got := fieldsDoc()
	if *update {
		if err := os.WriteFile("FIELDS.md", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("FIELDS.md")
	if err != nil || string(want) != got {
		t.Errorf("FIELDS.md is not the field map (run go test ./kql -update): %v", err)
	}
}
