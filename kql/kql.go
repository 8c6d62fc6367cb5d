// Package kql translates signinspect's filters and rules into KQL, the
// query language of Log Analytics, Microsoft Sentinel and Azure Data
// Explorer, so that the diagnosis runs where the sign-in logs already live.
//
// A query reads the sign-in tables that the flow selects (SigninLogs,
// AADNonInteractiveUserSignInLogs, AADServicePrincipalSignInLogs,
// AADManagedIdentitySignInLogs), normalizes each table into the fields of
// the rules' environment (parsing the columns that hold JSON in a string
// first, then unioning), applies the filters, evaluates each rule's `when`
// translated from its expression tree, and summarizes the matches per rule
// as the report's diagnosis does. FIELDS.md documents the field map; the
// translation mirrors signinspect's reader of Log Analytics exports, so a
// rule fires on the same rows in KQL as on a CSV export of them.
//
// Translation works on the typed expression tree (rules.CheckedTree), never
// on text. A construct with no KQL form is an *UntranslatableError naming
// the construct and its position.
package kql

import (
	"fmt"
	"strconv"
	"strings"
)

// quote writes s as a KQL string literal.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// verbatim writes s as a KQL verbatim string (@"..."), in which only the
// double quote needs escaping, by doubling; for regular expressions.
func verbatim(s string) string {
	return `@"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteList writes strings as a parenthesized list of literals, for in and
// in~.
func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// dynamicStrings writes strings as a dynamic array literal.
func dynamicStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return "dynamic([" + strings.Join(q, ", ") + "])"
}

func itoa(n int) string { return strconv.Itoa(n) }
