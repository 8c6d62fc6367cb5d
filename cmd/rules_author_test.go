package cmd

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesFieldsGolden keeps the output of rules fields in
// testdata/rules-fields.golden (go test ./cmd -update rewrites it).
func TestRulesFieldsGolden(t *testing.T) {
	code, out, errOut := runCmd(t, "rules", "fields")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	golden := filepath.Join("testdata", "rules-fields.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("rules fields differs from %s; run go test ./cmd -update and review the diff", golden)
	}
	for _, line := range strings.Split(out, "\n") {
		if len([]rune(line)) > 100 || strings.HasSuffix(line, " ") {
			t.Errorf("line of %d columns or with a trailing space: %q", len([]rune(line)), line)
		}
	}
}

// TestRulesFieldsMatchesReference reads the field and helper tables of
// rules/REFERENCE.md and checks that rules fields says the same of each:
// the binary alone documents what the repository does.
func TestRulesFieldsMatchesReference(t *testing.T) {
	_, out, _ := runCmd(t, "rules", "fields")
	f, err := os.Open(filepath.Join("..", "rules", "REFERENCE.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	unquote := func(s string) string {
		return strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "`"), "`"), `\|`, "|")
	}
	var section string
	rows := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			section = strings.TrimPrefix(line, "## ")
		}
		if !strings.HasPrefix(line, "| `") || section != "Fields" && section != "Helpers" {
			continue
		}
		cells := strings.Split(strings.ReplaceAll(strings.Trim(line, "| "), `\|`, "\x00"), " | ")
		for i := range cells {
			cells[i] = unquote(strings.ReplaceAll(cells[i], "\x00", `\|`))
		}
		rows++
		var want []string
		if section == "Fields" {
			tail := "      e.g. " + cells[4] + "\n"
			if cells[2] != "" {
				tail = "      Graph key: " + cells[2] + "\n" + tail
			}
			want = []string{"\n  " + cells[0] + "  " + cells[1] + "\n", tail}
		} else {
			want = []string{"\n  " + cells[0] + "\n", "      e.g. " + cells[2] + "\n"}
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("REFERENCE.md's %s row %q: rules fields lacks %q", section, cells[0], w)
			}
		}
	}
	if rows < 70 {
		t.Errorf("read only %d rows of REFERENCE.md", rows)
	}
}
