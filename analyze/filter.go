package analyze

import (
	"fmt"
	"sort"
	"strings"
	"time"

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
}

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
		m.apps = append(m.apps, appAliases(a)...)
	}
	if f.Flow != FlowAny {
		m.flow = f.Flow
	}
	return m
}

// keep returns stageKept when rec passes every filter, or the first filter
// that drops it. Cheap string tests come first; the expression last.
func (m *matcher) keep(rec *parse.Record) stage {
	if len(m.users) > 0 && !anyEqualFold(m.users, rec.User.UPN, rec.User.ID, rec.User.Name, rec.ServicePrincipal.Name, rec.ServicePrincipal.ID) {
		return stageUser
	}
	if len(m.apps) > 0 && !anyEqualFold(m.apps, rec.App.ID, rec.App.Name, rec.Resource.ID, rec.Resource.Name) {
		return stageApp
	}
	if m.flow != "" && rec.Flow != "" && rec.Flow != m.flow {
		return stageFlow
	}
	if !m.f.Since.IsZero() && rec.Time.Before(m.f.Since) || !m.f.Until.IsZero() && !rec.Time.Before(m.f.Until) {
		return stageTime
	}
	switch m.f.Status {
	case StatusFailure:
		if !rec.Failed() {
			return stageStatus
		}
	case StatusSuccess:
		if rec.Failed() {
			return stageStatus
		}
	}
	if m.where != nil && !m.where.Match(rec) {
		return stageWhere
	}
	return stageKept
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
		parts = append(parts, fmt.Sprintf("from %s to %s", FormatTime(f.Since), FormatTime(f.Until)))
	case !f.Since.IsZero():
		parts = append(parts, "since "+FormatTime(f.Since))
	case !f.Until.IsZero():
		parts = append(parts, "until "+FormatTime(f.Until))
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

// FormatTime writes a time as reports show it: RFC 3339 in UTC, to the
// second.
func FormatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// rejections counts the records each filter dropped, with enough detail to
// say in one line why nothing matched.
type rejections struct {
	byStage [numStages]int
	flows   map[string]int // Flows of records the flow filter dropped.
	apps    map[string]int // Apps of records the app filter dropped.
	minTime time.Time      // Time span of records the time filter dropped.
	maxTime time.Time
	succeed int // Records the status filter dropped that succeeded.
}

func (r *rejections) add(st stage, rec *parse.Record) {
	r.byStage[st]++
	switch st {
	case stageFlow:
		if r.flows == nil {
			r.flows = map[string]int{}
		}
		r.flows[rec.Flow]++
	case stageApp:
		if r.apps == nil {
			r.apps = map[string]int{}
		}
		// Bounded: a tenant has hundreds of apps, not millions.
		if len(r.apps) < 10000 {
			r.apps[appLabel(rec.App)]++
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

func appLabel(a parse.App) string {
	if a.Name != "" {
		return a.Name
	}
	if a.ID != "" {
		return a.ID
	}
	return "(no app)"
}

// whyNoMatch says in one line why no record matched, naming the filter that
// dropped most records and what to try.
func (r *rejections) whyNoMatch(read int, f Filter) string {
	if read == 0 {
		return "no sign-in records were read"
	}
	best := stageUser
	for st := stageUser; st < numStages; st++ {
		if r.byStage[st] > r.byStage[best] {
			best = st
		}
	}
	n := r.byStage[best]
	head := fmt.Sprintf("0 of %s records matched: ", Count(read))
	switch best {
	case stageUser:
		return head + fmt.Sprintf("none was for user %s; check the spelling (UPN, object ID or display name) or leave out --user", strings.Join(f.Users, " or "))
	case stageApp:
		return head + fmt.Sprintf("%s were for other apps (most: %s); try --app any", Count(n), topKeys(r.apps, 3))
	case stageFlow:
		return head + fmt.Sprintf("%s were %s; try --flow any", Count(n), flowWords(r.flows))
	case stageTime:
		return head + fmt.Sprintf("%s fell outside the time window (they span %s to %s); widen --since/--until or --window", Count(n), FormatTime(r.minTime), FormatTime(r.maxTime))
	case stageStatus:
		if f.Status == StatusFailure {
			return head + fmt.Sprintf("all %s otherwise matching sign-ins succeeded; try --status any", Count(n))
		}
		return head + fmt.Sprintf("all %s otherwise matching sign-ins failed; try --status any", Count(n))
	case stageWhere:
		// A sign-in on which the expression failed is dropped too, and
		// counted among the rule errors: say so, not only that it dropped.
		if re := f.Where.RunError(); re != nil {
			return head + fmt.Sprintf("--where dropped the %s that matched the other filters; it failed on %s of them (see Rule errors)", Count(n), Count(re.Count))
		}
		return head + fmt.Sprintf("--where dropped the %s that matched the other filters", Count(n))
	}
	return head + "no record passed the filters"
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
			return name
		}
		parts = append(parts, fmt.Sprintf("%s %s", Count(flows[k]), name))
	}
	return "(" + strings.Join(parts, ", ") + ")"
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
