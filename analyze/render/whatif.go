package render

import (
	"fmt"
	"strings"

	"github.com/signinspect/signinspect/analyze"
)

// This file lays out signinspect whatif's report: the recorded sign-ins
// replayed under the policies as exported and as edited.

// changeLabel writes a change as people read it.
func changeLabel(c string) string {
	switch c {
	case analyze.ChangeNewlyBlocked:
		return "newly blocked"
	case analyze.ChangeUnblocked:
		return "unblocked"
	}
	return c
}

func changeTone(c string) tone {
	switch c {
	case analyze.ChangeNewlyBlocked:
		return toneBad
	case analyze.ChangeUnblocked:
		return toneGood
	}
	return toneWarn
}

// changesText says what the edits do, in one sentence.
func changesText(r *analyze.WhatIfReport) string {
	c := r.Changes
	return fmt.Sprintf("Of %s: %s unblocked, %s newly blocked, %s unchanged, %s unknown.",
		plural(r.Matched, "matched sign-in", "matched sign-ins"), analyze.Count(c.Unblocked), analyze.Count(c.NewlyBlocked),
		analyze.Count(c.Unchanged), analyze.Count(c.Unknown))
}

// whatIfDocument lays the replay out for people.
func whatIfDocument(r *analyze.WhatIfReport) *document {
	d := &document{Title: "signinspect whatif", Subtitle: r.Filter, Version: r.Version}
	if !r.GeneratedAt.IsZero() {
		d.GeneratedAt = timeText(r.GeneratedAt)
	}
	edits := strings.Join(r.Edits, "; ")
	if edits == "" {
		edits = "none: the policies after are those before"
	}
	d.Facts = []scopeLine{
		{"Filter", r.Filter},
		{"Read", fmt.Sprintf("%s records from %s", analyze.Count(r.Read), plural(len(r.Inputs), "input", "inputs"))},
		{"Policies", fmt.Sprintf("%d before, %d after", r.PoliciesBefore, r.PoliciesAfter)},
		{"Edits", edits},
	}
	changes := docSection{ID: "changes", Title: "Changes"}
	if r.NoMatch != "" {
		changes.Paragraphs = append(changes.Paragraphs, docParagraph{Text: "No match: " + r.NoMatch, Tone: toneWarn})
	}
	changes.Paragraphs = append(changes.Paragraphs, docParagraph{Text: changesText(r)})
	switch c := r.Changes; {
	case c.NewlyBlocked == 0 && c.Unknown == 0 && c.Unblocked > 0:
		changes.Paragraphs = append(changes.Paragraphs, docParagraph{Text: "The edits unblock sign-ins and block none that the policies allowed.", Tone: toneGood})
	case c.NewlyBlocked > 0:
		changes.Paragraphs = append(changes.Paragraphs, docParagraph{Text: "The edits block sign-ins that the policies allowed: see the newly blocked ones below before making them.", Tone: toneBad})
	}
	g := grid{ID: "sign-ins", Title: "Sign-ins whose outcome changes",
		Columns: []column{{Name: "Change"}, {Name: "Time"}, {Name: "IP"}, {Name: "User", Wrap: true},
			{Name: "Outcome", Detail: true}, {Name: "Policy", Detail: true}, {Name: "Why", Detail: true},
			{Name: "Request ID", Detail: true}, {Name: "Source", Detail: true}},
		More:  moreText(r.SignInsOmitted, "sign-ins"),
		Empty: "No sign-in changes outcome."}
	for _, s := range r.SignIns {
		g.Rows = append(g.Rows, []cell{toned(changeLabel(s.Change), changeTone(s.Change)), plain(timeText(s.Time)), plain(s.IP), plain(s.User),
			plain(verdictLabel(s.Before) + " → " + verdictLabel(s.After)), plain(s.Policy), plain(s.Condition),
			plain(s.RequestID), toned(s.Source, toneMuted)})
	}
	changes.Grids = append(changes.Grids, g)
	d.Sections = append(d.Sections, changes)
	inputs := docSection{ID: "inputs", Title: "Inputs"}
	ig := grid{ID: "inputs", Title: "Inputs",
		Columns: []column{{Name: "Input", Wrap: true}, {Name: "Format"}, {Name: "Records", Numeric: true}, {Name: "Skipped", Numeric: true}, {Name: "Matched", Numeric: true}}}
	for _, in := range r.Inputs {
		format := plain(in.Format)
		if in.Error != "" {
			format = toned("not read", toneWarn)
		}
		ig.Rows = append(ig.Rows, []cell{plain(in.Path), format, plain(analyze.Count(in.Records)), count(in.Skipped, toneWarn), plain(analyze.Count(in.Matched))})
	}
	inputs.Grids = append(inputs.Grids, ig)
	for _, w := range r.Warnings {
		inputs.Paragraphs = append(inputs.Paragraphs, docParagraph{Text: "Warning: " + w, Tone: toneWarn})
	}
	d.Sections = append(d.Sections, inputs)
	return d
}

// whatIfRow is one row of signinspect whatif's CSV report.
type whatIfRow struct {
	Section   string `csv:"section"`
	Change    string `csv:"change"`
	Count     string `csv:"count"`
	RequestID string `csv:"request_id"`
	Time      string `csv:"time"`
	User      string `csv:"user"`
	App       string `csv:"app"`
	IP        string `csv:"ip"`
	Before    string `csv:"before"`
	After     string `csv:"after"`
	Policy    string `csv:"policy"`
	Condition string `csv:"condition"`
	Source    string `csv:"source"`
}

// whatIfRows lays the replay out as CSV rows: an edit row each, a row per
// kind of change with its count, a row per sign-in listed.
func whatIfRows(r *analyze.WhatIfReport) []whatIfRow {
	var rows []whatIfRow
	for _, e := range r.Edits {
		rows = append(rows, whatIfRow{Section: "edit", Condition: e})
	}
	c := r.Changes
	for _, k := range []struct {
		change string
		n      int
	}{{analyze.ChangeUnblocked, c.Unblocked}, {analyze.ChangeNewlyBlocked, c.NewlyBlocked}, {"unchanged", c.Unchanged}, {analyze.ChangeUnknown, c.Unknown}} {
		rows = append(rows, whatIfRow{Section: "changes", Change: k.change, Count: num(k.n)})
	}
	for _, s := range r.SignIns {
		rows = append(rows, whatIfRow{Section: "sign-in", Change: s.Change, Count: "1", RequestID: s.RequestID, Time: timeText(s.Time),
			User: s.User, App: s.App, IP: s.IP, Before: s.Before, After: s.After, Policy: s.Policy, Condition: s.Condition, Source: s.Source})
	}
	if r.SignInsOmitted > 0 {
		rows = append(rows, whatIfRow{Section: "omitted", Count: num(r.SignInsOmitted), Condition: "rows left out; use --top 0 to list all"})
	}
	for _, w := range r.Warnings {
		rows = append(rows, whatIfRow{Section: "warning", Condition: w})
	}
	return rows
}

// SARIF rule IDs of whatif.
const (
	sarifRuleNewlyBlocked = "whatif-newly-blocked"
	sarifRuleUnblocked    = "whatif-unblocked"
)

// whatIfSARIF returns the replay's changes as a SARIF run: each sign-in
// the edits block (an error) or unblock (a note), at its place in the
// input.
func whatIfSARIF(r *analyze.WhatIfReport) sarifRun {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Rules: []sarifRule{
		{ID: sarifRuleNewlyBlocked, Name: sarifRuleNewlyBlocked,
			ShortDescription:     sarifMessage{Text: "The edits would block a sign-in that the policies allowed"},
			FullDescription:      sarifMessage{Text: "Replayed under the edited policies, a recorded sign-in that the exported policies allowed is blocked."},
			Help:                 sarifMessage{Text: "Do not make the edit as it stands; narrow it, or exclude the sign-in's user, app or network."},
			HelpURI:              projectURI,
			DefaultConfiguration: sarifConfiguration{Level: "error"},
			Properties:           sarifRuleProperties{Tags: []string{"conditional-access", "whatif"}, SecuritySeverity: "8.0", Severity: "high"}},
		{ID: sarifRuleUnblocked, Name: sarifRuleUnblocked,
			ShortDescription:     sarifMessage{Text: "The edits would unblock a sign-in that the policies blocked"},
			FullDescription:      sarifMessage{Text: "Replayed under the edited policies, a recorded sign-in that the exported policies blocked is allowed."},
			Help:                 sarifMessage{Text: "This is what the edit is for; check that it unblocks no more than intended."},
			HelpURI:              projectURI,
			DefaultConfiguration: sarifConfiguration{Level: "note"},
			Properties:           sarifRuleProperties{Tags: []string{"conditional-access", "whatif"}, SecuritySeverity: "0.0", Severity: "info"}},
	}}}}
	for _, s := range r.SignIns {
		rule, index, level := sarifRuleUnblocked, 1, "note"
		switch s.Change {
		case analyze.ChangeNewlyBlocked:
			rule, index, level = sarifRuleNewlyBlocked, 0, "error"
		case analyze.ChangeUnblocked:
		default:
			continue
		}
		run.Results = append(run.Results, sarifResult{RuleID: rule, RuleIndex: index, Level: level,
			Message: sarifMessage{Text: fmt.Sprintf("Sign-in %s of %s at %s: %s → %s (%s: %s).", s.RequestID, s.User, analyze.FormatTime(s.Time),
				verdictLabel(s.Before), verdictLabel(s.After), s.Policy, s.Condition)},
			Locations:  sarifLocationsAt(s.Source, ""),
			Properties: sarifResultProperties{Count: 1, RequestIDs: []string{s.RequestID}}})
	}
	return run
}
