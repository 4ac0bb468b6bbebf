package answer

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"gonum.org/v1/gonum/floats/scalar"
)

// learnerAnswers are answers written the way learners write them, each
// with the result it must give: the last part's value and the text it is
// read from. rows and cols give the shape of vectors and matrices.
var learnerAnswers = []struct {
	in         string
	want       []float64 // nil: the answer gives no value
	rows, cols int
	from       string
}{
	// The examples of issue 11.
	{"разброс ∝ 1/√w, при w=1024 ≈ 0.339/4 ≈ 0.085", []float64{0.085}, 0, 0, "≈ 0.085"},
	{"S₂(1,1) → 5", []float64{5}, 0, 0, "→ 5"},
	{"11/12", []float64{11.0 / 12}, 0, 0, "11/12"},
	{"(4,4)", []float64{4, 4}, 1, 2, "(4,4)"},
	{"‖ŷ − y‖ = √2/e", []float64{math.Sqrt2 / math.E}, 0, 0, "= √2/e"},
	{"(0, √2)", []float64{0, math.Sqrt2}, 1, 2, "(0, √2)"},
	{"[[5,4],[10,2]]", []float64{5, 4, 10, 2}, 2, 2, "[[5,4],[10,2]]"},

	// Working that ends in a result.
	{"τ = 1/(ηλ_min) = 1/(0.25·1) = 4", []float64{4}, 0, 0, "= 4"},
	{"τ₁ = 1/(ηλ_max) = 1.05", []float64{1.05}, 0, 0, "= 1.05"},
	{"τ_slow → 4 шага", []float64{4}, 0, 0, "→ 4"},
	{"d·dᵥ + d = 64·64 + 64 = 4160", []float64{4160}, 0, 0, "= 4160"},
	{"state: d·dᵥ + d = 4160 floats", []float64{4160}, 0, 0, "= 4160"},
	{"3/4 → 0.75", []float64{0.75}, 0, 0, "→ 0.75"},
	{"0.5 → 0.25 → 0.125", []float64{0.125}, 0, 0, "→ 0.125"},
	{"2^10 = 1024", []float64{1024}, 0, 0, "= 1024"},
	{"f(x) = 2x + 1 при x = 3 → 7", []float64{7}, 0, 0, "→ 7"},
	{"1/√1024 ≈ 0.03125", []float64{0.03125}, 0, 0, "≈ 0.03125"},
	{"0.339 / √16 = 0.08475", []float64{0.08475}, 0, 0, "= 0.08475"},
	{"1 − e^(−1) ≈ 0.632", []float64{0.632}, 0, 0, "≈ 0.632"},
	{"Энергия E = −lse(β, Xᵀξ) + ½ξᵀξ ≈ −1.23", []float64{-1.23}, 0, 0, "≈ −1.23"},
	{"шагов ~ 40", []float64{40}, 0, 0, "~ 40"},
	{"около 3, потому что λ = ", []float64{3}, 0, 0, "3"},
	{"τ = 4.", []float64{4}, 0, 0, "= 4"},
	{"η = 0.25, λ_min = 1\nτ = 1/(ηλ) = 4", []float64{4}, 0, 0, "= 4"},
	{"σ = 1 даёт недообучение, σ = 100 переобучение\nлучшее σ = 10", []float64{10}, 0, 0, "= 10"},

	// Remarks in brackets give no result.
	{"≈ 0.085 (при w = 1024)", []float64{0.085}, 0, 0, "≈ 0.085"},
	{"best σ = 10 (из списка 1, 10, 100)", []float64{10}, 0, 0, "= 10"},
	{"≈ 4.5 (или 4,6)", []float64{4.5}, 0, 0, "≈ 4.5"},
	{"≈ 0.085 (8.5%)", []float64{0.085}, 0, 0, "(8.5%)"},

	// Numbers as people type them.
	{"0,085", []float64{0.085}, 0, 0, "0,085"},
	{"примерно 2,5 шага", []float64{2.5}, 0, 0, "2,5"},
	{"p_max ≈ 0,97", []float64{0.97}, 0, 0, "≈ 0,97"},
	{"Ответ: 0,97.", []float64{0.97}, 0, 0, "0,97"},
	{"−0.25", []float64{-0.25}, 0, 0, "−0.25"},
	{"1e-3 or so", []float64{0.001}, 0, 0, "1e-3"},
	{"2,5e-3", []float64{0.0025}, 0, 0, "2,5e-3"},
	{"1.5·10⁻³", []float64{0.0015}, 0, 0, "1.5·10⁻³"},
	{"10⁻³", []float64{0.001}, 0, 0, "10⁻³"},
	{"3 · 10^4", []float64{30000}, 0, 0, "3 · 10^4"},
	{"8.5%", []float64{0.085}, 0, 0, "8.5%"},
	{"½", []float64{0.5}, 0, 0, "½"},
	{"2π", []float64{2 * math.Pi}, 0, 0, "2π"},
	{"e^{-1}", []float64{1 / math.E}, 0, 0, "e^{-1}"},
	{"√(2)/2", []float64{math.Sqrt2 / 2}, 0, 0, "√(2)/2"},
	{"(√2)²", []float64{2}, 0, 0, "(√2)²"},
	{".5", []float64{0.5}, 0, 0, ".5"},
	// Thousands in groups of three, as Russian text writes them (a space,
	// a no-break or a thin space between the groups).
	{"кэш: 1000·128 = 128 000 чисел", []float64{128000}, 0, 0, "= 128 000"},
	{"≈ 1 000 000", []float64{1e6}, 0, 0, "≈ 1 000 000"},
	{"4\u00a0160", []float64{4160}, 0, 0, "4\u00a0160"},
	{"12\u2009345,5", []float64{12345.5}, 0, 0, "12\u2009345,5"},
	{"2 3", []float64{3}, 0, 0, "3"},
	{"1024 1000", []float64{1000}, 0, 0, "1000"},
	{"N·(d + dᵥ) = 1000·128 = 128 000 чисел", []float64{128000}, 0, 0, "= 128 000"},
	{"64·64 + 64 = 4\u202f160", []float64{4160}, 0, 0, "= 4\u202f160"},

	// Lists: a comma between digits is no decimal comma where it can
	// separate items.
	{"1,2,3", []float64{3}, 0, 0, "3"},
	{"λ = 1, 3", []float64{3}, 0, 0, "3"},
	{"λ = (1, 3)", []float64{1, 3}, 1, 2, "= (1, 3)"},
	{"S = [[5,4],[10,2]]", []float64{5, 4, 10, 2}, 2, 2, "= [[5,4],[10,2]]"},
	{"y_N ≈ (0.42, −0.1)", []float64{0.42, -0.1}, 1, 2, "≈ (0.42, −0.1)"},
	{"((1, 0), (0, 1))", []float64{1, 0, 0, 1}, 2, 2, "((1, 0), (0, 1))"},

	// Names and words.
	{"ответ: 4", []float64{4}, 0, 0, "4"},
	{"tau_slow: 4", []float64{4}, 0, 0, "4"},
	{"S_11 = 1.5", []float64{1.5}, 0, 0, "= 1.5"},
	{"y_N[1] ≈ 0.42", []float64{0.42}, 0, 0, "≈ 0.42"},
	{"x <= 3", []float64{3}, 0, 0, "3"},

	// No value.
	{"не знаю", nil, 0, 0, ""},
	{"", nil, 0, 0, ""},
	{"τ = 1/(ηλ)", nil, 0, 0, ""},
	{"разброс ∝ 1/√w", nil, 0, 0, ""},
	{"τ = 1/(ηλ_min) = 4 (при η = 0.25)", []float64{4}, 0, 0, "= 4"},
}

func TestParse_LearnerAnswers(t *testing.T) {
	if len(learnerAnswers) < 40 {
		t.Fatalf("%d answers, want at least 40", len(learnerAnswers))
	}
	for _, tt := range learnerAnswers {
		parts := Parse(tt.in)
		if tt.want == nil {
			if len(parts) != 0 {
				t.Errorf("Parse(%q) = %+v, want no value", tt.in, parts)
			}
			continue
		}
		if len(parts) == 0 {
			t.Errorf("Parse(%q) gave no value, want %v", tt.in, tt.want)
			continue
		}
		p := parts[len(parts)-1]
		v := p.Value
		ok := v.Rows == tt.rows && v.Cols == tt.cols && len(v.Nums) == len(tt.want)
		for i := 0; ok && i < len(v.Nums); i++ {
			ok = scalar.EqualWithinAbsOrRel(v.Nums[i], tt.want[i], 1e-12, 1e-12)
		}
		if !ok {
			t.Errorf("Parse(%q) = %v (%d×%d), want %v (%d×%d)", tt.in, v.Nums, v.Rows, v.Cols, tt.want, tt.rows, tt.cols)
		}
		if p.From != tt.from {
			t.Errorf("Parse(%q): from %q, want %q", tt.in, p.From, tt.from)
		}
	}
}

func TestParse_Names(t *testing.T) {
	parts := Parse("λ_max=4, τ_fast=1; S(1,1) = 2\nОтвет: τ = 4\nзначение: 7")
	var got []string
	for _, p := range parts {
		got = append(got, p.Name)
	}
	if want := "λ_max τ_fast S(1,1) τ значение"; strings.Join(got, " ") != want {
		t.Errorf("names = %q, want %q", got, want)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"τ_slow": "tauslow", "tau_slow": "tauslow", "Tau_Slow": "tauslow", "τslow": "tauslow",
		"λ₁": "lambda1", "lambda_1": "lambda1", "Λ_max": "lambdamax", "S(1,1)": "s11", "S₁₁": "s11",
		"S_11": "s11", "p_max": "pmax", "pₘₐₓ": "pmax",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRead(t *testing.T) {
	type want struct {
		v       float64 // NaN: not OK
		from    string  // "": no part went to the output
		element string
	}
	nan := math.NaN()
	tests := []struct {
		name    string
		answer  string
		outputs []string
		want    []want
	}{
		{"the issue's spread", "разброс ∝ 1/√w, при w=1024 ≈ 0.339/4 ≈ 0.085", []string{"spread_wide"},
			[]want{{0.085, "≈ 0.085", ""}}},
		{"named, in another order", "tau_slow = 4\nlambda_max = 4\ntau_fast = 2", []string{"lambda_max", "tau_fast", "tau_slow"},
			[]want{{4, "= 4", ""}, {2, "= 2", ""}, {4, "= 4", ""}}},
		{"named in Unicode among working", "λ_min = 1\nτ_slow = 1/(ηλ_min) = 4\nλ_max = 3", []string{"tau_slow"},
			[]want{{4, "= 4", ""}}},
		{"named and in order", "τ_fast = 1\n3\n4", []string{"lambda_max", "tau_fast", "tau_slow"},
			[]want{{3, "3", ""}, {1, "= 1", ""}, {4, "4", ""}}},
		{"unnamed in order, last results", "λ = 1, 3\nτ = 1/(0.25·1) = 4", []string{"lambda_max", "tau_slow"},
			[]want{{3, "3", ""}, {4, "= 4", ""}}},
		{"working then the result", "η = 0.25, λ_min = 1\nτ = 1/(ηλ) = 4", []string{"tau_slow"},
			[]want{{4, "= 4", ""}}},
		{"subscript name", "λ₁ = 2", []string{"lambda_2", "lambda_1"},
			[]want{{nan, "", ""}, {2, "= 2", ""}}},
		{"a matrix names its element", "S = [[5,4],[10,2]]", []string{"S_11"},
			[]want{{5, "= [[5,4],[10,2]]", "(1,1)"}}},
		{"an unnamed matrix", "[[5,4],[10,2]]", []string{"S_21"},
			[]want{{10, "[[5,4],[10,2]]", "(2,1)"}}},
		{"a vector's element", "y_N ≈ (0.42, 0.1)", []string{"y_last_1"},
			[]want{{0.42, "≈ (0.42, 0.1)", "1"}}},
		{"one vector for several outputs", "(4, 1, 4)", []string{"lambda_max", "tau_fast", "tau_slow"},
			[]want{{4, "(4, 1, 4)", "1"}, {1, "(4, 1, 4)", "2"}, {4, "(4, 1, 4)", "3"}}},
		{"a vector for one number", "(4,4)", []string{"tau_slow"},
			[]want{{nan, "(4,4)", ""}}},
		{"no number", "не знаю", []string{"tau_slow"},
			[]want{{nan, "", ""}}},
		{"fewer results than outputs", "λ_max = 3\nразброс большой", []string{"lambda_max", "tau_slow"},
			[]want{{3, "= 3", ""}, {nan, "", ""}}},
		{"the issue's S₂(1,1)", "S₂(1,1) → 5", []string{"S_11"},
			[]want{{5, "→ 5", ""}}},
		{"a list of results, one per output", "4160, 4160, 128000", []string{"state_floats_min", "state_floats_max", "kv_cache_floats"},
			[]want{{4160, "4160", ""}, {4160, "4160", ""}, {128000, "128000", ""}}},
		{"a list of results with working", "64·64 + 64 = 4160, 4160, 1000·128 = 128 000", []string{"state_floats_min", "state_floats_max", "kv_cache_floats"},
			[]want{{4160, "= 4160", ""}, {4160, "4160", ""}, {128000, "= 128 000", ""}}},
		{"a named list", "λ = 1, 3", []string{"lambda_min", "lambda_max"},
			[]want{{1, "= 1", ""}, {3, "3", ""}}},
		{"a list for one output gives its last", "4160, 4160, 128000", []string{"kv_cache_floats"},
			[]want{{128000, "128000", ""}}},
		{"\"и\" joins two named results", "τ_fast ≈ 1,25 и τ_slow = 5", []string{"tau_fast", "tau_slow"},
			[]want{{1.25, "≈ 1,25", ""}, {5, "= 5", ""}}},
		{"\"и\" joins two results", "1.25 и 5", []string{"tau_fast", "tau_slow"},
			[]want{{1.25, "1.25", ""}, {5, "5", ""}}},
		{"\"and\" joins a stated list", "λ = 3 and 1\nsee §3", []string{"lambda_max", "lambda_min"},
			[]want{{3, "= 3", ""}, {1, "1", ""}}},
		{"\"и\" in a remark joins nothing", "σ = 10 (между 3 и 30)", []string{"best_sigma"},
			[]want{{10, "= 10", ""}}},
		{"a stated list with working and a mention", "= 4160, 4160, 128 000\nв 31 раз больше", []string{"state_floats_min", "state_floats_max", "kv_cache_floats"},
			[]want{{4160, "= 4160", ""}, {4160, "4160", ""}, {128000, "128 000", ""}}},
		{"a step's subscript names the matrix", "s₁ = [[1,0],[1,0]]\ns₃ = [[3,4],[5,5]] → s₃[1,1] = 3\nz₃[1] = 4",
			[]string{"z_1", "S_11"}, []want{{4, "= 4", ""}, {3, "= 3", ""}}},
		{"S₂ is S", "S₂ = [[5, 4], [10, 2]]\nпотом 7", []string{"S_21"},
			[]want{{10, "= [[5, 4], [10, 2]]", "(2,1)"}}},
		{"results before mentions", "разброс ≈ 0.339/4 ≈ 0.085, изменение ≈ 0.078/4 ≈ 0.019\nСимуляция: разброс 0.083, падает в 3.2 раза (см. 6.1)",
			[]string{"spread_wide", "change_wide"}, []want{{0.085, "≈ 0.085", ""}, {0.019, "≈ 0.019", ""}}},
		{"an answer word states the result", "λ = 3\nответ 4", []string{"tau_slow"},
			[]want{{4, "4", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Read(tt.answer, tt.outputs)
			if len(got) != len(tt.outputs) {
				t.Fatalf("%d readings for %d outputs", len(got), len(tt.outputs))
			}
			for i, w := range tt.want {
				r := got[i]
				if r.Output != tt.outputs[i] {
					t.Errorf("reading %d is for %s, want %s", i, r.Output, tt.outputs[i])
				}
				okWant := !math.IsNaN(w.v)
				if r.OK != okWant || okWant && !scalar.EqualWithinAbsOrRel(r.Value, w.v, 1e-12, 1e-12) ||
					r.Part.From != w.from || r.Element != w.element {
					t.Errorf("%s: got %v ok=%v from %q element %q; want %v from %q element %q",
						r.Output, r.Value, r.OK, r.Part.From, r.Element, w.v, w.from, w.element)
				}
			}
		})
	}
}

// FuzzParse reads arbitrary text as an answer. Nothing may panic, every
// value is finite and has a shape that fits its numbers, From is a piece of
// the answer, and Read gives one reading per output.
func FuzzParse(f *testing.F) {
	for _, tt := range learnerAnswers {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := Parse(s)
		for _, p := range parts {
			v := p.Value
			switch {
			case v.Rows == 0 && len(v.Nums) != 1,
				v.Rows == 1 && len(v.Nums) != v.Cols,
				v.Rows > 1 && len(v.Nums) != v.Rows*v.Cols:
				t.Fatalf("Parse(%q): value %v has shape %d×%d", s, v.Nums, v.Rows, v.Cols)
			}
			for _, x := range v.Nums {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("Parse(%q): non-finite %v", s, x)
				}
			}
			if p.From == "" || !strings.Contains(s, p.From) {
				t.Fatalf("Parse(%q): from %q is not in the answer", s, p.From)
			}
			if utf8.ValidString(s) && !utf8.ValidString(p.From) {
				t.Fatalf("Parse(%q): from %q cuts a character", s, p.From)
			}
		}
		outputs := []string{"tau_slow", "S_11", "y_last_1"}
		rs := Read(s, outputs)
		if len(rs) != len(outputs) {
			t.Fatalf("Read(%q): %d readings", s, len(rs))
		}
		for _, r := range rs {
			if r.OK && (math.IsNaN(r.Value) || math.IsInf(r.Value, 0)) {
				t.Fatalf("Read(%q): %s = %v", s, r.Output, r.Value)
			}
		}
	})
}

// BenchmarkRead reads a typical multi-line answer for three outputs.
func BenchmarkRead(b *testing.B) {
	ans := "K диагональна: λ_max = 4, λ_min = 1\nτ_fast = 1/(ηλ_max) = 1/(0.2·4) = 1.25\nτ_slow = 1/(ηλ_min) = 1/(0.2·1) = 5"
	outputs := []string{"lambda_max", "tau_fast", "tau_slow"}
	for b.Loop() {
		Read(ans, outputs)
	}
}

// BenchmarkParse_Worst reads MaxLen bytes of unmatched brackets, the
// slowest input known.
func BenchmarkParse_Worst(b *testing.B) {
	s := strings.Repeat("(1", MaxLen/2)
	for b.Loop() {
		Parse(s)
	}
}

// TestParse_UnseparatedSteps: learners type several "name = value" on one
// line with only spaces between them; each is a value of its own, read
// with its name (before, the whole line was one statement whose result was
// its last number).
func TestParse_UnseparatedSteps(t *testing.T) {
	for _, c := range []struct {
		in    string
		names string
		vals  []float64
	}{
		{"λ_max=3 λ_min=1 τ=4", "λ_max λ_min τ", []float64{3, 1, 4}},
		{"τ_fast = 1/(0.2·4) = 1.25 τ_slow = 5", "τ_fast τ_slow", []float64{1.25, 5}},
		{"S₂(1,1) = 5 S₂(2,2) = 3", "S₂(1,1) S₂(2,2)", []float64{5, 3}},
		{"x = 2π y = √2", "x y", []float64{2 * math.Pi, math.Sqrt2}},
		// Not a new step: a word after a number with no relation after
		// it, or a line with no relation before the name.
		{"τ = 4 итерации", "τ", []float64{4}},
		{"при 3 τ = 4", "τ", []float64{4}},
	} {
		parts := Parse(c.in)
		var names []string
		var vals []float64
		for _, p := range parts {
			names = append(names, p.Name)
			v, _ := p.Value.Scalar()
			vals = append(vals, v)
		}
		if strings.Join(names, " ") != c.names || len(vals) != len(c.vals) {
			t.Errorf("%q: names %q values %v, want %q %v", c.in, names, vals, c.names, c.vals)
			continue
		}
		for i := range vals {
			if !scalar.EqualWithinRel(vals[i], c.vals[i], 1e-12) {
				t.Errorf("%q: value %d = %v, want %v", c.in, i, vals[i], c.vals[i])
			}
		}
	}
	got := Read("λ_max=3 λ_min=1 τ=4", []string{"lambda_max", "lambda_min", "tau"})
	for i, want := range []float64{3, 1, 4} {
		if !got[i].OK || got[i].Value != want || got[i].Part.Name == "" {
			t.Errorf("Read: output %d = %v, want %v", i, got[i], want)
		}
	}
}
