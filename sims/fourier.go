package sims

import (
	"fmt"
	"math"
)

// Limits of fourier-features.
const (
	// MaxFourierN bounds the number of training points of fourier-features.
	MaxFourierN = 512
	// maxFourierWork bounds len(sigmas+1)·steps·n·2n, the cost of the
	// kernel gradient-descent runs.
	maxFourierWork = 2e9
)

type fourierCfg struct {
	n        int
	sigma    float64
	sigmas   []float64
	features int
	depth    int
	target   string
	freq     float64
	steps    int
	eta      float64
	seed     int64
}

// fourierKind is the fourier-features simulation, for registry.
func fourierKind() *kindImpl {
	return &kindImpl{
		spec: Spec{
			Kind: "fourier-features",
			Summary: "Regression of a 1-D signal with the NTK of a ReLU MLP on " +
				"Fourier features γ(v) = [cos 2πBv, sin 2πBv], B ~ N(0, σ²), as σ " +
				"varies. The network is trained by gradient descent in its " +
				"linearised (kernel) regime from f₀ = 0: f ← f − ηK(f − y) on the n " +
				"training points v = 2i/2n and f* ← f* − ηK*(f − y) on the n test " +
				"points v = (2i+1)/2n between them, with K = Θ/n. Too small a σ " +
				"underfits (high train and test error after the given steps); too " +
				"large a σ fits the training points but not the test points.",
			Params: []Param{
				{"n", "int", "training points (and as many test points), 2 to 512", 32},
				{"sigma", "float", "σ of the run whose fit is reported in detail, > 0 and ≤ 1e4", 3.0},
				{"sigmas", "floats", "values of σ (each > 0, ≤ 1e4, at most 16) for the train/test table", []float64{0.3, 1, 3, 10, 30, 100}},
				{"features", "int", "number m of Fourier frequencies (rows of B), 1 to 1024", 64},
				{"depth", "int", "hidden layers of the ReLU MLP, 0 to 16", 2},
				{"target", "string", `signal: "sin", "square", "saw" or "noise" (random band-limited, from seed)`, "noise"},
				{"freq", "float", "frequency of the signal (highest frequency for noise), 0 to 1e4 (≤ 256 for noise)", 6.0},
				{"steps", "int", "gradient-descent steps, 0 to 1e6; (len(sigmas)+2)·steps·2n² ≤ 2e9", 100},
				{"eta", "float", "learning rate η ≥ 0; 0 picks 1/λ_max of each training kernel", 0.0},
				{"seed", "int", "seed for B (the same standard-normal draws scaled by each σ) and the noise target", 1},
			},
			Numbers: []NumberDoc{
				{"train_err", "RMSE on the training points at σ = sigma after steps"},
				{"test_err", "RMSE on the test points at σ = sigma after steps"},
				{"sigma", "the σ of train_err and test_err"},
				{"train_err_raw", "train RMSE without Fourier features (raw coordinates)"},
				{"test_err_raw", "test RMSE without Fourier features"},
				{"best_sigma", "the σ in sigmas with the smallest test error"},
				{"signal_rms", "RMS of the target on the test points (the error of predicting 0)"},
			},
		},
		check: checkFourier,
		run: func(cfg any, opt Options) (*Result, error) {
			return runFourier(cfg.(*fourierCfg))
		},
	}
}

func checkFourier(r *reader) any {
	c := &fourierCfg{}
	c.n = r.int("n", 2, MaxFourierN)
	c.sigma = r.float("sigma", 0, 1e4)
	if r.has("sigma") && c.sigma == 0 {
		r.failf("sigma", "must be > 0")
	}
	c.sigmas = r.floats("sigmas", 0, 1e4, 16)
	for i, s := range c.sigmas {
		if s == 0 {
			r.failf("sigmas", "entry %d: must be > 0", i+1)
			break
		}
	}
	c.features = r.int("features", 1, maxFeat)
	c.depth = r.int("depth", 0, maxDepth)
	c.target = r.str("target", targetNames...)
	c.freq = r.float("freq", 0, 1e4)
	if c.target == "noise" && c.freq > maxNoiseFreq {
		r.failf("freq", "must be at most %d for the noise target, got %g", maxNoiseFreq, c.freq)
	}
	c.steps = r.int("steps", 0, maxSteps)
	c.eta = r.float("eta", 0, 1e12)
	c.seed = r.int64("seed")
	runs := float64(len(c.sigmas) + 2)
	if w := runs * float64(c.steps) * 2 * float64(c.n) * float64(c.n); w > maxFourierWork {
		r.failf("steps", "(len(sigmas)+2)·steps·2n² = %g is over the limit 2e9", w)
	}
	return c
}

// fitRun is one kernel regression: the training-kernel spectrum and the
// errors after the given steps.
type fitRun struct {
	Sigma       optFloat  `json:"sigma"` // null: raw coordinates
	Eta         float64   `json:"eta"`
	TrainErr    float64   `json:"train_err"`
	TestErr     float64   `json:"test_err"`
	Eigenvalues []float64 `json:"eigenvalues"`
	train, test []float64
}

// fitKernel trains f ← f − ηK(f − y), f* ← f* − ηK*(f − y) from 0.
func fitKernel(xTrain, xTest [][]float64, yTrain, yTest []float64, depth, steps int, eta float64) (*fitRun, error) {
	n, nt := len(xTrain), len(xTest)
	k := ntkSym(xTrain, depth, float64(n))
	ks := ntkGram(xTest, xTrain, depth)
	for i := range ks {
		ks[i] /= float64(n)
	}
	t := newTridiag(n, append([]float64(nil), k...))
	vals, ok := t.values()
	if !ok {
		return nil, fmt.Errorf("kernel eigenvalues did not converge")
	}
	lmax := vals[n-1]
	if eta == 0 {
		if !(lmax > 0) {
			return nil, fmt.Errorf("kernel has no positive eigenvalue")
		}
		eta = 1 / lmax
	}
	f := make([]float64, n)
	fs := make([]float64, nt)
	res := make([]float64, n)
	for s := 0; s < steps; s++ {
		for i := range res {
			res[i] = f[i] - yTrain[i]
		}
		for i := 0; i < n; i++ {
			f[i] -= eta * dot(k[i*n:(i+1)*n], res)
		}
		for i := 0; i < nt; i++ {
			fs[i] -= eta * dot(ks[i*n:(i+1)*n], res)
		}
	}
	if !finite(f...) || !finite(fs...) {
		return nil, fmt.Errorf("gradient descent diverged: η·λ_max = %s > 2", fmtG(eta*lmax))
	}
	desc := make([]float64, n)
	for i := range vals {
		desc[i] = vals[n-1-i]
	}
	return &fitRun{Eta: eta, TrainErr: rmse(f, yTrain), TestErr: rmse(fs, yTest), Eigenvalues: desc, train: f, test: fs}, nil
}

func rmse(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s / float64(len(a)))
}

// fourierJSON is the --json output of fourier-features.
type fourierJSON struct {
	N         int       `json:"n"`
	XTrain    []float64 `json:"x_train"`
	YTrain    []float64 `json:"y_train"`
	XTest     []float64 `json:"x_test"`
	YTest     []float64 `json:"y_test"`
	Raw       *fitRun   `json:"raw"`
	Runs      []*fitRun `json:"runs"`
	Chosen    *fitRun   `json:"chosen"`
	PredTrain []float64 `json:"pred_train"`
	PredTest  []float64 `json:"pred_test"`
}

func runFourier(c *fourierCfg) (*Result, error) {
	n := c.n
	var ptsTrain, ptsTest [][]float64
	for i := 0; i < n; i++ {
		ptsTrain = append(ptsTrain, []float64{float64(2*i) / float64(2*n)})
		ptsTest = append(ptsTest, []float64{float64(2*i+1) / float64(2*n)})
	}
	rng := newRand(c.seed)
	unit := fourierB(rng, c.features, 1, 1)
	all := append(append([][]float64(nil), ptsTrain...), ptsTest...)
	yAll := target(c.target, c.freq, all, rng)
	yTrain, yTest := yAll[:n], yAll[n:]
	scaled := func(sigma float64) [][]float64 {
		b := make([][]float64, len(unit))
		for j := range unit {
			b[j] = []float64{unit[j][0] * sigma}
		}
		return b
	}
	fit := func(b [][]float64) (*fitRun, error) {
		return fitKernel(features(ptsTrain, b), features(ptsTest, b), yTrain, yTest, c.depth, c.steps, c.eta)
	}
	raw, err := fit(nil)
	if err != nil {
		return nil, fmt.Errorf("raw coordinates: %w", err)
	}
	raw.Sigma = optFloat(math.NaN())
	js := fourierJSON{N: n, YTrain: yTrain, YTest: yTest, Raw: raw, Runs: []*fitRun{}}
	for i := range ptsTrain {
		js.XTrain = append(js.XTrain, ptsTrain[i][0])
		js.XTest = append(js.XTest, ptsTest[i][0])
	}
	for _, s := range c.sigmas {
		run, err := fit(scaled(s))
		if err != nil {
			return nil, fmt.Errorf("σ = %g: %w", s, err)
		}
		run.Sigma = optFloat(s)
		js.Runs = append(js.Runs, run)
	}
	chosen, err := fit(scaled(c.sigma))
	if err != nil {
		return nil, fmt.Errorf("σ = %g: %w", c.sigma, err)
	}
	chosen.Sigma = optFloat(c.sigma)
	js.Chosen, js.PredTrain, js.PredTest = chosen, chosen.train, chosen.test
	nums := map[string]float64{
		"train_err":     chosen.TrainErr,
		"test_err":      chosen.TestErr,
		"sigma":         c.sigma,
		"train_err_raw": raw.TrainErr,
		"test_err_raw":  raw.TestErr,
		"signal_rms":    rmse(yTest, make([]float64, n)),
	}
	if len(js.Runs) > 0 {
		best := js.Runs[0]
		for _, r := range js.Runs {
			if r.TestErr < best.TestErr {
				best = r
			}
		}
		nums["best_sigma"] = float64(best.Sigma)
	}
	return &Result{
		Text:    fourierText(c, js, nums),
		Numbers: nums,
		Series:  fourierSeries(js),
		JSON:    js,
	}, nil
}

func fourierSeries(js fourierJSON) []Series {
	var out []Series
	if len(js.Runs) > 0 {
		xs := make([]float64, len(js.Runs))
		tr := make([]float64, len(js.Runs))
		te := make([]float64, len(js.Runs))
		for i, r := range js.Runs {
			xs[i], tr[i], te[i] = float64(r.Sigma), r.TrainErr, r.TestErr
		}
		out = append(out, Series{Name: "train RMSE vs σ", X: xs, Y: tr}, Series{Name: "test RMSE vs σ", X: xs, Y: te})
	}
	// Interleave train and test points for the fit curve.
	n := js.N
	xs := make([]float64, 2*n)
	ys := make([]float64, 2*n)
	ps := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		xs[2*i], ys[2*i], ps[2*i] = js.XTrain[i], js.YTrain[i], js.PredTrain[i]
		xs[2*i+1], ys[2*i+1], ps[2*i+1] = js.XTest[i], js.YTest[i], js.PredTest[i]
	}
	out = append(out,
		Series{Name: "target y(v)", X: xs, Y: ys},
		Series{Name: fmt.Sprintf("fit at σ = %s", fmtG(float64(js.Chosen.Sigma))), X: xs, Y: ps})
	for _, r := range append([]*fitRun{js.Raw}, js.Runs...) {
		name := "λ/λ_max by rank, raw"
		if finite(float64(r.Sigma)) {
			name = fmt.Sprintf("λ/λ_max by rank, σ = %s", fmtG(float64(r.Sigma)))
		}
		y := make([]float64, len(r.Eigenvalues))
		top := r.Eigenvalues[0]
		if !(top > 0) {
			top = 1
		}
		for i, v := range r.Eigenvalues {
			y[i] = v / top
		}
		out = append(out, Series{Name: name, X: iota1(len(y)), Y: y})
	}
	return out
}

func fourierText(c *fourierCfg, js fourierJSON, nums map[string]float64) string {
	var r report
	r.line("fourier-features: NTK regression of a 1-D signal, with and without")
	r.line("Fourier features γ(v) = [cos 2πBv, sin 2πBv], B ~ N(0, σ²), m = %d", c.features)
	r.para("   ", fmt.Sprintf("Signal %s; %d training points v = 2i/2n, %d test points halfway between; ReLU MLP with %d hidden layers, K = Θ/n, %d gradient-descent steps from f₀ = 0.",
		targetFormula(c.target, c.freq, 1), c.n, c.n, c.depth, c.steps))
	r.blank()
	rows := [][]string{{"input", "λ₂/λ₁", "λ₁₀/λ₁", "λ_n/λ₁", "train RMSE", "test RMSE"}}
	add := func(name string, run *fitRun) {
		ev := run.Eigenvalues
		ratio := func(i int) string {
			if i >= len(ev) || ev[0] == 0 {
				return "–"
			}
			return fmtG(ev[i] / ev[0])
		}
		rows = append(rows, []string{name, ratio(1), ratio(9), ratio(len(ev) - 1), fmtG(run.TrainErr), fmtG(run.TestErr)})
	}
	add("raw v", js.Raw)
	for _, run := range js.Runs {
		add("σ = "+fmtG(float64(run.Sigma)), run)
	}
	r.table(rows)
	r.line("RMS of the signal (the error of predicting 0): %s", fmtG(nums["signal_rms"]))
	r.blank()
	r.para("", fmt.Sprintf("At σ = %s: train RMSE %s, test RMSE %s.", fmtG(c.sigma), fmtG(nums["train_err"]), fmtG(nums["test_err"])))
	if b, ok := nums["best_sigma"]; ok {
		r.para("", fmt.Sprintf("Best test error among the σ values: σ = %s.", fmtG(b)))
	}
	r.para("", "A small σ gives a kernel whose spectrum falls fast: high frequencies train too slowly (underfit). A large σ flattens the spectrum: the training points are fit but the kernel barely links neighbours, so the test points are not (overfit).")
	return r.String()
}
