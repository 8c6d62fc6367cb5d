package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/signinspect/signinspect/analyze"
)

// Markdown writes the report as GitHub-flavoured Markdown, to paste into a
// ticket: the sections of the table format as headings, lists and tables.
// Every value from the export is escaped, so that a user agent holding
// Markdown or HTML shows as text.
type Markdown struct{}

var _ Renderer = Markdown{}

// markdownEvidence is how many evidence rows a finding shows in a ticket,
// and markdownValues how many combinations of values a fix lists.
const (
	markdownEvidence = 5
	markdownValues   = 10
	markdownFixes    = 5
)

// Render implements Renderer.
func (Markdown) Render(w io.Writer, r *analyze.Report) error {
	r = shown(r) // Values made visible and bounded: see display.go.
	v := newView(r, viewOptions{maxEvidence: markdownEvidence, barWidth: 20, maxValues: markdownValues, maxFixes: markdownFixes, maxCauses: answerCauses})
	ew := &errWriter{w: w}
	ew.println("# " + v.Title)

	ew.println("\n## Answer\n")
	answer := mdPara(v.Answer.Text)
	if v.Answer.Finding > 0 {
		answer += fmt.Sprintf(" (finding %d)", v.Answer.Finding)
	}
	if v.Answer.NoMatch {
		answer = "> [!WARNING]\n> **No match:** " + answer
	}
	ew.println(answer)
	for _, part := range []struct {
		title  string
		causes []causeView
	}{{"Next causes", v.Answer.Causes}, {"Also noted", v.Answer.Notes}} {
		if len(part.causes) == 0 {
			continue
		}
		ew.printf("\n**%s**\n\n", part.title)
		for _, c := range part.causes {
			ew.printf("- %s (%s, finding %d): %s\n", c.Severity, c.Share, c.Finding, mdPara(c.Text))
		}
	}
	if v.Answer.More != "" {
		ew.println("\n" + mdPara(v.Answer.More))
	}

	ew.println("\n## Scope\n")
	for _, s := range v.Scope {
		ew.printf("- **%s:** %s\n", s.Label, mdEscape(s.Value))
	}

	for _, g := range v.Breakdowns {
		ew.println("\n## " + g.Title + "\n")
		markdownGrid(ew, g)
	}

	ew.printf("\n## Diagnosis: %s\n", plural(len(r.Findings)+r.FindingsOmitted, "finding", "findings"))
	if len(v.Findings) == 0 {
		ew.println("\nNo rule fired on the matched sign-ins.")
	}
	for _, f := range v.Findings {
		ew.printf("\n### %d. %s: %s\n\n", f.Number, f.Severity, mdPara(f.Title))
		ew.printf("%s · rule %s\n", f.Count, mdCode(f.Rule))
		if f.Description != "" {
			ew.println("\n" + mdPara(f.Description))
		}
		if f.Fix != "" {
			ew.println("\n**Fix:** " + mdPara(f.Fix))
		}
		if len(f.FixValues.Rows) > 0 {
			ew.println("")
			markdownGrid(ew, f.FixValues)
		}
		for _, fix := range f.OtherFixes {
			if fix.Text == "" {
				ew.println("\n" + mdPara(fix.Count))
				continue
			}
			ew.println("\n" + mdPara(fix.Count) + ": " + mdPara(fix.Text))
			if len(fix.Values.Rows) > 0 {
				ew.println("")
				markdownGrid(ew, fix.Values)
			}
		}
		if len(f.References) > 0 {
			refs := make([]string, len(f.References))
			for i, ref := range f.References {
				refs[i] = mdPara(ref)
			}
			ew.println("\nReferences: " + strings.Join(refs, ", "))
		}
		if len(f.Evidence.Rows) > 0 {
			ew.println("")
			markdownGrid(ew, f.Evidence)
		}
	}
	if v.FindingsMore != "" {
		ew.println("\n" + mdPara(v.FindingsMore))
	}

	if len(v.RuleErrors.Rows) > 0 {
		ew.println("\n## " + v.RuleErrors.Title + "\n")
		ew.println(mdPara(v.RuleErrors.Intro) + "\n")
		markdownGrid(ew, v.RuleErrors)
	}

	for _, g := range v.Details {
		ew.println("\n## " + g.Title + "\n")
		if g.Intro != "" {
			ew.println(mdPara(g.Intro) + "\n")
		}
		markdownGrid(ew, g)
	}
	ew.println("\n## Inputs\n")
	markdownGrid(ew, v.Inputs)
	if len(v.Warnings) > 0 {
		ew.println("\n**Warnings**\n")
		for _, g := range v.Warnings {
			ew.printf("- %s (%s)\n", mdPara(g.Text), mdEscape(g.InputsText(v.InputCount)))
		}
	}
	if len(v.SkipReasons.Rows) > 0 {
		ew.println("\n**" + v.SkipReasons.Title + "**\n")
		markdownGrid(ew, v.SkipReasons)
	}

	if v.Version != "" || v.GeneratedAt != "" {
		ew.printf("\n---\n_Made by signinspect %s at %s._\n", mdEscape(v.Version), v.GeneratedAt)
	}
	return ew.err
}

// markdownGrid writes a grid as a GitHub-flavoured table. go-pretty escapes
// "|" and turns line breaks into <br/>; mdEscape does the rest.
func markdownGrid(ew *errWriter, g grid) {
	if len(g.Rows) == 0 {
		if g.Empty != "" {
			ew.println("_" + mdPara(g.Empty) + "_")
		}
		return
	}
	tw := prettyTable(g, func(_ int, name string) string { return mdEscape(name) },
		func(_ int, c cell) string { return mdEscape(c.String()) })
	ew.println(tw.RenderMarkdown())
	if g.More != "" {
		ew.println("\n" + mdPara(g.More))
	}
}

// mdEscape makes text safe in Markdown table cells and inside a line: the
// characters that start emphasis, code, links or HTML are escaped so that
// they show as themselves. "|" is left to go-pretty, which escapes it in
// tables (the only place it matters); escaping it here too would double the
// backslash.
func mdEscape(s string) string {
	return strings.NewReplacer(
		`\`, `\\`, "`", "\\`", "*", `\*`, "[", `\[`, "]", `\]`,
		"&", `\&`, "<", `\<`, ">", `\>`,
	).Replace(s)
}

// mdPara makes text safe as a paragraph or list item: escaped, on one line,
// and not starting with a character that would make it a heading, list or
// quote.
func mdPara(s string) string {
	s = mdEscape(strings.Join(strings.Fields(s), " "))
	if s != "" && strings.ContainsRune("#-+=", rune(s[0])) {
		return `\` + s
	}
	// "1. " or "1) " would start an ordered list.
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if digits > 0 && digits < len(s) && (s[digits] == '.' || s[digits] == ')') {
		return s[:digits] + `\` + s[digits:]
	}
	return s
}

// mdCode writes an identifier as inline code, or escaped text when it holds
// a backtick, which a code span cannot escape.
func mdCode(s string) string {
	if strings.ContainsRune(s, '`') || s == "" {
		return mdEscape(s)
	}
	return fmt.Sprintf("`%s`", s)
}
