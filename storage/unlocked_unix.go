//go:build unix

package storage

import (
	"os"
	"syscall"
)

// removeUnlocked removes the file name unless a process holds its lock
// (bbolt locks a database file it has open with flock).
func removeUnlocked(name string) {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
		os.Remove(name)
	}
}
