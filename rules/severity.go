package rules

import (
	"fmt"
	"strings"
)

// Severity is how serious a rule's finding is. Severities are ordered:
// SeverityInfo < SeverityLow < SeverityMedium < SeverityHigh <
// SeverityCritical, so that --fail-on can compare them.
//
// A Severity marshals as its lower-case name in JSON, YAML and text, and
// unmarshals strictly: any other name is an error.
type Severity int

// The severities, in increasing order.
const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// Severities returns every severity in increasing order.
func Severities() []Severity {
	return []Severity{SeverityInfo, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}
}

// String returns the severity's name ("high").
func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// ParseSeverity returns the severity named s. Names are compared
// case-insensitively after trimming spaces.
func ParseSeverity(s string) (Severity, error) {
	name := strings.TrimSpace(s)
	for i, n := range severityNames {
		if strings.EqualFold(n, name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severityNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler; JSON and YAML encoders use
// it too.
func (s Severity) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(severityNames) {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(severityNames[s]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler, strictly.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Status is the maturity of a rule, as Sigma rules state it.
//
// A Status marshals as its lower-case name and unmarshals strictly.
type Status int

// The statuses.
const (
	// StatusExperimental marks a new rule that may give false positives.
	StatusExperimental Status = iota
	// StatusTest marks a rule being validated on real data.
	StatusTest
	// StatusStable marks a rule trusted to be precise.
	StatusStable
	// StatusDeprecated marks a rule kept for compatibility; it still runs.
	StatusDeprecated
)

var statusNames = [...]string{"experimental", "test", "stable", "deprecated"}

// String returns the status's name ("stable").
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// ParseStatus returns the status named s, compared case-insensitively after
// trimming spaces.
func ParseStatus(s string) (Status, error) {
	name := strings.TrimSpace(s)
	for i, n := range statusNames {
		if strings.EqualFold(n, name) {
			return Status(i), nil
		}
	}
	return 0, fmt.Errorf("unknown status %q (want one of %s)", s, strings.Join(statusNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("invalid status %d", int(s))
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler, strictly.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
