package render

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/rules"
)

// HTML writes the report as one self-contained HTML file to open in a
// browser or attach to a ticket: inline CSS, inline SVG charts (the
// timeline, failures by policy and by IP address), no script, font or image
// to load, and a print stylesheet. Every value from the export is escaped by
// html/template, and a Content-Security-Policy forbids scripts and remote
// loads even if something slipped through.
type HTML struct{}

var _ Renderer = HTML{}

// htmlFiles holds the page template and its stylesheet.
//
//go:embed html/report.tmpl html/report.css html/document.tmpl
var htmlFiles embed.FS

// Render implements Renderer.
func (HTML) Render(w io.Writer, r *analyze.Report) error {
	r = shown(r) // Values made visible and bounded: see display.go.
	tmpl, err := template.ParseFS(htmlFiles, "html/report.tmpl")
	if err != nil {
		return fmt.Errorf("html template: %w", err)
	}
	css, err := htmlFiles.ReadFile("html/report.css")
	if err != nil {
		return fmt.Errorf("html stylesheet: %w", err)
	}
	return tmpl.Execute(w, newHTMLPage(r, string(css)))
}

// contentSecurityPolicy allows nothing but the page's own stylesheet,
// named by its hash: no script, no remote style, font, image or frame, no
// form or base URL.
func contentSecurityPolicy(css string) string {
	sum := sha256.Sum256([]byte(css))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// htmlPage is what the template shows.
type htmlPage struct {
	Title, Filter, Version, GeneratedAt string
	CSP                                 string
	CSS                                 template.CSS
	Nav                                 []htmlNav
	Answer                              htmlAnswer
	Cards                               []htmlCard
	Scope                               []scopeLine

	Findings      []htmlFinding
	FindingsCount string
	FindingsMore  string
	RuleErrors    htmlGrid

	TimelineChart, PolicyChart, IPChart chart

	Breakdowns []htmlGrid
	Details    []htmlGrid
	Inputs     htmlGrid
	Warnings   []htmlWarning
	Skipped    htmlGrid
}

type htmlNav struct{ ID, Title string }

// htmlCard is one number of the page's head. A card of Parts (a time
// span) breaks only between them.
type htmlCard struct {
	Label, Value, Note, Class string
	Parts                     []string
}

type htmlWarning struct{ Text, Inputs string }

type htmlFinding struct {
	findingView
	SevClass      string
	EvidenceGrid  htmlGrid
	FixValuesGrid htmlGrid
	OtherFixGrids []htmlFix
}

type htmlFix struct {
	Count, Text string
	Values      htmlGrid
}

// htmlAnswer is the verdict at the top of the page.
type htmlAnswer struct {
	Text    string
	NoMatch bool
	Finding int
	Rule    string // Of the answer's finding, for its anchor.
	Class   string
	Parts   []htmlAnswerPart
	More    string
}

type htmlAnswerPart struct {
	Title  string
	Causes []htmlCause
}

type htmlCause struct {
	causeView
	Rule, SevClass string
}

// htmlGrid is a grid with its tones turned into CSS classes, and its
// detail columns moved to a line under each row, as the table format does.
type htmlGrid struct {
	ID, Title, Intro, More, Empty string
	// Collapsed grids sit in a <details>, under a chart that shows them.
	Collapsed bool
	Head      []htmlHead
	Rows      []htmlRow
}

type htmlHead struct{ Name, Class string }

type htmlRow struct {
	Cells   []htmlCell
	Details []htmlCell // Label holds the column name.
}

type htmlCell struct {
	Label, Class string
	Spans        []htmlSpan
}

// htmlSpan is a span of text; the template puts a <wbr> (a place the
// browser may break a line, which copying ignores) between its pieces, so
// that paths and addresses wrap at their slashes and dots.
type htmlSpan struct {
	Pieces []string
	Class  string
}

// breakPieces cuts s after each character a long path, address or name
// may break after.
func breakPieces(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune("/\\_.@!-", r) && i+1 < len(s) {
			out = append(out, s[start:i+1])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func newHTMLPage(r *analyze.Report, css string) htmlPage {
	v := newView(r, viewOptions{maxCauses: answerCauses})
	p := htmlPage{Title: "Sign-in failure report", Filter: r.Filter.Description, Version: v.Version, GeneratedAt: v.GeneratedAt,
		CSP: contentSecurityPolicy(css), CSS: template.CSS(css), Scope: v.Scope,
		FindingsMore: v.FindingsMore, RuleErrors: htmlGridOf(v.RuleErrors),
		TimelineChart: timelineChart(r.Timeline, zoneName(r)), PolicyChart: policyChart(r), IPChart: ipChart(r),
		Inputs: htmlGridOf(v.Inputs), Skipped: htmlGridOf(v.SkipReasons)}

	s := r.Summary
	p.Cards = []htmlCard{
		{Label: "Records read", Value: analyze.Count(s.Read), Note: fmt.Sprintf("%s, %s skipped", plural(s.Inputs, "input", "inputs"), analyze.Count(s.Skipped))},
		{Label: "Matched", Value: analyze.Count(s.Matched), Note: "sign-ins in scope"},
		{Label: "Failures", Value: analyze.Count(s.Failures), Class: "bad"},
		{Label: "Successes", Value: analyze.Count(s.Successes), Class: "good"},
		{Label: "Findings", Value: analyze.Count(len(r.Findings) + r.FindingsOmitted), Note: severityCounts(r.Findings)},
	}
	if s.First != nil {
		p.Cards = append(p.Cards, htmlCard{Label: "From – to", Parts: []string{timePtrText(s.First), timePtrText(s.Last)}, Class: "span"})
	}
	p.FindingsCount = plural(len(r.Findings)+r.FindingsOmitted, "finding", "findings")
	rulesByFinding := map[int]string{}
	for _, f := range v.Findings {
		sev := "sev-" + f.Level.String()
		hf := htmlFinding{findingView: f, SevClass: sev, EvidenceGrid: htmlGridOf(f.Evidence), FixValuesGrid: htmlGridOf(f.FixValues)}
		for _, o := range f.OtherFixes {
			hf.OtherFixGrids = append(hf.OtherFixGrids, htmlFix{Count: o.Count, Text: o.Text, Values: htmlGridOf(o.Values)})
		}
		p.Findings = append(p.Findings, hf)
		rulesByFinding[f.Number] = f.Rule
	}
	p.Answer = htmlAnswerOf(v.Answer, rulesByFinding)

	p.Nav = append(p.Nav, htmlNav{"answer", "Answer"}, htmlNav{"diagnosis", "Diagnosis"}, htmlNav{"overview", "Overview"})
	for _, g := range v.Breakdowns {
		p.Breakdowns = append(p.Breakdowns, htmlGridOf(g))
		p.Nav = append(p.Nav, htmlNav{g.ID, g.Title})
	}
	if len(r.RuleErrors) > 0 {
		p.Nav = append(p.Nav, htmlNav{v.RuleErrors.ID, v.RuleErrors.Title})
	}
	for _, g := range v.Details {
		hg := htmlGridOf(g)
		hg.Collapsed = g.ID == "timeline" && len(g.Rows) > 0
		p.Details = append(p.Details, hg)
		p.Nav = append(p.Nav, htmlNav{g.ID, g.Title})
	}
	p.Nav = append(p.Nav, htmlNav{"inputs", "Inputs"})
	for _, w := range v.Warnings {
		p.Warnings = append(p.Warnings, htmlWarning{Text: w.Text, Inputs: w.InputsText(v.InputCount)})
	}
	return p
}

// htmlAnswerOf turns the answer's tones into classes and its finding
// numbers into anchors.
func htmlAnswerOf(a answerView, rulesByFinding map[int]string) htmlAnswer {
	h := htmlAnswer{Text: a.Text, NoMatch: a.NoMatch, Finding: a.Finding, Rule: rulesByFinding[a.Finding], More: a.More}
	switch {
	case a.Finding > 0:
		h.Class = "found"
	case a.Tone == toneWarn:
		h.Class = "warn"
	}
	for _, part := range []struct {
		title  string
		causes []causeView
	}{{"Next causes", a.Causes}, {"Also noted", a.Notes}} {
		if len(part.causes) == 0 {
			continue
		}
		hp := htmlAnswerPart{Title: part.title}
		for _, c := range part.causes {
			hp.Causes = append(hp.Causes, htmlCause{causeView: c, Rule: rulesByFinding[c.Finding], SevClass: "sev-" + strings.ToLower(c.Severity)})
		}
		h.Parts = append(h.Parts, hp)
	}
	return h
}

// severityCounts writes how many findings each severity has: "6 high, 5
// medium".
func severityCounts(fs []analyze.Finding) string {
	var order []rules.Severity
	n := map[rules.Severity]int{}
	for _, f := range fs {
		if n[f.Severity] == 0 {
			order = append(order, f.Severity)
		}
		n[f.Severity]++
	}
	parts := make([]string, len(order))
	for i, s := range order {
		parts[i] = fmt.Sprintf("%d %s", n[s], s)
	}
	return strings.Join(parts, ", ")
}

func htmlGridOf(g grid) htmlGrid {
	h := htmlGrid{ID: g.ID, Title: g.Title, Intro: g.Intro, More: g.More, Empty: g.Empty}
	for _, c := range g.Columns {
		if !c.Detail {
			h.Head = append(h.Head, htmlHead{Name: c.Name, Class: columnClass(c)})
		}
	}
	for _, row := range g.Rows {
		var hr htmlRow
		for i, c := range row {
			col := g.Columns[i]
			hc := htmlCell{Class: columnClass(col)}
			for _, s := range c {
				sp := htmlSpan{Pieces: []string{s.Text}, Class: toneClass(s.Tone)}
				if col.Wrap {
					sp.Pieces = breakPieces(s.Text)
				}
				hc.Spans = append(hc.Spans, sp)
			}
			switch {
			case !col.Detail:
				hr.Cells = append(hr.Cells, hc)
			case c.String() != "":
				hc.Label = col.Name
				hr.Details = append(hr.Details, hc)
			}
		}
		h.Rows = append(h.Rows, hr)
	}
	return h
}

// columnClass returns the CSS class of a column's cells: numbers align
// right, and only wrap columns break their lines.
func columnClass(c column) string {
	switch {
	case c.Numeric:
		return "num"
	case c.Wrap:
		return "wrappable"
	}
	return ""
}

// toneClass returns the CSS class of a tone.
func toneClass(t tone) string {
	switch t {
	case toneBad:
		return "bad"
	case toneGood:
		return "good"
	case toneMuted:
		return "muted"
	case toneWarn:
		return "warn"
	case toneCritical, toneHigh, toneMedium, toneLow, toneInfo:
		return "sev"
	}
	return ""
}
