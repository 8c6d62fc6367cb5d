package render

import (
	"fmt"
	"html/template"
	"io"
	"strings"
)

// The reports of signinspect policies and signinspect whatif are laid out,
// like analyze's, once for the human formats: as a document of labelled
// facts and sections, each section paragraphs, items (one block per policy,
// say) and grids. The table, Markdown and HTML formats only decide how
// those look; the machine formats (JSON, CSV, SARIF) write the reports'
// own structures.

// A document is a report laid out for people.
type document struct {
	Title       string
	Subtitle    string
	Version     string
	GeneratedAt string
	Facts       []scopeLine
	Sections    []docSection
}

// A docSection is a titled part of a document.
type docSection struct {
	ID, Title  string
	Paragraphs []docParagraph
	Items      []docItem
	Grids      []grid
}

// A docParagraph is a sentence or two, in a tone.
type docParagraph struct {
	Text string
	Tone tone
}

// A docItem is one block of labelled lines under a heading: a policy of
// the inventory.
type docItem struct {
	Number int
	Title  string
	// Badge is a short word beside the title ("enabled"), in BadgeTone.
	Badge     string
	BadgeTone tone
	Lines     []docLine
}

// A docLine is one labelled line of an item.
type docLine struct {
	Label, Value string
	Tone         tone
}

// renderDocumentTable writes a document for a terminal.
func renderDocumentTable(o Options, w io.Writer, d *document) error {
	p := &textPrinter{ew: &errWriter{w: w}, color: o.Color, width: o.width()}
	p.heading(d.Title)
	labelWidth := 0
	for _, f := range d.Facts {
		labelWidth = max(labelWidth, len(f.Label))
	}
	for _, f := range d.Facts {
		label := f.Label + strings.Repeat(" ", labelWidth-len(f.Label)+2)
		p.wrapped("  "+p.paint(label, toneMuted), strings.Repeat(" ", labelWidth+4), f.Value, tonePlain)
	}
	for _, s := range d.Sections {
		p.heading(s.Title)
		for i, para := range s.Paragraphs {
			if i > 0 {
				p.blank()
			}
			p.wrapped("", "", para.Text, para.Tone)
		}
		for i, it := range s.Items {
			if i > 0 || len(s.Paragraphs) > 0 {
				p.blank()
			}
			number := fmt.Sprintf("%2d. ", it.Number)
			indent := strings.Repeat(" ", len(number))
			title := it.Title
			if it.Badge != "" {
				title += " (" + p.paint(it.Badge, it.BadgeTone) + ")"
			}
			p.wrapped(number, indent, title, toneHeading)
			lw := 0
			for _, l := range it.Lines {
				lw = max(lw, len(l.Label))
			}
			for _, l := range it.Lines {
				label := indent + p.paint(l.Label+strings.Repeat(" ", lw-len(l.Label)+2), toneMuted)
				p.wrapped(label, indent+strings.Repeat(" ", lw+2), l.Value, l.Tone)
			}
		}
		for _, g := range s.Grids {
			if len(s.Paragraphs)+len(s.Items) > 0 {
				p.blank()
			}
			if g.Title != "" && g.Title != s.Title {
				p.line(p.paint(g.Title, toneHeading))
			}
			if g.Intro != "" {
				p.wrapped("", "", g.Intro, toneMuted)
			}
			if hasDetail(g) && len(g.Rows) > 0 {
				p.list(g, "")
				continue
			}
			p.grid(g, "")
		}
	}
	return p.ew.err
}

// hasDetail reports whether a grid has detail columns, which the table
// format shows under each row rather than beside it.
func hasDetail(g grid) bool {
	for _, c := range g.Columns {
		if c.Detail {
			return true
		}
	}
	return false
}

// renderDocumentMarkdown writes a document as GitHub-flavoured Markdown.
func renderDocumentMarkdown(_ Options, w io.Writer, d *document) error {
	ew := &errWriter{w: w}
	ew.println("# " + mdEscape(d.Title))
	if len(d.Facts) > 0 {
		ew.println("")
		for _, f := range d.Facts {
			ew.printf("- **%s:** %s\n", mdEscape(f.Label), mdEscape(f.Value))
		}
	}
	for _, s := range d.Sections {
		ew.println("\n## " + mdEscape(s.Title) + "\n")
		for _, para := range s.Paragraphs {
			ew.println(mdPara(para.Text) + "\n")
		}
		for _, it := range s.Items {
			title := mdPara(it.Title)
			if it.Badge != "" {
				title += " (" + mdEscape(it.Badge) + ")"
			}
			ew.printf("### %d. %s\n\n", it.Number, title)
			for _, l := range it.Lines {
				ew.printf("- **%s:** %s\n", mdEscape(l.Label), mdPara(l.Value))
			}
			ew.println("")
		}
		for _, g := range s.Grids {
			if g.Title != "" && g.Title != s.Title {
				ew.println("**" + mdEscape(g.Title) + "**\n")
			}
			if g.Intro != "" {
				ew.println(mdPara(g.Intro) + "\n")
			}
			markdownGrid(ew, g)
		}
	}
	if d.Version != "" || d.GeneratedAt != "" {
		ew.printf("\n---\n_Made by signinspect %s at %s._\n", mdEscape(d.Version), d.GeneratedAt)
	}
	return ew.err
}

// htmlDocument is what the document template shows.
type htmlDocument struct {
	Title, Subtitle, Version, GeneratedAt string
	CSP                                   string
	CSS                                   template.CSS
	Facts                                 []scopeLine
	Nav                                   []htmlNav
	Sections                              []htmlSection
}

type htmlSection struct {
	ID, Title  string
	Paragraphs []htmlParagraph
	Items      []htmlItem
	Grids      []htmlGrid
}

type htmlParagraph struct{ Text, Class string }

type htmlItem struct {
	Number            int
	Title, Badge      string
	BadgeClass, Class string
	Lines             []htmlLine
}

type htmlLine struct{ Label, Value, Class string }

// renderDocumentHTML writes a document as one self-contained HTML file,
// with the analyze report's stylesheet and grids.
func renderDocumentHTML(_ Options, w io.Writer, d *document) error {
	tmpl, err := template.ParseFS(htmlFiles, "html/document.tmpl", "html/report.tmpl")
	if err != nil {
		return fmt.Errorf("html template: %w", err)
	}
	css, err := htmlFiles.ReadFile("html/report.css")
	if err != nil {
		return fmt.Errorf("html stylesheet: %w", err)
	}
	page := htmlDocument{Title: d.Title, Subtitle: d.Subtitle, Version: d.Version, GeneratedAt: d.GeneratedAt,
		CSP: contentSecurityPolicy(string(css)), CSS: template.CSS(css), Facts: d.Facts}
	for _, s := range d.Sections {
		hs := htmlSection{ID: s.ID, Title: s.Title}
		for _, para := range s.Paragraphs {
			hs.Paragraphs = append(hs.Paragraphs, htmlParagraph{Text: para.Text, Class: toneClass(para.Tone)})
		}
		for _, it := range s.Items {
			hi := htmlItem{Number: it.Number, Title: it.Title, Badge: it.Badge, BadgeClass: toneClass(it.BadgeTone)}
			for _, l := range it.Lines {
				hi.Lines = append(hi.Lines, htmlLine{Label: l.Label, Value: l.Value, Class: toneClass(l.Tone)})
			}
			hs.Items = append(hs.Items, hi)
		}
		for _, g := range s.Grids {
			hg := htmlGridOf(g)
			if g.Title == s.Title {
				hg.Title = ""
			}
			hs.Grids = append(hs.Grids, hg)
		}
		page.Sections = append(page.Sections, hs)
		page.Nav = append(page.Nav, htmlNav{ID: s.ID, Title: s.Title})
	}
	return tmpl.ExecuteTemplate(w, "document.tmpl", page)
}
