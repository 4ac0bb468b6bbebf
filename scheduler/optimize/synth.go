package optimize

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// TrueWeights returns the weights of the synthetic learner of seed: each
// default weight times e^(0.2·z), z standard normal, then kept within
// the optimizer's bounds.
func TrueWeights(seed uint64) Weights {
	rng := rand.New(rand.NewPCG(seed, 0x7275657765696768))
	w := DefaultWeights()
	for i := range w {
		w[i] *= math.Exp(0.2 * rng.NormFloat64())
	}
	return Clip(w)
}

// SynthStart is the first day of synthetic logs: 2024-01-01 UTC, in ms.
const SynthStart = int64(1704067200000)

// Synthesize returns a review log of about n reviews (exactly n unless
// n is tiny) by a learner whose memory follows FSRS-5 with
// TrueWeights(seed), studied with the default weights' schedule at 90%
// desired retention, as flash schedules before any fit. Its days start at
// 04:00 UTC (Clock{DayStart: 4}); reviews happen between 10:00 and 18:00.
// New cards start on random days of a two-year span; a new card and a
// lapsed one get learning steps on the same day (about 10 minutes apart)
// until rated Good or Easy, at most three. The same seed gives the same
// log. The log is in time order.
func Synthesize(seed uint64, n int) []Review {
	truth := newParams(TrueWeights(seed))
	sched := newParams(DefaultWeights())
	rng := rand.New(rand.NewPCG(seed, 0x73796e7468))
	const horizon = 730
	const dayMs = 86400000
	revs := make([]Review, 0, n+64)
	var id uint64
	pick := func(ps ...float64) int8 { // index+1 drawn with probabilities ps
		x := rng.Float64()
		for i, p := range ps {
			if x < p {
				return int8(i + 1)
			}
			x -= p
		}
		return int8(len(ps))
	}
	for len(revs) < n {
		id++
		day := int64(rng.IntN(horizon))
		at := SynthStart + day*dayMs + 10*3600000 + rng.Int64N(8*3600000)
		add := func(r, state int8) {
			revs = append(revs, Review{Card: id, Time: at, Rating: r, State: state})
		}
		// Same-day steps after a rating below Good, from state.
		learn := func(tst, sst *State, r, state int8) {
			for k := 0; k < 3 && r < 3; k++ {
				at += 10*60000 + rng.Int64N(5*60000)
				r = pick(0.15, 0.15, 0.65, 0.05)
				add(r, state)
				*tst = truth.step(*tst, 0, int(r))
				*sst = sched.step(*sst, 0, int(r))
			}
		}
		r := pick(0.2, 0.15, 0.5, 0.15)
		add(r, 0)
		tst, sst := truth.initState(int(r)), sched.initState(int(r))
		if r < 4 {
			// A learning step on the first day, then more until Good.
			at += 10*60000 + rng.Int64N(5*60000)
			r = pick(0.1, 0.15, 0.65, 0.1)
			add(r, 1)
			tst = truth.step(tst, 0, int(r))
			sst = sched.step(sst, 0, int(r))
			learn(&tst, &sst, r, 1)
		}
		for len(revs) < n {
			// The default weights' interval at 90% retention is S days.
			ivl := max(1, math.Round(sst.S*(1+0.1*(rng.Float64()-0.5))))
			day += int64(min(ivl, 36500))
			if day >= horizon {
				break
			}
			at = SynthStart + day*dayMs + 10*3600000 + rng.Int64N(8*3600000)
			dt := ivl
			var rr int8 = 1
			if rng.Float64() < Recall(dt, tst.S) {
				rr = 1 + pick(0.15, 0.75, 0.10)
			}
			add(rr, 2)
			tst = truth.step(tst, dt, int(rr))
			sst = sched.step(sst, dt, int(rr))
			if rr == 1 {
				learn(&tst, &sst, rr, 3)
			}
		}
	}
	revs = revs[:n]
	slices.SortStableFunc(revs, func(a, b Review) int { return cmp.Compare(a.Time, b.Time) })
	return revs
}
