package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/signinspect/signinspect/analyze"
)

// This file holds the small formatters every format shares, so that a
// location, a device shape or a policy result reads the same in a terminal,
// a ticket, a spreadsheet and a browser.

// dash stands for "nothing" in human formats.
const dash = "—"

// orDash returns s, or dash when s is empty.
func orDash(s string) string {
	if s == "" {
		return dash
	}
	return s
}

// yesNo writes a tri-state fact: yes, no, or "" when unknown.
func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	default:
		return "no"
	}
}

// yesNoBool writes a known fact.
func yesNoBool(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// locationText writes "City, State, CC", leaving out the parts the export
// did not give.
func locationText(l analyze.LocationStat) string {
	var parts []string
	for _, p := range []string{l.City, l.State, l.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// deviceText describes a device shape in one line, for the CSV key and
// for places that cannot show it as columns.
func deviceText(d analyze.DeviceStat) string {
	parts := []string{"device ID " + yesNoBool(d.DeviceID)}
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+" "+v)
		}
	}
	add("OS", d.OS)
	add("browser", d.Browser)
	add("client app", d.ClientApp)
	add("compliant", yesNo(d.Compliant))
	add("managed", yesNo(d.Managed))
	add("join type", d.TrustType)
	return strings.Join(parts, "; ")
}

// resultLabel returns a Conditional Access result as people read it
// ("report-only failure" for reportOnlyFailure), or the result itself when
// it is not a known one.
func resultLabel(r string) string {
	switch r {
	case "notApplied":
		return "not applied"
	case "notEnabled":
		return "not enabled"
	case "reportOnlySuccess":
		return "report-only success"
	case "reportOnlyFailure":
		return "report-only failure"
	case "reportOnlyNotApplied":
		return "report-only not applied"
	case "reportOnlyInterrupted":
		return "report-only interrupted"
	}
	return r
}

// resultsText writes a policy's result counts: "failure 51, not applied 73".
func resultsText(rs []analyze.ResultCount, sep string) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = resultLabel(r.Result) + " " + analyze.Count(r.Count)
	}
	return strings.Join(parts, sep)
}

// policyName returns a policy's name, or its ID when the export gave none.
func policyName(p analyze.PolicyStat) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

// controlsText writes the grant and session controls of a policy.
func controlsText(p analyze.PolicyStat) string {
	var parts []string
	if len(p.GrantControls) > 0 {
		parts = append(parts, "grant: "+strings.Join(p.GrantControls, ", "))
	}
	if len(p.SessionControls) > 0 {
		parts = append(parts, "session: "+strings.Join(p.SessionControls, ", "))
	}
	return strings.Join(parts, "; ")
}

// errorText is the explanation of an error code: the export's own failure
// reason when it has one, else Microsoft's meaning from the offline table.
func errorText(e analyze.ErrorStat) string {
	if e.Reason != "" {
		return e.Reason
	}
	return e.Meaning
}

// timeText writes a time as reports do, or "" for the zero time.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return analyze.FormatTime(t)
}

// timePtrText is timeText for optional times.
func timePtrText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return timeText(*t)
}

// spanText writes a time span: "first – last", or one time when they are
// the same.
func spanText(first, last time.Time) string {
	if first.Equal(last) {
		return timeText(first)
	}
	return timeText(first) + " – " + timeText(last)
}

// codeText writes an error code, or "" for 0 (no error).
func codeText(c int) string {
	if c == 0 {
		return ""
	}
	return fmt.Sprint(c)
}

// plural writes "1 sign-in" or "41 sign-ins".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return analyze.Count(n) + " " + many
}

// moreText is the line that says how many rows --top left out.
func moreText(n int, what string) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("… and %s more %s (use --top 0 to list all)", analyze.Count(n), what)
}
