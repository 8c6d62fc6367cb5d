package analyze

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/signinspect/signinspect/internal/suggest"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// Status selects sign-ins by their outcome.
type Status string

// The statuses a Filter selects by.
const (
	StatusAny     Status = "any"
	StatusFailure Status = "failure"
	StatusSuccess Status = "success"
)

// Statuses lists the statuses, in the order help text shows them.
var Statuses = []Status{StatusFailure, StatusSuccess, StatusAny}

// FlowAny and AppAny switch the flow and app filters off.
const (
	FlowAny = "any"
	AppAny  = "any"
)

// Flows lists the flows a Filter selects by (parse's flows and FlowAny), in
// the order help text shows them.
var Flows = []string{parse.FlowNonInteractive, parse.FlowInteractive, parse.FlowServicePrincipal, parse.FlowManagedIdentity, FlowAny}

// A ValueError says that a value is none of those accepted.
type ValueError struct {
	Value string // As given.
	Want  string // The accepted values, in words: "failure, success or any".
}

func (e *ValueError) Error() string { return fmt.Sprintf("%q: want %s", e.Value, e.Want) }

// ParseFlow returns the flow named s, one of Flows; case and surrounding
// spaces do not matter.
func ParseFlow(s string) (string, error) {
	flow := strings.ToLower(strings.TrimSpace(s))
	for _, f := range Flows {
		if f == flow {
			return f, nil
		}
	}
	return "", &ValueError{Value: s, Want: "one of " + strings.Join(Flows, ", ")}
}

// ParseStatus returns the status named s, one of Statuses; case and
// surrounding spaces do not matter.
func ParseStatus(s string) (Status, error) {
	status := Status(strings.ToLower(strings.TrimSpace(s)))
	for _, st := range Statuses {
		if st == status {
			return st, nil
		}
	}
	return "", &ValueError{Value: s, Want: "failure, success or any"}
}

// AzureDevOpsApp is the default --app: Azure DevOps by name, or by its
// application or resource ID.
const AzureDevOpsApp = "Azure DevOps"

// A Filter selects the sign-ins a report is about. The zero value keeps
// every record; DefaultFilter gives the command line's defaults.
type Filter struct {
	// Users keeps sign-ins whose user principal name, object ID or display
	// name (or service principal name or ID) equals one of these,
	// case-insensitively. Empty keeps every user.
	Users []string
	// Apps keeps sign-ins whose application or resource has one of these
	// names or IDs, case-insensitively; a well-known Microsoft app's name
	// also matches its ID and the reverse ("Azure DevOps" matches
	// 499b84ac-1321-427f-aa17-267ca6975798). Empty keeps every app.
	Apps []string
	// Flow keeps sign-ins of one flow (a parse.Flow constant); "" or FlowAny
	// keeps every flow. Records whose export does not say their flow are
	// kept whatever the flow and counted in Stats.UnknownFlow, so that a
	// renamed portal CSV is never silently dropped.
	Flow string
	// Since and Until bound the sign-in time: Since <= t < Until. Zero
	// values leave that side open.
	Since, Until time.Time
	// Status keeps failures, successes or both ("" or StatusAny).
	Status Status
	// Where is an extra condition in the rule language, or nil.
	Where *rules.Filter
	// Location is the time zone the report shows times in; nil means
	// UTC. It does not change which sign-ins match.
	Location *time.Location
}

// zone returns the filter's time zone, UTC by default.
func (f Filter) zone() *time.Location {
	if f.Location == nil {
		return time.UTC
	}
	return f.Location
}

// formatTime writes t in the filter's time zone.
func (f Filter) formatTime(t time.Time) string { return FormatTime(t.In(f.zone())) }

// DefaultFilter returns the command line's defaults: Azure DevOps,
// non-interactive, any status, any time.
func DefaultFilter() Filter {
	return Filter{Apps: []string{AzureDevOpsApp}, Flow: parse.FlowNonInteractive, Status: StatusAny}
}

// stage names the filter that dropped a record, for the message that says
// why nothing matched.
type stage int

const (
	stageKept stage = iota
	stageUser
	stageApp
	stageFlow
	stageTime
	stageStatus
	stageWhere
	numStages
)

// stageSet is a set of filter stages.
type stageSet uint8

func (s stageSet) with(st stage) stageSet { return s | 1<<st }

func (s stageSet) has(st stage) bool { return s&(1<<st) != 0 }

// stageFlags names the flag that sets each filter, as the no-match reason
// tells the user to change it.
var stageFlags = [numStages]string{
	stageUser:   "--user",
	stageApp:    "--app",
	stageFlow:   "--flow",
	stageTime:   "--since/--until (or --at/--window)",
	stageStatus: "--status",
	stageWhere:  "--where",
}

// matcher is a Filter prepared for the per-record loop: values folded once.
type matcher struct {
	f     Filter
	users []string
	apps  []string
	flow  string
	where *rules.FilterMatcher
}

// newMatcher prepares f for one goroutine.
func newMatcher(f Filter) *matcher {
	m := &matcher{f: f}
	if f.Where != nil {
		m.where = f.Where.NewMatcher()
	}
	for _, u := range f.Users {
		m.users = append(m.users, strings.ToLower(strings.TrimSpace(u)))
	}
	for _, a := range f.Apps {
		if strings.EqualFold(strings.TrimSpace(a), AppAny) {
			m.apps = nil
			break
		}
		m.apps = append(m.apps, AppAliases(a)...)
	}
	if f.Flow != FlowAny {
		m.flow = f.Flow
	}
	return m
}

// keep returns stageKept when rec passes every filter, or the first filter
// that drops it. Cheap string tests come first; the expression last.
func (m *matcher) keep(rec *parse.Record) stage {
	for st := stageUser; st < numStages; st++ {
		if !m.passes(st, rec) {
			return st
		}
	}
	return stageKept
}

// failsAfter returns the filters after first that rec fails too: what
// else would have to change for it to match.
func (m *matcher) failsAfter(rec *parse.Record, first stage) stageSet {
	var set stageSet
	for st := first + 1; st < numStages; st++ {
		if !m.passes(st, rec) {
			set = set.with(st)
		}
	}
	return set
}

// passes reports whether rec passes the filter of one stage.
func (m *matcher) passes(st stage, rec *parse.Record) bool {
	switch st {
	case stageUser:
		return len(m.users) == 0 || anyEqualFold(m.users, rec.User.UPN, rec.User.ID, rec.User.Name, rec.ServicePrincipal.Name, rec.ServicePrincipal.ID)
	case stageApp:
		return len(m.apps) == 0 || anyEqualFold(m.apps, rec.App.ID, rec.App.Name, rec.Resource.ID, rec.Resource.Name)
	case stageFlow:
		return m.flow == "" || rec.Flow == "" || rec.Flow == m.flow
	case stageTime:
		return (m.f.Since.IsZero() || !rec.Time.Before(m.f.Since)) && (m.f.Until.IsZero() || rec.Time.Before(m.f.Until))
	case stageStatus:
		switch m.f.Status {
		case StatusFailure:
			return rec.Failed()
		case StatusSuccess:
			return !rec.Failed()
		}
		return true
	case stageWhere:
		return m.where == nil || m.where.Match(rec)
	}
	return true
}

// anyEqualFold reports whether one of values equals one of the folded
// wanted strings, ignoring case.
func anyEqualFold(wanted []string, values ...string) bool {
	for _, v := range values {
		if v == "" {
			continue
		}
		for _, w := range wanted {
			if len(v) == len(w) && strings.EqualFold(v, w) {
				return true
			}
		}
	}
	return false
}

// Describe returns the filter in words, as the report's scope shows it.
func (f Filter) Describe() string {
	var parts []string
	if len(f.Users) > 0 {
		parts = append(parts, "user "+strings.Join(f.Users, " or "))
	}
	if len(f.Apps) > 0 && !containsFold(f.Apps, AppAny) {
		parts = append(parts, "app "+strings.Join(f.Apps, " or "))
	} else {
		parts = append(parts, "any app")
	}
	if f.Flow != "" && f.Flow != FlowAny {
		parts = append(parts, f.Flow+" sign-ins")
	} else {
		parts = append(parts, "any flow")
	}
	switch f.Status {
	case StatusFailure:
		parts = append(parts, "failures only")
	case StatusSuccess:
		parts = append(parts, "successes only")
	}
	switch {
	case !f.Since.IsZero() && !f.Until.IsZero():
		parts = append(parts, fmt.Sprintf("from %s to %s", f.formatTime(f.Since), f.formatTime(f.Until)))
	case !f.Since.IsZero():
		parts = append(parts, "since "+f.formatTime(f.Since))
	case !f.Until.IsZero():
		parts = append(parts, "until "+f.formatTime(f.Until))
	}
	if f.Where != nil {
		parts = append(parts, "where "+f.Where.String())
	}
	return strings.Join(parts, ", ")
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}

// FormatTime writes a time as reports show it: RFC 3339 to the second, in
// the time's own zone ("2026-11-20T10:15:02Z" in UTC,
// "2026-11-20T11:15:02+01:00" in Europe/Berlin).
func FormatTime(t time.Time) string {
	return t.Format("2006-01-02T15:04:05Z07:00")
}

// rejections counts the records each filter dropped, with enough detail to
// say in one line why nothing matched.
type rejections struct {
	// byStage counts the records by the first filter that dropped them,
	// and screened those of them the prefilter dropped undecoded (whose
	// names are not known without reading again).
	byStage  [numStages]int
	screened [numStages]int
	// later counts, for the decoded records each filter dropped first,
	// which later filters they fail too.
	later [numStages][1 << numStages]int
	flows map[string]int // Flows of records the flow filter dropped.
	apps  map[string]int // Apps of records the app filter dropped.
	users map[string]int // Users of records the user filter dropped.
	// minTime and maxTime span the records the time filter dropped.
	minTime time.Time
	maxTime time.Time
}

// maxLabels bounds the app and user names kept for the no-match reason: a
// tenant has hundreds of apps, maybe thousands of users, not millions.
const maxLabels = 10000

func (r *rejections) add(st stage, later stageSet, rec *parse.Record) {
	r.byStage[st]++
	r.later[st][later]++
	switch st {
	case stageFlow:
		if r.flows == nil {
			r.flows = map[string]int{}
		}
		r.flows[rec.Flow]++
	case stageApp:
		r.apps = addLabel(r.apps, appLabel(rec.App))
	case stageUser:
		_, name, _ := userOf(rec)
		r.users = addLabel(r.users, name)
		if rec.User.Name != "" && rec.User.Name != name {
			r.users = addLabel(r.users, rec.User.Name)
		}
	case stageTime:
		if r.minTime.IsZero() || rec.Time.Before(r.minTime) {
			r.minTime = rec.Time
		}
		if rec.Time.After(r.maxTime) {
			r.maxTime = rec.Time
		}
	}
}

// addLabel counts a name in a bounded set.
func addLabel(m map[string]int, name string) map[string]int {
	if m == nil {
		m = map[string]int{}
	}
	if _, ok := m[name]; ok || len(m) < maxLabels {
		m[name]++
	}
	return m
}

func appLabel(a parse.App) string {
	if a.Name != "" {
		return a.Name
	}
	if a.ID != "" {
		return a.ID
	}
	return "(no app)"
}

// emptying returns the first filter, in the fixed order user, app, flow,
// time, status, where, after which no record is left; stageKept when some
// record passed them all.
func (r *rejections) emptying(read int) stage {
	left := read
	for st := stageUser; st < numStages; st++ {
		left -= r.byStage[st]
		if left <= 0 {
			return st
		}
	}
	return stageKept
}

// whyNoMatch says in one line why no record matched: the filter that
// emptied the result (see emptying), what the records it dropped were, and
// the flag to change; when changing it alone would still leave nothing,
// the other filters that would have to change too.
func (r *rejections) whyNoMatch(read int, f Filter) string {
	if read == 0 {
		return "no sign-in records were read"
	}
	k := r.emptying(read)
	head := fmt.Sprintf("0 of %s records matched: ", Count(read))
	if k == stageKept {
		return head + "no record passed the filters"
	}
	n := r.byStage[k]
	these := recordsWords(n, f, k)
	var why string
	switch k {
	case stageUser:
		why = fmt.Sprintf("none was for user %s", strings.Join(f.Users, " or "))
		if names := r.closest(r.users, f.Users); len(names) > 0 {
			why += fmt.Sprintf(" (did you mean %s?)", strings.Join(names, " or "))
		}
		why += "; check the spelling (UPN, object ID or display name) or leave out --user"
	case stageApp:
		why = fmt.Sprintf("%s for other apps (most: %s)", these, topKeys(r.apps, 3))
		if names := r.closest(r.apps, f.Apps); len(names) > 0 {
			why += fmt.Sprintf("; did you mean --app %q", names[0])
			for _, n := range names[1:] {
				why += fmt.Sprintf(" or --app %q", n)
			}
			why += "? or try --app any"
		} else {
			why += "; try --app any"
		}
	case stageFlow:
		why = fmt.Sprintf("%s %s; try %s", these, flowWords(r.flows), flowHint(r.flows))
	case stageTime:
		why = fmt.Sprintf("%s outside the time window (they span %s to %s); widen --since/--until or --window",
			these, f.formatTime(r.minTime), f.formatTime(r.maxTime))
	case stageStatus:
		outcome := "succeeded"
		if f.Status == StatusSuccess {
			outcome = "failed"
		}
		if n == 1 {
			why = fmt.Sprintf("the one otherwise matching sign-in %s; try --status any", outcome)
		} else {
			why = fmt.Sprintf("all %s otherwise matching sign-ins %s; try --status any", Count(n), outcome)
		}
	case stageWhere:
		why = fmt.Sprintf("--where dropped the %s that matched the other filters", countNoun(n, "sign-in", "sign-ins"))
		// A sign-in on which the expression failed is dropped too, and
		// counted among the rule errors: say so, not only that it dropped.
		if re := f.Where.RunError(); re != nil {
			why += fmt.Sprintf("; it failed on %s of them (see Rule errors)", Count(re.Count))
		}
	}
	if also := r.alsoNeeded(k); also != 0 {
		var flags []string
		for st := k + 1; st < numStages; st++ {
			if also.has(st) {
				flags = append(flags, stageFlags[st])
			}
		}
		why += fmt.Sprintf("; that alone is not enough: %s would have to change too", joinWords(flags))
	}
	return head + why
}

// alsoNeeded returns the later filters that the records dropped at k fail
// too, when none of them fails k alone (so that changing k's flag alone
// would still match nothing): those of the most common combination.
// It is 0 when changing k alone would give a match.
func (r *rejections) alsoNeeded(k stage) stageSet {
	// A user or an app that no record has is the whole story (and the
	// prefilter leaves such records undecoded, so nothing is known of
	// their other filters).
	if k <= stageApp {
		return 0
	}
	counts := &r.later[k]
	if counts[0] > 0 {
		return 0
	}
	best, bestN := stageSet(0), 0
	for set, n := range counts {
		if n > bestN {
			best, bestN = stageSet(set), n
		}
	}
	return best
}

// closest returns the names of the inputs closest to the values given.
func (r *rejections) closest(names map[string]int, values []string) []string {
	if len(names) == 0 {
		return nil
	}
	candidates := sortedByCount(names)
	var out []string
	for _, v := range values {
		for _, c := range suggest.Closest(v, candidates, 3) {
			if !containsFold(out, c) && len(out) < 3 {
				out = append(out, c)
			}
		}
	}
	return out
}

// recordsWords describes the records that the filters before k kept, all
// dropped at k: "the 9 records of user svc-build@contoso.com".
func recordsWords(n int, f Filter, k stage) string {
	var parts []string
	if k > stageUser && len(f.Users) > 0 {
		parts = append(parts, "of user "+strings.Join(f.Users, " or "))
	}
	if k > stageApp && len(f.Apps) > 0 && !containsFold(f.Apps, AppAny) {
		parts = append(parts, "for "+strings.Join(f.Apps, " or "))
	}
	if k > stageFlow && f.Flow != "" && f.Flow != FlowAny {
		parts = append(parts, "of flow "+f.Flow)
	}
	s := "the " + countNoun(n, "record", "records")
	if n == 1 {
		s = "the one record"
	}
	if len(parts) > 0 {
		s += " " + strings.Join(parts, ", ")
	}
	if n == 1 {
		return s + " is"
	}
	return s + " are"
}

// flowHint says which --flow would keep the records the flow filter
// dropped: the one flow they all have, or any.
func flowHint(flows map[string]int) string {
	if len(flows) == 1 {
		for f := range flows {
			if f != "" {
				return "--flow " + f + " (or --flow any)"
			}
		}
	}
	return "--flow any"
}

// joinWords joins words as a sentence lists them: "a", "a and b", "a, b
// and c".
func joinWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func flowWords(flows map[string]int) string {
	keys := sortedByCount(flows)
	var parts []string
	for _, k := range keys {
		name := k
		if name == "" {
			name = "of unknown flow"
		}
		if len(keys) == 1 {
			return name + " sign-ins"
		}
		parts = append(parts, fmt.Sprintf("%s %s", Count(flows[k]), name))
	}
	return "sign-ins of other flows (" + strings.Join(parts, ", ") + ")"
}

func topKeys(m map[string]int, n int) string {
	keys := sortedByCount(m)
	if len(keys) > n {
		keys = keys[:n]
	}
	return strings.Join(keys, ", ")
}

// sortedByCount returns the keys of m, largest count first, ties by key.
func sortedByCount(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// Count formats a count with thousands separators: 48210 → "48,210".
func Count(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + Count(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
