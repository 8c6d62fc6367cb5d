package analyze

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/redact"
	"github.com/signinspect/signinspect/rules"
)

// personalReport is a report with identities in every field that can hold
// one.
func personalReport() *Report {
	at := time.Date(2026, 11, 20, 10, 15, 2, 0, time.UTC)
	yes := true
	return &Report{
		Schema: Schema,
		Inputs: []InputSummary{{Path: "export.json", Format: "graph-json", Records: 3, Skipped: 1,
			SkipReasons: []SkipReason{{Reason: `field "userPrincipalName": bad value "svc-build@contoso.com"`, Count: 1,
				First: `export.json:4: record 2: field "userPrincipalName": bad value "svc-build@contoso.com"`}},
			Warnings: []string{"row of Build Service from 198.51.100.23 has no flow"}, Error: "unreadable 203.0.113.9"}},
		Filter: FilterSummary{Users: []string{"svc-build@contoso.com", "Adele Vance", "1c69e53a-3c5b-488f-9caf-8103dcc79d39"},
			Apps: []string{"Azure DevOps"}, Where: `IP == "198.51.100.23"`,
			Description: "user svc-build@contoso.com or Adele Vance or 1c69e53a-3c5b-488f-9caf-8103dcc79d39"},
		Summary: Summary{Read: 3, NoMatch: "0 matched: svc-build@contoso.com signed in only interactively"},
		Verdict: Verdict{Answer: "Policy CA001 blocked 198.51.100.23", Causes: []Cause{{Finding: 1, Text: "Policy CA001 blocked 198.51.100.23 of Adele Vance"}}},
		Findings: []Finding{{Rule: "ip-outside-trusted-locations", Title: "Blocked", Count: 2,
			Fix:          "Add 198.51.100.23 for svc-build@contoso.com to policy CA001, as ::ffff:203.0.113.7 (the ::ffff: form) if it calls over IPv6",
			FixSpans:     spansOf("Add 198.51.100.23 for svc-build@contoso.com to policy CA001", "198.51.100.23", "svc-build@contoso.com"),
			Verdict:      "Policy CA001 blocked 198.51.100.23 of svc-build@contoso.com",
			VerdictSpans: spansOf("Policy CA001 blocked 198.51.100.23 of svc-build@contoso.com", "198.51.100.23", "svc-build@contoso.com"),
			Fixes: []FixGroup{{Fix: "Add 2001:db8:4d2:10::17 for Build Service", Count: 1,
				Spans:  spansOf("Add 2001:db8:4d2:10::17 for Build Service", "2001:db8:4d2:10::17", "Build Service"),
				Labels: []string{"IP address", "user"},
				Values: []FixValues{{Values: []string{"2001:db8:4d2:10::17", "Build Service"}, Count: 1}}}},
			Evidence: []Evidence{
				{Time: at, RequestID: "b27fd72f-4b41-446e-8160-b072930b6057", User: "svc-build@contoso.com", App: "Azure DevOps",
					IP: "198.51.100.23", Code: 53003, Policies: []string{"CA001 - Azure DevOps: block"}, Source: "export.json:2"},
				{Time: at, RequestID: "9663d1ed-f7f6-41f5-a2e7-85f0f3520f15", User: "Build Service", IP: "2001:db8:4d2:10::17"},
			}}},
		Policies:  []PolicyStat{{ID: "6c6fe338-a1db-4bbc-b984-0054d8199eb6", Name: "CA001 - Azure DevOps: block", Failures: 2}},
		Locations: []LocationStat{{IP: "198.51.100.23", City: "Amsterdam", Country: "NL", SeenByResource: []string{"203.0.113.10"}, Trusted: &yes}},
		Devices:   []DeviceStat{{OS: "Windows10", Browser: "Rich Client 4.66.1.0"}},
		Errors:    []ErrorStat{{Code: 50057, Reason: "The account svc-build@contoso.com is disabled."}},
		Users: []GroupStat{{Name: "svc-build@contoso.com", ID: "1fe161c6-f484-4b44-af3a-fdd3a009be31", Matched: 2},
			{Name: "Adele Vance", ID: "1c69e53a-3c5b-488f-9caf-8103dcc79d39"}},
		Apps:       []GroupStat{{Name: "Azure DevOps", ID: "499b84ac-1321-427f-aa17-267ca6975798", Matched: 2}},
		RuleErrors: []RuleError{{Rule: "x", Error: "no IP 198.51.100.23", First: "export.json:2", Message: "rule x failed for Adele Vance"}},
	}
}

// spansOf returns the spans of text where each value first occurs, in
// order: where a fix's placeholders wrote them.
func spansOf(text string, values ...string) []rules.Span {
	var out []rules.Span
	from := 0
	for _, v := range values {
		i := strings.Index(text[from:], v) + from
		out = append(out, rules.Span{Start: i, End: i + len(v)})
		from = i + len(v)
	}
	return out
}

func TestRedact(t *testing.T) {
	p, err := redact.New([]byte("0123456789abcdef0123"), redact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := personalReport()
	Redact(rep, p)
	b, _ := json.Marshal(rep)
	out := string(b)
	for _, s := range []string{"svc-build", "contoso.com", "Build Service", "Adele Vance", "1c69e53a", "1fe161c6",
		"198.51.100.23", "2001:db8:4d2:10::17", "203.0.113.10", "203.0.113.9"} {
		if strings.Contains(out, s) {
			t.Errorf("the redacted report holds %q", s)
		}
	}
	// Kept: apps, policies, request IDs, devices, places, rule IDs, and
	// the rule's own words around the values its fix quotes.
	for _, s := range []string{"::ffff:203.0.113.7 (the ::ffff: form) if it calls over IPv6", "Azure DevOps", "499b84ac-1321-427f-aa17-267ca6975798", "CA001 - Azure DevOps: block",
		"6c6fe338-a1db-4bbc-b984-0054d8199eb6", "b27fd72f-4b41-446e-8160-b072930b6057", "Rich Client 4.66.1.0",
		"Amsterdam", "ip-outside-trusted-locations", "export.json:2"} {
		if !strings.Contains(out, s) {
			t.Errorf("the redacted report lost %q", s)
		}
	}
	// One identity, one pseudonym, in every section.
	upn := p.UPN("svc-build@contoso.com")
	ip, _ := p.IP("198.51.100.23")
	if rep.Findings[0].Evidence[0].User != upn || rep.Users[0].Name != upn || rep.Filter.Users[0] != upn ||
		!strings.Contains(rep.Findings[0].Fix, upn) || !strings.Contains(rep.Errors[0].Reason, upn) {
		t.Errorf("the UPN's pseudonyms differ: %+v", rep)
	}
	if rep.Findings[0].Evidence[0].IP != ip || rep.Locations[0].IP != ip || !strings.Contains(rep.Findings[0].Fix, ip) {
		t.Errorf("the IP's pseudonyms differ")
	}
	if name := p.Name("Build Service"); rep.Findings[0].Evidence[1].User != name || !strings.Contains(rep.Findings[0].Fixes[0].Fix, name) {
		t.Errorf("display name: %q, %q", rep.Findings[0].Evidence[1].User, rep.Findings[0].Fixes[0].Fix)
	}
	if id := p.ID("1c69e53a-3c5b-488f-9caf-8103dcc79d39"); rep.Filter.Users[2] != id || rep.Users[1].ID != id {
		t.Errorf("user ID: %q %q", rep.Filter.Users[2], rep.Users[1].ID)
	}
	if !rep.Redacted {
		t.Error("Redacted not set")
	}
}

// redactReviewed lists every string field of Report, by path, with what
// Redact does with it. A field added to the report fails this test until
// it is added here: decide whether --redact must pseudonymize it (and do so
// in redact.go) or may keep it.
var redactReviewed = map[string]string{
	"PolicyEvaluation.Disagreements[].Condition": "kept",
	"PolicyEvaluation.Disagreements[].Evaluated": "kept",
	"PolicyEvaluation.Disagreements[].Logged":    "kept",
	"PolicyEvaluation.Disagreements[].Policy":    "kept: a policy name",
	"PolicyEvaluation.Disagreements[].PolicyID":  "kept",
	"PolicyEvaluation.Disagreements[].Reason":    "text",
	"PolicyEvaluation.Disagreements[].RequestID": "kept",
	"PolicyEvaluation.Disagreements[].Source":    "kept",
	"PolicyEvaluation.Disagreements[].User":      "user",
	"PolicyEvaluation.Failures[].Conditions[]":   "kept",
	"PolicyEvaluation.Failures[].Control":        "kept",
	"PolicyEvaluation.Failures[].ControlStatus":  "kept",
	"PolicyEvaluation.Failures[].Policy":         "kept: a policy name",
	"PolicyEvaluation.Failures[].PolicyID":       "kept",
	"PolicyEvaluation.Failures[].Reason":         "text",
	"PolicyEvaluation.Failures[].RequestIDs[]":   "kept",
	"PolicyEvaluation.Failures[].Verdict":        "kept",
	"PolicyEvaluation.Warnings[]":                "text",
	"Apps[].ID":                                  "kept",
	"Apps[].Name":                                "kept",
	"Apps[].TopFinding":                          "kept",
	"Devices[].Browser":                          "kept",
	"Devices[].ClientApp":                        "kept",
	"Devices[].OS":                               "kept",
	"Devices[].TrustType":                        "kept",
	"Errors[].Meaning":                           "kept",
	"Errors[].Name":                              "kept",
	"Errors[].Reason":                            "text",
	"Filter.Apps[]":                              "kept",
	"Filter.Description":                         "text",
	"Filter.Flow":                                "kept",
	"Filter.Status":                              "kept",
	"Filter.TimeZone":                            "kept",
	"Filter.Users[]":                             "user",
	"Filter.Where":                               "text",
	"Findings[].Description":                     "kept: rule text",
	"Findings[].Evidence[].App":                  "kept",
	"Findings[].Evidence[].CorrelationID":        "kept",
	"Findings[].Evidence[].IP":                   "IP",
	"Findings[].Evidence[].Policies[]":           "text",
	"Findings[].Evidence[].RequestID":            "kept",
	"Findings[].Evidence[].Source":               "kept",
	"Findings[].Evidence[].User":                 "user",
	"Findings[].Fix":                             "text",
	"Findings[].Fixes[].Fix":                     "text",
	"Findings[].Fixes[].Labels[]":                "kept: rule text",
	"Findings[].Fixes[].Values[].Values[]":       "by label: IP, user, or text",
	"Findings[].Verdict":                         "text",
	"Verdict.Answer":                             "text",
	"Verdict.Causes[].Rule":                      "kept",
	"Verdict.Causes[].Severity":                  "kept",
	"Verdict.Causes[].Text":                      "text",
	"Findings[].References[]":                    "kept",
	"Findings[].Rule":                            "kept",
	"Findings[].Severity":                        "kept",
	"Findings[].Tags[]":                          "kept",
	"Findings[].Title":                           "kept: rule text",
	"Inputs[].Error":                             "text",
	"Inputs[].Format":                            "kept",
	"Inputs[].FormatName":                        "kept",
	"Inputs[].Path":                              "kept: the user's own file names",
	"Inputs[].SkipReasons[].First":               "text",
	"Inputs[].SkipReasons[].Reason":              "text",
	"Inputs[].Warnings[]":                        "text",
	"Locations[].City":                           "kept: city level",
	"Locations[].Country":                        "kept",
	"Locations[].IP":                             "IP",
	"Locations[].IPFamily":                       "kept",
	"Locations[].NamedLocations[]":               "kept",
	"Locations[].SeenByResource[]":               "IP",
	"Locations[].State":                          "kept: city level",
	"Policies[].GrantControls[]":                 "kept",
	"Policies[].ID":                              "kept",
	"Policies[].Name":                            "text",
	"Policies[].Results[].Result":                "kept",
	"Policies[].SessionControls[]":               "kept",
	"RuleErrors[].Error":                         "text",
	"RuleErrors[].First":                         "text",
	"RuleErrors[].Message":                       "text",
	"RuleErrors[].Rule":                          "kept",
	"Schema":                                     "kept",
	"Summary.NoMatch":                            "text",
	"Timeline.Bucket":                            "kept",
	"Users[].ID":                                 "user ID",
	"Users[].Name":                               "user",
	"Users[].TopFinding":                         "kept",
	"Version":                                    "kept",
	"Warnings[].Inputs[]":                        "kept: the user's own file names",
	"Warnings[].Text":                            "text",
}

// stringPaths returns the paths of the string fields of t, and of strings
// in its slices and pointers.
func stringPaths(t reflect.Type, prefix string, out map[string]bool) {
	switch t.Kind() {
	case reflect.Pointer:
		stringPaths(t.Elem(), prefix, out)
	case reflect.Slice:
		stringPaths(t.Elem(), prefix+"[]", out)
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			p := f.Name
			if prefix != "" {
				p = prefix + "." + f.Name
			}
			stringPaths(f.Type, p, out)
		}
	case reflect.String:
		out[prefix] = true
	}
}

func TestRedactCoversEveryStringField(t *testing.T) {
	fields := map[string]bool{}
	stringPaths(reflect.TypeFor[Report](), "", fields)
	var missing []string
	for p := range fields {
		if _, ok := redactReviewed[p]; !ok {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("report fields that analyze.Redact has not been reviewed for (decide in analyze/redact.go, then list them in redactReviewed): %s",
			strings.Join(missing, ", "))
	}
}
