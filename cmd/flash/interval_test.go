package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	"github.com/open-spaced-repetition/go-fsrs/v3"
)

// reviewDeckTOML is a deck of n basic cards c0 … c(n-1).
func reviewDeckTOML(n int) string {
	var b strings.Builder
	b.WriteString("format = 1\nid = \"t\"\ntitle = \"Review deck\"\n\n[options]\nreviews_per_day = 9999\n\n[[question]]\nid = \"q\"\npaper = \"P\"\ntext = \"Q\"\n")
	for i := range n {
		fmt.Fprintf(&b, "\n[[card]]\nid = \"c%d\"\nquestion = \"q\"\nfront = \"Front %d\"\nback = \"Back %d\"\n", i, i, i)
	}
	return b.String()
}

// storeWithReviewCards imports a deck of n cards into st and studies each
// through the real scheduler over the months before now (Good at every
// due date) until its next review is due at or before now, with an
// interval long enough for fuzz.
func storeWithReviewCards(t *testing.T, st *storage.Store, n int, now time.Time) {
	t.Helper()
	d, err := deck.Parse("review.toml", []byte(reviewDeckTOML(n)))
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

// tickingClock is a clock that moves on by step each time it is read, as
// if the learner took that long between any two things flash does.
type tickingClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *tickingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

var (
	ratingLineRE = regexp.MustCompile(`1 Again \((\S+)\) · 2 Hard \((\S+)\) · 3 Good \((\S+)\) · 4 Easy \((\S+)\)`)
	savedRE      = regexp.MustCompile(`saved: (\S+) (Again|Hard|Good|Easy), due in (\S+)`)
)

// TestReviewPlain_IntervalShownIsSaved: in line mode, with a clock that
// moves on 1.7 s at every reading (so the review happens seconds after the
// buttons were computed, as when a learner thinks), every review card gets
// the interval its button showed, for each rating.
func TestReviewPlain_IntervalShownIsSaved(t *testing.T) {
	const n = 40
	now := time.Date(2024, 6, 3, 9, 0, 0, 0, time.UTC)
	db := filepath.Join(t.TempDir(), "flash.db")
	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	storeWithReviewCards(t, st, n, now)
	st.Close()

	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, "\n%d\n", 2+i%2) // Hard, Good in turn
	}
	clk := &tickingClock{t: now, step: 1700 * time.Millisecond}
	r := runFlash(t, in.String(), clk.now, "--db", db, "review", "--plain")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	names := map[string]int{"Again": 0, "Hard": 1, "Good": 2, "Easy": 3}
	lines := ratingLineRE.FindAllStringSubmatch(r.stdout, -1)
	saved := savedRE.FindAllStringSubmatch(r.stdout, -1)
	if len(lines) != n || len(saved) != n {
		t.Fatalf("%d rating lines and %d saved lines, want %d each:\n%s", len(lines), len(saved), n, r.stdout)
	}
	goods := map[string]bool{}
	for i := range n {
		shown := lines[i][1+names[saved[i][2]]]
		if got := saved[i][3]; got != shown {
			t.Errorf("%s rated %s: saved due in %s, the button showed %s", saved[i][1], saved[i][2], got, shown)
		}
		// Whole days, so the label is the interval exactly.
		if !strings.HasSuffix(shown, "d") {
			t.Errorf("%s: %s interval %s; the test wants review cards under a month", saved[i][1], saved[i][2], shown)
		}
		goods[lines[i][3]] = true
	}
	if len(goods) < 3 {
		t.Errorf("only %d distinct Good intervals over %d cards: %v", len(goods), n, goods)
	}
}

// TestReviewScreen_IntervalShownIsSaved: in the screen, a learner who
// takes a minute and a half over each answer gets the interval shown on
// the button pressed.
func TestReviewScreen_IntervalShownIsSaved(t *testing.T) {
	const n = 12
	clk := &scrClock{t: time.Date(2024, 6, 3, 9, 0, 0, 0, time.UTC)}
	st, err := storage.Open(filepath.Join(t.TempDir(), "flash.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	storeWithReviewCards(t, st, n, clk.now())
	h := scrStart(t, st, clk, 80, 24)
	for i := range n {
		h.waitText("Front ", "Show answer")
		h.key(' ')
		h.waitText("1 Again", "4 Easy")
		rows := h.rows()
		var hints []string
		for j, row := range rows {
			if strings.Contains(row, "1 Again") {
				hints = strings.Fields(rows[j-1])
			}
		}
		if len(hints) != 4 {
			t.Fatalf("card %d: interval row %q", i, hints)
		}
		clk.add(90 * time.Second)
		r := 2 + i%3
		h.key(rune('0' + r))
		want := fmt.Sprintf("%s saved · next in %s", ratingNames[r-1], hints[r-1])
		h.waitText(want)
	}
	if got := len(scrReviews(t, st)); got < n {
		t.Fatalf("%d reviews stored", got)
	}
}
