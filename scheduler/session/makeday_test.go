package session

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/storage"
)

// TestMakeDay_SameAsFromStates: the plan of a day made from a deck's
// CardStats (makeDay, what sessions do) is saved byte for byte as the one
// made from the deck's states with its queue items (planDay below, how
// sessions made it before), on a deck followed over days with new,
// learning, relearning and review cards, ratings of every kind, suspended,
// buried and retired cards, planned at several times of day, days ahead
// and in other time zones (where a burial may end within the day: then
// neither saves a plan).
func TestMakeDay_SameAsFromStates(t *testing.T) {
	day0 := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
	src := func(drop int) string {
		var b strings.Builder
		b.WriteString("format = 1\nid = \"d\"\ntitle = \"D\"\n")
		for q := range 7 {
			fmt.Fprintf(&b, "\n[[question]]\nid = \"q%d\"\npaper = \"P\"\ntext = \"Q%d?\"\n", (q*5)%7, q)
		}
		for i := range 7 * 11 {
			if drop > 0 && i%drop == 0 {
				continue
			}
			// Cards of a question apart, ids not in deck order.
			fmt.Fprintf(&b, "\n[[card]]\nid = \"c%03d\"\nquestion = \"q%d\"\nfront = \"F%d\"\nback = \"B\"\n", (i*37)%101, i%7, i)
		}
		return b.String()
	}
	st, err := storage.Open(filepath.Join(t.TempDir(), "f.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	imp := func(text string, at time.Time) {
		d, err := deck.Parse("d.toml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Import(d, storage.Source{Hash: text[len(text)-20:]}, at, false); err != nil {
			t.Fatal(err)
		}
	}
	imp(src(0), day0)
	set := exam.Settings{Date: day0.AddDate(0, 0, 16).Format(time.DateOnly), Target: 0.92, Minutes: 6}
	if err := st.SetSetting(exam.Key("d"), set.Encode()); err != nil {
		t.Fatal(err)
	}
	zones := []*time.Location{time.UTC, time.FixedZone("E", 7*3600), time.FixedZone("W", -9*3600-1800)}
	compared, none := 0, 0
	n := 0
	for day := range 14 {
		// A burial in zone E ends at 04:00 E, within the UTC study day.
		clk := day0.AddDate(0, 0, day).In(zones[day%2])
		now := func() time.Time { return clk }
		decks, err := st.Decks()
		if err != nil {
			t.Fatal(err)
		}
		s, err := Open(st, decks, Options{}, now)
		if err != nil {
			t.Fatal(err)
		}
		for k := range 9 + day%4 {
			cur, ok, err := s.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			n++
			clk = clk.Add(time.Duration(5+n%17) * time.Second)
			switch {
			case k == 3 && day%3 == 2:
				err = s.Mark(Suspend, cur)
			case k == 4 && day%2 == 1:
				err = s.Mark(Bury, cur)
			default:
				r := fsrs.Rating(1 + (n*7)%4)
				_, err = s.Rate(cur, r, "")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if day == 5 {
			imp(src(9), clk) // retires a ninth of the cards
		}
		if day == 8 {
			imp(src(0), clk) // and brings them back
		}
		decks, err = st.Decks()
		if err != nil {
			t.Fatal(err)
		}
		b, err := newBare(st, decks, "d", func() time.Time { return clk })
		if err != nil {
			t.Fatal(err)
		}
		states, err := st.States("d")
		if err != nil {
			t.Fatal(err)
		}
		for _, after := range []time.Duration{0, 3 * time.Hour, 19 * time.Hour, 24 * time.Hour, 3 * 24 * time.Hour} {
			for _, z := range zones {
				at := clk.Add(after).In(z)
				if exam.DaysLeft(mustAt(t, set, z), at) <= 0 {
					continue
				}
				want, err := b.planDay("d", set, states, at)
				if err != nil {
					t.Fatal(err)
				}
				sd, _, err := b.makeDay("d", set, at)
				if err != nil {
					t.Fatal(err)
				}
				got := ""
				if sd != nil {
					got = sd.encode()
				}
				if got != want {
					t.Fatalf("day %d, planned at %v: from CardStats %d bytes, from states %d bytes: not the same", day, at, len(got), len(want))
				}
				compared++
				if want == "" {
					none++
				}
			}
		}
	}
	t.Logf("%d plans compared, %d none", compared, none)
	if compared < 150 || none == 0 || none == compared {
		t.Errorf("%d plans compared, %d of them none: not the cases meant", compared, none)
	}
}

func mustAt(t *testing.T, set exam.Settings, loc *time.Location) time.Time {
	t.Helper()
	at, err := set.At(loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// planDay is how a plan of the day was made before makeDay: it makes deck id's plan for the study day holding t afresh from
// the deck's states, as build does at t, and returns what a session of
// that day needs of it, as saved; "" when there is nothing to save (the
// exam day has come, or returnsToday).
func (s *Session) planDay(id string, set exam.Settings, states []storage.CardState, t time.Time) (string, error) {
	all := func(yield func(*storage.CardState) bool) {
		for i := range states {
			if !yield(&states[i]) {
				return
			}
		}
	}
	if returnsToday(all, t) {
		return "", nil
	}
	day := scheduler.StudyDay(t)
	n, r, err := s.st.DoneSince(id, day)
	if err != nil {
		return "", err
	}
	done := scheduler.Done{New: n, Reviews: r}
	items := make([]scheduler.Item, 0, len(states))
	keys := cardKeys(states)
	for i := range states {
		if c := &states[i]; studyable(c, t) {
			items = append(items, scheduler.Item{Key: keys[i], Deck: c.Deck, Order: c.Order, Question: c.Question, Card: c.FSRS})
		}
	}
	before := make([]shownAs, len(items))
	for k, it := range items {
		before[k] = shownAs{it.Card.Due, it.Order}
	}
	h, err := s.history(id, set, done)
	if err != nil {
		return "", err
	}
	p, err := exam.ForDeck(s.st, s.decks[id], set, states, h, t, true)
	if err != nil || p.DaysLeft == 0 {
		return "", err
	}
	p.Apply(items, s.policies[id], done)
	return s.encodeDay(id, set, p, items, func(k int) (shownAs, bool) {
		it, b := items[k], before[k]
		if !b.due.Equal(it.Card.Due) || b.order != it.Order {
			return shownAs{it.Card.Due, it.Order}, true
		}
		return shownAs{}, false
	}, t)
}
