package scenario

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"sort"
	"time"
)

// File is one generated sample file.
type File struct {
	// Path is the file's slash-separated path under samples/.
	Path string
	Data []byte
	// Format is the parse.Format name the file must be detected as
	// ("portal-csv", "graph-json", ...), or "" for a file that is not a
	// sign-in export (the README, named locations).
	Format string
	// Title names the export shape, for the README.
	Title string
	// Shows says what the file shows, for the README.
	Shows string
	// SignIns are the sign-ins the file holds, in file order. An
	// authentication-details file holds their steps; a ZIP archive its
	// members' sign-ins.
	SignIns []*SignIn
	// Members are the files inside a ZIP archive.
	Members []File
	// Folder, when set, is the folder the file belongs to with others of
	// one export (one object per file): the README lists the folder once,
	// with the Title and Shows of its first file.
	Folder string
}

// Holds reports whether the file (or a member) holds the sign-in.
func (f File) Holds(requestID string) bool {
	for _, s := range f.SignIns {
		if s.RequestID == requestID {
			return true
		}
	}
	return false
}

// Exports returns the sign-in exports among files, ZIP archives replaced by
// their members (whose Path is "archive.zip!member"), in path order.
func Exports(files []File) []File {
	var out []File
	for _, f := range files {
		switch {
		case len(f.Members) > 0:
			for _, m := range f.Members {
				m.Path = f.Path + "!" + m.Path
				out = append(out, m)
			}
		case f.Format != "":
			out = append(out, f)
		}
	}
	return out
}

// Formats of parse, by name (the generator does not import parse, so that
// the samples are written independently of the code that reads them).
const (
	formatPortalCSV        = "portal-csv"
	formatPortalAuthCSV    = "portal-authdetails-csv"
	formatGraphJSON        = "graph-json"
	formatLogAnalyticsCSV  = "log-analytics-csv"
	formatLogAnalyticsJSON = "log-analytics-json"
	formatDiagnosticJSON   = "diagnostic-json"
)

// where returns the sign-ins that satisfy keep, in time order.
func (sc *Scenario) where(keep func(*SignIn) bool) []*SignIn {
	var out []*SignIn
	for _, s := range sc.SignIns {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

func flowIs(f Flow) func(*SignIn) bool { return func(s *SignIn) bool { return s.Flow == f } }

func day(s *SignIn) string { return s.Time.UTC().Format("2006-01-02") }

// Files returns every sample file, sorted by path.
func (sc *Scenario) Files() ([]File, error) {
	var (
		nonInteractive = sc.where(flowIs(NonInteractive))
		interactive    = sc.where(flowIs(Interactive))
		application    = sc.where(flowIs(ServicePrincipal))
		msi            = sc.where(flowIs(ManagedIdentity))
		users          = sc.where(func(s *SignIn) bool { return s.IsUser() })
		ni20           = sc.where(func(s *SignIn) bool { return s.Flow == NonInteractive && day(s) == "2026-11-20" })
		niDevOps       = sc.where(func(s *SignIn) bool {
			return s.Flow == NonInteractive && s.Resource.ID == AzureDevOpsAppID
		})
		devOps20 = sc.where(func(s *SignIn) bool {
			return s.Flow == NonInteractive && s.Resource.ID == AzureDevOpsAppID && day(s) == "2026-11-20"
		})
		niHour10 = sc.where(func(s *SignIn) bool {
			return s.Flow == NonInteractive && s.Time.UTC().Format("2006-01-02T15") == "2026-11-20T10"
		})
		all20 = sc.where(func(s *SignIn) bool { return day(s) == "2026-11-20" })
	)
	crossFormat := sc.where(func(s *SignIn) bool { return s.RequestID == CrossFormatRequestID })
	dates := downloadFrom + "_" + downloadTo

	// Entra portal CSV downloads.
	portal := csvStyle{comma: ',', newline: "\r\n", quoteAll: true}
	portalCSV := func(name, header string, h []string, signIns []*SignIn, shows string) File {
		return File{Path: name, Format: formatPortalCSV, Title: header,
			Data: withBOM(portal.encode(portalTable(h, signIns, portal2026))), SignIns: newestFirst(signIns), Shows: shows}
	}
	niCSV := portalCSV("NonInteractiveSignIns_"+dates+".csv", "Entra portal CSV, non-interactive (57 columns)",
		portalHeader57, nonInteractive,
		"Every non-interactive sign-in of the week. UTF-8 BOM, CRLF, every field quoted; `Application ID ` and `Resource ID ` with a trailing space, `Autonomous system  number` with two spaces, `Incoming token type` twice; Yes/No, `Not Applied`, `City, State, CC`; `IP address (seen by resource)` filled only for the proxied call.")
	interactiveCSV := portalCSV("InteractiveSignIns_"+dates+".csv", "Entra portal CSV, interactive (57 columns)",
		portalHeader57, interactive, "Interactive sign-ins: same header as the non-interactive file; only the file name tells the flow.")
	applicationCSV := portalCSV("ApplicationSignIns_"+dates+".csv", "Entra portal CSV, service principals",
		applicationHeader, application, "Service principal sign-ins: `Service principal ID`, `Service principal name`, `Credential key ID`, no user columns.")
	msiCSV := portalCSV("MSISignIns_"+dates+".csv", "Entra portal CSV, managed identities",
		msiHeader, msi, "Managed identity sign-ins: `Managed Identity type`, `Associated Resource Id`, no user columns, no IP.")
	authDetails := File{Path: "portal-csv/NonInteractiveSignIns_AuthDetails_" + dates + ".csv",
		Format: formatPortalAuthCSV, Title: "Entra portal CSV, non-interactive authentication details",
		Data:    withBOM(portal.encode(authDetailsTable(nonInteractive, portal2026))),
		SignIns: newestFirst(nonInteractive),
		Shows:   "One row per authentication step of the non-interactive sign-ins, each naming its sign-in by `Request ID`; it holds no sign-ins itself, so signinspect reads none from it and says so in a warning."}

	zipFolder := "CONTOSO_" + dates
	var zipMembers []File
	for _, f := range []File{interactiveCSV, niCSV, applicationCSV, msiCSV} {
		f.Path = zipFolder + "/" + f.Path
		zipMembers = append(zipMembers, f)
	}
	sort.Slice(zipMembers, func(i, j int) bool { return zipMembers[i].Path < zipMembers[j].Path })
	zipData, err := zipArchive(zipMembers)
	if err != nil {
		return nil, err
	}
	var zipSignIns []*SignIn
	for _, m := range zipMembers {
		zipSignIns = append(zipSignIns, m.SignIns...)
	}
	portalZIP := File{Path: "portal-csv/" + zipFolder + "_1_1.zip", Data: zipData,
		Title:   "Entra portal download ZIP",
		Shows:   "The portal's ZIP: folder `" + zipFolder + "/` with the interactive, non-interactive, application and managed identity CSVs above.",
		SignIns: zipSignIns, Members: zipMembers}
	for _, f := range []*File{&niCSV, &interactiveCSV, &applicationCSV, &msiCSV} {
		f.Path = "portal-csv/" + f.Path
	}

	old := csvStyle{comma: ',', newline: "\n", quoteHeader: true}
	portal55 := File{Path: "portal-csv-55/NonInteractiveSignIns_2026-11-20_2026-11-21.csv", Format: formatPortalCSV,
		Title:   "Entra portal CSV, non-interactive (55 columns, 2024)",
		Data:    old.encode(portalTable(portalHeader55(), ni20, portal2024)),
		SignIns: newestFirst(ni20),
		Shows:   "The incident day in the older 55-column header (no owner tenant columns): no BOM, LF, header quoted and rows quoted only where needed, True/False, Azure AD join names."}

	// Spreadsheet re-saves of the non-interactive download.
	niTable := portalTable(portalHeader57, nonInteractive, portal2026)
	excelUnicode := File{Path: "spreadsheet/NonInteractiveSignIns_" + dates + ".txt", Format: formatPortalCSV,
		Title:   "Portal CSV re-saved by Excel as Unicode Text",
		Data:    utf16LE(csvStyle{comma: '\t', newline: "\r\n"}.encode(niTable)),
		SignIns: newestFirst(nonInteractive),
		Shows:   "The non-interactive download opened in Excel and saved as \"Unicode Text\": UTF-16LE with BOM, tab-delimited, quotes only where needed."}
	germanTable := portalTable(portalHeader57, nonInteractive, portalStyle{date: germanDate, yes: "Yes", no: "No", entraName: true})
	germanCSV := File{Path: "spreadsheet/NonInteractiveSignIns_" + dates + "_de-DE.csv", Format: formatPortalCSV,
		Title:   "Portal CSV re-saved in a German locale",
		Data:    withBOM(csvStyle{comma: ';', newline: "\r\n"}.encode(germanTable)),
		SignIns: newestFirst(nonInteractive),
		Shows:   "The non-interactive download re-saved with a German list separator and dates: `;`-delimited, `20.11.2026 10:15:02`."}

	// Entra portal JSON and Microsoft Graph.
	portalJSON := File{Path: "portal-json/NonInteractiveSignIns_" + dates + ".json", Format: formatGraphJSON,
		Title:   "Entra portal JSON download",
		Data:    graphArray(nonInteractive, indentJSON),
		SignIns: newestFirst(nonInteractive),
		Shows:   "Every non-interactive sign-in as a top-level array of camelCase Graph objects, 2-space indent, with per-policy Conditional Access results."}
	graphPage := File{Path: "graph/beta-auditLogs-signIns-page1.json", Format: formatGraphJSON,
		Title:   "Microsoft Graph page",
		Data:    graphPageJSON(niDevOps),
		SignIns: newestFirst(niDevOps),
		Shows:   "A compact `{\"@odata.context\",\"value\",\"@odata.nextLink\"}` page of `beta/auditLogs/signIns` filtered on non-interactive Azure DevOps sign-ins."}
	mesPages := newestFirst(sc.where(func(s *SignIn) bool {
		return s.Flow == NonInteractive && day(s) >= "2026-11-20"
	}))
	mesConcat := File{Path: "graph/mes/NonInteractive/20261122080102-NonInteractive-SignInLogs.json", Format: formatGraphJSON,
		Title: "Microsoft-Extractor-Suite output, concatenated arrays",
		Data: withBOM(append(append(powerShell51JSON.encode(graphItems(mesPages[:6])), "\r\n"...),
			append(powerShell51JSON.encode(graphItems(mesPages[6:])), "\r\n"...)...)),
		SignIns: mesPages,
		Shows:   "Two pages of the incident day and the next appended to one file by Windows PowerShell 5.1 (`ConvertTo-Json | Out-File -Append -Encoding UTF8`): UTF-8 BOM, CRLF, two arrays back to back, PowerShell 5.1 indentation, `'` written as `\\u0027`."}
	mesSingle := File{Path: "graph/mes/NonInteractive/20261122080105-NonInteractive-SignInLogs.json", Format: formatGraphJSON,
		Title:   "Microsoft-Extractor-Suite output, one-record page",
		Data:    withBOM(append(powerShell51JSON.encode(graphSignIn(crossFormat[0], graphDefaults)), "\r\n"...)),
		SignIns: crossFormat,
		Shows:   "A page with a single sign-in, which PowerShell writes as a bare object instead of an array."}
	sofElk := File{Path: "graph/mes-sof-elk/SignInLogs-Combined.json", Format: formatGraphJSON,
		Title:   "Microsoft-Extractor-Suite SOF-ELK output (NDJSON)",
		Data:    ndjson(newestFirst(users)),
		SignIns: newestFirst(users),
		Shows:   "Interactive and non-interactive sign-ins, one compact JSON object per line."}
	psSignIns := newestFirst(devOps20)
	powerShell := File{Path: "graph/powershell/Get-MgBetaAuditLogSignIn.json", Format: formatGraphJSON,
		Title:   "Graph PowerShell output (PascalCase)",
		Data:    utf16LE(append(powerShell51JSON.encode(powerShellItems(psSignIns)), "\r\n"...)),
		SignIns: psSignIns,
		Shows:   "`Get-MgBetaAuditLogSignIn | ConvertTo-Json -Depth 10 > file` in Windows PowerShell 5.1: UTF-16LE with BOM, PascalCase keys in alphabetical order, `AdditionalProperties` on every object (holding `ipAddressFromResourceProvider`, which the SDK model lacks), dates as `\\/Date(ms)\\/`."}

	// Log Analytics.
	laCSVFile := File{Path: "log-analytics/AADNonInteractiveUserSignInLogs.csv", Format: formatLogAnalyticsCSV,
		Title:   "Log Analytics \"Export to CSV\"",
		Data:    withBOM(laCSV(nonInteractive)),
		SignIns: newestIngestedFirst(nonInteractive),
		Shows:   "`AADNonInteractiveUserSignInLogs` exported from the portal: `TimeGenerated [UTC]`, `11/20/2026, 10:15:02.481 AM` dates, TRUE/FALSE, Graph JSON in cells with `\"\"` escaping (conditions as integers), `Type` last."}
	laAz := File{Path: "log-analytics/AADNonInteractiveUserSignInLogs.json", Format: formatLogAnalyticsJSON,
		Title:   "Log Analytics JSON (az CLI), JSON columns as strings",
		Data:    laAzCLIJSON(ni20),
		SignIns: newestIngestedFirst(ni20),
		Shows:   "`az monitor log-analytics query` output for the incident day: every value a string, `ConditionalAccessPolicies` and the other JSON columns as JSON text, keys sorted, `TableName`."}
	laTyped := File{Path: "log-analytics/SigninLogs.json", Format: formatLogAnalyticsJSON,
		Title:   "Log Analytics JSON, dynamic columns as JSON",
		Data:    laTypedJSON(interactive),
		SignIns: newestIngestedFirst(interactive),
		Shows:   "Interactive `SigninLogs` rows with typed values: `ConditionalAccessPolicies`, `Status`, `DeviceDetail`, ... as real JSON objects and arrays."}

	// Azure Monitor diagnostic settings.
	minus5 := time.FixedZone("", -5*3600)
	blobStyle := diagnosticStyle{stringNumbers: true, piiRemoved: true, offsetFor: func(s *SignIn) *time.Location {
		if s.RequestID == CrossFormatRequestID {
			return minus5
		}
		return time.UTC
	}}
	blob := storageBlob(niHour10, blobStyle)
	blobFile := File{Path: "diagnostic/insights-logs-noninteractiveusersigninlogs/y=2026/m=11/d=20/h=10/m=00/PT1H.json",
		Format: formatDiagnosticJSON, Title: "Azure Monitor storage blob (PT1H.json)",
		Data: blob, SignIns: niHour10,
		Shows: "The incident hour's NonInteractiveUserSignInLogs blob: one record per line, CRLF, `\"Level\":\"4\"` and `\"durationMs\":\"0\"` as strings, integer `conditionsSatisfied`, device IDs `{PII Removed}`, and the quoted failure's `createdDateTime` at `-05:00`."}
	gz, err := gzipped(blob)
	if err != nil {
		return nil, err
	}
	gzFile := File{Path: "diagnostic/PT1H-noninteractive-2026-11-20T10.json.gz", Format: formatDiagnosticJSON,
		Title: "Azure Monitor storage blob, gzip-compressed", Data: gz, SignIns: niHour10,
		Shows: "The same blob, downloaded and compressed with gzip."}
	eventHub := File{Path: "diagnostic/eventhub/signin-logs-2026-11-20.json", Format: formatDiagnosticJSON,
		Title:   "Azure Monitor Event Hub message",
		Data:    eventHubMessage(all20, diagnosticStyle{sortedKeys: true}),
		SignIns: all20,
		Shows:   "`{\"records\":[...]}` with all four categories of the incident day (SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs, ManagedIdentitySignInLogs), integer `Level` and `durationMs`, keys in alphabetical order."}

	namedLocations := File{Path: "named-locations.json", Title: "Graph named locations",
		Data:  namedLocationsGraph(sc.NamedLocations),
		Shows: "`GET identity/conditionalAccess/namedLocations`: the trusted \"Corporate egress\" (IPv4 only), \"Contractor VPN\" (IPv4 and IPv6, not trusted), and the country location \"Allowed countries\". For `--named-locations`."}
	namedLocationsPS := File{Path: "named-locations-powershell.json", Title: "Graph PowerShell named locations",
		Data:  namedLocationsPowerShell(sc.NamedLocations),
		Shows: "The same from `Get-MgIdentityConditionalAccessNamedLocation | ConvertTo-Json -Depth 10` (PowerShell 7): PascalCase base properties, the rest in `AdditionalProperties`."}

	files := []File{niCSV, interactiveCSV, applicationCSV, msiCSV, authDetails, portalZIP, portal55,
		excelUnicode, germanCSV, portalJSON, graphPage, mesConcat, mesSingle, sofElk, powerShell,
		laCSVFile, laAz, laTyped, blobFile, gzFile, eventHub, namedLocations, namedLocationsPS}
	files = append(files, sc.configFiles()...)
	readme, err := sc.readme(files)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: "README.md", Data: readme})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// graphItems returns the Graph objects of the sign-ins.
func graphItems(signIns []*SignIn) arr {
	items := arr{}
	for _, s := range signIns {
		items = append(items, graphSignIn(s, graphDefaults))
	}
	return items
}

// graphArray returns the sign-ins, newest first, as a top-level JSON array.
func graphArray(signIns []*SignIn, style jsonStyle) []byte {
	return append(style.encode(graphItems(newestFirst(signIns))), '\n')
}

// graphPageJSON returns one page of GET beta/auditLogs/signIns.
func graphPageJSON(signIns []*SignIn) []byte {
	const query = "https://graph.microsoft.com/beta/auditLogs/signIns?$filter=createdDateTime+ge+2026-11-16T00:00:00Z+and+resourceId+eq+%27499b84ac-1321-427f-aa17-267ca6975798%27+and+signInEventTypes/any(t:+t+eq+%27nonInteractiveUser%27)"
	return graphJSON.encode(obj{
		{"@odata.context", "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns"},
		{"value", graphItems(newestFirst(signIns))},
		{"@odata.nextLink", query + "&$skiptoken=9f2c4e1ab3d8467c8e5f0a7b6c3d2e1f_1000"},
	})
}

// ndjson returns the sign-ins as one compact Graph object per line.
func ndjson(signIns []*SignIn) []byte {
	var out []byte
	for _, s := range signIns {
		out = append(out, compactJSON.encode(graphSignIn(s, graphDefaults))...)
		out = append(out, '\r', '\n')
	}
	return out
}

// powerShellItems returns the sign-ins as Graph PowerShell SDK objects.
func powerShellItems(signIns []*SignIn) arr {
	items := arr{}
	for _, s := range signIns {
		g := graphSignIn(s, graphOptions{created: powerShellDate})
		// The SDK's model lacks ipAddressFromResourceProvider: it keeps it,
		// in camelCase, in AdditionalProperties.
		var extra obj
		var known obj
		for _, m := range g {
			if m.key == "ipAddressFromResourceProvider" {
				extra = append(extra, m)
				continue
			}
			known = append(known, m)
		}
		items = append(items, powerShellObject(known, extra))
	}
	return items
}

// zipArchive returns a ZIP archive of the files, with fixed times.
func zipArchive(files []File) ([]byte, error) {
	// Every entry gets the time of the download, so that the archive is the
	// same on every run.
	modified := time.Date(2026, 11, 22, 8, 5, 0, 0, time.UTC)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Path, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return nil, fmt.Errorf("zip %s: %w", f.Path, err)
		}
		if _, err := w.Write(f.Data); err != nil {
			return nil, fmt.Errorf("zip %s: %w", f.Path, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("zip: %w", err)
	}
	return buf.Bytes(), nil
}

// gzipped returns data compressed with gzip, with no name or time in the
// header.
func gzipped(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
