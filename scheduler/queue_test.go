package scheduler_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
)

// Cards in each state, due at a given time.

func newCard() fsrs.Card { return fsrs.NewCard() }

func learningCard(due time.Time) fsrs.Card {
	return fsrs.Card{State: fsrs.Learning, Due: due, LastReview: due.Add(-10 * minute), Stability: 3.17, Difficulty: 5.28, Reps: 1}
}

func relearningCard(due time.Time) fsrs.Card {
	c := learningCard(due)
	c.State, c.Lapses, c.Reps = fsrs.Relearning, 1, 5
	return c
}

func reviewCard(due time.Time) fsrs.Card {
	return fsrs.Card{State: fsrs.Review, Due: due, LastReview: due.Add(-4 * day), Stability: 4.5, Difficulty: 5.27, ScheduledDays: 4, Reps: 2}
}

// item returns an item of deck "d" (or the deck before a slash in name)
// with key "deck/name".
func item(name string, order int, c fsrs.Card) scheduler.Item {
	deck, _, ok := strings.Cut(name, "/")
	if !ok {
		deck, name = "d", "d/"+name
	}
	return scheduler.Item{Key: name, Deck: deck, Order: order, Card: c}
}

func policy(newPerDay, reviewsPerDay int) scheduler.Policy {
	return scheduler.Policy{DesiredRetention: 0.9, NewPerDay: newPerDay, ReviewsPerDay: reviewsPerDay}
}

// rateNext rates the card Next gives at now with r and tells the queue.
func rateNext(t *testing.T, q *scheduler.Queue, now time.Time, r fsrs.Rating) (scheduler.Item, scheduler.Outcome) {
	t.Helper()
	it, ok := q.Next(now)
	if !ok {
		t.Fatalf("Next(%v): no card; counts %+v", now, q.Counts(now))
	}
	o := q.Scheduler(it.Deck).Rate(it.Key, it.Card, now, now, r)
	q.Rated(it.Key, it.Card, o.Card)
	return it, o
}

// drain rates every card the queue gives with r, starting at now and
// moving the clock by step after each, and returns the keys in order
// (without the "d/" of deck d).
func drain(t *testing.T, q *scheduler.Queue, now time.Time, step time.Duration, r fsrs.Rating, limit int) []string {
	t.Helper()
	var keys []string
	for range limit {
		if _, ok := q.Next(now); !ok {
			break
		}
		it, _ := rateNext(t, q, now, r)
		keys = append(keys, strings.TrimPrefix(it.Key, "d/"))
		now = now.Add(step)
	}
	return keys
}

func TestQueue_Order(t *testing.T) {
	items := []scheduler.Item{
		item("new-b", 2, newCard()),
		item("new-a", 1, newCard()),
		item("rev-later-today", 5, reviewCard(t0.Add(5*hour))),
		item("rev-tomorrow", 6, reviewCard(t0.Add(20*hour))), // 05:00 tomorrow: after the day ends at 04:00
		item("rev-hour-ago", 7, reviewCard(t0.Add(-hour))),
		item("rev-yesterday", 8, reviewCard(t0.Add(-day))),
		item("learn-1m-ago", 3, learningCard(t0.Add(-minute))),
		item("relearn-5m-ago", 4, relearningCard(t0.Add(-5*minute))),
		item("learn-in-30m", 9, learningCard(t0.Add(30*minute))),
	}
	q := scheduler.NewQueue(map[string]scheduler.Policy{"d": policy(20, 200)}, items, nil, t0)
	if got, want := q.Counts(t0), (scheduler.Counts{New: 2, Learning: 2, Review: 3}); got != want {
		t.Fatalf("Counts = %+v, want %+v", got, want)
	}
	// The clock stands still: the new cards' 10-minute steps are then
	// shown early at the end (learn-ahead); learn-in-30m is not.
	got := drain(t, q, t0, 0, fsrs.Good, 100)
	want := []string{
		"relearn-5m-ago", "learn-1m-ago", // learning due, earliest first
		"rev-yesterday", "new-a", "rev-hour-ago", "new-b", "rev-later-today", // reviews with new mixed in
		"new-a", "new-b", // their learning steps, 10 minutes ahead
	}
	if !slices.Equal(got, want) {
		t.Errorf("order\n got %q\nwant %q", got, want)
	}
	if got, want := q.Counts(t0), (scheduler.Counts{}); got != want {
		t.Errorf("Counts after = %+v, want %+v", got, want)
	}
	if next, ok := q.NextAvailable(t0); !ok || !next.Equal(t0.Add(10*minute)) {
		t.Errorf("NextAvailable = %v %v, want %v (learn-in-30m within 20 minutes)", next, ok, t0.Add(10*minute))
	}
}

func TestQueue_Order_Ties(t *testing.T) {
	due := t0.Add(-hour)
	items := []scheduler.Item{
		item("c", 1, reviewCard(due)),
		item("b", 1, reviewCard(due)),
		item("a", 2, reviewCard(due)),
		item("z", 0, reviewCard(due.Add(time.Second))),
		item("n2", 1, newCard()),
		item("n1", 1, newCard()),
	}
	want := []string{"b", "c", "n1", "a", "n2", "z"}
	rng := rand.New(rand.NewPCG(1, 2))
	// The input order does not matter.
	for i := range 10 {
		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		q := scheduler.NewQueue(map[string]scheduler.Policy{"d": policy(20, 200)}, items, nil, t0)
		if got := drain(t, q, t0, time.Second, fsrs.Good, 6); !slices.Equal(got, want) {
			t.Fatalf("shuffle %d: got %q, want %q", i, got, want)
		}
	}
}

func TestQueue_Next_Repeatable(t *testing.T) {
	q := scheduler.NewQueue(nil, []scheduler.Item{item("a", 0, newCard()), item("b", 1, reviewCard(t0))}, nil, t0)
	first, _ := q.Next(t0)
	for range 3 {
		if it, _ := q.Next(t0); it.Key != first.Key {
			t.Fatalf("Next changed from %q to %q without a rating", first.Key, it.Key)
		}
	}
}

func TestQueue_NewSpread(t *testing.T) {
	// 100 reviews and 20 new cards: a new card after every 4 or 5
	// reviews, from the start to the end, not all at the end.
	var items []scheduler.Item
	for i := range 100 {
		items = append(items, item(fmt.Sprintf("r%03d", i), i, reviewCard(t0.Add(-time.Duration(i)*minute))))
	}
	for i := range 30 {
		items = append(items, item(fmt.Sprintf("n%03d", i), 100+i, newCard()))
	}
	q := scheduler.NewQueue(map[string]scheduler.Policy{"d": policy(20, 200)}, items, nil, t0)
	// One second per card: the new cards' learning steps come back at the end.
	got := drain(t, q, t0, time.Second, fsrs.Good, 120)
	var gaps []int
	run := 0
	for _, k := range got {
		if k[0] == 'n' {
			gaps = append(gaps, run)
			run = 0
		} else {
			run++
		}
	}
	if len(gaps) != 20 {
		t.Fatalf("%d new cards shown, want 20: %q", len(gaps), got)
	}
	for i, g := range gaps {
		if g < 4 || g > 5 {
			t.Errorf("new card %d after %d reviews, want 4 or 5; gaps %v", i, g, gaps)
		}
	}
	if run > 5 {
		t.Errorf("%d reviews after the last new card, want at most 5", run)
	}
	// New cards in deck order.
	var news []string
	for _, k := range got {
		if k[0] == 'n' {
			news = append(news, k)
		}
	}
	for i, k := range news {
		if want := fmt.Sprintf("n%03d", i); k != want {
			t.Fatalf("new card %d is %s, want %s", i, k, want)
		}
	}
}

func TestQueue_Limits(t *testing.T) {
	mk := func(deck string, nNew, nRev int) []scheduler.Item {
		var its []scheduler.Item
		for i := range nNew {
			its = append(its, item(fmt.Sprintf("%s/n%d", deck, i), i, newCard()))
		}
		for i := range nRev {
			its = append(its, item(fmt.Sprintf("%s/r%d", deck, i), nNew+i, reviewCard(t0.Add(-time.Duration(i+1)*hour))))
		}
		return its
	}
	tests := []struct {
		name     string
		policies map[string]scheduler.Policy
		items    []scheduler.Item
		done     map[string]scheduler.Done
		want     scheduler.Counts
		wantDone map[string]scheduler.Done // after rating everything Easy
	}{
		{
			name:     "under the limits",
			policies: map[string]scheduler.Policy{"a": policy(20, 200)},
			items:    mk("a", 3, 4),
			want:     scheduler.Counts{New: 3, Review: 4},
			wantDone: map[string]scheduler.Done{"a": {New: 3, Reviews: 4}},
		},
		{
			name:     "limits reached in the session",
			policies: map[string]scheduler.Policy{"a": policy(3, 5)},
			items:    mk("a", 10, 10),
			want:     scheduler.Counts{New: 3, Review: 5},
			wantDone: map[string]scheduler.Done{"a": {New: 3, Reviews: 5}},
		},
		{
			name:     "done earlier today",
			policies: map[string]scheduler.Policy{"a": policy(3, 5)},
			items:    mk("a", 10, 10),
			done:     map[string]scheduler.Done{"a": {New: 1, Reviews: 2}},
			want:     scheduler.Counts{New: 2, Review: 3},
			wantDone: map[string]scheduler.Done{"a": {New: 3, Reviews: 5}},
		},
		{
			name:     "done beyond the limits",
			policies: map[string]scheduler.Policy{"a": policy(3, 5)},
			items:    mk("a", 10, 10),
			done:     map[string]scheduler.Done{"a": {New: 7, Reviews: 9}},
			want:     scheduler.Counts{},
			wantDone: map[string]scheduler.Done{"a": {New: 7, Reviews: 9}},
		},
		{
			name:     "zero limits",
			policies: map[string]scheduler.Policy{"a": policy(0, 0)},
			items:    mk("a", 10, 10),
			want:     scheduler.Counts{},
			wantDone: map[string]scheduler.Done{"a": {}},
		},
		{
			name:     "negative done is zero",
			policies: map[string]scheduler.Policy{"a": policy(2, 2)},
			items:    mk("a", 10, 10),
			done:     map[string]scheduler.Done{"a": {New: -4, Reviews: -1}},
			want:     scheduler.Counts{New: 2, Review: 2},
			wantDone: map[string]scheduler.Done{"a": {New: 2, Reviews: 2}},
		},
		{
			name:     "per deck",
			policies: map[string]scheduler.Policy{"a": policy(1, 2), "b": policy(4, 1)},
			items:    append(mk("a", 5, 5), mk("b", 5, 5)...),
			done:     map[string]scheduler.Done{"b": {New: 1}},
			want:     scheduler.Counts{New: 1 + 3, Review: 2 + 1},
			wantDone: map[string]scheduler.Done{"a": {New: 1, Reviews: 2}, "b": {New: 4, Reviews: 1}},
		},
		{
			// A deck without a policy gets the default one.
			name:     "default policy",
			items:    mk("x", 30, 250),
			want:     scheduler.Counts{New: 20, Review: 200},
			wantDone: map[string]scheduler.Done{"x": {New: 20, Reviews: 200}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := scheduler.NewQueue(tt.policies, tt.items, tt.done, t0)
			if got := q.Counts(t0); got != tt.want {
				t.Fatalf("Counts = %+v, want %+v", got, tt.want)
			}
			// Easy graduates new cards at once, so each card is shown once.
			shown := drain(t, q, t0, time.Second, fsrs.Easy, 1000)
			if len(shown) != tt.want.New+tt.want.Review {
				t.Errorf("%d cards shown, want %d", len(shown), tt.want.New+tt.want.Review)
			}
			for deck, want := range tt.wantDone {
				if got := q.Done(deck); got != want {
					t.Errorf("Done(%q) = %+v, want %+v", deck, got, want)
				}
			}
			if got := q.Counts(t0.Add(time.Hour)); got != (scheduler.Counts{}) {
				t.Errorf("Counts after the session = %+v", got)
			}
		})
	}
}

func TestQueue_LearnAhead(t *testing.T) {
	tests := []struct {
		name     string
		items    []scheduler.Item
		wantKey  string // "" for no card
		wantLrn  int
		wantNext time.Time // NextAvailable
	}{
		{"due in 19m", []scheduler.Item{item("l", 0, learningCard(t0.Add(19*minute)))}, "d/l", 1, t0},
		{"due in exactly 20m", []scheduler.Item{item("l", 0, learningCard(t0.Add(20*minute)))}, "d/l", 1, t0},
		{"due in 21m", []scheduler.Item{item("l", 0, learningCard(t0.Add(21*minute)))}, "", 0, t0.Add(minute)},
		{"relearning due in 10m", []scheduler.Item{item("l", 0, relearningCard(t0.Add(10*minute)))}, "d/l", 1, t0},
		{
			// Learn-ahead only when nothing else is left.
			"review first",
			[]scheduler.Item{item("l", 0, learningCard(t0.Add(5*minute))), item("r", 1, reviewCard(t0.Add(hour)))},
			"d/r", 1, t0,
		},
		{
			"new first",
			[]scheduler.Item{item("l", 0, learningCard(t0.Add(5*minute))), item("n", 1, newCard())},
			"d/n", 1, t0,
		},
		{
			"earliest step first",
			[]scheduler.Item{item("l1", 0, learningCard(t0.Add(15*minute))), item("l2", 1, learningCard(t0.Add(5*minute)))},
			"d/l2", 2, t0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := scheduler.NewQueue(nil, tt.items, nil, t0)
			it, ok := q.Next(t0)
			if ok != (tt.wantKey != "") || it.Key != tt.wantKey {
				t.Errorf("Next = %q %v, want %q", it.Key, ok, tt.wantKey)
			}
			c := q.Counts(t0)
			if c.Learning != tt.wantLrn {
				t.Errorf("Counts = %+v, want Learning %d", c, tt.wantLrn)
			}
			if next, _ := q.NextAvailable(t0); !next.Equal(tt.wantNext) {
				t.Errorf("NextAvailable = %v, want %v", next, tt.wantNext)
			}
		})
	}
}

// TestQueue_Session walks through a session with every queue operation and
// checks Counts and Done after each.
func TestQueue_Session(t *testing.T) {
	items := []scheduler.Item{
		item("n1", 1, newCard()),
		item("n2", 2, newCard()),
		item("r1", 3, reviewCard(t0.Add(-day))),
		item("r2", 4, reviewCard(t0.Add(-hour))),
		item("r3", 5, reviewCard(t0.Add(2*day))), // not due today
	}
	q := scheduler.NewQueue(map[string]scheduler.Policy{"d": policy(1, 200)}, items, nil, t0)
	s := q.Scheduler("d")
	now := t0
	check := func(step string, want scheduler.Counts, wantDone scheduler.Done) {
		t.Helper()
		if got := q.Counts(now); got != want {
			t.Errorf("%s: Counts = %+v, want %+v", step, got, want)
		}
		if got := q.Done("d"); got != wantDone {
			t.Errorf("%s: Done = %+v, want %+v", step, got, wantDone)
		}
	}
	next := func(step, want string) scheduler.Item {
		t.Helper()
		it, ok := q.Next(now)
		if !ok || it.Key != "d/"+want {
			t.Fatalf("%s: Next = %q %v, want d/%s", step, it.Key, ok, want)
		}
		return it
	}
	check("start", scheduler.Counts{New: 1, Review: 2}, scheduler.Done{})

	// r1 first; Again sends it to relearning, due in 5 minutes.
	r1 := next("1", "r1")
	o1 := s.Rate(r1.Key, r1.Card, now, now, fsrs.Again)
	q.Rated(r1.Key, r1.Card, o1.Card)
	check("r1 again", scheduler.Counts{New: 1, Learning: 1, Review: 1}, scheduler.Done{Reviews: 1})

	// Undo gives the review back.
	q.Unrated(r1.Key, r1.Card, o1.Card)
	check("undo r1", scheduler.Counts{New: 1, Review: 2}, scheduler.Done{})
	if it := next("after undo", "r1"); it.Card != r1.Card {
		t.Fatalf("after undo: card %+v, want %+v", it.Card, r1.Card)
	}
	q.Rated(r1.Key, r1.Card, o1.Card)

	// Then the new card (one after each review), Good: a 10-minute step.
	now = now.Add(time.Minute)
	n1 := next("2", "n1")
	on1 := s.Rate(n1.Key, n1.Card, now, now, fsrs.Good)
	q.Rated(n1.Key, n1.Card, on1.Card)
	check("n1 good", scheduler.Counts{Learning: 2, Review: 1}, scheduler.Done{New: 1, Reviews: 1})

	// Undo of a new card gives its slot back.
	q.Unrated(n1.Key, n1.Card, on1.Card)
	check("undo n1", scheduler.Counts{New: 1, Learning: 1, Review: 1}, scheduler.Done{Reviews: 1})
	q.Rated(n1.Key, n1.Card, on1.Card)

	// Bury r2 (Remove), then undo the bury (Add).
	r2, ok := q.Remove("d/r2")
	if !ok || r2.Key != "d/r2" {
		t.Fatalf("Remove = %+v %v", r2, ok)
	}
	check("bury r2", scheduler.Counts{Learning: 2}, scheduler.Done{New: 1, Reviews: 1})
	if _, ok := q.Remove("d/r2"); ok {
		t.Error("second Remove found the card")
	}
	if q.Len() != 4 {
		t.Errorf("Len = %d, want 4", q.Len())
	}
	q.Add(r2)
	check("unbury r2", scheduler.Counts{Learning: 2, Review: 1}, scheduler.Done{New: 1, Reviews: 1})
	next("3", "r2")
	rateNext(t, q, now, fsrs.Good)
	check("r2 good", scheduler.Counts{Learning: 2}, scheduler.Done{New: 1, Reviews: 2})

	// Only learning steps are left: r1's (due 09:05) shown ahead of time.
	next("4", "r1")
	now = t0.Add(5 * minute)
	rateNext(t, q, now, fsrs.Good) // relearning Good: back to review, done today
	check("r1 relearned", scheduler.Counts{Learning: 1}, scheduler.Done{New: 1, Reviews: 2})
	now = t0.Add(11 * minute)
	next("5", "n1")
	rateNext(t, q, now, fsrs.Good)
	check("n1 graduated", scheduler.Counts{}, scheduler.Done{New: 1, Reviews: 2})
	if _, ok := q.Next(now); ok {
		t.Error("Next found a card at the end")
	}
	// r3 is due in 2 days; n2 waits for tomorrow's new-card limit.
	if due, ok := q.NextDue(); !ok || !due.Equal(t0.Add(2*day)) {
		t.Errorf("NextDue = %v %v, want %v", due, ok, t0.Add(2*day))
	}
	if at, ok := q.NextAvailable(now); !ok || !at.Equal(time.Date(2024, 1, 3, 4, 0, 0, 0, time.UTC)) {
		t.Errorf("NextAvailable = %v %v, want tomorrow 04:00", at, ok)
	}
}

func TestQueue_UnknownKeys(t *testing.T) {
	q := scheduler.NewQueue(nil, []scheduler.Item{item("a", 0, newCard())}, nil, t0)
	q.Rated("nope", newCard(), learningCard(t0))
	q.Unrated("nope", newCard(), learningCard(t0))
	if _, ok := q.Remove("nope"); ok {
		t.Error("Remove of an unknown key")
	}
	if _, ok := q.Get("nope"); ok {
		t.Error("Get of an unknown key")
	}
	if got := q.Counts(t0); got != (scheduler.Counts{New: 1}) {
		t.Errorf("Counts = %+v", got)
	}
	if got := q.Done("nope"); got != (scheduler.Done{}) {
		t.Errorf("Done(nope) = %+v", got)
	}
}

func TestQueue_Add_Replaces(t *testing.T) {
	q := scheduler.NewQueue(nil, []scheduler.Item{item("a", 0, newCard()), item("a", 1, reviewCard(t0))}, nil, t0)
	if q.Len() != 1 {
		t.Fatalf("Len = %d, want 1 (the later duplicate wins)", q.Len())
	}
	if got := q.Counts(t0); got != (scheduler.Counts{Review: 1}) {
		t.Errorf("Counts = %+v, want one review", got)
	}
	q.Add(item("a", 0, learningCard(t0)))
	if got := q.Counts(t0); got != (scheduler.Counts{Learning: 1}) {
		t.Errorf("Counts after Add = %+v, want one learning", got)
	}
	if it, ok := q.Get("d/a"); !ok || it.Card.State != fsrs.Learning {
		t.Errorf("Get = %+v %v", it, ok)
	}
	// A deck the queue has not seen gets the default policy.
	q.Add(item("other/x", 0, newCard()))
	if got := q.Scheduler("other").Policy(); got != scheduler.DefaultPolicy() {
		t.Errorf("policy of a new deck = %+v", got)
	}
}

func TestQueue_NextDue(t *testing.T) {
	tests := []struct {
		name  string
		items []scheduler.Item
		want  time.Time // zero: none
	}{
		{"empty", nil, time.Time{}},
		{"only new", []scheduler.Item{item("n", 0, newCard())}, time.Time{}},
		{"learning", []scheduler.Item{item("n", 0, newCard()), item("l", 1, learningCard(t0.Add(hour)))}, t0.Add(hour)},
		{"overdue review", []scheduler.Item{item("l", 1, learningCard(t0.Add(hour))), item("r", 2, reviewCard(t0.Add(-day)))}, t0.Add(-day)},
		{"future review", []scheduler.Item{item("r", 2, reviewCard(t0.Add(9*day)))}, t0.Add(9 * day)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := scheduler.NewQueue(nil, tt.items, nil, t0)
			got, ok := q.NextDue()
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Errorf("NextDue = %v %v, want %v", got, ok, tt.want)
			}
		})
	}
}

func TestQueue_Scheduler(t *testing.T) {
	p := scheduler.Policy{DesiredRetention: 0.8, NewPerDay: 7, ReviewsPerDay: 70}
	q := scheduler.NewQueue(map[string]scheduler.Policy{"a": p}, nil, nil, t0)
	if got := q.Scheduler("a").Policy(); got != p {
		t.Errorf("Scheduler(a).Policy() = %+v, want %+v", got, p)
	}
	if s1, s2 := q.Scheduler("a"), q.Scheduler("a"); s1 != s2 {
		t.Error("Scheduler returns a new Scheduler each time")
	}
}

func TestQueue_NewStudyDay(t *testing.T) {
	// A session from 03:50 past 04:00: the limits start again at 04:00.
	start := time.Date(2024, 1, 3, 3, 50, 0, 0, time.UTC)
	items := []scheduler.Item{
		item("n1", 1, newCard()),
		item("n2", 2, newCard()),
		item("r-today", 3, reviewCard(start.Add(-hour))),
		item("r-new-day", 4, reviewCard(start.Add(6*hour))), // 09:50, in the next study day
	}
	q := scheduler.NewQueue(map[string]scheduler.Policy{"d": policy(1, 1)}, items, map[string]scheduler.Done{"d": {New: 0, Reviews: 0}}, start)
	if got := q.Counts(start); got != (scheduler.Counts{New: 1, Review: 1}) {
		t.Fatalf("Counts = %+v", got)
	}
	got := drain(t, q, start, time.Minute, fsrs.Easy, 10)
	if want := []string{"r-today", "n1"}; !slices.Equal(got, want) {
		t.Fatalf("before 04:00: %q, want %q", got, want)
	}
	if got := q.Done("d"); got != (scheduler.Done{New: 1, Reviews: 1}) {
		t.Errorf("Done = %+v", got)
	}
	at4 := time.Date(2024, 1, 3, 4, 0, 0, 0, time.UTC)
	if got := q.Counts(at4.Add(-time.Nanosecond)); got != (scheduler.Counts{}) {
		t.Errorf("Counts at 03:59:59 = %+v, want none", got)
	}
	if got, want := q.Counts(at4), (scheduler.Counts{New: 1, Review: 1}); got != want {
		t.Errorf("Counts at 04:00 = %+v, want %+v", got, want)
	}
	if got := q.Done("d"); got != (scheduler.Done{}) {
		t.Errorf("Done on the new day = %+v, want zero", got)
	}
	// The clock going back to before 04:00 keeps the new day.
	if got, want := q.Counts(at4.Add(-time.Hour)), (scheduler.Counts{New: 1, Review: 1}); got != want {
		t.Errorf("Counts at 03:00 again = %+v, want %+v", got, want)
	}
	got = drain(t, q, at4, time.Minute, fsrs.Easy, 10)
	if want := []string{"r-new-day", "n2"}; !slices.Equal(got, want) {
		t.Errorf("after 04:00: %q, want %q", got, want)
	}
	// Undoing yesterday's n1 after today's ratings are undone: nothing
	// goes below zero.
	n1, _ := q.Get("d/n1")
	q.Unrated("d/n1", newCard(), n1.Card)
	q.Unrated("d/n1", newCard(), n1.Card)
	if got := q.Done("d"); got.New < 0 || got.Reviews < 0 {
		t.Errorf("Done = %+v", got)
	}
}

func TestQueue_TimeZoneChange(t *testing.T) {
	// A session started in Berlin (the day began at 03:00 UTC) and carried
	// on with the clock in New York: the same calendar study day there, so
	// the counts stay; its end moves to 04:00 in New York (09:00 UTC).
	ber := berlin(t)
	ny := time.FixedZone("EST", -5*3600)
	start := time.Date(2024, 1, 2, 23, 0, 0, 0, ber)
	items := []scheduler.Item{
		item("n1", 1, newCard()),
		item("n2", 2, newCard()),
		item("r", 3, reviewCard(time.Date(2024, 1, 3, 7, 0, 0, 0, time.UTC))), // 08:00 in Berlin, 02:00 in New York
	}
	q := scheduler.NewQueue(map[string]scheduler.Policy{"d": policy(1, 10)}, items, nil, start)
	if got := q.Counts(start); got != (scheduler.Counts{New: 1}) {
		t.Fatalf("Counts in Berlin = %+v, want one new", got)
	}
	rateNext(t, q, start, fsrs.Easy)
	later := time.Date(2024, 1, 3, 4, 0, 0, 0, time.UTC).In(ny) // 23:00 Jan 2 in New York, 05:00 in Berlin
	if got, want := q.Counts(later), (scheduler.Counts{Review: 1}); got != want {
		t.Errorf("Counts in New York = %+v, want %+v (same day: no new card; r is due before 04:00 EST)", got, want)
	}
	if got := q.Done("d"); got != (scheduler.Done{New: 1}) {
		t.Errorf("Done = %+v, want the Berlin rating", got)
	}
	// The same instant seen in Berlin is a new study day there.
	if got, want := q.Counts(later.In(ber)), (scheduler.Counts{New: 1, Review: 1}); got != want {
		t.Errorf("Counts back in Berlin = %+v, want %+v", got, want)
	}
}

func TestQueue_ReviewedTodayNotAgain(t *testing.T) {
	// Berlin falls back on 2024-10-27, so the study day from Oct 26 04:00
	// CEST has 25 hours. A card reviewed at 04:30 with a 1-day interval is
	// due at 03:30 CET on Oct 27, before that day ends at 04:00: it must
	// not come back in the same study day.
	ber := berlin(t)
	reviewed := time.Date(2024, 10, 26, 4, 30, 0, 0, ber)
	c := reviewCard(reviewed.Add(day))
	c.LastReview = reviewed
	now := reviewed.Add(24*hour + 10*minute) // 03:40 CET on Oct 27, same study day
	if !scheduler.StudyDay(now).Equal(scheduler.StudyDay(reviewed)) || c.Due.After(now) {
		t.Fatalf("test setup: %v and %v", now, c.Due)
	}
	q := scheduler.NewQueue(nil, []scheduler.Item{item("r", 0, c)}, nil, now)
	if it, ok := q.Next(now); ok {
		t.Errorf("Next = %q, want nothing: reviewed earlier this study day", it.Key)
	}
	if it, ok := q.Next(time.Date(2024, 10, 27, 4, 0, 0, 0, ber)); !ok || it.Key != "d/r" {
		t.Errorf("Next on the next study day = %q %v", it.Key, ok)
	}
}

func TestQueue_UnknownState(t *testing.T) {
	c := reviewCard(t0)
	c.State = 9
	q := scheduler.NewQueue(nil, []scheduler.Item{item("x", 0, c)}, nil, t0)
	if _, ok := q.Next(t0); ok {
		t.Error("a card in an unknown state was shown")
	}
	if _, ok := q.NextAvailable(t0); ok {
		t.Error("NextAvailable for a card in an unknown state")
	}
	if q.Len() != 1 {
		t.Errorf("Len = %d", q.Len())
	}
}

func TestQueue_DuplicateKeys(t *testing.T) {
	items := []scheduler.Item{
		item("a", 0, newCard()),
		item("b", 1, reviewCard(t0.Add(-hour))),
		item("a", 2, reviewCard(t0.Add(-day))),
		item("b", 3, newCard()),
	}
	tests := []struct {
		name  string
		first func(q *scheduler.Queue) // the first call, which finds the duplicates
	}{
		{"Len", func(q *scheduler.Queue) { q.Len() }},
		{"Get", func(q *scheduler.Queue) { q.Get("d/a") }},
		{"Rated", func(q *scheduler.Queue) { q.Rated("nope", newCard(), newCard()) }},
		{"new study day", func(q *scheduler.Queue) { q.Counts(t0.Add(day)) }},
		{"other time zone", func(q *scheduler.Queue) { q.Counts(t0.In(time.FixedZone("X", 3600))) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := scheduler.NewQueue(nil, items, nil, t0)
			tt.first(q)
			// The later item of each key counts: a is a review, b is new.
			if q.Len() != 2 {
				t.Errorf("Len = %d, want 2", q.Len())
			}
			now := t0.Add(day + hour)
			if got := q.Counts(now); got != (scheduler.Counts{New: 1, Review: 1}) {
				t.Errorf("Counts = %+v, want one new, one review", got)
			}
			if it, _ := q.Get("d/a"); it.Card.State != fsrs.Review || it.Order != 2 {
				t.Errorf("Get(d/a) = %+v", it)
			}
			if got := drain(t, q, now, time.Second, fsrs.Easy, 10); !slices.Equal(got, []string{"a", "b"}) {
				t.Errorf("shown %q", got)
			}
		})
	}
}

func TestNewQueue_DoesNotWriteItems(t *testing.T) {
	items := []scheduler.Item{item("a", 0, newCard()), item("b", 1, reviewCard(t0))}
	orig := slices.Clone(items)
	q := scheduler.NewQueue(nil, items, nil, t0)
	drain(t, q, t0, time.Minute, fsrs.Good, 10)
	if !slices.Equal(items, orig) {
		t.Errorf("items changed: %+v", items)
	}
	if it, _ := q.Get("d/a"); it.Card.State == fsrs.New {
		t.Errorf("the queue lost the rating of a: %+v", it.Card)
	}
}
