package render

import (
	"io"

	"github.com/signinspect/signinspect/analyze"
)

// JSON writes the report as indented JSON with the stable, versioned keys
// of analyze.Schema.
type JSON struct{}

var _ Renderer = JSON{}

// Render implements Renderer.
func (JSON) Render(w io.Writer, r *analyze.Report) error {
	return writeJSON(w, r)
}
