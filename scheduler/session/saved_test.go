package session_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
)

// freshStore is a store a session cannot keep a plan of the day in: it
// plans afresh at every start, as sessions did before plans were saved.
type freshStore struct{ session.Store }

func (f freshStore) ReviewCount() (int, error) {
	return f.Store.(interface{ ReviewCount() (int, error) }).ReviewCount()
}

// TestSavedPlan_SameAsFresh follows an exam plan over several study days
// twice, with the same ratings and the same changes made between
// sessions, once with the plan of the day saved at the end of each session
// and read back by the next (SavePlans) and once planning afresh at every
// start. A session that starts from a saved plan must show what a session
// started afresh at its time shows (the same cards in the same order, the
// same counts, previews and plan), on the day it was saved for and, made
// ahead, on the next study day, whatever the time of day (the clock gone
// back within the day too); after any change the plan depends on (a
// rating, an undo, a suspend, a bury, new weights, the exam set again, an
// import of a changed card, more study days skipped than are made ahead,
// another time zone) the
// saved plan must not be used, and the session must plan afresh at its
// start. A stale plan shows up as a different log or as a session that
// says it read the saved plan.
func TestSavedPlan_SameAsFresh(t *testing.T) {
	type step struct {
		name string
		open time.Time // when the next session starts
		// change is made to the store after the plan is saved, before
		// the next session starts; nil for none.
		change func(t *testing.T, st *storage.Store, decks []storage.DeckInfo, clk *clock)
		// reuse says whether the saved plan holds for the next session.
		reuse bool
		// all studies the day to its end; look rates nothing.
		all, look bool
	}
	at := func(day int, hm string) time.Time {
		d, err := time.Parse("15:04", hm)
		if err != nil {
			t.Fatal(err)
		}
		return time.Date(day0.Year(), day0.Month(), day0.Day()+day, d.Hour(), d.Minute(), 0, 0, time.UTC)
	}
	rateOne := func(undo bool) func(*testing.T, *storage.Store, []storage.DeckInfo, *clock) {
		return func(t *testing.T, st *storage.Store, decks []storage.DeckInfo, clk *clock) {
			s, err := session.Open(st, decks, session.Options{}, clk.now)
			if err != nil {
				t.Fatal(err)
			}
			cur, ok, err := s.Next()
			if err != nil || !ok {
				t.Fatalf("nothing to rate: %v", err)
			}
			if _, err := s.Rate(cur, fsrs.Good, ""); err != nil {
				t.Fatal(err)
			}
			if undo {
				if _, err := s.Undo(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// markToday suspends or buries a card the plan studies today.
	markToday := func(kind session.ActionKind) func(*testing.T, *storage.Store, []storage.DeckInfo, *clock) {
		return func(t *testing.T, st *storage.Store, decks []storage.DeckInfo, clk *clock) {
			s, err := session.Open(freshStore{st}, decks, session.Options{}, clk.now)
			if err != nil {
				t.Fatal(err)
			}
			cur, ok, err := s.Next()
			if err != nil || !ok {
				t.Fatalf("nothing to mark: %v", err)
			}
			if err := s.Mark(kind, cur); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []step{
		{name: "later the same day", open: at(0, "13:00"), reuse: true},
		{name: "a rating", open: at(0, "14:00"), change: rateOne(false)},
		{name: "an undo", open: at(0, "15:00"), change: rateOne(true)},
		{name: "the next day: the plan made ahead", open: at(1, "09:00"), reuse: true},
		// A session that rates nothing saves the plan it was built with.
		{name: "a look after a rating elsewhere", open: at(1, "11:00"), change: rateOne(false), look: true},
		{name: "after the look", open: at(1, "12:00"), reuse: true},
		{name: "after 04:00 still the same day", open: at(2, "03:30"), reuse: true},
		{name: "a suspend", open: at(2, "03:40"), change: markToday(session.Suspend)},
		{name: "a bury", open: at(2, "03:50"), change: markToday(session.Bury)},
		{name: "the study day after 04:00: made ahead", open: at(2, "04:10"), reuse: true},
		{name: "new weights", open: at(2, "10:00"), change: func(t *testing.T, st *storage.Store, _ []storage.DeckInfo, _ *clock) {
			w := fsrs.DefaultWeights()
			w[0] *= 0.7
			w[2] *= 1.3
			b, err := json.Marshal(scheduler.Fitted{Weights: w[:], FittedAt: day0, Scope: "deck", Reviews: 1000, Items: 900})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.SetSetting(scheduler.WeightsKey("d"), string(b)); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "the same day, nothing changed", open: at(2, "18:00"), reuse: true},
		{name: "the exam set again", open: at(2, "19:00"), change: func(t *testing.T, st *storage.Store, _ []storage.DeckInfo, _ *clock) {
			set, _, err := exam.Get(st, "d")
			if err != nil {
				t.Fatal(err)
			}
			set.Minutes = 12
			if err := st.SetSetting(exam.Key("d"), set.Encode()); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "an import of a changed card", open: at(2, "20:00"), change: func(t *testing.T, st *storage.Store, _ []storage.DeckInfo, clk *clock) {
			src := deckSource(13, 8, "F changed")
			d, err := deck.Parse("d.toml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Import(d, storage.Source{Hash: "2"}, clk.t, false); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "the next day again: made ahead after the import", open: at(3, "08:00"), reuse: true},
		{name: "the clock back, the same day: the same plan", open: at(3, "07:00"), reuse: true},
		{name: "the same instant in another zone", open: at(3, "07:30").In(time.FixedZone("X", 2*3600))},
		{name: "a day later in that zone: made ahead", open: at(4, "09:30").In(time.FixedZone("X", 2*3600)), reuse: true},
		{name: "the same day again", open: at(4, "12:00").In(time.FixedZone("X", 2*3600)), reuse: true},
		{name: "the rest of the day", open: at(4, "13:00").In(time.FixedZone("X", 2*3600)), reuse: true, all: true},
		{name: "the day after, to its end", open: at(5, "09:00"), all: true},
		{name: "after the day's cards", open: at(5, "22:00"), reuse: true},
		{name: "the next study day, late at night: made ahead", open: at(7, "02:30"), reuse: true},
		{name: "a study day skipped: made ahead", open: at(8, "20:00"), reuse: true},
		{name: "the next morning: made ahead", open: at(9, "05:00"), reuse: true},
		{name: "two study days skipped: made ahead", open: at(12, "21:00"), reuse: true},
		{name: "three study days skipped", open: at(16, "21:00")},
		{name: "the next day: made ahead", open: at(17, "10:00"), reuse: true},
	}
	run := func(saved bool) []string {
		st, _ := openDeck(t, 13, 8)
		set := exam.Settings{Date: day0.AddDate(0, 0, 20).Format(time.DateOnly), Target: 0.9, Minutes: 20}
		if err := st.SetSetting(exam.Key("d"), set.Encode()); err != nil {
			t.Fatal(err)
		}
		decks, err := st.Decks()
		if err != nil {
			t.Fatal(err)
		}
		var store session.Store = st
		if !saved {
			store = freshStore{st}
		}
		clk := &clock{t: at(0, "09:00")}
		var log []string
		n := 0
		drain := func(s *session.Session, limit int) {
			for range limit {
				cur, ok, err := s.Next()
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					return
				}
				n++
				clk.t = clk.t.Add(15 * time.Second)
				r := fsrs.Good
				switch {
				case n%7 == 0:
					r = fsrs.Again
				case n%5 == 0:
					r = fsrs.Hard
				case n%11 == 0:
					r = fsrs.Easy
				}
				if _, err := s.Rate(cur, r, ""); err != nil {
					t.Fatal(err)
				}
				log = append(log, fmt.Sprintf("%s %v %v due %s", cur.Item.Key, r, s.Counts(), cur.Preview[r-1].Card.Due.UTC().Format(time.RFC3339)))
			}
		}
		describe := func(s *session.Session) string {
			p, ok := s.Exam("d")
			if !ok {
				return "no plan"
			}
			return fmt.Sprintf("plan %d days left, today %+v, followed %.6f, stopped %.6f, below %d, counts %v",
				p.DaysLeft, p.Days[0], p.Followed, p.Stopped, p.Below, s.Counts())
		}
		s, err := session.Open(store, decks, session.Options{}, clk.now)
		if err != nil {
			t.Fatal(err)
		}
		log = append(log, describe(s))
		drain(s, 25)
		reused := 0
		for _, st0 := range steps {
			// The session ends: the saved run saves its plan of the day.
			if saved {
				if err := s.SavePlans(); err != nil {
					t.Fatal(err)
				}
			}
			savedAt := clk.t
			clk.t = st0.open
			if st0.change != nil {
				st0.change(t, st, decks, clk)
				if decks, err = st.Decks(); err != nil {
					t.Fatal(err)
				}
			}
			if s, err = session.Open(store, decks, session.Options{}, clk.now); err != nil {
				t.Fatal(err)
			}
			if saved {
				if got := session.FromSaved(s, "d"); got != st0.reuse {
					t.Errorf("%s (plan saved %v, session at %v): read the saved plan %v, want %v", st0.name, savedAt, clk.t, got, st0.reuse)
				}
				if st0.reuse {
					reused++
				}
			}
			log = append(log, st0.name+": "+describe(s))
			switch {
			case st0.all:
				drain(s, 1000)
			case !st0.look:
				drain(s, 12)
			}
			log = append(log, "next due "+s.Summary().NextDue.UTC().Format(time.RFC3339))
		}
		if saved && reused < 10 {
			t.Errorf("a saved plan was read %d times", reused)
		}
		return log
	}
	withSaved, fresh := run(true), run(false)
	if len(withSaved) < 150 {
		t.Fatalf("only %d steps", len(withSaved))
	}
	sameSteps(t, "from the saved plan", withSaved, "planned afresh", fresh)
}

// deckSource is the deck openDeck imports, each card's front front.
func deckSource(questions, per int, front string) string {
	var src strings.Builder
	src.WriteString("format = 1\nid = \"d\"\ntitle = \"Deck D\"\n")
	for q := range questions {
		fmt.Fprintf(&src, "\n[[question]]\nid = \"q%02d\"\npaper = \"P\"\ntext = \"Q%d?\"\n", q, q)
	}
	for q := range questions {
		for c := range per {
			tag := []string{"even", "odd"}[c%2]
			fmt.Fprintf(&src, "\n[[card]]\nid = \"q%02d-c%02d\"\nquestion = \"q%02d\"\nfront = %q\nback = \"B\"\ntags = [%q]\n", q, c, q, front, tag)
		}
	}
	return src.String()
}

// TestSavedPlan_DamagedIsIgnored: a saved plan this flash cannot read (cut
// short, another version, garbage) is not used: the session plans afresh,
// and saves a good one as it ends.
func TestSavedPlan_DamagedIsIgnored(t *testing.T) {
	st, decks := openDeck(t, 13, 4)
	set := exam.Settings{Date: day0.AddDate(0, 0, 8).Format(time.DateOnly), Target: 0.9, Minutes: 20}
	if err := st.SetSetting(exam.Key("d"), set.Encode()); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: day0}
	s, err := session.Open(st, decks, session.Options{}, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SavePlans(); err != nil {
		t.Fatal(err)
	}
	key := session.PlanKey("d", clk.t)
	good, ok, err := st.Setting(key)
	if err != nil || !ok {
		t.Fatalf("no plan saved: %v", err)
	}
	first := func(s *session.Session) string {
		t.Helper()
		cur, ok, err := s.Next()
		if err != nil || !ok {
			t.Fatalf("no card: %v", err)
		}
		return cur.Item.Key
	}
	want := first(s)
	for _, bad := range []string{"", "\x01", "\x02" + good[1:], good[:len(good)/2], good[:len(good)-1], good + "x", "\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"} {
		if err := st.SetSetting(key, bad); err != nil {
			t.Fatal(err)
		}
		s, err := session.Open(st, decks, session.Options{}, clk.now)
		if err != nil {
			t.Fatalf("%q: %v", bad, err)
		}
		if session.FromSaved(s, "d") {
			t.Errorf("%q: read as a saved plan", bad)
		}
		if got := first(s); got != want {
			t.Errorf("%q: first card %s, want %s", bad, got, want)
		}
		if err := s.SavePlans(); err != nil {
			t.Fatal(err)
		}
		if v, _, _ := st.Setting(key); v != good {
			t.Errorf("%q: the session saved another plan", bad)
		}
	}
	s, err = session.Open(st, decks, session.Options{}, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if !session.FromSaved(s, "d") || first(s) != want {
		t.Error("the plan saved again is not read back")
	}
}

// TestSavedPlan_NotWhenABuryEndsInTheDay: a card buried in another time
// zone comes back in the middle of this zone's study day; a session before
// that does not study it, one after does. So no plan of that day is saved
// (a session plans afresh), and the next day's is.
func TestSavedPlan_NotWhenABuryEndsInTheDay(t *testing.T) {
	st, decks := openDeck(t, 13, 4)
	set := exam.Settings{Date: day0.AddDate(0, 0, 8).Format(time.DateOnly), Target: 0.9, Minutes: 20}
	if err := st.SetSetting(exam.Key("d"), set.Encode()); err != nil {
		t.Fatal(err)
	}
	start := scheduler.StudyDay(day0)
	if err := st.SetFlags("d", "q00-c00", storage.Flags{BuriedUntil: start.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := session.SavePlan(st, decks, "d", start); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   time.Time
		want bool
	}{{start, false}, {start.AddDate(0, 0, 1), true}} {
		_, ok, err := st.Setting(session.PlanKey("d", c.at))
		if err != nil {
			t.Fatal(err)
		}
		if ok != c.want {
			t.Errorf("plan of %v saved %v, want %v", c.at, ok, c.want)
		}
	}
}
