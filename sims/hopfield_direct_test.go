package sims

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// TestHopfield_SoftmaxAndEnergyDirect recomputes one update and the energy
// from their definitions, in plain loops, on random patterns: p =
// softmax(βXᵀξ), ξ_new = Xp, E(ξ) = −β⁻¹ log Σᵢ exp(βxᵢᵀξ) + ½ξᵀξ +
// β⁻¹ log N + ½M² with M the largest pattern norm. (The golden files only
// pin earlier outputs.)
func TestHopfield_SoftmaxAndEnergyDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	for trial := range 20 {
		d, n := 1+rng.IntN(6), 1+rng.IntN(7)
		beta := 0.1 + 8*rng.Float64()
		X := make([][]float64, d) // rows are dimensions, columns patterns
		Xa := make([]any, d)
		for i := range X {
			X[i] = make([]float64, n)
			row := make([]any, n)
			for j := range X[i] {
				X[i][j] = rng.NormFloat64()
				row[j] = X[i][j]
			}
			Xa[i] = row
		}
		xi := make([]float64, d)
		xia := make([]any, d)
		for i := range xi {
			xi[i] = rng.NormFloat64()
			xia[i] = xi[i]
		}
		res, err := Run("hopfield", map[string]any{"X": Xa, "xi": xia, "beta": beta})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		js := res.JSON.(hopfieldJSON)

		energy := func(v []float64) float64 {
			// log Σ exp(β xⱼᵀv), shifted by the largest term.
			s := make([]float64, n)
			top := math.Inf(-1)
			for j := range n {
				for i := range d {
					s[j] += X[i][j] * v[i]
				}
				top = math.Max(top, beta*s[j])
			}
			var sum float64
			for j := range n {
				sum += math.Exp(beta*s[j] - top)
			}
			lse := top + math.Log(sum)
			var vv, m2 float64
			for i := range d {
				vv += v[i] * v[i]
			}
			for j := range n {
				var norm2 float64
				for i := range d {
					norm2 += X[i][j] * X[i][j]
				}
				m2 = math.Max(m2, norm2)
			}
			return -lse/beta + vv/2 + math.Log(float64(n))/beta + m2/2
		}
		// p = softmax(βXᵀξ).
		z := make([]float64, n)
		top := math.Inf(-1)
		for j := range n {
			for i := range d {
				z[j] += beta * X[i][j] * xi[i]
			}
			top = math.Max(top, z[j])
		}
		var sum float64
		p := make([]float64, n)
		for j := range n {
			p[j] = math.Exp(z[j] - top)
			sum += p[j]
		}
		for j := range p {
			p[j] /= sum
			if !scalar.EqualWithinAbsOrRel(js.P[j], p[j], 1e-12, 1e-10) {
				t.Errorf("trial %d: p[%d] = %v, softmax gives %v", trial, j, js.P[j], p[j])
			}
		}
		xiNew := make([]float64, d)
		for i := range d {
			for j := range n {
				xiNew[i] += X[i][j] * p[j]
			}
			if !scalar.EqualWithinAbsOrRel(js.XiNew[i], xiNew[i], 1e-12, 1e-10) {
				t.Errorf("trial %d: ξ_new[%d] = %v, Xp gives %v", trial, i, js.XiNew[i], xiNew[i])
			}
		}
		if e := energy(xi); !scalar.EqualWithinAbsOrRel(js.EnergyBefore, e, 1e-10, 1e-10) {
			t.Errorf("trial %d: E(ξ) = %v, the definition gives %v", trial, js.EnergyBefore, e)
		}
		if e := energy(xiNew); !scalar.EqualWithinAbsOrRel(js.EnergyAfter, e, 1e-10, 1e-10) {
			t.Errorf("trial %d: E(ξ_new) = %v, the definition gives %v", trial, js.EnergyAfter, e)
		}
		// The update never raises the energy (Ramsauer et al., Theorem 1).
		if js.EnergyAfter > js.EnergyBefore+1e-12 {
			t.Errorf("trial %d: energy rose from %v to %v", trial, js.EnergyBefore, js.EnergyAfter)
		}
	}
}
