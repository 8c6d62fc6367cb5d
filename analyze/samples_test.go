package analyze

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/signinspect/signinspect/internal/samplegen/scenario"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
	"github.com/signinspect/signinspect/rules"
)

// causeRules maps each root cause of the sample scenario to the built-in
// rule that must diagnose it.
var causeRules = map[scenario.Cause]string{
	scenario.IPOutsideTrustedLocations: "ip-outside-trusted-locations",
	scenario.MFARequired:               "mfa-required-non-interactive",
	scenario.CompliantDeviceRequired:   "device-required-no-device-context",
	scenario.SignInFrequency:           "sign-in-frequency-stale-token",
	scenario.InvalidPassword:           "invalid-credentials",
	scenario.DisabledAccount:           "account-disabled",
	scenario.ExpiredPassword:           "password-expired-or-changed",
	scenario.RevokedGrant:              "token-expired-or-revoked",
	scenario.ExpiredRefreshToken:       "token-expired-or-revoked",
}

// caRootCauseRules are the rules that name a Conditional Access root cause:
// none of them may fire on a successful sign-in.
var caRootCauseRules = []string{
	"ip-outside-trusted-locations", "mfa-required-non-interactive",
	"device-required-no-device-context", "sign-in-frequency-stale-token",
	"ca-block-without-policy-detail", "ipv6-caller-ipv4-only-locations",
}

// TestSamplesDiagnosis runs analyze with the built-in pack on every sample
// export and checks that each failed sign-in gets the finding of its root
// cause (or, where the format has no policy detail, the finding that says
// so), and that no successful sign-in gets a Conditional Access root cause.
func TestSamplesDiagnosis(t *testing.T) {
	sc := scenario.New()
	files, err := sc.Files()
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	named, err := policy.LoadNamedLocations(filepath.Join("..", "samples", "named-locations.json"), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := &rules.Context{NamedLocations: named}
	set, err := rules.Compile(builtin, ctx)
	if err != nil {
		t.Fatal(err)
	}
	checked := map[scenario.Cause]int{}
	for _, f := range files {
		if f.Format == "" || f.Format == "portal-authdetails-csv" {
			continue
		}
		t.Run(f.Path, func(t *testing.T) {
			rep, err := Run(context.Background(), []string{filepath.Join("..", "samples", filepath.FromSlash(f.Path))},
				Options{Filter: Filter{Flow: FlowAny}, Rules: set, Context: ctx})
			if err != nil {
				t.Fatal(err)
			}
			fired := map[string]map[string]bool{} // request ID → rule IDs
			for _, fd := range rep.Findings {
				if fd.EvidenceOmitted > 0 {
					t.Fatalf("finding %s lists %d of %d sign-ins; the test needs them all", fd.Rule, len(fd.Evidence), fd.Count)
				}
				for _, ev := range fd.Evidence {
					if fired[ev.RequestID] == nil {
						fired[ev.RequestID] = map[string]bool{}
					}
					fired[ev.RequestID][fd.Rule] = true
				}
			}
			policyDetail := f.Format != "portal-csv"
			signIns := f.SignIns
			for _, m := range f.Members {
				signIns = append(signIns, m.SignIns...)
			}
			for _, s := range signIns {
				got := fired[s.RequestID]
				if !s.Failed() {
					for _, id := range caRootCauseRules {
						if got[id] {
							t.Errorf("successful sign-in %s (%s) got root-cause finding %s", s.RequestID, s.Story, id)
						}
					}
					continue
				}
				want, ok := causeRules[s.Cause]
				if !ok {
					t.Errorf("failed sign-in %s has cause %q with no rule in this test", s.RequestID, s.Cause)
					continue
				}
				if !policyDetail && s.Cause == scenario.IPOutsideTrustedLocations {
					// A portal CSV cannot show which policy failed on what:
					// the finding says so and where to find it.
					want = "ca-block-without-policy-detail"
				}
				if s.Has(scenario.IPSeenByResourceDiffers) && got["ip-seen-by-resource-differs"] {
					// The resource saw another address than Entra ID: the
					// finding that names both addresses is the diagnosis.
					want = "ip-seen-by-resource-differs"
				}
				if !got[want] {
					t.Errorf("failed sign-in %s (%s, cause %s): want finding %s, got %v", s.RequestID, s.Story, s.Cause, want, keys(got))
				}
				checked[s.Cause]++
			}
		})
	}
	for cause := range causeRules {
		if checked[cause] == 0 {
			t.Errorf("no sample sign-in with cause %s was checked", cause)
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
