package main

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// statsNow is the clock of the stats tests: a Sunday morning, UTC, so the
// study days (04:00) are fixed.
var statsNow = time.Date(2024, 3, 10, 9, 0, 0, 0, time.UTC)

// examDeck is the deck of the scripted database: two questions on two
// papers, desired retention 0.85.
const examDeck = `format = 1
id = "exam"
title = "Exam deck"

[options]
desired_retention = 0.85

[[question]]
id = "q1"
paper = "Paper One: a long subtitle that the text rendering has to cut somewhere sensible"
text = "Первый вопрос: достаточно длинный текст вопроса, чтобы его пришлось обрезать по ширине"

[[question]]
id = "q2"
paper = "Paper Two"
text = "Second question?"

[[card]]
id = "q1-a"
question = "q1"
front = "Front 1a"
back = "Back"

[[card]]
id = "q1-b"
question = "q1"
front = "Front 1b"
back = "Back"

[[card]]
id = "q1-c"
question = "q1"
front = "Front 1c"
back = "Back"

[[card]]
id = "q1-d"
question = "q1"
front = """
  Front 1d, first line
second line"""
back = "Back"

[[card]]
id = "q2-a"
question = "q2"
front = "Front 2a"
back = "Back"

[[card]]
id = "q2-b"
question = "q2"
front = "Front 2b"
back = "Back"

[[card]]
id = "q2-old"
question = "q2"
front = "Front 2old"
back = "Back"
`

// scripted is the database built by scriptedDB and what went into it.
type scripted struct {
	path  string
	cards map[string]fsrs.Card // final FSRS state by card id
	log   []storage.Review     // in time order, as stored
}

// reviewDuration is the answer time of every scripted review.
const reviewDuration = 7 * time.Second

// scriptedDB builds a database through the real scheduler and storage:
// the exam deck imported, reviews rated at known times, one card retired,
// one suspended and one flagged. The script, with statsNow = Sun 10 Mar
// 09:00 (history days from Sat 10 Feb):
//
//	Jan 20 10:00  q1-a Easy, q1-b Easy, q2-a Easy, q2-old Easy (new → review), q1-c Good (new → learning)
//	Feb  5 10:00  q1-a Good, q1-b Again, q2-a Good (review; 2 of 3 recalled)
//	Feb  5 10:10  q1-b Good (relearning → review)
//	              q2-old retired by a re-import without it
//	Feb 20 10:00  q1-b Good (review; day 10 of the history)
//	Mar  5 10:00  q1-a Good, q2-a Hard (review; day 24)
//	Mar 10 08:30  q2-b Again (new → learning; today)
//	              q1-d (never studied) suspended, q2-a flagged
func scriptedDB(t *testing.T) *scripted {
	t.Helper()
	path := filepath.Join(t.TempDir(), "flash.db")
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, err := deck.Parse("exam.toml", []byte(examDeck))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(d, storage.Source{Hash: "1"}, time.Date(2024, 1, 20, 9, 0, 0, 0, time.UTC), false); err != nil {
		t.Fatal(err)
	}
	sc := &scripted{path: path, cards: map[string]fsrs.Card{}}
	states, err := st.States("exam")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range states {
		sc.cards[c.ID] = c.FSRS
	}
	sch := scheduler.New(scheduler.Policy{DesiredRetention: 0.85})
	rate := func(at time.Time, id string, r fsrs.Rating) {
		t.Helper()
		before := sc.cards[id]
		out := sch.Rate("exam/"+id, before, at, at, r)
		rev, err := st.Rate(storage.Review{
			Deck: "exam", Card: id, At: at, Rating: r, Before: before, After: out.Card,
			ElapsedDays: out.Log.ElapsedDays, ScheduledDays: out.Card.ScheduledDays,
			Duration: reviewDuration,
		})
		if err != nil {
			t.Fatal(err)
		}
		sc.cards[id] = out.Card
		sc.log = append(sc.log, rev)
	}
	day := func(m time.Month, d, h, min int) time.Time { return time.Date(2024, m, d, h, min, 0, 0, time.UTC) }

	t0 := day(1, 20, 10, 0)
	for _, id := range []string{"q1-a", "q1-b", "q2-a", "q2-old"} {
		rate(t0, id, fsrs.Easy)
	}
	rate(t0, "q1-c", fsrs.Good)
	t1 := day(2, 5, 10, 0)
	rate(t1, "q1-a", fsrs.Good)
	rate(t1, "q1-b", fsrs.Again)
	rate(t1, "q2-a", fsrs.Good)
	rate(t1.Add(10*time.Minute), "q1-b", fsrs.Good)

	without := strings.Replace(examDeck, "[[card]]\nid = \"q2-old\"", "[[card]]\nid = \"q2-gone\"", 1)
	d2, err := deck.Parse("exam.toml", []byte(without))
	if err != nil {
		t.Fatal(err)
	}
	// q2-gone is added in its place, and stays new.
	if p, err := st.Import(d2, storage.Source{Hash: "2"}, t1.Add(time.Hour), false); err != nil || len(p.Retired) != 1 {
		t.Fatalf("re-import: %+v, %v", p, err)
	}
	sc.cards["q2-gone"] = fsrs.NewCard()

	rate(day(2, 20, 10, 0), "q1-b", fsrs.Good)
	rate(day(3, 5, 10, 0), "q1-a", fsrs.Good)
	rate(day(3, 5, 10, 0), "q2-a", fsrs.Hard)
	rate(day(3, 10, 8, 30), "q2-b", fsrs.Again)

	if err := st.SetFlags("exam", "q1-d", storage.Flags{Suspended: true}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetFlags("exam", "q2-a", storage.Flags{Flagged: true}); err != nil {
		t.Fatal(err)
	}
	return sc
}

// runCmd runs one command in-process with the database at db and a fixed
// clock.
func runCmd(t *testing.T, setup func(*flags.FlagSet, *env) func([]string) error, db string, now time.Time, args ...string) result {
	t.Helper()
	e, out, errb := testEnv(t, "", clock(now))
	e.db = db
	for _, c := range commands {
		if reflect.ValueOf(c.setup).Pointer() == reflect.ValueOf(setup).Pointer() {
			return finish(c.run(args, e), out, errb)
		}
	}
	t.Fatal("runCmd: no command has that setup function")
	return result{}
}
