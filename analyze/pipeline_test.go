package analyze

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/signinspect/signinspect/internal/benchgen/synth"
)

// waitGoroutines waits until no more than n goroutines run, and fails when
// they do not end.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines left, want %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPipelineStopsOnFatalError checks that an input that cannot be read on
// ends the run with its error, whatever the inputs after it, and leaves no
// goroutine behind.
func TestPipelineStopsOnFatalError(t *testing.T) {
	dir := t.TempDir()
	good := generatedExport(t, dir, "a.jsonl", synth.FormatJSONL, 2000)
	bad := filepath.Join(dir, "b.json")
	// A pretty-printed array cut off inside a record: a framing error that
	// ends the input.
	if err := os.WriteFile(bad, []byte("[\n  {\n    \"id\": \"1\",\n    \"createdDateTime\": \"2025-11-20T10:00:00Z\"\n  },\n  {\n    \"id\": [}\n]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := generatedExport(t, dir, "c.jsonl", synth.FormatJSONL, 2000)
	before := runtime.NumGoroutine()
	for _, workers := range []int{1, 2, 5} {
		_, err := Run(context.Background(), []string{good, bad, later}, Options{Filter: Filter{Flow: FlowAny}, Workers: workers})
		if err == nil || !strings.Contains(err.Error(), "b.json") {
			t.Fatalf("%d workers: error %v, want one naming b.json", workers, err)
		}
		waitGoroutines(t, before)
	}
}

// TestPipelineCancel checks that a cancelled run returns the context's
// error and leaves no goroutine behind.
func TestPipelineCancel(t *testing.T) {
	dir := t.TempDir()
	p := generatedExport(t, dir, "a.jsonl", synth.FormatJSONL, 5000)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, []string{p}, Options{Filter: Filter{Flow: FlowAny}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	waitGoroutines(t, before)
	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := Run(ctx, []string{p, p, p, p}, Options{Filter: Filter{Flow: FlowAny}}); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want none or context.DeadlineExceeded", err)
	}
	waitGoroutines(t, before)
}

// TestPipelineStrictStopsAtFirstMalformed checks that --strict reports the
// first malformed record in input order, whatever worker meets it first.
func TestPipelineStrictStopsAtFirstMalformed(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.jsonl")
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		switch i {
		case 1500:
			b.WriteString(`{"id":"x1","createdDateTime":"not a time","userPrincipalName":"a@b.c"}` + "\n")
		case 2500:
			b.WriteString(`{"id":"x2","createdDateTime":"also not","userPrincipalName":"a@b.c"}` + "\n")
		default:
			b.WriteString(`{"id":"r","createdDateTime":"2025-11-20T10:00:00Z","userPrincipalName":"a@b.c","isInteractive":false}` + "\n")
		}
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 3} {
		_, err := Run(context.Background(), []string{p}, Options{Filter: Filter{Flow: FlowAny}, Strict: true, Workers: workers})
		if err == nil || !strings.Contains(err.Error(), ":1501") {
			t.Fatalf("%d workers: error %v, want the record on line 1501", workers, err)
		}
	}
}
