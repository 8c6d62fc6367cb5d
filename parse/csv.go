package parse

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode"
)

// This file recognises the CSV exports (Entra portal downloads, their
// authentication-details variant and Log Analytics "Export to CSV") by their
// header and builds the codec that reads them. csv_split.go frames records,
// csv_decode.go decodes them, csv_rows.go maps columns to Record.

// MaxCSVColumns bounds the columns of a CSV header. The widest sign-in
// export (a Log Analytics table with every column) has a few hundred; a
// header of many thousands is not a sign-in export, and each of its rows
// would cost as much to split.
const MaxCSVColumns = 10_000

// newCSVCodec reads the header of a CSV export through br and returns the
// splitter over its rows and the decoder that turns them into Records.
func newCSVCodec(br *bufio.Reader, info SourceInfo) (Splitter, Decoder, error) {
	s := newCSVSplitter(br, info)
	raw, line, err := s.readHeader()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = &ParseError{File: info.Name, Line: s.line, Err: fmt.Errorf("%w: the file is empty (no CSV header)", ErrUnknownFormat)}
		}
		return nil, nil, err
	}
	names, err := splitCSVRecord(raw, s.comma)
	if err != nil {
		return nil, nil, &ParseError{File: info.Name, Line: line, Err: fmt.Errorf("%w: unreadable CSV header: %v", ErrUnknownFormat, err)}
	}
	if len(names) > MaxCSVColumns {
		return nil, nil, &ParseError{File: info.Name, Line: line,
			Err: fmt.Errorf("%w: the CSV header has %d columns; a sign-in export has at most a few hundred, and signinspect reads up to %d", ErrTooLarge, len(names), MaxCSVColumns)}
	}
	found, ok := classifyCSVHeader(names)
	if ok && found != info.Format {
		return nil, nil, &ParseError{File: info.Name, Line: line,
			Err: fmt.Errorf("%w: the header is that of the %s format (%s), not %s", ErrUnknownFormat, found, found.Info().Name, info.Format)}
	}
	switch info.Format {
	case FormatPortalAuthDetailsCSV:
		if !ok {
			return nil, nil, &ParseError{File: info.Name, Line: line,
				Err: fmt.Errorf(`%w: the header has no "Request ID" and "Authentication method" columns of an authentication-details download`, ErrUnknownFormat)}
		}
		return &authDetailsSplitter{rows: s}, authDetailsDecoder{name: info.Name}, nil
	case FormatPortalCSV:
		d, err := newCSVDecoder(info, s, names, line, portalRowType)
		if err != nil {
			return nil, nil, err
		}
		return s, d, nil
	case FormatLogAnalyticsCSV:
		d, err := newCSVDecoder(info, s, names, line, logAnalyticsRowType)
		if err != nil {
			return nil, nil, err
		}
		return s, d, nil
	}
	return nil, nil, fmt.Errorf("%s: %w: %s is not a CSV format", info.Name, ErrUnknownFormat, info.Format)
}

// detectCSV reports whether peek, the start of an input, is one of the CSV
// exports, by the names in its header.
func detectCSV(peek []byte) (Format, bool) {
	peek = bytes.TrimPrefix(peek, []byte("\ufeff"))
	comma := byte(0)
	for len(peek) > 0 {
		line := peek
		if nl := bytes.IndexByte(peek, '\n'); nl >= 0 {
			line, peek = peek[:nl], peek[nl+1:]
		} else {
			peek = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if c, ok := sepDirective(line); ok && comma == 0 {
			comma = c
			continue
		}
		if comma == 0 {
			comma = detectDelimiter(line)
		}
		names, err := splitCSVRecord(line, comma)
		if err != nil {
			return "", false
		}
		return classifyCSVHeader(names)
	}
	return "", false
}

// splitCSVRecord splits one record into its fields with encoding/csv, as
// lenient about quotes as the decoder.
func splitCSVRecord(b []byte, comma byte) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = rune(comma)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	fields, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	return fields, err
}

// normalizeCSVHeader folds a column name for matching: zero-width
// characters and byte order marks removed, spaces trimmed, inner runs of
// white space collapsed to one space, and lower case. "Application ID " and
// "Autonomous system  number" fold to "application id" and "autonomous
// system number".
func normalizeCSVHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			return -1
		}
		return r
	}, s)
	return strings.ToLower(strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "))
}

// Column names that tell the CSV exports apart, normalized. Single generic
// words (Status, User, Location) are left out: they prove nothing.
var (
	portalCSVNames = []string{"date (utc)", "request id", "sign-in error code", "failure reason",
		"client app", "conditional access", "user agent", "ip address", "correlation id",
		"multifactor authentication result", "join type", "operating system", "sign-in identifier",
		"autonomous system number", "incoming token type", "application id", "resource id",
		"service principal id", "service principal name", "managed identity type"}
	// legacyCSVNames is the "Legacy Portal Export" header.
	legacyCSVNames = []string{"createddatetime", "userprincipalname", "userdisplayname", "appdisplayname",
		"ipaddress", "city", "country", "device", "browser", "os", "status", "riskstate",
		"risklevelduringsignin", "risklevelaggregated", "conditionalaccessstatus"}
	// logAnalyticsCSVNames are sign-in columns of the Log Analytics tables
	// that the legacy header does not have.
	logAnalyticsCSVNames = []string{"appid", "resulttype", "conditionalaccesspolicies", "devicedetail",
		"locationdetails", "clientappused", "resourcedisplayname", "resourceidentity",
		"authenticationrequirement", "mfadetail", "authenticationdetails", "networklocationdetails",
		"correlationid", "useragent", "isinteractive", "originalrequestid", "serviceprincipalid"}
	// logAnalyticsSignInNames are the Log Analytics columns that only
	// sign-in tables have; other tables share TimeGenerated, Type, ...
	logAnalyticsSignInNames = []string{"userprincipalname", "appdisplayname", "appid", "resulttype",
		"conditionalaccessstatus", "conditionalaccesspolicies", "devicedetail", "locationdetails",
		"clientappused", "resourcedisplayname", "ipaddress", "authenticationrequirement",
		"serviceprincipalid", "serviceprincipalname"}
)

// classifyCSVHeader tells which CSV export a header belongs to.
func classifyCSVHeader(names []string) (Format, bool) {
	set := make(map[string]bool, len(names))
	laMarker := false
	for _, n := range names {
		k := normalizeCSVHeader(n)
		set[k] = true
		if strings.HasSuffix(k, " [utc]") || k == "timegenerated" {
			laMarker = true
		}
	}
	count := func(list []string) int {
		n := 0
		for _, k := range list {
			if set[k] {
				n++
			}
		}
		return n
	}
	portal := count(portalCSVNames)
	switch {
	case set["authentication method"] && (set["request id"] || set["date (utc)"]) &&
		!set["ip address"] && !set["application"]:
		return FormatPortalAuthDetailsCSV, true
	case portal >= 2 && !laMarker:
		return FormatPortalCSV, true
	case laMarker || count(logAnalyticsCSVNames) > 0:
		if count(logAnalyticsSignInNames) >= 2 {
			return FormatLogAnalyticsCSV, true
		}
		return "", false
	case count(legacyCSVNames) >= 5:
		return FormatPortalCSV, true
	}
	return "", false
}

// csvColumnSpec is one field of a row struct (csv_rows.go): the header names
// it is read from, normalized and in order of preference, and the Record
// fields it fills.
type csvColumnSpec struct {
	field string   // Go field name.
	keys  []string // The csv tag: keys[0] is the name gocsv is given.
	known FieldSet // The known tag.
}

// csvColumnSpecs reads the specs of a row struct from its tags.
func csvColumnSpecs(t reflect.Type) []csvColumnSpec {
	var specs []csvColumnSpec
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("csv")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		spec := csvColumnSpec{field: f.Name, keys: strings.Split(tag, ",")}
		for _, name := range strings.Split(f.Tag.Get("known"), ",") {
			if fld, ok := FieldByName(name); ok {
				spec.known = spec.known.Add(fld)
			}
		}
		specs = append(specs, spec)
	}
	return specs
}

// csvLayout is a header resolved against a row struct: which column feeds
// which field. Columns are matched by normalized name, never by position.
type csvLayout struct {
	names  []string // Column names as written, trimmed.
	specs  []csvColumnSpec
	colOf  []int // Per spec, its column or -1.
	specOf []int // Per column, its spec or -1.
	known  FieldSet
	notes  []string
}

// resolveCSVLayout matches header names to specs. Each spec takes the
// column whose name is its most preferred alias; when a name occurs twice
// (the portal's "Incoming token type"), a second spec with the same alias
// takes the second occurrence. Columns no spec wants are ignored.
func resolveCSVLayout(names []string, specs []csvColumnSpec) *csvLayout {
	l := &csvLayout{
		names:  make([]string, len(names)),
		specs:  specs,
		colOf:  make([]int, len(specs)),
		specOf: make([]int, len(names)),
	}
	norm := make([]string, len(names))
	for i, n := range names {
		l.names[i] = strings.TrimSpace(strings.TrimPrefix(n, "\ufeff"))
		norm[i] = normalizeCSVHeader(n)
		l.specOf[i] = -1
	}
	// Each name's columns, in order: a spec takes the first of its key's
	// columns that no earlier spec took. One pass over the header, so
	// that a header of many columns costs as many steps, not their square.
	columns := make(map[string][]int, len(norm))
	var order []string // Distinct names, in the order of their first column.
	for c, n := range norm {
		if n == "" {
			continue
		}
		if _, ok := columns[n]; !ok {
			order = append(order, n)
		}
		columns[n] = append(columns[n], c)
	}
	for s, spec := range specs {
		l.colOf[s] = -1
	keys:
		for _, k := range spec.keys {
			for _, c := range columns[k] {
				if l.specOf[c] < 0 {
					l.colOf[s], l.specOf[c] = c, s
					l.known |= spec.known
					break keys
				}
			}
		}
	}
	// Tell about repeated names, which a reader of the file might not see.
	for _, n := range order {
		cs := columns[n]
		if len(cs) < 2 {
			continue
		}
		cols := make([]string, len(cs))
		read := 0
		for i, c := range cs {
			cols[i] = strconv.Itoa(c + 1)
			if l.specOf[c] >= 0 {
				read++
			}
		}
		c := cs[0]
		times := fmt.Sprintf("%d times", len(cols))
		if len(cols) == 2 {
			times = "twice"
		}
		switch {
		case read == 0:
		case n == normalizeCSVHeader("Incoming token type") && len(cols) == 2:
			// Every portal download repeats this column; the decoder
			// notes rows where the two copies disagree.
		case read > 1:
			l.notes = append(l.notes, fmt.Sprintf("column %q appears %s (columns %s): the first is read, and a later one where the first is empty", l.names[c], times, strings.Join(cols, ", ")))
		default:
			l.notes = append(l.notes, fmt.Sprintf("column %q appears %s (columns %s): only column %d is read", l.names[c], times, strings.Join(cols, ", "), c+1))
		}
	}
	return l
}

// has reports whether the header has a column for the named Go field.
func (l *csvLayout) has(field string) bool {
	_, _, ok := l.column(field)
	return ok
}

// column returns the column of the named Go field and its header name.
func (l *csvLayout) column(field string) (int, string, bool) {
	for s, spec := range l.specs {
		if spec.field == field && l.colOf[s] >= 0 {
			return l.colOf[s], l.names[l.colOf[s]], true
		}
	}
	return -1, "", false
}

// gocsvHeader is the header gocsv is given: for each column, the first key
// of the spec that reads it, or "" (matched by no field) for ignored
// columns. Giving gocsv names already resolved keeps alias preference and
// repeated names under this package's control.
func (l *csvLayout) gocsvHeader() []string {
	out := make([]string, len(l.names))
	for c, s := range l.specOf {
		if s >= 0 {
			out[c] = l.specs[s].keys[0]
		}
	}
	return out
}

// authDetailsSplitter reads an authentication-details download. Its rows are
// authentication steps, not sign-ins: it counts them and yields none.
type authDetailsSplitter struct {
	rows  *csvSplitter
	count int
	done  bool
}

func (a *authDetailsSplitter) Next() (Chunk, error) {
	for !a.done {
		if _, err := a.rows.Next(); err != nil {
			if errors.Is(err, io.EOF) {
				a.done = true
				break
			}
			return Chunk{}, err
		}
		a.count++
	}
	return Chunk{}, io.EOF
}

func (a *authDetailsSplitter) Notes() []string {
	return []string{fmt.Sprintf("authentication-details download: %s not read as sign-ins (they hold one row per authentication step; analyse the matching sign-in download)", plural(a.count, "authentication-step row"))}
}

// authDetailsDecoder is the decoder of an authentication-details download,
// whose splitter yields no records.
type authDetailsDecoder struct{ name string }

func (d authDetailsDecoder) Decode(c Chunk) (*Record, error) {
	return nil, &RecordError{ParseError{File: d.name, Line: c.Line, Record: c.Index,
		Err: fmt.Errorf("%w: an authentication-details row is not a sign-in", ErrUnknownFormat)}}
}
