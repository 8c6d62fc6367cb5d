package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/signinspect/signinspect/internal/safetext"
)

// A TextRewriter rewrites a piece of a rendered report's text. It writes
// each new value through escape, which makes text safe where it goes in
// that format: `signinspect unredact` puts real names, which may hold any
// character, where pseudonyms were.
type TextRewriter func(text string, escape func(string) string) string

// Rewrite applies rw to the text of a report rendered in a format, with
// the format's escaping: JSON string escapes (json and sarif), HTML
// escapes, Markdown escapes outside code spans, CSV cells re-quoted and
// neutralised against formulas, and control characters replaced in the
// table format.
func Rewrite(format string, in []byte, rw TextRewriter) ([]byte, error) {
	switch strings.ToLower(format) {
	case "json", "sarif":
		return []byte(rw(string(in), jsonEscape)), nil
	case "html":
		return rewriteHTML(in, rw), nil
	case "markdown":
		return rewriteMarkdown(in, rw), nil
	case "csv":
		return rewriteCSV(in, rw)
	case "table":
		return []byte(rw(string(in), safetext.Visible)), nil
	}
	return nil, fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Names(), ", "))
}

// Sniff tells the format of a rendered report from its first bytes, for
// reports whose file name does not say.
func Sniff(in []byte) string {
	head := bytes.TrimLeft(in[:min(len(in), 4096)], " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(head, []byte("{")):
		if bytes.Contains(head, []byte(`"$schema"`)) && bytes.Contains(head, []byte("sarif")) {
			return "sarif"
		}
		return "json"
	case bytes.HasPrefix(bytes.ToLower(head), []byte("<!doctype html")), bytes.HasPrefix(bytes.ToLower(head), []byte("<html")):
		return "html"
	case bytes.HasPrefix(head, []byte("section,")):
		return "csv"
	case bytes.HasPrefix(head, []byte("# ")):
		return "markdown"
	}
	return "table"
}

// chartLabel is one line of a chart's label, after the label's full text
// in a tooltip (see barChart in svg.go): a label that wraps is several
// such elements in a row, with the same tooltip.
var chartLabel = regexp.MustCompile(`(<text [^>]*class="label">)<title>([^<]*)</title>([^<]*)</text>`)

// rewriteChartLabels rewrites the labels of the report's charts: each
// run of label lines that share a tooltip is one label, wrapped again as
// barChart wraps it when the tooltip changes. When the new label has more
// lines than the chart drew, the last line holds the rest.
func rewriteChartLabels(doc string, rw TextRewriter) string {
	matches := chartLabel.FindAllStringSubmatchIndex(doc, -1)
	var b strings.Builder
	prev := 0
	for i := 0; i < len(matches); {
		tip := doc[matches[i][4]:matches[i][5]]
		j := i + 1
		for j < len(matches) && doc[matches[j][4]:matches[j][5]] == tip && strings.TrimSpace(doc[matches[j-1][1]:matches[j][0]]) == "" {
			j++
		}
		newTip := rw(tip, htmlText)
		if newTip == tip {
			i = j
			continue
		}
		lines := labelLines(html.UnescapeString(newTip))
		for k := i; k < j; k++ {
			m := matches[k]
			b.WriteString(doc[prev:m[0]])
			line := ""
			switch n := k - i; {
			case n == j-i-1 && n < len(lines):
				line = strings.Join(lines[n:], " ")
			case n < len(lines):
				line = lines[n]
			}
			b.WriteString(doc[m[2]:m[3]] + "<title>" + newTip + "</title>" + html.EscapeString(line) + "</text>")
			prev = m[1]
		}
		i = j
	}
	b.WriteString(doc[prev:])
	return b.String()
}

// htmlTag matches a tag (or a comment) of the HTML report.
var htmlTag = regexp.MustCompile(`<[^>]*>`)

// rewriteHTML rewrites HTML text with HTML escapes. Text that the renderer
// broke into pieces with <wbr> (see htmlSpan) is rewritten whole and broken
// again, and a chart label that was wrapped to fit is wrapped again from
// its rewritten tooltip.
func rewriteHTML(in []byte, rw TextRewriter) []byte {
	// Chart labels first: a label whose tooltip changes is wrapped again
	// from the new text, its lines spread over the label's elements.
	doc := rewriteChartLabels(string(in), rw)
	var b strings.Builder
	var run strings.Builder // Text, and the <wbr> tags inside it.
	flush := func() {
		text := run.String()
		run.Reset()
		if !strings.Contains(text, "<wbr>") {
			b.WriteString(rw(text, htmlText))
			return
		}
		joined := strings.ReplaceAll(text, "<wbr>", "")
		out := rw(joined, htmlText)
		if out == joined {
			b.WriteString(text)
			return
		}
		for i, p := range breakPieces(html.UnescapeString(out)) {
			if i > 0 {
				b.WriteString("<wbr>")
			}
			b.WriteString(html.EscapeString(p))
		}
	}
	prev := 0
	for _, loc := range htmlTag.FindAllStringIndex(doc, -1) {
		run.WriteString(doc[prev:loc[0]])
		tag := doc[loc[0]:loc[1]]
		prev = loc[1]
		if tag == "<wbr>" {
			run.WriteString(tag)
			continue
		}
		flush()
		b.WriteString(rw(tag, htmlText))
	}
	run.WriteString(doc[prev:])
	flush()
	return []byte(b.String())
}

// jsonEscape escapes text for the inside of a JSON string.
func jsonEscape(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out := strings.TrimSuffix(string(safetext.EscapeJSON(b.Bytes())), "\n")
	return out[1 : len(out)-1]
}

// htmlText escapes text for HTML, its invisible characters shown as the
// HTML report shows them.
func htmlText(s string) string { return html.EscapeString(safetext.Visible(s)) }

// rewriteMarkdown rewrites Markdown text: outside code spans values are
// escaped as the Markdown renderer escapes them (and "|", which would end
// a table cell); inside a code span, where escapes do not work, a value
// goes in as it is unless it holds a backtick, which is replaced.
func rewriteMarkdown(in []byte, rw TextRewriter) []byte {
	outside := func(s string) string { return strings.ReplaceAll(mdEscape(safetext.Visible(s)), "|", `\|`) }
	inside := func(s string) string { return strings.ReplaceAll(safetext.Visible(s), "`", "'") }
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(in), "\n") {
		code := false
		for {
			i := unescapedBacktick(line)
			if i < 0 {
				break
			}
			if code {
				b.WriteString(rw(line[:i], inside))
			} else {
				b.WriteString(rw(line[:i], outside))
			}
			b.WriteByte('`')
			line = line[i+1:]
			code = !code
		}
		if code {
			b.WriteString(rw(line, inside))
		} else {
			b.WriteString(rw(line, outside))
		}
	}
	return []byte(b.String())
}

// unescapedBacktick returns the index of the first backtick of s that no
// backslash escapes, or -1.
func unescapedBacktick(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '`':
			return i
		}
	}
	return -1
}

// rewriteCSV rewrites each cell of a CSV report and writes it back,
// quoted where needed; a cell that changed is neutralised against formulas
// as the CSV renderer neutralises cells.
func rewriteCSV(in []byte, rw TextRewriter) ([]byte, error) {
	r := csv.NewReader(bytes.NewReader(in))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("not a CSV report: %w", err)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, rec := range recs {
		for i, cell := range rec {
			if out := rw(cell, safetext.Visible); out != cell {
				rec[i] = csvSafe(out)
			}
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
