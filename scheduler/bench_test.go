package scheduler_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
)

// bigDeck returns n cards of one deck, like a database with a year of
// history: 20% new, 10% in learning steps, 70% in review of which a seventh
// are due today.
func bigDeck(n int) []scheduler.Item {
	rng := rand.New(rand.NewPCG(42, 42))
	items := make([]scheduler.Item, n)
	for i := range items {
		var c fsrs.Card
		switch k := rng.IntN(10); {
		case k < 2:
			c = fsrs.NewCard()
		case k < 3:
			c = learningCard(t0.Add(time.Duration(rng.Int64N(int64(2*hour))) - hour))
		default:
			c = reviewCard(t0.Add(time.Duration(rng.Int64N(int64(60*day))) - 10*day))
		}
		items[i] = scheduler.Item{Key: fmt.Sprintf("ml-papers/card-%05d", i), Deck: "ml-papers", Order: i, Card: c}
	}
	return items
}

var benchPolicies = map[string]scheduler.Policy{"ml-papers": {DesiredRetention: 0.9, NewPerDay: 10000, ReviewsPerDay: 10000}}

func BenchmarkNewQueue(b *testing.B) {
	items := bigDeck(10000)
	b.ReportAllocs()
	for b.Loop() {
		scheduler.NewQueue(benchPolicies, items, nil, t0)
	}
}

// BenchmarkNewQueue_Interleaved is NewQueue for a deck whose new cards
// are dealt out by question (100 questions of 100 cards): the turns are
// computed when the queue is made.
func BenchmarkNewQueue_Interleaved(b *testing.B) {
	items := bigDeck(10000)
	for i := range items {
		items[i].Question = fmt.Sprintf("q%02d", i/100)
	}
	p := benchPolicies["ml-papers"]
	p.NewOrder = scheduler.NewInterleaved
	policies := map[string]scheduler.Policy{"ml-papers": p}
	b.ReportAllocs()
	for b.Loop() {
		q := scheduler.NewQueue(policies, items, nil, t0)
		q.Counts(t0)
	}
}

// BenchmarkNewQueue_DeckOrder is BenchmarkNewQueue_Interleaved's twin in
// deck order, for comparison.
func BenchmarkNewQueue_DeckOrder(b *testing.B) {
	items := bigDeck(10000)
	for i := range items {
		items[i].Question = fmt.Sprintf("q%02d", i/100)
	}
	b.ReportAllocs()
	for b.Loop() {
		q := scheduler.NewQueue(benchPolicies, items, nil, t0)
		q.Counts(t0)
	}
}

// BenchmarkNewQueue_FirstRating adds what the first rating costs on top of
// NewQueue: the key index, built on first use.
func BenchmarkNewQueue_FirstRating(b *testing.B) {
	items := bigDeck(10000)
	b.ReportAllocs()
	for b.Loop() {
		q := scheduler.NewQueue(benchPolicies, items, nil, t0)
		it, _ := q.Next(t0)
		q.Rated(it.Key, it.Card, learningCard(t0.Add(time.Minute)))
	}
}

func BenchmarkQueue_Next(b *testing.B) {
	q := scheduler.NewQueue(benchPolicies, bigDeck(10000), nil, t0)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := q.Next(t0); !ok {
			b.Fatal("no card")
		}
	}
}

func BenchmarkQueue_Counts(b *testing.B) {
	q := scheduler.NewQueue(benchPolicies, bigDeck(10000), nil, t0)
	b.ReportAllocs()
	for b.Loop() {
		q.Counts(t0)
	}
}

// BenchmarkQueue_Rate is one step of a review: Next, the four button
// intervals (Preview), Rate and Rated.
func BenchmarkQueue_Rate(b *testing.B) {
	items := bigDeck(10000)
	q := scheduler.NewQueue(benchPolicies, items, nil, t0)
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		it, ok := q.Next(now)
		if !ok {
			b.StopTimer()
			q = scheduler.NewQueue(benchPolicies, items, nil, t0)
			now = t0
			b.StartTimer()
			continue
		}
		s := q.Scheduler(it.Deck)
		s.Preview(it.Key, it.Card, now)
		o := s.Rate(it.Key, it.Card, now, now, fsrs.Good)
		q.Rated(it.Key, it.Card, o.Card)
		now = now.Add(time.Second)
	}
}

func BenchmarkScheduler_Rate(b *testing.B) {
	s := scheduler.New(scheduler.DefaultPolicy())
	c := reviewCard(t0)
	b.ReportAllocs()
	for b.Loop() {
		s.Rate("d/c", c, t0, t0, fsrs.Good)
	}
}
