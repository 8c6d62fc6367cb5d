package rules

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/vm"
)

// A template is a rule's fix text with {{ expr }} placeholders, compiled
// once. Each placeholder is an expression over the same Env as `when`,
// evaluated against the matching sign-in; its value is written as text
// (lists joined with ", ", nil as nothing). A literal "{{" is written
// {{ "{{" }}.
type template struct {
	parts []templatePart
	size  int // Bytes of literal text, to size the output once.
}

type templatePart struct {
	text string      // Literal text, when prog is nil.
	src  string      // The placeholder's expression.
	prog *vm.Program // The compiled placeholder.
}

// templateError is an error in the placeholder at byte offset of the text.
type templateError struct {
	offset int
	err    error
}

func (e *templateError) Error() string { return e.err.Error() }
func (e *templateError) Unwrap() error { return e.err }

// compileTemplate compiles a fix text.
func compileTemplate(text string, tn *tenant) (*template, error) {
	t := &template{}
	rest, offset := text, 0
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			if rest != "" {
				t.parts = append(t.parts, templatePart{text: rest})
			}
			for _, p := range t.parts {
				t.size += len(p.text)
			}
			return t, nil
		}
		if i > 0 {
			t.parts = append(t.parts, templatePart{text: rest[:i]})
		}
		start := offset + i + 2
		body := rest[i+2:]
		// The placeholder ends at the first "}}" after which the expression
		// compiles, so that an expression may itself hold "}}" (a closure
		// inside a map literal, say).
		var part templatePart
		var firstErr error
		end := -1
		for from := 0; ; {
			j := strings.Index(body[from:], "}}")
			if j < 0 {
				break
			}
			j += from
			src := body[:j]
			if strings.TrimSpace(src) == "" {
				firstErr = errors.New("empty placeholder {{ }}")
				end = j
				break
			}
			prog, err := compileExpr(src, tn)
			if err == nil {
				part, end, firstErr = templatePart{src: strings.TrimSpace(src), prog: prog}, j, nil
				break
			}
			if firstErr == nil {
				firstErr = err
			}
			from = j + 2
		}
		if firstErr != nil {
			return nil, &templateError{offset: start, err: firstErr}
		}
		if end < 0 {
			return nil, &templateError{offset: start, err: errors.New("unclosed placeholder: {{ without }}")}
		}
		t.parts = append(t.parts, part)
		consumed := i + 2 + end + 2
		rest = rest[consumed:]
		offset += consumed
	}
}

// render evaluates the template for the environment's current record. On a
// placeholder error it writes "?" there and returns the first error.
func (t *template) render(m *vm.VM, env *Env) (string, error) {
	if len(t.parts) == 1 && t.parts[0].prog == nil {
		return t.parts[0].text, nil
	}
	var b strings.Builder
	b.Grow(t.size + 64*(len(t.parts)-1)/2 + 64)
	var firstErr error
	for _, p := range t.parts {
		if p.prog == nil {
			b.WriteString(p.text)
			continue
		}
		v, err := m.Run(p.prog, env)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			b.WriteString("?")
			continue
		}
		writeValue(&b, v)
	}
	return b.String(), firstErr
}

// writeValue writes a placeholder's value as text.
func writeValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
	case string:
		b.WriteString(x)
	case []string:
		b.WriteString(strings.Join(x, ", "))
	case []any:
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, e)
		}
	case int:
		b.WriteString(strconv.Itoa(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case *bool:
		if x != nil {
			b.WriteString(strconv.FormatBool(*x))
		}
	default:
		fmt.Fprint(b, x)
	}
}

// String returns the template's text with its placeholders.
func (t *template) String() string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.prog == nil {
			b.WriteString(p.text)
		} else {
			b.WriteString("{{ " + p.src + " }}")
		}
	}
	return b.String()
}
