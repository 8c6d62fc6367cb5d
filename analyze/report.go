package analyze

import (
	"time"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// Schema is the version tag of the JSON report. Programs may rely on the
// keys it names; a change that removes or renames a key bumps it.
const Schema = "signinspect.report/v1"

// A Report is the result of an analysis: every section REPORT.md documents,
// in a form every renderer shares. Slices are sorted deterministically;
// long sections are cut to Options.Top rows with the rest counted in their
// Omitted fields.
type Report struct {
	Schema      string    `json:"schema"`
	Version     string    `json:"version"`
	GeneratedAt time.Time `json:"generatedAt"`

	// Verdict is the answer in short: the most likely root cause of the
	// failures and the next causes, each pointing at its finding.
	Verdict Verdict        `json:"verdict"`
	Inputs  []InputSummary `json:"inputs"`
	// InputsOmitted counts the inputs cut by Top; those that need
	// attention (not read, damaged, with skipped records) are kept first.
	InputsOmitted int `json:"inputsOmitted,omitempty"`
	// Warnings are the inputs' warnings, each once with the inputs it
	// concerns.
	Warnings []WarningGroup `json:"warnings"`
	Filter   FilterSummary  `json:"filter"`
	Summary  Summary        `json:"summary"`
	Findings []Finding      `json:"findings"`
	// FindingsOmitted counts findings cut by Top.
	FindingsOmitted int `json:"findingsOmitted,omitempty"`

	Policies        []PolicyStat `json:"policies"`
	PoliciesOmitted int          `json:"policiesOmitted,omitempty"`
	// PoliciesFailing counts the policies that failed a matched sign-in,
	// listed or not.
	PoliciesFailing  int            `json:"policiesFailing"`
	Locations        []LocationStat `json:"locations"`
	LocationsOmitted int            `json:"locationsOmitted,omitempty"`
	// LocationsFailing counts the addresses that a matched sign-in failed
	// from, listed or not.
	LocationsFailing int          `json:"locationsFailing"`
	Devices          []DeviceStat `json:"devices"`
	DevicesOmitted   int          `json:"devicesOmitted,omitempty"`
	Errors           []ErrorStat  `json:"errors"`
	ErrorsOmitted    int          `json:"errorsOmitted,omitempty"`
	Timeline         Timeline     `json:"timeline"`

	// Users and Apps break the matched sign-ins down when more than one
	// user or app matched, for batch analysis.
	Users        []GroupStat `json:"users"`
	UsersOmitted int         `json:"usersOmitted,omitempty"`
	Apps         []GroupStat `json:"apps"`
	AppsOmitted  int         `json:"appsOmitted,omitempty"`

	// RuleErrors lists rules that failed at run time: each once, with how
	// many records it failed on.
	RuleErrors []RuleError `json:"ruleErrors,omitempty"`

	// Redacted is set when personal data in the report was pseudonymized.
	Redacted bool `json:"redacted,omitempty"`

	// PolicyEvaluation is signinspect's evaluation of --policies against
	// the matched sign-ins; nil without --policies.
	PolicyEvaluation *PolicyEvaluation `json:"policyEvaluation,omitempty"`
}

// InputSummary describes one input: what it was read as and what came of
// it.
type InputSummary struct {
	Path       string `json:"path"`
	Format     string `json:"format"`
	FormatName string `json:"formatName,omitempty"`
	// Records is the number of records read; Skipped the number of
	// malformed records that were not.
	Records int `json:"records"`
	Skipped int `json:"skipped"`
	// SkipReasons groups the skipped records by reason, each with its
	// count and the position of the first.
	SkipReasons []SkipReason `json:"skipReasons,omitempty"`
	// Matched and Failures count the input's records that passed the
	// filter, and the failures among them.
	Matched  int `json:"matched"`
	Failures int `json:"failures"`
	// Warnings say what this input's format cannot tell, and what the
	// reader noticed (a truncated download, rows of unknown flow).
	Warnings []string `json:"warnings"`
	// Error is set when a file of a folder could not be read at all (it
	// is not a sign-in export, or it is damaged: such an input has no
	// records) or not to its end (the records before the damage count).
	Error string `json:"error,omitempty"`
	// Damaged is set when Error is about a damaged file (a corrupt
	// archive, a truncated export) rather than one that is not an export.
	Damaged bool `json:"damaged,omitempty"`
}

// SkipReason is one reason records of an input were skipped.
type SkipReason struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
	// First is the full error of the first such record, with its position.
	First string `json:"first"`
}

// FilterSummary is the filter the report was made with.
type FilterSummary struct {
	Users       []string   `json:"users"`
	Apps        []string   `json:"apps"`
	Flow        string     `json:"flow"`
	Since       *time.Time `json:"since,omitempty"`
	Until       *time.Time `json:"until,omitempty"`
	Status      Status     `json:"status"`
	Where       string     `json:"where,omitempty"`
	Description string     `json:"description"`
	// TimeZone is the zone the report's times are in (--tz): an IANA name,
	// "UTC" by default.
	TimeZone string `json:"timeZone"`
}

// Summary counts the inputs, and the records read and matched.
type Summary struct {
	// Inputs counts the inputs, Unread those not read at all (files of
	// folders that are not exports, or damaged), Damaged those damaged.
	Inputs    int        `json:"inputs"`
	Unread    int        `json:"unread,omitempty"`
	Damaged   int        `json:"damaged,omitempty"`
	Read      int        `json:"read"`
	Skipped   int        `json:"skipped"`
	Matched   int        `json:"matched"`
	Failures  int        `json:"failures"`
	Successes int        `json:"successes"`
	First     *time.Time `json:"first,omitempty"`
	Last      *time.Time `json:"last,omitempty"`
	// UnknownFlow counts matched records whose export did not say their
	// flow; they are kept whatever --flow says.
	UnknownFlow int `json:"unknownFlow,omitempty"`
	// Duplicates counts the copies of matched sign-ins that an earlier
	// input already held (the same request ID). DuplicatesMerged is set
	// when they were counted once, as by default, rather than every copy
	// (--keep-duplicates). DuplicatesPartial is set when there were too
	// many matched sign-ins to check them all: the count is a lower bound.
	Duplicates        int  `json:"duplicates,omitempty"`
	DuplicatesMerged  bool `json:"duplicatesMerged,omitempty"`
	DuplicatesPartial bool `json:"duplicatesPartial,omitempty"`
	// NoMatch says in one line why nothing matched, when nothing did.
	NoMatch string `json:"noMatch,omitempty"`
}

// A Verdict is the report's answer in short.
type Verdict struct {
	// Answer is the answer in one sentence: the most likely root cause
	// (the policy, the address or device fact, the fix), or why there is
	// nothing to explain (nothing matched, nothing failed, no rule fired).
	Answer string `json:"answer"`
	// Causes are the findings that explain the failures, the most likely
	// first: by whether they explain failures at all (information and
	// report-only findings come last), then severity, then the failures
	// they explain.
	Causes        []Cause `json:"causes"`
	CausesOmitted int     `json:"causesOmitted,omitempty"`
}

// A Cause is one finding as the verdict sums it up.
type Cause struct {
	// Finding is the finding's number: its 1-based place in findings.
	Finding  int            `json:"finding"`
	Rule     string         `json:"rule"`
	Severity rules.Severity `json:"severity"`
	// Text is the rule's verdict for the most frequent values, or its
	// title for a rule without one.
	Text string `json:"text"`
	// SignIns and Failures count the matched sign-ins and the failures
	// the finding fired on.
	SignIns  int `json:"signIns"`
	Failures int `json:"failures"`
	// Explains is set for a cause of failures; it is false for findings
	// of information and for report-only policies, which block nothing.
	Explains bool `json:"explains"`
}

// A Finding is one rule that fired on the matched sign-ins.
type Finding struct {
	Rule        string         `json:"rule"`
	Severity    rules.Severity `json:"severity"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	// Count is the number of matched sign-ins the rule fired on, and
	// Failures the failed ones among them.
	Count    int `json:"count"`
	Failures int `json:"failures"`
	// Verdict is the rule's one-sentence verdict for the most frequent
	// values, or "" for a rule without one.
	Verdict string `json:"verdict,omitempty"`
	// VerdictSpans and FixSpans are where Verdict and Fix hold the
	// sign-ins' values rather than the rule's words: what Redact rewrites.
	VerdictSpans []rules.Span `json:"-"`
	FixSpans     []rules.Span `json:"-"`
	// Fix is the most frequent rendered fix. Fixes groups the rendered
	// fixes that differ only in the values they show (the IP, the user,
	// the policy): one text per group with every combination of values
	// and its count; it is left out when every sign-in got the same fix.
	Fix          string     `json:"fix"`
	Fixes        []FixGroup `json:"fixes,omitempty"`
	FixesOmitted int        `json:"fixesOmitted,omitempty"`
	Evidence     []Evidence `json:"evidence"`
	// EvidenceOmitted counts the sign-ins not listed as evidence.
	EvidenceOmitted int      `json:"evidenceOmitted,omitempty"`
	Tags            []string `json:"tags,omitempty"`
	References      []string `json:"references,omitempty"`
}

// A FixGroup is one fix of a finding, for one or more values.
type FixGroup struct {
	// Fix is the text for the most frequent values, and Count the
	// sign-ins the group's fix was rendered for.
	Fix   string `json:"fix"`
	Count int    `json:"count"`
	// Spans are where Fix holds the sign-ins' values (see Finding).
	Spans []rules.Span `json:"-"`
	// Labels name the values that differ between the group's sign-ins
	// ("IP address", "policy"); Values lists each combination of them,
	// the most frequent first, cut by Top.
	Labels        []string    `json:"labels,omitempty"`
	Values        []FixValues `json:"values,omitempty"`
	ValuesOmitted int         `json:"valuesOmitted,omitempty"`
	// ValuesPartial is set when there were more combinations than the
	// analysis keeps (1,000 a fix): the counts are right, the list is
	// not whole.
	ValuesPartial bool `json:"valuesPartial,omitempty"`
}

// FixValues is one combination of a fix's values and its sign-ins.
type FixValues struct {
	Values []string `json:"values"`
	Count  int      `json:"count"`
}

// Evidence is one sign-in a finding fired on.
type Evidence struct {
	Time          time.Time `json:"time"`
	RequestID     string    `json:"requestId"`
	CorrelationID string    `json:"correlationId,omitempty"`
	User          string    `json:"user,omitempty"`
	App           string    `json:"app,omitempty"`
	IP            string    `json:"ip,omitempty"`
	Code          int       `json:"code"`
	// Policies are the names of the policies that failed on the sign-in.
	Policies []string `json:"policies,omitempty"`
	Source   string   `json:"source"`

	// pos is the position Source was written from, for ordering evidence
	// by file, then line (file:9 before file:10).
	pos parse.Source
}

// PolicyStat is one Conditional Access policy seen on matched sign-ins.
type PolicyStat struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Results counts the policy's results (failure, success, notApplied,
	// reportOnlyFailure, ...) over the matched sign-ins.
	Results  []ResultCount `json:"results"`
	Failures int           `json:"failures"`
	// ReportOnlyFailures counts sign-ins the policy would have blocked had
	// it been enabled.
	ReportOnlyFailures int      `json:"reportOnlyFailures"`
	GrantControls      []string `json:"grantControls"`
	SessionControls    []string `json:"sessionControls"`
}

// ResultCount is one policy result and how often it occurred.
type ResultCount struct {
	Result string `json:"result"`
	Count  int    `json:"count"`
}

// LocationStat is one IP address the matched sign-ins came from.
type LocationStat struct {
	IP       string `json:"ip"`
	City     string `json:"city,omitempty"`
	State    string `json:"state,omitempty"`
	Country  string `json:"country,omitempty"`
	ASN      int    `json:"asn,omitempty"`
	IPFamily string `json:"ipFamily,omitempty"` // "IPv4" or "IPv6"
	// NamedLocations are the named locations the IP lies in: from
	// --named-locations and --trusted-ip when given, else from the
	// export's networkLocationDetails.
	NamedLocations []string `json:"namedLocations"`
	// Trusted is whether the IP lies in a trusted location; nil when no
	// named locations were given and the export does not say.
	Trusted *bool `json:"trusted"`
	// SeenByResource lists the addresses the resource saw when they differ
	// from IP (a VPN or proxy in between).
	SeenByResource []string `json:"seenByResource,omitempty"`
	Failures       int      `json:"failures"`
	Successes      int      `json:"successes"`
}

// DeviceStat is one shape of device information among matched sign-ins.
type DeviceStat struct {
	DeviceID  bool   `json:"deviceId"` // Whether the sign-ins carried a device ID.
	OS        string `json:"os,omitempty"`
	Browser   string `json:"browser,omitempty"`
	ClientApp string `json:"clientApp,omitempty"`
	Compliant *bool  `json:"compliant"`
	Managed   *bool  `json:"managed"`
	TrustType string `json:"trustType,omitempty"`
	Failures  int    `json:"failures"`
	Successes int    `json:"successes"`
}

// ErrorStat is one sign-in error code among matched sign-ins.
type ErrorStat struct {
	Code int `json:"code"`
	// Name and Meaning come from the offline error-code table; Reason is
	// the most frequent failure reason text of the export itself, which
	// wins over the table where they differ.
	Name    string `json:"name,omitempty"`
	Meaning string `json:"meaning,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// ConditionalAccess marks codes that Conditional Access causes.
	ConditionalAccess bool `json:"conditionalAccess"`
	Count             int  `json:"count"`
}

// Timeline counts failures and successes per time bucket.
type Timeline struct {
	// Bucket is the bucket width, as a Go duration string ("1h0m0s"), and
	// BucketSeconds the same in seconds.
	Bucket        string           `json:"bucket"`
	BucketSeconds int64            `json:"bucketSeconds"`
	Buckets       []TimelineBucket `json:"buckets"`
}

// TimelineBucket is one bucket of the timeline.
type TimelineBucket struct {
	Start     time.Time `json:"start"`
	Failures  int       `json:"failures"`
	Successes int       `json:"successes"`
}

// GroupStat is one user or app of a batch breakdown.
type GroupStat struct {
	Name     string    `json:"name"`
	ID       string    `json:"id,omitempty"`
	Matched  int       `json:"matched"`
	Failures int       `json:"failures"`
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
	// TopError is the most frequent error code among the failures, or 0.
	TopError int `json:"topError,omitempty"`
	// TopFinding is the rule ID that fired on most of the group's
	// sign-ins, or "".
	TopFinding string `json:"topFinding,omitempty"`
}

// RuleError reports a rule that failed at run time.
type RuleError struct {
	Rule    string `json:"rule"`
	Error   string `json:"error"`
	Count   int    `json:"count"`
	First   string `json:"first"` // Position of the first record it failed on.
	Message string `json:"message"`
}

// inZone shows every time of the report in loc.
func (r *Report) inZone(loc *time.Location) {
	in := func(t *time.Time) {
		if t != nil && !t.IsZero() {
			*t = t.In(loc)
		}
	}
	in(r.Summary.First)
	in(r.Summary.Last)
	for i := range r.Findings {
		for j := range r.Findings[i].Evidence {
			in(&r.Findings[i].Evidence[j].Time)
		}
	}
	for i := range r.Timeline.Buckets {
		in(&r.Timeline.Buckets[i].Start)
	}
	for _, gs := range [][]GroupStat{r.Users, r.Apps} {
		for i := range gs {
			in(&gs[i].First)
			in(&gs[i].Last)
		}
	}
}
