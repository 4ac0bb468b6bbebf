package optimize

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// randomWeights returns weights drawn uniformly within the bounds, kept a
// little away from them so that finite differences stay inside.
func randomWeights(rng *rand.Rand) Weights {
	var w Weights
	for i := range w {
		lo, hi := bounds[i][0], bounds[i][1]
		if i < 4 {
			hi = 20
		}
		w[i] = lo + (hi-lo)*(0.05+0.9*rng.Float64())
	}
	return w
}

// chainLoss runs a card's reviews and returns the log-loss of its items
// and its gradient by forward-mode differentiation.
func chainLoss(w Weights, dts []float64, ratings []int) (float64, [NumWeights]float64) {
	p := newParams(w)
	var st State
	var tg tangent
	var loss float64
	var g [NumWeights]float64
	p.initGrad(ratings[0], &st, &tg)
	for k := 1; k < len(ratings); k++ {
		var R, dRdS float64
		if dts[k] > 0 {
			R, dRdS = recallGrad(dts[k], st.S)
			loss += logLoss(R, ratings[k] > 1)
			dl := lossGrad(R, ratings[k] > 1) * dRdS
			for j := range g {
				g[j] += dl * tg.s[j]
			}
		}
		p.stepGrad(&st, &tg, dts[k], ratings[k], R, dRdS)
	}
	return loss, g
}

// chainValue is chainLoss's loss with the plain step, plus the final
// state, to check that stepGrad computes the same states as step.
func chainValue(w Weights, dts []float64, ratings []int) (float64, State) {
	p := newParams(w)
	st := p.initState(ratings[0])
	var loss float64
	for k := 1; k < len(ratings); k++ {
		if dts[k] > 0 {
			loss += logLoss(Recall(dts[k], st.S), ratings[k] > 1)
		}
		st = p.step(st, dts[k], ratings[k])
	}
	return loss, st
}

func TestGradient_MatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	checked := 0
	for trial := range 400 {
		w := randomWeights(rng)
		n := 2 + rng.IntN(12)
		dts := make([]float64, n)
		ratings := make([]int, n)
		for k := range n {
			ratings[k] = 1 + rng.IntN(4)
			if k > 0 && rng.Float64() < 0.75 {
				dts[k] = float64(1 + rng.IntN(60))
			}
		}
		loss, g := chainLoss(w, dts, ratings)
		if l2, _ := chainValue(w, dts, ratings); math.Abs(l2-loss) > 1e-9*max(1, loss) {
			t.Fatalf("trial %d: stepGrad's loss %v, step's %v", trial, loss, l2)
		}
		for j := range w {
			h := 1e-6 * max(1, math.Abs(w[j]))
			wp, wm := w, w
			wp[j] += h
			wm[j] -= h
			lp, _ := chainValue(wp, dts, ratings)
			lm, _ := chainValue(wm, dts, ratings)
			fd := (lp - lm) / (2 * h)
			// A clamp or a min switching inside [w−h, w+h] makes the
			// central difference meaningless; check only smooth points,
			// detected by the one-sided differences agreeing.
			fp := (lp - loss) / h
			fm := (loss - lm) / h
			if math.Abs(fp-fm) > 1e-3*max(1, math.Abs(fd)) {
				continue
			}
			checked++
			err := math.Abs(fd-g[j]) / max(1, math.Abs(fd))
			worst = max(worst, err)
			if err > 1e-5 {
				t.Errorf("trial %d, w%d = %v: gradient %v, finite difference %v (dts %v ratings %v)", trial, j, w[j], g[j], fd, dts, ratings)
			}
		}
	}
	if checked < 400*NumWeights*8/10 {
		t.Errorf("only %d of %d derivatives were at smooth points", checked, 400*NumWeights)
	}
	t.Logf("%d derivatives checked, worst relative error %.2g", checked, worst)
}

// TestStep_MatchesGoFSRS checks the model's stability and difficulty
// updates against go-fsrs's scheduler formulas on a review state, where
// both use the long-term formulas.
func TestStep_LongTermFormulas(t *testing.T) {
	w := DefaultWeights()
	p := newParams(w)
	st := State{S: 5, D: 6}
	// Recall: S(1 + e^w8 (11−D) S^−w9 (e^(w10(1−R)) − 1)).
	R := Recall(7, 5)
	want := 5 * (1 + math.Exp(w[8])*(11-6)*math.Pow(5, -w[9])*(math.Exp(w[10]*(1-R))-1))
	if got := p.step(st, 7, 3).S; math.Abs(got-want) > 1e-12 {
		t.Errorf("good after 7 days: S = %v, want %v", got, want)
	}
	// Lapse: min(w11 D^−w12 ((S+1)^w13 − 1) e^(w14(1−R)), S/e^(w17 w18)).
	f := w[11] * math.Pow(6, -w[12]) * (math.Pow(6, w[13]) - 1) * math.Exp(w[14]*(1-R))
	want = min(f, 5/math.Exp(w[17]*w[18]))
	if got := p.step(st, 7, 1).S; math.Abs(got-want) > 1e-12 {
		t.Errorf("again after 7 days: S = %v, want %v", got, want)
	}
	// Same day: S e^(w17 (G − 3 + w18)).
	want = 5 * math.Exp(w[17]*(4-3+w[18]))
	if got := p.step(st, 0, 4).S; math.Abs(got-want) > 1e-12 {
		t.Errorf("easy the same day: S = %v, want %v", got, want)
	}
}

// TestStep_MatchesGoFSRS checks the model against go-fsrs v3 itself, with
// random weights: the first review, a review days later (every rating) and
// a same-day review in learning give the same stability and difficulty.
func TestStep_MatchesGoFSRS(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for trial := range 200 {
		w := randomWeights(rng)
		prm := fsrs.DefaultParam()
		prm.W = w
		f := fsrs.NewFSRS(prm)
		p := newParams(w)
		close := func(what string, got, want float64) {
			t.Helper()
			if math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
				t.Errorf("trial %d %s: model %v, go-fsrs %v (w %v)", trial, what, got, want, w)
			}
		}
		for r := fsrs.Again; r <= fsrs.Easy; r++ {
			c := f.Next(fsrs.NewCard(), t0, r).Card
			st := p.initState(int(r))
			close("first S", st.S, c.Stability)
			close("first D", st.D, c.Difficulty)
		}
		// A card in review, rated days later.
		rev := fsrs.NewCard()
		rev.State, rev.Stability, rev.Difficulty, rev.LastReview = fsrs.Review, 0.5+30*rng.Float64(), 1+9*rng.Float64(), t0
		days := 1 + rng.IntN(60)
		for r := fsrs.Again; r <= fsrs.Easy; r++ {
			c := f.Next(rev, t0.Add(time.Duration(days)*24*time.Hour), r).Card
			st := p.step(State{rev.Stability, rev.Difficulty}, float64(days), int(r))
			close(fmt.Sprintf("review S (rating %d, %d days)", r, days), st.S, c.Stability)
			close("review D", st.D, c.Difficulty)
		}
		// A card in learning, rated the same day.
		lrn := rev
		lrn.State = fsrs.Learning
		for r := fsrs.Again; r <= fsrs.Easy; r++ {
			c := f.Next(lrn, t0.Add(10*time.Minute), r).Card
			st := p.step(State{lrn.Stability, lrn.Difficulty}, 0, int(r))
			close("same-day S", st.S, c.Stability)
			close("same-day D", st.D, c.Difficulty)
		}
	}
}
