package sims

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

func rowsOf(a []float64, n int) []any {
	out := make([]any, n)
	for i := range out {
		row := make([]any, n)
		for j := range row {
			row[j] = a[i*n+j]
		}
		out[i] = row
	}
	return out
}

// TestNTKDecay_Projections checks, for explicit kernels, that the flow
// projections equal e^{−ηλᵢt}|Qᵀy|ᵢ with Q from gonum's full EigenSym.
func TestNTKDecay_Projections(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		seed uint64
		eta  float64
	}{
		{"n=1", 1, 1, 0.5},
		{"n=5", 5, 2, 0.1},
		{"n=24 auto eta", 24, 3, 0},
		{"n=60", 60, 4, 0.05},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(tc.seed, 7))
			k := randomSym(rng, tc.n, true)
			y := make([]float64, tc.n)
			for i := range y {
				y[i] = rng.NormFloat64()
			}
			times := []float64{0, 0.5, 3, 20}
			res, err := Run("ntk-decay", map[string]any{"K": rowsOf(k, tc.n), "y": y, "eta": tc.eta, "times": times, "steps": []int{0, 2, 7}})
			if err != nil {
				t.Fatalf("seed %d: %v", tc.seed, err)
			}
			js := res.JSON.(ntkDecayJSON)
			var es mat.EigenSym
			if !es.Factorize(mat.NewSymDense(tc.n, append([]float64(nil), k...)), true) {
				t.Fatal("EigenSym failed")
			}
			lam := es.Values(nil)
			var q mat.Dense
			es.VectorsTo(&q)
			var qty mat.VecDense
			qty.MulVec(q.T(), mat.NewVecDense(tc.n, y))
			eta := tc.eta
			if eta == 0 {
				eta = 1 / lam[tc.n-1]
			}
			if !scalar.EqualWithinAbsOrRel(js.Eta, eta, 1e-12, 1e-12) {
				t.Errorf("η = %v, want %v", js.Eta, eta)
			}
			for i := range lam {
				if !scalar.EqualWithinAbsOrRel(js.Eigenvalues[i], lam[i], 1e-12, 1e-10) {
					t.Errorf("seed %d: λ[%d] = %v, want %v", tc.seed, i, js.Eigenvalues[i], lam[i])
				}
			}
			for ti, tm := range times {
				row := js.Flow[ti]
				var norm float64
				for i := range lam {
					want := math.Exp(-eta*lam[i]*tm) * math.Abs(qty.AtVec(i))
					norm += want * want
					if !scalar.EqualWithinAbsOrRel(row.Projections[i], want, 1e-10, 1e-8) {
						t.Errorf("seed %d, t = %v: |qᵢᵀr| [%d] = %v, want %v", tc.seed, tm, i, row.Projections[i], want)
					}
				}
				if !scalar.EqualWithinAbsOrRel(row.ResidualNorm, math.Sqrt(norm), 1e-12, 1e-10) {
					t.Errorf("t = %v: ‖r‖ = %v, want %v", tm, row.ResidualNorm, math.Sqrt(norm))
				}
			}
			for i := range lam {
				if !scalar.EqualWithinAbsOrRel(js.Projections[i], math.Abs(qty.AtVec(i)), 1e-10, 1e-8) {
					t.Errorf("|Qᵀy|[%d] = %v, want %v", i, js.Projections[i], math.Abs(qty.AtVec(i)))
				}
			}
			if got, want := res.Numbers["tau_fast"], 1/(eta*lam[tc.n-1]); !scalar.EqualWithinAbsOrRel(got, want, 1e-12, 1e-10) {
				t.Errorf("tau_fast = %v, want %v", got, want)
			}
		})
	}
}

// TestNTKDecay_IterationMatchesClosedForm runs the explicit gradient-
// descent iteration against (I − ηK)^k (f₀ − y), in eigen-coordinates and
// as full vectors (from the full eigendecomposition).
func TestNTKDecay_IterationMatchesClosedForm(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params map[string]any
	}{
		{"generated 1-D", map[string]any{"n": 16, "steps": []any{0.0, 1.0, 5.0, 50.0, 400.0}}},
		{"generated 2-D fourier", map[string]any{"n": 25, "dim": 2, "fourier": true, "sigma": 3.0, "steps": []any{3.0, 30.0}, "eta": 0.2}},
		{"f0 given", map[string]any{"n": 6, "f0": []any{1.0, -1.0, 0.0, 2.0, 0.5, 0.0}, "steps": []any{10.0}}},
		{"repeated steps", map[string]any{"n": 8, "steps": []any{4.0, 4.0, 0.0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run("ntk-decay", tc.params)
			if err != nil {
				t.Fatal(err)
			}
			js := res.JSON.(ntkDecayJSON)
			if res.Numbers["gd_gap"] > 1e-10 {
				t.Errorf("gd_gap = %v", res.Numbers["gd_gap"])
			}
			n := js.N
			k := make([]float64, 0, n*n)
			for _, row := range js.K {
				k = append(k, row...)
			}
			var es mat.EigenSym
			es.Factorize(mat.NewSymDense(n, k), true)
			lam := es.Values(nil)
			var q mat.Dense
			es.VectorsTo(&q)
			r0 := make([]float64, n)
			for i := range r0 {
				r0[i] = js.F0[i] - js.Y[i]
			}
			for _, g := range js.GD {
				// closed form r_k = Q (I − ηΛ)^k Qᵀ r₀
				var c mat.VecDense
				c.MulVec(q.T(), mat.NewVecDense(n, r0))
				for i := range lam {
					c.SetVec(i, c.AtVec(i)*math.Pow(1-js.Eta*lam[i], float64(g.Step)))
				}
				var want mat.VecDense
				want.MulVec(&q, &c)
				if !scalar.EqualWithinAbsOrRel(g.ResidualNorm, mat.Norm(&want, 2), 1e-10, 1e-9) ||
					!scalar.EqualWithinAbsOrRel(g.ResidualNormIterated, mat.Norm(&want, 2), 1e-10, 1e-9) {
					t.Errorf("step %d: ‖r‖ closed %v, iterated %v, want %v", g.Step, g.ResidualNorm, g.ResidualNormIterated, mat.Norm(&want, 2))
				}
			}
		})
	}
}

// TestNTKDecay_DiagonalKernel uses K = diag(λ): eigenvalues, projections
// and times are known by hand.
func TestNTKDecay_DiagonalKernel(t *testing.T) {
	res, err := Run("ntk-decay", map[string]any{
		"K":     []any{[]any{4.0, 0.0, 0.0}, []any{0.0, 1.0, 0.0}, []any{0.0, 0.0, 0.25}},
		"y":     []any{1.0, -2.0, 3.0},
		"eta":   0.5,
		"times": []any{0.0, 2.0},
		"steps": []any{1.0, 3.0},
	})
	if err != nil {
		t.Fatal(err)
	}
	js := res.JSON.(ntkDecayJSON)
	want := []float64{0.25, 1, 4}
	proj := []float64{3, 2, 1}
	for i := range want {
		if !scalar.EqualWithinAbsOrRel(js.Eigenvalues[i], want[i], 1e-14, 1e-14) {
			t.Errorf("λ = %v, want %v", js.Eigenvalues, want)
		}
		if !scalar.EqualWithinAbsOrRel(js.Projections[i], proj[i], 1e-14, 1e-14) {
			t.Errorf("|Qᵀy| = %v, want %v", js.Projections, proj)
		}
		// e^{−ηλt} at t = 2
		if got, w := js.Flow[1].Projections[i], proj[i]*math.Exp(-0.5*want[i]*2); !scalar.EqualWithinAbsOrRel(got, w, 1e-14, 1e-13) {
			t.Errorf("flow[%d] = %v, want %v", i, got, w)
		}
		// |1 − ηλ|^3
		if got, w := js.GD[1].Projections[i], proj[i]*math.Abs(math.Pow(1-0.5*want[i], 3)); !scalar.EqualWithinAbsOrRel(got, w, 1e-14, 1e-13) {
			t.Errorf("gd[%d] = %v, want %v", i, got, w)
		}
		if got, w := float64(js.Tau[i]), 1/(0.5*want[i]); !scalar.EqualWithinAbsOrRel(got, w, 1e-14, 1e-13) {
			t.Errorf("τ[%d] = %v, want %v", i, got, w)
		}
	}
	for name, w := range map[string]float64{"lambda_max": 4, "lambda_min": 0.25, "tau_fast": 0.5, "tau_slow": 8, "cond": 16} {
		if got := res.Numbers[name]; !scalar.EqualWithinAbsOrRel(got, w, 1e-14, 1e-13) {
			t.Errorf("%s = %v, want %v", name, got, w)
		}
	}
}

func TestNTKDecay_SingularKernelOmitsTauSlow(t *testing.T) {
	res, err := Run("ntk-decay", map[string]any{"K": []any{[]any{1.0, 1.0}, []any{1.0, 1.0}}, "y": []any{1.0, 0.0}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"tau_slow", "cond"} {
		if v, ok := res.Numbers[name]; ok {
			t.Errorf("%s = %v, want it left out", name, v)
		}
	}
	if !strings.Contains(res.Text, "∞") {
		t.Error("text does not show τ = ∞ for the zero eigenvalue")
	}
}

// TestNTKDecay_GeneratedKernelIsPSD covers the generator's options.
func TestNTKDecay_GeneratedKernelIsPSD(t *testing.T) {
	for _, p := range []map[string]any{
		{"n": 40, "depth": 0},
		{"n": 40, "depth": 5, "target": "square"},
		{"n": 30, "dim": 2, "target": "noise", "freq": 3.0},
		{"n": 40, "fourier": true, "sigma": 50.0, "features": 8, "target": "saw"},
	} {
		res, err := Run("ntk-decay", p)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if res.Numbers["lambda_min"] < -1e-12 {
			t.Errorf("%v: λ_min = %v", p, res.Numbers["lambda_min"])
		}
	}
}

func TestNTKDecay_Invalid(t *testing.T) {
	k2 := []any{[]any{1.0, 0.0}, []any{0.0, 1.0}}
	for _, tc := range []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"non-square", map[string]any{"K": []any{[]any{1.0, 0.0, 0.0}, []any{0.0, 1.0, 0.0}}, "y": []any{1.0, 1.0}}, "must be square"},
		{"ragged", map[string]any{"K": []any{[]any{1.0, 0.0}, []any{0.0}}, "y": []any{1.0, 1.0}}, "row 2 has 1 entries"},
		{"non-symmetric", map[string]any{"K": []any{[]any{1.0, 0.5}, []any{0.4, 1.0}}, "y": []any{1.0, 1.0}}, "not symmetric"},
		{"not psd", map[string]any{"K": []any{[]any{1.0, 2.0}, []any{2.0, 1.0}}, "y": []any{1.0, 1.0}}, "not positive semidefinite"},
		{"y length", map[string]any{"K": k2, "y": []any{1.0}}, "y: has 1 entries, want 2"},
		{"y missing", map[string]any{"K": k2}, "y: is required"},
		{"f0 length", map[string]any{"f0": []any{1.0}}, "f0: has 1 entries"},
		{"n vs K", map[string]any{"K": k2, "y": []any{1.0, 1.0}, "n": 3}, "n: is 3 but K is 2×2"},
		{"nan in K", map[string]any{"K": []any{[]any{math.NaN(), 0.0}, []any{0.0, 1.0}}, "y": []any{1.0, 1.0}}, "finite"},
		{"inf y", map[string]any{"y": []any{math.Inf(1)}}, "finite"},
		{"negative eta", map[string]any{"eta": -0.1}, "eta: must be between 0"},
		{"negative time", map[string]any{"times": []any{-1.0}}, "times: entry 1"},
		{"huge kernel", map[string]any{"n": 5000}, "n: must be between 1 and 2048"},
		{"too many steps", map[string]any{"n": 2048, "steps": []any{1000.0}}, "steps: max(steps)"},
		{"empty K", map[string]any{"K": []any{}, "y": []any{}}, "K: is empty"},
		{"zero kernel auto eta", map[string]any{"K": []any{[]any{0.0}}, "y": []any{1.0}}, "no positive eigenvalue"},
		{"diverging gd", map[string]any{"K": []any{[]any{1e12}}, "y": []any{1.0}, "eta": 1e12, "steps": []any{1e6}}, "diverge"},
		{"K not a matrix", map[string]any{"K": "eye", "y": []any{1.0}}, "want an array of rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run("ntk-decay", tc.params)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestNTKDecay_ValidateChecksPSD(t *testing.T) {
	err := Validate("ntk-decay", map[string]any{"K": []any{[]any{1.0, 2.0}, []any{2.0, 1.0}}, "y": []any{1.0, 1.0}})
	if err == nil || !strings.Contains(err.Error(), "positive semidefinite") {
		t.Fatalf("err = %v", err)
	}
}

// TestNTKEntry_Depth1 compares the NTK recursion with its closed form for
// one hidden layer: Θ = Σ⁰·(π − θ)/π + ‖x‖‖x'‖(sin θ + (π − θ)cos θ)/π.
func TestNTKEntry_Depth1(t *testing.T) {
	for _, c := range []float64{-1, -0.3, 0, 0.5, 1} {
		th := math.Acos(c)
		want := c*(math.Pi-th)/math.Pi + (math.Sin(th)+(math.Pi-th)*c)/math.Pi
		if got := ntkEntry(c, 1, 1, 1); !scalar.EqualWithinAbsOrRel(got, want, 1e-14, 1e-14) {
			t.Errorf("cos θ = %v: Θ = %v, want %v", c, got, want)
		}
	}
	// On the diagonal, Θ = (depth+1)·Σ⁰(x,x).
	for depth := 0; depth < 5; depth++ {
		if got := ntkEntry(0.7, 0.7, 0.7, depth); !scalar.EqualWithinAbsOrRel(got, float64(depth+1)*0.7, 1e-14, 1e-14) {
			t.Errorf("depth %d: Θ(x,x) = %v", depth, got)
		}
	}
}

func ExampleRun() {
	res, err := Run("ntk-decay", map[string]any{
		"K": []any{[]any{2.0, 0.0}, []any{0.0, 0.5}}, "y": []any{1.0, 1.0}, "eta": 1.0,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("τ_fast = %.2f, τ_slow = %.2f\n", res.Numbers["tau_fast"], res.Numbers["tau_slow"])
	// Output: τ_fast = 0.50, τ_slow = 2.00
}
