package analyze

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/signinspect/signinspect/internal/benchgen/synth"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

// The benchmarks in this file measure the per-record work of an analysis
// after decoding: the filter, the rule pack and the aggregation, on
// realistic sign-ins from the benchmark generator (internal/benchgen), and
// a whole Run over a small generated export. bench/compare.sh measures
// whole runs on GBs.

// benchRecordCount is how many generated sign-ins the benchmarks cycle
// through: enough for the report's maps to reach a realistic size (hundreds
// of users and IPs), few enough to decode in a fraction of a second.
const benchRecordCount = 5000

// benchExport returns a generated JSONL export of benchRecordCount
// sign-ins (about 15 MB; it takes milliseconds to write).
func benchExport(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	w, err := synth.NewWriter(&buf, synth.FormatJSONL)
	if err != nil {
		b.Fatal(err)
	}
	g := synth.New(synth.Config{Records: benchRecordCount, Seed: 1})
	var s synth.SignIn
	for g.Next(&s) {
		if err := w.Write(&s); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// benchRecords decodes the generated export as analyze reads it.
func benchRecords(b *testing.B) []*parse.Record {
	b.Helper()
	var recs []*parse.Record
	for _, line := range bytes.Split(bytes.TrimSpace(benchExport(b)), []byte("\n")) {
		rec, err := parse.DecodeJSONRecord(line)
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return recs
}

// benchQuery is the query of issue 6 and bench/compare.sh: one user, Azure
// DevOps, non-interactive, the 48 hours of the generator's incident,
// failures.
func benchQuery() Filter {
	return Filter{
		Users:  []string{"megan.bowen@contoso.com"},
		Apps:   []string{AzureDevOpsApp},
		Flow:   parse.FlowNonInteractive,
		Since:  time.Date(2025, 11, 17, 0, 0, 0, 0, time.UTC),
		Until:  time.Date(2025, 11, 19, 0, 0, 0, 0, time.UTC),
		Status: StatusFailure,
	}
}

// BenchmarkMatcher measures the filter on one record (ns/op is per
// record): the benchmark query, which drops almost every record at the user
// test; the same user's Azure DevOps sign-ins of any time and outcome,
// which take most records through every test; and a filter that keeps
// everything.
func BenchmarkMatcher(b *testing.B) {
	recs := benchRecords(b)
	for _, bc := range []struct {
		name string
		f    Filter
	}{
		{"query", benchQuery()},
		{"targets-azure-devops", Filter{
			Users: synth.TargetUsers, Apps: []string{AzureDevOpsApp}, Flow: parse.FlowNonInteractive,
			Since: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), Status: StatusAny}},
		{"everything", Filter{Apps: []string{AppAny}, Flow: FlowAny}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			m := newMatcher(bc.f)
			kept, i := 0, 0
			b.ReportAllocs()
			for b.Loop() {
				if m.keep(recs[i]) == stageKept {
					kept++
				}
				if i++; i == len(recs) {
					i = 0
				}
			}
			b.ReportMetric(float64(kept)/float64(b.N), "kept/op")
		})
	}
}

// BenchmarkAggregate measures adding one matched record to the report
// (ns/op is per record), without rules and with the built-in pack
// evaluated first, as a keep-everything analysis does for every record.
func BenchmarkAggregate(b *testing.B) {
	recs := benchRecords(b)
	pack, err := rules.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	set, err := rules.Compile(pack, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("no-rules", func(b *testing.B) {
		agg := newAggregator()
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			agg.add(recs[i], nil)
			if i++; i == len(recs) {
				i = 0
			}
		}
	})
	b.Run("builtin-rules", func(b *testing.B) {
		agg := newAggregator()
		ev := newRuleEvaluator(context.Background(), set)
		hits, i := 0, 0
		b.ReportAllocs()
		for b.Loop() {
			h := ev.eval(recs[i])
			hits += len(h)
			agg.add(recs[i], h)
			if i++; i == len(recs) {
				i = 0
			}
		}
		b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
		if errs := set.RunErrors(); len(errs) > 0 {
			b.Fatal(errs)
		}
	})
	b.Run("fill", func(b *testing.B) {
		agg := newAggregator()
		for _, rec := range recs {
			agg.add(rec, nil)
		}
		b.ReportAllocs()
		for b.Loop() {
			var rep Report
			agg.fill(&rep, sectionOptions{})
		}
	})
}

// BenchmarkRun measures a whole analysis, built-in rules on, of a
// generated JSONL export on disk (MB/s is of the file): the benchmark query
// and a keep-everything report.
func BenchmarkRun(b *testing.B) {
	export := benchExport(b)
	path := filepath.Join(b.TempDir(), "signins.jsonl")
	if err := os.WriteFile(path, export, 0o644); err != nil {
		b.Fatal(err)
	}
	pack, err := rules.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		f    Filter
	}{
		{"query", benchQuery()},
		{"everything", Filter{Apps: []string{AppAny}, Flow: FlowAny}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			set, err := rules.Compile(pack, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(export)))
			b.ReportAllocs()
			for b.Loop() {
				rep, err := Run(context.Background(), []string{path}, Options{Filter: bc.f, Rules: set})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Summary.Read != benchRecordCount || rep.Summary.Skipped != 0 {
					b.Fatalf("read %d, skipped %d of %d", rep.Summary.Read, rep.Summary.Skipped, benchRecordCount)
				}
			}
		})
	}
}

// benchTenant is the generated tenant's configuration: 50 policies and its
// named locations, as benchgen -policies 50 writes them.
func benchTenant(b *testing.B) policy.Config {
	b.Helper()
	data, err := synth.New(synth.Config{Records: benchRecordCount, Seed: 1}).TenantExport(50)
	if err != nil {
		b.Fatal(err)
	}
	ex, err := policy.ParsePolicies("policies.json", data)
	if err != nil {
		b.Fatal(err)
	}
	if len(ex.Policies) != 50 {
		b.Fatalf("%d policies, want 50", len(ex.Policies))
	}
	return policy.Config{Policies: ex.Policies, NamedLocations: ex.NamedLocations, LoggedConditions: true}
}

// BenchmarkPolicies measures what --policies adds to an analysis that
// keeps every record, on one worker: the difference between the two
// sub-benchmarks, divided by the records, is the cost of evaluating 50
// policies per kept sign-in (the budget: 2 µs).
func BenchmarkPolicies(b *testing.B) {
	export := benchExport(b)
	path := filepath.Join(b.TempDir(), "signins.jsonl")
	if err := os.WriteFile(path, export, 0o644); err != nil {
		b.Fatal(err)
	}
	cfg := benchTenant(b)
	for _, bc := range []struct {
		name string
		ctx  *rules.Context
	}{
		{"without", nil},
		{"with50", &rules.Context{Policies: cfg.Policies, NamedLocations: cfg.NamedLocations}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(export)))
			for b.Loop() {
				rep, err := Run(context.Background(), []string{path}, Options{Filter: Filter{Apps: []string{AppAny}, Flow: FlowAny}, Context: bc.ctx, Workers: 1})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Summary.Matched != benchRecordCount {
					b.Fatalf("matched %d of %d", rep.Summary.Matched, benchRecordCount)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRecordCount, "ns/record")
		})
	}
}

// BenchmarkWhatIf measures a replay that keeps every record of the
// generated export under 50 policies, before and after an edit that
// trusts one more range (MB/s is of the file).
func BenchmarkWhatIf(b *testing.B) {
	export := benchExport(b)
	path := filepath.Join(b.TempDir(), "signins.jsonl")
	if err := os.WriteFile(path, export, 0o644); err != nil {
		b.Fatal(err)
	}
	before := benchTenant(b)
	e, err := policy.ParseEdit(policy.EditAddRange, "Corporate egress=198.51.100.0/24")
	if err != nil {
		b.Fatal(err)
	}
	after, err := before.Apply(e)
	if err != nil {
		b.Fatal(err)
	}
	beforeEval := policy.NewEvaluator(before)
	after.Reference = beforeEval
	afterEval := policy.NewEvaluator(after)
	b.SetBytes(int64(len(export)))
	for b.Loop() {
		rep, err := WhatIf(context.Background(), []string{path}, WhatIfOptions{
			Options: Options{Filter: Filter{Apps: []string{AppAny}, Flow: FlowAny}, Top: 20},
			Before:  beforeEval, After: afterEval})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Matched != benchRecordCount {
			b.Fatalf("matched %d of %d", rep.Matched, benchRecordCount)
		}
	}
}

// BenchmarkPolicyOutcome measures what --policies adds per kept sign-in,
// on one core, without the reading: the evaluation of 50 policies, the
// comparison with the logged results, and the explanation of a failure,
// over decoded generated sign-ins.
func BenchmarkPolicyOutcome(b *testing.B) {
	recs := benchRecords(b)
	cfg := benchTenant(b)
	e := newEvaluator(&rules.Context{Policies: cfg.Policies, NamedLocations: cfg.NamedLocations})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e.outcome(recs[i%len(recs)], nil)
		i++
	}
}
