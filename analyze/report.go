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

	Inputs   []InputSummary `json:"inputs"`
	Filter   FilterSummary  `json:"filter"`
	Summary  Summary        `json:"summary"`
	Findings []Finding      `json:"findings"`
	// FindingsOmitted counts findings cut by Top.
	FindingsOmitted int `json:"findingsOmitted,omitempty"`

	Policies         []PolicyStat   `json:"policies"`
	PoliciesOmitted  int            `json:"policiesOmitted,omitempty"`
	Locations        []LocationStat `json:"locations"`
	LocationsOmitted int            `json:"locationsOmitted,omitempty"`
	Devices          []DeviceStat   `json:"devices"`
	DevicesOmitted   int            `json:"devicesOmitted,omitempty"`
	Errors           []ErrorStat    `json:"errors"`
	ErrorsOmitted    int            `json:"errorsOmitted,omitempty"`
	Timeline         Timeline       `json:"timeline"`

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
	// Error is set when the input could not be read at all (a file in a
	// folder that is not a sign-in export); such inputs have no records.
	Error string `json:"error,omitempty"`
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
}

// Summary counts the records read and matched.
type Summary struct {
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
	// Duplicates counts matched sign-ins that more than one input holds
	// (the same request ID): each copy is counted in the other numbers.
	// DuplicatesPartial is set when there were too many matched sign-ins
	// to check them all, so the count is a lower bound.
	Duplicates        int  `json:"duplicates,omitempty"`
	DuplicatesPartial bool `json:"duplicatesPartial,omitempty"`
	// NoMatch says in one line why nothing matched, when nothing did.
	NoMatch string `json:"noMatch,omitempty"`
}

// A Finding is one rule that fired on the matched sign-ins.
type Finding struct {
	Rule        string         `json:"rule"`
	Severity    rules.Severity `json:"severity"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	// Count is the number of matched sign-ins the rule fired on.
	Count int `json:"count"`
	// Fix is the most frequent rendered fix; Fixes lists every distinct
	// rendered fix with how many sign-ins it came from.
	Fix      string     `json:"fix"`
	Fixes    []FixCount `json:"fixes,omitempty"`
	Evidence []Evidence `json:"evidence"`
	// EvidenceOmitted counts the sign-ins not listed as evidence.
	EvidenceOmitted int      `json:"evidenceOmitted,omitempty"`
	Tags            []string `json:"tags,omitempty"`
	References      []string `json:"references,omitempty"`
}

// FixCount is one distinct rendered fix of a finding.
type FixCount struct {
	Fix   string `json:"fix"`
	Count int    `json:"count"`
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
