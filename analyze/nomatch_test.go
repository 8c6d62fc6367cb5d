package analyze

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// noMatchExport writes a JSONL export for the no-match reasons: svc-build's
// ten non-interactive Azure DevOps sign-ins between 10:00 and 10:45 on
// 20 November, all failures, and forty interactive sign-ins of other users
// to other apps, a quarter of them failures, on the 19th.
func noMatchExport(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	add := func(i int, user, app, appID string, interactive bool, at time.Time, code int) {
		rec := map[string]any{
			"id": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "createdDateTime": at.Format(time.RFC3339),
			"userPrincipalName": user, "userDisplayName": strings.Split(user, "@")[0],
			"appDisplayName": app, "appId": appID, "isInteractive": interactive, "ipAddress": "198.51.100.7",
			"status": map[string]any{"errorCode": code},
		}
		line, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 10; i++ {
		add(i, "svc-build@contoso.com", "Azure DevOps", parse.AzureDevOpsAppID, false, base.Add(time.Duration(i)*5*time.Minute), 53003)
	}
	others := []string{"adele.vance@contoso.com", "alex.wilber@contoso.com"}
	for i := 0; i < 40; i++ {
		code := 0
		if i%4 == 0 {
			code = 50126
		}
		add(100+i, others[i%2], "Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264", true, base.Add(-24*time.Hour+time.Duration(i)*time.Minute), code)
	}
	return writeFile(t, t.TempDir(), "signins.jsonl", b.String())
}

// TestNoMatchReason checks the one-line reason for each filter alone and
// in pairs with --user: it names the filter that empties the result, in
// the fixed order user, app, flow, time, status, where, with the counts
// and the flag to change, and says when more than one would have to.
func TestNoMatchReason(t *testing.T) {
	export := noMatchExport(t)
	svc := []string{"svc-build@contoso.com"}
	at := func(s string) time.Time { return mustTime(t, s) }
	whereNone, err := rules.CompileFilter(`Status.Code == 12345`, nil)
	if err != nil {
		t.Fatal(err)
	}
	const head = "0 of 50 records matched: "
	for _, c := range []struct {
		name   string
		filter Filter
		want   string
	}{
		{"user misspelt", Filter{Users: []string{"svc-bulid@contoso.com"}, Flow: FlowAny},
			`none was for user svc-bulid@contoso.com (did you mean svc-build@contoso.com?); check the spelling (UPN, object ID or display name) or leave out --user`},
		{"user unknown", Filter{Users: []string{"nobody@fabrikam.com"}, Flow: FlowAny},
			`none was for user nobody@fabrikam.com; check the spelling (UPN, object ID or display name) or leave out --user`},
		{"app misspelt", Filter{Apps: []string{"Azur DevOps"}, Flow: FlowAny},
			`the 50 records are for other apps (most: Microsoft Teams, Azure DevOps); did you mean --app "Azure DevOps"? or try --app any`},
		{"flow", Filter{Flow: parse.FlowManagedIdentity},
			`the 50 records are sign-ins of other flows (40 interactive, 10 non-interactive); try --flow any`},
		{"time", Filter{Flow: FlowAny, Since: at("2026-12-01T00:00:00Z")},
			`the 50 records are outside the time window (they span 2026-11-19T10:00:00Z to 2026-11-20T10:45:00Z); widen --since/--until or --window`},
		{"status", Filter{Flow: FlowAny, Apps: []string{AzureDevOpsApp}, Status: StatusSuccess},
			`all 10 otherwise matching sign-ins failed; try --status any`},
		{"where", Filter{Flow: FlowAny, Where: whereNone},
			`--where dropped the 50 sign-ins that matched the other filters`},

		{"user and app", Filter{Users: svc, Apps: []string{"Microsoft Teams"}, Flow: FlowAny},
			`the 10 records of user svc-build@contoso.com are for other apps (most: Azure DevOps); try --app any`},
		{"user and flow", Filter{Users: svc, Flow: parse.FlowInteractive},
			`the 10 records of user svc-build@contoso.com are non-interactive sign-ins; try --flow non-interactive (or --flow any)`},
		{"user and time", Filter{Users: svc, Flow: FlowAny, Since: at("2026-11-20T11:00:00Z")},
			`the 10 records of user svc-build@contoso.com are outside the time window (they span 2026-11-20T10:00:00Z to 2026-11-20T10:45:00Z); widen --since/--until or --window`},
		{"user and status", Filter{Users: svc, Flow: FlowAny, Status: StatusSuccess},
			`all 10 otherwise matching sign-ins failed; try --status any`},
		{"user and where", Filter{Users: svc, Flow: FlowAny, Where: whereNone},
			`--where dropped the 10 sign-ins that matched the other filters`},
		{"several must change", Filter{Users: svc, Flow: parse.FlowInteractive, Since: at("2026-11-21T00:00:00Z")},
			`the 10 records of user svc-build@contoso.com are non-interactive sign-ins; try --flow non-interactive (or --flow any); that alone is not enough: --since/--until (or --at/--window) would have to change too`},
		{"the user's time window empties it before status", Filter{Users: svc, Flow: FlowAny, Since: at("2026-12-01T00:00:00Z"), Status: StatusSuccess},
			`the 10 records of user svc-build@contoso.com are outside the time window (they span 2026-11-20T10:00:00Z to 2026-11-20T10:45:00Z); widen --since/--until or --window; that alone is not enough: --status would have to change too`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := Run(context.Background(), []string{export}, Options{Filter: c.filter})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Summary.Matched != 0 {
				t.Fatalf("%d sign-ins matched; the case wants none", rep.Summary.Matched)
			}
			if got := rep.Summary.NoMatch; got != head+c.want {
				t.Errorf("reason\n%s\nwant\n%s", got, head+c.want)
			}
		})
	}
}
