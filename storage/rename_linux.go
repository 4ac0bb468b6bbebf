package storage

import (
	"errors"

	"golang.org/x/sys/unix"
)

// renameNoReplace moves oldpath to newpath unless something is at
// newpath, in one step (renameat2 with RENAME_NOREPLACE). It reports
// whether it moved the file; ok is false, with no error, when the file
// system cannot do it (then nothing happened) and err wraps fs.ErrExist
// when newpath exists.
func renameNoReplace(oldpath, newpath string) (ok bool, err error) {
	err = unix.Renameat2(unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		return false, nil
	}
	return false, err
}
