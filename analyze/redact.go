package analyze

import (
	"github.com/signinspect/signinspect/redact"
)

// Redact pseudonymizes the personal data of a report in place, with the
// same pseudonyms signinspect redact gives the same values under the same
// key: users (UPNs, display names, object IDs) in the filter, evidence and
// the users breakdown, IP addresses in evidence and locations, and every
// e-mail address, IP address and known user in the report's texts (fixes,
// failure reasons, warnings, skipped-record errors, rule errors). Policy,
// application and named-location names, request and correlation IDs, times
// and counts are kept. It marks the report Redacted.
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
	for i, u := range rep.Filter.Users {
		rep.Filter.Users[i] = r.User(u)
	}
	text(&rep.Filter.Description)
	text(&rep.Filter.Where)
	text(&rep.Summary.NoMatch)

	for i := range rep.Findings {
		f := &rep.Findings[i]
		text(&f.Fix)
		for j := range f.Fixes {
			text(&f.Fixes[j].Fix)
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
	rep.Redacted = true
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
