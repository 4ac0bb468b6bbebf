package answer

import (
	"math"
	"testing"
)

func TestCompare(t *testing.T) {
	nums := map[string]float64{"tau": 2, "zero": 0}
	checks := []Check{{Name: "tau", Note: "the slow one"}, {Name: "zero"}, {Name: "gone"}}
	cs := Compare(checks, "tau = 2.2, zero = 0.01, gone = 3", nums)
	if len(cs) != 3 {
		t.Fatalf("%d comparisons, want 3", len(cs))
	}
	if c := cs[0]; c.Name != "tau" || c.Note != "the slow one" || !c.HasSim || !c.Mine.OK || math.Abs(c.RelErr-0.1) > 1e-12 || c.Verdict() != "roughly" {
		t.Errorf("tau: %+v, verdict %s; want relative error 0.1, roughly", c, c.Verdict())
	}
	if c := cs[1]; !c.Mine.OK || math.Abs(c.RelErr-0.01) > 1e-12 || c.Verdict() != "close" {
		t.Errorf("zero: %+v; want the absolute error 0.01, close", c)
	}
	if c := cs[2]; c.HasSim || c.RelErr != 0 {
		t.Errorf("gone: %+v; want no simulation number and no error", c)
	}
	for _, tt := range []struct {
		rel  float64
		want string
	}{{0, "close"}, {0.05, "close"}, {0.051, "roughly"}, {0.25, "roughly"}, {0.26, "far off"}} {
		if got := (Comparison{RelErr: tt.rel}).Verdict(); got != tt.want {
			t.Errorf("Verdict at %v = %s, want %s", tt.rel, got, tt.want)
		}
	}
}
