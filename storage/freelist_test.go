package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"
)

// synced reports whether the file's current meta page points at a written
// list of free pages (readHeader, as Open reads it).
func synced(t *testing.T, path string) bool {
	t.Helper()
	h, err := readHeader(path)
	if err != nil {
		t.Fatal(err)
	}
	return h.freelistSynced
}

func rateN(t *testing.T, s *Store, n int, at time.Time) {
	t.Helper()
	states, err := s.States("ml")
	if err != nil {
		t.Fatal(err)
	}
	f := fsrs.NewFSRS(fsrs.DefaultParam())
	for i := range n {
		cs := states[i%len(states)]
		cur, err := s.StatesOf("ml", []string{cs.ID})
		if err != nil {
			t.Fatal(err)
		}
		before := cur[0].FSRS
		info := f.Next(before, at, fsrs.Good)
		if _, err := s.Rate(Review{Deck: "ml", Card: cs.ID, At: at, Rating: fsrs.Good, Before: before, After: info.Card}); err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Minute)
	}
}

// TestFreelist_WrittenAtClose checks freeListAtClose: commits of a store
// open read-write leave bbolt's list of free pages out (a rating writes
// one page fewer), Close writes it, and a store that wrote nothing does
// not commit at Close.
func TestFreelist_WrittenAtClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = fmt.Sprintf("card-%03d", i)
	}
	importTest(t, s, testDeck(ids...))
	rateN(t, s, 50, t0.AddDate(0, 0, 3))
	if synced(t, path) {
		t.Error("after ratings the file's meta points at a list of free pages: every commit writes it")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !synced(t, path) {
		t.Fatal("after Close the file has no list of free pages: the next open would walk the whole file")
	}
	sum := fileSum(t, path)

	// Open read-write, write nothing: Close commits nothing.
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.States("ml"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fileSum(t, path) != sum {
		t.Error("a store that wrote nothing committed at Close")
	}
}

// TestFreelist_RebuiltAfterCrash checks the price of freeListAtClose: a
// file left by a process that died before Close (a copy of it taken while
// the store is open) opens read-write with bbolt's list rebuilt to the
// same free pages, passes the checks, takes ratings, and has its list
// written at Close.
func TestFreelist_RebuiltAfterCrash(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flash.db")
	s := openAt(t, path)
	ids := make([]string, 300)
	for i := range ids {
		ids[i] = fmt.Sprintf("card-%03d", i)
	}
	importTest(t, s, testDeck(ids...))
	rateN(t, s, 120, t0.AddDate(0, 0, 3))
	// Move the pending cards' index entries as Close does, but leave the
	// list out: the copy is then what a process that died after that
	// commit leaves, and its open has no index to rebuild (which would
	// change the free pages; TestDueStates_Pending checks that).
	if err := s.update(func(tx *bolt.Tx) error { return flushIndex(tx, &s.pend) }); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(dir, "crashed.db")
	if err := os.WriteFile(crashed, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if synced(t, crashed) {
		t.Fatal("the crashed copy has a list of free pages: this test tests nothing")
	}
	st := s.db.Stats()
	want := st.FreePageN + st.PendingPageN
	want0, err := s.States("ml")
	if err != nil {
		t.Fatal(err)
	}

	c, err := Open(crashed, Options{})
	if err != nil {
		t.Fatalf("open the file of a process that died before Close: %v", err)
	}
	// bbolt's Open wrote the rebuilt list to one of the free pages.
	if st := c.db.Stats(); st.FreePageN+st.PendingPageN != want-1 {
		t.Errorf("rebuilt list has %d free pages besides its own, the store had %d", st.FreePageN+st.PendingPageN, want)
	}
	// bbolt's tx.Check finds a page both free and in use, or neither.
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	got, err := c.States("ml")
	if err != nil {
		t.Fatal(err)
	}
	for i := range want0 {
		if got[i].FSRS != want0[i].FSRS {
			t.Fatalf("card %s: state %+v after reopening, %+v before", got[i].ID, got[i].FSRS, want0[i].FSRS)
		}
	}
	rateN(t, c, 30, t0.AddDate(0, 0, 5))
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if !synced(t, crashed) {
		t.Error("no list of free pages after Close")
	}
}
