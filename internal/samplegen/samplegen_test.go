package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite samples/ from the generator")

// samplesDir is the repository's samples/ folder, seen from this package.
var samplesDir = filepath.Join("..", "..", "samples")

// TestSamplesMatchGenerator fails when samples/ differs from what the
// generator writes, so that nobody edits a sample without changing the
// scenario it comes from. -update rewrites samples/ (and removes files the
// generator no longer writes).
func TestSamplesMatchGenerator(t *testing.T) {
	if *update {
		if err := os.RemoveAll(samplesDir); err != nil {
			t.Fatal(err)
		}
		if err := write(samplesDir); err != nil {
			t.Fatal(err)
		}
	}
	want := t.TempDir()
	if err := write(want); err != nil {
		t.Fatal(err)
	}
	wantFiles, gotFiles := listFiles(t, want), listFiles(t, samplesDir)
	const hint = "; run `go test ./internal/samplegen -update` after changing the generator, never edit samples/ by hand"
	for name := range gotFiles {
		if !wantFiles[name] {
			t.Errorf("samples/%s is not written by the generator%s", name, hint)
		}
	}
	for name := range wantFiles {
		if !gotFiles[name] {
			t.Errorf("samples/%s is missing%s", name, hint)
			continue
		}
		w := readFile(t, filepath.Join(want, name))
		g := readFile(t, filepath.Join(samplesDir, name))
		if bytes.Equal(w, g) {
			continue
		}
		if sameArchiveContent(t, name, w, g) {
			// Compressed bytes may change with the Go version's compressor;
			// what the archive holds may not.
			continue
		}
		t.Errorf("samples/%s differs from the generator's output at byte %d%s", name, firstDifference(w, g), hint)
	}
}

// TestGeneratorIsDeterministic writes the samples twice and compares them.
func TestGeneratorIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := write(a); err != nil {
		t.Fatal(err)
	}
	if err := write(b); err != nil {
		t.Fatal(err)
	}
	files := listFiles(t, a)
	if len(files) == 0 {
		t.Fatal("the generator wrote no files")
	}
	for name := range files {
		if !bytes.Equal(readFile(t, filepath.Join(a, name)), readFile(t, filepath.Join(b, name))) {
			t.Errorf("%s differs between two runs of the generator", name)
		}
	}
}

// listFiles returns the slash-separated paths of the files under dir.
func listFiles(t *testing.T, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return out
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			out[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func firstDifference(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// sameArchiveContent reports whether two gzip files, or two ZIP archives,
// hold the same names and contents.
func sameArchiveContent(t *testing.T, name string, a, b []byte) bool {
	t.Helper()
	switch {
	case strings.HasSuffix(name, ".gz"):
		return bytes.Equal(gunzip(t, a), gunzip(t, b))
	case strings.HasSuffix(name, ".zip"):
		ea, eb := unzip(t, a), unzip(t, b)
		if len(ea) != len(eb) {
			return false
		}
		for i := range ea {
			if ea[i].name != eb[i].name || !ea[i].modified.Equal(eb[i].modified) || !bytes.Equal(ea[i].data, eb[i].data) {
				return false
			}
		}
		return true
	}
	return false
}

func gunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil
	}
	return out
}

type zipEntry struct {
	name     string
	modified time.Time
	data     []byte
}

// unzip returns the entries of a ZIP archive in order, or nil when it is
// not one.
func unzip(t *testing.T, data []byte) []zipEntry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	var out []zipEntry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil
		}
		out = append(out, zipEntry{name: f.Name, modified: f.Modified, data: b})
	}
	return out
}
