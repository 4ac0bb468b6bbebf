package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStats_NewCardsWaiting: with nothing due, stats says how many new
// cards wait and how many a review today would bring, after the new cards
// already learned today (new_per_day 1 here).
func TestStats_NewCardsWaiting(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	deckFile := writeFile(t, "small.toml", strings.Replace(smallDeck, `title = "Small deck"`, "title = \"Small deck\"\n\n[options]\nnew_per_day = 1", 1))
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", deckFile); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := runFlash(t, "", clock(fixedNow), "--db", db, "stats")
	if !strings.Contains(r.stdout, "due: 0 now · 0 today · 0 tomorrow; new: 1 to learn today, 2 waiting") {
		t.Errorf("before studying:\n%s", r.stdout)
	}
	// Learn one new card today (Easy: it is not due again today).
	if r := runFlash(t, "\n4\n", clock(fixedNow), "--db", db, "review", "--plain"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	s := statsJSON(t, db, fixedNow.Add(time.Minute))
	if s.Cards.NewAvailable != 1 || s.Cards.NewToday != 0 {
		t.Errorf("after one new card today: %d waiting, %d today; want 1, 0", s.Cards.NewAvailable, s.Cards.NewToday)
	}
}
