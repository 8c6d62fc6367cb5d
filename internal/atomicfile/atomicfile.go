// Package atomicfile writes files so that no reader ever sees one half
// written: the content goes to a temporary file in the target's folder,
// which is renamed over the target once it is complete. signinspect writes
// every report and redacted copy through it.
package atomicfile

import (
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes the file at path with what write writes. The file gets the
// mode perm less the process's umask, as os.Create gives it, whether or not
// path existed before. When write or any step fails, path is left as it
// was and no temporary file remains. The folder must exist.
func Write(path string, perm fs.FileMode, write func(io.Writer) error) (err error) {
	tmp, err := createTemp(path, perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// createTemp creates a new file beside path, with mode perm: opening it
// with O_CREATE lets the kernel apply the umask, which os.CreateTemp's
// fixed 0600 would not. The name starts with a dot, so that folder walks
// (signinspect's own among them) pass it over.
func createTemp(path string, perm fs.FileMode) (*os.File, error) {
	dir, base := filepath.Split(path)
	for range 10 {
		name := filepath.Join(dir, "."+base+".tmp-"+rand.Text()[:10])
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &fs.PathError{Op: "create temporary file for", Path: path, Err: fs.ErrExist}
}
