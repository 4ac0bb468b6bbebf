// Package optimize fits FSRS-5's 19 weights to one learner's review log,
// the way the reference FSRS optimizer (fsrs-rs) does, and evaluates them.
//
// The model is the one go-fsrs v3 (FSRS-5) schedules with, so fitted
// weights mean the same to the scheduler: the same forgetting curve, the
// same stability and difficulty updates, and same-day reviews handled by
// the short-term stability formula. The package is pure: it reads no clock
// and no files; the caller hands in the reviews.
package optimize

import (
	"math"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// NumWeights is the number of FSRS-5 weights.
const NumWeights = 19

// Weights are FSRS-5's weights, in go-fsrs's order (fsrs.Weights).
type Weights = fsrs.Weights

// DefaultWeights returns go-fsrs's default weights.
func DefaultWeights() Weights { return fsrs.DefaultWeights() }

const (
	decay  = -0.5
	factor = 19.0 / 81.0 // 0.9^(1/decay) − 1: R(S, S) = 0.9
	sMin   = 0.01        // the reference clamps every stability into [sMin, sMax]
	sMax   = 36500.0
	// initSMin is the lower bound of the four initial stabilities. The
	// reference allows 0.01; go-fsrs raises an initial stability below 0.1
	// to 0.1 when it schedules, so a fitted value below 0.1 would mean
	// something else to the scheduler than to the fit.
	initSMin = 0.1
	initSMax = 100.0
)

// bounds are the reference optimizer's parameter bounds (fsrs-rs's
// parameter clipper, FSRS-5, one relearning step), except initSMin.
var bounds = [NumWeights][2]float64{
	{initSMin, initSMax}, {initSMin, initSMax}, {initSMin, initSMax}, {initSMin, initSMax},
	{1, 10},       // w4: initial difficulty after Again
	{0.001, 4},    // w5
	{0.001, 4},    // w6: difficulty change per grade
	{0.001, 0.75}, // w7: mean reversion
	{0, 4.5},      // w8
	{0, 0.8},      // w9
	{0.001, 3.5},  // w10
	{0.001, 5},    // w11
	{0.001, 0.25}, // w12
	{0.001, 0.9},  // w13
	{0, 4},        // w14
	{0, 1},        // w15: hard penalty
	{1, 6},        // w16: easy bonus
	{0, 2},        // w17
	{0, 2},        // w18
}

// Clip returns w with every weight moved into the reference optimizer's
// bounds (NaN becomes the default).
func Clip(w Weights) Weights {
	d := DefaultWeights()
	for i := range w {
		if math.IsNaN(w[i]) {
			w[i] = d[i]
		}
		w[i] = min(max(w[i], bounds[i][0]), bounds[i][1])
	}
	return w
}

// Valid reports whether every weight is finite and within the bounds the
// optimizer keeps them in.
func Valid(w Weights) bool {
	for i, v := range w {
		if math.IsNaN(v) || v < bounds[i][0] || v > bounds[i][1] {
			return false
		}
	}
	return true
}

// Recall is FSRS-5's forgetting curve: the probability of recall t days
// after a review that left stability s.
func Recall(t, s float64) float64 {
	return 1 / math.Sqrt(1+factor*t/s)
}

// State is a card's memory state in the model.
type State struct {
	S, D float64
}

// params holds the weights and the per-weights constants a step needs.
type params struct {
	w        Weights
	ew8      float64 // e^w8
	forgetK  float64 // e^(−w17·w18): the post-lapse stability is at most S·forgetK
	d0Easy   float64 // D0(Easy), clamped as go-fsrs clamps it
	d0Active bool    // d0Easy is not at a clamp bound: it depends on w4, w5
	e3w5     float64 // e^(3·w5)
	// By rating−1: e^(w5·(r−1)) (the initial difficulty) and
	// e^(w17·(r−3+w18)) (the same-day stability factor).
	ew5r  [4]float64
	short [4]float64
}

func newParams(w Weights) params {
	p := params{w: w, ew8: math.Exp(w[8]), forgetK: math.Exp(-w[17] * w[18]), e3w5: math.Exp(3 * w[5])}
	d0 := w[4] - p.e3w5 + 1
	p.d0Easy = min(max(d0, 1), 10)
	p.d0Active = d0 > 1 && d0 < 10
	for r := range 4 {
		p.ew5r[r] = math.Exp(w[5] * float64(r))
		p.short[r] = math.Exp(w[17] * (float64(r+1-3) + w[18]))
	}
	return p
}

// initState is the state after a card's first review with rating r (1..4).
func (p *params) initState(r int) State {
	d := p.w[4] - p.ew5r[r-1] + 1
	return State{S: min(max(p.w[r-1], sMin), sMax), D: min(max(d, 1), 10)}
}

// nextD is the difficulty after rating r from difficulty d.
func (p *params) nextD(d float64, r int) float64 {
	delta := -p.w[6] * float64(r-3)
	dn := d + delta*(10-d)/9
	return min(max(p.w[7]*p.d0Easy+(1-p.w[7])*dn, 1), 10)
}

// step is the state after rating r, dt whole days after the review that
// left st (dt = 0: the same study day, FSRS-5's short-term formula).
func (p *params) step(st State, dt float64, r int) State {
	if dt == 0 {
		return p.stepR(st, 0, r, 1)
	}
	return p.stepR(st, dt, r, Recall(dt, st.S))
}

// stepR is step given the recall rr at the review (dt > 0).
func (p *params) stepR(st State, dt float64, r int, rr float64) State {
	w := &p.w
	var s float64
	switch {
	case dt == 0:
		s = st.S * p.short[r-1]
	case r == 1:
		f := w[11] * math.Exp(-w[12]*math.Log(st.D)) * (math.Exp(w[13]*math.Log(st.S+1)) - 1) * math.Exp(w[14]*(1-rr))
		s = min(f, st.S*p.forgetK)
	default:
		h := 1.0
		if r == 2 {
			h = w[15]
		} else if r == 4 {
			h = w[16]
		}
		s = st.S * (1 + p.ew8*(11-st.D)*math.Exp(-w[9]*math.Log(st.S))*(math.Exp(w[10]*(1-rr))-1)*h)
	}
	return State{S: min(max(s, sMin), sMax), D: p.nextD(st.D, r)}
}
