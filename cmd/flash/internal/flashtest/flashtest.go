// Package flashtest holds the decks and stores that cmd/flash's tests and
// its review screen's tests share: cards whose text tends to break layouts,
// and a store of review cards studied through the real scheduler.
package flashtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	"github.com/open-spaced-repetition/go-fsrs/v3"
)

// TOMLString quotes s as a TOML basic string: control characters as \u
// escapes, everything else as it is.
func TOMLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// OddCard is a card whose text tends to break layouts.
type OddCard struct{ ID, Front, Back string }

func OddCards() []OddCard {
	zalgo := func(s string) string {
		var b strings.Builder
		for i, r := range s {
			b.WriteRune(r)
			for j := range 12 {
				b.WriteRune(rune(0x300 + (i*7+j*5)%0x70)) // combining marks
			}
		}
		return b.String()
	}
	var big strings.Builder // a 1 MB back in lines of some 100 bytes
	for i := 0; big.Len() < 1<<20; i++ {
		fmt.Fprintf(&big, "Строка %06d: Θ⁽ᴸ⁾ = Σₚ ∂F ⊗ ∂F, long answer text.\n", i)
	}
	return []OddCard{
		{"long-word", "One word of 20 000 letters: " + strings.Repeat("x", 20000), "short"},
		{"long-line", "A line of 5 000 words", strings.Repeat("слово word ", 5000)},
		{"combining", zalgo("Zalgo text") + " e\u0301 vs é, 한글 \u1100\u1161\u11a8", zalgo("back") + "\u20dd\u0489"},
		{"rtl", "שלום עולם — مرحبا بالعالم 123 (x+1)", "\u202Eright to left override\u202C, \u2067isolate \u05d0\u2069, \u200fRLM"},
		{"wide", "漢字テスト 👩\u200d👩\u200d👧\u200d👦 🇩🇪 ❤\ufe0f " + strings.Repeat("全角", 200), "Ｆｕｌｌｗｉｄｔｈ\tand\ttabs\u200b\u00ad\ufeff"},
		{"big-back", "A 1 MB back", big.String()},
		{"blank-lines", "\n\n\n  front after blank lines  \n\n\n", "\n\n" + strings.Repeat("\n", 300) + "back after 300 blank lines"},
	}
}

func OddDeck() string {
	var b strings.Builder
	b.WriteString("format = 1\nid = \"odd\"\ntitle = \"Odd ✓ שלום\"\n\n[[question]]\nid = \"q\"\npaper = " +
		TOMLString(strings.Repeat("A very long paper title ", 20)) + "\ntext = " + TOMLString("Вопрос "+strings.Repeat("ω", 500)) + "\n")
	for _, c := range OddCards() {
		fmt.Fprintf(&b, "\n[[card]]\nid = %q\nquestion = \"q\"\nfront = %s\nback = %s\n", c.ID, TOMLString(c.Front), TOMLString(c.Back))
	}
	return b.String()
}

// ReviewDeckTOML is a deck of n basic cards c0 … c(n-1).
func ReviewDeckTOML(n int) string {
	var b strings.Builder
	b.WriteString("format = 1\nid = \"t\"\ntitle = \"Review deck\"\n\n[options]\nreviews_per_day = 9999\n\n[[question]]\nid = \"q\"\npaper = \"P\"\ntext = \"Q\"\n")
	for i := range n {
		fmt.Fprintf(&b, "\n[[card]]\nid = \"c%d\"\nquestion = \"q\"\nfront = \"Front %d\"\nback = \"Back %d\"\n", i, i, i)
	}
	return b.String()
}

// StoreWithReviewCards imports a deck of n cards into st and studies each
// through the real scheduler over the months before now (Good at every
// due date) until its next review is due at or before now, with an
// interval long enough for fuzz.
func StoreWithReviewCards(t testing.TB, st *storage.Store, n int, now time.Time) {
	t.Helper()
	d, err := deck.Parse("review.toml", []byte(ReviewDeckTOML(n)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(d, storage.Source{Hash: "review"}, now.AddDate(-1, 0, 0), false); err != nil {
		t.Fatal(err)
	}
	s := scheduler.New(scheduler.DefaultPolicy())
	for i := range n {
		id := fmt.Sprintf("c%d", i)
		key := "t/" + id
		c := fsrs.NewCard()
		// Start on different days, so the cards end on different
		// intervals and due times.
		at := now.AddDate(0, 0, -12).Add(time.Duration(i) * 2 * time.Hour)
		for {
			o := s.Rate(key, c, at, at, fsrs.Good)
			if o.Card.Due.After(now) && c.State == fsrs.Review && c.ScheduledDays >= 3 {
				break // c, due at or before now, is the card to study
			}
			if _, err := st.Rate(storage.Review{Deck: "t", Card: id, At: at, Rating: fsrs.Good, Before: c, After: o.Card,
				ElapsedDays: o.Log.ElapsedDays, ScheduledDays: o.Card.ScheduledDays, Duration: 5 * time.Second}); err != nil {
				t.Fatal(err)
			}
			c, at = o.Card, o.Card.Due
		}
	}
}
