// Package parse reads Microsoft Entra ID sign-in log exports into one
// normalized, streaming record type.
//
// Every export shape (Entra portal CSV and JSON downloads, Microsoft Graph
// JSON, Log Analytics exports and Azure Monitor diagnostic archives) is read
// into the same Record, so that filters, rules and reports never need to know
// where a sign-in came from. What a format does not carry is recorded as
// unknown (see Record.Known), never as false or empty.
//
// Reading is split in two steps so that large inputs can be prefiltered and
// decoded in parallel: a Splitter frames an input into raw records (Chunk)
// without decoding them, and a Decoder turns one Chunk into a Record. A
// Reader runs both in sequence.
package parse

import "time"

// Flows a sign-in can belong to. They match the values of the --flow flag.
// An empty Flow means the export did not say which flow the sign-in was.
const (
	FlowInteractive      = "interactive"
	FlowNonInteractive   = "non-interactive"
	FlowServicePrincipal = "service-principal"
	FlowManagedIdentity  = "managed-identity"
)

// Sign-in outcomes, as Status.Result holds them.
const (
	ResultSuccess     = "success"
	ResultFailure     = "failure"
	ResultInterrupted = "interrupted"
)

// Conditional Access outcomes. CAStatus and Policy.Result hold Microsoft
// Graph's camelCase enum values whatever the spelling in the file ("Not
// Applied" in a portal CSV becomes "notApplied").
const (
	CASuccess               = "success"
	CAFailure               = "failure"
	CANotApplied            = "notApplied"
	CANotEnabled            = "notEnabled"
	CAReportOnlySuccess     = "reportOnlySuccess"
	CAReportOnlyFailure     = "reportOnlyFailure"
	CAReportOnlyNotApplied  = "reportOnlyNotApplied"
	CAReportOnlyInterrupted = "reportOnlyInterrupted"
	CAUnknown               = "unknown"
	CAUnknownFutureValue    = "unknownFutureValue"
)

// Device trust (join) types. Device.TrustType holds one of these whatever
// the wording in the file: "Azure AD joined" and "Microsoft Entra joined"
// both become TrustEntraJoined. Other values are kept as written.
const (
	TrustEntraJoined       = "Microsoft Entra joined"
	TrustEntraHybridJoined = "Microsoft Entra hybrid joined"
	TrustEntraRegistered   = "Microsoft Entra registered"
)

// Authentication requirements, as Record.AuthRequirement holds them.
const (
	AuthSingleFactor = "singleFactorAuthentication"
	AuthMultiFactor  = "multiFactorAuthentication"
)

// AzureDevOpsAppID is the application and resource ID of Azure DevOps, the
// default target of signinspect.
const AzureDevOpsAppID = "499b84ac-1321-427f-aa17-267ca6975798"

// A Record is one sign-in, normalized from any supported export format.
//
// String fields hold the empty string when the value is absent; Known tells
// whether the format carries the field at all. Tri-state facts (is the device
// compliant?) are *bool: nil means unknown.
type Record struct {
	// Time is when the sign-in happened, in UTC (createdDateTime, not the
	// ingestion time of diagnostic records).
	Time time.Time

	RequestID         string // id / Request ID: the sign-in's unique ID.
	CorrelationID     string
	OriginalRequestID string
	SessionID         string
	UniqueTokenID     string

	User             User
	ServicePrincipal ServicePrincipal // For service principal and managed identity sign-ins.
	App              App              // The client application that signed in.
	Resource         App              // The resource (API) the token was for.

	// Flow is one of the Flow constants, or "" when the export does not say
	// (a portal CSV whose file name was changed, for example).
	Flow string

	ClientApp string // clientAppUsed: "Browser", "Mobile Apps and Desktop clients", ...
	UserAgent string

	// IP is the address Entra ID saw. IPSeenByResource is the address the
	// resource (Azure DevOps, say) saw; portal CSVs fill it only when the two
	// differ, and Record leaves it as the file has it.
	IP               string
	IPSeenByResource string
	Location         Location
	ASN              int // Autonomous system number; 0 when absent.
	NetworkLocations []NetworkLocation

	Status Status

	// CAStatus is the aggregate Conditional Access status (a CA constant).
	CAStatus string
	// Policies are the Conditional Access policies evaluated for the sign-in,
	// in the order the export lists them. Portal CSVs carry none (see Known);
	// Graph data read without a policy permission carries an empty list.
	Policies []Policy

	Device Device

	AuthRequirement string // AuthSingleFactor or AuthMultiFactor.
	MFA             MFA
	AuthSteps       []AuthStep

	IncomingTokenType     string // Graph spelling: "none", "primaryRefreshToken", ...
	TokenIssuerType       string
	ClientCredentialType  string
	AuthProtocol          string
	CrossTenantAccessType string

	HomeTenantID     string
	ResourceTenantID string
	TenantID         string

	RiskLevelDuringSignIn string
	RiskLevelAggregated   string
	RiskState             string

	// Source says where the record came from.
	Source Source

	// Known is the set of fields the record's format carries. A field that is
	// not Known is unknown, not empty or false.
	Known FieldSet
}

// User identifies the user who signed in.
type User struct {
	ID               string // Object ID.
	UPN              string // User principal name.
	Name             string // Display name.
	Type             string // "Member" or "Guest".
	SignInIdentifier string
}

// ServicePrincipal identifies the workload that signed in, for service
// principal and managed identity sign-ins.
type ServicePrincipal struct {
	ID              string
	Name            string
	CredentialKeyID string
	ManagedIdentity string // Managed identity type, for managed identity sign-ins.
}

// App is an application or resource, by ID and display name.
type App struct {
	ID   string
	Name string
}

// Location is where Entra ID placed the sign-in's IP address.
type Location struct {
	City    string
	State   string
	Country string // Two-letter country or region code.
}

// NetworkLocation is one entry of networkLocationDetails: the type of network
// (namedNetwork, trustedNamedLocation, ...) and the names of the named
// locations the IP address fell into.
type NetworkLocation struct {
	Type  string
	Names []string
}

// Status is the outcome of the sign-in.
type Status struct {
	// Code is the sign-in error code; 0 means success.
	Code int
	// Result is one of the Result constants: "failure" whenever Code is not
	// 0, unless the export says "interrupted".
	Result string
	// Reason is Microsoft's failure reason text, as the export holds it.
	Reason string
	// Details is status.additionalDetails.
	Details string
}

// Policy is one Conditional Access policy as evaluated for a sign-in.
type Policy struct {
	ID     string
	Name   string
	Result string // A CA constant: "failure", "reportOnlyFailure", ...
	// GrantControls are the enforced grant controls ("Mfa", "Block",
	// "RequireCompliantDevice", "RequireDomainJoinedDevice", ...).
	GrantControls []string
	// SessionControls are the enforced session controls ("SignInFrequency", ...).
	SessionControls []string
	// ConditionsSatisfied and ConditionsNotSatisfied are Graph
	// conditionalAccessConditions flag names ("application", "users",
	// "location", ...). Integer bitmasks from diagnostic archives are
	// decoded with Graph's flag order.
	ConditionsSatisfied    []string
	ConditionsNotSatisfied []string
	AuthenticationStrength string
}

// Device holds what the sign-in said about the device. Compliant and Managed
// are nil when unknown: an unmanaged device's record simply lacks them.
type Device struct {
	ID        string
	Name      string
	OS        string
	Browser   string
	Compliant *bool
	Managed   *bool
	TrustType string // A Trust constant, another value as written, or "".
}

// MFA holds the multifactor authentication detail of the sign-in.
type MFA struct {
	Result string // Portal CSV "Multifactor authentication result".
	Method string
	Detail string
}

// AuthStep is one step of authenticationDetails.
type AuthStep struct {
	Time        time.Time
	Method      string
	Detail      string
	Succeeded   *bool
	Result      string
	Requirement string
}

// Source says where a record came from.
type Source struct {
	File   string // Input name: a path, "archive.zip!entry", or "-" for standard input.
	Line   int    // 1-based line where the record starts; 0 when not line-based.
	Index  int    // 1-based record number within the input.
	Format Format
}

// Failed reports whether the sign-in did not succeed: its Status.Result is
// failure or interrupted or, when the export gives no result, its error code
// is not 0.
func (r *Record) Failed() bool {
	if r.Status.Result != "" {
		return r.Status.Result != ResultSuccess
	}
	return r.Status.Code != 0
}
