package stats_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/flash-srs/flash/cmd/flashgen/gen"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/flash-srs/flash/storage"
)

// TestExams: a deck with an exam ahead gets the readiness of the plan
// scheduler/exam makes, rounded; a deck without one, another deck's filter
// and an exam that is over give none.
func TestExams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gen.db")
	end := time.Date(2025, 6, 1, 21, 0, 0, 0, time.UTC)
	now := end.Add(12 * time.Hour)
	if _, err := gen.Build(path, gen.Config{Cards: 60, Reviews: 600, Seed: 3, End: end}); err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	decks, err := st.Decks()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := stats.Exams(st, decks, "", now); err != nil || len(got) != 0 {
		t.Fatalf("no exam set: %v, %v; want none", got, err)
	}
	set := exam.Settings{Date: "2025-06-20", Target: 0.9, Minutes: 20}
	if err := st.SetSetting(exam.Key("gen"), set.Encode()); err != nil {
		t.Fatal(err)
	}
	got, err := stats.Exams(st, decks, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d exams, want 1: %+v", len(got), got)
	}
	states, err := st.States("gen")
	if err != nil {
		t.Fatal(err)
	}
	h, err := exam.ReadHistory(st, "gen", now)
	if err != nil {
		t.Fatal(err)
	}
	p, err := exam.ForDeck(st, decks[0], set, states, h, now, false)
	if err != nil {
		t.Fatal(err)
	}
	e := got[0]
	if e.Deck != "gen" || e.Date != set.Date || e.DaysLeft != p.DaysLeft || e.DaysLeft < 18 || e.Target != 0.9 || e.Minutes != 20 {
		t.Errorf("exam %+v; want deck gen on %s, %d days left", e, set.Date, p.DaysLeft)
	}
	if e.Followed != stats.Round3(p.Followed) || e.Stopped != stats.Round3(p.Stopped) || e.Below != p.Below {
		t.Errorf("readiness %+v, want the plan's %v/%v below %d", e, p.Followed, p.Stopped, p.Below)
	}
	if !(e.Low <= e.Followed && e.Followed <= e.High && e.High <= 1 && e.Low >= 0) {
		t.Errorf("readiness %v not within [%v, %v] in [0, 1]", e.Followed, e.Low, e.High)
	}
	if got, err := stats.Exams(st, decks, "other", now); err != nil || len(got) != 0 {
		t.Errorf("another deck's filter: %v, %v; want none", got, err)
	}
	if got, err := stats.Exams(st, decks, "", time.Date(2025, 6, 21, 12, 0, 0, 0, time.UTC)); err != nil || len(got) != 0 {
		t.Errorf("after the exam: %+v, %v; want none", got, err)
	}
}
