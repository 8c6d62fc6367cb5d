package parse

import (
	"fmt"
	"strings"
)

// A Format is one export shape signinspect reads.
type Format string

// The supported formats. Their string values are what --format accepts.
const (
	// FormatPortalCSV is an Entra admin center CSV download of interactive,
	// non-interactive, application (service principal) or managed identity
	// sign-ins.
	FormatPortalCSV Format = "portal-csv"
	// FormatPortalAuthDetailsCSV is the portal's "authentication details
	// only" CSV download: one row per authentication step.
	FormatPortalAuthDetailsCSV Format = "portal-authdetails-csv"
	// FormatGraphJSON is an Entra admin center JSON download or Microsoft
	// Graph auditLogs/signIns output: a top-level array, {"value":[...]}
	// pages, concatenated arrays, a single object or NDJSON, with camelCase
	// or PascalCase keys.
	FormatGraphJSON Format = "graph-json"
	// FormatLogAnalyticsCSV is a Log Analytics "Export to CSV" of a
	// SigninLogs or AADNonInteractiveUserSignInLogs query.
	FormatLogAnalyticsCSV Format = "log-analytics-csv"
	// FormatLogAnalyticsJSON is a JSON export of such a query.
	FormatLogAnalyticsJSON Format = "log-analytics-json"
	// FormatDiagnosticJSON is an Azure Monitor diagnostic-settings archive
	// (storage account blob or Event Hub): one record per line with
	// "properties", or {"records":[...]}.
	FormatDiagnosticJSON Format = "diagnostic-json"
)

// FormatInfo describes a format for users: the `formats` command and the
// capability warnings of a report come from it.
type FormatInfo struct {
	Format      Format
	Name        string   // Human name.
	Detection   string   // How the format is recognised.
	Carries     FieldSet // Fields the format can carry.
	CannotTell  []string // What the format cannot tell, one sentence each.
	Description string
}

var formatInfos = []FormatInfo{
	{
		Format:    FormatPortalCSV,
		Name:      "Entra portal CSV download",
		Detection: `a CSV header with "Date (UTC)" and "Request ID" (columns matched by normalized name); the file name (InteractiveSignIns_, NonInteractiveSignIns_, ApplicationSignIns_, MSISignIns_) or service principal columns tell the flow`,
		Carries: AllFields.Remove(FieldPolicies, FieldPolicyConditions, FieldNetworkLocations,
			FieldAuthSteps, FieldRisk),
		CannotTell: []string{
			"A portal CSV carries only the aggregate Conditional Access status: no policy names, per-policy results or report-only results; download the JSON version or use Log Analytics for those.",
			"Interactive and non-interactive CSV files share one header: only the file name says which flow a row is.",
		},
	},
	{
		Format:     FormatPortalAuthDetailsCSV,
		Name:       "Entra portal CSV download, authentication details only",
		Detection:  `a CSV header with "Request ID" and "Authentication method" but no "Date (UTC)" sign-in columns`,
		Carries:    0,
		CannotTell: []string{"An authentication-details file holds one row per authentication step, not sign-ins."},
	},
	{
		Format:    FormatGraphJSON,
		Name:      "Entra portal JSON download / Microsoft Graph JSON",
		Detection: `JSON objects with createdDateTime and Graph sign-in keys (camelCase or PascalCase), as an array, {"value":[...]} pages, concatenated arrays, a single object or one object per line`,
		Carries:   AllFields,
		CannotTell: []string{
			"Graph returns an empty policy list unless the caller had a Conditional Access read permission (Policy.Read.All): an empty list does not prove that no policy applied.",
			"Report-only results read unknownFutureValue unless the export asked for them (Prefer: include-unknown-enum-members).",
		},
	},
	{
		Format:    FormatLogAnalyticsCSV,
		Name:      "Log Analytics CSV export (SigninLogs, AADNonInteractiveUserSignInLogs)",
		Detection: `a CSV header with "TimeGenerated [UTC]" or TimeGenerated and Log Analytics column names (UserPrincipalName, ConditionalAccessPolicies, ...)`,
		Carries:   AllFields,
	},
	{
		Format:    FormatLogAnalyticsJSON,
		Name:      "Log Analytics JSON export (SigninLogs, AADNonInteractiveUserSignInLogs)",
		Detection: `JSON objects with TimeGenerated and Log Analytics column names; JSON held in string values is decoded`,
		Carries:   AllFields,
	},
	{
		Format:    FormatDiagnosticJSON,
		Name:      "Azure Monitor diagnostic-settings archive (storage account or Event Hub)",
		Detection: `JSON objects with category (SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs, ManagedIdentitySignInLogs) and properties, one per line or in {"records":[...]}`,
		Carries:   AllFields,
		CannotTell: []string{
			"Diagnostic archives give policy conditions as integer bitmasks whose bit order Microsoft does not document; signinspect decodes them in Graph's flag order.",
			"Device IDs and names may read {PII Removed}.",
		},
	},
}

// Formats returns every supported format with its description, in a fixed
// order.
func Formats() []FormatInfo {
	out := make([]FormatInfo, len(formatInfos))
	copy(out, formatInfos)
	return out
}

// Info returns the description of f.
func (f Format) Info() FormatInfo {
	for _, fi := range formatInfos {
		if fi.Format == f {
			return fi
		}
	}
	return FormatInfo{Format: f, Name: string(f)}
}

// ParseFormat returns the Format named s (case-insensitive), or an error
// listing the valid names.
func ParseFormat(s string) (Format, error) {
	var names []string
	for _, fi := range formatInfos {
		if strings.EqualFold(string(fi.Format), s) {
			return fi.Format, nil
		}
		names = append(names, string(fi.Format))
	}
	return "", fmt.Errorf("unknown format %q (want one of %s)", s, strings.Join(names, ", "))
}
