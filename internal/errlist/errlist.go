// Package errlist takes apart errors joined with errors.Join, so that each
// can be sorted, rewritten or counted on its own.
package errlist

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
