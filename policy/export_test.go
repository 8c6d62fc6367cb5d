package policy

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/parse"
)

// TestPolicyShapes reads the story's policies from every export shape of
// samples/ and checks that each gives the same policies as the Graph
// export, and the same named locations where the tool exports them too.
func TestPolicyShapes(t *testing.T) {
	want, err := LoadPolicies([]string{"../samples/policies.json"}, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Policies) != 7 || len(want.NamedLocations) != 0 {
		t.Fatalf("policies.json: %d policies, %d named locations; want 7, 0", len(want.Policies), len(want.NamedLocations))
	}
	wantLocs, err := LoadNamedLocations("../samples/named-locations.json", parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	strip := func(ps []Policy) []Policy {
		out := append([]Policy(nil), ps...)
		for i := range out {
			out[i].Source, out[i].Modified = "", ""
		}
		return out
	}
	stripLocs := func(ls []NamedLocation) []NamedLocation {
		out := append([]NamedLocation(nil), ls...)
		for i := range out {
			out[i].Source = ""
		}
		return out
	}
	for _, c := range []struct {
		path      string
		policies  int
		locations int
		notes     int
	}{
		{"../samples/policies-beta-paged.json", 7, 0, 0},
		{"../samples/policies-powershell.json", 7, 0, 0},
		{"../samples/policies-powershell-CA001.json", 1, 0, 0},
		{"../samples/entra-exporter", 7, 3, 0},
		{"../samples/intune-management", 7, 3, 1},
	} {
		t.Run(c.path, func(t *testing.T) {
			ex, err := LoadPolicies([]string{c.path}, parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(ex.Policies) != c.policies || len(ex.NamedLocations) != c.locations || len(ex.Notes) != c.notes {
				t.Fatalf("%d policies, %d named locations, notes %q; want %d, %d, %d notes", len(ex.Policies), len(ex.NamedLocations), ex.Notes, c.policies, c.locations, c.notes)
			}
			got := strip(ex.Policies)
			for _, g := range got {
				var w *Policy
				for i := range want.Policies {
					if want.Policies[i].ID == g.ID {
						w = &strip(want.Policies)[i]
					}
				}
				if w == nil {
					t.Fatalf("policy %s is not in policies.json", g.ID)
				}
				if !reflect.DeepEqual(g, *w) {
					t.Errorf("policy %s:\n got %+v\nwant %+v", g.Name, g, *w)
				}
			}
			if c.locations > 0 {
				byID := map[string]NamedLocation{}
				for _, l := range stripLocs(ex.NamedLocations) {
					byID[l.ID] = l
				}
				for _, l := range stripLocs(wantLocs) {
					if !reflect.DeepEqual(byID[l.ID], l) {
						t.Errorf("named location %s:\n got %+v\nwant %+v", l.Name, byID[l.ID], l)
					}
				}
			}
		})
	}
	// What the policies say, read once.
	ca004 := want.Policies[3]
	if ca004.Grant != nil || ca004.Session.SignInFrequency == nil || ca004.Session.SignInFrequency.String() != "30 days" {
		t.Errorf("CA004 = %+v, want a 30-day sign-in frequency and no grant", ca004)
	}
	ca007 := want.Policies[6]
	if ca007.State != StateDisabled || ca007.DeviceFilter == nil || ca007.DeviceFilter.parsed == nil || !ca007.Grant.Blocks() {
		t.Errorf("CA007 = %+v, want disabled with a device filter and block", ca007)
	}
	if want.Policies[0].Source != "../samples/policies.json:4" {
		t.Errorf("CA001 source %q", want.Policies[0].Source)
	}
}

// TestPolicyErrors checks that a malformed policy is one line naming the
// file, the line and the key, and that a file that holds no policy says
// what it holds instead.
func TestPolicyErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"users not an object", "{\"value\": [{\"displayName\": \"CA1\",\n \"conditions\": {\"users\": [\"All\"]}}]}",
			`users not an object:2: value[0].conditions.users: want an object, got an array`},
		{"includeUsers of numbers", "[{\"displayName\": \"CA1\", \"conditions\": {\"users\": {\n  \"includeUsers\": [1]}}}]",
			`includeUsers of numbers:2: [0].conditions.users.includeUsers[0]: want a string, got a number`},
		{"PowerShell cut at its depth", "{\"DisplayName\": \"CA1\", \"State\": \"enabled\",\r\n \"Conditions\": \"Microsoft.Graph.PowerShell.Models.MicrosoftGraphConditionalAccessConditionSet\"}",
			`PowerShell cut at its depth:2: Conditions: want an object, got the type name "Microsoft.Graph.PowerShell.Models.MicrosoftGraphConditionalAccessConditionSet": ConvertTo-Json stopped at its -Depth; export again with ConvertTo-Json -Depth 10`},
		{"no conditions", `{"displayName": "CA1", "grantControls": {"builtInControls": ["block"]}}`,
			`no conditions:1: policy "CA1" has no conditions`},
		{"state not a string", `{"displayName": "CA1", "state": true, "conditions": {}}`,
			`state not a string:1: state: want a string, got a boolean`},
		{"a sign-in export", `[{"createdDateTime": "2026-11-20T10:15:02Z", "userPrincipalName": "a@b", "status": {"errorCode": 0}}]`,
			`a sign-in export: holds no Conditional Access policy: it is a sign-in log export (pass it as an input of analyze or whatif)`},
		{"named locations", `{"value": [{"@odata.type": "#microsoft.graph.ipNamedLocation", "ipRanges": []}]}`,
			`named locations: holds no Conditional Access policy: it is a named locations export; pass it with --named-locations`},
		{"not JSON", "id,displayName\n1,CA1\n", `not JSON:1: not valid JSON: invalid character 'i' looking for beginning of value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadInputs([]parse.Input{parse.BytesInput(tt.name, []byte(tt.data))}, parse.Options{}, true, true)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tt.want)
			}
		})
	}
}

// TestPolicyUnknownValues checks that values Graph may add later make a
// condition unknown, with a warning, instead of failing the file.
func TestPolicyUnknownValues(t *testing.T) {
	ex, err := ParsePolicies("future.json", []byte(`{"displayName": "CA9", "state": "partiallyEnabled",
		"conditions": {"clientAppTypes": ["all", "holographic"], "platforms": {"includePlatforms": ["visionOS"]},
			"users": {"includeUsers": ["All"]}, "applications": {"includeApplications": ["All"]}, "quantumRisk": ["high"]},
		"grantControls": {"operator": "XOR", "builtInControls": ["retinaScan"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	p := ex.Policies[0]
	got := strings.Join(p.Warnings, "\n")
	for _, w := range []string{`state: unknown value "partiallyEnabled"`, `conditions.clientAppTypes: unknown value "holographic"`,
		`conditions.platforms.includePlatforms: unknown value "visionOS"`, `grantControls.builtInControls: unknown value "retinaScan"`,
		`grantControls.operator: unknown value "XOR"`} {
		if !strings.Contains(got, w) {
			t.Errorf("warnings %q lack %q", p.Warnings, w)
		}
	}
	e := NewEvaluator(Config{Policies: ex.Policies})
	var ev Evaluation
	e.Evaluate(mustRecord(t, patCall), &ev)
	if ev.Results[0].Result != parse.CAUnknown || ev.Verdict != VerdictUnknown {
		t.Errorf("result %s, verdict %v; want unknown, unknown", ev.Results[0].Result, ev.Verdict)
	}
}

// TestPolicyInputs checks the inputs --policies takes: standard input, a
// gzip-compressed UTF-16 file, and a folder with a file that is no export.
func TestPolicyInputs(t *testing.T) {
	ex, err := LoadPolicies([]string{"-"}, parse.Options{Stdin: bytes.NewReader([]byte(`{"displayName": "CA1", "conditions": {}}`))})
	if err != nil || len(ex.Policies) != 1 {
		t.Fatalf("standard input: %v, %v", ex, err)
	}
	if _, err := LoadPolicies([]string{"testdata/missing.json"}, parse.Options{}); err == nil {
		t.Error("no error for a missing file")
	}
	if _, err := LoadPolicies([]string{"testdata/graph.json"}, parse.Options{}); err == nil ||
		!strings.Contains(err.Error(), "pass it with --named-locations") {
		t.Errorf("named locations given as policies: %v", err)
	}
}
