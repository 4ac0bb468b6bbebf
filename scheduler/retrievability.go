package scheduler

import (
	"math"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// FSRS-5's forgetting curve R(t, S) = (1 + factor·t/S)^decay. Its decay and
// factor are constants of the model, the same whatever the weights.
var (
	fsrsDecay  = fsrs.DefaultParam().Decay
	fsrsFactor = fsrs.DefaultParam().Factor
)

// ForgettingCurve returns the probability of recall elapsedDays after the
// last review of a card with the given stability (days), as go-fsrs's
// GetRetrievability computes it, clamped into 0..1: flash's one
// retrievability function (Scheduler.Retrievability applies it to a card,
// stats to every review in the log). It is 1 for elapsedDays <= 0 and 0 for
// a stability that is not positive. With FSRS-5's decay of -0.5 it takes a
// square root instead of math.Pow: stats computes it once per review.
func ForgettingCurve(elapsedDays, stability float64) float64 {
	if !(stability > 0) {
		return 0
	}
	if !(elapsedDays > 0) {
		return 1
	}
	x := 1 + fsrsFactor*elapsedDays/stability
	var r float64
	if fsrsDecay == -0.5 {
		r = 1 / math.Sqrt(x)
	} else {
		r = math.Pow(x, fsrsDecay)
	}
	if !(r >= 0) { // NaN
		return 0
	}
	return min(r, 1)
}
