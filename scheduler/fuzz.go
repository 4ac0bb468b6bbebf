package scheduler

import (
	"encoding/binary"
	"hash/fnv"
	"math"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// fuzzFactor returns the card's fuzz factor for its next review, uniform
// in [0, 1): a hash of its key and review count. It changes with every
// review, as go-fsrs's seed does, but not with the clock.
func fuzzFactor(key string, reps uint64) float64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	var b [9]byte
	b[0] = 0 // a key cannot run into the count
	binary.BigEndian.PutUint64(b[1:], reps)
	h.Write(b[:])
	// splitmix64's finaliser spreads FNV's bits over the whole word.
	z := h.Sum64()
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

// intervals returns the interval in days of each rating (by rating-1) that
// go-fsrs gives a whole-day interval, 0 for the others, given the Repeat
// of a card in state st with fuzz off, and fuzz, which fuzzes an interval
// given the days elapsed since the last review. It is go-fsrs's basic
// scheduler's interval logic, with the fuzz handed in:
//
//	new:                  Easy
//	learning, relearning: Good; Easy at least Good+1
//	review:               Hard at most Good; Good at least Hard+1;
//	                      Easy at least Good+1
func (s *Scheduler) intervals(st fsrs.State, rl fsrs.RecordLog, fuzz func(ivl, elapsed float64) float64) [4]float64 {
	elapsed := float64(rl[fsrs.Good].Card.ElapsedDays)
	ivl := func(r fsrs.Rating) float64 {
		return fuzz(s.nextInterval(rl[r].Card.Stability), elapsed)
	}
	var out [4]float64
	switch st {
	case fsrs.New:
		out[fsrs.Easy-1] = ivl(fsrs.Easy)
	case fsrs.Learning, fsrs.Relearning:
		good := ivl(fsrs.Good)
		out[fsrs.Good-1] = good
		out[fsrs.Easy-1] = math.Max(ivl(fsrs.Easy), good+1)
	case fsrs.Review:
		hard, good := ivl(fsrs.Hard), ivl(fsrs.Good)
		hard = math.Min(hard, good)
		good = math.Max(good, hard+1)
		out[fsrs.Hard-1] = hard
		out[fsrs.Good-1] = good
		out[fsrs.Easy-1] = math.Max(ivl(fsrs.Easy), good+1)
	}
	return out
}

// nextInterval is go-fsrs's interval for stability st before fuzz: the
// days at which recall falls to the desired retention, rounded, within
// 1..MaximumInterval.
func (s *Scheduler) nextInterval(st float64) float64 {
	p := &s.f.Parameters
	ivl := st / p.Factor * (math.Pow(p.RequestRetention, 1/p.Decay) - 1)
	return math.Max(math.Min(math.Round(ivl), p.MaximumInterval), 1)
}

// fuzz is go-fsrs's ApplyFuzz with the fuzz factor u instead of one drawn
// from its clock seed: an interval of at
// least 2.5 days becomes a whole number of days drawn by u from the range
// go-fsrs's FUZZ_RANGES give it.
func (s *Scheduler) fuzz(ivl, elapsed, u float64) float64 {
	if ivl < 2.5 {
		return ivl
	}
	lo, hi := fuzzRange(ivl, elapsed, s.f.MaximumInterval)
	return math.Floor(u*(hi-lo+1)) + lo
}

// fuzzRange is go-fsrs's getFuzzRange: the whole days an interval ivl may
// be fuzzed to, never below 2, above maxIvl, or (for an interval longer
// than the time since the last review) at or below elapsed.
func fuzzRange(ivl, elapsed, maxIvl float64) (lo, hi float64) {
	delta := 1.0
	for _, r := range fsrs.FUZZ_RANGES {
		delta += r.Factor * math.Max(math.Min(ivl, r.End)-r.Start, 0)
	}
	ivl = math.Min(ivl, maxIvl)
	lo = math.Max(2, math.Round(ivl-delta))
	hi = math.Min(math.Round(ivl+delta), maxIvl)
	if ivl > elapsed {
		lo = math.Max(lo, elapsed+1)
	}
	return math.Min(lo, hi), hi
}
