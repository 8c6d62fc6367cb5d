package cmd

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/parse"
)

// syncBuffer is a bytes.Buffer safe for the progress writer's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestNewProgressOnlyOnATerminal(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	for _, c := range []struct {
		name string
		tty  bool
		env  map[string]string
		want bool
	}{
		{"terminal", true, nil, true},
		{"pipe", false, nil, false},
		{"CI", true, map[string]string{"CI": "true"}, false},
		{"dumb terminal", true, map[string]string{"TERM": "dumb"}, false},
	} {
		ios, _, _, _ := Test()
		ios.StderrTTY, ios.Getenv = c.tty, env(c.env)
		if got := newProgress(ios) != nil; got != c.want {
			t.Errorf("%s: progress bar %v, want %v", c.name, got, c.want)
		}
	}
	var nilBar *progressBar
	nilBar.Stop() // Safe on nil, as analyzeRun relies on.
}

// openSample opens a sample input for reading.
func openSample(t *testing.T, rel string) *parse.Reader {
	t.Helper()
	inputs, err := parse.Expand([]string{filepath.Join(samplesDir, rel)}, parse.Options{})
	if err != nil || len(inputs) != 1 {
		t.Fatalf("expand %s: %v (%d inputs)", rel, err, len(inputs))
	}
	r, err := parse.Open(inputs[0], parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestProgressSumsOpenReaders checks that the bytes read are the sum over
// every open reader plus the inputs already done, as when inputs are read
// in parallel.
func TestProgressSumsOpenReaders(t *testing.T) {
	p := &progressBar{open: map[*parse.Reader]struct{}{}}
	a := openSample(t, "portal-json/NonInteractiveSignIns_2026-11-16_2026-11-22.json")
	b := openSample(t, "graph/mes-sof-elk/SignInLogs-Combined.json")
	p.Open(a)
	p.Open(b)
	for _, r := range []*parse.Reader{a, b} {
		if _, err := parse.ReadAll(r); err != nil {
			t.Fatal(err)
		}
	}
	if a.BytesRead() == 0 || b.BytesRead() == 0 {
		t.Fatal("the readers count no bytes")
	}
	if read, _, _, _ := p.state(); read != a.BytesRead()+b.BytesRead() {
		t.Errorf("read %d, want %d + %d", read, a.BytesRead(), b.BytesRead())
	}
	p.Done(a)
	p.Done(a) // Twice: counted once.
	if read, _, done, _ := p.state(); read != a.BytesRead()+b.BytesRead() || done != 1 {
		t.Errorf("after one input is done: read %d, done %d", read, done)
	}
}

// TestProgressDuringAnalysis runs an analysis of the samples with a bar
// that shows at once, and checks what it wrote: the inputs, records and
// bytes of the whole run, then an erase of its line.
func TestProgressDuringAnalysis(t *testing.T) {
	out := &syncBuffer{}
	// No delay: the bar shows at once, as it does on a long run.
	p := &progressBar{out: out, width: 120, open: map[*parse.Reader]struct{}{}}
	rep, err := analyze.Run(context.Background(), []string{samplesDir}, analyze.Options{
		Filter: analyze.Filter{Apps: []string{analyze.AppAny}, Flow: analyze.FlowAny}, Progress: p})
	if err != nil {
		t.Fatal(err)
	}
	p.Stop()
	got := out.String()
	// Every input that could be opened counts once, with all its bytes.
	var want int64
	opened := 0
	inputs, _ := parse.Expand([]string{samplesDir}, parse.Options{})
	for _, in := range inputs {
		r, err := parse.Open(in, parse.Options{})
		if err != nil {
			continue
		}
		_, _ = parse.ReadAll(r)
		want += r.BytesRead()
		opened++
		r.Close()
	}
	read, total, done, n := p.state()
	if read != want || done != opened || n != len(inputs) || total <= 0 {
		t.Errorf("after the run: read %d bytes (want %d), %d inputs done (want %d), %d inputs (want %d)", read, want, done, opened, n, len(inputs))
	}
	for _, want := range []string{
		analyze.Count(len(inputs)) + "/" + analyze.Count(len(inputs)) + " inputs · " + analyze.Count(rep.Summary.Read) + " records",
		"done!",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the progress output lacks %q:\n%q", want, got)
		}
	}
	if !strings.HasSuffix(got, "\x1b[A\x1b[K") {
		t.Errorf("the bar is not erased at the end: %q", got[max(0, len(got)-40):])
	}
	p.Stop() // A second Stop does nothing.
	if out.String() != got {
		t.Error("a second Stop wrote more")
	}
}

// TestProgressQuietWhenQuick checks that a run shorter than the delay
// writes nothing at all.
func TestProgressQuietWhenQuick(t *testing.T) {
	ios, _, _, _ := Test()
	ios.StderrTTY = true
	out := &syncBuffer{}
	ios.ErrOut = out
	p := newProgress(ios)
	p.Start(nil, 0)
	p.Stop()
	if out.String() != "" {
		t.Errorf("a quick run wrote %q", out.String())
	}
}
