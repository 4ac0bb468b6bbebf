package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/flash-srs/flash/deck"
)

// TestReviewPlain_FirstDayTouchesEveryQuestion studies the first day of a
// new database in line mode (the built-in deck is imported on first use),
// rating every card Easy, and checks that the day's new cards come from
// all 13 exam questions and hold at least one derive card: the built-in
// deck deals its new cards out by question (new_order = "interleaved").
func TestReviewPlain_FirstDayTouchesEveryQuestion(t *testing.T) {
	d := deck.Builtin()
	if d.Options.NewOrder != deck.NewOrderInterleaved {
		t.Errorf("the built-in deck's new_order = %q, want %q", d.Options.NewOrder, deck.NewOrderInterleaved)
	}
	db := filepath.Join(t.TempDir(), "f.db")
	// "\n4\n" fits both kinds of card: Enter shows a basic card's back
	// (or ends a derive card's empty answer), then 4 rates Easy, which
	// sends a new card to review for days. More input than cards is left
	// unread: the session ends when nothing is left for the day.
	input := strings.Repeat("\n4\n", 3*d.Options.NewPerDay)
	r := runFlash(t, input, clock(fixedNow), "--db", db, "review", "--plain")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	cards := map[string]deck.Card{}
	for _, c := range d.Cards {
		cards[c.ID] = c
	}
	saved := regexp.MustCompile(`(?m)^saved: ml-papers/(\S+) Easy`)
	questions := map[string]int{}
	var shown, derive []string
	for _, m := range saved.FindAllStringSubmatch(r.stdout, -1) {
		c, ok := cards[m[1]]
		if !ok {
			t.Fatalf("saved %q, which is no card of the built-in deck", m[1])
		}
		shown = append(shown, c.ID)
		questions[c.Question]++
		if c.Kind == deck.KindDerive {
			derive = append(derive, c.ID)
		}
	}
	if len(shown) != d.Options.NewPerDay {
		t.Errorf("the first day rated %d cards, want the %d new cards of a day:\n%s", len(shown), d.Options.NewPerDay, strings.Join(shown, "\n"))
	}
	for _, q := range d.Questions {
		if questions[q.ID] == 0 {
			t.Errorf("the first day shows no card of question %s; shown: %v", q.ID, shown)
		}
	}
	if len(questions) != 13 {
		t.Errorf("the first day touches %d questions, want 13", len(questions))
	}
	if len(derive) == 0 {
		t.Errorf("the first day shows no derive card; shown: %v", shown)
	}
	if !strings.Contains(r.stdout, "Reviewed 20 cards") {
		t.Errorf("summary does not count 20 cards:\n%s", r.stdout[max(0, len(r.stdout)-300):])
	}
}
