package main

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
	h.waitText("За какое время τ₁", "Your answer", "Run simulation", "Esc leave the box", "derive d1")

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
	h.typeText("no number")
	h.special(tcell.KeyEscape) // leaves the box; keys are commands again
	h.waitText("Tab type answer", "s suspend")
	h.key('?')
	h.waitText("On a derive card", "run the simulation")
	h.key('x')
	h.waitGone("On a derive card")
	h.special(tcell.KeyTab) // back into the box
	h.waitText("Esc leave the box")
	h.typeText("!")
	h.special(tcell.KeyEscape)
	h.waitText("Tab type answer")
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
