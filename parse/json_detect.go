package parse

import (
	"bytes"
	"strings"
)

// detectJSON tells whether the first bytes of an input (up to 256 KiB, maybe
// cut inside a record) are one of the JSON formats, and which. It looks at
// the member names of the first sign-in object, inside an array or a
// {"value":[...]} / {"records":[...]} envelope, behind a syslog prefix or
// bare:
//
//   - properties and category: FormatDiagnosticJSON;
//   - TimeGenerated, AADTenantId, or Type with a Log Analytics column
//     (ResultType, ConditionalAccessPolicies, LocationDetails, ...):
//     FormatLogAnalyticsJSON;
//   - createdDateTime and another Graph sign-in member, or three Graph
//     sign-in members, in any case: FormatGraphJSON.
//
// An empty array or Graph page is FormatGraphJSON and an empty
// {"records":[]} FormatDiagnosticJSON: they are what those sources write
// when nothing matched.
func detectJSON(peek []byte) (Format, bool) {
	first := firstJSONObject(peek)
	switch {
	case !first.json:
		return "", false
	case !first.object:
		if first.empty && first.envelope == "records" {
			return FormatDiagnosticJSON, true
		}
		if first.empty {
			return FormatGraphJSON, true
		}
		return "", false
	}
	k := first.keys
	switch {
	case k.has("properties") && k.has("category"):
		return FormatDiagnosticJSON, true
	case k.has("timegenerated") || k.has("aadtenantid"),
		k.has("type") && k.count(logAnalyticsKeys) > 0:
		return FormatLogAnalyticsJSON, true
	case k.has("createddatetime") && k.count(graphKeys) >= 1,
		k.count(graphKeys) >= 3:
		return FormatGraphJSON, true
	}
	return "", false
}

// graphKeys are member names of Graph sign-in objects, folded to lower case.
var graphKeys = []string{
	"userprincipalname", "userid", "userdisplayname", "appid", "appdisplayname", "ipaddress",
	"status", "conditionalaccessstatus", "appliedconditionalaccesspolicies", "devicedetail",
	"clientappused", "correlationid", "resourceid", "resourcedisplayname", "signineventtypes",
	"isinteractive", "location", "authenticationrequirement", "serviceprincipalid",
	"serviceprincipalname", "useragent",
}

// logAnalyticsKeys are column names only Log Analytics rows have.
var logAnalyticsKeys = []string{
	"resulttype", "resultdescription", "conditionalaccesspolicies", "locationdetails",
	"resourceidentity", "sourcesystem",
}

// jsonKeySet is the set of member names of an object, folded to lower case.
type jsonKeySet map[string]struct{}

func (k jsonKeySet) has(name string) bool {
	_, ok := k[name]
	return ok
}

func (k jsonKeySet) count(names []string) int {
	n := 0
	for _, name := range names {
		if k.has(name) {
			n++
		}
	}
	return n
}

// anySignInKey reports whether any member name is one a sign-in object of
// some JSON format has.
func (k jsonKeySet) anySignInKey() bool {
	return k.has("createddatetime") || k.has("properties") || k.has("timegenerated") ||
		k.count(graphKeys) > 0 || k.count(logAnalyticsKeys) > 0
}

// firstObject describes the start of a JSON input.
type firstObject struct {
	json     bool       // The input starts like JSON: '[', '{' or a syslog prefix and '{'.
	object   bool       // A first record object was found; keys are its member names.
	complete bool       // The whole first object was in the bytes looked at.
	empty    bool       // The first array or envelope is empty.
	envelope string     // "value" or "records" when the records are in an envelope.
	keys     jsonKeySet // Member names of the first record, lower case.
}

// firstJSONObject finds the first record object of a JSON input and reads
// its member names.
func firstJSONObject(peek []byte) firstObject {
	var f firstObject
	i := skipJSONSpace(peek, 0)
	if i == len(peek) {
		return f
	}
	switch peek[i] {
	case '[', '{':
	default:
		line := peek[i:]
		if nl := bytes.IndexByte(line, '\n'); nl >= 0 {
			line = line[:nl]
		}
		brace := bytes.IndexByte(line, '{')
		if brace <= 0 || !isSyslogPrefix(line[:brace]) {
			return f
		}
		i += brace
	}
	f.json = true
	if peek[i] == '[' {
		i = skipJSONSpace(peek, i+1)
		if i == len(peek) {
			return f
		}
		switch peek[i] {
		case ']':
			f.empty = true
			return f
		case '{':
		default:
			return f
		}
	}
	f.readObject(peek, i, true)
	return f
}

// readObject reads the member names of the object at data[i]. When
// envelope is true and a "value" or "records" member holds an array, the
// first element of that array is read instead.
func (f *firstObject) readObject(data []byte, i int, envelope bool) {
	keys := jsonKeySet{}
	i++ // The '{'.
	for {
		i = skipJSONSpace(data, i)
		if i == len(data) {
			break
		}
		switch data[i] {
		case '}':
			f.object, f.complete, f.keys = true, true, keys
			return
		case ',':
			i++
			continue
		case '"':
		default:
			f.object, f.keys = true, keys
			return
		}
		end := jsonStringEnd(data, i)
		if end < 0 {
			break
		}
		key := strings.ToLower(string(data[i+1 : end-1]))
		i = skipJSONSpace(data, end)
		if i == len(data) || data[i] != ':' {
			break
		}
		i = skipJSONSpace(data, i+1)
		if i == len(data) {
			break
		}
		if envelope && (key == "value" || key == "records") && data[i] == '[' {
			f.envelope = key
			j := skipJSONSpace(data, i+1)
			if j == len(data) {
				return
			}
			switch data[j] {
			case ']':
				f.empty = true
			case '{':
				f.readObject(data, j, false)
			}
			return
		}
		keys[key] = struct{}{}
		end = jsonValueEnd(data, i)
		if end < 0 {
			break
		}
		i = end
	}
	// The bytes end inside the object: its names so far.
	f.object, f.keys = true, keys
}

// skipJSONSpace returns the offset of the first byte from i on that is not
// JSON white space.
func skipJSONSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// jsonStringEnd returns the offset just after the string that starts at
// data[i], or -1 when the data ends first.
func jsonStringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// jsonValueEnd returns the offset just after the value that starts at
// data[i], or -1 when the data ends first or the value is malformed.
func jsonValueEnd(data []byte, i int) int {
	switch data[i] {
	case '"':
		return jsonStringEnd(data, i)
	case '{', '[':
		var sc objectScanner
		if ev, n := sc.scan(data[i:]); ev == scanDone {
			return i + n
		}
		return -1
	}
	for j := i; j < len(data); j++ {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j
		}
	}
	return -1
}
