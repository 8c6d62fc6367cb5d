package rules

import (
	"strconv"
	"strings"
)

// A Code is one sign-in error code with Microsoft's meaning and the usual
// fix, for `signinspect explain` and for reports on formats that carry only
// the number. The text of the export itself (Failure reason,
// status.failureReason, ResultDescription) is better when present:
// Microsoft changes its messages over time.
type Code struct {
	// Code is the code as Microsoft writes it: the number of an Entra ID
	// (AADSTS) code ("53003") or an Azure DevOps code with its prefix
	// ("VS403463").
	Code string
	// Name is Microsoft's symbolic name ("BlockedByConditionalAccess"), or
	// "" when none is published.
	Name string
	// Meaning is Microsoft's description.
	Meaning string
	// Fix is the usual remedy.
	Fix string
	// CA reports whether the code is a Conditional Access outcome.
	CA bool
	// Unconfirmed marks codes whose meaning is not in Microsoft's error-code
	// reference (reference-error-codes.md) but comes from third-party pages
	// or memory; treat it as a likely meaning.
	Unconfirmed bool
}

// codeTable is the offline table, in numeric order, after formats.md §g
// (Microsoft's reference-error-codes.md unless marked Unconfirmed) and §f.
var codeTable = []Code{
	{Code: "50005", Name: "DevicePolicyError", CA: true,
		Meaning: "User tried to sign in to a device from a platform not currently supported through Conditional Access policy.",
		Fix:     "Sign in from a platform the policy supports, or adjust the device platform condition of the policy."},
	{Code: "50053", Name: "IdsLocked",
		Meaning: "The account is locked because the user tried to sign in too many times with an incorrect user ID or password; or the sign-in was blocked because it came from an IP address with malicious activity.",
		Fix:     "Wait for the lockout to end and fix the stored password; if the IP is flagged as malicious, find out what else uses that IP."},
	{Code: "50055", Name: "InvalidPasswordExpiredPassword",
		Meaning: "The password is expired.",
		Fix:     "Change the password interactively; for a service account, set a new password and update every place that stores it, or move the automation to a service principal."},
	{Code: "50057", Name: "UserDisabled",
		Meaning: "The user account is disabled.",
		Fix:     "Enable the account in Entra ID (Users > the user > Account enabled), or move the automation to an active account or a service principal."},
	{Code: "50074", Name: "UserStrongAuthClientAuthNRequiredInterrupt",
		Meaning: "Strong authentication is required and the user did not pass the MFA challenge.",
		Fix:     "Complete MFA interactively; non-interactive clients (PATs, scripts) cannot, so exclude them from the MFA policy or use a service principal."},
	{Code: "50076", Name: "UserStrongAuthClientAuthNRequired",
		Meaning: "Due to a configuration change made by the admin such as a Conditional Access policy, per-user enforcement, or because you moved to a new location, the user must use multifactor authentication to access the resource.",
		Fix:     "Sign in interactively with MFA; for non-interactive clients, exclude the app or account from the MFA requirement or use a service principal."},
	{Code: "50079", Name: "UserStrongAuthEnrollmentRequired",
		Meaning: "The user is required to use multifactor authentication and needs to register security information.",
		Fix:     "Register MFA methods for the user (https://aka.ms/mysecurityinfo) or exclude the account from the MFA requirement."},
	{Code: "50097", Name: "DeviceAuthenticationRequired",
		Meaning: "Device authentication is required.",
		Fix:     "Sign in from a registered or joined device, or exclude the flow (non-interactive clients carry no device) from the device requirement."},
	{Code: "50105", Name: "EntitlementGrantsNotFound",
		Meaning: "The signed in user isn't assigned to a role for the signed in app.",
		Fix:     "Assign the user (or a group holding them) to the application, or turn off assignment required."},
	{Code: "50126", Name: "InvalidUserNameOrPassword",
		Meaning: "Error validating credentials due to invalid username or password.",
		Fix:     "Correct the stored user name or password (a changed password is the usual cause for automation)."},
	{Code: "50131", Name: "ConditionalAccessFailed", CA: true,
		Meaning: "Used in various Conditional Access errors such as bad Windows device state, request blocked due to suspicious activity, access policy, or security policy decisions.",
		Fix:     "Open the sign-in's Conditional Access tab to see which policy failed and why."},
	{Code: "50132", Name: "SsoArtifactInvalidOrExpired",
		Meaning: "The session isn't valid due to password expiration or recent password change.",
		Fix:     "Sign in again with the current password so that a new session is issued."},
	{Code: "50133", Name: "SsoArtifactRevoked",
		Meaning: "The session isn't valid due to password expiration or recent password change.",
		Fix:     "Sign in again with the current password so that a new session is issued."},
	{Code: "50140", Name: "KmsiInterrupt",
		Meaning: "\"Keep me signed in\" interrupt: expected during sign-in, not a failure.",
		Fix:     "Nothing to fix."},
	{Code: "50155", Name: "DeviceAuthenticationFailed",
		Meaning: "Device authentication failed for this user.",
		Fix:     "Check the device's registration state (dsregcmd /status on Windows) and re-register it if needed."},
	{Code: "50158", Name: "ExternalSecurityChallenge",
		Meaning: "External security challenge was not satisfied.",
		Fix:     "Complete the external (third-party) authentication challenge."},
	{Code: "50173", Name: "FreshTokenNeeded",
		Meaning: "The provided grant has expired due to it being revoked, and a fresh auth token is needed.",
		Fix:     "Sign in again to get a new token; tokens are revoked by a password change or an admin's session revocation."},
	{Code: "50187", Name: "DeviceInformationNotProvided",
		Meaning: "The service failed to perform device authentication.",
		Fix:     "Sign in from a managed device that can present its identity, or exclude flows without device context from the device requirement."},
	{Code: "53000", Name: "DeviceNotCompliant", CA: true,
		Meaning: "Conditional Access policy requires a compliant device, and the device isn't compliant.",
		Fix:     "Make the device compliant in Intune, or exclude flows without device context (PATs, scripts) from the compliance requirement."},
	{Code: "53001", Name: "DeviceNotDomainJoined", CA: true,
		Meaning: "Conditional Access policy requires a domain joined device, and the device isn't domain joined.",
		Fix:     "Sign in from a (hybrid) joined device, or exclude flows without device context from the requirement."},
	{Code: "53002", Name: "ApplicationUsedIsNotAnApprovedApp", CA: true,
		Meaning: "The app used isn't an approved app for Conditional Access.",
		Fix:     "Use an approved client app, or adjust the policy's grant controls."},
	{Code: "53003", Name: "BlockedByConditionalAccess", CA: true,
		Meaning: "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
		Fix:     "Find the failing policy in the sign-in's Conditional Access tab (or a JSON export) and what it blocks on: location, platform, client app or risk."},
	{Code: "53004", Name: "ProofUpBlockedDueToRisk", CA: true,
		Meaning: "User needs to complete the multifactor authentication registration process before accessing this content.",
		Fix:     "Register MFA methods from a location or device the registration policy allows."},
	{Code: "53010", Name: "ProofUpBlockedDueToSecurityInfoAcr", CA: true,
		Meaning: "Cannot configure multifactor authentication methods because the organization requires this information to be set from specific locations or devices.",
		Fix:     "Register security information from an allowed location or device."},
	{Code: "53011", Name: "", CA: true,
		Meaning: "User blocked due to risk on home tenant.",
		Fix:     "Have the home tenant's admin remediate the user's risk."},
	{Code: "65001", Name: "DelegationDoesNotExist",
		Meaning: "The user or administrator has not consented to use the application.",
		Fix:     "Grant consent to the application (admin consent for the tenant, or user consent)."},
	{Code: "70008", Name: "ExpiredOrRevokedGrant",
		Meaning: "The refresh token has expired due to inactivity.",
		Fix:     "Sign in again to get a new refresh token."},
	{Code: "70043", Name: "BadTokenDueToSignInFrequency", CA: true,
		Meaning: "The refresh token has expired or is invalid due to sign-in frequency checks by Conditional Access.",
		Fix:     "Sign in again; for Azure DevOps PATs created before the sign-in frequency policy, revoke the PAT and create a new one."},
	{Code: "70044", CA: true, Unconfirmed: true,
		Meaning: "The session has expired or is invalid due to sign-in frequency checks by Conditional Access.",
		Fix:     "Sign in again; for Azure DevOps PATs created before the sign-in frequency policy, revoke the PAT and create a new one."},
	{Code: "81010", Name: "DesktopSsoAuthTokenInvalid",
		Meaning: "Seamless SSO failed because the user's Kerberos ticket has expired or is invalid.",
		Fix:     "Sign out and in to Windows to renew the Kerberos ticket, or check the Seamless SSO computer account."},
	{Code: "500121", Unconfirmed: true,
		Meaning: "Authentication failed during strong authentication request.",
		Fix:     "Complete the MFA prompt; check the user's registered methods."},
	{Code: "530002", CA: true, Unconfirmed: true,
		Meaning: "Your device is required to be compliant to access this resource.",
		Fix:     "Make the device compliant, or exclude flows without device context (PATs, scripts) from the compliance requirement."},
	{Code: "530003", CA: true, Unconfirmed: true,
		Meaning: "Your device is required to be managed to access this resource.",
		Fix:     "Use a managed device, or exclude flows without device context from the requirement."},
	{Code: "530032", Name: "BlockedByConditionalAccessOnSecurityPolicy", CA: true,
		Meaning: "The tenant admin has configured a security policy that blocks this request.",
		Fix:     "Check the security policies (Conditional Access, security defaults) that apply to the request."},
	{Code: "530034", Name: "DelegatedAdminBlockedDueToSuspiciousActivity", CA: true,
		Meaning: "A delegated administrator was blocked due to suspicious activity.",
		Fix:     "Have the customer tenant review the delegated admin's sign-in risk."},
	{Code: "530035", Name: "BlockedBySecurityDefaults", CA: true,
		Meaning: "Access has been blocked by security defaults.",
		Fix:     "Security defaults block legacy authentication and require MFA: use modern authentication, or replace security defaults with Conditional Access policies."},
	{Code: "700016", Name: "UnauthorizedClient_DoesNotMatchRequest",
		Meaning: "The application wasn't found in the directory/tenant.",
		Fix:     "Check the application (client) ID and the tenant the client signs in to."},
	{Code: "700082", Name: "ExpiredOrRevokedGrantInactiveToken",
		Meaning: "The refresh token has expired due to inactivity.",
		Fix:     "Sign in again to get a new refresh token."},
	{Code: "7000112", Name: "UnauthorizedClientApplicationDisabled",
		Meaning: "The application is disabled.",
		Fix:     "Enable the application's service principal (Enterprise applications > Properties > Enabled for users to sign in)."},
	{Code: "VS403463", CA: true,
		Meaning: "Azure DevOps: The conditional access policy defined by your Microsoft Entra (Azure Active Directory) administrator has failed.",
		Fix:     "Find the matching failure under Entra > Sign-in logs > Non-interactive sign-ins, application Azure DevOps, user = the PAT owner; its Conditional Access tab names the policy. Run signinspect analyze on an export of those sign-ins."},
}

// Codes returns the offline error-code table, in code order.
func Codes() []Code {
	out := make([]Code, len(codeTable))
	copy(out, codeTable)
	return out
}

// LookupCode finds a code as users paste it: "53003", "AADSTS53003",
// "aadsts53003:", "VS403463". Case, surrounding spaces and a trailing colon
// or period do not matter.
func LookupCode(s string) (Code, bool) {
	key := strings.ToUpper(strings.TrimSpace(s))
	key = strings.TrimRight(key, ":.,;")
	key = strings.TrimPrefix(key, "AADSTS")
	for _, c := range codeTable {
		if c.Code == key {
			return c, true
		}
	}
	return Code{}, false
}

// lookupNumeric finds an Entra ID code by number.
func lookupNumeric(code int) (Code, bool) {
	return LookupCode(strconv.Itoa(code))
}

// isCACode reports whether an Entra ID error code is a Conditional Access
// outcome (formats.md §g): 53000-53004, 53010, 53011, 530000-530099, 50005,
// 50131, 70043 and 70044.
func isCACode(code int) bool {
	switch {
	case code >= 53000 && code <= 53004, code == 53010, code == 53011:
		return true
	case code >= 530000 && code <= 530099:
		return true
	case code == 50005, code == 50131, code == 70043, code == 70044:
		return true
	}
	return false
}
