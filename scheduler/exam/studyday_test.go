package exam

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
)

// TestMake_StudyDayNotTimeOfDay checks that a plan depends on the study day
// it is made in, not on the time of day: made at the day's start, at 09:00,
// in the evening and after midnight (still the same study day), in a zone
// with summer time too, the plan is the same in every figure and for every
// card (which day it is next studied, its place among new cards, its place
// in the final pass), full or quick. So a plan made ahead for a day is the
// one a session makes when the day starts. A plan made the next study day
// differs.
func TestMake_StudyDayNotTimeOfDay(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone database:", err) // only the summer-time case needs it
	}
	for _, tc := range []struct {
		name string
		day  time.Time // the study day's start
	}{
		{"UTC", time.Date(2026, 1, 5, 4, 0, 0, 0, time.UTC)},
		// 2026-03-29 is the day summer time starts in Berlin (02:00).
		{"Berlin, summer time in the plan", time.Date(2026, 3, 20, 4, 0, 0, 0, berlin)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := mixedDeck(tc.day.Add(-time.Hour), 400)
			in.Exam = tc.day.AddDate(0, 0, 21).Add(5 * time.Hour)
			next := scheduler.NextStudyDay(tc.day)
			times := []time.Time{tc.day, tc.day.Add(5 * time.Hour), tc.day.Add(18*time.Hour + 59*time.Minute), next.Add(-time.Nanosecond)}
			for _, quick := range []bool{true, false} {
				in.Quick = quick
				want := describe(Make(in, times[0]))
				for _, at := range times[1:] {
					if got := describe(Make(in, at)); !reflect.DeepEqual(got, want) {
						t.Errorf("quick %v: the plan made at %v differs from the one made at %v", quick, at, times[0])
					}
				}
				if got := describe(Make(in, next.Add(5*time.Hour))); reflect.DeepEqual(got, want) {
					t.Errorf("quick %v: the plan of the next study day is the same", quick)
				}
			}
		})
	}
}

// mixedDeck is n cards over 5 questions whose reviews took place before
// now, at every time of day: new, review and relearning cards.
func mixedDeck(now time.Time, n int) Input {
	rng := rand.New(rand.NewPCG(5, 6))
	in := Input{Weights: fsrs.DefaultWeights(), Retention: 0.9, Target: 0.9, Minutes: 15, Costs: DefaultCosts}
	for q := range 5 {
		in.Questions = append(in.Questions, fmt.Sprintf("q%d", q))
	}
	for i := range n {
		c := fsrs.NewCard()
		switch i % 4 {
		case 1, 2:
			s := 0.5 + rng.Float64()*30
			last := now.Add(-time.Duration(rng.Float64() * s * 24 * float64(time.Hour)))
			c = fsrs.Card{State: fsrs.Review, Stability: s, Difficulty: 1 + 9*rng.Float64(), LastReview: last, Due: last.Add(time.Duration(s*24) * time.Hour), Reps: 3}
		case 3:
			if i%8 == 3 {
				c = fsrs.Card{State: fsrs.Relearning, Stability: 1, Difficulty: 6, LastReview: now.Add(-time.Hour), Due: now}
			}
		}
		in.Cards = append(in.Cards, Card{Key: fmt.Sprintf("d/c%04d", i), Question: in.Questions[i%5], Order: i, FSRS: c})
	}
	return in
}

// describe is everything a plan says, but the time it was made.
func describe(p *Plan) []any {
	return []any{p.Exam, p.DaysLeft, p.Days, p.Followed, p.Stopped, p.Low, p.High, p.Questions, p.Below, p.Needed, p.first, p.rank, p.finalRank}
}
