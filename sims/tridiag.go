package sims

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack/gonum"
)

// tridiag is the Householder reduction A = Q T Qᵀ of a symmetric matrix,
// with T tridiagonal and Q kept as its reflectors. It is the first (and
// only O(n³)) step of an eigenvalues-only solve, so the coordinates of a
// few vectors in the eigenbasis of A come almost for free: apply Qᵀ to
// each vector (O(n²)), then run implicit QL on T while rotating only those
// rows (O(n²) per vector) instead of accumulating the n×n eigenvectors.
type tridiag struct {
	n    int
	a    []float64 // reflectors below the subdiagonal (row-major, lda = n)
	d, e []float64 // diagonal and subdiagonal of T
	tau  []float64
}

var lapackImpl gonum.Implementation

// newTridiag reduces the symmetric n×n row-major matrix a, which it
// overwrites and keeps.
func newTridiag(n int, a []float64) *tridiag {
	t := &tridiag{n: n, a: a, d: make([]float64, n)}
	if n < 2 {
		if n == 1 {
			t.d[0] = a[0]
		}
		return t
	}
	t.e = make([]float64, n-1)
	t.tau = make([]float64, n-1)
	work := []float64{0}
	lapackImpl.Dsytrd(blas.Lower, n, a, n, t.d, t.e, t.tau, work, -1)
	work = make([]float64, int(work[0]))
	lapackImpl.Dsytrd(blas.Lower, n, a, n, t.d, t.e, t.tau, work, len(work))
	return t
}

// values returns the eigenvalues in ascending order; ok is false if the QL
// iteration did not converge.
func (t *tridiag) values() ([]float64, bool) {
	d := append([]float64(nil), t.d...)
	if t.n < 2 {
		return d, true
	}
	e := append([]float64(nil), t.e...)
	if !lapackImpl.Dsterf(t.n, d, e) {
		return nil, false
	}
	return d, true
}

// applyQT overwrites w (length n) with Qᵀw.
func (t *tridiag) applyQT(w []float64) {
	n := t.n
	// Q = H₀H₁…H_{n−2} with Hᵢ = I − τᵢvvᵀ, v[0:i+1] = 0, v[i+1] = 1,
	// v[i+2:n] = A[i+2:n, i]; so Qᵀw applies H₀ first.
	for i := 0; i < n-1; i++ {
		tau := t.tau[i]
		if tau == 0 {
			continue
		}
		s := w[i+1]
		for k := i + 2; k < n; k++ {
			s += t.a[k*n+i] * w[k]
		}
		s *= tau
		w[i+1] -= s
		for k := i + 2; k < n; k++ {
			w[k] -= s * t.a[k*n+i]
		}
	}
}

// project returns the eigenvalues of A in ascending order and, for each
// vector vs[j], its coordinates in the matching orthonormal eigenvectors:
// coords[j][i] = qᵢᵀvs[j]. The vectors are not modified. ok is false if
// the QL iteration did not converge.
func (t *tridiag) project(vs [][]float64) (vals []float64, coords [][]float64, ok bool) {
	n, m := t.n, len(vs)
	z := make([]float64, m*n)
	for j, v := range vs {
		row := z[j*n : (j+1)*n]
		copy(row, v)
		t.applyQT(row)
	}
	d := append([]float64(nil), t.d...)
	e := make([]float64, n)
	copy(e, t.e)
	if !tql2Rows(n, d, e, z, m) {
		return nil, nil, false
	}
	// Sort ascending, carrying the columns of z along.
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return d[idx[a]] < d[idx[b]] })
	vals = make([]float64, n)
	for i, k := range idx {
		vals[i] = d[k]
	}
	coords = make([][]float64, m)
	for j := range coords {
		row := make([]float64, n)
		for i, k := range idx {
			row[i] = z[j*n+k]
		}
		coords[j] = row
	}
	return vals, coords, true
}

// tql2Rows diagonalises the symmetric tridiagonal matrix with diagonal d
// and subdiagonal e[0:n−1] (e[i] couples i and i+1; e has length n and
// e[n−1] is scratch) by implicit QL with Wilkinson-like shifts, after
// EISPACK tql2 as published in JAMA (public domain). Instead of the n×n
// eigenvector matrix Z it rotates the m rows of z (row-major, m×n), so on
// return row j holds z_jᵀZ. On return d holds the (unsorted) eigenvalues.
func tql2Rows(n int, d, e, z []float64, m int) bool {
	if n == 0 {
		return true
	}
	e[n-1] = 0
	var f, tst1 float64
	const eps = 0x1p-52
	for l := 0; l < n; l++ {
		tst1 = math.Max(tst1, math.Abs(d[l])+math.Abs(e[l]))
		mm := l
		for mm < n-1 && math.Abs(e[mm]) > eps*tst1 {
			mm++
		}
		if mm > l {
			for iter := 0; ; iter++ {
				if iter > 60 {
					return false
				}
				g := d[l]
				p := (d[l+1] - g) / (2 * e[l])
				r := math.Hypot(p, 1)
				if p < 0 {
					r = -r
				}
				d[l] = e[l] / (p + r)
				d[l+1] = e[l] * (p + r)
				dl1 := d[l+1]
				h := g - d[l]
				for i := l + 2; i < n; i++ {
					d[i] -= h
				}
				f += h
				p = d[mm]
				c, c2, c3 := 1.0, 1.0, 1.0
				el1 := e[l+1]
				s, s2 := 0.0, 0.0
				for i := mm - 1; i >= l; i-- {
					c3 = c2
					c2 = c
					s2 = s
					g = c * e[i]
					h = c * p
					r = math.Hypot(p, e[i])
					e[i+1] = s * r
					s = e[i] / r
					c = p / r
					p = c*d[i] - s*g
					d[i+1] = h + s*(c*g+s*d[i])
					for k := 0; k < m; k++ {
						row := z[k*n : k*n+n]
						zh := row[i+1]
						row[i+1] = s*row[i] + c*zh
						row[i] = c*row[i] - s*zh
					}
				}
				p = -s * s2 * c3 * el1 * e[l] / dl1
				e[l] = s * p
				d[l] = c * p
				if !(math.Abs(e[l]) > eps*tst1) {
					break
				}
			}
		}
		d[l] += f
		e[l] = 0
	}
	for _, x := range d {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
