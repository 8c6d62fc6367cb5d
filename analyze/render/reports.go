package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/safetext"
	"github.com/signinspect/signinspect/policy"
)

// The other commands' reports come in analyze's formats too: a registry
// per kind of report maps each format name of formats to its renderer. The
// formats people read lay out a shown copy of the report (see display.go),
// as analyze's do.

// A renderFunc writes one kind of report in one format.
type renderFunc[R any] func(o Options, w io.Writer, r R) error

// A registry holds the renderers of one kind of report, by format name.
type registry[R any] map[string]renderFunc[R]

// renderer returns the renderer of format name, bound to o.
func (reg registry[R]) renderer(name string, o Options) (func(io.Writer, R) error, error) {
	f, ok := reg[strings.ToLower(name)]
	if !ok {
		var names []string
		for _, fm := range formats {
			if reg[fm.name] != nil {
				names = append(names, fm.name)
			}
		}
		return nil, fmt.Errorf("unknown output format %q (want one of %s)", name, strings.Join(names, ", "))
	}
	return func(w io.Writer, r R) error { return f(o, w, r) }, nil
}

// writeJSON writes v as every JSON report is written: indented, without
// HTML escaping (which is for JSON embedded in HTML; these are files of
// their own, and "<" in a user agent should read as "<"), and with the
// invisible characters of its strings escaped (safetext.EscapeJSON): the
// values are the export's, whole, and a terminal or editor that shows the
// file shows the escapes.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(safetext.EscapeJSON(b.Bytes()))
	return err
}

// inventoryFormats renders signinspect policies' report.
var inventoryFormats = registry[*policy.Inventory]{
	"table": func(o Options, w io.Writer, r *policy.Inventory) error {
		return renderDocumentTable(o, w, inventoryDocument(shown(r)))
	},
	"markdown": func(o Options, w io.Writer, r *policy.Inventory) error {
		return renderDocumentMarkdown(o, w, inventoryDocument(shown(r)))
	},
	"json": func(_ Options, w io.Writer, r *policy.Inventory) error { return writeJSON(w, r) },
	"csv":  func(_ Options, w io.Writer, r *policy.Inventory) error { return writeCSV(w, inventoryRows(r)) },
	"html": func(o Options, w io.Writer, r *policy.Inventory) error {
		return renderDocumentHTML(o, w, inventoryDocument(shown(r)))
	},
	"sarif": func(_ Options, w io.Writer, r *policy.Inventory) error {
		return writeSARIF(w, r.Version, inventorySARIF(r))
	},
	"xlsx": func(_ Options, w io.Writer, r *policy.Inventory) error { return writeXLSX(w, r) },
}

// NewInventory returns the renderer of signinspect policies' report in
// format name.
func NewInventory(name string, o Options) (func(io.Writer, *policy.Inventory) error, error) {
	return inventoryFormats.renderer(name, o)
}

// whatIfFormats renders signinspect whatif's report.
var whatIfFormats = registry[*analyze.WhatIfReport]{
	"table": func(o Options, w io.Writer, r *analyze.WhatIfReport) error {
		return renderDocumentTable(o, w, whatIfDocument(shown(r)))
	},
	"markdown": func(o Options, w io.Writer, r *analyze.WhatIfReport) error {
		return renderDocumentMarkdown(o, w, whatIfDocument(shown(r)))
	},
	"json": func(_ Options, w io.Writer, r *analyze.WhatIfReport) error { return writeJSON(w, r) },
	"csv":  func(_ Options, w io.Writer, r *analyze.WhatIfReport) error { return writeCSV(w, whatIfRows(r)) },
	"html": func(o Options, w io.Writer, r *analyze.WhatIfReport) error {
		return renderDocumentHTML(o, w, whatIfDocument(shown(r)))
	},
	"sarif": func(_ Options, w io.Writer, r *analyze.WhatIfReport) error {
		return writeSARIF(w, r.Version, whatIfSARIF(r))
	},
	"xlsx": func(_ Options, w io.Writer, r *analyze.WhatIfReport) error { return writeXLSX(w, r) },
}

// NewWhatIf returns the renderer of signinspect whatif's report in format
// name.
func NewWhatIf(name string, o Options) (func(io.Writer, *analyze.WhatIfReport) error, error) {
	return whatIfFormats.renderer(name, o)
}
