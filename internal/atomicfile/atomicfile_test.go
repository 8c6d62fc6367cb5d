package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, []byte("an older, longer report"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, 0o666, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("file holds %q, want %q", got, "new")
	}
	assertOnly(t, dir, "report.json")
}

func TestWriteFailureLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	failing := errors.New("render failed")
	err := Write(path, 0o666, func(w io.Writer) error {
		_, _ = io.WriteString(w, "<!DOCTYPE html><p>half")
		return failing
	})
	if !errors.Is(err, failing) {
		t.Fatalf("Write = %v, want the writer's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("the old file became %q", got)
	}
	assertOnly(t, dir, "report.html")
	if err := Write(filepath.Join(dir, "missing", "r.html"), 0o666, func(io.Writer) error { return nil }); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}

// TestWriteHonoursUmask checks that the file gets perm less the umask, as
// os.Create would give it, and not a temporary file's 0600.
func TestWriteHonoursUmask(t *testing.T) {
	for _, c := range []struct {
		umask int
		perm  os.FileMode
		want  os.FileMode
	}{
		{0o022, 0o666, 0o644},
		{0o077, 0o666, 0o600},
		{0o002, 0o666, 0o664},
		{0o022, 0o600, 0o600},
	} {
		old := syscall.Umask(c.umask)
		path := filepath.Join(t.TempDir(), "out.csv")
		err := Write(path, c.perm, func(w io.Writer) error { return nil })
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != c.want {
			t.Errorf("umask %03o, perm %03o: mode %03o, want %03o", c.umask, c.perm, got, c.want)
		}
	}
}

func assertOnly(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != name {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the folder holds %v, want only %s", names, name)
	}
}
