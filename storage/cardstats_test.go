package storage

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
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
		s.Retired == c.Retired && s.Suspended == c.Suspended && s.Flagged == c.Flagged &&
		int(s.Order) == c.Order
}

// TestStore_CardStats checks that EachCardStat and CardStatsOf say, card
// by card and in the same order, what States says: for every deck and for
// all (and DeckSize counts them), with ratings, flags, burials, a retired card, two decks sharing a
// question id (two questions), and batches that reuse their memory.
func TestStore_CardStats(t *testing.T) {
	s := openTest(t)
	ids := []string{"a", "b", "c", "d"}
	for i := range 2*cardStatBatch + 7 {
		ids = append(ids, fmt.Sprintf("n%04d", i))
	}
	importTest(t, s, testDeck(ids...))
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
	m := len(ids)
	importTest(t, s, testDeck(slices.Delete(ids, 3, 4)...)) // d retired
	for deckID, n := range map[string]int{"ml": m, "ml-2": 2, "": m + 2, "none": 0} {
		states, err := s.States(deckID)
		if err != nil {
			t.Fatal(err)
		}
		// Each batch checked as it comes (the next reuses its memory).
		i, batches := 0, 0
		var cs *CardStats
		err = s.EachCardStat(deckID, func(b *CardStats) error {
			batches++
			for j := range b.Cards {
				if i >= len(states) || !statSays(b, j, &states[i]) {
					t.Errorf("%q card %d: stats %+v", deckID, i, b.Cards[j])
				}
				i++
			}
			cs = b
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if i != n || (n > cardStatBatch && batches < 2) {
			t.Errorf("%q: %d cards in %d batches, want %d", deckID, i, batches, n)
		}
		of, err := CardStatsOf(states)
		if err != nil {
			t.Fatal(err)
		}
		if len(states) != n || len(of.Cards) != n {
			t.Fatalf("%q: %d states, %d card stats; want %d", deckID, len(states), len(of.Cards), n)
		}
		for i := range states {
			if !statSays(of, i, &states[i]) {
				t.Errorf("%q card %d: stats %+v, state %+v", deckID, i, of.Cards[i], states[i])
			}
		}
		if deckID != "" {
			if size, err := s.DeckSize(deckID); err != nil || size != n {
				t.Errorf("%q: DeckSize %d (%v), want %d", deckID, size, err, n)
			}
		}
		if deckID == "" && len(cs.Questions) != 3 {
			t.Errorf("questions %+v, want ml/q1, ml-2/q1, ml-2/q2", cs.Questions)
		}
	}
	var seen [4]bool
	all, _ := s.States("")
	cs, _ := CardStatsOf(all)
	for _, c := range cs.Cards {
		seen[0] = seen[0] || c.Retired
		seen[1] = seen[1] || c.Suspended
		seen[2] = seen[2] || c.BuriedUntil != NoTime
		seen[3] = seen[3] || c.State == fsrs.Review
	}
	if seen != [4]bool{true, true, true, true} {
		t.Errorf("the cards do not exercise retired, suspended, buried, review: %v", seen)
	}
}

// TestStore_EachCardStat_Stops checks that an error from fn ends the scan
// and comes back as it is.
func TestStore_EachCardStat_Stops(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	stop := errors.New("stop")
	calls := 0
	err := s.EachCardStat("", func(*CardStats) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("EachCardStat = %v after %d calls, want stop after 1", err, calls)
	}
}

// TestDecodeCardStat_AsDecodeState checks that decodeCardStat, which reads
// a state value without making times or strings, says what decodeState
// says of it (through CardStatsOf), and fails where it fails: on random
// states with every flag, burial and last after, and on every prefix of
// them.
func TestDecodeCardStat_AsDecodeState(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	last := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for i := range 2000 {
		cs := CardState{Deck: "d", ID: fmt.Sprint("c", i), Question: fmt.Sprint("q", i%7), Order: i,
			FSRS: randCard(rng, last.Add(-time.Duration(rng.IntN(1e6))*time.Second)), Retired: i%11 == 0,
			Flags: Flags{Suspended: i%3 == 0, Flagged: i%5 == 0}}
		if i%4 == 0 {
			cs.BuriedUntil = last.Add(time.Duration(rng.IntN(100)) * time.Hour)
		}
		if i%6 == 0 {
			after := randCard(rng, last)
			cs.lastAfter = &after
		}
		v, err := encodeState(&cs, uint32(i))
		if err != nil {
			t.Fatal(err)
		}
		var dec CardState
		if _, err := decodeState(&dec, v, nil); err != nil {
			t.Fatal(err)
		}
		dec.Deck, dec.ID = cs.Deck, cs.ID
		st, q, err := decodeCardStat(v)
		if err != nil || string(q) != cs.Question {
			t.Fatalf("%d: decodeCardStat = question %q, %v", i, q, err)
		}
		var b cardStatsBuilder
		if err := b.addStat(cs.Deck, []byte(cs.ID), q, st); err != nil || !statSays(&b.cs, 0, &dec) {
			t.Errorf("%d: decodeCardStat says %+v, decodeState %+v", i, b.cs.Cards[0], dec)
		}
		for n := range len(v) {
			_, derr := decodeState(&dec, v[:n], nil)
			if _, _, err := decodeCardStat(v[:n]); (err == nil) != (derr == nil) || err != nil && err.Error() != derr.Error() {
				t.Errorf("%d: prefix of %d bytes: decodeCardStat %v, decodeState %v", i, n, err, derr)
			}
		}
	}
	if _, _, err := decodeCardStat([]byte{stateVersion + 1, 0}); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("a newer state version: %v", err)
	}
}
