package render

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/safetext"
)

// JSON writes the report as indented JSON with the stable, versioned keys
// of analyze.Schema.
type JSON struct{}

var _ Renderer = JSON{}

// Render implements Renderer.
func (JSON) Render(w io.Writer, r *analyze.Report) error {
	return writeJSON(w, r)
}

// writeJSON writes v as indented JSON, with the invisible characters of
// its strings escaped (safetext.EscapeJSON): the values are the export's,
// whole, and a terminal or editor that shows the file shows the escapes.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	// HTML escaping is for JSON embedded in HTML; this JSON is a file of its
	// own, and "<" in a user agent should read as "<".
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(safetext.EscapeJSON(b.Bytes()))
	return err
}
