package render

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/rules"
)

// SARIF writes the report's findings as a SARIF 2.1.0 log, for code
// scanning dashboards and other tools that read static-analysis results:
// one rule per rule that fired, one result per finding, located at the
// input files and lines of its evidence. The other report sections have no
// place in SARIF and are left out.
type SARIF struct{}

var _ Renderer = SARIF{}

// SARIF 2.1.0 names.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	// projectURI is where the tool and its rules are described, for rules
	// without references of their own.
	projectURI = "https://github.com/signinspect/signinspect"
)

// The SARIF structures, as far as this log uses them.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool           `json:"tool"`
		Invocations []sarifInvocation   `json:"invocations"`
		Results     []sarifResult       `json:"results"`
		Properties  *sarifRunProperties `json:"properties,omitempty"`
	}
	// sarifRunProperties carries the verdict, which SARIF has no place for.
	sarifRunProperties struct {
		Verdict string `json:"signinspect-verdict"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string              `json:"id"`
		Name                 string              `json:"name"`
		ShortDescription     sarifMessage        `json:"shortDescription"`
		FullDescription      sarifMessage        `json:"fullDescription"`
		Help                 sarifMessage        `json:"help"`
		HelpURI              string              `json:"helpUri"`
		DefaultConfiguration sarifConfiguration  `json:"defaultConfiguration"`
		Properties           sarifRuleProperties `json:"properties"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifRuleProperties struct {
		Tags []string `json:"tags,omitempty"`
		// SecuritySeverity is the 0-10 score code scanning tools sort by.
		SecuritySeverity string `json:"security-severity"`
		Severity         string `json:"signinspect-severity"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool `json:"executionSuccessful"`
	}
	sarifResult struct {
		RuleID     string                `json:"ruleId"`
		RuleIndex  int                   `json:"ruleIndex"`
		Level      string                `json:"level"`
		Message    sarifMessage          `json:"message"`
		Locations  []sarifLocation       `json:"locations"`
		Properties sarifResultProperties `json:"properties"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
		Message          *sarifMessage         `json:"message,omitempty"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region,omitempty"`
	}
	sarifArtifactLocation struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifResultProperties struct {
		// Count is how many matched sign-ins the rule fired on; the
		// locations are the first of them.
		Count      int      `json:"count"`
		RequestIDs []string `json:"requestIds"`
		Fixes      []string `json:"fixes,omitempty"`
	}
)

// Render implements Renderer.
func (SARIF) Render(w io.Writer, r *analyze.Report) error {
	var rules []sarifRule
	var results []sarifResult
	for i, f := range r.Findings {
		rules = append(rules, sarifRuleOf(f))
		results = append(results, sarifResultOf(i, f))
	}
	return writeSARIF(w, r.Version, sarifRun{Tool: sarifTool{Driver: sarifDriver{Rules: rules}}, Results: results,
		Properties: &sarifRunProperties{Verdict: r.Verdict.Answer}})
}

// writeSARIF writes one run of rules and results as a SARIF log, with the
// tool and the invocation filled in.
func writeSARIF(w io.Writer, version string, run sarifRun) error {
	run.Tool.Driver.Name, run.Tool.Driver.Version, run.Tool.Driver.InformationURI = "signinspect", version, projectURI
	if run.Tool.Driver.Rules == nil {
		run.Tool.Driver.Rules = []sarifRule{}
	}
	if run.Results == nil {
		run.Results = []sarifResult{}
	}
	run.Invocations = []sarifInvocation{{ExecutionSuccessful: true}}
	return writeJSON(w, sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifRuleOf(f analyze.Finding) sarifRule {
	help := f.Fix
	if help == "" {
		help = f.Title
	}
	full := f.Description
	if full == "" {
		full = f.Title
	}
	helpURI := projectURI
	if len(f.References) > 0 {
		helpURI = f.References[0]
	}
	return sarifRule{
		ID: f.Rule, Name: f.Rule,
		ShortDescription: sarifMessage{Text: f.Title}, FullDescription: sarifMessage{Text: full},
		Help: sarifMessage{Text: help}, HelpURI: helpURI,
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(f.Severity)},
		Properties:           sarifRuleProperties{Tags: f.Tags, SecuritySeverity: securitySeverity(f.Severity), Severity: f.Severity.String()},
	}
}

func sarifResultOf(index int, f analyze.Finding) sarifResult {
	res := sarifResult{RuleID: f.Rule, RuleIndex: index, Level: sarifLevel(f.Severity),
		Message:    sarifMessage{Text: fmt.Sprintf("%s: %s.", f.Title, plural(f.Count, "sign-in", "sign-ins"))},
		Locations:  []sarifLocation{},
		Properties: sarifResultProperties{Count: f.Count, RequestIDs: []string{}}}
	if f.Fix != "" {
		res.Message.Text += " Fix: " + f.Fix
	}
	for _, fx := range f.Fixes {
		res.Properties.Fixes = append(res.Properties.Fixes, fx.Fix)
	}
	for _, e := range f.Evidence {
		res.Properties.RequestIDs = append(res.Properties.RequestIDs, e.RequestID)
		res.Locations = append(res.Locations, sarifLocationsAt(e.Source, "sign-in "+e.RequestID+" at "+analyze.FormatTime(e.Time))...)
	}
	return res
}

// sarifLocationsAt returns the location of a position as the reports
// write it ("file:line", "file#record", "file"), with what is there in
// words (what, and the record number for a format without lines); none
// for an empty position.
func sarifLocationsAt(source, what string) []sarifLocation {
	file, line, record := splitSource(source)
	if file == "" {
		return []sarifLocation{}
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: artifactURI(file)}}}
	if line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: line}
	}
	if record > 0 {
		what = strings.TrimSpace(what + fmt.Sprintf(" (record %d)", record))
	}
	if what != "" {
		loc.Message = &sarifMessage{Text: what}
	}
	return []sarifLocation{loc}
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(sev rules.Severity) string {
	switch sev {
	case rules.SeverityCritical, rules.SeverityHigh:
		return "error"
	case rules.SeverityMedium:
		return "warning"
	}
	return "note"
}

// securitySeverity maps a severity to the 0-10 score of code scanning.
func securitySeverity(sev rules.Severity) string {
	switch sev {
	case rules.SeverityCritical:
		return "9.5"
	case rules.SeverityHigh:
		return "8.0"
	case rules.SeverityMedium:
		return "5.5"
	case rules.SeverityLow:
		return "3.0"
	}
	return "0.0"
}

// splitSource reads an evidence position as the analysis writes it:
// "file:line", "file#record" or "file".
func splitSource(s string) (file string, line, record int) {
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		if n, err := strconv.Atoi(s[i+1:]); err == nil && n > 0 {
			return s[:i], n, 0
		}
	}
	if i := strings.LastIndexByte(s, '#'); i > 0 {
		if n, err := strconv.Atoi(s[i+1:]); err == nil && n > 0 {
			return s[:i], 0, n
		}
	}
	return s, 0, 0
}

// artifactURI writes an input path as a SARIF artifact URI: relative paths
// as relative references with forward slashes, absolute ones as file URIs,
// and any character a URI cannot hold escaped.
func artifactURI(path string) string {
	p := filepath.ToSlash(path)
	u := url.URL{Path: p}
	if filepath.IsAbs(path) {
		u.Scheme = "file"
		if !strings.HasPrefix(p, "/") { // A Windows drive path.
			u.Path = "/" + p
		}
	}
	return u.String()
}
