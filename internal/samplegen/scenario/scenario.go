// Package scenario defines the story behind signinspect's samples/ and
// writes it in every export format signinspect reads.
//
// The story is told once, as a list of logical sign-ins (New). Each writer
// renders the same sign-ins with its format's own shape and quirks, as
// /work/shared/formats.md describes them, so that one sign-in read from any
// sample file must give the same facts: that is what parse's cross-format
// test checks. The output is deterministic: fixed times, fixed archive
// times, files in sorted order.
package scenario

import "time"

// Well-known application IDs.
const (
	AzureDevOpsAppID   = "499b84ac-1321-427f-aa17-267ca6975798"
	VisualStudioAppID  = "872cd9fa-d31f-45e0-9eab-6e460a02d1f1"
	AzurePortalAppID   = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"
	AzureARMAppID      = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
	AzureCLIAppID      = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	MicrosoftGraphID   = "00000003-0000-0000-c000-000000000000"
	MicrosoftTeamsID   = "1fec8e78-bce4-4aaf-ab1b-5451cc387264"
	AzureKeyVaultAppID = "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"
)

// Tenant facts.
const (
	TenantID   = "a3a7050e-2165-4cc5-a481-bc4b259397d5"
	TenantName = "Contoso"
	// MicrosoftTenantID owns Microsoft's first-party applications
	// (appOwnerTenantId, resourceOwnerTenantId).
	MicrosoftTenantID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
)

// CrossFormatRequestID is the request ID of the sign-in that every sample
// format able to hold it holds: svc-build@contoso.com blocked from the new
// build server's IP 198.51.100.23, outside the trusted "Corporate egress"
// named location, by "CA001 - Azure DevOps: block service accounts outside
// corporate network" (53003).
const CrossFormatRequestID = "b27fd72f-4b41-446e-8160-b072930b6057"

// IncidentTime is when the build server's calls to Azure DevOps fail with
// VS403463: `--at 2026-11-20T10:15:00Z --window 1h` covers the incident.
const IncidentTime = "2026-11-20T10:15:00Z"

// The portal downloads cover 16 to 22 November; their file names say so.
const (
	downloadFrom = "2026-11-16"
	downloadTo   = "2026-11-22"
)

// Scenario is the tenant, its policies and its sign-ins.
type Scenario struct {
	People         map[string]*Person
	Groups         []Group
	Policies       []*Policy
	NamedLocations []NamedLocation
	SignIns        []*SignIn // In time order.
}

// New returns the scenario with every sign-in's Outcome derived from the
// tenant's policies.
func New() *Scenario {
	var (
		svcBuild = &Person{ID: "1fe161c6-f484-4b44-af3a-fdd3a009be31", UPN: "svc-build@contoso.com",
			Name: "Build Service", Groups: []string{"Service accounts"}}
		adele = &Person{ID: "1c69e53a-3c5b-488f-9caf-8103dcc79d39", UPN: "adele.vance@contoso.com",
			Name: "Adele Vance", Groups: []string{"Contractors"}}
		lee = &Person{ID: "e8374b8c-c0b1-4949-831b-0d08a5163fcb", UPN: "lee.gu@contoso.com",
			Name: "Lee Gu", Groups: []string{"Engineering"}}
		megan = &Person{ID: "f7b413ba-c910-4a7a-89b5-c46b6ee62be4", UPN: "megan.bowen@contoso.com",
			Name: "Megan Bowen", Groups: []string{"Engineering"}}
		alex = &Person{ID: "25706f0b-9d0d-47cb-87b9-4246f0eebee8", UPN: "alex.wilber@contoso.com",
			Name: "Alex Wilber", Groups: []string{"Marketing"}}
		diego = &Person{ID: "847db85e-38ee-42bf-8dee-a615ff797d73", UPN: "diego.siciliani@contoso.com",
			Name: "Diego Siciliani", Groups: []string{"Engineering"}}

		releasePipeline = &Workload{AppID: "89eb3ea4-b454-406d-a025-507434c67887",
			ObjectID: "d51c7843-4e11-4e5f-8122-dc2fc0216b1c", Name: "contoso-release-pipeline",
			CredentialKeyID: "64a26d9c-333e-4fbe-917b-8639bb7eefdb", CredentialType: "clientSecret"}
		buildVM = &Workload{AppID: "7ab9d203-a84b-41ef-b217-d7d404ab6b60",
			ObjectID: "7e9d3925-c14e-4a53-a1ce-636af452555a", Name: "build-vm-02",
			CredentialType: "managedIdentity", MSIType: "systemAssigned",
			AssociatedResourceID: "/subscriptions/204424d9-703b-4d7d-b81c-8d2efb00c127/resourceGroups/rg-build/providers/Microsoft.Compute/virtualMachines/build-vm-02"}
	)

	azureDevOps := App{AzureDevOpsAppID, "Azure DevOps"}
	visualStudio := App{VisualStudioAppID, "Visual Studio"}
	azurePortal := App{AzurePortalAppID, "Azure Portal"}
	azureARM := App{AzureARMAppID, "Azure Resource Manager"}
	azureCLI := App{AzureCLIAppID, "Microsoft Azure CLI"}
	graph := App{MicrosoftGraphID, "Microsoft Graph"}
	teams := App{MicrosoftTeamsID, "Microsoft Teams"}
	keyVault := App{AzureKeyVaultAppID, "Azure Key Vault"}

	// Where sign-ins come from. 203.0.113.0/24 and 192.0.2.0/26 are the
	// trusted corporate egress; everything in 198.51.100.0/24 and
	// 2001:db8:4d2::/48 is outside it.
	var (
		hqProxy       = Egress{"203.0.113.10", "Seattle", "Washington", "US", 47.6062, -122.3321, 64500}
		onPremBuild   = Egress{"203.0.113.45", "Seattle", "Washington", "US", 47.6062, -122.3321, 64500}
		londonOffice  = Egress{"192.0.2.20", "London", "England", "GB", 51.5072, -0.1276, 64501}
		cloudBuild    = Egress{"198.51.100.23", "Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041, 64510}
		cloudBuildV6  = Egress{"2001:db8:4d2:10::17", "Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041, 64510}
		meganHome     = Egress{"198.51.100.140", "Portland", "Oregon", "US", 45.5152, -122.6784, 64502}
		contractorVPN = Egress{"192.0.2.140", "München", "Bayern", "DE", 48.1351, 11.582, 64505}
		// Azure does not give managed identity sign-ins a client IP.
		azureFabric = Egress{}
		// An address nobody at Contoso uses.
		stranger = Egress{"198.51.100.201", "Bucharest", "Bucuresti", "RO", 44.4268, 26.1025, 64511}
	)

	// Devices. A personal access token carries no device: the sign-in has
	// no device ID and no compliance state.
	var (
		noDevice      = Device{}
		meganLaptop   = Device{ID: "33e855ca-6f44-4da5-9f99-fc6d0069f77b", Name: "CONTOSO-LT-0457", OS: "Windows10", Browser: "Rich Client 4.66.1.0", Compliant: yes(), Managed: yes(), TrustType: "Azure AD joined"}
		meganBrowser  = Device{ID: "33e855ca-6f44-4da5-9f99-fc6d0069f77b", Name: "CONTOSO-LT-0457", OS: "Windows10", Browser: "Edge 131.0.0", Compliant: yes(), Managed: yes(), TrustType: "Azure AD joined"}
		leeMacBook    = Device{ID: "ae86daa6-ca64-44c8-b66c-fb4b30ce5480", Name: "CONTOSO-MB-0212", OS: "MacOs", Browser: "Edge 131.0.0", Compliant: yes(), Managed: yes(), TrustType: "Azure AD registered"}
		alexLaptop    = Device{ID: "9ca87d78-1013-4d6b-a20c-620dea37e76a", Name: "CONTOSO-LT-0388", OS: "Windows10", Browser: "Edge 131.0.0", Compliant: yes(), Managed: yes(), TrustType: "Hybrid Azure AD joined"}
		alexVS        = Device{ID: "9ca87d78-1013-4d6b-a20c-620dea37e76a", Name: "CONTOSO-LT-0388", OS: "Windows10", Browser: "Rich Client 4.66.1.0", Compliant: yes(), Managed: yes(), TrustType: "Hybrid Azure AD joined"}
		adeleBrowser  = Device{OS: "Windows10", Browser: "Chrome 131.0.0", Compliant: no(), Managed: no()}
		adeleScript   = Device{Compliant: no(), Managed: no()}
		unknownDevice = Device{OS: "Windows10", Browser: "Edge 131.0.0"}
	)

	const (
		uaGit          = "git/2.47.1"
		uaGitMac       = "git/2.39.5 (Apple Git-154)"
		uaPython       = "python-requests/2.32.3"
		uaVS           = "VSServices/17.12.35527.113 (devenv.exe, Microsoft Visual Studio Enterprise 2022, 17.12.35527.113, x64)"
		uaGCM          = "Git-Credential-Manager/2.6.0 (Windows; x86-64) CLR/.NET 8.0.11"
		uaAzureCLI     = "azure-cli/2.67.0 (MSI) azsdk-python-core/1.31.0 Python/3.12.7 (Windows-11-10.0.22631-SP0)"
		uaEdge         = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
		uaEdgeMac      = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
		uaChrome       = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
		uaTeams        = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0 Teams/24295.605.3225.8804/49"
		uaMSAL         = "azsdk-net-Identity/1.13.1 (.NET 8.0.11; Microsoft Windows 10.0.20348)"
		uaManagedIdent = ""
		desktop        = "Mobile Apps and Desktop clients"
		browser        = "Browser"
	)

	// The PAT svc-build used until 19 November was created on 31 August,
	// before CA004 (30-day sign-in frequency) was enabled; the new one on
	// 19 November at 11:05.
	oldBuildPAT, newBuildPAT := at("2026-08-31T13:22:05Z"), at("2026-11-19T11:05:41Z")

	sc := &Scenario{People: map[string]*Person{}}
	for _, p := range []*Person{svcBuild, adele, lee, megan, alex, diego} {
		sc.People[p.UPN] = p
	}

	sc.Groups = []Group{
		{ID: "4d1c8f2e-7a3b-4b6e-9f05-2c8d1e6a7b39", Name: "Service accounts"},
		{ID: "9a2e5c71-0b4d-4f8a-8c36-e1d7f3b2a054", Name: "Contractors"},
		{ID: "b7f03d19-62ce-4a95-a1e8-5d4c0f9b2e76", Name: "Engineering"},
		{ID: "e35a9b04-8d17-4c2f-b6a0-79f1e2d8c5b3", Name: "Marketing"},
	}

	sc.NamedLocations = []NamedLocation{
		{ID: "c8b6a51e-0c1b-4f8e-9d5f-3b2a7c4e6d10", Name: "Corporate egress", Trusted: true,
			Ranges:  []string{"203.0.113.0/24", "192.0.2.0/26"},
			Created: at("2023-03-06T09:14:27.1830000Z"), Modified: at("2025-10-02T15:40:09.5570000Z")},
		{ID: "5e2f9d47-8a63-4c1b-b0e4-7f1a2d6c9b38", Name: "Contractor VPN", Trusted: false,
			Ranges:  []string{"192.0.2.128/25", "2001:db8:c0de::/48"},
			Created: at("2024-05-21T11:02:45.0000000Z"), Modified: at("2024-05-21T11:02:45.0000000Z")},
		{ID: "0d7c3e91-6b2a-4f5d-8e1c-9a4b7f2d3c65", Name: "Allowed countries",
			Countries: []string{"US", "GB", "NL", "DE"},
			Created:   at("2023-03-06T09:20:03.4410000Z"), Modified: at("2026-01-12T08:31:56.2900000Z")},
	}

	ca001 := &Policy{ID: "6c6fe338-a1db-4bbc-b984-0054d8199eb6",
		Name:  "CA001 - Azure DevOps: block service accounts outside corporate network",
		State: Enabled, Groups: []string{"Service accounts"}, Apps: []string{AzureDevOpsAppID},
		OutsideTrusted: true, Grant: []string{"Block"}}
	ca002 := &Policy{ID: "8d36f18e-3b1b-4063-9322-ef0ae9766b1f",
		Name:  "CA002 - Contractors: require MFA for all cloud apps",
		State: Enabled, Groups: []string{"Contractors"}, Grant: []string{"Mfa"}}
	ca003 := &Policy{ID: "cbfab292-e523-4778-95ee-fcbd28d9cff0",
		Name:  "CA003 - Azure DevOps: require compliant device for engineering",
		State: Enabled, Groups: []string{"Engineering"}, Apps: []string{AzureDevOpsAppID},
		Grant: []string{"RequireCompliantDevice"}}
	ca004 := &Policy{ID: "3721d222-2a34-4cbc-b854-c986df8b6ecb",
		Name:  "CA004 - Service accounts: sign-in frequency 30 days",
		State: Enabled, Groups: []string{"Service accounts"},
		Session: []string{"SignInFrequency"}, SignInFrequency: 30 * 24 * time.Hour}
	ca005 := &Policy{ID: "2e5cc7fd-6b9a-4203-b5ec-d5fd3c036b27",
		Name:  "CA005 - Azure management: block outside corporate network",
		State: Enabled, Apps: []string{AzureARMAppID}, OutsideTrusted: true, Grant: []string{"Block"}}
	ca006 := &Policy{ID: "46bf1a2f-2b1a-4b4a-a023-ae0ebb850bd3",
		Name:  "CA006 - Report-only: Azure DevOps: block all users outside corporate network",
		State: ReportOnly, Apps: []string{AzureDevOpsAppID}, OutsideTrusted: true, Grant: []string{"Block"}}
	ca007 := &Policy{ID: "6606f160-7d65-4e92-9517-952146ab7308",
		Name:  "CA007 - Legacy: block Azure DevOps from unmanaged devices",
		State: Disabled, Apps: []string{AzureDevOpsAppID}, Grant: []string{"Block"},
		DeviceFilter: `device.isCompliant -eq True -or device.trustType -eq "ServerAD"`}
	sc.Policies = []*Policy{ca001, ca002, ca003, ca004, ca005, ca006, ca007}
	for i, p := range sc.Policies {
		p.Created = at("2025-02-03T09:00:00Z").Add(time.Duration(i) * 41 * 24 * time.Hour).Add(time.Duration(i*977) * time.Second)
		p.Modified = p.Created.Add(time.Duration(30+i*11) * 24 * time.Hour)
	}

	sc.SignIns = []*SignIn{
		// Monday 16 and Tuesday 17 November: ordinary days.
		{RequestID: "393223e6-7956-4a3c-992d-e9d6bef06bd0", Time: at("2026-11-17T08:12:40.3318204Z"),
			Flow: Interactive, User: alex, App: azurePortal, Resource: azureARM,
			UserAgent: uaEdge, ClientApp: browser, From: londonOffice, Device: alexLaptop,
			Failure: 50055, Cause: ExpiredPassword,
			Story: "Alex Wilber's password has expired when he opens the Azure portal."},
		{RequestID: "0329c8bb-60ae-440b-ac8b-dc7461a73547", Time: at("2026-11-17T08:14:05.9021377Z"),
			Flow: Interactive, User: alex, App: azurePortal, Resource: azureARM,
			UserAgent: uaEdge, ClientApp: browser, From: londonOffice, Device: alexLaptop,
			MFAMethod: "Mobile app notification",
			Story:     "Alex signs in again after resetting his password, with MFA."},
		{RequestID: "59a34d02-e53c-4c2b-b5c1-a8b606c42b3d", Time: at("2026-11-17T09:30:18.0474512Z"),
			Flow: NonInteractive, User: megan, App: visualStudio, Resource: azureDevOps,
			UserAgent: uaVS, ClientApp: desktop, From: hqProxy, Device: meganLaptop, MFAInToken: true,
			Story: "Megan Bowen's Visual Studio refreshes its Azure DevOps token at the office."},
		{RequestID: "eb07efdd-74f4-4f65-858b-32a097f0dfce", Time: at("2026-11-17T14:02:18.6650931Z"),
			Flow: NonInteractive, User: diego, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaPython, ClientApp: desktop, From: onPremBuild, Device: noDevice,
			Failure: 50057, Cause: DisabledAccount,
			Story: "A forgotten cron job on the old build server still uses the PAT of Diego Siciliani, whose account was disabled when he left."},

		// Wednesday 18 November: the old build PAT trips the sign-in frequency policy.
		{RequestID: "dc249149-c657-4c6d-a5c0-dd59ecde7d61", Time: at("2026-11-18T06:00:12.1180046Z"),
			Flow: NonInteractive, User: svcBuild, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaGit, ClientApp: desktop, From: onPremBuild, Device: noDevice, TokenIssued: oldBuildPAT,
			Cause: SignInFrequency,
			Story: "The nightly build's git fetch fails: svc-build's PAT predates CA004's 30-day sign-in frequency."},
		{RequestID: "5415ac4c-f34c-41ec-9508-81820e5a2c0a", Time: at("2026-11-18T06:30:12.7734519Z"),
			Flow: NonInteractive, User: svcBuild, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaGit, ClientApp: desktop, From: onPremBuild, Device: noDevice, TokenIssued: oldBuildPAT,
			Cause: SignInFrequency,
			Story: "The build's retry fails the same way."},
		{RequestID: "20bbf885-3093-477d-b52c-74bf2a937b85", Time: at("2026-11-18T09:05:33.4406118Z"),
			Flow: NonInteractive, User: alex, App: visualStudio, Resource: azureDevOps,
			UserAgent: uaVS, ClientApp: desktop, From: londonOffice, Device: alexVS,
			Failure: 50173, Cause: RevokedGrant,
			Story: "Alex's Visual Studio presents a refresh token revoked by his password reset."},
		{RequestID: "4b85f9f0-204b-4a13-a1cc-2f35bbc8b0e4", Time: at("2026-11-18T09:06:10.2561840Z"),
			Flow: Interactive, User: alex, App: visualStudio, Resource: azureDevOps,
			UserAgent: uaVS, ClientApp: desktop, From: londonOffice, Device: alexVS,
			Failure: 50126, Cause: InvalidPassword,
			Story: "Alex mistypes his new password in Visual Studio's sign-in window."},
		{RequestID: "b8cd0acd-fa58-4aa1-82e8-fb485899b48c", Time: at("2026-11-18T09:06:58.0099127Z"),
			Flow: Interactive, User: alex, App: visualStudio, Resource: azureDevOps,
			UserAgent: uaVS, ClientApp: desktop, From: londonOffice, Device: alexVS,
			MFAMethod: "Mobile app notification",
			Story:     "Alex signs in to Visual Studio, with MFA."},
		{RequestID: "c9f4992f-b9b4-4ee2-a400-6e11e0de5af3", Time: at("2026-11-18T16:45:00.5213362Z"),
			Flow: NonInteractive, User: megan, App: visualStudio, Resource: azureDevOps,
			UserAgent: uaGCM, ClientApp: desktop, From: meganHome, Device: meganLaptop,
			Failure: 700082, Cause: ExpiredRefreshToken,
			Story: "Git Credential Manager on Megan's laptop presents a refresh token unused for 90 days."},

		// Thursday 19 November: a new PAT for svc-build; gaps in the policies.
		{RequestID: "95152749-138f-4ceb-be28-bd2f12b65e69", Time: at("2026-11-19T07:58:21.3847702Z"),
			Flow: NonInteractive, User: megan, App: visualStudio, Resource: azureDevOps,
			UserAgent: uaVS, ClientApp: desktop, From: meganHome, Device: meganLaptop, MFAInToken: true,
			Traits: []Trait{ReportOnlyWouldBlock, PolicyCoversOnlyARM},
			Story:  "Megan reaches Azure DevOps from home: the only enforced location policy (CA005) covers Azure Resource Manager, and the report-only CA006 would block her."},
		{RequestID: "a8e227e5-cba6-414a-ae4b-0eca8fed30a8", Time: at("2026-11-19T08:03:47.9921056Z"),
			Flow: NonInteractive, User: megan, App: azureCLI, Resource: azureARM,
			UserAgent: uaAzureCLI, ClientApp: desktop, From: meganHome, Device: meganLaptop, MFAInToken: true,
			Cause: IPOutsideTrustedLocations,
			Story: "The Azure CLI on Megan's laptop, at home, is blocked by CA005 on Azure Resource Manager."},
		{RequestID: "54389115-3762-4180-8921-356fa1901885", Time: at("2026-11-19T11:20:00.8170374Z"),
			Flow: NonInteractive, User: svcBuild, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaGit, ClientApp: desktop, From: onPremBuild, Device: noDevice, TokenIssued: newBuildPAT,
			Story: "With a new PAT the build works again from the on-premises build server."},
		{RequestID: "a051921d-99d8-4adf-a610-b6a86de906c5", Time: at("2026-11-19T14:10:09.4452891Z"),
			Flow: Interactive, User: adele, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaChrome, ClientApp: browser, From: contractorVPN, Device: adeleBrowser,
			MFAMethod: "Mobile app notification",
			Story:     "Adele Vance, a contractor, opens Azure DevOps in her browser and completes MFA."},

		// Friday 20 November: the build moves to a cloud VM and Azure DevOps
		// answers VS403463 from 10:02 on.
		{RequestID: "a693c8a7-d9c5-41b5-a94f-9c4a50bbd005", Time: at("2026-11-20T09:40:12.2907733Z"),
			Flow: NonInteractive, User: svcBuild, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaGit, ClientApp: desktop, From: onPremBuild, Device: noDevice, TokenIssued: newBuildPAT,
			Story: "The last build on the on-premises server succeeds."},
		{RequestID: "56f3d47a-fe1d-4123-bfef-2f49999ba44d", Time: at("2026-11-20T09:52:37.6018254Z"),
			Flow: NonInteractive, User: lee, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaGitMac, ClientApp: desktop, From: hqProxy, Device: noDevice,
			Cause: CompliantDeviceRequired,
			Story: "Lee Gu pushes with a PAT: CA003 requires a compliant device, and a PAT carries no device."},
		{RequestID: "ea52db2f-8a36-4bae-aa53-a00ee4e7ba78", Time: at("2026-11-20T10:01:15.1503828Z"),
			Flow: ManagedIdentity, Workload: buildVM, App: App{buildVM.AppID, buildVM.Name}, Resource: keyVault,
			UserAgent: uaManagedIdent, From: azureFabric,
			Story: "The new build VM's managed identity reads svc-build's PAT from Key Vault."},
		{RequestID: "f01df0c5-e049-48c8-a988-57acdd9060bf", Time: at("2026-11-20T10:02:11.0736591Z"),
			Flow: NonInteractive, User: svcBuild, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaGit, ClientApp: desktop, From: cloudBuild, Device: noDevice, TokenIssued: newBuildPAT,
			Cause: IPOutsideTrustedLocations,
			Story: "The first build on the new VM (198.51.100.23) is blocked by CA001: its IP is not in Corporate egress."},
		{RequestID: "71ccdb46-0def-4e6b-b2e3-d16e480a646f", Time: at("2026-11-20T10:05:00.6622413Z"),
			Flow: ServicePrincipal, Workload: releasePipeline, App: App{releasePipeline.AppID, releasePipeline.Name},
			Resource: azureDevOps, UserAgent: uaMSAL, From: cloudBuild,
			Story: "The release pipeline's service principal calls Azure DevOps from the same VM; user policies do not apply to it."},
		{RequestID: "c2ba21bc-ff67-463f-9986-34911b85c337", Time: at("2026-11-20T10:07:43.9185520Z"),
			Flow: NonInteractive, User: svcBuild, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaGit, ClientApp: desktop, From: cloudBuild, Device: noDevice, TokenIssued: newBuildPAT,
			Cause: IPOutsideTrustedLocations,
			Story: "The build's retry is blocked the same way."},
		{RequestID: "f3c689bb-0ade-4006-aa4f-b918a9fd3ba4", Time: at("2026-11-20T10:12:30.2246917Z"),
			Flow: NonInteractive, User: megan, App: visualStudio, Resource: azureDevOps,
			UserAgent: uaVS, ClientApp: desktop, From: hqProxy, Device: meganLaptop, MFAInToken: true,
			Story: "Meanwhile Megan's Visual Studio works from the office, on her compliant laptop."},
		{RequestID: CrossFormatRequestID, Time: at("2026-11-20T10:15:02.4817335Z"),
			Flow: NonInteractive, User: svcBuild, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaGit, ClientApp: desktop, From: cloudBuild, Device: noDevice, TokenIssued: newBuildPAT,
			Cause: IPOutsideTrustedLocations,
			Story: "The failure the ticket quotes (VS403463 at 10:15): CA001 blocks 198.51.100.23. Every format that can hold this sign-in holds it."},
		{RequestID: "9663d1ed-f7f6-41f5-a2e7-85f0f3520f15", Time: at("2026-11-20T10:21:36.5540062Z"),
			Flow: NonInteractive, User: svcBuild, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaGit, ClientApp: desktop, From: cloudBuildV6, Device: noDevice, TokenIssued: newBuildPAT,
			Cause: IPOutsideTrustedLocations, Traits: []Trait{IPv6Caller},
			Story: "Over IPv6 (2001:db8:4d2:10::17) the VM is blocked too: Corporate egress has IPv4 ranges only."},
		{RequestID: "812d8eb9-477d-40d2-8fc9-24023110675f", Time: at("2026-11-20T10:26:54.0318776Z"),
			Flow: NonInteractive, User: svcBuild, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaGit, ClientApp: desktop, From: hqProxy, SeenByResource: cloudBuild.IP, Device: noDevice,
			TokenIssued: newBuildPAT, Cause: IPOutsideTrustedLocations, Traits: []Trait{IPSeenByResourceDiffers},
			Story: "Routed through the corporate proxy, Entra ID sees the trusted 203.0.113.10, but Azure DevOps still sees 198.51.100.23 and the block stands."},
		{RequestID: "142d3fd3-6b7b-4d42-a950-ad04c8876d7d", Time: at("2026-11-20T10:33:05.7761409Z"),
			Flow: NonInteractive, User: adele, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaPython, ClientApp: desktop, From: contractorVPN, Device: adeleScript,
			Cause: MFARequired,
			Story: "Adele's report script uses a PAT: CA002 requires MFA for all cloud apps, which a PAT can never satisfy."},
		{RequestID: "06ff7435-22b2-4fe3-b48c-cbb613337f69", Time: at("2026-11-20T10:44:03.3395120Z"),
			Flow: Interactive, User: lee, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaEdgeMac, ClientApp: browser, From: hqProxy, Device: leeMacBook,
			MFAMethod: "Mobile app notification",
			Story:     "Lee opens Azure DevOps in the browser of his compliant MacBook instead."},
		{RequestID: "9cd48611-3dd7-4e0a-ba29-3d52df710448", Time: at("2026-11-20T10:48:19.9046683Z"),
			Flow: NonInteractive, User: alex, App: teams, Resource: graph,
			UserAgent: uaTeams, ClientApp: desktop, From: londonOffice, Device: alexLaptop, MFAInToken: true,
			Story: "Alex's Teams client refreshes its Microsoft Graph token."},

		// Saturday 21 November.
		{RequestID: "a4ca76ce-3e3a-40d8-bc84-3f7b1f00351d", Time: at("2026-11-21T09:02:44.1120958Z"),
			Flow: NonInteractive, User: adele, App: azureDevOps, Resource: azureDevOps,
			UserAgent: uaPython, ClientApp: desktop, From: contractorVPN, Device: adeleScript,
			Cause: MFARequired,
			Story: "Adele's script fails again the next morning."},
		{RequestID: "3847937e-1405-4fce-bf50-e4544921241c", Time: at("2026-11-21T11:37:26.6803354Z"),
			Flow: Interactive, User: megan, App: azurePortal, Resource: azureARM,
			UserAgent: uaEdge, ClientApp: browser, From: hqProxy, Device: meganBrowser,
			MFAMethod: "Mobile app notification",
			Story:     "Megan opens the Azure portal at the office."},
		{RequestID: "df551e3f-dd3d-456b-b21b-f941e80e4399", Time: at("2026-11-21T15:10:52.2480197Z"),
			Flow: Interactive, User: alex, App: azurePortal, Resource: azureARM,
			UserAgent: uaEdge, ClientApp: browser, From: stranger, Device: unknownDevice,
			Failure: 50126, Cause: InvalidPassword,
			Story: "Someone tries Alex's account from 198.51.100.201 with a wrong password."},
	}
	for _, s := range sc.SignIns {
		s.Outcome = sc.evaluate(s)
	}
	return sc
}

// SignIn returns the sign-in with the request ID, or nil.
func (sc *Scenario) SignIn(requestID string) *SignIn {
	for _, s := range sc.SignIns {
		if s.RequestID == requestID {
			return s
		}
	}
	return nil
}

// ExpectedCauses returns the root cause of every sign-in by request ID
// (NoCause for successes), for tests that check what signinspect finds.
func (sc *Scenario) ExpectedCauses() map[string]Cause {
	out := make(map[string]Cause, len(sc.SignIns))
	for _, s := range sc.SignIns {
		out[s.RequestID] = s.Cause
	}
	return out
}
