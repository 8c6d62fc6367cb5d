package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/signinspect/signinspect/analyze"
)

func renderHTML(t testing.TB, r *analyze.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := (HTML{}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestHTMLEscapesHostileValues renders a report whose exports hold script
// and markup, and checks that all of it comes out as text.
func TestHTMLEscapesHostileValues(t *testing.T) {
	out := renderHTML(t, fullReport())
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Error("the HTML report holds a <script element")
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile value does not appear escaped")
	}
	if strings.Contains(out, `href="javascript:`) {
		t.Error("a javascript: reference became a link")
	}
	if !strings.Contains(out, `href="https://learn.microsoft.com/x"`) {
		t.Error("a reference did not become a link")
	}
}

// TestHTMLSelfContained checks that the report loads nothing: no script,
// no external style, font or image, and a Content-Security-Policy that
// allows only the page's own stylesheet, by hash.
func TestHTMLSelfContained(t *testing.T) {
	out := renderHTML(t, fullReport())
	for _, bad := range []string{"<script", "<link", " src=", "url(", "@import", "<iframe", "<object", "<embed", "<img", " style=\""} {
		if strings.Contains(strings.ToLower(out), bad) {
			t.Errorf("the HTML report holds %q", bad)
		}
	}
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`).FindStringSubmatch(out)
	if csp == nil {
		t.Fatal("the HTML report has no Content-Security-Policy")
	}
	policy := strings.ReplaceAll(csp[1], "&#39;", "'")
	for _, want := range []string{"default-src 'none'", "base-uri 'none'", "form-action 'none'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("the policy %q lacks %q", policy, want)
		}
	}
	if strings.Contains(policy, "unsafe") || strings.Contains(policy, "script-src") {
		t.Errorf("the policy %q allows more than it should", policy)
	}
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(out)
	if style == nil {
		t.Fatal("the HTML report has no <style>")
	}
	sum := sha256.Sum256([]byte(style[1]))
	if hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(policy, "style-src "+hash) {
		t.Errorf("the policy %q does not allow the stylesheet's hash %s", policy, hash)
	}
	// Links go to sections of the page or to the rules' references.
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], "#") && !strings.HasPrefix(m[1], "https://") {
			t.Errorf("link to %q", m[1])
		}
	}
}

func TestHTMLCharts(t *testing.T) {
	rep := sampleReport(t, sampleCases[0])
	out := renderHTML(t, rep)
	for _, id := range []string{"chart-timeline", "chart-policies", "chart-ips"} {
		fig := regexp.MustCompile(`(?s)<figure class="chart" id="` + id + `">(.*?)</figure>`).FindStringSubmatch(out)
		if fig == nil {
			t.Errorf("no chart %s", id)
			continue
		}
		if !strings.Contains(fig[1], "<svg") || strings.Count(fig[1], "<rect") < 2 {
			t.Errorf("chart %s has no bars:\n%s", id, fig[1])
		}
	}
	// Every policy that failed a sign-in has a bar with its count.
	for _, p := range rep.Policies {
		if p.Failures > 0 && !strings.Contains(out, ">"+analyze.Count(p.Failures)+"</text>") {
			t.Errorf("the policy chart lacks the count %d of %s", p.Failures, p.Name)
		}
	}
	empty := renderHTML(t, sampleReport(t, sampleCases[2]))
	if strings.Contains(empty, "<svg") || !strings.Contains(empty, "No sign-in matched.") {
		t.Error("an empty report draws charts instead of saying there is nothing to draw")
	}
}

func TestNiceStep(t *testing.T) {
	for in, want := range map[float64]int{0: 1, 0.5: 1, 1: 1, 1.5: 2, 3: 5, 7: 10, 12: 20, 26: 50, 51: 100, 3000: 5000} {
		if got := niceStep(in); got != want {
			t.Errorf("niceStep(%v) = %d, want %d", in, got, want)
		}
	}
}

func TestBreakPieces(t *testing.T) {
	got := strings.Join(breakPieces("samples/a_b.json:12"), "|")
	if want := "samples/|a_|b.|json:12"; got != want {
		t.Errorf("breakPieces = %q, want %q", got, want)
	}
}

// TestHTMLTellsTheStory checks what the HTML page puts first: the answer,
// then the diagnosis, then the charts; that the policy chart writes whole
// policy names, wrapped; that the IP chart's note counts every address with
// failures, listed or not; and that the time span card breaks only between
// its two times.
func TestHTMLTellsTheStory(t *testing.T) {
	rep := sampleReport(t, sampleCases[1])
	out := renderHTML(t, rep)
	answer, diagnosis, charts := strings.Index(out, `id="answer"`), strings.Index(out, `id="diagnosis"`), strings.Index(out, `id="overview"`)
	if answer < 0 || !(answer < diagnosis && diagnosis < charts) {
		t.Errorf("sections at %d (answer), %d (diagnosis), %d (charts): want the answer first, then the diagnosis, then the charts", answer, diagnosis, charts)
	}
	if !strings.Contains(out[answer:diagnosis], html.EscapeString(rep.Verdict.Answer)) {
		t.Error("the answer block lacks the verdict's answer")
	}

	long := "CA001 - Azure DevOps: block service accounts outside corporate network"
	c := policyChart(&analyze.Report{Policies: []analyze.PolicyStat{{Name: long, Failures: 3}}, PoliciesFailing: 1})
	var label []string
	for _, tx := range c.Texts {
		if tx.Class == "label" {
			label = append(label, tx.Text)
		}
	}
	if len(label) < 2 || strings.Join(label, " ") != long {
		t.Errorf("the policy label is drawn as %q, want %q wrapped on several lines", label, long)
	}

	locations := make([]analyze.LocationStat, 12)
	for i := range locations {
		locations[i] = analyze.LocationStat{IP: fmt.Sprintf("198.51.100.%d", i), Failures: 20 - i}
	}
	c = ipChart(&analyze.Report{Locations: locations, LocationsOmitted: 40, LocationsFailing: 52})
	if want := "The 10 with the most failures, of 52 addresses with failures."; c.Note != want {
		t.Errorf("IP chart note %q, want %q", c.Note, want)
	}

	span := regexp.MustCompile(`<div class="card-value"><span class="nowrap">([^<]+)</span> – <span class="nowrap">([^<]+)</span></div>`).FindStringSubmatch(out)
	if span == nil || span[1] != timePtrText(rep.Summary.First) || span[2] != timePtrText(rep.Summary.Last) {
		t.Errorf("the time span card is not two unbreakable times: %q", span)
	}
}
