//go:build !linux

package storage

// renameNoReplace is not available here: Draft links instead.
func renameNoReplace(oldpath, newpath string) (ok bool, err error) { return false, nil }
