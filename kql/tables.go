package kql

import "github.com/signinspect/signinspect/parse"

// A Table is one of the Log Analytics (and Microsoft Sentinel, and Azure
// Data Explorer) tables that hold Entra ID sign-ins, one per flow.
type Table struct {
	// Name is the table's name, as queries spell it.
	Name string
	// Flow is the flow of its sign-ins (a parse.Flow constant).
	Flow string
	// index is the table's position in Tables, for the column type lists.
	index int
}

// Tables are the sign-in tables, in the order queries union them.
var Tables = []*Table{
	{Name: "SigninLogs", Flow: parse.FlowInteractive, index: 0},
	{Name: "AADNonInteractiveUserSignInLogs", Flow: parse.FlowNonInteractive, index: 1},
	{Name: "AADServicePrincipalSignInLogs", Flow: parse.FlowServicePrincipal, index: 2},
	{Name: "AADManagedIdentitySignInLogs", Flow: parse.FlowManagedIdentity, index: 3},
}

// TablesFor returns the tables that hold the sign-ins of flow ("" or "any":
// all four).
func TablesFor(flow string) []*Table {
	for _, t := range Tables {
		if t.Flow == flow {
			return []*Table{t}
		}
	}
	return Tables
}

// Column types, as Microsoft's table reference declares them.
const (
	typeString   = "string"
	typeDynamic  = "dynamic"
	typeDatetime = "datetime"
	typeBool     = "bool"
)

// columns are the columns the translation reads and their type in each
// table, in the order of Tables (SigninLogs, AADNonInteractiveUserSignInLogs,
// AADServicePrincipalSignInLogs, AADManagedIdentitySignInLogs); "" where the
// table has no such column. The same column is dynamic in SigninLogs and a
// string holding JSON in the other tables, which queries must parse first.
// A test checks these against the schemas of Microsoft's table reference
// (testdata/tables.json).
var columns = map[string][4]string{
	"TimeGenerated":                   {typeDatetime, typeDatetime, typeDatetime, typeDatetime},
	"CreatedDateTime":                 {typeDatetime, typeDatetime, typeDatetime, typeDatetime},
	"Id":                              {typeString, typeString, typeString, typeString},
	"OriginalRequestId":               {typeString, typeString, "", ""},
	"CorrelationId":                   {typeString, typeString, typeString, typeString},
	"SessionId":                       {typeString, typeString, typeString, typeString},
	"UniqueTokenIdentifier":           {typeString, typeString, typeString, typeString},
	"UserId":                          {typeString, typeString, "", ""},
	"UserPrincipalName":               {typeString, typeString, "", ""},
	"UserDisplayName":                 {typeString, typeString, "", ""},
	"UserType":                        {typeString, typeString, "", ""},
	"SignInIdentifier":                {typeString, "", "", ""},
	"AlternateSignInName":             {typeString, typeString, "", ""},
	"ServicePrincipalId":              {typeString, typeString, typeString, typeString},
	"ServicePrincipalName":            {typeString, "", typeString, typeString},
	"ServicePrincipalCredentialKeyId": {"", "", typeString, typeString},
	"AppId":                           {typeString, typeString, typeString, typeString},
	"AppDisplayName":                  {typeString, typeString, "", ""},
	"ResourceIdentity":                {typeString, typeString, typeString, typeString},
	"ResourceDisplayName":             {typeString, typeString, typeString, typeString},
	"ClientAppUsed":                   {typeString, typeString, "", ""},
	"UserAgent":                       {typeString, typeString, typeString, typeString},
	"IPAddress":                       {typeString, typeString, typeString, typeString},
	"IPAddressFromResourceProvider":   {typeString, "", "", ""},
	"Location":                        {typeString, typeString, typeString, typeString},
	"LocationDetails":                 {typeDynamic, typeString, typeString, typeString},
	"AutonomousSystemNumber":          {typeString, typeString, typeString, ""},
	"NetworkLocationDetails":          {typeString, typeString, typeString, typeString},
	"ResultType":                      {typeString, typeString, typeString, typeString},
	"ResultDescription":               {typeString, typeString, typeString, typeString},
	"Status":                          {typeDynamic, typeString, "", ""},
	"ConditionalAccessStatus":         {typeString, typeString, typeString, typeString},
	"ConditionalAccessPolicies":       {typeDynamic, typeString, typeString, typeString},
	"DeviceDetail":                    {typeDynamic, typeString, "", ""},
	"AuthenticationRequirement":       {typeString, typeString, "", ""},
	"MfaDetail":                       {typeDynamic, typeString, "", ""},
	"AuthenticationDetails":           {typeString, typeString, "", ""},
	"IncomingTokenType":               {typeString, typeString, "", ""},
	"TokenIssuerType":                 {typeString, typeString, "", ""},
	"ClientCredentialType":            {typeString, typeString, typeString, typeString},
	"AuthenticationProtocol":          {typeString, typeString, "", ""},
	"CrossTenantAccessType":           {typeString, typeString, "", ""},
	"HomeTenantId":                    {typeString, typeString, "", ""},
	"ResourceTenantId":                {typeString, typeString, "", ""},
	"AADTenantId":                     {typeString, typeString, typeString, typeString},
	"RiskLevelDuringSignIn":           {typeString, typeString, "", ""},
	"RiskLevelAggregated":             {typeString, typeString, "", ""},
	"RiskState":                       {typeString, typeString, "", ""},
	"Type":                            {typeString, typeString, typeString, typeString},
}

// columnType returns the type of column in t, or "" when t has no such
// column.
func (t *Table) columnType(column string) string {
	return columns[column][t.index]
}

// has reports whether t has column.
func (t *Table) has(column string) bool { return t.columnType(column) != "" }
