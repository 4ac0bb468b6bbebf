//go:build !linux

package gen

import "errors"

// Evict drops path's pages from the page cache; it works on Linux only.
func Evict(string) error {
	return errors.New("evicting a file from the page cache works on Linux only")
}

const populate = 0
