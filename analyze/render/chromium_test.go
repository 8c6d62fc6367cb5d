package render

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signinspect/signinspect/analyze"
)

// browserCheck is set (to 1) where the browser tests must run, as in CI:
// a missing Chromium or pdftotext then fails them instead of skipping.
var browserCheck = os.Getenv("SIGNINSPECT_BROWSER_CHECK") == "1"

// tool returns the path of the first of names on PATH, or skips the test
// (fails it under browserCheck) with how to install it.
func tool(t *testing.T, install string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if browserCheck {
		t.Fatalf("%s is not installed (%s); SIGNINSPECT_BROWSER_CHECK=1 requires it", names[0], install)
	}
	t.Skipf("%s is not installed (%s to run this test)", names[0], install)
	return ""
}

// chromium returns the path of a Chromium to test the HTML report in.
func chromium(t *testing.T) string {
	return tool(t, "apt-get install chromium", "chromium", "chromium-browser", "google-chrome")
}

// runChromium runs headless Chromium with flags that keep it off the
// network and out of the user's profile, on a local file.
func runChromium(t *testing.T, bin, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+page)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// TestHTMLInChromium opens the HTML report of the samples in headless
// Chromium: the DOM holds the three charts, a screenshot shows the page
// styled (the Content-Security-Policy let the stylesheet through), and it
// prints to PDF. Set SIGNINSPECT_KEEP_SCREENSHOT=DIR to keep the PNG and
// PDF for a look.
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("Chromium takes seconds to start; skipped with -short")
	}
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	rep := sampleReport(t, sampleCases[0])
	if err := os.WriteFile(page, []byte(renderHTML(t, rep)), 0o644); err != nil {
		t.Fatal(err)
	}

	// Chromium starts slowly: the three runs go side by side.
	shot, pdf := filepath.Join(dir, "report.png"), filepath.Join(dir, "report.pdf")
	var dom []byte
	var wg sync.WaitGroup
	for _, run := range []func(){
		func() { dom = runChromium(t, bin, page, "--dump-dom") },
		func() {
			runChromium(t, bin, page, "--hide-scrollbars", "--screenshot="+shot, "--window-size=1280,2000")
		},
		func() { runChromium(t, bin, page, "--no-pdf-header-footer", "--print-to-pdf="+pdf) },
	} {
		wg.Add(1)
		go func() { defer wg.Done(); run() }()
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	for _, want := range []string{`id="answer"`, `id="chart-timeline"`, `id="chart-policies"`, `id="chart-ips"`, "<svg", "<rect", `id="diagnosis"`} {
		if !strings.Contains(string(dom), want) {
			t.Errorf("the rendered DOM lacks %s", want)
		}
	}
	if n := strings.Count(string(dom), "<svg"); n != 3 {
		t.Errorf("the rendered DOM has %d charts, want 3", n)
	}

	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The masthead is dark blue only when the stylesheet applied.
	r, g, b, _ := img.At(40, 30).RGBA()
	if r>>8 > 60 || g>>8 > 80 || b>>8 < 40 || b>>8 > 110 {
		t.Errorf("the masthead pixel is rgb(%d,%d,%d), not the stylesheet's dark blue: was the CSS blocked?", r>>8, g>>8, b>>8)
	}

	data, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF")) || len(data) < 20000 {
		t.Errorf("printing to PDF gave %d bytes (%v)", len(data), err)
	}
	// The printout's first page holds the answer and the diagnosis.
	pdftotext := tool(t, "apt-get install poppler-utils", "pdftotext")
	first, err := exec.Command(pdftotext, "-f", "1", "-l", "1", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pageText := strings.Join(strings.Fields(string(first)), " ")
	answerStart := strings.Join(strings.Fields(rep.Verdict.Answer), " ")[:40]
	for _, want := range []string{"ANSWER", answerStart, "Diagnosis", rep.Findings[0].Title} {
		if !strings.Contains(pageText, want) {
			t.Errorf("page 1 of the printout lacks %q:\n%s", want, first)
		}
	}

	if keep := os.Getenv("SIGNINSPECT_KEEP_SCREENSHOT"); keep != "" {
		for _, name := range []string{"report.html", "report.png", "report.pdf"} {
			b, _ := os.ReadFile(filepath.Join(dir, name))
			if err := os.WriteFile(filepath.Join(keep, name), b, 0o644); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestHTMLFitsAPhone opens the HTML report at a phone's width, with input
// paths and IDs long enough to overflow, and checks that the page does not
// scroll sideways: only the wide tables do, inside their own frames. The
// report's Content-Security-Policy forbids scripts, so the test opens a
// copy without it and with a script that measures the page.
func TestHTMLFitsAPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("Chromium takes seconds to start; skipped with -short")
	}
	bin := chromium(t)
	rep := sampleReport(t, sampleCases[0])
	long := "exports/" + strings.Repeat("PT1H-noninteractive-2026-11-20T10_", 4) + ".json.gz"
	rep.Inputs = append(rep.Inputs, analyze.InputSummary{Path: long, Format: "diagnostic", Records: 1, Warnings: []string{"a warning"}})
	rep.Warnings = append(rep.Warnings, analyze.WarningGroup{Text: "a warning", Inputs: []string{long}})
	page := renderHTML(t, rep)
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`)
	if !csp.MatchString(page) {
		t.Fatal("the report has no Content-Security-Policy to take out")
	}
	page = csp.ReplaceAllString(page, "")
	const measure = `<script>addEventListener("load", () => {
  const w = document.documentElement.clientWidth, out = [];
  document.querySelectorAll("body *").forEach(e => {
    if (!e.closest(".table-wrap") && e.getBoundingClientRect().right > w + 1) out.push(e.tagName + "." + e.className);
  });
  const p = document.createElement("pre");
  p.id = "measured";
  p.textContent = "width=" + w + " scroll=" + document.documentElement.scrollWidth + " over=" + out.join(",");
  document.body.prepend(p);
});</script>`
	page = strings.Replace(page, "</body>", measure+"</body>", 1)
	file := filepath.Join(t.TempDir(), "phone.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(runChromium(t, bin, file, "--dump-dom", "--window-size=400,2000"))
	m := regexp.MustCompile(`width=(\d+) scroll=(\d+) over=([^<]*)`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the measuring script did not run:\n%.500s", dom)
	}
	if m[1] != m[2] {
		t.Errorf("at a phone's width the page is %s pixels wide for a window of %s; too wide: %s", m[2], m[1], m[3])
	}
}
