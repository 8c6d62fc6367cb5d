package rules

import (
	"time"

	"github.com/signinspect/signinspect/parse"
)

// asFormat makes rec look as if read from format f: the fields f does not
// carry are cleared and left out of Known, and Source.Format is f. A test
// case thus checks what a rule does on, say, a portal CSV row, from a record
// written in Graph JSON shape.
func asFormat(rec *parse.Record, f parse.Format) {
	carries := f.Info().Carries
	for _, field := range parse.Fields() {
		if !carries.Has(field) {
			clearField(rec, field)
		}
	}
	rec.Known &= carries
	rec.Source.Format = f
}

// clearField zeroes the part of rec that field names.
func clearField(rec *parse.Record, field parse.Field) {
	switch field {
	case parse.FieldTime:
		rec.Time = time.Time{}
	case parse.FieldRequestID:
		rec.RequestID = ""
	case parse.FieldCorrelationID:
		rec.CorrelationID = ""
	case parse.FieldSessionID:
		rec.SessionID = ""
	case parse.FieldUser:
		rec.User = parse.User{Type: rec.User.Type}
	case parse.FieldUserType:
		rec.User.Type = ""
	case parse.FieldServicePrincipal:
		rec.ServicePrincipal = parse.ServicePrincipal{}
	case parse.FieldApp:
		rec.App = parse.App{}
	case parse.FieldResource:
		rec.Resource = parse.App{}
	case parse.FieldFlow:
		rec.Flow = ""
	case parse.FieldClientApp:
		rec.ClientApp = ""
	case parse.FieldUserAgent:
		rec.UserAgent = ""
	case parse.FieldIP:
		rec.IP = ""
	case parse.FieldIPSeenByResource:
		rec.IPSeenByResource = ""
	case parse.FieldLocation:
		rec.Location = parse.Location{}
	case parse.FieldASN:
		rec.ASN = 0
	case parse.FieldNetworkLocations:
		rec.NetworkLocations = nil
	case parse.FieldStatusCode:
		rec.Status.Code = 0
	case parse.FieldStatusReason:
		rec.Status.Reason = ""
	case parse.FieldStatusDetails:
		rec.Status.Details = ""
	case parse.FieldCAStatus:
		rec.CAStatus = ""
	case parse.FieldPolicies:
		rec.Policies = nil
	case parse.FieldPolicyConditions:
		for i := range rec.Policies {
			rec.Policies[i].ConditionsSatisfied = nil
			rec.Policies[i].ConditionsNotSatisfied = nil
		}
	case parse.FieldDeviceID:
		rec.Device.ID = ""
	case parse.FieldDeviceName:
		rec.Device.Name = ""
	case parse.FieldDeviceOS:
		rec.Device.OS = ""
	case parse.FieldDeviceBrowser:
		rec.Device.Browser = ""
	case parse.FieldDeviceCompliant:
		rec.Device.Compliant = nil
	case parse.FieldDeviceManaged:
		rec.Device.Managed = nil
	case parse.FieldDeviceTrustType:
		rec.Device.TrustType = ""
	case parse.FieldAuthRequirement:
		rec.AuthRequirement = ""
	case parse.FieldMFA:
		rec.MFA = parse.MFA{}
	case parse.FieldAuthSteps:
		rec.AuthSteps = nil
	case parse.FieldIncomingTokenType:
		rec.IncomingTokenType = ""
	case parse.FieldTenantIDs:
		rec.HomeTenantID, rec.ResourceTenantID, rec.TenantID = "", "", ""
	case parse.FieldRisk:
		rec.RiskLevelDuringSignIn, rec.RiskLevelAggregated, rec.RiskState = "", "", ""
	}
}
