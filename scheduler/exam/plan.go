// Package exam plans every study day toward an exam on a date: how many
// new cards to introduce, which cards to review on which day and a final
// pass over the weak ones, so that on the exam day every card's recall, as
// FSRS predicts it, is at least a target, within the minutes the learner
// has each day.
//
// The package is pure: it reads no clock and no storage; now is passed in.
package exam

import (
	"bytes"
	"cmp"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
)

// Card is one card of the deck the exam is for.
type Card struct {
	Key      string // unique, "deck/card"
	Question string // the exam question it belongs to
	Order    int    // position in the deck file
	FSRS     fsrs.Card
}

// Costs are the learner's answer times: for a new card, all the ratings of
// its first day (its learning steps); for a review, one rating, relearning
// steps included.
type Costs struct {
	New    time.Duration `json:"new"`
	Review time.Duration `json:"review"`
}

// DefaultCosts are the answer times assumed until the log has enough
// history (see Costs.From).
var DefaultCosts = Costs{New: 30 * time.Second, Review: 10 * time.Second}

// Input is what a plan is made from.
type Input struct {
	Exam    time.Time // the exam's time; its study day is the exam day
	Target  float64   // recall every card should have on the exam day
	Minutes float64   // study minutes per day
	// Spent is the time already spent studying today; it comes off
	// today's minutes.
	Spent time.Duration
	// Weights are FSRS's weights in use for the deck.
	Weights fsrs.Weights
	// Retention is the deck's desired retention: before the exam, cards
	// are spaced with FSRS's intervals for it or for Spacing, whichever is
	// lower, pulled in when they would jump over the exam.
	Retention float64
	Costs     Costs
	// Questions are the deck's question ids in deck order: new cards
	// are introduced one question after another, in this order.
	Questions []string
	// Cards are the cards to plan: not retired, not suspended.
	Cards []Card
	// Quick plans the days only, for a review session: Followed is then
	// the plan's own figure (every rating Good), Low and High equal it,
	// and Needed is not searched for.
	Quick bool
}

// Margin is how far above the target the planner aims for a card's recall
// on the exam day when it decides that a card needs no more review. FSRS's
// weights are not the learner's own (before they are fitted, and never
// exactly), so a card planned to end exactly at the target ends below it
// about half the time.
const Margin = 0.5 // of the gap between the target and 1

// Spacing is the recall the plan spaces reviews for before the exam (the
// deck's desired retention when that is lower). It is below the usual 0.90
// because the exam, not the long term, is what counts: FSRS's stability
// grows more from a review at lower recall, so each review goes further,
// and every card that would then end below the target (with the margin)
// is shown once more in the final pass, right before the exam. On the
// simulated learners this takes fewer reviews than plain FSRS at 30 days
// and a higher mean on the exam day (README: Exam mode on simulated
// learners); 0.75 saves more reviews but lowers the mean.
const Spacing = 0.80

// Day is one study day of a plan.
type Day struct {
	Date    time.Time // the study day's start (04:00)
	New     int       // new cards to introduce
	Reviews int       // reviews, the final pass's included
	Final   int       // reviews that belong to the final pass
	Seconds float64   // expected study time
}

// Question is the predicted readiness of one exam question.
type Question struct {
	ID    string
	Cards int
	// Followed is the mean predicted recall of the question's cards on
	// the exam day if the plan is followed; Stopped if the learner
	// studies no more from now on (new cards count 0).
	Followed, Stopped float64
	// Below is how many of its cards are predicted below the target on
	// the exam day if the plan is followed.
	Below int
}

// Plan is the study plan toward an exam, made at Now: the plan of Now's
// study day (in Now's time zone), the same whatever the time of day.
type Plan struct {
	Now, Exam time.Time
	Target    float64
	Minutes   float64
	Costs     Costs
	// DaysLeft is the number of study days before the exam day; Days
	// has one entry for each.
	DaysLeft int
	Days     []Day
	// Followed and Stopped are the mean predicted recall of all cards
	// on the exam day if the plan is followed and if the learner stops
	// now. Low and High bound Followed for learners whose memory and
	// answer times differ from the model's as people's typically do:
	// how uncertain the prediction is.
	Followed, Stopped float64
	Low, High         float64
	Questions         []Question
	// Below is how many cards are predicted below the target if the
	// plan is followed; the target is reached when it is 0.
	Below int
	// Needed is, when the target is not reached, the daily minutes that
	// would reach it; 0 when no budget can (the exam is today).
	Needed float64

	in    *Input
	model *Model
	aim   float64
	day0  time.Time
	first []int32 // per card: the day of its first planned study, -1 none
	// finalRank is, per card first studied in the final pass, its place
	// in it (from 1), 0 for others.
	finalRank []int32
	rank      []int32 // per card: its place among new cards, -1 when not new
	// q is, per card, the index of its question in questions, the
	// plan's questions in the order of Input.Questions, then those only
	// cards name, in card order.
	q         []int32
	questions []string
	// keyless is set for a plan made by a Builder: it keeps no card's
	// key (Next and NewRank report false; Apply must not be used).
	keyless bool
	// keys maps a card's key to its index among the plan's cards; built
	// on first use (Next, NewRank, an Apply that cannot match items in
	// order).
	keysOnce sync.Once
	keys     map[string]int
	starts   []time.Time // DayStart of each day, the exam day's included (Shown)
}

// cards returns how many cards the plan plans.
func (p *Plan) cards() int { return len(p.rank) }

// key returns the key ("deck/card") of the plan's card i.
func (p *Plan) key(i int) string { return p.in.Cards[i].Key }

// index returns the index in the plan's cards of the card with key.
func (p *Plan) index(key string) (int, bool) {
	if p.keyless {
		return 0, false
	}
	p.keysOnce.Do(func() {
		p.keys = make(map[string]int, len(p.in.Cards))
		for i, c := range p.in.Cards {
			p.keys[c.Key] = i
		}
	})
	i, ok := p.keys[key]
	return i, ok
}

// StudyHour is the local hour at which a plan takes each study day's
// study to happen: the exam's hour. The plan counts whole days (FSRS's
// elapsed days, intervals, the days before the exam), so it needs one time
// of day to count from, and the exam's makes the last review's distance to
// the exam whole days too. Because it is fixed, a plan depends on the
// study day it is made in, not on the time of day: one made ahead for a day
// is the one made when the learner starts that day.
const StudyHour = ExamHour

// Make plans the study days from the study day holding now to in.Exam
// (now itself counts only through its study day and time zone). It is
// cheap enough to run at the start of a review session: on 10k cards it
// takes a few milliseconds, more when the target is out of reach (it then
// searches for the budget that would reach it).
func Make(in Input, now time.Time) *Plan {
	p := begin(in, now)
	s, b := p.cardsSim()
	return p.finish(s, b)
}

// cardsSim returns the simulation of p's Input.Cards.
func (p *Plan) cardsSim() (*sim, *simBuilder) {
	in := p.in
	s, b := p.newSim(len(in.Cards))
	lastQ, lastQi := "", int32(-1) // a deck's cards come question by question
	for i := range in.Cards {
		c := &in.Cards[i]
		if lastQi < 0 || c.Question != lastQ {
			lastQ, lastQi = c.Question, b.question(c.Question)
		}
		b.add(s, c.FSRS.State, c.FSRS.Stability, c.FSRS.Difficulty, c.FSRS.LastReview, lastQi, c.Order, nil)
	}
	return s, b
}

// begin returns the plan of in at now before its cards.
func begin(in Input, now time.Time) *Plan {
	p := &Plan{Now: now, Exam: in.Exam, Target: in.Target, Minutes: in.Minutes, Costs: in.Costs, in: &in}
	p.model = NewModel(in.Weights)
	p.aim = in.Target + Margin*(1-in.Target)
	p.day0 = scheduler.StudyDay(now)
	examDay := scheduler.StudyDay(in.Exam.In(now.Location()))
	p.DaysLeft = max(daysBetween(p.day0, examDay), 0)
	if p.Costs.New <= 0 {
		p.Costs.New = DefaultCosts.New
	}
	if p.Costs.Review <= 0 {
		p.Costs.Review = DefaultCosts.Review
	}
	return p
}

// finish plans p's cards, added to s with b.
func (p *Plan) finish(s *sim, b *simBuilder) *Plan {
	p.prepare(s, b)
	in := p.in
	res := s.run(s.cfg(in.Minutes))
	p.fill(s, res)
	if p.Below > 0 && p.DaysLeft > 0 && !in.Quick {
		p.Needed = s.needed(in.Minutes, res.window)
	}
	return p
}

// prepare ends the adding of cards to s: the order of new cards.
func (p *Plan) prepare(s *sim, b *simBuilder) {
	n := b.n
	s.start, s.kind, s.due, s.rank, p.q = s.start[:n], s.kind[:n], s.due[:n], s.rank[:n], p.q[:n]
	s.newList = b.ni.interleave(p)
	for r, i := range s.newList {
		s.rank[i] = int32(r)
	}
	p.rank = s.rank
}

// daysBetween returns the number of calendar days from a's date to b's.
func daysBetween(a, b time.Time) int {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	ta := time.Date(ya, ma, da, 0, 0, 0, 0, time.UTC)
	tb := time.Date(yb, mb, db, 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta).Hours()/24 + 0.5*sign(tb.Sub(ta).Hours()))
}

// dayIndex gives the study day of a time as a plan's day number, clamped
// to 0..last: daysBetween(day0, StudyDay(t)) without the calendar
// arithmetic for each card.
type dayIndex struct {
	day0  time.Time
	last  int
	loc   *time.Location
	start []time.Time // the starts of days 1..last; nil: compute
}

func newDayIndex(day0 time.Time, last int, loc *time.Location) dayIndex {
	x := dayIndex{day0: day0, last: last, loc: loc}
	if day0.Location() != loc {
		return x
	}
	start := make([]time.Time, last)
	prev := day0
	for d := 1; d <= last; d++ {
		t := day0.AddDate(0, 0, d)
		// Each start is DayStartHour on its date and the next day's
		// date: then the days in between are exactly the times whose
		// study day is that day.
		if h, m, sec := t.Clock(); h != scheduler.DayStartHour || m != 0 || sec != 0 || t.Nanosecond() != 0 || daysBetween(prev, t) != 1 {
			return x
		}
		start[d-1] = t
		prev = t
	}
	if h, m, sec := day0.Clock(); h != scheduler.DayStartHour || m != 0 || sec != 0 || day0.Nanosecond() != 0 {
		return x
	}
	x.start = start
	return x
}

// of returns the plan's day number of t's study day, clamped to 0..last.
func (x *dayIndex) of(t time.Time) int {
	if x.start == nil {
		return min(max(daysBetween(x.day0, scheduler.StudyDay(t.In(x.loc))), 0), x.last)
	}
	// The number of day starts (days 1..last) at or before t.
	d, _ := slices.BinarySearchFunc(x.start, t, func(s, t time.Time) int {
		if s.After(t) {
			return 1
		}
		return -1
	})
	return d
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}

// DayStart returns the start of study day d of the plan (0 is today).
func (p *Plan) DayStart(d int) time.Time { return p.day0.AddDate(0, 0, d) }

// Next returns the start of the study day on which the plan next studies
// the card with key (introduces it, reviews it or shows it in the final
// pass), and false when the plan does not study it before the exam.
func (p *Plan) Next(key string) (time.Time, bool) {
	i, ok := p.index(key)
	if !ok || p.first[i] < 0 {
		return time.Time{}, false
	}
	return p.DayStart(int(p.first[i])), true
}

// NewRank returns the card's place among the new cards in the order the
// plan introduces them (interleaved across questions), or false when the
// card is not new.
func (p *Plan) NewRank(key string) (int, bool) {
	i, ok := p.index(key)
	if !ok || p.rank[i] < 0 {
		return 0, false
	}
	return int(p.rank[i]), true
}

// NewToday returns how many new cards the plan introduces today.
func (p *Plan) NewToday() int {
	if len(p.Days) == 0 {
		return 0
	}
	return p.Days[0].New
}

// ReviewsToday returns how many reviews the plan has today.
func (p *Plan) ReviewsToday() int {
	if len(p.Days) == 0 {
		return 0
	}
	return p.Days[0].Reviews
}

// Limit returns the due date to give card c, just rated at now, while the
// exam is ahead: c.Due, unless that jumps over the exam day while the card
// would then be below the target on the exam (with the planner's margin).
// Then the review is pulled in to the last study day before the exam
// (never today: a second review the same day does not strengthen memory);
// the next plan spreads such cards over the final days, weakest first.
// After the exam, and for cards in learning steps, it returns c.Due.
func (p *Plan) Limit(c fsrs.Card, now time.Time) time.Time {
	return limit(p.model, p.Exam, p.aim, c, now)
}

// Limit is Plan.Limit without a plan: the rule for the exam at exam with
// the given target and weights.
func Limit(w fsrs.Weights, exam time.Time, target float64, c fsrs.Card, now time.Time) time.Time {
	return limit(NewModel(w), exam, target+Margin*(1-target), c, now)
}

func limit(m *Model, exam time.Time, aim float64, c fsrs.Card, now time.Time) time.Time {
	examDay := scheduler.StudyDay(exam.In(now.Location()))
	if c.State != fsrs.Review || !now.Before(examDay) || scheduler.StudyDay(c.Due.In(now.Location())).Before(examDay) {
		return c.Due
	}
	if m.Recall(exam.Sub(c.LastReview).Hours()/24, c.Stability) >= aim {
		return c.Due
	}
	last := examDay.AddDate(0, 0, -1)
	if tomorrow := scheduler.NextStudyDay(now); last.Before(tomorrow) {
		return c.Due // no day left between now and the exam
	}
	return last
}

// fill copies the outcome of the plan's run into p.
func (p *Plan) fill(s *sim, r *result) {
	p.Days = make([]Day, p.DaysLeft)
	for d := range p.Days {
		p.Days[d] = r.days[d]
		p.Days[d].Date = p.DayStart(d)
	}
	p.first = r.first
	p.finalRank = r.finalRank
	p.rank = s.rank
	p.Below = r.below
	p.Followed, p.Stopped = r.followed, r.stopped
	exp := r.exp
	p.Low, p.High = p.Followed, p.Followed
	if !p.in.Quick {
		var mean, lo, hi float64
		exp, mean, lo, hi = s.forecast(p.Minutes, r.window)
		p.Followed, p.Low, p.High = mean, lo, hi
	}
	p.Questions = make([]Question, len(p.questions))
	for k, id := range p.questions {
		p.Questions[k].ID = id
	}
	for i, qi := range p.q {
		q := &p.Questions[qi]
		q.Cards++
		q.Followed += exp[i]
		q.Stopped += s.stopped(i)
		if r.low[i] {
			q.Below++
		}
	}
	kept := p.Questions[:0]
	for _, q := range p.Questions {
		if q.Cards == 0 {
			continue
		}
		q.Followed /= float64(q.Cards)
		q.Stopped /= float64(q.Cards)
		kept = append(kept, q)
	}
	p.Questions = kept
}

// Weakest returns the question with the lowest Followed, and false when
// the plan has no cards.
func (p *Plan) Weakest() (Question, bool) {
	if len(p.Questions) == 0 {
		return Question{}, false
	}
	return slices.MinFunc(p.Questions, func(a, b Question) int { return cmp.Compare(a.Followed, b.Followed) }), true
}

// sim runs the plan day by day under FSRS's predictions, every rating
// taken as Good. It holds what does not change between runs.
type sim struct {
	p       *Plan
	m       *Model
	n       int     // days before the exam
	phase   float64 // time of day of the reviews (StudyHour), as a fraction of a day
	exam    float64 // the exam's time in days since day 0's start
	ret     float64 // the recall cards are spaced for before the exam
	start   []Memory
	kind    []uint8 // cardNew, cardReview, cardLearning
	due     []int32 // review cards: the day FSRS has them due (may be >= n)
	newList []int32 // new cards in the order they are introduced
	rank    []int32
	costNew float64 // seconds
	costRev float64
}

const (
	cardNew uint8 = iota
	cardReview
	cardLearning
	cardOther // a state the planner does not know: left alone
)

// newSim returns the simulation of p for up to n cards (with its card
// count 0) and what adds the cards to it.
func (p *Plan) newSim(n int) (*sim, *simBuilder) {
	in := p.in
	s := &sim{p: p, m: p.model, n: p.DaysLeft, ret: min(in.Retention, Spacing)}
	s.phase = float64(StudyHour-scheduler.DayStartHour) / 24
	s.exam = p.Exam.Sub(p.day0).Hours() / 24
	s.costNew = p.Costs.New.Seconds()
	s.costRev = p.Costs.Review.Seconds()
	s.start = make([]Memory, n)
	s.kind = make([]uint8, n)
	s.due = make([]int32, n)
	s.rank = make([]int32, n)
	p.q = make([]int32, n)
	b := &simBuilder{p: p, days: newDayIndex(p.day0, s.n+1, p.Now.Location())}
	// The questions: Input.Questions, then those only cards name.
	b.qs = make(map[string]int32, len(in.Questions))
	for _, id := range in.Questions {
		if _, ok := b.qs[id]; !ok {
			b.qs[id] = int32(len(p.questions))
			p.questions = append(p.questions, id)
		}
	}
	b.ni.known = int32(len(p.questions))
	return s, b
}

// simBuilder adds a plan's cards to its simulation, one after another.
type simBuilder struct {
	p    *Plan
	days dayIndex
	qs   map[string]int32 // question index by id
	ni   newCards
	n    int // cards added
}

// question returns the plan's index of question id.
func (b *simBuilder) question(id string) int32 {
	qi, ok := b.qs[id]
	if !ok {
		qi = int32(len(b.p.questions))
		b.qs[id] = qi
		b.p.questions = append(b.p.questions, id)
	}
	return qi
}

// add adds the next card, whose stored FSRS state, stability, difficulty
// and last review, question index and order are given; id is its card id
// when the plan keeps no keys (Builder), to order new cards of the same
// order.
func (b *simBuilder) add(s *sim, state fsrs.State, stability, difficulty float64, lastReview time.Time, q int32, order int, id []byte) {
	i := b.n
	if i == len(s.start) {
		s.start = append(s.start, Memory{})
		s.kind = append(s.kind, 0)
		s.due = append(s.due, 0)
		s.rank = append(s.rank, 0)
		b.p.q = append(b.p.q, 0)
	}
	b.n++
	p := b.p
	p.q[i] = q
	s.rank[i] = -1
	last := lastReview.Sub(p.day0).Hours() / 24
	s.start[i] = Memory{S: stability, D: difficulty, Last: last}
	switch state {
	case fsrs.New:
		s.kind[i] = cardNew
		b.ni.add(int32(i), q, order, id)
	case fsrs.Review:
		s.kind[i] = cardReview
		// Spaced for the plan's retention, not the deck's: the
		// due date FSRS stored is the deck's.
		due := lastReview.Add(time.Duration(s.m.Interval(stability, s.ret)*24) * time.Hour)
		s.due[i] = int32(b.days.of(due))
	case fsrs.Learning, fsrs.Relearning:
		s.kind[i] = cardLearning
	default:
		s.kind[i] = cardOther
	}
}

// stopped is card i's recall on the exam day if the learner studies no
// more from now on (0 for a new card).
func (s *sim) stopped(i int) float64 {
	if c := &s.start[i]; s.kind[i] != cardNew && c.S > 0 {
		return s.m.Recall(s.exam-c.Last, c.S)
	}
	return 0
}

// newCards gathers the new cards by question to interleave them.
type newCards struct {
	known int32 // questions of Input.Questions
	// pos is, per question index past known, its place in byQ, -1 for
	// none yet, and others how many such questions have a place.
	pos    []int32
	others int32
	byQ    [][]newCard // by question: Input.Questions', then the others' in the order their first new card comes
	ids    []byte      // the cards' ids, one after another (Builder)
}

type newCard struct {
	i      int32
	order  int
	id, to uint32 // the card's id in newCards.ids, for a plan without keys
}

func (n *newCards) add(i, q int32, order int, id []byte) {
	k := q
	if q >= n.known {
		for int(q-n.known) >= len(n.pos) {
			n.pos = append(n.pos, -1)
		}
		if n.pos[q-n.known] < 0 {
			n.pos[q-n.known] = n.known + n.others
			n.others++
		}
		k = n.pos[q-n.known]
	}
	for int(k) >= len(n.byQ) {
		n.byQ = append(n.byQ, nil)
	}
	from := uint32(len(n.ids))
	n.ids = append(n.ids, id...)
	n.byQ[k] = append(n.byQ[k], newCard{i, order, from, uint32(len(n.ids))})
}

// interleave returns the indices of the new cards in the order they are
// introduced: the first card (by Order) of each question in question
// order, then the second of each, and so on, so that every question is
// started on the first day.
func (n *newCards) interleave(p *Plan) []int32 {
	total := 0
	for _, l := range n.byQ {
		slices.SortStableFunc(l, func(a, b newCard) int {
			if a.order != b.order || p.keyless {
				// Cards of one deck: their keys compare as their ids.
				return cmp.Or(cmp.Compare(a.order, b.order), bytes.Compare(n.ids[a.id:a.to], n.ids[b.id:b.to]))
			}
			return cmp.Compare(p.key(int(a.i)), p.key(int(b.i)))
		})
		total += len(l)
	}
	out := make([]int32, 0, total)
	for k := 0; len(out) < total; k++ {
		for _, l := range n.byQ {
			if k < len(l) {
				out = append(out, l[k].i)
			}
		}
	}
	return out
}

// result is the outcome of one run.
type result struct {
	days     []Day
	first    []int32
	low      []bool    // recall on the exam day, every rating Good, below the target
	exp      []float64 // expected recall on the exam day
	below    int
	unserved int // final-pass reviews that did not fit
	finals   int // final-pass reviews done
	// finalRank is, for a card first studied in the final pass, its
	// place in it (from 1): the weakest first.
	finalRank []int32
	followed  float64
	stopped   float64
	mem       []Memory
	lastR     []float64  // recall at the last planned review, 0 when none
	prev      []stabDiff // memory before the last planned review
	window    int        // the final pass's days

	// Scratch memory a later pass may reuse (sim.pass).
	tmem    []Memory
	buckets [][]int32
	final   pendingHeap
}

// stabDiff is a card's stability and difficulty.
type stabDiff struct{ S, D float64 }

// cfg is what one run of the plan takes.
type cfg struct {
	minutes          float64
	costNew, costRev float64 // seconds
	// tm is the memory measured on the exam day: the planner's model,
	// or another learner's.
	tm *Model
	// rng, when set, draws each review's outcome from tm's recall: a
	// failed review lapses and is relearnt the same day. Without it
	// every rating is Good.
	rng *rand.Rand
	// window is the final pass's length in days to start from.
	window int
}

// cfg returns the plan's own configuration for minutes a day.
func (s *sim) cfg(minutes float64) cfg {
	return cfg{minutes: minutes, costNew: s.costNew, costRev: s.costRev, tm: s.m, window: 1}
}

// run plans with c, picking the shortest final pass (at least c.window
// days) that fits the budget.
func (s *sim) run(c cfg) *result {
	window := max(min(c.window, s.n), 1)
	var spare *result // a run with a longer final pass reuses the last one's memory
	for k := 0; ; k++ {
		r := s.days(c, window, spare)
		spare = r
		r.window = window
		if r.unserved == 0 || window >= s.n {
			s.measure(r, c)
			return r
		}
		next := window * 2
		if k == 0 && c.minutes > 0 {
			// Enough days for the whole final pass at two thirds of
			// the budget, the rest going to the reviews that are due.
			need := float64(r.finals+r.unserved) * c.costRev / (c.minutes * 60 * 2 / 3)
			next = max(next, int(math.Ceil(need)))
		}
		window = min(next, s.n)
	}
}

// needed returns the smallest whole number of daily minutes, above
// minutes, with which every card reaches the target (to within 2%), or 0
// when none does (up to a full day). window is where the final pass's
// search starts.
func (s *sim) needed(minutes float64, window int) float64 {
	try := func(m float64) bool {
		c := s.cfg(m)
		c.window = window
		return s.run(c).below == 0
	}
	lo, hi := math.Floor(minutes), math.Max(math.Ceil(minutes), 1)
	for {
		hi *= 2
		if hi >= 24*60 {
			hi = 24 * 60
			if !try(hi) {
				return 0
			}
			break
		}
		if try(hi) {
			break
		}
		lo = hi
	}
	for hi-lo > max(1, math.Floor(hi/50)) {
		mid := math.Floor((lo + hi) / 2)
		if try(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// pending is a card waiting for the final pass.
type pending struct {
	card int32
	weak float64 // its recall on the exam day without another review
}

// pendingHeap is a min-heap of pending cards, weakest on top (ties by
// card, so the order is deterministic).
type pendingHeap []pending

func (h pendingHeap) len() int { return len(h) }

func (h pendingHeap) less(i, j int) bool {
	if h[i].weak != h[j].weak {
		return h[i].weak < h[j].weak
	}
	return h[i].card < h[j].card
}

func (h *pendingHeap) push(p pending) {
	*h = append(*h, p)
	a := *h
	for i := len(a) - 1; i > 0; {
		parent := (i - 1) / 2
		if !a.less(i, parent) {
			break
		}
		a[i], a[parent] = a[parent], a[i]
		i = parent
	}
}

func (h *pendingHeap) pop() pending {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(a) && a.less(l, m) {
			m = l
		}
		if l+1 < len(a) && a.less(l+1, m) {
			m = l + 1
		}
		if m == i {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return top
}

// pass runs the plan once, with a final pass over the last window days.
// The schedule follows the planner's model s.m; the memory it measures on
// the exam day follows tm, which is s.m itself, or another learner's
// memory when spread asks how far off the prediction may be.
//
// reuse, when not nil, is an earlier pass's result whose memory this one
// takes over (the earlier one is then no longer valid).
func (s *sim) pass(c cfg, window int, reuse *result) *result {
	r := s.days(c, window, reuse)
	s.measure(r, c)
	return r
}

// days is pass without measuring recall on the exam day (measure): what
// run needs of a pass whose final pass does not fit.
func (s *sim) days(c cfg, window int, reuse *result) *result {
	tm, minutes, costNew, costRev, rng := c.tm, c.minutes, c.costNew, c.costRev, c.rng
	n := len(s.start)
	var r *result
	var buckets [][]int32
	var final pendingHeap
	if reuse != nil {
		r = &result{
			days: reuse.days, first: reuse.first, low: reuse.low, exp: reuse.exp,
			mem: reuse.mem, lastR: reuse.lastR, prev: reuse.prev, finalRank: reuse.finalRank,
		}
		clear(r.days)
		clear(r.low)
		clear(r.exp)
		clear(r.lastR)
		clear(r.prev)
		clear(r.finalRank)
		buckets = reuse.buckets
		for d := range buckets {
			buckets[d] = buckets[d][:0]
		}
		final = reuse.final[:0]
	} else {
		r = &result{
			days:  make([]Day, s.n),
			first: make([]int32, n),
			low:   make([]bool, n),
			exp:   make([]float64, n),
			mem:   make([]Memory, n),
			lastR: make([]float64, n),
			prev:  make([]stabDiff, n),

			finalRank: make([]int32, n),
		}
		buckets = make([][]int32, s.n+1)
		// At most every card waits for the final pass: its memory
		// made once, used as far as it fills.
		final = make(pendingHeap, 0, n)
	}
	mem := r.mem
	copy(mem, s.start)
	tmem := mem // the measured memory
	if tm != s.m {
		if reuse != nil && reuse.tmem != nil {
			tmem = reuse.tmem
			copy(tmem, s.start)
		} else {
			tmem = slices.Clone(s.start)
		}
		r.tmem = tmem
	}
	defer func() { r.buckets, r.final = buckets, final }()
	for i := range n {
		r.first[i] = -1
		if s.n == 0 {
			continue
		}
		switch s.kind[i] {
		case cardLearning:
			buckets[0] = append(buckets[0], int32(i))
		case cardReview:
			if d := int(s.due[i]); d < s.n {
				buckets[d] = append(buckets[d], int32(i))
			} else if w := s.m.Recall(s.exam-mem[i].Last, mem[i].S); w < s.p.aim {
				final.push(pending{int32(i), w})
			}
		}
	}
	// schedule decides what comes after a study of card i on day d.
	schedule := func(i int32, d int) {
		c := mem[i]
		next := d + int(s.m.Interval(c.S, s.ret))
		if next < s.n {
			buckets[next] = append(buckets[next], i)
			return
		}
		if w := s.m.Recall(s.exam-c.Last, c.S); w < s.p.aim && d+1 < s.n {
			final.push(pending{i, w})
		}
	}
	study := func(i int32, d int) {
		if r.first[i] < 0 {
			r.first[i] = int32(d)
		}
	}
	// step applies a study at t, rated Good, to a card's memory in model m.
	step := func(m *Model, c Memory, learning bool, t float64) Memory {
		if learning {
			return Memory{S: m.ShortTerm(c.S, fsrs.Good), D: m.NextDifficulty(c.D, fsrs.Good), Last: t}
		}
		return m.Review(c, t, fsrs.Good)
	}
	next := 0 // next new card in s.newList
	for d := range s.n {
		budget := minutes * 60
		if d == 0 {
			budget -= s.p.in.Spent.Seconds()
		}
		day := &r.days[d]
		t := float64(d) + s.phase
		review := func(i int32) {
			study(i, d)
			// A learning card finishes today's steps with Good.
			learning := s.kind[i] == cardLearning && r.lastR[i] == 0
			if learning {
				r.lastR[i] = 1
			} else {
				r.lastR[i] = tm.Recall(math.Floor(t-tmem[i].Last), tmem[i].S)
				r.prev[i] = stabDiff{tmem[i].S, tmem[i].D}
			}
			if rng != nil && !learning && rng.Float64() >= r.lastR[i] {
				// Forgotten: the card lapses and is relearnt today.
				if tm != s.m {
					tmem[i] = relearn(tm, tmem[i], t)
				}
				mem[i] = relearn(s.m, mem[i], t)
			} else {
				if tm != s.m {
					tmem[i] = step(tm, tmem[i], learning, t)
				}
				mem[i] = step(s.m, mem[i], learning, t)
			}
			day.Reviews++
			day.Seconds += costRev
			budget -= costRev
			schedule(i, d)
		}
		// Reviews that are due; what does not fit waits a day.
		due := buckets[d]
		for k, i := range due {
			if budget < costRev {
				if d+1 < s.n {
					buckets[d+1] = append(buckets[d+1], due[k:]...)
				}
				break
			}
			review(i)
		}
		buckets[d] = buckets[d][:0] // its memory kept for a later pass
		// The final pass: weakest first, spread over the window's days.
		if d >= s.n-window && final.len() > 0 {
			quota := (final.len() + s.n - d - 1) / (s.n - d)
			for k := 0; k < quota && final.len() > 0 && budget >= costRev; k++ {
				day.Final++
				r.finals++
				i := final.pop().card
				if r.first[i] < 0 {
					r.finalRank[i] = int32(r.finals)
				}
				review(i) // may push again
			}
		}
		// New cards, as many as the rest of the budget allows.
		for next < len(s.newList) && budget >= costNew {
			i := s.newList[next]
			next++
			study(i, d)
			mem[i] = s.m.Learn(t)
			if tm != s.m {
				tmem[i] = tm.Learn(t)
			}
			r.lastR[i] = 1
			day.New++
			day.Seconds += costNew
			budget -= costNew
			schedule(i, d)
		}
	}
	r.unserved = final.len()
	return r
}

// measure sets the figures of pass r, run with c, on the exam day.
func (s *sim) measure(r *result, c cfg) {
	tm, rng := c.tm, c.rng
	n := len(s.start)
	tmem := r.mem // the measured memory
	if tm != s.m {
		tmem = r.tmem
	}
	// Recall on the exam day.
	var sumExp, sumStop float64
	for i := range n {
		stop := s.stopped(i)
		var good float64
		switch {
		case s.kind[i] == cardOther:
			good, r.exp[i] = stop, stop
		case s.kind[i] == cardNew && r.lastR[i] == 0:
			good, r.exp[i] = 0, 0
		default:
			c := tmem[i]
			g := tm.Recall(s.exam-c.Last, c.S)
			good, r.exp[i] = g, g
			if lr := r.lastR[i]; rng == nil && lr > 0 && lr < 1 {
				// The last review may fail: the card lapses and is
				// relearnt the same day.
				prev := r.prev[i]
				fs := tm.ShortTerm(tm.Lapse(prev.D, prev.S, lr), fsrs.Good)
				r.exp[i] = lr*g + (1-lr)*tm.Recall(s.exam-c.Last, fs)
			}
		}
		r.low[i] = good < s.p.Target
		if r.low[i] {
			r.below++
		}
		sumExp += r.exp[i]
		sumStop += stop
	}
	if n > 0 {
		r.followed = sumExp / float64(n)
		r.stopped = sumStop / float64(n)
	}
}

// relearn is a card's memory after a review at t rated Again and a
// relearning step rated Good the same day.
func relearn(m *Model, c Memory, t float64) Memory {
	rr := m.Recall(math.Floor(t-c.Last), c.S)
	s := m.ShortTerm(m.Lapse(c.D, c.S, rr), fsrs.Good)
	return Memory{S: s, D: m.NextDifficulty(m.NextDifficulty(c.D, fsrs.Again), fsrs.Good), Last: t}
}

// Runs is how many runs with drawn outcomes make the prediction, and
// Draws how many other learners bound it (see forecast). A deck of
// BigDeck cards or more, whose mean varies less from run to run, takes one
// run and four learners, to stay fast.
const (
	Runs    = 2
	Draws   = 6
	BigDeck = 2000
)

// forecast predicts recall on the exam day if the plan is followed. The
// plan itself takes every rating as Good; the learner forgets some cards,
// which then lapse, are relearnt and come back sooner. So the prediction
// is the mean of Runs runs whose outcomes are drawn from FSRS's recall
// (per card, in exp). Then it runs the plan for Draws learners whose
// memory differs from the weights in use the way people differ from
// FSRS's defaults (each weight times e^(0.2·z)) and, while the answer
// times are still the defaults, whose answers take longer or shorter
// (times e^(0.25·z)): the lowest and highest of their readiness, and the
// prediction, bound how uncertain it is. Everything is seeded, so a plan
// is deterministic; the runs share the two cores.
func (s *sim) forecast(minutes float64, window int) (exp []float64, mean, lo, hi float64) {
	runs, draws := Runs, Draws
	if len(s.start) >= BigDeck {
		runs, draws = 1, 4
	}
	cfgs := make([]cfg, runs+draws)
	rng := rand.New(rand.NewPCG(1, 2))
	defaults := s.p.Costs == DefaultCosts
	for k := range cfgs {
		c := s.cfg(minutes)
		c.window = window
		c.rng = rand.New(rand.NewPCG(uint64(k), 3))
		if k >= runs {
			w := s.m.W
			for i := range w {
				w[i] *= math.Exp(0.2 * rng.NormFloat64())
			}
			c.tm = NewModel(w)
			if defaults {
				f := math.Exp(0.25 * rng.NormFloat64())
				c.costNew *= f
				c.costRev *= f
			}
		}
		cfgs[k] = c
	}
	results := make([]*result, len(cfgs))
	var wg sync.WaitGroup
	work := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(cfgs)) {
		wg.Go(func() {
			for k := range work {
				results[k] = s.run(cfgs[k])
			}
		})
	}
	for k := range cfgs {
		work <- k
	}
	close(work)
	wg.Wait()
	exp = make([]float64, len(s.start))
	for _, r := range results[:runs] {
		for i, e := range r.exp {
			exp[i] += e / float64(runs)
		}
		mean += r.followed / float64(runs)
	}
	lo, hi = mean, mean
	for _, r := range results[runs:] {
		lo, hi = min(lo, r.followed), max(hi, r.followed)
	}
	return exp, mean, lo, hi
}

// Apply prepares a study session's queue for the plan and returns the
// policy to study it with. Each item's due date becomes the day the plan
// next studies it (a review card the plan does not study before the exam
// keeps its due date, moved to the exam day if it was earlier), new cards take the plan's order (interleaved across questions)
// as their Order, introduced in that order,
// and the policy introduces today's planned new cards and shows today's
// planned reviews (done is what the deck has done today), with Limit set
// to the plan. Once the exam day has come (DaysLeft is 0) Apply changes
// nothing: scheduling is plain FSRS again.
func (p *Plan) Apply(items []scheduler.Item, pol scheduler.Policy, done scheduler.Done) scheduler.Policy {
	if p.DaysLeft == 0 {
		return pol
	}
	n := p.cards()
	next := 0 // the plan's card after the last one matched in order
	for k := range items {
		it := &items[k]
		// Items usually come in the order of the plan's cards (both
		// from the deck's states), some skipped: match them in order,
		// by key, and look a card up only when that fails.
		var i int
		var ok bool
		for j := next; j < min(next+2, n); j++ {
			if p.key(j) == it.Key {
				i, ok = j, true
				break
			}
		}
		if !ok {
			i, ok = p.index(it.Key)
		}
		if !ok {
			continue
		}
		next = i + 1
		it.Card.Due, it.Order = p.Shown(i, it.Card.State, it.Card.Due, it.Order)
	}
	return p.Policy(pol, done)
}

// dayStarts returns DayStart of each day of the plan, the exam day's
// included.
func (p *Plan) dayStarts() []time.Time {
	if p.starts == nil {
		p.starts = make([]time.Time, p.DaysLeft+1)
		for d := range p.starts {
			p.starts[d] = p.DayStart(d)
		}
	}
	return p.starts
}

// Shown returns the due date and order that Apply gives the queue item of
// the plan's card i (the i-th card of its input) when the card's stored
// state, due date and order are state, due and order.
func (p *Plan) Shown(i int, state fsrs.State, due time.Time, order int) (time.Time, int) {
	if p.DaysLeft == 0 {
		return due, order
	}
	if r := p.rank[i]; r >= 0 {
		order = int(r)
	}
	if state != fsrs.Review {
		return due, order
	}
	starts := p.dayStarts()
	if d := p.first[i]; d >= 0 {
		return starts[d].Add(time.Duration(p.finalRank[i]) * time.Millisecond), order
	}
	if examDay := starts[p.DaysLeft]; due.Before(examDay) {
		return examDay, order
	}
	return due, order
}

// Policy returns the policy to study the plan's day with, from the deck's
// own: today's planned new cards and reviews (done is what the deck has
// done today), new cards in the order of their Order (the plan's rank,
// once applied) and Limit set to the plan. Once the exam day has come
// (DaysLeft is 0) it returns pol.
func (p *Plan) Policy(pol scheduler.Policy, done scheduler.Done) scheduler.Policy {
	if p.DaysLeft == 0 {
		return pol
	}
	pol.NewPerDay = done.New + p.NewToday()
	pol.ReviewsPerDay = done.Reviews + p.ReviewsToday()
	pol.NewOrder = scheduler.NewInDeckOrder // Order is the plan's rank
	pol.Limit = p
	return pol
}
