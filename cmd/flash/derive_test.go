package main

import (
	"github.com/flash-srs/flash/cmd/flash/internal/show"
	"math"
	"strings"
	"testing"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
)

// TestCompare puts the numbers read from answers next to the outputs a
// check names, one line each, saying which number was taken.
func TestCompare(t *testing.T) {
	nums := map[string]float64{"tau_slow": 4, "tau_fast": 1, "spread_wide": 0.0842, "S_11": 5}
	tests := []struct {
		check  []string
		answer string
		want   []string // each comparison's line
	}{
		{[]string{"tau_slow — время"}, "я думаю 5",
			[]string{`tau_slow: simulation 4 · you: 5, from "5" · 25.0% apart`}},
		{[]string{"spread_wide"}, "разброс ∝ 1/√w, при w=1024 ≈ 0.339/4 ≈ 0.085",
			[]string{`spread_wide: simulation 0.0842 · you: 0.085, from "≈ 0.085" · 1.0% apart`}},
		{[]string{"S_11"}, "S₂(1,1) → 5",
			[]string{`S_11: simulation 5 · you: 5, from "→ 5" · 0.0% apart`}},
		{[]string{"S_11"}, "S = [[5,4],[10,2]]",
			[]string{`S_11: simulation 5 · you: 5, element (1,1) of "= [[5,4],[10,2]]" · 0.0% apart`}},
		{[]string{"tau_slow"}, "(4,4)",
			[]string{`tau_slow: simulation 4 · you: a vector, "(4,4)"; write the one number for tau_slow`}},
		{[]string{"tau_slow"}, "не знаю",
			[]string{`tau_slow: simulation 4 · you: no number found; type one to compare`}},
		{[]string{"cond"}, "5",
			[]string{`cond: the simulation did not compute it with these params · you: 5, from "5"`}},
		{[]string{"tau_fast", "tau_slow"}, "τ_slow = 1/(ηλ_min) = 4.2\nτ_fast = 1",
			[]string{`tau_fast: simulation 1 · you: 1, from "= 1" · 0.0% apart`,
				`tau_slow: simulation 4 · you: 4.2, from "= 4.2" · 5.0% apart`}},
	}
	for _, tt := range tests {
		cs := show.Compare(&deck.Sim{Check: tt.check}, tt.answer, nums)
		var got []string
		for _, c := range cs {
			got = append(got, c.String())
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("show.Compare(%q, %q):\n got %q\nwant %q", tt.check, tt.answer, got, tt.want)
		}
	}
	c := show.Compare(&deck.Sim{Check: []string{"tau_slow — время"}}, "5", nums)[0]
	if c.Note != "время" || math.Abs(c.RelErr-0.25) > 1e-12 || c.Verdict() != "roughly" {
		t.Errorf("comparison = %+v, verdict %s", c, c.Verdict())
	}
}

// TestBuiltin_DeriveCards runs every derive card of the built-in deck with
// its own params and checks that every output its check names is computed,
// so that the screen can put the learner's number next to each.
func TestBuiltin_DeriveCards(t *testing.T) {
	kinds := map[string]int{}
	for _, c := range deck.Builtin().Cards {
		if c.Kind != deck.KindDerive {
			continue
		}
		kinds[c.Sim.Kind]++
		res, err := show.RunCardSim(c)
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		for _, name := range c.Sim.Names() {
			v, ok := res.Numbers[name]
			if !ok {
				t.Errorf("%s: check names %s, which %s does not compute with the card's params", c.ID, name, c.Sim.Kind)
				continue
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: %s = %v", c.ID, name, v)
			}
		}
	}
	total := 0
	for _, n := range kinds {
		total += n
	}
	if total < 6 {
		t.Errorf("%d derive cards, want at least 6", total)
	}
	for _, k := range []string{"ntk-decay", "linear-attention", "hopfield"} {
		if kinds[k] == 0 {
			t.Errorf("no derive card runs %s", k)
		}
	}
	if _, ok := sims.Lookup("ntk-decay"); !ok {
		t.Fatal("sims lost ntk-decay")
	}
}
