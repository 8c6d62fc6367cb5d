package parse

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/signinspect/signinspect/internal/errlist"
)

// Options control how inputs are found and opened. The zero value detects
// formats, reads zone-less times as UTC and applies the default limits.
type Options struct {
	// Format forces one format for every input; "" detects it per input.
	Format Format
	// Location is the zone of times that carry none; nil means UTC.
	Location *time.Location
	// DateOrder says how to read slash dates that read both ways
	// (05/11/2026); DateOrderAuto calls them ambiguous.
	DateOrder DateOrder
	// MaxRecordBytes bounds one raw record (0: DefaultMaxRecordBytes).
	MaxRecordBytes int
	// Limits bound what archives and compressed files may expand to.
	Limits Limits
	// Stdin is read for the input "-"; nil means os.Stdin.
	Stdin io.Reader
}

// Limits protect against archives that expand without bound (zip bombs).
// Zero fields take the defaults.
type Limits struct {
	// MaxEntries bounds the number of files in one ZIP archive
	// (default 10,000).
	MaxEntries int
	// MaxBytes bounds what one compressed file or archive entry may expand
	// to (default 64 GiB).
	MaxBytes int64
	// MaxRatio bounds expanded size over compressed size for inputs that
	// expand beyond RatioFloor bytes (default 200; sign-in exports compress
	// about 10–30 times, a zip bomb about 1,000 times).
	MaxRatio int64
	// RatioFloor is the size below which the ratio is not checked (default
	// 64 MiB), so that small, very repetitive files are never refused.
	RatioFloor int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = 10000
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = 64 << 30
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = 200
	}
	if l.RatioFloor <= 0 {
		l.RatioFloor = 64 << 20
	}
	return l
}

// An Input is one export to read: a file, a member of a ZIP archive, a
// gzip-compressed file, or standard input.
type Input struct {
	// Name identifies the input in reports and errors: the path as given,
	// "archive.zip!dir/file.csv" for an archive member, "-" for standard
	// input.
	Name string
	// Size is the number of bytes Reader.BytesRead reaches when the input
	// has been read (a ZIP member's decompressed size as its archive
	// declares it; a gzip file's size on disk), or -1 when unknown.
	Size int64
	// FromDirectory is set for files found by walking a directory. Such a
	// file that is not a sign-in export is skipped with a note instead of
	// failing the run.
	FromDirectory bool

	open func() (io.ReadCloser, error)
	// compressed is the compressed size for the ratio check of archive
	// members, or 0.
	compressed int64
	// once is set for an input that can be read only once: standard input,
	// a pipe (a shell's process substitution) or a device.
	once bool
}

// Rereadable reports whether the input can be read more than once, as a
// second pass over the inputs needs: not standard input, a pipe or a
// device.
func (in Input) Rereadable() bool { return !in.once }

// BytesInput returns an input named name that reads data: text held in
// memory (a rule test's embedded export, a fuzzer's bytes), read through
// the same opener as a file.
func BytesInput(name string, data []byte) Input {
	return Input{Name: name, Size: int64(len(data)), open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}
}

// Expand turns command-line paths into inputs: a file is one input, a
// directory is searched recursively (hidden files and folders skipped, names
// sorted), a ZIP archive gives one input per member, and "-" is standard
// input. It never modifies anything.
func Expand(paths []string, opts Options) ([]Input, error) {
	lim := opts.Limits.withDefaults()
	var out []Input
	var errs []error
	stdinUsed := false
	for _, p := range paths {
		if p == "-" {
			if stdinUsed {
				errs = append(errs, errors.New("standard input (-) given more than once"))
				continue
			}
			stdinUsed = true
			stdin := opts.Stdin
			if stdin == nil {
				stdin = os.Stdin
			}
			out = append(out, Input{Name: "-", Size: -1, once: true, open: func() (io.ReadCloser, error) {
				return io.NopCloser(stdin), nil
			}})
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, unwrapPathError(err)))
			continue
		}
		if !fi.IsDir() {
			ins, err := expandFile(p, fi, false, lim)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", p, err))
			}
			out = append(out, ins...)
			continue
		}
		var w folderWalk
		w.walk(p, fi)
		files := w.files
		sort.Strings(files)
		for _, fp := range files {
			fi, err := os.Stat(fp)
			if err != nil {
				out = append(out, damagedInput(fp, 0, unwrapPathError(err)))
				continue
			}
			ins, err := expandFile(fp, fi, true, lim)
			if err != nil {
				// One damaged file does not sink a folder: it becomes an
				// input that fails to open, which the reader reports.
				out = append(out, damagedInput(fp, fi.Size(), err))
				continue
			}
			out = append(out, ins...)
		}
		// What the walk could not enter (an unreadable subfolder, a link
		// to nowhere, a loop) is reported as an input that cannot be
		// read, under its own name: the rest of the folder is analysed.
		for _, d := range w.damaged {
			out = append(out, damagedInput(d.path, 0, d.err))
		}
		if len(files) == 0 && len(w.damaged) == 0 {
			errs = append(errs, fmt.Errorf("%s: the folder holds no files", p))
			continue
		}
		if len(files) == 0 {
			errs = append(errs, fmt.Errorf("%s: the folder holds no file that could be read: %w", p, w.damaged[0].err))
			continue
		}
	}
	return out, errors.Join(errs...)
}

// folderWalk lists the files of a folder tree in the order of their
// paths. It follows symbolic links to files and folders, as a user who
// links an export into a folder expects, enters each folder once (a link
// back up the tree is a loop, noted and not followed), and leaves out
// hidden files and folders (names that start with a dot).
type folderWalk struct {
	files   []string
	damaged []walkError
	visited []os.FileInfo // The folders entered, to know them again through a link.
}

// walkError is a path the walk could not enter, and why.
type walkError struct {
	path string
	err  error
}

func (w *folderWalk) walk(dir string, fi os.FileInfo) {
	for _, v := range w.visited {
		if os.SameFile(v, fi) {
			w.damaged = append(w.damaged, walkError{dir, errors.New("a symbolic link to a folder already read (a loop, or a second way to it): not followed")})
			return
		}
	}
	w.visited = append(w.visited, fi)
	entries, err := os.ReadDir(dir)
	if err != nil {
		w.damaged = append(w.damaged, walkError{dir, fmt.Errorf("the folder cannot be read: %w", unwrapPathError(err))})
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		mode := e.Type()
		if mode&fs.ModeSymlink != 0 {
			target, err := os.Stat(path)
			if err != nil {
				w.damaged = append(w.damaged, walkError{path, fmt.Errorf("a symbolic link to nothing that can be read: %w", unwrapPathError(err))})
				continue
			}
			mode = target.Mode().Type()
			if target.IsDir() {
				w.walk(path, target)
				continue
			}
		}
		switch {
		case mode.IsDir():
			sub, err := e.Info()
			if err != nil {
				w.damaged = append(w.damaged, walkError{path, unwrapPathError(err)})
				continue
			}
			w.walk(path, sub)
		case mode.IsRegular():
			w.files = append(w.files, path)
		}
		// Pipes, devices and sockets in a folder are left out: reading
		// one could wait for ever.
	}
}

// unwrapPathError drops the path from an *fs.PathError, which the caller
// already names.
var unwrapPathError = errlist.WithoutPath

// damagedInput is a file of a folder that cannot be expanded (a corrupt
// ZIP archive): opening it gives err.
func damagedInput(name string, size int64, err error) Input {
	return Input{Name: name, Size: size, FromDirectory: true, open: func() (io.ReadCloser, error) {
		return nil, err
	}}
}

// zipMagic starts a ZIP archive's first member; emptyZipMagic starts the
// end record that is all an empty archive holds.
var (
	zipMagic      = []byte("PK\x03\x04")
	emptyZipMagic = []byte("PK\x05\x06")
)

// expandFile returns the inputs of one file: itself, or the members of a
// ZIP archive (recognised by content). Its errors do not name the file;
// the caller does.
func expandFile(p string, fi fs.FileInfo, fromDir bool, lim Limits) ([]Input, error) {
	if !fi.Mode().IsRegular() {
		// A pipe or a device is opened once and read as it comes: looking
		// at its first bytes first would consume them (or wait for good
		// on a FIFO nobody writes to yet).
		return []Input{{Name: p, Size: -1, FromDirectory: fromDir, once: true, open: func() (io.ReadCloser, error) {
			return os.Open(p)
		}}}, nil
	}
	magic, err := readMagic(p)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if !bytes.HasPrefix(magic, zipMagic) && !bytes.HasPrefix(magic, emptyZipMagic) {
		return []Input{{Name: p, Size: fi.Size(), FromDirectory: fromDir, open: func() (io.ReadCloser, error) {
			return os.Open(p)
		}}}, nil
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, fmt.Errorf("unreadable ZIP archive: %w", err)
	}
	// The archive is reopened per member when read, so that no file stays
	// open while other inputs are read.
	defer zr.Close()
	if kind := officeDocument(zr.File); kind != "" {
		// One input that says what the file is, so that a named file fails
		// with the reason and one in a folder is left out with it.
		err := fmt.Errorf("%w: this is %s: download the sign-ins from Entra as CSV or JSON, or save the sheet as CSV, and pass that file", ErrUnknownFormat, kind)
		return []Input{{Name: p, Size: fi.Size(), FromDirectory: fromDir, open: func() (io.ReadCloser, error) { return nil, err }}}, nil
	}
	exports, isBundle := bundleExports(zr)
	var out []Input
	seen := map[string]int{} // Members of each name so far.
	for index, f := range zr.File {
		if f.FileInfo().IsDir() || isBundle && !exports[f.Name] {
			continue
		}
		if len(out) >= lim.MaxEntries {
			return nil, fmt.Errorf("%w: more than %d files in the ZIP archive", ErrTooLarge, lim.MaxEntries)
		}
		name := f.Name
		if !fs.ValidPath(strings.TrimSuffix(name, "/")) || strings.Contains(name, `\`) && strings.Contains(name, `..`) {
			return nil, fmt.Errorf("ZIP member %q has an unsafe path (absolute or with ..); refusing the archive", name)
		}
		base := path.Base(name)
		if strings.HasPrefix(base, ".") || strings.HasPrefix(name, "__MACOSX/") {
			continue
		}
		// A member is opened by its place in the archive, not its name:
		// an archive may hold two members of one name, and each is read.
		seen[name]++
		member := name
		if n := seen[name]; n > 1 {
			member = fmt.Sprintf("%s (copy %d)", name, n)
		}
		out = append(out, Input{
			Name: p + "!" + member,
			// A member is read decompressed, so its progress counts
			// decompressed bytes; the compressed size only bounds the
			// expansion ratio.
			Size:          int64(f.UncompressedSize64),
			FromDirectory: true,
			compressed:    int64(f.CompressedSize64),
			open: func() (io.ReadCloser, error) {
				zr, err := zip.OpenReader(p)
				if err != nil {
					return nil, err
				}
				if index >= len(zr.File) || zr.File[index].Name != name {
					zr.Close()
					return nil, fmt.Errorf("the ZIP archive changed while it was read: member %d is not %s", index+1, name)
				}
				rc, err := zr.File[index].Open()
				if err != nil {
					zr.Close()
					return nil, err
				}
				return multiCloser{rc, zr}, nil
			},
		})
	}
	if len(out) == 0 {
		return nil, errors.New("the ZIP archive holds no files")
	}
	return out, nil
}

// BundleManifest is the member of a support bundle (signinspect bundle)
// that lists its files, and BundleSchema the version tag it carries.
const (
	BundleManifest = "manifest.json"
	BundleSchema   = "signinspect.bundle/v1"
	// BundleRoleExport marks the manifest's entries that are exports.
	BundleRoleExport = "export"
)

// bundleExports recognises a support bundle by its manifest and returns
// the members it lists as exports. A bundle also holds reports made from
// those exports, a README and the named locations, which are not sign-in
// exports: analysing a bundle reads its exports alone, with no note about
// the rest. Anything else that holds a manifest.json is an ordinary archive.
func bundleExports(zr *zip.ReadCloser) (map[string]bool, bool) {
	for _, f := range zr.File {
		if f.Name != BundleManifest || f.UncompressedSize64 > 16<<20 {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, false
		}
		defer rc.Close()
		var m struct {
			Schema string `json:"schema"`
			Files  []struct {
				Path string `json:"path"`
				Role string `json:"role"`
			} `json:"files"`
		}
		if err := json.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(&m); err != nil || m.Schema != BundleSchema {
			return nil, false
		}
		exports := map[string]bool{}
		for _, e := range m.Files {
			if e.Role == BundleRoleExport {
				exports[e.Path] = true
			}
		}
		return exports, true
	}
	return nil, false
}

// officeDocument names the Office document a ZIP archive is (an .xlsx
// workbook holds xl/workbook.xml beside [Content_Types].xml), or returns "".
func officeDocument(files []*zip.File) string {
	types, workbook, document, presentation := false, false, false, false
	for _, f := range files {
		switch {
		case f.Name == "[Content_Types].xml":
			types = true
		case strings.HasPrefix(f.Name, "xl/"):
			workbook = true
		case strings.HasPrefix(f.Name, "word/"):
			document = true
		case strings.HasPrefix(f.Name, "ppt/"):
			presentation = true
		}
	}
	switch {
	case !types:
		return ""
	case workbook:
		return "an Excel workbook (.xlsx)"
	case document:
		return "a Word document (.docx)"
	case presentation:
		return "a PowerPoint presentation (.pptx)"
	}
	return "an Office document"
}

type multiCloser struct {
	io.Reader
	zr *zip.ReadCloser
}

func (m multiCloser) Close() error {
	err := m.Reader.(io.Closer).Close()
	if err2 := m.zr.Close(); err == nil {
		err = err2
	}
	return err
}

func readMagic(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 4)
	n, err := io.ReadFull(f, b)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	return b[:n], nil
}

// peekSize is how much of an input detection looks at.
const peekSize = 256 << 10

// readBufferSize is the buffer between the input and the splitter. It only
// needs to hold what detection peeks at: the splitters frame records in
// large buffers of their own, and reads into those bypass this one. Every
// input allocates it, so a folder of many small exports pays for its size.
const readBufferSize = peekSize

// ErrNotExport is wrapped by Open's error when an input is not a sign-in
// export; it also wraps ErrUnknownFormat.
var errNotExportHint = "expected an Entra portal CSV or JSON download, Microsoft Graph JSON, a Log Analytics export or an Azure Monitor diagnostic archive"

// Open opens an input for reading: it decompresses gzip, removes a byte
// order mark, transcodes UTF-16, detects the format (unless opts.Format
// forces one) and returns a Reader. The caller closes it.
func Open(in Input, opts Options) (*Reader, error) {
	text, _, counter, err := openText(in, opts)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Reader, error) {
		text.Close()
		var pe *ParseError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	// Plain text is already buffered; only transcoded text needs a buffer
	// of its own.
	br, ok := text.Reader.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(text, readBufferSize)
	}
	peek, err := br.Peek(peekSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return fail(err)
	}
	format := opts.Format
	if format == "" {
		if format, err = Detect(peek); err != nil {
			return fail(err)
		}
	}
	info := SourceInfo{
		Name:           in.Name,
		Format:         format,
		FlowHint:       FlowFromFileName(in.Name),
		Location:       opts.Location,
		DateOrder:      opts.DateOrder,
		MaxRecordBytes: opts.MaxRecordBytes,
	}
	var s Splitter
	var d Decoder
	switch format {
	case FormatPortalCSV, FormatPortalAuthDetailsCSV, FormatLogAnalyticsCSV:
		s, d, err = newCSVCodec(br, info)
	case FormatGraphJSON, FormatLogAnalyticsJSON, FormatDiagnosticJSON:
		s, d, err = newJSONCodec(br, info)
	default:
		err = fmt.Errorf("%w: unknown format %q", ErrUnknownFormat, format)
	}
	if err != nil {
		return fail(err)
	}
	rd := NewReader(in.Name, format, s, d)
	rd.closer = text
	rd.counter = counter
	return rd, nil
}

// sniffSize is how much of an input Sniff looks at: the header of a CSV,
// the first record of a JSON export.
const sniffSize = 32 << 10

// Sniff detects an input's format from its first bytes, without preparing
// a reader: for ordering inputs before they are read. An input whose
// format cannot be told gives the error Open would give.
func Sniff(in Input, opts Options) (Format, error) {
	if opts.Format != "" {
		return opts.Format, nil
	}
	text, _, _, err := openText(in, opts)
	if err != nil {
		return "", err
	}
	defer text.Close()
	br, ok := text.Reader.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(text, sniffSize)
	}
	peek, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return "", fmt.Errorf("%s: %w", in.Name, err)
	}
	f, err := Detect(peek)
	if err != nil {
		return "", fmt.Errorf("%s: %w", in.Name, err)
	}
	return f, nil
}

// TextEncoding says how an input stores its text, so that a tool that
// rewrites the input (signinspect redact) can store its output the same way.
type TextEncoding struct {
	// Gzip is set for a gzip-compressed input; GzipHeader is the header of
	// its first member (name, modification time, comment, OS).
	Gzip       bool
	GzipHeader gzip.Header
	// BOM is set when the text starts with a byte order mark, UTF-8 or
	// UTF-16.
	BOM bool
	// UTF16 is set for UTF-16 text; BigEndian gives its byte order.
	UTF16     bool
	BigEndian bool
}

// OpenText opens an input's text exactly as Open reads it, without
// detecting its format: gzip decompressed within opts.Limits, a byte order
// mark removed and UTF-16 transcoded to UTF-8. It also says how the text
// was stored. The caller closes the returned reader.
func OpenText(in Input, opts Options) (io.ReadCloser, TextEncoding, error) {
	text, enc, _, err := openText(in, opts)
	if err != nil {
		return nil, enc, err
	}
	return text, enc, nil
}

// openText is OpenText, also returning the counter of bytes read from disk
// that progress reporting polls.
func openText(in Input, opts Options) (readCloser, TextEncoding, *countingReader, error) {
	var enc TextEncoding
	lim := opts.Limits.withDefaults()
	raw, err := in.open()
	if err != nil {
		return readCloser{}, enc, nil, fmt.Errorf("%s: %w", in.Name, unwrapPathError(err))
	}

	counter := &countingReader{r: raw}
	br := getReadBuffer(counter)
	pooled := br
	fail := func(err error) (readCloser, TextEncoding, *countingReader, error) {
		raw.Close()
		putReadBuffer(pooled)
		return readCloser{}, enc, nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	magic, _ := br.Peek(4)
	if bytes.HasPrefix(magic, zipMagic) || bytes.HasPrefix(magic, emptyZipMagic) {
		if in.once {
			return fail(errors.New("a ZIP archive cannot be read from standard input or a pipe; pass its path instead"))
		}
		return fail(errors.New("a ZIP archive inside a ZIP archive is not read; extract the outer archive first"))
	}
	expanding := in.compressed > 0
	compressed := in.compressed
	if len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fail(fmt.Errorf("unreadable gzip data: %w", err))
		}
		zr.Multistream(true)
		enc.Gzip, enc.GzipHeader = true, zr.Header
		expanding = true
		if compressed == 0 {
			compressed = in.Size
		}
		br = bufio.NewReaderSize(zr, readBufferSize)
	}
	if expanding {
		br = bufio.NewReaderSize(&expansionLimiter{r: br, name: in.Name, compressed: compressed, read: counter, lim: lim}, readBufferSize)
	}
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return fail(err)
	}
	var text io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		enc.BOM = true
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		enc.BOM, enc.UTF16, enc.BigEndian = true, true, head[0] == 0xFE
		text = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	default:
		// Spreadsheet programs save "Unicode text" as UTF-16, sometimes
		// without a byte order mark.
		if e, ok := guessUTF16(head); ok {
			enc.UTF16, enc.BigEndian = true, e == unicode.BigEndian
			text = transform.NewReader(br, unicode.UTF16(e, unicode.IgnoreBOM).NewDecoder())
		}
	}
	return readCloser{Reader: text, file: raw, buf: pooled}, enc, counter, nil
}

// readCloser is an input's text; closing it closes the file and gives the
// read buffer back to the pool.
type readCloser struct {
	io.Reader
	file io.Closer
	buf  *bufio.Reader
}

func (rc readCloser) Close() error {
	err := rc.file.Close()
	if rc.buf != nil {
		putReadBuffer(rc.buf)
	}
	return err
}

// Detect names the format of an input from its first bytes (UTF-8, byte
// order mark removed). It looks at content only, never at file names.
func Detect(peek []byte) (Format, error) {
	trimmed := bytes.TrimLeft(peek, " \t\r\n")
	if len(trimmed) == 0 {
		return "", fmt.Errorf("%w: the file is empty (%s)", ErrUnknownFormat, errNotExportHint)
	}
	if f, ok := detectJSON(peek); ok {
		return f, nil
	}
	if f, ok := detectCSV(peek); ok {
		return f, nil
	}
	if kind, hint := archiveKind(peek); kind != "" {
		return "", fmt.Errorf("%w: this is %s, which signinspect does not read: %s", ErrUnknownFormat, kind, hint)
	}
	if looksLikePolicies(trimmed) {
		return "", fmt.Errorf("%w: this is a Conditional Access policy export, not sign-in logs; pass it with --policies", ErrUnknownFormat)
	}
	if looksLikeNamedLocations(trimmed) {
		return "", fmt.Errorf("%w: this is a named locations export, not sign-in logs; pass it with --named-locations", ErrUnknownFormat)
	}
	return "", fmt.Errorf("%w: %s; it begins %s", ErrUnknownFormat, errNotExportHint, describeStart(trimmed))
}

// archiveKind recognises archives and documents that users pass for
// exports, by their magic bytes (after gzip is undone: a .tar.gz reads as a
// tar archive), and says what to do instead.
func archiveKind(peek []byte) (kind, hint string) {
	switch {
	case len(peek) >= 262 && string(peek[257:262]) == "ustar":
		return "a tar archive", "extract it (tar -xf ARCHIVE, which undoes gzip too) and pass the folder; signinspect reads folders, .zip and .gz files"
	case bytes.HasPrefix(peek, []byte("7z\xbc\xaf\x27\x1c")):
		return "a 7-Zip archive", "extract it and pass the folder, or pack the exports as .zip"
	case bytes.HasPrefix(peek, []byte("Rar!\x1a\x07")):
		return "a RAR archive", "extract it and pass the folder, or pack the exports as .zip"
	case bytes.HasPrefix(peek, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "an Excel 97-2003 workbook (.xls) or another old Office file", "download the sign-ins from Entra as CSV or JSON, or save the sheet as CSV, and pass that file"
	case bytes.HasPrefix(peek, []byte("%PDF-")):
		return "a PDF document", "download the sign-ins from Entra as CSV or JSON and pass that file"
	}
	return "", ""
}

// looksLikeNamedLocations recognises the Graph export of Conditional Access
// named locations, which users keep next to their sign-in exports, so that
// the message can say what to do with it.
func looksLikeNamedLocations(b []byte) bool {
	b = b[:min(len(b), 4096)]
	return (b[0] == '{' || b[0] == '[') && (bytes.Contains(b, []byte("NamedLocation")) ||
		bytes.Contains(b, []byte("namedLocation")) || bytes.Contains(b, []byte(`"ipRanges"`)))
}

// looksLikePolicies recognises an export of Conditional Access policies
// (Graph's camelCase or Graph PowerShell's PascalCase), which users keep
// next to their sign-in exports as they do named locations.
func looksLikePolicies(b []byte) bool {
	b = b[:min(len(b), 16384)]
	if b[0] != '{' && b[0] != '[' {
		return false
	}
	lower := bytes.ToLower(b)
	return bytes.Contains(lower, []byte("conditionalaccesspolicy")) || bytes.Contains(lower, []byte(`"conditions"`)) &&
		(bytes.Contains(lower, []byte(`"grantcontrols"`)) || bytes.Contains(lower, []byte(`"sessioncontrols"`)))
}

// describeStart quotes the start of an unrecognised input so that the user
// can see what it is, without dumping binary data or long lines.
func describeStart(b []byte) string {
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	if !utf8.Valid(b[:min(len(b), 64)]) || bytes.IndexByte(b[:min(len(b), 64)], 0) >= 0 {
		return "with binary data"
	}
	const max = 60
	s := string(b)
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return fmt.Sprintf("%q", s)
}

// guessUTF16 recognises UTF-16 text without a byte order mark: mostly ASCII
// text where every other byte is zero.
func guessUTF16(head []byte) (unicode.Endianness, bool) {
	n := len(head) &^ 1
	if n < 8 {
		return unicode.LittleEndian, false
	}
	var zeroEven, zeroOdd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			zeroEven++
		}
		if head[i+1] == 0 {
			zeroOdd++
		}
	}
	half := n / 2
	switch {
	case zeroOdd*10 >= half*8 && zeroEven*10 < half:
		return unicode.LittleEndian, true
	case zeroEven*10 >= half*8 && zeroOdd*10 < half:
		return unicode.BigEndian, true
	}
	return unicode.LittleEndian, false
}

// expansionLimiter stops a decompressed stream that grows beyond the limits.
type expansionLimiter struct {
	r          io.Reader
	name       string
	compressed int64
	// read counts the compressed bytes read so far: the ratio is checked
	// against them when the compressed size is not known beforehand (a
	// gzip stream on standard input or a pipe).
	read *countingReader
	lim  Limits
	n    int64
}

func (e *expansionLimiter) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.n += int64(n)
	if e.n > e.lim.MaxBytes {
		return n, fmt.Errorf("%w: expands beyond %d bytes; refusing it as a possible decompression bomb", ErrTooLarge, e.lim.MaxBytes)
	}
	compressed := e.compressed
	if compressed <= 0 && e.read != nil {
		compressed = e.read.n.Load()
	}
	if e.n > e.lim.RatioFloor && compressed > 0 && e.n/compressed > e.lim.MaxRatio {
		return n, fmt.Errorf("%w: expands more than %d times its compressed size; refusing it as a possible decompression bomb", ErrTooLarge, e.lim.MaxRatio)
	}
	return n, err
}
