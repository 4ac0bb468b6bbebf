package stats

import (
	"math"
	"math/big"
	"math/bits"
)

// exactSum adds float64s without rounding: each finite value is added as
// an integer multiple of 2⁻¹⁰⁷⁴ (the smallest float64) to a wide
// fixed-point accumulator, and the total is rounded once, by Float64. The
// result therefore does not depend on the order of the additions, so
// pieces of the log summed apart and then merged give the very same
// figure as one pass, with nothing kept per review. NaN and ±Inf are
// summed apart (their float sum does not depend on the order either).
type exactSum struct {
	pos, neg [exactLimbs]uint64 // magnitudes of the positive and negative values, limb 0 lowest
	special  float64            // sum of the non-finite values
	any      bool               // a non-finite value was added
}

// exactLimbs covers bit positions 0 … 2098 of a finite float64 in units of
// 2⁻¹⁰⁷⁴ (53 bits of mantissa over 2046 binary exponents) plus 64 bits of
// headroom for carries: enough for 2⁶⁴ additions.
const exactLimbs = (2099+64)/64 + 1

// add adds x.
func (s *exactSum) add(x float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		s.special += x
		s.any = true
		return
	}
	b := math.Float64bits(x)
	exp := int(b >> 52 & 0x7ff)
	mant := b & (1<<52 - 1)
	if exp != 0 {
		mant |= 1 << 52
		exp-- // a normal number's mantissa is in units of 2^(exp-1-1074)
	}
	if mant == 0 {
		return
	}
	acc := &s.pos
	if b>>63 != 0 {
		acc = &s.neg
	}
	// mant · 2^exp in units of 2⁻¹⁰⁷⁴.
	i, off := exp/64, uint(exp%64)
	lo, hi := mant<<off, uint64(0)
	if off > 0 {
		hi = mant >> (64 - off)
	}
	var c uint64
	acc[i], c = bits.Add64(acc[i], lo, 0)
	i++
	acc[i], c = bits.Add64(acc[i], hi, c)
	for c != 0 {
		i++
		acc[i], c = bits.Add64(acc[i], 0, c)
	}
}

// merge adds the values added to o.
func (s *exactSum) merge(o *exactSum) {
	addLimbs(&s.pos, &o.pos)
	addLimbs(&s.neg, &o.neg)
	if o.any {
		s.special += o.special
		s.any = true
	}
}

func addLimbs(a, b *[exactLimbs]uint64) {
	var c uint64
	for i := range a {
		a[i], c = bits.Add64(a[i], b[i], c)
	}
}

// Float64 returns the sum rounded to the nearest float64 (ties to even).
func (s *exactSum) Float64() float64 {
	if s.any {
		return s.special // NaN or ±Inf: finite values do not change it
	}
	n := limbsInt(&s.pos)
	n.Sub(n, limbsInt(&s.neg))
	if n.Sign() == 0 {
		return 0
	}
	f := new(big.Float).SetPrec(exactLimbs * 64).SetInt(n)
	f.SetMantExp(f, -1074)
	v, _ := f.Float64()
	return v
}

func limbsInt(a *[exactLimbs]uint64) *big.Int {
	w := make([]big.Word, 0, exactLimbs*64/bits.UintSize)
	for _, l := range a {
		if bits.UintSize == 64 {
			w = append(w, big.Word(l))
		} else {
			w = append(w, big.Word(uint32(l)), big.Word(l>>32))
		}
	}
	return new(big.Int).SetBits(w)
}
