//go:build !linux

package storage

// ReadAhead is a hint only Linux takes here (see readahead_linux.go).
func ReadAhead(path string) {}
