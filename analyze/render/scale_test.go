package render

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/benchgen/synth"
	"github.com/signinspect/signinspect/rules"
)

// batchRecords is the size of the generated batch export: large enough
// that every list of the report is far longer than --top.
const batchRecords = 100000

// batchExport writes the benchmark generator's sign-ins as JSONL.
func batchExport(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "batch.jsonl")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w, err := synth.NewWriter(f, synth.FormatJSONL)
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(synth.Config{Records: batchRecords, Seed: 1})
	var s synth.SignIn
	for g.Next(&s) {
		if err := w.Write(&s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// batchReport analyses the export keeping every sign-in, as a team doing
// batch analysis would (--app any --flow any), cut by top.
func batchReport(t *testing.T, path string, top int) *analyze.Report {
	t.Helper()
	base, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analyze.Run(context.Background(), []string{path}, analyze.Options{
		Filter: analyze.Filter{Apps: []string{analyze.AppAny}, Flow: analyze.FlowAny}, Top: top, Rules: set,
		Clock: func() time.Time { return goldenClock }, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestBatchReportIsBounded checks the report of a large batch: the table
// report stays a few hundred lines, and every JSON list that --top cut
// says how many it left out, which the uncut report confirms.
func TestBatchReportIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and reads 100,000 sign-ins; skipped with -short")
	}
	path := batchExport(t)
	const top = 20
	cut, all := batchReport(t, path, top), batchReport(t, path, 0)

	var table bytes.Buffer
	if err := (&Table{}).Render(&table, cut); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(table.String(), "\n"); lines > 700 {
		t.Errorf("the table report of %d sign-ins is %d lines, want at most 700", batchRecords, lines)
	}
	if n := strings.Count(table.String(), "For 1 sign-in: "); n > 0 {
		t.Errorf("the table report repeats a fix for single sign-ins %d times", n)
	}

	var cutJSON, allJSON any
	for _, c := range []struct {
		rep *analyze.Report
		v   *any
	}{{cut, &cutJSON}, {all, &allJSON}} {
		b, err := json.Marshal(c.rep)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, c.v); err != nil {
			t.Fatal(err)
		}
	}
	checked := checkCuts(t, "", cutJSON, allJSON, top)
	if checked < 5 {
		t.Errorf("only %d lists were longer than --top %d; the test wants a batch that needs cutting", checked, top)
	}
}

// uncutLists are the lists --top does not bound: series of fixed length
// (the timeline's buckets) or bounded by what they describe (a policy's
// results and controls, the values of one combination, a rule's tags).
var uncutLists = map[string]bool{
	"timeline.buckets": true, "policies[].results": true, "policies[].grantControls": true,
	"policies[].sessionControls": true, "findings[].fixes[].values[].values": true, "findings[].fixes[].labels": true,
	"findings[].tags": true, "findings[].references": true, "findings[].evidence[].policies": true,
	"locations[].namedLocations": true, "locations[].seenByResource": true, "inputs[].warnings": true,
	"inputs[].skipReasons": true, "filter.users": true, "filter.apps": true, "ruleErrors": true,
}

// checkCuts walks the cut report beside the uncut one and checks every list:
// at most top long, and when the uncut one is longer, cut to top with a
// sibling key "<name>Omitted" that counts the rest. It returns the number of
// lists it found cut.
func checkCuts(t *testing.T, path string, cut, all any, top int) int {
	t.Helper()
	n := 0
	switch c := cut.(type) {
	case map[string]any:
		a, _ := all.(map[string]any)
		for k, v := range c {
			p := strings.TrimPrefix(path+"."+k, ".")
			if list, ok := v.([]any); ok && !uncutLists[p] {
				full, _ := a[k].([]any)
				if len(list) > top {
					t.Errorf("%s holds %d entries, more than --top %d", p, len(list), top)
				}
				if len(full) > top {
					n++
					omitted, _ := c[k+"Omitted"].(float64)
					if len(list) != top || int(omitted) != len(full)-top {
						t.Errorf("%s: %d of %d listed, %sOmitted = %v; want %d listed and %d omitted", p, len(list), len(full), k, c[k+"Omitted"], top, len(full)-top)
					}
				}
			}
			n += checkCuts(t, p, v, a[k], top)
		}
	case []any:
		a, _ := all.([]any)
		for i, v := range c {
			var w any
			if i < len(a) {
				w = a[i]
			}
			n += checkCuts(t, path+"[]", v, w, top)
		}
	}
	return n
}
