package policy

import (
	"net/netip"
	"strings"

	"github.com/signinspect/signinspect/parse"
)

// subject is who signed in, as Conditional Access sees it.
type subject uint8

const (
	subjectUnknown subject = iota
	subjectUser
	subjectServicePrincipal
	subjectManagedIdentity
)

// facts are what a sign-in record says that the conditions and controls
// ask for, worked out once per record: addresses parsed, labels mapped to
// Graph's enumerations. What several policies need but few records use
// (memberships and control results proven by the logged policy results)
// is worked out on first use.
type facts struct {
	rec     *parse.Record
	subject subject
	// resource is the resource's application ID, userID and upn the
	// user's, all lower case for comparisons with the compiled policies.
	resource    string
	userID, upn string
	// ip is the address Entra ID saw, ipResource the one the resource
	// saw when it differs; either is invalid when the record has none.
	ip, ipResource netip.Addr
	clientType     string // A clientAppTypes value, or "" when unknown.
	platform       string // A platforms value, or "" when unknown.
	interactive    Tri
	// pat is set for a non-interactive sign-in of Azure DevOps itself: a
	// personal access token (or another Azure DevOps credential), which
	// can do no multifactor authentication and carries no device.
	pat bool
	// legacy is set for the legacy authentication clients (Exchange
	// ActiveSync and other clients), which cannot satisfy MFA or device
	// grants.
	legacy     bool
	deviceCode Tri
	// preCA is set when the sign-in failed before Conditional Access was
	// evaluated (a wrong password, a disabled account): Entra logs every
	// policy as not applied then.
	preCA bool

	evidence evidence
	trusted  [2]trustFact // For ip and ipResource.
	controls [numControls]controlFact
}

type trustFact struct {
	done    bool
	t       Tri
	name    string // The trusted location holding the address.
	caveat  bool   // No, but the legacy MFA trusted IPs were not checked.
	unknown string // Why it is unknown.
}

type controlFact struct {
	done   bool
	status ControlStatus
	why    string
}

// evidence is what the policy results Entra logged for the sign-in prove.
type evidence struct {
	done bool
	// in and out are the lower-case group and role IDs the user is
	// proven to be in, and not to be in.
	in, out []string
	// controls are control results proven: a policy that Entra applied
	// with success shows its enforced controls satisfied.
	controls [numControls]ControlStatus
	// sifOK are the policies (by lower-case ID) whose sign-in frequency
	// Entra found satisfied on the sign-in.
	sifOK []string
}

func (f *facts) reset(rec *parse.Record) {
	// The evidence lists keep their arrays from record to record.
	in, out, sif := f.evidence.in[:0], f.evidence.out[:0], f.evidence.sifOK[:0]
	*f = facts{rec: rec}
	f.evidence.in, f.evidence.out, f.evidence.sifOK = in, out, sif
	switch {
	case rec.Flow == parse.FlowManagedIdentity:
		f.subject = subjectManagedIdentity
	case rec.Flow == parse.FlowServicePrincipal:
		f.subject = subjectServicePrincipal
	case rec.User.ID != "" || rec.User.UPN != "":
		f.subject = subjectUser
	case rec.ServicePrincipal.ID != "" || rec.ServicePrincipal.Name != "":
		f.subject = subjectServicePrincipal
		if rec.ServicePrincipal.ManagedIdentity != "" {
			f.subject = subjectManagedIdentity
		}
	}
	f.resource = lower(rec.Resource.ID)
	if f.resource == "" && strings.EqualFold(rec.Resource.Name, AzureDevOpsResourceName) {
		f.resource = AzureDevOpsAppID
	}
	f.userID, f.upn = lower(rec.User.ID), lower(rec.User.UPN)
	if rec.IP != "" {
		if a, ok := ParseIP(rec.IP); ok {
			f.ip = a.Unmap()
		}
	}
	if rec.IPSeenByResource != "" {
		if a, ok := ParseIP(rec.IPSeenByResource); ok && a.Unmap() != f.ip {
			f.ipResource = a.Unmap()
		}
	}
	f.clientType, f.legacy = clientAppType(rec.ClientApp)
	f.platform = platformOf(rec.Device.OS)
	switch rec.Flow {
	case parse.FlowInteractive:
		f.interactive = Yes
	case parse.FlowNonInteractive, parse.FlowServicePrincipal, parse.FlowManagedIdentity:
		f.interactive = No
	}
	f.pat = rec.Flow == parse.FlowNonInteractive &&
		(strings.EqualFold(rec.App.ID, AzureDevOpsAppID) || rec.App.ID == "" && strings.EqualFold(rec.App.Name, AzureDevOpsResourceName))
	switch {
	case strings.EqualFold(rec.AuthProtocol, "deviceCode"):
		f.deviceCode = Yes
	case rec.AuthProtocol != "":
		f.deviceCode = No
	}
	f.preCA = rec.Failed() && rec.CAStatus == parse.CANotApplied && !isCACode(rec.Status.Code)
}

// isCACode reports whether a sign-in error code comes from Conditional
// Access (or a control it asked for), so that a failure with it is one
// Conditional Access was evaluated for.
func isCACode(code int) bool {
	switch {
	case code >= 53000 && code <= 53004, code == 53010, code == 53011, code >= 530000 && code <= 530099,
		code == 50005, code == 50131, code == 70043, code == 70044,
		code == 50074, code == 50076, code == 50079, code == 50158:
		return true
	}
	return false
}

// normLabel lower-cases s and drops spaces and punctuation, so that the
// labels of every export compare alike. Labels are short: they are folded
// in a buffer on the stack, and only the map lookups see the result.
func normLabel(s string) string {
	var buf [64]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b = append(b, c)
		}
	}
	return string(b)
}

// legacyClients are the clientAppUsed labels of legacy authentication,
// normalized: Conditional Access's "other clients".
var legacyClients = map[string]bool{
	"otherclients": true, "imap4": true, "imap": true, "pop3": true, "pop": true, "smtp": true,
	"authenticatedsmtp": true, "exchangewebservices": true, "mapioverhttp": true, "offlineaddressbook": true,
	"outlookanywhererpcoverhttp": true, "exchangeonlinepowershell": true, "autodiscover": true,
	"universaloutlook": true, "outlookservice": true, "reportingwebservices": true, "exchangeremotepowershell": true,
	"exchangeonlineremotepowershell": true,
}

// clientAppType maps a sign-in's clientAppUsed to a clientAppTypes value,
// and says whether it is legacy authentication; "" when unknown.
func clientAppType(label string) (string, bool) {
	switch n := normLabel(label); {
	case n == "":
		return "", false
	case n == "browser":
		return "browser", false
	case n == "mobileappsanddesktopclients":
		return "mobileAppsAndDesktopClients", false
	case n == "exchangeactivesync":
		return "exchangeActiveSync", true
	case legacyClients[n]:
		return "other", true
	}
	return "", false
}

// platformOf maps a sign-in's operating system (from its user agent) to a
// platforms value; "" when unknown.
func platformOf(os string) string {
	n := normLabel(os)
	switch {
	case n == "":
		return ""
	case strings.HasPrefix(n, "windowsphone"):
		return "windowsPhone"
	case strings.HasPrefix(n, "windows"):
		return "windows"
	case strings.HasPrefix(n, "macos"), strings.HasPrefix(n, "macosx"), strings.HasPrefix(n, "osx"), strings.HasPrefix(n, "macintosh"):
		return "macOS"
	case strings.HasPrefix(n, "ios"), strings.HasPrefix(n, "ipados"), strings.HasPrefix(n, "iphone"), strings.HasPrefix(n, "ipad"):
		return "iOS"
	case strings.HasPrefix(n, "android"):
		return "android"
	case strings.HasPrefix(n, "linux"), strings.HasPrefix(n, "ubuntu"), strings.HasPrefix(n, "debian"),
		strings.HasPrefix(n, "fedora"), strings.HasPrefix(n, "redhat"):
		return "linux"
	}
	return ""
}

// userLabel names the user in reasons.
func (f *facts) userLabel() string {
	switch {
	case f.rec.User.UPN != "":
		return f.rec.User.UPN
	case f.rec.User.Name != "":
		return f.rec.User.Name
	case f.rec.User.ID != "":
		return f.rec.User.ID
	}
	return "the user"
}

// isUser reports whether s names the record's user: the object ID, or the
// UPN (an edit may name the user so).
func (f *facts) isUser(s string) bool {
	return f.userID != "" && strings.EqualFold(s, f.userID) || f.upn != "" && strings.EqualFold(s, f.upn)
}

// external says whether the user is a guest or external user, and which
// kind (a guestOrExternalUserTypes value), from the user type and the
// cross-tenant access type the sign-in records.
func (f *facts) external() (kind string, t Tri) {
	r := f.rec
	typ := lower(r.User.Type)
	switch lower(r.CrossTenantAccessType) {
	case "none":
		if typ == "guest" {
			return "internalGuest", Yes
		}
		if typ == "member" {
			return "", No
		}
	case "b2bcollaboration":
		switch typ {
		case "guest":
			return "b2bCollaborationGuest", Yes
		case "member":
			return "b2bCollaborationMember", Yes
		}
		return "", Yes
	case "b2bdirectconnect":
		return "b2bDirectConnectUser", Yes
	case "serviceprovider":
		return "serviceProvider", Yes
	case "microsoftsupport", "passthrough":
		return "otherExternalUser", Yes
	case "":
		if typ == "member" && r.HomeTenantID != "" && strings.EqualFold(r.HomeTenantID, r.ResourceTenantID) {
			return "", No
		}
	}
	return "", Unknown
}
