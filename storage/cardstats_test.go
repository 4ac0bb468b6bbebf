package storage

import (
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// statSays reports whether CardStat i of cs says what c says.
func statSays(cs *CardStats, i int, c *CardState) bool {
	s := &cs.Cards[i]
	at := func(n int64, t time.Time) bool {
		if t.IsZero() {
			return n == NoTime
		}
		return n == t.UnixNano()
	}
	q := cs.Questions[s.Question]
	return cs.Decks[s.Deck] == c.Deck && cs.ID(i) == c.ID && cs.Key(i) == c.Key() &&
		cs.Decks[q.Deck] == c.Deck && q.ID == c.Question &&
		at(s.Due, c.FSRS.Due) && at(s.LastReview, c.FSRS.LastReview) && at(s.BuriedUntil, c.BuriedUntil) &&
		s.Stability == c.FSRS.Stability && s.Difficulty == c.FSRS.Difficulty && s.State == c.FSRS.State &&
		s.Retired == c.Retired && s.Suspended == c.Suspended && s.Flagged == c.Flagged
}

// TestStore_CardStats checks that CardStats and CardStatsOf say, card by
// card and in the same order, what States says: for every deck and for
// all, with ratings, flags, burials, a retired card and two decks sharing
// a question id (two questions).
func TestStore_CardStats(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck("a", "b", "c", "d"))
	other := testDeck("x", "y")
	other.ID = "ml-2"
	other.Questions = append(other.Questions, deck.Question{ID: "q2", Paper: "P", Text: "Q2?"})
	other.Cards[1].Question = "q2"
	importTest(t, s, other)
	rateTest(t, s, "a", t0.Add(time.Hour), fsrs.Good)
	rateTest(t, s, "b", t0.Add(2*time.Hour), fsrs.Again)
	rateTest(t, s, "a", t0.Add(50*time.Hour), fsrs.Easy)
	if err := s.SetFlags("ml", "c", Flags{Suspended: true, Flagged: true, BuriedUntil: t0.Add(20 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFlags("ml-2", "y", Flags{Flagged: true}); err != nil {
		t.Fatal(err)
	}
	importTest(t, s, testDeck("a", "b", "c")) // d retired
	for deckID, n := range map[string]int{"ml": 4, "ml-2": 2, "": 6, "none": 0} {
		states, err := s.States(deckID)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := s.CardStats(deckID)
		if err != nil {
			t.Fatal(err)
		}
		of, err := CardStatsOf(states)
		if err != nil {
			t.Fatal(err)
		}
		if len(states) != n || len(cs.Cards) != n || len(of.Cards) != n {
			t.Fatalf("%q: %d states, %d and %d card stats; want %d", deckID, len(states), len(cs.Cards), len(of.Cards), n)
		}
		for i := range states {
			if !statSays(cs, i, &states[i]) || !statSays(of, i, &states[i]) {
				t.Errorf("%q card %d: stats %+v / %+v, state %+v", deckID, i, cs.Cards[i], of.Cards[i], states[i])
			}
		}
		if deckID == "" && len(cs.Questions) != 3 {
			t.Errorf("questions %+v, want ml/q1, ml-2/q1, ml-2/q2", cs.Questions)
		}
	}
	var seen [4]bool
	all, _ := s.CardStats("")
	for _, c := range all.Cards {
		seen[0] = seen[0] || c.Retired
		seen[1] = seen[1] || c.Suspended
		seen[2] = seen[2] || c.BuriedUntil != NoTime
		seen[3] = seen[3] || c.State == fsrs.Review
	}
	if seen != [4]bool{true, true, true, true} {
		t.Errorf("the cards do not exercise retired, suspended, buried, review: %v", seen)
	}
}
