// Package examsim measures exam mode on simulated learners: a learner's
// true memory follows FSRS-5 with weights that are not the scheduler's
// (each default weight times e^(0.2·z)), every card has its own
// difficulty, and the learner recalls a card with its true recall
// probability. The learner studies every day with flash's own queue and
// scheduler (package scheduler, with package exam's plan applied the way
// a review session applies it), within a daily budget of minutes, and the
// true recall of every card is measured on the exam day.
//
// The learner studies with flash's own review session (package
// scheduler/session: the queue, the scheduler and the exam plan exactly as
// 'flash review' uses them), over an in-memory store.
package examsim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
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

// BuiltinDeck returns flash's built-in deck. The program must have given
// package deck its simulation checker (deck.UseSims) first.
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
	// Hour is the local hour at which the learner sits down to study each
	// day, DayStartHour to 23 (default 9: 09:00, the exam's hour).
	Hour int
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

// sessionHour is when the learner sits down to study each day unless
// Config.Hour says otherwise; the exam is at exam.ExamHour (09:00).
const sessionHour = 9

// Run simulates one learner studying for one exam. Each study day the
// learner opens a review session (package scheduler/session, the code
// 'flash review' runs) on an in-memory store, answers the cards it shows
// until they run out or the day's minutes are spent, and closes it.
func Run(cfg Config) Result {
	if cfg.NewPlain == 0 {
		cfg.NewPlain = 20
	}
	cards := cfg.Deck.Cards
	n := len(cards)
	l := newLearner(cfg.Seed, n)
	st := newMemStore(cfg.Deck)
	if cfg.Hour == 0 {
		cfg.Hour = sessionHour
	}
	examAt := Start.AddDate(0, 0, cfg.Days).Add((exam.ExamHour - scheduler.DayStartHour) * time.Hour)
	var res Result
	res.Reachable = true
	if cfg.Mode == Exam {
		set := exam.Settings{Date: examAt.Format(time.DateOnly), Target: cfg.Target, Minutes: int(cfg.Minutes)}
		st.settings[exam.Key(deckID)] = []byte(set.Encode())
	}
	var now time.Time
	clock := func() time.Time { return now }
	for day := range cfg.Days {
		now = Start.AddDate(0, 0, day).Add(time.Duration(cfg.Hour-scheduler.DayStartHour) * time.Hour)
		budget := time.Duration(cfg.Minutes * float64(time.Minute))
		opt := &st.deck.Options
		*opt = deck.Options{DesiredRetention: 0.9, NewPerDay: cfg.NewPlain, ReviewsPerDay: 200, NewOrder: deck.NewOrderInterleaved}
		if cfg.Mode == Cram {
			if day < cfg.Days-2 {
				continue
			}
			left := 0
			for i := range st.cards {
				if st.cards[i].FSRS.State == fsrs.New {
					left++
				}
			}
			opt.NewPerDay = (left + cfg.Days - day - 1) / (cfg.Days - day)
			opt.ReviewsPerDay = 9999
			budget = 24 * time.Hour
		}
		s, err := session.Open(st, []storage.DeckInfo{st.deck}, session.Options{}, clock)
		if err != nil {
			panic(fmt.Sprintf("examsim: day %d: %v", day, err))
		}
		if _, ok := s.Exam(deckID); ok && (day == 0 || day == cfg.Days-1) {
			// What 'flash exam' shows that day: the whole plan, with
			// its forecast.
			set, _, err := exam.Get(st, deckID)
			if err != nil {
				panic(err)
			}
			h, err := exam.ReadHistory(st, deckID, now)
			if err != nil {
				panic(err)
			}
			p, err := exam.ForDeck(st, st.deck, set, st.cards, h, now, false)
			if err != nil {
				panic(err)
			}
			if day == 0 {
				res.Predicted, res.Low, res.High = p.Followed, p.Low, p.High
				res.Reachable, res.Needed = p.Below == 0, p.Needed
			}
			res.PredictedLast = p.Followed
		}
		var spent time.Duration
		end := scheduler.NextStudyDay(now)
		for spent < budget {
			cur, ok, err := s.Next()
			if err != nil {
				panic(err)
			}
			if !ok {
				// Wait for a learning step, if it comes today.
				t, ok := s.NextAvailable(now)
				if !ok || !t.Before(end) || t.Sub(now) > time.Hour {
					break
				}
				now = t
				continue
			}
			i := st.index[cur.Item.Key]
			r, dur := l.answer(i, now)
			now = now.Add(dur)
			if _, err := s.Rate(cur, r, ""); err != nil {
				panic(err)
			}
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
		q := byQ[c.Question]
		byQ[c.Question] = [2]float64{q[0] + r, q[1] + 1}
	}
	res.Mean /= float64(n)
	res.AtTarget /= float64(n)
	res.Lowest = 1
	for _, q := range byQ {
		res.Lowest = min(res.Lowest, q[0]/q[1])
	}
	return res
}

const deckID = "d"

// memStore is a review session's store in memory: the simulation's
// learners rate hundreds of thousands of cards, which a database on disk
// (an fsync a rating) would take minutes over.
type memStore struct {
	deck     storage.DeckInfo
	cards    []storage.CardState
	index    map[string]int
	log      []storage.LogStat
	settings map[string][]byte
	seq      uint64
}

func newMemStore(d Deck) *memStore {
	st := &memStore{index: map[string]int{}, settings: map[string][]byte{}}
	st.deck = storage.DeckInfo{ID: deckID, Title: d.Name}
	for _, q := range d.Questions {
		st.deck.Questions = append(st.deck.Questions, deck.Question{ID: q, Paper: "P", Text: q})
	}
	for i, c := range d.Cards {
		_, id, _ := strings.Cut(c.Key, "/")
		st.cards = append(st.cards, storage.CardState{Deck: deckID, ID: id, Question: c.Question, Order: i, FSRS: fsrs.NewCard()})
		st.index[deckID+"/"+id] = i
	}
	return st
}

func (m *memStore) DoneSince(_ string, since time.Time) (newCards, reviews int, err error) {
	t := since.UnixNano()
	for i := len(m.log) - 1; i >= 0 && m.log[i].At >= t; i-- {
		switch m.log[i].State {
		case fsrs.New:
			newCards++
		case fsrs.Review:
			reviews++
		}
	}
	return newCards, reviews, nil
}

func (m *memStore) States(string) ([]storage.CardState, error) {
	return slices.Clone(m.cards), nil
}

func (m *memStore) DueStates(id string, _ time.Time) ([]storage.CardState, error) {
	return m.States(id)
}

// DueCards gives every card whole (none IndexOnly), as DueStates.
func (m *memStore) DueCards(id string, _ time.Time) ([]storage.CardState, error) {
	return m.States(id)
}

func (m *memStore) StatesOf(_ string, ids []string) ([]storage.CardState, error) {
	out := make([]storage.CardState, len(ids))
	for i, id := range ids {
		out[i] = m.cards[m.index[deckID+"/"+id]]
	}
	return out, nil
}

func (m *memStore) Content(_, cardID string) (deck.Card, error) {
	c := m.cards[m.index[deckID+"/"+cardID]]
	return deck.Card{ID: c.ID, Question: c.Question, Kind: deck.KindBasic, Front: "F", Back: "B"}, nil
}

func (m *memStore) Contents(cs []storage.CardState) ([]deck.Card, error) {
	out := make([]deck.Card, len(cs))
	for i, c := range cs {
		out[i], _ = m.Content(c.Deck, c.ID)
	}
	return out, nil
}

func (m *memStore) Rate(r storage.Review) (storage.Review, error) {
	c := &m.cards[m.index[r.Deck+"/"+r.Card]]
	r.FlagsBefore = c.Flags
	c.FSRS = r.After
	if r.Leech {
		c.Suspended, c.Flagged = true, true
	}
	m.seq++
	r.Seq = m.seq
	m.log = append(m.log, storage.LogStat{At: r.At.UnixNano(), Duration: r.Duration, Stability: r.Before.Stability, Rating: r.Rating, State: r.Before.State})
	return r, nil
}

func (m *memStore) Undo(storage.Review) error { return errors.New("examsim: no undo") }

func (m *memStore) SetFlags(_, cardID string, f storage.Flags) error {
	m.cards[m.index[deckID+"/"+cardID]].Flags = f
	return nil
}

func (m *memStore) ScanStatsParts(_ string, _, _ int, fn func(int, int, []storage.LogStat) error) error {
	return fn(0, 0, m.log)
}

func (m *memStore) Setting(key string) (string, bool, error) {
	v, ok := m.settings[key]
	return string(v), ok, nil
}

func (m *memStore) ReviewCount() (int, error) { return len(m.log), nil }
