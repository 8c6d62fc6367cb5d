package kql

import (
	"strings"
)

// This file is the field map: how each field of the rules' environment
// (rules.Env, documented in rules/REFERENCE.md) reads from each sign-in
// table. FIELDS.md, which a test keeps in step with this map, shows it as a
// table. The map mirrors signinspect's own reader of Log Analytics exports
// (parse's log-analytics-csv format): a query over the tables sees each
// sign-in as `signinspect analyze` would see a CSV export of the same rows,
// so that a rule fires on the same sign-ins in both places.

// A kind is the type of a value in a translated expression.
type kind int

const (
	kindString  kind = iota // KQL string; "" where the value is absent.
	kindInt                 // KQL long; 0 where absent.
	kindBool                // KQL bool, never null.
	kindMaybe               // KQL bool that is null when unknown (*bool fields).
	kindTime                // KQL datetime.
	kindStrings             // KQL dynamic array of strings.
	kindObjects             // KQL dynamic array of objects (Policies, NetworkLocations, AuthSteps).
	kindFloat               // KQL real.
	// kindConditions is a policy's conditionsSatisfied or
	// conditionsNotSatisfied: a bitmask or a flags string, usable only
	// with in.
	kindConditions
)

// kqlType is the KQL type of a normalized column of kind k.
func (k kind) kqlType() string {
	switch k {
	case kindInt:
		return "long"
	case kindBool, kindMaybe:
		return "bool"
	case kindTime:
		return "datetime"
	case kindStrings, kindObjects:
		return "dynamic"
	case kindFloat:
		return "real"
	}
	return "string"
}

// A conversion turns a value read from a table into the field's value, as
// parse normalizes it.
type conversion int

const (
	convString          conversion = iota // As written (tostring of a JSON member).
	convInt                               // An integer; 0 when absent or not a number.
	convASN                               // An integer, with an optional "AS" prefix.
	convBool                              // A boolean; null when absent (unknown).
	convTime                              // The datetime column.
	convCAResult                          // A Conditional Access result in Graph's spelling (parse.NormalizeCAResult).
	convTrustType                         // A device join type (parse.NormalizeTrustType).
	convAuthRequirement                   // parse.NormalizeAuthRequirement.
	convTokenType                         // parse.NormalizeTokenType.
	convArray                             // A JSON array; [] when absent.
	convResult                            // Status.Result: success for code 0, failure otherwise (parse.ResultForCode).
)

// A source is where a field's value is: a column of the table, and a
// member of the JSON the column holds ("" for the column's own value).
type source struct {
	column string
	member string
}

// A field is one field of the environment and how each table gives it.
type field struct {
	// path is the field's name in the rule language ("Status.Code").
	path string
	kind kind
	// from are the sources, first non-empty wins; a table that has none of
	// the columns gives the empty value of the kind.
	from []source
	conv conversion
	// constant, when set, gives the field's value in a table as a KQL
	// literal instead (Flow, Source.*).
	constant func(t *Table) string
	// note explains a mapping that is not a plain read, for FIELDS.md.
	note string
}

// column is the name of the field's column in normalized rows:
// "Status.Code" is Status_Code.
func (f *field) column() string { return strings.ReplaceAll(f.path, ".", "_") }

func read(column string) []source { return []source{{column: column}} }

func member(column, m string) []source { return []source{{column: column, member: m}} }

// fields are the environment's fields, in REFERENCE.md's order.
var fields = []*field{
	{path: "Time", kind: kindTime, from: read("CreatedDateTime"), conv: convTime},
	{path: "RequestID", from: read("Id")},
	{path: "CorrelationID", from: read("CorrelationId")},
	{path: "OriginalRequestID", from: read("OriginalRequestId")},
	{path: "SessionID", from: read("SessionId")},
	{path: "UniqueTokenID", from: read("UniqueTokenIdentifier")},
	{path: "User.ID", from: read("UserId")},
	{path: "User.UPN", from: read("UserPrincipalName")},
	{path: "User.Name", from: read("UserDisplayName")},
	{path: "User.Type", from: read("UserType")},
	{path: "User.SignInIdentifier", from: []source{{column: "SignInIdentifier"}, {column: "AlternateSignInName"}}},
	{path: "ServicePrincipal.ID", from: read("ServicePrincipalId")},
	{path: "ServicePrincipal.Name", from: read("ServicePrincipalName")},
	{path: "ServicePrincipal.CredentialKeyID", from: read("ServicePrincipalCredentialKeyId")},
	{path: "ServicePrincipal.ManagedIdentity", note: "not in the tables' columns that signinspect reads; always empty"},
	{path: "App.ID", from: read("AppId")},
	{path: "App.Name", from: read("AppDisplayName")},
	{path: "Resource.ID", from: read("ResourceIdentity")},
	{path: "Resource.Name", from: read("ResourceDisplayName")},
	{path: "Flow", constant: func(t *Table) string { return quote(t.Flow) }, note: "the table's flow"},
	{path: "ClientApp", from: read("ClientAppUsed")},
	{path: "UserAgent", from: read("UserAgent")},
	{path: "IP", from: read("IPAddress")},
	{path: "IPSeenByResource", from: read("IPAddressFromResourceProvider")},
	{path: "Location.City", from: member("LocationDetails", "city")},
	{path: "Location.State", from: member("LocationDetails", "state")},
	{path: "Location.Country", from: []source{{column: "LocationDetails", member: "countryOrRegion"}, {column: "Location"}}},
	{path: "ASN", kind: kindInt, from: read("AutonomousSystemNumber"), conv: convASN},
	{path: "NetworkLocations", kind: kindObjects, from: read("NetworkLocationDetails"), conv: convArray},
	{path: "Status.Code", kind: kindInt, from: read("ResultType"), conv: convInt},
	{path: "Status.Result", from: read("ResultType"), conv: convResult, note: "success when ResultType is 0, failure otherwise"},
	{path: "Status.Reason", from: []source{{column: "ResultDescription"}, {column: "Status", member: "failureReason"}}},
	{path: "Status.Details", from: member("Status", "additionalDetails")},
	{path: "CAStatus", from: read("ConditionalAccessStatus"), conv: convCAResult},
	{path: "Policies", kind: kindObjects, from: read("ConditionalAccessPolicies"), conv: convArray},
	{path: "Device.ID", from: member("DeviceDetail", "deviceId")},
	{path: "Device.Name", from: member("DeviceDetail", "displayName")},
	{path: "Device.OS", from: member("DeviceDetail", "operatingSystem")},
	{path: "Device.Browser", from: member("DeviceDetail", "browser")},
	{path: "Device.Compliant", kind: kindMaybe, from: member("DeviceDetail", "isCompliant"), conv: convBool},
	{path: "Device.Managed", kind: kindMaybe, from: member("DeviceDetail", "isManaged"), conv: convBool},
	{path: "Device.TrustType", from: member("DeviceDetail", "trustType"), conv: convTrustType},
	{path: "AuthRequirement", from: read("AuthenticationRequirement"), conv: convAuthRequirement},
	{path: "MFA.Result", from: member("Status", "additionalDetails")},
	{path: "MFA.Method", from: member("MfaDetail", "authMethod")},
	{path: "MFA.Detail", from: member("MfaDetail", "authDetail")},
	{path: "AuthSteps", kind: kindObjects, from: read("AuthenticationDetails"), conv: convArray},
	{path: "IncomingTokenType", from: read("IncomingTokenType"), conv: convTokenType},
	{path: "TokenIssuerType", from: read("TokenIssuerType")},
	{path: "ClientCredentialType", from: read("ClientCredentialType")},
	{path: "AuthProtocol", from: read("AuthenticationProtocol")},
	{path: "CrossTenantAccessType", from: read("CrossTenantAccessType")},
	{path: "HomeTenantID", from: read("HomeTenantId")},
	{path: "ResourceTenantID", from: read("ResourceTenantId")},
	{path: "TenantID", from: read("AADTenantId")},
	{path: "RiskLevelDuringSignIn", from: read("RiskLevelDuringSignIn")},
	{path: "RiskLevelAggregated", from: read("RiskLevelAggregated")},
	{path: "RiskState", from: read("RiskState")},
	{path: "Source.File", constant: func(t *Table) string { return quote(t.Name) }, note: "the table's name"},
	{path: "Source.Line", kind: kindInt, constant: func(*Table) string { return "0" }, note: "0: a row has no line"},
	{path: "Source.Index", kind: kindInt, constant: func(*Table) string { return "0" }, note: "0: a row has no record number"},
	{path: "Source.Format", constant: func(*Table) string { return quote("log-analytics") }, note: `"log-analytics"`},
}

// fieldByPath finds a field by its path.
var fieldByPath = func() map[string]*field {
	m := make(map[string]*field, len(fields))
	for _, f := range fields {
		m[f.path] = f
	}
	return m
}()

// An elementField is a field of the elements of a list field (Policies[],
// NetworkLocations[], AuthSteps[]): a member of each JSON object.
type elementField struct {
	name   string // "Result", as in .Result.
	member string // The JSON member: "result".
	kind   kind
	conv   conversion
	// expr, when set, computes the value from the element variable (for
	// authenticationStrength, an object or a string).
	expr func(elem string) string
}

// elementFields are the element fields of each list field, by list.
var elementFields = map[string][]elementField{
	"Policies": {
		{name: "ID", member: "id"},
		{name: "Name", member: "displayName"},
		{name: "Result", member: "result", conv: convCAResult},
		{name: "GrantControls", member: "enforcedGrantControls", kind: kindStrings, conv: convArray},
		{name: "SessionControls", member: "enforcedSessionControls", kind: kindStrings, conv: convArray},
		{name: "ConditionsSatisfied", member: "conditionsSatisfied", kind: kindConditions},
		{name: "ConditionsNotSatisfied", member: "conditionsNotSatisfied", kind: kindConditions},
		{name: "AuthenticationStrength", member: "authenticationStrength", expr: func(e string) string {
			s := e + ".authenticationStrength"
			return "iff(gettype(" + s + ") == \"dictionary\", coalesce(tostring(" + s + ".displayName), tostring(" + s + ".authenticationStrengthId)), tostring(" + s + "))"
		}},
	},
	"NetworkLocations": {
		{name: "Type", member: "networkType"},
		{name: "Names", member: "networkNames", kind: kindStrings, conv: convArray},
	},
	"AuthSteps": {
		{name: "Time", member: "authenticationStepDateTime", kind: kindTime, conv: convTime},
		{name: "Method", member: "authenticationMethod"},
		{name: "Detail", member: "authenticationMethodDetail"},
		{name: "Succeeded", member: "succeeded", kind: kindMaybe, conv: convBool},
		{name: "Result", member: "authenticationStepResultDetail"},
		{name: "Requirement", member: "authenticationStepRequirement"},
	},
}

// listVars are the variables mv-apply binds each element of a list field
// to.
var listVars = map[string]string{"Policies": "_p", "NetworkLocations": "_n", "AuthSteps": "_s"}

// jsonColumns are the columns that hold JSON, and whether the JSON is an
// object (absent when empty, null or []) or an array (absent when empty or
// null; [] is an empty list), as parse reads them.
var jsonColumns = map[string]bool{ // column → is an object
	"LocationDetails":           true,
	"Status":                    true,
	"DeviceDetail":              true,
	"MfaDetail":                 true,
	"ConditionalAccessPolicies": false,
	"NetworkLocationDetails":    false,
	"AuthenticationDetails":     false,
}

// knownFields says, for each name Known accepts, which columns tell: the
// field is known in a table that has one of columns (parse marks such
// fields known from the export's header) or, for JSON columns, where the
// row's cell holds a value (parse marks those known per record).
var knownFields = map[string]struct {
	columns []string
	json    string // A JSON column whose value must be present.
	member  string // With json: a member of it that must not be null.
	always  bool
}{
	"Time":              {columns: []string{"CreatedDateTime"}},
	"RequestID":         {columns: []string{"Id"}},
	"CorrelationID":     {columns: []string{"CorrelationId"}},
	"SessionID":         {columns: []string{"SessionId"}},
	"User":              {columns: []string{"UserId", "UserPrincipalName", "UserDisplayName"}},
	"User.Type":         {columns: []string{"UserType"}},
	"ServicePrincipal":  {columns: []string{"ServicePrincipalId", "ServicePrincipalName", "ServicePrincipalCredentialKeyId"}},
	"App":               {columns: []string{"AppId", "AppDisplayName"}},
	"Resource":          {columns: []string{"ResourceIdentity", "ResourceDisplayName"}},
	"Flow":              {always: true},
	"ClientApp":         {columns: []string{"ClientAppUsed"}},
	"UserAgent":         {columns: []string{"UserAgent"}},
	"IP":                {columns: []string{"IPAddress"}},
	"IPSeenByResource":  {columns: []string{"IPAddressFromResourceProvider"}},
	"Location":          {columns: []string{"Location"}, json: "LocationDetails"},
	"ASN":               {columns: []string{"AutonomousSystemNumber"}},
	"NetworkLocations":  {json: "NetworkLocationDetails"},
	"Status.Code":       {columns: []string{"ResultType"}},
	"Status.Reason":     {columns: []string{"ResultDescription"}, json: "Status"},
	"Status.Details":    {json: "Status"},
	"CAStatus":          {columns: []string{"ConditionalAccessStatus"}},
	"Policies":          {json: "ConditionalAccessPolicies"},
	"Policy.Conditions": {json: "ConditionalAccessPolicies", member: "conditions"},
	"Device.ID":         {json: "DeviceDetail"},
	"Device.Name":       {json: "DeviceDetail"},
	"Device.OS":         {json: "DeviceDetail"},
	"Device.Browser":    {json: "DeviceDetail"},
	"Device.Compliant":  {json: "DeviceDetail", member: "isCompliant"},
	"Device.Managed":    {json: "DeviceDetail", member: "isManaged"},
	"Device.TrustType":  {json: "DeviceDetail"},
	"AuthRequirement":   {columns: []string{"AuthenticationRequirement"}},
	"MFA":               {json: "MfaDetail"},
	"AuthSteps":         {json: "AuthenticationDetails"},
	"IncomingTokenType": {columns: []string{"IncomingTokenType"}},
	"TenantIDs":         {columns: []string{"HomeTenantId", "ResourceTenantId", "AADTenantId"}},
	"Risk":              {columns: []string{"RiskLevelDuringSignIn", "RiskLevelAggregated", "RiskState"}},
}
