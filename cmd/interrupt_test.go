package cmd

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/signinspect/signinspect/internal/benchgen/synth"
)

// interruptingWriter is a standard output whose first write interrupts the
// run, as a Ctrl-C that arrives while the report is being printed.
type interruptingWriter struct {
	cancel func(error)
	sig    os.Signal
	writes int
}

func (w *interruptingWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes == 1 {
		w.cancel(&Interrupt{Signal: w.sig})
	}
	return len(p), nil
}

// TestInterruptDuringRender interrupts analyze while it prints its report:
// the render stops at its next write, the run says "interrupted" and exits
// with the signal's code, never 0.
func TestInterruptDuringRender(t *testing.T) {
	for _, c := range []struct {
		sig  os.Signal
		code int
	}{{os.Interrupt, 130}, {syscall.SIGTERM, 143}} {
		ctx, cancel := context.WithCancelCause(context.Background())
		ios, _, _, errOut := Test()
		w := &interruptingWriter{cancel: cancel, sig: c.sig}
		ios.Out = w
		code := Run(ctx, ios, []string{"analyze", samplesDir, "--app", "any", "--flow", "any"})
		if code != c.code || errOut.String() != "signinspect: interrupted\n" {
			t.Errorf("%v: exit %d, stderr %q; want %d and only \"interrupted\"", c.sig, code, errOut, c.code)
		}
		if w.writes != 1 {
			t.Errorf("%v: the render went on for %d writes after the interrupt", c.sig, w.writes-1)
		}
	}
}

// TestInterruptedFileRenderLeavesNothing cancels a render into an --out
// file half-way: the old file stays and no temporary file is left.
func TestInterruptedFileRenderLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	err := writeOutput(ctx, io.Discard, path, func(w io.Writer) error {
		for i := 0; ; i++ {
			if _, err := io.WriteString(w, `{"row": 1},`); err != nil {
				return err
			}
			if i == 10 {
				cancel(&Interrupt{Signal: os.Interrupt})
			}
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("writeOutput = %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("the old report became %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files left, want only the old report", len(entries))
	}
}

// TestTerminalStdinIsRefused checks that "-" on a terminal is refused with
// a hint instead of waiting for input that never comes.
func TestTerminalStdinIsRefused(t *testing.T) {
	for _, command := range []string{"analyze", "redact"} {
		ios, _, _, errOut := Test()
		ios.StdinTTY = true
		args := []string{command, "-"}
		if command == "redact" {
			args = append(args, "--out", t.TempDir())
		}
		code := Run(context.Background(), ios, args)
		want := "signinspect: - reads an export from standard input, which is a terminal here: pipe one in (signinspect " + command + " - < export.json) or give its path\n"
		if code != ExitUsage || !strings.HasPrefix(errOut.String(), want) {
			t.Errorf("%s -: exit %d, stderr:\n%s\nwant:\n%s", command, code, errOut, want)
		}
	}
}

// buildOnce builds the signinspect binary once per test run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "signinspect-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "signinspect")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, "./signinspect").CombinedOutput()
		if err != nil {
			buildOnce.err = errors.New(string(out))
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

// writeExport writes a generated JSONL export of n sign-ins.
func writeExport(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	if _, err := synth.WriteExport(bw, synth.FormatJSONL, synth.New(synth.Config{Records: n, Seed: 1}), n); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls until cond holds or the process ends; it reports whether
// cond held.
func waitFor(cond func() bool, exited <-chan struct{}) bool {
	for {
		if cond() {
			return true
		}
		select {
		case <-exited:
			return cond()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// tempFiles lists the temporary files atomicfile leaves in dir while it
// writes.
func tempFiles(t *testing.T, dir string) []string {
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestSignalsEndTheProcess sends real signals to the binary: SIGTERM during
// redact's write pass, and SIGINT while analyze is blocked writing its
// report to a pipe nobody reads. Each exits with the signal's code, says
// "interrupted", and leaves no temporary file and no partial output file.
func TestSignalsEndTheProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX signals")
	}
	if testing.Short() {
		t.Skip("builds the binary and generates a large export")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	export := filepath.Join(dir, "signins.jsonl")
	writeExport(t, export, 60000)

	t.Run("SIGTERM during redact's write pass", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "redacted")
		cmd := exec.Command(bin, "redact", export, "--out", out)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		if !waitFor(func() bool { return len(tempFiles(t, out)) > 0 }, exited) {
			t.Fatal("the write pass ended before it could be interrupted")
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-exited
		if code := cmd.ProcessState.ExitCode(); code != 143 || stderr.String() != "signinspect: interrupted\n" {
			t.Errorf("exit %d, stderr %q; want 143 and \"interrupted\"", code, stderr.String())
		}
		if left := tempFiles(t, out); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
		if _, err := os.Stat(filepath.Join(out, "signins.jsonl")); err == nil {
			t.Error("a partial redacted copy was written")
		}
	})

	t.Run("SIGINT while the report blocks on a pipe", func(t *testing.T) {
		cmd := exec.Command(bin, "analyze", export, "--app", "any", "--flow", "any", "--top", "0", "-o", "json")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Read the first byte, so that the render is known to have begun,
		// then read no more: the pipe fills and the process blocks.
		if _, err := stdout.Read(make([]byte, 1)); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 130 || stderr.String() != "signinspect: interrupted\n" {
			t.Errorf("exit %d, stderr %q; want 130 and \"interrupted\"", code, stderr.String())
		}
		if d := time.Since(start); d > interruptGrace+3*time.Second {
			t.Errorf("took %v to stop", d)
		}
	})
}

// TestMain removes the binary buildBinary built.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildOnce.path != "" {
		os.RemoveAll(filepath.Dir(buildOnce.path))
	}
	os.Exit(code)
}
