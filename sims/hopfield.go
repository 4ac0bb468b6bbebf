package sims

import (
	"fmt"
	"math"
)

// Limits of hopfield.
const (
	// MaxHopfieldDim bounds d and the number of patterns N; d·N is at
	// most 1e6.
	MaxHopfieldDim  = 4096
	maxHopfieldSize = 1_000_000
	maxHopEntry     = 1e6
	maxBeta         = 1e6
)

type hopfieldCfg struct {
	d, n     int
	beta     float64
	seed     int64
	x        []float64 // d×N row-major (rows are dimensions), nil: random
	xi       []float64
	noise    float64
	clusters int
	spread   float64
	maxIter  int
	betas    []float64
	explicit bool
}

// hopfieldKind is the hopfield simulation, for registry.
func hopfieldKind() *kindImpl {
	return &kindImpl{
		spec: Spec{
			Kind: "hopfield",
			Summary: "Modern Hopfield retrieval: stored patterns are the columns " +
				"xᵢ of X (d×N); one update is p = softmax(βXᵀξ), ξ_new = Xp. " +
				"The energy E(ξ) = −β⁻¹ log Σᵢ exp(βxᵢᵀξ) + ½ξᵀξ + β⁻¹ log N + ½M² " +
				"(M = maxᵢ ‖xᵢ‖) never increases along updates. Iterating until ξ " +
				"stops moving reaches a fixed point: near one pattern, a metastable " +
				"average of a few, or the global average of all, depending on β; a " +
				"run that stops at max_iter first reports no fixed point. Random patterns are " +
				"grouped: patterns j, j+clusters, … are centre j plus N(0, spread²) " +
				"noise, centres N(0,1); the random state is a pattern picked by " +
				"seed plus N(0, noise²) noise.",
			Params: []Param{
				{"d", "int", "pattern dimension, 1 to 4096 (d·N ≤ 1e6); must match X", 16},
				{"n", "int", "number of stored patterns N, 1 to 4096; must match X", 8},
				{"beta", "float", "inverse temperature β, > 0 and ≤ 1e6", 8.0},
				{"seed", "int", "seed for random X and ξ", 1},
				{"X", "matrix", "explicit patterns, d×N: rows are dimensions, columns are patterns; |x| ≤ 1e6", nil},
				{"xi", "floats", "explicit state ξ, length d (default: a random pattern plus noise)", nil},
				{"noise", "float", "standard deviation of the N(0, noise²) noise added to the pattern that makes the random ξ, 0 to 1e3", 0.2},
				{"clusters", "int", "number of random pattern centres, 1 to N (N: independent patterns)", 3},
				{"spread", "float", "standard deviation of random patterns around their centre, 0 to 1e3", 0.5},
				{"max_iter", "int", "most updates when iterating to the fixed point, 1 to 10000", 100},
				{"betas", "floats", "values of β (each > 0, ≤ 1e6, at most 32) for a table of the same iteration at each β", []float64{0.001, 0.01, 0.05, 0.1, 0.3, 1, 8}},
			},
			Numbers: []NumberDoc{
				{"p_max", "largest softmax weight of the first update"},
				{"xi_new_1", "first coordinate of ξ_new after one update"},
				{"energy_before", "E(ξ)"},
				{"energy_after", "E(ξ_new) after one update"},
				{"iterations", "updates until ‖Δξ‖ ≤ 1e-12·(1 + ‖ξ‖), or max_iter"},
				{"converged", "1 if the iteration converged within max_iter, else 0; the fixed-point numbers below exist only when it did"},
				{"nearest", "1-based index of the pattern with the largest xᵢᵀξ"},
				{"retrieved", "1-based index of the pattern with the largest weight at the fixed point"},
				{"fixed_point_p_max", "largest softmax weight at the fixed point"},
				{"fixed_point_k", "fewest patterns whose weights at the fixed point sum to ≥ 0.9 (the size of a metastable state, as in the paper's BERT analysis)"},
				{"patterns_mixed", "how many weights exceed 0.1 at the fixed point"},
				{"energy_fixed_point", "E at the fixed point"},
				{"jacobian_norm", "‖J‖₂ at the fixed point, J = β X(diag p − ppᵀ)Xᵀ: below 1 the fixed point attracts, above 1 it is unstable"},
				{"separation", "Δ = x_nᵀx_n − max_{j≠n} x_nᵀx_j for the nearest pattern n (0 if N = 1)"},
			},
		},
		check: checkHopfield,
		run: func(cfg any, opt Options) (*Result, error) {
			return runHopfield(cfg.(*hopfieldCfg))
		},
	}
}

func checkHopfield(r *reader) any {
	c := &hopfieldCfg{}
	c.d = r.int("d", 1, MaxHopfieldDim)
	c.n = r.int("n", 1, MaxHopfieldDim)
	c.beta = r.float("beta", 0, maxBeta)
	if c.beta == 0 && r.has("beta") {
		r.failf("beta", "must be > 0")
	}
	c.seed = r.int64("seed")
	c.noise = r.float("noise", 0, 1e3)
	c.clusters = r.int("clusters", 1, MaxHopfieldDim)
	c.spread = r.float("spread", 0, 1e3)
	c.maxIter = r.int("max_iter", 1, 10000)
	c.betas = r.floats("betas", 0, maxBeta, 32)
	for i, b := range c.betas {
		if b == 0 {
			r.failf("betas", "entry %d: must be > 0", i+1)
			break
		}
	}
	x := r.matrix("X", MaxHopfieldDim, MaxHopfieldDim, maxHopEntry)
	c.xi = r.floats("xi", -maxHopEntry, maxHopEntry, MaxHopfieldDim)
	if c.xi != nil && len(c.xi) == 0 {
		r.failf("xi", "is empty; give one entry per dimension (d ≥ 1)")
		c.xi = nil
	}
	if x != nil {
		c.explicit = true
		if r.has("d") && c.d != len(x) {
			r.failf("d", "is %d but X has %d rows (dimensions)", c.d, len(x))
		}
		if r.has("n") && c.n != len(x[0]) {
			r.failf("n", "is %d but X has %d columns (patterns)", c.n, len(x[0]))
		}
		c.d, c.n = len(x), len(x[0])
		c.x = flatten(x)
	} else if c.xi != nil {
		if r.has("d") && c.d != len(c.xi) {
			r.failf("d", "is %d but xi has %d entries", c.d, len(c.xi))
		}
		c.d = len(c.xi)
	}
	if c.xi != nil && len(c.xi) != c.d {
		r.failf("xi", "has %d entries, want d = %d (the rows of X)", len(c.xi), c.d)
	}
	if c.clusters > c.n {
		if r.has("clusters") {
			r.failf("clusters", "is %d but there are only N = %d patterns", c.clusters, c.n)
		}
		c.clusters = c.n
	}
	if c.d*c.n > maxHopfieldSize {
		r.failf("n", "d·N = %d·%d is over the limit 1e6", c.d, c.n)
	}
	return c
}

// hopfield holds the patterns and does updates.
type hopfield struct {
	d, n int
	x    []float64 // d×N, column i is pattern i
	m2   float64   // M² = max ‖xᵢ‖²
}

func newHopfield(d, n int, x []float64) *hopfield {
	h := &hopfield{d: d, n: n, x: x}
	for i := 0; i < n; i++ {
		var s float64
		for a := 0; a < d; a++ {
			s += x[a*n+i] * x[a*n+i]
		}
		h.m2 = math.Max(h.m2, s)
	}
	return h
}

// scores returns Xᵀξ.
func (h *hopfield) scores(xi []float64) []float64 {
	s := make([]float64, h.n)
	for a := 0; a < h.d; a++ {
		row := h.x[a*h.n : (a+1)*h.n]
		for i, v := range row {
			s[i] += v * xi[a]
		}
	}
	return s
}

// softmax returns softmax(β·s) and log Σ exp(β·s), stably.
func softmax(beta float64, s []float64) (p []float64, lse float64) {
	mx := math.Inf(-1)
	for _, v := range s {
		mx = math.Max(mx, beta*v)
	}
	p = make([]float64, len(s))
	var sum float64
	for i, v := range s {
		p[i] = math.Exp(beta*v - mx)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p, mx + math.Log(sum)
}

// energy is E(ξ) = −β⁻¹ lse(β, Xᵀξ) + ½ξᵀξ + β⁻¹ log N + ½M².
func (h *hopfield) energy(beta float64, xi []float64) float64 {
	_, lse := softmax(beta, h.scores(xi))
	return -lse/beta + 0.5*dot(xi, xi) + math.Log(float64(h.n))/beta + 0.5*h.m2
}

// update returns p = softmax(βXᵀξ) and ξ_new = Xp.
func (h *hopfield) update(beta float64, xi []float64) (p, next []float64) {
	p, _ = softmax(beta, h.scores(xi))
	next = make([]float64, h.d)
	for a := 0; a < h.d; a++ {
		next[a] = dot(h.x[a*h.n:(a+1)*h.n], p)
	}
	return p, next
}

// iterate applies updates from xi until ‖Δξ‖ ≤ 1e-12·(1 + ‖ξ‖) or
// maxIter updates. It returns the last state, the weights
// softmax(βXᵀξ) at it, the energies along the way (E(ξ₀), E(ξ₁), …), the
// number of updates, and whether ξ stopped moving. Only a converged run
// ends at a fixed point; one that stops at maxIter ends wherever the last
// update left it.
func (h *hopfield) iterate(beta float64, xi []float64, maxIter int) (pt, p, energies []float64, iters int, converged bool) {
	pt = xi
	energies = []float64{h.energy(beta, xi)}
	for iters < maxIter {
		var next []float64
		_, next = h.update(beta, pt)
		iters++
		var dd float64
		for a := range next {
			dd += (next[a] - pt[a]) * (next[a] - pt[a])
		}
		pt = next
		energies = append(energies, h.energy(beta, pt))
		if math.Sqrt(dd) <= 1e-12*(1+math.Sqrt(dot(pt, pt))) {
			converged = true
			break
		}
	}
	p, _ = softmax(beta, h.scores(pt))
	return pt, p, energies, iters, converged
}

// jacobianNorm returns ‖J‖₂ for the Jacobian of the update at weights p,
// J = β X(diag p − ppᵀ)Xᵀ = β Var_p[x] (Ramsauer et al., appendix
// A.1.5.2). J is symmetric positive semi-definite, so its norm is its
// largest eigenvalue, found by power iteration without forming J. At a
// fixed point, a norm below 1 means nearby states are pulled in (the point
// attracts); above 1 some direction is pushed away (the point is
// unstable).
func (h *hopfield) jacobianNorm(beta float64, p []float64) float64 {
	v := make([]float64, h.d)
	rng := newRand(7)
	for a := range v {
		v[a] = 1 + rng.Float64()
	}
	mul := func(v []float64) []float64 {
		s := h.scores(v) // Xᵀv
		var ps float64
		for i := range s {
			ps += p[i] * s[i]
		}
		w := make([]float64, h.n)
		for i := range w {
			w[i] = p[i] * (s[i] - ps)
		}
		out := make([]float64, h.d)
		for a := range out {
			out[a] = beta * dot(h.x[a*h.n:(a+1)*h.n], w)
		}
		return out
	}
	var lambda float64
	for it := 0; it < 2000; it++ {
		nv := math.Sqrt(dot(v, v))
		if nv == 0 {
			return 0
		}
		for a := range v {
			v[a] /= nv
		}
		w := mul(v)
		next := dot(v, w) // Rayleigh quotient, |v| = 1
		v = w
		if it > 0 && math.Abs(next-lambda) <= 1e-13*math.Max(next, 1e-300) {
			lambda = next
			break
		}
		lambda = next
	}
	// J is positive semi-definite; a tiny negative quotient is rounding.
	return math.Max(lambda, 0)
}

// classify names the kind of fixed point from its weights p: the global
// average when every weight is within a factor 2 of 1/N; near one pattern
// when the largest weight alone is ≥ 0.9; else a metastable average of the
// fewest patterns whose weights sum to ≥ 0.9. k is that fewest number in
// every case (the paper's measure of a metastable state's size).
func classify(p []float64) (kind string, k int, top int) {
	n := len(p)
	idx := argsortDesc(p)
	top = idx[0]
	var s float64
	for k = 1; k <= n; k++ {
		s += p[idx[k-1]]
		if s >= 0.9 {
			break
		}
	}
	k = min(k, n)
	global := n > 1
	for _, w := range p {
		if w < 0.5/float64(n) || w > 2/float64(n) {
			global = false
		}
	}
	if global {
		return "global average", k, top
	}
	if k == 1 {
		return fmt.Sprintf("near pattern %d", top+1), 1, top
	}
	return fmt.Sprintf("metastable, %d patterns", k), k, top
}

// unstableNorm is the ‖J‖₂ above which a fixed point is called unstable.
const unstableNorm = 1 + 1e-9

// fixedKind is classify's name, marked when the fixed point is unstable.
func fixedKind(p []float64, jnorm float64) (kind string, k, top int) {
	kind, k, top = classify(p)
	if jnorm > unstableNorm {
		kind += " (unstable)"
	}
	return kind, k, top
}

func argsortDesc(p []float64) []int {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	// Insertion sort: stable and small N is typical; N ≤ 4096.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && p[idx[j]] > p[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx
}

// betaRow is one row of the table over β. Kind is "not converged" (and
// the other fields describe the last state) when the iteration stopped at
// max_iter.
type betaRow struct {
	Beta          float64 `json:"beta"`
	Iterations    int     `json:"iterations"`
	Converged     bool    `json:"converged"`
	PMax          float64 `json:"p_max"`
	PatternsMixed int     `json:"patterns_mixed"`
	Kind          string  `json:"kind"`
	Energy        float64 `json:"energy"`
}

// hopfieldJSON is the --json output of hopfield. Last and LastP are the
// state after the last update and its weights; the fixed_point fields are
// present only when the iteration converged.
type hopfieldJSON struct {
	D            int         `json:"d"`
	N            int         `json:"n"`
	Beta         float64     `json:"beta"`
	P            []float64   `json:"p"`
	XiNew        []float64   `json:"xi_new"`
	EnergyBefore float64     `json:"energy_before"`
	EnergyAfter  float64     `json:"energy_after"`
	Iterations   int         `json:"iterations"`
	Converged    bool        `json:"converged"`
	Last         []float64   `json:"last"`
	LastP        []float64   `json:"last_p"`
	FixedPoint   []float64   `json:"fixed_point,omitempty"`
	FixedPointP  []float64   `json:"fixed_point_p,omitempty"`
	FixedPointE  *float64    `json:"energy_fixed_point,omitempty"`
	FixedKind    string      `json:"fixed_point_kind,omitempty"`
	JacobianNorm *float64    `json:"jacobian_norm,omitempty"`
	Nearest      int         `json:"nearest"`
	Energies     []float64   `json:"energies"`
	BetaTable    []betaRow   `json:"betas"`
	X            [][]float64 `json:"X,omitempty"`
	Xi           []float64   `json:"xi"`
}

func countAbove(p []float64, t float64) int {
	k := 0
	for _, w := range p {
		if w > t {
			k++
		}
	}
	return k
}

func runHopfield(c *hopfieldCfg) (*Result, error) {
	d, n := c.d, c.n
	rng := newRand(c.seed)
	x := c.x
	if x == nil {
		centres := make([]float64, d*c.clusters)
		for i := range centres {
			centres[i] = rng.NormFloat64()
		}
		x = make([]float64, d*n)
		for a := 0; a < d; a++ {
			for i := 0; i < n; i++ {
				x[a*n+i] = centres[a*c.clusters+i%c.clusters] + c.spread*rng.NormFloat64()
			}
		}
	}
	xi := c.xi
	picked := -1
	if xi == nil {
		picked = rng.IntN(n)
		xi = make([]float64, d)
		for a := range xi {
			xi[a] = x[a*n+picked] + c.noise*rng.NormFloat64()
		}
	}
	h := newHopfield(d, n, x)
	scores := h.scores(xi)
	nearest := 0
	for i, s := range scores {
		if s > scores[nearest] {
			nearest = i
		}
	}
	p, xiNew := h.update(c.beta, xi)
	eBefore, eAfter := h.energy(c.beta, xi), h.energy(c.beta, xiNew)
	last, lastP, energies, iters, conv := h.iterate(c.beta, xi, c.maxIter)
	var sep float64
	if n > 1 {
		xn := make([]float64, d)
		for a := range xn {
			xn[a] = x[a*n+nearest]
		}
		s := h.scores(xn)
		other := math.Inf(-1)
		for j, v := range s {
			if j != nearest {
				other = math.Max(other, v)
			}
		}
		sep = s[nearest] - other
	}
	js := hopfieldJSON{
		D: d, N: n, Beta: c.beta, P: p, XiNew: xiNew,
		EnergyBefore: eBefore, EnergyAfter: eAfter,
		Iterations: iters, Converged: conv, Last: last, LastP: lastP, Nearest: nearest + 1,
		Energies: energies, Xi: xi, BetaTable: []betaRow{},
	}
	if !c.explicit && d*n <= 1<<16 {
		js.X = matrixRows(x, d, n)
	}
	nums := map[string]float64{
		"p_max":         maxOf(p),
		"xi_new_1":      xiNew[0],
		"energy_before": eBefore,
		"energy_after":  eAfter,
		"iterations":    float64(iters),
		"converged":     0,
		"nearest":       float64(nearest + 1),
		"separation":    sep,
	}
	if conv {
		jn := h.jacobianNorm(c.beta, lastP)
		kind, k, top := fixedKind(lastP, jn)
		eFixed := energies[len(energies)-1]
		js.FixedPoint, js.FixedPointP, js.FixedPointE = last, lastP, &eFixed
		js.FixedKind, js.JacobianNorm = kind, &jn
		nums["converged"] = 1
		nums["retrieved"] = float64(top + 1)
		nums["fixed_point_p_max"] = maxOf(lastP)
		nums["fixed_point_k"] = float64(k)
		nums["patterns_mixed"] = float64(countAbove(lastP, 0.1))
		nums["energy_fixed_point"] = eFixed
		nums["jacobian_norm"] = jn
	}
	for _, b := range c.betas {
		_, bp, be, bi, bc := h.iterate(b, xi, c.maxIter)
		bk := "not converged"
		if bc {
			bk, _, _ = fixedKind(bp, h.jacobianNorm(b, bp))
		}
		js.BetaTable = append(js.BetaTable, betaRow{
			Beta: b, Iterations: bi, Converged: bc, PMax: maxOf(bp),
			PatternsMixed: countAbove(bp, 0.1), Kind: bk, Energy: be[len(be)-1],
		})
	}
	for name, v := range nums {
		if !finite(v) {
			return nil, fmt.Errorf("%s is not finite; the inputs are too large for β = %g", name, c.beta)
		}
	}
	for _, v := range append(append(append([]float64(nil), last...), energies...), xiNew...) {
		if !finite(v) {
			return nil, fmt.Errorf("the update overflowed; the inputs are too large for β = %g", c.beta)
		}
	}
	for _, row := range js.BetaTable {
		if !finite(row.Energy) {
			return nil, fmt.Errorf("the energy overflowed at β = %g", row.Beta)
		}
	}
	iterX := make([]float64, len(energies))
	for i := range iterX {
		iterX[i] = float64(i)
	}
	lastName := "p after the last update (not converged)"
	if conv {
		lastName = "p at the fixed point"
	}
	series := []Series{
		{Name: "p = softmax(βXᵀξ), first update", X: iota1(n), Y: p},
		{Name: lastName, X: iota1(n), Y: lastP},
		{Name: "energy E per iteration", X: iterX, Y: energies},
	}
	if len(js.BetaTable) > 0 {
		bx := make([]float64, len(js.BetaTable))
		by := make([]float64, len(js.BetaTable))
		for i, row := range js.BetaTable {
			bx[i], by[i] = row.Beta, row.PMax
		}
		series = append(series, Series{Name: "max weight after iterating vs β", X: bx, Y: by})
	}
	return &Result{
		Text:    hopfieldText(c, js, picked, nums),
		Numbers: nums,
		Series:  series,
		JSON:    js,
	}, nil
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func hopfieldText(c *hopfieldCfg, js hopfieldJSON, picked int, nums map[string]float64) string {
	var r report
	r.line("hopfield: one update of a modern Hopfield network, then iterating")
	src := fmt.Sprintf("random, seed %d", c.seed)
	if c.explicit {
		src = "given"
	}
	r.line("X: %d patterns xᵢ of dimension d = %d (%s);  β = %s", c.n, c.d, src, fmtG(c.beta))
	if !c.explicit {
		r.line("   %d centres; patterns j, j+%d, … are centre j + N(0, %s²) noise", c.clusters, c.clusters, fmtG(c.spread))
	}
	if picked >= 0 {
		r.line("ξ = x%d + N(0, %s²) noise", picked+1, fmtG(c.noise))
	} else {
		r.line("ξ given")
	}
	r.line("nearest pattern (largest xᵢᵀξ): %d;  separation Δ = %s", js.Nearest, fmtG(nums["separation"]))
	r.blank()
	r.line("One update: p = softmax(βXᵀξ), ξ_new = Xp:")
	r.wrap("  p = ", "      ", vecString(js.P, 12))
	r.line("  max pᵢ = %s;  ξ_new = %s", fmtG(nums["p_max"]), vecString(js.XiNew, 5))
	r.line("E(ξ) = −β⁻¹ log Σᵢ exp(βxᵢᵀξ) + ½ξᵀξ + β⁻¹ log N + ½M²")
	r.line("  E(ξ) = %s  →  E(ξ_new) = %s", fmtG(js.EnergyBefore), fmtG(js.EnergyAfter))
	r.blank()
	switch {
	case js.Converged:
		r.line("Iterating: converged after %s;  E = %s", plural(js.Iterations, "update", "updates"), fmtG(*js.FixedPointE))
		r.line("  fixed point: %s;  max pᵢ = %s", js.FixedKind, fmtG(nums["fixed_point_p_max"]))
		stab := "attracts"
		if *js.JacobianNorm > unstableNorm {
			stab = "unstable"
		}
		r.line("  90%% of the weight on %s;  ‖J‖₂ = %s (%s)", plural(int(nums["fixed_point_k"]), "pattern", "patterns"), fmtG(*js.JacobianNorm), stab)
	case c.maxIter == 1:
		r.line("Iterating: max_iter = 1, so only the one update above was made; it")
		r.line("  did not settle, and no fixed point is claimed (raise max_iter).")
	default:
		r.line("Iterating: not converged after %s;  E = %s", plural(js.Iterations, "update", "updates"), fmtG(js.Energies[len(js.Energies)-1]))
		r.line("  no fixed point is claimed; max pᵢ at the last state = %s", fmtG(maxOf(js.LastP)))
	}
	if len(js.BetaTable) > 0 {
		r.blank()
		r.line("Iterating from the same ξ as β varies:")
		rows := [][]string{{"β", "updates", "max pᵢ", "pᵢ > 0.1", "E", "kind"}}
		for _, b := range js.BetaTable {
			it := fmt.Sprint(b.Iterations)
			if !b.Converged {
				it += "+"
			}
			rows = append(rows, []string{fmtG(b.Beta), it, fmtG(b.PMax), fmt.Sprint(b.PatternsMixed), fmtG(b.Energy), b.Kind})
		}
		r.table(rows)
		r.para("", "Small β averages all patterns; large β retrieves one; in between the fixed point can be a metastable average of a few similar patterns. A metastable state's count is the fewest patterns holding 90% of the weight. +: stopped at max_iter without converging, so that row shows the last state, not a fixed point.")
	}
	return r.String()
}
