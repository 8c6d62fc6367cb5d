package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/signinspect/signinspect/parse"
)

// The tenant's configuration is read whole (a tenant's policies and named
// locations are a few megabytes at most) into a tree of JSON values that
// remember where they start, so that an error can name the file, the line
// and the key, as the readers of sign-ins do. The tree also hides how the
// export tools differ:
//
//   - keys compare case-insensitively, so Graph's camelCase and Graph
//     PowerShell's PascalCase read alike;
//   - Graph PowerShell's AdditionalProperties bag counts as members of the
//     object that holds it;
//   - OData annotations (x@odata.type, @odata.context, @odata.etag) and
//     action blocks (#microsoft.graph.restore) are not members at all;
//     only @odata.type itself, which names an object's type, is kept.

// A jsonKind is the kind of a JSON value.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// A jsonNode is one decoded JSON value and the byte offset it starts at.
type jsonNode struct {
	kind  jsonKind
	text  string // A string's value, or a number as written.
	b     bool
	elems []*jsonNode
	keys  []string // Member names as written, in order.
	vals  []*jsonNode
	off   int
}

// describe names the value's kind as messages write it: "a string", "an
// object".
func (n *jsonNode) describe() string {
	if n == nil {
		return "nothing"
	}
	switch n.kind {
	case jsonNull:
		return "null"
	case jsonBool:
		return "a boolean"
	case jsonNumber:
		return "a number"
	case jsonString:
		return "a string"
	case jsonArray:
		return "an array"
	}
	return "an object"
}

// isNull reports whether n is absent or JSON null.
func (n *jsonNode) isNull() bool { return n == nil || n.kind == jsonNull }

// ignoredKey reports whether a member name is an OData annotation or an
// action block rather than data: IntuneManagement writes
// "includeUsers@odata.type" beside every collection and
// "#microsoft.graph.restore" blocks, Graph writes @odata.context and
// @odata.nextLink. @odata.type itself names the object's type and is kept.
func ignoredKey(k string) bool {
	if strings.EqualFold(k, "@odata.type") {
		return false
	}
	return strings.Contains(k, "@odata.") || strings.HasPrefix(k, "#")
}

// member returns the object member named key, compared case-insensitively,
// looking into an AdditionalProperties bag when the object itself lacks it.
func (n *jsonNode) member(key string) *jsonNode {
	_, v := n.lookup(key)
	return v
}

// lookup is member, also returning the member's key path within n as the
// file spells it ("Conditions", "AdditionalProperties.ipRanges").
func (n *jsonNode) lookup(key string) (string, *jsonNode) {
	if n == nil || n.kind != jsonObject {
		return key, nil
	}
	for i, k := range n.keys {
		if strings.EqualFold(k, key) {
			return k, n.vals[i]
		}
	}
	for i, k := range n.keys {
		if strings.EqualFold(k, "AdditionalProperties") && n.vals[i].kind == jsonObject {
			if name, v := n.vals[i].lookup(key); v != nil {
				return k + "." + name, v
			}
		}
	}
	return key, nil
}

// has reports whether the object has a member named key that is not null.
func (n *jsonNode) has(key string) bool { return !n.member(key).isNull() }

// memberNames returns the names of the object's data members, AdditionalProperties
// folded in, in order.
func (n *jsonNode) memberNames() []string {
	var out []string
	for i, k := range n.keys {
		switch {
		case ignoredKey(k):
		case strings.EqualFold(k, "AdditionalProperties") && n.vals[i].kind == jsonObject:
			out = append(out, n.vals[i].memberNames()...)
		default:
			out = append(out, k)
		}
	}
	return out
}

// A jsonDoc is one file of the tenant's configuration, decoded.
type jsonDoc struct {
	name string
	text []byte
	// values are the JSON values of the file, in order: one for most
	// files, several for pages appended to one file.
	values []*jsonNode
}

// errorAt returns an error at n naming the file, the line and the key path:
// "policies.json:12: value[0].conditions.users: want an object, got a
// string".
func (d *jsonDoc) errorAt(n *jsonNode, path string, format string, args ...any) error {
	return &ConfigError{File: d.name, Line: d.line(n), Path: path, Err: fmt.Errorf(format, args...)}
}

// line returns the 1-based line n starts on, or 0 for a missing node.
func (d *jsonDoc) line(n *jsonNode) int {
	if n == nil {
		return 0
	}
	line, _ := parse.LineColumn(d.text, n.off)
	return line
}

// A ConfigError is an error in an export of the tenant's configuration: the
// file, the line (0 when unknown), the key path within the file
// ("value[2].conditions.locations.includeLocations[0]", "" for the file as
// a whole) and what is wrong.
type ConfigError struct {
	File string
	Line int
	Path string
	Err  error
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ConfigError) Unwrap() error { return e.Err }

// decodeDoc decodes text, every JSON value in it, into trees; name is the
// input's name for errors. A value nested deeper than parse.MaxJSONDepth is
// refused before it is built.
func decodeDoc(name string, text []byte) (*jsonDoc, error) {
	d := &jsonDoc{name: name, text: text}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	for {
		n, err := d.decodeValue(dec, 0)
		if err == io.EOF && len(d.values) > 0 {
			return d, nil
		}
		if err != nil {
			return nil, err
		}
		d.values = append(d.values, n)
	}
}

// errEmpty is the error of a file without a JSON value.
var errEmpty = errors.New("the file is empty")

// decodeValue decodes the next value from dec.
func (d *jsonDoc) decodeValue(dec *json.Decoder, depth int) (*jsonNode, error) {
	start := d.skipSpace(int(dec.InputOffset()))
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			if len(d.values) == 0 && depth == 0 {
				return nil, &ConfigError{File: d.name, Err: errEmpty}
			}
			if depth == 0 {
				return nil, io.EOF
			}
		}
		return nil, d.syntax(err)
	}
	n := &jsonNode{off: start}
	switch t := tok.(type) {
	case nil:
		n.kind = jsonNull
	case bool:
		n.kind, n.b = jsonBool, t
	case json.Number:
		n.kind, n.text = jsonNumber, t.String()
	case string:
		n.kind, n.text = jsonString, t
	case json.Delim:
		if depth >= parse.MaxJSONDepth {
			line, _ := parse.LineColumn(d.text, start)
			return nil, &ConfigError{File: d.name, Line: line, Err: fmt.Errorf("nested more than %d levels deep", parse.MaxJSONDepth)}
		}
		switch t {
		case '[':
			n.kind = jsonArray
			for dec.More() {
				e, err := d.decodeValue(dec, depth+1)
				if err != nil {
					return nil, d.unexpectedEnd(err)
				}
				n.elems = append(n.elems, e)
			}
		case '{':
			n.kind = jsonObject
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, d.unexpectedEnd(d.syntax(err))
				}
				key, _ := kt.(string)
				v, err := d.decodeValue(dec, depth+1)
				if err != nil {
					return nil, d.unexpectedEnd(err)
				}
				n.keys, n.vals = append(n.keys, key), append(n.vals, v)
			}
		}
		if _, err := dec.Token(); err != nil { // The closing delimiter.
			return nil, d.unexpectedEnd(d.syntax(err))
		}
	}
	return n, nil
}

// syntax describes a decoder error as a ConfigError with its line.
func (d *jsonDoc) syntax(err error) error {
	var ce *ConfigError
	if errors.As(err, &ce) {
		return err
	}
	je := parse.DescribeJSONError(d.text, err)
	line := je.Line
	if line == 0 {
		line, _ = parse.LineColumn(d.text, len(d.text))
	}
	return &ConfigError{File: d.name, Line: line, Err: errors.New("not valid JSON: " + je.Problem())}
}

// unexpectedEnd turns the end of the text inside a value into an error.
func (d *jsonDoc) unexpectedEnd(err error) error {
	if err == io.EOF {
		line, _ := parse.LineColumn(d.text, len(d.text))
		return &ConfigError{File: d.name, Line: line, Err: errors.New("not valid JSON: unexpected end of JSON")}
	}
	return err
}

// skipSpace returns the offset of the first byte at or after off that is
// not white space or a separator, where the next token starts.
func (d *jsonDoc) skipSpace(off int) int {
	for off < len(d.text) {
		switch d.text[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}
