// Package atomicfile writes files so that no reader ever sees one half
// written: the content goes to a temporary file in the target's folder,
// which is renamed over the target once it is complete. signinspect writes
// every report and redacted copy through it.
//
// A write that is cancelled (its context done, as on Ctrl-C) stops at the
// next write call and leaves no temporary file; a process that has to exit
// before its writes return calls RemoveTemporary first.
package atomicfile

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Write is WriteContext with a context that is never done.
func Write(path string, perm fs.FileMode, write func(io.Writer) error) error {
	return WriteContext(context.Background(), path, perm, write)
}

// WriteContext writes the file at path with what write writes. The file
// gets the mode perm less the process's umask, as os.Create gives it,
// whether or not path existed before. When path is a symbolic link, the
// file it points to (through any chain of links) is written and the link
// is kept, as a shell's > redirection does. When write or any step fails,
// or ctx is done before the file is complete, the target is left as it was
// and no temporary file remains. The folder must exist.
func WriteContext(ctx context.Context, path string, perm fs.FileMode, write func(io.Writer) error) error {
	target, err := resolveLinks(path)
	if err != nil {
		return err
	}
	return writeTemp(ctx, target, perm, write, func(tmp string) error { return os.Rename(tmp, target) })
}

// WriteNew is WriteContext for a file that must not exist yet: it never
// replaces a file, and fails with an error that wraps fs.ErrExist when path
// exists (as a file, a link or anything else). The complete file appears
// at once, as with WriteContext.
func WriteNew(ctx context.Context, path string, perm fs.FileMode, write func(io.Writer) error) error {
	if _, err := os.Lstat(path); err == nil {
		return &fs.PathError{Op: "write", Path: path, Err: fs.ErrExist}
	}
	// A hard link creates the name only if it is free, in one step; the
	// temporary name is removed afterwards.
	return writeTemp(ctx, path, perm, write, func(tmp string) error {
		err := os.Link(tmp, path)
		if errors.Is(err, fs.ErrExist) {
			return &fs.PathError{Op: "write", Path: path, Err: fs.ErrExist}
		}
		if err == nil {
			os.Remove(tmp)
		}
		return err
	})
}

// writeTemp writes a temporary file beside target with what write writes,
// and hands its complete, closed name to publish, which puts it in place.
// Whatever fails, and whenever ctx is done first, no temporary file
// remains.
func writeTemp(ctx context.Context, target string, perm fs.FileMode, write func(io.Writer) error, publish func(tmp string) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	tmp, err := createTemp(target, perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
		forget(tmp.Name())
	}()
	if err := write(&contextWriter{ctx: ctx, w: tmp}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return publish(tmp.Name())
}

// maxLinks bounds a chain of symbolic links, as the kernel's ELOOP does.
const maxLinks = 40

// resolveLinks returns the file that path names once symbolic links are
// followed: path itself when it is not a link or does not exist, or the
// end of its chain of links, which need not exist yet.
func resolveLinks(path string) (string, error) {
	p := path
	for range maxLinks {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = link
	}
	return "", &fs.PathError{Op: "write", Path: path, Err: fmt.Errorf("more than %d symbolic links to follow", maxLinks)}
}

// contextWriter fails every write once its context is done, so that a
// cancelled render or copy stops at its next write.
type contextWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *contextWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// NewContextWriter returns a writer that writes to w until ctx is done, and
// from then on fails with ctx's error. Output to standard output goes
// through it, so that Ctrl-C stops a report midway there too.
func NewContextWriter(ctx context.Context, w io.Writer) io.Writer {
	return &contextWriter{ctx: ctx, w: w}
}

// temporary holds the temporary files being written, for RemoveTemporary.
var temporary struct {
	sync.Mutex
	names map[string]struct{}
}

func remember(name string) {
	temporary.Lock()
	defer temporary.Unlock()
	if temporary.names == nil {
		temporary.names = map[string]struct{}{}
	}
	temporary.names[name] = struct{}{}
}

func forget(name string) {
	temporary.Lock()
	defer temporary.Unlock()
	delete(temporary.names, name)
}

// RemoveTemporary removes the temporary files of the writes under way. A
// process that must exit without waiting for its writes (a second Ctrl-C,
// a cancelled write that does not return) calls it so that no temporary
// file is left behind; the targets keep their old content.
func RemoveTemporary() {
	temporary.Lock()
	defer temporary.Unlock()
	for name := range temporary.names {
		os.Remove(name)
		delete(temporary.names, name)
	}
}

// createTemp creates a new file beside path, with mode perm: opening it
// with O_CREATE lets the kernel apply the umask, which os.CreateTemp's
// fixed 0600 would not. The name starts with a dot, so that folder walks
// (signinspect's own among them) pass it over.
func createTemp(path string, perm fs.FileMode) (*os.File, error) {
	dir, base := filepath.Split(path)
	for range 10 {
		name := filepath.Join(dir, "."+base+".tmp-"+rand.Text()[:10])
		// The name is remembered before the file exists, so that
		// RemoveTemporary cannot miss a file created at the same moment.
		remember(name)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			return f, nil
		}
		forget(name)
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return nil, &fs.PathError{Op: "create temporary file for", Path: path, Err: fs.ErrExist}
}
