package cmd

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/internal/safetext"
)

// Values an attacker can put in a sign-in log: escape sequences that
// recolour, retitle or hyperlink a terminal, a C1 control some terminals
// read as an escape, and a right-to-left override that reorders what
// follows it.
const (
	injectOSC      = "\x1b]0;owned\x07\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
	injectC1       = "ci\u009b2Jbot@contoso.com"
	injectBidi     = "M\u202enehcün"
	injectSGRValue = "\x1b[31mCA001\x1b[0m \x1b[2J"
)

// injectedExport is a sign-in carrying those values in the user, the
// user agent, the location, the failure reason, the policy and the
// device's name.
func injectedExport(t *testing.T) string {
	return editedExport(t, func(rec map[string]any) {
		rec["userPrincipalName"] = injectC1
		rec["userDisplayName"] = injectOSC
		rec["userAgent"] = injectOSC
		rec["location"].(map[string]any)["city"] = injectBidi
		rec["location"].(map[string]any)["state"] = injectOSC
		rec["status"].(map[string]any)["failureReason"] = injectOSC
		rec["deviceDetail"].(map[string]any)["displayName"] = injectOSC
		rec["appliedConditionalAccessPolicies"].([]any)[0].(map[string]any)["displayName"] = injectSGRValue
	})
}

// TestAnalyzeShowsControlCharacters checks that no format writes an
// export's control or bidirectional characters as they are: the human
// formats show them as visible stand-ins (␛, <U+202E>), JSON and SARIF as
// escapes that decode to the export's value, and only the table's own
// colours, on a terminal, write escape sequences.
func TestAnalyzeShowsControlCharacters(t *testing.T) {
	export := injectedExport(t)
	for _, format := range []string{"table", "markdown", "html", "json", "csv", "sarif"} {
		t.Run(format, func(t *testing.T) {
			ios, _, out, errOut := Test()
			if code := analyzeCmd(t, ios, export, "--app", "any", "--flow", "any", "-o", format); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for i, r := range out.String() {
				if safetext.Invisible(r) {
					t.Fatalf("the %s output holds %U at byte %d: …%q…", format, r, i, out.String()[max(0, i-20):min(out.Len(), i+20)])
				}
			}
			switch format {
			case "table", "markdown", "html":
				shown := out.String()
				switch format {
				case "html":
					shown = html.UnescapeString(strings.ReplaceAll(shown, "<wbr>", ""))
				case "markdown":
					shown = strings.NewReplacer(`\<`, "<", `\>`, ">", `\[`, "[", `\]`, "]").Replace(shown)
				}
				for _, want := range []string{"␛]0;owned␇", "ci<U+009B>2Jbot", "<U+202E>nehcün", "␛[31mCA001␛[0m"} {
					if !strings.Contains(shown, want) {
						t.Errorf("the %s output does not show %q", format, want)
					}
				}
			case "json":
				var rep struct {
					Users []struct{ Name string } `json:"users"`
				}
				if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
					t.Fatal(err)
				}
				if len(rep.Users) == 0 || rep.Users[0].Name != injectC1 {
					t.Errorf("the JSON report's user is %+v; want the export's value %q, whole", rep.Users, injectC1)
				}
				if !strings.Contains(out.String(), `ci\u009b2Jbot`) {
					t.Error("the JSON report does not escape the C1 control")
				}
			}
		})
	}

	// On a terminal, with colour, the only escape sequences are the
	// table's own colours.
	ios, _, out, errOut := Test()
	ios.StdoutTTY = true
	ios.NoColor = false
	if code := analyzeCmd(t, ios, export, "--app", "any", "--flow", "any"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	own := regexp.MustCompile(`\x1b\[[0-9;]*m`)
	if !own.MatchString(out.String()) {
		t.Fatal("the coloured table has no colour")
	}
	rest := own.ReplaceAllString(out.String(), "")
	if i := strings.IndexFunc(rest, safetext.Invisible); i >= 0 {
		t.Errorf("besides its colours, the coloured table writes %q", rest[max(0, i-20):min(len(rest), i+20)])
	}
}

// TestAnalyzeBoundsLongValues checks that a sign-in whose values run to
// hundreds of thousands of characters gives human reports of a few pages,
// each long value cut with a marker, while the JSON report keeps it whole.
func TestAnalyzeBoundsLongValues(t *testing.T) {
	longIP := strings.Repeat("1", 200_000)
	longPolicy := strings.Repeat("Policy ", 20_000) + strings.Repeat("P", 100_000)
	export := editedExport(t, func(rec map[string]any) {
		rec["ipAddress"] = longIP
		rec["userPrincipalName"] = strings.Repeat("u", 100_000) + "@contoso.com"
		rec["userAgent"] = strings.Repeat("Mozilla/5.0 ", 30_000)
		rec["appliedConditionalAccessPolicies"].([]any)[0].(map[string]any)["displayName"] = longPolicy
	})
	for _, tt := range []struct {
		format string
		limit  int
	}{{"table", 64 << 10}, {"markdown", 64 << 10}, {"html", 256 << 10}} {
		ios, _, out, errOut := Test()
		if code := analyzeCmd(t, ios, export, "--app", "any", "--flow", "any", "-o", tt.format); code != ExitOK {
			t.Fatalf("%s: exit %d: %s", tt.format, code, errOut)
		}
		if out.Len() > tt.limit {
			t.Errorf("the %s report is %d bytes; want at most %d", tt.format, out.Len(), tt.limit)
		}
		if !strings.Contains(html.UnescapeString(out.String()), "…(+199,800 characters)") {
			t.Errorf("the %s report does not say how much of the IP address it cut", tt.format)
		}
	}
	ios, _, out, errOut := Test()
	if code := analyzeCmd(t, ios, export, "--app", "any", "--flow", "any", "-o", "json"); code != ExitOK {
		t.Fatalf("json: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out.String(), `"`+longIP+`"`) || !strings.Contains(out.String(), `"`+longPolicy+`"`) {
		t.Error("the JSON report does not hold the long values whole")
	}
}

// TestMessagesShowControlCharacters checks that an error quoting a file
// name writes the name's escape sequences as visible text.
func TestMessagesShowControlCharacters(t *testing.T) {
	ios, _, _, errOut := Test()
	name := filepath.Join(t.TempDir(), "export\x1b]0;owned\x07\u202e.json")
	if code := analyzeCmd(t, ios, name); code != ExitError {
		t.Fatalf("exit %d; want %d", code, ExitError)
	}
	if strings.IndexFunc(errOut.String(), safetext.Invisible) >= 0 {
		t.Errorf("the error writes control characters: %q", errOut)
	}
	if !strings.Contains(errOut.String(), "export␛]0;owned␇<U+202E>.json") {
		t.Errorf("the error does not show the file name visibly: %q", errOut)
	}
}

// TestAnalyzeSkipsBadRecords reads exports that each hold one record that
// cannot be read (nested deeper than any export, or larger than the
// record bound) between good ones: the record is skipped and counted with
// its reason, the others are analysed, and only --strict makes it fatal.
func TestAnalyzeSkipsBadRecords(t *testing.T) {
	dir := t.TempDir()
	good := func(id string) string {
		return `{"id":"` + id + `","createdDateTime":"2026-11-20T10:00:00Z","userPrincipalName":"svc-build@contoso.com","appDisplayName":"Azure DevOps","isInteractive":false,"ipAddress":"198.51.100.7","status":{"errorCode":53003}}`
	}
	deep := `{"id":"deep","x":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`
	huge := strings.Repeat("x", 17<<20)
	csvHead := "\"Date (UTC)\",\"Request ID\",\"Username\",\"Application\",\"IP address\",\"Status\",\"Sign-in error code\",\"User agent\"\r\n"
	csvRow := func(id, ua string) string {
		return `"2026-11-20T10:00:00Z","` + id + `","svc-build@contoso.com","Azure DevOps","198.51.100.7","Failure","53003","` + ua + "\"\r\n"
	}
	for _, tt := range []struct {
		name, data, reason string
	}{
		{"deep.json", "[" + good("a") + "," + deep + "," + good("b") + "]", "invalid JSON: nesting deeper than 512 levels"},
		{"deep-page.json", `{"value":[` + good("a") + "," + deep + "," + good("b") + "]}", "invalid JSON: nesting deeper than 512 levels"},
		{"huge.jsonl", good("a") + "\n" + `{"id":"huge","userAgent":"` + huge + `"}` + "\n" + good("b") + "\n", "too large"},
		{"huge.json", "[\n" + good("a") + ",\n" + `{"id":"huge","userAgent":"` + huge + `"},` + "\n" + good("b") + "\n]", "too large"},
		{"huge-cell.csv", csvHead + csvRow("a", "git") + csvRow("huge", huge) + csvRow("b", "git"), "too large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			ios, _, out, errOut := Test()
			if code := analyzeCmd(t, ios, path, "--app", "any", "--flow", "any", "-o", "json"); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var rep struct {
				Summary struct{ Read, Skipped, Matched int }
				Inputs  []struct {
					SkipReasons []struct{ Reason, First string }
				}
			}
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Summary.Read != 2 || rep.Summary.Skipped != 1 || rep.Summary.Matched != 2 {
				t.Errorf("summary %+v; want the two good records read and the bad one skipped", rep.Summary)
			}
			if len(rep.Inputs) != 1 || len(rep.Inputs[0].SkipReasons) != 1 || rep.Inputs[0].SkipReasons[0].Reason != tt.reason {
				t.Errorf("skip reasons %+v; want %q", rep.Inputs, tt.reason)
			}
			ios, _, _, errOut = Test()
			if code := analyzeCmd(t, ios, path, "--app", "any", "--flow", "any", "--strict"); code != ExitError || !strings.Contains(errOut.String(), tt.name+":") {
				t.Errorf("--strict: exit %d, %q; want an error naming the file", code, errOut)
			}
		})
	}
}
