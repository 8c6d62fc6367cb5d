package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/signinspect/signinspect/internal/errlist"
	"github.com/signinspect/signinspect/parse"
)

// loadAndCompile parses one fixture and, when it parses, compiles it: the
// two steps `rules lint` runs.
func loadAndCompile(t *testing.T, path string) ([]Rule, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	if _, err := Compile(rs, nil); err != nil {
		return nil, err
	}
	return rs, nil
}

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"syntax.yaml", `testdata/invalid/syntax.yaml:4: invalid YAML: ',' or ']' must be specified`},
		{"unknown-key.yaml", `testdata/invalid/unknown-key.yaml:1: rule typo-key: missing key severity (a rule needs id, title, severity, status, description, when, fix)
testdata/invalid/unknown-key.yaml:3: rule typo-key: severty: unknown key; did you mean "severity"?
testdata/invalid/unknown-key.yaml:8: rule typo-key: colour: unknown key (want one of id, title, severity, status, description, tags, references, when, fix, verdict, tests)`},
		{"bad-enums.yaml", `testdata/invalid/bad-enums.yaml:3: rule bad-enums: severity: unknown severity "urgent" (want one of info, low, medium, high, critical)
testdata/invalid/bad-enums.yaml:4: rule bad-enums: status: unknown status "beta" (want one of experimental, test, stable, deprecated)`},
		{"bad-id.yaml", `testdata/invalid/bad-id.yaml:1: id: "My_Rule" is not kebab-case (lower-case letters and digits in words joined by single dashes, like ip-outside-trusted-locations)`},
		{"missing-keys.yaml", `testdata/invalid/missing-keys.yaml:1: rule missing-keys: missing keys title, when and fix (a rule needs id, title, severity, status, description, when, fix)`},
		{"duplicate-id.yaml", `testdata/invalid/duplicate-id.yaml:8: rule same-id: id: duplicate rule ID; first defined at testdata/invalid/duplicate-id.yaml:1`},
		{"non-bool-when.yaml", `testdata/invalid/non-bool-when.yaml:6: rule non-bool-when: when: expected bool, but got int`},
		// The error is on the second line of the block, line 8 of the file;
		// expr's own position (2:4) and caret are kept.
		{"record-typo.yaml", `testdata/invalid/record-typo.yaml:11: rule record-typo: tests[0].record: unknown key "ipAdress" in the sign-in; did you mean "ipAddress"?
testdata/invalid/record-typo.yaml:12: rule record-typo: tests[0].record: unknown key "errorCode" here; it belongs at status.errorCode
testdata/invalid/record-typo.yaml:13: rule record-typo: tests[0].record: unknown key "errCode" in status; did you mean "errorCode"?
testdata/invalid/record-typo.yaml:14: rule record-typo: tests[0].record: unknown key "riskDetail" in the sign-in: no reader reads it, so no rule could see it (the keys are those of Microsoft Graph's signIn)
testdata/invalid/record-typo.yaml:17: rule record-typo: tests[0].record: unknown key "isManagd" in deviceDetail; did you mean "isManaged"?`},
		{"when-typo.yaml", `testdata/invalid/when-typo.yaml:8: rule when-typo: when: unknown name Stauts; did you mean Status? (2:4)
 | && Stauts.Code == 53003
 | ...^`},
		{"bad-fix.yaml", `testdata/invalid/bad-fix.yaml:9: rule bad-fix: fix: User has no field Mail (1:7)
 |  User.Mail 
 | ......^`},
		{"unclosed-placeholder.yaml", `testdata/invalid/unclosed-placeholder.yaml:7: rule unclosed-placeholder: fix: unclosed placeholder: {{ without }}`},
		{"bad-helper-args.yaml", `testdata/invalid/bad-helper-args.yaml:7: rule bad-helper-args: when: Known: no field "Polices" (want one of ` + fieldNameList() + `) (1:7)
 | Known("Polices")
 | ......^`},
		{"now.yaml", `testdata/invalid/now.yaml:6: rule uses-now: when: now() is not available: a rule depends on the sign-in, never on when it runs; compare Time with date(...) (1:13)
 | Time.Before(now())
 | ............^`},
		{"bad-cases.yaml", `testdata/invalid/bad-cases.yaml:11: rule bad-cases: tests[0].match: want true or false, got text
testdata/invalid/bad-cases.yaml:13: rule bad-cases: tests[1].record: want a sign-in as a mapping in Microsoft Graph JSON shape, got an array
testdata/invalid/bad-cases.yaml:17: rule bad-cases: tests[2].trusted-ips: "10.0.0.0/40" is not an IP address or CIDR range (like 203.0.113.0/24 or 2001:db8::/48)
testdata/invalid/bad-cases.yaml:18: rule bad-cases: tests[2].expect: unknown key (want one of name, record, format, named-locations, trusted-ips, policies, memberships, match, fix-contains, verdict-contains)
testdata/invalid/bad-cases.yaml:23: rule bad-cases: tests[3].fix-contains: only a matching case (match: true) renders a fix
testdata/invalid/bad-cases.yaml:24: rule bad-cases: tests[4]: missing keys name and match (a case needs name, record and match)
testdata/invalid/bad-cases.yaml:26: rule bad-cases: tests[5].record: line 26: unknown alias *nowhere (no &nowhere in this document)
testdata/invalid/bad-cases.yaml:27: rule bad-cases: tests[5].format: unknown format "excel" (want one of portal-csv, portal-authdetails-csv, graph-json, log-analytics-csv, log-analytics-json, diagnostic-json)`},
		{"bad-record.yaml", `testdata/invalid/bad-record.yaml:10: rule bad-record: tests[0].record: status.errorCode: unreadable value: [53003] is not an integer`},
		{"empty.yaml", `testdata/invalid/empty.yaml: no rule in file`},
		{"not-a-rule.yaml", `testdata/invalid/not-a-rule.yaml:1: want a rule (a mapping with id, title, when, ...) or a list of rules, got text`},
		{"alias-outside-tests.yaml", `testdata/invalid/alias-outside-tests.yaml:5: rule alias-outside-tests: description: aliases (*name) are only supported in test data (record, named-locations)`},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			_, err := loadAndCompile(t, filepath.ToSlash(filepath.Join("testdata", "invalid", tt.file)))
			if err == nil {
				t.Fatal("loaded without error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", got, tt.want)
			}
			for _, e := range errlist.Flatten(err) {
				var re *RuleError
				if !errors.As(e, &re) {
					t.Errorf("%v is not a *RuleError", e)
				}
			}
		})
	}
	// Every fixture is in the table.
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no expected error in TestLoadInvalid", f)
		}
	}
}

func TestLoadValid(t *testing.T) {
	rs, err := LoadPaths("testdata/valid")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Rule{}
	var ids []string
	for _, r := range rs {
		byID[r.ID] = r
		ids = append(ids, r.ID)
	}
	// Files in lexical order, rules in file order.
	if got, want := strings.Join(ids, " "), "mfa-on-pat disabled-account wrong-password first-rule second-rule blocked-outside-office"; got != want {
		t.Errorf("IDs = %s, want %s", got, want)
	}

	r := byID["blocked-outside-office"]
	if r.File != "testdata/valid/single.yaml" || r.Line != 2 {
		t.Errorf("position = %s:%d, want testdata/valid/single.yaml:2", r.File, r.Line)
	}
	if r.Title != "Blocked outside the office" || r.Severity != SeverityHigh || r.Status != StatusExperimental ||
		r.Description != "A location policy blocked the sign-in." {
		t.Errorf("metadata = %q %v %v %q", r.Title, r.Severity, r.Status, r.Description)
	}
	if strings.Join(r.Tags, ",") != "conditional-access,location" || len(r.References) != 1 {
		t.Errorf("tags %v, references %v", r.Tags, r.References)
	}
	if want := "Failed()\n&& HasPolicyControl(\"failure\", \"Block\")\n&& !InCIDR(IP, \"203.0.113.0/24\")\n"; r.When != want {
		t.Errorf("when = %q, want %q", r.When, want)
	}
	if want := "Allow {{ IP }} in policy {{ PolicyNames(\"failure\") }}."; r.Fix != want {
		t.Errorf("fix = %q, want %q", r.Fix, want)
	}
	if len(r.Tests) != 2 || r.Tests[0].Name != "blocked from home" || !r.Tests[0].Match || r.Tests[1].Match || r.Tests[0].Line != 17 {
		t.Errorf("tests = %v cases, first %q line %d", len(r.Tests), r.Tests[0].Name, r.Tests[0].Line)
	}
	if got := strings.Join(r.Tests[0].FixContains, "|"); got != "Allow 198.51.100.7 in policy Office only." {
		t.Errorf("fix-contains = %q", got)
	}

	if byID["first-rule"].When != "true" || byID["second-rule"].Severity != SeverityCritical || byID["first-rule"].Status != StatusDeprecated {
		t.Errorf("multi-document rules = %+v / %+v", byID["first-rule"], byID["second-rule"])
	}
	if byID["wrong-password"].Line != 8 {
		t.Errorf("second rule of a list on line %d, want 8", byID["wrong-password"].Line)
	}

	// Merge keys: the second case is the first with isInteractive changed.
	a := byID["mfa-on-pat"].Tests
	if !strings.Contains(string(a[1].Record), `"isInteractive":true`) || !strings.Contains(string(a[1].Record), `"errorCode":50076`) {
		t.Errorf("merged record = %s", a[1].Record)
	}
	if string(a[2].Record) != string(a[0].Record) || a[2].Format != parse.FormatPortalCSV {
		t.Errorf("aliased record = %s (format %q), want %s", a[2].Record, a[2].Format, a[0].Record)
	}

	// Every valid rule compiles and passes its own cases.
	s, err := Compile(rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range SelfTest(s) {
		if !res.Passed() {
			t.Errorf("%s: %s: %v", res.Where(), res.Case.Name, res.Err)
		}
	}
}

func TestLoadPathsJoinsErrorsAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rule := "id: %s\ntitle: T\nseverity: low\nstatus: stable\ndescription: D\nwhen: \"true\"\nfix: F\n"
	a := write("a.yaml", strings.ReplaceAll(rule, "%s", "one"))
	b := write("sub/b.yml", strings.ReplaceAll(rule, "%s", "one"))
	c := write("c.yaml", "id: two\nseverity: loud\n")
	write("notes.txt", "not a rule")

	_, err := LoadPaths(dir)
	if err == nil {
		t.Fatal("no error")
	}
	got := err.Error()
	for _, want := range []string{
		c + ":2: rule two: severity: unknown severity \"loud\"",
		b + ":1: rule one: id: duplicate rule ID; first defined at " + a + ":1",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("error:\n%s\nlacks %q", got, want)
		}
	}
	if strings.Contains(got, "notes.txt") {
		t.Errorf("a non-YAML file was read: %s", got)
	}

	// A file path works as well as a directory; a missing path is an error.
	if rs, err := LoadPaths(a); err != nil || len(rs) != 1 || rs[0].ID != "one" {
		t.Errorf("LoadPaths(file) = %v, %v", rs, err)
	}
	if _, err := LoadPaths(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("no error for a missing path")
	}
	if _, err := LoadPaths(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no rule files") {
		t.Errorf("empty directory: %v", err)
	}
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"pack/x.yaml": {Data: []byte("id: x\ntitle: T\nseverity: low\nstatus: stable\ndescription: D\nwhen: \"true\"\nfix: F\n")},
		"pack/y.txt":  {Data: []byte("ignored")},
		"big.yaml":    {Data: make([]byte, maxRuleFileSize+1)},
	}
	rs, err := Load(fsys, "pack")
	if err != nil || len(rs) != 1 || rs[0].File != "pack/x.yaml" {
		t.Fatalf("Load = %+v, %v", rs, err)
	}
	if _, err := Load(fsys, "big.yaml"); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("oversized file: %v", err)
	}
}

func TestRuleValidate(t *testing.T) {
	r := Rule{ID: "Bad ID", When: " ", Severity: Severity(9)}
	err := r.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`id: "Bad ID" is not kebab-case`, "title: missing", "when: missing", "severity: invalid severity 9"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
	if _, err := Compile([]Rule{r}, nil); err == nil {
		t.Error("Compile accepted an invalid rule built in Go")
	}
	ok := Rule{ID: "go-rule", Title: "T", When: "Failed()", Fix: "F"}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid rule: %v", err)
	}
}

func TestEditDistanceSuggestions(t *testing.T) {
	for key, want := range map[string]string{"titel": `"title"`, "sevirity": `"severity"`, "Tests": `"tests"`, "xyz": "want one of"} {
		if got := unknownKeyError(key, ruleKeys).Error(); !strings.Contains(got, want) {
			t.Errorf("%s: %s, want %s", key, got, want)
		}
	}
}

// TestLintReportsEverything lints a folder of several broken files and
// checks, by exact text, that every error of every file is reported at
// once: a key error does not hide the expression errors of the same rule,
// and a file's errors do not hide those of the next.
func TestLintReportsEverything(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.yaml", "id: a\ntitle: A\nseverty: low\nstatus: stable\ndescription: D\nwhen: IPAddress != \"\"\nfix: Add {{ IP }}.\n")
	b := write("b.yaml", "id: b\ntitle: B\nseverity: low\nstatus: stable\ndescription: D\nwhen: Failed()\nfix: Look at {{ User.Upn }}.\n")
	c := write("c.yaml", "id: [c\n")
	d := write("d.yaml", "- id: d1\n  title: D1\n  when: Status.Code == \"53003\"\n- id: d2\n  title: D2\n  severity: low\n  status: stable\n  description: D\n  when: '!Device.Compliant'\n  fix: F\n")
	write("good.yaml", "id: good\ntitle: G\nseverity: low\nstatus: stable\ndescription: D\nwhen: Failed()\nfix: F\n")
	rs, err := Lint(dir)
	want := a + `:1: rule a: missing key severity (a rule needs id, title, severity, status, description, when, fix)
` + a + `:3: rule a: severty: unknown key; did you mean "severity"?
` + a + `:6: rule a: when: unknown name IPAddress; did you mean IP? (1:1)
 | IPAddress != ""
 | ^
` + b + `:7: rule b: fix: User has no field Upn; did you mean User.UPN? (1:7)
 |  User.Upn 
 | ......^
` + c + `:1: invalid YAML: sequence end token ']' not found
` + d + `:1: rule d1: missing keys severity, status, description and fix (a rule needs id, title, severity, status, description, when, fix)
` + d + `:3: rule d1: when: == compares a number (Status.Code) with text ("53003"); write the number without quotes: Status.Code == 53003 (1:13)
 | Status.Code == "53003"
 | ............^
` + d + `:9: rule d2: when: Device.Compliant is true, false or nil (nil when the export does not say), and ! fails on nil: write Device.Compliant == true, Device.Compliant != true (false or unknown), Device.Compliant == false or Device.Compliant == nil (1:1)
 | !Device.Compliant
 | ^`
	if err == nil || err.Error() != want {
		t.Errorf("Lint:\n%v\nwant:\n%s", err, want)
	}
	if len(rs) != 1 || rs[0].ID != "good" {
		t.Errorf("clean rules = %v, want only good", rs)
	}

	// Without paths, the built-in pack: clean.
	rs, err = Lint()
	if err != nil || len(rs) < 15 || !rs[0].Builtin {
		t.Errorf("Lint() = %d rules, %v", len(rs), err)
	}
	if _, err := Lint(filepath.Join(dir, "missing.yaml")); err == nil || err.Error() != filepath.Join(dir, "missing.yaml")+": no such file or directory" {
		t.Errorf("missing path: %v", err)
	}
}
