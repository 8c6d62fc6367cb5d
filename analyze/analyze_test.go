package analyze

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/parse"
)

func writeFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const csvHeader = `"Date (UTC)","Request ID","User","Username","Application","Application ID ","IP address","Status","Sign-in error code","Failure reason"` + "\r\n"

func csvRow(i int, date string, code int) string {
	status := "Success"
	if code != 0 {
		status = "Failure"
	}
	return fmt.Sprintf("%s,req-%d,Build Service,svc-build@contoso.com,Azure DevOps,%s,198.51.100.7,%s,%d,\r\n", date, i, parse.AzureDevOpsAppID, status, code)
}

func TestRunTruncatedDownloadWarning(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(csvHeader)
	for i := 0; i < truncatedRows; i++ {
		b.WriteString(csvRow(i, "2026-11-20T10:00:00Z", 0))
	}
	full := writeFile(t, dir, "NonInteractiveSignIns_2026-11-01_2026-11-20.csv", b.String())
	rep, err := Run(context.Background(), []string{full}, Options{Filter: DefaultFilter()})
	if err != nil {
		t.Fatal(err)
	}
	if !hasWarning(rep.Inputs[0].Warnings, "exactly 100,000 records", "probably truncated") {
		t.Errorf("warnings %q", rep.Inputs[0].Warnings)
	}

	short := writeFile(t, dir, "NonInteractiveSignIns_short.csv", csvHeader+csvRow(1, "2026-11-20T10:00:00Z", 0))
	rep, err = Run(context.Background(), []string{short}, Options{Filter: DefaultFilter()})
	if err != nil {
		t.Fatal(err)
	}
	if hasWarning(rep.Inputs[0].Warnings, "truncated") {
		t.Errorf("a one-row file is called truncated: %q", rep.Inputs[0].Warnings)
	}
}

func hasWarning(ws []string, parts ...string) bool {
	for _, w := range ws {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(w, p)
		}
		if all {
			return true
		}
	}
	return false
}

func TestRunSkipsAndCountsMalformedRecords(t *testing.T) {
	dir := t.TempDir()
	data := csvHeader +
		csvRow(1, "2026-11-20T10:00:00Z", 53003) +
		csvRow(2, "yesterday", 53003) +
		csvRow(3, "2026-11-20T10:05:00Z", 0) +
		csvRow(4, "last week", 0)
	p := writeFile(t, dir, "NonInteractiveSignIns_bad.csv", data)
	rep, err := Run(context.Background(), []string{p}, Options{Filter: DefaultFilter()})
	if err != nil {
		t.Fatal(err)
	}
	in := rep.Inputs[0]
	if in.Records != 2 || in.Skipped != 2 || rep.Summary.Read != 2 || rep.Summary.Skipped != 2 || rep.Summary.Matched != 2 {
		t.Fatalf("input %+v, summary %+v", in, rep.Summary)
	}
	if len(in.SkipReasons) != 1 || in.SkipReasons[0].Count != 2 ||
		!strings.Contains(in.SkipReasons[0].Reason, `field "Date (UTC)"`) ||
		!strings.Contains(in.SkipReasons[0].First, p+":3") || !strings.Contains(in.SkipReasons[0].First, `"yesterday"`) {
		t.Errorf("skip reasons %+v", in.SkipReasons)
	}

	_, err = Run(context.Background(), []string{p}, Options{Filter: DefaultFilter(), Strict: true})
	if err == nil || !strings.Contains(err.Error(), p+":3") || !strings.Contains(err.Error(), "--strict") {
		t.Errorf("strict error = %v", err)
	}
}

func TestRunInputErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "exports/NonInteractiveSignIns_a.csv", csvHeader+csvRow(1, "2026-11-20T10:00:00Z", 53003))
	writeFile(t, dir, "exports/notes.txt", "call the vendor on Monday\n")
	writeFile(t, dir, "exports/.hidden.json", "not read at all")
	notExport := writeFile(t, dir, "shopping.csv", "Name,Price\nMilk,1\n")
	empty := writeFile(t, dir, "empty.json", "")
	onlyBad := writeFile(t, dir, "NonInteractiveSignIns_bad.csv", csvHeader+csvRow(1, "never", 0))

	// A folder: the stray file is listed as not read, the run goes on.
	rep, err := Run(context.Background(), []string{filepath.Join(dir, "exports")}, Options{Filter: DefaultFilter()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Inputs) != 2 || rep.Inputs[0].Path != good || rep.Inputs[1].Format != "unknown" || rep.Inputs[1].Error == "" {
		t.Errorf("inputs %+v", rep.Inputs)
	}

	for _, tt := range []struct {
		paths []string
		want  []string
	}{
		{[]string{notExport}, []string{notExport, "not a sign-in log export", `"Name,Price"`}},
		{[]string{empty}, []string{empty, "the file is empty"}},
		{[]string{filepath.Join(dir, "missing.csv")}, []string{"missing.csv", "no such file"}},
		{[]string{onlyBad}, []string{"no sign-in record could be read", "1 malformed record skipped", onlyBad + ":2"}},
	} {
		_, err := Run(context.Background(), tt.paths, Options{Filter: DefaultFilter()})
		if err == nil {
			t.Errorf("Run(%v) succeeded", tt.paths)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Run(%v) error %q lacks %q", tt.paths, err, w)
			}
		}
	}
}

func TestRunNoMatchSaysWhy(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "NonInteractiveSignIns_a.csv", csvHeader+csvRow(1, "2026-11-20T10:00:00Z", 53003)+csvRow(2, "2026-11-20T11:00:00Z", 0))
	f := DefaultFilter()
	f.Since = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	rep, err := Run(context.Background(), []string{p}, Options{Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	want := "0 of 2 records matched: the 2 records for Azure DevOps, of flow non-interactive are outside the time window (they span 2026-11-20T10:00:00Z to 2026-11-20T11:00:00Z); widen --since/--until or --window"
	if rep.Summary.NoMatch != want {
		t.Errorf("NoMatch = %q, want %q", rep.Summary.NoMatch, want)
	}
}

func TestRunStdinAndClock(t *testing.T) {
	clock := func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.FixedZone("", 3600)) }
	in := bytes.NewBufferString(csvHeader + csvRow(1, "2026-11-20T10:00:00Z", 53003))
	rep, err := Run(context.Background(), []string{"-"}, Options{Filter: Filter{Flow: FlowAny}, Parse: parse.Options{Stdin: in}, Clock: clock, Version: "v9"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inputs[0].Path != "-" || rep.Summary.Matched != 1 || rep.GeneratedAt.Format(time.RFC3339) != "2026-11-26T11:00:00Z" || rep.Version != "v9" || rep.Schema != Schema {
		t.Errorf("report %+v", rep)
	}
	// Standard input names no flow: the row is kept and the user is told.
	if rep.Summary.UnknownFlow != 1 || !hasWarning(rep.Inputs[0].Warnings, "do not say whether they are interactive") {
		t.Errorf("unknown flow %d, warnings %q", rep.Summary.UnknownFlow, rep.Inputs[0].Warnings)
	}
}

func TestRunCancelled(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "NonInteractiveSignIns_a.csv", csvHeader+csvRow(1, "2026-11-20T10:00:00Z", 53003))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, []string{p}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestRunTimeZone checks that --tz shows every time of the report in its
// zone and says which.
func TestRunTimeZone(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "NonInteractiveSignIns_a.csv", csvHeader+csvRow(1, "2026-11-20T10:00:00Z", 53003)+csvRow(2, "2026-11-20T11:00:00Z", 0))
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	f := DefaultFilter()
	f.Location = berlin
	rep, err := Run(context.Background(), []string{p}, Options{Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Filter.TimeZone != "Europe/Berlin" || FormatTime(*rep.Summary.First) != "2026-11-20T11:00:00+01:00" ||
		FormatTime(rep.Timeline.Buckets[0].Start) != "2026-11-20T11:00:00+01:00" {
		t.Errorf("zone %q, first %s, bucket %s", rep.Filter.TimeZone, FormatTime(*rep.Summary.First), FormatTime(rep.Timeline.Buckets[0].Start))
	}
	if rep.Users[0].First.Location() != berlin {
		t.Errorf("user times are in %s", rep.Users[0].First.Location())
	}
}
