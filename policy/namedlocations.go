package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/signinspect/signinspect/parse"
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

// maxNamedLocationsBytes bounds one named-locations export read into
// memory. A tenant has at most 195 IP named locations of 2,000 ranges each:
// about 20 MB of JSON, 40 MB in UTF-16.
const maxNamedLocationsBytes = 64 << 20

// LoadNamedLocations reads the named locations of the export at path: a
// JSON file (see ParseNamedLocations), gzip-compressed or not, in UTF-8 or
// UTF-16, or "-" for opts.Stdin. A folder or ZIP archive gives the named
// locations of every file in it.
func LoadNamedLocations(path string, opts parse.Options) ([]NamedLocation, error) {
	inputs, err := parse.Expand([]string{path}, opts)
	if err != nil {
		return nil, err
	}
	var out []NamedLocation
	var errs []error
	for _, in := range inputs {
		locs, err := ReadNamedLocations(in, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, locs...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// ParseNamedLocations reads named locations from data, an export held in
// memory and named name in errors, as ReadNamedLocations reads a file.
func ParseNamedLocations(name string, data []byte) ([]NamedLocation, error) {
	return ReadNamedLocations(parse.BytesInput(name, data), parse.Options{})
}

// ReadNamedLocations reads named locations from JSON in any of the shapes
// exports take: Graph's {"value": [...]} page, a bare array, or a single
// object; camelCase as Graph writes it or PascalCase as Graph PowerShell's
// ConvertTo-Json writes it, with type-specific members under
// AdditionalProperties. Keys compare case-insensitively. The input is opened
// with parse.OpenText: gzip, a byte order mark and UTF-16 with or without
// one are undone. Errors name the input, and the element and key at fault.
func ReadNamedLocations(in parse.Input, opts parse.Options) ([]NamedLocation, error) {
	name := in.Name
	text, err := readText(in, opts, maxNamedLocationsBytes)
	if err != nil {
		return nil, err
	}
	// A sign-in export given for named locations is said in one line, not
	// one error per record. An empty Graph page ({"value": []}) reads as
	// either, so a JSON export must also hold a sign-in's own keys.
	head := text[:min(len(text), 256<<10)]
	if f, err := parse.Detect(head); err == nil && (!strings.HasSuffix(string(f), "-json") || holdsSignInKeys(head)) {
		return nil, fmt.Errorf("%s: this is a sign-in log export (%s), not named locations: analyse it as an input, and take the named locations from the Graph export of identity/conditionalAccess/namedLocations", name, f.Info().Name)
	}
	var top any
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("%s: not a JSON export of named locations: %w", name, parse.DescribeJSONError(text, err))
	}
	if tooDeep(top, parse.MaxJSONDepth) {
		return nil, fmt.Errorf("%s: nested more than %d levels deep", name, parse.MaxJSONDepth)
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
				return nil, fmt.Errorf("%s: value: want an array of named locations, got %s", name, parse.JSONKind(list))
			}
			elems, path = arr, "value"
		} else {
			elems = []any{v}
		}
	default:
		return nil, fmt.Errorf("%s: want a named location object, an array of them or {\"value\": [...]}, got %s", name, parse.JSONKind(top))
	}
	var errs []error
	out := make([]NamedLocation, 0, len(elems))
	for i, e := range elems {
		where := fmt.Sprintf("%s[%d]", path, i)
		obj, ok := e.(map[string]any)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %s: want an object, got %s", name, where, parse.JSONKind(e)))
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

// holdsSignInKeys reports whether JSON text holds keys that sign-ins have
// and named locations do not.
func holdsSignInKeys(b []byte) bool {
	lower := bytes.ToLower(b)
	for _, k := range []string{`"userprincipalname"`, `"appdisplayname"`, `"resourcedisplayname"`} {
		if bytes.Contains(lower, []byte(k)) {
			return true
		}
	}
	return false
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

// namedLocationFromJSON reads one named location. Errors start with the key
// path within the element (".ipRanges[0].cidrAddress: ...").
func namedLocationFromJSON(obj map[string]any) (NamedLocation, error) {
	// Graph PowerShell puts the members of derived types under
	// AdditionalProperties; they count as members of the object.
	if extra, ok := lookupKey(obj, "AdditionalProperties"); ok && extra != nil {
		m, ok := extra.(map[string]any)
		if !ok {
			return NamedLocation{}, fmt.Errorf(".AdditionalProperties: want an object, got %s", parse.JSONKind(extra))
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
			return "", fmt.Errorf(".%s: want a string, got %s", key, parse.JSONKind(v))
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
			return false, fmt.Errorf(".%s: want true or false, got %s", key, parse.JSONKind(v))
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
			return loc, fmt.Errorf(".ipRanges: want an array, got %s", parse.JSONKind(ranges))
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
			return loc, fmt.Errorf(".countriesAndRegions: want an array, got %s", parse.JSONKind(countries))
		}
		for i, c := range list {
			s, ok := c.(string)
			if !ok {
				return loc, fmt.Errorf(".countriesAndRegions[%d]: want a string, got %s", i, parse.JSONKind(c))
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
			return netip.Prefix{}, fmt.Errorf(".cidrAddress: want a string, got %s", parse.JSONKind(c))
		}
	default:
		return netip.Prefix{}, fmt.Errorf(": want an object with cidrAddress, got %s", parse.JSONKind(v))
	}
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf(".cidrAddress: %q is not a CIDR range", s)
	}
	return p, nil
}
