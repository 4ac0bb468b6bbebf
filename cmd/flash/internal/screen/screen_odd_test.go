package screen

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/flashtest"
	"github.com/flash-srs/flash/storage"
	"github.com/gdamore/tcell/v2"
)

// TestOddText_Screen shows and rates every odd card on the review screen at
// several sizes, scrolling each back to its end, and resizes to 20×5 and
// back in the middle of a card.
func TestOddText_Screen(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 16}, {203, 61}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			st, clk := scrOpen(t, flashtest.OddDeck())
			h := scrStart(t, st, clk, size[0], size[1])
			for i := range flashtest.OddCards() {
				h.waitText("Show answer")
				if i == 2 {
					h.resize(20, 5)
					h.waitText("terminal")
					h.key(' ') // ignored while too small
					h.resize(size[0], size[1])
					h.waitText("Show answer")
				}
				h.key(' ')
				h.waitText("1 Again")
				h.special(tcell.KeyEnd)
				h.special(tcell.KeyPgUp)
				h.special(tcell.KeyDown)
				h.key('4')
				h.waitText("Easy saved")
			}
			if got := scrReviews(t, st); len(got) != len(flashtest.OddCards()) {
				t.Errorf("log = %v", got)
			}
		})
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
	flashtest.StoreWithReviewCards(t, st, n, clk.now())
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
