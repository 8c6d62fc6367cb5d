package analyze

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// testRecords builds a small, varied set of matched sign-ins.
func testRecords(t *testing.T) []*parse.Record {
	t.Helper()
	start := mustTime(t, "2026-11-20T09:00:00Z")
	var out []*parse.Record
	for i := 0; i < 40; i++ {
		r := adoRecord(t)
		r.RequestID = fmt.Sprintf("req-%02d", i)
		r.Time = start.Add(time.Duration(i*7) * time.Minute)
		r.Source = parse.Source{File: "in.json", Index: i + 1}
		switch i % 4 {
		case 0:
			r.Status = parse.Status{Code: 53003, Result: parse.ResultFailure, Reason: "Access has been blocked by Conditional Access policies."}
			r.IP = "198.51.100.7"
			r.Policies = []parse.Policy{{ID: "p1", Name: "CA011 block outside trusted", Result: parse.CAFailure, GrantControls: []string{"Block"}},
				{ID: "p2", Name: "CA001 MFA", Result: parse.CANotApplied}}
		case 1:
			r.Status = parse.Status{Code: 53000, Result: parse.ResultFailure}
			r.IP = "2001:db8::7"
			r.IPSeenByResource = "203.0.113.9"
			r.Policies = []parse.Policy{{ID: "p3", Name: "CA010 compliant device", Result: parse.CAFailure, GrantControls: []string{"RequireCompliantDevice"}}}
		case 2:
			r.Status = parse.Status{Code: 0, Result: parse.ResultSuccess}
			r.IP = "203.0.113.9"
			r.Device = parse.Device{ID: "dev-1", OS: "Windows10", Compliant: parse.BoolPtr(true), TrustType: parse.TrustEntraJoined}
			r.Policies = []parse.Policy{{ID: "p4", Name: "CA030 report-only", Result: parse.CAReportOnlyFailure, GrantControls: []string{"Block"}}}
		case 3:
			r.Status = parse.Status{Code: 53003, Result: parse.ResultFailure}
			r.IP = "198.51.100.8"
			r.User = parse.User{UPN: "alice@contoso.com"}
		}
		out = append(out, r)
	}
	return out
}

func hitsFor(r *parse.Record) []Hit {
	var hits []Hit
	if r.Status.Code == 53003 {
		hits = append(hits, Hit{Rule: "ip-outside-trusted-locations", Severity: rules.SeverityHigh, Title: "Blocked outside trusted locations", Fix: "Add " + r.IP + " to a trusted named location"})
	}
	if r.Status.Code == 53000 {
		hits = append(hits, Hit{Rule: "device-required", Severity: rules.SeverityMedium, Title: "Compliant device required", Fix: "Exclude non-interactive flows"})
	}
	return hits
}

func TestAggregatorSections(t *testing.T) {
	a := newAggregator()
	for _, r := range testRecords(t) {
		a.add(r, hitsFor(r))
	}
	rep := &Report{}
	a.fill(rep, sectionOptions{})

	s := rep.Summary
	if s.Matched != 40 || s.Failures != 30 || s.Successes != 10 {
		t.Errorf("summary = %+v", s)
	}
	if s.First.Format(time.RFC3339) != "2026-11-20T09:00:00Z" || s.Last.Format(time.RFC3339) != "2026-11-20T13:33:00Z" {
		t.Errorf("first/last = %v %v", s.First, s.Last)
	}

	if len(rep.Findings) != 2 || rep.Findings[0].Rule != "ip-outside-trusted-locations" || rep.Findings[0].Count != 20 {
		t.Fatalf("findings = %+v", rep.Findings)
	}
	f := rep.Findings[0]
	if len(f.Evidence) != maxEvidence || f.EvidenceOmitted != 10 || f.Evidence[0].RequestID != "req-00" || f.Evidence[1].RequestID != "req-03" {
		t.Errorf("evidence = %+v, omitted %d", f.Evidence, f.EvidenceOmitted)
	}
	if len(f.Fixes) != 2 || f.Fixes[0].Count != 10 || f.Fix != f.Fixes[0].Fix {
		t.Errorf("fixes = %+v, fix %q", f.Fixes, f.Fix)
	}
	if f.Evidence[0].Policies[0] != "CA011 block outside trusted" {
		t.Errorf("evidence policies = %v", f.Evidence[0].Policies)
	}

	// Equal failure counts sort by name.
	wantPolicies := []string{"CA010 compliant device", "CA011 block outside trusted", "CA030 report-only", "CA001 MFA"}
	var gotPolicies []string
	for _, p := range rep.Policies {
		gotPolicies = append(gotPolicies, p.Name)
	}
	if !reflect.DeepEqual(gotPolicies, wantPolicies) {
		t.Errorf("policies = %v, want %v", gotPolicies, wantPolicies)
	}
	if p := rep.Policies[2]; p.ReportOnlyFailures != 10 || !reflect.DeepEqual(p.GrantControls, []string{"Block"}) {
		t.Errorf("report-only policy = %+v", p)
	}

	if len(rep.Locations) != 4 || rep.Locations[0].IP != "198.51.100.7" || rep.Locations[0].Failures != 10 {
		t.Errorf("locations = %+v", rep.Locations)
	}
	for _, l := range rep.Locations {
		if l.IP == "2001:db8::7" && (l.IPFamily != "IPv6" || !reflect.DeepEqual(l.SeenByResource, []string{"203.0.113.9"})) {
			t.Errorf("IPv6 location = %+v", l)
		}
	}

	if len(rep.Devices) != 2 || rep.Devices[0].DeviceID || rep.Devices[0].Failures != 30 || !rep.Devices[1].DeviceID || rep.Devices[1].Successes != 10 {
		t.Errorf("devices = %+v", rep.Devices)
	}

	if len(rep.Errors) != 2 || rep.Errors[0].Code != 53003 || rep.Errors[0].Count != 20 || rep.Errors[0].Reason == "" {
		t.Errorf("errors = %+v", rep.Errors)
	}

	tl := rep.Timeline
	// The span is 4h33m: 15-minute buckets give 19, the smallest width
	// that stays under 48 buckets.
	if tl.Bucket != "15m0s" || len(tl.Buckets) != 19 {
		t.Errorf("timeline bucket %s × %d", tl.Bucket, len(tl.Buckets))
	}
	total := 0
	for _, b := range tl.Buckets {
		total += b.Failures + b.Successes
	}
	if total != 40 {
		t.Errorf("timeline total = %d, want 40", total)
	}

	// svc-build's failures are 10 of each finding: the high one is its
	// top finding, as it is the verdict's first cause.
	if len(rep.Users) != 2 || rep.Users[0].Name != "svc-build@contoso.com" || rep.Users[0].Failures != 20 || rep.Users[0].TopError != 53000 || rep.Users[0].TopFinding != "ip-outside-trusted-locations" {
		t.Errorf("users = %+v", rep.Users)
	}
}

// TestAggregatorTop checks that --top cuts long sections and counts what
// it cut.
func TestAggregatorTop(t *testing.T) {
	a := newAggregator()
	for _, r := range testRecords(t) {
		a.add(r, hitsFor(r))
	}
	rep := &Report{}
	a.fill(rep, sectionOptions{top: 3})
	if rep.LocationsOmitted != 1 || len(rep.Locations) != 3 {
		t.Errorf("top 3: %d locations, %d omitted", len(rep.Locations), rep.LocationsOmitted)
	}
	if rep.PoliciesOmitted != 1 || len(rep.Policies) != 3 {
		t.Errorf("top 3: %d policies, %d omitted", len(rep.Policies), rep.PoliciesOmitted)
	}
}

func TestTimelineBucketWidth(t *testing.T) {
	for _, tt := range []struct {
		span  time.Duration
		want  string
		count int
	}{
		{0, "1m0s", 1},
		{30 * time.Minute, "1m0s", 31},
		{10 * time.Hour, "15m0s", 41},
		{3 * 24 * time.Hour, "3h0m0s", 25},
		{29 * 24 * time.Hour, "24h0m0s", 30},
	} {
		a := newAggregator()
		r := adoRecord(t)
		r.Time = mustTime(t, "2026-11-01T00:00:00Z")
		a.add(r, nil)
		r2 := adoRecord(t)
		r2.Time = r.Time.Add(tt.span)
		a.add(r2, nil)
		tl := a.timeline(time.UTC)
		if tl.Bucket != tt.want || len(tl.Buckets) != tt.count {
			t.Errorf("span %v: bucket %s × %d, want %s × %d", tt.span, tl.Bucket, len(tl.Buckets), tt.want, tt.count)
		}
	}
}

// TestEvidenceOncePerRequestID checks that a sign-in fed twice (with
// --keep-duplicates, two inputs' copies) is listed once as evidence, its
// earliest copy, whatever order the copies arrive in.
func TestEvidenceOncePerRequestID(t *testing.T) {
	mk := func(file, id string, line int) *parse.Record {
		r := adoRecord(t)
		r.RequestID = id
		r.Source = parse.Source{File: file, Line: line}
		return r
	}
	recs := []*parse.Record{
		mk("a.csv", "AAAA-1", 2), mk("a.csv", "aaaa-2", 3),
		mk("a.csv", "aaaa-4", 4), mk("a.csv", "aaaa-4", 10),
		mk("b.json", "aaaa-1", 10), mk("b.json", "aaaa-3", 11),
		mk("c.json", "aaaa-1", 5),
	}
	hits := []Hit{{Rule: "r", Severity: rules.SeverityHigh}}
	for _, reversed := range []bool{false, true} {
		a := newAggregator()
		for i := range recs {
			r := recs[i]
			if reversed {
				r = recs[len(recs)-1-i]
			}
			a.add(r, hits)
		}
		rep := &Report{}
		a.fill(rep, sectionOptions{})
		var ids []string
		for _, ev := range rep.Findings[0].Evidence {
			ids = append(ids, ev.RequestID+"@"+ev.Source)
		}
		want := "AAAA-1@a.csv:2 aaaa-2@a.csv:3 aaaa-4@a.csv:4 aaaa-3@b.json:11"
		if strings.Join(ids, " ") != want {
			t.Errorf("reversed %v: evidence %v, want %s", reversed, ids, want)
		}
	}
}

// TestTimelineBefore1970 checks sign-ins before the Unix epoch: the
// per-minute counts and the timeline round the same way (down), so that the
// latest of them lands in the last bucket instead of past it, and none is
// a minute late.
// TestTimelineOverCenturies gives the timeline sign-ins nearly two
// thousand years apart (a damaged export): it stays within maxBuckets of
// whole years, from the first sign-in, with every sign-in counted and
// every bucket a time JSON can write.
func TestTimelineOverCenturies(t *testing.T) {
	a := newAggregator()
	times := []time.Time{time.Date(5, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	for _, tm := range times {
		r := adoRecord(t)
		r.Time = tm
		a.add(r, nil)
	}
	tl := a.timeline(time.UTC)
	if len(tl.Buckets) > maxBuckets || tl.BucketSeconds%(365*86400) != 0 {
		t.Fatalf("%d buckets of %d seconds; want at most %d, of whole years", len(tl.Buckets), tl.BucketSeconds, maxBuckets)
	}
	if !tl.Buckets[0].Start.Equal(times[0]) {
		t.Errorf("the first bucket starts %s; want the first sign-in, %s", tl.Buckets[0].Start, times[0])
	}
	total := 0
	for _, b := range tl.Buckets {
		total += b.Failures + b.Successes
		if _, err := b.Start.MarshalJSON(); err != nil {
			t.Errorf("bucket %s: %v", b.Start, err)
		}
	}
	if total != len(times) {
		t.Errorf("the timeline counts %d sign-ins, want %d", total, len(times))
	}
}

func TestTimelineBefore1970(t *testing.T) {
	a := newAggregator()
	times := []time.Time{
		time.Date(1969, 12, 31, 23, 58, 30, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 0, 1, 0, time.UTC),
	}
	for _, tm := range times {
		r := adoRecord(t)
		r.Time = tm
		a.add(r, nil)
	}
	tl := a.timeline(time.UTC)
	total := 0
	for _, b := range tl.Buckets {
		total += b.Failures + b.Successes
	}
	if total != len(times) {
		t.Fatalf("the timeline counts %d sign-ins, want %d", total, len(times))
	}
	last := tl.Buckets[len(tl.Buckets)-1]
	if last.Failures+last.Successes == 0 || last.Start.After(times[1]) {
		t.Errorf("the last bucket starts %s with %d sign-ins; the latest sign-in is %s", last.Start, last.Failures+last.Successes, times[1])
	}
	for m := range a.minutes {
		if got := time.Unix(m*60, 0).UTC(); got.After(times[1]) {
			t.Errorf("minute %s is after the sign-in at %s", got, times[1])
		}
	}
}

// TestTimelineInZone checks that buckets of an hour start on the zone's
// whole hours: a zone half an hour off UTC moves them.
func TestTimelineInZone(t *testing.T) {
	india := time.FixedZone("IST", 5*3600+1800)
	a := newAggregator()
	for i := 0; i < 12; i++ {
		r := adoRecord(t)
		r.Time = time.Date(2026, 11, 20, 0, 10+i*20, 0, 0, time.UTC)
		a.add(r, nil)
	}
	tl := a.timeline(india)
	if tl.BucketSeconds != 300 && tl.BucketSeconds != 3600 && tl.BucketSeconds != 900 && tl.BucketSeconds != 1800 {
		t.Logf("bucket width %s", tl.Bucket)
	}
	for _, b := range tl.Buckets {
		if local := b.Start.In(india); local.Minute()%int(min(tl.BucketSeconds/60, 60)) != 0 {
			t.Errorf("bucket at %s (%s) does not start on the zone's %s boundary", b.Start, local, tl.Bucket)
		}
	}
}
