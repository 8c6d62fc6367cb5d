package rules

import (
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// benchPolicies are the seven policies of the sample tenant, as a Graph
// export lists them on every user sign-in.
const benchPolicies = `[
 {"id":"6c6fe338-a1db-4bbc-b984-0054d8199eb6","displayName":"CA001 - Azure DevOps: block service accounts outside corporate network","result":"%s","enforcedGrantControls":["Block"],"enforcedSessionControls":[],"conditionsSatisfied":"application,users,location","conditionsNotSatisfied":"none"},
 {"id":"8d36f18e-3b1b-4063-9322-ef0ae9766b1f","displayName":"CA002 - Contractors: require MFA for all cloud apps","result":"notApplied","enforcedGrantControls":[],"enforcedSessionControls":[],"conditionsSatisfied":"application","conditionsNotSatisfied":"users"},
 {"id":"cbfab292-e523-4778-95ee-fcbd28d9cff0","displayName":"CA003 - Azure DevOps: require compliant device for engineering","result":"notApplied","enforcedGrantControls":[],"enforcedSessionControls":[],"conditionsSatisfied":"application","conditionsNotSatisfied":"users"},
 {"id":"3721d222-2a34-4cbc-b854-c986df8b6ecb","displayName":"CA004 - Service accounts: sign-in frequency 30 days","result":"success","enforcedGrantControls":[],"enforcedSessionControls":["SignInFrequency"],"conditionsSatisfied":"application,users","conditionsNotSatisfied":"none"},
 {"id":"2e5cc7fd-6b9a-4203-b5ec-d5fd3c036b27","displayName":"CA005 - Azure management: block outside corporate network","result":"notApplied","enforcedGrantControls":[],"enforcedSessionControls":[],"conditionsSatisfied":"users,location","conditionsNotSatisfied":"application"},
 {"id":"46bf1a2f-2b1a-4b4a-a023-ae0ebb850bd3","displayName":"CA006 - Report-only: Azure DevOps: block all users outside corporate network","result":"reportOnlyNotApplied","enforcedGrantControls":[],"enforcedSessionControls":[],"conditionsSatisfied":"application,users","conditionsNotSatisfied":"location"},
 {"id":"6606f160-7d65-4e92-9517-952146ab7308","displayName":"CA007 - Legacy: block Azure DevOps from unmanaged devices","result":"notEnabled","enforcedGrantControls":[],"enforcedSessionControls":[],"conditionsSatisfied":"none","conditionsNotSatisfied":"none"}
]`

// benchRecord is a Graph sign-in of the sample scenario: svc-build's PAT
// call to Azure DevOps, blocked by CA001 (53003) or let through.
func benchRecord(b *testing.B, failed bool) *parse.Record {
	b.Helper()
	code, ca, result, ip := "53003", "failure", "failure", "198.51.100.23"
	if !failed {
		code, ca, result, ip = "0", "success", "success", "203.0.113.45"
	}
	policies := []byte(benchPolicies)
	policies = []byte(replaceFirst(string(policies), "%s", result))
	js := `{"id":"b27fd72f-4b41-446e-8160-b072930b6057","createdDateTime":"2026-11-20T10:15:02.4817335Z",
 "userDisplayName":"Build Service","userPrincipalName":"svc-build@contoso.com","userId":"1fe161c6-f484-4b44-af3a-fdd3a009be31",
 "appId":"499b84ac-1321-427f-aa17-267ca6975798","appDisplayName":"Azure DevOps","ipAddress":"` + ip + `",
 "clientAppUsed":"Mobile Apps and Desktop clients","userAgent":"git/2.47.1","correlationId":"0c6f6d1e-3d0b-4b35-9d3c-1d9a7e8f2c11",
 "conditionalAccessStatus":"` + ca + `","isInteractive":false,"resourceDisplayName":"Azure DevOps",
 "resourceId":"499b84ac-1321-427f-aa17-267ca6975798","authenticationRequirement":"singleFactorAuthentication",
 "incomingTokenType":"none","tokenIssuerType":"AzureAD","autonomousSystemNumber":64510,
 "status":{"errorCode":` + code + `,"failureReason":"Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."},
 "deviceDetail":{"deviceId":"","displayName":"","operatingSystem":"Linux","browser":""},
 "location":{"city":"Amsterdam","state":"Noord-Holland","countryOrRegion":"NL","geoCoordinates":{"latitude":52.3676,"longitude":4.9041}},
 "appliedConditionalAccessPolicies":` + string(policies) + `}`
	rec, err := parse.DecodeJSONRecord([]byte(js))
	if err != nil {
		b.Fatal(err)
	}
	return rec
}

func replaceFirst(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}

// BenchmarkPack measures the whole built-in pack on one sign-in: every
// rule's condition, and the fixes of those that match.
func BenchmarkPack(b *testing.B) {
	rs, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name   string
		failed bool
		ctx    *Context
	}{
		{"failure", true, nil},
		{"success", false, nil},
		{"failure-named-locations", true, &Context{NamedLocations: mustLocations(b)}},
	} {
		s, err := Compile(rs, bc.ctx)
		if err != nil {
			b.Fatal(err)
		}
		rec := benchRecord(b, bc.failed)
		b.Run(bc.name, func(b *testing.B) {
			ev := s.NewEvaluator()
			matches := 0
			b.ReportAllocs()
			for b.Loop() {
				matches = len(ev.Eval(rec))
			}
			b.ReportMetric(float64(matches), "matches")
			if bc.failed && matches == 0 || !bc.failed && matches != 0 {
				b.Fatalf("%d matches", matches)
			}
			if errs := s.RunErrors(); len(errs) > 0 {
				b.Fatal(errs)
			}
		})
	}
}

func mustLocations(b *testing.B) []policy.NamedLocation {
	locs, err := policy.LoadNamedLocations("../policy/testdata/graph.json", parse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return locs
}

// BenchmarkPackParallel runs one evaluator per goroutine, as the analyzer
// does.
func BenchmarkPackParallel(b *testing.B) {
	rs, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	s, err := Compile(rs, nil)
	if err != nil {
		b.Fatal(err)
	}
	rec := benchRecord(b, true)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ev := s.NewEvaluator()
		for pb.Next() {
			ev.Eval(rec)
		}
	})
}

// methodEnv offers InCIDR as a method, which expr calls through reflection.
type methodEnv struct{ *record }

func (methodEnv) InCIDR(ip, cidr string) bool { return inCIDR(ip, cidr) }

// BenchmarkHelperMechanisms compares the three ways of giving rules a
// helper, on InCIDR(IP, "198.51.100.0/24"): a function field of the
// environment (what Env does), an expr.Function option, and a method of the
// environment.
func BenchmarkHelperMechanisms(b *testing.B) {
	const src = `InCIDR(IP, "198.51.100.0/24")`
	rec := (*record)(testRecord())
	run := func(b *testing.B, prog *vm.Program, env any) {
		var m vm.VM
		b.ReportAllocs()
		for b.Loop() {
			if out, err := m.Run(prog, env); err != nil || out != true {
				b.Fatal(out, err)
			}
		}
	}
	b.Run("field", func(b *testing.B) {
		prog, err := expr.Compile(src, expr.Env(Env{}), expr.AsBool())
		if err != nil {
			b.Fatal(err)
		}
		env := newEnv((&Context{}).tenant())
		env.record = rec
		run(b, prog, env)
	})
	b.Run("expr.Function", func(b *testing.B) {
		fn := expr.Function("InCIDR", func(p ...any) (any, error) {
			return inCIDR(p[0].(string), p[1].(string)), nil
		}, new(func(string, string) bool))
		prog, err := expr.Compile(src, expr.Env(methodlessEnv{}), fn, expr.AsBool())
		if err != nil {
			b.Fatal(err)
		}
		run(b, prog, methodlessEnv{rec})
	})
	b.Run("method", func(b *testing.B) {
		prog, err := expr.Compile(src, expr.Env(methodEnv{}), expr.AsBool())
		if err != nil {
			b.Fatal(err)
		}
		run(b, prog, methodEnv{rec})
	})
}

// methodlessEnv is the record alone, for helpers given as expr.Function.
type methodlessEnv struct{ *record }
