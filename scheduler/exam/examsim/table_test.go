package examsim

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
)

// The built-in deck is checked against the simulations, as flash does.
func init() { deck.UseSims(sims.Checker{}) }

var (
	full     = flag.Bool("full", false, "run the whole exam-mode benchmark (20 learners a row) and print its table")
	onlyDays = flag.Int("days", 0, "with -full: only exams this many days away")
	hour     = flag.Int("hour", sessionHour, "the local hour at which the learners study each day (4–23; the exam is at 09:00)")
)

// row is the mean over learners of one configuration.
type row struct {
	cfg          Config
	mean         Result
	n            int
	inBand       int
	allReachable bool
}

func runRow(cfg Config, learners int) row {
	r := row{cfg: cfg, n: learners, allReachable: true}
	var sumPred float64
	for k := range learners {
		cfg.Seed = uint64(1000 + k)
		res := Run(cfg)
		r.mean.Mean += res.Mean
		r.mean.AtTarget += res.AtTarget
		r.mean.Lowest += res.Lowest
		r.mean.Ratings += res.Ratings
		r.mean.Minutes += res.Minutes
		r.mean.Shown += res.Shown
		r.mean.Predicted += res.Predicted
		r.mean.PredictedLast += res.PredictedLast
		r.mean.Low += res.Low
		r.mean.High += res.High
		if res.Mean >= res.Low-1e-9 && res.Mean <= res.High+1e-9 {
			r.inBand++
		}
		r.mean.Needed += res.Needed
		r.mean.MaxDayMinutes = max(r.mean.MaxDayMinutes, res.MaxDayMinutes)
		if !res.Reachable {
			r.allReachable = false
		}
		sumPred += res.Predicted
	}
	f := float64(learners)
	r.mean.Mean /= f
	r.mean.AtTarget /= f
	r.mean.Lowest /= f
	r.mean.Ratings /= learners
	r.mean.Minutes /= f
	r.mean.Shown /= learners
	r.mean.Predicted /= f
	r.mean.PredictedLast /= f
	r.mean.Low /= f
	r.mean.High /= f
	r.mean.Needed /= f
	return r
}

// checkClaims checks what issue 15 asks of exam mode with target 0.90:
// every card shown where the budget allows it; at 14 days and more a true mean of at least 0.95, at
// least 90% of cards at the target and no question below 0.90; at 7 days
// a mean of 0.85 where the first day's plan said the budget allows it,
// else at least what it said; the first day's prediction within 0.03 of
// the true mean, or its range holding the true mean for 90% of learners;
// at 30 days no more ratings than plain FSRS on the same learners.
func checkClaims(t *testing.T, r, plain row, cards int) {
	t.Helper()
	name := fmt.Sprintf("%s, %d days, %.0f min", r.cfg.Deck.Name, r.cfg.Days, r.cfg.Minutes)
	m := r.mean
	if m.Shown != cards && r.allReachable {
		t.Errorf("%s: %d of %d cards shown", name, m.Shown, cards)
	}
	if r.cfg.Days >= 14 {
		if m.Mean < 0.95 || m.AtTarget < 0.90 || m.Lowest < 0.90 {
			t.Errorf("%s: mean %.3f, %.0f%% at the target, lowest question %.3f", name, m.Mean, 100*m.AtTarget, m.Lowest)
		}
	} else if r.allReachable && m.Mean < 0.85 {
		t.Errorf("%s: mean %.3f where the plan said the target is in reach", name, m.Mean)
	} else if !r.allReachable && m.Mean < m.Predicted-0.03 {
		t.Errorf("%s: mean %.3f below the %.3f the first day promised", name, m.Mean, m.Predicted)
	}
	if r.cfg.Days >= 30 && m.Ratings > plain.mean.Ratings {
		t.Errorf("%s: %d ratings, plain FSRS %d", name, m.Ratings, plain.mean.Ratings)
	}
	if d := m.Predicted - m.Mean; (d > 0.03 || d < -0.03) && r.inBand*10 < 9*r.n {
		t.Errorf("%s: predicted %.3f, true %.3f, in range for %d of %d", name, m.Predicted, m.Mean, r.inBand, r.n)
	}
}

func TestTable(t *testing.T) {
	learners := 2
	decks := []Deck{SyntheticDeck(13, 20)}
	days := []int{14}
	budgets := []float64{20}
	if *full {
		learners = 20
		decks = []Deck{BuiltinDeck(), SyntheticDeck(13, 20)}
		days = []int{7, 14, 30}
		if *onlyDays > 0 {
			days = []int{*onlyDays}
		}
		budgets = []float64{20, 40}
	}
	var b strings.Builder
	fmt.Fprintln(&b, "| deck | exam in | min/day | mode | cards shown | true mean | ≥ target | lowest question | ratings | minutes | predicted on day 1 [range] (in range) |")
	fmt.Fprintln(&b, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, d := range decks {
		for _, dd := range days {
			for _, bm := range budgets {
				var plain row
				for _, m := range []Mode{Plain, Exam, Cram} {
					r := runRow(Config{Deck: d, Days: dd, Minutes: bm, Target: 0.9, Mode: m, Hour: *hour}, learners)
					switch m {
					case Plain:
						plain = r
					case Exam:
						checkClaims(t, r, plain, len(d.Cards))
					}
					pred := ""
					if m == Exam {
						pred = fmt.Sprintf("%.3f [%.3f, %.3f] (%d/%d)", r.mean.Predicted, r.mean.Low, r.mean.High, r.inBand, r.n)
						if r.mean.Needed > 0 {
							pred += fmt.Sprintf("; said %.0f min would reach 0.90", r.mean.Needed)
						}
					}
					fmt.Fprintf(&b, "| %s | %d d | %.0f | %s | %d | %.3f | %.0f%% | %.3f | %d | %.0f (max %.0f/day) | %s |\n",
						d.Name, dd, bm, m, r.mean.Shown, r.mean.Mean, 100*r.mean.AtTarget, r.mean.Lowest, r.mean.Ratings, r.mean.Minutes, r.mean.MaxDayMinutes, pred)
				}
			}
		}
	}
	t.Log("\n" + b.String())
}
