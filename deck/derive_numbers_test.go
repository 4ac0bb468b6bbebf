package deck_test

import (
	"math"
	"strings"
	"testing"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
)

// stated is a number a derive card's back states for one of its checks:
// the text as written on the back, its value, and how far the simulation
// may be from it (the back rounds).
type stated struct {
	check string
	shown string
	value float64
	tol   float64
}

// deriveNumbers pins the numbers each derive card of the built-in deck
// states on its back, one per check and in the check's order. The values
// are worked out by hand (25/11, 11/12, √2/e, …), independently of the
// simulations they are compared with.
var deriveNumbers = map[string][]stated{
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
	"la-2-derive-state": {
		{"S_11", "S₂[1,1] = 5", 5, 0},
		{"y_last_1", "первая компонента ≈ 2.273", 25.0 / 11, 5e-4},
	},
	"la-3-derive-output": {
		{"S_11", "s₃[1,1] = 3", 3, 0},
		{"z_1", "z₃[1] = 4", 4, 0},
		{"y_last_1", "11/12 ≈ 0.917", 11.0 / 12, 1e-12},
	},
	"la-3-derive-state-size": {
		{"state_floats_min", "наименьшее = наибольшее = 4160", 4160, 0},
		{"state_floats_max", "наименьшее = наибольшее = 4160", 4160, 0},
		{"kv_cache_floats", "1000·128 = 128 000", 128000, 0},
	},
	"hop-1-derive-energy-origin-state": {
		{"energy_before", "E(ξ) = −log 2 + log 2 + 2 = 2", 2, 1e-12},
		{"energy_after", "E(ξ_new) ≈ −2.2014 + 0.625 + 0.6931 + 2 ≈ 1.1167", 1.1167, 5e-5},
	},
	"hop-1-derive-one-step": {
		{"p_max", "max p = 0.75", 0.75, 1e-12},
		{"xi_new_1", "первая координата 0.75", 0.75, 1e-12},
	},
	"hop-3-derive-global": {
		{"fixed_point_p_max", "max p* = 0.5", 0.5, 1e-9},
		{"jacobian_norm", "‖J‖₂ = 0.5", 0.5, 1e-9},
	},
	"hop-3-derive-single": {
		{"p_max", "p₁ = 1/(1 + e⁻⁸) ≈ 0.99966", 0.99966, 5e-6},
		{"fixed_point_p_max", "p₁* = (1 + u)/2 ≈ 0.99966", 0.99966, 5e-6},
	},
	"hop-3-derive-metastable": {
		{"fixed_point_p_max", "max p* ≈ 0.5", 0.49999, 5e-6},
		{"fixed_point_k", "k = 2", 2, 0},
	},
}

// TestBuiltin_DeriveNumbers runs each derive card of the built-in deck
// and checks that every number its back states for a check is on the back
// and is what the simulation computes, so a change to a card or a sim that
// breaks one is caught.
func TestBuiltin_DeriveNumbers(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range deck.Builtin().Cards {
		if c.Kind != deck.KindDerive {
			continue
		}
		want, ok := deriveNumbers[c.ID]
		if !ok {
			t.Errorf("%s: derive card without pinned numbers; add it to deriveNumbers", c.ID)
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
	for id := range deriveNumbers {
		if !seen[id] {
			t.Errorf("%s is pinned but is no derive card of the built-in deck", id)
		}
	}
}
