package rules

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/signinspect/signinspect/parse"
)

// This file is the one source of the rule language's reference: every
// field of the environment with its type, the Microsoft Graph key it comes
// from, what it means and an example; every helper with its signature; and
// the values of the enumerations. `signinspect rules fields` prints it, the
// tables of REFERENCE.md are generated from it (go test ./rules -update),
// and a test keeps it in step with Env: the fields and their types come
// from Env by reflection, so only their documentation is written here.

// A FieldDoc documents one field of the environment.
type FieldDoc struct {
	// Path is the field as expressions write it: "Status.Code",
	// "Policies[].Result" for a field of every element of a list.
	Path string
	// Type is the field's type in the words of REFERENCE.md: string,
	// int, time, "bool or nil", []string, []Policy, ...
	Type string
	// Graph is the Microsoft Graph signIn key the field is read from, as
	// test records write it ("status.errorCode"), or "" when no key
	// holds it.
	Graph string
	// Meaning says what the field holds, in one sentence.
	Meaning string
	// Example is an expression that uses the field.
	Example string
}

// A HelperDoc documents one helper function.
type HelperDoc struct {
	Name string
	// Signature is the call with parameter names and types:
	// "InCIDR(ip string, cidr string) bool".
	Signature string
	// Type is the helper's Go function type, as REFERENCE.md writes it.
	Type    string
	Meaning string
	Example string
}

// A ValueDoc lists the values an enumeration field takes.
type ValueDoc struct {
	Fields string // The fields, as REFERENCE.md's first column reads.
	Values string
}

// fieldText is the written part of a FieldDoc.
type fieldText struct{ graph, meaning, example string }

// fieldDocs documents every field of the record, by path.
var fieldDocs = map[string]fieldText{
	"Time":                             {"createdDateTime", "When the sign-in happened, in UTC.", `Time > date("2026-11-20T10:00:00Z") && Time.Hour() < 11`},
	"RequestID":                        {"id", "The sign-in's request ID, as the error page and the portal show it.", `RequestID == "b27fd72f-4b41-446e-8160-b072930b6057"`},
	"CorrelationID":                    {"correlationId", "The correlation ID shared by the requests of one sign-in flow.", `CorrelationID != ""`},
	"OriginalRequestID":                {"originalRequestId", "The request ID of the first request of the flow.", `OriginalRequestID == ""`},
	"SessionID":                        {"sessionId", "The ID of the session the sign-in belongs to.", `SessionID == ""`},
	"UniqueTokenID":                    {"uniqueTokenIdentifier", "The ID of the token the sign-in issued or used.", `UniqueTokenID == ""`},
	"User.ID":                          {"userId", "The user's object ID.", `User.ID == "1fe161c6-f484-4b44-af3a-fdd3a009be31"`},
	"User.UPN":                         {"userPrincipalName", "The user principal name.", `lower(User.UPN) startsWith "svc-"`},
	"User.Name":                        {"userDisplayName", "The user's display name.", `User.Name contains "Build"`},
	"User.Type":                        {"userType", "Member or Guest.", `User.Type == "Guest"`},
	"User.SignInIdentifier":            {"signInIdentifier", "What the user typed to sign in, when it differs from the UPN.", `User.SignInIdentifier != User.UPN`},
	"ServicePrincipal.ID":              {"servicePrincipalId", "The object ID of the service principal that signed in.", `ServicePrincipal.ID != ""`},
	"ServicePrincipal.Name":            {"servicePrincipalName", "The service principal's name.", `ServicePrincipal.Name == "contoso-release-pipeline"`},
	"ServicePrincipal.CredentialKeyID": {"servicePrincipalCredentialKeyId", "The ID of the secret or certificate the service principal used.", `ServicePrincipal.CredentialKeyID != ""`},
	"ServicePrincipal.ManagedIdentity": {"managedServiceIdentity.msiType", "The managed identity's type, for managed identity sign-ins.", `ServicePrincipal.ManagedIdentity == "systemAssigned"`},
	"App.ID":                           {"appId", "The application (client) ID that signed in.", `App.ID == "499b84ac-1321-427f-aa17-267ca6975798"`},
	"App.Name":                         {"appDisplayName", "The application's name.", `App.Name == "Azure DevOps"`},
	"Resource.ID":                      {"resourceId", "The ID of the resource (API) the token was for.", `Resource.ID == "499b84ac-1321-427f-aa17-267ca6975798"`},
	"Resource.Name":                    {"resourceDisplayName", "The resource's name.", `Resource.Name in ["Azure DevOps", "Azure Resource Manager"]`},
	"Flow":                             {"isInteractive", "The sign-in's flow; see Values.", `Flow == "non-interactive"`},
	"ClientApp":                        {"clientAppUsed", "The client app type Entra ID recorded.", `ClientApp == "Mobile Apps and Desktop clients"`},
	"UserAgent":                        {"userAgent", "The caller's user agent.", `UserAgent startsWith "git/"`},
	"IP":                               {"ipAddress", "The IP address Entra ID saw.", `InCIDR(IP, "198.51.100.0/24")`},
	"IPSeenByResource":                 {"ipAddressFromResourceProvider", "The IP address the resource saw, when the export has it.", `IPSeenByResource != "" && !SameIP(IP, IPSeenByResource)`},
	"Location.City":                    {"location.city", "The city Entra ID placed the IP address in.", `Location.City == "Amsterdam"`},
	"Location.State":                   {"location.state", "The state or region.", `Location.State != ""`},
	"Location.Country":                 {"location.countryOrRegion", "The two-letter country or region code.", `Location.Country not in ["US", "GB"]`},
	"ASN":                              {"autonomousSystemNumber", "The IP address's autonomous system number; 0 when absent.", `ASN == 64510`},
	"NetworkLocations":                 {"networkLocationDetails", "The named networks the IP address fell into.", `len(NetworkLocations) == 0`},
	"NetworkLocations[].Type":          {"networkLocationDetails[].networkType", "The kind of network: namedNetwork, trustedNamedLocation, ...", `any(NetworkLocations, .Type == "trustedNamedLocation")`},
	"NetworkLocations[].Names":         {"networkLocationDetails[].networkNames", "The names of the named locations.", `any(NetworkLocations, "Corporate egress" in .Names)`},
	"Status.Code":                      {"status.errorCode", "The sign-in error code; 0 for success.", `Status.Code in [53003, 530032]`},
	"Status.Result":                    {"", "The outcome, from the code and the export's result; see Values.", `Status.Result == "failure"`},
	"Status.Reason":                    {"status.failureReason", "Microsoft's failure reason text, as the export holds it.", `ContainsFold(Status.Reason, "conditional access")`},
	"Status.Details":                   {"status.additionalDetails", "Additional details of the outcome.", `Status.Details == "MFA requirement satisfied by claim in the token"`},
	"CAStatus":                         {"conditionalAccessStatus", "The overall Conditional Access result; see Values.", `CAStatus == "failure"`},
	"Policies":                         {"appliedConditionalAccessPolicies", "The Conditional Access policies evaluated, in export order.", `any(Policies, .Result == "failure" && "location" in .ConditionsSatisfied)`},
	"Policies[].ID":                    {"appliedConditionalAccessPolicies[].id", "The policy's ID.", `any(Policies, .ID == "6c6fe338-a1db-4bbc-b984-0054d8199eb6")`},
	"Policies[].Name":                  {"appliedConditionalAccessPolicies[].displayName", "The policy's name.", `any(Policies, .Name startsWith "CA001")`},
	"Policies[].Result":                {"appliedConditionalAccessPolicies[].result", "The policy's result; see Values.", `all(Policies, .Result in ["notApplied", "notEnabled"])`},
	"Policies[].GrantControls":         {"appliedConditionalAccessPolicies[].enforcedGrantControls", "The grant controls it enforced.", `any(Policies, "Block" in .GrantControls)`},
	"Policies[].SessionControls":       {"appliedConditionalAccessPolicies[].enforcedSessionControls", "The session controls it enforced.", `any(Policies, "SignInFrequency" in .SessionControls)`},
	"Policies[].ConditionsSatisfied":   {"appliedConditionalAccessPolicies[].conditionsSatisfied", "The conditions that matched the sign-in.", `any(Policies, "location" in .ConditionsSatisfied)`},
	"Policies[].ConditionsNotSatisfied": {"appliedConditionalAccessPolicies[].conditionsNotSatisfied", "The conditions that did not match.",
		`any(Policies, .Result == "notApplied" && "application" in .ConditionsNotSatisfied)`},
	"Policies[].AuthenticationStrength": {"appliedConditionalAccessPolicies[].authenticationStrength", "The authentication strength it required.", `any(Policies, .AuthenticationStrength == "Phishing-resistant MFA")`},
	"Device.ID":                         {"deviceDetail.deviceId", "The device ID; empty for a device Entra ID does not know.", `Device.ID in ["", "{PII Removed}"]`},
	"Device.Name":                       {"deviceDetail.displayName", "The device's name.", `Device.Name startsWith "CONTOSO-"`},
	"Device.OS":                         {"deviceDetail.operatingSystem", "The operating system.", `Device.OS == "Linux"`},
	"Device.Browser":                    {"deviceDetail.browser", "The browser or client.", `Device.Browser startsWith "Edge"`},
	"Device.Compliant":                  {"deviceDetail.isCompliant", "Whether the device is compliant; nil when the export does not say.", `Device.Compliant != true`},
	"Device.Managed":                    {"deviceDetail.isManaged", "Whether the device is managed; nil when the export does not say.", `Device.Managed == nil`},
	"Device.TrustType":                  {"deviceDetail.trustType", "How the device is joined; see Values.", `Device.TrustType == "Microsoft Entra hybrid joined"`},
	"AuthRequirement":                   {"authenticationRequirement", "Single- or multifactor; see Values.", `AuthRequirement == "multiFactorAuthentication"`},
	"MFA.Result":                        {"status.additionalDetails", "The multifactor authentication result, as the portal CSV names it.", `MFA.Result == "MFA requirement satisfied by claim in the token"`},
	"MFA.Method":                        {"mfaDetail.authMethod", "The MFA method used.", `MFA.Method == "Mobile app notification"`},
	"MFA.Detail":                        {"mfaDetail.authDetail", "The MFA method's detail.", `MFA.Detail != ""`},
	"AuthSteps":                         {"authenticationDetails", "The authentication steps, in order.", `len(AuthSteps) > 0`},
	"AuthSteps[].Time":                  {"authenticationDetails[].authenticationStepDateTime", "When the step happened, in UTC.", `any(AuthSteps, .Time.Before(Time))`},
	"AuthSteps[].Method":                {"authenticationDetails[].authenticationMethod", "The step's method.", `any(AuthSteps, .Method == "Password")`},
	"AuthSteps[].Detail":                {"authenticationDetails[].authenticationMethodDetail", "The method's detail.", `any(AuthSteps, .Detail == "Password in the cloud")`},
	"AuthSteps[].Succeeded":             {"authenticationDetails[].succeeded", "Whether the step succeeded; nil when the export does not say.", `any(AuthSteps, .Succeeded == false)`},
	"AuthSteps[].Result":                {"authenticationDetails[].authenticationStepResultDetail", "The step's result text.", `any(AuthSteps, .Result == "MFA required in Azure AD")`},
	"AuthSteps[].Requirement":           {"authenticationDetails[].authenticationStepRequirement", "What the step was required for.", `any(AuthSteps, .Requirement == "Multifactor authentication")`},
	"IncomingTokenType":                 {"incomingTokenType", "The kind of token the caller presented.", `IncomingTokenType == "none"`},
	"TokenIssuerType":                   {"tokenIssuerType", "Who issued the token.", `TokenIssuerType == "AzureAD"`},
	"ClientCredentialType":              {"clientCredentialType", "The credential a client application used.", `ClientCredentialType == "clientSecret"`},
	"AuthProtocol":                      {"authenticationProtocol", "The authentication protocol.", `AuthProtocol == "deviceCode"`},
	"CrossTenantAccessType":             {"crossTenantAccessType", "The kind of cross-tenant access, if any.", `CrossTenantAccessType == "b2bCollaboration"`},
	"HomeTenantID":                      {"homeTenantId", "The user's home tenant.", `HomeTenantID != ResourceTenantID`},
	"ResourceTenantID":                  {"resourceTenantId", "The tenant of the resource.", `ResourceTenantID == ""`},
	"TenantID":                          {"tenantId", "The tenant the sign-in was logged in.", `TenantID == "a3a7050e-2165-4cc5-a481-bc4b259397d5"`},
	"RiskLevelDuringSignIn":             {"riskLevelDuringSignIn", "The sign-in risk level.", `RiskLevelDuringSignIn in ["medium", "high"]`},
	"RiskLevelAggregated":               {"riskLevelAggregated", "The user risk level.", `RiskLevelAggregated == "high"`},
	"RiskState":                         {"riskState", "The user's risk state.", `RiskState == "atRisk"`},
	"Source.File":                       {"", "The input the sign-in was read from (archive.zip!entry inside archives, - for standard input).", `Source.File endsWith ".csv"`},
	"Source.Line":                       {"", "The line of the input where the sign-in starts; 0 when not line-based.", `Source.Line > 0`},
	"Source.Index":                      {"", "The sign-in's record number in its input, from 1.", `Source.Index == 1`},
	"Source.Format":                     {"", "The input's format; see Values. Compare it as string(Source.Format).", `string(Source.Format) == "portal-csv"`},
}

// helperText is the written part of a HelperDoc.
type helperText struct{ params, meaning, example string }

// helperDocs documents every helper, by name. params names the parameters,
// in order.
var helperDocs = map[string]helperText{
	"Known":              {"field", "Whether the sign-in's format carries the field at all (a field name of Known, below).", `Known("Policies") && len(Policies) == 0`},
	"Failed":             {"", "Whether the sign-in did not succeed.", `Failed() && Status.Code != 50140`},
	"IsAzureDevOps":      {"", "Whether the application or the resource is Azure DevOps.", `IsAzureDevOps() && Flow == "non-interactive"`},
	"HasPolicyControl":   {"result, control", "Whether a policy with that result enforces the grant or session control.", `HasPolicyControl("failure", "Mfa")`},
	"HasPolicyCondition": {"result, condition", "Whether a policy with that result lists the condition as satisfied.", `HasPolicyCondition("failure", "location")`},
	"PolicyNames":        {"result", "The names of the policies with that result.", `len(PolicyNames("reportOnlyFailure")) > 0`},
	"InCIDR":             {"ip, cidr", "Whether the address lies in the CIDR range.", `InCIDR(IP, "2001:db8:4d2::/48") || InCIDR(IP, "198.51.100.0/24")`},
	"IPVersion":          {"ip", "4 or 6, or 0 when ip is not an address.", `IPVersion(IP) == 6`},
	"SameIP":             {"a, b", "Whether two addresses are the same, whatever their spelling.", `SameIP(IP, "::ffff:198.51.100.23")`},
	"Trusted":            {"ip", "Whether the address lies in a trusted location or --trusted-ip range.", `!Trusted(IP)`},
	"TrustedLocation":    {"ip", "The name of the trusted location that holds the address, or \"\".", `TrustedLocation(IPSeenByResource) == ""`},
	"NamedLocation":      {"ip", "The name of the first IP named location that holds the address, or \"\".", `NamedLocation(IP) == "Contractor VPN"`},
	"NamedLocations":     {"ip", "The names of every IP named location that holds the address.", `"Contractor VPN" in NamedLocations(IP)`},
	"InNamedLocation":    {"ip, name", "Whether the address lies in the named location of that name or ID.", `InNamedLocation(IP, "Contractor VPN")`},
	"CountryLocations":   {"country", "The country named locations that include the country code.", `len(CountryLocations(Location.Country)) == 0`},
	"HasNamedLocations":  {"", "Whether --named-locations gave any named location.", `HasNamedLocations() && NamedLocation(IP) == ""`},
	"HasTrustedRanges":   {"version", "Whether a trusted range of that IP version (4, 6, or 0 for either) is known.", `HasTrustedRanges(0) && !HasTrustedRanges(6)`},
	"HasPolicies":        {"", "Whether --policies gave any Conditional Access policy.", `HasPolicies() && PolicyVerdict() == "blocked"`},
	"PolicyVerdict":      {"", "The evaluation of the policies for the sign-in: blocked, allowed, unknown or notEvaluated; \"\" without policies.", `PolicyVerdict() in ["blocked", "unknown"]`},
	"EvaluatedPolicies":  {"result", "The names of the policies whose evaluated result is result.", `len(EvaluatedPolicies("failure")) > 0`},
	"EvaluatedResult":    {"policy", "The evaluated result of one policy, by name or ID, or \"\".", `EvaluatedResult("Office only") == "failure"`},
	"ConditionMatch":     {"policy, condition", "Whether one condition of a policy matches: yes, no, unknown or notSet.", `ConditionMatch("6c6fe338-a1db-4bbc-b984-0054d8199eb6", "location") == "yes"`},
	"BlockDecidedBy":     {"condition", "Whether the evaluation blocks the sign-in and the condition decides every block.", `!HasPolicies() || BlockDecidedBy("location")`},
	"EqualFold":          {"a, b", "Whether two texts are equal, ignoring case.", `EqualFold(App.Name, "azure devops")`},
	"ContainsFold":       {"s, substr", "Whether substr is within s, ignoring case.", `ContainsFold(UserAgent, "GIT/")`},
	"CodeName":           {"code", "Microsoft's name of a sign-in error code, or \"\".", `CodeName(Status.Code) == "BlockedByConditionalAccess"`},
	"IsCACode":           {"code", "Whether a sign-in error code is a Conditional Access outcome.", `IsCACode(Status.Code) || CAStatus == "failure"`},
}

// valueDocs lists the enumerations rules compare against, as every reader
// normalizes them.
var valueDocs = []ValueDoc{
	{"`Flow`", "`interactive`, `non-interactive`, `service-principal`, `managed-identity`, or `\"\"` when the export does not say"},
	{"`Status.Result`", "`success`, `failure`, `interrupted`"},
	{"`CAStatus`, `Policies[].Result`", "`success`, `failure`, `notApplied`, `notEnabled`, `reportOnlySuccess`, `reportOnlyFailure`, `reportOnlyNotApplied`, `reportOnlyInterrupted`, `unknown`, `unknownFutureValue`"},
	{"`Policies[].GrantControls`", "as the export writes them: `Mfa`, `Block`, `RequireCompliantDevice`, `RequireDomainJoinedDevice`, `RequireApprovedApp`, ... (use `HasPolicyControl` to match any spelling)"},
	{"`Policies[].SessionControls`", "as the export writes them: `SignInFrequency`, ..."},
	{"`Device.TrustType`", "`Microsoft Entra joined`, `Microsoft Entra hybrid joined`, `Microsoft Entra registered` (older \"Azure AD\" wordings are mapped to these), other values as written"},
	{"`AuthRequirement`", "`singleFactorAuthentication`, `multiFactorAuthentication`"},
	{"`Source.Format`", "`portal-csv`, `portal-authdetails-csv`, `graph-json`, `log-analytics-csv`, `log-analytics-json`, `diagnostic-json`"},
}

// Fields documents every field of the environment, in the order of the
// record's Go fields.
func Fields() []FieldDoc {
	var out []FieldDoc
	for _, f := range envFields() {
		t := fieldDocs[f.path]
		out = append(out, FieldDoc{Path: f.path, Type: f.typ, Graph: t.graph, Meaning: t.meaning, Example: t.example})
	}
	return out
}

// Helpers documents every helper, in the order of Env's fields.
func Helpers() []HelperDoc {
	var out []HelperDoc
	for _, h := range envHelpers() {
		t := helperDocs[h.name]
		out = append(out, HelperDoc{Name: h.name, Signature: signature(h.name, t.params, h.t), Type: typeName(h.t),
			Meaning: t.meaning, Example: t.example})
	}
	return out
}

// Values lists the enumerations rules compare against, and the field
// names Known takes.
func Values() []ValueDoc {
	var names []string
	for _, f := range parse.Fields() {
		names = append(names, "`"+f.String()+"`")
	}
	return append(append([]ValueDoc(nil), valueDocs...),
		ValueDoc{"field names of `Known`", strings.Join(names, ", ") + " (case-insensitive; any other name is a load error)"})
}

// signature writes a helper's call: Name(p1 T1, p2 T2) R.
func signature(name, params string, t reflect.Type) string {
	var names []string
	if params != "" {
		names = strings.Split(params, ", ")
	}
	var b strings.Builder
	b.WriteString(name + "(")
	for i := 0; i < t.NumIn(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		if i < len(names) {
			b.WriteString(names[i] + " ")
		}
		b.WriteString(typeName(t.In(i)))
	}
	b.WriteString(")")
	for i := 0; i < t.NumOut(); i++ {
		b.WriteString(" " + typeName(t.Out(i)))
	}
	return b.String()
}

// envField is a field of the environment found by reflection.
type envField struct {
	path string
	typ  string
	t    reflect.Type
}

// envFields lists the record fields rules see, by path, with their types,
// by reflection over Env: nested structs by their fields (User.UPN), slices
// of structs as a whole and by element field (Policies, Policies[].Result).
// Fields that Env's own fields shadow (Record.Known) are left out.
func envFields() []envField {
	envType := reflect.TypeOf(Env{})
	own := map[string]bool{}
	for i := 0; i < envType.NumField(); i++ {
		own[envType.Field(i).Name] = true
	}
	var out []envField
	var walk func(t reflect.Type, prefix string, top bool)
	walk = func(t reflect.Type, prefix string, top bool) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || (top && own[f.Name]) {
				continue
			}
			path := prefix + f.Name
			switch {
			case f.Type.Kind() == reflect.Struct && f.Type != timeType:
				walk(f.Type, path+".", false)
			case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
				out = append(out, envField{path: path, typ: typeName(f.Type), t: f.Type})
				walk(f.Type.Elem(), path+"[].", false)
			default:
				out = append(out, envField{path: path, typ: typeName(f.Type), t: f.Type})
			}
		}
	}
	walk(reflect.TypeOf(record{}), "", true)
	return out
}

// envHelper is a helper of the environment found by reflection.
type envHelper struct {
	name string
	t    reflect.Type
}

// envHelpers lists Env's helper fields with their types.
func envHelpers() []envHelper {
	t := reflect.TypeOf(Env{})
	var out []envHelper
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && f.Type.Kind() == reflect.Func {
			out = append(out, envHelper{name: f.Name, t: f.Type})
		}
	}
	return out
}

var timeType = reflect.TypeOf(time.Time{})

// typeName writes a type in the words of the rule language: Go's, without
// package qualifiers, with time for time.Time and "bool or nil" for a
// fact an export may not state.
func typeName(t reflect.Type) string {
	switch {
	case t == timeType:
		return "time"
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Bool:
		return "bool or nil"
	case t.Kind() == reflect.Slice:
		return "[]" + typeName(t.Elem())
	case t.Kind() == reflect.Func:
		var in, out []string
		for i := 0; i < t.NumIn(); i++ {
			in = append(in, typeName(t.In(i)))
		}
		for i := 0; i < t.NumOut(); i++ {
			out = append(out, typeName(t.Out(i)))
		}
		s := "func(" + strings.Join(in, ", ") + ")"
		if len(out) > 0 {
			s += " " + strings.Join(out, ", ")
		}
		return s
	}
	return t.Name()
}

// graphAliases maps Microsoft Graph keys, lower case (whole paths and last
// segments), to the fields read from them, so that a rule that writes a
// Graph name (ipAddress, userPrincipalName) gets the field's name as a
// suggestion.
var graphAliases = func() map[string]string {
	m := map[string]string{}
	paths := make([]string, 0, len(fieldDocs))
	for p := range fieldDocs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		g := fieldDocs[p].graph
		if g == "" {
			continue
		}
		for _, k := range []string{g, g[strings.LastIndexAny(g, ".]")+1:]} {
			k = strings.ToLower(k)
			if _, taken := m[k]; !taken {
				m[k] = p
			}
		}
	}
	return m
}()

// checkFieldDocs reports fields and helpers of Env without documentation,
// and documentation of fields and helpers Env does not have.
func checkFieldDocs() []error {
	var errs []error
	seen := map[string]bool{}
	for _, f := range envFields() {
		seen[f.path] = true
		if t, ok := fieldDocs[f.path]; !ok || t.meaning == "" || t.example == "" {
			errs = append(errs, fmt.Errorf("field %s (%s) has no meaning or example in fieldDocs", f.path, f.typ))
		}
	}
	for p := range fieldDocs {
		if !seen[p] {
			errs = append(errs, fmt.Errorf("fieldDocs documents %s, which Env does not have", p))
		}
	}
	seen = map[string]bool{}
	for _, h := range envHelpers() {
		seen[h.name] = true
		t, ok := helperDocs[h.name]
		switch {
		case !ok || t.meaning == "" || t.example == "":
			errs = append(errs, fmt.Errorf("helper %s has no meaning or example in helperDocs", h.name))
		case t.params != "" && len(strings.Split(t.params, ", ")) != h.t.NumIn(), t.params == "" && h.t.NumIn() > 0:
			errs = append(errs, fmt.Errorf("helperDocs names %q as the parameters of %s, which takes %d", t.params, h.name, h.t.NumIn()))
		}
	}
	for n := range helperDocs {
		if !seen[n] {
			errs = append(errs, fmt.Errorf("helperDocs documents %s, which Env does not have", n))
		}
	}
	return errs
}
