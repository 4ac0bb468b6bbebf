package storage

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOpen_SyncsEveryCommit: the store's bbolt handle syncs every commit
// (no NoSync, no NoGrowSync), for a new database and an existing one. The
// end-to-end proof, that a rating is synced before flash says "saved",
// is cmd/flash's TestDurable_RatingSynced, which traces the system calls.
func TestOpen_SyncsEveryCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "flash.db")
	for _, what := range []string{"new", "existing"} {
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.db.NoSync || s.db.NoGrowSync {
			t.Errorf("%s database: NoSync %v, NoGrowSync %v; every commit must be synced", what, s.db.NoSync, s.db.NoGrowSync)
		}
		s.Close()
	}
}

// TestMkdirAll: the folders a new database needs are made 0700, and a
// file where a folder should be is an error.
func TestMkdirAll(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "x", "y", "z")
	if err := mkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(root, "x"), filepath.Join(root, "x", "y"), dir} {
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v", d, fi, err)
		}
	}
	if err := mkdirAll(dir, 0o700); err != nil {
		t.Errorf("again: %v", err)
	}
	file := filepath.Join(root, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := mkdirAll(filepath.Join(file, "sub"), 0o700); err == nil {
		t.Error("made a folder under a file")
	}
}
