package sims

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// TestFitKernel_ClosedForm: k steps of gradient descent from f = 0 under
// the NTK give, on the training points, f = (I − (I − ηK)ᵏ)y and on the
// test points f* = K*K⁻¹(I − (I − ηK)ᵏ)y. The closed form is computed
// here on fitKernel's own kernels for random draws (points, Fourier
// features, targets, steps), through K = QΛQᵀ:
// K⁻¹(I − (I − ηK)ᵏ) = Q diag((1 − (1 − ηλ)ᵏ)/λ) Qᵀ, whose entry for
// λ → 0 tends to ηk.
func TestFitKernel_ClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for trial := range 12 {
		n, nt := 4+rng.IntN(10), 3+rng.IntN(6)
		depth := rng.IntN(3)
		steps := rng.IntN(300)
		sigma := math.Exp(rng.Float64()*4 - 1)
		b := fourierB(rng, 2+rng.IntN(6), 1, sigma)
		pts := func(m int) [][]float64 {
			p := make([][]float64, m)
			for i := range p {
				p[i] = []float64{rng.Float64()}
			}
			return p
		}
		xTrain, xTest := features(pts(n), b), features(pts(nt), b)
		yTrain, yTest := make([]float64, n), make([]float64, nt)
		for i := range yTrain {
			yTrain[i] = rng.NormFloat64()
		}
		run, err := fitKernel(xTrain, xTest, yTrain, yTest, depth, steps, 0)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		eta := run.Eta

		k := mat.NewSymDense(n, ntkSym(xTrain, depth, float64(n)))
		ks := ntkGram(xTest, xTrain, depth)
		for i := range ks {
			ks[i] /= float64(n)
		}
		var eig mat.EigenSym
		if !eig.Factorize(k, true) {
			t.Fatalf("trial %d: no eigen-decomposition", trial)
		}
		lambda := eig.Values(nil)
		var q mat.Dense
		eig.VectorsTo(&q)
		// g = diag(gain)·Qᵀy with gain = (1 − (1 − ηλ)ᵏ)/λ.
		qty := mat.NewVecDense(n, nil)
		qty.MulVec(q.T(), mat.NewVecDense(n, yTrain))
		shrunk := mat.NewVecDense(n, nil) // (I − (I − ηK)ᵏ) in the eigenbasis
		gained := mat.NewVecDense(n, nil) // K⁻¹(I − (I − ηK)ᵏ) in the eigenbasis
		for i, l := range lambda {
			s := 1 - math.Pow(1-eta*l, float64(steps))
			g := eta * float64(steps) // the limit λ → 0
			if math.Abs(eta*l) > 1e-8 {
				g = s / l
			}
			shrunk.SetVec(i, s*qty.AtVec(i))
			gained.SetVec(i, g*qty.AtVec(i))
		}
		var f, coef, fs mat.VecDense
		f.MulVec(&q, shrunk)
		coef.MulVec(&q, gained)
		fs.MulVec(mat.NewDense(nt, n, ks), &coef)

		scale := 1e-9 * (1 + mat.Norm(mat.NewVecDense(n, yTrain), math.Inf(1))*float64(steps+1))
		for i := range n {
			if !scalar.EqualWithinAbsOrRel(run.train[i], f.AtVec(i), scale, 1e-8) {
				t.Errorf("trial %d (n %d, depth %d, %d steps): f[%d] = %v, closed form %v", trial, n, depth, steps, i, run.train[i], f.AtVec(i))
			}
		}
		for i := range nt {
			if !scalar.EqualWithinAbsOrRel(run.test[i], fs.AtVec(i), scale, 1e-8) {
				t.Errorf("trial %d (n %d, depth %d, %d steps): f*[%d] = %v, K*K⁻¹(I − (I − ηK)ᵏ)y gives %v", trial, n, depth, steps, i, run.test[i], fs.AtVec(i))
			}
		}
	}
}
