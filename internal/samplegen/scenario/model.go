package scenario

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/netip"
	"time"
)

// Flow is the kind of sign-in, named as signinspect's --flow flag names it.
type Flow string

// The four sign-in flows.
const (
	Interactive      Flow = "interactive"
	NonInteractive   Flow = "non-interactive"
	ServicePrincipal Flow = "service-principal"
	ManagedIdentity  Flow = "managed-identity"
)

// Person is a user of the tenant.
type Person struct {
	ID     string // Object ID.
	UPN    string
	Name   string
	Groups []string // Groups that Conditional Access policies target.
}

// Workload is a service principal or managed identity that signs in.
type Workload struct {
	AppID                string // Application (client) ID.
	ObjectID             string // Service principal object ID.
	Name                 string
	CredentialKeyID      string // Service principals: the key of the credential used.
	CredentialType       string // clientCredentialType: clientSecret, certificate, managedIdentity.
	MSIType              string // Managed identities: systemAssigned or userAssigned.
	AssociatedResourceID string // Managed identities: the Azure resource the identity belongs to.
}

// App is an application or resource.
type App struct {
	ID   string
	Name string
}

// Egress is a public address a sign-in comes from, with the location and
// autonomous system Entra ID places it in.
type Egress struct {
	IP       string
	City     string
	State    string
	Country  string
	Lat, Lon float64
	ASN      int
}

// Device is what a sign-in says about the device. Compliant and Managed are
// nil when the sign-in carries no device state (a PAT has no device).
type Device struct {
	ID        string
	Name      string
	OS        string
	Browser   string
	Compliant *bool
	Managed   *bool
	TrustType string // Graph wording: "Azure AD joined", "Azure AD registered", ...
}

// PolicyState is whether a Conditional Access policy is on.
type PolicyState string

// Policy states, as Graph names them.
const (
	Enabled    PolicyState = "enabled"
	ReportOnly PolicyState = "enabledForReportingButNotEnforced"
	Disabled   PolicyState = "disabled"
)

// Policy is a Conditional Access policy of the tenant, reduced to the
// conditions and controls the scenario needs.
type Policy struct {
	ID    string
	Name  string
	State PolicyState
	// Groups are the user groups the policy includes; none means all users.
	Groups []string
	// Apps are the cloud apps (resource IDs) it includes; none means all.
	Apps []string
	// OutsideTrusted makes it apply only outside the trusted named
	// locations (Locations: include any location, exclude all trusted).
	OutsideTrusted bool
	// Grant controls: Block, Mfa, RequireCompliantDevice.
	Grant []string
	// Session controls: SignInFrequency.
	Session []string
	// SignInFrequency is the session lifetime SignInFrequency enforces.
	SignInFrequency time.Duration
	// DeviceFilter is a device filter rule whose matching devices the
	// policy excludes; the scenario's own evaluation does not read it (only
	// a disabled policy has one).
	DeviceFilter string
	// Created and Modified are the policy's timestamps in exports.
	Created, Modified time.Time
}

// NamedLocation is a Conditional Access named location: IP ranges or
// countries.
type NamedLocation struct {
	ID        string
	Name      string
	Trusted   bool
	Ranges    []string // CIDR ranges of an IP named location.
	Countries []string // Country codes of a country named location.
	Created   time.Time
	Modified  time.Time
}

// Contains reports whether the IP named location holds ip.
func (l NamedLocation) Contains(ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, r := range l.Ranges {
		if netip.MustParsePrefix(r).Contains(addr) {
			return true
		}
	}
	return false
}

// Cause is the root cause the scenario gives a failed sign-in.
type Cause string

// Root causes: the four usual causes of a VS403463 that README.md's
// walk-through names, and the common failures that Conditional Access has
// nothing to do with.
const (
	NoCause                   Cause = ""
	IPOutsideTrustedLocations Cause = "ip-outside-trusted-locations"
	MFARequired               Cause = "mfa-required"
	CompliantDeviceRequired   Cause = "compliant-device-required"
	SignInFrequency           Cause = "sign-in-frequency"
	InvalidPassword           Cause = "invalid-password"
	DisabledAccount           Cause = "disabled-account"
	ExpiredPassword           Cause = "expired-password"
	RevokedGrant              Cause = "revoked-grant"
	ExpiredRefreshToken       Cause = "expired-refresh-token"
)

// Trait marks a sign-in that shows a situation worth a rule of its own.
type Trait string

// Traits a sign-in can show.
const (
	// IPv6Caller: the caller used IPv6 while the trusted named location has
	// IPv4 ranges only.
	IPv6Caller Trait = "ipv6-caller"
	// IPSeenByResourceDiffers: a VPN or proxy made the IP that Entra ID saw
	// differ from the IP Azure DevOps saw.
	IPSeenByResourceDiffers Trait = "ip-seen-by-resource-differs"
	// ReportOnlyWouldBlock: a report-only policy would have blocked this
	// successful sign-in once enabled.
	ReportOnlyWouldBlock Trait = "report-only-would-block"
	// PolicyCoversOnlyARM: the sign-in reached Azure DevOps from outside the
	// trusted locations because the only location policy that applies to
	// the user targets Azure Resource Manager, not Azure DevOps.
	PolicyCoversOnlyARM Trait = "policy-covers-only-arm"
)

// SignIn is one logical sign-in of the scenario. Its fields are what
// happened; Outcome (policy results, error code, authentication steps) is
// derived from them by the tenant's policies, so that a sign-in cannot claim
// a root cause its policies do not produce.
type SignIn struct {
	RequestID string
	Time      time.Time
	Flow      Flow
	User      *Person   // User flows.
	Workload  *Workload // Service principal and managed identity flows.
	App       App       // The client application.
	Resource  App       // The resource the token is for.
	UserAgent string
	ClientApp string
	From      Egress
	// SeenByResource is the IP the resource saw, when it differs from
	// From.IP (a VPN or proxy between them); "" otherwise.
	SeenByResource string
	Device         Device
	// MFAInToken: the token or session carries a satisfied MFA claim.
	MFAInToken bool
	// MFAMethod is the method used when the user did MFA interactively.
	MFAMethod string
	// TokenIssued is when the token (PAT, refresh token) the sign-in
	// presents was issued; sign-in frequency is measured from it.
	TokenIssued time.Time
	// Failure is an error code that stops the sign-in before Conditional
	// Access (wrong password, disabled account, revoked token); 0 lets the
	// policies decide.
	Failure int
	// Cause is the root cause the scenario means; tests check that the
	// policies produce it.
	Cause  Cause
	Traits []Trait
	// Story is one sentence for samples/README.md.
	Story string

	Outcome Outcome
}

// Outcome is what Entra ID concluded about a sign-in.
type Outcome struct {
	Code            int
	Reason          string // failureReason; "" on success.
	Details         string // status.additionalDetails.
	CAStatus        string // success, failure, notApplied.
	Policies        []PolicyResult
	AuthRequirement string // singleFactorAuthentication or multiFactorAuthentication.
	MFAMethod       string // mfaDetail.authMethod.
	AuthSteps       []AuthStep
	Networks        []NetworkLocation // networkLocationDetails.
}

// PolicyResult is one policy as evaluated for a sign-in.
type PolicyResult struct {
	Policy        *Policy
	Result        string   // success, failure, notApplied, notEnabled, reportOnly...
	Grant         []string // Enforced grant controls.
	Session       []string // Enforced session controls.
	Satisfied     []string // Condition flags, in Graph's bit order.
	NotSatisfied  []string
	SatisfiedMask int
	NotSatMask    int
}

// AuthStep is one step of authenticationDetails.
type AuthStep struct {
	Time        time.Time
	Method      string
	Detail      string
	Succeeded   bool
	Result      string
	Requirement string
}

// Failed reports whether the sign-in did not succeed.
func (s *SignIn) Failed() bool { return s.Outcome.Code != 0 }

// Has reports whether the sign-in shows trait t.
func (s *SignIn) Has(t Trait) bool {
	for _, x := range s.Traits {
		if x == t {
			return true
		}
	}
	return false
}

// IsUser reports whether a user (not a workload) signed in.
func (s *SignIn) IsUser() bool { return s.User != nil }

// derived returns a stable GUID derived from the request ID, for the IDs
// the scenario does not spell out (correlation, session, ...): the same run
// gives the same IDs, and the scenario stays readable.
func (s *SignIn) derived(what string) string {
	h := sha256.Sum256([]byte(s.RequestID + "/" + what))
	h[6] = h[6]&0x0f | 0x40 // Version 4 layout, like Entra's IDs.
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// CorrelationID returns the sign-in's correlation ID.
func (s *SignIn) CorrelationID() string { return s.derived("correlation") }

// SessionID returns the sign-in's session ID (empty for workloads).
func (s *SignIn) SessionID() string {
	if !s.IsUser() {
		return ""
	}
	return s.derived("session")
}

// UniqueTokenID returns the uniqueTokenIdentifier: 22 characters of
// unpadded URL-safe base64, as Entra writes it.
func (s *SignIn) UniqueTokenID() string {
	h := sha256.Sum256([]byte(s.RequestID + "/token"))
	return base64.RawURLEncoding.EncodeToString(h[:16])
}

// LatencyMS returns processingTimeInMilliseconds.
func (s *SignIn) LatencyMS() int {
	h := sha256.Sum256([]byte(s.RequestID + "/latency"))
	return 40 + int(h[0])%200
}

// Ingested returns when a diagnostic setting or Log Analytics received the
// sign-in: a couple of minutes after it happened, with 100 ns precision.
func (s *SignIn) Ingested() time.Time {
	h := sha256.Sum256([]byte(s.RequestID + "/ingest"))
	delay := 95*time.Second + time.Duration(int(h[0])%150)*time.Second +
		time.Duration((int(h[1])<<16|int(h[2])<<8|int(h[3]))%10_000_000)*100
	return s.Time.Add(delay)
}

// NetworkLocations returns networkLocationDetails for the sign-in's IP:
// trusted IP named locations as trustedNamedLocation, other IP and country
// named locations as namedNetwork.
func (s *SignIn) NetworkLocations(locs []NamedLocation) []NetworkLocation {
	var trusted, named []string
	for _, l := range locs {
		switch {
		case len(l.Ranges) > 0 && l.Contains(s.From.IP) && l.Trusted:
			trusted = append(trusted, l.Name)
		case len(l.Ranges) > 0 && l.Contains(s.From.IP):
			named = append(named, l.Name)
		case len(l.Countries) > 0 && s.From.Country != "" && contains(l.Countries, s.From.Country):
			named = append(named, l.Name)
		}
	}
	var out []NetworkLocation
	if trusted != nil {
		out = append(out, NetworkLocation{Type: "trustedNamedLocation", Names: trusted})
	}
	if named != nil {
		out = append(out, NetworkLocation{Type: "namedNetwork", Names: named})
	}
	return out
}

// NetworkLocation is one networkLocationDetails entry.
type NetworkLocation struct {
	Type  string
	Names []string
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func yes() *bool { t := true; return &t }
func no() *bool  { f := false; return &f }

// at reads a scenario time; the scenario's times are literals, so a typo
// is a programming error.
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}
