// Package render writes an analyze.Report in the output formats users pick
// with -o: table, markdown, json, csv, html, sarif and xlsx.
package render

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/signinspect/signinspect/analyze"
)

// A Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, r *analyze.Report) error
}

// Options control rendering.
type Options struct {
	// Color allows ANSI colours in the table format. Callers set it only
	// when standard output is a terminal and neither NO_COLOR nor
	// --no-color is set; no other format ever writes ANSI codes.
	Color bool
	// Width is the width the table format fits its lines into: the
	// terminal's width. 0 means DefaultWidth.
	Width int
}

// DefaultWidth is the table format's width when the output is not a
// terminal: readable in a pager, a ticket or a README.
const DefaultWidth = 100

func (o Options) width() int {
	if o.Width > 0 {
		return o.Width
	}
	return DefaultWidth
}

// A format registers a renderer under a name and the file extensions that
// select it for --out.
type format struct {
	name       string
	extensions []string
	new        func(Options) Renderer
}

// formats is the registry, in the order help text lists them.
var formats = []format{
	{name: "table", extensions: []string{".txt"}, new: func(o Options) Renderer { return &Table{Options: o} }},
	{name: "markdown", extensions: []string{".md", ".markdown"}, new: func(Options) Renderer { return Markdown{} }},
	{name: "json", extensions: []string{".json"}, new: func(Options) Renderer { return JSON{} }},
	{name: "csv", extensions: []string{".csv"}, new: func(Options) Renderer { return CSV{} }},
	{name: "html", extensions: []string{".html", ".htm"}, new: func(Options) Renderer { return HTML{} }},
	{name: "sarif", extensions: []string{".sarif"}, new: func(Options) Renderer { return SARIF{} }},
	{name: "xlsx", extensions: []string{".xlsx"}, new: func(Options) Renderer { return XLSX{} }},
}

// Names returns the format names, in help order.
func Names() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.name
	}
	return out
}

// New returns the renderer for a format name.
func New(name string, o Options) (Renderer, error) {
	for _, f := range formats {
		if strings.EqualFold(f.name, name) {
			return f.new(o), nil
		}
	}
	return nil, fmt.Errorf("unknown output format %q (want one of %s)", name, strings.Join(Names(), ", "))
}

// ForFile returns the format name a file's extension selects, or "" when
// the extension names none.
func ForFile(path string) string {
	ext := strings.ToLower(filepath.Ext(path))
	for _, f := range formats {
		for _, e := range f.extensions {
			if e == ext {
				return f.name
			}
		}
	}
	return ""
}

// Extensions lists the file extensions --out recognises, sorted.
func Extensions() []string {
	var out []string
	for _, f := range formats {
		out = append(out, f.extensions...)
	}
	sort.Strings(out)
	return out
}
