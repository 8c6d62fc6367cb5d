package redact

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/signinspect/signinspect/internal/atomicfile"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// RunOptions control Run.
type RunOptions struct {
	// Out is the folder the redacted copies are written to. It is created
	// when missing; it must not be or lie inside an input folder, and must
	// hold no input.
	Out string
	// DryRun reads and redacts everything but writes nothing, so that the
	// summary tells what would be replaced.
	DryRun bool
	// Force writes into an output folder that holds files already. Without
	// it such a folder is refused: an earlier run's files, perhaps made
	// under another key, would be mixed with this run's.
	Force bool
	// DropLocations blanks cities, states and coordinates.
	DropLocations bool
	// NamedLocations is the Graph export of the tenant's named locations,
	// redacted alongside with the same IP mapping so that IP checks still
	// hold on the redacted exports; "" for none.
	NamedLocations string
	// Parse controls how inputs are found and read (a forced format, the
	// limits on archives).
	Parse parse.Options
}

// Summary tells what Run did.
type Summary struct {
	// Out is the output folder; DryRun says nothing was written to it.
	Out    string
	DryRun bool
	// Files lists each input written, in input order.
	Files []FileSummary
	// Records and Skipped count the sign-ins read and the malformed records
	// the reader skipped (which are redacted all the same).
	Records, Skipped int
	// Replaced counts the replaced values by kind.
	Replaced Counts
	// Notes say what was left out or redacted as plain text, one sentence
	// each, naming the input.
	Notes []string
	// Mapping holds every original replaced and its pseudonym. It holds
	// personal data: show it to the customer only.
	Mapping *Mapping
}

// FileSummary tells what was written for one input.
type FileSummary struct {
	// Input is the input name (a path, or archive.zip!member).
	Input string
	// Output is the path written (out.zip!member for archive members).
	Output string
	// Format is the input's format, as detected or forced.
	Format parse.Format
	// Records and Skipped are the reader's counts.
	Records, Skipped int
	// Replaced counts the values replaced in this input.
	Replaced Counts
}

// source is one readable input and where it goes.
type source struct {
	in      parse.Input
	format  parse.Format
	records int
	skipped int
	member  string // The member name within its archive, or "".
}

// unit is one output file: a rewritten input, a rewritten ZIP archive of
// rewritten members, or the named-locations file.
type unit struct {
	rel     string // Path under Out, as the input names it.
	outRel  string // Path under Out, redacted (see redactPath).
	path    string // The input file (or archive) on disk.
	plain   *source
	archive map[string]*source // Member name → source, for a ZIP archive.
	named   bool
}

// Run writes a redacted copy of every input under opts.Out, each in its own
// format: the same CSV columns, JSON shape, encoding and compression, a
// ZIP archive with the same members. Output paths mirror each input's path
// relative to the argument it came from (a file argument goes to the top of
// Out), with the personal values in file, folder and member names replaced
// as in the text (see redactPath). ZIP comments and the gzip header's file
// name and comment, which hold whatever the exporting tool put there, are
// dropped or redacted. Every input is read before anything is written, so
// that the identities of all of them are known, and so that an unreadable
// input stops the run with nothing written. Each output file is written to
// a temporary file and renamed into place.
//
// Inputs are read as analyze reads them: a file found in a folder or an
// archive that is not a sign-in export is left out (and noted), a named
// file that is not one is an error, and malformed records are counted (and
// redacted as text).
func Run(ctx context.Context, paths []string, p *Pseudonymizer, opts RunOptions) (*Summary, error) {
	if opts.Out == "" {
		return nil, errors.New("no output folder given")
	}
	if len(paths) == 0 {
		return nil, errors.New("no input given")
	}
	sum := &Summary{Out: opts.Out, DryRun: opts.DryRun}
	units, sources, err := plan(paths, opts, sum)
	if err != nil {
		return nil, err
	}
	if err := checkOut(paths, opts); err != nil {
		return nil, err
	}

	// Pass 1: read every input, as analyze would, and collect the
	// identities its records hold.
	ids := NewIdentities()
	for _, src := range sources {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ok, err := collect(ctx, src, opts.Parse, ids)
		if err != nil {
			return nil, err
		}
		if !ok {
			sum.Notes = append(sum.Notes, fmt.Sprintf("%s: not a sign-in log export; left out", src.in.Name))
			continue
		}
		if err := collectFields(src, p, opts.Parse, ids); err != nil {
			return nil, err
		}
	}
	units = dropUnreadable(units)
	if len(units) == 0 || len(units) == 1 && units[0].named {
		return nil, fmt.Errorf("no sign-in log export to redact in %s", strings.Join(paths, ", "))
	}
	for _, u := range units {
		addPathIdentities(ids, u.rel)
		for m := range u.archive {
			addPathIdentities(ids, m)
		}
	}

	if opts.NamedLocations != "" {
		locs, err := policy.LoadNamedLocations(opts.NamedLocations, opts.Parse)
		if err != nil {
			return nil, &NamedLocationsError{Path: opts.NamedLocations, Err: err}
		}
		sum.Notes = append(sum.Notes, checkIPRelations(p, ids.ips, locs)...)
	}

	// The output names, redacted, must still be distinct and must not
	// name an input.
	red := NewRedactor(p, ids)
	red.DropLocations = opts.DropLocations
	if err := nameOutputs(units, red, opts); err != nil {
		return nil, err
	}
	pathCounts := red.ResetCounts()

	// Pass 2: write.
	for _, u := range units {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out := filepath.Join(opts.Out, u.outRel)
		write := func(w io.Writer) error { return writeUnit(w, u, out, red, opts, sum) }
		// The copy stops at its next write once ctx is done (Ctrl-C), and
		// leaves no temporary file.
		if opts.DryRun {
			err = write(atomicfile.NewContextWriter(ctx, io.Discard))
		} else {
			err = writeFileAtomic(ctx, out, write)
		}
		if err != nil {
			return nil, err
		}
	}
	sum.Replaced = pathCounts
	for _, f := range sum.Files {
		sum.Records += f.Records
		sum.Skipped += f.Skipped
		sum.Replaced.Add(f.Replaced)
	}
	sum.Mapping = red.Mapping()
	return sum, nil
}

// portalFileName matches the names the Entra portal gives a download of
// all sign-in kinds: TENANT_2026-11-16_2026-11-22_1_1.zip, and the folder
// inside it, TENANT_2026-11-16_2026-11-22. TENANT is the tenant's name.
var portalFileName = regexp.MustCompile(`^(.+?)_(\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}(?:_\d+_\d+)?(?:\.[A-Za-z0-9.]+)?)$`)

// tenantOfFileName returns the tenant name a file or folder name carries,
// as the portal names downloads, and the rest of the name. The portal's
// names of one sign-in kind (NonInteractiveSignIns_2026-11-16_...) carry
// none.
func tenantOfFileName(name string) (tenant, rest string, ok bool) {
	m := portalFileName.FindStringSubmatch(name)
	if m == nil {
		return "", "", false
	}
	lower := strings.ToLower(m[1])
	if strings.HasSuffix(lower, "signins") || strings.HasSuffix(lower, "signins_authdetails") {
		return "", "", false
	}
	return m[1], m[2], true
}

// addPathIdentities adds the tenant names that the components of a path
// carry.
func addPathIdentities(ids *Identities, p string) {
	for _, c := range strings.FieldsFunc(filepath.ToSlash(p), func(r rune) bool { return r == '/' }) {
		if tenant, _, ok := tenantOfFileName(c); ok {
			ids.Add(KindTenantName, tenant)
		}
	}
}

// redactPath returns a relative path (slash- or OS-separated) with the
// personal values of each component replaced as in free text, the tenant
// name of a portal download's name among them.
func redactPath(red *Redactor, p string) string {
	parts := strings.Split(p, "/")
	for i, c := range parts {
		if tenant, rest, ok := tenantOfFileName(c); ok {
			out, _ := red.replace(KindTenantName, tenant)
			parts[i] = out + "_" + rest
			continue
		}
		sub := strings.Split(c, string(filepath.Separator))
		for j, x := range sub {
			sub[j] = red.Text(x)
		}
		parts[i] = strings.Join(sub, string(filepath.Separator))
	}
	return strings.Join(parts, "/")
}

// nameOutputs sets each unit's redacted output path and checks that no two
// units share one and that none would replace an input.
func nameOutputs(units []*unit, red *Redactor, opts RunOptions) error {
	byOut := map[string]*unit{}
	var inputInfos []fs.FileInfo
	for _, u := range units {
		if fi, err := os.Stat(u.path); err == nil {
			inputInfos = append(inputInfos, fi)
		}
	}
	for _, u := range units {
		u.outRel = redactPath(red, u.rel)
		key := filepath.Clean(u.outRel)
		if o, ok := byOut[key]; ok {
			return fmt.Errorf("%s and %s would both be written to %s; redact them in separate runs or rename one", o.path, u.path, filepath.Join(opts.Out, u.outRel))
		}
		byOut[key] = u
		target := filepath.Join(opts.Out, u.outRel)
		fi, err := os.Stat(target)
		if err != nil {
			continue
		}
		for _, in := range inputInfos {
			if os.SameFile(fi, in) {
				return fmt.Errorf("%s is an input (under another name); refusing to write over it", target)
			}
		}
	}
	return nil
}

// plan expands the arguments into inputs and groups them into output
// files.
func plan(paths []string, opts RunOptions, sum *Summary) ([]*unit, []*source, error) {
	var units []*unit
	var sources []*source
	byRel := map[string]*unit{}
	var errs []error
	add := func(rel, path string) (*unit, error) {
		key := filepath.Clean(rel)
		if u, ok := byRel[key]; ok {
			if u.path == path && u.archive != nil {
				return u, nil
			}
			return nil, fmt.Errorf("%s and %s would both be written to %s; redact them in separate runs or rename one", u.path, path, filepath.Join(opts.Out, rel))
		}
		u := &unit{rel: rel, path: path}
		byRel[key] = u
		units = append(units, u)
		return u, nil
	}
	for _, arg := range paths {
		if arg == "-" {
			return nil, nil, errors.New("standard input (-) cannot be redacted: there is no file name to write; save it to a file first")
		}
		ins, err := parse.Expand([]string{arg}, opts.Parse)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fi, err := os.Stat(arg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, in := range ins {
			file, member := splitMember(in.Name)
			rel := filepath.Base(file)
			if fi.IsDir() {
				if rel, err = filepath.Rel(arg, file); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", file, err))
					continue
				}
			}
			u, err := add(rel, file)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			src := &source{in: in, member: member}
			sources = append(sources, src)
			if member == "" {
				u.plain = src
				continue
			}
			if u.archive == nil {
				u.archive = map[string]*source{}
			}
			u.archive[member] = src
		}
	}
	if opts.NamedLocations != "" {
		rel := filepath.Base(opts.NamedLocations)
		for _, arg := range paths {
			if r, err := filepath.Rel(arg, opts.NamedLocations); err == nil && !strings.HasPrefix(r, "..") && r != "." {
				if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
					rel = r
				}
			}
		}
		key := filepath.Clean(rel)
		if u, ok := byRel[key]; ok {
			// The named-locations file lies in an input folder, where it
			// was found as an input that is not an export: write it as
			// named locations instead.
			if filepath.Clean(u.path) != filepath.Clean(opts.NamedLocations) || u.archive != nil {
				errs = append(errs, fmt.Errorf("%s and %s would both be written to %s", u.path, opts.NamedLocations, filepath.Join(opts.Out, rel)))
			}
			u.named, u.plain = true, nil
			sources = removeSource(sources, opts.NamedLocations)
		} else {
			u := &unit{rel: rel, path: opts.NamedLocations, named: true}
			byRel[key] = u
			units = append(units, u)
		}
		if _, err := os.Stat(opts.NamedLocations); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // The error names the path already.
			}
			errs = append(errs, &NamedLocationsError{Path: opts.NamedLocations, Err: err})
		}
	}
	return units, sources, errors.Join(errs...)
}

func removeSource(sources []*source, path string) []*source {
	out := sources[:0]
	for _, s := range sources {
		if filepath.Clean(s.in.Name) != filepath.Clean(path) {
			out = append(out, s)
		}
	}
	return out
}

// splitMember splits an input name into its file and, for a ZIP archive
// member ("archive.zip!dir/file.csv"), the member name.
func splitMember(name string) (file, member string) {
	if fi, err := os.Stat(name); err == nil && fi.Mode().IsRegular() {
		return name, ""
	}
	for i := 0; i < len(name); i++ {
		if name[i] != '!' {
			continue
		}
		if fi, err := os.Stat(name[:i]); err == nil && fi.Mode().IsRegular() {
			return name[:i], name[i+1:]
		}
	}
	return name, ""
}

// dropUnreadable removes the inputs that are not exports, and archives
// left with no member.
func dropUnreadable(units []*unit) []*unit {
	out := units[:0]
	for _, u := range units {
		if u.plain != nil && u.plain.format == "" {
			u.plain = nil
		}
		for m, src := range u.archive {
			if src.format == "" {
				delete(u.archive, m)
			}
		}
		if u.plain != nil || len(u.archive) > 0 || u.named {
			out = append(out, u)
		}
	}
	return out
}

// collect reads one input with the parse package and adds the identities
// of its records. ok is false for a file of a folder or archive that is not
// an export, which is left out.
func collect(ctx context.Context, src *source, popts parse.Options, ids *Identities) (bool, error) {
	rd, err := parse.Open(src.in, popts)
	if err != nil {
		if src.in.FromDirectory && errors.Is(err, parse.ErrUnknownFormat) {
			return false, nil
		}
		return false, err
	}
	defer rd.Close()
	src.format = rd.Format
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return false, err
			}
		}
		rec, err := rd.Read()
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			if parse.IsRecordError(err) {
				src.skipped++
				continue
			}
			return false, err
		}
		src.records++
		ids.AddRecord(rec)
	}
}

// collectFields adds to ids the values of the personal fields that parse
// does not read into records (a tenant's display name, in homeTenantName),
// by running the input's rewriter in collect mode: the same field rules
// as the rewrite, nothing written.
func collectFields(src *source, p *Pseudonymizer, popts parse.Options, ids *Identities) error {
	rc, _, err := parse.OpenText(src.in, popts)
	if err != nil {
		return err
	}
	defer rc.Close()
	red := NewRedactor(p, nil)
	red.collect = ids
	br := bufio.NewReaderSize(rc, 1<<20)
	switch src.format {
	case parse.FormatPortalCSV, parse.FormatPortalAuthDetailsCSV, parse.FormatLogAnalyticsCSV:
		err = newCSVRewriter(red, src.in.Name, br, bufio.NewWriter(io.Discard)).run()
	default:
		err = newJSONRewriter(red, br, nil).run()
	}
	// An error here is the rewrite's too, which reports it with its
	// position.
	_ = err
	return nil
}

// writeUnit writes one output file to w.
func writeUnit(w io.Writer, u *unit, out string, red *Redactor, opts RunOptions, sum *Summary) error {
	switch {
	case u.named:
		red.ResetCounts()
		notes, err := rewriteInput(w, parse.Input{}, u.path, "", red, opts.Parse, true)
		if err != nil {
			return err
		}
		sum.Notes = append(sum.Notes, notes...)
		sum.Files = append(sum.Files, FileSummary{Input: u.path, Output: out, Format: "named-locations", Replaced: red.ResetCounts()})
		return nil
	case u.plain != nil:
		return writeSource(w, u.plain, out, red, opts, sum)
	}
	return writeArchive(w, u, out, red, opts, sum)
}

func writeSource(w io.Writer, src *source, out string, red *Redactor, opts RunOptions, sum *Summary) error {
	red.ResetCounts()
	notes, err := rewriteInput(w, src.in, src.in.Name, src.format, red, opts.Parse, false)
	if err != nil {
		return err
	}
	sum.Notes = append(sum.Notes, notes...)
	sum.Files = append(sum.Files, FileSummary{Input: src.in.Name, Output: out, Format: src.format,
		Records: src.records, Skipped: src.skipped, Replaced: red.ResetCounts()})
	return nil
}

// writeArchive writes a ZIP archive holding the redacted members of an
// input archive, in the same order, with the same methods and times, and
// names redacted (see redactPath). The archive's and members' comments and
// extra fields are dropped. Members that are not exports are left out.
func writeArchive(w io.Writer, u *unit, out string, red *Redactor, opts RunOptions, sum *Summary) error {
	zr, err := zip.OpenReader(u.path)
	if err != nil {
		return fmt.Errorf("%s: unreadable ZIP archive: %w", u.path, err)
	}
	defer zr.Close()
	zw := zip.NewWriter(w)
	for _, f := range zr.File {
		src := u.archive[f.Name]
		isDir := f.FileInfo().IsDir()
		if src == nil && !isDir {
			continue
		}
		name := redactPath(red, f.Name)
		hdr := &zip.FileHeader{Name: name, Method: f.Method, Modified: f.Modified,
			NonUTF8: f.NonUTF8, CreatorVersion: f.CreatorVersion, ExternalAttrs: f.ExternalAttrs}
		if isDir {
			hdr.Method = zip.Store
		}
		mw, err := zw.CreateHeader(hdr)
		if err != nil {
			return fmt.Errorf("%s: %w", out, err)
		}
		if isDir {
			continue
		}
		if err := writeSource(mw, src, out+"!"+name, red, opts, sum); err != nil {
			return err
		}
	}
	return zw.Close()
}

// rewriteInput rewrites one input's text to w, stored as the input stores
// its text. format picks the rewriter; named rewrites a named-locations
// file. It returns notes about records redacted as plain text.
func rewriteInput(w io.Writer, in parse.Input, name string, format parse.Format, red *Redactor, popts parse.Options, named bool) ([]string, error) {
	var rc io.ReadCloser
	var enc parse.TextEncoding
	var err error
	if named {
		rc, enc, err = openNamedLocations(name, popts)
	} else {
		rc, enc, err = parse.OpenText(in, popts)
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if enc.Gzip {
		// The header holds the original file's name and a comment:
		// whatever the exporting tool put there.
		enc.GzipHeader.Name = redactPath(red, enc.GzipHeader.Name)
		enc.GzipHeader.Comment, enc.GzipHeader.Extra = "", nil
	}
	ew, closeEnc := encodeText(w, enc)
	bw := bufio.NewWriterSize(ew, 64<<10)
	br := bufio.NewReaderSize(rc, 1<<20)
	var notes []string
	switch format {
	case parse.FormatPortalCSV, parse.FormatPortalAuthDetailsCSV, parse.FormatLogAnalyticsCSV:
		err = newCSVRewriter(red, name, br, bw).run()
	default:
		rw := newJSONRewriter(red, br, bw)
		err = rw.run()
		for _, n := range rw.notes {
			notes = append(notes, name+": "+n)
		}
	}
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return nil, &parse.ParseError{File: name, Line: se.line, Err: fmt.Errorf("%w: invalid JSON: %s", parse.ErrBadValue, se.msg)}
		}
		var pe *parse.ParseError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return notes, closeEnc()
}

// openNamedLocations opens the named-locations file as an input.
func openNamedLocations(path string, popts parse.Options) (io.ReadCloser, parse.TextEncoding, error) {
	ins, err := parse.Expand([]string{path}, popts)
	if err != nil {
		return nil, parse.TextEncoding{}, &NamedLocationsError{Path: path, Err: err}
	}
	if len(ins) != 1 {
		return nil, parse.TextEncoding{}, &NamedLocationsError{Path: path, Err: errors.New("want one JSON file")}
	}
	return parse.OpenText(ins[0], popts)
}

// encodeText returns a writer that stores UTF-8 text as enc says: with a
// byte order mark, in UTF-16, gzip-compressed with the input's gzip header.
// The returned function flushes and closes the layers.
func encodeText(w io.Writer, enc parse.TextEncoding) (io.Writer, func() error) {
	var closers []func() error
	out := w
	if enc.Gzip {
		gw := gzip.NewWriter(out)
		gw.Header = enc.GzipHeader
		out = gw
		closers = append(closers, gw.Close)
	}
	switch {
	case enc.UTF16:
		order, bom := unicode.LittleEndian, unicode.IgnoreBOM
		if enc.BigEndian {
			order = unicode.BigEndian
		}
		if enc.BOM {
			bom = unicode.UseBOM
		}
		tw := transform.NewWriter(out, unicode.UTF16(order, bom).NewEncoder())
		out = tw
		closers = append(closers, tw.Close)
	case enc.BOM:
		out = &prefixWriter{w: out, prefix: []byte("\ufeff")}
	}
	return out, func() error {
		for i := len(closers) - 1; i >= 0; i-- {
			if err := closers[i](); err != nil {
				return err
			}
		}
		return nil
	}
}

// prefixWriter writes a prefix (a byte order mark) before the first byte,
// so that an input that is only a BOM stays only a BOM.
type prefixWriter struct {
	w      io.Writer
	prefix []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	if p.prefix != nil {
		if _, err := p.w.Write(p.prefix); err != nil {
			return 0, err
		}
		p.prefix = nil
	}
	return p.w.Write(b)
}

// writeFileAtomic writes a file atomically, creating its folder first.
func writeFileAtomic(ctx context.Context, path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteContext(ctx, path, 0o666, write)
}

// An OutError says why RunOptions.Out cannot take the redacted copies. Err
// reads as the rest of a sentence whose subject is the folder.
type OutError struct {
	Dir string
	Err error
}

func (e *OutError) Error() string { return "the output folder " + e.Dir + " " + e.Err.Error() }

func (e *OutError) Unwrap() error { return e.Err }

// A NamedLocationsError says why RunOptions.NamedLocations cannot be read.
type NamedLocationsError struct {
	Path string
	Err  error
}

func (e *NamedLocationsError) Error() string {
	return "named locations " + e.Path + ": " + e.Err.Error()
}

func (e *NamedLocationsError) Unwrap() error { return e.Err }

// ErrOutNotEmpty says that the output folder holds files already.
var ErrOutNotEmpty = errors.New("is not empty: its files and this run's would be mixed, perhaps made under two keys; choose an empty or new folder")

// checkOut refuses an output folder that would put redacted files among
// the inputs (one that is an input, lies inside an input folder, or holds
// an input), and one that holds files already, unless opts.Force.
func checkOut(paths []string, opts RunOptions) error {
	out, err := realPath(opts.Out)
	if err != nil {
		return &OutError{Dir: opts.Out, Err: fmt.Errorf("cannot be resolved: %w", err)}
	}
	inputs := append([]string(nil), paths...)
	if opts.NamedLocations != "" {
		inputs = append(inputs, opts.NamedLocations)
	}
	for _, in := range inputs {
		abs, err := realPath(in)
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		fi, err := os.Stat(in)
		if err != nil {
			return err
		}
		switch {
		case abs == out:
			return &OutError{Dir: opts.Out, Err: fmt.Errorf("is the input %s itself; choose a new folder outside the inputs", in)}
		case within(abs, out):
			return &OutError{Dir: opts.Out, Err: fmt.Errorf("holds the input %s: redacted files would be written next to the originals; choose a folder that holds no input", in)}
		case fi.IsDir() && within(out, abs):
			return &OutError{Dir: opts.Out, Err: fmt.Errorf("is inside the input folder %s: redacted files would be written among the originals (and read as inputs next time); choose a folder outside it", in)}
		}
	}
	fi, err := os.Stat(opts.Out)
	if err == nil && !fi.IsDir() {
		return &OutError{Dir: opts.Out, Err: errors.New("exists and is not a folder")}
	}
	if err == nil && !opts.Force && !opts.DryRun {
		entries, err := os.ReadDir(opts.Out)
		if err != nil {
			return &OutError{Dir: opts.Out, Err: fmt.Errorf("cannot be read: %w", err)}
		}
		if len(entries) > 0 {
			return &OutError{Dir: opts.Out, Err: ErrOutNotEmpty}
		}
	}
	return nil
}

// realPath returns the absolute path of p with symbolic links resolved as
// far as p exists.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	cur := abs
	for {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{r}, rest...)...), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
		cur = parent
	}
}

// within reports whether p is dir or lies inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && (rel == "." || rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)))
}
