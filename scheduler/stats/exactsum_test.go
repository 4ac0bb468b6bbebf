package stats

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactRef is the sum of xs rounded once to the nearest float64, by
// big.Rat.
func exactRef(xs []float64) float64 {
	var r big.Rat
	for _, x := range xs {
		var q big.Rat
		q.SetFloat64(x)
		r.Add(&r, &q)
	}
	f, _ := r.Float64()
	return f
}

// TestExactSum checks that exactSum gives the correctly rounded sum, the
// same bits in any order and split into pieces in any way, over values
// that float64 addition rounds: recall predictions in [0, 1], subnormals,
// huge and negative values and cancellations.
func TestExactSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sets := map[string][]float64{
		"recall": nil, "wide": nil,
		"cancel":    {1e308, 1, -1e308, 0x1p-1074, math.MaxFloat64, -math.MaxFloat64, 0x1p-1022, -0x1p-1023},
		"subnormal": {0x1p-1074, 0x3p-1074, 0x1p-1060, -0x1p-1073},
		"zeros":     {0, math.Copysign(0, -1)},
	}
	for range 5000 {
		sets["recall"] = append(sets["recall"], rng.Float64())
		sets["wide"] = append(sets["wide"], math.Ldexp(rng.Float64()-0.5, rng.IntN(2000)-1000))
	}
	for name, xs := range sets {
		want := exactRef(xs)
		var naive float64
		for _, x := range xs {
			naive += x
		}
		for round := range 5 {
			ys := append([]float64(nil), xs...)
			if round > 0 {
				rng.Shuffle(len(ys), func(i, j int) { ys[i], ys[j] = ys[j], ys[i] })
			}
			// Pieces at random cuts, merged.
			var total exactSum
			for len(ys) > 0 {
				k := rng.IntN(len(ys) + 1)
				var s exactSum
				for _, y := range ys[:k] {
					s.add(y)
				}
				total.merge(&s)
				ys = ys[k:]
			}
			if got := total.Float64(); math.Float64bits(got) != math.Float64bits(want) && !(got == 0 && want == 0) {
				t.Errorf("%s, round %d: sum %v (%x), want %v (%x); plain float64 sum %v", name, round, got, math.Float64bits(got), want, math.Float64bits(want), naive)
			}
		}
	}
	// Plain float64 addition of the recall set in some of those orders
	// gives other bits: else the comparison above would not tell exact
	// from plain.
	differs := false
	ys := append([]float64(nil), sets["recall"]...)
	want := exactRef(ys)
	for range 5 {
		rng.Shuffle(len(ys), func(i, j int) { ys[i], ys[j] = ys[j], ys[i] })
		var plain float64
		for _, y := range ys {
			plain += y
		}
		differs = differs || plain != want
	}
	if !differs {
		t.Error("plain sums of the recall set are exact in every order: the test does not tell exact from plain")
	}
}

// TestExactSumSpecial checks that NaN and infinities come out as float64
// addition would give them, whatever the order.
func TestExactSumSpecial(t *testing.T) {
	cases := []struct {
		xs   []float64
		want float64
	}{
		{[]float64{1, math.Inf(1), 2}, math.Inf(1)},
		{[]float64{math.Inf(-1), 1}, math.Inf(-1)},
		{[]float64{math.Inf(1), 3, math.Inf(-1)}, math.NaN()},
		{[]float64{0.5, math.NaN()}, math.NaN()},
		{[]float64{math.MaxFloat64, math.MaxFloat64}, math.Inf(1)}, // overflows only when rounded
	}
	for _, c := range cases {
		var a, b exactSum
		for i, x := range c.xs {
			a.add(x)
			b.add(c.xs[len(c.xs)-1-i])
		}
		for _, got := range []float64{a.Float64(), b.Float64()} {
			if math.IsNaN(c.want) != math.IsNaN(got) || (!math.IsNaN(c.want) && got != c.want) {
				t.Errorf("sum of %v = %v, want %v", c.xs, got, c.want)
			}
		}
	}
}

// BenchmarkExactSumAdd is the cost of one addition (a review's recall
// prediction).
func BenchmarkExactSumAdd(b *testing.B) {
	var s exactSum
	x := 0.8731
	for b.Loop() {
		s.add(x)
		x = x*0.999 + 0.0001
	}
	_ = s.Float64()
}
