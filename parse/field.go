package parse

import (
	"strings"

	"math/bits"
)

// A Field names a part of Record whose presence depends on the export
// format. Its name is the path rule authors write for it ("Device.Compliant").
type Field uint8

// Fields whose presence varies by format.
const (
	FieldTime Field = iota
	FieldRequestID
	FieldCorrelationID
	FieldSessionID
	FieldUser // User.ID, User.UPN or User.Name.
	FieldUserType
	FieldServicePrincipal
	FieldApp
	FieldResource
	FieldFlow
	FieldClientApp
	FieldUserAgent
	FieldIP
	FieldIPSeenByResource
	FieldLocation
	FieldASN
	FieldNetworkLocations
	FieldStatusCode
	FieldStatusReason
	FieldStatusDetails
	FieldCAStatus
	FieldPolicies
	FieldPolicyConditions // Policy.ConditionsSatisfied and ConditionsNotSatisfied.
	FieldDeviceID
	FieldDeviceName
	FieldDeviceOS
	FieldDeviceBrowser
	FieldDeviceCompliant
	FieldDeviceManaged
	FieldDeviceTrustType
	FieldAuthRequirement
	FieldMFA
	FieldAuthSteps
	FieldIncomingTokenType
	FieldTenantIDs
	FieldRisk
	numFields
)

var fieldNames = [numFields]string{
	FieldTime:              "Time",
	FieldRequestID:         "RequestID",
	FieldCorrelationID:     "CorrelationID",
	FieldSessionID:         "SessionID",
	FieldUser:              "User",
	FieldUserType:          "User.Type",
	FieldServicePrincipal:  "ServicePrincipal",
	FieldApp:               "App",
	FieldResource:          "Resource",
	FieldFlow:              "Flow",
	FieldClientApp:         "ClientApp",
	FieldUserAgent:         "UserAgent",
	FieldIP:                "IP",
	FieldIPSeenByResource:  "IPSeenByResource",
	FieldLocation:          "Location",
	FieldASN:               "ASN",
	FieldNetworkLocations:  "NetworkLocations",
	FieldStatusCode:        "Status.Code",
	FieldStatusReason:      "Status.Reason",
	FieldStatusDetails:     "Status.Details",
	FieldCAStatus:          "CAStatus",
	FieldPolicies:          "Policies",
	FieldPolicyConditions:  "Policy.Conditions",
	FieldDeviceID:          "Device.ID",
	FieldDeviceName:        "Device.Name",
	FieldDeviceOS:          "Device.OS",
	FieldDeviceBrowser:     "Device.Browser",
	FieldDeviceCompliant:   "Device.Compliant",
	FieldDeviceManaged:     "Device.Managed",
	FieldDeviceTrustType:   "Device.TrustType",
	FieldAuthRequirement:   "AuthRequirement",
	FieldMFA:               "MFA",
	FieldAuthSteps:         "AuthSteps",
	FieldIncomingTokenType: "IncomingTokenType",
	FieldTenantIDs:         "TenantIDs",
	FieldRisk:              "Risk",
}

// String returns the field's name as rule authors write it.
func (f Field) String() string {
	if f < numFields {
		return fieldNames[f]
	}
	return "Field(?)"
}

// Fields returns every Field in declaration order.
func Fields() []Field {
	fs := make([]Field, numFields)
	for i := range fs {
		fs[i] = Field(i)
	}
	return fs
}

// FieldByName returns the field with the given name, compared
// case-insensitively.
func FieldByName(name string) (Field, bool) {
	for i, n := range fieldNames {
		if strings.EqualFold(n, name) {
			return Field(i), true
		}
	}
	return 0, false
}

// A FieldSet is a set of Fields.
type FieldSet uint64

// Has reports whether f is in the set.
func (s FieldSet) Has(f Field) bool { return s&(1<<f) != 0 }

// Count returns the number of fields in s.
func (s FieldSet) Count() int { return bits.OnesCount64(uint64(s)) }

// Add returns the set with fs added.
func (s FieldSet) Add(fs ...Field) FieldSet {
	for _, f := range fs {
		s |= 1 << f
	}
	return s
}

// Remove returns the set without fs.
func (s FieldSet) Remove(fs ...Field) FieldSet {
	for _, f := range fs {
		s &^= 1 << f
	}
	return s
}

// AllFields is the set of every Field.
const AllFields FieldSet = 1<<numFields - 1

// Missing returns the fields of want that are not in the set, in declaration
// order.
func (s FieldSet) Missing(want FieldSet) []Field {
	var out []Field
	for f := Field(0); f < numFields; f++ {
		if want.Has(f) && !s.Has(f) {
			out = append(out, f)
		}
	}
	return out
}
