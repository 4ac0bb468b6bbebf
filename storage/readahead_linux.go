package storage

import (
	"os"

	"golang.org/x/sys/unix"
)

// ReadAhead asks the kernel to start reading the whole file at path into
// the page cache, and returns without waiting (POSIX_FADV_WILLNEED); it
// maps nothing in. For a reader that touches pages all over the file but
// not all of them (flash stats with a log summary: the card states and the
// last month of the log): bbolt's mapping is MADV_RANDOM, so on a cold
// cache each page it touches would be one read of its own, while the
// kernel reads a file ahead in large requests. On a warm cache it costs a
// look-up of the file's pages. Errors are ignored: it is only a hint.
func ReadAhead(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_WILLNEED)
	f.Close()
}
