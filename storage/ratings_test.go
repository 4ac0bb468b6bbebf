package storage

import (
	"errors"
	"testing"
	"time"
)

// TestStore_ScanRatings checks that ScanRatings gives, entry by entry in
// the same order, what Reviews gives of each (time, rating, state before,
// deck), with one Card value per card and different ones for different
// cards, over two decks and more than one batch; and that fn's error
// comes back as it is.
func TestStore_ScanRatings(t *testing.T) {
	s := openTest(t)
	if _, err := s.Import(testDeck("a", "b", "c"), Source{Hash: "x"}, t0, false); err != nil {
		t.Fatal(err)
	}
	other := testDeck("a", "x")
	other.ID = "other"
	if _, err := s.Import(other, Source{Hash: "y"}, t0, false); err != nil {
		t.Fatal(err)
	}
	rs := synthReviews([]string{"a", "b", "c"}, 1300)
	for i := range rs {
		if i%5 == 0 {
			rs[i].Deck, rs[i].Card = "other", []string{"a", "x"}[i/5%2]
		}
	}
	if err := s.bulkAppend(rs); err != nil {
		t.Fatal(err)
	}
	var want []Review
	if err := s.Reviews(time.Time{}, time.Time{}, func(r Review) error { want = append(want, r); return nil }); err != nil {
		t.Fatal(err)
	}
	var got []LogRating
	batches := 0
	err := s.ScanRatings(func(b []LogRating) error {
		batches++
		got = append(got, b...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(got) != len(rs) || batches < 2 {
		t.Fatalf("%d entries in %d batches, Reviews gave %d, want %d", len(got), batches, len(want), len(rs))
	}
	cardOf := map[string]uint64{}
	numOf := map[uint64]string{}
	for i, g := range got {
		w := want[i]
		if g.At != w.At.UnixNano() || g.Rating != w.Rating || g.State != w.Before.State || g.Deck != w.Deck {
			t.Fatalf("entry %d: %+v, want %s/%s at %v rated %d from state %d", i, g, w.Deck, w.Card, w.At, w.Rating, w.Before.State)
		}
		key := w.Deck + "/" + w.Card
		if c, ok := cardOf[key]; ok && c != g.Card {
			t.Fatalf("entry %d: card %s is %d, earlier %d", i, key, g.Card, c)
		}
		if k, ok := numOf[g.Card]; ok && k != key {
			t.Fatalf("entry %d: card %d is %s, earlier %s", i, g.Card, key, k)
		}
		cardOf[key], numOf[g.Card] = g.Card, key
	}
	if len(cardOf) != 5 {
		t.Errorf("%d cards, want ml/a, ml/b, ml/c, other/a, other/x", len(cardOf))
	}
	stop := errors.New("stop")
	if err := s.ScanRatings(func([]LogRating) error { return stop }); err != stop {
		t.Errorf("ScanRatings returned %v, want fn's error", err)
	}
}
