package main

import (
	"strings"
	"testing"
)

// TestE2E_ScreenDeriveKeys drives a derive card of the built-in deck in the
// real binary on a pseudo-terminal: a stray key does not type into the
// answer box, Ctrl-Z (undo) and Ctrl-Q (quit) reach flash from inside the
// box (the terminal's raw mode passes them on), and a draft typed before
// the undo comes back with its card.
func TestE2E_ScreenDeriveKeys(t *testing.T) {
	r := startReview(t, "--question", "ntk-3")
	r.wait("q quit")
	rated := 0
	for !strings.Contains(r.term.String(), "Run simulation") {
		if rated == 10 {
			t.Fatalf("no derive card among the first cards of ntk-3:\n%s", r.term.String())
		}
		r.send(" ")
		r.wait("3 Good")
		r.send("3")
		rated++
		r.wait("Good saved")
	}
	r.wait("Enter type answer", "u undo")
	r.send("7") // a stray key: not typed into the box
	r.send("\r")
	r.wait("Ctrl-Z undo", "Ctrl-Q quit")
	r.send("tau_slow = 5")
	r.wait("tau_slow = 5")
	if strings.Contains(r.term.String(), "7tau_slow") {
		t.Fatalf("the stray key was typed into the box:\n%s", r.term.String())
	}
	r.send("\x1a") // Ctrl-Z
	r.wait("Undone: rating Good")
	r.send(" ")
	r.wait("3 Good")
	r.send("3")
	r.wait("Enter type answer", "tau_slow = 5")
	r.send("\r")
	r.wait("Ctrl-Q quit")
	r.send("\x11") // Ctrl-Q
	r.wait("Session finished")
	r.send("q")
	r.waitExit()
	if got := r.reviews(); len(got) != rated {
		t.Errorf("review log = %v, want %d ratings (the undone one given again)", got, rated)
	}
}
