package scheduler_test

import (
	"math"
	"testing"
	"time"

	"github.com/flash-srs/flash/scheduler"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// near reports whether a and b agree to 1e-12, absolute or relative.
func near(a, b float64) bool {
	d := math.Abs(a - b)
	return d <= 1e-12 || d <= 1e-12*max(math.Abs(a), math.Abs(b))
}

// TestForgettingCurve_Decay: ForgettingCurve computes (1 + factor·t/S)^-0.5
// as one over a square root, which holds while go-fsrs's model (FSRS-5)
// decays with -0.5.
func TestForgettingCurve_Decay(t *testing.T) {
	if d := fsrs.DefaultParam().Decay; d != -0.5 {
		t.Fatalf("go-fsrs's decay is %v; ForgettingCurve assumes -0.5", d)
	}
}

// TestForgettingCurve_MatchesGoFSRS: flash's one retrievability function
// (stats computes it for every review of the log, readiness through
// Scheduler.Retrievability for every card) is go-fsrs's.
func TestForgettingCurve_MatchesGoFSRS(t *testing.T) {
	f := fsrs.NewFSRS(fsrs.DefaultParam())
	sc := scheduler.New(scheduler.DefaultPolicy())
	last := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []float64{0.1, 0.4, 2.3, 15.7, 100, 3000} {
		for _, d := range []time.Duration{time.Minute, 6 * time.Hour, 24 * time.Hour, 10 * 24 * time.Hour, 400 * 24 * time.Hour} {
			c := fsrs.Card{State: fsrs.Review, Stability: s, LastReview: last}
			want := f.GetRetrievability(c, last.Add(d))
			if got := sc.Retrievability(c, last.Add(d)); !near(got, want) {
				t.Errorf("S=%v t=%v: got %v, go-fsrs %v", s, d, got, want)
			}
			if got := scheduler.ForgettingCurve(d.Hours()/24, s); !near(got, want) {
				t.Errorf("ForgettingCurve(%v, %v) = %v, go-fsrs %v", d.Hours()/24, s, got, want)
			}
		}
	}
	// The edges: new cards, no stability, a clock before the last review.
	for _, tt := range []struct {
		name string
		c    fsrs.Card
		at   time.Time
		want float64
	}{
		{"new", fsrs.Card{State: fsrs.New}, last, 0},
		{"no stability", fsrs.Card{State: fsrs.Review, LastReview: last}, last.Add(time.Hour), 0},
		{"before last review", fsrs.Card{State: fsrs.Review, Stability: 3, LastReview: last}, last.Add(-time.Hour), 1},
	} {
		if got := sc.Retrievability(tt.c, tt.at); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
