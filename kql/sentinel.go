package kql

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/signinspect/signinspect/rules"
)

// A SentinelRule is one rule as a Microsoft Sentinel scheduled analytics
// rule, in the YAML schema of the Azure-Sentinel repository's detections.
type SentinelRule struct {
	Rule *rules.Compiled
	// Query is the rule's KQL: the matching sign-ins of the query period,
	// one alert row per account and IP address.
	Query string
	// YAML is the whole analytics rule.
	YAML string
}

// Sentinel schedule: every hour over the last hour. Sentinel scopes a
// scheduled query to the period by TimeGenerated itself.
const (
	sentinelFrequency = "1h"
	sentinelPeriod    = "1h"
)

// sentinelNamespace is the UUID namespace of the analytics rules' IDs: the
// ID is derived from the rule ID, so that deploying a rule again updates it
// instead of adding a copy.
var sentinelNamespace = [16]byte{0x6a, 0x1f, 0x1c, 0x64, 0x6f, 0x2b, 0x4a, 0x52, 0x9a, 0x6e, 0x5b, 0x1c, 0x0f, 0x3e, 0x2d, 0x71}

// ruleUUID returns the name-based (version 5) UUID of a rule ID.
func ruleUUID(id string) string {
	h := sha1.New()
	h.Write(sentinelNamespace[:])
	h.Write([]byte("signinspect/" + id))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// sentinelSeverity maps a rule's severity to Sentinel's, which has no
// critical.
func sentinelSeverity(s rules.Severity) string {
	switch s {
	case rules.SeverityInfo:
		return "Informational"
	case rules.SeverityLow:
		return "Low"
	case rules.SeverityMedium:
		return "Medium"
	}
	return "High"
}

// yamlString writes s as a YAML double-quoted scalar (a JSON string is
// one).
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// yamlBlock writes s as a literal block scalar indented by indent.
func yamlBlock(s, indent string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = indent + l
		}
	}
	return "|\n" + strings.Join(lines, "\n") + "\n"
}

// Sentinel returns one scheduled analytics rule per rule. The filter's
// users, apps, flow, status and --where scope each rule; its times do not
// (the rule runs over its query period), and the caller refuses them.
func Sentinel(rs []*rules.Compiled, opts Options) ([]SentinelRule, error) {
	return eachRule(rs, opts, func(c *rules.Compiled, q *query) SentinelRule {
		r := q.rules[0]
		var b strings.Builder
		q.header(&b, "kql -o sentinel")
		fmt.Fprintf(&b, "// Rule %s (%s): %s\n", c.ID, c.Severity, c.Title)
		q.signIns(&b, false)
		fmt.Fprintf(&b, "SignIns\n| where %s\n", predicate(r.when, "    "))
		fmt.Fprintf(&b, "| extend Account = %s, FailedPolicies = strcat_array(_PolicyNames_failure, \", \"), Fix = %s\n", userColumn, r.fix.text)
		b.WriteString("| summarize SignIns = count(), Failures = countif(Status_Code != 0), FirstSeen = min(Time), LastSeen = max(Time),\n" +
			"    FailedPolicies = strcat_array(make_set_if(FailedPolicies, isnotempty(FailedPolicies), 10), \"; \"), Fix = take_any(Fix) by Account, IPAddress = IP\n")
		query := b.String()

		var tables []string
		for _, t := range q.tables {
			tables = append(tables, t.Name)
		}
		var y strings.Builder
		fmt.Fprintf(&y, "id: %s\n", ruleUUID(c.ID))
		fmt.Fprintf(&y, "name: %s\n", yamlString("signinspect: "+c.Title))
		desc := c.Description + "\n\nsigninspect rule " + c.ID + ". Scope: " + q.opts.Filter.Describe() + "."
		for _, ref := range c.References {
			desc += "\n" + ref
		}
		fmt.Fprintf(&y, "description: %s", yamlBlock(desc, "  "))
		fmt.Fprintf(&y, "severity: %s\n", sentinelSeverity(c.Severity))
		y.WriteString("requiredDataConnectors:\n  - connectorId: AzureActiveDirectory\n    dataTypes:\n")
		for _, t := range tables {
			fmt.Fprintf(&y, "      - %s\n", t)
		}
		fmt.Fprintf(&y, "queryFrequency: %s\nqueryPeriod: %s\ntriggerOperator: gt\ntriggerThreshold: 0\n", sentinelFrequency, sentinelPeriod)
		y.WriteString("tactics: []\nrelevantTechniques: []\n")
		fmt.Fprintf(&y, "query: %s", yamlBlock(query, "  "))
		y.WriteString(`entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: Account
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: IPAddress
customDetails:
  SignIns: SignIns
  Failures: Failures
  FailedPolicies: FailedPolicies
alertDetailsOverride:
`)
		fmt.Fprintf(&y, "  alertDisplayNameFormat: %s\n", yamlString(c.Title+" ({{Account}} from {{IPAddress}})"))
		y.WriteString("  alertDescriptionFormat: \"{{Fix}}\"\n")
		y.WriteString("eventGroupingSettings:\n  aggregationKind: AlertPerResult\nversion: 1.0.0\nkind: Scheduled\n")
		return SentinelRule{Rule: c, Query: query, YAML: y.String()}
	})
}

// Check reports whether each rule translates to KQL: nil for a rule that
// does, else the error that names the construct and its position.
func Check(rs []*rules.Compiled, ctx *rules.Context) []error {
	out := make([]error, len(rs))
	for i, c := range rs {
		_, out[i] = translateRule(c, newEnvironment(ctx))
	}
	return out
}
