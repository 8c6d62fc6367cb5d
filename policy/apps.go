package policy

import "strings"

// Application IDs the evaluator knows, and the app groups policies target
// by name. Microsoft does not publish the members of the groups as a list
// of IDs, so a group's membership is known only for these; any other
// resource is unknown to be in a group or not.
const (
	AzureDevOpsAppID        = "499b84ac-1321-427f-aa17-267ca6975798"
	AzureManagementAppID    = "797f4846-ba00-4fd7-ba43-dac1f8f63013" // Windows Azure Service Management API (Azure Resource Manager).
	AzurePortalAppID        = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"
	AzureKeyVaultAppID      = "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"
	ExchangeOnlineAppID     = "00000002-0000-0ff1-ce00-000000000000"
	SharePointOnlineAppID   = "00000003-0000-0ff1-ce00-000000000000"
	SkypeForBusinessAppID   = "00000004-0000-0ff1-ce00-000000000000"
	TeamsServicesAppID      = "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe"
	MicrosoftGraphAppID     = "00000003-0000-0000-c000-000000000000"
	AzureDevOpsResourceName = "Azure DevOps"
)

// appGroups lists, for each app group a policy can name, the resources
// known to be in it and those known not to be.
var appGroups = map[string]struct{ in, out []string }{
	"office365": {
		in:  []string{ExchangeOnlineAppID, SharePointOnlineAppID, SkypeForBusinessAppID, TeamsServicesAppID},
		out: []string{AzureDevOpsAppID, AzureManagementAppID, AzureKeyVaultAppID, AzurePortalAppID},
	},
	"microsoftadminportals": {
		in:  []string{AzurePortalAppID},
		out: []string{AzureDevOpsAppID, AzureManagementAppID, AzureKeyVaultAppID, ExchangeOnlineAppID, SharePointOnlineAppID},
	},
}

// appGroupMember says whether resource is in the app group name, or
// ok false when name is no app group.
func appGroupMember(name, resource string) (t Tri, ok bool) {
	// Most targets are application IDs: tell them from group names
	// without lower-casing them.
	if len(name) == 36 {
		return Unknown, false
	}
	g, ok := appGroups[strings.ToLower(name)]
	if !ok {
		return Unknown, false
	}
	for _, id := range g.in {
		if id == resource {
			return Yes, true
		}
	}
	for _, id := range g.out {
		if id == resource {
			return No, true
		}
	}
	return Unknown, true
}

// appCovers reports whether a policy's application ID target covers the
// resource, both lower case: the same ID, or Windows Azure Service Management API, which
// also covers the Azure portal. (It no longer covers Azure DevOps.)
func appCovers(target, resource string) bool {
	return target == resource || target == AzureManagementAppID && resource == AzurePortalAppID
}

// appNames are the names the evaluator gives the resources it knows, for
// reasons and for edits that name an app.
var appNames = map[string]string{
	AzureDevOpsAppID:      "Azure DevOps",
	AzureManagementAppID:  "Windows Azure Service Management API",
	AzurePortalAppID:      "Azure Portal",
	AzureKeyVaultAppID:    "Azure Key Vault",
	ExchangeOnlineAppID:   "Office 365 Exchange Online",
	SharePointOnlineAppID: "Office 365 SharePoint Online",
	SkypeForBusinessAppID: "Skype for Business Online",
	TeamsServicesAppID:    "Microsoft Teams Services",
	MicrosoftGraphAppID:   "Microsoft Graph",
}

// AppName returns the name of a well-known application ID, or "".
func AppName(id string) string { return appNames[strings.ToLower(id)] }

// AppID returns the ID of a well-known application named name (compared
// ignoring case; "Azure Resource Manager" is the management API), or "".
func AppID(name string) string {
	if strings.EqualFold(name, "Azure Resource Manager") {
		return AzureManagementAppID
	}
	for id, n := range appNames {
		if strings.EqualFold(n, name) {
			return id
		}
	}
	return ""
}
