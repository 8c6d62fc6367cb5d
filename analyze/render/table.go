package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/signinspect/signinspect/analyze"
)

// Table writes the report for people reading a terminal: every section as
// a box-drawn table fitted to Options.Width, long text wrapped, and ANSI
// colours only when Options.Color is set.
type Table struct {
	Options Options
}

var _ Renderer = (*Table)(nil)

// tableEvidence is how many evidence rows a finding shows in a terminal;
// the machine formats and HTML list all the report holds.
const tableEvidence = 3

// tableValues is how many combinations of values a fix lists in a
// terminal.
const tableValues = 5

// answerCauses is how many causes the answer lists after the first, in
// every format for people: the answer stays a few lines.
const answerCauses = 3

// listLastWidth is the narrowest the last column of a list may become
// before it moves to a line of its own.
const listLastWidth = 20

// tableFixes is how many fixes of a finding a terminal shows, and
// tableRows how many rows of a long section; the others are counted.
const (
	tableFixes = 2
	tableRows  = 10
)

// minWrapWidth is the narrowest a wrapped column becomes.
const minWrapWidth = 8

// Render implements Renderer.
func (t *Table) Render(w io.Writer, r *analyze.Report) error {
	r = shown(r) // Values made visible and bounded: see display.go.
	v := newView(r, viewOptions{maxEvidence: tableEvidence, barWidth: 24, maxValues: tableValues, maxFixes: tableFixes, maxCauses: answerCauses, maxRows: tableRows})
	p := &textPrinter{ew: &errWriter{w: w}, color: t.Options.Color, width: t.Options.width()}

	p.answer(v.Answer)
	p.heading("Scope")
	labelWidth := 0
	for _, s := range v.Scope {
		labelWidth = max(labelWidth, len(s.Label))
	}
	for _, s := range v.Scope {
		label := s.Label + strings.Repeat(" ", labelWidth-len(s.Label)+2)
		p.wrapped("  "+p.paint(label, toneMuted), strings.Repeat(" ", labelWidth+4), s.Value, tonePlain)
	}

	for _, g := range v.Breakdowns {
		p.heading(g.Title)
		p.grid(g, "")
	}

	p.heading(fmt.Sprintf("Diagnosis: %s", plural(len(r.Findings)+r.FindingsOmitted, "finding", "findings")))
	if len(v.Findings) == 0 {
		p.line(p.paint("No rule fired on the matched sign-ins.", toneMuted))
	}
	for i, f := range v.Findings {
		if i > 0 {
			p.blank()
		}
		p.finding(f)
	}
	if v.FindingsMore != "" {
		p.blank()
		p.wrapped("", "", v.FindingsMore, toneMuted)
	}

	if len(v.RuleErrors.Rows) > 0 {
		p.heading(v.RuleErrors.Title)
		p.wrapped("", "", v.RuleErrors.Intro, toneWarn)
		p.grid(v.RuleErrors, "")
	}

	for _, g := range v.Details {
		p.heading(g.Title)
		if g.Intro != "" {
			p.wrapped("", "", g.Intro, toneMuted)
		}
		p.grid(g, "")
	}
	p.heading("Inputs")
	p.grid(v.Inputs, "")
	if len(v.Warnings) > 0 {
		p.blank()
		p.line(p.paint("Warnings", toneWarn))
		for _, g := range v.Warnings {
			p.wrapped("  • ", "    ", g.Text, tonePlain)
			p.wrapped("    ", "    ", "("+g.InputsText(v.InputCount)+")", toneMuted)
		}
	}
	if len(v.SkipReasons.Rows) > 0 {
		p.blank()
		p.line(p.paint(v.SkipReasons.Title, toneWarn))
		p.grid(v.SkipReasons, "")
	}

	return p.ew.err
}

// textPrinter writes the table format's lines, fitted to a width and
// coloured only when allowed.
type textPrinter struct {
	ew      *errWriter
	color   bool
	width   int
	started bool
}

func (p *textPrinter) line(s string) {
	p.started = true
	p.ew.println(strings.TrimRight(s, " "))
}

func (p *textPrinter) blank() { p.ew.println("") }

// heading starts a section with a rule across the width.
func (p *textPrinter) heading(title string) {
	if p.started {
		p.blank()
	}
	rule := max(3, p.width-text.StringWidthWithoutEscSequences(title)-4)
	p.line(p.paint("── "+title+" "+strings.Repeat("─", rule), toneHeading))
	p.blank()
}

// wrapped writes s wrapped to the width: the first line after first, the
// others after indent, each as long as the width allows.
func (p *textPrinter) wrapped(first, indent, s string, t tone) {
	firstWidth, indentWidth := text.StringWidthWithoutEscSequences(first), text.StringWidthWithoutEscSequences(indent)
	// The first line has less room when first is longer than indent: a
	// placeholder word of the difference takes it, and is taken out.
	var pad string
	if extra := firstWidth - indentWidth; extra > 1 && strings.TrimSpace(s) != "" {
		pad = strings.Repeat("x", extra-1)
		s = pad + " " + s
	}
	lines := wrapText(s, p.width-indentWidth)
	if pad != "" {
		// When no word of s fits after first, first stands alone on
		// its line (lines[0] is then empty).
		lines[0] = strings.TrimPrefix(strings.TrimPrefix(lines[0], pad), " ")
	}
	for i, l := range lines {
		prefix := indent
		if i == 0 {
			prefix = first
		}
		p.line(prefix + p.paint(l, t))
	}
}

// answer writes the verdict: the answer, then the next causes and the
// findings that only inform, each pointing at its finding.
func (p *textPrinter) answer(a answerView) {
	p.heading("Answer")
	text := a.Text
	if a.Finding > 0 {
		text += fmt.Sprintf(" (finding %d)", a.Finding)
	}
	if a.NoMatch {
		p.wrapped("  "+p.paint("No match: ", toneWarn), "  ", text, toneWarn)
	} else {
		p.wrapped("  ", "  ", text, tonePlain)
	}
	for _, part := range []struct {
		title  string
		causes []causeView
	}{{"Next causes", a.Causes}, {"Also noted", a.Notes}} {
		if len(part.causes) == 0 {
			continue
		}
		p.blank()
		p.line("  " + p.paint(part.title, toneMuted))
		for _, c := range part.causes {
			p.wrapped(fmt.Sprintf("  %d. ", c.Finding), "     ", fmt.Sprintf("%s (%s): %s", c.Severity, c.Share, c.Text), tonePlain)
		}
	}
	if a.More != "" {
		p.wrapped("  ", "  ", a.More, toneMuted)
	}
}

func (p *textPrinter) finding(f findingView) {
	number := fmt.Sprintf("%2d. ", f.Number)
	indent := strings.Repeat(" ", len(number))
	severity := p.paint(fmt.Sprintf("%-8s", f.Severity), f.Tone) + " "
	p.wrapped(number+severity, indent+strings.Repeat(" ", 9), f.Title, toneHeading)
	p.wrapped(indent, indent, f.Count+" · rule "+f.Rule, toneMuted)
	fixIndent := indent + "     "
	if f.Fix != "" {
		p.wrapped(indent+p.paint("Fix: ", toneGood), fixIndent, f.Fix, tonePlain)
	}
	if len(f.FixValues.Rows) > 0 {
		p.list(f.FixValues, fixIndent)
	}
	for _, fix := range f.OtherFixes {
		if fix.Text == "" {
			p.line(fixIndent + p.paint(fix.Count, toneMuted))
			continue
		}
		p.wrapped(fixIndent+p.paint(fix.Count+": ", toneMuted), fixIndent, fix.Text, tonePlain)
		if len(fix.Values.Rows) > 0 {
			p.list(fix.Values, fixIndent)
		}
	}
	if len(f.Evidence.Rows) > 0 {
		p.list(f.Evidence, indent)
	}
}

// list writes a grid as aligned lines without borders, for grids too wide
// for a box at 100 columns: each row's main columns on one line (the last
// wrapped under itself), then each of its detail columns on a labelled line
// of its own.
func (p *textPrinter) list(g grid, indent string) {
	var main, detail []int
	for i, c := range g.Columns {
		if c.Detail {
			detail = append(detail, i)
		} else {
			main = append(main, i)
		}
	}
	const gap = "  "
	width := func(i int) int {
		w := widest(g.Columns[i].Name)
		for _, row := range g.Rows {
			w = max(w, widest(row[i].String()))
		}
		return w
	}
	// Main columns that do not fit on a line, the last one keeping at
	// least a few words' width, move, the last first, to labelled lines of
	// their own under the row.
	fits := func() bool {
		last := main[len(main)-1]
		total := len(indent) + max(min(width(last), listLastWidth), widest(g.Columns[last].Name))
		for _, i := range main[:len(main)-1] {
			total += width(i) + len(gap)
		}
		return total <= p.width
	}
	for len(main) > 2 && !fits() {
		detail = append([]int{main[len(main)-1]}, detail...)
		main = main[:len(main)-1]
	}
	labelWidth := 0
	for _, i := range detail {
		labelWidth = max(labelWidth, len(g.Columns[i].Name))
	}
	if !fits() || len(indent)+labelWidth+4+minWrapWidth > p.width {
		// Even the first columns, or a label, are too wide for a line:
		// a long value of the export. Each row becomes a record, wrapped.
		p.records(g, indent)
		return
	}
	widths := make([]int, len(main))
	for k, i := range main {
		widths[k] = width(i)
	}
	lastStart := len(indent)
	for _, w := range widths[:len(widths)-1] {
		lastStart += w + len(gap)
	}
	lastWidth := max(p.width-lastStart, minWrapWidth)
	pad := func(s string, k int) string {
		fill := strings.Repeat(" ", max(0, widths[k]-text.StringWidthWithoutEscSequences(s)))
		if g.Columns[main[k]].Numeric {
			return fill + s
		}
		return s + fill
	}
	var head []string
	for k, i := range main {
		head = append(head, pad(g.Columns[i].Name, k))
	}
	p.line(indent + p.paint(strings.TrimRight(strings.Join(head, gap), " "), toneHeading))
	for _, row := range g.Rows {
		var line []string
		for k, i := range main[:len(main)-1] {
			line = append(line, p.paint(pad(row[i].String(), k), row[i].tone()))
		}
		last := row[main[len(main)-1]]
		for n, l := range wrapText(last.String(), lastWidth) {
			if n == 0 {
				p.line(indent + strings.Join(append(line, p.paint(l, last.tone())), gap))
			} else {
				p.line(strings.Repeat(" ", lastStart) + p.paint(l, last.tone()))
			}
		}
		for _, i := range detail {
			if v := row[i].String(); v != "" {
				label := indent + "  " + g.Columns[i].Name + strings.Repeat(" ", labelWidth-len(g.Columns[i].Name)+2)
				p.wrapped(p.paint(label, toneMuted), strings.Repeat(" ", len(label)), v, row[i].tone())
			}
		}
	}
	if g.More != "" {
		p.wrapped(indent, indent, g.More, toneMuted)
	}
}

// grid writes a grid as a box-drawn table, its wrap columns narrowed so
// that the table fits the width without breaking a word that fits a
// column. A grid that cannot fit so (many columns on a narrow terminal) is
// written as a list of records instead (see records), never wider than the
// width.
func (p *textPrinter) grid(g grid, indent string) {
	if len(g.Rows) == 0 {
		if g.Empty != "" {
			p.wrapped(indent, indent, g.Empty, toneMuted)
		}
		return
	}
	cells := make([]int, len(g.Columns)) // The widest cell of each column.
	words := make([]int, len(g.Columns)) // The longest unbreakable piece of each column.
	for _, row := range g.Rows {
		for i, c := range row {
			cells[i] = max(cells[i], widest(c.String()))
			words[i] = max(words[i], longestPiece(c.String()))
		}
	}
	natural := make([]int, len(g.Columns))
	least := make([]int, len(g.Columns)) // The narrowest each column may become.
	total := 3*len(g.Columns) + 1
	narrowest := total
	for i, c := range g.Columns {
		natural[i] = max(cells[i], widest(c.Name))
		total += natural[i]
		least[i] = natural[i]
		if c.Wrap {
			// A word longer than maxWordWidth (a path, a long UPN) may
			// break at its punctuation; shorter words stay whole.
			least[i] = max(min(words[i], maxWordWidth), longestWord(c.Name), minWrapWidth, c.MinWidth)
			least[i] = min(least[i], natural[i])
		} else {
			least[i] = max(cells[i], longestWord(c.Name))
		}
		narrowest += least[i]
	}
	avail := p.width - len(indent)
	if narrowest > avail {
		p.records(g, indent)
		return
	}
	if total > avail {
		// Headers wrap at their spaces before any cell does.
		for i, c := range g.Columns {
			natural[i] = max(cells[i], longestWord(c.Name))
		}
	}
	// A column's height is the lines its cells take, over the first rows
	// (enough to tell the shape of a long table).
	sample := g.Rows[:min(len(g.Rows), 50)]
	lines := func(col, width int) int {
		n := 0
		for _, row := range sample {
			n += len(wrapText(row[col].String(), width))
		}
		return n
	}
	limits := fitWidths(g.Columns, natural, least, avail, lines)
	for i, c := range g.Columns {
		if limits[i] == 0 && natural[i] < widest(c.Name) {
			limits[i] = natural[i]
		}
		if limits[i] > 0 {
			limits[i] = max(limits[i], longestWord(c.Name))
		}
	}

	tw := prettyTable(g, func(i int, name string) string { return p.cell(toned(name, toneHeading), limits[i]) },
		func(i int, c cell) string { return p.cell(c, limits[i]) })
	tw.SetStyle(table.StyleLight)
	tw.Style().Format.Header = text.FormatDefault // As written, not upper case.
	for _, l := range strings.Split(tw.Render(), "\n") {
		p.line(indent + l)
	}
	if g.More != "" {
		p.wrapped(indent, indent, g.More, toneMuted)
	}
}

// maxWordWidth is the longest word a wrapped column keeps whole when the
// table must be narrowed.
const maxWordWidth = 24

// longestPiece returns the display width of the widest piece of s that
// wrapText keeps on one line: a word, or the part of a word between the
// punctuation it breaks after (Noord-|Holland, a/b/c).
func longestPiece(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		start := 0
		for i, r := range w {
			if strings.ContainsRune(breakAfter, r) {
				n = max(n, text.StringWidthWithoutEscSequences(w[start:i+len(string(r))]))
				start = i + len(string(r))
			}
		}
		n = max(n, text.StringWidthWithoutEscSequences(w[start:]))
	}
	return n
}

// records writes a grid too wide for the width as a list of records,
// compact enough for a long section: each row's first cell, labelled, on a
// line of its own, and its other non-empty cells as "label: value" pieces
// under it, wrapped to the width.
func (p *textPrinter) records(g grid, indent string) {
	for _, row := range g.Rows {
		p.wrapped(indent, indent+"  ", g.Columns[0].Name+": "+row[0].String(), toneHeading)
		var parts []string
		for i, c := range row[1:] {
			if v := c.String(); v != "" {
				parts = append(parts, g.Columns[i+1].Name+": "+strings.ReplaceAll(v, "\n", ", "))
			}
		}
		if len(parts) > 0 {
			p.wrapped(indent+"  ", indent+"  ", strings.Join(parts, " · "), tonePlain)
		}
	}
	if g.More != "" {
		p.wrapped(indent, indent, g.More, toneMuted)
	}
}

// cell writes a cell wrapped to limit (0: as is), each line painted so
// that colours never cross the table's borders.
func (p *textPrinter) cell(c cell, limit int) string {
	if len(c) != 1 {
		var b strings.Builder
		for _, s := range c {
			b.WriteString(p.paint(s.Text, s.Tone))
		}
		return b.String()
	}
	lines := wrapText(c[0].Text, limit)
	for i, l := range lines {
		lines[i] = p.paint(l, c[0].Tone)
	}
	return strings.Join(lines, "\n")
}

// prettyTable loads a grid into a go-pretty table, its numeric columns
// right-aligned, with head and body writing the header and cell texts.
func prettyTable(g grid, head func(i int, name string) string, body func(i int, c cell) string) table.Writer {
	tw := table.NewWriter()
	header := make(table.Row, len(g.Columns))
	var configs []table.ColumnConfig
	for i, c := range g.Columns {
		header[i] = head(i, c.Name)
		if c.Numeric {
			configs = append(configs, table.ColumnConfig{Number: i + 1, Align: text.AlignRight})
		}
	}
	tw.AppendHeader(header)
	tw.SetColumnConfigs(configs)
	for _, row := range g.Rows {
		out := make(table.Row, len(row))
		for i, c := range row {
			out[i] = body(i, c)
		}
		tw.AppendRow(out)
	}
	return tw
}

// fitWidths returns the width each column may take for a table of these
// natural column widths to fit in total: every column that may wrap starts
// at its least width, and what the others leave is handed out a column at
// a time to the wrap column whose cells take the most lines (lines(i, w)
// counts them at width w), so that no column is left a tall sliver beside
// a wide one. 0 means the natural width. When even the least widths do not
// fit, the table comes out wider; grid writes such a table as records
// instead.
func fitWidths(cols []column, natural, least []int, total int, lines func(col, width int) int) []int {
	limits := make([]int, len(cols))
	overhead := 3*len(cols) + 1 // "│ " before each column, " " after, and the last "│".
	sum := overhead
	for _, w := range natural {
		sum += w
	}
	if total <= 0 || sum <= total {
		return limits
	}
	avail := total - overhead
	var wraps []int
	for i, c := range cols {
		if c.Wrap {
			wraps = append(wraps, i)
			limits[i] = least[i]
			avail -= least[i]
		} else {
			avail -= natural[i]
		}
	}
	height := make(map[int]int, len(wraps))
	for _, i := range wraps {
		height[i] = lines(i, limits[i])
	}
	for ; avail > 0; avail-- {
		best := -1
		for _, i := range wraps {
			if limits[i] >= natural[i] {
				continue
			}
			if best < 0 || height[i] > height[best] || height[i] == height[best] && limits[i] < limits[best] {
				best = i
			}
		}
		if best < 0 {
			break
		}
		limits[best]++
		height[best] = lines(best, limits[best])
	}
	return limits
}

// paint colours s for its tone when colours are allowed.
func (p *textPrinter) paint(s string, t tone) string {
	if !p.color || s == "" {
		return s
	}
	var c text.Colors
	switch t {
	case toneBad:
		c = text.Colors{text.FgRed}
	case toneGood:
		c = text.Colors{text.FgGreen}
	case toneMuted:
		c = text.Colors{text.FgHiBlack}
	case toneWarn:
		c = text.Colors{text.FgYellow}
	case toneCritical:
		c = text.Colors{text.Bold, text.FgHiWhite, text.BgRed}
	case toneHigh:
		c = text.Colors{text.Bold, text.FgRed}
	case toneMedium:
		c = text.Colors{text.Bold, text.FgYellow}
	case toneLow:
		c = text.Colors{text.FgCyan}
	case toneInfo:
		c = text.Colors{text.FgBlue}
	case toneHeading:
		c = text.Colors{text.Bold}
	default:
		return s
	}
	// EscapeSeq, unlike Sprint, does not consult go-pretty's global colour
	// switch: whether to colour is Options.Color's decision alone.
	return c.EscapeSeq() + s + text.EscapeReset
}
