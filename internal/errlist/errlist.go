// Package errlist takes apart errors joined with errors.Join, so that each
// can be sorted, rewritten or counted on its own, and path errors, so that a
// message names a path once.
package errlist

import (
	"errors"
	"io/fs"
)

// WithoutPath returns the cause of an *fs.PathError in err, without the
// operation and path, for a message that names the path itself:
// "--rules x.yaml: no such file or directory", not "--rules x.yaml: stat
// x.yaml: no such file or directory". Other errors are returned as they
// are.
func WithoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Flatten returns the errors joined in err (recursively), or err alone;
// nil gives nil.
func Flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Flatten(e)...)
		}
		return out
	}
	return []error{err}
}
