package analyze

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// A Hit is one rule firing on one record, as the rule engine reports it.
type Hit struct {
	Rule        string
	Severity    rules.Severity
	Title       string
	Description string
	Tags        []string
	References  []string
	// Fix is the fix rendered for this record; FixShape is Fix with the
	// values it shows (FixValues, named by FixLabels) taken out, so that
	// fixes that differ only in their values compare equal (see fixShape).
	Fix       string
	FixShape  string
	FixValues []string
	FixLabels []string
	// FixSpans are where Fix holds the record's values (see rules.Span).
	FixSpans []rules.Span
	// Verdict is the rule's verdict rendered for this record, or "", and
	// VerdictSpans where it holds the record's values.
	Verdict      string
	VerdictSpans []rules.Span
}

// maxEvidence is how many sign-ins a finding lists as evidence.
const maxEvidence = 10

// aggregator collects the report sections from matched records. One
// aggregator runs per worker; merge combines them, and every section is
// sorted at the end, so the report does not depend on the order records
// arrived in.
type aggregator struct {
	matched, failures, unknownFlow int
	first, last                    time.Time

	policies  map[string]*policyAgg
	locations map[string]*locationAgg
	devices   map[DeviceKey]*DeviceStat
	errors    map[int]*errorAgg
	minutes   map[int64]*[2]int // Unix minute → failures, successes.
	users     map[string]*groupAgg
	apps      map[string]*groupAgg
	findings  map[string]*findingAgg
	// eval folds the evaluation of --policies; nil without them.
	eval *evalAgg
}

// newAggregator returns an empty aggregator.
func newAggregator() *aggregator {
	a := &aggregator{
		policies:  map[string]*policyAgg{},
		locations: map[string]*locationAgg{},
		devices:   map[DeviceKey]*DeviceStat{},
		errors:    map[int]*errorAgg{},
		minutes:   map[int64]*[2]int{},
		users:     map[string]*groupAgg{},
		apps:      map[string]*groupAgg{},
		findings:  map[string]*findingAgg{},
	}
	return a
}

type policyAgg struct {
	stat    PolicyStat
	results map[string]int
	grant   map[string]bool
	session map[string]bool
}

// locationAgg is one IP address. A report may list tens of thousands, so
// its sets are small slices, nil until needed.
type locationAgg struct {
	stat     LocationStat
	seen     []string // IPs the resource saw, when they differ.
	netNames []string // Named locations of the export's networkLocationDetails.
}

// maxLocationNames bounds the sets of one IP address.
const maxLocationNames = 50

// addName adds s to a small set.
func addName(set []string, s string) []string {
	if len(set) >= maxLocationNames {
		return set
	}
	for _, x := range set {
		if x == s {
			return set
		}
	}
	return append(set, s)
}

// DeviceKey is the shape of device information that the devices section
// groups sign-ins by.
type DeviceKey struct {
	DeviceID  bool
	OS        string
	Browser   string
	ClientApp string
	Compliant string // "true", "false" or "" (unknown): a comparable *bool.
	Managed   string
	TrustType string
}

type errorAgg struct {
	count   int
	reasons map[string]int
}

type groupAgg struct {
	stat     GroupStat
	errors   map[int]int
	findings map[string]*[2]int // Rule → sign-ins, failures.
}

type findingAgg struct {
	hit      Hit
	count    int
	failures int
	fixes    fixAgg
	evidence []Evidence // Sorted, at most maxEvidence: the earliest.
}

// add counts one matched record and the rule hits on it.
func (a *aggregator) add(rec *parse.Record, hits []Hit) {
	failed := rec.Failed()
	a.matched++
	if failed {
		a.failures++
	}
	if rec.Flow == "" {
		a.unknownFlow++
	}
	if !rec.Time.IsZero() {
		if a.first.IsZero() || rec.Time.Before(a.first) {
			a.first = rec.Time
		}
		if rec.Time.After(a.last) {
			a.last = rec.Time
		}
		m := bucketStart(rec.Time.Unix(), 60, 0) / 60
		c := a.minutes[m]
		if c == nil {
			c = &[2]int{}
			a.minutes[m] = c
		}
		c[outcomeIndex(failed)]++
	}
	for i := range rec.Policies {
		a.addPolicy(&rec.Policies[i])
	}
	a.addLocation(rec, failed)
	a.addDevice(rec, failed)
	if failed {
		e := a.errors[rec.Status.Code]
		if e == nil {
			e = &errorAgg{reasons: map[string]int{}}
			a.errors[rec.Status.Code] = e
		}
		e.count++
		if rec.Status.Reason != "" && len(e.reasons) < 100 {
			e.reasons[rec.Status.Reason]++
		}
	}
	userKey, userName, userID := userOf(rec)
	a.addGroup(a.users, userKey, userName, userID, rec, failed, hits)
	appKey := strings.ToLower(appLabel(rec.App))
	a.addGroup(a.apps, appKey, appLabel(rec.App), rec.App.ID, rec, failed, hits)
	for i := range hits {
		a.addHit(&hits[i], rec, failed)
	}
}

func outcomeIndex(failed bool) int {
	if failed {
		return 0
	}
	return 1
}

func (a *aggregator) addPolicy(p *parse.Policy) {
	key := p.ID
	if key == "" {
		key = "name:" + p.Name
	}
	pa := a.policies[key]
	if pa == nil {
		pa = &policyAgg{stat: PolicyStat{ID: p.ID, Name: p.Name}, results: map[string]int{}, grant: map[string]bool{}, session: map[string]bool{}}
		a.policies[key] = pa
	}
	if pa.stat.Name == "" {
		pa.stat.Name = p.Name
	}
	pa.results[p.Result]++
	switch p.Result {
	case parse.CAFailure:
		pa.stat.Failures++
	case parse.CAReportOnlyFailure:
		pa.stat.ReportOnlyFailures++
	}
	for _, g := range p.GrantControls {
		pa.grant[g] = true
	}
	for _, s := range p.SessionControls {
		pa.session[s] = true
	}
}

func (a *aggregator) addLocation(rec *parse.Record, failed bool) {
	ip := rec.IP
	if ip == "" {
		ip = "(none)"
	}
	la := a.locations[ip]
	if la == nil {
		la = &locationAgg{stat: LocationStat{IP: ip}}
		if addr, err := netip.ParseAddr(rec.IP); err == nil {
			if addr.Is4() || addr.Is4In6() {
				la.stat.IPFamily = "IPv4"
			} else {
				la.stat.IPFamily = "IPv6"
			}
		}
		a.locations[ip] = la
	}
	if la.stat.City == "" && la.stat.Country == "" {
		la.stat.City, la.stat.State, la.stat.Country = rec.Location.City, rec.Location.State, rec.Location.Country
	}
	if la.stat.ASN == 0 {
		la.stat.ASN = rec.ASN
	}
	if rec.IPSeenByResource != "" && rec.IPSeenByResource != rec.IP {
		la.seen = addName(la.seen, rec.IPSeenByResource)
	}
	for _, nl := range rec.NetworkLocations {
		for _, n := range nl.Names {
			la.netNames = addName(la.netNames, n)
		}
	}
	if failed {
		la.stat.Failures++
	} else {
		la.stat.Successes++
	}
}

func (a *aggregator) addDevice(rec *parse.Record, failed bool) {
	k := DeviceKey{
		DeviceID:  rec.Device.ID != "",
		OS:        rec.Device.OS,
		Browser:   rec.Device.Browser,
		ClientApp: rec.ClientApp,
		Compliant: triString(rec.Device.Compliant),
		Managed:   triString(rec.Device.Managed),
		TrustType: rec.Device.TrustType,
	}
	d := a.devices[k]
	if d == nil {
		d = &DeviceStat{DeviceID: k.DeviceID, OS: k.OS, Browser: k.Browser, ClientApp: k.ClientApp,
			Compliant: rec.Device.Compliant, Managed: rec.Device.Managed, TrustType: k.TrustType}
		a.devices[k] = d
	}
	if failed {
		d.Failures++
	} else {
		d.Successes++
	}
}

func triString(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "true"
	default:
		return "false"
	}
}

// userOf returns the grouping key and labels of the record's user (or
// workload, for service principal and managed identity sign-ins).
func userOf(rec *parse.Record) (key, name, id string) {
	switch {
	case rec.User.UPN != "":
		return strings.ToLower(rec.User.UPN), rec.User.UPN, rec.User.ID
	case rec.User.ID != "":
		return strings.ToLower(rec.User.ID), firstNonEmpty(rec.User.Name, rec.User.ID), rec.User.ID
	case rec.User.Name != "":
		return "name:" + strings.ToLower(rec.User.Name), rec.User.Name, ""
	case rec.ServicePrincipal.ID != "" || rec.ServicePrincipal.Name != "":
		return "sp:" + strings.ToLower(rec.ServicePrincipal.ID+"/"+rec.ServicePrincipal.Name),
			firstNonEmpty(rec.ServicePrincipal.Name, rec.ServicePrincipal.ID), rec.ServicePrincipal.ID
	}
	return "", "(unknown)", ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func (a *aggregator) addGroup(m map[string]*groupAgg, key, name, id string, rec *parse.Record, failed bool, hits []Hit) {
	g := m[key]
	if g == nil {
		g = &groupAgg{stat: GroupStat{Name: name, ID: id, First: rec.Time, Last: rec.Time}}
		m[key] = g
	}
	g.stat.Matched++
	if rec.Time.Before(g.stat.First) {
		g.stat.First = rec.Time
	}
	if rec.Time.After(g.stat.Last) {
		g.stat.Last = rec.Time
	}
	// A tenant may have many users: their maps are made on first use.
	if failed {
		g.stat.Failures++
		if g.errors == nil {
			g.errors = map[int]int{}
		}
		g.errors[rec.Status.Code]++
	}
	for i := range hits {
		if g.findings == nil {
			g.findings = map[string]*[2]int{}
		}
		c := g.findings[hits[i].Rule]
		if c == nil {
			c = &[2]int{}
			g.findings[hits[i].Rule] = c
		}
		c[0]++
		if failed {
			c[1]++
		}
	}
}

func (a *aggregator) addHit(h *Hit, rec *parse.Record, failed bool) {
	f := a.findings[h.Rule]
	if f == nil {
		f = &findingAgg{hit: *h}
		f.hit.Fix, f.hit.FixShape, f.hit.FixValues, f.hit.FixSpans, f.hit.Verdict, f.hit.VerdictSpans = "", "", nil, nil, "", nil
		a.findings[h.Rule] = f
	}
	f.count++
	if failed {
		f.failures++
	}
	if h.Fix != "" {
		f.fixes.add(h)
	}
	f.offerEvidence(rec)
}

func evidenceOf(rec *parse.Record) Evidence {
	_, user, _ := userOf(rec)
	ev := Evidence{
		Time:          rec.Time,
		RequestID:     rec.RequestID,
		CorrelationID: rec.CorrelationID,
		User:          user,
		App:           appLabel(rec.App),
		IP:            rec.IP,
		Code:          rec.Status.Code,
		Source:        sourceString(rec.Source),
		pos:           rec.Source,
	}
	for _, p := range rec.Policies {
		if p.Result == parse.CAFailure {
			ev.Policies = append(ev.Policies, firstNonEmpty(p.Name, p.ID))
		}
	}
	return ev
}

// sourceString writes a record's position as file:line, or file#record
// when the format has no lines.
func sourceString(s parse.Source) string {
	switch {
	case s.Line > 0:
		return s.File + ":" + itoa(s.Line)
	case s.Index > 0:
		return s.File + "#" + itoa(s.Index)
	}
	return s.File
}

// itoa writes a position as editors read it: 1368, not "1,368".
func itoa(n int) string { return strconv.Itoa(n) }

// evidenceLess orders evidence by time, then position, so that the earliest
// sign-ins are kept whatever order the workers saw them in.
func evidenceLess(a, b *Evidence) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	if a.pos.File != b.pos.File {
		return a.pos.File < b.pos.File
	}
	if a.pos.Line != b.pos.Line {
		return a.pos.Line < b.pos.Line
	}
	if a.pos.Index != b.pos.Index {
		return a.pos.Index < b.pos.Index
	}
	return a.RequestID < b.RequestID
}

// offerEvidence keeps the earliest maxEvidence sign-ins, each request ID
// once: the same sign-in read from two exports is one piece of evidence
// (its earliest copy), whatever order the copies arrive in. Most sign-ins
// are not kept, so the evidence is only built for those that are.
func (f *findingAgg) offerEvidence(rec *parse.Record) {
	probe := Evidence{Time: rec.Time, RequestID: rec.RequestID, pos: rec.Source}
	if rec.RequestID != "" {
		for i := range f.evidence {
			if !strings.EqualFold(f.evidence[i].RequestID, rec.RequestID) {
				continue
			}
			if !evidenceLess(&probe, &f.evidence[i]) {
				return
			}
			f.evidence = append(f.evidence[:i], f.evidence[i+1:]...)
			break
		}
	}
	if len(f.evidence) == maxEvidence && !evidenceLess(&probe, &f.evidence[maxEvidence-1]) {
		return
	}
	i := sort.Search(len(f.evidence), func(i int) bool { return evidenceLess(&probe, &f.evidence[i]) })
	if len(f.evidence) < maxEvidence {
		f.evidence = append(f.evidence, Evidence{})
	}
	copy(f.evidence[i+1:], f.evidence[i:])
	f.evidence[i] = evidenceOf(rec)
}

// sortedCopy returns a sorted copy of a small set, never nil.
func sortedCopy(set []string) []string {
	out := append([]string{}, set...)
	sort.Strings(out)
	return out
}

// sortedSet returns the members of a set in order.
func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sectionOptions are what building the report sections needs beyond the
// counts.
type sectionOptions struct {
	top       int
	locations *locator // nil: leave the export's own network locations.
	// zone is the report's time zone: timeline buckets of an hour and
	// more start on its whole hours and days.
	zone *time.Location
	// context is what the run knows of the tenant; its policies make the
	// evaluation section.
	context *rules.Context
}

// fill writes the aggregated sections into r.
func (a *aggregator) fill(r *Report, o sectionOptions) {
	a.fillSummary(r)
	a.fillFindings(r, o)
	a.fillPolicies(r, o)
	a.fillLocations(r, o)
	a.fillDevices(r, o)
	a.fillErrors(r, o)
	r.Timeline = a.timeline(o.zone)
	r.Users, r.UsersOmitted = a.groupStats(a.users, o.top)
	r.Apps, r.AppsOmitted = a.groupStats(a.apps, o.top)
	a.fillEvaluation(r, o)
}

// fillSummary writes the counts and the time span of the matched sign-ins.
func (a *aggregator) fillSummary(r *Report) {
	r.Summary.Matched = a.matched
	r.Summary.Failures = a.failures
	r.Summary.Successes = a.matched - a.failures
	r.Summary.UnknownFlow = a.unknownFlow
	if !a.first.IsZero() {
		first, last := a.first, a.last
		r.Summary.First, r.Summary.Last = &first, &last
	}
}

// fillFindings writes one finding per rule that fired, the most severe
// first, then the one that explains the most sign-ins.
func (a *aggregator) fillFindings(r *Report, o sectionOptions) {
	r.Findings = make([]Finding, 0, len(a.findings))
	for _, f := range a.findings {
		evidence, _ := cut(f.evidence, o.top)
		fd := Finding{Rule: f.hit.Rule, Severity: f.hit.Severity, Title: f.hit.Title, Description: f.hit.Description,
			Count: f.count, Failures: f.failures, Evidence: evidence, EvidenceOmitted: f.count - len(evidence),
			Tags: f.hit.Tags, References: f.hit.References}
		fd.Fixes, fd.Verdict, fd.VerdictSpans = f.fixes.groups(f.hit.FixLabels, o.top)
		if len(fd.Fixes) > 0 {
			fd.Fix, fd.FixSpans = fd.Fixes[0].Fix, fd.Fixes[0].Spans
		}
		if len(fd.Fixes) == 1 && len(fd.Fixes[0].Values) == 0 {
			fd.Fixes = nil
		}
		fd.Fixes, fd.FixesOmitted = cut(fd.Fixes, o.top)
		r.Findings = append(r.Findings, fd)
	}
	sort.Slice(r.Findings, func(i, j int) bool {
		return causeOf(&r.Findings[i]).before(causeOf(&r.Findings[j]))
	})
	r.Findings, r.FindingsOmitted = cut(r.Findings, o.top)
}

// fillPolicies writes each policy seen, the one that failed the most
// sign-ins first.
func (a *aggregator) fillPolicies(r *Report, o sectionOptions) {
	r.Policies = make([]PolicyStat, 0, len(a.policies))
	for _, p := range a.policies {
		st := p.stat
		for _, res := range sortedByCount(p.results) {
			st.Results = append(st.Results, ResultCount{Result: res, Count: p.results[res]})
		}
		st.GrantControls = sortedSet(p.grant)
		st.SessionControls = sortedSet(p.session)
		r.Policies = append(r.Policies, st)
		if st.Failures > 0 {
			r.PoliciesFailing++
		}
	}
	sort.Slice(r.Policies, func(i, j int) bool {
		pi, pj := &r.Policies[i], &r.Policies[j]
		if pi.Failures != pj.Failures {
			return pi.Failures > pj.Failures
		}
		if pi.ReportOnlyFailures != pj.ReportOnlyFailures {
			return pi.ReportOnlyFailures > pj.ReportOnlyFailures
		}
		if pi.Name != pj.Name {
			return pi.Name < pj.Name
		}
		return pi.ID < pj.ID
	})
	r.Policies, r.PoliciesOmitted = cut(r.Policies, o.top)
}

// fillLocations writes each IP address, the one with the most failures
// first, with the named locations that hold it.
func (a *aggregator) fillLocations(r *Report, o sectionOptions) {
	r.Locations = make([]LocationStat, 0, len(a.locations))
	for _, l := range a.locations {
		st := l.stat
		st.SeenByResource = sortedCopy(l.seen)
		if o.locations != nil && st.IP != "(none)" {
			st.NamedLocations, st.Trusted = o.locations.resolve(st.IP)
		}
		if len(st.NamedLocations) == 0 {
			st.NamedLocations = sortedCopy(l.netNames) // Never nil: JSON lists stay [].
		}
		r.Locations = append(r.Locations, st)
		if st.Failures > 0 {
			r.LocationsFailing++
		}
	}
	sort.Slice(r.Locations, func(i, j int) bool {
		li, lj := &r.Locations[i], &r.Locations[j]
		if li.Failures != lj.Failures {
			return li.Failures > lj.Failures
		}
		if li.Successes != lj.Successes {
			return li.Successes > lj.Successes
		}
		return li.IP < lj.IP
	})
	r.Locations, r.LocationsOmitted = cut(r.Locations, o.top)
}

// fillDevices writes each shape of device facts, the one with the most
// failures first.
func (a *aggregator) fillDevices(r *Report, o sectionOptions) {
	r.Devices = make([]DeviceStat, 0, len(a.devices))
	keys := make([]DeviceKey, 0, len(a.devices))
	for k := range a.devices {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		di, dj := a.devices[keys[i]], a.devices[keys[j]]
		if di.Failures != dj.Failures {
			return di.Failures > dj.Failures
		}
		if di.Successes != dj.Successes {
			return di.Successes > dj.Successes
		}
		return deviceKeyLess(keys[i], keys[j])
	})
	for _, k := range keys {
		r.Devices = append(r.Devices, *a.devices[k])
	}
	r.Devices, r.DevicesOmitted = cut(r.Devices, o.top)
}

// fillErrors writes each error code, the most frequent first, with
// Microsoft's meaning.
func (a *aggregator) fillErrors(r *Report, o sectionOptions) {
	r.Errors = make([]ErrorStat, 0, len(a.errors))
	for code, e := range a.errors {
		st := ErrorStat{Code: code, Count: e.count}
		if reasons := sortedByCount(e.reasons); len(reasons) > 0 {
			st.Reason = reasons[0]
		}
		if c, ok := rules.LookupCode(strconv.Itoa(code)); ok {
			st.Name, st.Meaning, st.ConditionalAccess = c.Name, c.Meaning, c.CA
		}
		r.Errors = append(r.Errors, st)
	}
	sort.Slice(r.Errors, func(i, j int) bool {
		if r.Errors[i].Count != r.Errors[j].Count {
			return r.Errors[i].Count > r.Errors[j].Count
		}
		return r.Errors[i].Code < r.Errors[j].Code
	})
	r.Errors, r.ErrorsOmitted = cut(r.Errors, o.top)
}

func deviceKeyLess(a, b DeviceKey) bool {
	as := []string{boolWord(a.DeviceID), a.OS, a.Browser, a.ClientApp, a.Compliant, a.Managed, a.TrustType}
	bs := []string{boolWord(b.DeviceID), b.OS, b.Browser, b.ClientApp, b.Compliant, b.Managed, b.TrustType}
	for i := range as {
		if as[i] != bs[i] {
			return as[i] < bs[i]
		}
	}
	return false
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// groupStats writes the per-user or per-app rows. A row's top finding is
// the one the verdict would put first for its sign-ins alone.
func (a *aggregator) groupStats(m map[string]*groupAgg, top int) ([]GroupStat, int) {
	out := make([]GroupStat, 0, len(m))
	for _, g := range m {
		st := g.stat
		st.TopError = topInt(g.errors)
		var best cause
		for rule, c := range g.findings {
			f := a.findings[rule]
			if f == nil {
				continue
			}
			k := cause{rule: rule, severity: f.hit.Severity, reportOnly: reportOnly(f.hit.Tags), signIns: c[0], failures: c[1]}
			if best.rule == "" || k.before(best) {
				best = k
			}
		}
		st.TopFinding = best.rule
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Failures != out[j].Failures {
			return out[i].Failures > out[j].Failures
		}
		if out[i].Matched != out[j].Matched {
			return out[i].Matched > out[j].Matched
		}
		return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
	})
	return cut(out, top)
}

func topInt(m map[int]int) int {
	best, bestN := 0, 0
	for k, n := range m {
		if n > bestN || n == bestN && k < best {
			best, bestN = k, n
		}
	}
	return best
}

// cut keeps the first top rows (all when top <= 0) and returns how many it
// dropped.
func cut[T any](s []T, top int) ([]T, int) {
	if top <= 0 || len(s) <= top {
		return s, 0
	}
	return s[:top], len(s) - top
}

// bucketWidths are the timeline bucket widths to choose from, smallest
// first.
var bucketWidths = []time.Duration{
	time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour,
}

// maxBuckets bounds the timeline's length; the bucket width is the smallest
// that fits the matched time span.
const maxBuckets = 48

func (a *aggregator) timeline(zone *time.Location) Timeline {
	if len(a.minutes) == 0 {
		return Timeline{Bucket: time.Hour.String(), BucketSeconds: 3600, Buckets: []TimelineBucket{}}
	}
	// In seconds: a time.Duration holds at most 292 years, and a damaged
	// export may span more.
	span := a.last.Unix() - a.first.Unix()
	ws := int64(bucketWidths[len(bucketWidths)-1] / time.Second)
	for _, w := range bucketWidths {
		if span/int64(w/time.Second) < maxBuckets {
			ws = int64(w / time.Second)
			break
		}
	}
	if span/ws >= maxBuckets {
		// Longer than 48 months: buckets of whole years of 365 days
		// (centuries of a damaged export stay 48 buckets).
		const year = 365 * 86400
		ws = (span/year/maxBuckets + 1) * year
	}
	width := time.Duration(ws) * time.Second
	// Buckets start on the zone's hours and days: shifted by its offset
	// at the first sign-in (an offset of whole minutes).
	var off int64
	if zone != nil {
		_, o := a.first.In(zone).Zone()
		off = int64(o)
	}
	if width > bucketWidths[len(bucketWidths)-1] {
		// Year buckets start at the first sign-in, not on multiples
		// since 1970, which would reach back before year 1.
		off = -(a.first.Unix() - floorDiv(a.first.Unix(), ws)*ws)
	}
	start := bucketStart(a.first.Unix(), ws, off)
	end := bucketStart(a.last.Unix(), ws, off)
	n := (end-start)/ws + 1
	buckets := make([]TimelineBucket, n)
	for i := range buckets {
		buckets[i].Start = time.Unix(start+int64(i)*ws, 0).UTC()
	}
	for m, c := range a.minutes {
		i := (bucketStart(m*60, ws, off) - start) / ws
		buckets[i].Failures += c[0]
		buckets[i].Successes += c[1]
	}
	return Timeline{Bucket: width.String(), BucketSeconds: ws, Buckets: buckets}
}

// bucketStart returns the start, in Unix seconds, of the bucket of width
// seconds that holds second s, buckets being aligned off seconds before
// each multiple of width (a zone's offset). It rounds down for times before
// 1970 too, so that the per-minute counts and the timeline put every second
// in the same bucket.
func bucketStart(s, width, off int64) int64 {
	return floorDiv(s+off, width)*width - off
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
