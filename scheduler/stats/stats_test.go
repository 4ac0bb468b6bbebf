package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// statsNow is the clock of the stats tests: a Sunday morning, UTC, so the
// study days (04:00) are fixed.
var statsNow = time.Date(2024, 3, 10, 9, 0, 0, 0, time.UTC)

// TestLogStats_Add checks the one-pass accumulator on hand-made reviews:
// windows, day buckets at the 04:00 boundary, deck filter, and that adding
// a review allocates nothing.
func TestLogStats_Add(t *testing.T) {
	now := statsNow // Sun 10 Mar 09:00; today started 04:00
	rev := func(at time.Time, deckID string, st fsrs.State, r fsrs.Rating, stab float64, elapsed time.Duration) storage.Review {
		return storage.Review{Deck: deckID, Card: "c", At: at, Rating: r, Duration: time.Second,
			Before: fsrs.Card{State: st, Stability: stab, LastReview: at.Add(-elapsed)}}
	}
	day := 24 * time.Hour
	today4 := time.Date(2024, 3, 10, 4, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		r       storage.Review
		day     int // history bucket, -1 for none
		windows [3]int
		bin     int // calibration bin, -1 for none
	}{
		{"today 04:00", rev(today4, "d", fsrs.Review, fsrs.Good, 10, 9*day), 29, [3]int{1, 1, 1}, 6}, // R(9 d, S 10) = 0.909
		{"yesterday 03:59", rev(today4.Add(-time.Minute), "d", fsrs.Review, fsrs.Again, 1, 30*day), 28, [3]int{1, 1, 1}, 0},
		{"7th day back", rev(today4.Add(-6*day), "d", fsrs.Review, fsrs.Good, 100, day), 23, [3]int{1, 1, 1}, 7},
		{"8th day back", rev(today4.Add(-6*day-time.Second), "d", fsrs.Review, fsrs.Good, 100, day), 22, [3]int{0, 1, 1}, 7},
		{"31st day back", rev(today4.Add(-29*day-time.Second), "d", fsrs.Review, fsrs.Good, 100, day), -1, [3]int{0, 0, 1}, 7},
		{"learning card", rev(today4, "d", fsrs.Learning, fsrs.Good, 3, time.Hour), 29, [3]int{}, -1},
		{"other deck", rev(today4, "other", fsrs.Review, fsrs.Good, 3, day), -1, [3]int{}, -1},
		{"after now (clock skew)", rev(now.Add(30*day), "d", fsrs.Review, fsrs.Good, 10, 9*day), -1, [3]int{0, 0, 1}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newLogStats(now, "d")
			a.add(&tt.r)
			var s Stats
			a.fill(&s)
			for i, d := range s.History {
				want := 0
				if i == tt.day {
					want = 1
				}
				if d.Reviews != want {
					t.Errorf("history day %d = %d, want %d", i, d.Reviews, want)
				}
			}
			got := [3]int{s.Retention.Last7Days.Reviews, s.Retention.Last30Days.Reviews, s.Retention.AllTime.Reviews}
			if got != tt.windows {
				t.Errorf("retention windows %v, want %v", got, tt.windows)
			}
			for i, b := range s.Calibration {
				want := 0
				if i == tt.bin {
					want = 1
				}
				if b.Reviews != want {
					t.Errorf("calibration bin %d = %d, want %d", i, b.Reviews, want)
				}
			}
		})
	}
	a := newLogStats(now, "")
	r := tests[0].r
	if n := testing.AllocsPerRun(100, func() { a.add(&r) }); n != 0 {
		t.Errorf("add allocates %v times per review", n)
	}
}

// benchReviews is the size of the benchmarks' review log.
const benchReviews = 1_000_000

// BenchmarkLogStatsAdd1M is stats' own share of a million-entry pass: the
// accumulator alone over reviews already in memory.
func BenchmarkLogStatsAdd1M(b *testing.B) {
	now := time.Date(2024, 3, 10, 9, 0, 0, 0, time.UTC)
	rs := make([]storage.Review, 1024)
	for i := range rs {
		at := now.Add(-time.Duration(len(rs)-i) * 30 * time.Minute)
		rs[i] = storage.Review{Deck: "bench", Card: "c", At: at, Rating: fsrs.Rating(1 + i%4), Duration: time.Second,
			Before: fsrs.Card{State: fsrs.State(i % 4), Stability: float64(1 + i%50), LastReview: at.Add(-time.Duration(i%20) * 24 * time.Hour)}}
	}
	b.ReportAllocs()
	for b.Loop() {
		a := newLogStats(now, "")
		for i := range benchReviews {
			a.add(&rs[i&1023])
		}
	}
}

// failingLog is a review log that cannot be read.
type failingLog struct{ reads *int }

func (f failingLog) ScanRatings(func([]storage.LogRating) error) error {
	*f.reads++
	return errors.New("log read")
}

// Without fitted weights UseWeights keeps the logged calibration and does
// not read the log.
func TestUseWeights_DefaultsKeepLoggedTable(t *testing.T) {
	s := Stats{GeneratedAt: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), Decks: []DeckStats{{ID: "a"}, {ID: "b"}}}
	a := newLogStats(s.GeneratedAt, "")
	a.addCal(0.93, true)
	a.addCal(0.42, false)
	a.fill(&s)
	want := slices.Clone(s.Calibration)
	reads := 0
	inUse := map[string]scheduler.InUse{"a": scheduler.DefaultWeights()}
	if err := s.UseWeights(failingLog{&reads}, inUse, time.UTC, 2); err != nil {
		t.Fatal(err)
	}
	if reads != 0 || s.CalibrationWeights != CalibrationLogged || !slices.Equal(s.Calibration, want) {
		t.Errorf("reads %d, %q, %+v; want no read, logged, %+v", reads, s.CalibrationWeights, s.Calibration, want)
	}
	// A deck with fitted weights: the log is read (and its error returned).
	dw := fsrs.DefaultWeights()
	f := scheduler.Fitted{Weights: dw[:]}
	inUse["b"] = scheduler.InUse{Weights: dw, Fitted: &f}
	if err := s.UseWeights(failingLog{&reads}, inUse, time.UTC, 2); err == nil || reads != 1 {
		t.Errorf("fitted weights: err %v after %d reads", err, reads)
	}
}

// TestCardRecall_AsRetrievability checks that cardStats.recall, which
// works in nanoseconds, gives the very bits of Scheduler.Retrievability
// for cards of every state, last reviews near and far (none, the ends of
// the nanosecond range, after at) and at times with and without a
// monotonic clock reading.
func TestCardRecall_AsRetrievability(t *testing.T) {
	sc := scheduler.New(scheduler.DefaultPolicy())
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 11, 30, 16, 0, 0, 123456789, time.UTC)
	ats := []time.Time{base, time.Now(), base.Add(400 * 24 * time.Hour), time.Date(2261, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}
	lasts := []int64{storage.NoTime, math.MinInt64 + 1, math.MaxInt64, base.UnixNano(), base.UnixNano() + 1, base.UnixNano() - 1}
	for _, at := range ats {
		a := newCardStats(nil, at, at, false)
		for i := range 20000 {
			c := storage.CardStat{State: fsrs.State(rng.IntN(4)), Stability: rng.Float64() * 300, LastReview: storage.NoTime}
			switch {
			case i < len(lasts):
				c.LastReview = lasts[i]
			case i%50 == 0:
				c.Stability = 0
			default:
				c.LastReview = at.UnixNano() - rng.Int64N(int64(2000*24*time.Hour)) + int64(time.Hour)
			}
			mem := fsrs.Card{State: c.State, Stability: c.Stability}
			if c.LastReview != storage.NoTime {
				mem.LastReview = time.Unix(0, c.LastReview)
			}
			want := sc.Retrievability(mem, at)
			if got := a.recall(&c, sc); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("at %v, %+v: recall %v, Retrievability %v", at, c, got, want)
			}
		}
	}
}
