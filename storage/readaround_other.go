//go:build !linux

package storage

// ReadAround is advice that only Linux takes here (see readaround_linux.go).
func (s *Store) ReadAround() {}

// Resident cannot tell here: it returns 1 (see readaround_linux.go).
func Resident(path string) float64 { return 1 }
