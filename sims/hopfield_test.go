package sims

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// fixedPointNumbers are the numbers hopfield reports only for a converged
// iteration.
var fixedPointNumbers = []string{"retrieved", "fixed_point_p_max", "fixed_point_k", "patterns_mixed", "energy_fixed_point", "jacobian_norm"}

var orthoX = []any{[]any{1.0, 0.0}, []any{0.0, 1.0}}

// TestHopfield_OneUpdateIsNoFixedPoint: with max_iter = 1 the state one
// update along is reported as that, never as a fixed point or its kind,
// neither for the run nor in the β table.
func TestHopfield_OneUpdateIsNoFixedPoint(t *testing.T) {
	res, err := Run("hopfield", map[string]any{"X": orthoX, "xi": []any{1.0, 0.0}, "beta": math.Log(3), "max_iter": 1})
	if err != nil {
		t.Fatal(err)
	}
	js := res.JSON.(hopfieldJSON)
	if js.Converged || res.Numbers["converged"] != 0 || js.FixedPoint != nil || js.FixedKind != "" || js.JacobianNorm != nil {
		t.Fatalf("one update reported as a fixed point: converged %v, kind %q", js.Converged, js.FixedKind)
	}
	for _, name := range fixedPointNumbers {
		if v, ok := res.Numbers[name]; ok {
			t.Errorf("%s = %v reported without convergence", name, v)
		}
	}
	// The one update itself: p = (3/4, 1/4), ξ_new = (3/4, 1/4).
	if !scalar.EqualWithinAbsOrRel(res.Numbers["p_max"], 0.75, 1e-14, 1e-14) || !scalar.EqualWithinAbsOrRel(res.Numbers["xi_new_1"], 0.75, 1e-14, 1e-14) {
		t.Errorf("p_max = %v, xi_new_1 = %v; want 0.75, 0.75", res.Numbers["p_max"], res.Numbers["xi_new_1"])
	}
	if strings.Contains(res.Text, "fixed point:") || !strings.Contains(res.Text, "no fixed point is claimed") {
		t.Errorf("text claims a fixed point:\n%s", res.Text)
	}
	for _, row := range js.BetaTable {
		if row.Converged || row.Kind != "not converged" {
			t.Errorf("β = %g: one update classified as %q", row.Beta, row.Kind)
		}
	}
	// Iterated to convergence the same start settles on the average:
	// u = p₁ − p₂ follows u ← tanh(βu/2), a contraction for β = ln 3 < 2.
	res, err = Run("hopfield", map[string]any{"X": orthoX, "xi": []any{1.0, 0.0}, "beta": math.Log(3), "max_iter": 1000})
	if err != nil {
		t.Fatal(err)
	}
	js = res.JSON.(hopfieldJSON)
	if !js.Converged || js.FixedKind != "global average" || !scalar.EqualWithinAbs(res.Numbers["fixed_point_p_max"], 0.5, 1e-9) {
		t.Errorf("converged %v, kind %q, p_max %v; want the global average 0.5", js.Converged, js.FixedKind, res.Numbers["fixed_point_p_max"])
	}
}

// TestHopfield_StopsBeforeConverging: a slow iteration cut off at max_iter
// reports its last state and no fixed point.
func TestHopfield_StopsBeforeConverging(t *testing.T) {
	// Three patterns, two similar; at β = 90 the pair's symmetric point
	// has ‖J‖₂ = 0.9, so 20 updates are far from enough.
	res, err := Run("hopfield", map[string]any{"X": metaX, "xi": []any{1.0, 0.1}, "beta": 90.0, "max_iter": 20, "betas": []any{90.0}})
	if err != nil {
		t.Fatal(err)
	}
	js := res.JSON.(hopfieldJSON)
	if js.Converged || js.Iterations != 20 || js.FixedKind != "" || len(js.Last) != 2 || len(js.LastP) != 3 {
		t.Fatalf("converged %v after %d, kind %q", js.Converged, js.Iterations, js.FixedKind)
	}
	if !strings.Contains(res.Text, "not converged after 20 updates") || js.BetaTable[0].Kind != "not converged" {
		t.Errorf("text or table claims a fixed point:\n%s", res.Text)
	}
}

// metaX holds x₁ = (1, 0.1), x₂ = (1, −0.1), x₃ = (−1, 0) as columns: a
// pair of similar patterns far from a third.
var metaX = []any{[]any{1.0, 1.0, -1.0}, []any{0.1, -0.1, 0.0}}

// TestHopfield_MetastableState checks the metastable fixed point of metaX
// at β = 5 against a scalar computation: by symmetry the fixed point is
// ξ* = (a, 0) with p₁ = p₂ = (1 − p₃)/2, p₃ = 1/(2e^{2βa} + 1) and
// a = 1 − 2p₃, and J = β Var_p[x] is diagonal.
func TestHopfield_MetastableState(t *testing.T) {
	const beta = 5.0
	res, err := Run("hopfield", map[string]any{"X": metaX, "xi": []any{1.0, 0.1}, "beta": beta, "betas": []any{0.3, 5.0, 200.0}})
	if err != nil {
		t.Fatal(err)
	}
	js := res.JSON.(hopfieldJSON)
	if !js.Converged || js.FixedKind != "metastable, 2 patterns" || res.Numbers["fixed_point_k"] != 2 {
		t.Fatalf("converged %v, kind %q, k %v", js.Converged, js.FixedKind, res.Numbers["fixed_point_k"])
	}
	g := func(a float64) float64 { return a - (1 - 2/(2*math.Exp(2*beta*a)+1)) }
	lo, hi := 0.0, 1.0
	for range 200 {
		mid := (lo + hi) / 2
		if g(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	a := (lo + hi) / 2
	p3 := 1 - a
	p3 /= 2
	q := (1 - p3) / 2
	if !scalar.EqualWithinAbs(js.FixedPoint[0], a, 1e-10) || !scalar.EqualWithinAbs(js.FixedPoint[1], 0, 1e-10) {
		t.Errorf("ξ* = %v, want (%v, 0)", js.FixedPoint, a)
	}
	if !scalar.EqualWithinAbs(res.Numbers["fixed_point_p_max"], q, 1e-10) {
		t.Errorf("p_max* = %v, want %v", res.Numbers["fixed_point_p_max"], q)
	}
	vx := 2*q*(1-a)*(1-a) + p3*(1+a)*(1+a)
	vy := 2 * q * 0.01
	if want := beta * math.Max(vx, vy); !scalar.EqualWithinAbsOrRel(res.Numbers["jacobian_norm"], want, 1e-9, 1e-7) {
		t.Errorf("‖J‖₂ = %v, want %v", res.Numbers["jacobian_norm"], want)
	}
	kinds := []string{js.BetaTable[0].Kind, js.BetaTable[1].Kind, js.BetaTable[2].Kind}
	if kinds[0] != "global average" || kinds[1] != "metastable, 2 patterns" || kinds[2] != "near pattern 1" {
		t.Errorf("kinds for β = 0.3, 5, 200: %q", kinds)
	}
}

// TestHopfield_TwoPatternsClosedForm: for x₁ = (1, 0), x₂ = (0, 1) and a
// start on their line, u = p₁ − p₂ follows u ← tanh(βu/2), so the fixed
// point has p_max = (1 + u*)/2 with u* the largest root of u = tanh(βu/2)
// (0 for β ≤ 2).
func TestHopfield_TwoPatternsClosedForm(t *testing.T) {
	for _, beta := range []float64{0.5, 1, 1.9, 3, 8, 20} {
		res, err := Run("hopfield", map[string]any{"X": orthoX, "xi": []any{1.0, 0.0}, "beta": beta, "max_iter": 10000})
		if err != nil {
			t.Fatal(err)
		}
		u := 0.0
		if beta > 2 {
			lo, hi := 1e-9, 1.0
			for range 200 {
				mid := (lo + hi) / 2
				if mid < math.Tanh(beta*mid/2) {
					lo = mid
				} else {
					hi = mid
				}
			}
			u = (lo + hi) / 2
		}
		if !res.JSON.(hopfieldJSON).Converged {
			t.Fatalf("β = %g: not converged", beta)
		}
		if got, want := res.Numbers["fixed_point_p_max"], (1+u)/2; !scalar.EqualWithinAbs(got, want, 1e-6) {
			t.Errorf("β = %g: p_max* = %v, want %v", beta, got, want)
		}
	}
}

// TestHopfield_UnstableFixedPoint: the average of two orthogonal patterns
// is a fixed point at any β, but for β > 2 it repels (‖J‖₂ = β/2).
func TestHopfield_UnstableFixedPoint(t *testing.T) {
	res, err := Run("hopfield", map[string]any{"X": orthoX, "xi": []any{0.5, 0.5}, "beta": 8.0, "max_iter": 1})
	if err != nil {
		t.Fatal(err)
	}
	js := res.JSON.(hopfieldJSON)
	if !js.Converged || js.FixedKind != "global average (unstable)" || !scalar.EqualWithinAbsOrRel(res.Numbers["jacobian_norm"], 4, 1e-12, 1e-12) {
		t.Errorf("converged %v, kind %q, ‖J‖₂ = %v; want an unstable average with ‖J‖₂ = 4", js.Converged, js.FixedKind, res.Numbers["jacobian_norm"])
	}
	if !strings.Contains(res.Text, "(unstable)") {
		t.Errorf("text:\n%s", res.Text)
	}
}

// explicitJacobianNorm forms J = β X(diag p − ppᵀ)Xᵀ and takes its
// largest eigenvalue with LAPACK's symmetric eigensolver.
func explicitJacobianNorm(beta float64, x [][]float64, p []float64) float64 {
	d, n := len(x), len(p)
	c := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := -p[i] * p[j]
			if i == j {
				v += p[i]
			}
			c.SetSym(i, j, v)
		}
	}
	xm := mat.NewDense(d, n, nil)
	for a := range x {
		xm.SetRow(a, x[a])
	}
	var tmp mat.Dense
	tmp.Mul(xm, c)
	var j mat.Dense
	j.Mul(&tmp, xm.T())
	js := mat.NewSymDense(d, nil)
	for a := 0; a < d; a++ {
		for b := a; b < d; b++ {
			js.SetSym(a, b, beta*(j.At(a, b)+j.At(b, a))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(js, false) {
		panic("EigenSym failed")
	}
	vals := eig.Values(nil)
	return vals[len(vals)-1]
}

func TestHopfield_JacobianNormMatchesEigenSym(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 11))
		d, n := 1+rng.IntN(12), 1+rng.IntN(12)
		beta := math.Pow(10, -1+2.5*rng.Float64())
		res, err := Run("hopfield", map[string]any{"d": d, "n": n, "beta": beta, "seed": seed, "clusters": 1 + rng.IntN(n), "betas": []any{}, "max_iter": 10000})
		if err != nil {
			t.Fatal(err)
		}
		js := res.JSON.(hopfieldJSON)
		if !js.Converged {
			continue
		}
		want := explicitJacobianNorm(beta, js.X, js.FixedPointP)
		if !scalar.EqualWithinAbsOrRel(*js.JacobianNorm, want, 1e-9, 1e-7) {
			t.Errorf("seed %d (d=%d N=%d β=%.3g): ‖J‖₂ = %v, EigenSym %v", seed, d, n, beta, *js.JacobianNorm, want)
		}
	}
}

// TestHopfield_GoldenIndependent recomputes the default run's golden file
// from its own X, ξ and β with plain loops (softmax, the energy as written
// in eq. 2, the iteration) and EigenSym for ‖J‖₂, so that -update cannot
// bless a wrong result unnoticed.
func TestHopfield_GoldenIndependent(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "hopfield-default.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Numbers map[string]float64 `json:"numbers"`
		JSON    struct {
			Beta         float64     `json:"beta"`
			X            [][]float64 `json:"X"`
			Xi           []float64   `json:"xi"`
			P            []float64   `json:"p"`
			XiNew        []float64   `json:"xi_new"`
			EnergyBefore float64     `json:"energy_before"`
			EnergyAfter  float64     `json:"energy_after"`
			Converged    bool        `json:"converged"`
			FixedPoint   []float64   `json:"fixed_point"`
			FixedPointP  []float64   `json:"fixed_point_p"`
			JacobianNorm *float64    `json:"jacobian_norm"`
		} `json:"json"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	x, beta := g.JSON.X, g.JSON.Beta
	d, n := len(x), len(x[0])
	weights := func(xi []float64) []float64 {
		s := make([]float64, n)
		mx := math.Inf(-1)
		for i := range s {
			for a := 0; a < d; a++ {
				s[i] += x[a][i] * xi[a]
			}
			mx = math.Max(mx, beta*s[i])
		}
		var sum float64
		for i := range s {
			s[i] = math.Exp(beta*s[i] - mx)
			sum += s[i]
		}
		for i := range s {
			s[i] /= sum
		}
		return s
	}
	energy := func(xi []float64) float64 {
		var m2, sum, xx float64
		for i := 0; i < n; i++ {
			var norm2, dotp float64
			for a := 0; a < d; a++ {
				norm2 += x[a][i] * x[a][i]
				dotp += x[a][i] * xi[a]
			}
			m2 = math.Max(m2, norm2)
			sum += math.Exp(beta * dotp)
		}
		for _, v := range xi {
			xx += v * v
		}
		return -math.Log(sum)/beta + xx/2 + math.Log(float64(n))/beta + m2/2
	}
	step := func(xi []float64) []float64 {
		p := weights(xi)
		out := make([]float64, d)
		for a := range out {
			for i := 0; i < n; i++ {
				out[a] += x[a][i] * p[i]
			}
		}
		return out
	}
	near := func(name string, got, want []float64, tol float64) {
		t.Helper()
		for i := range want {
			if !scalar.EqualWithinAbsOrRel(got[i], want[i], tol, tol) {
				t.Errorf("%s[%d] = %v, recomputed %v", name, i, got[i], want[i])
				return
			}
		}
	}
	near("p", g.JSON.P, weights(g.JSON.Xi), 1e-12)
	near("xi_new", g.JSON.XiNew, step(g.JSON.Xi), 1e-12)
	near("energies", []float64{g.JSON.EnergyBefore, g.JSON.EnergyAfter}, []float64{energy(g.JSON.Xi), energy(step(g.JSON.Xi))}, 1e-10)
	if !g.JSON.Converged {
		t.Fatal("the default run does not converge; pick defaults that do")
	}
	// The golden fixed point is one: one more update leaves it in place.
	near("fixed_point", g.JSON.FixedPoint, step(g.JSON.FixedPoint), 1e-9)
	near("fixed_point_p", g.JSON.FixedPointP, weights(g.JSON.FixedPoint), 1e-9)
	if want := explicitJacobianNorm(beta, x, weights(g.JSON.FixedPoint)); !scalar.EqualWithinAbsOrRel(*g.JSON.JacobianNorm, want, 1e-9, 1e-7) {
		t.Errorf("jacobian_norm = %v, EigenSym %v", *g.JSON.JacobianNorm, want)
	}
	if g.Numbers["xi_new_1"] != g.JSON.XiNew[0] || g.Numbers["converged"] != 1 {
		t.Errorf("numbers %v disagree with the JSON", g.Numbers)
	}
}
