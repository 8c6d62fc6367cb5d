package errlist

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestFlatten(t *testing.T) {
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	wrapped := fmt.Errorf("w: %w", c)
	for _, tc := range []struct {
		name string
		err  error
		want []error
	}{
		{"nil", nil, nil},
		{"one", a, []error{a}},
		{"joined", errors.Join(a, b), []error{a, b}},
		{"nested", errors.Join(a, errors.Join(b, wrapped)), []error{a, b, wrapped}},
	} {
		if got := Flatten(tc.err); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Flatten = %v, want %v", tc.name, got, tc.want)
		}
	}
}
