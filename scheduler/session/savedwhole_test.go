package session

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/storage"
)

// importCards returns a store holding deck "d": one question "q" and n
// cards c0…c(n-1) in that order, imported at now.
func importCards(t *testing.T, n int, now time.Time) *storage.Store {
	t.Helper()
	st, err := storage.Open(filepath.Join(t.TempDir(), "f.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var b strings.Builder
	b.WriteString("format = 1\nid = \"d\"\ntitle = \"D\"\n\n[[question]]\nid = \"q\"\npaper = \"P\"\ntext = \"Q?\"\n")
	for i := range n {
		fmt.Fprintf(&b, "\n[[card]]\nid = \"c%d\"\nquestion = \"q\"\nfront = \"F%d\"\nback = \"B\"\n", i, i)
	}
	d, err := deck.Parse("d.toml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(d, storage.Source{Hash: "1"}, now, false); err != nil {
		t.Fatal(err)
	}
	return st
}

// openExamDeck returns a store with importCards' deck of 40 cards and an
// exam in 20 days, its plans saved at now.
func openExamDeck(t *testing.T, now time.Time) (*storage.Store, []storage.DeckInfo) {
	t.Helper()
	st := importCards(t, 40, now)
	set := exam.Settings{Date: now.AddDate(0, 0, 20).Format(time.DateOnly), Target: 0.9, Minutes: 20}
	if err := st.SetSetting(exam.Key("d"), set.Encode()); err != nil {
		t.Fatal(err)
	}
	decks, err := st.Decks()
	if err != nil {
		t.Fatal(err)
	}
	if err := SavePlan(st, decks, "d", now); err != nil {
		t.Fatal(err)
	}
	return st, decks
}

// TestSavedWhole_AsDecodeSaved: savedWhole, which saveDays asks of the
// days ahead instead of decoding, says a saved plan is there whenever
// decodeSaved reads it for that day and stamp (the plan as saved, bytes
// changed), and not for any cut of it, another day or another stamp.
func TestSavedWhole_AsDecodeSaved(t *testing.T) {
	now := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
	st, _ := openExamDeck(t, now)
	v, ok, err := st.Setting(storage.CacheKey("d", planName(now)))
	if err != nil || !ok {
		t.Fatalf("no plan saved: %v", err)
	}
	sd, err := decodeSaved(v, fsrs.DefaultWeights(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if !savedWhole(v, sd.day, sd.stamp) {
		t.Fatal("the plan as saved: not whole")
	}
	if savedWhole(v, dayStamp(now.AddDate(0, 0, 1)), sd.stamp) || savedWhole(v, sd.day, sd.stamp+1) {
		t.Error("whole for another day or stamp")
	}
	check := func(what, w string, cut bool) {
		t.Helper()
		got, derr := decodeSaved(w, fsrs.DefaultWeights(), time.UTC)
		reads := derr == nil && got.day == sd.day && got.stamp == sd.stamp
		if whole := savedWhole(w, sd.day, sd.stamp); reads && !whole || cut && whole {
			t.Fatalf("%s: savedWhole %v, decodeSaved reads it for the day and stamp %v (%v)", what, whole, reads, derr)
		}
	}
	for n := range len(v) {
		check(fmt.Sprintf("cut to %d bytes", n), v[:n], true)
	}
	for i := 0; i < len(v); i += 7 {
		for _, c := range []byte{0, '}', 0xff, '"'} {
			b := []byte(v)
			b[i] = c
			check("a byte changed", string(b), false)
		}
	}
}

// TestSavePlans_BeforePlanning: a session that ends with every plan
// saved already makes none and does not call BeforePlanning; one that
// rated (which drops the saved plans) calls it once, before it plans.
func TestSavePlans_BeforePlanning(t *testing.T) {
	now := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
	st, decks := openExamDeck(t, now)
	clk := func() time.Time { return now }
	for _, rate := range []bool{false, true} {
		s, err := Open(st, decks, Options{}, clk)
		if err != nil {
			t.Fatal(err)
		}
		if rate {
			cur, ok, err := s.Next()
			if err != nil || !ok {
				t.Fatalf("nothing to rate: %v", err)
			}
			if _, err := s.Rate(cur, fsrs.Good, ""); err != nil {
				t.Fatal(err)
			}
		}
		calls := 0
		s.BeforePlanning = func() { calls++ }
		if err := s.SavePlans(); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 0, true: 1}[rate]; calls != want {
			t.Errorf("rated %v: BeforePlanning called %d times, want %d", rate, calls, want)
		}
		for d := now; d.Before(now.AddDate(0, 0, AheadDays+1)); d = d.AddDate(0, 0, 1) {
			if saved, err := s.hasSaved("d", d, mustStamp(t, s)); err != nil || !saved {
				t.Errorf("rated %v: no plan of %v saved (%v)", rate, d.Format(time.DateOnly), err)
			}
		}
	}
}

func mustStamp(t *testing.T, s *Session) uint64 {
	t.Helper()
	set, _, err := exam.Get(s.st, "d")
	if err != nil {
		t.Fatal(err)
	}
	stamp, err := s.stamp("d", set)
	if err != nil {
		t.Fatal(err)
	}
	return stamp
}
