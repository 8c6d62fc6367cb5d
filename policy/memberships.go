package policy

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/signinspect/signinspect/parse"
)

// Memberships are the groups and directory roles of users, which no sign-in
// export holds: Conditional Access policies assign groups and roles, so
// without them a policy for a group applies only "if the user is in the
// group". A user the memberships name has every group and role listed
// (Graph's transitiveMemberOf lists nested groups too); a group not listed
// is one the user is not in. Users they do not name stay unknown.
type Memberships struct {
	// users maps lower-case object IDs and UPNs to the lower-case IDs of
	// the user's groups and role templates.
	users map[string]map[string]bool
	count int
	// names are the display names of groups and roles, by lower-case ID,
	// as Graph's export gives them.
	names map[string]string
}

// label names a group or role ID for reasons: "Service accounts
// (4d1c8f2e-...)" when its display name is known, else the ID.
func (m *Memberships) label(id string) string {
	if m != nil {
		if n := m.names[strings.ToLower(id)]; n != "" {
			return n + " (" + id + ")"
		}
	}
	return id
}

// Users returns the number of users the memberships name.
func (m *Memberships) Users() int {
	if m == nil {
		return 0
	}
	return m.count
}

// member reports whether the user with the object ID id or the UPN upn is
// in the group or holds the role with ID group.
func (m *Memberships) member(id, upn, group string) Tri {
	return m.memberLower(strings.ToLower(id), strings.ToLower(upn), strings.ToLower(group))
}

// memberLower is member with every argument lower case already.
func (m *Memberships) memberLower(id, upn, group string) Tri {
	if m == nil {
		return Unknown
	}
	set := m.users[id]
	if set == nil && upn != "" {
		set = m.users[upn]
	}
	if set == nil || id == "" && upn == "" {
		return Unknown
	}
	return triOf(set[group])
}

// NewMemberships returns the memberships of users: for each user (UPN or
// object ID), every group and role ID they hold.
func NewMemberships(users map[string][]string) *Memberships {
	m := &Memberships{}
	for _, u := range sortedUsers(users) {
		m.add([]string{u}, users[u])
	}
	return m
}

func sortedUsers(users map[string][]string) []string {
	out := make([]string, 0, len(users))
	for u := range users {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// add records that the user (any of keys) is in group.
func (m *Memberships) add(keys []string, groups []string) {
	if m.users == nil {
		m.users = map[string]map[string]bool{}
	}
	var set map[string]bool
	for _, k := range keys {
		if s := m.users[strings.ToLower(k)]; s != nil && k != "" {
			set = s
		}
	}
	if set == nil {
		set = map[string]bool{}
		m.count++
	}
	for _, k := range keys {
		if k != "" {
			m.users[strings.ToLower(k)] = set
		}
	}
	for _, g := range groups {
		if g != "" {
			set[strings.ToLower(g)] = true
		}
	}
}

// LoadMemberships reads the memberships file at path ("-" for
// opts.Stdin): Graph's users with their transitiveMemberOf (or memberOf)
// expanded, as GET /users?$expand=transitiveMemberOf returns them (a
// page, a list, or one user), or a CSV of two columns, user (UPN or object
// ID) and group (object ID, or a directory role's template ID), with or
// without a header.
func LoadMemberships(path string, opts parse.Options) (*Memberships, error) {
	inputs, err := parse.Expand([]string{path}, opts)
	if err != nil {
		return nil, err
	}
	m := &Memberships{}
	var errs []error
	for _, in := range inputs {
		text, err := readText(in, opts, maxExportBytes)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := m.read(in.Name, text); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// ParseMemberships reads memberships from data, named name in errors.
func ParseMemberships(name string, data []byte) (*Memberships, error) {
	m := &Memberships{}
	if err := m.read(name, data); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Memberships) read(name string, text []byte) error {
	trimmed := bytes.TrimLeft(text, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return m.readJSON(name, text)
	}
	return m.readCSV(name, text)
}

// readJSON reads Graph users with their memberships expanded.
func (m *Memberships) readJSON(name string, text []byte) error {
	d, err := decodeDoc(name, text)
	if err != nil {
		return err
	}
	var errs []error
	users := 0
	for _, e := range d.elements() {
		r := d.reader(e.node, e.path, &errs)
		if e.node.kind != jsonObject {
			errs = append(errs, d.errorAt(e.node, e.path, "want a user object, got %s", e.node.describe()))
			continue
		}
		key := "transitiveMemberOf"
		groups := e.node.member(key)
		if groups == nil {
			key = "memberOf"
			groups = e.node.member(key)
		}
		if groups == nil {
			if t := e.node.member("@odata.type").stringValue(); strings.HasSuffix(strings.ToLower(t), "group") || strings.HasSuffix(strings.ToLower(t), "directoryrole") {
				return d.errorAt(e.node, e.path, "a list of groups does not say whose they are; export the users with their groups (GET /users?$expand=transitiveMemberOf) or write a CSV of user,group lines")
			}
			errs = append(errs, d.errorAt(e.node, e.path, "a user without transitiveMemberOf or memberOf; export GET /users?$select=id,userPrincipalName&$expand=transitiveMemberOf"))
			continue
		}
		id, upn := r.str("id"), r.str("userPrincipalName")
		if id == "" && upn == "" {
			errs = append(errs, d.errorAt(e.node, e.path, "a user without id or userPrincipalName"))
			continue
		}
		var ids []string
		if groups.kind != jsonArray {
			r.wrongKind(groups, key, "an array of groups and roles")
			continue
		}
		for i, g := range groups.elems {
			gr := d.reader(g, fmt.Sprintf("%s[%d]", r.at(key), i), &errs)
			if g.kind != jsonObject {
				gr.fail(g, "", "want a group or role object, got %s", g.describe())
				continue
			}
			ids = append(ids, gr.str("id"), gr.str("roleTemplateId"))
			if name := gr.str("displayName"); name != "" {
				if m.names == nil {
					m.names = map[string]string{}
				}
				m.names[strings.ToLower(gr.str("id"))] = name
			}
		}
		m.add([]string{id, upn}, ids)
		users++
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if users == 0 {
		return fmt.Errorf("%s: no user with memberships found", name)
	}
	return nil
}

// readCSV reads user,group lines.
func (m *Memberships) readCSV(name string, text []byte) error {
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	line := 0
	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return fmt.Errorf("%s: not a CSV of user,group lines: %v", name, err)
		}
		ln, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) < 2 {
			return fmt.Errorf("%s:%d: want two columns, user and group, got %d", name, ln, len(rec))
		}
		user, group := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if line == 1 && strings.EqualFold(user, "user") {
			continue // The header.
		}
		if user == "" || group == "" {
			return fmt.Errorf("%s:%d: want a user and a group, got an empty cell", name, ln)
		}
		m.add([]string{user}, []string{group})
		rows++
	}
	if rows == 0 {
		return fmt.Errorf("%s: no user,group line found", name)
	}
	return nil
}
