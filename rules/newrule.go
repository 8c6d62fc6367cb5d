package rules

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed template/new-rule.yaml
var newRuleTemplate string

// NewRuleFile returns a complete rule file for a new rule with the given
// ID, to be written at file: every key with a comment that says what it
// takes, an example condition and fix, and test cases that pass. The ID
// must be kebab-case.
func NewRuleFile(id, file string) ([]byte, error) {
	if err := checkID(id); err != nil {
		return nil, fmt.Errorf("rule ID: %w", err)
	}
	return []byte(strings.NewReplacer("NEW-RULE-ID", id, "NEW-RULE-FILE", file).Replace(newRuleTemplate)), nil
}
