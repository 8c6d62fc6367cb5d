package render

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/analyze"
)

// sarifDoc is the SARIF structure the test checks, decoded independently
// of the renderer's own types.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string                 `json:"id"`
					ShortDescription *struct{ Text string } `json:"shortDescription"`
					FullDescription  *struct{ Text string } `json:"fullDescription"`
					Help             *struct{ Text string } `json:"help"`
					HelpURI          string                 `json:"helpUri"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					Region           *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Properties struct {
				Count      int      `json:"count"`
				RequestIDs []string `json:"requestIds"`
			} `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

// validateSARIF checks the parts of the SARIF 2.1.0 schema this log uses:
// required properties, the rule a result names, level values, URIs and
// regions.
func validateSARIF(t *testing.T, r *analyze.Report) sarifDoc {
	t.Helper()
	var b bytes.Buffer
	if err := (SARIF{}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	var doc sarifDoc
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("the SARIF log is not JSON: %v", err)
	}
	if doc.Version != "2.1.0" || !strings.Contains(doc.Schema, "sarif-2.1.0") {
		t.Errorf("version %q, $schema %q", doc.Version, doc.Schema)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.Tool.Driver.Name != "signinspect" || run.Tool.Driver.InformationURI == "" {
		t.Errorf("driver %+v", run.Tool.Driver)
	}
	ids := map[string]int{}
	for i, rule := range run.Tool.Driver.Rules {
		if _, dup := ids[rule.ID]; dup || rule.ID == "" {
			t.Errorf("rule %d: ID %q empty or repeated", i, rule.ID)
		}
		ids[rule.ID] = i
		if rule.ShortDescription == nil || rule.ShortDescription.Text == "" || rule.FullDescription == nil || rule.FullDescription.Text == "" || rule.Help == nil || rule.Help.Text == "" {
			t.Errorf("rule %s lacks a description or help", rule.ID)
		}
		if u, err := url.Parse(rule.HelpURI); err != nil || !u.IsAbs() {
			t.Errorf("rule %s: helpUri %q is not an absolute URI", rule.ID, rule.HelpURI)
		}
	}
	if len(run.Results) != len(r.Findings) {
		t.Errorf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	for _, res := range run.Results {
		i, ok := ids[res.RuleID]
		if !ok || res.RuleIndex == nil || *res.RuleIndex != i {
			t.Errorf("result for %s: ruleIndex %v does not point at its rule", res.RuleID, res.RuleIndex)
		}
		switch res.Level {
		case "error", "warning", "note", "none":
		default:
			t.Errorf("result for %s: level %q", res.RuleID, res.Level)
		}
		if res.Message.Text == "" {
			t.Errorf("result for %s has no message", res.RuleID)
		}
		for _, loc := range res.Locations {
			if _, err := url.Parse(loc.PhysicalLocation.ArtifactLocation.URI); err != nil || loc.PhysicalLocation.ArtifactLocation.URI == "" {
				t.Errorf("result for %s: artifact URI %q", res.RuleID, loc.PhysicalLocation.ArtifactLocation.URI)
			}
			if reg := loc.PhysicalLocation.Region; reg != nil && reg.StartLine < 1 {
				t.Errorf("result for %s: startLine %d", res.RuleID, reg.StartLine)
			}
		}
	}
	return doc
}

func TestSARIFFullReport(t *testing.T) {
	doc := validateSARIF(t, fullReport())
	res := doc.Runs[0].Results[0]
	if res.Level != "error" || res.Properties.Count != 9 || len(res.Locations) != 2 {
		t.Errorf("result = %+v", res)
	}
	if l := res.Locations[0].PhysicalLocation; l.ArtifactLocation.URI != "exports/a.csv" || l.Region == nil || l.Region.StartLine != 12 {
		t.Errorf("first location = %+v, want exports/a.csv line 12", l)
	}
	if l := res.Locations[1].PhysicalLocation; l.ArtifactLocation.URI != "exports/b.json" || l.Region != nil {
		t.Errorf("second location = %+v, want exports/b.json without a line (record 3)", l)
	}
	if got := doc.Runs[0].Results[1].Level; got != "note" {
		t.Errorf("a low finding has level %q, want note", got)
	}
}

// TestSARIFLocationsPointAtEvidence checks, on the samples, that each
// location's line is where the evidence's sign-in starts: the request ID
// appears in the lines that follow it.
func TestSARIFLocationsPointAtEvidence(t *testing.T) {
	rep := sampleReport(t, sampleCases[0])
	doc := validateSARIF(t, rep)
	checked := 0
	for i, res := range doc.Runs[0].Results {
		for j, loc := range res.Locations {
			uri, reg := loc.PhysicalLocation.ArtifactLocation.URI, loc.PhysicalLocation.Region
			path, err := url.PathUnescape(uri)
			if err != nil || reg == nil || strings.Contains(path, "!") || strings.HasSuffix(path, ".gz") {
				continue // Archive members and compressed files have no lines to check.
			}
			data, err := os.ReadFile(filepath.FromSlash(path))
			if err != nil {
				t.Errorf("%s: %v", uri, err)
				continue
			}
			if bytes.HasPrefix(data, []byte{0xff, 0xfe}) { // UTF-16LE: compare the ASCII bytes only.
				data = bytes.ReplaceAll(data, []byte{0}, nil)
			}
			lines := strings.Split(string(data), "\n")
			if reg.StartLine > len(lines) {
				t.Errorf("%s has %d lines, the location says %d", uri, len(lines), reg.StartLine)
				continue
			}
			window := strings.Join(lines[reg.StartLine-1:min(len(lines), reg.StartLine+250)], "\n")
			id := rep.Findings[i].Evidence[j].RequestID
			if !strings.Contains(window, id) {
				t.Errorf("%s:%d: request %s is not in the record that starts there", uri, reg.StartLine, id)
			}
			checked++
		}
	}
	if checked < 5 {
		t.Errorf("only %d locations checked", checked)
	}
}

func TestSplitSource(t *testing.T) {
	for in, want := range map[string]struct {
		file         string
		line, record int
	}{
		"a.csv:12":        {"a.csv", 12, 0},
		"a.json#3":        {"a.json", 0, 3},
		"C:/x/a.csv:7":    {"C:/x/a.csv", 7, 0},
		"x.zip!d/a.csv:2": {"x.zip!d/a.csv", 2, 0},
		"-":               {"-", 0, 0},
		"odd:name.json":   {"odd:name.json", 0, 0},
	} {
		f, l, r := splitSource(in)
		if f != want.file || l != want.line || r != want.record {
			t.Errorf("splitSource(%q) = %q, %d, %d; want %+v", in, f, l, r, want)
		}
	}
	if got := artifactURI("samples/a b.json"); got != "samples/a%20b.json" {
		t.Errorf("artifactURI = %q", got)
	}
	if got := artifactURI("/tmp/a.json"); got != "file:///tmp/a.json" {
		t.Errorf("artifactURI = %q", got)
	}
}
