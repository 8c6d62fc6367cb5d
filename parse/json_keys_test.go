package parse

import (
	"strings"
	"testing"
)

func TestJSONRecordKeys(t *testing.T) {
	k := JSONRecordKeys()
	for _, c := range []struct {
		path   string
		known  bool
		object bool
	}{
		{"ipAddress", true, false},
		{"IPAddress", true, false},
		{"ipAdress", false, false},
		{"status", true, true},
		{"status.errorCode", true, false},
		{"status.errorcode", true, false},
		{"status.errCode", false, false},
		{"deviceDetail.isCompliant", true, false},
		{"appliedConditionalAccessPolicies.enforcedGrantControls", true, false},
		{"appliedConditionalAccessPolicies.authenticationStrength.displayName", true, false},
		{"location.countryOrRegion", true, false},
		{"deviceDetail.additionalProperties.anything", true, true},
		{"value", false, false},
		{"properties", false, false},
		{"ConditionalAccessPolicies.result", true, false},
	} {
		keys, ok := k, true
		for _, part := range strings.Split(c.path, ".") {
			if keys == nil {
				ok = false
				break
			}
			keys, ok = keys.Member(part)
			if !ok {
				break
			}
		}
		if ok != c.known || ok && (keys != nil) != c.object {
			t.Errorf("%s: known %v, object %v; want %v, %v", c.path, ok, keys != nil, c.known, c.object)
		}
	}
	if got := k.Path("errorCode"); got != "status.errorCode" {
		t.Errorf("Path(errorCode) = %q", got)
	}
	if got := k.Path("isCompliant"); got != "deviceDetail.isCompliant" {
		t.Errorf("Path(isCompliant) = %q", got)
	}
	if got := k.Path("ipAddress"); got != "" {
		t.Errorf("Path of a top-level member = %q", got)
	}
}
