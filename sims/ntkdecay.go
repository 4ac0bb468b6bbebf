package sims

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Limits of ntk-decay.
const (
	// MaxKernelN is the largest kernel (n×n) that ntk-decay accepts.
	MaxKernelN = 2048
	// maxGDWork bounds max(steps)·n², the cost of the explicit
	// gradient-descent iteration.
	maxGDWork = 1e9
	maxTimes  = 1000
	maxSteps  = 1000000
	maxDepth  = 16
	maxFeat   = 1024
)

type ntkDecayCfg struct {
	explicit bool      // K was given
	k        []float64 // row-major n×n (explicit only)
	y, f0    []float64 // nil: generated / zero
	n        int
	dim      int
	depth    int
	fourier  bool
	sigma    float64
	features int
	target   string
	freq     float64
	eta      float64 // 0: auto
	times    []float64
	steps    []int
	seed     int64
}

// ntkDecayKind is the ntk-decay simulation, for registry.
func ntkDecayKind() *kindImpl {
	return &kindImpl{
		spec: Spec{
			Kind: "ntk-decay",
			Summary: "Training under a fixed kernel K = QΛQᵀ: the residual " +
				"r(t) = e^{−ηKt}(f₀ − y) under gradient flow and " +
				"r_k = (I − ηK)^k (f₀ − y) under gradient descent; each " +
				"eigen-component shrinks as e^{−ηλᵢt} and falls by a factor e " +
				"in τᵢ = 1/(ηλᵢ). K is given, or the analytic NTK Θ/n of a ReLU " +
				"MLP (NTK parameterisation, c_σ = 2, input x̃ = (v, 1)/√(dim+1) " +
				"or (cos 2πBv, sin 2πBv, 1)/√(m+1)) on n grid points in [0,1) or " +
				"[0,1)². The eigen-projections come from one Householder " +
				"reduction and a QL sweep on the rotated vectors, without the " +
				"n×n eigenvectors.",
			Params: []Param{
				{"n", "int", "number of points (K is n×n), 1 to 2048; must match K and y when they are given", 32},
				{"dim", "int", "dimension of the coordinates: 1 (i/n) or 2 (a ⌈√n⌉×⌈√n⌉ grid, first n points)", 1},
				{"depth", "int", "hidden layers of the ReLU MLP whose NTK is used, 0 to 16", 2},
				{"fourier", "bool", "map coordinates through Fourier features γ(v) = [cos 2πBv, sin 2πBv], B ~ N(0, σ²)", false},
				{"sigma", "float", "scale σ of the Fourier-feature frequencies B, > 0 and ≤ 1e4", 10.0},
				{"features", "int", "number m of Fourier frequencies (rows of B), 1 to 1024", 16},
				{"target", "string", `target signal y: "sin", "square", "saw" or "noise" (random band-limited, from seed)`, "sin"},
				{"freq", "float", "frequency of the target, 0 to 1e4 (at most 256 for noise)", 2.0},
				{"eta", "float", "learning rate η ≥ 0; 0 picks η = 1/λ_max (then τ of the top component is 1)", 0.0},
				{"times", "floats", "gradient-flow times t ≥ 0 at which r(t) is reported (at most 1000)", []float64{0, 1, 10, 100, 1000}},
				{"steps", "ints", "gradient-descent steps k ≥ 0 at which r_k is reported, by closed form and by iterating; max(steps)·n² ≤ 1e9", []int{0, 1, 10, 100}},
				{"seed", "int", "seed for B and the noise target", 1},
				{"K", "matrix", "explicit kernel: a symmetric positive semidefinite n×n matrix, entries |x| ≤ 1e12 (needs y)", nil},
				{"y", "floats", "explicit targets, length n (default: the generated target)", nil},
				{"f0", "floats", "initial outputs f₀, length n (default: zeros)", nil},
			},
			Numbers: []NumberDoc{
				{"lambda_max", "largest eigenvalue of K"},
				{"lambda_min", "smallest eigenvalue of K"},
				{"tau_fast", "1/(η·λ_max): time for the fastest component to fall by a factor e (left out if λ_max is 0)"},
				{"tau_slow", "1/(η·λ_min); left out unless λ_min > 64·n·ε·λ_max (numerically positive)"},
				{"cond", "λ_max/λ_min; left out like tau_slow"},
				{"residual_0", "‖f₀ − y‖, the residual at t = 0"},
				{"residual_end", "‖r(t)‖ under gradient flow at the last of times (left out if times is empty)"},
				{"gd_gap", "max over steps and components of |closed form − iterated| of the signed eigen-coordinates of r_k (0 if steps is empty)"},
				{"eta", "the learning rate η used"},
				{"n", "size of K"},
			},
		},
		check: checkNTKDecay,
		run: func(cfg any, opt Options) (*Result, error) {
			return runNTKDecay(cfg.(*ntkDecayCfg))
		},
		deep: func(cfg any) error {
			c := cfg.(*ntkDecayCfg)
			if !c.explicit {
				return nil
			}
			t := newTridiag(c.n, append([]float64(nil), c.k...))
			vals, ok := t.values()
			if !ok {
				//lint:ignore ST1005 K is the name of the param at fault
				return errors.New("K: eigenvalue iteration did not converge")
			}
			return checkPSD(vals)
		},
	}
}

func checkNTKDecay(r *reader) any {
	c := &ntkDecayCfg{}
	c.n = r.int("n", 1, MaxKernelN)
	c.dim = r.int("dim", 1, 2)
	c.depth = r.int("depth", 0, maxDepth)
	c.fourier = r.bool("fourier")
	c.sigma = r.float("sigma", 0, 1e4)
	if r.has("sigma") && c.sigma == 0 {
		r.failf("sigma", "must be > 0")
	}
	c.features = r.int("features", 1, maxFeat)
	c.target = r.str("target", targetNames...)
	c.freq = r.float("freq", 0, 1e4)
	if c.target == "noise" && c.freq > maxNoiseFreq {
		r.failf("freq", "must be at most %d for the noise target, got %g", maxNoiseFreq, c.freq)
	}
	c.eta = r.float("eta", 0, 1e12)
	c.times = r.floats("times", 0, 1e15, maxTimes)
	c.steps = r.ints("steps", 0, maxSteps, maxTimes)
	c.seed = r.int64("seed")
	kRows := r.matrix("K", MaxKernelN, MaxKernelN, 1e12)
	c.y = r.floats("y", -1e12, 1e12, MaxKernelN)
	c.f0 = r.floats("f0", -1e12, 1e12, MaxKernelN)
	size := c.n
	switch {
	case kRows != nil:
		c.explicit = true
		size = len(kRows)
		if len(kRows[0]) != size {
			r.failf("K", "must be square, got %d×%d", size, len(kRows[0]))
			return c
		}
		if r.has("n") && c.n != size {
			r.failf("n", "is %d but K is %d×%d", c.n, size, size)
		}
		if err := symmetric(kRows); err != nil {
			r.errs = append(r.errs, err)
		}
		if c.y == nil && !r.has("y") {
			r.failf("y", "is required when K is given")
		}
		c.k = make([]float64, 0, size*size)
		for _, row := range kRows {
			c.k = append(c.k, row...)
		}
	case c.y != nil:
		if r.has("n") && c.n != len(c.y) {
			r.failf("n", "is %d but y has %d entries", c.n, len(c.y))
		}
		size = len(c.y)
	}
	if size > 0 {
		c.n = size
	}
	if c.y != nil && len(c.y) != size {
		r.failf("y", "has %d entries, want %d (the size of K)", len(c.y), size)
	}
	if r.has("y") && c.y != nil && len(c.y) == 0 {
		r.failf("y", "is empty")
	}
	if c.f0 != nil && len(c.f0) != size {
		r.failf("f0", "has %d entries, want %d", len(c.f0), size)
	}
	maxStep := 0
	for _, k := range c.steps {
		maxStep = max(maxStep, k)
	}
	if w := float64(maxStep) * float64(size) * float64(size); w > maxGDWork {
		r.failf("steps", "max(steps)·n² = %d·%d² is over the limit 1e9", maxStep, size)
	}
	return c
}

// symmetric reports the first asymmetric pair of a square matrix, with a
// relative tolerance of 1e-12.
func symmetric(k [][]float64) error {
	for i := range k {
		for j := 0; j < i; j++ {
			a, b := k[i][j], k[j][i]
			if math.Abs(a-b) > 1e-12*math.Max(math.Abs(a), math.Abs(b)) {
				//lint:ignore ST1005 K is the name of the param at fault
				return fmt.Errorf("K: not symmetric: K[%d][%d] = %g but K[%d][%d] = %g", i+1, j+1, a, j+1, i+1, b)
			}
		}
	}
	return nil
}

// zeroTol is the size below which an eigenvalue counts as zero.
func zeroTol(vals []float64) float64 {
	var amax float64
	for _, v := range vals {
		amax = math.Max(amax, math.Abs(v))
	}
	return 64 * float64(len(vals)) * 0x1p-52 * amax
}

func checkPSD(vals []float64) error {
	if len(vals) == 0 {
		return nil
	}
	if vals[0] < -zeroTol(vals) {
		//lint:ignore ST1005 K is the name of the param at fault
		return fmt.Errorf("K: not positive semidefinite: smallest eigenvalue %g", vals[0])
	}
	return nil
}

// decayRow is one reported time or step.
type flowRow struct {
	T            float64   `json:"t"`
	ResidualNorm float64   `json:"residual_norm"`
	Projections  []float64 `json:"projections"`
}

type gdRow struct {
	Step                 int       `json:"step"`
	ResidualNorm         float64   `json:"residual_norm"`
	ResidualNormIterated float64   `json:"residual_norm_iterated"`
	Projections          []float64 `json:"projections"`
	MaxGap               float64   `json:"max_gap"`
}

// ntkDecayJSON is the --json output of ntk-decay. Component arrays follow
// the eigenvalues in ascending order.
type ntkDecayJSON struct {
	N           int         `json:"n"`
	Eta         float64     `json:"eta"`
	Eigenvalues []float64   `json:"eigenvalues"`
	Projections []float64   `json:"projections"`
	Tau         []optFloat  `json:"tau"`
	Flow        []flowRow   `json:"flow"`
	GD          []gdRow     `json:"gd"`
	GDGap       float64     `json:"gd_gap"`
	Y           []float64   `json:"y"`
	F0          []float64   `json:"f0"`
	K           [][]float64 `json:"K,omitempty"`
}

// decay is the spectral analysis of training under a fixed kernel.
type decay struct {
	eta     float64
	vals    []float64   // ascending
	c0      []float64   // signed coordinates of r₀ = f₀ − y
	flow    []flowRow   // per requested time
	gd      []gdRow     // per requested step
	gdGap   float64     // max |closed − iterated|
	resid0  float64     // ‖r₀‖
	gdIters [][]float64 // iterated residual vectors, per requested step
}

// analyseDecay runs the ntk-decay computation on the symmetric n×n
// row-major kernel k (not modified). eta 0 means 1/λ_max.
func analyseDecay(n int, k, r0 []float64, eta float64, times []float64, steps []int) (*decay, error) {
	t := newTridiag(n, append([]float64(nil), k...))
	uniq := append([]int(nil), steps...)
	sort.Ints(uniq)
	uniq = dedupInts(uniq)
	var lmax float64
	// pickEta checks the spectrum and sets η = 1/λ_max when asked to.
	pickEta := func(vals []float64) error {
		if err := checkPSD(vals); err != nil {
			return err
		}
		lmax = vals[n-1]
		if eta == 0 {
			if lmax <= zeroTol(vals) || lmax == 0 {
				return errors.New("eta: cannot pick 1/λ_max because K has no positive eigenvalue; give eta")
			}
			eta = 1 / lmax
		}
		return nil
	}
	iterated := map[int][]float64{}
	if len(uniq) > 0 {
		// The iteration needs η (and a PSD check) first: eigenvalues
		// alone cost O(n²) once T is known.
		vals, ok := t.values()
		if !ok {
			//lint:ignore ST1005 K is the name of the param at fault
			return nil, errors.New("K: eigenvalue iteration did not converge")
		}
		if err := pickEta(vals); err != nil {
			return nil, err
		}
		// Gradient descent by iterating r ← r − ηKr, recording the
		// requested steps.
		kk := blas64.Symmetric{Uplo: blas.Upper, N: n, Data: k, Stride: n}
		r := append([]float64(nil), r0...)
		kr := make([]float64, n)
		step := 0
		for _, want := range uniq {
			for ; step < want; step++ {
				blas64.Symv(1, kk, blas64.Vector{N: n, Data: r, Inc: 1}, 0, blas64.Vector{N: n, Data: kr, Inc: 1})
				for i := range r {
					r[i] -= eta * kr[i]
				}
				if step%64 == 0 && !finite(r...) {
					break // reported below
				}
			}
			if !finite(r...) {
				return nil, fmt.Errorf("gradient descent overflows by step %d: η·λ_max = %s > 2 makes it diverge; use a smaller eta or fewer steps", want, fmtG(eta*lmax))
			}
			iterated[want] = append([]float64(nil), r...)
		}
	}
	vs := [][]float64{r0}
	for _, s := range uniq {
		vs = append(vs, iterated[s])
	}
	vals, coords, ok := t.project(vs)
	if !ok {
		//lint:ignore ST1005 K is the name of the param at fault
		return nil, errors.New("K: eigenvalue iteration did not converge")
	}
	if len(uniq) == 0 {
		if err := pickEta(vals); err != nil {
			return nil, err
		}
	}
	d := &decay{eta: eta, vals: vals, c0: coords[0]}
	var n2 float64
	for _, c := range d.c0 {
		n2 += c * c
	}
	d.resid0 = math.Sqrt(n2)
	for _, tm := range times {
		row := flowRow{T: tm, Projections: make([]float64, n)}
		var s float64
		for i, c := range d.c0 {
			p := math.Abs(c) * math.Exp(-eta*vals[i]*tm)
			row.Projections[i] = p
			s += p * p
		}
		row.ResidualNorm = math.Sqrt(s)
		if !finite(row.ResidualNorm) {
			return nil, fmt.Errorf("times: residual overflows at t = %g", tm)
		}
		d.flow = append(d.flow, row)
	}
	pos := map[int]int{}
	for i, s := range uniq {
		pos[s] = i + 1
	}
	for _, st := range steps {
		it := coords[pos[st]]
		row := gdRow{Step: st, Projections: make([]float64, n)}
		var s, si float64
		for i, c := range d.c0 {
			p := c * math.Pow(1-eta*vals[i], float64(st))
			row.Projections[i] = math.Abs(p)
			s += p * p
			si += it[i] * it[i]
			row.MaxGap = math.Max(row.MaxGap, math.Abs(p-it[i]))
		}
		row.ResidualNorm = math.Sqrt(s)
		row.ResidualNormIterated = math.Sqrt(si)
		if !finite(row.ResidualNorm, row.ResidualNormIterated, row.MaxGap) {
			return nil, fmt.Errorf("gradient descent overflows by step %d: η·λ_max = %s > 2 makes it diverge; use a smaller eta or fewer steps", st, fmtG(eta*lmax))
		}
		d.gdGap = math.Max(d.gdGap, row.MaxGap)
		d.gd = append(d.gd, row)
		d.gdIters = append(d.gdIters, iterated[st])
	}
	return d, nil
}

func dedupInts(s []int) []int {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// generateNTK builds the generated kernel K = Θ/n and targets y.
func generateNTK(c *ntkDecayCfg) (k, y []float64) {
	rng := newRand(c.seed)
	pts := gridPoints(c.n, c.dim)
	var b [][]float64
	if c.fourier {
		b = fourierB(rng, c.features, c.dim, c.sigma)
	}
	k = ntkSym(features(pts, b), c.depth, float64(c.n))
	y = target(c.target, c.freq, pts, rng)
	return k, y
}

func runNTKDecay(c *ntkDecayCfg) (*Result, error) {
	n := c.n
	k := c.k
	y := c.y
	if !c.explicit {
		var gy []float64
		k, gy = generateNTK(c)
		if y == nil {
			y = gy
		}
	}
	f0 := c.f0
	if f0 == nil {
		f0 = make([]float64, n)
	}
	r0 := make([]float64, n)
	for i := range r0 {
		r0[i] = f0[i] - y[i]
	}
	d, err := analyseDecay(n, k, r0, c.eta, c.times, c.steps)
	if err != nil {
		return nil, err
	}
	vals := d.vals
	lmax, lmin := vals[n-1], vals[0]
	tol := zeroTol(vals)
	nums := map[string]float64{
		"lambda_max": lmax,
		"lambda_min": lmin,
		"residual_0": d.resid0,
		"gd_gap":     d.gdGap,
		"eta":        d.eta,
		"n":          float64(n),
	}
	if lmax > tol && lmax > 0 {
		nums["tau_fast"] = 1 / (d.eta * lmax)
	}
	if lmin > tol && lmin > 0 {
		nums["tau_slow"] = 1 / (d.eta * lmin)
		nums["cond"] = lmax / lmin
	}
	if len(d.flow) > 0 {
		nums["residual_end"] = d.flow[len(d.flow)-1].ResidualNorm
	}
	for name, v := range nums {
		if !finite(v) {
			delete(nums, name)
		}
	}
	js := ntkDecayJSON{
		N: n, Eta: d.eta, Eigenvalues: vals, Flow: d.flow, GD: d.gd,
		GDGap: d.gdGap, Y: y, F0: f0,
	}
	if js.Flow == nil {
		js.Flow = []flowRow{}
	}
	if js.GD == nil {
		js.GD = []gdRow{}
	}
	js.Projections = make([]float64, n)
	js.Tau = make([]optFloat, n)
	for i, c0 := range d.c0 {
		js.Projections[i] = math.Abs(c0)
		js.Tau[i] = optFloat(math.Inf(1))
		if vals[i] > tol && vals[i] > 0 {
			js.Tau[i] = optFloat(1 / (d.eta * vals[i]))
		}
	}
	if !c.explicit && n <= 256 {
		js.K = matrixRows(k, n, n)
	}
	res := &Result{
		Text:    ntkDecayText(c, d, nums),
		Numbers: nums,
		Series:  ntkDecaySeries(d, c.times),
		JSON:    js,
	}
	return res, nil
}

// shownRanks picks up to 8 component ranks (1 = largest λ): 1, 2, 4, 8, …
// and the smallest.
func shownRanks(n int) []int {
	var out []int
	for r := 1; r <= n && len(out) < 7; r *= 2 {
		out = append(out, r)
	}
	if out[len(out)-1] != n {
		out = append(out, n)
	}
	return out
}

func ntkDecayText(c *ntkDecayCfg, d *decay, nums map[string]float64) string {
	var r report
	n := c.n
	r.line("ntk-decay: training under a fixed kernel K = QΛQᵀ")
	if c.explicit {
		r.line("K: given, %d×%d", n, n)
	} else {
		in := "raw coordinates"
		if c.fourier {
			in = fmt.Sprintf("Fourier features, m = %d, σ = %s", c.features, fmtG(c.sigma))
		}
		where := "[0,1)"
		if c.dim == 2 {
			where = "[0,1)²"
		}
		r.para("   ", fmt.Sprintf("K = Θ/n: analytic NTK of a ReLU MLP with %d hidden layers on n = %d points in %s, %s.", c.depth, n, where, in))
	}
	if c.y == nil {
		r.para("   ", "Target y = "+targetFormula(c.target, c.freq, c.dim)+".")
	}
	eta := "η = " + fmtG(d.eta)
	if c.eta == 0 {
		eta += " (1/λ_max)"
	}
	f0 := "f₀ = 0"
	if c.f0 != nil {
		f0 = "f₀ given"
	}
	r.line("%s   %s   ‖f₀ − y‖ = %s", eta, f0, fmtG(d.resid0))
	r.blank()
	spec := "λ_max = " + fmtG(nums["lambda_max"]) + "   λ_min = " + fmtG(nums["lambda_min"])
	if v, ok := nums["cond"]; ok {
		spec += "   λ_max/λ_min = " + fmtG(v)
	}
	r.line("Spectrum: %s", spec)
	r.para("", "Component i of r(t) = e^{−ηKt}(f₀ − y) shrinks as e^{−ηλᵢt} and falls by a factor e in τᵢ = 1/(ηλᵢ):")
	rows := [][]string{{"rank", "λᵢ", "|qᵢᵀ(f₀−y)|", "τᵢ"}}
	tol := zeroTol(d.vals)
	for _, rank := range shownRanks(n) {
		i := n - rank
		tau := "∞"
		if d.vals[i] > tol && d.vals[i] > 0 {
			tau = fmtG(1 / (d.eta * d.vals[i]))
		}
		rows = append(rows, []string{fmt.Sprint(rank), fmtG(d.vals[i]), fmtG(math.Abs(d.c0[i])), tau})
	}
	r.table(rows)
	if len(d.flow) > 0 {
		r.blank()
		r.line("Gradient flow, ‖r(t)‖ = √Σᵢ (e^{−ηλᵢt}·|qᵢᵀ(f₀−y)|)²:")
		rows = [][]string{{"t", "‖r(t)‖", "top comp.", "last comp."}}
		for _, f := range d.flow {
			rows = append(rows, []string{fmtG(f.T), fmtG(f.ResidualNorm), fmtG(f.Projections[n-1]), fmtG(f.Projections[0])})
		}
		r.table(rows)
	}
	if len(d.gd) > 0 {
		r.blank()
		r.line("Gradient descent, r_k = (I − ηK)^k (f₀ − y):")
		rows = [][]string{{"k", "‖r_k‖ closed form", "‖r_k‖ iterated", "max |Δ coord.|"}}
		for _, g := range d.gd {
			rows = append(rows, []string{fmt.Sprint(g.Step), fmtG(g.ResidualNorm), fmtG(g.ResidualNormIterated), fmtG(g.MaxGap)})
		}
		r.table(rows)
		r.para("", fmt.Sprintf("Iterating r ← r − ηKr matches the closed form to %s.", fmtG(d.gdGap)))
		if d.eta*d.vals[n-1] > 2 {
			r.para("", fmt.Sprintf("η·λ_max = %s > 2: gradient descent diverges along the top component.", fmtG(d.eta*d.vals[n-1])))
		}
	}
	return r.String()
}

func ntkDecaySeries(d *decay, times []float64) []Series {
	n := len(d.vals)
	var tmax, tmin float64
	for _, t := range times {
		tmax = math.Max(tmax, t)
		if t > 0 && (tmin == 0 || t < tmin) {
			tmin = t
		}
	}
	var xs []float64
	if tmax > 0 {
		lo := math.Min(tmin, tmax*1e-4)
		if tmin > 0 && tmin < tmax {
			lo = tmin
		}
		const pts = 48
		xs = append(xs, 0)
		for j := 0; j < pts; j++ {
			f := float64(j) / (pts - 1)
			xs = append(xs, lo*math.Pow(tmax/lo, f))
		}
	} else {
		xs = []float64{0}
	}
	var out []Series
	total := Series{Name: "‖r(t)‖", X: xs, Y: make([]float64, len(xs))}
	for j, t := range xs {
		var s float64
		for i, c := range d.c0 {
			p := c * math.Exp(-d.eta*d.vals[i]*t)
			s += p * p
		}
		total.Y[j] = math.Sqrt(s)
	}
	out = append(out, total)
	for _, rank := range shownRanks(n) {
		i := n - rank
		s := Series{Name: fmt.Sprintf("|q%dᵀr(t)|, λ = %s", rank, fmtG(d.vals[i])), X: xs, Y: make([]float64, len(xs))}
		for j, t := range xs {
			s.Y[j] = math.Abs(d.c0[i]) * math.Exp(-d.eta*d.vals[i]*t)
		}
		out = append(out, s)
	}
	spec := Series{Name: "λ by rank", X: iota1(n), Y: make([]float64, n)}
	for r := 0; r < n; r++ {
		spec.Y[r] = d.vals[n-1-r]
	}
	return append(out, spec)
}
