package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The exports differ in how their JSON is laid out (Graph's compact pages,
// the portal's two-space indent, Windows PowerShell 5.1's odd alignment), and
// key order matters for faithful samples, so the generator writes JSON itself
// from ordered values instead of using encoding/json.

// obj is a JSON object whose keys keep their order.
type obj []member

type member struct {
	key   string
	value any
}

// arr is a JSON array.
type arr []any

// rawJSON is written verbatim: a JSON token the writer must not escape again,
// such as Windows PowerShell's "\/Date(ms)\/" strings.
type rawJSON string

// jsonStyle says how a producer lays out its JSON.
type jsonStyle struct {
	// indent is the indentation step; "" writes compact JSON.
	indent string
	// colon separates a key from its value.
	colon string
	// newline ends lines of indented output.
	newline string
	// powerShell51 lays out nested containers the way Windows PowerShell
	// 5.1 ConvertTo-Json does: children indented from the column of their
	// opening bracket, empty containers spread over two lines, and ' < > &
	// escaped as \u0027 and friends.
	powerShell51 bool
}

var (
	compactJSON = jsonStyle{colon: ":"}
	graphJSON   = compactJSON
	indentJSON  = jsonStyle{indent: "  ", colon: ": ", newline: "\n"}
	// powerShell7JSON is PowerShell 7 ConvertTo-Json on Windows.
	powerShell7JSON = jsonStyle{indent: "  ", colon: ": ", newline: "\r\n"}
	// powerShell51JSON is Windows PowerShell 5.1 ConvertTo-Json.
	powerShell51JSON = jsonStyle{indent: "    ", colon: ":  ", newline: "\r\n", powerShell51: true}
)

// encode returns v as JSON in the style.
func (s jsonStyle) encode(v any) []byte {
	w := jsonWriter{style: s}
	w.value(v, 0)
	return []byte(w.b.String())
}

type jsonWriter struct {
	style jsonStyle
	b     strings.Builder
	col   int // Column of the next byte on the current line.
}

func (w *jsonWriter) write(s string) {
	w.b.WriteString(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		w.col = utf8.RuneCountInString(s[i+1:])
	} else {
		w.col += utf8.RuneCountInString(s)
	}
}

// newlineAt starts a new line indented to column col.
func (w *jsonWriter) newlineAt(col int) {
	w.write(w.style.newline + strings.Repeat(" ", col))
}

// value writes v; depth is the nesting level, used by the plain indented
// styles. PowerShell 5.1 indents from the column of the opening bracket
// instead.
func (w *jsonWriter) value(v any, depth int) {
	switch v := v.(type) {
	case nil:
		w.write("null")
	case rawJSON:
		w.write(string(v))
	case string:
		w.write(quoteJSON(v, w.style.powerShell51))
	case bool:
		w.write(strconv.FormatBool(v))
	case int:
		w.write(strconv.Itoa(v))
	case int64:
		w.write(strconv.FormatInt(v, 10))
	case float64:
		w.write(strconv.FormatFloat(v, 'f', -1, 64))
	case obj:
		w.container('{', '}', len(v), depth, func(i int) {
			w.write(quoteJSON(v[i].key, w.style.powerShell51))
			w.write(w.style.colon)
			w.value(v[i].value, depth+1)
		})
	case arr:
		w.container('[', ']', len(v), depth, func(i int) { w.value(v[i], depth+1) })
	case []string:
		a := make(arr, len(v))
		for i, s := range v {
			a[i] = s
		}
		w.value(a, depth)
	default:
		panic(fmt.Sprintf("scenario: cannot write %T as JSON", v))
	}
}

func (w *jsonWriter) container(open, close byte, n, depth int, item func(int)) {
	s := w.style
	w.write(string(open))
	if s.indent == "" {
		for i := 0; i < n; i++ {
			if i > 0 {
				w.write(",")
			}
			item(i)
		}
		w.write(string(close))
		return
	}
	if s.powerShell51 {
		base := w.col - 1 // Column of the opening bracket.
		if n == 0 {
			w.write(s.newline)
			w.newlineAt(base)
			w.write(string(close))
			return
		}
		for i := 0; i < n; i++ {
			if i > 0 {
				w.write(",")
			}
			w.newlineAt(base + len(s.indent))
			item(i)
		}
		w.newlineAt(base)
		w.write(string(close))
		return
	}
	if n == 0 {
		w.write(string(close))
		return
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			w.write(",")
		}
		w.newlineAt((depth + 1) * len(s.indent))
		item(i)
	}
	w.newlineAt(depth * len(s.indent))
	w.write(string(close))
}

// quoteJSON quotes s as a JSON string. Non-ASCII text stays UTF-8, as every
// producer here writes it. PowerShell 5.1 (JavaScriptSerializer) also
// escapes ' < > and &.
func quoteJSON(s string, powerShell51 bool) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20, powerShell51 && (r == '\'' || r == '<' || r == '>' || r == '&'):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
