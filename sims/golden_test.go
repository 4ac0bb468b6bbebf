package sims

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenCases are seeded runs whose JSON output (and numbers) are kept in
// testdata. No case measures time: Run is given no clock.
var goldenCases = []struct {
	name   string
	kind   string
	params map[string]any
}{
	{"ntk-decay-default", "ntk-decay", nil},
	{"ntk-decay-fourier-2d", "ntk-decay", map[string]any{"n": 16, "dim": 2, "fourier": true, "sigma": 2.0, "features": 4, "target": "noise", "freq": 2.0, "seed": 7, "eta": 0.3}},
	{"linear-attention-default", "linear-attention", nil},
	{"hopfield-default", "hopfield", nil},
	{"fourier-features-default", "fourier-features", nil},
	{"ntk-width-small", "ntk-width", map[string]any{"widths": []any{4.0, 16.0}, "inits": 3, "n": 4, "steps": 10}},
}

func TestGolden_JSON(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(tc.kind, tc.params)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(map[string]any{"numbers": res.Numbers, "json": res.JSON}, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", tc.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./sims -run Golden -update to create it)", err)
			}
			if bytes.Equal(got, want) {
				return
			}
			// Floating-point results may differ in the last bits across
			// platforms (FMA); compare numbers with a tolerance.
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			for _, diff := range jsonDiff("", g, w, nil) {
				t.Error(diff)
			}
		})
	}
}

// jsonDiff lists the differences between decoded JSON values, comparing
// numbers with scalar.EqualWithinAbsOrRel(·, ·, 1e-9, 1e-9).
func jsonDiff(path string, got, want any, out []string) []string {
	if len(out) > 10 {
		return out
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: got %T, want an object", path, got))
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		var sorted []string
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			gv, gok := g[k]
			wv, wok := w[k]
			if gok != wok {
				out = append(out, fmt.Sprintf("%s.%s: present %v, want %v", path, k, gok, wok))
				continue
			}
			out = jsonDiff(path+"."+k, gv, wv, out)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return append(out, fmt.Sprintf("%s: got %v, want %d entries", path, got, len(w)))
		}
		for i := range w {
			out = jsonDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i], out)
		}
	case float64:
		g, ok := got.(float64)
		if !ok || !scalar.EqualWithinAbsOrRel(g, w, 1e-9, 1e-9) {
			out = append(out, fmt.Sprintf("%s: got %v, want %v", path, got, w))
		}
	default:
		if got != want {
			out = append(out, fmt.Sprintf("%s: got %v, want %v", path, got, want))
		}
	}
	return out
}
