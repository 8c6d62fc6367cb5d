package render

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// sampleTenant reads the story's policies and named locations, from the
// repository's root.
func sampleTenant(t *testing.T) (*policy.Export, []policy.NamedLocation) {
	t.Helper()
	t.Chdir(repoRoot(t))
	ex, err := policy.LoadPolicies([]string{"samples/policies.json"}, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	locs, err := policy.LoadNamedLocations("samples/named-locations.json", parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ex, locs
}

// sampleInventory is signinspect policies' report of the story's policies
// and named locations, as the command makes it.
func sampleInventory(t *testing.T) *policy.Inventory {
	t.Helper()
	ex, locs := sampleTenant(t)
	inv := policy.NewInventory([]string{"samples/policies.json"}, ex.Policies, locs, ex.Notes)
	inv.Version, inv.GeneratedAt = "test", goldenClock
	return inv
}

// sampleWhatIf is the README's proof of the fix: the build VM's addresses
// added to "Corporate egress", replayed over the portal JSON download.
func sampleWhatIf(t *testing.T) *analyze.WhatIfReport {
	t.Helper()
	ex, locs := sampleTenant(t)
	before := policy.Config{Policies: ex.Policies, NamedLocations: locs, LoggedConditions: true}
	after := before
	var edits []string
	for _, v := range []string{"Corporate egress=198.51.100.23/32", "Corporate egress=2001:db8:4d2:10::/64"} {
		e, err := policy.ParseEdit(policy.EditAddRange, v)
		if err != nil {
			t.Fatal(err)
		}
		if after, err = after.Apply(e); err != nil {
			t.Fatal(err)
		}
		edits = append(edits, e.String())
	}
	// CA006, report-only, enabled too: the build is unblocked, and Megan
	// Bowen's sign-in from home newly blocked.
	e, err := policy.ParseEdit(policy.EditState, "CA006=enabled")
	if err != nil {
		t.Fatal(err)
	}
	if after, err = after.Apply(e); err != nil {
		t.Fatal(err)
	}
	edits = append(edits, e.String())
	beforeEval := policy.NewEvaluator(before)
	after.Reference = beforeEval
	rep, err := analyze.WhatIf(context.Background(), []string{"samples/portal-json/NonInteractiveSignIns_2026-11-16_2026-11-22.json"}, analyze.WhatIfOptions{
		Options: analyze.Options{Filter: analyze.DefaultFilter(), Top: 20, Clock: func() time.Time { return goldenClock }, Version: "test"},
		Before:  beforeEval, After: policy.NewEvaluator(after), Edits: edits,
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestReportsGolden renders the policies and whatif reports of the samples
// in every format and compares them with testdata/<report>_<format>.golden.
func TestReportsGolden(t *testing.T) {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	inv := sampleInventory(t)
	wi := sampleWhatIf(t)
	for _, name := range Names() {
		if name == "xlsx" {
			continue // A zip of XML with timestamps: TestReportsXLSX reads it back.
		}
		t.Run(name, func(t *testing.T) {
			r1, err := NewInventory(name, Options{Width: 100})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := r1(&b, inv); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join(testdata, "policies_"+name+".golden"), b.Bytes())
			r2, err := NewWhatIf(name, Options{Width: 100})
			if err != nil {
				t.Fatal(err)
			}
			b.Reset()
			if err := r2(&b, wi); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join(testdata, "whatif_"+name+".golden"), b.Bytes())
		})
	}
	if wi.Changes.Unblocked != 5 || wi.Changes.NewlyBlocked != 1 || wi.Changes.Unknown != 0 {
		t.Errorf("changes %+v, want 5 unblocked, 1 newly blocked", wi.Changes)
	}
}

// hostileInventory and hostileWhatIf hold hostile text in every field an
// export can fill.
func hostileInventory() *policy.Inventory {
	return &policy.Inventory{Schema: policy.InventorySchema, Version: "test", GeneratedAt: goldenClock, Inputs: []string{hostileFormula + ".json"},
		Policies: []policy.PolicySummary{{ID: "p1", Name: hostileScript, State: "enabled", Users: hostileMarkup, Resources: hostileFormula,
			Conditions: []string{"locations: " + hostileScript}, Grant: "block", Session: []string{}, BlocksPAT: true,
			PATRisks: []policy.PATRisk{{Kind: "block", Why: hostileScript}}, Locations: []policy.LocationRef{}, Source: "x.json:3"}},
		NamedLocations: []policy.LocationSummary{{ID: "l1", Name: hostileScript, Kind: "ip", Ranges: []string{"203.0.113.0/24"}, Countries: []string{}, UsedBy: []string{hostileFormula}}},
		Warnings:       []policy.InventoryWarning{{Policy: hostileFormula, Message: hostileScript, Source: "x.json:3"}}}
}

func hostileWhatIf() *analyze.WhatIfReport {
	return &analyze.WhatIfReport{Schema: analyze.WhatIfSchema, Version: "test", GeneratedAt: goldenClock, Filter: hostileMarkup,
		Inputs: []analyze.WhatIfInput{{Path: hostileFormula + ".json", Format: "graph-json", Records: 3, Matched: 2}},
		Edits:  []string{"add 198.51.100.23/32 to named location " + hostileScript}, Read: 3, Matched: 2,
		Changes: analyze.WhatIfChanges{Unblocked: 1, NewlyBlocked: 1},
		SignIns: []analyze.WhatIfSignIn{{Change: analyze.ChangeNewlyBlocked, RequestID: "req-1", Time: goldenClock, User: hostileFormula,
			App: hostileScript, IP: "198.51.100.23", Before: "allowed", After: "blocked", Policy: hostileScript, Condition: hostileMarkup, Source: "x.json:9"}},
		Warnings: []string{hostileScript}}
}

// TestReportsEscape checks that hostile values come out inert: no raw
// script tag in HTML, no formula in CSV, no Markdown syntax.
func TestReportsEscape(t *testing.T) {
	for _, name := range Names() {
		if name == "xlsx" {
			continue // TestReportsXLSX.
		}
		r1, _ := NewInventory(name, Options{Width: 200})
		r2, _ := NewWhatIf(name, Options{Width: 200})
		var b1, b2 bytes.Buffer
		if err := r1(&b1, hostileInventory()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := r2(&b2, hostileWhatIf()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, out := range []string{b1.String(), b2.String()} {
			switch name {
			case "html":
				if strings.Contains(out, "<script>") {
					t.Errorf("html output holds a raw script tag")
				}
			case "csv":
				if strings.Contains(out, ","+hostileFormula) || strings.Contains(out, "\n"+hostileFormula) {
					t.Errorf("csv output holds a formula")
				}
			case "markdown":
				if strings.Contains(out, "*bold*") || strings.Contains(out, "<script>") {
					t.Errorf("markdown output holds unescaped markup")
				}
			case "json", "sarif":
				if !json.Valid([]byte(out)) {
					t.Errorf("%s output is not JSON", name)
				}
			}
		}
	}
	if _, err := NewWhatIf("yaml", Options{}); err == nil || !strings.Contains(err.Error(), "table, markdown, json, csv, html, sarif") {
		t.Errorf("NewWhatIf(yaml) error = %v", err)
	}
}

// TestReportsXLSX writes the policies and whatif reports as workbooks and
// reads them back: a sheet per section, the hostile values as text.
func TestReportsXLSX(t *testing.T) {
	for _, tt := range []struct {
		name   string
		render func(*bytes.Buffer) error
		sheets []string
	}{
		{"policies", func(b *bytes.Buffer) error {
			r, err := NewInventory("xlsx", Options{})
			if err != nil {
				return err
			}
			return r(b, hostileInventory())
		}, []string{"Scope", "Policies", "Named locations", "Warnings"}},
		{"whatif", func(b *bytes.Buffer) error {
			r, err := NewWhatIf("xlsx", Options{})
			if err != nil {
				return err
			}
			return r(b, hostileWhatIf())
		}, []string{"Scope", "Inputs", "Sign ins"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.render(&b); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&b)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			have := map[string]bool{}
			for _, s := range f.GetSheetList() {
				have[s] = true
			}
			for _, s := range tt.sheets {
				if !have[s] {
					t.Errorf("no sheet %s among %v", s, f.GetSheetList())
				}
			}
			found := false
			for _, s := range f.GetSheetList() {
				rows, _ := f.GetRows(s)
				for _, row := range rows {
					for _, v := range row {
						found = found || strings.Contains(v, hostileFormula)
					}
				}
			}
			if !found {
				t.Error("the hostile value is in no cell")
			}
		})
	}
}
