package scheduler_test

import (
	"math"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
)

// t0 is the fixed clock most tests start from: a Tuesday morning.
var t0 = time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

// refFSRS returns an independent go-fsrs with the parameters the scheduler
// documents: default weights, fuzz on, short-term steps on.
func refFSRS(retention float64) *fsrs.FSRS {
	p := fsrs.DefaultParam()
	p.RequestRetention = retention
	p.EnableFuzz = true
	p.EnableShortTerm = true
	return fsrs.NewFSRS(p)
}

type step struct {
	at   time.Duration // since t0
	r    fsrs.Rating
	want time.Duration // the literal interval
	st   fsrs.State    // state after the rating
}

func TestScheduler_ScriptedDays(t *testing.T) {
	tests := []struct {
		name      string
		retention float64
		steps     []step
	}{
		{
			// A new card rated Good, Good, Again, Good over two weeks: two
			// learning steps, a lapse and relearning.
			name:      "good good again good",
			retention: 0.9,
			steps: []step{
				{0, fsrs.Good, 10 * minute, fsrs.Learning},
				{10 * minute, fsrs.Good, 3 * day, fsrs.Review},
				{3*day + 9*hour, fsrs.Good, 10 * day, fsrs.Review}, // 9 hours late
				{14 * day, fsrs.Again, 5 * minute, fsrs.Relearning},
				{14*day + 5*minute, fsrs.Good, 4 * day, fsrs.Review},
			},
		},
		{
			// Easy on a new card graduates it at once.
			name:      "easy",
			retention: 0.9,
			steps: []step{
				{0, fsrs.Easy, 18 * day, fsrs.Review},
				{18 * day, fsrs.Good, 61 * day, fsrs.Review},
			},
		},
		{
			// Hard and Again keep a card in its learning steps.
			name:      "learning steps",
			retention: 0.9,
			steps: []step{
				{0, fsrs.Hard, 5 * minute, fsrs.Learning},
				{5 * minute, fsrs.Again, 5 * minute, fsrs.Learning},
				{10 * minute, fsrs.Hard, 10 * minute, fsrs.Learning},
				{20 * minute, fsrs.Good, 1 * day, fsrs.Review},
				{20*minute + 1*day, fsrs.Easy, 5 * day, fsrs.Review},
			},
		},
		{
			// The same answers at two retentions: a lower target, longer gaps.
			name:      "retention 0.8",
			retention: 0.8,
			steps: []step{
				{0, fsrs.Good, 10 * minute, fsrs.Learning},
				{10 * minute, fsrs.Good, 9 * day, fsrs.Review},
				{7 * day, fsrs.Good, 44 * day, fsrs.Review},
				{30 * day, fsrs.Good, 156 * day, fsrs.Review},
			},
		},
		{
			name:      "retention 0.97",
			retention: 0.97,
			steps: []step{
				{0, fsrs.Good, 10 * minute, fsrs.Learning},
				{10 * minute, fsrs.Good, 1 * day, fsrs.Review},
				{7 * day, fsrs.Good, 5 * day, fsrs.Review},
				{30 * day, fsrs.Good, 18 * day, fsrs.Review},
			},
		},
		{
			// Reviewed two months late, then forgotten twice.
			name:      "overdue and lapses",
			retention: 0.9,
			steps: []step{
				{0, fsrs.Good, 10 * minute, fsrs.Learning},
				{10 * minute, fsrs.Good, 3 * day, fsrs.Review},
				{63 * day, fsrs.Hard, 20 * day, fsrs.Review},
				{80 * day, fsrs.Again, 5 * minute, fsrs.Relearning},
				{80*day + 5*minute, fsrs.Again, 5 * minute, fsrs.Relearning},
				{80*day + 10*minute, fsrs.Good, 2 * day, fsrs.Review},
				{84 * day, fsrs.Again, 5 * minute, fsrs.Relearning},
				{84*day + 7*minute, fsrs.Easy, 2 * day, fsrs.Review},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scheduler.New(scheduler.Policy{DesiredRetention: tt.retention, NewPerDay: 20, ReviewsPerDay: 200})
			ref := refFSRS(tt.retention)
			c, rc := fsrs.NewCard(), fsrs.NewCard()
			for i, st := range tt.steps {
				now := t0.Add(st.at)
				o := s.Rate(c, now, st.r)
				want := ref.Next(rc, now, st.r)
				if o.Card != want.Card || o.Log != want.ReviewLog {
					t.Fatalf("step %d (%v at %v): card %+v, go-fsrs gives %+v", i, st.r, now, o.Card, want.Card)
				}
				if o.Interval != st.want || o.Card.State != st.st {
					t.Errorf("step %d (%v at %v): interval %v state %v, want %v %v", i, st.r, now, o.Interval, o.Card.State, st.want, st.st)
				}
				if got := o.Card.Due.Sub(now); got != o.Interval {
					t.Errorf("step %d: Due-now = %v, Interval %v", i, got, o.Interval)
				}
				c, rc = o.Card, want.Card
			}
		})
	}
}

// cardsInEachState returns a card in each FSRS state, made by rating a new
// card from t0 on, and the time of its last review.
func cardsInEachState(t *testing.T) map[string]fsrs.Card {
	t.Helper()
	s := scheduler.New(scheduler.DefaultPolicy())
	learning := s.Rate(fsrs.NewCard(), t0, fsrs.Good).Card
	review := s.Rate(learning, t0.Add(10*minute), fsrs.Good).Card
	relearning := s.Rate(review, review.Due, fsrs.Again).Card
	// A review card with no LastReview, as a hand-made import could have.
	noLast := review
	noLast.LastReview = time.Time{}
	if learning.State != fsrs.Learning || review.State != fsrs.Review || relearning.State != fsrs.Relearning {
		t.Fatalf("states %v %v %v", learning.State, review.State, relearning.State)
	}
	return map[string]fsrs.Card{
		"new":                 fsrs.NewCard(),
		"learning":            learning,
		"review":              review,
		"relearning":          relearning,
		"review without last": noLast,
	}
}

func TestScheduler_PreviewMatchesRate(t *testing.T) {
	for name, c := range cardsInEachState(t) {
		t.Run(name, func(t *testing.T) {
			s := scheduler.New(scheduler.DefaultPolicy())
			for _, now := range []time.Time{t0.Add(20 * day), t0.Add(-time.Hour)} {
				p := s.Preview(c, now)
				for r := fsrs.Again; r <= fsrs.Easy; r++ {
					o := s.Rate(c, now, r)
					if p[r-1] != o {
						t.Errorf("at %v: Preview[%v] = %+v, Rate = %+v", now, r, p[r-1], o)
					}
					if o.Rating != r || o.Log.Rating != r {
						t.Errorf("rating %v: outcome says %v, log %v", r, o.Rating, o.Log.Rating)
					}
				}
			}
		})
	}
}

func TestScheduler_Preview_ButtonLabels(t *testing.T) {
	s := scheduler.New(scheduler.DefaultPolicy())
	var got [4]string
	for i, o := range s.Preview(fsrs.NewCard(), t0) {
		got[i] = scheduler.FormatInterval(o.Interval)
	}
	if want := [4]string{"1m", "5m", "10m", "18d"}; got != want {
		t.Errorf("new card buttons %q, want %q", got, want)
	}
}

// TestScheduler_ClockBackwards rates cards at times before their last
// review. go-fsrs alone would compute a negative elapsed time and wrap it
// into a huge uint64.
func TestScheduler_ClockBackwards(t *testing.T) {
	backs := []time.Duration{time.Second, 10 * minute, 25 * hour, 400 * day, 200 * 365 * day}
	for name, c := range cardsInEachState(t) {
		for _, back := range backs {
			last := c.LastReview
			if last.IsZero() {
				last = t0
			}
			now := last.Add(-back)
			s := scheduler.New(scheduler.DefaultPolicy())
			for i, o := range s.Preview(c, now) {
				r := fsrs.Rating(i + 1)
				if o.Interval < 0 || o.Card.Due.Before(now) {
					t.Errorf("%s, %v back, %v: interval %v, due %v before now %v", name, back, r, o.Interval, o.Card.Due, now)
				}
				if o.Card.ElapsedDays > 1 || o.Log.ElapsedDays > 1 {
					t.Errorf("%s, %v back, %v: elapsed days %d (log %d)", name, back, r, o.Card.ElapsedDays, o.Log.ElapsedDays)
				}
				if want := later(c.LastReview, now); c.State != fsrs.New && !o.Card.LastReview.Equal(want) {
					t.Errorf("%s, %v back, %v: LastReview %v, want %v", name, back, r, o.Card.LastReview, want)
				}
				if math.IsNaN(o.Card.Stability) || math.IsNaN(o.Card.Difficulty) || o.Card.Stability <= 0 {
					t.Errorf("%s, %v back, %v: S=%v D=%v", name, back, r, o.Card.Stability, o.Card.Difficulty)
				}
				if got := s.Rate(c, now, r); got != o {
					t.Errorf("%s, %v back, %v: Rate %+v != Preview %+v", name, back, r, got, o)
				}
			}
			if r := s.Retrievability(c, now); r < 0 || r > 1 || math.IsNaN(r) {
				t.Errorf("%s, %v back: retrievability %v", name, back, r)
			}
		}
	}
}

func TestScheduler_ClockBackwards_RawGoFSRSWraps(t *testing.T) {
	// Why the clamp is needed: go-fsrs itself wraps the elapsed days.
	c := cardsInEachState(t)["review"]
	got := refFSRS(0.9).Next(c, c.LastReview.Add(-25*hour), fsrs.Good).Card.ElapsedDays
	if got < 1<<60 {
		// A newer go-fsrs that stopped wrapping makes the clamp in Rate
		// harmless but no longer needed: say so, so it can be revisited.
		t.Errorf("go-fsrs no longer wraps a backwards clock (elapsed days %d); revisit the clamp in Scheduler.Rate", got)
	}
}

func TestScheduler_Retrievability(t *testing.T) {
	s := scheduler.New(scheduler.DefaultPolicy())
	cards := cardsInEachState(t)
	rev := cards["review"]
	stab := time.Duration(rev.Stability * float64(day))
	tests := []struct {
		name   string
		c      fsrs.Card
		now    time.Time
		lo, hi float64
	}{
		{"new", cards["new"], t0, 0, 0},
		{"just reviewed", rev, rev.LastReview, 1, 1},
		{"clock backwards", rev, rev.LastReview.Add(-day), 1, 1},
		// FSRS defines stability as the time to fall to 90%.
		{"after one stability", rev, rev.LastReview.Add(stab), 0.899, 0.901},
		{"long after", rev, rev.LastReview.Add(3650 * day), 0, 0.3},
		{"no stability", fsrs.Card{State: fsrs.Review, LastReview: t0}, t0.Add(day), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Retrievability(tt.c, tt.now); !(got >= tt.lo && got <= tt.hi) {
				t.Errorf("Retrievability = %v, want %v..%v", got, tt.lo, tt.hi)
			}
		})
	}
}

func TestNew_Policy(t *testing.T) {
	tests := []struct {
		in, want scheduler.Policy
	}{
		{scheduler.Policy{DesiredRetention: 0.85, NewPerDay: 5, ReviewsPerDay: 50}, scheduler.Policy{DesiredRetention: 0.85, NewPerDay: 5, ReviewsPerDay: 50}},
		{scheduler.Policy{}, scheduler.Policy{DesiredRetention: 0.9}},
		{scheduler.Policy{DesiredRetention: math.NaN(), NewPerDay: -1, ReviewsPerDay: -2}, scheduler.Policy{DesiredRetention: 0.9}},
		{scheduler.Policy{DesiredRetention: 0.2}, scheduler.Policy{DesiredRetention: 0.7}},
		{scheduler.Policy{DesiredRetention: 1}, scheduler.Policy{DesiredRetention: 0.99}},
	}
	for _, tt := range tests {
		if got := scheduler.New(tt.in).Policy(); got != tt.want {
			t.Errorf("New(%+v).Policy() = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	if got, want := scheduler.DefaultPolicy(), (scheduler.Policy{DesiredRetention: 0.9, NewPerDay: 20, ReviewsPerDay: 200}); got != want {
		t.Errorf("DefaultPolicy() = %+v, want %+v", got, want)
	}
}

func TestScheduler_Rate_InvalidRatingPanics(t *testing.T) {
	for _, r := range []fsrs.Rating{0, 5, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Rate with rating %d did not panic", r)
				}
			}()
			scheduler.New(scheduler.DefaultPolicy()).Rate(fsrs.NewCard(), t0, r)
		}()
	}
}

func TestIsLeech(t *testing.T) {
	lapses := func(n uint64) fsrs.Card { return fsrs.Card{State: fsrs.Review, Lapses: n} }
	tests := []struct {
		name          string
		before, after uint64
		want          bool
	}{
		{"seventh lapse", 6, 7, false},
		{"eighth lapse", 7, 8, true},
		{"ninth lapse", 8, 9, true},
		{"good on a card with 8 lapses", 8, 8, false},
		{"no lapses", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scheduler.IsLeech(lapses(tt.before), lapses(tt.after)); got != tt.want {
				t.Errorf("IsLeech(%d -> %d) = %v, want %v", tt.before, tt.after, got, tt.want)
			}
		})
	}
}

func TestIsLeech_EighthAgain(t *testing.T) {
	// Rating Again on a review card counts a lapse; the eighth makes a leech.
	s := scheduler.New(scheduler.DefaultPolicy())
	c := cardsInEachState(t)["review"]
	for lapse := 1; lapse <= 9; lapse++ {
		now := later(c.Due, c.LastReview.Add(day))
		o := s.Rate(c, now, fsrs.Again)
		if got, want := scheduler.IsLeech(c, o.Card), lapse >= 8; got != want {
			t.Fatalf("lapse %d: IsLeech = %v, want %v", lapse, got, want)
		}
		relearned := s.Rate(o.Card, o.Card.Due, fsrs.Good)
		if scheduler.IsLeech(o.Card, relearned.Card) {
			t.Fatalf("lapse %d: relearning Good is a leech", lapse)
		}
		c = relearned.Card
	}
}

func TestFormatInterval(t *testing.T) {
	const month = 365 * day / 12
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-5 * minute, "0m"},
		{0, "0m"},
		{time.Second, "1m"},
		{minute, "1m"},
		{89 * time.Second, "1m"},
		{90 * time.Second, "2m"},
		{10 * minute, "10m"},
		{59*minute + 29*time.Second, "59m"},
		{59*minute + 30*time.Second, "1h"},
		{hour, "1h"},
		{90 * minute, "2h"},
		{23*hour + 29*minute, "23h"},
		{23*hour + 30*minute, "1d"},
		{day, "1d"},
		{36 * hour, "2d"},
		{12 * day, "12d"},
		{30 * day, "30d"},
		{31 * day, "1mo"},
		{94 * day, "3.1mo"},
		{month * 6, "6mo"},
		{364 * day, "1y"},
		{365 * day, "1y"},
		{438 * day, "1.2y"},
		{36500 * day, "100y"},
		{time.Duration(math.MaxInt64), "292.5y"},
	}
	for _, tt := range tests {
		if got := scheduler.FormatInterval(tt.d); got != tt.want {
			t.Errorf("FormatInterval(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
