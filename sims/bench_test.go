package sims

import (
	"os"
	"sort"
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

// medianNs runs a benchmark function a few times and returns the median
// ns/op.
func medianNs(f func(*testing.B)) float64 {
	var ns []float64
	for i := 0; i < 5; i++ {
		ns = append(ns, float64(testing.Benchmark(f).NsPerOp()))
	}
	sort.Float64s(ns)
	return ns[len(ns)/2]
}

// TestSpeed_Targets checks the targets of DESIGN.md ("Speed and size")
// in one run. It is slow and sensitive to load, so it only runs with
// FLASH_SPEED=1: FLASH_SPEED=1 go test ./sims -run Speed -v.
func TestSpeed_Targets(t *testing.T) {
	if os.Getenv("FLASH_SPEED") == "" {
		t.Skip("set FLASH_SPEED=1 to measure the speed targets")
	}
	decay, eig := medianNs(BenchmarkNTKDecay512), medianNs(BenchmarkEigenSymValuesOnly512)
	t.Logf("ntk-decay n=512: %.1f ms, EigenSym values only: %.1f ms, ratio %.2f (target ≤ 1.5)", decay/1e6, eig/1e6, decay/eig)
	if decay > 1.5*eig {
		t.Errorf("ntk-decay is %.2f× EigenSym values-only", decay/eig)
	}
	r4, r8 := medianNs(BenchmarkLinearAttentionRecurrent4096), medianNs(BenchmarkLinearAttentionRecurrent8192)
	t.Logf("recurrent N=4096: %.1f ms (target ≤ 30), N=8192: %.1f ms, ratio %.2f (target ≤ 2.3)", r4/1e6, r8/1e6, r8/r4)
	if r4 > 30e6 || r8 > 2.3*r4 {
		t.Error("linear-attention recurrent misses its target")
	}
}
