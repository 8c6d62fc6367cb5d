package policy

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/signinspect/signinspect/parse"
)

// readText reads an export of the tenant's configuration whole, through
// parse's text opener, as UTF-8 of at most limit bytes.
func readText(in parse.Input, opts parse.Options, limit int64) ([]byte, error) {
	rc, _, err := parse.OpenText(in, opts)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	text, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	if int64(len(text)) > limit {
		return nil, fmt.Errorf("%s: %w: more than %d MiB of text", in.Name, parse.ErrTooLarge, limit>>20)
	}
	if !utf8.Valid(text) {
		return nil, fmt.Errorf("%s: not UTF-8 or UTF-16 text", in.Name)
	}
	return text, nil
}
