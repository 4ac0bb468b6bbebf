package storage

import (
	"errors"
	"strings"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// TestCacheSettings_DroppedWithChanges checks that a deck's cache settings
// go in the same transaction as every change of the deck's cards, log or
// settings, and stay through changes of other decks and through storing a
// setting's own value again.
func TestCacheSettings_DroppedWithChanges(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	other := testDeck("x", "y")
	other.ID = "other"
	importTest(t, s, other)
	if err := s.SetSetting("exam/ml", `{"date":"2024-02-01"}`); err != nil {
		t.Fatal(err)
	}
	mine, theirs := CacheKey("ml", "plan"), CacheKey("other", "plan")
	put := func() {
		t.Helper()
		for _, k := range []string{mine, theirs} {
			if err := s.SetSetting(k, "v "+k); err != nil {
				t.Fatal(err)
			}
		}
	}
	has := func(key string) bool {
		t.Helper()
		_, ok, err := s.Setting(key)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	check := func(what string, wantMine, wantTheirs bool) {
		t.Helper()
		if got := has(mine); got != wantMine {
			t.Errorf("after %s: ml's cache there %v, want %v", what, got, wantMine)
		}
		if got := has(theirs); got != wantTheirs {
			t.Errorf("after %s: other's cache there %v, want %v", what, got, wantTheirs)
		}
	}
	put()
	check("storing them", true, true)
	// Reading changes nothing; nor does storing a value a key has.
	if _, err := s.States("ml"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting("exam/ml", `{"date":"2024-02-01"}`); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSetting("weights/none"); err != nil {
		t.Fatal(err)
	}
	check("reads and no change", true, true)

	r := rateTest(t, s, "a", t0.Add(time.Hour), fsrs.Good)
	check("a rating", false, true)
	put()
	if err := s.Undo(r); err != nil {
		t.Fatal(err)
	}
	check("an undo", false, true)
	put()
	f := stateOf(t, s, "ml", "b").Flags
	f.Suspended = true
	if err := s.SetFlags("ml", "b", f); err != nil {
		t.Fatal(err)
	}
	check("a suspend", false, true)
	put()
	f.Suspended, f.BuriedUntil = false, t0.AddDate(0, 0, 1)
	if err := s.SetFlags("ml", "b", f); err != nil {
		t.Fatal(err)
	}
	check("a bury", false, true)
	put()
	changed := testDeck()
	changed.Cards[0].Back = "another back"
	if _, err := s.Import(changed, Source{Hash: "h2"}, t0.Add(2*time.Hour), false); err != nil {
		t.Fatal(err)
	}
	check("an import of a changed card", false, true)
	put()
	if _, err := s.Import(changed, Source{Hash: "h3"}, t0.Add(2*time.Hour), true); err != nil {
		t.Fatal(err)
	}
	check("a dry run", true, true)
	rateTestDeck(t, s, "other", "x", t0.Add(3*time.Hour))
	check("a rating in another deck", true, false)
	put()
	// Settings: the exam, weights, anything not a cache; set or deleted.
	if err := s.SetSetting("weights/ml", `{"weights":[]}`); err != nil {
		t.Fatal(err)
	}
	check("new weights", false, false)
	put()
	if err := s.SetSetting("exam/ml", `{"date":"2024-03-01"}`); err != nil {
		t.Fatal(err)
	}
	check("the exam set again", false, false)
	put()
	if err := s.DeleteSetting("exam/ml"); err != nil {
		t.Fatal(err)
	}
	check("the exam cleared", false, false)
	put()
	if err := s.DeleteSetting(mine); err != nil {
		t.Fatal(err)
	}
	check("deleting one cache", false, true)
}

// TestSetCaches checks that SetCaches stores a deck's cache settings and
// deletes the ones drop names, in that deck only, and that what it stores
// is a cache (dropped with the next rating).
func TestSetCaches(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	other := testDeck("x", "y")
	other.ID = "other"
	importTest(t, s, other)
	for _, k := range []string{CacheKey("ml", "plan/1"), CacheKey("ml", "plan/2"), CacheKey("ml", "keep"), CacheKey("other", "plan/1")} {
		if err := s.SetSetting(k, "old"); err != nil {
			t.Fatal(err)
		}
	}
	plan := func(name string) bool { return strings.HasPrefix(name, "plan/") }
	if err := s.SetCaches("ml", map[string]string{"plan/2": "two", "plan/3": "three"}, plan); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		CacheKey("ml", "plan/1"): "", CacheKey("ml", "plan/2"): "two", CacheKey("ml", "plan/3"): "three",
		CacheKey("ml", "keep"): "old", CacheKey("other", "plan/1"): "old",
	} {
		got, ok, err := s.Setting(k)
		if err != nil {
			t.Fatal(err)
		}
		if got != want || ok != (want != "") {
			t.Errorf("%s = %q (%v), want %q", k, got, ok, want)
		}
	}
	rateTest(t, s, "a", t0.Add(time.Hour), fsrs.Good)
	if _, ok, err := s.Setting(CacheKey("ml", "plan/3")); err != nil || ok {
		t.Errorf("a cache SetCaches stored outlives a rating (%v)", err)
	}
}

// rateTestDeck rates deckID/cardID Good at now.
func rateTestDeck(t *testing.T, s *Store, deckID, cardID string, now time.Time) {
	t.Helper()
	before := stateOf(t, s, deckID, cardID).FSRS
	info := fsrs.NewFSRS(fsrs.DefaultParam()).Next(before, now, fsrs.Good)
	if _, err := s.Rate(Review{Deck: deckID, Card: cardID, At: now, Rating: fsrs.Good, Before: before, After: info.Card}); err != nil {
		t.Fatal(err)
	}
}

func TestStatesOf(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	rateTest(t, s, "b", t0.Add(time.Hour), fsrs.Good)
	got, err := s.StatesOf("ml", []string{"c", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key() != "ml/c" || got[1].Key() != "ml/b" {
		t.Fatalf("StatesOf(c, b) = %+v", got)
	}
	for _, c := range got {
		want := stateOf(t, s, "ml", c.ID)
		if c.FSRS != want.FSRS || c.Question != want.Question || c.Order != want.Order || c.Flags != want.Flags {
			t.Errorf("%s: StatesOf %+v, States %+v", c.ID, c, want)
		}
	}
	if got[1].FSRS.State != fsrs.Learning && got[1].FSRS.State != fsrs.Review {
		t.Errorf("b after a rating: state %v", got[1].FSRS.State)
	}
	if _, err := s.StatesOf("ml", []string{"a", "nope"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown card: %v, want ErrNotFound", err)
	}
}
