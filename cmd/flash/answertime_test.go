package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	"github.com/open-spaced-repetition/go-fsrs/v3"
)

// TestAnswerTime_CappedWhenRead: a log written before the cap, with an
// answer left open for ten minutes, counts one minute in stats' Time and
// in the revlog export's review_duration.
func TestAnswerTime_CappedWhenRead(t *testing.T) {
	db := filepath.Join(t.TempDir(), "flash.db")
	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := deck.Parse("small.toml", []byte(smallDeck))
	if err != nil {
		t.Fatal(err)
	}
	at := statsNow.Add(-2 * time.Hour)
	if _, err := st.Import(d, storage.Source{Hash: "1"}, at.Add(-time.Hour), false); err != nil {
		t.Fatal(err)
	}
	s := scheduler.New(scheduler.DefaultPolicy())
	for i, took := range []time.Duration{10 * time.Minute, 5 * time.Second} {
		id := []string{"a", "b"}[i]
		o := s.Rate("small/"+id, fsrs.NewCard(), at, at, fsrs.Good)
		if _, err := st.Rate(storage.Review{Deck: "small", Card: id, At: at, Rating: fsrs.Good, Before: fsrs.NewCard(),
			After: o.Card, Duration: took}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	s2 := statsJSON(t, db, statsNow)
	if s2.Time.AllTimeSeconds != 65 || s2.Time.TodaySeconds != 65 {
		t.Errorf("time %+v, want 65 s (60 + 5)", s2.Time)
	}
	name := filepath.Join(t.TempDir(), "revlog.csv")
	if r := runCmd(t, cmdExport, db, statsNow, "--revlog", name); r.code != 0 {
		t.Fatalf("export: exit %d: %s", r.code, r.stderr)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[1], ",60000") || !strings.HasSuffix(lines[2], ",5000") {
		t.Errorf("revlog:\n%s\nwant review_duration 60000 and 5000", data)
	}
}
