package kql

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/signinspect/signinspect/rules"
)

// conformancePath is where the conformance script is kept.
var conformancePath = filepath.Join("..", "rules", "kql", "conformance.kql")

// TestConformanceScript keeps rules/kql/conformance.kql in step with the
// translation (rewrite it with -update), checks that the offline engine
// gives each case, read back from its own table's shape, the verdict its
// rule's test expects wherever that table carries what the case sets, and
// type-checks the whole script with the Kusto language service.
func TestConformanceScript(t *testing.T) {
	all := builtinSet(t, nil)
	script, checks, err := Conformance(all, "")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(conformancePath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(conformancePath, []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want, err := os.ReadFile(conformancePath); err != nil || string(want) != script {
		t.Errorf("%s is not the generated script (run go test ./kql -update): %v", conformancePath, err)
	}
	if len(checks) < 4*len(all) {
		t.Fatalf("%d checks, want at least one per rule and table", len(checks))
	}
	// A case read back from a row of its own flow's table gets the verdict
	// its test expects, unless the table lacks a field the case sets (the
	// resource's address, in all but SigninLogs).
	for _, c := range all {
		for i, tc := range c.Tests {
			if len(tc.Policies) > 0 {
				continue // Cases of --policies are not in KQL (see Conformance).
			}
			rec := c.CaseRecord(i)
			for _, tb := range Tables {
				if tb.Flow != rec.Flow || rec.IPSeenByResource != "" && !tb.has("IPAddressFromResourceProvider") {
					continue
				}
				got, err := offlineMatches(c, &rules.Context{NamedLocations: tc.NamedLocations, TrustedIPs: tc.TrustedIPs}, tb, []map[string]string{tableRow(rec, tb)})
				if err != nil {
					t.Fatal(err)
				}
				if (got == 1) != tc.Match {
					t.Errorf("%s case %d (%s) as a row of %s: offline match %v, the test says %v", c.ID, i+1, tc.Name, tb.Name, got == 1, tc.Match)
				}
			}
		}
	}
	requireClean(t, map[string]string{"conformance": script})
}
