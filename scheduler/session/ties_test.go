package session

import (
	"fmt"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
)

// TestFillTies: a plan's due dates (savedDay.apply) can put a review card
// the queue has as its due index entry says at the same time as another
// review card of its deck; the queue orders those by Order, which the
// entry does not hold, so fillTies reads them whole, and only them.
func TestFillTies(t *testing.T) {
	day0 := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
	st := importCards(t, 20, day0)
	// Twenty ratings: the index has moved the entries of the first ones
	// (storage's deferIndex), which DueCards then gives as indexed.
	for i := range 20 {
		id := fmt.Sprintf("c%d", i)
		cs, err := st.StatesOf("d", []string{id})
		if err != nil {
			t.Fatal(err)
		}
		after := cs[0].FSRS
		after.State, after.Stability, after.Difficulty, after.Reps = fsrs.Review, 3, 5, 1
		after.LastReview, after.Due, after.ScheduledDays = day0, day0.Add(time.Duration(72+i)*time.Hour), 3
		if _, err := st.Rate(storage.Review{Deck: "d", Card: id, At: day0, Rating: fsrs.Good, Before: cs[0].FSRS, After: after}); err != nil {
			t.Fatal(err)
		}
	}
	now := day0.Add(100 * time.Hour)
	cs, err := st.DueCards("d", scheduler.NextStudyDay(now), scheduler.StudyDay(now))
	if err != nil {
		t.Fatal(err)
	}
	s := &Session{st: st, cards: map[string]*storage.CardState{}}
	var items []scheduler.Item
	for i := range cs {
		if !cs[i].IndexOnly && cs[i].ID < "c4" && len(cs[i].ID) == 2 {
			t.Fatalf("%s whole: the test needs c0…c3 as indexed", cs[i].ID)
		}
		s.cards[cs[i].Key()] = &cs[i]
		items = append(items, itemOf(&cs[i]))
	}
	// A plan moves c2 to c0's due time; the others keep theirs.
	var tie time.Time
	for _, it := range items {
		if it.Key == "d/c0" {
			tie = it.Card.Due
		}
	}
	for k := range items {
		if items[k].Key == "d/c2" {
			items[k].Card.Due = tie
			items[k].Order = 2 // a plan keeps a review card's Order (c2 is third in the file)
			s.shown = map[string]shownAs{"d/c2": {tie, 2}}
		}
	}
	if err := s.fillTies(items); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		c := s.cards[it.Key]
		wantWhole := it.Key == "d/c0" || it.Key == "d/c2"
		if it.Key > "d/c3" || len(it.Key) > 4 {
			continue // c4…c19: some pending, whole
		}
		if c.IndexOnly == wantWhole {
			t.Errorf("%s: read whole %v, want %v", it.Key, !c.IndexOnly, wantWhole)
		}
		if wantWhole && (it.Order != c.Order || it.Card.Stability != 3 || it.Question != "q" || !it.Card.Due.Equal(tie)) {
			t.Errorf("%s: item %+v after fillTies, want the card whole at %v", it.Key, it, tie)
		}
	}
}
