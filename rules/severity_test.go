package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

func TestSeverity(t *testing.T) {
	if !(SeverityInfo < SeverityLow && SeverityLow < SeverityMedium && SeverityMedium < SeverityHigh && SeverityHigh < SeverityCritical) {
		t.Error("severities are not ordered")
	}
	for _, s := range Severities() {
		got, err := ParseSeverity(" " + strings.ToUpper(s.String()) + " ")
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%s) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseSeverity("urgent"); err == nil || err.Error() != `unknown severity "urgent" (want one of info, low, medium, high, critical)` {
		t.Errorf("ParseSeverity(urgent) error = %v", err)
	}

	type doc struct {
		Severity Severity `json:"severity" yaml:"severity"`
		Status   Status   `json:"status" yaml:"status"`
	}
	b, err := json.Marshal(doc{SeverityHigh, StatusStable})
	if err != nil || string(b) != `{"severity":"high","status":"stable"}` {
		t.Errorf("JSON = %s, %v", b, err)
	}
	var d doc
	if err := json.Unmarshal([]byte(`{"severity":"Critical","status":"TEST"}`), &d); err != nil || d.Severity != SeverityCritical || d.Status != StatusTest {
		t.Errorf("JSON unmarshal = %+v, %v", d, err)
	}
	if err := json.Unmarshal([]byte(`{"severity":"severe"}`), &d); err == nil {
		t.Error("JSON accepted a bad severity")
	}
	if err := json.Unmarshal([]byte(`{"severity":3}`), &d); err == nil {
		t.Error("JSON accepted a number")
	}
	y, err := yaml.Marshal(doc{SeverityLow, StatusDeprecated})
	if err != nil || string(y) != "severity: low\nstatus: deprecated\n" {
		t.Errorf("YAML = %q, %v", y, err)
	}
	if err := yaml.Unmarshal([]byte("severity: medium\nstatus: experimental\n"), &d); err != nil || d.Severity != SeverityMedium || d.Status != StatusExperimental {
		t.Errorf("YAML unmarshal = %+v, %v", d, err)
	}
	if err := yaml.Unmarshal([]byte("severity: mild\n"), &d); err == nil {
		t.Error("YAML accepted a bad severity")
	}
	if _, err := Severity(7).MarshalText(); err == nil {
		t.Error("an out-of-range severity marshals")
	}
	if Severity(7).String() != "Severity(7)" || Status(9).String() != "Status(9)" {
		t.Error("String of out-of-range values")
	}
	if _, err := ParseStatus("beta"); err == nil {
		t.Error("ParseStatus(beta)")
	}
}
