// Package fuzzseed gathers the files that seed the fuzz targets of several
// packages: sample exports, rule files, named locations.
package fuzzseed

import (
	"os"
	"path/filepath"
	"testing"
)

// Files returns the contents of every file the glob patterns match, in
// pattern order and, within a pattern, sorted by name. A bad pattern or an
// unreadable file fails tb.
func Files(tb testing.TB, patterns ...string) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, pattern := range patterns {
		names, err := filepath.Glob(pattern)
		if err != nil {
			tb.Fatal(err)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, data)
		}
	}
	return out
}
