package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/internal/benchgen/synth"
	"github.com/signinspect/signinspect/policy"
)

func runOK(t *testing.T, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("benchgen %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "sign-ins,") {
		t.Errorf("no summary line on standard error: %q", stderr.String())
	}
	return stdout.Bytes()
}

// TestFileEqualsStdout checks that -out FILE writes what -out - prints,
// leaves no temporary file behind and makes an ordinary readable file.
func TestFileEqualsStdout(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.jsonl")
	runOK(t, "-format", "jsonl", "-records", "50", "-seed", "3", "-out", path)
	stdout := runOK(t, "-format", "jsonl", "-records", "50", "-seed", "3", "-out", "-")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, stdout) || len(data) == 0 {
		t.Errorf("file (%d bytes) and standard output (%d bytes) differ", len(data), len(stdout))
	}
	if n := bytes.Count(data, []byte("\n")); n != 50 {
		t.Errorf("%d lines, want 50", n)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only s.jsonl", len(entries))
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v: want 0644", fi.Mode(), err)
	}
}

// TestSplitCutsTheSameStream checks that -split N writes N files whose
// records, in name order, are the unsplit stream's; for a portal CSV each
// file is a complete export with its own header, named so that its flow is
// known.
func TestSplitCutsTheSameStream(t *testing.T) {
	for _, f := range []synth.Format{synth.FormatJSONL, synth.FormatPortalCSV} {
		t.Run(string(f), func(t *testing.T) {
			whole := runOK(t, "-format", string(f), "-records", "205", "-seed", "4", "-out", "-")
			dir := filepath.Join(t.TempDir(), "split")
			runOK(t, "-format", string(f), "-records", "205", "-seed", "4", "-split", "10", "-out", dir)
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 10 {
				t.Fatalf("%d files, want 10", len(entries))
			}
			var joined []byte
			preamble := []byte{}
			if f == synth.FormatPortalCSV {
				preamble, _, _ = bytes.Cut(whole, []byte("\r\n"))
				preamble = append(preamble, '\r', '\n')
			}
			for i, e := range entries {
				if want := splitName(f, i, 10); e.Name() != want {
					t.Errorf("file %d named %s, want %s", i, e.Name(), want)
				}
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(data, preamble) {
					t.Fatalf("%s does not start with the export's header", e.Name())
				}
				joined = append(joined, data[len(preamble):]...)
			}
			if !bytes.Equal(append(preamble, joined...), whole) {
				t.Error("the split files' records differ from the unsplit export")
			}
		})
	}
}

func TestSplitNames(t *testing.T) {
	for _, c := range []struct {
		f    synth.Format
		i, n int
		want string
	}{
		{synth.FormatPortalCSV, 0, 1000, "NonInteractiveSignIns_0001.csv"},
		{synth.FormatJSONL, 999, 1000, "signins_1000.jsonl"},
		{synth.FormatPortalJSON, 4, 9, "signins_5.json"},
		{synth.FormatDiagnostic, 9, 10, "PT1H_10.json"},
	} {
		if got := splitName(c.f, c.i, c.n); got != c.want {
			t.Errorf("splitName(%s, %d, %d) = %s, want %s", c.f, c.i, c.n, got, c.want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-records", "1", "-out", "-"}, "-format"},
		{[]string{"-format", "xml", "-records", "1", "-out", "-"}, `unknown format "xml"`},
		{[]string{"-format", "jsonl", "-records", "1"}, "-out is required"},
		{[]string{"-format", "jsonl", "-records", "-1", "-out", "-"}, "-records"},
		{[]string{"-format", "jsonl", "-records", "1", "-end", "yesterday", "-out", "-"}, "-end"},
		{[]string{"-format", "jsonl", "-records", "5", "-split", "6", "-out", "d"}, "more files than"},
		{[]string{"-format", "jsonl", "-records", "5", "-split", "2", "-out", "-"}, "-split"},
		{[]string{"-format", "jsonl", "-records", "5", "-out", "-", "extra"}, "unexpected argument"},
		{[]string{"-policies", "50", "-format", "jsonl", "-out", "-"}, "leave out -format"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(c.args, &stdout, &stderr)
		if _, ok := err.(usageError); !ok || !strings.Contains(err.Error(), c.want) {
			t.Errorf("benchgen %s: error %v, want a usage error with %q", strings.Join(c.args, " "), err, c.want)
		}
	}
}

// TestPoliciesReadBack checks that -policies N writes a configuration
// signinspect reads: N policies (never fewer than the tenant's 15), the
// trusted "Corporate egress" location, and the same bytes for the same seed.
func TestPoliciesReadBack(t *testing.T) {
	for _, c := range []struct{ n, want int }{{50, 50}, {3, 15}} {
		args := []string{"-policies", strconv.Itoa(c.n), "-seed", "2", "-out", "-"}
		var stdout, again, stderr bytes.Buffer
		if err := run(args, &stdout, &stderr); err != nil {
			t.Fatalf("benchgen %s: %v", strings.Join(args, " "), err)
		}
		if err := run(args, &again, &stderr); err != nil || !bytes.Equal(stdout.Bytes(), again.Bytes()) {
			t.Errorf("-policies %d: two runs differ (%v)", c.n, err)
		}
		ex, err := policy.ParsePolicies("policies.json", stdout.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if len(ex.Policies) != c.want {
			t.Errorf("-policies %d: %d policies, want %d", c.n, len(ex.Policies), c.want)
		}
		trusted := false
		for _, l := range ex.NamedLocations {
			trusted = trusted || l.Name == "Corporate egress" && l.Trusted && len(l.Ranges) > 0
		}
		if !trusted {
			t.Errorf("-policies %d: no trusted Corporate egress with ranges in %+v", c.n, ex.NamedLocations)
		}
	}
}

// TestSplitRefusesExistingFolder checks that -split never writes into or
// over a folder that exists.
func TestSplitRefusesExistingFolder(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := run([]string{"-format", "jsonl", "-records", "4", "-split", "2", "-out", dir}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("error %v, want one saying the folder exists", err)
	}
}
