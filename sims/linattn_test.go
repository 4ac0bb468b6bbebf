package sims

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLinearAttention_StateDoesNotGrow runs the recurrence at several N
// and checks that its state holds d·dᵥ + d floats after every token, at
// every N, while a key/value cache would grow as N·(d + dᵥ).
func TestLinearAttention_StateDoesNotGrow(t *testing.T) {
	const n, d, dv = 50, 3, 5
	lengths := []int{1, 7, 64, 300, 2000}
	res, err := Run("linear-attention", map[string]any{"n": n, "d": d, "dv": dv, "lengths": lengths, "sizes": []int{}})
	if err != nil {
		t.Fatal(err)
	}
	js := res.JSON.(linAttnJSON)
	if len(js.States) != len(lengths)+1 || js.States[0].N != n {
		t.Fatalf("states = %+v", js.States)
	}
	for i, row := range js.States {
		if i > 0 && row.N != lengths[i-1] {
			t.Errorf("row %d is N = %d, want %d", i, row.N, lengths[i-1])
		}
		if row.StateFloatsMin != d*dv+d || row.StateFloatsMax != d*dv+d {
			t.Errorf("N = %d: state held %d–%d floats, want %d", row.N, row.StateFloatsMin, row.StateFloatsMax, d*dv+d)
		}
		if row.KVCacheFloats != row.N*(d+dv) || row.MaskedFloats != row.N*row.N {
			t.Errorf("N = %d: cache %d, masked %d", row.N, row.KVCacheFloats, row.MaskedFloats)
		}
	}
	want := map[string]float64{"state_floats": d*dv + d, "state_floats_min": d*dv + d, "state_floats_max": d*dv + d, "kv_cache_floats": n * (d + dv)}
	for name, w := range want {
		if res.Numbers[name] != w {
			t.Errorf("%s = %v, want %v", name, res.Numbers[name], w)
		}
	}
	if !strings.Contains(res.Text, "2000") || !strings.Contains(res.Text, "16000") {
		t.Errorf("the text has no row for N = 2000:\n%s", res.Text)
	}
}

// TestLinState_HoldsOnlyItsState steps the RNN form token by token and
// checks it against the masked N×N computation while its storage stays
// the same slices (no growth, no reallocation).
func TestLinState_HoldsOnlyItsState(t *testing.T) {
	const n, d, dv = 40, 4, 3
	q, k, v := randomQKV(5, n, d, dv)
	want := attentionMasked(q, k, v, n, d, dv)
	st := newLinState(d, dv)
	s0, z0 := &st.s[0], &st.z[0]
	for i := 0; i < n; i++ {
		y := make([]float64, dv)
		st.step(q[i*d:(i+1)*d], k[i*d:(i+1)*d], v[i*dv:(i+1)*dv], y)
		for j := range y {
			if diff := y[j] - want[i*dv+j]; diff > 1e-12 || diff < -1e-12 {
				t.Fatalf("token %d: y = %v, masked %v", i+1, y, want[i*dv:(i+1)*dv])
			}
		}
		if st.floats() != d*dv+d || &st.s[0] != s0 || &st.z[0] != z0 {
			t.Fatalf("token %d: the state grew or moved", i+1)
		}
	}
}

// TestLinearAttention_GoldenStates recomputes the state table of the
// default run's golden file from d, dᵥ and the default lengths.
func TestLinearAttention_GoldenStates(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "linear-attention-default.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Numbers map[string]float64 `json:"numbers"`
		JSON    struct {
			N, D, Dv int
			States   []stateRow `json:"states"`
		} `json:"json"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	spec, _ := Lookup("linear-attention")
	var lengths []int
	for _, p := range spec.Params {
		if p.Name == "lengths" {
			lengths = p.Default.([]int)
		}
	}
	d, dv := g.JSON.D, g.JSON.Dv
	ns := append([]int{g.JSON.N}, lengths...)
	if len(g.JSON.States) != len(ns) {
		t.Fatalf("%d state rows, want %d", len(g.JSON.States), len(ns))
	}
	for i, row := range g.JSON.States {
		want := stateRow{N: ns[i], StateFloatsMin: d*dv + d, StateFloatsMax: d*dv + d, KVCacheFloats: ns[i] * (d + dv), MaskedFloats: ns[i] * ns[i]}
		if row != want {
			t.Errorf("row %d = %+v, want %+v", i, row, want)
		}
	}
	if g.Numbers["state_floats_max"] != float64(d*dv+d) || g.Numbers["kv_cache_floats"] != float64(g.JSON.N*(d+dv)) {
		t.Errorf("numbers = %v", g.Numbers)
	}
}
