package storage

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"
)

var afterOps = flag.Int("after-ops", 250, "operations per seed of TestStore_LogKeepsAfters")

// afterModel is what the log and the states must hold: every entry as
// Rate was given it (its After included), and each card's FSRS state.
type afterModel struct {
	log   map[string]Review // by log key
	state map[string]fsrs.Card
}

func (m *afterModel) sorted() []Review {
	keys := make([]string, 0, len(m.log))
	for k := range m.log {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]Review, len(keys))
	for i, k := range keys {
		out[i] = m.log[k]
	}
	return out
}

// randCard is an FSRS card with every field set at random, its last
// review at last (or none).
func randCard(rng *rand.Rand, last time.Time) fsrs.Card {
	c := fsrs.Card{
		State: fsrs.State(rng.IntN(4)), Reps: rng.Uint64N(300), Lapses: rng.Uint64N(20),
		ElapsedDays: rng.Uint64N(400), ScheduledDays: rng.Uint64N(400),
	}
	if rng.IntN(10) > 0 {
		c.Stability, c.Difficulty = rng.Float64()*300, 1+rng.Float64()*9
	}
	if rng.IntN(10) > 0 {
		c.LastReview = last
	}
	if rng.IntN(10) > 0 {
		c.Due = last.Add(time.Duration(rng.IntN(400*24)) * time.Hour).Add(time.Duration(rng.IntN(60)) * time.Minute)
	}
	return c
}

// TestStore_LogKeepsAfters checks that the log loses no entry's After,
// whatever happens between ratings: ratings in time order and given at
// earlier times than others of the card (the clock moved back), at the
// same instant as another, with a Before that is not the card's state,
// undo of the latest and of older ratings, new memory states (refit),
// old version 2 entries among new ones, and reopening. After each step
// the log read back must be the model's, field for field, and the states
// the model's.
func TestStore_LogKeepsAfters(t *testing.T) {
	cards := []string{"a", "b", "c", "d"}
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			path := t.TempDir() + "/flash.db"
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { s.Close() }()
			importTest(t, s, testDeck(cards...))
			m := afterModel{log: map[string]Review{}, state: map[string]fsrs.Card{}}
			for _, c := range cards {
				m.state[c] = stateOf(t, s, "ml", c).FSRS
			}
			now := t0
			var rated []Review // in the order Rate returned them
			for op := 0; op < *afterOps; op++ {
				var what string
				switch x := rng.IntN(100); {
				case x < 60 || len(m.log) == 0:
					c := cards[rng.IntN(len(cards))]
					at := now
					switch y := rng.IntN(20); {
					case y < 2 && len(rated) > 0: // the clock moved back
						at = rated[rng.IntN(len(rated))].At.Add(-time.Duration(rng.IntN(3600)) * time.Second)
					case y < 3 && len(rated) > 0: // the same instant as another
						at = rated[rng.IntN(len(rated))].At
					default:
						now = now.Add(time.Duration(1+rng.IntN(5*86400)) * time.Second)
						at = now
					}
					before := m.state[c]
					if rng.IntN(8) == 0 {
						before = randCard(rng, at.Add(-time.Hour))
					}
					r := Review{
						Deck: "ml", Card: c, At: at, Rating: fsrs.Rating(1 + rng.IntN(4)),
						Before: before, After: randCard(rng, at),
						Duration: time.Duration(rng.IntN(60000)) * time.Millisecond,
					}
					r.ElapsedDays, r.ScheduledDays = r.After.ElapsedDays, r.After.ScheduledDays
					if rng.IntN(4) == 0 {
						r.ElapsedDays = rng.Uint64N(100)
					}
					if rng.IntN(4) == 0 {
						r.ScheduledDays = rng.Uint64N(100)
					}
					if rng.IntN(10) == 0 {
						r.Answer = "answer"
					}
					got, err := s.Rate(r)
					if err != nil {
						t.Fatal(err)
					}
					rated = append(rated, got)
					m.log[string(reviewKey(at.UnixNano(), uint32(got.Seq)))] = got
					m.state[c] = r.After
					what = fmt.Sprintf("rate %s at %s", c, at.Format(time.RFC3339))
				case x < 75:
					// Undo the latest rating still in the log, or any.
					var r Review
					for i := len(rated) - 1; i >= 0; i-- {
						if _, ok := m.log[string(reviewKey(rated[i].At.UnixNano(), uint32(rated[i].Seq)))]; ok {
							r = rated[i]
							if rng.IntN(3) > 0 {
								break
							}
						}
					}
					if r.Seq == 0 {
						continue
					}
					if err := s.Undo(r); err != nil {
						t.Fatal(err)
					}
					delete(m.log, string(reviewKey(r.At.UnixNano(), uint32(r.Seq))))
					m.state[r.Card] = r.Before
					what = fmt.Sprintf("undo %s at %s", r.Card, r.At.Format(time.RFC3339))
				case x < 90:
					mem := map[string]Memory{}
					for _, c := range cards {
						if rng.IntN(2) == 0 {
							mem[c] = Memory{Stability: rng.Float64() * 100, Difficulty: 1 + rng.Float64()*9}
							f := m.state[c]
							f.Stability, f.Difficulty = mem[c].Stability, mem[c].Difficulty
							m.state[c] = f
						}
					}
					if err := s.SetMemory("ml", mem); err != nil {
						t.Fatal(err)
					}
					what = "set memory"
				case x < 95:
					rewriteAsVersion2(t, s)
					what = "rewrite as version 2"
				default:
					if err := s.Close(); err != nil {
						t.Fatal(err)
					}
					if s, err = Open(path, Options{}); err != nil {
						t.Fatal(err)
					}
					what = "reopen"
				}
				checkModel(t, s, &m, op, what)
			}
			if err := s.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func checkModel(t *testing.T, s *Store, m *afterModel, op int, what string) {
	t.Helper()
	got := reviewsOf(t, s)
	want := m.sorted()
	if len(got) != len(want) {
		t.Fatalf("op %d (%s): %d log entries, want %d", op, what, len(got), len(want))
	}
	for i := range got {
		if !sameReview(got[i], want[i]) {
			t.Fatalf("op %d (%s): entry %d\n got %+v\nwant %+v", op, what, i, got[i], want[i])
		}
	}
	for c, f := range m.state {
		if g := stateOf(t, s, "ml", c).FSRS; !sameCard(&g, &f) {
			t.Fatalf("op %d (%s): state of %s\n got %+v\nwant %+v", op, what, c, g, f)
		}
	}
	if op%25 == 0 {
		if err := s.Check(); err != nil {
			t.Fatalf("op %d (%s): %v", op, what, err)
		}
	}
}

// rewriteAsVersion2 makes the database what flash before log entries of
// version 3 wrote: every entry with its after, no last afters in states.
func rewriteAsVersion2(t *testing.T, s *Store) {
	t.Helper()
	rs := reviewsOf(t, s)
	err := s.db.Update(func(tx *bolt.Tx) error {
		lb := tx.Bucket(bucketLog)
		for i := range rs {
			r := &rs[i]
			k := reviewKey(r.At.UnixNano(), uint32(r.Seq))
			n, _, err := peekReview(lb.Get(k))
			if err != nil {
				return err
			}
			v, err := encodeReview(nil, r, n, r.At.UnixNano())
			if err != nil {
				return err
			}
			if err := lb.Put(k, v); err != nil {
				return err
			}
		}
		sb := tx.Bucket(bucketState)
		var keys [][]byte
		sb.ForEach(func(k, v []byte) error {
			keys = append(keys, bytes.Clone(k))
			return nil
		})
		for _, k := range keys {
			dk, ck, _ := splitCardKey(k)
			cs := CardState{Deck: string(dk), ID: string(ck)}
			num, err := decodeState(&cs, sb.Get(k), nil)
			if err != nil {
				return err
			}
			old := cs
			cs.lastAfter = nil
			if err := putState(tx, &s.pend, &old, &cs, num); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestStore_RefitKeepsAfters: new memory states (a refit) change the
// cards' states but not one After of the log, nor does rating or undoing
// after them: the After of a card's latest entry, which that entry does
// not store, is kept in the state.
func TestStore_RefitKeepsAfters(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	r1 := rateTest(t, s, "a", t0, fsrs.Good)
	r2 := rateTest(t, s, "a", t0.Add(72*time.Hour), fsrs.Good)
	rb := rateTest(t, s, "b", t0.Add(time.Hour), fsrs.Again)
	want := reviewsOf(t, s)
	if len(want) != 3 || !sameCard(&want[2].After, &r2.After) || !sameCard(&want[1].After, &rb.After) || !sameCard(&want[0].After, &r1.After) {
		t.Fatalf("log before the refit %+v", want)
	}
	if err := s.SetMemory("ml", map[string]Memory{"a": {Stability: 42, Difficulty: 3}, "b": {Stability: 7, Difficulty: 9}}); err != nil {
		t.Fatal(err)
	}
	if a := stateOf(t, s, "ml", "a").FSRS; a.Stability != 42 || a.Difficulty != 3 {
		t.Fatalf("state after the refit %+v", a)
	}
	assertLog(t, s, want)
	// A rating after the refit starts from the refitted state; the
	// entry before it keeps its After.
	r3 := rateTest(t, s, "a", t0.Add(200*time.Hour), fsrs.Hard)
	if r3.Before.Stability != 42 {
		t.Fatalf("rated from %+v", r3.Before)
	}
	assertLog(t, s, append(slices.Clone(want), r3))
	// Undo: the card is back at its refitted state, the log as before.
	if err := s.Undo(r3); err != nil {
		t.Fatal(err)
	}
	if a := stateOf(t, s, "ml", "a").FSRS; a.Stability != 42 {
		t.Fatalf("state after undo %+v", a)
	}
	assertLog(t, s, want)
	// Undo the refitted card's latest rating too: its state is that
	// rating's before, and the first entry keeps its After.
	if err := s.Undo(r2); err != nil {
		t.Fatal(err)
	}
	if a := stateOf(t, s, "ml", "a").FSRS; !sameCard(&a, &r2.Before) {
		t.Fatalf("state after the second undo %+v, want %+v", a, r2.Before)
	}
	assertLog(t, s, want[:2])
	// A second refit, then a rating: still nothing lost.
	if err := s.SetMemory("ml", map[string]Memory{"a": {Stability: 1, Difficulty: 1}}); err != nil {
		t.Fatal(err)
	}
	r4 := rateTest(t, s, "a", t0.Add(300*time.Hour), fsrs.Easy)
	assertLog(t, s, append(slices.Clone(want[:2]), r4))
}

func assertLog(t *testing.T, s *Store, want []Review) {
	t.Helper()
	got := reviewsOf(t, s)
	if len(got) != len(want) {
		t.Fatalf("log holds %d entries, want %d", len(got), len(want))
	}
	for i := range got {
		if !sameReview(got[i], want[i]) {
			t.Fatalf("entry %d\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestStore_OldDatabaseKeepsAfters: a database of schema 2 (log entries of
// version 2, each with its After) opens, and new memory states, ratings
// (of version 3) and undo leave every After of it as it was.
func TestStore_OldDatabaseKeepsAfters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	gunzipTo(t, v2Small, path)
	// The log as schema 2 wrote it, read without migrating.
	var want []Review
	raw := rawBuckets(t, path)
	keys := make([]string, 0, len(raw["reviews"]))
	for k := range raw["reviews"] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var r Review
		if _, err := decodeReview(&r, []byte(k), []byte(raw["reviews"][k])); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	s := openAt(t, path)
	got := reviewsOf(t, s)
	if len(got) != len(want) || len(want) != 3005 {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range got {
		got[i].Deck, got[i].Card = "", ""
		if !sameReview(got[i], want[i]) {
			t.Fatalf("entry %d\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	states, err := s.States("gen")
	if err != nil {
		t.Fatal(err)
	}
	mem := map[string]Memory{}
	for _, c := range states {
		mem[c.ID] = Memory{Stability: c.FSRS.Stability * 2, Difficulty: 5}
	}
	if err := s.SetMemory("gen", mem); err != nil {
		t.Fatal(err)
	}
	want = reviewsOf(t, s) // named
	var rated []Review
	for i, c := range states[:5] {
		cs := stateOf(t, s, "gen", c.ID)
		at := time.Date(2026, 11, 21, 9, i, 0, 0, time.UTC)
		info := fsrs.NewFSRS(fsrs.DefaultParam()).Next(cs.FSRS, at, fsrs.Good)
		r, err := s.Rate(Review{Deck: "gen", Card: c.ID, At: at, Rating: fsrs.Good, Before: cs.FSRS, After: info.Card,
			ElapsedDays: info.ReviewLog.ElapsedDays, ScheduledDays: info.ReviewLog.ScheduledDays})
		if err != nil {
			t.Fatal(err)
		}
		rated = append(rated, r)
	}
	assertLog(t, s, append(slices.Clone(want), rated...))
	if err := s.Undo(rated[4]); err != nil {
		t.Fatal(err)
	}
	assertLog(t, s, append(slices.Clone(want), rated[:4]...))
}

// TestStore_HistoryWritesWhatRateWrites: the synthetic-data writer
// (storagetest.History) leaves the log and the states that rating one by
// one leaves, down to the bytes of each record.
func TestStore_HistoryWritesWhatRateWrites(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e"}
	g := newSynth(ids)
	rs := g.next(400)
	final := map[string]fsrs.Card{}
	for _, r := range rs {
		final[r.Card] = r.After
	}
	// One card's final state is not its latest After (as after a refit).
	f := final["c"]
	f.Stability++
	final["c"] = f

	a := openTest(t)
	importTest(t, a, testDeck(ids...))
	for _, r := range rs {
		if _, err := a.Rate(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.SetMemory("ml", map[string]Memory{"c": {Stability: f.Stability, Difficulty: f.Difficulty}}); err != nil {
		t.Fatal(err)
	}

	b := openTest(t)
	importTest(t, b, testDeck(ids...))
	h, err := b.newHistory("ml", final, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The final states moved the cards' index entries in the history's
	// own transactions, some thousand cards each, not at Close in one
	// (which splits the index's pages: a 1M-review flashgen file 102.6
	// MB instead of 99.2).
	if n := b.pend.len(); n != 0 {
		t.Errorf("the history left %d cards' index entries to move at Close", n)
	}
	if err := h.append(slices.Clone(rs[:150])); err != nil {
		t.Fatal(err)
	}
	if err := h.append(slices.Clone(rs[150:])); err != nil {
		t.Fatal(err)
	}
	if err := h.finish(); err != nil {
		t.Fatal(err)
	}
	for _, name := range [][]byte{bucketLog, bucketState} {
		if ra, rb := bucketOf(t, a, name), bucketOf(t, b, name); len(ra) == 0 || !reflect.DeepEqual(ra, rb) {
			t.Errorf("bucket %s differs", name)
			for k, v := range ra {
				if rb[k] != v {
					t.Logf("%x: %x != %x", k, v, rb[k])
				}
			}
		}
	}
	assertLog(t, b, reviewsOf(t, a))
}

// bucketOf reads every key and value of a bucket of s.
func bucketOf(t *testing.T, s *Store, name []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(name).ForEach(func(k, v []byte) error { m[string(k)] = string(v); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
