package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/signinspect/signinspect/parse"
)

// maxExportBytes bounds one export of the tenant's configuration read into
// memory. A tenant has at most 195 IP named locations of 2,000 ranges each
// (about 20 MB of JSON, 40 MB in UTF-16) and a few hundred policies.
const maxExportBytes = 64 << 20

// An Export is what exported files say about the tenant's Conditional
// Access configuration: its policies and named locations, each once (by
// ID), in the order the files hold them.
type Export struct {
	Policies       []Policy
	NamedLocations []NamedLocation
	// Notes say what was left out: files of a folder that hold neither
	// policies nor named locations, and objects given twice.
	Notes []string
}

// objectKind is what an object of an export is, by its content.
type objectKind uint8

const (
	kindOther objectKind = iota
	kindPolicy
	kindNamedLocation
	kindSignIn
)

// classify tells what an object is from its members, never from the file
// name: the @odata.type when the export writes it, else the members only
// that kind of object has.
func classify(obj *jsonNode) objectKind {
	if obj == nil || obj.kind != jsonObject {
		return kindOther
	}
	if t := strings.ToLower(obj.member("@odata.type").stringValue()); t != "" {
		switch {
		case strings.HasSuffix(t, "conditionalaccesspolicy"):
			return kindPolicy
		case strings.HasSuffix(t, "namedlocation"):
			return kindNamedLocation
		case strings.HasSuffix(t, "signin"):
			return kindSignIn
		}
	}
	switch {
	case obj.member("conditions") != nil || obj.member("grantControls") != nil || obj.member("sessionControls") != nil:
		return kindPolicy
	case obj.member("ipRanges") != nil || obj.member("countriesAndRegions") != nil || obj.member("compliantNetworkType") != nil:
		return kindNamedLocation
	case obj.member("appliedConditionalAccessPolicies") != nil || obj.member("createdDateTime") != nil &&
		(obj.member("userPrincipalName") != nil || obj.member("ipAddress") != nil || obj.member("status") != nil):
		return kindSignIn
	}
	return kindOther
}

// stringValue returns a string node's value, or "".
func (n *jsonNode) stringValue() string {
	if n == nil || n.kind != jsonString {
		return ""
	}
	return n.text
}

// An element is one object of an export with its key path in the file.
type element struct {
	node *jsonNode
	path string
}

// elements returns the objects a document holds, in the shapes exports
// take: Graph's {"value": [...]} page (or several appended to one file), a
// bare array (or several), one object, and the combined offline exports
// that list policies and named locations side by side
// ({"policies": [...], "namedLocations": [...]}).
func (d *jsonDoc) elements() []element {
	var out []element
	for vi, v := range d.values {
		prefix := ""
		if len(d.values) > 1 {
			prefix = fmt.Sprintf("(value %d)", vi+1)
		}
		out = append(out, containerElements(v, prefix)...)
	}
	return out
}

// containerKeys name the lists of a combined export, in the order they are
// looked for.
var containerKeys = []string{"value", "conditionalAccessPolicies", "policies", "namedLocations"}

func containerElements(v *jsonNode, prefix string) []element {
	list := func(arr *jsonNode, path string) []element {
		var out []element
		for i, e := range arr.elems {
			out = append(out, element{node: e, path: fmt.Sprintf("%s[%d]", path, i)})
		}
		return out
	}
	switch v.kind {
	case jsonArray:
		return list(v, prefix)
	case jsonObject:
		if classify(v) != kindOther {
			return []element{{node: v, path: prefix}}
		}
		var out []element
		found := false
		for i, k := range v.keys {
			for _, ck := range containerKeys {
				if strings.EqualFold(k, ck) && v.vals[i].kind == jsonArray {
					out = append(out, list(v.vals[i], joinPath(prefix, k))...)
					found = true
				}
			}
		}
		if found {
			return out
		}
		return []element{{node: v, path: prefix}}
	}
	return []element{{node: v, path: prefix}}
}

// joinPath appends a member name to a key path.
func joinPath(path, key string) string {
	if path == "" || strings.HasSuffix(path, ")") {
		return path + key
	}
	return path + "." + key
}

// readDoc reads and decodes one input.
func readDoc(in parse.Input, opts parse.Options) (*jsonDoc, error) {
	text, err := readText(in, opts, maxExportBytes)
	if err != nil {
		return nil, err
	}
	return decodeDoc(in.Name, text)
}

// describeDoc says what a document that holds neither policies nor named
// locations looks like instead, for the message that refuses it.
func describeDoc(els []element) string {
	kinds := map[objectKind]int{}
	for _, e := range els {
		kinds[classify(e.node)]++
	}
	switch {
	case len(els) == 0:
		return "an empty list"
	case kinds[kindSignIn] > 0:
		return "a sign-in log export (pass it as an input of analyze or whatif)"
	}
	e := els[0].node
	if e.kind != jsonObject {
		if len(els) == 1 && els[0].path == "" {
			return e.describe() + ", not a JSON object"
		}
		return "a list of " + plural(e.describe()) + ", not of objects"
	}
	for _, k := range containerKeys {
		if v := e.member(k); v != nil && v.kind != jsonArray {
			return fmt.Sprintf("an object whose %s is %s, not an array", k, v.describe())
		}
	}
	if t := e.member("@odata.type").stringValue(); t != "" {
		return fmt.Sprintf("objects of type %s", t)
	}
	names := e.memberNames()
	if len(names) == 0 {
		return "an empty object"
	}
	if len(names) > 5 {
		names = append(names[:5], "…")
	}
	return "objects with the keys " + strings.Join(names, ", ")
}

// plural turns "a string" into "strings".
func plural(kind string) string {
	kind = strings.TrimPrefix(strings.TrimPrefix(kind, "an "), "a ")
	if kind == "null" {
		return "nulls"
	}
	return kind + "s"
}

// load reads every input of paths; see loadInputs.
func load(paths []string, opts parse.Options, wantPolicies, wantLocations bool) (*Export, error) {
	inputs, err := parse.Expand(paths, opts)
	if err != nil {
		return nil, err
	}
	return loadInputs(inputs, opts, wantPolicies, wantLocations)
}

// loadInputs reads inputs and collects the objects of the kinds wanted. A
// file named on the command line must hold at least one object of a wanted
// kind (or be an empty list); a file found in a folder that holds none is
// noted and skipped, since an EntraExporter folder holds authentication
// contexts next to the policies and an IntuneManagement one its migration
// table. Every error of every input is returned, joined.
func loadInputs(inputs []parse.Input, opts parse.Options, wantPolicies, wantLocations bool) (*Export, error) {
	ex := &Export{}
	c := collector{ex: ex, wantPolicies: wantPolicies, wantLocations: wantLocations,
		policies: map[string]string{}, locations: map[string]string{}}
	var errs []error
	for _, in := range inputs {
		d, err := readDoc(in, opts)
		if err != nil {
			if in.FromDirectory && isNotJSON(err) {
				ex.Notes = append(ex.Notes, fmt.Sprintf("%s: not read: not a JSON export", in.Name))
				continue
			}
			errs = append(errs, err)
			continue
		}
		els := d.elements()
		counts, fileErrs := c.collect(d, els)
		if len(fileErrs) > 0 {
			errs = append(errs, fileErrs...)
			continue
		}
		// The first kind wanted is what the file was given for: a file of
		// named locations given as policies is a mistake, even though the
		// named locations beside policies are read.
		primary := kindNamedLocation
		if wantPolicies {
			primary = kindPolicy
		}
		if len(els) == 0 || counts[primary] > 0 || in.FromDirectory && counts[kindPolicy]+counts[kindNamedLocation] > 0 {
			continue
		}
		what := describeDoc(els)
		switch {
		case counts[kindPolicy] > 0:
			what = "a Conditional Access policy export; pass it with --policies"
		case counts[kindNamedLocation] > 0:
			what = "a named locations export; pass it with --named-locations"
		}
		if in.FromDirectory {
			ex.Notes = append(ex.Notes, fmt.Sprintf("%s: not read: %s", in.Name, what))
			continue
		}
		errs = append(errs, fmt.Errorf("%s: %s", in.Name, noneWanted(wantPolicies, wantLocations, what)))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ex, nil
}

// A collector gathers the objects of several documents into an Export,
// each policy and named location once by ID.
type collector struct {
	ex                          *Export
	wantPolicies, wantLocations bool
	// policies and locations map the lower-case IDs met to where they
	// were first met.
	policies, locations map[string]string
}

// collect reads the wanted objects of one document's elements and counts
// every kind met. An object that is neither a policy nor a named location,
// in a list that holds some, is an error: a list is one kind of thing.
func (c *collector) collect(d *jsonDoc, els []element) (map[objectKind]int, []error) {
	counts := map[objectKind]int{}
	for _, e := range els {
		counts[classify(e.node)]++
	}
	mixed := counts[kindPolicy]+counts[kindNamedLocation] > 0
	var errs []error
	for _, e := range els {
		switch classify(e.node) {
		case kindPolicy:
			if !c.wantPolicies {
				continue
			}
			p, err := d.policyFromJSON(e.node, e.path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if first, dup := c.policies[strings.ToLower(p.ID)]; dup && p.ID != "" {
				c.ex.Notes = append(c.ex.Notes, fmt.Sprintf("%s: policy %s appears again (first at %s); the first is used", p.Source, p.Label(), first))
				continue
			}
			c.policies[strings.ToLower(p.ID)] = p.Source
			c.ex.Policies = append(c.ex.Policies, p)
		case kindNamedLocation:
			if !c.wantLocations {
				continue
			}
			loc, err := d.namedLocationFromJSON(e.node, e.path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if first, dup := c.locations[strings.ToLower(loc.ID)]; dup && loc.ID != "" {
				c.ex.Notes = append(c.ex.Notes, fmt.Sprintf("%s: named location %s appears again (first at %s); the first is used", loc.Source, describeLocation(loc), first))
				continue
			}
			c.locations[strings.ToLower(loc.ID)] = loc.Source
			c.ex.NamedLocations = append(c.ex.NamedLocations, loc)
		default:
			if mixed {
				errs = append(errs, d.errorAt(e.node, e.path, "neither a Conditional Access policy nor a named location: %s", describeDoc([]element{e})))
			}
		}
	}
	return counts, errs
}

// noneWanted says that a file holds nothing of what was asked for.
func noneWanted(wantPolicies, _ bool, what string) string {
	if wantPolicies {
		return "holds no Conditional Access policy: it is " + what
	}
	return "holds no named location: it is " + what
}

// isNotJSON reports whether err says that a file is not JSON at all (or
// empty), as opposed to JSON that nests too deep or a file that could not
// be read.
func isNotJSON(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce) && (strings.HasPrefix(ce.Err.Error(), "not valid JSON") || ce.Err == errEmpty)
}

// LoadPolicies reads the Conditional Access policies of the exports at
// paths (files, folders, ZIP archives, or "-" for opts.Stdin) and the named
// locations they hold beside them, since EntraExporter and IntuneManagement
// export both into one folder. Every export shape is read: Graph's
// {"value": [...]} page, pages appended to one file, a bare array, one
// object per file, Graph PowerShell's PascalCase output with its
// AdditionalProperties, IntuneManagement's OData annotations; UTF-8 with or
// without a byte order mark, UTF-16, gzip. Errors name the file, the line
// and the key.
func LoadPolicies(paths []string, opts parse.Options) (*Export, error) {
	ex, err := load(paths, opts, true, true)
	if err != nil {
		return nil, err
	}
	if len(ex.Policies) == 0 {
		return nil, fmt.Errorf("%s: no Conditional Access policy found", strings.Join(paths, ", "))
	}
	return ex, nil
}

// ParsePolicies reads policies and named locations from data, an export
// held in memory and named name in errors, as LoadPolicies reads a file.
func ParsePolicies(name string, data []byte) (*Export, error) {
	return loadInputs([]parse.Input{parse.BytesInput(name, data)}, parse.Options{}, true, true)
}
