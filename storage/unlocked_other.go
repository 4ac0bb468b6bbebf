//go:build !unix

package storage

// removeUnlocked cannot tell here whether a database file is open
// elsewhere, so it removes nothing.
func removeUnlocked(name string) {}
