package gen

import (
	"os"

	"golang.org/x/sys/unix"
)

// Evict drops path's pages from the page cache, as after a reboot, so that
// the next read of it comes from the disk: the start of a cold-cache
// measurement.
func Evict(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}

// populate asks the kernel to read a whole mapping in at mmap time.
const populate = unix.MAP_POPULATE
