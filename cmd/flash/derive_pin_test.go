package main

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/flash-srs/flash/deck"
)

// lastDecimal finds the last plain decimal number in a text.
var lastDecimal = regexp.MustCompile(`\d+(?:[.,](\d+))?`)

// statedTolerance is how far a number written as in from may be from the
// exact value it rounds: half a unit in its last decimal place (0.085:
// 0.0005; 4: 0.5), when from ends in a plain decimal number; else (a
// fraction, √2/e) the number is exact, up to floating point.
func statedTolerance(from string, x float64) float64 {
	exact := 1e-9 * math.Max(1, math.Abs(x))
	m := lastDecimal.FindAllStringSubmatch(from, -1)
	if len(m) == 0 || strings.ContainsAny(from, "/√πe") {
		return exact
	}
	dec := len(m[len(m)-1][1])
	return 0.5*math.Pow(10, -float64(dec)) + exact
}

// TestBuiltinDeriveCards_BackMatchesSimulation: every built-in derive card's
// back states the number(s) its check names, and the simulation, run with
// the card's params, computes them. The back is read the way the review
// reads a learner's answer (package sims/answer: the last number of the
// last "=", "≈" or "→" step, or "name = value" for an output named), so a
// back states each checked number as a result, rounded as written: the
// simulation's number must round to it.
//
// The cards in unpinned do not yet state their numbers so (their backs are
// being rewritten with the deck, issue 12): their mismatches are logged,
// not failed. Remove a card from it once its back states its numbers.
func TestBuiltinDeriveCards_BackMatchesSimulation(t *testing.T) {
	unpinned := map[string]bool{
		"ntk-4-derive-width-spread":        true, // its params are being chosen anew (deck-a)
		"ff-3-derive-best-sigma":           true,
		"la-2-derive-state":                true,
		"hop-1-derive-energy-origin-state": true,
		"hop-1-derive-one-step":            true,
		"hop-3-derive-global":              true,
		"hop-3-derive-single":              true,
		"hop-3-derive-metastable":          true,
	}
	n, pinned := 0, 0
	for _, c := range deck.Builtin().Cards {
		if c.Sim == nil {
			continue
		}
		n++
		if !unpinned[c.ID] {
			pinned++
		}
		t.Run(c.ID, func(t *testing.T) {
			errorf := t.Errorf
			if unpinned[c.ID] {
				errorf = t.Logf
			}
			res, err := runCardSim(c)
			if err != nil {
				t.Fatal(err)
			}
			for _, cmp := range compare(c.Sim, c.Back, res.Numbers) {
				switch {
				case !cmp.HasSim:
					errorf("%s: the simulation does not compute it with the card's params", cmp.Name)
				case !cmp.Mine.OK:
					errorf("%s: the back states no number for it (%s); simulation %s", cmp.Name, cmp.mine(), strconv.FormatFloat(cmp.Sim, 'g', 6, 64))
				default:
					tol := statedTolerance(cmp.Mine.Part.From, cmp.Mine.Value)
					if d := math.Abs(cmp.Mine.Value - cmp.Sim); d > tol {
						errorf("%s: the back says %v (from %q), the simulation %v: %.3g apart, more than the %.3g its rounding allows",
							cmp.Name, cmp.Mine.Value, cmp.Mine.Part.From, cmp.Sim, d, tol)
					}
				}
			}
		})
	}
	if n == 0 || pinned == 0 {
		t.Fatalf("the built-in deck has %d derive cards, %d of them pinned", n, pinned)
	}
}
