package atomicfile

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// TestCancelledWriteLeavesNothing cancels the context in the middle of a
// write: the write fails with the context's error at its next write call,
// the old file stays, and no temporary file is left.
func TestCancelledWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "redacted.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	writes := 0
	err := WriteContext(ctx, path, 0o666, func(w io.Writer) error {
		for {
			if _, err := io.WriteString(w, "row\n"); err != nil {
				return err
			}
			if writes++; writes == 3 {
				cancel()
			}
		}
	})
	if !errors.Is(err, context.Canceled) || writes != 3 {
		t.Fatalf("WriteContext = %v after %d writes, want context.Canceled after 3", err, writes)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("the old file became %q", got)
	}
	assertOnly(t, dir, "redacted.csv")

	// A context done before the write starts writes nothing at all.
	err = WriteContext(ctx, filepath.Join(dir, "new.csv"), 0o666, func(io.Writer) error {
		t.Error("write called with a done context")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("WriteContext = %v", err)
	}
	assertOnly(t, dir, "redacted.csv")
}

// TestRemoveTemporary removes the temporary file of a write under way, as
// a process that exits on a second Ctrl-C does.
func TestRemoveTemporary(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	err := Write(path, 0o666, func(w io.Writer) error {
		if _, err := io.WriteString(w, "<p>half"); err != nil {
			return err
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("%d files during the write, want the temporary one", len(entries))
		}
		RemoveTemporary()
		return errors.New("interrupted")
	})
	if err == nil {
		t.Fatal("Write succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the folder holds %d files after RemoveTemporary", len(entries))
	}
}

// TestWriteThroughSymlink writes --out onto a symbolic link: the file the
// link points to (through a chain, or not yet existing) gets the content,
// and the link stays a link.
func TestWriteThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "shared", "report.json")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "report.json")
	chain := filepath.Join(dir, "latest.json")
	dangling := filepath.Join(dir, "next.json")
	for _, l := range [][2]string{{"shared/report.json", link}, {"report.json", chain}, {"shared/next.json", dangling}} {
		if err := os.Symlink(l[0], l[1]); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	for _, c := range []struct{ path, file string }{{link, target}, {chain, target}, {dangling, filepath.Join(dir, "shared", "next.json")}} {
		if err := Write(c.path, 0o666, func(w io.Writer) error {
			_, err := io.WriteString(w, "new "+filepath.Base(c.path))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(c.file); string(got) != "new "+filepath.Base(c.path) {
			t.Errorf("%s: %s holds %q", c.path, c.file, got)
		}
		if fi, err := os.Lstat(c.path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link: %v", c.path, err)
		}
	}
	loop := filepath.Join(dir, "loop.json")
	if err := os.Symlink("loop.json", loop); err != nil {
		t.Fatal(err)
	}
	if err := Write(loop, 0o666, func(io.Writer) error { return nil }); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("a link to itself: %v", err)
	}
}

// TestWriteNewNeverReplaces writes a new file, then refuses to write it
// again, or onto a link, and leaves no temporary file either way.
func TestWriteNewNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "my-rule.yaml")
	write := func(text string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, text); return err }
	}
	if err := WriteNew(context.Background(), path, 0o666, write("first")); err != nil {
		t.Fatal(err)
	}
	if err := WriteNew(context.Background(), path, 0o666, write("second")); !errors.Is(err, os.ErrExist) {
		t.Errorf("second WriteNew = %v, want ErrExist", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "first" {
		t.Errorf("the file holds %q", got)
	}
	assertOnly(t, dir, "my-rule.yaml")
	link := filepath.Join(t.TempDir(), "dangling.yaml")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), link); err == nil {
		if err := WriteNew(context.Background(), link, 0o666, write("x")); !errors.Is(err, os.ErrExist) {
			t.Errorf("WriteNew onto a dangling link = %v", err)
		}
	}
}
