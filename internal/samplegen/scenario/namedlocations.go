package scenario

import "time"

// namedLocationTime is how Graph writes the times of Conditional Access
// objects: seven fractional digits.
func namedLocationTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }

// namedLocationMembers returns the type-specific members of a named
// location, in the order Graph writes them.
func namedLocationMembers(l NamedLocation) obj {
	if len(l.Countries) > 0 {
		return obj{
			{"@odata.type", "#microsoft.graph.countryNamedLocation"},
			{"countriesAndRegions", l.Countries},
			{"includeUnknownCountriesAndRegions", false},
			{"countryLookupMethod", "clientIpAddress"},
		}
	}
	ranges := arr{}
	for _, r := range l.Ranges {
		kind := "#microsoft.graph.iPv4CidrRange"
		if isIPv6Range(r) {
			kind = "#microsoft.graph.iPv6CidrRange"
		}
		ranges = append(ranges, obj{{"@odata.type", kind}, {"cidrAddress", r}})
	}
	return obj{
		{"@odata.type", "#microsoft.graph.ipNamedLocation"},
		{"isTrusted", l.Trusted},
		{"ipRanges", ranges},
	}
}

func isIPv6Range(cidr string) bool {
	for _, c := range cidr {
		if c == ':' {
			return true
		}
	}
	return false
}

// namedLocationsGraph returns GET /identity/conditionalAccess/namedLocations
// as Graph answers it (indented, as saved for people to read).
func namedLocationsGraph(locs []NamedLocation) []byte {
	value := arr{}
	for _, l := range locs {
		typed := namedLocationMembers(l)
		item := obj{typed[0],
			{"id", l.ID},
			{"displayName", l.Name},
			{"createdDateTime", namedLocationTime(l.Created)},
			{"modifiedDateTime", namedLocationTime(l.Modified)},
		}
		item = append(item, typed[1:]...)
		value = append(value, item)
	}
	return append(indentJSON.encode(obj{
		{"@odata.context", "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/namedLocations"},
		{"value", value},
	}), '\n')
}

// namedLocationsPowerShell returns `Get-MgIdentityConditionalAccessNamedLocation
// | ConvertTo-Json -Depth 10` under PowerShell 7: the base namedLocation
// properties in PascalCase, the type-specific members (@odata.type,
// isTrusted, ipRanges, countriesAndRegions, ...) in AdditionalProperties.
func namedLocationsPowerShell(locs []NamedLocation) []byte {
	items := arr{}
	for _, l := range locs {
		items = append(items, obj{
			{"AdditionalProperties", namedLocationMembers(l)},
			{"CreatedDateTime", l.Created.UTC().Format("2006-01-02T15:04:05.9999999Z07:00")},
			{"DisplayName", l.Name},
			{"Id", l.ID},
			{"ModifiedDateTime", l.Modified.UTC().Format("2006-01-02T15:04:05.9999999Z07:00")},
		})
	}
	return append(powerShell7JSON.encode(items), '\r', '\n')
}
