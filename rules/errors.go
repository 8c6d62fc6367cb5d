package rules

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// A RuleError is an error in a rule file or rule: bad YAML, an unknown key,
// a bad value, a duplicate ID, or an expression that does not compile. It
// prints as
//
//	file:line: rule <id>: <key>: <message>
//
// leaving out what is unknown. An expression error keeps expr's own
// position within the expression and its caret excerpt:
//
//	rules/x.yaml:9: rule my-rule: when: unknown name Stauts (1:1)
//	 | Stauts.Code == 53003
//	 | ^
type RuleError struct {
	File   string
	Line   int    // 1-based line in File; 0 when unknown.
	RuleID string // "" when the rule has no (valid) ID yet.
	// Key is the key at fault: "severity", "when", "tests[2].record"; ""
	// for errors about the file or the rule as a whole.
	Key string
	// Err is the cause; for expression errors it is expr's *file.Error.
	Err error
}

func (e *RuleError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.RuleID != "" {
		fmt.Fprintf(&b, "rule %s: ", e.RuleID)
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *RuleError) Unwrap() error { return e.Err }

// joinErrors joins errs like errors.Join, after sorting RuleErrors by file
// and line so that a load reports in reading order whatever order the
// checks ran in.
func joinErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool {
		var a, b *RuleError
		if !errors.As(errs[i], &a) || !errors.As(errs[j], &b) {
			return false
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return errors.Join(errs...)
}
