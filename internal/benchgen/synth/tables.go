package synth

// The tables below are those of the reference generator
// (shared/bench/gen.py): the tenant's apps, Conditional Access policies,
// error codes, people, places and clients. They are fixed for every seed;
// the seed only decides how they are combined.

// AzureDevOpsAppID is the application and resource ID of Azure DevOps.
const AzureDevOpsAppID = "499b84ac-1321-427f-aa17-267ca6975798"

// TenantID is the tenant every generated sign-in belongs to.
const TenantID = "8b3c5f2e-4a1d-4c6b-9f0e-2d7a1c9e5b40"

const domain = "contoso.com"

// targetShare is the share of all sign-ins each target user makes.
const targetShare = 0.005

// Incident bounds the built-in incident: from IncidentStart (inclusive) to
// IncidentEnd (exclusive), a newly enabled policy makes the target users'
// Azure DevOps failures spike.
const (
	IncidentStart = "2025-11-17T00:00:00Z"
	IncidentEnd   = "2025-11-19T00:00:00Z"
)

// TargetUsers are the user principal names of the five users who use Azure
// DevOps heavily and fail more often, in the order the generator creates
// them.
var TargetUsers = []string{
	"megan.bowen@contoso.com", "adele.vance@contoso.com", "alex.wilber@contoso.com",
	"lee.gu@contoso.com", "nestor.wilke@contoso.com",
}

var targetNames = [][2]string{{"Megan", "Bowen"}, {"Adele", "Vance"}, {"Alex", "Wilber"}, {"Lee", "Gu"}, {"Nestor", "Wilke"}}

// App is a client application and the resource its tokens are for.
type App struct {
	Name, ID                 string
	ResourceName, ResourceID string
	weight                   float64
}

var apps = []App{
	{"Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", 20},
	{"Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams Services", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe", 15},
	{"Microsoft Office", "d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Graph", "00000003-0000-0000-c000-000000000000", 9},
	{"Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000", 9},
	{"OneDrive SyncEngine", "ab9b8c07-8f02-4f72-87fa-80105867a763", "Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000", 7},
	{"Microsoft Authentication Broker", "29d9ed98-a469-4536-ade2-f981bc1d605e", "Device Registration Service", "01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9", 6},
	{"Outlook Mobile", "27922004-5251-4030-b22d-91ecd9a37ea4", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", 5},
	{"Windows Sign In", "38aa3b87-a06d-4817-b275-7a316988d93b", "Windows Azure Active Directory", "00000002-0000-0000-c000-000000000000", 4},
	{"Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013", 4},
	{"Azure DevOps", AzureDevOpsAppID, "Azure DevOps", AzureDevOpsAppID, 4},
	{"Microsoft Azure CLI", "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013", 3},
	// The trap: Visual Studio's tokens are for the Azure DevOps resource,
	// so these sign-ins match Azure DevOps by resource, not by app ID.
	{"Visual Studio", "872cd9fa-d31f-45e0-9eab-6e460a02d1f1", "Azure DevOps", AzureDevOpsAppID, 2},
	{"Microsoft Graph Command Line Tools", "14d82eec-204b-4c2f-b7e8-296a70dab67e", "Microsoft Graph", "00000003-0000-0000-c000-000000000000", 2},
	{"Microsoft Edge", "ecd6b820-32c2-49b6-98a6-444530e5a77a", "Microsoft Graph", "00000003-0000-0000-c000-000000000000", 3},
	{"Power BI Desktop", "7f67af8a-fedc-4b08-8b4e-37c4d127b6cf", "Power BI Service", "00000009-0000-0000-c000-000000000000", 2},
	{"Microsoft Intune Company Portal", "9ba1a5c7-f17a-4de9-a1f1-6178c8d51223", "Microsoft Intune", "0000000a-0000-0000-c000-000000000000", 2},
	{"My Apps", "2793995e-0a7d-40d7-bd35-6968ba142197", "Microsoft Graph", "00000003-0000-0000-c000-000000000000", 1},
	{"Microsoft Azure PowerShell", "1950a258-227b-4e31-a9cf-717495945fc2", "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013", 2},
}

const azureManagementID = "797f4846-ba00-4fd7-ba43-dac1f8f63013"

// Policy is one Conditional Access policy of the tenant.
type Policy struct {
	ID, Name        string
	State           string // "enabled", "reportOnly" or "disabled".
	GrantControls   []string
	SessionControls []string
}

var policyTable = []Policy{
	{Name: "CA001 - Require MFA for all users", State: "enabled", GrantControls: []string{"Mfa"}},
	{Name: "CA002 - Block legacy authentication", State: "enabled", GrantControls: []string{"Block"}},
	{Name: "CA003 - Require MFA for Azure management", State: "enabled", GrantControls: []string{"Mfa"}},
	{Name: "CA004 - Require compliant or hybrid joined device", State: "enabled", GrantControls: []string{"RequireCompliantDevice", "RequireDomainJoinedDevice"}},
	{Name: "CA005 - Block access from untrusted countries", State: "enabled", GrantControls: []string{"Block"}},
	{Name: "CA006 - Sign-in frequency 12 hours, unmanaged devices", State: "enabled", SessionControls: []string{"SignInFrequency"}},
	{Name: "CA007 - Require MFA for guests", State: "enabled", GrantControls: []string{"Mfa"}},
	{Name: "CA010 - Azure DevOps: require compliant device", State: "enabled", GrantControls: []string{"RequireCompliantDevice"}},
	{Name: "CA011 - Azure DevOps: block outside trusted locations", State: "enabled", GrantControls: []string{"Block"}},
	{Name: "CA012 - Azure DevOps: require domain joined device", State: "enabled", GrantControls: []string{"RequireDomainJoinedDevice"}},
	{Name: "CA020 - Require app protection policy (mobile)", State: "enabled", GrantControls: []string{"ApprovedApplication", "CompliantApplication"}},
	{Name: "CA030 - Report-only: phishing-resistant MFA for admins", State: "reportOnly", GrantControls: []string{"Mfa"}},
	{Name: "CA040 - Report-only: MDCA session monitoring", State: "reportOnly", SessionControls: []string{"CloudAppSecurity"}},
	{Name: "CA050 - Zugriff außerhalb der EU blockieren", State: "enabled", GrantControls: []string{"Block"}},
	{Name: "CA099 - Disabled: block all (break-glass test)", State: "disabled", GrantControls: []string{"Block"}},
}

// Indexes into policyTable of the policies the scenario names.
const (
	ca001 = 0
	ca002 = 1
	ca003 = 2
	ca004 = 3
	ca005 = 4
	ca006 = 5
	ca007 = 6
	ca010 = 7
	ca011 = 8
	ca012 = 9
	ca050 = 13
)

// Kinds of error code, which decide the policies that fail.
const (
	kindMFA          = "mfa"
	kindBlock        = "block"
	kindCompliant    = "compliant"
	kindDomainJoined = "domainjoined"
	kindToken        = "token"
	kindSIF          = "sif"
)

// errorInfo is Microsoft's failure reason of a code, with {rid}, {aid},
// {t1} and {t2} standing for the resource ID, app ID and two dates.
type errorInfo struct {
	reason  string
	details string // "" writes null.
	kind    string
}

var errorTable = map[int]errorInfo{
	50076:  {"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{rid}'.", "MFA required in Azure AD", kindMFA},
	50079:  {"Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '{rid}'.", "", kindMFA},
	53003:  {"Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.", "", kindBlock},
	53000:  {"Device is not in required device state: compliant. Conditional Access policy requires a compliant device, and the device is not compliant. The user must enroll their device with an approved MDM provider like Intune.", "", kindCompliant},
	53001:  {"Device is not in required device state: domain_joined. Conditional Access policy requires a domain joined device, and the device is not domain joined. Have the user use a domain joined device.", "", kindDomainJoined},
	50173:  {"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{t1}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{t2}'.", "", kindToken},
	50133:  {"Session is invalid due to expiration or recent password change.", "", kindToken},
	70044:  {"The session has expired or is invalid due to sign-in frequency checks by conditional access.", "", kindSIF},
	530032: {"Blocked by security policy.", "The tenant admin has configured a security policy that blocks this request.", kindBlock},
	700082: {"The refresh token has expired due to inactivity. The token was issued on {t1} and was inactive for 90.00:00:00.", "", kindToken},
	50097:  {"Device authentication is required.", "", kindToken},
	65001:  {"The user or administrator has not consented to use the application with ID '{aid}'. Send an interactive authorization request for this user and resource.", "", kindToken},
	50126:  {"Error validating credentials due to invalid username or password.", "The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes.", kindToken},
}

// The dates the token-expiry reasons quote.
const (
	grantIssued   = "11/02/2025 08:14:31"
	tokensValidAt = "11/10/2025 17:02:09"
)

// weighted is a code or name and its relative frequency.
type weighted[T any] struct {
	v T
	w float64
}

var (
	errorsAll = []weighted[int]{{50076, 30}, {50079, 4}, {53003, 12}, {53000, 9}, {53001, 4}, {50173, 9},
		{50133, 6}, {70044, 7}, {530032, 3}, {700082, 7}, {50097, 3}, {65001, 3}, {50126, 3}}
	errorsTargetADO = []weighted[int]{{53003, 30}, {53000, 22}, {50076, 15}, {53001, 10}, {70044, 10}, {50173, 8}, {530032, 5}}
	errorsIncident  = []weighted[int]{{53000, 70}, {53003, 12}, {50076, 8}, {53001, 5}, {70044, 5}}
	clientApps      = []weighted[string]{{"Mobile Apps and Desktop clients", 80}, {"Browser", 17},
		{"Exchange ActiveSync", 1}, {"Other clients", 1}, {"IMAP4", 1}}
)

var firstNames = []string{"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
	"William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
	"Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa",
	"Anthony", "Betty", "Mark", "Margaret", "Paul", "Sandra", "Steven", "Ashley",
	"Andrew", "Kimberly", "Kenneth", "Emily", "Joshua", "Donna", "Kevin", "Michelle",
	"José", "María", "Zoë", "François", "Jürgen", "Søren", "Łukasz", "Ayşe", "Björn",
	"Priya", "Rahul", "Wei", "Yuki", "Hiroshi", "Olumide", "Chiara", "Ngozi", "Mateus"}

var lastNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
	"Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
	"Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson",
	"White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
	"Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"Müller", "Schröder", "Núñez", "O'Brien", "Østergaard", "Kowalski", "Yılmaz",
	"Tanaka", "Sato", "Okafor", "Rossi", "Silva", "Patel", "Chen", "Zhang", "Dubois"}

// asciiFold is the reference generator's transliteration of names into user
// principal names and device names. Letters it does not list are kept.
var asciiFold = map[rune]string{'é': "e", 'á': "a", 'í': "i", 'ë': "e", 'ç': "c", 'ü': "u",
	'ø': "o", 'Ø': "O", 'Ł': "L", 'ł': "l", 'ş': "s", 'ö': "o",
	'ú': "u", 'ñ': "n", 'ı': "i", '\'': ""}

// City is where Entra ID places an IP address.
type City struct {
	Name, State, Country string
	Latitude, Longitude  float64
}

var cities = []City{
	{"Redmond", "Washington", "US", 47.674, -122.121}, {"Seattle", "Washington", "US", 47.606, -122.332},
	{"New York", "New York", "US", 40.713, -74.006}, {"Chicago", "Illinois", "US", 41.878, -87.630},
	{"Austin", "Texas", "US", 30.267, -97.743}, {"San Jose", "California", "US", 37.339, -121.895},
	{"Atlanta", "Georgia", "US", 33.749, -84.388}, {"Toronto", "Ontario", "CA", 43.653, -79.383},
	{"London", "England", "GB", 51.507, -0.128}, {"Manchester", "England", "GB", 53.481, -2.243},
	{"Dublin", "Dublin", "IE", 53.350, -6.260}, {"Amsterdam", "Noord-Holland", "NL", 52.368, 4.904},
	{"Berlin", "Berlin", "DE", 52.520, 13.405}, {"München", "Bayern", "DE", 48.137, 11.576},
	{"Frankfurt am Main", "Hessen", "DE", 50.110, 8.682}, {"Paris", "Ile-de-France", "FR", 48.857, 2.352},
	{"Madrid", "Madrid", "ES", 40.417, -3.704}, {"Milano", "Lombardia", "IT", 45.464, 9.190},
	{"Warszawa", "Mazowieckie", "PL", 52.230, 21.012}, {"Stockholm", "Stockholm", "SE", 59.329, 18.069},
	{"København", "Hovedstaden", "DK", 55.676, 12.568}, {"Zürich", "Zurich", "CH", 47.377, 8.541},
	{"Istanbul", "Istanbul", "TR", 41.008, 28.978}, {"Bengaluru", "Karnataka", "IN", 12.972, 77.595},
	{"Hyderabad", "Telangana", "IN", 17.385, 78.487}, {"Singapore", "Central Singapore", "SG", 1.352, 103.820},
	{"Tokyo", "Tokyo", "JP", 35.676, 139.650}, {"Sydney", "New South Wales", "AU", -33.869, 151.209},
	{"São Paulo", "Sao Paulo", "BR", -23.551, -46.633}, {"Lagos", "Lagos", "NG", 6.524, 3.379},
	{"Moscow", "Moscow", "RU", 55.756, 37.617}, {"Beijing", "Beijing", "CN", 39.904, 116.407},
	{"Amsterdam", "Noord-Holland", "NL", 52.370, 4.890}, {"Dallas", "Texas", "US", 32.777, -96.797},
}

// corpCities are the offices: Redmond, Seattle, London, Berlin, Bengaluru.
var corpCities = []int{0, 1, 8, 12, 23}

var riskyCountries = map[string]bool{"RU": true, "CN": true, "NG": true}

var asns = []int{8075, 7922, 3320, 2856, 16509, 15169, 13335, 701, 7018, 3215, 12322, 6830,
	4134, 9121, 20940, 9009, 60068, 212238, 5089, 1136, 3352, 9498, 55836, 24940}

var userAgentsADO = []string{
	"Git-Credential-Manager/2.4.1 (Windows; x86-64) CLR/.NET 8.0.1",
	"Git-Credential-Manager/2.5.0 (macOS; arm64) CLR/.NET 8.0.4",
	"VSServices/17.8.34322.80 (devenv.exe, Microsoft Visual Studio Enterprise 2022, 17.8.34322.80, x64)",
	"VSTS-Agent/3.236.1 (Linux 5.15.0-1057-azure)",
	"azure-cli/2.55.0 (DEB) azsdk-python-core/1.28.0 Python/3.11.5 (Linux-5.15.0-x86_64-with-glibc2.35)",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
}

var userAgentsOther = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
	"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
	"Windows-AzureAD-Authentication-Provider/1.0",
	"Dalvik/2.1.0 (Linux; U; Android 14; SM-S918B Build/UP1A.231005.007)",
	"OneDriveSync/23.226.1031.0001 (Windows 10.0.22631, x64)",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.6.00.33567 Chrome/104.0.5112.124 Electron/20.3.8 Safari/537.36",
	"",
}

// osBrowsers are operating system and browser pairs; the first six are
// those of registered devices.
var osBrowsers = [][2]string{{"Windows10", "Edge 120.0.0"}, {"Windows10", "Chrome 120.0.0"},
	{"MacOs", "Safari 17.1"}, {"Ios 17.1.2", "Mobile Safari"},
	{"Android 14", "Chrome Mobile 120.0.6099"}, {"Linux", "Firefox 121.0"},
	{"Windows10", "Rich Client 5.2.4.0"}, {"Windows", "IE 7.0"}}

const iOS = "Ios 17.1.2"

// Device trust types as Graph writes them.
const (
	trustJoined     = "Azure AD joined"
	trustHybrid     = "Hybrid Azure AD joined"
	trustRegistered = "Azure AD registered"
)

var trustTypes = []string{trustJoined, trustHybrid, trustRegistered}

// The MFA detail of a success whose MFA requirement a token claim met.
const (
	mfaSatisfied       = "MFA requirement satisfied by claim in the token"
	mfaPreviouslyKnown = "Previously satisfied"
)
