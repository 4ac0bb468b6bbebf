package scheduler

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

var fuzzT0 = time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)

// walkCards returns n cards in every state, each made by a random run of
// ratings at random times.
func walkCards(t *testing.T, n int, seed uint64) []fsrs.Card {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	ref := fsrs.NewFSRS(fsrs.DefaultParam())
	var cards []fsrs.Card
	for range n {
		c, now := fsrs.NewCard(), fuzzT0
		for range 1 + rng.IntN(8) {
			c = ref.Next(c, now, fsrs.Rating(1+rng.IntN(4))).Card
			// Anything from early to months late.
			now = c.Due.Add(time.Duration(rng.Float64()*2*float64(c.Due.Sub(now))) - c.Due.Sub(now)/2 + time.Minute)
			if now.Before(c.LastReview) {
				now = c.LastReview.Add(time.Minute)
			}
			cards = append(cards, c)
		}
	}
	return cards
}

// TestIntervals_WithoutFuzzAreGoFSRSs: with the fuzz left out, flash's
// copy of go-fsrs's interval logic gives go-fsrs's intervals (fuzz off),
// for every rating of cards in every state.
func TestIntervals_WithoutFuzzAreGoFSRSs(t *testing.T) {
	for _, retention := range []float64{0.7, 0.85, 0.9, 0.97} {
		s := New(Policy{DesiredRetention: retention})
		for i, c := range walkCards(t, 300, uint64(retention*100)) {
			now := c.Due.Add(time.Duration(i%7) * 13 * time.Hour)
			rl := s.f.Repeat(c, now)
			got := s.intervals(c.State, rl, func(ivl, _ float64) float64 { return ivl })
			for r := fsrs.Again; r <= fsrs.Easy; r++ {
				if want := float64(rl[r].Card.ScheduledDays); got[r-1] != want {
					t.Fatalf("retention %v, %v card %+v at %v, %v: %v days, go-fsrs %v", retention, c.State, c, now, r, got[r-1], want)
				}
			}
		}
	}
}

// TestFuzzRange_IsGoFSRSs: the intervals go-fsrs's own fuzz gives an
// interval (sampled over many review times, which seed it) are exactly
// the range flash draws from.
func TestFuzzRange_IsGoFSRSs(t *testing.T) {
	p := fsrs.DefaultParam()
	p.EnableFuzz = true
	for _, retention := range []float64{0.7, 0.8, 0.9, 0.95, 0.97} {
		p.RequestRetention = retention
		ref := fsrs.NewFSRS(p)
		s := New(Policy{DesiredRetention: retention})
		// Easy on a new card: one fuzzed interval, no constraint.
		raw := s.nextInterval(fsrs.NewFSRS(p).Next(fsrs.NewCard(), fuzzT0, fsrs.Easy).Card.Stability)
		if raw < 2.5 {
			t.Fatalf("retention %v: %v days, too short to fuzz", retention, raw)
		}
		lo, hi := fuzzRange(raw, 0, p.MaximumInterval)
		seen := map[float64]bool{}
		for sec := range 3000 {
			d := float64(ref.Next(fsrs.NewCard(), fuzzT0.Add(time.Duration(sec)*time.Second), fsrs.Easy).Card.ScheduledDays)
			if d < lo || d > hi {
				t.Fatalf("retention %v: go-fsrs fuzzes %v days to %v, outside flash's range %v..%v", retention, raw, d, lo, hi)
			}
			seen[d] = true
		}
		if len(seen) != int(hi-lo+1) {
			t.Errorf("retention %v: go-fsrs gave %d distinct intervals for %v days, flash's range %v..%v has %v", retention, len(seen), raw, lo, hi, hi-lo+1)
		}
		// flash's fuzz covers the same range, ends included.
		if got := s.fuzz(raw, 0, 0); got != lo {
			t.Errorf("retention %v: fuzz factor 0 gives %v, want %v", retention, got, lo)
		}
		if got := s.fuzz(raw, 0, 0.999999); got != hi {
			t.Errorf("retention %v: fuzz factor ~1 gives %v, want %v", retention, got, hi)
		}
	}
}

func TestFuzzRange(t *testing.T) {
	tests := []struct {
		ivl, elapsed float64
		lo, hi       float64
	}{
		{3, 0, 2, 4},             // delta 1.075
		{10, 0, 8, 12},           // delta 1 + 0.675 + 0.3
		{100, 0, 93, 107},        // delta 1 + 0.675 + 1.3 + 4
		{10, 9, 10, 12},          // not at or below the days elapsed
		{36500, 0, 34673, 36500}, // the maximum interval caps it
	}
	for _, tt := range tests {
		lo, hi := fuzzRange(tt.ivl, tt.elapsed, 36500)
		if lo != tt.lo || hi != tt.hi {
			t.Errorf("fuzzRange(%v, %v) = %v..%v, want %v..%v", tt.ivl, tt.elapsed, lo, hi, tt.lo, tt.hi)
		}
	}
}

// TestFuzzFactor: the factor is a function of the card key and its review
// count alone, spread evenly over [0, 1).
func TestFuzzFactor(t *testing.T) {
	if fuzzFactor("d/a", 3) != fuzzFactor("d/a", 3) {
		t.Fatal("not deterministic")
	}
	var buckets [10]int
	const n = 20000
	for i := range n {
		u := fuzzFactor(fmt.Sprintf("deck/card-%d", i/4), uint64(i%4))
		if u < 0 || u >= 1 {
			t.Fatalf("factor %v outside [0, 1)", u)
		}
		buckets[int(u*10)]++
	}
	for i, b := range buckets {
		if b < n/10*9/10 || b > n/10*11/10 {
			t.Errorf("decile %d holds %d of %d factors: %v", i, b, n, buckets)
		}
	}
	// The next review of the same card draws again; so does another card.
	if fuzzFactor("d/a", 3) == fuzzFactor("d/a", 4) || fuzzFactor("d/a", 3) == fuzzFactor("d/b", 3) {
		t.Error("the factor ignores the review count or the key")
	}
	// A key cannot run into the count: "d/a" with count 1<<56 is not "d/a\x01".
	if fuzzFactor("d/a", 1<<56) == fuzzFactor("d/a\x01", 0) {
		t.Error("key and count run together")
	}
}
