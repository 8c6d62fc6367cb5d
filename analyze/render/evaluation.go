package render

import (
	"fmt"
	"strings"

	"github.com/signinspect/signinspect/analyze"
)

// This file lays out the report's policy evaluation (--policies) for every
// format: grids for the human formats, rows for the CSV. A report without
// --policies has none.

// evaluationGrids returns the policy evaluation's grids: the failed
// sign-ins by what the evaluation makes of them, with the verdicts and the
// agreement with Entra's logged results as its introduction; then each
// disagreement and each warning, when there are any.
func evaluationGrids(r *analyze.Report) []grid {
	pe := r.PolicyEvaluation
	if pe == nil {
		return nil
	}
	failures := grid{ID: "policy-evaluation", Title: "Policy evaluation", Intro: evaluationIntro(pe),
		Columns: []column{{Name: "Verdict"}, {Name: "Policy", Wrap: true}, {Name: "Sign-ins", Numeric: true},
			{Name: "Decided by", Wrap: true, MinWidth: 12}, {Name: "Why", Wrap: true, MinWidth: 30}},
		More:  moreText(pe.FailuresOmitted, "groups"),
		Empty: "No failure matched."}
	for _, f := range pe.Failures {
		failures.Rows = append(failures.Rows, []cell{toned(verdictLabel(f.Verdict), verdictTone(f.Verdict)), plain(f.Policy),
			plain(analyze.Count(f.Count)), plain(decidedByText(f)), plain(f.Reason)})
	}
	grids := []grid{failures}
	if len(pe.Disagreements) > 0 {
		g := grid{ID: "policy-disagreements", Title: "Evaluation disagreements",
			Intro: "Policy results Entra logged that the evaluation does not reproduce: the export may be stale, a membership missing, or the evaluator wrong.",
			Columns: []column{{Name: "Sign-in", Wrap: true}, {Name: "Policy", Wrap: true}, {Name: "Logged"}, {Name: "Evaluated"},
				{Name: "Differs"}, {Name: "Why", Wrap: true, MinWidth: 30}},
			More: moreText(pe.DisagreementsOmitted, "disagreements")}
		for _, d := range pe.Disagreements {
			g.Rows = append(g.Rows, []cell{plain(d.RequestID), plain(d.Policy), plain(orDash(resultLabel(d.Logged))),
				plain(orDash(resultLabel(d.Evaluated))), toned(d.Condition, toneWarn), plain(d.Reason)})
		}
		grids = append(grids, g)
	}
	if len(pe.Warnings) > 0 {
		g := grid{ID: "policy-warnings", Title: "Policy warnings",
			Intro:   "What of the policies signinspect reads as unknown, and what reading them left out.",
			Columns: []column{{Name: "Warning", Wrap: true}}}
		for _, w := range pe.Warnings {
			g.Rows = append(g.Rows, []cell{toned(w, toneWarn)})
		}
		grids = append(grids, g)
	}
	return grids
}

// evaluationIntro says what was evaluated, what came of it, and how it
// compares with what Entra logged.
func evaluationIntro(pe *analyze.PolicyEvaluation) string {
	v := pe.Verdicts
	total := v.Blocked + v.Allowed + v.Unknown + v.NotEvaluated
	against := plural(pe.Policies, "policy", "policies")
	if pe.NamedLocations > 0 {
		against += " and " + plural(pe.NamedLocations, "named location", "named locations")
	}
	s := fmt.Sprintf("signinspect evaluated %s against %s: %s blocked, %s allowed, %s unknown, %s not evaluated (failed before Conditional Access).",
		against, plural(total, "matched sign-in", "matched sign-ins"), analyze.Count(v.Blocked), analyze.Count(v.Allowed),
		analyze.Count(v.Unknown), analyze.Count(v.NotEvaluated))
	if a := pe.Agreement; a.SignIns > 0 {
		s += fmt.Sprintf(" Of the %s results Entra logged on %s, %s agree with the evaluation, %s disagree and %s are left undecided.",
			analyze.Count(a.Compared), plural(a.SignIns, "sign-in", "sign-ins"), analyze.Count(a.Agree), analyze.Count(a.Disagree), analyze.Count(a.Undecided))
	} else {
		s += " The exports log no per-policy results to compare with."
	}
	if v.Unknown > 0 && pe.Memberships == 0 {
		s += " Group memberships are in no sign-in export: --memberships gives them."
	}
	return s
}

// verdictLabel writes a verdict as people read it.
func verdictLabel(v string) string {
	if v == "notEvaluated" {
		return "not evaluated"
	}
	return v
}

func verdictTone(v string) tone {
	switch v {
	case "blocked":
		return toneBad
	case "allowed":
		return toneGood
	case "unknown":
		return toneWarn
	}
	return toneMuted
}

// decidedByText writes the conditions and the control that decide a
// group of failures: "users, application, location; block".
func decidedByText(f analyze.EvaluatedFailure) string {
	s := strings.Join(f.Conditions, ", ")
	if f.Control != "" {
		c := f.Control
		if w := statusText(f.ControlStatus); w != "" {
			c += " (" + w + ")"
		}
		s = strings.TrimPrefix(s+"; "+c, "; ")
	}
	return s
}

// evaluationRows returns the CSV rows of the policy evaluation.
func evaluationRows(r *analyze.Report) []csvRow {
	pe := r.PolicyEvaluation
	if pe == nil {
		return nil
	}
	v := pe.Verdicts
	rows := []csvRow{{Section: "evaluation", Key: "verdicts", Name: plural(pe.Policies, "policy", "policies"),
		Count: num(v.Blocked + v.Allowed + v.Unknown + v.NotEvaluated), Failures: num(v.Blocked), Successes: num(v.Allowed),
		Detail: evaluationIntro(pe)}}
	for _, f := range pe.Failures {
		first := ""
		if len(f.RequestIDs) > 0 {
			first = f.RequestIDs[0]
		}
		rows = append(rows, csvRow{Section: "evaluated-failure", Key: f.PolicyID, Name: f.Verdict, Policy: f.Policy,
			Count: num(f.Count), Failures: num(f.Count), First: timeText(f.First), Last: timeText(f.Last), RequestID: first,
			Detail: decidedByText(f) + ": " + f.Reason})
	}
	if pe.FailuresOmitted > 0 {
		rows = append(rows, csvRow{Section: "omitted", Key: "evaluated-failures", Count: num(pe.FailuresOmitted), Detail: "rows left out; use --top 0 to list all"})
	}
	for _, d := range pe.Disagreements {
		rows = append(rows, csvRow{Section: "disagreement", Key: d.PolicyID, Name: d.Condition, Policy: d.Policy, First: timeText(d.Time),
			User: d.User, RequestID: d.RequestID, Source: d.Source,
			Detail: fmt.Sprintf("logged %s, evaluated %s: %s", orDash(d.Logged), orDash(d.Evaluated), d.Reason)})
	}
	if pe.DisagreementsOmitted > 0 {
		rows = append(rows, csvRow{Section: "omitted", Key: "disagreements", Count: num(pe.DisagreementsOmitted), Detail: "rows left out; use --top 0 to list all"})
	}
	for _, w := range pe.Warnings {
		rows = append(rows, csvRow{Section: "evaluation-warning", Detail: w})
	}
	return rows
}

// statusText writes a control status for people, or "" for block, which
// the control's name says.
func statusText(s string) string {
	switch s {
	case "notSatisfied":
		return "not met"
	case "unsatisfiable":
		return "cannot be met in this flow"
	case "userAction":
		return "needs the user"
	case "satisfied":
		return "met"
	case "block", "":
		return ""
	}
	return s
}
