package exam_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
)

// t0 is 09:00 on a Monday; day starts are at 04:00.
var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// newDeck returns questions × per new cards, written question after
// question (so deck order alone would start one question on day 1).
func newDeck(questions, per int) exam.Input {
	in := exam.Input{Weights: fsrs.DefaultWeights(), Retention: 0.9, Target: 0.9, Minutes: 30, Costs: exam.DefaultCosts}
	for q := range questions {
		id := fmt.Sprintf("q%02d", q+1)
		in.Questions = append(in.Questions, id)
		for c := range per {
			in.Cards = append(in.Cards, exam.Card{Key: fmt.Sprintf("d/%s-%02d", id, c), Question: id, Order: q*per + c, FSRS: fsrs.NewCard()})
		}
	}
	return in
}

// reviewCard is a card in the review state last reviewed at last with
// stability s, due when go-fsrs would have it due at retention 0.9.
func reviewCard(s float64, last time.Time) fsrs.Card {
	ivl := max(math.Round(s), 1) // at 0.9 the interval is the stability
	return fsrs.Card{State: fsrs.Review, Stability: s, Difficulty: 5, LastReview: last, Reps: 3,
		Due: last.Add(time.Duration(ivl) * day), ScheduledDays: uint64(ivl)}
}

func TestModel_MatchesGoFSRS(t *testing.T) {
	// The planner's model must predict what go-fsrs does: the same
	// stability and difficulty after a review, for every rating.
	rng := rand.New(rand.NewPCG(1, 1))
	p := fsrs.DefaultParam()
	p.EnableFuzz = false
	f := fsrs.NewFSRS(p)
	m := exam.NewModel(p.W)
	for k := range 500 {
		s := 0.2 + rng.Float64()*100
		d := 1 + rng.Float64()*9
		elapsed := rng.IntN(120)
		last := t0.Add(-time.Duration(elapsed)*day - time.Hour)
		c := fsrs.Card{State: fsrs.Review, Stability: s, Difficulty: d, LastReview: last, Due: t0, Reps: 4}
		r := fsrs.Rating(1 + k%4)
		want := f.Next(c, t0, r).Card
		got := m.Review(exam.Memory{S: s, D: d, Last: -float64(elapsed) - 1.0/24}, 0, r)
		if math.Abs(got.S-want.Stability) > 1e-9*want.Stability || math.Abs(got.D-want.Difficulty) > 1e-9 {
			t.Fatalf("review of S=%v D=%v after %d days rated %v: model S=%v D=%v, go-fsrs S=%v D=%v",
				s, d, elapsed, r, got.S, got.D, want.Stability, want.Difficulty)
		}
		if got, want := m.Recall(float64(elapsed)+0.5, s), f.GetRetrievability(c, last.Add(time.Duration((float64(elapsed)+0.5)*float64(day)))); math.Abs(got-want) > 1e-12 {
			t.Fatalf("recall: model %v, go-fsrs %v", got, want)
		}
		if want := p.W[2]; m.InitStability(fsrs.Good) != want {
			t.Fatalf("initial stability %v, want %v", m.InitStability(fsrs.Good), want)
		}
	}
	// A new card rated Good twice graduates with go-fsrs's stability.
	c := f.Next(fsrs.NewCard(), t0, fsrs.Good).Card
	c = f.Next(c, t0.Add(10*time.Minute), fsrs.Good).Card
	if got := m.Learn(0); math.Abs(got.S-c.Stability) > 1e-12 || math.Abs(got.D-c.Difficulty) > 1e-12 {
		t.Errorf("Learn = %+v, go-fsrs S=%v D=%v", got, c.Stability, c.Difficulty)
	}
	// The interval at 0.9 before fuzz is go-fsrs's.
	if got, want := m.Interval(c.Stability, 0.9), float64(c.ScheduledDays); got != want {
		t.Errorf("Interval(%v) = %v, go-fsrs %v", c.Stability, got, want)
	}
}

func TestMake_EveryQuestionStartedOnDayOne(t *testing.T) {
	in := newDeck(13, 20)
	in.Exam = t0.Add(14 * day)
	p := exam.Make(in, t0)
	if p.DaysLeft != 14 || len(p.Days) != 14 {
		t.Fatalf("DaysLeft = %d, %d days; want 14", p.DaysLeft, len(p.Days))
	}
	first := p.Days[0].New
	if first < 13 {
		t.Fatalf("day 1 introduces %d new cards, fewer than the 13 questions", first)
	}
	// 30 minutes at 30 s a new card: the budget allows 60 new cards.
	if first != 60 {
		t.Errorf("day 1 introduces %d new cards; the budget allows 60", first)
	}
	started := map[string]int{}
	for _, c := range in.Cards {
		r, ok := p.NewRank(c.Key)
		if !ok {
			t.Fatalf("new card %s has no rank", c.Key)
		}
		if r < first {
			started[c.Question]++
		}
		if next, ok := p.Next(c.Key); r < first && (!ok || !next.Equal(scheduler.StudyDay(t0))) {
			t.Errorf("card %s (rank %d) is not planned for today: %v %v", c.Key, r, next, ok)
		}
	}
	for _, q := range in.Questions {
		if started[q] == 0 {
			t.Errorf("question %s not started on day 1", q)
		}
	}
	// Interleaved: no question gets more than one card more than another.
	lo, hi := first, 0
	for _, n := range started {
		lo, hi = min(lo, n), max(hi, n)
	}
	if hi-lo > 1 {
		t.Errorf("day 1 per question between %d and %d cards, want interleaved", lo, hi)
	}
	if p.Below != 0 || p.Needed != 0 {
		t.Errorf("Below = %d, Needed = %v; 260 cards in 14 days at 30 min should reach the target", p.Below, p.Needed)
	}
}

func TestMake_BudgetRespected(t *testing.T) {
	for _, minutes := range []float64{5, 20, 40} {
		in := newDeck(13, 20)
		// Half the deck already studied, due over the coming days.
		for i := range in.Cards {
			if i%2 == 0 {
				in.Cards[i].FSRS = reviewCard(1+float64(i%17), t0.Add(-time.Duration(i%9)*day))
			}
		}
		in.Exam = t0.Add(10 * day)
		in.Minutes = minutes
		in.Spent = 3 * time.Minute
		p := exam.Make(in, t0)
		for d, dd := range p.Days {
			limit := minutes * 60
			if d == 0 {
				limit -= 180
			}
			if dd.Seconds > limit+1e-9 {
				t.Errorf("%v min: day %d plans %.0f s, over the budget of %.0f s", minutes, d, dd.Seconds, limit)
			}
			if want := float64(dd.New)*30 + float64(dd.Reviews)*10; math.Abs(dd.Seconds-want) > 1e-9 {
				t.Errorf("day %d: %.0f s for %d new and %d reviews, want %.0f", d, dd.Seconds, dd.New, dd.Reviews, want)
			}
		}
	}
}

func TestMake_FinalPassWeakestFirst(t *testing.T) {
	// Cards that FSRS has due after the exam but that would be below the
	// target on the exam day: each is planned once in the last days, the
	// weakest first; strong cards are left alone.
	in := exam.Input{Weights: fsrs.DefaultWeights(), Retention: 0.9, Target: 0.9, Minutes: 2, Costs: exam.DefaultCosts, Questions: []string{"q"}}
	in.Exam = t0.Add(10 * day)
	for i := range 30 {
		// Stabilities 12..41 days, reviewed today: due after the exam
		// day, recall on it between 0.87 and 0.96.
		c := reviewCard(12+float64(i), t0.Add(-time.Hour))
		in.Cards = append(in.Cards, exam.Card{Key: fmt.Sprintf("d/c%02d", i), Question: "q", Order: i, FSRS: c})
	}
	p := exam.Make(in, t0)
	m := exam.NewModel(in.Weights)
	aim := in.Target + exam.Margin*(1-in.Target)
	var prevDay time.Time
	var prevWeak float64
	finals := 0
	for i, c := range in.Cards {
		weak := m.Recall(in.Exam.Sub(c.FSRS.LastReview).Hours()/24, c.FSRS.Stability)
		next, ok := p.Next(c.Key)
		if weak >= aim {
			if ok {
				t.Errorf("card %d (recall %.3f on the exam day) planned on %v; it needs no review", i, weak, next)
			}
			continue
		}
		if !ok {
			t.Fatalf("card %d (recall %.3f on the exam day) is not in the final pass", i, weak)
		}
		finals++
		if d := scheduler.StudyDay(in.Exam).Sub(next); d <= 0 || d > 5*day {
			t.Errorf("card %d planned on %v, not in the last days before the exam", i, next)
		}
		// Cards come weakest first: a weaker card never after a stronger one.
		if i > 0 && weak > prevWeak && next.Before(prevDay) {
			t.Errorf("card %d (%.3f) planned on %v, before the weaker card on %v", i, weak, next, prevDay)
		}
		prevDay, prevWeak = next, weak
	}
	sum := 0
	for _, d := range p.Days {
		sum += d.Final
	}
	if finals == 0 || sum != finals {
		t.Errorf("the days hold %d final-pass reviews, want %d", sum, finals)
	}
	if p.Below != 0 {
		t.Errorf("%d cards below the target after the final pass", p.Below)
	}
	if p.Followed <= p.Stopped {
		t.Errorf("followed %.3f not above stopped %.3f", p.Followed, p.Stopped)
	}
}

func TestMake_Infeasible(t *testing.T) {
	in := newDeck(13, 20)
	in.Exam = t0.Add(4 * day)
	in.Minutes = 10
	p := exam.Make(in, t0)
	if p.Below == 0 {
		t.Fatalf("260 new cards in 4 days at 10 min a day reach the target?")
	}
	if p.Needed <= in.Minutes {
		t.Fatalf("Needed = %v, want more than %v", p.Needed, in.Minutes)
	}
	if p.Followed >= in.Target {
		t.Errorf("Followed = %.3f with %d cards below the target", p.Followed, p.Below)
	}
	// The budget it names reaches the target, and a clearly smaller one
	// does not.
	in.Minutes = p.Needed
	if q := exam.Make(in, t0); q.Below != 0 {
		t.Errorf("with the %v minutes it named, %d cards are still below", p.Needed, q.Below)
	}
	in.Minutes = math.Floor(p.Needed * 0.95)
	if q := exam.Make(in, t0); q.Below == 0 {
		t.Errorf("%v minutes reach the target too; it named %v", in.Minutes, p.Needed)
	}
}

func TestLimit(t *testing.T) {
	w := fsrs.DefaultWeights()
	examAt := t0.Add(10 * day) // study day starts 2026-01-15 04:00
	lastDay := scheduler.StudyDay(examAt).Add(-day)
	weak := reviewCard(12, t0)   // due in 12 days; recall on the exam day 0.89
	strong := reviewCard(60, t0) // recall on the exam day 0.98
	soon := reviewCard(4, t0)    // due before the exam
	learning := fsrs.Card{State: fsrs.Learning, Stability: 3, Difficulty: 5, LastReview: t0, Due: t0.Add(10 * time.Minute)}
	tests := []struct {
		name string
		c    fsrs.Card
		now  time.Time
		want time.Time
	}{
		{"weak card pulled in to the last day", weak, t0, lastDay},
		{"strong card keeps its interval", strong, t0, strong.Due},
		{"due before the exam", soon, t0, soon.Due},
		{"learning step", learning, t0, learning.Due},
		{"on the exam day: plain FSRS", reviewCard(12, examAt), examAt, examAt.Add(12 * day)},
		{"after the exam: plain FSRS", reviewCard(12, examAt.Add(3*day)), examAt.Add(3 * day), examAt.Add(15 * day)},
		{"the day before: no day left", reviewCard(1.5, lastDay.Add(5*time.Hour)), lastDay.Add(5 * time.Hour), lastDay.Add(5*time.Hour + 2*day)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exam.Limit(w, examAt, 0.9, tt.c, tt.now); !got.Equal(tt.want) {
				t.Errorf("Limit = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	in := newDeck(3, 4)
	in.Cards[0].FSRS = reviewCard(30, t0.Add(-80*day)) // overdue (for the plan's spacing too), weak
	in.Exam = t0.Add(5 * day)
	p := exam.Make(in, t0)
	items := make([]scheduler.Item, len(in.Cards))
	for i, c := range in.Cards {
		items[i] = scheduler.Item{Key: c.Key, Deck: "d", Order: c.Order, Card: c.FSRS}
	}
	base := scheduler.DefaultPolicy()
	pol := p.Apply(items, base, scheduler.Done{New: 2, Reviews: 1})
	if pol.NewPerDay != 2+p.NewToday() || pol.ReviewsPerDay != 1+p.ReviewsToday() || pol.Limit == nil {
		t.Errorf("policy %+v for %d new and %d reviews planned today", pol, p.NewToday(), p.ReviewsToday())
	}
	if next, _ := p.Next(items[0].Key); !items[0].Card.Due.Equal(next) || !next.Equal(scheduler.StudyDay(t0)) {
		t.Errorf("overdue card due %v, planned %v; want today", items[0].Card.Due, next)
	}
	// New cards take the interleaved order: q01, q02, q03, q01, ...
	for _, it := range items[1:] {
		r, _ := p.NewRank(it.Key)
		if it.Order != r {
			t.Errorf("%s: order %d, rank %d", it.Key, it.Order, r)
		}
	}
	// On the exam day nothing changes.
	after := exam.Make(in, in.Exam)
	if after.DaysLeft != 0 {
		t.Fatalf("DaysLeft on the exam day = %d", after.DaysLeft)
	}
	items2 := make([]scheduler.Item, len(items))
	copy(items2, items)
	if got := after.Apply(items2, base, scheduler.Done{}); got != base {
		t.Errorf("Apply on the exam day changed the policy: %+v", got)
	}
}
