package exam_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler/exam"
)

// bigDeck returns n cards over 13 questions at now: a third new, the rest
// studied in the last months, due over the next weeks.
func bigDeck(n int, now time.Time) exam.Input {
	rng := rand.New(rand.NewPCG(7, 7))
	in := exam.Input{Weights: fsrs.DefaultWeights(), Retention: 0.9, Target: 0.9, Minutes: 30, Costs: exam.DefaultCosts}
	for q := range 13 {
		in.Questions = append(in.Questions, fmt.Sprintf("q%d", q))
	}
	for i := range n {
		c := fsrs.NewCard()
		if i%3 != 0 {
			s := 1 + rng.Float64()*60
			last := now.Add(-time.Duration(rng.Float64()*s*24) * time.Hour)
			c = fsrs.Card{State: fsrs.Review, Stability: s, Difficulty: 1 + 9*rng.Float64(), LastReview: last, Due: last.Add(time.Duration(s*24) * time.Hour), Reps: 3}
		}
		in.Cards = append(in.Cards, exam.Card{Key: fmt.Sprintf("d/c%05d", i), Question: in.Questions[i%13], Order: i, FSRS: c})
	}
	return in
}

// BenchmarkMake_10k is 'flash exam”s plan on 10k cards with the exam 60
// days away (README: Speed and size).
func BenchmarkMake_10k(b *testing.B) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for _, minutes := range []float64{30, 600} {
		b.Run(fmt.Sprintf("minutes=%v", minutes), func(b *testing.B) {
			in := bigDeck(10000, now)
			in.Minutes = minutes
			in.Exam = now.AddDate(0, 0, 60)
			var p *exam.Plan
			for b.Loop() {
				p = exam.Make(in, now)
			}
			b.ReportMetric(p.Followed, "followed")
			b.ReportMetric(p.Needed, "needed-min")
		})
	}
}
