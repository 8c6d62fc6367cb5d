package scenario

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// graphOptions are the differences between the producers that write
// Graph-shaped sign-in objects.
type graphOptions struct {
	// created formats createdDateTime and authenticationStepDateTime.
	created func(time.Time) any
	// conditionBits writes conditionsSatisfied as integers, as diagnostic
	// archives and Log Analytics do.
	conditionBits bool
	// diagnostic: the Azure Monitor shape, with tenantId, absent device
	// keys instead of nulls, and {"errorCode":0} for a success.
	diagnostic bool
	// piiRemoved replaces device IDs and names with "{PII Removed}".
	piiRemoved bool
}

// graphTime is Graph's createdDateTime: UTC, whole seconds.
func graphTime(t time.Time) any { return t.UTC().Format("2006-01-02T15:04:05Z") }

// diagnosticTime is a diagnostic archive's createdDateTime: 7 fractional
// digits and an explicit offset.
func diagnosticTime(t time.Time) any { return t.Format("2006-01-02T15:04:05.0000000-07:00") }

var graphDefaults = graphOptions{created: graphTime}

// strOrNull returns nil for "", as Graph writes absent strings.
func strOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func boolOrNull(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// graphSignIn returns the Microsoft Graph beta signIn object of s, in the
// key order Graph writes.
func graphSignIn(s *SignIn, opt graphOptions) obj {
	o := s.Outcome
	var user Person
	if s.User != nil {
		user = *s.User
	}
	var wl Workload
	if s.Workload != nil {
		wl = *s.Workload
	}
	eventType := map[Flow]string{Interactive: "interactiveUser", NonInteractive: "nonInteractiveUser",
		ServicePrincipal: "servicePrincipal", ManagedIdentity: "managedIdentity"}[s.Flow]
	signInIdentifier := ""
	if s.Flow == Interactive {
		signInIdentifier = user.UPN
	}

	status := obj{{"errorCode", o.Code}, {"failureReason", strOrNull(o.Reason)}, {"additionalDetails", strOrNull(o.Details)}}
	if opt.diagnostic {
		status = obj{{"errorCode", o.Code}}
		if o.Reason != "" {
			status = append(status, member{"failureReason", o.Reason})
		}
		if o.Details != "" {
			status = append(status, member{"additionalDetails", o.Details})
		}
	}

	d := s.Device
	deviceID, deviceName := d.ID, d.Name
	if opt.piiRemoved && deviceID != "" {
		deviceID, deviceName = "{PII Removed}", "{PII Removed}"
	}
	device := obj{{"deviceId", deviceID}, {"displayName", deviceName}, {"operatingSystem", d.OS}, {"browser", d.Browser}}
	if opt.diagnostic {
		// Diagnostic records leave out what the sign-in did not say.
		if d.Compliant != nil {
			device = append(device, member{"isCompliant", *d.Compliant})
		}
		if d.Managed != nil {
			device = append(device, member{"isManaged", *d.Managed})
		}
		if d.TrustType != "" {
			device = append(device, member{"trustType", d.TrustType})
		}
	} else {
		device = append(device, member{"isCompliant", boolOrNull(d.Compliant)},
			member{"isManaged", boolOrNull(d.Managed)}, member{"trustType", strOrNull(d.TrustType)})
	}

	location := obj{{"city", s.From.City}, {"state", s.From.State}, {"countryOrRegion", s.From.Country}}
	if s.From.IP != "" {
		location = append(location, member{"geoCoordinates", obj{{"altitude", nil}, {"latitude", s.From.Lat}, {"longitude", s.From.Lon}}})
	} else {
		location = append(location, member{"geoCoordinates", obj{}})
	}

	policies := arr{}
	for _, r := range o.Policies {
		var sat, notSat any = conditionString(r.Satisfied), conditionString(r.NotSatisfied)
		if opt.conditionBits {
			sat, notSat = r.SatisfiedMask, r.NotSatMask
		}
		policies = append(policies, obj{
			{"id", r.Policy.ID},
			{"displayName", r.Policy.Name},
			{"enforcedGrantControls", nonNil(r.Grant)},
			{"enforcedSessionControls", nonNil(r.Session)},
			{"result", r.Result},
			{"conditionsSatisfied", sat},
			{"conditionsNotSatisfied", notSat},
		})
	}

	networks := arr{}
	for _, n := range o.Networks {
		networks = append(networks, obj{{"networkType", n.Type}, {"networkNames", n.Names}})
	}

	steps := arr{}
	for _, st := range o.AuthSteps {
		steps = append(steps, obj{
			{"authenticationStepDateTime", opt.created(st.Time)},
			{"authenticationMethod", st.Method},
			{"authenticationMethodDetail", strOrNull(st.Detail)},
			{"succeeded", st.Succeeded},
			{"authenticationStepResultDetail", st.Result},
			{"authenticationStepRequirement", st.Requirement},
		})
	}

	mfa := obj{{"authMethod", strOrNull(o.MFAMethod)}, {"authDetail", nil}}

	var msi any
	if s.Flow == ManagedIdentity {
		msi = obj{{"msiType", wl.MSIType}, {"associatedResourceId", wl.AssociatedResourceID},
			{"federatedTokenId", nil}, {"federatedTokenIssuer", nil}}
	}
	credentialType := "none"
	if wl.CredentialType != "" {
		credentialType = wl.CredentialType
	}
	userType := "Member"
	if !s.IsUser() {
		userType = ""
	}

	rec := obj{
		{"id", s.RequestID},
		{"createdDateTime", opt.created(s.Time)},
		{"userDisplayName", strOrNull(user.Name)},
		{"userPrincipalName", strOrNull(user.UPN)},
		{"userId", user.ID},
		{"appId", s.App.ID},
		{"appDisplayName", s.App.Name},
		{"ipAddress", s.From.IP},
		{"ipAddressFromResourceProvider", strOrNull(s.SeenByResource)},
		{"clientAppUsed", strOrNull(s.ClientApp)},
		{"userAgent", s.UserAgent},
		{"correlationId", s.CorrelationID()},
		{"conditionalAccessStatus", o.CAStatus},
		{"originalRequestId", s.RequestID},
		{"isInteractive", s.Flow == Interactive},
		{"tokenIssuerName", ""},
		{"tokenIssuerType", "AzureAD"},
		{"clientCredentialType", credentialType},
		{"processingTimeInMilliseconds", s.LatencyMS()},
		{"riskDetail", "none"},
		{"riskLevelAggregated", "none"},
		{"riskLevelDuringSignIn", "none"},
		{"riskState", "none"},
		{"riskEventTypes_v2", arr{}},
		{"resourceDisplayName", s.Resource.Name},
		{"resourceId", s.Resource.ID},
		{"resourceTenantId", TenantID},
		{"homeTenantId", TenantID},
		{"homeTenantName", TenantName},
		{"authenticationRequirement", o.AuthRequirement},
		{"signInIdentifier", signInIdentifier},
		{"signInIdentifierType", nil},
		{"servicePrincipalName", wl.Name},
		{"signInEventTypes", []string{eventType}},
		{"servicePrincipalId", wl.ObjectID},
		{"userType", strOrNull(userType)},
		{"flaggedForReview", false},
		{"isTenantRestricted", false},
		{"autonomousSystemNumber", s.From.ASN},
		{"crossTenantAccessType", "none"},
		{"servicePrincipalCredentialKeyId", wl.CredentialKeyID},
		{"uniqueTokenIdentifier", s.UniqueTokenID()},
		{"incomingTokenType", "none"},
		{"authenticationProtocol", "none"},
		{"sessionId", s.SessionID()},
		{"isThroughGlobalSecureAccess", false},
		{"mfaDetail", mfa},
		{"status", status},
		{"deviceDetail", device},
		{"location", location},
		{"appliedConditionalAccessPolicies", policies},
		{"networkLocationDetails", networks},
		{"authenticationDetails", steps},
		{"managedServiceIdentity", msi},
	}
	if opt.diagnostic {
		rec = append(rec, member{"tenantId", TenantID}, member{"appOwnerTenantId", appOwner(s)},
			member{"resourceOwnerTenantId", MicrosoftTenantID})
	}
	return rec
}

// appOwner returns the tenant that owns the client application: Microsoft
// for first-party apps, Contoso for its own workloads.
func appOwner(s *SignIn) string {
	if s.Workload != nil {
		return TenantID
	}
	return MicrosoftTenantID
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// powerShellNames are the Graph PowerShell SDK's property names that are
// not simply the camelCase name with its first letter raised.
var powerShellNames = map[string]string{
	"ipAddress":                     "IPAddress",
	"ipAddressFromResourceProvider": "IPAddressFromResourceProvider",
	"riskEventTypes_v2":             "RiskEventTypesV2",
	"id":                            "Id",
}

// powerShellName returns the SDK's PascalCase name of a Graph property.
func powerShellName(k string) string {
	if n, ok := powerShellNames[k]; ok {
		return n
	}
	return strings.ToUpper(k[:1]) + k[1:]
}

// powerShellObject converts a Graph object to what `Get-MgBetaAuditLogSignIn
// | ConvertTo-Json` writes: PascalCase properties in alphabetical order and
// an AdditionalProperties dictionary on every object, holding the members
// the SDK's model does not know (extra, in camelCase as Graph sent them).
func powerShellObject(o obj, extra obj) obj {
	out := obj{{"AdditionalProperties", extra}}
	for _, m := range o {
		out = append(out, member{powerShellName(m.key), powerShellValue(m.value)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

func powerShellValue(v any) any {
	switch v := v.(type) {
	case obj:
		return powerShellObject(v, obj{})
	case arr:
		out := make(arr, len(v))
		for i, x := range v {
			out[i] = powerShellValue(x)
		}
		return out
	}
	return v
}

// powerShellDate is how Windows PowerShell 5.1 writes a DateTime:
// "\/Date(milliseconds since 1970)\/".
func powerShellDate(t time.Time) any {
	return rawJSON(`"\/Date(` + strconv.FormatInt(t.UnixMilli(), 10) + `)\/"`)
}
