package render

import (
	"fmt"
	"strings"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/rules"
)

// The human formats (table, markdown, HTML) show the same sections with the
// same columns. This file lays a report out once, as a view of titled grids
// of formatted cells; each of those formats only decides how a grid, a
// finding and a line of text look.

// A tone says how a piece of text should stand out. The table format maps
// tones to ANSI colours (on a terminal only), HTML to CSS classes; Markdown
// ignores them.
type tone uint8

const (
	tonePlain    tone = iota
	toneBad           // Failures, untrusted addresses.
	toneGood          // Successes, trusted addresses.
	toneMuted         // Secondary text: sources, IDs, "… and N more".
	toneWarn          // Warnings and the no-match line.
	toneCritical      // Finding severities, most severe first.
	toneHigh
	toneMedium
	toneLow
	toneInfo
	toneHeading // Headings: bold rather than a colour.
)

// severityTone returns the tone of a finding severity.
func severityTone(sev rules.Severity) tone {
	switch sev {
	case rules.SeverityCritical:
		return toneCritical
	case rules.SeverityHigh:
		return toneHigh
	case rules.SeverityMedium:
		return toneMedium
	case rules.SeverityLow:
		return toneLow
	}
	return toneInfo
}

// A span is a piece of text in one tone.
type span struct {
	Text string
	Tone tone
}

// A cell is one or more spans: most cells are one, the timeline bar is two.
type cell []span

// plain returns a cell without a tone.
func plain(s string) cell { return cell{{Text: s}} }

// toned returns a cell in one tone.
func toned(s string, t tone) cell { return cell{{Text: s, Tone: t}} }

// count returns a number cell, in tone t when the number is not zero.
func count(n int, t tone) cell {
	if n == 0 {
		return plain("0")
	}
	return toned(analyze.Count(n), t)
}

// String returns the cell's text without tones.
func (c cell) String() string {
	if len(c) == 1 {
		return c[0].Text
	}
	var b strings.Builder
	for _, s := range c {
		b.WriteString(s.Text)
	}
	return b.String()
}

// tone returns the cell's first tone, for formats that give a whole cell
// one style.
func (c cell) tone() tone {
	if len(c) == 0 {
		return tonePlain
	}
	return c[0].Tone
}

// A column is one column of a grid.
type column struct {
	Name string
	// Numeric columns are right-aligned.
	Numeric bool
	// Wrap columns may be wrapped to fit the table format's width; the
	// others keep their natural width.
	Wrap bool
	// Detail columns are shown under their row, not beside it, where a
	// format lays a grid out as a list (the table format's evidence).
	Detail bool
	// MinWidth is the narrowest a wrap column becomes, when more than
	// the default.
	MinWidth int
}

// A grid is one titled table of the report.
type grid struct {
	// ID names the section: an anchor in HTML.
	ID    string
	Title string
	// Intro is an optional sentence shown above the table.
	Intro   string
	Columns []column
	Rows    [][]cell
	// More says how many rows were left out, or is "".
	More string
	// omitted and noun make More: the rows the report left out, and what
	// they are, so that a format that shows fewer rows can say how many.
	omitted int
	noun    string
	// Empty is shown instead of the table when there are no rows.
	Empty string
}

// A findingView is one finding laid out for people.
type findingView struct {
	Number      int
	Level       rules.Severity
	Severity    string // Level in upper case: "HIGH".
	Tone        tone
	Title       string
	Rule        string
	Count       string // "41 sign-ins".
	Description string
	Fix         string
	// FixValues lists the values Fix applies to, when they differ between
	// its sign-ins; it has no rows otherwise.
	FixValues grid
	// OtherFixes are the fixes of fewer sign-ins than Fix.
	OtherFixes []fixView
	References []string
	Evidence   grid
}

// A fixView is one fix of a finding other than the first.
type fixView struct {
	Count  string // "For 9 sign-ins".
	Text   string
	Values grid
}

// An answerView is the verdict laid out for people: the answer, then the
// next causes and the findings that only inform.
type answerView struct {
	Text string
	// Finding is the number of the finding the answer comes from, or 0.
	Finding int
	// NoMatch is set when the answer is why nothing matched.
	NoMatch bool
	Tone    tone
	Causes  []causeView // After the first.
	Notes   []causeView // Findings that explain no failure.
	More    string
}

// A causeView is one cause of the verdict.
type causeView struct {
	Finding  int
	Severity string
	Tone     tone
	Share    string // "4 failures", "3 sign-ins".
	Text     string
}

// A warningGroup is one warning and every input it concerns.
type warningGroup struct {
	analyze.WarningGroup
}

// InputsText names the inputs of a group briefly: "all 24 inputs", or up
// to three names and how many more.
func (g warningGroup) InputsText(totalInputs int) string {
	n := len(g.Inputs) + g.InputsOmitted
	switch {
	case n == 1 && len(g.Inputs) == 1:
		return g.Inputs[0]
	case n == totalInputs && n > 1:
		return fmt.Sprintf("all %d inputs", n)
	case n <= 3 && len(g.Inputs) == n:
		return strings.Join(g.Inputs, ", ")
	}
	shown := g.Inputs[:min(2, len(g.Inputs))]
	return fmt.Sprintf("%s and %d more", strings.Join(shown, ", "), n-len(shown))
}

// A scopeLine is one labelled fact of the scope section.
type scopeLine struct {
	Label, Value string
}

// A view is a report laid out for people.
type view struct {
	Title       string
	Version     string
	GeneratedAt string
	Answer      answerView
	Scope       []scopeLine

	Inputs      grid
	InputCount  int
	Warnings    []warningGroup
	SkipReasons grid

	Findings     []findingView
	FindingsMore string
	// Breakdowns are the per-user and per-app grids, present only when
	// more than one user or app matched.
	Breakdowns []grid
	// Details are the policies, locations, devices, error codes and
	// timeline grids, in the order REPORT.md lists them.
	Details    []grid
	RuleErrors grid
}

// viewOptions tune the layout for a format.
type viewOptions struct {
	// maxEvidence bounds the evidence rows shown per finding; 0 shows all
	// the report holds.
	maxEvidence int
	// barWidth is the width of the timeline's text bars; 0 leaves the bar
	// column out (HTML draws a chart instead).
	barWidth int
	// maxValues bounds the rows of a fix's value list, maxFixes the fixes
	// of a finding, maxCauses the causes of the answer after the first,
	// and maxRows the rows of the inputs, breakdown and detail tables (not
	// the timeline, a series); 0 shows all the report holds.
	maxValues, maxFixes, maxCauses, maxRows int
}

// newView lays a report out.
func newView(r *analyze.Report, o viewOptions) *view {
	v := &view{Title: "signinspect report", Version: r.Version, InputCount: len(r.Inputs) + r.InputsOmitted}
	if !r.GeneratedAt.IsZero() {
		v.GeneratedAt = timeText(r.GeneratedAt)
	}
	v.Answer = answerOf(r, o)
	v.Scope = scopeLines(r)
	v.Inputs, v.SkipReasons = inputsGrid(r), skipGrid(r)
	for _, g := range r.Warnings {
		v.Warnings = append(v.Warnings, warningGroup{g})
	}
	for i, f := range r.Findings {
		v.Findings = append(v.Findings, findingOf(i+1, f, r, o))
	}
	v.FindingsMore = moreText(r.FindingsOmitted, "findings")
	if len(r.Users)+r.UsersOmitted > 1 {
		v.Breakdowns = append(v.Breakdowns, groupGrid("users", "By user", "User", r.Users, r.UsersOmitted, "users"))
	}
	if len(r.Apps)+r.AppsOmitted > 1 {
		v.Breakdowns = append(v.Breakdowns, groupGrid("apps", "By app", "App", r.Apps, r.AppsOmitted, "apps"))
	}
	policies := policiesGrid(r)
	if len(v.Warnings) > 0 {
		policies.Empty += " The input warnings say what each export cannot tell."
	}
	v.Details = append(append([]grid{policies}, evaluationGrids(r)...), locationsGrid(r), devicesGrid(r), errorsGrid(r), timelineGrid(r, o.barWidth))
	v.RuleErrors = ruleErrorsGrid(r)
	for _, g := range append(append([]*grid{&v.Inputs}, gridRefs(v.Breakdowns)...), gridRefs(v.Details[:4])...) {
		g.cap(o.maxRows)
	}
	return v
}

// gridRefs returns pointers to the grids of gs.
func gridRefs(gs []grid) []*grid {
	out := make([]*grid, len(gs))
	for i := range gs {
		out[i] = &gs[i]
	}
	return out
}

// cap keeps at most n rows (all when n is 0) and writes More: the rows cut
// here and those the report left out.
func (g *grid) cap(n int) {
	left := g.omitted
	if n > 0 && len(g.Rows) > n {
		left += len(g.Rows) - n
		g.Rows = g.Rows[:n]
	}
	if g.noun != "" {
		g.More = moreText(left, g.noun)
	}
}

func scopeLines(r *analyze.Report) []scopeLine {
	s := r.Summary
	read := fmt.Sprintf("%s records from %s", analyze.Count(s.Read), plural(s.Inputs, "input", "inputs"))
	switch {
	case s.Unread > 0 && s.Damaged > 0:
		read += fmt.Sprintf(" (%s not read, %s damaged)", analyze.Count(s.Unread), analyze.Count(s.Damaged))
	case s.Unread > 0:
		read += fmt.Sprintf(" (%s not read)", analyze.Count(s.Unread))
	case s.Damaged > 0:
		read += fmt.Sprintf(" (%s damaged, read in part)", analyze.Count(s.Damaged))
	}
	read += fmt.Sprintf(", %s skipped", analyze.Count(s.Skipped))
	lines := []scopeLine{
		{"Filter", r.Filter.Description},
		{"Read", read},
		{"Matched", fmt.Sprintf("%s: %s, %s", plural(s.Matched, "sign-in", "sign-ins"),
			plural(s.Failures, "failure", "failures"), plural(s.Successes, "success", "successes"))},
	}
	if s.First != nil {
		span := fmt.Sprintf("%s to %s", timePtrText(s.First), timePtrText(s.Last))
		if z := zoneName(r); z != "UTC" {
			span += " (" + z + ")"
		}
		lines = append(lines, scopeLine{"Time", span})
	}
	if s.UnknownFlow > 0 {
		lines = append(lines, scopeLine{"Unknown flow", fmt.Sprintf("%s of the matched sign-ins do not say their flow; they are kept whatever --flow says", analyze.Count(s.UnknownFlow))})
	}
	if s.Duplicates > 0 {
		atLeast := ""
		if s.DuplicatesPartial {
			atLeast = "at least "
		}
		text := fmt.Sprintf("%s%s of sign-ins that an earlier input already held (same request ID) ", atLeast, plural(s.Duplicates, "copy", "copies"))
		if s.DuplicatesMerged {
			text += "were counted once; --keep-duplicates counts every copy"
		} else {
			text += "are counted as they are"
		}
		lines = append(lines, scopeLine{"Duplicates", text})
	}
	if r.Redacted {
		lines = append(lines, scopeLine{"Redacted", "personal data in this report is pseudonymized"})
	}
	return lines
}

func inputsGrid(r *analyze.Report) grid {
	g := grid{ID: "inputs", Title: "Inputs",
		Columns: []column{{Name: "Input", Wrap: true}, {Name: "Format", Wrap: true}, {Name: "Records", Numeric: true},
			{Name: "Skipped", Numeric: true}, {Name: "Matched", Numeric: true}, {Name: "Failures", Numeric: true}},
		Empty: "No input.", omitted: r.InputsOmitted, noun: "inputs"}
	for _, in := range r.Inputs {
		format := toned(in.Format, tonePlain)
		if in.Error != "" {
			format = toned("not read", toneWarn)
		}
		g.Rows = append(g.Rows, []cell{plain(in.Path), format, plain(analyze.Count(in.Records)),
			count(in.Skipped, toneWarn), plain(analyze.Count(in.Matched)), count(in.Failures, toneBad)})
	}
	return g
}

func skipGrid(r *analyze.Report) grid {
	g := grid{ID: "skipped", Title: "Skipped records",
		Columns: []column{{Name: "Input", Wrap: true}, {Name: "Records", Numeric: true}, {Name: "Reason", Wrap: true}, {Name: "First", Wrap: true}}}
	for _, in := range r.Inputs {
		for _, s := range in.SkipReasons {
			g.Rows = append(g.Rows, []cell{plain(in.Path), count(s.Count, toneWarn), plain(s.Reason), toned(analyze.WithoutInputName(s.First, in.Path), toneMuted)})
		}
	}
	return g
}

// answerOf lays the verdict out: the answer, then up to maxCauses more
// causes and notes, each pointing at its finding.
func answerOf(r *analyze.Report, o viewOptions) answerView {
	a := answerView{Text: r.Verdict.Answer, Tone: tonePlain}
	causes := r.Verdict.Causes
	switch {
	case len(causes) > 0 && causes[0].Explains:
		a.Finding, a.Tone = causes[0].Finding, severityTone(causes[0].Severity)
		causes = causes[1:]
	case r.Summary.NoMatch != "":
		a.Tone, a.NoMatch = toneWarn, true
	}
	shown := 0
	for _, c := range causes {
		if o.maxCauses > 0 && shown == o.maxCauses {
			break
		}
		cv := causeView{Finding: c.Finding, Severity: strings.ToUpper(c.Severity.String()), Tone: severityTone(c.Severity), Text: c.Text}
		if c.Explains {
			cv.Share = plural(c.Failures, "failure", "failures")
			a.Causes = append(a.Causes, cv)
		} else {
			cv.Share = plural(c.SignIns, "sign-in", "sign-ins")
			a.Notes = append(a.Notes, cv)
		}
		shown++
	}
	if left := len(causes) - shown + r.Verdict.CausesOmitted; left > 0 {
		noun := "findings"
		if left == 1 {
			noun = "finding"
		}
		a.More = fmt.Sprintf("… and %s more %s in the diagnosis", analyze.Count(left), noun)
	}
	return a
}

func findingOf(n int, f analyze.Finding, r *analyze.Report, o viewOptions) findingView {
	fv := findingView{Number: n, Level: f.Severity, Severity: strings.ToUpper(f.Severity.String()), Tone: severityTone(f.Severity),
		Title: f.Title, Rule: f.Rule, Count: plural(f.Count, "sign-in", "sign-ins"),
		Description: f.Description, Fix: f.Fix, References: f.References}
	fixes := f.Fixes
	if o.maxFixes > 0 && len(fixes) > o.maxFixes {
		fixes = fixes[:o.maxFixes]
	}
	for i, g := range fixes {
		values := fixValuesGrid(f.Rule, i, g, o)
		if i == 0 {
			fv.FixValues = values
			continue
		}
		fv.OtherFixes = append(fv.OtherFixes, fixView{Count: "For " + plural(g.Count, "sign-in", "sign-ins"), Text: g.Fix, Values: values})
	}
	if left := len(f.Fixes) - len(fixes) + f.FixesOmitted; left > 0 {
		fv.OtherFixes = append(fv.OtherFixes, fixView{Count: moreText(left, "fixes")})
	}
	manyApps := len(r.Apps)+r.AppsOmitted > 1
	g := grid{ID: "evidence-" + f.Rule, Title: "Evidence"}
	g.Columns = []column{{Name: "Time"}, {Name: "User", Wrap: true}}
	if manyApps {
		g.Columns = append(g.Columns, column{Name: "App", Wrap: true})
	}
	g.Columns = append(g.Columns, column{Name: "IP"}, column{Name: "Code", Numeric: true},
		column{Name: "Request ID", Detail: true}, column{Name: "Failed policies", Wrap: true, Detail: true},
		column{Name: "Source", Wrap: true, Detail: true})
	evidence := f.Evidence
	if o.maxEvidence > 0 && len(evidence) > o.maxEvidence {
		evidence = evidence[:o.maxEvidence]
	}
	for _, e := range evidence {
		row := []cell{plain(timeText(e.Time)), plain(e.User)}
		if manyApps {
			row = append(row, plain(e.App))
		}
		row = append(row, plain(e.IP), toned(codeText(e.Code), toneBad), plain(e.RequestID),
			plain(strings.Join(e.Policies, "; ")), toned(e.Source, toneMuted))
		g.Rows = append(g.Rows, row)
	}
	if left := f.Count - len(evidence); left > 0 {
		noun := "sign-ins"
		if left == 1 {
			noun = "sign-in"
		}
		g.More = fmt.Sprintf("… and %s more %s", analyze.Count(left), noun)
	}
	fv.Evidence = g
	return fv
}

// fixValuesGrid lists the values a fix applies to and their sign-ins, or
// is empty when the fix applies to one combination of values.
func fixValuesGrid(rule string, n int, g analyze.FixGroup, o viewOptions) grid {
	out := grid{ID: fmt.Sprintf("fix-%s-%d", rule, n+1), Title: "Values"}
	if len(g.Values) < 2 && g.ValuesOmitted == 0 {
		return out
	}
	out.Columns = append(out.Columns, column{Name: "Sign-ins", Numeric: true})
	for _, l := range g.Labels {
		out.Columns = append(out.Columns, column{Name: capitalize(l), Wrap: true})
	}
	rows := g.Values
	if o.maxValues > 0 && len(rows) > o.maxValues {
		rows = rows[:o.maxValues]
	}
	for _, v := range rows {
		row := make([]cell, 0, len(v.Values)+1)
		row = append(row, plain(analyze.Count(v.Count)))
		for _, x := range v.Values {
			row = append(row, plain(x))
		}
		out.Rows = append(out.Rows, row)
	}
	left := len(g.Values) - len(rows) + g.ValuesOmitted
	out.More = moreText(left, "values")
	if g.ValuesPartial {
		out.More = strings.TrimSpace(out.More + " (more values than the analysis counts one by one)")
	}
	return out
}

// capitalize writes a label as a column name: "IP address" stays, "policy"
// becomes "Policy".
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func groupGrid(id, title, label string, gs []analyze.GroupStat, omitted int, what string) grid {
	g := grid{ID: id, Title: title,
		Columns: []column{{Name: label, Wrap: true}, {Name: "Sign-ins", Numeric: true}, {Name: "Failures", Numeric: true},
			{Name: "First – last", Wrap: true, MinWidth: 22}, {Name: "Error", Numeric: true}, {Name: "Top finding", Wrap: true}},
		omitted: omitted, noun: what}
	for _, s := range gs {
		g.Rows = append(g.Rows, []cell{plain(s.Name), plain(analyze.Count(s.Matched)), count(s.Failures, toneBad),
			plain(spanText(s.First, s.Last)), plain(codeText(s.TopError)), plain(s.TopFinding)})
	}
	return g
}

func policiesGrid(r *analyze.Report) grid {
	g := grid{ID: "policies", Title: "Conditional Access policies",
		Columns: []column{{Name: "Policy", Wrap: true}, {Name: "Failures", Numeric: true},
			{Name: "Results", Wrap: true}, {Name: "Controls", Wrap: true}},
		omitted: r.PoliciesOmitted, noun: "policies",
		Empty: "No Conditional Access policy is listed on the matched sign-ins."}
	for _, p := range r.Policies {
		g.Rows = append(g.Rows, []cell{plain(policyName(p)), count(p.Failures, toneBad),
			plain(resultsText(p.Results, ", ")), plain(controlsText(p))})
	}
	return g
}

func locationsGrid(r *analyze.Report) grid {
	g := grid{ID: "locations", Title: "Locations",
		Columns: []column{{Name: "IP"}, {Name: "Location", Wrap: true},
			{Name: "Named locations", Wrap: true}, {Name: "Trusted"}, {Name: "Seen by resource"},
			{Name: "Failures", Numeric: true}, {Name: "Successes", Numeric: true}},
		omitted: r.LocationsOmitted, noun: "addresses",
		Empty: "No sign-in matched."}
	for _, l := range r.Locations {
		trusted := plain(dash)
		switch {
		case l.Trusted == nil:
		case *l.Trusted:
			trusted = toned("yes", toneGood)
		default:
			trusted = toned("no", toneBad)
		}
		where := locationText(l)
		if l.ASN != 0 {
			where = strings.TrimPrefix(where+fmt.Sprintf("; AS%d", l.ASN), "; ")
		}
		g.Rows = append(g.Rows, []cell{plain(l.IP), plain(where), plain(strings.Join(l.NamedLocations, "\n")),
			trusted, toned(strings.Join(l.SeenByResource, "\n"), toneWarn), count(l.Failures, toneBad), count(l.Successes, toneGood)})
	}
	return g
}

func devicesGrid(r *analyze.Report) grid {
	g := grid{ID: "devices", Title: "Devices",
		Columns: []column{{Name: "Device ID present"}, {Name: "OS", Wrap: true}, {Name: "Browser", Wrap: true}, {Name: "Client app", Wrap: true},
			{Name: "Compliant"}, {Name: "Managed"}, {Name: "Join type", Wrap: true}, {Name: "Failures", Numeric: true}, {Name: "Successes", Numeric: true}},
		omitted: r.DevicesOmitted, noun: "device shapes",
		Empty: "No sign-in matched."}
	for _, d := range r.Devices {
		g.Rows = append(g.Rows, []cell{plain(yesNoBool(d.DeviceID)), plain(d.OS), plain(d.Browser), plain(d.ClientApp),
			plain(orDash(yesNo(d.Compliant))), plain(orDash(yesNo(d.Managed))), plain(d.TrustType), count(d.Failures, toneBad), count(d.Successes, toneGood)})
	}
	return g
}

func errorsGrid(r *analyze.Report) grid {
	g := grid{ID: "errors", Title: "Error codes",
		Columns: []column{{Name: "Code", Numeric: true}, {Name: "Name", Wrap: true}, {Name: "CA"}, {Name: "Sign-ins", Numeric: true}, {Name: "Meaning", Wrap: true}},
		omitted: r.ErrorsOmitted, noun: "error codes",
		Empty: "No failure matched."}
	for _, e := range r.Errors {
		g.Rows = append(g.Rows, []cell{toned(fmt.Sprint(e.Code), toneBad), plain(e.Name), plain(yesNoBool(e.ConditionalAccess)),
			plain(analyze.Count(e.Count)), plain(errorText(e))})
	}
	return g
}

// timelineGrid lists the timeline's buckets, with runs of empty buckets
// folded into one row so that a week of hourly buckets stays short.
func timelineGrid(r *analyze.Report, barWidth int) grid {
	t := r.Timeline
	g := grid{ID: "timeline", Title: "Timeline",
		Columns: []column{{Name: "From"}, {Name: "Failures", Numeric: true}, {Name: "Successes", Numeric: true}},
		Empty:   "No sign-in matched."}
	if len(t.Buckets) > 0 {
		g.Intro = fmt.Sprintf("Failures and successes per %s, %s.", bucketWords(t.BucketSeconds), zoneName(r))
	}
	if barWidth > 0 {
		g.Columns = append(g.Columns, column{Name: ""})
	}
	peak := 0
	for _, b := range t.Buckets {
		peak = max(peak, b.Failures+b.Successes)
	}
	for i := 0; i < len(t.Buckets); i++ {
		b := t.Buckets[i]
		if b.Failures+b.Successes == 0 {
			j := i
			for j+1 < len(t.Buckets) && t.Buckets[j+1].Failures+t.Buckets[j+1].Successes == 0 {
				j++
			}
			if j > i {
				row := []cell{toned("…", toneMuted), plain(""), plain("")}
				if barWidth > 0 {
					row = append(row, toned("no sign-ins for "+durationWords(int64(j-i+1)*t.BucketSeconds), toneMuted))
				}
				g.Rows = append(g.Rows, row)
				i = j
				continue
			}
		}
		row := []cell{plain(timeText(b.Start)), count(b.Failures, toneBad), count(b.Successes, toneGood)}
		if barWidth > 0 {
			row = append(row, bar(b.Failures, b.Successes, peak, barWidth))
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// bar draws failures and successes as a text bar scaled to peak: full
// blocks for failures, light shade for successes. A non-zero count always
// gets at least one character.
func bar(failures, successes, peak, width int) cell {
	if peak == 0 {
		return plain("")
	}
	scale := func(n int) int {
		if n == 0 {
			return 0
		}
		return max(1, (n*width+peak/2)/peak)
	}
	return cell{{Text: strings.Repeat("█", scale(failures)), Tone: toneBad}, {Text: strings.Repeat("░", scale(successes)), Tone: toneGood}}
}

// bucketWords writes a bucket width in words: "3 hours", "day".
func bucketWords(seconds int64) string {
	if seconds <= 0 {
		return "bucket"
	}
	return strings.TrimPrefix(durationWords(seconds), "1 ")
}

// durationWords writes a whole number of seconds in the largest unit that
// divides it: "15 hours", "1 day".
func durationWords(seconds int64) string {
	unit, n := "second", seconds
	switch {
	case seconds >= 365*86400 && seconds%(365*86400) == 0:
		unit, n = "year", seconds/(365*86400) // The timeline's years of 365 days.
	case seconds%86400 == 0:
		unit, n = "day", seconds/86400
	case seconds%3600 == 0:
		unit, n = "hour", seconds/3600
	case seconds%60 == 0:
		unit, n = "minute", seconds/60
	}
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func ruleErrorsGrid(r *analyze.Report) grid {
	g := grid{ID: "rule-errors", Title: "Rule errors",
		Intro:   "These rules failed at run time on some sign-ins; their findings may be incomplete.",
		Columns: []column{{Name: "Rule", Wrap: true}, {Name: "Sign-ins", Numeric: true}, {Name: "First", Wrap: true}, {Name: "Error", Wrap: true}}}
	for _, e := range r.RuleErrors {
		g.Rows = append(g.Rows, []cell{plain(e.Rule), count(e.Count, toneWarn), toned(e.First, toneMuted), plain(e.Error)})
	}
	return g
}

// zoneName is the time zone the report's times are in.
func zoneName(r *analyze.Report) string {
	if r.Filter.TimeZone == "" {
		return "UTC"
	}
	return r.Filter.TimeZone
}
