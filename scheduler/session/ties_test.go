package session

import (
	"fmt"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
)

// TestSettle: settle reads whole, in one StatesOf per deck, the review
// cards the queue has as their due index entries say (storage.DueCards)
// whose place the entry does not settle, and only those:
//   - two cards due at the same time (c0, c1), or at the same time as a
//     card read whole (c5 and the pending c19): the queue orders ties by
//     Order, which an entry does not hold;
//   - a card a plan's due date puts at the same time as another (c2 moved
//     to c3's due date, savedDay.apply);
//   - a card due 24 hours or more after the day's start and before its end
//     (c4; a 25-hour day): it may have been reviewed in the day, which only
//     its LastReview says.
func TestSettle(t *testing.T) {
	day0 := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
	st := importCards(t, 20, day0)
	due := func(i int) time.Time { return day0.Add(time.Duration(72+i) * time.Hour) }
	// Twenty ratings: the store is closed and opened again before the
	// last (as when a session ends), which moves the index entries of the
	// others (storage's deferIndex): DueCards gives those as indexed; the
	// last one is pending, read whole.
	for i := range 20 {
		id := fmt.Sprintf("c%d", i)
		if i == 19 {
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			var err error
			if st, err = storage.Open(st.Path(), storage.Options{}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
		}
		cs, err := st.StatesOf("d", []string{id})
		if err != nil {
			t.Fatal(err)
		}
		after := cs[0].FSRS
		after.State, after.Stability, after.Difficulty, after.Reps = fsrs.Review, 3, 5, 1
		after.LastReview, after.Due, after.ScheduledDays = day0, due(i), 3
		switch i {
		case 1:
			after.Due = due(0)
		case 19:
			after.Due = due(5)
		}
		if _, err := st.Rate(storage.Review{Deck: "d", Card: id, At: day0, Rating: fsrs.Good, Before: cs[0].FSRS, After: after}); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := st.DueCards("d", day0.Add(200*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	reads := &countReads{Store: st}
	s := &Session{st: reads, cards: map[string]*storage.CardState{}}
	var items []scheduler.Item
	indexed := map[string]bool{}
	for i := range cs {
		indexed[cs[i].Key()] = cs[i].IndexOnly
		if !cs[i].IndexOnly && len(cs[i].ID) == 2 && cs[i].ID <= "c5" {
			t.Fatalf("%s whole: the test needs c0…c5 as indexed", cs[i].ID)
		}
		if cs[i].ID == "c19" && cs[i].IndexOnly {
			t.Fatal("c19 as indexed: the test needs it pending, whole")
		}
		s.cards[cs[i].Key()] = &cs[i]
		items = append(items, itemOf(&cs[i]))
	}
	for k := range items {
		if items[k].Key == "d/c2" {
			items[k].Card.Due = due(3)
			items[k].Order = 2 // a plan keeps a review card's Order (c2 is third in the file)
			s.shown = map[string]shownAs{"d/c2": {due(3), 2}}
		}
	}
	// A 25-hour day whose last hour holds c4's due date alone.
	dayStart := due(4).Add(-24*time.Hour - 30*time.Minute)
	if err := s.settle(items, dayStart, dayStart.Add(25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	whole := map[string]bool{"d/c0": true, "d/c1": true, "d/c2": true, "d/c3": true, "d/c4": true, "d/c5": true}
	for _, it := range items {
		c := s.cards[it.Key]
		if !indexed[it.Key] {
			continue // pending: whole from DueCards
		}
		if c.IndexOnly == whole[it.Key] {
			t.Errorf("%s: read whole %v, want %v", it.Key, !c.IndexOnly, whole[it.Key])
		}
		if whole[it.Key] && (it.Order != c.Order || it.Card.Stability != 3 || it.Question != "q") {
			t.Errorf("%s: item %+v after settle, want the card whole", it.Key, it)
		}
	}
	if it := items[indexOf(items, "d/c2")]; !it.Card.Due.Equal(due(3)) {
		t.Errorf("c2 due %v after settle, want the plan's %v", it.Card.Due, due(3))
	}
	if reads.statesOf != 1 {
		t.Errorf("%d StatesOf calls, want one for the deck", reads.statesOf)
	}
}

func indexOf(items []scheduler.Item, key string) int {
	for k := range items {
		if items[k].Key == key {
			return k
		}
	}
	return -1
}

// countReads counts StatesOf calls.
type countReads struct {
	*storage.Store
	statesOf int
}

func (c *countReads) StatesOf(deckID string, ids []string) ([]storage.CardState, error) {
	c.statesOf++
	return c.Store.StatesOf(deckID, ids)
}
