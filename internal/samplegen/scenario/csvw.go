package scenario

import (
	"strings"
	"unicode/utf16"
)

// csvStyle says how a producer writes delimited text.
type csvStyle struct {
	comma   byte
	newline string
	// quoteAll quotes every field, as the Entra portal's header is quoted;
	// otherwise a field is quoted only when it must be (Excel, Log
	// Analytics).
	quoteAll bool
	// quoteHeader quotes every header field even when rows are quoted
	// only as needed.
	quoteHeader bool
}

// table is a header and rows of fields, written in a csvStyle.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(row []string) { t.rows = append(t.rows, row) }

// encode returns the table as text, every line (the last too) ended by the
// style's newline.
func (s csvStyle) encode(t table) []byte {
	var b strings.Builder
	line := func(fields []string, quoteAll bool) {
		for i, f := range fields {
			if i > 0 {
				b.WriteByte(s.comma)
			}
			if quoteAll || strings.ContainsAny(f, string(s.comma)+"\"\r\n") {
				b.WriteByte('"')
				b.WriteString(strings.ReplaceAll(f, `"`, `""`))
				b.WriteByte('"')
			} else {
				b.WriteString(f)
			}
		}
		b.WriteString(s.newline)
	}
	line(t.header, s.quoteAll || s.quoteHeader)
	for _, r := range t.rows {
		line(r, s.quoteAll)
	}
	return []byte(b.String())
}

// utf8BOM is the byte order mark some producers put before UTF-8 text.
const utf8BOM = "\ufeff"

// withBOM returns data preceded by a UTF-8 byte order mark.
func withBOM(data []byte) []byte { return append([]byte(utf8BOM), data...) }

// utf16LE returns text as UTF-16 little endian with a byte order mark, as
// Excel's "Unicode Text" and Windows PowerShell 5.1's Out-File write it.
func utf16LE(text []byte) []byte {
	units := utf16.Encode([]rune("\ufeff" + string(text)))
	out := make([]byte, 0, 2*len(units))
	for _, u := range units {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}
