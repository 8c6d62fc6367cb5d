package kql

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// The conformance script checks the translation against the offline engine
// where the data lives: each rule's own test records become rows of each
// sign-in table (in the table's shape: JSON columns dynamic or strings as
// the table has them), the rule's translated condition is applied to them,
// and each result row holds the number of matches signinspect itself finds
// in the same rows (read as a Log Analytics CSV export), so that a person
// with a cluster can run the script and see Pass = true everywhere.

// A ConformanceCheck is one query of the script: one rule's test records
// with one context (named locations and trusted ranges), as rows of one
// table.
type ConformanceCheck struct {
	Rule  string
	Table string
	// Cases are the indexes of the rule's test cases in the check.
	Cases []int
	// Expected is the number of the rows the offline engine matches.
	Expected int
}

// conformanceColumns are the columns a conformance row of table t holds:
// every column the field map reads that t has.
func conformanceColumns(t *Table) []string {
	var out []string
	for name := range columns {
		if t.has(name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// tableRow writes rec as the cells of a row of table t: text for string
// and datetime columns, JSON for dynamic ones and for strings holding JSON.
// A field the record does not know is an empty cell.
func tableRow(rec *parse.Record, t *Table) map[string]string {
	known := func(f parse.Field) bool { return rec.Known.Has(f) }
	js := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	nz := func(n int) string {
		if n == 0 {
			return ""
		}
		return itoa(n)
	}
	row := map[string]string{
		"TimeGenerated":                   rec.Time.UTC().Format(time.RFC3339Nano),
		"CreatedDateTime":                 rec.Time.UTC().Format(time.RFC3339Nano),
		"Id":                              rec.RequestID,
		"OriginalRequestId":               rec.OriginalRequestID,
		"CorrelationId":                   rec.CorrelationID,
		"SessionId":                       rec.SessionID,
		"UniqueTokenIdentifier":           rec.UniqueTokenID,
		"UserId":                          rec.User.ID,
		"UserPrincipalName":               rec.User.UPN,
		"UserDisplayName":                 rec.User.Name,
		"UserType":                        rec.User.Type,
		"SignInIdentifier":                rec.User.SignInIdentifier,
		"AlternateSignInName":             rec.User.SignInIdentifier,
		"ServicePrincipalId":              rec.ServicePrincipal.ID,
		"ServicePrincipalName":            rec.ServicePrincipal.Name,
		"ServicePrincipalCredentialKeyId": rec.ServicePrincipal.CredentialKeyID,
		"AppId":                           rec.App.ID,
		"AppDisplayName":                  rec.App.Name,
		"ResourceIdentity":                rec.Resource.ID,
		"ResourceDisplayName":             rec.Resource.Name,
		"ClientAppUsed":                   rec.ClientApp,
		"UserAgent":                       rec.UserAgent,
		"IPAddress":                       rec.IP,
		"IPAddressFromResourceProvider":   rec.IPSeenByResource,
		"Location":                        rec.Location.Country,
		"AutonomousSystemNumber":          nz(rec.ASN),
		"ResultType":                      itoa(rec.Status.Code),
		"ResultDescription":               rec.Status.Reason,
		"ConditionalAccessStatus":         rec.CAStatus,
		"AuthenticationRequirement":       rec.AuthRequirement,
		"IncomingTokenType":               rec.IncomingTokenType,
		"TokenIssuerType":                 rec.TokenIssuerType,
		"ClientCredentialType":            rec.ClientCredentialType,
		"AuthenticationProtocol":          rec.AuthProtocol,
		"CrossTenantAccessType":           rec.CrossTenantAccessType,
		"HomeTenantId":                    rec.HomeTenantID,
		"ResourceTenantId":                rec.ResourceTenantID,
		"AADTenantId":                     rec.TenantID,
		"RiskLevelDuringSignIn":           rec.RiskLevelDuringSignIn,
		"RiskLevelAggregated":             rec.RiskLevelAggregated,
		"RiskState":                       rec.RiskState,
		"Type":                            t.Name,
	}
	if known(parse.FieldLocation) {
		row["LocationDetails"] = js(map[string]string{"city": rec.Location.City, "state": rec.Location.State, "countryOrRegion": rec.Location.Country})
	}
	if known(parse.FieldStatusCode) || known(parse.FieldStatusDetails) {
		row["Status"] = js(map[string]any{"errorCode": rec.Status.Code, "failureReason": rec.Status.Reason, "additionalDetails": rec.Status.Details})
	}
	if known(parse.FieldPolicies) {
		pols := []map[string]any{}
		for _, p := range rec.Policies {
			m := map[string]any{"id": p.ID, "displayName": p.Name, "result": p.Result,
				"enforcedGrantControls": orEmpty(p.GrantControls), "enforcedSessionControls": orEmpty(p.SessionControls)}
			if known(parse.FieldPolicyConditions) {
				// Log Analytics writes the conditions as bitmasks.
				m["conditionsSatisfied"] = conditionMask(p.ConditionsSatisfied)
				m["conditionsNotSatisfied"] = conditionMask(p.ConditionsNotSatisfied)
			}
			pols = append(pols, m)
		}
		row["ConditionalAccessPolicies"] = js(pols)
	}
	if known(parse.FieldDeviceID) {
		d := map[string]any{"deviceId": rec.Device.ID, "displayName": rec.Device.Name, "operatingSystem": rec.Device.OS,
			"browser": rec.Device.Browser, "trustType": rec.Device.TrustType}
		if rec.Device.Compliant != nil {
			d["isCompliant"] = *rec.Device.Compliant
		}
		if rec.Device.Managed != nil {
			d["isManaged"] = *rec.Device.Managed
		}
		row["DeviceDetail"] = js(d)
	}
	if known(parse.FieldMFA) {
		row["MfaDetail"] = js(map[string]string{"authMethod": rec.MFA.Method, "authDetail": rec.MFA.Detail})
	}
	if known(parse.FieldNetworkLocations) {
		nl := []map[string]any{}
		for _, n := range rec.NetworkLocations {
			nl = append(nl, map[string]any{"networkType": n.Type, "networkNames": orEmpty(n.Names)})
		}
		row["NetworkLocationDetails"] = js(nl)
	}
	if known(parse.FieldAuthSteps) {
		steps := []map[string]any{}
		for _, s := range rec.AuthSteps {
			m := map[string]any{"authenticationMethod": s.Method, "authenticationMethodDetail": s.Detail,
				"authenticationStepResultDetail": s.Result, "authenticationStepRequirement": s.Requirement}
			if !s.Time.IsZero() {
				m["authenticationStepDateTime"] = s.Time.UTC().Format(time.RFC3339)
			}
			if s.Succeeded != nil {
				m["succeeded"] = *s.Succeeded
			}
			steps = append(steps, m)
		}
		row["AuthenticationDetails"] = js(steps)
	}
	return row
}

func orEmpty(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// conditionMask writes condition names as Log Analytics' bitmask.
func conditionMask(names []string) int64 {
	all := parse.ConditionFlags(1<<15 - 1)
	var m int64
	for _, n := range names {
		for i, f := range all {
			if f == n {
				m |= 1 << i
			}
		}
	}
	return m
}

// offlineMatches reads rows of table t as a Log Analytics CSV export and
// counts the records rule c matches with ctx, as signinspect analyze would.
func offlineMatches(c *rules.Compiled, ctx *rules.Context, t *Table, rows []map[string]string) (int, error) {
	cols := conformanceColumns(t)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := append([]string(nil), cols...)
	if err := w.Write(header); err != nil {
		return 0, err
	}
	for _, r := range rows {
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = r[c]
		}
		if err := w.Write(rec); err != nil {
			return 0, err
		}
	}
	w.Flush()
	rd, err := parse.Open(parse.BytesInput(t.Name+".csv", b.Bytes()), parse.Options{Format: parse.FormatLogAnalyticsCSV})
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	recs, err := parse.ReadAll(rd)
	if err != nil {
		return 0, err
	}
	if len(recs) != len(rows) {
		return 0, fmt.Errorf("read %d of %d rows back", len(recs), len(rows))
	}
	set, err := rules.Compile([]rules.Rule{c.Rule}, ctx)
	if err != nil {
		return 0, err
	}
	ev := set.NewEvaluator()
	n := 0
	for _, rec := range recs {
		if len(ev.Eval(rec)) > 0 {
			n++
		}
	}
	if errs := set.RunErrors(); len(errs) > 0 {
		return 0, errs[0]
	}
	return n, nil
}

// datatable writes rows of table t as a KQL datatable with a Case column.
func datatable(t *Table, cases []int, rows []map[string]string) string {
	cols := conformanceColumns(t)
	var decl []string
	decl = append(decl, "Case:long")
	for _, c := range cols {
		decl = append(decl, c+":"+t.columnType(c))
	}
	var b strings.Builder
	b.WriteString("datatable(" + strings.Join(decl, ", ") + ") [\n")
	for i, r := range rows {
		cells := []string{itoa(cases[i])}
		for _, c := range cols {
			v := r[c]
			switch t.columnType(c) {
			case typeDatetime:
				if v == "" {
					cells = append(cells, "datetime(null)")
				} else {
					cells = append(cells, "datetime("+v+")")
				}
			case typeDynamic:
				if v == "" {
					cells = append(cells, "dynamic(null)")
				} else {
					cells = append(cells, "dynamic("+v+")")
				}
			default:
				cells = append(cells, quote(v))
			}
		}
		b.WriteString("    " + strings.Join(cells, ", ") + ",\n")
	}
	b.WriteString("]")
	return b.String()
}

// contextKey tells the contexts of test cases apart.
func contextKey(tc *rules.Case) string {
	b, _ := json.Marshal(struct {
		N any
		T any
	}{tc.NamedLocations, tc.TrustedIPs})
	return string(b)
}

// Conformance returns the conformance script for rs (compiled rules with
// test cases) and its checks, in rule, context and table order.
func Conformance(rs []*rules.Compiled, version string) (string, []ConformanceCheck, error) {
	var legs []string
	var checks []ConformanceCheck
	funcs := map[string]bool{}
	var errs []error
	for _, c := range rs {
		// Group the cases by context, in order of first appearance.
		var keys []string
		groups := map[string][]int{}
		for i := range c.Tests {
			if len(c.Tests[i].Policies) > 0 {
				// A workspace holds no policies to evaluate: a case of
				// --policies has no KQL form to check.
				continue
			}
			k := contextKey(&c.Tests[i])
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], i)
		}
		for _, k := range keys {
			cases := groups[k]
			tc := &c.Tests[cases[0]]
			ctx := &rules.Context{NamedLocations: tc.NamedLocations, TrustedIPs: tc.TrustedIPs}
			for _, t := range Tables {
				q, err := newQuery([]*rules.Compiled{c}, Options{Filter: analyze.Filter{Flow: t.Flow}, Context: ctx})
				if err != nil {
					errs = append(errs, err)
					continue
				}
				q.passthrough = []string{"Case"}
				var rows []map[string]string
				for _, i := range cases {
					rows = append(rows, tableRow(c.CaseRecord(i), t))
				}
				want, err := offlineMatches(c, ctx, t, rows)
				if err != nil {
					errs = append(errs, fmt.Errorf("rule %s, %s: %w", c.ID, t.Name, err))
					continue
				}
				source := datatable(t, cases, rows)
				body := q.rows(func(*Table) string { return source }, false)
				var caseList []string
				for _, i := range cases {
					caseList = append(caseList, itoa(i+1))
				}
				leg := fmt.Sprintf("(%s| where %s\n| summarize Got = count()\n| extend Rule = %s, Table = %s, Cases = %s, Expected = %d)",
					body, q.rules[0].when.text, quote(c.ID), quote(t.Name), quote(strings.Join(caseList, ", ")), want)
				legs = append(legs, leg)
				for fn := range q.env.funcs {
					funcs[fn] = true
				}
				checks = append(checks, ConformanceCheck{Rule: c.ID, Table: t.Name, Cases: cases, Expected: want})
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return "", nil, err
	}
	if version == "" {
		version = "dev"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `// signinspect conformance script (signinspect %s): each rule's own test records as rows of each
// sign-in table, the rule's KQL condition applied to them, and beside it the number of those rows
// signinspect's offline engine matches (Expected). Run it in Azure Data Explorer, Log Analytics or
// Microsoft Sentinel: every result row must read Pass = true. Cases are the rule's test cases, from 1.
`, version)
	b.WriteString(prologueText(funcs))
	b.WriteString("union\n")
	b.WriteString(strings.Join(legs, ",\n"))
	b.WriteString("\n| extend Pass = Got == Expected\n| project Rule, Table, Cases, Expected, Got, Pass\n| order by Rule asc, Table asc, Cases asc\n")
	return b.String(), checks, nil
}
