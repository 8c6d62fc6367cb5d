package redact

import "strings"

// FirstParty reports whether an application or resource ID is one of
// Microsoft's own applications, whose names and IDs are the same in every
// tenant and are kept: support needs to see "Azure DevOps". The IDs are
// Microsoft's well-known ones: the 0000000x-0000-0000-c000-000000000000 and
// 0000000x-0000-0ff1-ce00-000000000000 families, and the list below of the
// first-party apps sign-in logs commonly show. An application not listed is
// taken for the tenant's own and pseudonymized: the safe side to err on.
func FirstParty(id string) bool {
	id = strings.ToLower(strings.Trim(strings.TrimSpace(id), "{}"))
	if len(id) == 36 && strings.HasPrefix(id, "0000000") &&
		(strings.HasSuffix(id, "-0000-0000-c000-000000000000") || strings.HasSuffix(id, "-0000-0ff1-ce00-000000000000")) {
		return true
	}
	return firstPartyApps[id]
}

var firstPartyApps = map[string]bool{
	"499b84ac-1321-427f-aa17-267ca6975798": true, // Azure DevOps
	"872cd9fa-d31f-45e0-9eab-6e460a02d1f1": true, // Visual Studio
	"c44b4083-3bb0-49c1-b47d-974e53cbdf3c": true, // Azure Portal
	"74658136-14ec-4630-ad9b-26e160ff0fc6": true, // ADIbizaUX (Azure portal)
	"797f4846-ba00-4fd7-ba43-dac1f8f63013": true, // Windows Azure Service Management API (Azure Resource Manager)
	"04b07795-8ddb-461a-bbee-02f9e1bf7b46": true, // Microsoft Azure CLI
	"1950a258-227b-4e31-a9cf-717495945fc2": true, // Microsoft Azure PowerShell
	"1b730954-1685-4b74-9bfd-dac224a7b894": true, // Azure Active Directory PowerShell
	"14d82eec-204b-4c2f-b7e8-296a70dab67e": true, // Microsoft Graph Command Line Tools
	"de8bc8b5-d9f9-48b1-a8ad-b748da725064": true, // Graph Explorer
	"1fec8e78-bce4-4aaf-ab1b-5451cc387264": true, // Microsoft Teams
	"5e3ce6c0-2b1f-4285-8d4b-75ee78787346": true, // Microsoft Teams Web Client
	"cc15fd57-2c6c-4117-a88c-83b1d56b4bbe": true, // Microsoft Teams Services
	"cfa8b339-82a2-471a-a3c9-0fc0be7a4093": true, // Azure Key Vault
	"e406a681-f3d4-42a8-90b6-c2b029497af1": true, // Azure Storage
	"022907d3-0f1b-48f7-badc-1ba6abab6d66": true, // Azure SQL Database
	"d3590ed6-52b3-4102-aeff-aad2292ab01c": true, // Microsoft Office
	"4345a7b9-9a63-4910-a426-35363201d503": true, // O365 Suite UX
	"89bee1f7-5e6e-4d8a-9f3d-ecd601259da7": true, // Office365 Shell WCSS-Client
	"0ec893e0-5785-4de6-99da-4ed124e5296c": true, // Office UWP PWA
	"27922004-5251-4030-b22d-91ecd9a37ea4": true, // Outlook Mobile
	"57fb890c-0dab-4253-a5e0-7188c88b2bb4": true, // SharePoint Online Client Extensibility
	"ab9b8c07-8f02-4f72-87fa-80105867a763": true, // OneDrive SyncEngine
	"29d9ed98-a469-4536-ade2-f981bc1d605e": true, // Microsoft Authentication Broker
	"4813382a-8fa7-425e-ab75-3b753aab3abb": true, // Microsoft Authenticator App
	"9ba1a5c7-f17a-4de9-a1f1-6178c8d51223": true, // Microsoft Intune Company Portal
	"d4ebce55-015a-49b5-a083-c84d1797ae8c": true, // Microsoft Intune Enrollment
	"38aa3b87-a06d-4817-b275-7a316988d93b": true, // Windows Sign In
	"26a7ee05-5602-4d76-a7ba-eae8b7b67941": true, // Windows Search
	"2793995e-0a7d-40d7-bd35-6968ba142197": true, // My Apps
	"19db86c3-b2b9-44cc-b339-36da233a3be2": true, // My Sign-ins
	"a0c73c16-a7e3-4564-9a95-2bdf47383716": true, // Microsoft Exchange Online Remote PowerShell
	"fb78d390-0c51-40cd-8e17-fdbfab77341b": true, // Microsoft Exchange REST API Based PowerShell
}
