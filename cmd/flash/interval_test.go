package main

import (
	"fmt"
	"github.com/flash-srs/flash/cmd/flash/internal/flashtest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flash-srs/flash/storage"
)

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
	flashtest.StoreWithReviewCards(t, st, n, now)
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
