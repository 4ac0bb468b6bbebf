// Package scheduler is flash's study policy on top of go-fsrs: study days,
// daily limits, the order in which due cards are shown, and rating a card.
//
// The package is pure: it never reads the clock or touches storage. Every
// function that depends on the time takes now as an argument.
package scheduler

import (
	"fmt"
	"math"
	"strconv"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// DayStartHour is the local hour at which a study day starts. Times between
// midnight and DayStartHour belong to the previous study day, like Anki's
// "next day starts at" setting.
const DayStartHour = 4

// LearnAhead is how far ahead learning cards are shown early when nothing
// else is due (Anki's learn-ahead limit).
const LearnAhead = 20 * time.Minute

// LeechLapses is the number of lapses at which a card becomes a leech
// (Anki's default leech threshold).
const LeechLapses = 8

// MaxAnswerTime is the most one answer counts for, in the time spent
// studying and in the review log's answer durations: Anki's "maximum
// answer seconds" default. A card left on screen while the learner is away
// does not count as ten minutes of study.
const MaxAnswerTime = 60 * time.Second

// AnswerTime returns the time an answer that took d counts for: d within
// 0..MaxAnswerTime. Apply it when a review is saved, and again when
// durations are read (a log written before the cap may hold longer ones).
func AnswerTime(d time.Duration) time.Duration {
	return min(max(d, 0), MaxAnswerTime)
}

// Policy is a deck's study settings.
type Policy struct {
	// DesiredRetention is the recall probability FSRS aims for when it
	// picks an interval (go-fsrs RequestRetention). New clamps it into
	// 0.70..0.99; zero or NaN means DefaultPolicy's 0.9.
	DesiredRetention float64
	// NewPerDay is how many new cards may be introduced per study day.
	NewPerDay int
	// ReviewsPerDay is how many review cards may be shown per study day.
	// Learning and relearning steps are not limited.
	ReviewsPerDay int
	// NewOrder is the order in which the deck's new cards are introduced.
	NewOrder NewOrder
	// Weights are the FSRS-5 weights the deck is scheduled with: the
	// weights in use (see LoadWeights). The zero value means go-fsrs's
	// default weights.
	Weights fsrs.Weights
	// Limit, when set, may move a rated card's due date earlier (an exam
	// ahead: see package scheduler/exam). Rate and Preview apply it.
	Limit Limiter
}

// A Limiter moves the due date FSRS gives a card, for example so that an
// interval does not jump over an exam.
type Limiter interface {
	// Limit returns the due date to give c, rated at now: c.Due or an
	// earlier time not before now.
	Limit(c fsrs.Card, now time.Time) time.Time
}

// NewOrder is the order in which a deck's new cards are introduced.
type NewOrder int

const (
	// NewInDeckOrder introduces new cards in deck order (Item.Order).
	NewInDeckOrder NewOrder = iota
	// NewInterleaved deals the new cards out by question (Item.Question),
	// like cards from one pile per question: each question's next new
	// card takes a turn, so a day's new cards touch every question. Each
	// question keeps its own order (Item.Order). See Queue for the exact
	// order.
	NewInterleaved
)

// DefaultPolicy returns the policy of a deck whose options are all left out:
// retention 0.9, 20 new cards and 200 reviews per study day.
func DefaultPolicy() Policy {
	return Policy{DesiredRetention: 0.9, NewPerDay: 20, ReviewsPerDay: 200}
}

// normalize returns p with its values in range: retention clamped into
// 0.70..0.99 (zero or NaN becomes 0.9) and negative limits raised to zero.
func (p Policy) normalize() Policy {
	switch r := p.DesiredRetention; {
	case r == 0 || math.IsNaN(r):
		p.DesiredRetention = 0.9
	case r < 0.70:
		p.DesiredRetention = 0.70
	case r > 0.99:
		p.DesiredRetention = 0.99
	}
	p.NewPerDay = max(p.NewPerDay, 0)
	p.ReviewsPerDay = max(p.ReviewsPerDay, 0)
	return p
}

// Scheduler rates cards with go-fsrs v3 (FSRS-5) using the policy's
// weights (go-fsrs's defaults unless fitted ones are given), short-term
// learning steps on and the policy's desired retention. Interval fuzz is
// flash's own (see Preview): go-fsrs seeds its fuzz with the second of the
// review, so the interval shown on a button would not be the one a rating
// a second later saves.
//
// A Scheduler is not safe for concurrent use: go-fsrs writes a seed into
// its *fsrs.FSRS on every call. Use a Scheduler from one goroutine (the
// review screen's event loop), or give each goroutine its own. Results do
// not depend on earlier calls.
type Scheduler struct {
	f *fsrs.FSRS
	p Policy
}

// New returns a Scheduler for p. See Policy for how values out of range are
// treated.
func New(p Policy) *Scheduler {
	p = p.normalize()
	params := fsrs.DefaultParam()
	if p.Weights != (fsrs.Weights{}) {
		params.W = p.Weights
	}
	params.RequestRetention = p.DesiredRetention
	params.EnableFuzz = false // Preview applies flash's own, seeded by card
	params.EnableShortTerm = true
	return &Scheduler{f: fsrs.NewFSRS(params), p: p}
}

// Policy returns the policy s was made with, after New's clamping.
func (s *Scheduler) Policy() Policy { return s.p }

// Outcome is the result of rating a card.
type Outcome struct {
	Rating fsrs.Rating
	// Card is the card's state after the rating; Card.Due is when it is
	// due next.
	Card fsrs.Card
	// Log is go-fsrs's review log entry for the rating.
	Log fsrs.ReviewLog
	// Interval is Card.Due minus the now passed in, never negative.
	Interval time.Duration
}

// reviewTime returns the time go-fsrs is told the review happens at: now,
// or c.LastReview when the clock has gone backwards past it. go-fsrs
// computes the elapsed days as floor((now-LastReview)/24h) and converts it
// to uint64, which wraps around for a negative value.
func reviewTime(c fsrs.Card, now time.Time) time.Time {
	if c.State != fsrs.New && !c.LastReview.IsZero() && now.Before(c.LastReview) {
		return c.LastReview
	}
	return now
}

func (s *Scheduler) outcome(r fsrs.Rating, si fsrs.SchedulingInfo, now time.Time) Outcome {
	if s.p.Limit != nil {
		if due := s.p.Limit.Limit(si.Card, now); due.Before(si.Card.Due) {
			if due.Before(now) {
				due = now
			}
			si.Card.Due = due
			si.Card.ScheduledDays = uint64(max(due.Sub(si.Card.LastReview), 0) / (24 * time.Hour))
		}
	}
	return Outcome{Rating: r, Card: si.Card, Log: si.ReviewLog, Interval: interval(si.Card.Due, now)}
}

// interval returns due-now, or zero when due is not after now.
func interval(due, now time.Time) time.Duration {
	if !due.After(now) {
		return 0
	}
	return due.Sub(now) // saturates instead of overflowing
}

// Preview returns the outcome of each rating of c at now, indexed by
// rating-1 (Again, Hard, Good, Easy): go-fsrs Repeat's memory states and
// intervals, with interval fuzz as go-fsrs does it (its fuzz ranges, one
// fuzz factor for the four buttons) but drawn from a seed of key (the
// card's DECK/CARD) and c.Reps instead of the clock, as Anki seeds it by
// card. So a card shows the same intervals whenever it is previewed until
// it is reviewed again. A now before c.LastReview is treated as
// c.LastReview (see Rate).
func (s *Scheduler) Preview(key string, c fsrs.Card, now time.Time) [4]Outcome {
	at := reviewTime(c, now)
	rl := s.f.Repeat(c, at)
	u := fuzzFactor(key, c.Reps)
	ivl := s.intervals(c.State, rl, func(ivl, elapsed float64) float64 { return s.fuzz(ivl, elapsed, u) })
	var out [4]Outcome
	for r := fsrs.Again; r <= fsrs.Easy; r++ {
		si := rl[r]
		if d := ivl[r-1]; d > 0 {
			si.Card.ScheduledDays = uint64(d)
			si.Card.Due = at.Add(time.Duration(d) * day)
		}
		out[r-1] = s.outcome(r, si, now)
	}
	return out
}

// Rate returns the outcome of rating c with r when the card was shown at
// shown and rated at now: the outcome Preview(key, c, shown) showed for r,
// with the review moved to now (LastReview, Log.Review and Due later by
// now-shown). The interval saved is the interval shown, however long the
// learner took: the memory state is the one at the moment of recall.
// Callers that rate at once pass the same time twice.
//
// When the clock has gone backwards (shown before c.LastReview) the review
// is taken to happen at c.LastReview: the result then has LastReview and
// Log.Review equal to c.LastReview, and its Interval is measured from the
// real time, so it is never negative. A now before shown is taken as
// shown. Rate panics if r is not one of fsrs.Again, fsrs.Hard, fsrs.Good
// or fsrs.Easy.
func (s *Scheduler) Rate(key string, c fsrs.Card, shown, now time.Time, r fsrs.Rating) Outcome {
	if r < fsrs.Again || r > fsrs.Easy {
		panic(fmt.Sprintf("scheduler: invalid rating %d", r))
	}
	o := s.Preview(key, c, shown)[r-1]
	if took := now.Sub(shown); took > 0 {
		o.Card.LastReview = o.Card.LastReview.Add(took)
		o.Card.Due = o.Card.Due.Add(took)
		o.Log.Review = o.Log.Review.Add(took)
	}
	return o
}

// Retrievability returns the probability, in 0..1, that c is recalled at
// now according to its FSRS memory state. It is 0 for a new card or a card
// without a stability, and 1 when now is not after c.LastReview.
func (s *Scheduler) Retrievability(c fsrs.Card, now time.Time) float64 {
	if c.State == fsrs.New {
		return 0
	}
	return ForgettingCurve(now.Sub(c.LastReview).Hours()/24, c.Stability)
}

// IsLeech reports whether the rating that turned before into after made the
// card a leech: it lapsed with this rating and now has at least LeechLapses
// lapses. Like Anki, a card that keeps lapsing stays a leech at every lapse
// from the eighth on.
func IsLeech(before, after fsrs.Card) bool {
	return after.Lapses >= LeechLapses && after.Lapses > before.Lapses
}

// Units FormatInterval counts in, as in Anki: a month is a twelfth of a
// 365-day year.
const (
	day   = 24 * time.Hour
	year  = 365 * day
	month = year / 12
)

// FormatInterval formats d compactly for a rating button, like Anki:
//
//	under an hour   whole minutes, rounded, at least 1   "1m", "10m"
//	under a day     whole hours, rounded                 "1h", "23h"
//	under a month   whole days, rounded                  "1d", "12d"
//	under a year    months to one decimal                "3.1mo"
//	otherwise       years to one decimal                 "1.2y", "100y"
//
// A month is 365/12 days and a year 365 days. A trailing ".0" is dropped
// ("1mo", "2y"), and a value that rounds up to the next unit is written in
// that unit (59m40s is "1h", not "60m"). Zero and negative durations are
// "0m".
func FormatInterval(d time.Duration) string {
	if d <= 0 {
		return "0m"
	}
	if d < time.Hour {
		m := max(int64(math.Round(float64(d)/float64(time.Minute))), 1)
		if m < 60 {
			return strconv.FormatInt(m, 10) + "m"
		}
		return "1h"
	}
	if d < day {
		h := int64(math.Round(float64(d) / float64(time.Hour)))
		if h < 24 {
			return strconv.FormatInt(h, 10) + "h"
		}
		return "1d"
	}
	if d < month {
		// At most 30: a month is 30.4 days.
		return strconv.FormatInt(int64(math.Round(float64(d)/float64(day))), 10) + "d"
	}
	if d < year {
		m := math.Round(float64(d)/float64(month)*10) / 10
		if m < 12 {
			return oneDecimal(m) + "mo"
		}
		return "1y"
	}
	return oneDecimal(math.Round(float64(d)/float64(year)*10)/10) + "y"
}

// oneDecimal formats v with one decimal, dropping a trailing ".0".
func oneDecimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s
}

// StudyDay returns the start (DayStartHour o'clock, in t's location) of the
// study day that holds t. A t before DayStartHour on its calendar day
// belongs to the previous day. The day is decided by t's wall clock and the
// result built with time.Date, so days around a daylight-saving change are
// 23 or 25 hours long and still start at 04:00.
func StudyDay(t time.Time) time.Time {
	y, m, d := t.Date()
	if t.Hour() < DayStartHour {
		d--
	}
	return time.Date(y, m, d, DayStartHour, 0, 0, 0, t.Location())
}

// NextStudyDay returns the start of the study day after the one that holds
// t, in t's location: the end of t's study day, e.g. the time a card buried
// at t comes back.
func NextStudyDay(t time.Time) time.Time { return AddStudyDays(t, 1) }

// AddStudyDays returns the start of the study day n days after (n < 0:
// before) the one that holds t, in t's location. AddStudyDays(t, 0) is
// StudyDay(t). Across a change to or from summer time a study day is 23
// or 25 hours long: it is a calendar day from DayStartHour to DayStartHour.
func AddStudyDays(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	if t.Hour() < DayStartHour {
		d--
	}
	return time.Date(y, m, d+n, DayStartHour, 0, 0, 0, t.Location())
}
