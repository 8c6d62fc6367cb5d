package policy

import (
	"errors"
	"fmt"
	"strings"
)

// An objReader reads the members of one object of a document, collecting
// an error for each member of the wrong kind (with the file, line and key
// path) instead of stopping at the first, so that one run reports every
// mistake of a file.
type objReader struct {
	d    *jsonDoc
	obj  *jsonNode
	path string
	errs *[]error
}

func (d *jsonDoc) reader(obj *jsonNode, path string, errs *[]error) *objReader {
	return &objReader{d: d, obj: obj, path: path, errs: errs}
}

// at returns the key path of a member, as the file spells the key.
func (r *objReader) at(key string) string {
	name, _ := r.obj.lookup(key)
	return joinPath(r.path, name)
}

// fail records an error at node n, member key.
func (r *objReader) fail(n *jsonNode, key, format string, args ...any) {
	*r.errs = append(*r.errs, r.d.errorAt(n, r.at(key), format, args...))
}

// wrongKind records that member key holds the wrong kind of value. A
// string where Graph PowerShell's ConvertTo-Json wrote the type name of an
// object it did not descend into says how to export again.
func (r *objReader) wrongKind(n *jsonNode, key, want string) {
	if n.kind == jsonString && (strings.HasPrefix(n.text, "Microsoft.Graph.") || strings.HasPrefix(n.text, "System.")) {
		r.fail(n, key, "want %s, got the type name %q: ConvertTo-Json stopped at its -Depth; export again with ConvertTo-Json -Depth 10", want, n.text)
		return
	}
	r.fail(n, key, "want %s, got %s", want, n.describe())
}

// str returns the string member key, or "" when it is absent or null.
func (r *objReader) str(key string) string {
	n := r.obj.member(key)
	if n.isNull() {
		return ""
	}
	if n.kind != jsonString {
		r.wrongKind(n, key, "a string")
		return ""
	}
	return n.text
}

// boolean returns the boolean member key; absent or null is false, and ok
// says whether it was given.
func (r *objReader) boolean(key string) (v, ok bool) {
	n := r.obj.member(key)
	if n.isNull() {
		return false, false
	}
	if n.kind != jsonBool {
		r.wrongKind(n, key, "true or false")
		return false, false
	}
	return n.b, true
}

// number returns the integer member key, or 0.
func (r *objReader) number(key string) int {
	n := r.obj.member(key)
	if n.isNull() {
		return 0
	}
	if n.kind != jsonNumber {
		r.wrongKind(n, key, "a number")
		return 0
	}
	var v int
	if _, err := fmt.Sscan(n.text, &v); err != nil {
		r.fail(n, key, "want a whole number, got %s", n.text)
	}
	return v
}

// stringList returns the array of strings member key, or nil. A single string
// (Graph PowerShell writes a one-element list so under some settings) is a
// list of one.
func (r *objReader) stringList(key string) []string {
	n := r.obj.member(key)
	if n.isNull() {
		return nil
	}
	if n.kind == jsonString && !strings.HasPrefix(n.text, "Microsoft.Graph.") && !strings.HasPrefix(n.text, "System.") {
		return []string{n.text}
	}
	if n.kind != jsonArray {
		r.wrongKind(n, key, "an array of strings")
		return nil
	}
	out := make([]string, 0, len(n.elems))
	for i, e := range n.elems {
		if e.kind != jsonString {
			r.fail(e, fmt.Sprintf("%s[%d]", key, i), "want a string, got %s", e.describe())
			continue
		}
		out = append(out, e.text)
	}
	return out
}

// object returns a reader of the object member key, or nil when it is
// absent or null.
func (r *objReader) object(key string) *objReader {
	n := r.obj.member(key)
	if n.isNull() {
		return nil
	}
	if n.kind != jsonObject {
		r.wrongKind(n, key, "an object")
		return nil
	}
	return &objReader{d: r.d, obj: n, path: r.at(key), errs: r.errs}
}

// present reports whether member key is given and not null.
func (r *objReader) present(key string) bool { return r != nil && r.obj.has(key) }

// line returns the line the object starts on.
func (r *objReader) line() int { return r.d.line(r.obj) }

// source returns "file:line" of the object, for reports.
func (r *objReader) source() string { return fmt.Sprintf("%s:%d", r.d.name, r.line()) }

// errorf returns an error at the object itself.
func (r *objReader) errorf(format string, args ...any) error {
	return r.d.errorAt(r.obj, r.path, format, args...)
}

// joinErrs joins the collected errors, nil when there are none.
func joinErrs(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}
