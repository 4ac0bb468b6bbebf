package scheduler

import (
	"math"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// FSRS-5's forgetting curve R(t, S) = (1 + factor·t/S)^decay. Its decay and
// factor are constants of the model, the same whatever the weights; the
// decay is -0.5 (TestForgettingCurve_Decay checks go-fsrs's), so R is one
// over a square root.
var fsrsFactor = fsrs.DefaultParam().Factor

// ForgettingCurve returns the probability of recall elapsedDays after the
// last review of a card with the given stability (days), as go-fsrs's
// GetRetrievability computes it, clamped into 0..1: flash's one
// retrievability function (Scheduler.Retrievability applies it to a card,
// stats to every review in the log). It is 1 for elapsedDays <= 0 and 0 for
// a stability that is not positive. It takes a square root instead of
// math.Pow, and inlines: stats computes it once per review.
func ForgettingCurve(elapsedDays, stability float64) float64 {
	if !(stability > 0) {
		return 0
	}
	if !(elapsedDays > 0) {
		return 1
	}
	// x >= 1, so r is at most 1; x = +Inf gives 0, and only NaN (both
	// infinite) fails r >= 0.
	if r := 1 / math.Sqrt(1+fsrsFactor*elapsedDays/stability); r >= 0 {
		return r
	}
	return 0
}
