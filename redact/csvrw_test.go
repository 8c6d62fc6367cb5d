package redact

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/internal/fuzzseed"
)

func rewriteCSV(t testing.TB, r *Redactor, in string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	err := newCSVRewriter(r, "test.csv", bufio.NewReaderSize(strings.NewReader(in), 16), w).run()
	w.Flush()
	return out.String(), err
}

func TestCSVRewriter(t *testing.T) {
	r := testRedactor(t, Options{}, [2]string{"name", "Adele Vance"})
	p := r.p
	upn, name := p.UPN("adele.vance@contoso.com"), p.Name("Adele Vance")
	ip := must(p.IP("192.0.2.140"))
	tests := []struct{ name, in, want string }{
		{"portal: every cell quoted, CRLF, odd header names",
			"\"Date (UTC)\",\"User\",\"Username\",\"IP address\",\"Browser\",\"Application ID \",\"Autonomous system  number\"\r\n" +
				"\"2026-11-21T09:02:44Z\",\"Adele Vance\",\"adele.vance@contoso.com\",\"192.0.2.140\",\"Rich Client 4.66.1.0\",\"499b84ac-1321-427f-aa17-267ca6975798\",\"64505\"\r\n",
			"\"Date (UTC)\",\"User\",\"Username\",\"IP address\",\"Browser\",\"Application ID \",\"Autonomous system  number\"\r\n" +
				"\"2026-11-21T09:02:44Z\",\"" + name + "\",\"" + upn + "\",\"" + ip + "\",\"Rich Client 4.66.1.0\",\"499b84ac-1321-427f-aa17-267ca6975798\",\"64505\"\r\n"},
		{"quotes only where needed, LF, no final line break, a ragged row",
			"User,Failure reason,Username\nAdele Vance,\"Blocked, said \"\"adele.vance@contoso.com\"\"\",adele.vance@contoso.com\n,y",
			"User,Failure reason,Username\n" + name + ",\"Blocked, said \"\"" + upn + "\"\"\"," + upn + "\n,y"},
		{"an unquoted cell is quoted when its new value needs it",
			"Username,Failure reason\nadele.vance@contoso.com,plain\n",
			"Username,Failure reason\n" + upn + ",plain\n"},
		{"multi-line cells and blank lines",
			"\n\nUser,Failure reason\r\n\"Adele Vance\",\"line one\r\nAdele Vance on line two\"\r\n\r\n,,\r\n",
			"\n\nUser,Failure reason\r\n\"" + name + "\",\"line one\r\n" + name + " on line two\"\r\n\r\n,,\r\n"},
		{"Excel sep line and semicolons",
			"sep=;\nUser;IP address\nAdele Vance;192.0.2.140\n",
			"sep=;\nUser;IP address\n" + name + ";" + ip + "\n"},
		{"tabs",
			"User\tIP address\nAdele Vance\t192.0.2.140\n",
			"User\tIP address\n" + name + "\t" + ip + "\n"},
		{"Log Analytics: JSON in cells",
			"TimeGenerated [UTC],DeviceDetail,UserPrincipalName\n\"11/20/2026, 10:15:02.481 AM\",\"{\"\"deviceId\"\":\"\"{PII Removed}\"\",\"\"displayName\"\":\"\"CONTOSO-LT-0457\"\"}\",adele.vance@contoso.com\n",
			"TimeGenerated [UTC],DeviceDetail,UserPrincipalName\n\"11/20/2026, 10:15:02.481 AM\",\"{\"\"deviceId\"\":\"\"{PII Removed}\"\",\"\"displayName\"\":\"\"" + p.DeviceName("CONTOSO-LT-0457") + "\"\"}\"," + upn + "\n"},
		{"a lazy quote inside a quoted cell",
			"User,Failure reason\n\"Adele Vance\",\"say \"hi\" to adele.vance@contoso.com\"\n",
			"User,Failure reason\n\"" + name + "\",\"say \"\"hi\"\" to " + upn + "\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rewriteCSV(t, r, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestCSVRewriterErrors(t *testing.T) {
	r := testRedactor(t, Options{})
	if _, err := rewriteCSV(t, r, "\n\n"); err == nil || !strings.Contains(err.Error(), "no CSV header") {
		t.Errorf("empty file: %v", err)
	}
	_, err := rewriteCSV(t, r, "User,Failure reason\nx,\"never closed\n")
	if err == nil || !strings.Contains(err.Error(), "test.csv:2:") || !strings.Contains(err.Error(), "missing closing quote") {
		t.Errorf("unclosed quote: %v", err)
	}
}

func TestCSVRewriterDropLocations(t *testing.T) {
	r := testRedactor(t, Options{})
	r.DropLocations = true
	got, err := rewriteCSV(t, r, "\"Location\",\"City\",\"LocationDetails\"\n\"München, Bayern, DE\",\"Seattle\",\"{\"\"city\"\":\"\"Seattle\"\",\"\"countryOrRegion\"\":\"\"US\"\"}\"\n")
	want := "\"Location\",\"City\",\"LocationDetails\"\n\", , DE\",\"\",\"{\"\"city\"\":\"\"\"\",\"\"countryOrRegion\"\":\"\"US\"\"}\"\n"
	if err != nil || got != want {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
}

// readCSVRecords reads CSV as the reader does, after the header.
func readCSVRecords(s string, comma rune) ([][]string, error) {
	cr := csv.NewReader(strings.NewReader(s))
	cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = comma, true, -1
	var out [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
}

// FuzzCSVRewriter checks that the rewriter never panics, and that whenever
// encoding/csv reads the input, it reads the output as the same number of
// records with the same number of cells each, and the same header.
func FuzzCSVRewriter(f *testing.F) {
	for _, seed := range fuzzseed.Files(f, "../samples/*/*.csv") {
		if len(seed) < 32<<10 {
			f.Add(string(seed))
		}
	}
	f.Add("User,IP address\nAdele Vance,\"192.0.2.1, 192.0.2.2\"\n")
	f.Add("Username,x\n\"a@b.co\",\"q\"\"q\"\n")
	r := testRedactor(f, Options{}, [2]string{"name", "Adele Vance"})
	f.Fuzz(func(t *testing.T, in string) {
		out, err := rewriteCSV(t, r, in)
		if err != nil || strings.ContainsAny(in, "\r\ufeff") || !strings.HasPrefix(in, "User") {
			return
		}
		a, err := readCSVRecords(in, ',')
		if err != nil {
			return
		}
		b, err := readCSVRecords(out, ',')
		if err != nil {
			t.Fatalf("output unreadable: %v\n%q\n%q", err, in, out)
		}
		if len(a) != len(b) {
			t.Fatalf("%d records became %d\n%q\n%q", len(a), len(b), in, out)
		}
		for i := range a {
			if len(a[i]) != len(b[i]) {
				t.Fatalf("record %d: %d cells became %d\n%q\n%q", i, len(a[i]), len(b[i]), in, out)
			}
		}
		if len(a) > 0 && strings.Join(a[0], "\x00") != strings.Join(b[0], "\x00") {
			t.Fatalf("header changed\n%q\n%q", in, out)
		}
	})
}
