package sims

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

// ntk512 is the generated NTK at n = 512 (1-D, raw coordinates) and its
// target; both benchmarks below use the same matrix.
func ntk512() (k []float64, y []float64) {
	return generateNTK(&ntkDecayCfg{n: 512, dim: 1, depth: 2, target: "sin", freq: 2, seed: 1})
}

// BenchmarkNTKDecay512 is the whole Run of ntk-decay on an explicit
// 512×512 kernel: validation, eigenvalues, the eigen-projections of y,
// the flow residuals at the default times, text, series and JSON. Compare
// with BenchmarkEigenSymValuesOnly512 (target: ≤ 1.5×).
func BenchmarkNTKDecay512(b *testing.B) {
	k, y := ntk512()
	rows := matrixRows(k, 512, 512)
	params := map[string]any{"K": rows, "y": y, "steps": []int{}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run("ntk-decay", params); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEigenSymValuesOnly512 is gonum's eigenvalues-only EigenSym of
// the same matrix.
func BenchmarkEigenSymValuesOnly512(b *testing.B) {
	k, _ := ntk512()
	sym := mat.NewSymDense(512, k)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var es mat.EigenSym
		if !es.Factorize(sym, false) {
			b.Fatal("factorize failed")
		}
	}
}

// BenchmarkNTKDecay512Core is the spectral computation alone.
func BenchmarkNTKDecay512Core(b *testing.B) {
	k, y := ntk512()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := analyseDecay(512, k, y, 0, []float64{0, 1, 10, 100, 1000}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNTKDecay512Steps adds the default gradient-descent steps (the
// explicit iteration to k = 100 and the projections of its iterates).
func BenchmarkNTKDecay512Steps(b *testing.B) {
	k, y := ntk512()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := analyseDecay(512, k, y, 0, []float64{0, 1, 10, 100, 1000}, []int{0, 1, 10, 100}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEigenSymVectors512 is the full eigendecomposition that the
// projections avoid.
func BenchmarkEigenSymVectors512(b *testing.B) {
	k, _ := ntk512()
	sym := mat.NewSymDense(512, k)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var es mat.EigenSym
		es.Factorize(sym, true)
	}
}

func benchRecurrent(b *testing.B, n int) {
	q, k, v := randomQKV(1, n, 64, 64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		attentionRecurrent(q, k, v, n, 64, 64)
	}
}

// BenchmarkLinearAttentionRecurrent4096 is the recurrence at N = 4096,
// d = dᵥ = 64 (target ≤ 30 ms).
func BenchmarkLinearAttentionRecurrent4096(b *testing.B) { benchRecurrent(b, 4096) }

// BenchmarkLinearAttentionRecurrent8192 doubles N (target ≤ 2.3× the time
// at 4096).
func BenchmarkLinearAttentionRecurrent8192(b *testing.B) { benchRecurrent(b, 8192) }

func benchMasked(b *testing.B, n int) {
	q, k, v := randomQKV(1, n, 64, 64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		attentionMasked(q, k, v, n, 64, 64)
	}
}

// BenchmarkLinearAttentionMasked2048 and 4096 show the O(N²) way.
func BenchmarkLinearAttentionMasked2048(b *testing.B) { benchMasked(b, 2048) }

// BenchmarkLinearAttentionMasked4096 is the masked way at N = 4096.
func BenchmarkLinearAttentionMasked4096(b *testing.B) { benchMasked(b, 4096) }
