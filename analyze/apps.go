package analyze

import (
	"strings"

	"github.com/signinspect/signinspect/parse"
)

// knownApps are Microsoft applications whose IDs are fixed in every tenant
// (formats.md §f). --app accepts any of their names or their ID, and
// matches sign-ins that carry the ID or one of the names.
var knownApps = [][]string{
	{parse.AzureDevOpsAppID, "Azure DevOps"},
	{"797f4846-ba00-4fd7-ba43-dac1f8f63013", "Azure Resource Manager", "Windows Azure Service Management API"},
	{"c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal"},
	{"00000003-0000-0000-c000-000000000000", "Microsoft Graph"},
	{"00000002-0000-0000-c000-000000000000", "Windows Azure Active Directory"},
	{"04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Microsoft Azure CLI", "Azure CLI"},
	{"872cd9fa-d31f-45e0-9eab-6e460a02d1f1", "Visual Studio"},
	{"1950a258-227b-4e31-a9cf-717495945fc2", "Microsoft Azure PowerShell", "Azure PowerShell"},
}

// AppAliases returns the lower-case values an --app value matches: itself,
// and the ID and names of the well-known app it names.
func AppAliases(v string) []string {
	v = strings.ToLower(strings.TrimSpace(v))
	for _, app := range knownApps {
		for _, name := range app {
			if strings.EqualFold(name, v) {
				out := make([]string, len(app))
				for i, n := range app {
					out[i] = strings.ToLower(n)
				}
				return out
			}
		}
	}
	return []string{v}
}
