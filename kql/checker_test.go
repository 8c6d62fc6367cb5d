package kql

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The Kusto checker (testdata/checker/check.js) parses and semantically
// analyzes queries with Microsoft's Kusto language service, against the
// four sign-in tables as Microsoft's table reference declares them
// (testdata/tables.json). It needs Node and `npm ci` in testdata/checker.
// Without them the tests that use it skip, saying so, unless the run must
// check: SIGNINSPECT_KQL_CHECK=1 (as .ci/run sets it) turns a missing
// checker into a failure.

// checkerDir is the checker's folder.
const checkerDir = "testdata/checker"

// A diagnostic is one message of the language service.
type diagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

func (d diagnostic) String() string {
	return fmt.Sprintf("%d:%d: %s %s: %s", d.Line, d.Column, d.Severity, d.Code, d.Message)
}

// checkerRequired reports whether a missing checker must fail the test.
func checkerRequired() bool { return os.Getenv("SIGNINSPECT_KQL_CHECK") == "1" }

// needChecker skips (or, when required, fails) the test when Node or the
// installed language service is missing.
func needChecker(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	missing := ""
	switch {
	case err != nil:
		missing = "node is not on PATH"
	default:
		if _, err := os.Stat(filepath.Join(checkerDir, "node_modules", "@kusto", "language-service-next", "package.json")); err != nil {
			missing = "the Kusto language service is not installed (run: npm ci --prefix kql/testdata/checker)"
		}
	}
	if missing != "" {
		if checkerRequired() {
			t.Fatalf("SIGNINSPECT_KQL_CHECK=1 but %s", missing)
		}
		t.Skipf("Kusto checker unavailable: %s", missing)
	}
	return node
}

// check runs the checker over queries (name → text) and returns each
// query's diagnostics.
func check(t *testing.T, queries map[string]string) map[string][]diagnostic {
	t.Helper()
	node := needChecker(t)
	type input struct {
		Name string `json:"name"`
		Text string `json:"text"`
	}
	var in []input
	for name, text := range queries {
		in = append(in, input{name, text})
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(checkerDir, "check.js"), filepath.Join("testdata", "tables.json"))
	cmd.Stdin = bytes.NewReader(data)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("checker: %v\n%s", err, stderr.String())
	}
	var out []struct {
		Name        string       `json:"name"`
		Diagnostics []diagnostic `json:"diagnostics"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("checker output: %v\n%s", err, stdout.String())
	}
	if len(out) != len(in) {
		t.Fatalf("checker answered %d queries of %d", len(out), len(in))
	}
	res := make(map[string][]diagnostic, len(out))
	for _, o := range out {
		res[o.Name] = o.Diagnostics
	}
	return res
}

// errorsOf returns the Error diagnostics.
func errorsOf(ds []diagnostic) []diagnostic {
	var out []diagnostic
	for _, d := range ds {
		if d.Severity == "Error" {
			out = append(out, d)
		}
	}
	return out
}

// excerpt returns the line of text a diagnostic is on, for failure
// messages.
func excerpt(text string, d diagnostic) string {
	lines := strings.Split(text, "\n")
	if d.Line < 1 || d.Line > len(lines) {
		return ""
	}
	l := lines[d.Line-1]
	if len(l) > 200 {
		start := max(0, d.Column-100)
		l = "…" + l[start:min(len(l), start+200)] + "…"
	}
	return l
}

// requireClean fails for every Error diagnostic of every query.
func requireClean(t *testing.T, queries map[string]string) {
	t.Helper()
	res := check(t, queries)
	for name, ds := range res {
		for _, d := range errorsOf(ds) {
			t.Errorf("%s: %s\n    %s", name, d, excerpt(queries[name], d))
		}
	}
}

// TestCheckerGuard feeds the checker queries it must reject, so that a
// broken schema or checker cannot pass the other tests vacuously: an
// unknown column, a column that holds JSON in a string used as if dynamic,
// and a misspelt table.
func TestCheckerGuard(t *testing.T) {
	res := check(t, map[string]string{
		"unknown column":       "SigninLogs | where NoSuchColumn == 1",
		"string used as json":  "AADNonInteractiveUserSignInLogs | where DeviceDetail.isCompliant == true",
		"misspelt table":       "SignInLogs | take 1",
		"dynamic column works": "SigninLogs | where DeviceDetail.isCompliant == true",
		"parsed string works":  "AADNonInteractiveUserSignInLogs | where parse_json(DeviceDetail).isCompliant == true",
	})
	for name, code := range map[string]string{"unknown column": "KS142", "string used as json": "KS142", "misspelt table": "KS204"} {
		errs := errorsOf(res[name])
		if len(errs) == 0 || errs[0].Code != code {
			t.Errorf("%s: diagnostics %v, want an error %s", name, res[name], code)
		}
	}
	for _, name := range []string{"dynamic column works", "parsed string works"} {
		if errs := errorsOf(res[name]); len(errs) > 0 {
			t.Errorf("%s: %v, want no error", name, errs)
		}
	}
}

// TestColumnsMatchReference checks the column map against the tables as
// Microsoft's reference declares them (testdata/tables.json): every column
// the translation reads has the declared type, and a column it takes for
// absent is absent. This needs no Node.
func TestColumnsMatchReference(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "tables.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Tables map[string]map[string]string `json:"tables"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	for _, tb := range Tables {
		cols, ok := ref.Tables[tb.Name]
		if !ok {
			t.Errorf("%s: not in testdata/tables.json", tb.Name)
			continue
		}
		for name := range columns {
			if got, want := tb.columnType(name), cols[name]; got != want {
				t.Errorf("%s.%s: the column map says %q, the table reference %q", tb.Name, name, got, want)
			}
		}
	}
	for _, f := range fields {
		for _, s := range f.from {
			if _, ok := columns[s.column]; !ok {
				t.Errorf("field %s reads %s, which the column map lacks", f.path, s.column)
			}
		}
	}
}
