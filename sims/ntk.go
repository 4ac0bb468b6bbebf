package sims

import (
	"math"
	"math/rand/v2"
)

// newRand returns the generator used by every kind for a given seed, so
// a seed means the same draws everywhere.
func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

// gridPoints returns n coordinates in [0,1)^dim: i/n in 1-D; in 2-D the
// first n points of an s×s grid (s = ⌈√n⌉), row by row.
func gridPoints(n, dim int) [][]float64 {
	pts := make([][]float64, n)
	if dim == 1 {
		for i := range pts {
			pts[i] = []float64{float64(i) / float64(n)}
		}
		return pts
	}
	s := int(math.Ceil(math.Sqrt(float64(n))))
	for i := range pts {
		pts[i] = []float64{float64(i%s) / float64(s), float64(i/s) / float64(s)}
	}
	return pts
}

// fourierB draws the m×dim frequency matrix B with entries N(0, σ²).
func fourierB(rng *rand.Rand, m, dim int, sigma float64) [][]float64 {
	b := make([][]float64, m)
	for j := range b {
		b[j] = make([]float64, dim)
		for k := range b[j] {
			b[j][k] = sigma * rng.NormFloat64()
		}
	}
	return b
}

// features maps coordinates to the network input x̃ with a bias entry:
// without B, x̃ = (v, 1)/√(dim+1); with B, x̃ = (cos 2πBv, sin 2πBv, 1)/√(m+1).
// Either way x̃ᵀx̃ ≤ 1, so Σ⁰ = x̃ᵀx̃' stays in [−1, 1].
func features(pts [][]float64, b [][]float64) [][]float64 {
	out := make([][]float64, len(pts))
	for i, v := range pts {
		if b == nil {
			x := make([]float64, len(v)+1)
			s := 1 / math.Sqrt(float64(len(v)+1))
			for k, c := range v {
				x[k] = c * s
			}
			x[len(v)] = s
			out[i] = x
			continue
		}
		m := len(b)
		x := make([]float64, 2*m+1)
		s := 1 / math.Sqrt(float64(m+1))
		for j, row := range b {
			var arg float64
			for k, c := range v {
				arg += row[k] * c
			}
			arg *= 2 * math.Pi
			x[j] = math.Cos(arg) * s
			x[m+j] = math.Sin(arg) * s
		}
		x[2*m] = s
		out[i] = x
	}
	return out
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// ntkEntry returns the analytic NTK Θ(x, x') of a ReLU MLP with depth
// hidden layers in the NTK parameterisation with c_σ = 2, given
// Σ⁰(x,x') = s01 and the diagonal Σ⁰(x,x) = s00, Σ⁰(x',x') = s11:
//
//	Σʰ = √(s00·s11)·(sin θ + (π − θ) cos θ)/π,  Σ̇ʰ = (π − θ)/π,
//	cos θ = Σʰ⁻¹/√(s00·s11),  Θ⁰ = Σ⁰,  Θʰ = Θʰ⁻¹·Σ̇ʰ + Σʰ.
//
// (With c_σ = 2 the diagonal Σʰ(x,x) stays Σ⁰(x,x) at every layer.)
func ntkEntry(s01, s00, s11 float64, depth int) float64 {
	norm := math.Sqrt(s00 * s11)
	sigma, theta := s01, s01
	for h := 0; h < depth; h++ {
		if norm <= 0 {
			sigma, theta = 0, 0
			continue
		}
		c := math.Max(-1, math.Min(1, sigma/norm))
		th := math.Acos(c)
		sigma = norm * (math.Sin(th) + (math.Pi-th)*c) / math.Pi
		theta = theta*(math.Pi-th)/math.Pi + sigma
	}
	return theta
}

// ntkGram returns Θ(aᵢ, bⱼ) for feature rows a and b as a row-major
// len(a)×len(b) matrix.
func ntkGram(a, b [][]float64, depth int) []float64 {
	out := make([]float64, len(a)*len(b))
	da := make([]float64, len(a))
	for i, x := range a {
		da[i] = dot(x, x)
	}
	db := make([]float64, len(b))
	for j, x := range b {
		db[j] = dot(x, x)
	}
	for i, x := range a {
		for j, y := range b {
			out[i*len(b)+j] = ntkEntry(dot(x, y), da[i], db[j], depth)
		}
	}
	return out
}

// ntkSym returns the symmetric matrix Θ(xᵢ, xⱼ)/scale, computing each
// pair once.
func ntkSym(x [][]float64, depth int, scale float64) []float64 {
	n := len(x)
	out := make([]float64, n*n)
	dg := make([]float64, n)
	for i, v := range x {
		dg[i] = dot(v, v)
	}
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := ntkEntry(dot(x[i], x[j]), dg[i], dg[j], depth) / scale
			out[i*n+j], out[j*n+i] = v, v
		}
	}
	return out
}

// Targets accepted by the generated kinds.
var targetNames = []string{"sin", "square", "saw", "noise"}

// maxNoiseFreq bounds the number of random Fourier terms of "noise".
const maxNoiseFreq = 256

// target evaluates the named signal with frequency freq at the points:
//
//	sin:    sin 2πf·v₁ (· sin 2πf·v₂ in 2-D)
//	square: the sign of sin (+1 at 0)
//	saw:    2·frac(f·v₁) − 1 (· the same of v₂ in 2-D)
//	noise:  random band-limited signal: Fourier terms up to frequency ⌈f⌉
//	        with N(0,1) coefficients, scaled to unit root mean square
//	        over a fine grid (drawn from rng).
func target(name string, freq float64, pts [][]float64, rng *rand.Rand) []float64 {
	y := make([]float64, len(pts))
	switch name {
	case "sin", "square":
		for i, v := range pts {
			s := 1.0
			for _, c := range v {
				s *= math.Sin(2 * math.Pi * freq * c)
			}
			if name == "square" {
				if s < 0 {
					s = -1
				} else {
					s = 1
				}
			}
			y[i] = s
		}
	case "saw":
		for i, v := range pts {
			s := 1.0
			for _, c := range v {
				x := freq * c
				s *= 2*(x-math.Floor(x)) - 1
			}
			y[i] = s
		}
	case "noise":
		k := int(math.Ceil(freq))
		if k < 1 {
			k = 1
		}
		dim := 1
		if len(pts) > 0 {
			dim = len(pts[0])
		}
		type term struct {
			f    []float64
			a, b float64
		}
		var terms []term
		if dim == 1 {
			for f := 1; f <= k; f++ {
				terms = append(terms, term{[]float64{float64(f)}, rng.NormFloat64(), rng.NormFloat64()})
			}
		} else {
			for f1 := 0; f1 <= k; f1++ {
				for f2 := -k; f2 <= k; f2++ {
					if f1 == 0 && f2 <= 0 {
						continue
					}
					terms = append(terms, term{[]float64{float64(f1), float64(f2)}, rng.NormFloat64(), rng.NormFloat64()})
				}
			}
		}
		// Each term has mean square (a² + b²)/2 over a period.
		var ms float64
		for _, t := range terms {
			ms += (t.a*t.a + t.b*t.b) / 2
		}
		scale := 1 / math.Sqrt(ms)
		for i, v := range pts {
			var s float64
			for _, t := range terms {
				arg := 2 * math.Pi * dot(t.f, v)
				s += t.a*math.Cos(arg) + t.b*math.Sin(arg)
			}
			y[i] = s * scale
		}
	}
	return y
}

// targetFormula describes the target for the text report.
func targetFormula(name string, freq float64, dim int) string {
	f := fmtG(freq)
	switch name {
	case "sin":
		if dim == 2 {
			return "sin(2π·" + f + "·u)·sin(2π·" + f + "·v)"
		}
		return "sin(2π·" + f + "·x)"
	case "square":
		if dim == 2 {
			return "sign(sin(2π·" + f + "·u)·sin(2π·" + f + "·v))"
		}
		return "sign(sin(2π·" + f + "·x))"
	case "saw":
		return "sawtooth of frequency " + f
	}
	return "random band-limited signal up to frequency " + f
}
