package screen

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
)

// scrDeriveDeck starts with a derive card on the ntk-decay simulation; its
// check names tau_fast, which is 1 when η = 1/λ_max.
var scrDeriveDeck = `
format = 1
id = "t"
title = "Derive deck"

[[question]]
id = "ff-2"
paper = "Fourier Features"
text = "Скорость затухания компонент."

[[card]]
id = "d1"
question = "ff-2"
kind = "derive"
front = "За какое время τ₁ компонента с λ_max падает в e раз при η = 1/λ_max?"
back = "τᵢ = 1/(ηλᵢ), так что τ₁ = 1."
[card.sim]
kind = "ntk-decay"
params = { n = 8 }
check = "tau_fast: compare your τ₁"

[[card]]
id = "b1"
question = "ff-2"
front = "Basic after derive"
back = "Back of the basic card"
`

func TestReviewScreen_DeriveCard(t *testing.T) {
	st, clk := scrOpen(t, scrDeriveDeck)
	h := scrStart(t, st, clk, 100, 40)
	h.waitText("За какое время τ₁", "Your answer", "Run simulation", "Enter type answer", "derive d1")
	h.special(tcell.KeyEnter) // into the box
	h.waitText("Esc leave the box")

	// In the answer box letters type, even the command keys.
	h.typeText("qusbf? 1,05 — примерно")
	h.special(tcell.KeyEnter)
	h.typeText("u1234")
	s := h.waitText("qusbf? 1,05 — примерно", "u1234")
	if strings.Contains(s, "Session finished") || strings.Contains(s, "Suspended") {
		t.Fatalf("a letter in the answer box ran a command:\n%s", s)
	}
	if got := scrReviews(t, st); len(got) != 0 {
		t.Fatalf("typing rated a card: %v", got)
	}

	h.special(tcell.KeyCtrlR)
	s = h.waitText("Simulation · ntk-decay", "Check tau_fast: compare your τ₁", "Card's answer", "τᵢ = 1/(ηλᵢ)", "Chart",
		"tau_fast: simulation 1 · you: 1.05, from \"1,05\"", "5.0%", "apart (close)", "lambda_max", "1 Again", "4 Easy")
	if !strings.Contains(s, "▁") && !strings.Contains(s, "█") {
		t.Errorf("no sparkline in the chart:\n%s", s)
	}
	// The learner's answer, the simulation and the back are side by side.
	var sideBySide bool
	for _, r := range strings.Split(s, "\n") {
		if strings.Contains(r, "Your answer") && strings.Contains(r, "Simulation · ntk-decay") {
			sideBySide = true
		}
	}
	if !sideBySide {
		t.Errorf("answer and simulation not side by side:\n%s", s)
	}

	h.special(tcell.KeyTab) // next pane; not a rating
	h.key('3')
	h.waitText("Basic after derive", "Good saved")
	got := scrReviews(t, st)
	if want := "d1 Good qusbf? 1,05 — примерно\nu1234"; len(got) != 1 || got[0] != want {
		t.Fatalf("log = %q, want [%q]", got, want)
	}

	// Undo brings the card back with the answer typed before.
	h.key('u')
	h.waitText("За какое время τ₁", "Undone: rating Good of d1.", "qusbf? 1,05 — примерно")
	if got := scrReviews(t, st); len(got) != 0 {
		t.Fatalf("log after undo = %v", got)
	}
}

func TestReviewScreen_DeriveEscAndCommands(t *testing.T) {
	st, clk := scrOpen(t, scrDeriveDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("За какое время τ₁", "Ctrl-R run simulation")
	h.special(tcell.KeyTab)
	h.waitText("Esc leave the box")
	h.typeText("no number")
	h.special(tcell.KeyEscape) // leaves the box; keys are commands again
	h.waitText("Enter type answer", "u undo")
	h.key('?')
	h.waitText("On a derive card", "run the simulation")
	h.key('x')
	h.waitGone("On a derive card")
	h.special(tcell.KeyTab) // back into the box
	h.waitText("Esc leave the box")
	h.typeText("!")
	h.special(tcell.KeyEscape)
	h.waitText("Enter type answer")
	h.key(' ') // Space outside the box runs the simulation too
	s := h.waitText("Simulation · ntk-decay", "tau_fast: simulation 1", "you: no number", "no number!")
	if strings.Contains(s, "apart") {
		t.Errorf("a comparison without a typed number:\n%s", s)
	}
	h.key('s') // suspend works on the result screen
	h.waitText("Suspended d1", "Basic after derive")
	h.key('u')
	h.waitText("За какое время τ₁", "Undone: suspend of d1.")
}

func TestReviewScreen_DeriveWide(t *testing.T) {
	st, clk := scrOpen(t, scrDeriveDeck)
	h := scrStart(t, st, clk, 140, 40)
	h.waitText("За какое время τ₁")
	h.special(tcell.KeyEnter)
	h.waitText("Esc leave the box")
	h.typeText("1")
	h.special(tcell.KeyCtrlR)
	s := h.waitText("Simulation · ntk-decay", "0.0% apart")
	// Three columns: answer, simulation, back on one row.
	var three bool
	for _, r := range strings.Split(s, "\n") {
		a, b, c := strings.Index(r, "Your answer"), strings.Index(r, "Simulation"), strings.Index(r, "Card's answer")
		if a >= 0 && b > a && c > b {
			three = true
		}
	}
	if !three {
		t.Errorf("no three columns at 140×40:\n%s", s)
	}
}

// scrTwoDerive has two derive cards, then a basic one.
var scrTwoDerive = `
format = 1
id = "t"
title = "Two derive"

[[question]]
id = "q"
paper = "P"
text = "Q"

[[card]]
id = "d1"
question = "q"
kind = "derive"
front = "First derive front"
back = "First back"
[card.sim]
kind = "ntk-decay"
params = { n = 8 }
check = "tau_fast"

[[card]]
id = "d2"
question = "q"
kind = "derive"
front = "Second derive front"
back = "Second back"
[card.sim]
kind = "ntk-decay"
params = { n = 8 }
check = "tau_fast"

[[card]]
id = "b1"
question = "q"
front = "Basic front"
back = "Basic back"
`

// sync waits until every key sent before it has been handled: it opens
// the key help and closes it again (keys are handled in order).
func (h *scrHarness) sync() {
	h.t.Helper()
	h.key('?')
	h.waitText("On a derive card")
	h.key('x')
	h.waitGone("On a derive card")
}

// TestReviewScreen_DeriveKeysAfterRating: after rating a derive card, stray
// keys do not land in the next card's answer box and u undoes; in the box,
// Ctrl-Z undoes and Ctrl-Q quits without leaving it, and the footer says
// so; a draft typed before an undo comes back with its card.
func TestReviewScreen_DeriveKeysAfterRating(t *testing.T) {
	st, clk := scrOpen(t, scrTwoDerive)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("First derive front", "Enter type answer", "u undo", "q quit")

	h.special(tcell.KeyEnter) // into the box
	h.waitText("Ctrl-Z undo", "Ctrl-Q quit", "Esc leave the box")
	h.typeText("τ = 1")
	h.special(tcell.KeyCtrlR)
	h.waitText("Simulation · ntk-decay", "apart")
	h.key('3')
	h.waitText("Second derive front", "Good saved", "Enter type answer")

	// Stray keys after the rating: a second 3, a letter, a digit.
	h.typeText("3x7")
	h.sync()
	if s := h.screen(); strings.Contains(s, "3x7") || strings.Contains(s, "x7") {
		t.Fatalf("stray keys landed in the next card's box:\n%s", s)
	}
	if got := scrReviews(t, st); len(got) != 1 {
		t.Fatalf("log = %q, want one rating", got)
	}

	// u undoes straight away; it is not typed into the box.
	h.key('u')
	s := h.waitText("First derive front", "Undone: rating Good of d1.", "τ = 1")
	if strings.Contains(s, "τ = 1u") {
		t.Fatalf("u was typed into the box:\n%s", s)
	}
	if got := scrReviews(t, st); len(got) != 0 {
		t.Fatalf("log after undo = %q", got)
	}

	// Rate d1 again, type a draft on d2, and undo from inside the box.
	h.key(' ') // outside the box Space runs the simulation
	h.waitText("Simulation · ntk-decay")
	h.key('4')
	h.waitText("Second derive front", "Easy saved")
	h.special(tcell.KeyEnter)
	h.typeText("draft on d2")
	h.waitText("draft on d2")
	h.special(tcell.KeyCtrlZ)
	h.waitText("First derive front", "Undone: rating Easy of d1.", "τ = 1")
	if got := scrReviews(t, st); len(got) != 0 {
		t.Fatalf("log after Ctrl-Z = %q", got)
	}

	// The draft comes back with its card.
	h.key(' ')
	h.waitText("Simulation · ntk-decay")
	h.key('3')
	h.waitText("Second derive front", "draft on d2")

	// Ctrl-Q quits from inside the box.
	h.special(tcell.KeyEnter)
	h.waitText("Ctrl-Q quit")
	h.special(tcell.KeyCtrlQ)
	h.waitText("Session finished")
	if got := scrReviews(t, st); len(got) != 1 || got[0] != "d1 Good τ = 1" {
		t.Fatalf("log = %q, want [d1 Good τ = 1]", got)
	}
}
