package session_test

import (
	"strings"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
)

// openDeck imports questions × per cards (written question after question,
// tags "odd" or "even" by card number) into a new database.
func openDeck(t *testing.T, questions, per int) (*storage.Store, []storage.DeckInfo) {
	t.Helper()
	return importDeck(t, deckSource(questions, per, "F"))
}

// studyDay studies everything the session offers at clk's time, rating
// with rate, each answer taking 8 s, waiting for learning steps. It
// returns the ratings given, by the state the card was in.
func studyDay(t *testing.T, s *session.Session, clk *clock, rate func(*session.Card) fsrs.Rating) map[fsrs.State][]string {
	t.Helper()
	done := map[fsrs.State][]string{}
	end := scheduler.NextStudyDay(clk.t)
	for range 5000 {
		cur, ok, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			next, ok := s.NextAvailable(clk.t)
			if !ok || !next.Before(end) || next.Sub(clk.t) > time.Hour {
				return done
			}
			clk.t = next
			continue
		}
		clk.t = clk.t.Add(8 * time.Second)
		if _, err := s.Rate(cur, rate(cur), ""); err != nil {
			t.Fatal(err)
		}
		done[cur.State.FSRS.State] = append(done[cur.State.FSRS.State], cur.State.Question)
	}
	t.Fatal("a study day that does not end")
	return nil
}

// TestExam_ScriptedDays follows an exam plan day by day with a fake clock
// and checks each of its rules.
func TestExam_ScriptedDays(t *testing.T) {
	st, decks := openDeck(t, 13, 8)
	const days = 10
	set := exam.Settings{Date: day0.AddDate(0, 0, days).Format(time.DateOnly), Target: 0.9, Minutes: 20}
	if err := st.SetSetting(exam.Key("d"), set.Encode()); err != nil {
		t.Fatal(err)
	}
	examAt, _ := set.At(time.UTC)
	examDay := scheduler.StudyDay(examAt)
	m := exam.NewModel(fsrs.DefaultWeights())
	clk := &clock{t: day0}
	n := 0
	lastDay := false
	// Every seventh review is forgotten, but on the last day before the
	// exam: a card forgotten then is relearnt that day and has no day
	// left to come back on.
	rate := func(c *session.Card) fsrs.Rating {
		n++
		if c.State.FSRS.State == fsrs.Review && n%7 == 0 && !lastDay {
			return fsrs.Again
		}
		return fsrs.Good
	}
	for d := range days {
		lastDay = d == days-1
		clk.t = day0.AddDate(0, 0, d)
		s, err := session.Open(st, decks, session.Options{}, clk.now)
		if err != nil {
			t.Fatal(err)
		}
		plan, ok := s.Exam("d")
		if !ok {
			t.Fatalf("day %d: no exam plan", d)
		}
		if plan.DaysLeft != days-d {
			t.Errorf("day %d: %d days left", d, plan.DaysLeft)
		}
		done := studyDay(t, s, clk, rate)
		// The budget: the session shows the plan's day, no more.
		if got, want := len(done[fsrs.New]), plan.Days[0].New; got != want {
			t.Errorf("day %d: %d new cards, the plan has %d", d, got, want)
		}
		if got, want := len(done[fsrs.Review]), plan.Days[0].Reviews; got > want {
			t.Errorf("day %d: %d reviews, the plan has %d", d, got, want)
		}
		if plan.Days[0].Seconds > 20*60 {
			t.Errorf("day %d: the plan takes %.0f s of a 20-minute budget", d, plan.Days[0].Seconds)
		}
		// Day 1 starts every question.
		if d == 0 {
			started := map[string]bool{}
			for _, q := range done[fsrs.New] {
				started[q] = true
			}
			if len(started) != 13 {
				t.Errorf("day 1 started %d of 13 questions", len(started))
			}
		}
		// No due date after the exam for a card below the target then.
		states, err := st.States("d")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range states {
			f := c.FSRS
			if f.State != fsrs.Review || scheduler.StudyDay(f.Due).Before(examDay) {
				continue
			}
			if r := m.Recall(examAt.Sub(f.LastReview).Hours()/24, f.Stability); r < set.Target {
				t.Errorf("day %d: %s due %v after the exam with recall %.3f on the exam day", d, c.ID, f.Due, r)
			}
		}
	}
	// The final pass showed every weak card: on the exam day every card
	// is predicted at or above the target.
	states, err := st.States("d")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range states {
		if c.FSRS.State == fsrs.New {
			t.Errorf("%s never shown", c.ID)
			continue
		}
		if r := m.Recall(examAt.Sub(c.FSRS.LastReview).Hours()/24, c.FSRS.Stability); r < set.Target {
			t.Errorf("%s: recall %.3f on the exam day", c.ID, r)
		}
	}
	// After the exam day (on the first day a card is due again: the
	// final pass has just shown the weak ones): plain FSRS with the deck's
	// retention, its own new-card limit, intervals past the exam.
	clk.t = examAt.AddDate(0, 0, 1)
	first := time.Time{}
	for _, c := range states {
		if first.IsZero() || c.FSRS.Due.Before(first) {
			first = c.FSRS.Due
		}
	}
	if first.After(clk.t) {
		clk.t = first
	}
	s, err := session.Open(st, decks, session.Options{}, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Exam("d"); ok {
		t.Fatal("an exam plan after the exam day")
	}
	cur, ok, err := s.Next()
	if err != nil || !ok {
		t.Fatalf("nothing to study after the exam: %v", err)
	}
	plain := scheduler.New(scheduler.Policy{DesiredRetention: 0.9}).Preview(cur.Item.Key, cur.State.FSRS, clk.t)
	if cur.Preview != plain {
		t.Errorf("after the exam the previews are not plain FSRS:\n got %+v\nwant %+v", cur.Preview[2].Card.Due, plain[2].Card.Due)
	}
}

func TestExam_FinalPassWeakestFirst(t *testing.T) {
	// Studied cards whose intervals jump over the exam while they would
	// be below the target: the last days show each once, weakest first.
	st, decks := openDeck(t, 1, 12)
	clk := &clock{t: day0}
	s, err := session.Open(st, decks, session.Options{}, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	studyDay(t, s, clk, func(*session.Card) fsrs.Rating { return fsrs.Good })
	// Ten days later they are due; rate them Good, Easy alternately so
	// their stabilities differ. Then set the exam 12 days away.
	clk.t = day0.AddDate(0, 0, 10)
	s, _ = session.Open(st, decks, session.Options{}, clk.now)
	k := 0
	studyDay(t, s, clk, func(*session.Card) fsrs.Rating { k++; return fsrs.Rating(3 + k%2) })
	set := exam.Settings{Date: day0.AddDate(0, 0, 22).Format(time.DateOnly), Target: 0.95, Minutes: 60}
	if err := st.SetSetting(exam.Key("d"), set.Encode()); err != nil {
		t.Fatal(err)
	}
	examAt, _ := set.At(time.UTC)
	m := exam.NewModel(fsrs.DefaultWeights())
	weak := func(c storage.CardState) float64 {
		return m.Recall(examAt.Sub(c.FSRS.LastReview).Hours()/24, c.FSRS.Stability)
	}
	states, _ := st.States("d")
	before := map[string]float64{}
	nWeak := 0
	for _, c := range states {
		before[c.ID] = weak(c)
		if before[c.ID] < set.Target {
			nWeak++
		}
	}
	if nWeak == 0 {
		t.Fatal("no weak card to test with")
	}
	seen := map[string]bool{}
	var lastWeak float64
	for d := 11; d < 22; d++ {
		clk.t = day0.AddDate(0, 0, d)
		s, err := session.Open(st, decks, session.Options{}, clk.now)
		if err != nil {
			t.Fatal(err)
		}
		for {
			cur, ok, err := s.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			if cur.State.FSRS.State == fsrs.Review && !seen[cur.State.ID] {
				if w := before[cur.State.ID]; w < lastWeak-1e-9 {
					t.Errorf("day %d: %s (%.3f) after a stronger card (%.3f)", d, cur.State.ID, w, lastWeak)
				} else {
					lastWeak = w
				}
				if d < 18 {
					t.Errorf("day %d: %s shown before the last days", d, cur.State.ID)
				}
				seen[cur.State.ID] = true
			}
			clk.t = clk.t.Add(8 * time.Second)
			if _, err := s.Rate(cur, fsrs.Good, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	for id, w := range before {
		if w < set.Target && !seen[id] {
			t.Errorf("weak card %s (%.3f) not shown in the final pass", id, w)
		}
	}
}

func TestOpen_QuestionTagAhead(t *testing.T) {
	st, decks := openDeck(t, 3, 4)
	clk := &clock{t: day0}
	keys := func(o session.Options) []string {
		t.Helper()
		s, err := session.Open(st, decks, o, clk.now)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for {
			cur, ok, err := s.Next()
			if err != nil || !ok {
				return ids
			}
			ids = append(ids, cur.State.ID)
			clk.t = clk.t.Add(time.Second)
			if _, err := s.Rate(cur, fsrs.Easy, ""); err != nil { // Easy: done for today
				t.Fatal(err)
			}
		}
	}
	if got := strings.Join(keys(session.Options{Questions: []string{"q01", "q02"}}), " "); got != "q01-c00 q01-c01 q01-c02 q01-c03 q02-c00 q02-c01 q02-c02 q02-c03" {
		t.Errorf("--question q01 --question q02: %s", got)
	}
	if got := strings.Join(keys(session.Options{Tag: "odd"}), " "); got != "q00-c01 q00-c03" {
		t.Errorf("--tag odd: %s", got)
	}
	if _, err := session.Open(st, decks, session.Options{Questions: []string{"nope"}}, clk.now); err == nil || !strings.Contains(err.Error(), `no question "nope" in deck d`) {
		t.Errorf("unknown question: %v", err)
	}
	if _, err := session.Open(st, decks, session.Options{Tag: "nope"}, clk.now); err == nil || !strings.Contains(err.Error(), `no card of deck d has the tag "nope"`) {
		t.Errorf("unknown tag: %v", err)
	}
	// --ahead: tomorrow nothing is due (Easy gave days); ahead studies
	// the studied cards, lowest recall first, and the ratings count.
	clk.t = day0.AddDate(0, 0, 1).Add(time.Hour)
	s, err := session.Open(st, decks, session.Options{}, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Counts(); c.Review != 0 {
		t.Fatalf("%d reviews due tomorrow", c.Review)
	}
	s, err = session.Open(st, decks, session.Options{Ahead: true}, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	states, _ := st.States("d")
	byID := map[string]storage.CardState{}
	for _, c := range states {
		byID[c.ID] = c
	}
	sch := scheduler.New(scheduler.Policy{DesiredRetention: 0.9})
	prev := -1.0
	count := 0
	for {
		cur, ok, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if cur.State.FSRS.State == fsrs.New {
			t.Fatalf("--ahead shows new card %s", cur.State.ID)
		}
		r := sch.Retrievability(byID[cur.State.ID].FSRS, clk.t)
		if r < prev {
			t.Errorf("%s (recall %.4f) after a card at %.4f", cur.State.ID, r, prev)
		}
		prev = r
		clk.t = clk.t.Add(time.Second)
		rev, err := s.Rate(cur, fsrs.Good, "")
		if err != nil {
			t.Fatal(err)
		}
		if rev.ElapsedDays != 1 || !rev.Before.Due.Equal(byID[cur.State.ID].FSRS.Due) {
			t.Errorf("%s: elapsed %d days, before due %v (stored %v)", cur.State.ID, rev.ElapsedDays, rev.Before.Due, byID[cur.State.ID].FSRS.Due)
		}
		count++
	}
	if count != 10 {
		t.Errorf("--ahead studied %d cards, want the 10 studied ones", count)
	}
}
