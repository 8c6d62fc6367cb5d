package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func adoRecord(t *testing.T) *parse.Record {
	return &parse.Record{
		Time:      mustTime(t, "2026-11-20T10:15:02Z"),
		RequestID: "req-1",
		User:      parse.User{UPN: "svc-build@contoso.com", ID: "0f5c-user", Name: "Build Service"},
		App:       parse.App{ID: parse.AzureDevOpsAppID, Name: "Azure DevOps"},
		Resource:  parse.App{ID: parse.AzureDevOpsAppID, Name: "Azure DevOps"},
		Flow:      parse.FlowNonInteractive,
		IP:        "198.51.100.7",
		Status:    parse.Status{Code: 53003, Result: parse.ResultFailure},
	}
}

func where(t *testing.T, src string) *rules.Filter {
	t.Helper()
	f, err := rules.CompileFilter(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestMatcherKeep(t *testing.T) {
	base := adoRecord(t)
	tests := []struct {
		name   string
		filter Filter
		mutate func(*parse.Record)
		want   stage
	}{
		{"defaults keep ADO non-interactive", DefaultFilter(), nil, stageKept},
		{"user by UPN, other case", Filter{Users: []string{"SVC-Build@Contoso.com"}}, nil, stageKept},
		{"user by object ID", Filter{Users: []string{"0F5C-USER"}}, nil, stageKept},
		{"user by display name", Filter{Users: []string{"build service"}}, nil, stageKept},
		{"user among several", Filter{Users: []string{"alice@contoso.com", "svc-build@contoso.com"}}, nil, stageKept},
		{"other user", Filter{Users: []string{"alice@contoso.com"}}, nil, stageUser},
		{"user substring is not a match", Filter{Users: []string{"svc-build"}}, nil, stageUser},
		{"service principal by name", Filter{Users: []string{"deploy-bot"}}, func(r *parse.Record) {
			r.User = parse.User{}
			r.ServicePrincipal = parse.ServicePrincipal{Name: "Deploy-Bot", ID: "sp-1"}
		}, stageKept},
		{"app by ID", Filter{Apps: []string{strings.ToUpper(parse.AzureDevOpsAppID)}}, nil, stageKept},
		{"app by resource only", Filter{Apps: []string{"azure devops"}}, func(r *parse.Record) {
			r.App = parse.App{ID: "872cd9fa-d31f-45e0-9eab-6e460a02d1f1", Name: "Visual Studio"}
		}, stageKept},
		{"well-known app name matches its ID", DefaultFilter(), func(r *parse.Record) {
			r.App = parse.App{ID: parse.AzureDevOpsAppID}
			r.Resource = parse.App{}
		}, stageKept},
		{"well-known app ID matches its name", Filter{Apps: []string{"c44b4083-3bb0-49c1-b47d-974e53cbdf3c"}}, func(r *parse.Record) {
			r.App = parse.App{Name: "Azure Portal"}
		}, stageKept},
		{"old ARM name matches new", Filter{Apps: []string{"Azure Resource Manager"}}, func(r *parse.Record) {
			r.App = parse.App{Name: "Azure CLI"}
			r.Resource = parse.App{Name: "Windows Azure Service Management API"}
		}, stageKept},
		{"other app", DefaultFilter(), func(r *parse.Record) {
			r.App = parse.App{ID: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", Name: "Azure Portal"}
			r.Resource = parse.App{ID: "797f4846-ba00-4fd7-ba43-dac1f8f63013", Name: "Azure Resource Manager"}
		}, stageApp},
		{"app any", Filter{Apps: []string{"any"}}, func(r *parse.Record) { r.App = parse.App{Name: "Teams"}; r.Resource = parse.App{} }, stageKept},
		{"interactive dropped by default", DefaultFilter(), func(r *parse.Record) { r.Flow = parse.FlowInteractive }, stageFlow},
		{"unknown flow kept", DefaultFilter(), func(r *parse.Record) { r.Flow = "" }, stageKept},
		{"unknown flow kept for interactive too", Filter{Flow: parse.FlowInteractive}, func(r *parse.Record) { r.Flow = "" }, stageKept},
		{"flow any", Filter{Flow: FlowAny}, func(r *parse.Record) { r.Flow = parse.FlowManagedIdentity }, stageKept},
		{"since inclusive", Filter{Since: mustTime(t, "2026-11-20T10:15:02Z")}, nil, stageKept},
		{"until exclusive", Filter{Until: mustTime(t, "2026-11-20T10:15:02Z")}, nil, stageTime},
		{"before since", Filter{Since: mustTime(t, "2026-11-21T00:00:00Z")}, nil, stageTime},
		{"failures keep failure", Filter{Status: StatusFailure}, nil, stageKept},
		{"successes drop failure", Filter{Status: StatusSuccess}, nil, stageStatus},
		{"interrupted is not a success", Filter{Status: StatusSuccess}, func(r *parse.Record) {
			r.Status = parse.Status{Code: 50074, Result: parse.ResultInterrupted}
		}, stageStatus},
		{"where drops", Filter{Where: where(t, `IP == "192.0.2.1"`)}, nil, stageWhere},
		{"where keeps", Filter{Where: where(t, `IP == "198.51.100.7" && Status.Code == 53003`)}, nil, stageKept},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := *base
			if tt.mutate != nil {
				tt.mutate(&rec)
			}
			if got := newMatcher(tt.filter).keep(&rec); got != tt.want {
				t.Errorf("keep = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 48210: "48,210", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFilterDescribe(t *testing.T) {
	f := DefaultFilter()
	f.Users = []string{"svc-build@contoso.com"}
	f.Status = StatusFailure
	f.Since, f.Until = mustTime(t, "2026-11-20T09:15:00Z"), mustTime(t, "2026-11-20T11:15:00Z")
	want := "user svc-build@contoso.com, app Azure DevOps, non-interactive sign-ins, failures only, from 2026-11-20T09:15:00Z to 2026-11-20T11:15:00Z"
	if got := f.Describe(); got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	if got := (Filter{}).Describe(); got != "any app, any flow" {
		t.Errorf("zero Describe = %q", got)
	}
}
