// Package safefile writes the files flash writes beside its database (the
// review-log export, backups, the stats charts) so that nothing is lost:
// the database itself is never written, also not through a symbolic or
// hard link to it; an existing file is replaced only when asked to; and a
// file is written under a temporary name in its folder, synced, moved into
// place and its folder synced, so that after a crash or power cut name
// holds either its old content or the whole new one.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists is wrapped by the error for an existing file that Options.Force
// does not allow to replace.
var ErrExists = errors.New("already exists")

// ErrProtected is wrapped by the error for a file that is one of
// Options.Protect (the database), however it is named.
var ErrProtected = errors.New("is the database itself")

// Options say how Write may write.
type Options struct {
	// Force allows replacing an existing file.
	Force bool
	// Perm is the mode of the new file; 0 means 0o644.
	Perm fs.FileMode
	// Protect are files that must never be written or replaced: name
	// is refused when it is one of them, also through a symbolic link
	// or a hard link (the same file under another name).
	Protect []string
}

// Check refuses name as Write would, before any work is done: when it is
// one of o.Protect, a folder, a device, pipe or socket (even with
// o.Force), or exists and o.Force is not set. A name that
// does not exist yet is fine.
func Check(name string, o Options) error {
	li, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	fi := li
	if li.Mode()&fs.ModeSymlink != 0 {
		// The file the link leads to; a dangling link is an existing
		// name all the same.
		if si, err := os.Stat(name); err == nil {
			fi = si
		}
	}
	for _, p := range o.Protect {
		if pi, err := os.Stat(p); err == nil && (os.SameFile(fi, pi) || os.SameFile(li, pi)) {
			return fmt.Errorf("%s %w; choose another file", name, ErrProtected)
		}
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory, not a file", name)
	}
	if t := fi.Mode().Type(); t != 0 && t != fs.ModeSymlink { // a dangling link stays a name that exists
		// A device, a pipe or a socket (/dev/null, /dev/stdout, a FIFO):
		// Write replaces the name by a new file, which would put a plain
		// file where the device was.
		return fmt.Errorf("%s is not a regular file (%s); write to a file", name, fi.Mode().Type())
	}
	if !o.Force {
		return fmt.Errorf("%s %w; use --force to overwrite it", name, ErrExists)
	}
	return nil
}

// Write writes name with write, which fills the temporary file f (in
// name's folder, mode o.Perm) and may sync it itself. Then f is synced and
// closed, checked again (Check), moved to name and the folder synced. On
// error name is as it was and the temporary file is gone.
//
// Without o.Force the temporary file is hard-linked to name, which fails
// when name has appeared meanwhile; on a file system without hard links
// it is renamed after a last look.
func Write(name string, o Options, write func(f *os.File) error) (err error) {
	if err := Check(name, o); err != nil {
		return err
	}
	perm := o.Perm
	if perm == 0 {
		perm = 0o644
	}
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	err = f.Chmod(perm)
	if err == nil {
		err = write(f)
	}
	if err == nil {
		err = syncFile(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := Check(name, o); err != nil {
		return err
	}
	if o.Force {
		err = os.Rename(tmp, name)
	} else {
		err = os.Link(tmp, name)
		switch {
		case errors.Is(err, fs.ErrExist):
			return fmt.Errorf("%s %w; use --force to overwrite it", name, ErrExists)
		case err == nil:
			err = os.Remove(tmp)
		default:
			// No hard links here: a last look, then rename.
			if _, serr := os.Lstat(name); serr == nil {
				return fmt.Errorf("%s %w; use --force to overwrite it", name, ErrExists)
			}
			err = os.Rename(tmp, name)
		}
	}
	if err != nil {
		return err
	}
	// The new name is durable only once the folder is.
	return SyncDir(dir)
}

// syncFile is f.Sync; a variable so that the tests can see it called.
var syncFile = (*os.File).Sync

// SyncDir syncs a folder, so that the names created, renamed or removed in
// it survive a power cut.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = syncDir(d)
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// syncDir is d.Sync; a variable so that the tests can see it called.
var syncDir = (*os.File).Sync
