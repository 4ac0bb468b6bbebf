package sims

import (
	"fmt"
	"math"
	"runtime"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Limits of linear-attention.
const (
	// MaxAttentionN is the largest sequence length linear-attention
	// accepts, for the run and for every entry of sizes: the masked way
	// holds an N×N matrix (128 MiB at N = 4096).
	MaxAttentionN = 4096
	// MaxAttentionDim bounds d and dᵥ.
	MaxAttentionDim = 512
	// maxAttnEntry bounds |entries| of Q, K, V so φ and the sums stay
	// finite and the denominators positive.
	maxAttnEntry = 100
)

type linAttnCfg struct {
	n, d, dv int
	seed     int64
	q, k, v  []float64 // row-major, nil: random
	explicit bool
	sizes    []int
	lengths  []int
}

// linearAttentionKind is the linear-attention simulation, for registry.
func linearAttentionKind() *kindImpl {
	return &kindImpl{
		spec: Spec{
			Kind: "linear-attention",
			Summary: "Causal linear attention with φ(x) = elu(x) + 1, two ways: " +
				"masked N×N attention yᵢ = (Σ_{j≤i} φ(qᵢ)ᵀφ(kⱼ)vⱼ) / (Σ_{j≤i} φ(qᵢ)ᵀφ(kⱼ)) " +
				"(O(N²) time and memory) and the recurrence Sᵢ = Sᵢ₋₁ + φ(kᵢ)vᵢᵀ, " +
				"zᵢ = zᵢ₋₁ + φ(kᵢ), yᵢ = φ(qᵢ)ᵀSᵢ / (φ(qᵢ)ᵀzᵢ) (O(N) time, a d·dᵥ + d " +
				"state). The recurrence is also run over random sequences of each " +
				"length in lengths, counting the floats its state holds after every " +
				"token: the same d·dᵥ + d at every N, where a key/value cache would " +
				"hold N·(d + dᵥ). Also the non-causal output and, when run with a " +
				"clock, the measured cost of both ways as N doubles.",
			Params: []Param{
				{"n", "int", "sequence length N, 1 to 4096; must match Q, K, V when given", 8},
				{"d", "int", "query/key dimension d, 1 to 512", 4},
				{"dv", "int", "value dimension dᵥ, 1 to 512", 4},
				{"seed", "int", "seed for random Q, K, V (entries N(0,1)) and for the cost table", 1},
				{"Q", "matrix", "explicit queries, N×d, entries |x| ≤ 100 (Q, K, V go together)", nil},
				{"K", "matrix", "explicit keys, N×d, entries |x| ≤ 100", nil},
				{"V", "matrix", "explicit values, N×dᵥ, entries |x| ≤ 100", nil},
				{"sizes", "ints", "sequence lengths (1 to 4096, at most 12) for the measured cost table; empty skips it; only measured when run with a clock (flash sim does)", []int{256, 512, 1024, 2048}},
				{"lengths", "ints", "sequence lengths (1 to 4096, at most 12) at which the recurrence is also run on random Q, K, V to count the floats its state holds; deterministic", []int{1, 10, 100, 1000}},
			},
			Numbers: []NumberDoc{
				{"max_diff", "largest |masked − recurrent| over all causal outputs"},
				{"state_floats", "floats the recurrent state (S, z) holds after the N tokens of the run: d·dᵥ + d"},
				{"state_floats_min", "fewest floats the state held after any token, over the run and every entry of lengths"},
				{"state_floats_max", "most floats the state held after any token, over the run and every entry of lengths (equal to state_floats_min: the state does not grow with N)"},
				{"kv_cache_floats", "N·(d + dᵥ): the floats a decoder that caches every key and value holds after the N tokens of the run"},
				{"y_last_1", "first coordinate of the last causal output row y_N"},
				{"S_11", "S[1][1] of the final state S_N = Σⱼ φ(kⱼ)vⱼᵀ"},
				{"z_1", "z[1] of the final z_N = Σⱼ φ(kⱼ)"},
				{"y_first_diff", "max |y₁ − v₁|: the first causal output is v₁ (0 up to rounding)"},
				{"noncausal_last_diff", "max |y_N − y_N(non-causal)|: the last position sees every key either way"},
				{"n", "N"},
				{"d", "d"},
				{"dv", "dᵥ"},
			},
		},
		check: checkLinAttn,
		run: func(cfg any, opt Options) (*Result, error) {
			return runLinAttn(cfg.(*linAttnCfg), opt)
		},
	}
}

func checkLinAttn(r *reader) any {
	c := &linAttnCfg{}
	c.n = r.int("n", 1, MaxAttentionN)
	c.d = r.int("d", 1, MaxAttentionDim)
	c.dv = r.int("dv", 1, MaxAttentionDim)
	c.seed = r.int64("seed")
	c.sizes = r.ints("sizes", 1, MaxAttentionN, 12)
	c.lengths = r.ints("lengths", 1, MaxAttentionN, 12)
	q := r.matrix("Q", MaxAttentionN, MaxAttentionDim, maxAttnEntry)
	k := r.matrix("K", MaxAttentionN, MaxAttentionDim, maxAttnEntry)
	v := r.matrix("V", MaxAttentionN, MaxAttentionDim, maxAttnEntry)
	given := 0
	for _, name := range []string{"Q", "K", "V"} {
		if r.has(name) {
			given++
		}
	}
	if given == 0 {
		return c
	}
	if given < 3 {
		for _, name := range []string{"Q", "K", "V"} {
			if !r.has(name) {
				r.failf(name, "is missing: Q, K and V must be given together")
			}
		}
		return c
	}
	if q == nil || k == nil || v == nil {
		return c // already reported
	}
	c.explicit = true
	n := len(q)
	if len(k) != n || len(v) != n {
		r.failf("K", "Q, K and V must have the same number of rows (N), got %d, %d, %d", len(q), len(k), len(v))
	}
	if len(k[0]) != len(q[0]) {
		r.failf("K", "has %d columns but Q has %d (both are N×d)", len(k[0]), len(q[0]))
	}
	if r.has("n") && c.n != n {
		r.failf("n", "is %d but Q has %d rows", c.n, n)
	}
	if r.has("d") && c.d != len(q[0]) {
		r.failf("d", "is %d but Q has %d columns", c.d, len(q[0]))
	}
	if r.has("dv") && c.dv != len(v[0]) {
		r.failf("dv", "is %d but V has %d columns", c.dv, len(v[0]))
	}
	c.n, c.d, c.dv = n, len(q[0]), len(v[0])
	c.q, c.k, c.v = flatten(q), flatten(k), flatten(v)
	return c
}

func flatten(m [][]float64) []float64 {
	var out []float64
	for _, row := range m {
		out = append(out, row...)
	}
	return out
}

// phi is the feature map φ(x) = elu(x) + 1: x + 1 for x > 0, eˣ otherwise.
func phi(x float64) float64 {
	if x > 0 {
		return x + 1
	}
	return math.Exp(x)
}

func phiAll(a []float64) []float64 {
	out := make([]float64, len(a))
	for i, x := range a {
		out[i] = phi(x)
	}
	return out
}

// randomQKV draws N×d, N×d and N×dv matrices with N(0,1) entries.
func randomQKV(seed int64, n, d, dv int) (q, k, v []float64) {
	rng := newRand(seed)
	fill := func(m int) []float64 {
		a := make([]float64, m)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		return a
	}
	return fill(n * d), fill(n * d), fill(n * dv)
}

// attentionMasked computes the causal output by materialising the masked
// N×N attention matrix A_ij = φ(qᵢ)ᵀφ(kⱼ) (j ≤ i), normalising its rows
// and multiplying by V. It returns Y (N×dv, row-major).
func attentionMasked(q, k, v []float64, n, d, dv int) []float64 {
	pq := mat.NewDense(n, d, phiAll(q))
	pk := mat.NewDense(n, d, phiAll(k))
	a := mat.NewDense(n, n, nil)
	a.Mul(pq, pk.T())
	raw := a.RawMatrix()
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		for j := i + 1; j < n; j++ {
			row[j] = 0
		}
		floats.Scale(1/floats.Sum(row[:i+1]), row[:i+1])
	}
	y := mat.NewDense(n, dv, nil)
	y.Mul(a, mat.NewDense(n, dv, v))
	return y.RawMatrix().Data
}

// linState is causal linear attention as an RNN (Katharopoulos et al.,
// eq. 16–20 without f_l and the residual): the whole state is the
// attention memory s (d×dᵥ, row-major) and the normaliser memory z (d).
type linState struct {
	d, dv  int
	s, z   []float64
	pq, pk []float64 // scratch for φ(q), φ(k)
}

func newLinState(d, dv int) *linState {
	return &linState{d: d, dv: dv, s: make([]float64, d*dv), z: make([]float64, d),
		pq: make([]float64, d), pk: make([]float64, d)}
}

// step reads one token: sᵢ = sᵢ₋₁ + φ(kᵢ)vᵢᵀ, zᵢ = zᵢ₋₁ + φ(kᵢ), and
// writes yᵢ = φ(qᵢ)ᵀsᵢ / (φ(qᵢ)ᵀzᵢ) into y (length dᵥ, zeroed).
func (st *linState) step(q, k, v, y []float64) {
	// Locals, not fields: the loops below then keep them in registers
	// (through st the compiler reloads them after every store).
	d, dv, s, z, pq, pk := st.d, st.dv, st.s, st.z, st.pq, st.pk
	for a := 0; a < d; a++ {
		pq[a] = phi(q[a])
		pk[a] = phi(k[a])
	}
	var den float64
	for a := 0; a < d; a++ {
		sa := s[a*dv : (a+1)*dv]
		floats.AddScaled(sa, pk[a], v)
		z[a] += pk[a]
		floats.AddScaled(y, pq[a], sa)
		den += pq[a] * z[a]
	}
	floats.Scale(1/den, y)
}

// floats is the number of floats the state holds between tokens.
func (st *linState) floats() int { return len(st.s) + len(st.z) }

// attentionRecurrent computes the causal output by the recurrence
// Sᵢ = Sᵢ₋₁ + φ(kᵢ)vᵢᵀ, zᵢ = zᵢ₋₁ + φ(kᵢ), yᵢ = φ(qᵢ)ᵀSᵢ / (φ(qᵢ)ᵀzᵢ),
// holding only S (d×dv) and z (d). It returns Y (N×dv), the final S, z,
// and the fewest and most floats the state held after any token.
func attentionRecurrent(q, k, v []float64, n, d, dv int) (y, s, z []float64, minFloats, maxFloats int) {
	y = make([]float64, n*dv)
	st := newLinState(d, dv)
	minFloats, maxFloats = math.MaxInt, 0
	for i := 0; i < n; i++ {
		st.step(q[i*d:(i+1)*d], k[i*d:(i+1)*d], v[i*dv:(i+1)*dv], y[i*dv:(i+1)*dv])
		minFloats, maxFloats = min(minFloats, st.floats()), max(maxFloats, st.floats())
	}
	return y, st.s, st.z, minFloats, maxFloats
}

// stateRow is one line of the state-size table: the floats the recurrent
// state held over a run of N tokens, next to what a key/value cache and
// the masked N×N weights would hold.
type stateRow struct {
	N              int `json:"n"`
	StateFloatsMin int `json:"state_floats_min"`
	StateFloatsMax int `json:"state_floats_max"`
	KVCacheFloats  int `json:"kv_cache_floats"`
	MaskedFloats   int `json:"masked_floats"`
}

// stateSizes runs the recurrence on random sequences of each length and
// records the floats its state held.
func stateSizes(seed int64, lengths []int, d, dv int) []stateRow {
	var out []stateRow
	for _, n := range lengths {
		q, k, v := randomQKV(seed+int64(n), n, d, dv)
		_, _, _, lo, hi := attentionRecurrent(q, k, v, n, d, dv)
		out = append(out, stateRow{N: n, StateFloatsMin: lo, StateFloatsMax: hi, KVCacheFloats: n * (d + dv), MaskedFloats: n * n})
	}
	return out
}

// attentionNonCausal computes yᵢ = φ(qᵢ)ᵀS_N / (φ(qᵢ)ᵀz_N): every position
// attends to every key.
func attentionNonCausal(q []float64, s, z []float64, n, d, dv int) []float64 {
	y := make([]float64, n*dv)
	for i := 0; i < n; i++ {
		yi := y[i*dv : (i+1)*dv]
		var den float64
		for a := 0; a < d; a++ {
			p := phi(q[i*d+a])
			floats.AddScaled(yi, p, s[a*dv:(a+1)*dv])
			den += p * z[a]
		}
		floats.Scale(1/den, yi)
	}
	return y
}

// costRow is one line of the measured cost table (timings: not
// deterministic, never in Numbers or goldens).
type costRow struct {
	N                int     `json:"n"`
	MaskedSeconds    float64 `json:"masked_seconds"`
	RecurrentSeconds float64 `json:"recurrent_seconds"`
	MaskedBytes      uint64  `json:"masked_bytes"`
	RecurrentBytes   uint64  `json:"recurrent_bytes"`
}

// linAttnJSON is the --json output of linear-attention. States holds the
// floats held after N tokens, for this run first and then for each entry
// of lengths. Timings holds measured (non-deterministic) costs and is
// absent when nothing was measured.
type linAttnJSON struct {
	N          int         `json:"n"`
	D          int         `json:"d"`
	Dv         int         `json:"dv"`
	Y          [][]float64 `json:"Y"`
	YMasked    [][]float64 `json:"Y_masked"`
	MaxDiff    float64     `json:"max_diff"`
	S          [][]float64 `json:"S"`
	Z          []float64   `json:"z"`
	YNonCausal [][]float64 `json:"Y_noncausal"`
	Q          [][]float64 `json:"Q,omitempty"`
	K          [][]float64 `json:"K,omitempty"`
	V          [][]float64 `json:"V,omitempty"`
	States     []stateRow  `json:"states"`
	Timings    []costRow   `json:"timings,omitempty"`
}

func runLinAttn(c *linAttnCfg, opt Options) (*Result, error) {
	n, d, dv := c.n, c.d, c.dv
	q, k, v := c.q, c.k, c.v
	if !c.explicit {
		q, k, v = randomQKV(c.seed, n, d, dv)
	}
	ym := attentionMasked(q, k, v, n, d, dv)
	yr, s, z, lo, hi := attentionRecurrent(q, k, v, n, d, dv)
	states := append([]stateRow{{N: n, StateFloatsMin: lo, StateFloatsMax: hi, KVCacheFloats: n * (d + dv), MaskedFloats: n * n}},
		stateSizes(c.seed, c.lengths, d, dv)...)
	for _, row := range states {
		lo, hi = min(lo, row.StateFloatsMin), max(hi, row.StateFloatsMax)
	}
	ync := attentionNonCausal(q, s, z, n, d, dv)
	if !finite(ym...) || !finite(yr...) || !finite(ync...) {
		return nil, fmt.Errorf("attention overflowed (entries of Q, K, V are limited to |x| ≤ %d)", maxAttnEntry)
	}
	var maxDiff float64
	diffPos := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < dv; j++ {
			diffPos[i] = math.Max(diffPos[i], math.Abs(ym[i*dv+j]-yr[i*dv+j]))
		}
		maxDiff = math.Max(maxDiff, diffPos[i])
	}
	var firstDiff, lastDiff float64
	for j := 0; j < dv; j++ {
		firstDiff = math.Max(firstDiff, math.Abs(yr[j]-v[j]))
		lastDiff = math.Max(lastDiff, math.Abs(yr[(n-1)*dv+j]-ync[(n-1)*dv+j]))
	}
	nums := map[string]float64{
		"max_diff":            maxDiff,
		"state_floats":        float64(states[0].StateFloatsMax),
		"state_floats_min":    float64(lo),
		"state_floats_max":    float64(hi),
		"kv_cache_floats":     float64(n * (d + dv)),
		"y_last_1":            yr[(n-1)*dv],
		"S_11":                s[0],
		"z_1":                 z[0],
		"y_first_diff":        firstDiff,
		"noncausal_last_diff": lastDiff,
		"n":                   float64(n),
		"d":                   float64(d),
		"dv":                  float64(dv),
	}
	js := linAttnJSON{
		N: n, D: d, Dv: dv,
		Y: matrixRows(yr, n, dv), YMasked: matrixRows(ym, n, dv), MaxDiff: maxDiff,
		S: matrixRows(s, d, dv), Z: z, YNonCausal: matrixRows(ync, n, dv),
		States: states,
	}
	if !c.explicit && n*(d+d+dv) <= 1<<16 {
		js.Q, js.K, js.V = matrixRows(q, n, d), matrixRows(k, n, d), matrixRows(v, n, dv)
	}
	if opt.Clock != nil && len(c.sizes) > 0 {
		js.Timings = measureAttention(c, opt.Clock)
	}
	pos := iota1(n)
	series := []Series{
		{Name: "y[1] masked N×N", X: pos, Y: column(ym, n, dv, 0)},
		{Name: "y[1] recurrent", X: pos, Y: column(yr, n, dv, 0)},
		{Name: "max |masked − recurrent| per position", X: pos, Y: diffPos},
		{Name: "y[1] non-causal", X: pos, Y: column(ync, n, dv, 0)},
	}
	if len(js.Timings) > 0 {
		xs := make([]float64, len(js.Timings))
		tm := make([]float64, len(js.Timings))
		tr := make([]float64, len(js.Timings))
		for i, row := range js.Timings {
			xs[i], tm[i], tr[i] = float64(row.N), row.MaskedSeconds, row.RecurrentSeconds
		}
		series = append(series,
			Series{Name: "masked time (s, measured)", X: xs, Y: tm},
			Series{Name: "recurrent time (s, measured)", X: xs, Y: tr})
	}
	res := &Result{
		Text:    linAttnText(c, js, q, k, v, nums, opt),
		Numbers: nums,
		Series:  series,
		JSON:    js,
	}
	return res, nil
}

func column(a []float64, r, c, j int) []float64 {
	out := make([]float64, r)
	for i := range out {
		out[i] = a[i*c+j]
	}
	return out
}

// measureAttention times both ways for each size: the best of a few runs,
// and the bytes each allocates (runtime.MemStats.TotalAlloc).
func measureAttention(c *linAttnCfg, now func() time.Time) []costRow {
	var out []costRow
	for _, n := range c.sizes {
		q, k, v := randomQKV(c.seed+int64(n), n, c.d, c.dv)
		row := costRow{N: n}
		row.MaskedSeconds, row.MaskedBytes = measure(now, func() { attentionMasked(q, k, v, n, c.d, c.dv) })
		row.RecurrentSeconds, row.RecurrentBytes = measure(now, func() { attentionRecurrent(q, k, v, n, c.d, c.dv) })
		out = append(out, row)
	}
	return out
}

func measure(now func() time.Time, f func()) (float64, uint64) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	best := math.Inf(1)
	for rep := 0; rep < 3; rep++ {
		t0 := now()
		f()
		best = math.Min(best, now().Sub(t0).Seconds())
	}
	return best, after.TotalAlloc - before.TotalAlloc
}

func fmtBytes(b uint64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

func fmtSeconds(s float64) string {
	switch {
	case s >= 1:
		return fmt.Sprintf("%.2f s", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.2f ms", s*1e3)
	}
	return fmt.Sprintf("%.1f µs", s*1e6)
}

func linAttnText(c *linAttnCfg, js linAttnJSON, q, k, v []float64, nums map[string]float64, opt Options) string {
	var r report
	n, d, dv := c.n, c.d, c.dv
	r.line("linear-attention: causal linear attention computed two ways")
	src := fmt.Sprintf("random N(0,1), seed %d", c.seed)
	if c.explicit {
		src = "given"
	}
	r.line("φ(x) = elu(x) + 1;  N = %d, d = %d, dᵥ = %d;  Q, K, V %s", n, d, dv, src)
	r.blank()
	r.line("Masked N×N:  yᵢ = (Σ_{j≤i} φ(qᵢ)ᵀφ(kⱼ)·vⱼ) / (Σ_{j≤i} φ(qᵢ)ᵀφ(kⱼ))")
	r.line("Recurrent:   Sᵢ = Sᵢ₋₁ + φ(kᵢ)vᵢᵀ,  zᵢ = zᵢ₋₁ + φ(kᵢ),")
	r.line("             yᵢ = φ(qᵢ)ᵀSᵢ / (φ(qᵢ)ᵀzᵢ)")
	r.blank()
	cols := min(dv, 5)
	r.line("Causal outputs yᵢ (recurrent; first %d of %d coordinates):", cols, dv)
	r.table(matrixTable(js.Y, 8, cols, "i"))
	r.line("max |masked − recurrent| = %s;  y₁ = v₁ (max |y₁ − v₁| = %s)", fmtG(nums["max_diff"]), fmtG(nums["y_first_diff"]))
	r.blank()
	r.line("State after N steps: S is d×dᵥ = %d×%d, z has d = %d entries:", d, dv, d)
	r.line("%d floats (the masked way holds N² = %d weights).", int(nums["state_floats"]), n*n)
	r.table(matrixTable(js.S, 5, cols, "S row"))
	r.line("z = %s", vecString(js.Z, 6))
	r.blank()
	r.line("Non-causal outputs (every position sees all N keys):")
	r.table(matrixTable(js.YNonCausal, 8, cols, "i"))
	r.line("The last row equals the causal y_N (max |Δ| = %s).", fmtG(nums["noncausal_last_diff"]))
	if len(js.States) > 0 {
		r.blank()
		r.line("Floats held after N tokens (first row: this run; the others run the")
		r.line("recurrence on random Q, K, V of each length in lengths):")
		rows := [][]string{{"N", "state (s, z)", "key/value cache N·(d+dᵥ)", "masked N²"}}
		for _, row := range js.States {
			held := fmt.Sprint(row.StateFloatsMax)
			if row.StateFloatsMin != row.StateFloatsMax {
				held = fmt.Sprintf("%d–%d", row.StateFloatsMin, row.StateFloatsMax)
			}
			rows = append(rows, []string{fmt.Sprint(row.N), held, fmt.Sprint(row.KVCacheFloats), fmt.Sprint(row.MaskedFloats)})
		}
		r.table(rows)
		r.para("", "The state is counted after every token: it holds the same d·dᵥ + d floats at every N, while a decoder that caches keys and values (as a softmax transformer does to avoid recomputing them) grows with N.")
	}
	switch {
	case len(c.sizes) == 0:
	case opt.Clock == nil:
		r.blank()
		r.line("Cost table skipped: this run measures no time (flash sim does).")
	default:
		r.blank()
		r.line("Measured cost (best of 3; memory = bytes allocated by one run):")
		rows := [][]string{{"N", "masked", "×", "memory", "recurrent", "×", "memory"}}
		for i, row := range js.Timings {
			rm, rr := "", ""
			if i > 0 && js.Timings[i-1].MaskedSeconds > 0 && js.Timings[i-1].RecurrentSeconds > 0 {
				rm = fmt.Sprintf("%.1f", row.MaskedSeconds/js.Timings[i-1].MaskedSeconds)
				rr = fmt.Sprintf("%.1f", row.RecurrentSeconds/js.Timings[i-1].RecurrentSeconds)
			}
			rows = append(rows, []string{fmt.Sprint(row.N), fmtSeconds(row.MaskedSeconds), rm, fmtBytes(row.MaskedBytes),
				fmtSeconds(row.RecurrentSeconds), rr, fmtBytes(row.RecurrentBytes)})
		}
		r.table(rows)
		r.para("", "× is the ratio to the row above: doubling N costs about 4× for the masked way (O(N²)) and 2× for the recurrence (O(N)). Recurrent memory is the N×dᵥ output plus the state.")
	}
	return r.String()
}

// matrixTable renders up to maxRows rows (the first ones and the last)
// and maxCols columns of m, with a label column.
func matrixTable(m [][]float64, maxRows, maxCols int, label string) [][]string {
	head := []string{label}
	for j := 0; j < maxCols; j++ {
		head = append(head, fmt.Sprintf("[%d]", j+1))
	}
	rows := [][]string{head}
	add := func(i int) {
		row := []string{fmt.Sprint(i + 1)}
		for j := 0; j < maxCols && j < len(m[i]); j++ {
			row = append(row, fmtG(m[i][j]))
		}
		rows = append(rows, row)
	}
	if len(m) <= maxRows {
		for i := range m {
			add(i)
		}
		return rows
	}
	for i := 0; i < maxRows-2; i++ {
		add(i)
	}
	rows = append(rows, []string{"…"})
	add(len(m) - 1)
	return rows
}
