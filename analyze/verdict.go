package analyze

import (
	"fmt"
	"strings"

	"github.com/signinspect/signinspect/rules"
)

// The verdict answers first what a reader came for: the most likely root
// cause of the failures. Findings are ranked as causes once, here, and the
// same ranking orders the diagnosis, the answer block and the top finding
// of each user and app.

// cause is a finding seen as a candidate cause of failures.
type cause struct {
	rule       string
	severity   rules.Severity
	reportOnly bool
	signIns    int
	failures   int
}

func causeOf(f *Finding) cause {
	return cause{rule: f.Rule, severity: f.Severity, reportOnly: reportOnly(f.Tags), signIns: f.Count, failures: f.Failures}
}

// reportOnly reports whether tags mark a rule about report-only policies,
// which block nothing: their findings are never a cause of failures.
func reportOnly(tags []string) bool { return rules.IsReportOnly(tags) }

// explains reports whether the finding is a cause of failures: it fired on
// failed sign-ins, is more than information, and is not about a
// report-only policy.
func (c cause) explains() bool {
	return c.failures > 0 && c.severity > rules.SeverityInfo && !c.reportOnly
}

// before ranks causes: those that explain failures first, then by
// severity, then by the failures and the sign-ins they explain.
func (c cause) before(d cause) bool {
	if c.explains() != d.explains() {
		return c.explains()
	}
	if c.severity != d.severity {
		return c.severity > d.severity
	}
	if c.failures != d.failures {
		return c.failures > d.failures
	}
	if c.signIns != d.signIns {
		return c.signIns > d.signIns
	}
	return c.rule < d.rule
}

// verdictOf sums a report up. Its findings are already ranked and cut.
func verdictOf(r *Report) Verdict {
	v := Verdict{Causes: []Cause{}, CausesOmitted: r.FindingsOmitted}
	for i := range r.Findings {
		f := &r.Findings[i]
		c := Cause{Finding: i + 1, Rule: f.Rule, Severity: f.Severity, Text: causeText(f),
			SignIns: f.Count, Failures: f.Failures, Explains: causeOf(f).explains()}
		v.Causes = append(v.Causes, c)
	}
	s := r.Summary
	switch {
	case s.NoMatch != "":
		v.Answer = s.NoMatch
	case s.Matched == 0:
		v.Answer = "No sign-in matched."
	case s.Failures == 0 && s.Matched == 1:
		v.Answer = "The matched sign-in succeeded."
	case s.Failures == 0:
		v.Answer = fmt.Sprintf("None of the %s matched sign-ins failed.", Count(s.Matched))
	case len(v.Causes) == 0 || !v.Causes[0].Explains:
		v.Answer = fmt.Sprintf("No rule explains the %s: see the error codes and policies below.", countNoun(s.Failures, "failure", "failures"))
	default:
		c := v.Causes[0]
		v.Answer = failureShare(c.Failures, s.Failures) + ": " + c.Text
	}
	return v
}

// causeText is a finding's verdict, or its title for a rule without one,
// with a word on the other values its fix applies to.
func causeText(f *Finding) string {
	text := strings.TrimSpace(f.Verdict)
	if text == "" {
		text = strings.TrimRight(f.Title, ".") + "."
	}
	if len(f.Fixes) > 0 && len(f.Fixes[0].Values) > 1 && showsAll(text, f.Fixes[0].Values[0].Values) {
		g := f.Fixes[0]
		n := len(g.Values) - 1 + g.ValuesOmitted
		what := "values"
		switch {
		case len(g.Labels) == 1 && g.Labels[0] != "":
			what = pluralLabel(g.Labels[0], n)
		case len(g.Labels) > 1:
			what = "combinations of " + joinWords(g.Labels)
			if n == 1 {
				what = "combination of " + joinWords(g.Labels)
			}
		}
		text += fmt.Sprintf(" The same applies to %s other %s.", Count(n), what)
	}
	return text
}

// showsAll reports whether text shows every one of values, so that other
// values change what it says.
func showsAll(text string, values []string) bool {
	for _, v := range values {
		if !strings.Contains(text, v) {
			return false
		}
	}
	return true
}

// pluralLabel writes a value's label for n values: "IP addresses".
func pluralLabel(label string, n int) string {
	if n == 1 {
		return label
	}
	switch {
	case strings.HasSuffix(label, "s"):
		return label + "es"
	case strings.HasSuffix(label, "y") && !strings.HasSuffix(label, "ey"):
		return strings.TrimSuffix(label, "y") + "ies"
	}
	return label + "s"
}

// failureShare says how many of the failures a cause explains: "4 of the 5
// failures", "All 3 failures", "The failure".
func failureShare(n, total int) string {
	switch {
	case total == 1:
		return "The failure"
	case n == total:
		return fmt.Sprintf("All %s failures", Count(total))
	}
	return fmt.Sprintf("%s of the %s failures", Count(n), Count(total))
}

func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Count(n) + " " + many
}
