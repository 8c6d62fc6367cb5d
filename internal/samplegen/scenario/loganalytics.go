package scenario

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// laKind is a Log Analytics column type, as far as exports treat it
// differently.
type laKind int

const (
	laString laKind = iota
	laTime
	laBool
	laLong
	laDynamic // JSON: "dynamic" in SigninLogs, a string holding JSON in AADNonInteractiveUserSignInLogs.
)

type laColumn struct {
	name string
	kind laKind
}

// laColumns are the exported columns of SigninLogs and
// AADNonInteractiveUserSignInLogs, in table order, with Type last.
var laColumns = []laColumn{
	{"TenantId", laString}, {"SourceSystem", laString}, {"TimeGenerated", laTime},
	{"ResourceId", laString}, {"OperationName", laString}, {"OperationVersion", laString},
	{"Category", laString}, {"ResultType", laString}, {"ResultSignature", laString},
	{"ResultDescription", laString}, {"DurationMs", laLong}, {"CorrelationId", laString},
	{"Resource", laString}, {"ResourceGroup", laString}, {"ResourceProvider", laString},
	{"Identity", laString}, {"Level", laString}, {"Location", laString},
	{"AlternateSignInName", laString}, {"AppDisplayName", laString}, {"AppId", laString},
	{"AuthenticationContextClassReferences", laDynamic}, {"AuthenticationDetails", laDynamic},
	{"AuthenticationProcessingDetails", laDynamic}, {"AuthenticationRequirement", laString},
	{"AuthenticationRequirementPolicies", laDynamic}, {"AutonomousSystemNumber", laString},
	{"ClientAppUsed", laString}, {"ConditionalAccessPolicies", laDynamic},
	{"ConditionalAccessStatus", laString}, {"CreatedDateTime", laTime},
	{"CrossTenantAccessType", laString}, {"DeviceDetail", laDynamic}, {"HomeTenantId", laString},
	{"Id", laString}, {"IncomingTokenType", laString}, {"IPAddress", laString},
	{"IPAddressFromResourceProvider", laString}, {"IsInteractive", laBool}, {"IsRisky", laBool},
	{"LocationDetails", laDynamic}, {"MfaDetail", laDynamic}, {"NetworkLocationDetails", laDynamic},
	{"OriginalRequestId", laString}, {"ProcessingTimeInMs", laString},
	{"ResourceDisplayName", laString}, {"ResourceIdentity", laString}, {"ResourceTenantId", laString},
	{"RiskDetail", laString}, {"RiskEventTypes_V2", laDynamic}, {"RiskLevelAggregated", laString},
	{"RiskLevelDuringSignIn", laString}, {"RiskState", laString}, {"SessionId", laString},
	{"SignInIdentifier", laString}, {"Status", laDynamic}, {"TokenIssuerType", laString},
	{"UniqueTokenIdentifier", laString}, {"UserAgent", laString}, {"UserDisplayName", laString},
	{"UserId", laString}, {"UserPrincipalName", laString}, {"UserType", laString},
	{"AuthenticationProtocol", laString}, {"Type", laString},
}

// laTable returns the Log Analytics table a flow's sign-ins land in.
func laTable(f Flow) string {
	if f == Interactive {
		return "SigninLogs"
	}
	return "AADNonInteractiveUserSignInLogs"
}

// get returns the value of key in o.
func get(o obj, key string) any {
	for _, m := range o {
		if m.key == key {
			return m.value
		}
	}
	panic("scenario: no " + key)
}

// laValue returns the typed value of a column for s: string, time.Time,
// *bool, int, or a JSON value for dynamic columns. Dynamic columns come from
// the same Graph-shaped record that diagnostic settings send.
func laValue(col string, s *SignIn) any {
	p := diagnosticProperties(s, time.UTC, false)
	o := s.Outcome
	switch col {
	case "TenantId", "HomeTenantId", "ResourceTenantId":
		return TenantID
	case "SourceSystem":
		return "Azure AD"
	case "TimeGenerated":
		return s.Ingested()
	case "ResourceId":
		return "/tenants/" + TenantID + "/providers/Microsoft.aadiam"
	case "OperationName":
		return "Sign-in activity"
	case "OperationVersion":
		return "1.0"
	case "Category":
		return category(s.Flow)
	case "ResultType":
		return strconv.Itoa(o.Code)
	case "ResultSignature":
		if s.Failed() {
			return "None"
		}
		return "SUCCESS"
	case "ResultDescription":
		return o.Reason
	case "DurationMs":
		return 0
	case "CorrelationId":
		return s.CorrelationID()
	case "Resource", "ResourceGroup", "ResourceProvider":
		return "Microsoft.aadiam"
	case "Identity":
		return identity(s)
	case "Level":
		return "4"
	case "Location":
		return s.From.Country
	case "AlternateSignInName", "UserPrincipalName":
		return s.User.UPN
	case "AppDisplayName":
		return s.App.Name
	case "AppId":
		return s.App.ID
	case "AuthenticationContextClassReferences", "AuthenticationProcessingDetails",
		"AuthenticationRequirementPolicies", "RiskEventTypes_V2":
		return arr{}
	case "AuthenticationDetails":
		return get(p, "authenticationDetails")
	case "AuthenticationRequirement":
		return o.AuthRequirement
	case "AutonomousSystemNumber":
		return strconv.Itoa(s.From.ASN)
	case "ClientAppUsed":
		return s.ClientApp
	case "ConditionalAccessPolicies":
		return get(p, "appliedConditionalAccessPolicies")
	case "ConditionalAccessStatus":
		return o.CAStatus
	case "CreatedDateTime":
		return s.Time
	case "CrossTenantAccessType", "IncomingTokenType", "RiskDetail", "RiskLevelAggregated",
		"RiskLevelDuringSignIn", "RiskState", "AuthenticationProtocol":
		return "none"
	case "DeviceDetail":
		return get(p, "deviceDetail")
	case "Id", "OriginalRequestId":
		return s.RequestID
	case "IPAddress":
		return s.From.IP
	case "IPAddressFromResourceProvider":
		return s.SeenByResource
	case "IsInteractive":
		return yesNo(s.Flow == Interactive)
	case "IsRisky":
		return (*bool)(nil)
	case "LocationDetails":
		return get(p, "location")
	case "MfaDetail":
		if o.MFAMethod == "" {
			return obj{}
		}
		return obj{{"authMethod", o.MFAMethod}}
	case "NetworkLocationDetails":
		return get(p, "networkLocationDetails")
	case "ProcessingTimeInMs":
		return strconv.Itoa(s.LatencyMS())
	case "ResourceDisplayName":
		return s.Resource.Name
	case "ResourceIdentity":
		return s.Resource.ID
	case "SessionId":
		return s.SessionID()
	case "SignInIdentifier":
		return get(p, "signInIdentifier")
	case "Status":
		return get(p, "status")
	case "TokenIssuerType":
		return "AzureAD"
	case "UniqueTokenIdentifier":
		return s.UniqueTokenID()
	case "UserAgent":
		return s.UserAgent
	case "UserDisplayName":
		return s.User.Name
	case "UserId":
		return s.User.ID
	case "UserType":
		return "Member"
	case "Type":
		return laTable(s.Flow)
	}
	panic(fmt.Sprintf("scenario: no value for Log Analytics column %q", col))
}

func yesNo(b bool) *bool {
	if b {
		return yes()
	}
	return no()
}

// newestIngestedFirst returns the sign-ins by TimeGenerated, newest first,
// as a query sorted on it returns them.
func newestIngestedFirst(signIns []*SignIn) []*SignIn {
	out := append([]*SignIn(nil), signIns...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Ingested().After(out[j].Ingested()) })
	return out
}

// laCSV returns the portal's "Export to CSV" of a query over the sign-ins:
// "[UTC]" on datetime headers, en-US datetimes ("11/20/2026, 10:15:02.481
// AM"), TRUE/FALSE, JSON in cells with "" escaping, Type last.
func laCSV(signIns []*SignIn) []byte {
	t := table{}
	for _, c := range laColumns {
		name := c.name
		if c.kind == laTime {
			name += " [UTC]"
		}
		t.header = append(t.header, name)
	}
	for _, s := range newestIngestedFirst(signIns) {
		row := make([]string, len(laColumns))
		for i, c := range laColumns {
			v := laValue(c.name, s)
			switch c.kind {
			case laTime:
				row[i] = v.(time.Time).UTC().Format("1/2/2006, 3:04:05.000 PM")
			case laBool:
				if b := v.(*bool); b != nil {
					row[i] = strings.ToUpper(strconv.FormatBool(*b))
				}
			case laLong:
				row[i] = strconv.Itoa(v.(int))
			case laDynamic:
				row[i] = string(compactJSON.encode(v))
			default:
				row[i] = v.(string)
			}
		}
		t.add(row)
	}
	return csvStyle{comma: ',', newline: "\r\n"}.encode(t)
}

// laAzCLIJSON returns `az monitor log-analytics query` output: an array of
// objects whose values are all strings (JSON columns as JSON text), keys
// sorted, with the result table's name in TableName.
func laAzCLIJSON(signIns []*SignIn) []byte {
	rows := arr{}
	for _, s := range newestIngestedFirst(signIns) {
		row := obj{{"TableName", "PrimaryResult"}}
		for _, c := range laColumns {
			v := laValue(c.name, s)
			var text string
			switch c.kind {
			case laTime:
				text = v.(time.Time).UTC().Format("2006-01-02T15:04:05.000Z")
			case laBool:
				if b := v.(*bool); b != nil {
					text = map[bool]string{true: "True", false: "False"}[*b]
				}
			case laLong:
				text = strconv.Itoa(v.(int))
			case laDynamic:
				text = string(compactJSON.encode(v))
			default:
				text = v.(string)
			}
			row = append(row, member{c.name, text})
		}
		sort.SliceStable(row, func(i, j int) bool { return row[i].key < row[j].key })
		rows = append(rows, row)
	}
	return append(indentJSON.encode(rows), '\n')
}

// laTypedJSON returns query results as JSON with typed values: dynamic
// columns as JSON objects and arrays, booleans and numbers as such.
func laTypedJSON(signIns []*SignIn) []byte {
	rows := arr{}
	for _, s := range newestIngestedFirst(signIns) {
		row := obj{}
		for _, c := range laColumns {
			v := laValue(c.name, s)
			switch c.kind {
			case laTime:
				v = v.(time.Time).UTC().Format("2006-01-02T15:04:05.0000000Z")
			case laBool:
				v = boolOrNull(v.(*bool))
			}
			row = append(row, member{c.name, v})
		}
		rows = append(rows, row)
	}
	return append(indentJSON.encode(rows), '\n')
}
