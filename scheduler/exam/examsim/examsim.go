// Package examsim measures exam mode on simulated learners: a learner's
// true memory follows FSRS-5 with weights that are not the scheduler's
// (each default weight times e^(0.2·z)), every card has its own
// difficulty, and the learner recalls a card with its true recall
// probability. The learner studies every day with flash's own queue and
// scheduler (package scheduler, with package exam's plan applied the way
// a review session applies it), within a daily budget of minutes, and the
// true recall of every card is measured on the exam day.
package examsim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
)

// Mode is how the learner studies.
type Mode int

const (
	// Plain is flash without an exam: FSRS at the deck's retention, 20 new
	// cards a day, within the daily minutes.
	Plain Mode = iota
	// Exam is flash with the exam set.
	Exam
	// Cram is everything in the last two days: no study before, then
	// every card, half on each day, with no limit on the minutes.
	Cram
)

func (m Mode) String() string {
	return [...]string{"plain FSRS", "exam mode", "cram"}[m]
}

// Deck is a deck to study: its cards' keys and questions.
type Deck struct {
	Name      string
	Questions []string
	Cards     []exam.Card // Key, Question and Order; FSRS is ignored
}

// BuiltinDeck returns flash's built-in deck.
func BuiltinDeck() Deck {
	d := deck.Builtin()
	out := Deck{Name: fmt.Sprintf("built-in (%d cards)", len(d.Cards))}
	for _, q := range d.Questions {
		out.Questions = append(out.Questions, q.ID)
	}
	for i, c := range d.Cards {
		out.Cards = append(out.Cards, exam.Card{Key: d.ID + "/" + c.ID, Question: c.Question, Order: i})
	}
	return out
}

// SyntheticDeck returns a deck of questions × perQuestion cards, written
// question after question.
func SyntheticDeck(questions, perQuestion int) Deck {
	out := Deck{Name: fmt.Sprintf("%d cards (%d × %d)", questions*perQuestion, questions, perQuestion)}
	for q := range questions {
		id := fmt.Sprintf("q%02d", q+1)
		out.Questions = append(out.Questions, id)
		for c := range perQuestion {
			out.Cards = append(out.Cards, exam.Card{Key: fmt.Sprintf("syn/%s-%02d", id, c+1), Question: id, Order: q*perQuestion + c})
		}
	}
	return out
}

// Config is one simulated run.
type Config struct {
	Deck     Deck
	Days     int     // the exam is this many days after the first study day
	Minutes  float64 // study minutes a day (Cram ignores it)
	Target   float64
	Mode     Mode
	Seed     uint64 // the learner: weights, card difficulties, answers
	NewPlain int    // Plain's new cards a day (default 20)
}

// Result is what a run measured on the exam day.
type Result struct {
	Mean     float64 // true mean recall over all cards
	AtTarget float64 // share of cards with true recall >= the target
	Lowest   float64 // the lowest question's true mean recall
	Ratings  int     // every rating given, learning steps included
	Minutes  float64 // total study time
	Shown    int     // cards ever shown
	// Predicted is exam mode's predicted mean recall on the exam day, as
	// 'flash exam' shows it on the first day, and PredictedLast the one
	// on the last study day; Reachable is false when the first day's plan
	// said the target is out of reach, Needed then being the minutes it
	// said would reach it.
	Predicted, PredictedLast float64
	Low, High                float64
	Reachable                bool
	Needed                   float64
	// MaxDayMinutes is the longest study day.
	MaxDayMinutes float64
}

// learner is a simulated learner's true memory.
type learner struct {
	m     *exam.Model
	rng   *rand.Rand
	delta []float64 // per card: how much harder than the weights say
	mem   []trueMemory
}

type trueMemory struct {
	s, d float64
	last time.Time
	seen bool
}

// TrueWeights returns a learner's weights: each default weight times
// e^(0.2·z), z standard normal.
func TrueWeights(rng *rand.Rand) fsrs.Weights {
	w := fsrs.DefaultWeights()
	for i := range w {
		w[i] *= math.Exp(0.2 * rng.NormFloat64())
	}
	return w
}

func newLearner(seed uint64, cards int) *learner {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	l := &learner{m: exam.NewModel(TrueWeights(rng)), rng: rng, delta: make([]float64, cards), mem: make([]trueMemory, cards)}
	for i := range l.delta {
		l.delta[i] = rng.NormFloat64()
	}
	return l
}

// Answer times, before a ±25% jitter.
const (
	firstSight = 18 * time.Second
	stepTime   = 7 * time.Second
	reviewTime = 9 * time.Second
)

func (l *learner) jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.75 + 0.5*l.rng.Float64()))
}

// answer returns the learner's rating of card i shown at now and the time
// it took, and updates the true memory.
func (l *learner) answer(i int, now time.Time) (fsrs.Rating, time.Duration) {
	c := &l.mem[i]
	m := l.m
	if !c.seen {
		// First sight: nothing to recall; harder cards get Again more.
		p := l.rng.Float64()
		dl := l.delta[i]
		pAgain := min(max(0.15+0.08*dl, 0.02), 0.5)
		pHard := 0.10
		pEasy := min(max(0.12-0.06*dl, 0.01), 0.3)
		r := fsrs.Good
		switch {
		case p < pAgain:
			r = fsrs.Again
		case p < pAgain+pHard:
			r = fsrs.Hard
		case p > 1-pEasy:
			r = fsrs.Easy
		}
		*c = trueMemory{s: m.InitStability(r), d: clampD(m.InitDifficulty(r) + dl), last: now, seen: true}
		return r, l.jitter(firstSight)
	}
	elapsed := now.Sub(c.last).Hours() / 24
	rr := m.Recall(elapsed, c.s)
	recalled := l.rng.Float64() < rr
	r := fsrs.Again
	if recalled {
		r = fsrs.Good
	}
	dur := l.jitter(reviewTime)
	if elapsed < 1 {
		c.s = m.ShortTerm(c.s, r)
		dur = l.jitter(stepTime)
	} else if recalled {
		c.s = m.Success(c.d, c.s, rr, r)
	} else {
		c.s = m.Lapse(c.d, c.s, rr)
	}
	c.d = clampD(m.NextDifficulty(c.d, r))
	c.last = now
	return r, dur
}

func clampD(d float64) float64 { return min(max(d, 1), 10) }

// recall is card i's true recall at t.
func (l *learner) recall(i int, t time.Time) float64 {
	c := &l.mem[i]
	if !c.seen {
		return 0
	}
	return l.m.Recall(t.Sub(c.last).Hours()/24, c.s)
}

// Start is the first study day's start in every run.
var Start = time.Date(2026, 1, 5, 4, 0, 0, 0, time.UTC)

// sessionHour is when the learner sits down to study each day; the exam
// is at the same hour.
const sessionHour = 5 // hours after the day's start: 09:00

// Run simulates one learner studying for one exam.
func Run(cfg Config) Result {
	if cfg.NewPlain == 0 {
		cfg.NewPlain = 20
	}
	cards := cfg.Deck.Cards
	n := len(cards)
	l := newLearner(cfg.Seed, n)
	states := make([]fsrs.Card, n)
	for i := range states {
		states[i] = fsrs.NewCard()
	}
	index := make(map[string]int, n)
	for i, c := range cards {
		index[c.Key] = i
	}
	examAt := Start.AddDate(0, 0, cfg.Days).Add(sessionHour * time.Hour)
	var res Result
	res.Reachable = true
	var costs exam.CostCounter
	const deckID = "d"
	base := scheduler.Policy{DesiredRetention: 0.9, NewPerDay: cfg.NewPlain, ReviewsPerDay: 200, NewOrder: scheduler.NewInterleaved}
	for day := range cfg.Days {
		now := Start.AddDate(0, 0, day).Add(sessionHour * time.Hour)
		items := make([]scheduler.Item, n)
		for i, c := range cards {
			items[i] = scheduler.Item{Key: c.Key, Deck: deckID, Question: c.Question, Order: c.Order, Card: states[i]}
		}
		pol := base
		budget := time.Duration(cfg.Minutes * float64(time.Minute))
		switch cfg.Mode {
		case Cram:
			if day < cfg.Days-2 {
				continue
			}
			left := 0
			for i := range states {
				if states[i].State == fsrs.New {
					left++
				}
			}
			pol.NewPerDay = (left + cfg.Days - day - 1) / (cfg.Days - day)
			pol.ReviewsPerDay = 9999
			budget = 24 * time.Hour
		case Exam:
			in := exam.Input{
				Exam: examAt, Target: cfg.Target, Minutes: cfg.Minutes,
				Weights: fsrs.DefaultWeights(), Retention: base.DesiredRetention,
				Costs: costs.Costs(), Questions: cfg.Deck.Questions,
				Cards: make([]exam.Card, n),
			}
			for i, c := range cards {
				in.Cards[i] = c
				in.Cards[i].FSRS = states[i]
			}
			plan := exam.Make(in, now)
			if day == 0 {
				res.Predicted, res.Low, res.High = plan.Followed, plan.Low, plan.High
				res.Reachable, res.Needed = plan.Below == 0, plan.Needed
			}
			res.PredictedLast = plan.Followed
			pol = plan.Apply(items, pol, scheduler.Done{})
		}
		q := scheduler.NewQueue(map[string]scheduler.Policy{deckID: pol}, items, nil, now)
		sched := q.Scheduler(deckID)
		var spent time.Duration
		end := scheduler.NextStudyDay(now)
		for spent < budget {
			it, ok := q.Next(now)
			if !ok {
				// Wait for a learning step, if it comes today.
				t, ok := q.NextAvailable(now)
				if !ok || !t.Before(end) || t.Sub(now) > time.Hour {
					break
				}
				now = t
				continue
			}
			i := index[it.Key]
			shown := now
			r, dur := l.answer(i, now)
			now = now.Add(dur)
			out := sched.Rate(it.Key, states[i], shown, now, r)
			costs.Add(states[i].State, dur)
			q.Rated(it.Key, it.Card, out.Card)
			states[i] = out.Card
			spent += dur
			res.Ratings++
		}
		res.Minutes += spent.Minutes()
		res.MaxDayMinutes = max(res.MaxDayMinutes, spent.Minutes())
	}
	// The exam.
	byQ := map[string][2]float64{}
	for i, c := range cards {
		r := l.recall(i, examAt)
		res.Mean += r
		if r >= cfg.Target {
			res.AtTarget++
		}
		if l.mem[i].seen {
			res.Shown++
		}
		s := byQ[c.Question]
		byQ[c.Question] = [2]float64{s[0] + r, s[1] + 1}
	}
	res.Mean /= float64(n)
	res.AtTarget /= float64(n)
	res.Lowest = 1
	for _, s := range byQ {
		res.Lowest = min(res.Lowest, s[0]/s[1])
	}
	return res
}
