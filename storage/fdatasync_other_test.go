//go:build !linux

package storage

import "os"

// fdatasync stands for what bbolt calls to commit (fsync off Linux).
func fdatasync(f *os.File) error { return f.Sync() }
