package main

import (
	"math"
	"testing"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
)

func TestFirstNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"tau = 5", 5, true},
		{"примерно 2,5 шага", 2.5, true},
		{"−0.25", -0.25, true},
		{"1e-3 or so", 0.001, true},
		{"no number here", 0, false},
	}
	for _, tt := range tests {
		got, ok := firstNumber(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("firstNumber(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAnswerNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"4", 4},
		{"τ₁ = 1/(ηλ_max) = 1.05", 1.05},
		{"tau = 4.5", 4.5},
		{"около 3, потому что λ = ", 3},
	}
	for _, tt := range tests {
		if got, ok := answerNumber(tt.in); !ok || got != tt.want {
			t.Errorf("answerNumber(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	nums := map[string]float64{"tau_slow": 4, "tau_fast": 1}
	one := &deck.Sim{Check: []string{"tau_slow — время"}}
	cs := compare(one, "я думаю 5", nums)
	if len(cs) != 1 {
		t.Fatalf("compare gave %d lines, want 1", len(cs))
	}
	c := cs[0]
	if c.Name != "tau_slow" || c.Note != "время" || !c.HasSim || !c.HasMine || c.Sim != 4 || c.Mine != 5 || math.Abs(c.RelErr-0.25) > 1e-12 {
		t.Fatalf("compare = %+v", c)
	}
	if c := compare(one, "не знаю", nums)[0]; c.HasMine {
		t.Errorf("compared although the answer has no number: %+v", c)
	}
	if c := compare(&deck.Sim{Check: []string{"cond"}}, "5", nums)[0]; c.HasSim {
		t.Errorf("compared with an output the run left out: %+v", c)
	}
	// Several outputs: one line each, in the check's order.
	two := &deck.Sim{Check: []string{"tau_fast", "tau_slow"}}
	cs = compare(two, "tau_slow = 4.2\ntau_fast = 1", nums)
	if len(cs) != 2 || cs[0].Name != "tau_fast" || cs[0].Mine != 1 || cs[1].Name != "tau_slow" || cs[1].Mine != 4.2 {
		t.Errorf("compare with two outputs = %+v", cs)
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
		res, err := runCardSim(c)
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
