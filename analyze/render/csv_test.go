package render

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/analyze"
)

func readCSV(t *testing.T, r *analyze.Report) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := (CSV{}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatalf("the CSV report does not parse: %v", err)
	}
	return rows
}

func TestCSVHeaderAlways(t *testing.T) {
	empty := &analyze.Report{}
	rows := readCSV(t, empty)
	if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(csvHeader(), ",") || rows[1][0] != "verdict" || rows[2][0] != "scope" {
		t.Errorf("an empty report gives %q, want the header, the verdict and the scope row", rows)
	}
	for _, row := range readCSV(t, fullReport()) {
		if len(row) != len(csvHeader()) {
			t.Errorf("row %q has %d cells, want %d", row, len(row), len(csvHeader()))
		}
	}
}

// TestCSVFormulaInjection checks that no cell of a report full of hostile
// values starts with a character a spreadsheet runs, and that the values
// survive otherwise unchanged.
func TestCSVFormulaInjection(t *testing.T) {
	rows := readCSV(t, fullReport())
	seen := false
	for _, row := range rows[1:] {
		for i, cell := range row {
			trimmed := strings.TrimLeft(cell, " ")
			if trimmed != "" && strings.ContainsRune("=+-@\t\r", rune(trimmed[0])) {
				t.Errorf("column %s holds %q, which a spreadsheet would run", csvHeader()[i], cell)
			}
			if cell == "'"+hostileFormula {
				seen = true
			}
		}
	}
	if !seen {
		t.Errorf("the hostile UPN %q does not appear as '%s", hostileFormula, hostileFormula)
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"plain":              "plain",
		"1,234":              "1,234",
		"=SUM(A1)":           "'=SUM(A1)",
		"+1":                 "'+1",
		"-2":                 "'-2",
		"@cmd":               "'@cmd",
		"\tx":                "'\tx",
		"\rx":                "'\rx",
		"  =x":               "'  =x",
		"＝x":                 "'＝x",
		hostileFormula:       "'" + hostileFormula,
		"a=b":                "a=b",
		"2001:db8::1":        "2001:db8::1",
		"svc@contoso.com":    "svc@contoso.com",
		"<script>x</script>": "<script>x</script>",
	} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCSVSections checks what a few rows hold, so that the columns mean
// what REPORT.md says.
func TestCSVSections(t *testing.T) {
	rows := readCSV(t, fullReport())
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	find := func(section, key string) []string {
		for _, r := range rows[1:] {
			if r[col["section"]] == section && r[col["key"]] == key {
				return r
			}
		}
		t.Fatalf("no %s row with key %q", section, key)
		return nil
	}
	loc := find("location", "198.51.100.23")
	if loc[col["asn"]] != "64510" || loc[col["trusted"]] != "no" || loc[col["failures"]] != "8" || loc[col["count"]] != "9" {
		t.Errorf("location row = %q", loc)
	}
	ev := find("evidence", "ip-outside-trusted-locations")
	if ev[col["request_id"]] != "req-1" || ev[col["source"]] != "exports/a.csv:12" || ev[col["code"]] != "53003" || ev[col["first"]] != "2026-11-20T10:00:00Z" {
		t.Errorf("evidence row = %q", ev)
	}
	om := find("omitted", "evidence")
	if om[col["rule"]] != "ip-outside-trusted-locations" || om[col["count"]] != "7" {
		t.Errorf("omitted evidence row = %q", om)
	}
	if scope := find("scope", "scope"); scope[col["count"]] != "15" || scope[col["successes"]] != "3" {
		t.Errorf("scope row = %q", scope)
	}
}
