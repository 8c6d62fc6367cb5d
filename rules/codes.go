package rules

import (
	"embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The offline catalog of sign-in error codes is data: codes/entra.txt holds
// every code of Microsoft's Entra error-code reference, and
// codes/azure-devops.txt the Azure DevOps codes users meet with them, each
// file with its source and the date it was read. The meanings are
// signinspect's own short wording; an export's own failure reason is more
// current and wins in reports.
//
//go:embed codes/*.txt
var codeFiles embed.FS

// A CodeKind classifies an error code by what it is about.
type CodeKind string

// The kinds of error codes.
const (
	KindConditionalAccess CodeKind = "ca"
	KindMFA               CodeKind = "mfa"
	KindDevice            CodeKind = "device"
	KindCredentials       CodeKind = "credentials"
	KindAccount           CodeKind = "account"
	KindSession           CodeKind = "session"
	KindConsent           CodeKind = "consent"
	KindApplication       CodeKind = "app"
	KindFederation        CodeKind = "federation"
	KindTenant            CodeKind = "tenant"
	KindService           CodeKind = "service"
	KindInterrupt         CodeKind = "interrupt"
	KindRequest           CodeKind = "request"
	KindRisk              CodeKind = "risk"
	KindAzureDevOps       CodeKind = "devops"
)

// kindInfo is what explain says of a kind: its name, and the usual fix of a
// code that has none of its own. kindLabels are the short names of the
// catalog's listing.
var kindInfo = map[CodeKind]struct{ name, fix string }{
	KindConditionalAccess: {"Conditional Access",
		"Open the sign-in's Conditional Access tab (or a JSON export) to see which policy failed and on what; signinspect analyze on an export of the sign-ins names it."},
	KindMFA: {"Multifactor authentication (required by a Conditional Access policy, per-user MFA or security defaults)",
		"Complete multifactor authentication interactively; a non-interactive client (a PAT, a script) cannot, so exclude it from the requirement or move it to a service principal or managed identity."},
	KindDevice: {"Device",
		"Check the device's registration and state (dsregcmd /status on Windows); a non-interactive client carries no device at all."},
	KindCredentials: {"Credentials",
		"Correct or renew the credential the client presents (password, client secret or certificate), and update every place that stores it."},
	KindAccount: {"Account",
		"Check the account in Entra ID: that it exists in this tenant, is enabled, and, for a guest, has redeemed its invitation."},
	KindSession: {"Session or token",
		"Sign in again to get a fresh token: tokens end with inactivity, a password change or a revocation."},
	KindConsent: {"Consent or assignment",
		"Grant the consent the application needs (an administrator can consent for the tenant), or assign the user to the application."},
	KindApplication: {"Application configuration",
		"Fix the application's registration or enterprise application settings; its owner or an application administrator can."},
	KindFederation: {"Federation or on-premises authentication",
		"Check the federated identity provider (AD FS or another), the pass-through authentication agents or Seamless SSO, whichever the tenant uses."},
	KindTenant: {"Tenant or cross-tenant access",
		"Check which tenant the client signs in to, and the tenant restrictions and cross-tenant access settings of both tenants."},
	KindService: {"Service error (usually passing)",
		"Try again later; if it persists, open a Microsoft support case with the request ID, correlation ID and time."},
	KindInterrupt: {"Expected interrupt, not a failure",
		"Nothing to fix: this is a normal step of a sign-in."},
	KindRequest: {"Client request (the client's developer must fix it)",
		"The client sent a request Entra ID does not accept (a parameter, endpoint or protocol detail): its developer must fix it."},
	KindRisk: {"Risk (Identity Protection)",
		"Remediate the user's risk in Identity Protection, then have the user change their password."},
	KindAzureDevOps: {"Azure DevOps access",
		"Check the Azure DevOps organization's users, access levels and personal access tokens."},
}

var kindLabels = map[CodeKind]string{
	KindConditionalAccess: "Conditional Access", KindMFA: "MFA", KindDevice: "device", KindCredentials: "credentials",
	KindAccount: "account", KindSession: "session", KindConsent: "consent", KindApplication: "application",
	KindFederation: "federation", KindTenant: "tenant", KindService: "service", KindInterrupt: "interrupt",
	KindRequest: "request", KindRisk: "risk", KindAzureDevOps: "Azure DevOps",
}

// String returns the kind's name as explain shows it.
func (k CodeKind) String() string { return kindInfo[k].name }

// Label returns the kind's short name, for lists.
func (k CodeKind) Label() string { return kindLabels[k] }

// A Code is one sign-in error code with its meaning and usual fix, for
// `signinspect explain` and for reports on formats that carry only the
// number. The text of the export itself (Failure reason,
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
	// Kind says what the code is about.
	Kind CodeKind
	// Meaning says what the code means, in signinspect's words.
	Meaning string
	// Fix is the usual remedy: the code's own, or its kind's.
	Fix string
	// CA reports whether the code is a Conditional Access outcome: its
	// kind is KindConditionalAccess.
	CA bool
	// Behind lists the sign-in error codes that can lie behind an Azure
	// DevOps code (VS403463: 53003, 50076, ...).
	Behind []string
	// Source says where the meaning comes from (a CodeSource's Name).
	Source string
	// Unconfirmed marks codes whose meaning is not in Microsoft's
	// references but comes from other pages or from what users report;
	// treat it as a likely meaning.
	Unconfirmed bool
}

// A CodeSource is where a part of the catalog comes from.
type CodeSource struct {
	Name    string // What it is, and its address.
	Version string // The version read, when the source has one.
	Read    string // The date it was read, YYYY-MM-DD.
	// Unconfirmed marks a source other than Microsoft's references.
	Unconfirmed bool
	Codes       int
}

// catalog is the parsed catalog.
var catalog = func() struct {
	codes   []Code
	byCode  map[string]int
	sources []CodeSource
} {
	var c struct {
		codes   []Code
		byCode  map[string]int
		sources []CodeSource
	}
	c.byCode = map[string]int{}
	for _, file := range []string{"codes/entra.txt", "codes/azure-devops.txt"} {
		data, err := codeFiles.ReadFile(file)
		if err != nil {
			panic(err)
		}
		codes, sources, err := parseCodes(file, string(data))
		if err != nil {
			panic(err) // The files are embedded; a test loads them.
		}
		for _, code := range codes {
			if _, dup := c.byCode[code.Code]; dup {
				panic(fmt.Sprintf("%s: code %s listed twice", file, code.Code))
			}
			c.byCode[code.Code] = len(c.codes)
			c.codes = append(c.codes, code)
		}
		c.sources = append(c.sources, sources...)
	}
	sort.SliceStable(c.codes, func(i, j int) bool { return codeLess(c.codes[i].Code, c.codes[j].Code) })
	for i, code := range c.codes {
		c.byCode[code.Code] = i
	}
	return c
}()

// codeLess orders Entra codes by number, then Azure DevOps codes by text.
func codeLess(a, b string) bool {
	na, errA := strconv.Atoi(a)
	nb, errB := strconv.Atoi(b)
	switch {
	case errA == nil && errB == nil:
		return na < nb
	case errA == nil:
		return true
	case errB == nil:
		return false
	}
	return a < b
}

// parseCodes reads one catalog file: comment lines (#) with "source:",
// "version:", "read:" and "confirmed: no" headers that apply to the codes
// after them, and
// code lines of six fields separated by "|", which no text holds.
func parseCodes(file, text string) ([]Code, []CodeSource, error) {
	var codes []Code
	var sources []CodeSource
	var current *CodeSource
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "#"); ok {
			key, value, found := strings.Cut(strings.TrimSpace(rest), ":")
			if !found {
				continue
			}
			value = strings.TrimSpace(value)
			switch key {
			case "source":
				sources = append(sources, CodeSource{Name: value})
				current = &sources[len(sources)-1]
			case "version":
				if current != nil {
					current.Version = value
				}
			case "read":
				if current != nil {
					current.Read = value
				}
			case "confirmed":
				if current != nil {
					current.Unconfirmed = value == "no"
				}
			}
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 6 {
			return nil, nil, fmt.Errorf("%s:%d: %d fields, want 6 (code | name | kind | meaning | fix | behind)", file, i+1, len(f))
		}
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		if current == nil {
			return nil, nil, fmt.Errorf("%s:%d: a code before any source: header", file, i+1)
		}
		kind := CodeKind(f[2])
		info, ok := kindInfo[kind]
		if !ok {
			return nil, nil, fmt.Errorf("%s:%d: unknown kind %q", file, i+1, f[2])
		}
		if f[0] == "" || f[3] == "" {
			return nil, nil, fmt.Errorf("%s:%d: no code or no meaning", file, i+1)
		}
		c := Code{Code: f[0], Name: f[1], Kind: kind, Meaning: f[3], Fix: f[4], CA: kind == KindConditionalAccess,
			Source: current.Name, Unconfirmed: current.Unconfirmed}
		if c.Fix == "" {
			c.Fix = info.fix
		}
		if f[5] != "" {
			c.Behind = strings.Split(f[5], ",")
		}
		current.Codes++
		codes = append(codes, c)
	}
	return codes, sources, nil
}

// Codes returns the offline error-code catalog, in code order: Entra ID
// codes by number, then Azure DevOps codes.
func Codes() []Code {
	out := make([]Code, len(catalog.codes))
	copy(out, catalog.codes)
	return out
}

// CodeSources returns where the catalog comes from, with the number of
// codes of each source.
func CodeSources() []CodeSource { return append([]CodeSource(nil), catalog.sources...) }

// LookupCode finds a code as users paste it: "53003", "AADSTS53003",
// "aadsts53003:", "VS403463". Case, surrounding spaces and a trailing colon
// or period do not matter.
func LookupCode(s string) (Code, bool) {
	key := strings.ToUpper(strings.TrimSpace(s))
	key = strings.TrimRight(key, ":.,;")
	key = strings.TrimPrefix(key, "AADSTS")
	if i, ok := catalog.byCode[key]; ok {
		return catalog.codes[i], true
	}
	return Code{}, false
}

// lookupNumeric finds an Entra ID code by number.
func lookupNumeric(code int) (Code, bool) {
	return LookupCode(strconv.Itoa(code))
}

// isCACode reports whether an Entra ID error code is one of the Conditional
// Access outcomes formats.md §g lists: 53000-53004, 53010, 53011,
// 530000-530099, 50005, 50131, 70043 and 70044. Rules depend on this set;
// the catalog's kind also calls Conditional Access the codes a policy's
// other controls cause (50097, 50158, ...).
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
