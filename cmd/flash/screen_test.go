package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
	"github.com/gdamore/tcell/v2"
	"github.com/open-spaced-repetition/go-fsrs/v3"
	"github.com/rivo/tview"
)

// scrDeck has three basic cards with formulas and Cyrillic text; the back
// of the second is long enough to scroll at 80×24.
var scrDeck = `
format = 1
id = "t"
title = "Test deck"
language = "ru"

[[question]]
id = "q1"
paper = "Neural Tangent Kernel (Jacot et al., 2018)"
text = "Определите NTK [и не только]."

[[question]]
id = "q2"
paper = "Transformers are RNNs"
text = "Линейное внимание."

[[card]]
id = "c1"
question = "q1"
front = "Что такое Θ⁽ᴸ⁾(θ)?"
back = "Θ⁽ᴸ⁾(θ) = Σₚ ∂_{θ_p}F⁽ᴸ⁾ ⊗ ∂_{θ_p}F⁽ᴸ⁾ — ядро [0, T]"

[[card]]
id = "c2"
question = "q1"
front = "Как меняется NTK при обучении?"
back = """
` + strings.Repeat("Строка ответа.\n", 40) + `Последняя строка."""

[[card]]
id = "c3"
question = "q2"
front = "φ(x) = elu(x) + 1: зачем +1?"
back = "Чтобы φ(x) > 0."
`

// scrClock is a settable clock for the session under test.
type scrClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *scrClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *scrClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// scrHarness runs the review screen in a tview application on a tcell
// simulation screen.
type scrHarness struct {
	t     *testing.T
	app   *tview.Application
	sim   tcell.SimulationScreen
	ui    *reviewUI
	st    *storage.Store
	clock *scrClock
	ran   chan struct{} // closed when app.Run returns
	err   error         // what app.Run returned
	stop  chan struct{}
}

// scrOpen imports deckTOML into a new store and returns it with the clock
// the session will use.
func scrOpen(t *testing.T, deckTOML string) (*storage.Store, *scrClock) {
	t.Helper()
	clk := &scrClock{t: time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)}
	st, err := storage.Open(filepath.Join(t.TempDir(), "flash.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d, err := deck.Parse("test.toml", []byte(deckTOML))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(d, storage.Source{Hash: "test"}, clk.now(), false); err != nil {
		t.Fatal(err)
	}
	return st, clk
}

// scrStart builds a session on st and runs the screen at w×h.
func scrStart(t *testing.T, st *storage.Store, clk *scrClock, w, h int) *scrHarness {
	t.Helper()
	decks, err := st.Decks()
	if err != nil {
		t.Fatal(err)
	}
	// As 'flash review' opens it: settings (fitted weights, an exam) read.
	s, err := session.New(st, decks, "", clk.now)
	if err != nil {
		t.Fatal(err)
	}
	sim := tcell.NewSimulationScreen("UTF-8")
	app := tview.NewApplication()
	app.SetScreen(sim) // initialises sim
	sim.SetSize(w, h)
	app.EnableMouse(true)
	ui := newReviewScreen(app, sim, s, screenOptions{tick: 10 * time.Millisecond})
	app.SetRoot(ui, true)
	hs := &scrHarness{t: t, app: app, sim: sim, ui: ui, st: st, clock: clk,
		ran: make(chan struct{}), stop: make(chan struct{})}
	go func() { hs.err = app.Run(); close(hs.ran) }()
	t.Cleanup(func() {
		app.Stop()
		select {
		case <-hs.ran:
		case <-time.After(5 * time.Second):
			t.Error("app.Run did not return after Stop")
		}
		ui.calls.end()
		hs.stopTicker()
	})
	return hs
}

// startTicker runs the screen's clock ticker, as reviewScreen does.
func (h *scrHarness) startTicker() { go h.ui.runTicker(h.stop) }

func (h *scrHarness) stopTicker() {
	select {
	case <-h.stop:
	default:
		close(h.stop)
	}
}

// rows returns the screen's text, one string per row, read on the event
// loop so that no draw is in progress.
func (h *scrHarness) rows() []string {
	h.t.Helper()
	var rows []string
	h.onLoop(func() {
		cells, w, ht := h.sim.GetContents()
		for y := range ht {
			var b strings.Builder
			for x := range w {
				c := cells[y*w+x]
				if len(c.Runes) == 0 || c.Runes[0] == 0 {
					b.WriteByte(' ')
					continue
				}
				b.WriteString(string(c.Runes))
			}
			rows = append(rows, strings.TrimRight(b.String(), " "))
		}
	})
	return rows
}

func (h *scrHarness) screen() string { return strings.Join(h.rows(), "\n") }

// waitFor polls the screen until ok accepts it, failing after a deadline.
func (h *scrHarness) waitFor(what string, ok func(screen string) bool) string {
	h.t.Helper()
	deadline := time.Now().Add(raceSlow * 5 * time.Second)
	for {
		s := h.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitText waits until every one of texts is on screen.
func (h *scrHarness) waitText(texts ...string) string {
	h.t.Helper()
	return h.waitFor(fmt.Sprintf("%q", texts), func(s string) bool {
		for _, t := range texts {
			if !strings.Contains(s, t) {
				return false
			}
		}
		return true
	})
}

// waitGone waits until text is no longer on screen.
func (h *scrHarness) waitGone(text string) string {
	h.t.Helper()
	return h.waitFor(fmt.Sprintf("%q to go", text), func(s string) bool { return !strings.Contains(s, text) })
}

func (h *scrHarness) key(r rune) { h.sim.InjectKey(tcell.KeyRune, r, tcell.ModNone) }
func (h *scrHarness) special(k tcell.Key) {
	h.sim.InjectKey(k, 0, tcell.ModNone)
}
func (h *scrHarness) typeText(s string) {
	for _, r := range s {
		h.key(r)
	}
}

// onLoop runs f on the event loop and waits for it. It fails the test if
// the application has stopped (QueueUpdate would wait forever).
func (h *scrHarness) onLoop(f func()) {
	h.t.Helper()
	done := make(chan struct{})
	go func() {
		h.app.QueueUpdate(f)
		close(done)
	}()
	select {
	case <-done:
	case <-h.ran:
		h.t.Fatalf("the screen has stopped (app.Run returned %v)", h.err)
	case <-time.After(raceSlow * 10 * time.Second):
		h.t.Fatalf("the event loop did not run an update within %v", raceSlow*10*time.Second)
	}
}

// resize changes the simulated terminal's size the way a real resize does.
func (h *scrHarness) resize(w, ht int) {
	h.sim.SetSize(w, ht)
	if err := h.sim.PostEvent(tcell.NewEventResize(w, ht)); err != nil {
		h.t.Fatal(err)
	}
}

// reviews returns the review log as "card rating answer" strings.
func scrReviews(t *testing.T, st *storage.Store) []string {
	t.Helper()
	var out []string
	err := st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error {
		out = append(out, strings.TrimSpace(r.Card+" "+r.Rating.String()+" "+r.Answer))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func scrState(t *testing.T, st *storage.Store, id string) storage.CardState {
	t.Helper()
	states, err := st.States("t")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range states {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("card %s not in store", id)
	return storage.CardState{}
}

func TestReviewScreen_RevealRateCounts(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)

	s := h.waitText("Test deck", "3 new · 0 learning · 0 review", "Что такое Θ⁽ᴸ⁾(θ)?", "Show answer")
	// The header names the paper and the exam question; tags-like text
	// ("[и не только]") is shown as written.
	for _, want := range []string{"Neural Tangent Kernel (Jacot et al., 2018)", "q1  Определите NTK [и не только].", "c1"} {
		if !strings.Contains(s, want) {
			t.Errorf("header lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "Σₚ") || strings.Contains(s, "1 Again") {
		t.Fatalf("back or rating buttons shown before reveal:\n%s", s)
	}

	h.key(' ')
	h.waitText("Θ⁽ᴸ⁾(θ) = Σₚ ∂_{θ_p}F⁽ᴸ⁾ ⊗ ∂_{θ_p}F⁽ᴸ⁾ — ядро [0, T]", "1 Again", "2 Hard", "3 Good", "4 Easy")
	var want []string
	h.onLoop(func() {
		for _, o := range h.ui.cur.Preview {
			want = append(want, scheduler.FormatInterval(o.Interval))
		}
	})
	if got := want[:3]; strings.Join(got, " ") != "1m 5m 10m" {
		t.Errorf("new-card intervals = %v, want [1m 5m 10m]", got)
	}
	// The intervals sit on the row above the buttons, in button order.
	rows := h.rows()
	var hints string
	for i, r := range rows {
		if strings.Contains(r, "1 Again") {
			hints = strings.Join(strings.Fields(rows[i-1]), " ")
		}
	}
	if hints != strings.Join(want, " ") {
		t.Errorf("interval row = %q, want %q", hints, strings.Join(want, " "))
	}

	h.key('3')
	h.waitText("2 new · 1 learning · 0 review", "Как меняется NTK при обучении?", "Good saved · next in 10m")
	if got := scrReviews(t, st); len(got) != 1 || got[0] != "c1 Good" {
		t.Fatalf("log = %v, want [c1 Good]", got)
	}
	// Enter reveals too; Space on the answer is Good, as in Anki.
	h.special(tcell.KeyEnter)
	h.waitText("Строка ответа.", "1 Again")
	h.key(' ')
	h.waitText("φ(x) = elu(x) + 1: зачем +1?", "1 new · 2 learning · 0 review")
	if got := scrReviews(t, st); len(got) != 2 || got[1] != "c2 Good" {
		t.Fatalf("log = %v, want [c1 Good c2 Good]", got)
	}
}

func TestReviewScreen_ExamHeader(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	set := exam.Settings{Date: "2024-01-14", Target: 0.9, Minutes: 30}
	if err := st.SetSetting(exam.Key("t"), set.Encode()); err != nil {
		t.Fatal(err)
	}
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("exam in 12 days", "3 new · 0 learning · 0 review")
	if first := h.rows()[0]; !strings.Contains(first, "Test deck · exam in 12 days") {
		t.Errorf("header row %q", first)
	}
	// Without an exam the header says nothing of one.
	st2, clk2 := scrOpen(t, scrDeck)
	h2 := scrStart(t, st2, clk2, 80, 24)
	if s := h2.waitText("3 new · 0 learning · 0 review"); strings.Contains(s, "exam in") {
		t.Errorf("an exam in the header without one:\n%s", s)
	}
}

func TestReviewScreen_LongAnswerScrolls(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("Что такое")
	h.key('b') // bury c1 to get to the long card
	h.waitText("Как меняется NTK")
	h.key(' ')
	s := h.waitText("Строка ответа.")
	if strings.Contains(s, "Последняя строка.") {
		t.Fatalf("the whole long answer fits at 80×24?\n%s", s)
	}
	h.special(tcell.KeyEnd)
	h.waitText("Последняя строка.", "1 Again")
	h.special(tcell.KeyHome)
	h.waitText("Как меняется NTK при обучении?")
}

func TestReviewScreen_Undo(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("Что такое")
	h.key(' ')
	h.waitText("1 Again")
	h.key('3')
	h.waitText("Как меняется NTK", "2 new · 1 learning")

	h.key('u')
	s := h.waitText("Что такое Θ⁽ᴸ⁾(θ)?", "3 new · 0 learning · 0 review", "Undone: rating Good of c1.")
	if strings.Contains(s, "Σₚ") {
		t.Errorf("undone card shown with its back:\n%s", s)
	}
	if got := scrReviews(t, st); len(got) != 0 {
		t.Errorf("log after undo = %v, want empty", got)
	}
	if c := scrState(t, st, "c1"); c.FSRS.State != fsrs.New {
		t.Errorf("c1 after undo in state %v, want New", c.FSRS.State)
	}
	h.key('u')
	h.waitText("Nothing to undo.")
}

func TestReviewScreen_UndoAfterLastCard(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("Что такое")
	h.key('s')
	h.waitText("Как меняется")
	h.key('s')
	h.waitText("зачем +1?")
	h.key(' ')
	h.waitText("1 Again")
	h.key('4') // Easy: due in days, so nothing is left
	s := h.waitText("Congratulations! You have finished for now.", "The next card is due", "0 new · 0 learning · 0 review")
	if !strings.Contains(s, "u undo") {
		t.Errorf("empty screen does not offer undo:\n%s", s)
	}
	h.key('u')
	h.waitText("зачем +1?", "1 new · 0 learning · 0 review", "Undone: rating Easy of c3.")
	if got := scrReviews(t, st); len(got) != 0 {
		t.Errorf("log after undo = %v, want empty", got)
	}
}

func TestReviewScreen_SuspendBuryFlag(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("Что такое", "3 new")

	h.key('f')
	h.waitText("⚑ flagged", "Flagged c1 as needing a fix")
	if !scrState(t, st, "c1").Flagged {
		t.Error("c1 not flagged in the store")
	}
	h.key('s')
	h.waitText("Как меняется NTK", "2 new · 0 learning", "Suspended c1")
	if !scrState(t, st, "c1").Suspended {
		t.Error("c1 not suspended in the store")
	}
	h.key('b')
	h.waitText("зачем +1?", "1 new · 0 learning", "Buried c2 until tomorrow")
	if got, want := scrState(t, st, "c2").BuriedUntil, time.Date(2024, 1, 3, 4, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("c2 buried until %v, want %v", got, want)
	}

	// Undo in reverse order: bury, suspend, flag.
	h.key('u')
	h.waitText("Как меняется NTK", "2 new", "Undone: bury of c2.")
	if !scrState(t, st, "c2").BuriedUntil.IsZero() {
		t.Error("c2 still buried after undo")
	}
	h.key('u')
	h.waitText("Что такое", "3 new", "Undone: suspend of c1.", "⚑ flagged")
	h.key('u')
	h.waitText("Undone: flag of c1.")
	h.waitGone("⚑ flagged")
	c := scrState(t, st, "c1")
	if c.Suspended || c.Flagged {
		t.Errorf("c1 after undo: %+v, want unflagged and unsuspended", c.Flags)
	}
}

func TestReviewScreen_Leech(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	// c1 is a review card due now with seven lapses: one more makes a leech.
	now := clk.now()
	before := scrState(t, st, "c1").FSRS
	after := before
	after.State, after.Lapses, after.Reps = fsrs.Review, 7, 12
	after.Stability, after.Difficulty = 2, 8
	after.LastReview, after.Due = now.Add(-72*time.Hour), now.Add(-time.Hour)
	if _, err := st.Rate(storage.Review{Deck: "t", Card: "c1", At: now.Add(-72 * time.Hour), Rating: fsrs.Good,
		Before: before, After: after}); err != nil {
		t.Fatal(err)
	}
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("Что такое", "1 review")
	h.key(' ')
	h.waitText("1 Again")
	h.key('1')
	h.waitText("Leech: c1 has lapsed 8 times; it is suspended and flagged")
	c := scrState(t, st, "c1")
	if !c.Suspended || !c.Flagged {
		t.Errorf("leech c1: %+v, want suspended and flagged", c.Flags)
	}
	h.key('u')
	h.waitText("Что такое", "Undone: rating Again of c1.")
	if c := scrState(t, st, "c1"); c.Suspended || c.Flagged {
		t.Errorf("c1 after undoing the leech: %+v", c.Flags)
	}
}

func TestReviewScreen_LearningComesBack(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.startTicker()
	h.waitText("Что такое")
	h.key('s')
	h.waitText("Как меняется")
	h.key('s')
	h.waitText("зачем +1?")
	h.key(' ')
	h.waitText("1 Again")
	h.key('3') // Good: a 10-minute learning step, within learn-ahead: shown again now
	h.waitText("Good saved · next in 10m", "зачем +1?", "0 new · 1 learning · 0 review")
	h.key(' ')
	h.waitText("1 Again")
	h.key('3') // Good again: a review card due in days; nothing is left
	h.waitText("Congratulations!", "The next card is due", "0 new · 0 learning · 0 review")

	// The screen stays open; when the card falls due, the ticker brings it back.
	var at time.Time
	h.onLoop(func() { at, _ = h.ui.s.NextAvailable(h.clock.now()) })
	h.clock.add(at.Sub(h.clock.now()) + time.Minute)
	h.waitText("A card is due again.", "зачем +1?", "0 new · 0 learning · 1 review")
}

func TestReviewScreen_TooSmallAndResize(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 40, 12)
	s := h.waitText("The terminal is 40×12", "60×16")
	if strings.Contains(s, "Что такое") {
		t.Errorf("card drawn in a 40×12 terminal:\n%s", s)
	}
	h.key(' ') // ignored while too small
	h.resize(80, 24)
	s = h.waitText("Что такое Θ⁽ᴸ⁾(θ)?", "Show answer")
	if strings.Contains(s, "flash needs") || strings.Contains(s, "1 Again") {
		t.Errorf("after resizing to 80×24:\n%s", s)
	}
	rows := h.rows()
	if len(rows) != 24 || !strings.Contains(rows[23], "q quit") {
		t.Errorf("the key line is not on the last of 24 rows:\n%s", strings.Join(rows, "\n"))
	}

	h.key(' ')
	h.waitText("1 Again")
	h.resize(132, 40)
	h.waitFor("the layout at 132×40", func(s string) bool {
		rows := strings.Split(s, "\n")
		return len(rows) == 40 && strings.Contains(rows[39], "q quit") && strings.Contains(rows[38], "1 Again")
	})
	// Text keeps a readable width on a wide terminal: it is centered.
	for _, r := range h.rows() {
		if i := strings.Index(r, "Что такое"); i >= 0 && i < 10 {
			t.Errorf("front not centered at 132 columns: %q", r)
		}
	}
	h.resize(50, 30)
	h.waitText("The terminal is 50×30")
	h.resize(60, 16) // the minimum
	h.waitText("1 Again", "q quit")
}

func TestReviewScreen_QuitSummary(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("Что такое")
	h.key(' ')
	h.waitText("1 Again")
	clk.add(90 * time.Second)
	h.key('1')
	h.waitText("Как меняется")
	h.key('q')
	s := h.waitText("Session finished", "Reviewed    1 card", "Again       1 (100%)", "Time        1m 30s", "Left today  2 new · 1 learning · 0 review")
	if strings.Contains(s, "now: ") {
		t.Errorf("the summary calls the card due in 1m due now:\n%s", s)
	}
	if strings.Contains(s, "Как меняется") {
		t.Errorf("card still on the summary screen:\n%s", s)
	}
	h.key('x') // not a key of the summary
	h.waitText("Session finished")
	h.key('q')
	select {
	case <-h.ran:
		if h.err != nil {
			t.Fatal(h.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("q on the summary did not end the screen")
	}
	if sum := h.ui.finalSummary(); sum.Reviewed != 1 || sum.Again != 1 {
		t.Errorf("final summary %+v", sum)
	}
}

func TestReviewScreen_CtrlCEndsCleanly(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("Что такое")
	h.key(' ')
	h.waitText("1 Again")
	h.key('3')
	h.waitText("Как меняется")
	h.special(tcell.KeyCtrlC)
	select {
	case <-h.ran:
		if h.err != nil {
			t.Fatal(h.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Ctrl-C did not end the screen")
	}
	if sum := h.ui.finalSummary(); sum.Reviewed != 1 {
		t.Errorf("summary after Ctrl-C: %+v", sum)
	}
	if got := scrReviews(t, st); len(got) != 1 {
		t.Errorf("log = %v", got)
	}
}

func TestReviewScreen_Help(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("Что такое", "? keys")
	h.key('?')
	h.waitText("Keys", "On a card", "suspend the card", "any key close help")
	h.key('3') // closes the help; it does not rate
	h.waitGone("On a card")
	h.waitText("Что такое", "Show answer")
	if got := scrReviews(t, st); len(got) != 0 {
		t.Errorf("a key closing the help rated a card: %v", got)
	}
}

func TestReviewScreen_MouseButtons(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("Что такое")
	click := func(label string) {
		t.Helper()
		for y, r := range h.rows() {
			if i := strings.Index(r, label); i >= 0 {
				x := len([]rune(r[:i])) + 1
				h.sim.InjectMouse(x, y, tcell.Button1, tcell.ModNone)
				h.sim.InjectMouse(x, y, tcell.ButtonNone, tcell.ModNone)
				return
			}
		}
		t.Fatalf("no %q on screen", label)
	}
	click("Show answer")
	h.waitText("1 Again")
	click("4 Easy")
	h.waitText("Как меняется", "2 new · 0 learning · 0 review", "Easy saved")
	if got := scrReviews(t, st); len(got) != 1 || got[0] != "c1 Easy" {
		t.Errorf("log after clicking Easy = %v", got)
	}
}

func TestSparkline(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ys    []float64
		width int
		want  string
	}{
		{"rising", []float64{0, 1, 2, 3, 4, 5, 6, 7}, 8, "▁▂▃▄▅▆▇█"},
		{"resampled", []float64{0, 0, 7, 7}, 2, "▁█"},
		{"stretched", []float64{0, 7}, 4, "▁▁██"},
		{"flat", []float64{3, 3, 3}, 3, "▄▄▄"},
		// Decades apart: a log scale shows the steady decay.
		{"log", []float64{1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7}, 8, "█▇▆▅▄▃▂▁"},
		{"nan", []float64{0, nanF(), 1}, 3, "▁ █"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sparkline(tc.ys, tc.width); got != tc.want {
				t.Errorf("sparkline(%v, %d) = %q, want %q", tc.ys, tc.width, got, tc.want)
			}
		})
	}
}

func nanF() float64 { var z float64; return z / z }

func TestWrapText(t *testing.T) {
	got := wrapText("Θ⁽ᴸ⁾(θ) = Σ ∂F ⊗ ∂F, где Θ — ядро\nвторая", 12)
	want := []string{"Θ⁽ᴸ⁾(θ) = Σ", "∂F ⊗ ∂F, где", "Θ — ядро", "вторая"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrapText = %q, want %q", got, want)
	}
	if got := fit("Neural Tangent Kernel", 10); got != "Neural Ta…" {
		t.Errorf("fit = %q", got)
	}
}

// TestReviewScreen_BackupFailureSaid: when the day's backup cannot be
// written (a file named "backups" is in the way) the rating is still saved
// and the status line says the backup failed.
func TestReviewScreen_BackupFailureSaid(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	if err := os.WriteFile(filepath.Join(filepath.Dir(st.Path()), "backups"), []byte("in the way"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := scrStart(t, st, clk, 80, 24)
	// Set before the first key: the key event orders it before the rating.
	h.ui.s.Backups = dailyBackup(st)
	h.waitText("Что такое")
	h.key(' ')
	h.waitText("1 Again")
	h.key('3')
	h.waitText("Good saved · the daily backup failed")
	if got := scrReviews(t, st); len(got) != 1 {
		t.Errorf("log = %v, want the one rating", got)
	}
}
