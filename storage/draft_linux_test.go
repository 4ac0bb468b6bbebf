package storage

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDraft_MovedToPath: a draft that Import completes is at its path
// under one name (moved, not linked, where the file system can: a process
// killed after Import leaves no second name of the database beside it).
func TestDraft_MovedToPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	dr, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dr.Import(testDeck(), Source{Hash: "h"}, t0); err != nil {
		t.Fatal(err)
	}
	// Before Close, which would remove a second name.
	if _, err := os.Lstat(dr.tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the draft's temporary name is still there after Import (%v)", err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	if st.Nlink != 1 {
		t.Errorf("%s has %d names, want 1", path, st.Nlink)
	}
	if err := dr.Close(); err != nil {
		t.Fatal(err)
	}
	s := openAt(t, path)
	if st, err := s.States(""); err != nil || len(st) != len(testDeck().Cards) {
		t.Fatalf("the moved database holds %d states (%v), want %d", len(st), err, len(testDeck().Cards))
	}
}
