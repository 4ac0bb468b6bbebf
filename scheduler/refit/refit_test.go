package refit_test

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/flash-srs/flash/cmd/flashgen/gen"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/refit"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// genStore builds a database whose log a simulated learner made with the
// real scheduler, and opens it.
func genStore(t *testing.T) *storage.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gen.db")
	end := time.Date(2025, 6, 1, 21, 0, 0, 0, time.UTC)
	if _, err := gen.Build(path, gen.Config{Cards: 40, Reviews: 400, Seed: 3, End: end}); err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// history reads each card's ratings straight from the log.
func history(t *testing.T, st *storage.Store) map[string][]scheduler.Rating {
	t.Helper()
	h := map[string][]scheduler.Rating{}
	err := st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error {
		h[r.Deck+"/"+r.Card] = append(h[r.Deck+"/"+r.Card], scheduler.Rating{At: r.At, Rating: r.Rating})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// checkMemory asserts that every studied card of deck holds the memory
// state weights w make of its history, and returns how many were checked.
func checkMemory(t *testing.T, st *storage.Store, deck string, w fsrs.Weights) int {
	t.Helper()
	decks, err := st.Decks()
	if err != nil {
		t.Fatal(err)
	}
	sch := scheduler.New(refit.Policy(decks, deck, w))
	hist := history(t, st)
	states, err := st.States(deck)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range states {
		h := hist[c.Key()]
		if c.FSRS.State == fsrs.New || len(h) == 0 {
			continue
		}
		m := sch.Memory(c.Key(), h)
		if c.FSRS.Stability != m.Stability || c.FSRS.Difficulty != m.Difficulty {
			t.Errorf("%s: S=%v D=%v, want S=%v D=%v", c.Key(), c.FSRS.Stability, c.FSRS.Difficulty, m.Stability, m.Difficulty)
		}
		n++
	}
	return n
}

func TestReadLog(t *testing.T) {
	st := genStore(t)
	l, err := refit.ReadLog(st, "")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	hist := history(t, st)
	for _, h := range hist {
		n += len(h)
	}
	if len(l.Reviews) != n || n == 0 {
		t.Fatalf("%d reviews read, the log holds %d", len(l.Reviews), n)
	}
	ids := map[uint64]bool{}
	for _, r := range l.Reviews {
		ids[r.Card] = true
	}
	if len(ids) != len(hist) {
		t.Errorf("%d card ids, want one per card (%d)", len(ids), len(hist))
	}
	none, err := refit.ReadLog(st, "no-such-deck")
	if err != nil {
		t.Fatal(err)
	}
	if len(none.Reviews) != 0 {
		t.Errorf("another deck's log: %d reviews, want 0", len(none.Reviews))
	}
}

// saveTripled saves, for deck "gen" of st, fitted weights whose initial
// stabilities are three times the defaults (every card's memory changes),
// and returns them.
func saveTripled(t *testing.T, st *storage.Store) fsrs.Weights {
	t.Helper()
	w := fsrs.DefaultWeights()
	for i := range 4 {
		w[i] *= 3
	}
	l, err := refit.ReadLog(st, "gen")
	if err != nil {
		t.Fatal(err)
	}
	f := scheduler.Fitted{Weights: w[:], FittedAt: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC), Scope: "gen", Reviews: len(l.Reviews)}
	if err := refit.Save(st, []string{"gen"}, f, l); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestSaveRecomputesAndResetRestores(t *testing.T) {
	st := genStore(t)
	w := saveTripled(t, st)
	decks, err := st.Decks()
	if err != nil {
		t.Fatal(err)
	}
	in, err := refit.InUse(st, decks)
	if err != nil {
		t.Fatal(err)
	}
	if u := in["gen"]; u.Fitted == nil || u.Weights != w {
		t.Fatalf("weights in use after Save: %+v, want the fitted %v", u, w)
	}
	if n := checkMemory(t, st, "gen", w); n == 0 {
		t.Fatal("no studied card to check")
	}

	// A dry reset reports and changes nothing.
	had, err := refit.Reset(st, []string{"gen"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(had) != 1 || !had[0] {
		t.Fatalf("dry reset: had %v, want [true]", had)
	}
	checkMemory(t, st, "gen", w)

	had, err = refit.Reset(st, []string{"gen"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !had[0] {
		t.Fatalf("reset: had %v, want [true]", had)
	}
	u, err := scheduler.LoadWeights(st, "gen")
	if err != nil {
		t.Fatal(err)
	}
	if u.Fitted != nil {
		t.Fatalf("fitted weights still stored after Reset: %+v", u.Fitted)
	}
	checkMemory(t, st, "gen", fsrs.DefaultWeights())

	had, err = refit.Reset(st, []string{"gen"}, false)
	if err != nil || had[0] {
		t.Fatalf("second reset: had %v, %v; want [false], nil", had, err)
	}
}

// TestSaveAndResetKeepTheLog: recomputing the cards' memory under new
// weights, and back, changes their states but not one field of the log,
// the FSRS card after each rating included (the log does not store the
// latest one: it is the card's state until a refit changes that).
func TestSaveAndResetKeepTheLog(t *testing.T) {
	st := genStore(t)
	logOf := func() []storage.Review {
		t.Helper()
		var rs []storage.Review
		if err := st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error { rs = append(rs, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := st.Check(); err != nil {
			t.Fatal(err)
		}
		return rs
	}
	want := logOf()
	w := saveTripled(t, st)
	if n := checkMemory(t, st, "gen", w); n == 0 {
		t.Fatal("no studied card to check")
	}
	if got := logOf(); !reflect.DeepEqual(got, want) {
		t.Fatalf("the log changed with the refit: %d entries, want %d", len(got), len(want))
	}
	if _, err := refit.Reset(st, []string{"gen"}, false); err != nil {
		t.Fatal(err)
	}
	if got := logOf(); !reflect.DeepEqual(got, want) {
		t.Fatal("the log changed with the reset")
	}
}
