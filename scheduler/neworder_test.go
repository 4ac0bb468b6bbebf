package scheduler_test

import (
	"slices"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
)

// dealItems is a deck whose questions' cards are mixed in the file:
// question a at Orders 0, 2, 7, 8; b at 1, 3; c at 4 (already introduced,
// due in a week), 5, 6.
func dealItems() []scheduler.Item {
	q := func(name string, order int, question string, c fsrs.Card) scheduler.Item {
		it := item(name, order, c)
		it.Question = question
		return it
	}
	return []scheduler.Item{
		q("a8", 8, "a", newCard()),
		q("c5", 5, "c", newCard()),
		q("a0", 0, "a", newCard()),
		q("b3", 3, "b", newCard()),
		q("a2", 2, "a", newCard()),
		q("c4", 4, "c", reviewCard(t0.Add(7*day))),
		q("c6", 6, "c", newCard()),
		q("a7", 7, "a", newCard()),
		q("b1", 1, "b", newCard()),
	}
}

func TestQueue_NewOrder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		order scheduler.NewOrder
		want  []string
	}{
		{"deck", scheduler.NewInDeckOrder, []string{"a0", "b1", "a2", "b3", "c5", "c6", "a7", "a8"}},
		// Turn 0: the first new card of a and b (c has had one already);
		// turn 1: the second of each, c's first new one; turn 2: a's and
		// c's next; then a's last. Within a turn, questions in the order
		// of their first card (a 0, b 1, c 4).
		{"interleaved", scheduler.NewInterleaved, []string{"a0", "b1", "a2", "b3", "c5", "a7", "c6", "a8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := policy(100, 200)
			p.NewOrder = tc.order
			q := scheduler.NewQueue(map[string]scheduler.Policy{"d": p}, dealItems(), nil, t0)
			// Easy sends a new card to review for days: each is shown once.
			if got := drain(t, q, t0, time.Second, fsrs.Easy, 20); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestQueue_NewInterleaved_Limit checks that the daily limit cuts the
// interleaved order, not the deck order: two new cards a day give a0 and
// b1 on the first day, then a2 and b3.
func TestQueue_NewInterleaved_Limit(t *testing.T) {
	p := policy(2, 200)
	p.NewOrder = scheduler.NewInterleaved
	items := dealItems()
	q := scheduler.NewQueue(map[string]scheduler.Policy{"d": p}, items, nil, t0)
	if got, want := drain(t, q, t0, time.Second, fsrs.Easy, 20), []string{"a0", "b1"}; !slices.Equal(got, want) {
		t.Fatalf("day 1: got %q, want %q", got, want)
	}
	// The next day, as a new session sees it: a0 and b1 are introduced,
	// so a and b each have one card less ahead of them than c.
	for i := range items {
		if k := items[i].Key; k == "d/a0" || k == "d/b1" {
			items[i].Card = reviewCard(t0.Add(30 * day))
		}
	}
	next := t0.Add(day)
	q = scheduler.NewQueue(map[string]scheduler.Policy{"d": p}, items, nil, next)
	if got, want := drain(t, q, next, time.Second, fsrs.Easy, 20), []string{"a2", "b3"}; !slices.Equal(got, want) {
		t.Fatalf("day 2: got %q, want %q", got, want)
	}
}

// TestQueue_NewInterleaved_RemoveAdd checks that a card put back by Add
// (undo of suspend or bury) keeps its turn, and that a card the queue has
// not seen gets the turn its question gives it.
func TestQueue_NewInterleaved_RemoveAdd(t *testing.T) {
	p := policy(100, 200)
	p.NewOrder = scheduler.NewInterleaved
	q := scheduler.NewQueue(map[string]scheduler.Policy{"d": p}, dealItems(), nil, t0)
	first, _ := q.Next(t0)
	removed, ok := q.Remove(first.Key)
	if !ok || removed.Key != "d/a0" {
		t.Fatalf("Remove(%q) = %q %v", first.Key, removed.Key, ok)
	}
	if it, _ := q.Next(t0); it.Key != "d/b1" {
		t.Fatalf("after Remove, Next = %q, want d/b1", it.Key)
	}
	q.Add(removed)
	// b10 is new to the queue: b has two new cards before it, so its
	// turn is 2, after a7 (question a comes first) and before c6.
	b10 := item("b10", 10, newCard())
	b10.Question = "b"
	q.Add(b10)
	want := []string{"a0", "b1", "a2", "b3", "c5", "a7", "b10", "c6", "a8"}
	if got := drain(t, q, t0, time.Second, fsrs.Easy, 20); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
