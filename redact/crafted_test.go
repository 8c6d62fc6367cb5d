package redact

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/signinspect/signinspect/parse"
)

// The crafted exports below hold personal values where an export can hide
// them: in user agents, glued to words, zero-padded, in another case and
// script, reversed, by part, as DOMAIN\user, as phone numbers, and in ZIP
// and gzip metadata. Each case is written as Graph JSON and as a portal
// CSV, redacted, and searched.

// craftedUser is the user of every crafted record.
const (
	craftedUPN  = "zquux@fabrikam.com"
	craftedName = "Zed Quux"
	craftedID   = "4b2f0f5e-1c7e-4a58-9e59-0c5bba3a7d21"
	craftedIP   = "203.0.113.99"
	// craftedTenant is the user's home tenant's display name, which only
	// its own field holds besides free text.
	craftedTenant = "Northwind Traders"
)

type craftedCase struct {
	name string
	// displayName replaces craftedName when set.
	displayName string
	// field holds the crafted text: userAgent, failureReason,
	// additionalDetails or authenticationMethodDetail.
	field string
	// rawJSON is the text as it goes inside the JSON string (with its
	// escapes); text is its value, for the CSV cell.
	rawJSON, text string
	// gone must not be found in the redacted output (in any case); kept
	// must be found as it is.
	gone, kept []string
}

var craftedCases = []craftedCase{
	{name: "IPs and a user name in a user agent", field: "userAgent",
		text: "curl/8.4.0 (via 203.0.113.99; client 192.0.2.77; zquux) proxy/203.0.113.99 Chrome/131.0.0.0",
		gone: []string{"203.0.113.99", "192.0.2.77", "zquux"},
		kept: []string{"curl/8.4.0", "Chrome/131.0.0.0"}},
	{name: "IPs glued to words", field: "failureReason",
		text: "Blocked IP:203.0.113.99 and _192.0.2.77_, host198.51.100.5x, IP:2001:db8:4d2::99, 198.51.100.6/192.0.2.78.",
		gone: []string{"203.0.113.99", "192.0.2.77", "198.51.100.5", "2001:db8:4d2::99", "198.51.100.6", "192.0.2.78"}},
	{name: "zero-padded and expanded addresses", field: "failureReason",
		text: "from 203.000.113.099 and 2001:0db8:04d2:0000:0000:0000:0000:0099",
		gone: []string{"203.000.113.099", "2001:0db8:04d2"}},
	{name: "a non-ASCII name in another case", displayName: "Zoë Ünder", field: "failureReason",
		text: "ZOË ÜNDER is blocked; zoë ünder; Ünder, Zoë",
		gone: []string{"Zoë Ünder", "Ünder", "Zoë"}},
	{name: "an exact non-ASCII name beside an escape", displayName: "Zoë Ünder", field: "additionalDetails",
		rawJSON: `Zoë Ünder\tsigned in as \u005aoë Ünder`, text: "Zoë Ünder\tsigned in as Zoë Ünder",
		gone: []string{"Zoë", "Ünder"}},
	{name: "reversed and partial names, DOMAIN\\user", field: "failureReason",
		rawJSON: `Quux, Zed (zquux) as FABRIKAM\\zquux; Zed left`, text: `Quux, Zed (zquux) as FABRIKAM\zquux; Zed left`,
		gone: []string{"Quux", "zquux", "FABRIKAM", "Zed "}},
	{name: "the tenant's display name in a failure reason", field: "failureReason",
		text: "User account is in tenant 'Northwind Traders' (NORTHWIND TRADERS), not in the resource tenant",
		gone: []string{"Northwind"}},
	{name: "phone numbers in a method detail", field: "authenticationMethodDetail",
		text: "+1 555 010 0199",
		gone: []string{"555 010 0199", "0199"}},
	{name: "phone numbers in free text", field: "additionalDetails",
		text: "Call (555) 010-0199, +44 20 7946 0958 or the masked +X XXXXXXXX99 on 2026-11-20.",
		gone: []string{"010-0199", "7946 0958", "XXXXXXXX99"},
		kept: []string{"2026-11-20"}},
}

// craftedJSON returns one Graph sign-in holding the case's text.
func craftedJSON(c craftedCase) string {
	name := craftedName
	if c.displayName != "" {
		name = c.displayName
	}
	raw := c.rawJSON
	if raw == "" {
		raw = escapeJSON(c.text)
	}
	field := `"` + c.field + `":"` + raw + `"`
	if c.field == "authenticationMethodDetail" {
		field = `"authenticationDetails":[{"authenticationMethod":"Text message","authenticationMethodDetail":"` + raw + `","succeeded":true}]`
	}
	return `{"id":"5d2b1f0e-6b8e-4c1d-9f00-3c2a1b0d9e8f","createdDateTime":"2026-11-20T10:15:02Z","userPrincipalName":"` + craftedUPN +
		`","userDisplayName":"` + name + `","userId":"` + craftedID + `","homeTenantName":"` + craftedTenant + `","ipAddress":"` + craftedIP +
		`","appDisplayName":"Azure DevOps","appId":"499b84ac-1321-427f-aa17-267ca6975798","isInteractive":false,` +
		`"status":{"errorCode":53003,"failureReason":"Access has been blocked"},` + field + "}\n"
}

// craftedCSV returns a portal CSV of one sign-in holding the case's text
// in a free-text column.
func craftedCSV(c craftedCase) string {
	name := craftedName
	if c.displayName != "" {
		name = c.displayName
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"Date (UTC)", "Request ID", "User", "Username", "User ID", "IP address", "Application", "Application ID", "Status", "Sign-in error code", "User agent", "Failure reason", "Additional Details", "Authentication method detail", "Home tenant name"})
	row := []string{"2026-11-20T10:15:02Z", "5d2b1f0e-6b8e-4c1d-9f00-3c2a1b0d9e8f", name, craftedUPN, craftedID, craftedIP, "Azure DevOps", "499b84ac-1321-427f-aa17-267ca6975798", "Failure", "53003", "", "", "", "", craftedTenant}
	col := map[string]int{"userAgent": 10, "failureReason": 11, "additionalDetails": 12, "authenticationMethodDetail": 13}[c.field]
	row[col] = c.text
	w.Write(row)
	w.Flush()
	return b.String()
}

// redactedText redacts one file and returns the output decoded, and its
// records.
func redactedText(t *testing.T, name, content string) (string, []*parse.Record) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in", name)
	os.MkdirAll(filepath.Dir(in), 0o755)
	if err := os.WriteFile(in, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if _, err := Run(context.Background(), []string{in}, testPseudonymizer(t, Options{}), RunOptions{Out: out}); err != nil {
		t.Fatal(err)
	}
	tree := readTree(t, out)
	if len(tree) != 1 {
		t.Fatalf("%d outputs", len(tree))
	}
	return string(tree[0].text), tree[0].records
}

// mustBeGone fails for each value of gone that text holds in any case.
func mustBeGone(t *testing.T, text string, gone ...string) {
	t.Helper()
	folded := foldCase(text)
	for _, g := range gone {
		if strings.Contains(folded, foldCase(g)) {
			i := strings.Index(folded, foldCase(g))
			t.Errorf("the output still holds %q: …%s…", g, folded[max(i-40, 0):min(i+len(g)+40, len(folded))])
		}
	}
}

func TestCraftedExportsLeakNothing(t *testing.T) {
	for _, c := range craftedCases {
		for _, format := range []string{"json", "csv"} {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				content := craftedJSON(c)
				if format == "csv" {
					content = craftedCSV(c)
				}
				// The crafted file holds what the case is about.
				orig := content
				if format == "json" && c.rawJSON != "" {
					orig = strings.ReplaceAll(orig, c.rawJSON, c.text)
				}
				for _, g := range c.gone {
					if !strings.Contains(foldCase(orig), foldCase(g)) && !strings.Contains(content, g) {
						t.Fatalf("the crafted export lacks %q", g)
					}
				}
				text, recs := redactedText(t, "NonInteractiveSignIns_2026-11-20_2026-11-21."+format, content)
				if len(recs) != 1 {
					t.Fatalf("%d records read from the redacted copy", len(recs))
				}
				if !utf8.ValidString(text) {
					t.Errorf("the output is not valid UTF-8: %q", text)
				}
				mustBeGone(t, text, append(c.gone, craftedUPN, "fabrikam", craftedID, craftedIP, craftedTenant)...)
				for _, k := range c.kept {
					if !strings.Contains(text, k) {
						t.Errorf("the output lost %q:\n%s", k, text)
					}
				}
			})
		}
	}
}

// TestCraftedArchiveMetadata redacts a ZIP archive and a gzip file whose
// metadata name the user: the archive's comment, a member's comment and
// path, the gzip header's stored name and comment.
func TestCraftedArchiveMetadata(t *testing.T) {
	record := craftedJSON(craftedCases[0])
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)

	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	zw.SetComment("Sign-ins of zquux@fabrikam.com for FABRIKAM, from 203.0.113.99")
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "FABRIKAM_2026-11-16_2026-11-22/zquux/NonInteractiveSignIns_2026-11-16_2026-11-22.json",
		Comment: "exported by Zed Quux", Method: zip.Deflate, Modified: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)})
	io.WriteString(w, record)
	zw.Close()
	os.WriteFile(filepath.Join(in, "FABRIKAM_2026-11-16_2026-11-22_1_1.zip"), zb.Bytes(), 0o644)

	var gb bytes.Buffer
	gw := gzip.NewWriter(&gb)
	gw.Header.Name = "zquux-FABRIKAM-signins.json"
	gw.Header.Comment = "Zed Quux's sign-ins"
	io.WriteString(gw, record)
	gw.Close()
	os.WriteFile(filepath.Join(in, "signins-zquux.json.gz"), gb.Bytes(), 0o644)

	out := filepath.Join(dir, "out")
	if _, err := Run(context.Background(), []string{in}, testPseudonymizer(t, Options{}), RunOptions{Out: out}); err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		all.WriteString(p + "\n")
		return nil
	})
	all.Write(allBytes(t, out))
	for _, r := range readTree(t, out) {
		all.WriteString(r.name + "\n" + string(r.text) + "\n" + r.enc.GzipHeader.Name + "\n" + r.enc.GzipHeader.Comment + "\n")
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".zip") {
			zr, err := zip.OpenReader(filepath.Join(out, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			all.WriteString(zr.Comment + "\n")
			for _, f := range zr.File {
				all.WriteString(f.Name + "\n" + f.Comment + "\n")
			}
			zr.Close()
		}
	}
	if len(entries) != 2 {
		t.Errorf("output holds %v", entries)
	}
	mustBeGone(t, all.String(), "zquux", "fabrikam", "Zed Quux", "203.0.113.99")
	// The export is still one, with its portal name.
	if !strings.Contains(all.String(), "NonInteractiveSignIns_2026-11-16_2026-11-22.json") {
		t.Errorf("the member lost its portal name:\n%s", all.String())
	}
}
