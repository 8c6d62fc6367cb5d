package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Kinds of named location, from the Graph @odata.type of each.
const (
	LocationIP               = "ip"               // #microsoft.graph.ipNamedLocation
	LocationCountry          = "country"          // #microsoft.graph.countryNamedLocation
	LocationCompliantNetwork = "compliantNetwork" // #microsoft.graph.compliantNetworkNamedLocation
)

// A NamedLocation is one Conditional Access named location, as Microsoft
// Graph's identity/conditionalAccess/namedLocations lists it.
type NamedLocation struct {
	ID   string
	Name string // displayName.
	// Kind is one of the Location constants, or the @odata.type as written
	// for kinds signinspect does not know.
	Kind string
	// Trusted is isTrusted: the location is marked as trusted, so policies
	// that exclude "all trusted locations" exclude it. Only IP locations
	// can be trusted.
	Trusted bool
	// Ranges are the IP ranges of an IP location, as written (IPv4, IPv6 or
	// IPv4-mapped IPv6).
	Ranges []netip.Prefix
	// Countries are the two-letter codes of a country location.
	Countries []string
	// IncludeUnknownCountries is includeUnknownCountriesAndRegions.
	IncludeUnknownCountries bool
	// CountryLookupMethod is clientIpAddress (the default) or
	// authenticatorAppGps.
	CountryLookupMethod string
}

// Context is what rules know about the tenant beyond the sign-ins: its named
// locations (--named-locations) and IP ranges the user trusts by hand
// (--trusted-ip). The zero Context knows nothing: Trusted is false for every
// address and HasTrustedRanges is false.
type Context struct {
	NamedLocations []NamedLocation
	TrustedIPs     []netip.Prefix
}

// LoadNamedLocations reads a JSON export of Microsoft Graph
// identity/conditionalAccess/namedLocations (see ParseNamedLocations).
func LoadNamedLocations(path string) ([]NamedLocation, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseNamedLocations(path, data)
}

// ParseNamedLocations reads named locations from JSON in any of the shapes
// exports take: Graph's {"value": [...]} page, a bare array, or a single
// object; camelCase as Graph writes it or PascalCase as Graph PowerShell's
// ConvertTo-Json writes it, with type-specific members under
// AdditionalProperties. Keys compare case-insensitively; a UTF-8 or UTF-16
// byte order mark is honoured. name is used in errors, which name the
// element and key at fault.
func ParseNamedLocations(name string, data []byte) ([]NamedLocation, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var top any
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("%s: not a JSON export of named locations: %w", name, describeJSONError(text, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value; want one object, array or {\"value\": [...]}", name)
	}
	var elems []any
	path := ""
	switch v := top.(type) {
	case []any:
		elems = v
	case map[string]any:
		if list, ok := lookupKey(v, "value"); ok {
			arr, ok := list.([]any)
			if !ok {
				return nil, fmt.Errorf("%s: value: want an array of named locations, got %s", name, jsonKind(list))
			}
			elems, path = arr, "value"
		} else {
			elems = []any{v}
		}
	default:
		return nil, fmt.Errorf("%s: want a named location object, an array of them or {\"value\": [...]}, got %s", name, jsonKind(top))
	}
	var errs []error
	out := make([]NamedLocation, 0, len(elems))
	for i, e := range elems {
		where := fmt.Sprintf("%s[%d]", path, i)
		obj, ok := e.(map[string]any)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %s: want an object, got %s", name, where, jsonKind(e)))
			continue
		}
		loc, err := namedLocationFromJSON(obj)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s%w", name, where, err))
			continue
		}
		out = append(out, loc)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// decodeText returns data as UTF-8 without a byte order mark. Windows
// PowerShell 5.1 writes UTF-16 with a BOM by default.
func decodeText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		little := data[0] == 0xFF
		data = data[2:]
		if len(data)%2 != 0 {
			return nil, errors.New("UTF-16 text with an odd number of bytes")
		}
		units := make([]uint16, len(data)/2)
		for i := range units {
			if little {
				units[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
			} else {
				units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			}
		}
		return []byte(string(utf16.Decode(units))), nil
	}
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8 text")
	}
	return data, nil
}

// describeJSONError adds the line and column to a JSON syntax error.
func describeJSONError(text []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, the bad one included.
		line, col := lineCol(text, max(int(se.Offset)-1, 0))
		return fmt.Errorf("line %d, column %d: %w", line, col, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("unexpected end of JSON")
	}
	return err
}

// lineCol returns the 1-based line and column of a byte offset.
func lineCol(text []byte, off int) (line, col int) {
	if off > len(text) {
		off = len(text)
	}
	line = 1 + bytes.Count(text[:off], []byte("\n"))
	col = off - bytes.LastIndexByte(text[:off], '\n')
	return line, col
}

// lookupKey returns the member of obj named key, compared
// case-insensitively.
func lookupKey(obj map[string]any, key string) (any, bool) {
	if v, ok := obj[key]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64, int, int64, uint64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// namedLocationFromJSON reads one named location. Errors start with the key
// path within the element (".ipRanges[0].cidrAddress: ...").
func namedLocationFromJSON(obj map[string]any) (NamedLocation, error) {
	// Graph PowerShell puts the members of derived types under
	// AdditionalProperties; they count as members of the object.
	if extra, ok := lookupKey(obj, "AdditionalProperties"); ok && extra != nil {
		m, ok := extra.(map[string]any)
		if !ok {
			return NamedLocation{}, fmt.Errorf(".AdditionalProperties: want an object, got %s", jsonKind(extra))
		}
		merged := make(map[string]any, len(obj)+len(m))
		for k, v := range obj {
			merged[k] = v
		}
		for k, v := range m {
			if _, dup := lookupKey(merged, k); !dup {
				merged[k] = v
			}
		}
		obj = merged
	}
	str := func(key string) (string, error) {
		v, ok := lookupKey(obj, key)
		if !ok || v == nil {
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf(".%s: want a string, got %s", key, jsonKind(v))
		}
		return s, nil
	}
	boolean := func(key string) (bool, error) {
		v, ok := lookupKey(obj, key)
		if !ok || v == nil {
			return false, nil
		}
		b, ok := v.(bool)
		if !ok {
			return false, fmt.Errorf(".%s: want true or false, got %s", key, jsonKind(v))
		}
		return b, nil
	}
	var loc NamedLocation
	var err error
	if loc.ID, err = str("id"); err != nil {
		return loc, err
	}
	if loc.Name, err = str("displayName"); err != nil {
		return loc, err
	}
	odataType, err := str("@odata.type")
	if err != nil {
		return loc, err
	}
	ranges, hasRanges := lookupKey(obj, "ipRanges")
	countries, hasCountries := lookupKey(obj, "countriesAndRegions")
	switch t := strings.ToLower(odataType); {
	case strings.HasSuffix(t, "ipnamedlocation"):
		loc.Kind = LocationIP
	case strings.HasSuffix(t, "countrynamedlocation"):
		loc.Kind = LocationCountry
	case strings.HasSuffix(t, "compliantnetworknamedlocation"):
		loc.Kind = LocationCompliantNetwork
	case t != "":
		loc.Kind = odataType
	case hasRanges:
		loc.Kind = LocationIP
	case hasCountries:
		loc.Kind = LocationCountry
	default:
		return loc, fmt.Errorf(": %s has no @odata.type, ipRanges or countriesAndRegions; is this a named location?", describeLocation(loc))
	}
	if loc.Trusted, err = boolean("isTrusted"); err != nil {
		return loc, err
	}
	if hasRanges && ranges != nil {
		list, ok := ranges.([]any)
		if !ok {
			return loc, fmt.Errorf(".ipRanges: want an array, got %s", jsonKind(ranges))
		}
		for i, r := range list {
			p, err := rangeFromJSON(r)
			if err != nil {
				return loc, fmt.Errorf(".ipRanges[%d]%w", i, err)
			}
			loc.Ranges = append(loc.Ranges, p)
		}
	}
	if hasCountries && countries != nil {
		list, ok := countries.([]any)
		if !ok {
			return loc, fmt.Errorf(".countriesAndRegions: want an array, got %s", jsonKind(countries))
		}
		for i, c := range list {
			s, ok := c.(string)
			if !ok {
				return loc, fmt.Errorf(".countriesAndRegions[%d]: want a string, got %s", i, jsonKind(c))
			}
			loc.Countries = append(loc.Countries, strings.ToUpper(strings.TrimSpace(s)))
		}
	}
	if loc.IncludeUnknownCountries, err = boolean("includeUnknownCountriesAndRegions"); err != nil {
		return loc, err
	}
	if loc.CountryLookupMethod, err = str("countryLookupMethod"); err != nil {
		return loc, err
	}
	if loc.Kind == LocationIP && len(loc.Ranges) == 0 && !hasRanges {
		return loc, fmt.Errorf(": IP named location %s has no ipRanges", describeLocation(loc))
	}
	return loc, nil
}

func describeLocation(loc NamedLocation) string {
	switch {
	case loc.Name != "":
		return fmt.Sprintf("%q", loc.Name)
	case loc.ID != "":
		return loc.ID
	}
	return "(unnamed)"
}

// rangeFromJSON reads one element of ipRanges: {"cidrAddress": "..."} as
// Graph writes it, or a bare CIDR string.
func rangeFromJSON(v any) (netip.Prefix, error) {
	var s string
	switch r := v.(type) {
	case string:
		s = r
	case map[string]any:
		c, ok := lookupKey(r, "cidrAddress")
		if !ok {
			return netip.Prefix{}, errors.New(": no cidrAddress (ranges given as lowerAddress/upperAddress are not supported; export them as CIDR)")
		}
		if s, ok = c.(string); !ok {
			return netip.Prefix{}, fmt.Errorf(".cidrAddress: want a string, got %s", jsonKind(c))
		}
	default:
		return netip.Prefix{}, fmt.Errorf(": want an object with cidrAddress, got %s", jsonKind(v))
	}
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf(".cidrAddress: %q is not a CIDR range", s)
	}
	return p, nil
}

// ParseTrustedIP reads a --trusted-ip value: a CIDR range, or a single
// address that stands for itself.
func ParseTrustedIP(s string) (netip.Prefix, error) {
	p, err := ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR range (like 203.0.113.0/24 or 2001:db8::/48)", s)
	}
	return p, nil
}

// locationIndex is a Context prepared for lookups: ranges normalized and
// each tied to its location's name.
type locationIndex struct {
	locations []NamedLocation
	ranges    []indexedRange
	trusted4  bool // A trusted range is written in IPv4 form.
	trusted6  bool // A trusted range is written in IPv6 (or mapped) form.
}

type indexedRange struct {
	prefix  netip.Prefix // Normalized.
	name    string
	id      string
	trusted bool
	manual  bool // A --trusted-ip range, not a named location.
}

// newLocationIndex prepares ctx; a nil ctx gives an empty index.
func newLocationIndex(ctx *Context) *locationIndex {
	idx := &locationIndex{}
	if ctx == nil {
		return idx
	}
	idx.locations = ctx.NamedLocations
	for _, loc := range ctx.NamedLocations {
		name := loc.Name
		if name == "" {
			name = loc.ID
		}
		for _, p := range loc.Ranges {
			idx.ranges = append(idx.ranges, indexedRange{prefix: normalizePrefix(p), name: name, id: loc.ID, trusted: loc.Trusted})
			if loc.Trusted {
				idx.noteTrusted(p)
			}
		}
	}
	for _, p := range ctx.TrustedIPs {
		idx.ranges = append(idx.ranges, indexedRange{prefix: normalizePrefix(p), name: "--trusted-ip " + p.String(), trusted: true, manual: true})
		idx.noteTrusted(p)
	}
	return idx
}

func (idx *locationIndex) noteTrusted(p netip.Prefix) {
	if p.Addr().Is4() {
		idx.trusted4 = true
	} else {
		idx.trusted6 = true
	}
}

// trusted returns the name of the first trusted range holding ip, or "".
func (idx *locationIndex) trusted(ip string) string {
	if len(idx.ranges) == 0 {
		return ""
	}
	a, ok := parseIP(ip)
	if !ok {
		return ""
	}
	a = a.Unmap()
	for i := range idx.ranges {
		r := &idx.ranges[i]
		if r.trusted && r.prefix.Contains(a) {
			return r.name
		}
	}
	return ""
}

// named returns the names of the named locations (not --trusted-ip ranges)
// holding ip, each once; with first, it stops at the first.
func (idx *locationIndex) named(ip string, first bool) []string {
	if len(idx.ranges) == 0 {
		return nil
	}
	a, ok := parseIP(ip)
	if !ok {
		return nil
	}
	a = a.Unmap()
	var names []string
	for i := range idx.ranges {
		r := &idx.ranges[i]
		if r.manual || !r.prefix.Contains(a) || containsString(names, r.name) {
			continue
		}
		names = append(names, r.name)
		if first {
			break
		}
	}
	return names
}

// inNamed reports whether ip lies in the IP named location called (or with
// ID) name.
func (idx *locationIndex) inNamed(ip, name string) bool {
	a, ok := parseIP(ip)
	if !ok {
		return false
	}
	a = a.Unmap()
	for i := range idx.ranges {
		r := &idx.ranges[i]
		if !r.manual && (strings.EqualFold(r.name, name) || (r.id != "" && strings.EqualFold(r.id, name))) && r.prefix.Contains(a) {
			return true
		}
	}
	return false
}

// countries returns the country named locations that include code.
func (idx *locationIndex) countries(code string) []string {
	code = strings.TrimSpace(code)
	var names []string
	for _, loc := range idx.locations {
		if loc.Kind != LocationCountry {
			continue
		}
		in := code == "" && loc.IncludeUnknownCountries
		for _, c := range loc.Countries {
			if code != "" && strings.EqualFold(c, code) {
				in = true
			}
		}
		if in {
			name := loc.Name
			if name == "" {
				name = loc.ID
			}
			names = append(names, name)
		}
	}
	return names
}

func (idx *locationIndex) hasTrusted(version int) bool {
	switch version {
	case 4:
		return idx.trusted4
	case 6:
		return idx.trusted6
	case 0:
		return idx.trusted4 || idx.trusted6
	}
	return false
}

// hasLocation reports whether a named location is called (or has ID) name.
func (idx *locationIndex) hasLocation(name string) bool {
	for _, loc := range idx.locations {
		if strings.EqualFold(loc.Name, name) || (loc.ID != "" && strings.EqualFold(loc.ID, name)) {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A Locator tells which named locations hold an IP address, with the same
// matching rules use (IPv4-mapped addresses and ranges compare as IPv4). It
// is safe for concurrent use.
type Locator struct {
	idx *locationIndex
}

// NewLocator returns a Locator over ctx's named locations and trusted
// ranges.
func NewLocator(ctx *Context) *Locator {
	return &Locator{idx: newLocationIndex(ctx)}
}

// Locate returns the named locations holding ip (and the --trusted-ip
// ranges, named "--trusted-ip <range>"), in the order the Context lists
// them, and whether one of them is trusted. ok is false when the Context
// has no IP ranges at all, so nothing can be said.
func (l *Locator) Locate(ip string) (names []string, trusted bool, ok bool) {
	if len(l.idx.ranges) == 0 {
		return nil, false, false
	}
	a, valid := parseIP(ip)
	if !valid {
		return nil, false, true
	}
	a = a.Unmap()
	for i := range l.idx.ranges {
		r := &l.idx.ranges[i]
		if !r.prefix.Contains(a) {
			continue
		}
		trusted = trusted || r.trusted
		if !containsString(names, r.name) {
			names = append(names, r.name)
		}
	}
	return names, trusted, true
}
