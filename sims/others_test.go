package sims

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

func matOf(rows [][]float64) *mat.Dense {
	return mat.NewDense(len(rows), len(rows[0]), flatten(rows))
}

// params returns pointers to every parameter of the network.
func (m *mlp) params() []*float64 {
	var out []*float64
	for _, a := range []*mat.Dense{m.w1, m.w2} {
		raw := a.RawMatrix()
		for i := 0; i < raw.Rows; i++ {
			for j := 0; j < raw.Cols; j++ {
				out = append(out, &raw.Data[i*raw.Stride+j])
			}
		}
	}
	for i := range m.v {
		out = append(out, &m.v[i])
	}
	return out
}

func TestLinearAttention_WaysAgree(t *testing.T) {
	for _, tc := range []struct{ n, d, dv int }{
		{1, 1, 1}, {8, 4, 4}, {37, 3, 9}, {200, 16, 8}, {64, 64, 64},
	} {
		for seed := int64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("N=%d,d=%d,dv=%d,seed=%d", tc.n, tc.d, tc.dv, seed), func(t *testing.T) {
				res, err := Run("linear-attention", map[string]any{"n": tc.n, "d": tc.d, "dv": tc.dv, "seed": seed, "sizes": []int{}})
				if err != nil {
					t.Fatal(err)
				}
				js := res.JSON.(linAttnJSON)
				if js.MaxDiff > 1e-10 {
					t.Errorf("seed %d: max |masked − recurrent| = %v", seed, js.MaxDiff)
				}
				for i := range js.Y {
					for j := range js.Y[i] {
						if !scalar.EqualWithinAbsOrRel(js.Y[i][j], js.YMasked[i][j], 1e-10, 1e-10) {
							t.Fatalf("seed %d: Y[%d][%d] = %v vs %v", seed, i, j, js.Y[i][j], js.YMasked[i][j])
						}
					}
				}
				// y₁ = v₁: the first position attends only to itself.
				for j := range js.V[0] {
					if !scalar.EqualWithinAbsOrRel(js.Y[0][j], js.V[0][j], 1e-12, 1e-12) {
						t.Errorf("seed %d: y₁ = %v, want v₁ = %v", seed, js.Y[0], js.V[0])
					}
				}
				// The last causal row sees every key, like the non-causal one.
				last := tc.n - 1
				for j := range js.Y[last] {
					if !scalar.EqualWithinAbsOrRel(js.Y[last][j], js.YNonCausal[last][j], 1e-12, 1e-10) {
						t.Errorf("y_N = %v, non-causal %v", js.Y[last], js.YNonCausal[last])
					}
				}
				// S = Σ φ(kⱼ)vⱼᵀ, z = Σ φ(kⱼ), by direct sums.
				for a := 0; a < tc.d; a++ {
					var z float64
					for i := 0; i < tc.n; i++ {
						z += phi(js.K[i][a])
					}
					if !scalar.EqualWithinAbsOrRel(js.Z[a], z, 1e-12, 1e-12) {
						t.Errorf("z[%d] = %v, want %v", a, js.Z[a], z)
					}
					for b := 0; b < tc.dv; b++ {
						var s float64
						for i := 0; i < tc.n; i++ {
							s += phi(js.K[i][a]) * js.V[i][b]
						}
						if !scalar.EqualWithinAbsOrRel(js.S[a][b], s, 1e-12, 1e-10) {
							t.Errorf("S[%d][%d] = %v, want %v", a, b, js.S[a][b], s)
						}
					}
				}
				if got := res.Numbers["state_floats"]; got != float64(tc.d*tc.dv+tc.d) {
					t.Errorf("state_floats = %v", got)
				}
			})
		}
	}
}

func TestLinearAttention_Explicit(t *testing.T) {
	// With φ(q)ᵀφ(k) equal for all pairs, yᵢ is the running mean of v.
	res, err := Run("linear-attention", map[string]any{
		"Q": []any{[]any{0.0}, []any{0.0}, []any{0.0}},
		"K": []any{[]any{0.0}, []any{0.0}, []any{0.0}},
		"V": []any{[]any{3.0, 0.0}, []any{1.0, 3.0}, []any{2.0, 6.0}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{3, 0}, {2, 1.5}, {2, 3}}
	js := res.JSON.(linAttnJSON)
	for i := range want {
		for j := range want[i] {
			if !scalar.EqualWithinAbsOrRel(js.Y[i][j], want[i][j], 1e-14, 1e-14) {
				t.Errorf("Y = %v, want %v", js.Y, want)
			}
		}
	}
	if res.Numbers["y_last_1"] != 2 || res.Numbers["S_11"] != 6 || res.Numbers["z_1"] != 3 {
		t.Errorf("numbers = %v", res.Numbers)
	}
	if js.Q != nil {
		t.Error("explicit inputs are echoed back")
	}
}

func TestLinearAttention_Invalid(t *testing.T) {
	q := []any{[]any{1.0, 2.0}, []any{0.0, 1.0}}
	for _, tc := range []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"only Q", map[string]any{"Q": q}, "K: is missing"},
		{"row mismatch", map[string]any{"Q": q, "K": q, "V": []any{[]any{1.0}}}, "same number of rows"},
		{"d mismatch", map[string]any{"Q": q, "K": []any{[]any{1.0}, []any{1.0}}, "V": q}, "K: has 1 columns but Q has 2"},
		{"n mismatch", map[string]any{"Q": q, "K": q, "V": q, "n": 5}, "n: is 5 but Q has 2 rows"},
		{"huge entry", map[string]any{"Q": []any{[]any{1e9}}, "K": []any{[]any{1.0}}, "V": []any{[]any{1.0}}}, "|x| must be at most 100"},
		{"huge N", map[string]any{"n": 100000}, "n: must be between 1 and 4096"},
		{"huge size", map[string]any{"sizes": []any{1e6}}, "sizes: entry 1"},
		{"nan", map[string]any{"Q": []any{[]any{math.NaN()}}, "K": []any{[]any{1.0}}, "V": []any{[]any{1.0}}}, "finite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run("linear-attention", tc.params)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestLinearAttention_CostTable(t *testing.T) {
	// A fake clock that advances 1 ms per reading.
	var ticks int64
	clock := func() time.Time { ticks++; return time.Unix(0, ticks*int64(time.Millisecond)) }
	res, err := RunWith("linear-attention", map[string]any{"sizes": []any{16.0, 32.0}}, Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	js := res.JSON.(linAttnJSON)
	if len(js.Timings) != 2 || js.Timings[1].N != 32 || js.Timings[0].MaskedSeconds <= 0 {
		t.Fatalf("timings = %+v", js.Timings)
	}
	if !strings.Contains(res.Text, "Measured cost") {
		t.Error("no cost table in text")
	}
	for _, line := range strings.Split(res.Text, "\n") {
		if len([]rune(line)) > textWidth {
			t.Errorf("long line %q", line)
		}
	}
	plain, err := Run("linear-attention", nil)
	if err != nil {
		t.Fatal(err)
	}
	if plain.JSON.(linAttnJSON).Timings != nil {
		t.Error("Run without a clock measured timings")
	}
}

// TestHopfield_EnergyNeverIncreases iterates updates for random patterns
// and β and checks E(ξ_{t+1}) ≤ E(ξ_t) (up to rounding).
func TestHopfield_EnergyNeverIncreases(t *testing.T) {
	for seed := int64(1); seed <= 12; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 3))
		d, n := 1+rng.IntN(20), 1+rng.IntN(15)
		beta := math.Pow(10, -2+4*rng.Float64())
		res, err := Run("hopfield", map[string]any{"d": d, "n": n, "beta": beta, "seed": seed, "clusters": 1 + rng.IntN(n), "betas": []any{}})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		js := res.JSON.(hopfieldJSON)
		if js.EnergyAfter > js.EnergyBefore+1e-12*(1+math.Abs(js.EnergyBefore)) {
			t.Errorf("seed %d: E went up: %v → %v", seed, js.EnergyBefore, js.EnergyAfter)
		}
		for i := 1; i < len(js.Energies); i++ {
			if js.Energies[i] > js.Energies[i-1]+1e-12*(1+math.Abs(js.Energies[i-1])) {
				t.Errorf("seed %d (d=%d N=%d β=%.3g): E[%d] = %v > E[%d] = %v", seed, d, n, beta, i, js.Energies[i], i-1, js.Energies[i-1])
			}
		}
		// E ≥ 0 for this normalisation (Ramsauer et al., lemma A1).
		if e := js.Energies[len(js.Energies)-1]; e < -1e-12 {
			t.Errorf("seed %d: E = %v < 0", seed, e)
		}
	}
}

// TestHopfield_LargeBetaRetrievesNearest stores well-separated patterns
// (scaled unit vectors) and starts near one: one update retrieves it.
func TestHopfield_LargeBetaRetrievesNearest(t *testing.T) {
	const d, n = 6, 4
	x := make([]any, d)
	for a := range x {
		row := make([]any, n)
		for i := range row {
			row[i] = 0.0
			if a == i {
				row[i] = 3.0
			}
		}
		x[a] = row
	}
	for want := 0; want < n; want++ {
		xi := []any{0.2, -0.1, 0.3, 0.1, 0.5, -0.4}
		xi[want] = xi[want].(float64) + 2.5
		res, err := Run("hopfield", map[string]any{"X": x, "xi": xi, "beta": 50.0})
		if err != nil {
			t.Fatal(err)
		}
		js := res.JSON.(hopfieldJSON)
		if js.Nearest != want+1 || res.Numbers["nearest"] != float64(want+1) {
			t.Errorf("nearest = %d, want %d", js.Nearest, want+1)
		}
		for a := 0; a < d; a++ {
			w := 0.0
			if a == want {
				w = 3
			}
			if !scalar.EqualWithinAbsOrRel(js.XiNew[a], w, 1e-12, 1e-12) {
				t.Errorf("pattern %d: ξ_new = %v after one step", want+1, js.XiNew)
				break
			}
		}
		if js.Iterations > 2 || !strings.HasPrefix(js.FixedKind, "near pattern") || res.Numbers["retrieved"] != float64(want+1) {
			t.Errorf("fixed point: %d iterations, %q", js.Iterations, js.FixedKind)
		}
	}
}

func TestHopfield_SmallBetaGlobalAverage(t *testing.T) {
	res, err := Run("hopfield", map[string]any{"beta": 1e-4, "betas": []any{1e-4, 0.3, 8.0}})
	if err != nil {
		t.Fatal(err)
	}
	js := res.JSON.(hopfieldJSON)
	if js.FixedKind != "global average" {
		t.Errorf("kind = %q", js.FixedKind)
	}
	// The fixed point is close to the mean of the patterns.
	for a := range js.FixedPoint {
		var mean float64
		for _, v := range js.X[a] {
			mean += v / float64(js.N)
		}
		if math.Abs(js.FixedPoint[a]-mean) > 1e-2 {
			t.Errorf("ξ*[%d] = %v, mean %v", a, js.FixedPoint[a], mean)
		}
	}
	kinds := []string{js.BetaTable[0].Kind, js.BetaTable[1].Kind, js.BetaTable[2].Kind}
	if kinds[0] != "global average" || !strings.HasPrefix(kinds[1], "metastable") || !strings.HasPrefix(kinds[2], "near pattern") {
		t.Errorf("kinds as β grows = %q", kinds)
	}
}

func TestHopfield_Invalid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"xi length", map[string]any{"X": []any{[]any{1.0, 0.0}, []any{0.0, 1.0}}, "xi": []any{1.0}}, "xi: has 1 entries, want d = 2"},
		{"d vs X", map[string]any{"X": []any{[]any{1.0}}, "d": 3}, "d: is 3 but X has 1 rows"},
		{"zero beta", map[string]any{"beta": 0.0}, "beta: must be > 0"},
		{"negative beta", map[string]any{"beta": -1.0}, "beta: must be between"},
		{"nan xi", map[string]any{"xi": []any{math.NaN()}}, "finite"},
		{"too big", map[string]any{"d": 4096, "n": 4096}, "over the limit"},
		{"clusters", map[string]any{"n": 3, "clusters": 4}, "clusters: is 4"},
		{"zero in betas", map[string]any{"betas": []any{1.0, 0.0}}, "betas: entry 2: must be > 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run("hopfield", tc.params)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestFourierFeatures_UnderAndOverfit checks the defaults show the
// expected shape: small σ underfits, large σ overfits.
func TestFourierFeatures_UnderAndOverfit(t *testing.T) {
	res, err := Run("fourier-features", nil)
	if err != nil {
		t.Fatal(err)
	}
	js := res.JSON.(fourierJSON)
	by := map[float64]*fitRun{}
	for _, r := range js.Runs {
		by[float64(r.Sigma)] = r
	}
	small, mid, large := by[0.3], by[3], by[100]
	if !(small.TrainErr > 10*mid.TrainErr) {
		t.Errorf("σ = 0.3 should underfit: train %v vs %v at σ = 3", small.TrainErr, mid.TrainErr)
	}
	if !(large.TrainErr < 0.01 && large.TestErr > 5*mid.TestErr) {
		t.Errorf("σ = 100 should overfit: train %v, test %v vs %v at σ = 3", large.TrainErr, large.TestErr, mid.TestErr)
	}
	if res.Numbers["best_sigma"] != 3 || res.Numbers["sigma"] != 3 {
		t.Errorf("numbers = %v", res.Numbers)
	}
	// With steps = 0 the prediction is 0: errors equal the signal RMS.
	res0, err := Run("fourier-features", map[string]any{"steps": 0, "sigmas": []any{}})
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinAbsOrRel(res0.Numbers["test_err"], res0.Numbers["signal_rms"], 1e-14, 1e-14) {
		t.Errorf("steps = 0: test_err %v, signal %v", res0.Numbers["test_err"], res0.Numbers["signal_rms"])
	}
}

// TestNTKWidth_KernelMatchesFiniteDifferences checks the empirical NTK
// formula against Σ_θ ∂f(x)/∂θ ∂f(x')/∂θ from central differences, and the
// gradient step against finite differences of the loss.
func TestNTKWidth_KernelMatchesFiniteDifferences(t *testing.T) {
	const n, w = 3, 5
	rng := newRand(9)
	m := newMLP(rng, 2, w)
	feat := features(gridPoints(n, 1), nil)
	x := matOf(feat)
	p := m.run(x)
	got := m.kernel(x, p)
	params := m.params()
	const h = 1e-6
	grads := make([][]float64, len(params))
	for k, ptr := range params {
		old := *ptr
		*ptr = old + h
		fp := m.run(x).f
		*ptr = old - h
		fm := m.run(x).f
		*ptr = old
		grads[k] = make([]float64, n)
		for i := range fp {
			grads[k][i] = (fp[i] - fm[i]) / (2 * h)
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var want float64
			for k := range grads {
				want += grads[k][i] * grads[k][j]
			}
			if !scalar.EqualWithinAbsOrRel(got[i*n+j], want, 1e-6, 1e-6) {
				t.Errorf("Θ[%d][%d] = %v, finite differences %v", i, j, got[i*n+j], want)
			}
		}
	}
	// One small step lowers the loss by ≈ lr·‖∇L‖².
	y := []float64{1, -1, 0.5}
	var g2 float64
	for k := range grads {
		var gk float64
		for i := 0; i < n; i++ {
			gk += (p.f[i] - y[i]) / n * grads[k][i]
		}
		g2 += gk * gk
	}
	const lr = 1e-4
	before := loss(p.f, y)
	m.step(x, p, y, lr)
	after := loss(m.run(x).f, y)
	if !scalar.EqualWithinAbsOrRel(before-after, lr*g2, 1e-9, 1e-3) {
		t.Errorf("loss drop %v, want ≈ %v", before-after, lr*g2)
	}
}

func TestNTKWidth_ShrinksWithWidth(t *testing.T) {
	res, err := Run("ntk-width", map[string]any{"widths": []any{8.0, 512.0}, "steps": 20, "inits": 4})
	if err != nil {
		t.Fatal(err)
	}
	nums := res.Numbers
	if !(nums["spread_wide"] < nums["spread_narrow"]/2) || !(nums["change_wide"] < nums["change_narrow"]) {
		t.Errorf("numbers = %v", nums)
	}
	// The mean of 4 inits is ≈ spread/2 from the limit, plus O(1/w).
	js := res.JSON.(ntkWidthJSON)
	if gap := nums["analytic_gap_wide"]; gap > 0.25 || gap > js.Widths[0].AnalyticGap {
		t.Errorf("mean Θ at width 512 is %v from the analytic NTK (width 8: %v)", gap, js.Widths[0].AnalyticGap)
	}
}
