package analyze

import (
	"strings"

	"github.com/signinspect/signinspect/redact"
	"github.com/signinspect/signinspect/rules"
)

// Redact pseudonymizes the personal data of a report in place, with the
// same pseudonyms signinspect redact gives the same values under the same
// key: users (UPNs, display names, object IDs) in the filter, evidence and
// the users breakdown, the tenant's own applications (Microsoft's are
// kept), IP addresses in evidence and locations, and every e-mail address,
// IP address, phone number and known identity in the report's texts: the
// values a fix quotes (never the rule's own words around them), failure
// reasons, warnings, skipped-record errors, rule errors. Policy and
// named-location names, request and correlation IDs, times and counts are
// kept. It marks the report Redacted.
//
// Identities are known from the report itself: a display name or device
// name that a custom rule's fix quotes, and that the report shows nowhere
// else, is not recognised in that text.
func Redact(rep *Report, p *redact.Pseudonymizer) {
	ids := redact.NewIdentities()
	for _, u := range rep.Filter.Users {
		ids.Add(redact.UserKind(u), u)
	}
	for _, f := range rep.Findings {
		for _, e := range f.Evidence {
			ids.Add(redact.UserKind(e.User), e.User)
		}
	}
	for _, g := range rep.Users {
		ids.Add(redact.UserKind(g.Name), g.Name)
		ids.Add(redact.KindUserID, g.ID)
	}
	for _, g := range rep.Apps {
		if g.ID != "" && !redact.FirstParty(g.ID) {
			ids.Add(redact.KindAppID, g.ID)
			ids.Add(redact.KindAppName, g.Name)
		}
	}
	for _, l := range rep.Locations {
		ids.AddIP(l.IP)
	}
	if pe := rep.PolicyEvaluation; pe != nil {
		for _, d := range pe.Disagreements {
			ids.Add(redact.UserKind(d.User), d.User)
		}
	}
	r := redact.NewRedactor(p, ids)
	text := func(s *string) { *s = r.Text(*s) }
	texts := func(ss []string) {
		for i := range ss {
			text(&ss[i])
		}
	}

	for i := range rep.Inputs {
		in := &rep.Inputs[i]
		texts(in.Warnings)
		text(&in.Error)
		for j := range in.SkipReasons {
			text(&in.SkipReasons[j].Reason)
			text(&in.SkipReasons[j].First)
		}
	}
	for i := range rep.Warnings {
		text(&rep.Warnings[i].Text)
	}
	for i, u := range rep.Filter.Users {
		rep.Filter.Users[i] = r.User(u)
	}
	text(&rep.Filter.Description)
	text(&rep.Filter.Where)
	text(&rep.Summary.NoMatch)

	for i := range rep.Findings {
		f := &rep.Findings[i]
		f.Fix = redactValues(r, f.Fix, f.FixSpans)
		f.Verdict = redactValues(r, f.Verdict, f.VerdictSpans)
		for j := range f.Fixes {
			g := &f.Fixes[j]
			g.Fix = redactValues(r, g.Fix, g.Spans)
			for _, row := range g.Values {
				for k := range row.Values {
					row.Values[k] = redactFixValue(r, g.Labels[k], row.Values[k])
				}
			}
		}
		for j := range f.Evidence {
			e := &f.Evidence[j]
			e.User = r.User(e.User)
			e.IP = r.Value(redact.KindIP, e.IP)
			texts(e.Policies)
		}
	}
	for i := range rep.Policies {
		text(&rep.Policies[i].Name)
	}
	for i := range rep.Locations {
		l := &rep.Locations[i]
		l.IP = r.Value(redact.KindIP, l.IP)
		for j, ip := range l.SeenByResource {
			l.SeenByResource[j] = r.Value(redact.KindIP, ip)
		}
	}
	for i := range rep.Errors {
		text(&rep.Errors[i].Reason)
	}
	for i := range rep.Users {
		g := &rep.Users[i]
		g.Name = r.User(g.Name)
		g.ID = r.Value(redact.KindUserID, g.ID)
	}
	for i := range rep.Apps {
		text(&rep.Apps[i].Name)
		text(&rep.Apps[i].ID)
	}
	for i := range rep.Filter.Apps {
		text(&rep.Filter.Apps[i])
	}
	if pe := rep.PolicyEvaluation; pe != nil {
		// The reasons quote users and addresses ("applies unless
		// svc-build@contoso.com is in excluded group ...", "198.51.100.23
		// is outside every excluded location").
		for i := range pe.Failures {
			text(&pe.Failures[i].Reason)
		}
		for i := range pe.Disagreements {
			d := &pe.Disagreements[i]
			d.User = r.User(d.User)
			text(&d.Reason)
		}
		texts(pe.Warnings)
	}
	for i := range rep.RuleErrors {
		re := &rep.RuleErrors[i]
		text(&re.Error)
		text(&re.Message)
		text(&re.First)
	}
	// The answer quotes the findings' verdicts and values: made again from
	// the redacted findings, it redacts the same values and no rule's words.
	rep.Verdict = verdictOf(rep)
	rep.Redacted = true
}

// redactFixValue redacts one value of a fix, by what its label says it is.
func redactFixValue(r *redact.Redactor, label, v string) string {
	switch {
	case strings.HasPrefix(label, "IP "):
		return r.Value(redact.KindIP, v)
	case label == "user" || label == "user name":
		return r.User(v)
	case label == "user ID":
		return r.Value(redact.KindUserID, v)
	}
	return r.Text(v)
}

// redactValues redacts the spans of text that hold values, and leaves the
// rest (the rule's own words) as it is. The spans do not hold for the
// result.
func redactValues(r *redact.Redactor, text string, spans []rules.Span) string {
	var b strings.Builder
	prev := 0
	for _, sp := range spans {
		if sp.Start < prev || sp.End > len(text) {
			break // Not spans of this text: keep the rest as it is.
		}
		b.WriteString(text[prev:sp.Start])
		b.WriteString(r.Text(text[sp.Start:sp.End]))
		prev = sp.End
	}
	b.WriteString(text[prev:])
	return b.String()
}

// RedactWhatIf pseudonymizes the personal data of a whatif report in place,
// as Redact does for an analysis: the users and IP addresses of the
// sign-ins listed, and every e-mail address, IP address and known user in
// the reasons and warnings. It marks the report Redacted.
func RedactWhatIf(rep *WhatIfReport, p *redact.Pseudonymizer) {
	ids := redact.NewIdentities()
	for _, s := range rep.SignIns {
		ids.Add(redact.UserKind(s.User), s.User)
	}
	r := redact.NewRedactor(p, ids)
	for i := range rep.SignIns {
		s := &rep.SignIns[i]
		s.User = r.User(s.User)
		s.IP = r.Value(redact.KindIP, s.IP)
		s.Condition = r.Text(s.Condition)
	}
	rep.Filter = r.Text(rep.Filter)
	rep.NoMatch = r.Text(rep.NoMatch)
	for i := range rep.Edits {
		rep.Edits[i] = r.Text(rep.Edits[i])
	}
	for i := range rep.Warnings {
		rep.Warnings[i] = r.Text(rep.Warnings[i])
	}
	rep.Redacted = true
}
