package scheduler_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
)

// TestQueue_Properties runs random sessions (see checkRandomSession) for a
// fixed list of seeds; a failure names its seed, and FuzzQueue explores more.
func TestQueue_Properties(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		if err := checkRandomSession(seed, 150); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

// FuzzQueue is the same property for any seed:
//
//	go test -fuzz FuzzQueue ./scheduler/
func FuzzQueue(f *testing.F) {
	for _, s := range []uint64{0, 7, 1 << 40} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		if err := checkRandomSession(seed, 100); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	})
}

// checkRandomSession builds a queue of random cards in two decks and runs
// ops random operations on it: rating what Next gives with a random rating,
// undoing the last rating, burying and unburying, and moving the clock
// forwards, backwards (up to 400 days) and across time zones. After each it
// checks that:
//   - no interval is negative and no Due is before now;
//   - Preview and Rate agree, and no elapsed day count has wrapped;
//   - counts and Done are never negative, the counts stay within the daily
//     limits, and Next has a card exactly when the counts are not all zero;
//   - a rating followed by its undo leaves Counts, Done and Next as they were.
func checkRandomSession(seed uint64, ops int) error {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	zones := []*time.Location{time.UTC, time.FixedZone("A", 9*3600), time.FixedZone("B", -(5*3600 + 30*60))}
	now := t0.Add(time.Duration(rng.Int64N(int64(48 * hour)))).In(zones[rng.IntN(len(zones))])
	randTime := func() time.Time {
		return now.Add(time.Duration(rng.Int64N(int64(60*day))) - 30*day)
	}

	policies := map[string]scheduler.Policy{
		"a": {DesiredRetention: 0.7 + 0.29*rng.Float64(), NewPerDay: rng.IntN(6), ReviewsPerDay: rng.IntN(30)},
		// b deals its new cards out by question.
		"b": {DesiredRetention: 0.9, NewPerDay: rng.IntN(6), ReviewsPerDay: rng.IntN(30), NewOrder: scheduler.NewInterleaved},
	}
	done := map[string]scheduler.Done{"a": {New: rng.IntN(3), Reviews: rng.IntN(5)}}
	var items []scheduler.Item
	for i := range 10 + rng.IntN(60) {
		var c fsrs.Card
		switch rng.IntN(4) {
		case 0:
			c = fsrs.NewCard()
		case 1:
			c = learningCard(randTime())
		case 2:
			c = relearningCard(randTime())
		default:
			c = reviewCard(randTime())
		}
		if rng.IntN(10) == 0 {
			c.LastReview = now.Add(time.Duration(rng.Int64N(int64(400 * day)))) // from a clock that was ahead
		}
		items = append(items, scheduler.Item{Key: fmt.Sprintf("k%d", i), Deck: string(rune('a' + rng.IntN(2))), Order: rng.IntN(20),
			Question: fmt.Sprintf("q%d", rng.IntN(4)), Card: c})
	}
	q := scheduler.NewQueue(policies, items, done, now)

	type rating struct {
		key           string
		before, after fsrs.Card
	}
	var undo []rating
	var buried []scheduler.Item

	check := func(op string) error {
		c := q.Counts(now)
		if c.New < 0 || c.Learning < 0 || c.Review < 0 {
			return fmt.Errorf("after %s: negative counts %+v", op, c)
		}
		totalNew, totalRev := 0, 0
		for deck, p := range policies {
			d := q.Done(deck)
			if d.New < 0 || d.Reviews < 0 {
				return fmt.Errorf("after %s: negative Done(%s) %+v", op, deck, d)
			}
			totalNew += max(p.NewPerDay-d.New, 0)
			totalRev += max(p.ReviewsPerDay-d.Reviews, 0)
		}
		if c.New > totalNew || c.Review > totalRev {
			return fmt.Errorf("after %s: counts %+v beyond the limits (new %d, reviews %d left)", op, c, totalNew, totalRev)
		}
		it, ok := q.Next(now)
		if ok != (c.New+c.Learning+c.Review > 0) {
			return fmt.Errorf("after %s: Next %v with counts %+v", op, ok, c)
		}
		if ok {
			got, found := q.Get(it.Key)
			if !found || got != it {
				return fmt.Errorf("after %s: Next gave %+v, Get %+v %v", op, it, got, found)
			}
		}
		return nil
	}

	for i := range ops {
		var op string
		switch k := rng.IntN(20); {
		case k < 11:
			it, ok := q.Next(now)
			if !ok {
				op = "next (none)"
				now = now.Add(time.Duration(rng.Int64N(int64(3 * hour))))
				break
			}
			r := fsrs.Rating(1 + rng.IntN(4))
			op = fmt.Sprintf("rate %s (%v, due %v) %v at %v", it.Key, it.Card.State, it.Card.Due, r, now)
			s := q.Scheduler(it.Deck)
			prev := q.Counts(now)
			prevDone := q.Done(it.Deck)
			preview := s.Preview(it.Key, it.Card, now)
			o := s.Rate(it.Key, it.Card, now, now, r)
			if o != preview[r-1] {
				return fmt.Errorf("%s: Rate %+v, Preview %+v", op, o, preview[r-1])
			}
			for _, p := range preview {
				if p.Interval < 0 || p.Card.Due.Before(now) {
					return fmt.Errorf("%s: %v gives interval %v, due %v", op, p.Rating, p.Interval, p.Card.Due)
				}
				if p.Card.ElapsedDays > 36500 || p.Log.ElapsedDays > 36500 {
					return fmt.Errorf("%s: %v: elapsed days %d", op, p.Rating, p.Card.ElapsedDays)
				}
				if got := p.Card.Due.Sub(now); got != p.Interval {
					return fmt.Errorf("%s: %v: Due-now %v, interval %v", op, p.Rating, got, p.Interval)
				}
			}
			q.Rated(it.Key, it.Card, o.Card)
			if rng.IntN(4) == 0 {
				// Rate and undo at once: nothing changes.
				q.Unrated(it.Key, it.Card, o.Card)
				after, _ := q.Next(now)
				if c := q.Counts(now); c != prev || q.Done(it.Deck) != prevDone || after.Key != it.Key {
					return fmt.Errorf("%s then undo: counts %+v (were %+v), Done %+v (was %+v), Next %s", op, c, prev, q.Done(it.Deck), prevDone, after.Key)
				}
				break
			}
			undo = append(undo, rating{it.Key, it.Card, o.Card})
		case k < 13:
			if len(undo) == 0 {
				op = "undo (none)"
				break
			}
			u := undo[len(undo)-1]
			undo = undo[:len(undo)-1]
			op = "undo " + u.key
			q.Unrated(u.key, u.before, u.after)
		case k < 14:
			it, ok := q.Next(now)
			if ok {
				op = "bury " + it.Key
				removed, found := q.Remove(it.Key)
				if !found || removed != it {
					return fmt.Errorf("%s: Remove gave %+v %v", op, removed, found)
				}
				buried = append(buried, removed)
			}
		case k < 15:
			if len(buried) > 0 {
				it := buried[len(buried)-1]
				buried = buried[:len(buried)-1]
				op = "unbury " + it.Key
				q.Add(it)
			}
		case k < 17:
			d := time.Duration(rng.Int64N(int64(30 * minute)))
			op = fmt.Sprintf("wait %v", d)
			now = now.Add(d)
		case k < 18:
			d := time.Duration(rng.Int64N(int64(3 * day)))
			op = fmt.Sprintf("wait %v", d)
			now = now.Add(d)
		case k < 19:
			d := time.Duration(rng.Int64N(int64(400 * day)))
			if rng.IntN(2) == 0 {
				d = time.Duration(rng.Int64N(int64(3 * hour)))
			}
			op = fmt.Sprintf("clock back %v", d)
			now = now.Add(-d)
		default:
			loc := zones[rng.IntN(len(zones))]
			op = "zone " + loc.String()
			now = now.In(loc)
		}
		if err := check(op); err != nil {
			return fmt.Errorf("op %d: %w", i, err)
		}
	}
	return nil
}
