package redact

import "strings"

// A fieldRule says how the values of one field (a JSON member or a CSV
// column) are redacted.
type fieldRule struct {
	how  fieldHow
	kind Kind // The kind of a personal field.
}

type fieldHow uint8

const (
	// fieldText is scanned for e-mail addresses, IP addresses and known
	// identities; JSON held in it is redacted as JSON.
	fieldText fieldHow = iota
	// fieldVersion is text that holds version numbers shaped like IPv4
	// addresses ("Rich Client 4.66.1.0", "Chrome/131.0.0.0"): it is
	// scanned like fieldText, except for IP addresses.
	fieldVersion
	// fieldPersonal is replaced whole by the pseudonym of its kind.
	fieldPersonal
	// fieldCity is a city or state, blanked with DropLocations.
	fieldCity
	// fieldCoordinate is a latitude, longitude or altitude, nulled with
	// DropLocations.
	fieldCoordinate
	// fieldPortalLocation is the portal CSV's "City, State, CC" cell: with
	// DropLocations only the country stays.
	fieldPortalLocation
	// fieldResourcePath is an Azure resource ID (a managed identity's
	// associated resource): its subscription, group and resource names are
	// replaced, its types kept.
	fieldResourcePath
)

func personal(k Kind) fieldRule { return fieldRule{how: fieldPersonal, kind: k} }

// jsonMembers maps lower-cased member names, in any JSON format (Graph
// camelCase, PowerShell and Log Analytics PascalCase, diagnostic envelopes,
// named locations), to their rule. Members not listed are fieldText.
//
// Kept as they are (not listed, or only scanned as text): request,
// correlation, session and token IDs, which are not personal and which
// support needs to cross-reference Microsoft's logs; policy and named
// location names and IDs; times, statuses, error codes and failure reasons
// (scanned); user agents, browsers and operating systems (scanned, with
// version numbers kept). Application, resource and service principal names
// and IDs are scanned as text: those of the tenant's own applications are
// known identities (see Identities.AddRecord) and replaced there, Microsoft's
// stay.
var jsonMembers = map[string]fieldRule{
	"userprincipalname":               personal(KindUPN),
	"signinidentifier":                personal(KindUPN),
	"alternatesigninname":             personal(KindUPN),
	"userdisplayname":                 personal(KindName),
	"identity":                        personal(KindName), // Diagnostic envelopes and Log Analytics name the user in it.
	"userid":                          personal(KindUserID),
	"deviceid":                        personal(KindDeviceID),
	"ipaddress":                       personal(KindIP),
	"ipaddressfromresourceprovider":   personal(KindIP),
	"calleripaddress":                 personal(KindIP),
	"globalsecureaccessipaddress":     personal(KindIP),
	"hometenantid":                    personal(KindTenantID),
	"resourcetenantid":                personal(KindTenantID),
	"tenantid":                        personal(KindTenantID),
	"aadtenantid":                     personal(KindTenantID),
	"appownertenantid":                personal(KindTenantID),
	"resourceownertenantid":           personal(KindTenantID),
	"policytenantid":                  personal(KindTenantID),
	"hometenantname":                  personal(KindTenantName),
	"resourcetenantname":              personal(KindTenantName),
	"serviceprincipalid":              personal(KindAppID),
	"resourceserviceprincipalid":      personal(KindAppID),
	"serviceprincipalcredentialkeyid": personal(KindAppID),
	"associatedresourceid":            {how: fieldResourcePath},
	"cidraddress":                     personal(KindIPRange),
	"useragent":                       {how: fieldVersion},
	"browser":                         {how: fieldVersion},
	"operatingsystem":                 {how: fieldVersion},
}

// jsonRule returns the rule of member key (lower case) in an object that is
// the value of member parent (lower case; "" at the top). Arrays are
// transparent: the objects of appliedConditionalAccessPolicies have the
// parent appliedconditionalaccesspolicies.
func jsonRule(parent, key string) fieldRule {
	switch parent {
	case "devicedetail":
		if key == "displayname" {
			return personal(KindDeviceName)
		}
	case "location", "locationdetails":
		if key == "city" || key == "state" {
			return fieldRule{how: fieldCity}
		}
	case "geocoordinates":
		if key == "latitude" || key == "longitude" || key == "altitude" {
			return fieldRule{how: fieldCoordinate}
		}
	}
	return jsonMembers[key]
}

// csvColumns maps normalized CSV column names (parse.NormalizeColumnName)
// of the portal downloads, the legacy portal export and Log Analytics
// exports to their rule. Columns not listed are fieldText; a column that
// holds JSON (Log Analytics DeviceDetail, LocationDetails, ...) is redacted
// as JSON with the column name as the JSON parent.
var csvColumns = map[string]fieldRule{
	"username":                        personal(KindUPN),
	"user principal name":             personal(KindUPN),
	"userprincipalname":               personal(KindUPN),
	"sign-in identifier":              personal(KindUPN),
	"signinidentifier":                personal(KindUPN),
	"alternatesigninname":             personal(KindUPN),
	"user":                            personal(KindName),
	"user display name":               personal(KindName),
	"userdisplayname":                 personal(KindName),
	"identity":                        personal(KindName),
	"user id":                         personal(KindUserID),
	"userid":                          personal(KindUserID),
	"device id":                       personal(KindDeviceID),
	"deviceid":                        personal(KindDeviceID),
	"device":                          personal(KindDeviceName),
	"device name":                     personal(KindDeviceName),
	"ip address":                      personal(KindIP),
	"ipaddress":                       personal(KindIP),
	"ip address (seen by resource)":   personal(KindIP),
	"ipaddressfromresourceprovider":   personal(KindIP),
	"global secure access ip address": personal(KindIP),
	"home tenant id":                  personal(KindTenantID),
	"resource tenant id":              personal(KindTenantID),
	"app owner tenant id":             personal(KindTenantID),
	"resource owner tenant id":        personal(KindTenantID),
	"tenantid":                        personal(KindTenantID),
	"hometenantid":                    personal(KindTenantID),
	"resourcetenantid":                personal(KindTenantID),
	"aadtenantid":                     personal(KindTenantID),
	"appownertenantid":                personal(KindTenantID),
	"resourceownertenantid":           personal(KindTenantID),
	"home tenant name":                personal(KindTenantName),
	"service principal id":            personal(KindAppID),
	"credential key id":               personal(KindAppID),
	"associated resource id":          {how: fieldResourcePath},
	"location":                        {how: fieldPortalLocation},
	"city":                            {how: fieldCity},
	"state":                           {how: fieldCity},
	"user agent":                      {how: fieldVersion},
	"useragent":                       {how: fieldVersion},
	"browser":                         {how: fieldVersion},
	"operating system":                {how: fieldVersion},
	"os":                              {how: fieldVersion},
}

// csvRule returns the rule of a column by its normalized name.
func csvRule(normalized string) fieldRule {
	return csvColumns[normalized]
}

// jsonParentOfColumn is the JSON parent of JSON held in a CSV column: the
// column name without spaces, as JSON exports name the same member.
func jsonParentOfColumn(normalized string) string {
	return strings.ReplaceAll(normalized, " ", "")
}

// dropPortalLocation keeps only the country of a "City, State, CC" cell,
// with the separators, so that the cell still reads as a location of that
// country (", , DE"). A cell of one two-letter part is a country already
// (Log Analytics' Location column).
func dropPortalLocation(s string) (string, bool) {
	parts := strings.Split(s, ",")
	if len(parts) == 1 {
		if t := strings.TrimSpace(s); len(t) == 2 || t == "" {
			return s, false
		}
		return "", true
	}
	last := strings.TrimSpace(parts[len(parts)-1])
	out := strings.Repeat(", ", len(parts)-1) + last
	return out, out != s
}
