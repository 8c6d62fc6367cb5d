package cmd

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes data to name in dir and returns its path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// xlsx returns a minimal Excel workbook: a ZIP archive with the parts
// that make it one.
func xlsx(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
}

// tarGz writes a gzip-compressed tar archive holding one export.
func tarGz(t *testing.T, path string, export []byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "export.json", Mode: 0o644, Size: int64(len(export))})
	tw.Write(export)
	tw.Close()
	gz.Close()
}

// TestMessagesThatSayWhatToDo runs the mistakes issue 14 saw, each built
// here, and checks the exact message and exit code of each.
func TestMessagesThatSayWhatToDo(t *testing.T) {
	dir := t.TempDir()
	export, err := os.ReadFile(filepath.Join(samplesDir, "portal-json", "NonInteractiveSignIns_2026-11-16_2026-11-22.json"))
	if err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(dir, "SignIns.xlsx")
	xlsx(t, book)
	archive := filepath.Join(dir, "logs.tar.gz")
	tarGz(t, archive, export)
	authDetails, err := os.ReadFile(filepath.Join(samplesDir, "portal-csv", "NonInteractiveSignIns_AuthDetails_2026-11-16_2026-11-22.csv"))
	if err != nil {
		t.Fatal(err)
	}
	ad := writeFile(t, dir, "NonInteractiveSignIns_AuthDetails_2026-11-16_2026-11-22.csv", authDetails)
	unreadable := filepath.Join(dir, "unreadable")
	os.Mkdir(unreadable, 0o755)
	notes := writeFile(t, unreadable, "notes.txt", []byte("call the vendor\n"))
	empty := writeFile(t, unreadable, "empty.json", []byte("{}\n"))
	xlsx(t, filepath.Join(unreadable, "book.xlsx"))
	signins := writeFile(t, dir, "signins.json", export)
	const header = "Date (UTC),Request ID,User,Username,Application,Application ID,IP address,Status,Sign-in error code\n"
	row := func(date, id string) string {
		return date + "," + id + ",Alex,alex@contoso.com,Azure DevOps,499b84ac-1321-427f-aa17-267ca6975798,198.51.100.7,Failure,53003\n"
	}
	ambiguous := writeFile(t, dir, "NonInteractiveSignIns_ambiguous.csv", []byte(header+row("05/11/2026 08:19:41", "r1")))
	mixed := writeFile(t, dir, "NonInteractiveSignIns_mixed.csv", []byte(header+row("20/11/2026 08:19:41", "r1")+row("05/11/2026 08:19:41", "r2")))

	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"an Excel workbook", []string{"analyze", book}, ExitError,
			book + ": not a sign-in log export: this is an Excel workbook (.xlsx): download the sign-ins from Entra as CSV or JSON, or save the sheet as CSV, and pass that file\n"},
		{"a tar archive", []string{"analyze", archive}, ExitError,
			archive + ": not a sign-in log export: this is a tar archive, which signinspect does not read: extract it (tar -xf ARCHIVE, which undoes gzip too) and pass the folder; signinspect reads folders, .zip and .gz files\n"},
		{"the authentication-details download alone", []string{"analyze", ad}, ExitError,
			"no sign-in records in " + ad + ": authentication-details download: 22 authentication-step rows not read as sign-ins (they hold one row per authentication step; analyse the matching sign-in download)\n"},
		{"a folder of files that are not exports", []string{"analyze", unreadable}, ExitError,
			"no sign-in records in 3 inputs:\n" +
				"  " + filepath.Join(unreadable, "book.xlsx") + ": not a sign-in log export: this is an Excel workbook (.xlsx): download the sign-ins from Entra as CSV or JSON, or save the sheet as CSV, and pass that file\n" +
				"  " + empty + ": not a sign-in log export: expected an Entra portal CSV or JSON download, Microsoft Graph JSON, a Log Analytics export or an Azure Monitor diagnostic archive; it begins \"{}\"\n" +
				"  " + notes + ": not a sign-in log export: expected an Entra portal CSV or JSON download, Microsoft Graph JSON, a Log Analytics export or an Azure Monitor diagnostic archive; it begins \"call the vendor\"\n"},
		{"an ambiguous --since", []string{"analyze", signins, "--since", "05/11/2026"}, ExitUsage,
			`--since: unreadable time: ambiguous date: "05/11/2026" could be 11 May 2026 (month first) or 5 November 2026 (day first); write dates as ISO 8601 (2026-05-11 or 2026-11-05), or give the order of day and month: add --date-order day-first or --date-order month-first` + "\nRun 'signinspect analyze --help' for usage.\n"},
		{"an export of ambiguous dates only", []string{"analyze", ambiguous, "--app", "any"}, ExitError,
			"no sign-in record could be read: 1 malformed record skipped; the first: " + ambiguous + `:2:1: record 1: field "Date (UTC)": unreadable time: ambiguous date: "05/11/2026 08:19:41" could be 11 May 2026 (month first) or 5 November 2026 (day first); write dates as ISO 8601 (2026-05-11 or 2026-11-05), or give the order of day and month` +
				"\ngive the order of day and month with --date-order day-first or --date-order month-first\n"},
		{"--at without --window", []string{"analyze", signins, "--at", "2026-11-20 10:15"}, ExitUsage,
			`--at "2026-11-20 10:15" needs --window, how far either side of it to look: --at "2026-11-20 10:15" --window 30m` + "\nRun 'signinspect analyze --help' for usage.\n"},
		{"a sign-in export for --named-locations", []string{"analyze", signins, "--named-locations", signins}, ExitError,
			"--named-locations " + signins + ": holds no named location: it is a sign-in log export (pass it as an input of analyze or whatif)\n"},
		{"a missing --named-locations", []string{"analyze", signins, "--named-locations", filepath.Join(dir, "nl.json")}, ExitError,
			"--named-locations " + filepath.Join(dir, "nl.json") + ": no such file or directory\n"},
		{"a missing --rules", []string{"analyze", signins, "--rules", filepath.Join(dir, "mine.yaml")}, ExitError,
			"--rules " + filepath.Join(dir, "mine.yaml") + ": no such file or directory\n"},
		{"a missing rule file to lint", []string{"rules", "lint", filepath.Join(dir, "mine.yaml")}, ExitError,
			filepath.Join(dir, "mine.yaml") + ": no such file or directory\n"},
		{"a missing --key-file", []string{"redact", signins, "--out", filepath.Join(dir, "out"), "--key-file", filepath.Join(dir, "key")}, ExitError,
			"--key-file " + filepath.Join(dir, "key") + ": no such file; make a key once, keep it to yourself, and give the same file every time: head -c 32 /dev/urandom | base64 > " +
				filepath.Join(dir, "key") + " (in PowerShell 7: [Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(32)) > " + filepath.Join(dir, "key") + ")\n"},
		{"a bad --date-order", []string{"analyze", signins, "--date-order", "dmy"}, ExitUsage,
			"--date-order \"dmy\": want day-first or month-first\nRun 'signinspect analyze --help' for usage.\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, c.args...)
			if code != c.code || stderr != "signinspect: "+c.stderr {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d, stderr:\n%s", code, stderr, c.code, "signinspect: "+c.stderr)
			}
		})
	}

	// A folder holding an Excel workbook beside an export: the workbook is
	// left out, with its reason in the report.
	withBook := filepath.Join(dir, "with-book")
	os.Mkdir(withBook, 0o755)
	writeFile(t, withBook, "signins.json", export)
	xlsx(t, filepath.Join(withBook, "book.xlsx"))
	code, out, stderr := runCmd(t, "analyze", withBook, "-o", "json")
	if code != ExitOK || !strings.Contains(out, `"error": "`+filepath.Join(withBook, "book.xlsx")+`: not a sign-in log export: this is an Excel workbook (.xlsx)`) {
		t.Errorf("a workbook in a folder: exit %d, stderr %q", code, stderr)
	}

	// Records skipped for ambiguous dates are noted with what to do, and
	// --date-order reads them.
	code, _, stderr = runCmd(t, "analyze", mixed, "--app", "any")
	if want := "signinspect: note: 1 record skipped for dates that read two ways (like 05/11/2026); give the order of day and month with --date-order day-first or --date-order month-first\n"; code != ExitOK || stderr != want {
		t.Errorf("mixed dates: exit %d, stderr:\n%s\nwant:\n%s", code, stderr, want)
	}
	code, out, stderr = runCmd(t, "analyze", mixed, "--app", "any", "--date-order", "day-first", "-o", "json")
	if code != ExitOK || stderr != "" || !strings.Contains(out, `"read": 2,`) || !strings.Contains(out, `"first": "2026-11-05T08:19:41Z"`) {
		t.Errorf("--date-order day-first: exit %d, stderr %q", code, stderr)
	}
}

// TestWhereNeverDropsSilently runs a --where expression that fails on every
// sign-in: the sign-ins it could not judge are counted in the report's rule
// errors, the line that says why nothing matched names them, and standard
// error warns.
func TestWhereNeverDropsSilently(t *testing.T) {
	args := []string{"analyze", filepath.Join(samplesDir, "portal-json"), "--app", "any", "--flow", "any", "--where", `Policies[50].Result == "failure"`}
	code, out, stderr := runCmd(t, append(args, "-o", "json")...)
	if code != ExitOK || !strings.HasPrefix(stderr, "signinspect: warning: where: failed on 20 sign-ins, first ") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{`"rule": "--where",`, `"count": 20,`,
		`"noMatch": "0 of 20 records matched: --where dropped the 20 sign-ins that matched the other filters; it failed on 20 of them (see Rule errors)"`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s", want)
		}
	}
	// A bool-or-nil fact used as a boolean is refused before any sign-in
	// is read, instead of failing on every sign-in without device facts.
	code, _, stderr = runCmd(t, "analyze", filepath.Join(samplesDir, "portal-json"), "--where", "!Device.Compliant")
	if code != ExitUsage || !strings.Contains(stderr, "Device.Compliant is true, false or nil (nil when the export does not say), and ! fails on nil") {
		t.Errorf("--where !Device.Compliant: exit %d, %q", code, stderr)
	}
}
