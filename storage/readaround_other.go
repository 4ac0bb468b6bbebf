//go:build !linux

package storage

// ReadAround is advice that only Linux takes here (see readaround_linux.go).
func (s *Store) ReadAround() {}
