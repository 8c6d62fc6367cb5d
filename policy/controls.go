package policy

import (
	"fmt"
	"strings"

	"github.com/signinspect/signinspect/parse"
)

// controlKind is a grant or session control, for the per-record cache of
// control statuses.
type controlKind uint8

const (
	ctlBlock controlKind = iota
	ctlMFA
	ctlCompliantDevice
	ctlDomainJoinedDevice
	ctlApprovedApplication
	ctlCompliantApplication
	ctlPasswordChange
	ctlAuthStrength
	ctlTermsOfUse
	ctlCustomFactor
	ctlSignInFrequency
	ctlOther
	numControls
)

// ControlSignInFrequency names the sign-in frequency session control in
// results.
const ControlSignInFrequency = "signInFrequency"

var controlKinds = map[string]controlKind{
	strings.ToLower(ControlBlock): ctlBlock, strings.ToLower(ControlMFA): ctlMFA,
	strings.ToLower(ControlCompliantDevice): ctlCompliantDevice, strings.ToLower(ControlDomainJoinedDevice): ctlDomainJoinedDevice,
	strings.ToLower(ControlApprovedApplication): ctlApprovedApplication, strings.ToLower(ControlCompliantApplication): ctlCompliantApplication,
	strings.ToLower(ControlPasswordChange): ctlPasswordChange, strings.ToLower(ControlAuthStrength): ctlAuthStrength,
	strings.ToLower(ControlTermsOfUse): ctlTermsOfUse, strings.ToLower(ControlCustomFactor): ctlCustomFactor,
	strings.ToLower(ControlSignInFrequency): ctlSignInFrequency,
}

func kindOf(control string) controlKind {
	if k, ok := controlKinds[strings.ToLower(control)]; ok {
		return k
	}
	return ctlOther
}

// loggedControl maps a control as sign-in logs write it (Mfa,
// RequireCompliantDevice, SignInFrequency) to its kind.
func loggedControl(s string) (controlKind, bool) {
	n := normLabel(s)
	n = strings.TrimPrefix(n, "require")
	switch n {
	case "mfa", "multifactorauthentication":
		return ctlMFA, true
	case "compliantdevice":
		return ctlCompliantDevice, true
	case "domainjoineddevice", "hybridazureadjoineddevice":
		return ctlDomainJoinedDevice, true
	case "approvedapp", "approvedapplication", "approvedclientapp":
		return ctlApprovedApplication, true
	case "compliantapp", "compliantapplication", "appprotectionpolicy":
		return ctlCompliantApplication, true
	case "passwordchange":
		return ctlPasswordChange, true
	case "termsofuse":
		return ctlTermsOfUse, true
	case "signinfrequency":
		return ctlSignInFrequency, true
	}
	return 0, false
}

// builtInMFAStrength is the ID of the built-in "Multifactor
// authentication" authentication strength, which any MFA meets.
const builtInMFAStrength = "00000000-0000-0000-0000-000000000002"

// grant says whether the sign-in meets policy i's grant and session
// controls: block wins; with AND every control must be met, with OR one;
// the sign-in frequency must be met too.
func (e *Evaluator) grant(i int, c *compiledPolicy, f *facts) (Grant, string, ControlStatus) {
	p := c.p
	g := p.Grant
	var out Grant = GrantSatisfied
	var control string
	var status ControlStatus = StatusSatisfied
	if g != nil {
		if c.blocks {
			return GrantBlocked, ControlBlock, StatusBlock
		}
		controls := c.controls
		if c.or {
			// One control met is enough; one the user can still meet (or
			// that is not known) leaves it open; only when every control
			// fails does the grant fail, at the first of them.
			out, control, status = GrantFailed, "", StatusNotSatisfied
			open := false
			for _, ctl := range controls {
				s, _ := e.controlStatus(ctl, i, f, false)
				switch {
				case s == StatusSatisfied:
					out, control, status, open = GrantSatisfied, ctl.name, s, false
				case !s.fails() && (!open || s == StatusUserAction && status != StatusUserAction):
					control, status, open = ctl.name, s, true
				case s.fails() && control == "":
					control, status = ctl.name, s
				}
				if out == GrantSatisfied {
					break
				}
			}
			if open {
				out = grantOf(status)
			}
		} else {
			for _, ctl := range controls {
				s, _ := e.controlStatus(ctl, i, f, false)
				switch {
				case s.fails():
					out, control, status = GrantFailed, ctl.name, s
				case s == StatusSatisfied:
				case out == GrantSatisfied || out == GrantUserAction && s == StatusUnknown:
					out, control, status = grantOf(s), ctl.name, s
				}
				if out == GrantFailed {
					break
				}
			}
		}
	}
	if out == GrantFailed || p.Session.SignInFrequency == nil {
		return out, control, status
	}
	s, _ := e.controlStatus(compiledControl{ControlSignInFrequency, ctlSignInFrequency}, i, f, false)
	switch {
	case s.fails():
		return GrantFailed, ControlSignInFrequency, s
	case s != StatusSatisfied && out == GrantSatisfied:
		return grantOf(s), ControlSignInFrequency, s
	}
	return out, control, status
}

// grantOf is the grant outcome an open control leaves.
func grantOf(s ControlStatus) Grant {
	if s == StatusUserAction {
		return GrantUserAction
	}
	return GrantUnknown
}

// presentDevice is what a device grant asks of the client.
const presentDevice = "present a device"

// controlStatus says whether the sign-in meets one control of policy i,
// and with explain why. What the record shows comes first (an MFA step, a
// compliant device, the error code of a control not met), then what the
// logged results prove, then what the flow allows: a personal access
// token or a legacy client can do no MFA and carries no device; an
// interactive sign-in can be prompted.
func (e *Evaluator) controlStatus(ctl compiledControl, i int, f *facts, explain bool) (ControlStatus, string) {
	k, control, p := ctl.kind, ctl.name, &e.policies[i]
	cacheable := k != ctlSignInFrequency && k != ctlAuthStrength && k != ctlOther
	if cacheable && f.controls[k].done && !explain {
		return f.controls[k].status, ""
	}
	s, why := e.computeControl(k, control, i, p, f, explain)
	if cacheable {
		f.controls[k] = controlFact{done: true, status: s}
	}
	return s, why
}

func (e *Evaluator) computeControl(k controlKind, control string, i int, p *Policy, f *facts, explain bool) (ControlStatus, string) {
	rec := f.rec
	code := rec.Status.Code
	flowCannot := func(what string) (ControlStatus, string, bool) {
		switch {
		case f.pat:
			return StatusUnsatisfiable, sayf(explain, func() string {
				return fmt.Sprintf("a personal access token (a non-interactive Azure DevOps sign-in) cannot %s", what)
			}), true
		case f.legacy:
			return StatusUnsatisfiable, sayf(explain, func() string { return fmt.Sprintf("legacy authentication (%s) cannot %s", rec.ClientApp, what) }), true
		}
		return 0, "", false
	}
	logged := func() (ControlStatus, string, bool) {
		if s := e.evidence(f).controls[k]; s != StatusUnknown {
			if s == StatusSatisfied {
				return s, say(explain, "a policy Entra applied to this sign-in with success enforced it"), true
			}
			return s, say(explain, "the policy Entra logged as failed on this sign-in enforced only it"), true
		}
		return 0, "", false
	}
	// settled is what the log, or a flow that cannot do what the control
	// asks, says of a control the sign-in's own fields leave open.
	settled := func(what string) (ControlStatus, string, bool) {
		if s, why, ok := logged(); ok {
			return s, why, true
		}
		if s, why, ok := flowCannot(what); ok {
			return s, why, true
		}
		if what == presentDevice && f.deviceCode == Yes {
			return StatusUnsatisfiable, say(explain, "the device code flow cannot satisfy a device grant"), true
		}
		return 0, "", false
	}
	switch k {
	case ctlBlock:
		return StatusBlock, say(explain, "the policy blocks access")
	case ctlMFA, ctlAuthStrength:
		done := mfaDone(rec)
		if k == ctlAuthStrength && !(p.Grant != nil && p.Grant.AuthStrength != nil && p.Grant.AuthStrength.ID == builtInMFAStrength) {
			if s, why, ok := flowCannot("meet an authentication strength"); ok {
				return s, why
			}
			if done {
				return StatusUnknown, sayf(explain, func() string {
					return fmt.Sprintf("the sign-in did MFA; whether its method meets the authentication strength %q is not known", authStrengthName(p))
				})
			}
			if f.interactive == Yes {
				return StatusUserAction, sayf(explain, func() string {
					return fmt.Sprintf("the user would be asked to authenticate with a method of the strength %q", authStrengthName(p))
				})
			}
			return StatusUnknown, sayf(explain, func() string {
				return fmt.Sprintf("the export does not show a method of the strength %q", authStrengthName(p))
			})
		}
		switch {
		case done:
			return StatusSatisfied, say(explain, "the sign-in did multifactor authentication")
		case code == 50074 || code == 50076 || code == 50079:
			return StatusNotSatisfied, sayf(explain, func() string { return fmt.Sprintf("the sign-in failed with %d: MFA was required and not done", code) })
		}
		if s, why, ok := settled("do multifactor authentication"); ok {
			return s, why
		}
		if f.interactive == Yes {
			return StatusUserAction, say(explain, "the user would be asked for MFA")
		}
		return StatusUnknown, say(explain, "the export does not show whether the token carries an MFA claim")
	case ctlCompliantDevice:
		switch c := rec.Device.Compliant; {
		case c != nil && *c:
			return StatusSatisfied, say(explain, "the device is compliant")
		case c != nil:
			return StatusNotSatisfied, say(explain, "the device is not compliant")
		case code == 53000:
			return StatusNotSatisfied, say(explain, "the sign-in failed with 53000: the device is not compliant")
		}
		if s, why, ok := settled(presentDevice); ok {
			return s, why
		}
		return StatusUnknown, say(explain, "the sign-in does not say whether the device is compliant")
	case ctlDomainJoinedDevice:
		switch t := rec.Device.TrustType; {
		case t == parse.TrustEntraHybridJoined:
			return StatusSatisfied, say(explain, "the device is Microsoft Entra hybrid joined")
		case t != "":
			return StatusNotSatisfied, sayf(explain, func() string { return fmt.Sprintf("the device is %s, not hybrid joined", t) })
		case code == 53001:
			return StatusNotSatisfied, say(explain, "the sign-in failed with 53001: the device is not hybrid joined")
		}
		if s, why, ok := settled(presentDevice); ok {
			return s, why
		}
		return StatusUnknown, say(explain, "the sign-in does not say how the device is joined")
	case ctlApprovedApplication, ctlCompliantApplication:
		if s, why, ok := settled("be an approved or protected app"); ok {
			return s, why
		}
		if f.platform == "windows" || f.platform == "macOS" || f.platform == "linux" {
			return StatusUnsatisfiable, sayf(explain, func() string {
				return fmt.Sprintf("only iOS and Android apps can be approved or protected, and the platform is %s", f.platform)
			})
		}
		return StatusUnknown, say(explain, "the export does not say whether the client app is approved or protected")
	case ctlPasswordChange, ctlTermsOfUse, ctlCustomFactor:
		if s, why, ok := settled("answer a prompt"); ok {
			return s, why
		}
		if f.interactive == Yes {
			return StatusUserAction, sayf(explain, func() string { return fmt.Sprintf("the user would be prompted (%s)", control) })
		}
		return StatusUnknown, sayf(explain, func() string { return fmt.Sprintf("the export does not show whether %s was met", control) })
	case ctlSignInFrequency:
		sif := p.Session.SignInFrequency
		switch {
		case code == 70044 || code == 70043:
			return StatusNotSatisfied, sayf(explain, func() string {
				return fmt.Sprintf("the sign-in failed with %d: the session is older than the sign-in frequency", code)
			})
		}
		for _, id := range e.evidence(f).sifOK {
			if id == e.compiled[i].id && e.compiled[i].sameSignInFrequency {
				return StatusSatisfied, say(explain, "Entra logged the policy's sign-in frequency met on this sign-in")
			}
		}
		if rec.Status.Result == parse.ResultSuccess && e.policies[i].State == StateEnabled {
			return StatusSatisfied, sayf(explain, func() string { return fmt.Sprintf("the sign-in succeeded, so its session was within %s", sif) })
		}
		if sif != nil && sif.EveryTime && f.interactive == No {
			return StatusUnsatisfiable, say(explain, "a non-interactive sign-in cannot sign in again every time")
		}
		if f.interactive == Yes {
			return StatusUserAction, sayf(explain, func() string {
				return fmt.Sprintf("the user would be asked to sign in again if the session is older than %s", sif)
			})
		}
		return StatusUnknown, sayf(explain, func() string {
			return fmt.Sprintf("the export does not say how old the session or token is (sign-in frequency %s)", sif)
		})
	}
	return StatusUnknown, sayf(explain, func() string { return fmt.Sprintf("signinspect does not know the control %q", control) })
}

func authStrengthName(p *Policy) string {
	if p.Grant == nil || p.Grant.AuthStrength == nil {
		return ""
	}
	return firstNonEmpty(p.Grant.AuthStrength.Name, p.Grant.AuthStrength.ID)
}

// mfaDone reports whether the record shows multifactor authentication
// done: an MFA step that succeeded, or Entra's detail that the token's MFA
// claim or a completed MFA satisfied the requirement.
func mfaDone(rec *parse.Record) bool {
	for _, s := range rec.AuthSteps {
		if s.Succeeded != nil && *s.Succeeded && containsFold(s.Requirement, "multifactor") {
			return true
		}
	}
	for _, d := range []string{rec.Status.Details, rec.MFA.Result} {
		if d != "" && (containsFold(d, "mfa requirement satisfied") || containsFold(d, "mfa completed") || containsFold(d, "mfa successfully completed")) {
			return true
		}
	}
	return false
}
