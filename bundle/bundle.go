// Package bundle assembles the one file a customer sends to support: the
// redacted exports in their own formats, reports made from them, a
// manifest that says what is inside and what was redacted, and a README for
// the recipient, in a ZIP archive written atomically. Nothing in it holds
// an original value: the exports are redacted first (package redact), and
// everything else is made from the redacted copies.
//
// `signinspect analyze ticket.zip` recognises a bundle by its manifest and
// reads its exports, not its reports (parse.Expand).
package bundle

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/analyze/render"
	"github.com/signinspect/signinspect/internal/atomicfile"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/redact"
	"github.com/signinspect/signinspect/rules"
)

// Options control Build.
type Options struct {
	// Out is the bundle file to write. It must not lie inside an input
	// folder.
	Out string
	// Pseudonymizer redacts the exports. KeyFromFile says whether its key
	// came from a file the customer keeps (the manifest says so).
	Pseudonymizer *redact.Pseudonymizer
	KeyFromFile   bool
	// NamedLocations is the Graph export of the tenant's named locations,
	// redacted into the bundle with the same IP mapping and used by the
	// reports; "" for none.
	NamedLocations string
	// DropLocations blanks cities, states and coordinates.
	DropLocations bool
	// Parse controls how inputs are found and read.
	Parse parse.Options
	// Prepare returns what the reports are made with, once the exports
	// are redacted: the filter and the rules, with the values the user
	// gave (a UPN of --user, a --trusted-ip range) in their redacted form,
	// which t gives, and the tenant context read from namedLocations, the
	// redacted copy of NamedLocations ("" for none).
	Prepare func(t *Translator, namedLocations string) (*Analysis, error)
	// Top bounds the rows of the reports' long sections; 0 keeps all.
	Top int
	// Version is signinspect's version, written into the manifest and
	// the reports.
	Version string
	// Clock gives the bundle's time; nil means time.Now.
	Clock func() time.Time
}

// Analysis is what the bundle's reports are made with.
type Analysis struct {
	Filter  analyze.Filter
	Rules   *rules.Set
	Context *rules.Context
}

// Result tells what Build did.
type Result struct {
	// Manifest is what the bundle's manifest.json says.
	Manifest *Manifest
	// Redaction is redact's summary of the exports, with the mapping of
	// originals to pseudonyms: show it to the customer only.
	Redaction *redact.Summary
	// Report is the analysis of the redacted exports.
	Report *analyze.Report
}

// The bundle's layout.
const (
	exportsDir         = "exports"
	namedLocationsName = "named-locations.json"
	readmeName         = "README.txt"
)

// Build writes the bundle.
func Build(ctx context.Context, paths []string, opts Options) (*Result, error) {
	if opts.Out == "" {
		return nil, errors.New("no bundle file given")
	}
	if err := checkOut(paths, opts); err != nil {
		return nil, err
	}
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	now := clock().UTC().Truncate(time.Second)

	work, err := os.MkdirTemp("", "signinspect-bundle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	exports := filepath.Join(work, exportsDir)
	sum, err := redact.Run(ctx, paths, opts.Pseudonymizer, redact.RunOptions{
		Out:            exports,
		DropLocations:  opts.DropLocations,
		NamedLocations: opts.NamedLocations,
		Parse:          opts.Parse,
	})
	if err != nil {
		return nil, err
	}
	files, named, err := layOut(work, sum)
	if err != nil {
		return nil, err
	}

	an, err := opts.Prepare(newTranslator(opts.Pseudonymizer, sum.Mapping), named)
	if err != nil {
		return nil, err
	}
	inputs, err := parse.Expand([]string{exports}, opts.Parse)
	if err != nil {
		return nil, err
	}
	for i := range inputs {
		inputs[i].Name = bundlePath(work, inputs[i].Name)
	}
	rep, err := analyze.RunInputs(ctx, inputs, analyze.Options{
		Filter: an.Filter, Rules: an.Rules, Context: an.Context, Parse: opts.Parse, Top: opts.Top,
		Clock: func() time.Time { return now }, Version: opts.Version,
	})
	if err != nil {
		return nil, fmt.Errorf("analysing the redacted exports: %w", err)
	}
	rep.Redacted = true
	reports := map[string][]byte{}
	for _, r := range []struct{ name, format string }{{"report.html", "html"}, {"report.md", "markdown"}, {"report.json", "json"}} {
		rd, err := render.New(r.format, render.Options{})
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := rd.Render(&b, rep); err != nil {
			return nil, err
		}
		reports[r.name] = b.Bytes()
	}

	m := newManifest(opts, now, rep, sum)
	for _, f := range files {
		entry, err := fileEntry(work, f)
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, entry)
	}
	for _, name := range []string{"report.html", "report.md", "report.json"} {
		m.Files = append(m.Files, bytesEntry(name, RoleReport, reports[name]))
	}
	readme := readmeText(m, filepath.Base(opts.Out))
	m.Files = append(m.Files, bytesEntry(readmeName, RoleReadme, readme))

	err = atomicfile.WriteContext(ctx, opts.Out, 0o666, func(w io.Writer) error {
		return writeZip(w, work, m, reports, readme, now)
	})
	if err != nil {
		return nil, err
	}
	return &Result{Manifest: m, Redaction: sum, Report: rep}, nil
}

// A laidFile is a file of the bundle on disk, before it is archived.
type laidFile struct {
	rel     string // Slash-separated path in the bundle.
	role    string
	format  parse.Format
	records int
}

// layOut turns redact's output into the bundle's layout under work:
// exports/ holds the redacted exports, the members of a ZIP archive
// extracted into a folder of the archive's name (a ZIP inside the bundle
// could not be read: parse reads no ZIP inside a ZIP), and the named
// locations go beside exports/, where analysing the folder does not take
// them for an export. It returns the files with their record counts, and
// the path of the named locations ("" for none).
func layOut(work string, sum *redact.Summary) ([]laidFile, string, error) {
	var files []laidFile
	named := ""
	for _, f := range sum.Files {
		archive, member, inArchive := strings.Cut(f.Output, "!")
		switch {
		case f.Format == "named-locations":
			named = filepath.Join(work, namedLocationsName)
			if err := os.Rename(f.Output, named); err != nil {
				return nil, "", err
			}
			files = append(files, laidFile{rel: namedLocationsName, role: RoleNamedLocations})
		case inArchive:
			dir := strings.TrimSuffix(archive, filepath.Ext(archive))
			target := filepath.Join(dir, filepath.FromSlash(member))
			if err := extract(archive, member, target); err != nil {
				return nil, "", err
			}
			files = append(files, laidFile{rel: bundlePath(work, target), role: RoleExport, format: f.Format, records: f.Records})
		default:
			files = append(files, laidFile{rel: bundlePath(work, f.Output), role: RoleExport, format: f.Format, records: f.Records})
		}
	}
	for _, f := range sum.Files {
		if archive, _, ok := strings.Cut(f.Output, "!"); ok {
			if err := os.Remove(archive); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, "", err
			}
		}
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files, named, nil
}

// extract copies one member of a ZIP archive to target.
func extract(archive, member, target string) error {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return err
	}
	defer zr.Close()
	rc, err := zr.Open(member)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, rc); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// bundlePath returns the slash-separated path in the bundle of a file
// under work.
func bundlePath(work, p string) string {
	rel, err := filepath.Rel(work, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// fileEntry describes a file of the bundle on disk, hashed as it is read:
// an export may be gigabytes.
func fileEntry(work string, f laidFile) (FileEntry, error) {
	in, err := os.Open(filepath.Join(work, filepath.FromSlash(f.rel)))
	if err != nil {
		return FileEntry{}, err
	}
	defer in.Close()
	h := sha256.New()
	n, err := io.Copy(h, in)
	if err != nil {
		return FileEntry{}, err
	}
	e := FileEntry{Path: f.rel, Role: f.role, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil)), Format: string(f.format)}
	if f.role == RoleExport {
		e.Records = &f.records
	}
	return e, nil
}

func bytesEntry(name, role string, b []byte) FileEntry {
	sum := sha256.Sum256(b)
	return FileEntry{Path: name, Role: role, Bytes: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}
}

// writeZip writes the archive: the manifest first, so that a reader finds
// it at once, then the README, the reports, the named locations and the
// exports, in the manifest's order. Every member carries the bundle's time
// and no comment.
func writeZip(w io.Writer, work string, m *Manifest, reports map[string][]byte, readme []byte, now time.Time) error {
	zw := zip.NewWriter(w)
	add := func(name string, write func(io.Writer) error) error {
		mw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return err
		}
		return write(mw)
	}
	manifest, err := m.encode()
	if err != nil {
		return err
	}
	if err := add(parse.BundleManifest, func(w io.Writer) error { _, err := w.Write(manifest); return err }); err != nil {
		return err
	}
	for _, f := range m.Files {
		var err error
		switch {
		case f.Path == readmeName:
			err = add(f.Path, func(w io.Writer) error { _, err := w.Write(readme); return err })
		case f.Role == RoleReport:
			err = add(f.Path, func(w io.Writer) error { _, err := w.Write(reports[f.Path]); return err })
		default:
			err = add(f.Path, func(w io.Writer) error {
				in, err := os.Open(filepath.Join(work, filepath.FromSlash(f.Path)))
				if err != nil {
					return err
				}
				defer in.Close()
				_, err = io.Copy(w, in)
				return err
			})
		}
		if err != nil {
			return err
		}
	}
	return zw.Close()
}

// checkOut refuses a bundle file inside an input folder (where analysing
// the folder again would read the bundle too) and one that is an input.
func checkOut(paths []string, opts Options) error {
	out, err := filepath.Abs(opts.Out)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(opts.Out); err == nil && fi.IsDir() {
		return &OutError{Path: opts.Out, Err: errors.New("is a folder; name the bundle file to write (ticket.zip)")}
	}
	inputs := append([]string(nil), paths...)
	if opts.NamedLocations != "" {
		inputs = append(inputs, opts.NamedLocations)
	}
	for _, in := range inputs {
		abs, err := filepath.Abs(in)
		if err != nil {
			return err
		}
		fi, err := os.Stat(in)
		if err != nil {
			return err
		}
		if abs == out {
			return &OutError{Path: opts.Out, Err: fmt.Errorf("is the input %s itself", in)}
		}
		if fi.IsDir() {
			if rel, err := filepath.Rel(abs, out); err == nil && !strings.HasPrefix(rel, "..") {
				return &OutError{Path: opts.Out, Err: fmt.Errorf("lies inside the input folder %s, where it would be read as an input next time; write it outside", in)}
			}
		}
		if ofi, err := os.Stat(opts.Out); err == nil && os.SameFile(ofi, fi) {
			return &OutError{Path: opts.Out, Err: fmt.Errorf("is the input %s (under another name)", in)}
		}
	}
	return nil
}

// An OutError says why Options.Out cannot take the bundle. Err reads as
// the rest of a sentence whose subject is the file.
type OutError struct {
	Path string
	Err  error
}

func (e *OutError) Error() string { return "the bundle " + e.Path + " " + e.Err.Error() }

func (e *OutError) Unwrap() error { return e.Err }

// A Translator gives the redacted form of the values a user passes on the
// command line, so that the bundle's reports select the same sign-ins in
// the redacted exports as the flags do in the originals: each value the
// redaction replaced becomes its pseudonym, and a value the exports never
// held becomes what redaction would make of it.
type Translator struct {
	p      *redact.Pseudonymizer
	byOrig map[string]string // Case-folded original → pseudonym.
	red    *redact.Redactor
}

func newTranslator(p *redact.Pseudonymizer, m *redact.Mapping) *Translator {
	t := &Translator{p: p, byOrig: map[string]string{}}
	ids := redact.NewIdentities()
	for _, e := range m.Entries() {
		for s := range e.Spellings {
			ids.Add(e.Kind, s)
			key := strings.ToLower(s)
			if _, ok := t.byOrig[key]; !ok {
				t.byOrig[key] = e.Pseudonym
			}
		}
	}
	t.red = redact.NewRedactor(p, ids)
	return t
}

// User returns the redacted form of a --user value: a UPN, object ID or
// display name.
func (t *Translator) User(v string) string {
	if out, ok := t.byOrig[strings.ToLower(strings.TrimSpace(v))]; ok {
		return out
	}
	return t.red.User(v)
}

// App returns the redacted form of an --app value: the pseudonym of one of
// the tenant's own applications, or the value itself (Microsoft's apps are
// kept, and so is "any").
func (t *Translator) App(v string) string {
	if out, ok := t.byOrig[strings.ToLower(strings.TrimSpace(v))]; ok {
		return out
	}
	return v
}

// Text returns free text (a --where expression) with the values redaction
// replaces replaced.
func (t *Translator) Text(v string) string { return t.red.Text(v) }

// Range returns the redacted form of a --trusted-ip range; a value that is
// not a range is returned as it is, for the flag's own check to refuse.
func (t *Translator) Range(v string) string {
	if out, ok := t.p.Prefix(strings.TrimSpace(v)); ok {
		return out
	}
	if out, ok := t.p.IP(strings.TrimSpace(v)); ok {
		return out
	}
	return v
}
