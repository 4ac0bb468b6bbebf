package deck_test

import (
	"math"
	"strings"
	"testing"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
)

// ntkFourierNumbers pins the numbers the derive cards of ntk-1…ntk-4 and
// ff-1…ff-3 state on their backs, one per check and in the check's order.
var ntkFourierNumbers = map[string][]stated{
	"ntk-3-derive-slow-mode": {
		{"tau_fast", "1/(0.2·4) = 1.25", 1.25, 1e-12},
		{"tau_slow", "1/(0.2·1) = 5", 5, 1e-12},
	},
	"ntk-4-derive-width-spread": {
		{"spread_wide", "разброс 0.083", 0.083, 5e-4},
		{"change_wide", "изменение 0.025", 0.025, 5e-4},
	},
	"ff-2-derive-decay": {
		{"lambda_max", "λ_max = 3", 3, 1e-12},
		{"lambda_min", "λ_min = 1", 1, 1e-12},
		{"tau_slow", "τ_slow = 1/(0.25·1) = 4", 4, 1e-12},
		{"residual_end", "√2/e ≈ 0.520", math.Sqrt2 / math.E, 1e-12},
	},
	"ff-3-derive-best-sigma": {
		{"best_sigma", "Ответ: σ = 3", 3, 0},
	},
}

// TestBuiltin_NTKFourierDeriveNumbers runs each derive card of the NTK and
// Fourier-features questions and checks that every number its back states
// for a check is on the back and is what the simulation computes.
func TestBuiltin_NTKFourierDeriveNumbers(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range deck.Builtin().Cards {
		if c.Kind != deck.KindDerive || !(strings.HasPrefix(c.Question, "ntk-") || strings.HasPrefix(c.Question, "ff-")) {
			continue
		}
		want, ok := ntkFourierNumbers[c.ID]
		if !ok {
			t.Errorf("%s: derive card without pinned numbers; add it to ntkFourierNumbers", c.ID)
			continue
		}
		seen[c.ID] = true
		names := c.Sim.Names()
		if len(names) != len(want) {
			t.Errorf("%s: checks %v, pinned %d numbers", c.ID, names, len(want))
			continue
		}
		res, err := sims.Run(c.Sim.Kind, c.Sim.Params)
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		for i, w := range want {
			if names[i] != w.check {
				t.Errorf("%s: check %d is %s, pinned %s", c.ID, i+1, names[i], w.check)
				continue
			}
			if !strings.Contains(c.Back, w.shown) {
				t.Errorf("%s: the back no longer states %q", c.ID, w.shown)
			}
			got, ok := res.Numbers[w.check]
			if !ok || math.Abs(got-w.value) > w.tol {
				t.Errorf("%s: %s = %v (present %v); the back states %v (±%g)", c.ID, w.check, got, ok, w.value, w.tol)
			}
		}
	}
	for id := range ntkFourierNumbers {
		if !seen[id] {
			t.Errorf("%s is pinned but is no derive card of the built-in deck", id)
		}
	}
}
