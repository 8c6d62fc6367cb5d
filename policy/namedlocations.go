package policy

import (
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
	// Source is where the export defines the location: "file:line".
	Source string
}

// MFATrustedIPsID is the ID policies use for the legacy "multifactor
// authentication trusted IPs" of the MFA service settings. It is no named
// location: no namedLocations export holds it, so a location of that ID
// given by hand (Microsoft365DSC writes it so) stands for those ranges.
const MFATrustedIPsID = "00000000-0000-0000-0000-000000000000"

// LoadNamedLocations reads the named locations of the export at path: a
// file, a folder (every file in it), a ZIP archive or "-" for opts.Stdin, in
// every shape LoadPolicies reads. Policies found beside them are left to
// --policies.
func LoadNamedLocations(path string, opts parse.Options) ([]NamedLocation, error) {
	ex, err := LoadNamedLocationsExport(path, opts)
	if err != nil {
		return nil, err
	}
	return ex.NamedLocations, nil
}

// LoadNamedLocationsExport is LoadNamedLocations, also returning the notes
// on what was left out (files of a folder that hold no named location,
// locations given twice).
func LoadNamedLocationsExport(path string, opts parse.Options) (*Export, error) {
	return load([]string{path}, opts, false, true)
}

// ParseNamedLocations reads named locations from data, an export held in
// memory and named name in errors, as LoadNamedLocations reads a file.
func ParseNamedLocations(name string, data []byte) ([]NamedLocation, error) {
	ex, err := loadInputs([]parse.Input{parse.BytesInput(name, data)}, parse.Options{}, false, true)
	if err != nil {
		return nil, err
	}
	return ex.NamedLocations, nil
}

// namedLocationFromJSON reads one named location.
func (d *jsonDoc) namedLocationFromJSON(obj *jsonNode, path string) (NamedLocation, error) {
	var errs []error
	r := d.reader(obj, path, &errs)
	loc := NamedLocation{ID: r.str("id"), Name: r.str("displayName"), Source: r.source()}
	odataType := r.str("@odata.type")
	switch t := strings.ToLower(odataType); {
	case strings.HasSuffix(t, "ipnamedlocation"):
		loc.Kind = LocationIP
	case strings.HasSuffix(t, "countrynamedlocation"):
		loc.Kind = LocationCountry
	case strings.HasSuffix(t, "compliantnetworknamedlocation"):
		loc.Kind = LocationCompliantNetwork
	case t != "":
		loc.Kind = odataType
	case r.present("ipRanges"):
		loc.Kind = LocationIP
	case r.present("countriesAndRegions"):
		loc.Kind = LocationCountry
	case r.present("compliantNetworkType"):
		loc.Kind = LocationCompliantNetwork
	default:
		return loc, r.errorf("%s has no @odata.type, ipRanges or countriesAndRegions; is this a named location?", describeLocation(loc))
	}
	loc.Trusted, _ = r.boolean("isTrusted")
	if n := obj.member("ipRanges"); !n.isNull() {
		if n.kind != jsonArray {
			r.wrongKind(n, "ipRanges", "an array")
		}
		for i, e := range n.elems {
			p, err := rangeFromJSON(e)
			if err != nil {
				errs = append(errs, d.errorAt(e, fmt.Sprintf("%s[%d]%s", r.at("ipRanges"), i, err.key), "%s", err.msg))
				continue
			}
			loc.Ranges = append(loc.Ranges, p)
		}
	} else if loc.Kind == LocationIP && obj.member("ipRanges") == nil {
		errs = append(errs, r.errorf("IP named location %s has no ipRanges", describeLocation(loc)))
	}
	for _, c := range r.stringList("countriesAndRegions") {
		loc.Countries = append(loc.Countries, strings.ToUpper(strings.TrimSpace(c)))
	}
	loc.IncludeUnknownCountries, _ = r.boolean("includeUnknownCountriesAndRegions")
	loc.CountryLookupMethod = r.str("countryLookupMethod")
	return loc, joinErrs(errs)
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

// A rangeError is what is wrong with one element of ipRanges: the key
// within it (".cidrAddress" or "") and the message.
type rangeError struct{ key, msg string }

// rangeFromJSON reads one element of ipRanges: {"cidrAddress": "..."} as
// Graph writes it, or a bare CIDR string.
func rangeFromJSON(n *jsonNode) (netip.Prefix, *rangeError) {
	var s string
	switch n.kind {
	case jsonString:
		s = n.text
	case jsonObject:
		c := n.member("cidrAddress")
		if c == nil {
			return netip.Prefix{}, &rangeError{"", "no cidrAddress (ranges given as lowerAddress/upperAddress are not supported; export them as CIDR)"}
		}
		if c.kind != jsonString {
			return netip.Prefix{}, &rangeError{".cidrAddress", "want a string, got " + c.describe()}
		}
		s = c.text
	default:
		return netip.Prefix{}, &rangeError{"", "want an object with cidrAddress, got " + n.describe()}
	}
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		key := ".cidrAddress"
		if n.kind == jsonString {
			key = ""
		}
		return netip.Prefix{}, &rangeError{key, fmt.Sprintf("%q is not a CIDR range", s)}
	}
	return p, nil
}
