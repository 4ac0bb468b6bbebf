package exam

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// TestPass_ReuseSameAsFresh checks that a pass that takes over an earlier
// pass's memory (run, when the final pass needs more days) gives exactly
// what a pass on fresh memory gives: with every rating Good and with drawn
// outcomes for another learner, after a pass with another window and
// budget.
func TestPass_ReuseSameAsFresh(t *testing.T) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(3, 4))
	in := Input{Weights: fsrs.DefaultWeights(), Retention: 0.9, Target: 0.9, Minutes: 20, Costs: DefaultCosts, Exam: now.AddDate(0, 0, 30)}
	for q := range 5 {
		in.Questions = append(in.Questions, fmt.Sprintf("q%d", q))
	}
	for i := range 600 {
		c := fsrs.NewCard()
		switch i % 4 {
		case 1, 2:
			s := 0.5 + rng.Float64()*40
			last := now.Add(-time.Duration(rng.Float64()*s*24) * time.Hour)
			c = fsrs.Card{State: fsrs.Review, Stability: s, Difficulty: 1 + 9*rng.Float64(), LastReview: last, Due: last.Add(time.Duration(s*24) * time.Hour), Reps: 3}
		case 3:
			if i%8 == 3 {
				c = fsrs.Card{State: fsrs.Relearning, Stability: 1, Difficulty: 6, LastReview: now.Add(-time.Hour), Due: now}
			}
		}
		in.Cards = append(in.Cards, Card{Key: fmt.Sprintf("d/c%04d", i), Question: in.Questions[i%5], Order: i, FSRS: c})
	}
	p := begin(in, now)
	s, b := p.cardsSim()
	p.prepare(s, b)
	other := s.m.W
	for i := range other {
		other[i] *= 1.1
	}
	for _, minutes := range []float64{5, 20, 200} {
		for _, window := range []int{1, 4, 30} {
			for _, drawn := range []bool{false, true} {
				mk := func(m float64) cfg {
					c := s.cfg(m)
					if drawn {
						c.tm = NewModel(other)
						c.rng = rand.New(rand.NewPCG(9, 9))
					}
					return c
				}
				fresh := s.pass(mk(minutes), window, nil)
				earlier := s.pass(mk(minutes*3), min(window+10, s.n), nil)
				reused := s.pass(mk(minutes), window, earlier)
				for _, f := range []struct {
					name string
					a, b any
				}{
					{"days", fresh.days, reused.days}, {"first", fresh.first, reused.first},
					{"low", fresh.low, reused.low}, {"exp", fresh.exp, reused.exp},
					{"finalRank", fresh.finalRank, reused.finalRank}, {"mem", fresh.mem, reused.mem},
					{"figures", []any{fresh.below, fresh.unserved, fresh.finals, fresh.followed, fresh.stopped},
						[]any{reused.below, reused.unserved, reused.finals, reused.followed, reused.stopped}},
				} {
					if !reflect.DeepEqual(f.a, f.b) {
						t.Errorf("minutes %v, window %d, drawn %v: %s differ after reuse", minutes, window, drawn, f.name)
					}
				}
				if fresh.finals == 0 && fresh.unserved == 0 {
					t.Logf("minutes %v, window %d: no final pass", minutes, window)
				}
			}
		}
	}
}
