package sims

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// randomSym returns a random symmetric n×n matrix; with psd it is AᵀA/n,
// with clusters some eigenvalues repeat (a hard case for projections).
func randomSym(rng *rand.Rand, n int, psd bool) []float64 {
	a := make([]float64, n*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	out := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			var v float64
			if psd {
				for k := 0; k < n; k++ {
					v += a[k*n+i] * a[k*n+j]
				}
				v /= float64(n)
			} else {
				v = a[i*n+j] + a[j*n+i]
			}
			out[i*n+j], out[j*n+i] = v, v
		}
	}
	return out
}

// TestTridiag_ProjectMatchesEigenSym checks eigenvalues and |qᵢᵀv| from
// the reflector-and-rotated-rows method against gonum's full EigenSym.
func TestTridiag_ProjectMatchesEigenSym(t *testing.T) {
	for _, tc := range []struct {
		n    int
		psd  bool
		seed uint64
	}{
		{1, true, 1}, {2, false, 2}, {3, true, 3}, {7, false, 4},
		{16, true, 5}, {33, false, 6}, {64, true, 7},
		{40, true, 8}, // AᵀA/n with n = 40: well spread
	} {
		t.Run(fmt.Sprintf("n=%d/seed=%d", tc.n, tc.seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(tc.seed, 0))
			a := randomSym(rng, tc.n, tc.psd)
			v1 := make([]float64, tc.n)
			v2 := make([]float64, tc.n)
			for i := range v1 {
				v1[i] = rng.NormFloat64()
				v2[i] = rng.Float64()
			}
			var es mat.EigenSym
			if !es.Factorize(mat.NewSymDense(tc.n, append([]float64(nil), a...)), true) {
				t.Fatal("EigenSym failed")
			}
			want := es.Values(nil)
			var q mat.Dense
			es.VectorsTo(&q)
			tr := newTridiag(tc.n, append([]float64(nil), a...))
			got, coords, ok := tr.project([][]float64{v1, v2})
			if !ok {
				t.Fatal("project failed")
			}
			vals, ok := tr.values()
			if !ok {
				t.Fatal("values failed")
			}
			scale := math.Max(math.Abs(want[0]), math.Abs(want[tc.n-1]))
			for i := range want {
				if !scalar.EqualWithinAbsOrRel(got[i], want[i], 1e-12*scale, 1e-12) {
					t.Errorf("λ[%d] = %v, want %v", i, got[i], want[i])
				}
				if !scalar.EqualWithinAbsOrRel(vals[i], want[i], 1e-12*scale, 1e-12) {
					t.Errorf("values()[%d] = %v, want %v", i, vals[i], want[i])
				}
			}
			for j, v := range [][]float64{v1, v2} {
				var norm2 float64
				for i := 0; i < tc.n; i++ {
					var p float64
					for k := 0; k < tc.n; k++ {
						p += q.At(k, i) * v[k]
					}
					if !scalar.EqualWithinAbsOrRel(math.Abs(coords[j][i]), math.Abs(p), 1e-9, 1e-9) {
						t.Errorf("vector %d: |q%dᵀv| = %v, want %v", j, i, math.Abs(coords[j][i]), math.Abs(p))
					}
					norm2 += coords[j][i] * coords[j][i]
				}
				if !scalar.EqualWithinAbsOrRel(math.Sqrt(norm2), mat.Norm(mat.NewVecDense(tc.n, v), 2), 1e-12, 1e-12) {
					t.Errorf("vector %d: coordinates lost norm", j)
				}
			}
		})
	}
}
