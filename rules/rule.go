// Package rules loads, compiles and runs signinspect's diagnosis rules.
//
// A rule is a YAML document (see REFERENCE.md)
// whose `when` is an expr expression over one normalized sign-in
// (parse.Record) and a set of helper functions (Env). Rules are loaded
// strictly (Load, LoadPaths, Builtin), compiled once (Compile), and
// evaluated many times, one Evaluator per goroutine:
//
//	set, err := rules.Compile(rs, &rules.Context{TrustedIPs: ranges})
//	ev := set.NewEvaluator()
//	for rec := range records {
//		for _, m := range ev.Eval(rec) {
//			fmt.Println(m.Rule.ID, m.Fix)
//		}
//	}
//	for _, e := range set.RunErrors() { ... }
//
// Every rule carries its own test cases (SelfTest). The built-in pack is
// embedded in the binary (rules/builtin/<id>.yaml). The package also holds
// the offline table of sign-in error codes (LookupCode).
package rules

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// A Rule is a diagnosis rule as written: data only, validated but not
// compiled. Compile turns rules into a Set.
type Rule struct {
	// ID is stable, unique and kebab-case ("ip-outside-trusted-locations").
	ID string
	// Title is the one-line summary shown for a finding.
	Title string
	// Severity drives report order and --fail-on.
	Severity Severity
	// Status is the rule's maturity.
	Status Status
	// Description explains what the rule detects and why.
	Description string
	// Tags classify the rule ("conditional-access", "azure-devops",
	// "root-cause", ...).
	Tags []string
	// References are documentation URLs, as text; nothing is fetched.
	References []string
	// When is the expr condition, evaluated against Env; it must be
	// boolean.
	When string
	// Fix is the remedy shown for a finding. {{ expr }} placeholders are
	// evaluated against the matching sign-in.
	Fix string
	// Verdict is one sentence for the report's answer block: the cause
	// with its evidence (the policy, the address, the device fact) and the
	// fix, with placeholders as in Fix. Optional: a rule without one is
	// summed up by its title.
	Verdict string
	// Tests are the rule's own cases, run by SelfTest.
	Tests []Case

	// File is where the rule was loaded from ("builtin/<id>.yaml" for the
	// built-in pack), and Line the line of its first key; both are zero
	// for rules built in Go.
	File string
	Line int
	// Builtin marks rules of the embedded pack.
	Builtin bool

	// pos locates the rule's keys in File, for compile errors.
	pos rulePos
}

// A Case is one test of a rule: a sign-in and whether the rule must match
// it.
type Case struct {
	// Name says what the case shows.
	Name string
	// Record is the sign-in in Microsoft Graph JSON shape (as a YAML map
	// in rule files), decoded with parse.DecodeJSONRecord.
	Record []byte
	// Format, when set, makes the record look as if read from that format:
	// the fields the format does not carry (parse.FormatInfo.Carries) are
	// cleared and not Known, and Source.Format is set. A portal-csv case
	// thus has no Policies.
	Format parse.Format
	// NamedLocations and TrustedIPs are the Context of the case; a case
	// without them runs with an empty Context.
	NamedLocations []policy.NamedLocation
	TrustedIPs     []netip.Prefix
	// Policies and Memberships are the case's Conditional Access policies
	// and the groups of its user.
	Policies    []policy.Policy
	Memberships *policy.Memberships
	// Match is whether the rule must match the record.
	Match bool
	// FixContains and VerdictContains are texts the rendered fix and
	// verdict must contain (only for matching cases).
	FixContains     []string
	VerdictContains []string
	// Line is the line of the case in File.
	Line int

	recordLine int // Line of the record key, for decode errors.
}

// rulePos holds where a rule's keys are in its file.
type rulePos struct {
	keys    map[string]int // Key name → line.
	when    scalarPos
	fix     scalarPos
	verdict scalarPos
}

// scalarPos locates the text of a YAML scalar, to map positions within it
// (expr's line and column) to lines of the file.
type scalarPos struct {
	line int // Line of the first character of the text; 0 if unknown.
	// block is set for a literal block (|): the text's lines are the file's
	// lines from line on. Other scalars are mapped to line as a whole.
	block bool
}

// keyLine returns the line of key in the rule's file, falling back to the
// rule's own line.
func (r *Rule) keyLine(key string) int {
	if l := r.pos.keys[key]; l > 0 {
		return l
	}
	return r.Line
}

// Validate checks what the loader checks about a rule built in Go: an ID in
// kebab-case, a title, and a condition. Loaded rules are already valid.
func (r *Rule) Validate() error {
	var errs []error
	if err := checkID(r.ID); err != nil {
		errs = append(errs, r.errorf("id", "%v", err))
	}
	if strings.TrimSpace(r.Title) == "" {
		errs = append(errs, r.errorf("title", "missing"))
	}
	if strings.TrimSpace(r.When) == "" {
		errs = append(errs, r.errorf("when", "missing"))
	}
	if r.Severity < SeverityInfo || r.Severity > SeverityCritical {
		errs = append(errs, r.errorf("severity", "invalid severity %d", int(r.Severity)))
	}
	if r.Status < StatusExperimental || r.Status > StatusDeprecated {
		errs = append(errs, r.errorf("status", "invalid status %d", int(r.Status)))
	}
	return joinErrors(errs)
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checkID checks that id is kebab-case.
func checkID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("missing")
	case !idPattern.MatchString(id):
		return fmt.Errorf("%q is not kebab-case (lower-case letters and digits in words joined by single dashes, like ip-outside-trusted-locations)", id)
	}
	return nil
}

// errorf returns a RuleError about key of r, at the key's line.
func (r *Rule) errorf(key, format string, args ...any) *RuleError {
	return &RuleError{File: r.File, Line: r.keyLine(key), RuleID: r.ID, Key: key, Err: fmt.Errorf(format, args...)}
}

// TagReportOnly marks rules about report-only policies, which block
// nothing: a report ranks their findings after every cause of failures.
const TagReportOnly = "report-only"

// IsReportOnly reports whether tags hold TagReportOnly, in any case.
func IsReportOnly(tags []string) bool {
	for _, t := range tags {
		if strings.EqualFold(t, TagReportOnly) {
			return true
		}
	}
	return false
}
