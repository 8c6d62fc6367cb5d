package render

import (
	"encoding/json"
	"io"

	"github.com/signinspect/signinspect/analyze"
)

// JSON writes the report as indented JSON with the stable, versioned keys
// of analyze.Schema.
type JSON struct{}

var _ Renderer = JSON{}

// Render implements Renderer.
func (JSON) Render(w io.Writer, r *analyze.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// HTML escaping is for JSON embedded in HTML; this JSON is a file of its
	// own, and "<" in a user agent should read as "<".
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
