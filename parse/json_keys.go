package parse

import (
	"reflect"
	"sort"
	"strings"
	"sync"

	json "github.com/goccy/go-json"
)

// JSONKeys is the set of members the JSON readers know in a sign-in object,
// each with the members it may hold in turn, so that a tool that writes a
// sign-in by hand (a rule's test record) can be told of a misspelt key
// instead of having it ignored. Keys compare case-insensitively, as the
// decoder reads them.
type JSONKeys struct {
	names    []string             // Members as Graph spells them, sorted.
	children map[string]*JSONKeys // By lower-case name; nil for a scalar.
	object   map[string]bool      // Lower-case names of members that hold objects (or lists of them).
	open     bool                 // Any member is accepted (additionalProperties).
}

// Names returns the members, as Graph spells them.
func (k *JSONKeys) Names() []string { return append([]string(nil), k.names...) }

// Member returns the keys of the object (or of each object of the list)
// that member name holds, and whether the member is known. A known member
// that holds a scalar has nil keys. Any member of an open set is known,
// with open keys.
func (k *JSONKeys) Member(name string) (*JSONKeys, bool) {
	if k.open {
		return k, true
	}
	lower := strings.ToLower(name)
	child, ok := k.children[lower]
	if !ok {
		_, ok = k.object[lower]
	}
	return child, ok
}

// Path returns where name is a member below k, as a dotted path of Graph
// names ("status.errorCode"), or "" when it is a member nowhere or of k
// itself. The shallowest place wins.
func (k *JSONKeys) Path(name string) string {
	type item struct {
		keys *JSONKeys
		path string
	}
	queue := []item{{k, ""}}
	seen := map[*JSONKeys]bool{}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if it.keys == nil || it.keys.open || seen[it.keys] {
			continue
		}
		seen[it.keys] = true
		for _, n := range it.keys.names {
			if it.path != "" && strings.EqualFold(n, name) {
				return it.path + "." + n
			}
			queue = append(queue, item{it.keys.children[strings.ToLower(n)], strings.TrimPrefix(it.path+"."+n, ".")})
		}
	}
	return ""
}

var (
	recordKeysOnce sync.Once
	recordKeys     *JSONKeys
)

// JSONRecordKeys returns the members the JSON readers know in a sign-in
// object, of every JSON format (Graph's camelCase, Log Analytics' column
// names), from the types the decoder decodes into.
func JSONRecordKeys() *JSONKeys {
	recordKeysOnce.Do(func() {
		// The envelope members (value, records) and the properties of a
		// diagnostic record are not members of a sign-in.
		recordKeys = keysOf(reflect.TypeOf(signInTyped{}), map[string]bool{"value": true, "records": true, "properties": true})
	})
	return recordKeys
}

// partElems maps the types whose UnmarshalJSON reads an object, or a list
// of objects, to the type of that object.
var partElems = map[reflect.Type]reflect.Type{
	reflect.TypeOf(policyList{}):    reflect.TypeOf(policyJSON{}),
	reflect.TypeOf(locationValue{}): reflect.TypeOf(locationJSON{}),
	reflect.TypeOf(strengthJSON{}): reflect.TypeOf(struct {
		ID          string `json:"authenticationStrengthId"`
		DisplayName string `json:"displayName"`
	}{}),
}

var rawMessageType = reflect.TypeOf(json.RawMessage{})

// keysOf returns the members of the JSON object that struct type t
// decodes, skipping the names in skip.
func keysOf(t reflect.Type, skip map[string]bool) *JSONKeys {
	k := &JSONKeys{children: map[string]*JSONKeys{}, object: map[string]bool{}}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous {
				add(f.Type)
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || skip[name] {
				continue
			}
			lower := strings.ToLower(name)
			if _, dup := k.children[lower]; dup {
				continue
			}
			k.names = append(k.names, name)
			k.children[lower] = memberKeys(f.Type, name)
			if k.children[lower] != nil {
				k.object[lower] = true
			}
		}
	}
	add(t)
	sort.Strings(k.names)
	return k
}

// memberKeys returns the keys of what a member of type t holds: nil for a
// scalar, open keys for raw JSON.
func memberKeys(t reflect.Type, name string) *JSONKeys {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if elem, ok := partElems[t]; ok {
		return keysOf(elem, nil)
	}
	switch {
	case t == rawMessageType:
		if name == "additionalProperties" {
			return &JSONKeys{open: true}
		}
		return nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return keysOf(t.Elem(), nil)
	case t.Kind() == reflect.Struct && hasJSONFields(t):
		return keysOf(t, nil)
	}
	return nil
}

// hasJSONFields reports whether t decodes as an object of named members,
// not through an UnmarshalJSON of its own.
func hasJSONFields(t reflect.Type) bool {
	if reflect.PointerTo(t).Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()) {
		return false
	}
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("json") != "" {
			return true
		}
	}
	return false
}
