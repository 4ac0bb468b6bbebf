package storage

import (
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// TestUndo_LeechRestoresFlags: a leech rating suspends and flags the card
// (Flags.Leeched) and keeps what the flags were in FlagsBefore; undoing it
// puts them back exactly, so a flag set before the rating stays (issue 11,
// item 9) and a burial too.
func TestUndo_LeechRestoresFlags(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	c := stateOf(t, s, "ml", "b")
	buried := time.Date(2024, 1, 3, 4, 0, 0, 0, time.UTC)
	mine := Flags{Flagged: true, BuriedUntil: buried}
	if err := s.SetFlags("ml", "b", mine); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)
	after := c.FSRS
	after.Lapses, after.State, after.LastReview, after.Due = 8, fsrs.Relearning, now, now.Add(10*time.Minute)
	r, err := s.Rate(Review{Deck: "ml", Card: "b", At: now, Rating: fsrs.Again, Before: c.FSRS, After: after, Leech: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.FlagsBefore.Flagged != true || !r.FlagsBefore.BuriedUntil.Equal(buried) || r.FlagsBefore.Suspended {
		t.Errorf("FlagsBefore = %+v, want %+v", r.FlagsBefore, mine)
	}
	got := stateOf(t, s, "ml", "b").Flags
	if !got.Suspended || !got.Flagged || !got.BuriedUntil.Equal(buried) {
		t.Errorf("leech flags %+v: want suspended, flagged, burial kept", got)
	}
	if err := s.Undo(r); err != nil {
		t.Fatal(err)
	}
	got = stateOf(t, s, "ml", "b").Flags
	if got.Suspended || !got.Flagged || !got.BuriedUntil.Equal(buried) {
		t.Errorf("after undo %+v, want %+v", got, mine)
	}
}
