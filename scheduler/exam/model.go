package exam

import (
	"math"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// Model is FSRS-5's memory model as go-fsrs v3.3.1 computes it, without
// go-fsrs's per-call state: the forgetting curve and what a rating does to a
// card's stability and difficulty. The planner runs it millions of times,
// so it allocates nothing and has no interval fuzz. Times are in days.
type Model struct {
	W      fsrs.Weights
	decay  float64
	factor float64

	// Constants of the formulas, computed once.
	dEasy     float64 // InitDifficulty(Easy)
	expW8     float64 // e^w8
	shortGood float64 // ShortTerm's factor for Good
	lapseCap  float64 // e^(w17·w18)
	sqrt      bool    // decay is -0.5: the curve is 1/√(1 + f·t/s)
}

// NewModel returns the model with weights w (fsrs.DefaultWeights, or the
// weights fitted to the learner).
func NewModel(w fsrs.Weights) *Model {
	p := fsrs.DefaultParam()
	m := &Model{W: w, decay: p.Decay, factor: p.Factor, sqrt: p.Decay == -0.5}
	m.dEasy = constrain(w[4] - math.Exp(w[5]*3) + 1)
	m.expW8 = math.Exp(w[8])
	m.shortGood = math.Exp(w[17] * w[18])
	m.lapseCap = math.Exp(w[17] * w[18])
	return m
}

// Recall is the forgetting curve: the probability of recall t days after
// the last review of a card with stability s (go-fsrs forgettingCurve).
// It is 0 for s <= 0 and 1 for t <= 0.
func (m *Model) Recall(t, s float64) float64 {
	if !(s > 0) {
		return 0
	}
	if t <= 0 {
		return 1
	}
	if m.sqrt {
		return 1 / math.Sqrt(1+m.factor*t/s)
	}
	return math.Pow(1+m.factor*t/s, m.decay)
}

// Reach returns how many days after its last review a card with
// stability s stays at or above recall r: the inverse of Recall.
func (m *Model) Reach(s, r float64) float64 {
	if m.sqrt {
		return s / m.factor * (1/(r*r) - 1)
	}
	return s / m.factor * (math.Pow(r, 1/m.decay) - 1)
}

// Interval returns the interval in whole days go-fsrs gives a card of
// stability s at desired retention r, before fuzz: at least 1 day.
func (m *Model) Interval(s, r float64) float64 {
	return max(min(math.Round(m.Reach(s, r)), 36500), 1)
}

func constrain(d float64) float64 { return min(max(d, 1), 10) }

// InitStability and InitDifficulty are a new card's memory after its first
// rating r.
func (m *Model) InitStability(r fsrs.Rating) float64 { return max(m.W[r-1], 0.1) }

func (m *Model) InitDifficulty(r fsrs.Rating) float64 {
	return constrain(m.W[4] - math.Exp(m.W[5]*float64(r-1)) + 1)
}

// NextDifficulty is the difficulty after rating r.
func (m *Model) NextDifficulty(d float64, r fsrs.Rating) float64 {
	delta := -m.W[6] * float64(r-3)
	next := d + (10-d)*delta/9
	return constrain(m.W[7]*m.dEasy + (1-m.W[7])*next)
}

// ShortTerm is the stability after a rating r given on the same day as the
// previous one (a learning or relearning step).
func (m *Model) ShortTerm(s float64, r fsrs.Rating) float64 {
	if r == fsrs.Good {
		return s * m.shortGood
	}
	return s * math.Exp(m.W[17]*(float64(r-3)+m.W[18]))
}

// Success is the stability after a review rated r (Hard, Good or Easy) of
// a card with difficulty d and stability s, recalled with probability rr.
func (m *Model) Success(d, s, rr float64, r fsrs.Rating) float64 {
	hard, easy := 1.0, 1.0
	switch r {
	case fsrs.Hard:
		hard = m.W[15]
	case fsrs.Easy:
		easy = m.W[16]
	}
	// s^-w9 as e^(-w9·ln s): the same number, without math.Pow's cases.
	return s * (1 + m.expW8*(11-d)*math.Exp(-m.W[9]*math.Log(s))*(math.Exp((1-rr)*m.W[10])-1)*hard*easy)
}

// Lapse is the stability after a review of a card in the review state
// rated Again.
func (m *Model) Lapse(d, s, rr float64) float64 {
	f := m.W[11] * math.Pow(d, -m.W[12]) * (math.Pow(s+1, m.W[13]) - 1) * math.Exp((1-rr)*m.W[14])
	return min(s/m.lapseCap, f)
}

// Memory is a card's memory in the model: stability, difficulty and the
// time of the last review in days (on the planner's clock).
type Memory struct {
	S, D float64
	Last float64
}

// Review applies a review in the review state at time t rated r, the way
// go-fsrs does: the elapsed time is counted in whole days, and a review on
// the day of the last one changes the stability only through difficulty.
func (m *Model) Review(c Memory, t float64, r fsrs.Rating) Memory {
	elapsed := math.Floor(t - c.Last)
	rr := m.Recall(elapsed, c.S)
	out := Memory{D: m.NextDifficulty(c.D, r), Last: t}
	if r == fsrs.Again {
		out.S = m.Lapse(c.D, c.S, rr)
	} else {
		out.S = m.Success(c.D, c.S, rr, r)
	}
	return out
}

// Learn is a new card's memory after it is rated Good twice on the day it
// is introduced at t (go-fsrs's learning steps: Good, then Good again ten
// minutes later, which graduates it).
func (m *Model) Learn(t float64) Memory {
	s := m.ShortTerm(m.InitStability(fsrs.Good), fsrs.Good)
	d := m.NextDifficulty(m.InitDifficulty(fsrs.Good), fsrs.Good)
	return Memory{S: s, D: d, Last: t}
}
