package sims

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Limits of ntk-width.
const (
	// MaxWidth bounds each hidden width of ntk-width.
	MaxWidth = 4096
	// maxWidthWork bounds Σ_w (inits + 3·steps)·n·w², the multiply-adds
	// of all forward and backward passes.
	maxWidthWork = 2e9
)

type ntkWidthCfg struct {
	widths []int
	inits  int
	n      int
	steps  int
	lr     float64
	target string
	freq   float64
	seed   int64
}

// ntkWidthKind is the ntk-width simulation, for registry.
func ntkWidthKind() *kindImpl {
	return &kindImpl{
		spec: Spec{
			Kind: "ntk-width",
			Summary: "The empirical NTK Θ(x, x') = Σ_params ∂f(x)/∂θ · ∂f(x')/∂θ of " +
				"a ReLU MLP with two hidden layers of width w (NTK parameterisation: " +
				"weights N(0,1), f = √(2/w)·vᵀrelu(√(2/w)·W₂ relu(W₁x̃)), x̃ = (v,1)/√2) " +
				"on n points v = i/n in [0,1). For each width: the spread of Θ " +
				"across random initialisations, its distance to the analytic " +
				"infinite-width NTK, and its relative change while gradient " +
				"descent trains the network on ½n⁻¹‖f − y‖². Both the spread and " +
				"the change shrink as the width grows (about as 1/√w).",
			Params: []Param{
				{"widths", "ints", "hidden widths w, 1 to 4096 each, 1 to 8 of them; Σ_w (inits + 3·steps)·n·w² ≤ 2e9", []int{16, 64, 256}},
				{"inits", "int", "random initialisations per width for the spread, 2 to 64", 6},
				{"n", "int", "number of points, 2 to 64", 8},
				{"steps", "int", "gradient-descent steps for the change, 0 to 10000", 100},
				{"lr", "float", "learning rate, > 0 and ≤ 100", 0.5},
				{"target", "string", `signal to fit: "sin", "square", "saw" or "noise"`, "sin"},
				{"freq", "float", "frequency of the signal, 0 to 1e4 (≤ 256 for noise)", 1.0},
				{"seed", "int", "seed of the initialisations", 1},
			},
			Numbers: []NumberDoc{
				{"spread_narrow", "relative spread of Θ across inits at the smallest width: ‖std of entries‖_F / ‖mean‖_F"},
				{"spread_wide", "the same at the largest width"},
				{"change_narrow", "‖Θ_after − Θ_before‖_F / ‖Θ_before‖_F over training, smallest width (first init)"},
				{"change_wide", "the same at the largest width"},
				{"analytic_gap_wide", "‖mean Θ − Θ_∞‖_F / ‖Θ_∞‖_F at the largest width (Θ_∞: analytic NTK)"},
				{"loss_end_wide", "training loss ½n⁻¹‖f − y‖² after the steps, largest width"},
			},
		},
		check: checkNTKWidth,
		run: func(cfg any, opt Options) (*Result, error) {
			return runNTKWidth(cfg.(*ntkWidthCfg))
		},
	}
}

func checkNTKWidth(r *reader) any {
	c := &ntkWidthCfg{}
	c.widths = r.ints("widths", 1, MaxWidth, 8)
	if r.has("widths") && c.widths != nil && len(c.widths) == 0 {
		r.failf("widths", "is empty")
	}
	c.inits = r.int("inits", 2, 64)
	c.n = r.int("n", 2, 64)
	c.steps = r.int("steps", 0, 10000)
	c.lr = r.float("lr", 0, 100)
	if c.lr == 0 && r.has("lr") {
		r.failf("lr", "must be > 0")
	}
	c.target = r.str("target", targetNames...)
	c.freq = r.float("freq", 0, 1e4)
	if c.target == "noise" && c.freq > maxNoiseFreq {
		r.failf("freq", "must be at most %d for the noise target, got %g", maxNoiseFreq, c.freq)
	}
	c.seed = r.int64("seed")
	var work float64
	for _, w := range c.widths {
		work += float64(c.inits+3*c.steps) * float64(c.n) * float64(w) * float64(w)
	}
	if work > maxWidthWork {
		r.failf("widths", "Σ_w (inits + 3·steps)·n·w² = %g is over the limit 2e9", work)
	}
	return c
}

// mlp is a ReLU network with two hidden layers of width w:
// f = √(2/w)·vᵀrelu(h₂), h₂ = √(2/w)·W₂ relu(h₁), h₁ = W₁x̃.
type mlp struct {
	w      int
	w1, w2 *mat.Dense // w×din, w×w
	v      []float64
}

func newMLP(rng *rand.Rand, din, w int) *mlp {
	fill := func(r, c int) *mat.Dense {
		a := make([]float64, r*c)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		return mat.NewDense(r, c, a)
	}
	m := &mlp{w: w, w1: fill(w, din), w2: fill(w, w)}
	m.v = make([]float64, w)
	for i := range m.v {
		m.v[i] = rng.NormFloat64()
	}
	return m
}

// pass holds the forward activations and per-example backward signals.
type pass struct {
	a1, a2 *mat.Dense // n×w activations relu(h₁), relu(h₂)
	d1, d2 *mat.Dense // n×w: ∂f/∂h₁, ∂f/∂h₂ per example
	f      []float64
}

func (m *mlp) run(x *mat.Dense) *pass {
	n, _ := x.Dims()
	s := math.Sqrt(2 / float64(m.w))
	p := &pass{a1: mat.NewDense(n, m.w, nil), a2: mat.NewDense(n, m.w, nil), d1: mat.NewDense(n, m.w, nil), d2: mat.NewDense(n, m.w, nil), f: make([]float64, n)}
	p.a1.Mul(x, m.w1.T())
	h1 := mat.DenseCopyOf(p.a1)
	relu(p.a1)
	p.a2.Mul(p.a1, m.w2.T())
	p.a2.Scale(s, p.a2)
	h2 := mat.DenseCopyOf(p.a2)
	relu(p.a2)
	for i := 0; i < n; i++ {
		p.f[i] = s * dot(p.a2.RawRowView(i), m.v)
		d2 := p.d2.RawRowView(i)
		for j, h := range h2.RawRowView(i) {
			if h > 0 {
				d2[j] = s * m.v[j]
			}
		}
	}
	// δ₁ = (√(2/w)·W₂ᵀδ₂) ∘ 1[h₁ > 0]
	p.d1.Mul(p.d2, m.w2)
	p.d1.Scale(s, p.d1)
	raw1, rawH := p.d1.RawMatrix(), h1.RawMatrix()
	for i := 0; i < n; i++ {
		for j := 0; j < m.w; j++ {
			if rawH.Data[i*rawH.Stride+j] <= 0 {
				raw1.Data[i*raw1.Stride+j] = 0
			}
		}
	}
	return p
}

func relu(a *mat.Dense) {
	raw := a.RawMatrix()
	r, c := a.Dims()
	for i := 0; i < r; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+c]
		for j, v := range row {
			if v < 0 {
				row[j] = 0
			}
		}
	}
}

// kernel returns the empirical NTK Θ = (2/w)A₂A₂ᵀ + (D₂D₂ᵀ)∘((2/w)A₁A₁ᵀ)
// + (D₁D₁ᵀ)∘(X̃X̃ᵀ), row-major n×n.
func (m *mlp) kernel(x *mat.Dense, p *pass) []float64 {
	n, _ := x.Dims()
	g := func(a, b mat.Matrix) *mat.Dense {
		var out mat.Dense
		out.Mul(a, b.T())
		return &out
	}
	aa2, aa1, dd2, dd1, xx := g(p.a2, p.a2), g(p.a1, p.a1), g(p.d2, p.d2), g(p.d1, p.d1), g(x, x)
	s := 2 / float64(m.w)
	out := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			out[i*n+j] = s*aa2.At(i, j) + dd2.At(i, j)*s*aa1.At(i, j) + dd1.At(i, j)*xx.At(i, j)
		}
	}
	return out
}

// step does one gradient-descent step on ½n⁻¹‖f − y‖² using pass p.
func (m *mlp) step(x *mat.Dense, p *pass, y []float64, lr float64) {
	n, _ := x.Dims()
	s := math.Sqrt(2 / float64(m.w))
	g := make([]float64, n)
	for i := range g {
		g[i] = (p.f[i] - y[i]) / float64(n)
	}
	gv := mat.NewVecDense(n, g)
	// ∂L/∂v = √(2/w)·A₂ᵀg
	var dv mat.VecDense
	dv.MulVec(p.a2.T(), gv)
	// ∂L/∂W₂ = Σᵢ gᵢ δ₂ᵢ (√(2/w) a₁ᵢ)ᵀ = √(2/w)·D₂ᵀ diag(g) A₁
	var gd2, dw2, gd1, dw1 mat.Dense
	gd2.Apply(func(i, j int, v float64) float64 { return v * g[i] }, p.d2)
	dw2.Mul(gd2.T(), p.a1)
	// ∂L/∂W₁ = D₁ᵀ diag(g) X̃
	gd1.Apply(func(i, j int, v float64) float64 { return v * g[i] }, p.d1)
	dw1.Mul(gd1.T(), x)
	for j := range m.v {
		m.v[j] -= lr * s * dv.AtVec(j)
	}
	m.w2.Add(m.w2, scaled(-lr*s, &dw2))
	m.w1.Add(m.w1, scaled(-lr, &dw1))
}

func scaled(a float64, m *mat.Dense) *mat.Dense {
	m.Scale(a, m)
	return m
}

func frob(a []float64) float64 {
	var s float64
	for _, v := range a {
		s += v * v
	}
	return math.Sqrt(s)
}

func frobDiff(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

type widthRow struct {
	Width       int     `json:"width"`
	Spread      float64 `json:"spread"`
	AnalyticGap float64 `json:"analytic_gap"`
	Change      float64 `json:"change"`
	LossStart   float64 `json:"loss_start"`
	LossEnd     float64 `json:"loss_end"`
}

// ntkWidthJSON is the --json output of ntk-width.
type ntkWidthJSON struct {
	N        int         `json:"n"`
	X        []float64   `json:"x"`
	Y        []float64   `json:"y"`
	Analytic [][]float64 `json:"analytic_ntk"`
	Widths   []widthRow  `json:"widths"`
}

func loss(f, y []float64) float64 {
	var s float64
	for i := range f {
		s += (f[i] - y[i]) * (f[i] - y[i])
	}
	return s / (2 * float64(len(f)))
}

func runNTKWidth(c *ntkWidthCfg) (*Result, error) {
	n := c.n
	pts := gridPoints(n, 1)
	feat := features(pts, nil)
	xdata := make([]float64, 0, 2*n)
	for _, f := range feat {
		xdata = append(xdata, f...)
	}
	x := mat.NewDense(n, 2, xdata)
	y := target(c.target, c.freq, pts, newRand(c.seed))
	analytic := ntkSym(feat, 2, 1)
	js := ntkWidthJSON{N: n, Y: y, Analytic: matrixRows(analytic, n, n)}
	for _, p := range pts {
		js.X = append(js.X, p[0])
	}
	for wi, w := range c.widths {
		rng := newRand(c.seed*1000003 + int64(wi) + 1)
		mean := make([]float64, n*n)
		sq := make([]float64, n*n)
		var first *mlp
		var firstPass *pass
		var theta0 []float64
		for k := 0; k < c.inits; k++ {
			m := newMLP(rng, 2, w)
			p := m.run(x)
			th := m.kernel(x, p)
			if k == 0 {
				first, firstPass, theta0 = m, p, th
			}
			for i, v := range th {
				mean[i] += v / float64(c.inits)
				sq[i] += v * v / float64(c.inits)
			}
		}
		variance := make([]float64, n*n)
		for i := range variance {
			variance[i] = math.Max(0, sq[i]-mean[i]*mean[i]) * float64(c.inits) / float64(c.inits-1)
		}
		row := widthRow{Width: w}
		var vs float64
		for _, v := range variance {
			vs += v
		}
		row.Spread = math.Sqrt(vs) / frob(mean)
		row.AnalyticGap = frobDiff(mean, analytic) / frob(analytic)
		row.LossStart = loss(firstPass.f, y)
		p := firstPass
		for s := 0; s < c.steps; s++ {
			first.step(x, p, y, c.lr)
			p = first.run(x)
		}
		row.LossEnd = loss(p.f, y)
		row.Change = frobDiff(first.kernel(x, p), theta0) / frob(theta0)
		if !finite(row.Spread, row.AnalyticGap, row.LossStart, row.LossEnd, row.Change) {
			return nil, fmt.Errorf("width %d: training diverged (lr = %g is too large)", w, c.lr)
		}
		js.Widths = append(js.Widths, row)
	}
	lo, hi := 0, 0
	for i, r := range js.Widths {
		if r.Width < js.Widths[lo].Width {
			lo = i
		}
		if r.Width > js.Widths[hi].Width {
			hi = i
		}
	}
	nums := map[string]float64{
		"spread_narrow":     js.Widths[lo].Spread,
		"spread_wide":       js.Widths[hi].Spread,
		"change_narrow":     js.Widths[lo].Change,
		"change_wide":       js.Widths[hi].Change,
		"analytic_gap_wide": js.Widths[hi].AnalyticGap,
		"loss_end_wide":     js.Widths[hi].LossEnd,
	}
	xs := make([]float64, len(js.Widths))
	sp := make([]float64, len(js.Widths))
	ch := make([]float64, len(js.Widths))
	ag := make([]float64, len(js.Widths))
	for i, r := range js.Widths {
		xs[i], sp[i], ch[i], ag[i] = float64(r.Width), r.Spread, r.Change, r.AnalyticGap
	}
	series := []Series{
		{Name: "spread of Θ across inits vs width", X: xs, Y: sp},
		{Name: "relative change of Θ in training vs width", X: xs, Y: ch},
		{Name: "distance of mean Θ to analytic NTK vs width", X: xs, Y: ag},
	}
	return &Result{Text: ntkWidthText(c, js), Numbers: nums, Series: series, JSON: js}, nil
}

func ntkWidthText(c *ntkWidthCfg, js ntkWidthJSON) string {
	var r report
	r.line("ntk-width: the empirical NTK of a 2-hidden-layer ReLU MLP at several widths")
	r.line("Θ(x, x') = Σ_θ ∂f(x)/∂θ · ∂f(x')/∂θ on n = %d points v = i/n in [0,1)", c.n)
	r.para("   ", fmt.Sprintf("NTK parameterisation, weights N(0,1); spread over %d initialisations; change after %d gradient-descent steps (lr %s) on ½n⁻¹‖f − y‖², y = %s.",
		c.inits, c.steps, fmtG(c.lr), targetFormula(c.target, c.freq, 1)))
	r.blank()
	rows := [][]string{{"width", "spread", "vs analytic", "change", "loss before", "after"}}
	for _, w := range js.Widths {
		rows = append(rows, []string{fmt.Sprint(w.Width), fmtG(w.Spread), fmtG(w.AnalyticGap), fmtG(w.Change), fmtG(w.LossStart), fmtG(w.LossEnd)})
	}
	r.table(rows)
	r.blank()
	r.para("", "spread = ‖std of Θ entries across inits‖_F / ‖mean Θ‖_F; vs analytic = ‖mean Θ − Θ_∞‖_F / ‖Θ_∞‖_F; change = ‖Θ_after − Θ_before‖_F / ‖Θ_before‖_F (first init). As w grows, Θ at initialisation concentrates on the analytic kernel and stays nearly constant during training (lazy training): both shrink about as 1/√w.")
	return r.String()
}
