package storage

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// dueValues counts the due index entries of the file at path with an
// empty value and those holding a copy of their card's state value; it
// fails on any other value.
func dueValues(t *testing.T, path string) (empty, copies int) {
	t.Helper()
	raw := rawBuckets(t, path)
	for k, v := range raw["due"] {
		if v == "" {
			empty++
			continue
		}
		// The key ends in the card's id after the kind byte and its 4
		// or 8 bytes; find the state whose key matches.
		deckID, rest, _ := strings.Cut(k, "\x00")
		width := 8
		if rest[0] == idxNew {
			width = 4
		}
		sv, ok := raw["state"][deckID+"\x00"+rest[1+width:]]
		if !ok || sv != v {
			t.Fatalf("due index entry %q holds %q, not its card's state", k, v)
		}
		copies++
	}
	return empty, copies
}

// TestDueIndex_EmptyValues: the due index entries this flash writes (import,
// a flush of pending moves, the migration) hold no copy of the state; a
// database whose entries main's flash wrote with copies (the schema 2
// testdata) gives the same due states, which come from the state bucket:
// a copy that no longer matches the state is never returned, and the
// consistency check reports it.
func TestDueIndex_EmptyValues(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

	// A new deck: every entry empty.
	newPath := filepath.Join(t.TempDir(), "new.db")
	s, err := Open(newPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(testDeck("a", "b", "c", "d"), Source{}, now, false); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(s.Check(), s.Close()); err != nil {
		t.Fatal(err)
	}
	if empty, copies := dueValues(t, newPath); empty != 4 || copies != 0 {
		t.Errorf("after import: %d empty entries, %d copies", empty, copies)
	}

	// Main's database: copies, read as before.
	path := filepath.Join(t.TempDir(), "flash.db")
	gunzipTo(t, v2Small, path)
	_, copies := dueValues(t, path)
	if copies < 300 {
		t.Fatalf("testdata holds %d due index entries with copies", copies)
	}
	if s, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"gen", "ml-papers"} {
		checkDueStatesOf(t, s, d, now, "main's copies")
	}
	// Ratings move index entries (at Close): the moved ones are empty,
	// the others keep their copies, and the day reads the same.
	all, err := s.States("gen")
	if err != nil {
		t.Fatal(err)
	}
	rated := 0
	for _, cs := range all {
		if rated == 32 || cs.Retired || cs.Suspended {
			continue
		}
		if _, err := s.Rate(Review{Deck: cs.Deck, Card: cs.ID, At: now, Rating: 3, Before: cs.FSRS, After: cs.FSRS}); err != nil {
			t.Fatal(err)
		}
		rated++
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"gen", "ml-papers"} {
		checkDueStatesOf(t, s, d, now, "after ratings")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	empty, left := dueValues(t, path)
	if empty < rated || left == 0 || left >= copies {
		t.Errorf("after %d ratings: %d empty entries, %d copies (of %d)", rated, empty, left, copies)
	}

	// A copy that is not the card's state (none is written, but a file
	// could hold one): DueStates returns the state, Check names it.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var victim, other []byte
	err = db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDue).Cursor()
		for k, v := c.Seek([]byte("gen\x00r")); k != nil && strings.HasPrefix(string(k), "gen\x00r"); k, v = c.Next() {
			if len(v) > 0 && victim == nil {
				victim = append([]byte(nil), k...)
			} else if len(v) > 0 && other == nil {
				other = append([]byte(nil), v...)
			}
		}
		if victim == nil || other == nil {
			t.Fatal("no two review entries with copies")
		}
		return tx.Bucket(bucketDue).Put(victim, other)
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	checkDueStatesOf(t, s2, "gen", now, "a stale copy")
	if err := s2.Check(); err == nil || !strings.Contains(err.Error(), "holds another state") {
		t.Errorf("Check with a stale copy in %q: %v", victim, err)
	}
}
