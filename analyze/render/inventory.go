package render

import (
	"fmt"
	"strings"

	"github.com/signinspect/signinspect/policy"
)

// This file lays out signinspect policies' report: the inventory of the
// exported Conditional Access policies and named locations.

// inventoryDocument lays the inventory out for people.
func inventoryDocument(r *policy.Inventory) *document {
	c := r.Counts
	d := &document{Title: "signinspect policies", Subtitle: strings.Join(r.Inputs, ", "), Version: r.Version}
	if !r.GeneratedAt.IsZero() {
		d.GeneratedAt = timeText(r.GeneratedAt)
	}
	d.Facts = []scopeLine{
		{"Read", strings.Join(r.Inputs, ", ")},
		{"Policies", fmt.Sprintf("%s: %d enabled, %d report-only, %d disabled", plural(len(r.Policies), "policy", "policies"), c.Enabled, c.ReportOnly, c.Disabled)},
		{"PAT calls", fmt.Sprintf("%s can block a personal access token's non-interactive call to Azure DevOps", plural(c.BlocksPAT, "enabled policy", "enabled policies"))},
		{"Locations", plural(len(r.NamedLocations), "named location", "named locations")},
	}
	policies := docSection{ID: "policies", Title: "Conditional Access policies"}
	if len(r.Policies) == 0 {
		policies.Paragraphs = append(policies.Paragraphs, docParagraph{Text: "The exports hold no policy.", Tone: toneMuted})
	}
	for i, p := range r.Policies {
		it := docItem{Number: i + 1, Title: p.Name, Badge: p.State, BadgeTone: stateTone(p.State)}
		add := func(label, value string, t tone) {
			if value != "" {
				it.Lines = append(it.Lines, docLine{Label: label, Value: value, Tone: t})
			}
		}
		add("ID", p.ID, toneMuted)
		add("Users", p.Users, tonePlain)
		add("Resources", p.Resources, tonePlain)
		for _, cond := range p.Conditions {
			label, value, _ := strings.Cut(cond, ": ")
			add(upperFirst(label), value, tonePlain)
		}
		add("Grant", p.Grant, tonePlain)
		add("Session", strings.Join(p.Session, "; "), tonePlain)
		switch {
		case len(p.PATRisks) > 0:
			verb := "can block"
			if p.State != "enabled" {
				verb = "would block, once enabled,"
			}
			add("PAT call", fmt.Sprintf("%s a personal access token's call to Azure DevOps: %s", verb, patWhy(p, false)), toneBad)
		case p.State != "disabled":
			add("PAT call", "does not stop a personal access token's call to Azure DevOps", toneGood)
		}
		add("Source", p.Source, toneMuted)
		policies.Items = append(policies.Items, it)
	}
	locations := docSection{ID: "named-locations", Title: "Named locations"}
	g := grid{ID: "named-locations", Title: "Named locations",
		Columns: []column{{Name: "Location", Wrap: true}, {Name: "Kind"}, {Name: "Trusted"}, {Name: "Ranges or countries", Wrap: true}, {Name: "Used by", Wrap: true}},
		Empty:   "No named location was given; pass the export with --named-locations to resolve the policies' locations."}
	for _, l := range r.NamedLocations {
		trusted := toned("no", toneMuted)
		if l.Trusted {
			trusted = toned("yes", toneGood)
		}
		what := append(append([]string{}, l.Ranges...), l.Countries...)
		g.Rows = append(g.Rows, []cell{plain(l.Name), plain(l.Kind), trusted, plain(strings.Join(what, ", ")), plain(strings.Join(l.UsedBy, "\n"))})
	}
	locations.Grids = append(locations.Grids, g)
	d.Sections = append(d.Sections, policies, locations)
	if len(r.Warnings) > 0 {
		w := docSection{ID: "warnings", Title: "Warnings"}
		wg := grid{ID: "warnings", Title: "Warnings", Columns: []column{{Name: "Policy", Wrap: true}, {Name: "Warning", Wrap: true, MinWidth: 40}}}
		for _, x := range r.Warnings {
			wg.Rows = append(wg.Rows, []cell{plain(orDash(x.Policy)), toned(x.Message, toneWarn)})
		}
		w.Grids = append(w.Grids, wg)
		d.Sections = append(d.Sections, w)
	}
	return d
}

func stateTone(state string) tone {
	switch state {
	case "enabled":
		return toneGood
	case "report-only":
		return toneWarn
	}
	return toneMuted
}

// upperFirst raises the first letter of s.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// inventoryRow is one row of signinspect policies' CSV report.
type inventoryRow struct {
	Section    string `csv:"section"`
	ID         string `csv:"id"`
	Name       string `csv:"name"`
	State      string `csv:"state"`
	Users      string `csv:"users"`
	Resources  string `csv:"resources"`
	Conditions string `csv:"conditions"`
	Grant      string `csv:"grant"`
	Session    string `csv:"session"`
	BlocksPAT  string `csv:"blocks_pat"`
	Detail     string `csv:"detail"`
	Source     string `csv:"source"`
}

// patWhy says how p can block a personal access token's call, each way
// after its kind when withKind.
func patWhy(p policy.PolicySummary, withKind bool) string {
	why := make([]string, 0, len(p.PATRisks))
	for _, risk := range p.PATRisks {
		if withKind {
			why = append(why, risk.Kind+": "+risk.Why)
		} else {
			why = append(why, risk.Why)
		}
	}
	return strings.Join(why, "; ")
}

// inventoryRows lays the inventory out as CSV rows: a policy row each, a
// named-location row each, a warning row each.
func inventoryRows(r *policy.Inventory) []inventoryRow {
	var rows []inventoryRow
	for _, p := range r.Policies {
		rows = append(rows, inventoryRow{Section: "policy", ID: p.ID, Name: p.Name, State: p.State, Users: p.Users, Resources: p.Resources,
			Conditions: strings.Join(p.Conditions, "; "), Grant: p.Grant, Session: strings.Join(p.Session, "; "),
			BlocksPAT: yesNoBool(p.BlocksPAT), Detail: patWhy(p, true), Source: p.Source})
	}
	for _, l := range r.NamedLocations {
		trusted := "not trusted"
		if l.Trusted {
			trusted = "trusted"
		}
		rows = append(rows, inventoryRow{Section: "named-location", ID: l.ID, Name: l.Name, State: trusted,
			Conditions: strings.Join(append(append([]string{}, l.Ranges...), l.Countries...), "; "), Detail: strings.Join(l.UsedBy, "; "),
			Source: l.Source, Grant: l.Kind})
	}
	for _, w := range r.Warnings {
		rows = append(rows, inventoryRow{Section: "warning", Name: w.Policy, Detail: w.Message, Source: w.Source})
	}
	return rows
}

// SARIF rule IDs of the inventory.
const (
	sarifRulePAT        = "policy-can-block-pat"
	sarifRuleUnresolved = "policy-reference-unresolved"
)

// inventorySARIF returns the inventory's findings as a SARIF run: each
// policy that can block a personal access token's call to Azure DevOps,
// and each warning, at the policy's place in its export.
func inventorySARIF(r *policy.Inventory) sarifRun {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Rules: []sarifRule{
		{ID: sarifRulePAT, Name: sarifRulePAT,
			ShortDescription:     sarifMessage{Text: "A Conditional Access policy can block personal access token calls to Azure DevOps"},
			FullDescription:      sarifMessage{Text: "The policy may apply to a non-interactive Azure DevOps call, and a personal access token cannot meet what it requires (it blocks, asks for MFA or a device, fences by location, or limits the session)."},
			Help:                 sarifMessage{Text: "Exclude the service account or the caller's trusted network, or move the pipeline to a service principal."},
			HelpURI:              "https://learn.microsoft.com/azure/devops/organizations/accounts/conditional-access-policies",
			DefaultConfiguration: sarifConfiguration{Level: "warning"},
			Properties:           sarifRuleProperties{Tags: []string{"conditional-access", "azure-devops"}, SecuritySeverity: "5.5", Severity: "medium"}},
		{ID: sarifRuleUnresolved, Name: sarifRuleUnresolved,
			ShortDescription: sarifMessage{Text: "What a policy names cannot be resolved from the exports, or is read as unknown"},
			FullDescription:  sarifMessage{Text: "The policy names a named location the exports do not hold, or holds a value signinspect does not know."},
			Help:             sarifMessage{Text: "Export the named locations too (--named-locations)."},
			HelpURI:          projectURI, DefaultConfiguration: sarifConfiguration{Level: "note"},
			Properties: sarifRuleProperties{Tags: []string{"conditional-access"}, SecuritySeverity: "0.0", Severity: "info"}},
	}}}}
	for _, p := range r.Policies {
		if !p.BlocksPAT {
			continue
		}
		level := "warning"
		if p.State != "enabled" {
			level = "note"
		}
		run.Results = append(run.Results, sarifResult{RuleID: sarifRulePAT, RuleIndex: 0, Level: level,
			Message:    sarifMessage{Text: fmt.Sprintf("%s (%s) can block a personal access token's call to Azure DevOps: %s.", p.Name, p.State, patWhy(p, false))},
			Locations:  sarifLocationsAt(p.Source, ""),
			Properties: sarifResultProperties{Count: 1, RequestIDs: []string{}}})
	}
	for _, w := range r.Warnings {
		msg := w.Message
		if w.Policy != "" {
			msg = w.Policy + ": " + msg
		}
		run.Results = append(run.Results, sarifResult{RuleID: sarifRuleUnresolved, RuleIndex: 1, Level: "note",
			Message: sarifMessage{Text: msg}, Locations: sarifLocationsAt(w.Source, ""), Properties: sarifResultProperties{Count: 1, RequestIDs: []string{}}})
	}
	return run
}
