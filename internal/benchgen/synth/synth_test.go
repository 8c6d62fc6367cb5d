package synth

import (
	"bytes"
	"testing"
	"time"
)

// generate returns the export of cfg in format f.
func generate(t testing.TB, cfg Config, f Format) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := NewWriter(&b, f)
	if err != nil {
		t.Fatal(err)
	}
	g := New(cfg)
	var s SignIn
	for g.Next(&s) {
		if err := w.Write(&s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// signIns returns the stream of cfg, each sign-in copied.
func signIns(cfg Config) []SignIn {
	g := New(cfg)
	var out []SignIn
	var s SignIn
	for g.Next(&s) {
		c := s
		c.Policies = append([]AppliedPolicy(nil), s.Policies...)
		out = append(out, c)
	}
	return out
}

func TestSameSeedSameBytes(t *testing.T) {
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			a := generate(t, Config{Records: 400, Seed: 7}, f)
			b := generate(t, Config{Records: 400, Seed: 7}, f)
			if !bytes.Equal(a, b) {
				t.Fatal("two runs with the same seed wrote different bytes")
			}
			c := generate(t, Config{Records: 400, Seed: 8}, f)
			if bytes.Equal(a, c) {
				t.Fatal("seeds 7 and 8 wrote the same bytes")
			}
		})
	}
}

// TestPoliciesFixedAcrossSeeds checks that the tenant's policy IDs do not
// depend on the seed, as in the reference generator, so that exports of
// different seeds describe one tenant.
func TestPoliciesFixedAcrossSeeds(t *testing.T) {
	a, b := New(Config{Seed: 1}).Policies(), New(Config{Seed: 2}).Policies()
	if len(a) != 15 {
		t.Fatalf("%d policies, want 15", len(a))
	}
	seen := map[string]bool{}
	for i := range a {
		if a[i].ID != b[i].ID {
			t.Errorf("policy %s: ID %s with seed 1, %s with seed 2", a[i].Name, a[i].ID, b[i].ID)
		}
		if seen[a[i].ID] {
			t.Errorf("policy ID %s used twice", a[i].ID)
		}
		seen[a[i].ID] = true
	}
}

func TestEmptyExports(t *testing.T) {
	want := map[Format]string{
		FormatJSONL:      "",
		FormatPortalJSON: "[]",
		FormatDiagnostic: "",
		FormatPortalCSV:  string(portalCSVPreamble()),
	}
	for f, w := range want {
		if got := string(generate(t, Config{Records: 0, Seed: 1}, f)); got != w {
			t.Errorf("%s of no records = %q, want %q", f, got, w)
		}
	}
}

// TestStreamOrderAndSpan checks that sign-ins come newest first, within
// [End-Days, End), spread over the whole span.
func TestStreamOrderAndSpan(t *testing.T) {
	end := time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, 0, -30)
	ss := signIns(Config{Records: 20000, Seed: 3})
	if len(ss) != 20000 {
		t.Fatalf("%d sign-ins, want 20000", len(ss))
	}
	perDay := map[int]int{}
	for i, s := range ss {
		if s.Created < start.Unix() || s.Created >= end.Unix() {
			t.Fatalf("sign-in %d at %s, outside [%s, %s)", i, time.Unix(s.Created, 0).UTC(), start, end)
		}
		if i > 0 && s.Created > ss[i-1].Created {
			t.Fatalf("sign-in %d (%d) is newer than sign-in %d (%d)", i, s.Created, i-1, ss[i-1].Created)
		}
		perDay[int((s.Created-start.Unix())/86400)]++
	}
	if len(perDay) != 30 {
		t.Errorf("sign-ins on %d of 30 days", len(perDay))
	}
	// Weekdays are busier than weekends: 2025-11-17 is a Monday, 11-16 a Sunday.
	monday, sunday := perDay[23], perDay[22]
	if monday < sunday*3/2 {
		t.Errorf("Monday has %d sign-ins, Sunday %d: want the weekday clearly busier", monday, sunday)
	}
}

// TestScenario checks the built-in scenario that the benchmark query is
// about: the target users' Azure DevOps failures spike in the incident
// window, CA010 causes the spike, Visual Studio sign-ins carry Azure DevOps
// as their resource, successes say "Other." and report-only policies report
// failures on successful sign-ins.
func TestScenario(t *testing.T) {
	ss := signIns(Config{Records: 60000, Seed: 1})
	inc0, inc1 := mustTime(IncidentStart).Unix(), mustTime(IncidentEnd).Unix()
	targets := map[string]bool{}
	for _, u := range TargetUsers {
		targets[u] = true
	}
	var inFail, inAll, outFail, outAll, targetSignIns, vsOnADO, reportOnlyOnSuccess, interactive int
	failingPolicy := map[string]int{}
	for i := range ss {
		s := &ss[i]
		if s.Code == 0 && (s.Reason != "Other." || s.CAStatus == "failure") {
			t.Fatalf("success %s: reason %q, CA status %s", s.ID, s.Reason, s.CAStatus)
		}
		if s.Code != 0 && s.Reason == "Other." {
			t.Fatalf("failure %s (%d) has reason Other.", s.ID, s.Code)
		}
		if s.Interactive {
			interactive++
		}
		if s.App.Name == "Visual Studio" && s.App.ResourceID == AzureDevOpsAppID {
			vsOnADO++
		}
		for _, p := range s.Policies {
			if p.Result == "reportOnlyFailure" && s.Code == 0 {
				reportOnlyOnSuccess++
			}
		}
		if !targets[s.User.UPN] {
			continue
		}
		targetSignIns++
		if s.App.ID != AzureDevOpsAppID {
			continue
		}
		if s.Created >= inc0 && s.Created < inc1 {
			inAll++
			if s.Failed() {
				inFail++
				for _, p := range s.Policies {
					if p.Result == "failure" {
						failingPolicy[p.Policy.Name[:5]]++
					}
				}
			}
		} else {
			outAll++
			if s.Failed() {
				outFail++
			}
		}
	}
	share := float64(targetSignIns) / float64(len(ss))
	if share < 0.02 || share > 0.03 {
		t.Errorf("the five target users make %.3f of sign-ins, want about 0.025", share)
	}
	if inAll < 30 || outAll < 300 {
		t.Fatalf("too few target Azure DevOps sign-ins: %d in the incident, %d outside", inAll, outAll)
	}
	inRate, outRate := float64(inFail)/float64(inAll), float64(outFail)/float64(outAll)
	if inRate < 0.4 || outRate > 0.3 || inRate < 2*outRate {
		t.Errorf("target Azure DevOps failure rate %.2f in the incident, %.2f outside: want a spike (about 0.55 vs 0.22)", inRate, outRate)
	}
	for code, n := range failingPolicy {
		if code != "CA010" && n >= failingPolicy["CA010"] {
			t.Errorf("in the incident %s failed %d times, CA010 %d: want CA010 the main cause", code, n, failingPolicy["CA010"])
		}
	}
	if vsOnADO == 0 {
		t.Error("no Visual Studio sign-in for the Azure DevOps resource")
	}
	if reportOnlyOnSuccess == 0 {
		t.Error("no report-only failure on a successful sign-in")
	}
	if r := float64(interactive) / float64(len(ss)); r < 0.08 || r > 0.12 {
		t.Errorf("interactive share %.3f, want about 0.10", r)
	}
}

func TestJSONStringEscaping(t *testing.T) {
	for in, want := range map[string]string{
		"plain":          `"plain"`,
		`say "hi"\`:      `"say \"hi\"\\"`,
		"tab\tnl\ncr\r":  `"tab\tnl\ncr\r"`,
		"\x01":           `"\u0001"`,
		"München Østerg": `"München Østerg"`,
		"bad\xffbyte":    "\"bad\ufffdbyte\"",
	} {
		if got := string(appendJSONString(nil, in)); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestCSVQuoting(t *testing.T) {
	r := csvRow{}
	for _, c := range []string{"a", "b,c", `say "x"`, "", "line\nbreak"} {
		r.cell(c)
	}
	r.int(-3)
	want := `a,"b,c","say ""x""",,"line` + "\n" + `break",-3`
	if got := string(r.buf); got != want {
		t.Errorf("row = %q, want %q", got, want)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) gave no error")
	}
}

func BenchmarkGenerate(b *testing.B) {
	g := New(Config{Records: b.N, Seed: 1})
	var s SignIn
	b.ReportAllocs()
	for g.Next(&s) {
	}
}

func BenchmarkWrite(b *testing.B) {
	for _, f := range Formats() {
		b.Run(string(f), func(b *testing.B) {
			g := New(Config{Records: b.N, Seed: 1})
			var out byteCounter
			w, err := NewWriter(&out, f)
			if err != nil {
				b.Fatal(err)
			}
			var s SignIn
			b.ReportAllocs()
			for g.Next(&s) {
				if err := w.Write(&s); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(out)/b.Elapsed().Seconds()/1e6, "MB/s")
		})
	}
}

// byteCounter discards what is written and counts it.
type byteCounter int64

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}
