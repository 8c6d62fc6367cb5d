package parse

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	json "github.com/goccy/go-json"
)

// A JSONError is an error of a JSON decoder told in words a user can act
// on: where in the text it happened, which member it concerns, and what was
// wrong, without the decoder's Go type names. DescribeJSONError makes one
// from the errors of both decoders signinspect uses: goccy/go-json for
// sign-in records, encoding/json for the tenant's named locations and
// policies. Every JSONError is an ErrBadValue for errors.Is.
type JSONError struct {
	// Path is the key path of the member at fault ("status.errorCode",
	// "[2].result"), or "" when the error concerns the text as a whole.
	Path string
	// Offset counts the bytes the decoder had read when it found a syntax
	// error, the offending byte being the last of them; -1 when unknown.
	Offset int64
	// Line and Column are the 1-based position of the offending byte, set
	// when DescribeJSONError was given the text; 0 otherwise.
	Line, Column int
	// Reason says what is wrong: the decoder's words for malformed text,
	// "unexpected end of JSON" for text that stops inside a value, "got a
	// JSON string, want a JSON number" for a value of the wrong kind.
	Reason string
	// Syntax is set for malformed text, as opposed to well-formed text
	// holding a value of the wrong kind.
	Syntax bool
}

// Error returns the position (a line and column, or else the byte offset
// of a syntax error), the key path and the reason.
func (e *JSONError) Error() string {
	msg := e.Problem()
	if e.Path != "" {
		msg = e.Path + ": " + msg
	}
	if e.Line > 0 {
		msg = fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, msg)
	}
	return msg
}

// Problem is the reason, with the byte offset of a syntax error that has
// no line and column: Error without the position and key path, for callers
// that show those in a form of their own (a ParseError's file:line:column
// and field).
func (e *JSONError) Problem() string {
	if e.Syntax && e.Line == 0 && e.Offset >= 0 {
		return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Reason)
	}
	return e.Reason
}

// Is makes every JSONError an ErrBadValue.
func (e *JSONError) Is(target error) bool { return target == ErrBadValue }

// DescribeJSONError describes err, an error of goccy/go-json or
// encoding/json decoding text. text may be nil when the caller does not
// have the whole text the offsets count in; with it, a syntax error gets a
// line and column. An error that is already a JSONError is returned as it
// is.
func DescribeJSONError(text []byte, err error) *JSONError {
	var je *JSONError
	if errors.As(err, &je) {
		return je
	}
	je = &JSONError{Offset: -1}
	var (
		syntax    *json.SyntaxError
		stdSyntax *stdjson.SyntaxError
		typ       *json.UnmarshalTypeError
		stdTyp    *stdjson.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		je.Syntax, je.Offset = true, syntax.Offset
		je.Reason = strings.TrimPrefix(syntax.Error(), "json: ")
	case errors.As(err, &stdSyntax):
		je.Syntax, je.Offset = true, stdSyntax.Offset
		je.Reason = strings.TrimPrefix(stdSyntax.Error(), "json: ")
	case errors.As(err, &typ):
		je.Path, je.Reason = goccyPath(typ.Field), kindMismatch(typ.Value, typ.Type)
	case errors.As(err, &stdTyp):
		je.Path, je.Reason = goccyPath(stdTyp.Field), kindMismatch(stdTyp.Value, stdTyp.Type)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		je.Syntax, je.Reason = true, "unexpected end of JSON"
	default:
		je.Reason = "invalid JSON: " + err.Error()
	}
	if je.Syntax && je.Offset >= 0 && text != nil {
		je.Line, je.Column = LineColumn(text, int(max(je.Offset-1, 0)))
	}
	return je
}

// JSONKind names the kind of a value decoded from JSON (or YAML) into
// Go's generic types, as messages write it: "a string", "an object",
// "null". Go type names never reach the user.
func JSONKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case stdjson.Number, float32, float64, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a value of another kind"
}

// kindMismatch says which JSON kind a value had and which one was wanted.
func kindMismatch(got string, want reflect.Type) string {
	w := "a JSON value"
	if want != nil {
		w = "a JSON " + jsonKindOf(want.Kind())
	}
	return fmt.Sprintf("got a JSON %s, want %s", got, w)
}

// jsonKindOf names the JSON kind that a Go kind decodes from.
func jsonKindOf(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	}
	return "value"
}

// LineColumn returns the 1-based line and column (in bytes) of byte
// offset off in text.
func LineColumn(text []byte, off int) (line, col int) {
	off = min(max(off, 0), len(text))
	before := text[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// goccyPath rewrites the decoder's field path ("0.result",
// "policies.1.result") into JSON path notation ("[0].result",
// "policies[1].result").
func goccyPath(p string) string {
	if p == "" {
		return ""
	}
	parts := strings.Split(p, ".")
	var b strings.Builder
	for _, part := range parts {
		if _, err := strconv.Atoi(part); err == nil {
			b.WriteString("[" + part + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}
