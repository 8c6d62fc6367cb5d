package parse

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, for errors.Is.
var (
	// ErrUnknownFormat means the input is not a sign-in export signinspect
	// can read.
	ErrUnknownFormat = errors.New("not a sign-in log export")
	// ErrMissingColumn means a CSV header lacks a column the format needs.
	ErrMissingColumn = errors.New("missing column")
	// ErrBadTime means a date or time value could not be read.
	ErrBadTime = errors.New("unreadable time")
	// ErrBadValue means a field holds a value of the wrong kind.
	ErrBadValue = errors.New("unreadable value")
	// ErrTooLarge means an input, record or archive exceeds a safety limit.
	ErrTooLarge = errors.New("too large")
	// ErrTruncated means an input ended in the middle of a record.
	ErrTruncated = errors.New("truncated")
)

// A ParseError is an error at a position in an input. Readers return it for
// a malformed record (the record is skipped and the next Read goes on) and
// for errors that end the input.
type ParseError struct {
	File   string // Input name, as Source.File.
	Line   int    // 1-based line, or 0 when unknown.
	Column int    // 1-based column (byte offset in the line), or 0 when unknown.
	Record int    // 1-based record number, or 0 when unknown.
	Field  string // The field or column name, or "" when the error is not about one field.
	Err    error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	if e.Record > 0 {
		fmt.Fprintf(&b, ": record %d", e.Record)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %q", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// A RecordError reports one malformed record. The Reader that returned it
// has skipped the record and can go on reading; a caller counts it, reports
// it and calls Read again (or stops, in strict mode).
type RecordError struct {
	ParseError
}

func (e *RecordError) Error() string { return e.ParseError.Error() }

func (e *RecordError) Unwrap() error { return &e.ParseError }

// IsRecordError reports whether err is a RecordError: a skipped record,
// after which reading can go on.
func IsRecordError(err error) bool {
	var re *RecordError
	return errors.As(err, &re)
}
