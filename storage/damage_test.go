package storage

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestPanic_BugIsNoDamage: a panic of flash's own code inside a
// transaction is a bug, not a damaged database (issue 11, item 12): it
// goes on as a panic instead of becoming "not a flash database or is
// damaged", and the write transaction it interrupts is rolled back.
func TestPanic_BugIsNoDamage(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	before := stateOf(t, s, "ml", "a")
	catch := func(name string, fn func() error) {
		t.Helper()
		defer func() {
			if p := recover(); p == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		err := fn()
		t.Errorf("%s: returned %v instead of panicking", name, err)
	}
	catch("view", func() error {
		return s.view(func(*bolt.Tx) error { panic("a bug in flash") })
	})
	catch("update, nil map", func() error {
		return s.update(func(tx *bolt.Tx) error {
			f := before.Flags
			f.Flagged = true
			if _, err := modifyState(tx, &s.pend, "ml", "a", func(cs *CardState) error { cs.Flags = f; return nil }); err != nil {
				return err
			}
			var m map[string]int
			//lint:ignore SA5000 the bug this test needs
			m["x"]++ // a runtime error in flash's code
			return nil
		})
	})
	catch("update, nil pointer", func() error {
		return s.update(func(*bolt.Tx) error {
			var cs *CardState
			_ = cs.Deck // a nil dereference is no fault on the file
			return nil
		})
	})
	if got := stateOf(t, s, "ml", "a"); got.Flagged {
		t.Error("the interrupted transaction was written")
	}
	// The store still works.
	if err := s.SetFlags("ml", "a", Flags{Suspended: true}); err != nil {
		t.Fatal(err)
	}
}

// TestPanic_DamagedPageIsDamage: bbolt panicking on a page it cannot
// read is reported as a damaged database, not a bug.
func TestPanic_DamagedPageIsDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	importTest(t, s, testDeck())
	for i := range 200 {
		rateTest(t, s, "a", t0.Add(time.Duration(i)*time.Hour), 3)
	}
	var pageSize int
	var high int
	s.db.View(func(tx *bolt.Tx) error {
		pageSize, high = tx.DB().Info().PageSize, int(tx.Size())/tx.DB().Info().PageSize
		return nil
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Every page but the two meta pages and the freelist gets a page
	// type bbolt does not know.
	for id := 3; id < high; id++ {
		if _, err := f.WriteAt([]byte{0x99, 0x99}, int64(id*pageSize+8)); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	var s2 *Store
	s2, err = Open(path, Options{ReadOnly: true})
	if err == nil {
		defer s2.Close()
		_, err = s2.States("")
	}
	if !errors.Is(err, ErrNotFlash) {
		t.Fatalf("err = %v, want a damaged database (ErrNotFlash)", err)
	}
	if !errors.Is(err, errPanic) {
		t.Errorf("err = %v: not from bbolt's panic", err)
	}
}
