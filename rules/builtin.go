package rules

import (
	"embed"
	"fmt"
	"strings"
)

// builtinFS holds the built-in pack, one rule per file named after its ID.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// Builtin returns the built-in rule pack, embedded in the binary, in file
// (ID) order. Its rules have Builtin set and File "builtin/<id>.yaml".
func Builtin() ([]Rule, error) {
	rs, err := Load(builtinFS, "builtin")
	if err != nil {
		return nil, fmt.Errorf("built-in rules: %w", err)
	}
	for i := range rs {
		rs[i].Builtin = true
	}
	return rs, nil
}

// An UnknownIDError says that rules to disable name no rule.
type UnknownIDError struct {
	IDs []string
}

func (e *UnknownIDError) Error() string {
	return fmt.Sprintf("no rule with ID %s (see signinspect rules list)", strings.Join(e.IDs, ", "))
}

// Combine returns the rules to run: base (the built-in pack, or nil) with
// extra (the user's rule files) added, an extra rule replacing a base rule
// of the same ID, and the rules of disable left out. An ID in disable that
// names no rule is an *UnknownIDError, so that a typo does not leave a rule
// running.
func Combine(base, extra []Rule, disable []string) ([]Rule, error) {
	byID := make(map[string]int, len(base)+len(extra))
	var out []Rule
	for _, list := range [][]Rule{base, extra} {
		for _, r := range list {
			if i, ok := byID[r.ID]; ok {
				out[i] = r
				continue
			}
			byID[r.ID] = len(out)
			out = append(out, r)
		}
	}
	off := make(map[string]bool, len(disable))
	var unknown []string
	for _, id := range disable {
		if _, ok := byID[id]; !ok {
			unknown = append(unknown, id)
		}
		off[id] = true
	}
	if len(unknown) > 0 {
		return nil, &UnknownIDError{IDs: unknown}
	}
	kept := out[:0]
	for _, r := range out {
		if !off[r.ID] {
			kept = append(kept, r)
		}
	}
	return kept, nil
}
