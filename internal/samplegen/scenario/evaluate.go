package scenario

import (
	"strings"
	"time"
)

// conditionFlags is Graph's conditionalAccessConditions flags enum in bit
// order (application = 1, users = 2, ...). Diagnostic archives and Log
// Analytics write conditions as this bitmask; Graph as a comma-separated
// string of the names.
var conditionFlags = []string{
	"application", "users", "devicePlatform", "location", "clientType",
	"signInRisk", "userRisk", "time", "deviceState", "client",
	"ipAddressSeenByAzureAD", "ipAddressSeenByResourceProvider",
	"unknownFutureValue", "servicePrincipals", "servicePrincipalRisk",
}

// conditionMask returns the bitmask of the named conditions.
func conditionMask(names []string) int {
	m := 0
	for _, n := range names {
		for i, f := range conditionFlags {
			if f == n {
				m |= 1 << i
			}
		}
	}
	return m
}

// conditionString is Graph's string form of conditions: "application,users",
// or "none".
func conditionString(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// failureReasons are Microsoft's failure texts for the scenario's error
// codes, as the exports carry them.
var failureReasons = map[int]string{
	50055:  "The password is expired.",
	50057:  "User account is disabled. The account has been disabled by an administrator.",
	50076:  "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '499b84ac-1321-427f-aa17-267ca6975798'.",
	50126:  "Error validating credentials due to invalid username or password.",
	50173:  "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '2026-10-02T07:41:13.0000000Z' and the TokensValidFrom date (before which tokens are not valid) for this user is '2026-11-17T08:13:52.0000000Z'.",
	53000:  "Device is not in required device state: compliant. Conditional Access policy requires a compliant device, and the device is not compliant. The user must enroll their device with an approved MDM provider like Intune.",
	53003:  "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
	70044:  "The session has expired or is invalid due to sign-in frequency checks by conditional access.",
	700082: "The refresh token has expired due to inactivity. The token was issued on 2026-08-17T16:20:05.0000000Z and was inactive for 90.00:00:00.",
}

// causeOfCode is the root cause an error code stands for in the scenario.
var causeOfCode = map[int]Cause{
	0:      NoCause,
	50055:  ExpiredPassword,
	50057:  DisabledAccount,
	50076:  MFARequired,
	50126:  InvalidPassword,
	50173:  RevokedGrant,
	53000:  CompliantDeviceRequired,
	53003:  IPOutsideTrustedLocations,
	70044:  SignInFrequency,
	700082: ExpiredRefreshToken,
}

// CauseOfCode returns the root cause that error code stands for in the
// scenario, and whether the scenario uses the code.
func CauseOfCode(code int) (Cause, bool) {
	c, ok := causeOfCode[code]
	return c, ok
}

// trusted reports whether ip lies in a trusted named location.
func (sc *Scenario) trusted(ip string) bool {
	for _, l := range sc.NamedLocations {
		if l.Trusted && l.Contains(ip) {
			return true
		}
	}
	return false
}

// evaluate derives what Entra ID concluded about s: each policy's result,
// the error code and text, and the authentication steps. Conditional Access
// applies to users only, and not to sign-ins that failed before it
// (s.Failure).
func (sc *Scenario) evaluate(s *SignIn) Outcome {
	var o Outcome
	o.Code = s.Failure
	failedCode := 0 // The code of the first enforced control that failed.
	mfaPolicy := false
	if s.IsUser() {
		for _, p := range sc.Policies {
			r := sc.evaluatePolicy(p, s)
			o.Policies = append(o.Policies, r)
			if r.Result == "failure" && failedCode == 0 {
				failedCode = controlCode(p, s)
			}
			if (r.Result == "success" || r.Result == "failure") && contains(p.Grant, "Mfa") {
				mfaPolicy = true
			}
		}
	}
	if o.Code == 0 {
		o.Code = failedCode
	}
	o.Reason = failureReasons[o.Code]

	o.CAStatus = "notApplied"
	for _, r := range o.Policies {
		switch r.Result {
		case "failure":
			o.CAStatus = "failure"
		case "success":
			if o.CAStatus != "failure" {
				o.CAStatus = "success"
			}
		}
	}

	o.AuthRequirement = "singleFactorAuthentication"
	switch {
	case !s.IsUser():
	case s.MFAMethod != "" && s.Failure == 0:
		o.AuthRequirement = "multiFactorAuthentication"
		o.MFAMethod = s.MFAMethod
		o.Details = "MFA completed in Azure AD"
	case mfaPolicy && s.MFAInToken:
		o.AuthRequirement = "multiFactorAuthentication"
		o.MFAMethod = "Previously satisfied"
		o.Details = "MFA requirement satisfied by claim in the token"
	case mfaPolicy:
		o.AuthRequirement = "multiFactorAuthentication"
		o.Details = "MFA required in Azure AD"
	case o.Code == 50126:
		o.Details = "The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes."
	}
	o.AuthSteps = authSteps(s, o)
	o.Networks = s.NetworkLocations(sc.NamedLocations)
	return o
}

// evaluatePolicy evaluates one policy for a user's sign-in.
func (sc *Scenario) evaluatePolicy(p *Policy, s *SignIn) PolicyResult {
	r := PolicyResult{Policy: p}
	reportOnly := p.State == ReportOnly
	result := func(base string) string {
		if reportOnly {
			return "reportOnly" + strings.ToUpper(base[:1]) + base[1:]
		}
		return base
	}
	if p.State == Disabled {
		r.Result = "notEnabled"
		return r
	}
	if s.Failure != 0 {
		// The sign-in failed before Conditional Access was evaluated.
		r.Result = result("notApplied")
		return r
	}

	check := func(name string, ok bool) {
		if ok {
			r.Satisfied = append(r.Satisfied, name)
		} else {
			r.NotSatisfied = append(r.NotSatisfied, name)
		}
	}
	check("application", len(p.Apps) == 0 || contains(p.Apps, s.Resource.ID))
	inGroup := len(p.Groups) == 0
	for _, g := range s.User.Groups {
		inGroup = inGroup || contains(p.Groups, g)
	}
	check("users", inGroup)
	if p.OutsideTrusted {
		outside := !sc.trusted(s.From.IP) || (s.SeenByResource != "" && !sc.trusted(s.SeenByResource))
		check("location", outside)
	}
	r.SatisfiedMask, r.NotSatMask = conditionMask(r.Satisfied), conditionMask(r.NotSatisfied)
	if len(r.NotSatisfied) > 0 {
		r.Result = result("notApplied")
		return r
	}
	r.Grant, r.Session = p.Grant, p.Session
	if controlCode(p, s) != 0 {
		r.Result = result("failure")
	} else {
		r.Result = result("success")
	}
	return r
}

// controlCode returns the error code with which the policy's controls fail
// the sign-in, or 0 when the sign-in satisfies them.
func controlCode(p *Policy, s *SignIn) int {
	for _, g := range p.Grant {
		switch g {
		case "Block":
			return 53003
		case "Mfa":
			if !s.MFAInToken && s.MFAMethod == "" {
				return 50076
			}
		case "RequireCompliantDevice":
			if s.Device.Compliant == nil || !*s.Device.Compliant {
				return 53000
			}
		}
	}
	for _, c := range p.Session {
		if c == "SignInFrequency" && !s.TokenIssued.IsZero() && s.Time.Sub(s.TokenIssued) > p.SignInFrequency {
			return 70044
		}
	}
	return 0
}

// authSteps returns authenticationDetails for the sign-in: a password and
// an MFA step for interactive sign-ins, a claim in the presented token for
// non-interactive ones, none for workloads.
func authSteps(s *SignIn, o Outcome) []AuthStep {
	t := s.Time.Truncate(time.Second)
	switch s.Flow {
	case Interactive:
		pw := AuthStep{Time: t, Method: "Password", Detail: "Password in the cloud", Succeeded: true,
			Result: "Correct password", Requirement: "Primary authentication"}
		switch o.Code {
		case 50126:
			pw.Succeeded, pw.Result = false, "Invalid username or password or Invalid on-premise username or password."
			return []AuthStep{pw}
		case 50055:
			pw.Succeeded, pw.Result = false, "User's password is expired"
			return []AuthStep{pw}
		}
		steps := []AuthStep{pw}
		if o.MFAMethod != "" {
			steps = append(steps, AuthStep{Time: t, Method: o.MFAMethod, Succeeded: true,
				Result: "MFA successfully completed", Requirement: "Multifactor authentication"})
		}
		return steps
	case NonInteractive:
		first := AuthStep{Time: t, Method: "Previously satisfied", Succeeded: true,
			Result: "First factor requirement satisfied by claim in the token", Requirement: "Primary authentication"}
		switch o.Code {
		case 50057:
			first.Succeeded, first.Result = false, "User account is disabled"
		case 50173:
			first.Succeeded, first.Result = false, "The provided grant has been revoked"
		case 700082:
			first.Succeeded, first.Result = false, "The refresh token has expired due to inactivity"
		}
		steps := []AuthStep{first}
		switch o.Details {
		case "MFA required in Azure AD":
			steps = append(steps, AuthStep{Time: t, Succeeded: false,
				Result: "MFA required in Azure AD", Requirement: "Multifactor authentication"})
		case "MFA requirement satisfied by claim in the token":
			steps = append(steps, AuthStep{Time: t, Method: "Previously satisfied", Succeeded: true,
				Result: "MFA requirement satisfied by claim in the token", Requirement: "Multifactor authentication"})
		}
		return steps
	}
	return nil
}
