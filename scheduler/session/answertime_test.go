package session_test

import (
	"testing"
	"time"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// TestRate_AnswerTimeCapped: a card left on screen for ten minutes counts
// scheduler.MaxAnswerTime, in the review saved and in what comes back
// from the store; a quick answer counts what it took.
func TestRate_AnswerTimeCapped(t *testing.T) {
	st, decks, clk := open(t, 2)
	s := start(t, st, decks, clk)
	for _, tt := range []struct {
		took, want time.Duration
	}{
		{10 * time.Minute, time.Minute},
		{12 * time.Second, 12 * time.Second},
	} {
		cur := next(t, s)
		clk.t = clk.t.Add(tt.took)
		rev, err := s.Rate(cur, fsrs.Good, "")
		if err != nil {
			t.Fatal(err)
		}
		if rev.Duration != tt.want {
			t.Errorf("answered in %v: review says %v, want %v", tt.took, rev.Duration, tt.want)
		}
	}
	var got []time.Duration
	if err := st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error {
		got = append(got, r.Duration)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != scheduler.MaxAnswerTime || got[1] != 12*time.Second {
		t.Errorf("stored durations %v, want [1m0s 12s]", got)
	}
}
