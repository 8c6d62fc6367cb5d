package policy

import (
	"strings"
	"testing"

	"github.com/signinspect/signinspect/internal/fuzzseed"
	"github.com/signinspect/signinspect/parse"
)

// FuzzParseNamedLocations feeds arbitrary bytes to the named-locations
// reader. Nothing may panic, every error line must name the file, and what
// loads must hold together: every range is valid, and Locations over the
// locations finds the first address of each range in a location, trusted
// when the location is.
//
// The seed corpus is the named-locations files of the repository plus
// testdata/fuzz/FuzzParseNamedLocations.
func FuzzParseNamedLocations(f *testing.F) {
	for _, seed := range fuzzseed.Files(f, "testdata/*.json", "../samples/named-locations*.json") {
		f.Add(seed)
	}
	f.Add([]byte(`{"value":[{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"HQ","isTrusted":true,"ipRanges":[{"cidrAddress":"::ffff:198.51.100.0/120"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		locs, err := ParseNamedLocations("fuzz.json", data)
		if err != nil {
			checkErrorLines(t, err, "fuzz.json")
			return
		}
		loc := NewLocations(locs, nil)
		for _, l := range locs {
			for _, r := range l.Ranges {
				if !r.IsValid() {
					t.Fatalf("%s: invalid range %v", l.Name, r)
				}
				names, trusted, ok := loc.Locate(r.Addr().String())
				if !ok || len(names) == 0 {
					t.Fatalf("%s: %v: the first address of the range is in no location", l.Name, r)
				}
				if l.Trusted && !trusted {
					t.Fatalf("%s: %v: the location is trusted, the address is not", l.Name, r)
				}
			}
		}
	})
}

// checkErrorLines fails unless every line of err names the file, with its
// line when it has one ("fuzz.json:3: ...").
func checkErrorLines(t *testing.T, err error, file string) {
	t.Helper()
	for _, line := range strings.Split(err.Error(), "\n") {
		rest, ok := strings.CutPrefix(line, file)
		if !ok || !strings.HasPrefix(rest, ": ") && !strings.HasPrefix(rest, ":") {
			t.Fatalf("error line %q does not name the file", line)
		}
	}
}

// FuzzParsePolicies feeds arbitrary bytes to the policy reader: nothing may
// panic, every error line must name the file, and what loads must evaluate
// against a sign-in and be explained without failing.
//
// The seed corpus is the one-policy exports of samples/ plus
// testdata/fuzz/FuzzParsePolicies.
func FuzzParsePolicies(f *testing.F) {
	// One object per file keeps the seeds small, so that the fuzzer
	// minimizes what it finds quickly; the shapes of the whole exports are
	// in testdata/fuzz/FuzzParsePolicies.
	for _, seed := range fuzzseed.Files(f, "../samples/policies-powershell-CA001.json", "../samples/entra-exporter/Identity/Conditional/AccessPolicies/*/*.json",
		"../samples/intune-management/ConditionalAccess/CA00[17]*.json") {
		f.Add(seed)
	}
	rec := []byte(`{"id": "r1", "createdDateTime": "2026-11-20T10:15:02Z", "userPrincipalName": "a@contoso.com", "userId": "u1",
		"appId": "499b84ac-1321-427f-aa17-267ca6975798", "resourceId": "499b84ac-1321-427f-aa17-267ca6975798", "isInteractive": false,
		"ipAddress": "198.51.100.23", "status": {"errorCode": 53003}, "conditionalAccessStatus": "failure",
		"appliedConditionalAccessPolicies": [{"id": "p1", "result": "failure", "enforcedGrantControls": ["Block"], "conditionsSatisfied": "application,users,location"}]}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		ex, err := ParsePolicies("fuzz.json", data)
		if err != nil {
			checkErrorLines(t, err, "fuzz.json")
			return
		}
		r, err := parse.DecodeJSONRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		e := NewEvaluator(Config{Policies: ex.Policies, NamedLocations: ex.NamedLocations, LoggedConditions: true})
		var ev Evaluation
		e.Evaluate(r, &ev)
		for i := range ev.Results {
			x := e.Explain(&ev, i)
			if x.Summary() == "" {
				t.Fatalf("policy %d: an empty explanation", i)
			}
		}
		e.Compare(&ev)
		NewInventory(nil, ex.Policies, ex.NamedLocations, ex.Notes)
	})
}

// FuzzParseEdit feeds arbitrary values to the parser of whatif's edit
// flags: nothing may panic, and an edit that parses applies to the story's
// configuration or fails with an error, never leaving it changed.
func FuzzParseEdit(f *testing.F) {
	for _, seed := range []string{"Corporate egress=198.51.100.23/32", "Corporate egress=2001:db8:4d2:10::/64", "CA001=Azure DevOps",
		"CA001=499b84ac-1321-427f-aa17-267ca6975798", "CA001=svc-build@contoso.com", "CA006=report-only", "a=b=c", "=", "Contractor VPN"} {
		for k := EditAddRange; k <= EditState; k++ {
			f.Add(uint8(k), seed)
		}
	}
	cfg := Config{Policies: []Policy{{ID: "6c6fe338-a1db-4bbc-b984-0054d8199eb6", Name: "CA001", State: StateEnabled}},
		NamedLocations: []NamedLocation{{ID: "c8b6a51e", Name: "Corporate egress", Kind: LocationIP}, {Name: "Allowed countries", Kind: LocationCountry}}}
	f.Fuzz(func(t *testing.T, kind uint8, value string) {
		e, err := ParseEdit(EditKind(kind%5), value)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		_ = e.String()
		out, err := cfg.Apply(e)
		if err != nil {
			if len(cfg.NamedLocations[0].Ranges) != 0 || cfg.Policies[0].State != StateEnabled {
				t.Fatal("a failed edit changed the configuration")
			}
			return
		}
		if len(out.Policies) != len(cfg.Policies) || len(out.NamedLocations) != len(cfg.NamedLocations) {
			t.Fatal("an edit added or dropped objects")
		}
		if len(cfg.NamedLocations[0].Ranges) != 0 || cfg.Policies[0].State != StateEnabled || cfg.Policies[0].Applications.Exclude != nil {
			t.Fatal("an edit changed the configuration it was applied to")
		}
	})
}
