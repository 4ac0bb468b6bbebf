// Package stats computes the figures of `flash stats`: readiness per exam
// question, the due forecast, the history, true retention, calibration,
// memory and time spent. The figures come from plain inputs (decks, card
// states, the review log, a now), so that they can be tested without a
// database; Load gathers those inputs from a store and scans its log in
// pieces at once. The JSON names of Stats are part of flash's interface
// (README, "flash stats --json"): only add fields, never rename them.
package stats

import (
	"strings"
	"time"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// Days is the length of the forecast and of the history.
const Days = 30

// WeakestPerQuestion is how many of a question's weakest cards are listed.
const WeakestPerQuestion = 3

// Stats is everything `flash stats` reports. Rates are in 0..1 and are 0
// when the count they are taken over is 0; no field is ever NaN.
type Stats struct {
	GeneratedAt time.Time   `json:"generated_at"`
	Deck        string      `json:"deck"` // --deck, "" for all decks
	Decks       []DeckStats `json:"decks"`
	Readiness   Readiness   `json:"readiness"`
	Cards       CardCounts  `json:"cards"`
	// Suspended and Flagged list those cards (not retired) in card
	// order: all of them, or the first ListMax of each (see Load);
	// Cards counts them all.
	Suspended   []CardRef  `json:"suspended"`
	Flagged     []CardRef  `json:"flagged"`
	Forecast    []DayCount `json:"forecast"`
	History     []DayCount `json:"history"`
	Retention   Retention  `json:"retention"`
	Calibration []CalBin   `json:"calibration"`
	// CalibrationWeights says what Calibration's predictions are:
	// CalibrationLogged or CalibrationFitted (see UseWeights).
	CalibrationWeights string    `json:"calibration_weights"`
	Memory             Memory    `json:"memory"`
	Time               TimeSpent `json:"time"`
	// Exams holds the readiness of each deck whose exam is ahead
	// (package scheduler/exam); empty when none is.
	Exams []ExamReadiness `json:"exams"`
}

// ExamReadiness is a deck's predicted readiness on its exam day: if the
// learner follows the exam plan (with the range the prediction may be off
// by) and if the learner stops studying now.
type ExamReadiness struct {
	Deck     string    `json:"deck"`
	Date     string    `json:"date"` // YYYY-MM-DD
	At       time.Time `json:"at"`
	DaysLeft int       `json:"days_left"`
	Target   float64   `json:"target"`
	Minutes  int       `json:"minutes"`
	Followed float64   `json:"followed"`
	Low      float64   `json:"low"`
	High     float64   `json:"high"`
	Stopped  float64   `json:"stopped"`
	// Below is how many cards the plan leaves below the target;
	// MinutesNeeded the daily minutes that would reach it (0 when Below
	// is 0, or when no budget would).
	Below         int     `json:"below"`
	MinutesNeeded float64 `json:"minutes_needed"`
}

// DeckStats names a deck the figures cover.
type DeckStats struct {
	ID               string  `json:"id"`
	Title            string  `json:"title"`
	DesiredRetention float64 `json:"desired_retention"`
	Cards            int     `json:"cards"` // not retired
	// Weights says which FSRS weights the deck is scheduled and predicted
	// with: "default" (go-fsrs's) or "fitted" (flash optimize); see
	// SetWeights.
	Weights string `json:"weights"`
	// WeightsFittedAt is when the fitted weights were fitted; absent for
	// the defaults.
	WeightsFittedAt *time.Time `json:"weights_fitted_at,omitempty"`
}

// SetWeights records in s which weights each deck uses: inUse by deck id;
// a deck missing from it uses the defaults.
func (s *Stats) SetWeights(inUse map[string]scheduler.InUse) {
	for i := range s.Decks {
		d := &s.Decks[i]
		d.Weights, d.WeightsFittedAt = "default", nil
		if u, ok := inUse[d.ID]; ok && u.Fitted != nil {
			at := u.Fitted.FittedAt
			d.Weights, d.WeightsFittedAt = "fitted", &at
		}
	}
}

// Readiness is the mean predicted recall of the exam's cards at a time.
type Readiness struct {
	At     time.Time        `json:"at"`
	Mean   float64          `json:"mean"`
	Cards  int              `json:"cards"`
	New    int              `json:"new"`
	Papers []PaperReadiness `json:"papers"`
}

// PaperReadiness is the readiness of one paper and of its questions.
type PaperReadiness struct {
	Deck      string              `json:"deck"`
	Paper     string              `json:"paper"`
	Mean      float64             `json:"mean"`
	Cards     int                 `json:"cards"`
	New       int                 `json:"new"`
	Questions []QuestionReadiness `json:"questions"`
}

// QuestionReadiness is the readiness of one exam question.
type QuestionReadiness struct {
	ID    string  `json:"id"`
	Text  string  `json:"text"`
	Mean  float64 `json:"mean"`
	Cards int     `json:"cards"`
	New   int     `json:"new"`
	// Suspended counts the question's suspended cards: they count in the
	// mean but are never among the weakest, which lists cards to study.
	Suspended int          `json:"suspended"`
	Weakest   []CardRecall `json:"weakest"`
}

// CardRecall is one card's predicted recall.
type CardRecall struct {
	ID     string  `json:"id"` // "deck/card"
	State  string  `json:"state"`
	Recall float64 `json:"recall"`
}

// CardCounts counts cards by FSRS state and by when they are due. Retired
// cards count only in Retired; suspended ones count in their state but are
// never due.
type CardCounts struct {
	Total      int `json:"total"` // not retired
	New        int `json:"new"`
	Learning   int `json:"learning"`
	Review     int `json:"review"`
	Relearning int `json:"relearning"`
	Retired    int `json:"retired"`
	Suspended  int `json:"suspended"`
	Flagged    int `json:"flagged"`
	// NewAvailable counts the new cards that are not suspended: waiting to
	// be learned. NewToday is how many of them a review today would
	// introduce: each deck's new_per_day less the new cards it introduced
	// today, among its cards not buried.
	NewAvailable int `json:"new_available"`
	NewToday     int `json:"new_today"`
	DueNow       int `json:"due_now"`
	DueToday     int `json:"due_today"`
	DueTomorrow  int `json:"due_tomorrow"`
}

// CardRef names a card and the first line of its front.
type CardRef struct {
	ID    string `json:"id"` // "deck/card"
	Front string `json:"front"`
}

// DayCount is a number of reviews on one study day.
type DayCount struct {
	Date    string `json:"date"` // YYYY-MM-DD of the study day (it starts 04:00 local)
	Reviews int    `json:"reviews"`
}

// Retention is the true retention: the share of reviews of cards in the
// review state that were not rated Again.
type Retention struct {
	Desired    float64    `json:"desired"`
	Last7Days  RecallRate `json:"last_7_days"`
	Last30Days RecallRate `json:"last_30_days"`
	AllTime    RecallRate `json:"all_time"`
}

// RecallRate is Recalled of Reviews.
type RecallRate struct {
	Reviews  int     `json:"reviews"`
	Recalled int     `json:"recalled"`
	Rate     float64 `json:"rate"`
}

// CalBin groups the reviews of review-state cards whose predicted recall
// was in [From, To) (the last bin includes 1).
type CalBin struct {
	From      float64 `json:"from"`
	To        float64 `json:"to"`
	Reviews   int     `json:"reviews"`
	Predicted float64 `json:"predicted"` // mean predicted recall
	Recalled  float64 `json:"recalled"`  // share not rated Again
}

// Memory is the mean FSRS memory state of the cards that have one.
type Memory struct {
	Cards          int     `json:"cards"`
	MeanStability  float64 `json:"mean_stability_days"`
	MeanDifficulty float64 `json:"mean_difficulty"`
}

// TimeSpent is the answer time summed over reviews, in seconds.
type TimeSpent struct {
	TodaySeconds      float64 `json:"today_seconds"`
	Last7DaysSeconds  float64 `json:"last_7_days_seconds"`
	Last30DaysSeconds float64 `json:"last_30_days_seconds"`
	AllTimeSeconds    float64 `json:"all_time_seconds"`
	Reviews           int     `json:"reviews"` // all time
}

// calEdges are the calibration bins' bounds. Most reviews are predicted
// near the desired retention, so the bins are finer there.
var calEdges = [...]float64{0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1}

// stateName is the lower-case name of an FSRS state, as in the JSON.
func stateName(s fsrs.State) string {
	switch s {
	case fsrs.New:
		return "new"
	case fsrs.Learning:
		return "learning"
	case fsrs.Review:
		return "review"
	case fsrs.Relearning:
		return "relearning"
	}
	return "unknown"
}

// ratio returns a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// deckScheduler returns the scheduler of a deck, as far as stats needs
// it: its desired retention (clamped, defaulted) and its retrievability.
func deckScheduler(d storage.DeckInfo) *scheduler.Scheduler {
	return scheduler.New(scheduler.Policy{DesiredRetention: d.Options.DesiredRetention})
}

// weakerRecall orders cards by recall, then by ID.
func weakerRecall(a, b CardRecall) int { return cmpRecall(a.Recall, a.ID, b) }

// cmpRecall orders a card of recall r and id among others as weakerRecall
// does: it compares it with b.
func cmpRecall(r float64, id string, b CardRecall) int {
	switch {
	case r < b.Recall:
		return -1
	case r > b.Recall:
		return 1
	}
	return strings.Compare(id, b.ID)
}

// weakest appends to dst the n cards of cs that come first in
// weakerRecall order, in that order. It takes one pass over cs: a deck's
// questions may have thousands of cards.
func weakest(dst, cs []CardRecall, n int) []CardRecall {
	w := dst[len(dst):]
	for _, c := range cs {
		w = offerWeakest(w, c, n)
	}
	return append(dst, w...)
}

// offerWeakest returns w, the at most n cards first in weakerRecall order
// of those offered so far, in that order, with c offered too.
func offerWeakest(w []CardRecall, c CardRecall, n int) []CardRecall {
	if len(w) == n && weakerRecall(c, w[len(w)-1]) >= 0 {
		return w
	}
	if len(w) < n {
		w = append(w, c)
	} else {
		w[len(w)-1] = c
	}
	for i := len(w) - 1; i > 0 && weakerRecall(w[i], w[i-1]) < 0; i-- {
		w[i], w[i-1] = w[i-1], w[i]
	}
	return w
}

// studyDays returns the starts of n+1 consecutive study days, the first
// being offset days from the study day holding now (offset may be
// negative); the last is the end of the n-th day.
func studyDays(now time.Time, offset, n int) []time.Time {
	b := make([]time.Time, n+1)
	for i := range b {
		b[i] = scheduler.AddStudyDays(now, offset+i)
	}
	return b
}

// logStats accumulates the figures taken from the review log in one pass:
// history, retention, calibration and time spent. Its add method does not
// allocate, and it needs the log in no particular order: the calibration
// sums are exact (exactSum), so pieces of the log counted apart and merged
// give the very figures of one pass.
type logStats struct {
	deck string // only this deck's reviews; "" for all

	// bounds are the UnixNano starts of the Days study days up to
	// today, then the start of tomorrow.
	bounds [Days + 1]int64
	hint   int // the bucket of the previous review: the log is in time order
	dates  [Days]string

	days [Days]int
	ret  [3]RecallRate // 7 days, 30 days, all time
	cal  [len(calEdges) - 1]struct {
		n, recalled int
		sum         exactSum
	}
	spent   [4]time.Duration // today, 7, 30 days, all time
	reviews int
}

func newLogStats(now time.Time, deckID string) *logStats {
	a := &logStats{deck: deckID}
	for i, t := range studyDays(now, 1-Days, Days) {
		a.bounds[i] = t.UnixNano()
		if i < Days {
			a.dates[i] = t.Format(time.DateOnly)
		}
	}
	a.hint = Days - 1
	return a
}

// bucket returns the history day holding t (UnixNano), or -1 when t is
// before the first day or after today.
func (a *logStats) bucket(t int64) int {
	if t < a.bounds[0] || t >= a.bounds[Days] {
		return -1
	}
	i := a.hint
	for t < a.bounds[i] {
		i--
	}
	for t >= a.bounds[i+1] {
		i++
	}
	a.hint = i
	return i
}

// add counts one review.
func (a *logStats) add(r *storage.Review) {
	if a.deck != "" && r.Deck != a.deck {
		return
	}
	e := storage.LogStat{At: r.At.UnixNano(), Duration: r.Duration, Stability: r.Before.Stability, Rating: r.Rating, State: r.Before.State}
	if !r.Before.LastReview.IsZero() {
		e.LastReview = r.Before.LastReview.UnixNano()
	}
	a.addStat(&e)
}

// addStat counts one review of the selected deck (storage.ScanStats
// filters by deck).
func (a *logStats) addStat(r *storage.LogStat) {
	a.addStats([]storage.LogStat{*r})
}

// addStats counts a batch of reviews. The recall FSRS predicted for each
// is computed first, for a run of reviews in a loop of arithmetic alone,
// so that the divisions and square roots of successive reviews overlap in
// the processor instead of waiting on each other: they took most of the
// time of a review's count. The counting loop calls nothing but the
// calibration's exact sum (and, for the few reviews of the history's
// days, addRecent).
func (a *logStats) addStats(batch []storage.LogStat) {
	var ps [256]float64
	for len(batch) > 0 {
		run := batch[:min(len(batch), len(ps))]
		for i := range run {
			ps[i] = logRecall(&run[i])
		}
		for i := range run {
			r := &run[i]
			// Capped here too: a log written before the cap may hold
			// longer times.
			d := scheduler.AnswerTime(r.Duration)
			a.spent[3] += d
			if r.At >= a.bounds[0] {
				a.addRecent(r, d)
			}
			if r.State != fsrs.Review {
				continue
			}
			ok := r.Rating != fsrs.Again
			a.ret[2].add(ok)
			b := &a.cal[calBin(ps[i])]
			b.n++
			b.sum.add(ps[i])
			b.recalled += b2i(ok)
		}
		a.reviews += len(run)
		batch = batch[len(run):]
	}
}

// logRecall is the recall FSRS predicted for the review r, from the memory
// state before it; calibration counts it for reviews of cards in the review
// state.
func logRecall(r *storage.LogStat) float64 {
	return scheduler.ForgettingCurve(float64(r.At-r.LastReview)/float64(24*time.Hour), r.Stability)
}

// addRecent counts a review of the history's days or later, d being its
// answer time, in the figures of the last days.
func (a *logStats) addRecent(r *storage.LogStat, d time.Duration) {
	day := a.bucket(r.At)
	if day < 0 {
		return
	}
	a.days[day]++
	a.spent[2] += d
	if day >= Days-7 {
		a.spent[1] += d
	}
	if day == Days-1 {
		a.spent[0] += d
	}
	if r.State == fsrs.Review {
		ok := r.Rating != fsrs.Again
		a.ret[1].add(ok)
		if day >= Days-7 {
			a.ret[0].add(ok)
		}
	}
}

// calBin is the calibration bin of a predicted recall p: the number of
// inner edges at or below it (the edges ascend), counted without a branch
// to mispredict.
func calBin(p float64) int {
	e := &calEdges
	return b2i(p >= e[1]) + b2i(p >= e[2]) + b2i(p >= e[3]) + b2i(p >= e[4]) +
		b2i(p >= e[5]) + b2i(p >= e[6]) + b2i(p >= e[7])
}

// addCal counts one review in the calibration: predicted recall p,
// recalled or not.
func (a *logStats) addCal(p float64, ok bool) {
	b := &a.cal[calBin(p)]
	b.n++
	b.sum.add(p)
	b.recalled += b2i(ok)
}

// merge adds the counts of b, an accumulator over another part of the
// log, to a: the figures are then exactly those of one pass over both
// parts. Counts and durations are integers and the calibration sums
// exact, so the order of the parts does not matter.
func (a *logStats) merge(b *logStats) {
	for i := range a.days {
		a.days[i] += b.days[i]
	}
	for i := range a.ret {
		a.ret[i].Reviews += b.ret[i].Reviews
		a.ret[i].Recalled += b.ret[i].Recalled
	}
	for i := range a.cal {
		c := &a.cal[i]
		c.n += b.cal[i].n
		c.recalled += b.cal[i].recalled
		c.sum.merge(&b.cal[i].sum)
	}
	for i := range a.spent {
		a.spent[i] += b.spent[i]
	}
	a.reviews += b.reviews
}

func (r *RecallRate) add(ok bool) {
	r.Reviews++
	r.Recalled += b2i(ok)
}

// b2i is 1 for true, 0 for false (without a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (r RecallRate) done() RecallRate {
	r.Rate = ratio(float64(r.Recalled), float64(r.Reviews))
	return r
}

// fill writes the log's figures into s.
func (a *logStats) fill(s *Stats) {
	s.History = make([]DayCount, Days)
	for i := range s.History {
		s.History[i] = DayCount{Date: a.dates[i], Reviews: a.days[i]}
	}
	s.Retention.Last7Days = a.ret[0].done()
	s.Retention.Last30Days = a.ret[1].done()
	s.Retention.AllTime = a.ret[2].done()
	s.Calibration = make([]CalBin, len(a.cal))
	s.CalibrationWeights = CalibrationLogged
	for i, b := range a.cal {
		s.Calibration[i] = CalBin{
			From:      calEdges[i],
			To:        calEdges[i+1],
			Reviews:   b.n,
			Predicted: ratio(b.sum.Float64(), float64(b.n)),
			Recalled:  ratio(float64(b.recalled), float64(b.n)),
		}
	}
	s.Time = TimeSpent{
		TodaySeconds:      a.spent[0].Seconds(),
		Last7DaysSeconds:  a.spent[1].Seconds(),
		Last30DaysSeconds: a.spent[2].Seconds(),
		AllTimeSeconds:    a.spent[3].Seconds(),
		Reviews:           a.reviews,
	}
}
