// Package answer reads the result from an answer typed the way a learner
// writes it: working that ends in a result, in Russian or English, with
// Unicode formulas.
//
// An answer is cut into statements (at line breaks, ';', full stops, and
// commas and "и" ("and") outside brackets, so that "4160, 4160, 128000"
// lists three results and "τ₁ = 1 и τ₂ = 4" two). A statement is a chain of steps
// joined by "=", "≈", "→" (and their kin: ~ ⇒ ≃ ->). Its result is the
// last number of its last step that has one, where a number may be a
// fraction (11/12), an expression of numbers with √, π and e (√2/e, 2π,
// 1.5·10⁻³, 8.5%, 128 000), a vector ((0, √2)) or a matrix
// ([[5,4],[10,2]]). A comma between digits is a decimal comma (2,5) only
// where it cannot separate list items: outside brackets and not in a run
// like 1,2,3. Text in brackets that holds words is a remark and gives no
// result ("≈ 0.085 (при w = 1024)" gives 0.085), and a formula with
// letters is working, not a result (1/(ηλ) gives nothing).
//
// Read matches results to the names of the outputs a card checks: a
// statement "name = value" goes to the output of that name (τ_slow,
// tau_slow and τslow all name tau_slow; λ₁ names lambda_1; S₂(1,1) names
// S_11), the rest go to the remaining outputs in order, the last results
// first, and numbers stated as results (after = ≈ →, "ответ", "x:")
// before numbers mentioned in passing ("падает в 3.2 раза").
package answer

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Part is one statement of an answer that gives a value.
type Part struct {
	// Name is what the value is named: the name the step before it ends
	// in ("S₂[1,1]" in "S₂ = … → S₂[1,1] = 5"), else the name the first
	// step ends in ("τ_slow" in "τ_slow = 1/(ηλ) = 4"), else the word
	// before a colon ("Ответ: 4"); "" when it names nothing.
	Name  string
	Value Value
	// From is the text the value was read from, with the relation before
	// it: "≈ 0.085". It is a substring of the answer.
	From string
	// Stated is true when the value is stated as a result: it follows a
	// relation (= ≈ →), a "word:" or an answer word ("ответ 4"), unlike a
	// number mentioned in passing ("в 3 раза", "(7)").
	Stated bool
}

// maxRun is the longest run of expression tokens read as a whole; an
// answer is short, and this keeps reading any input cheap.
const maxRun = 64

// MaxLen is how much of an answer Parse reads: the last MaxLen bytes (the
// result comes at the end), which keeps reading any text quick.
const MaxLen = 16 << 10

// Parse returns the parts of answer that give a value, in the order
// written. It never fails: text without numbers gives no parts.
func Parse(answer string) []Part {
	if len(answer) > MaxLen {
		cut := len(answer) - MaxLen
		for cut < len(answer) && !utf8.RuneStart(answer[cut]) {
			cut++
		}
		answer = answer[cut:]
	}
	toks := lex(answer)
	var parts []Part
	prevStated := false // the item before a comma gave a stated result
	for _, st := range statements(toks) {
		p, ok := readStatement(answer, st.toks)
		// "λ = 1, 3" and "= 4160, 4160": a bare number after a stated
		// one in the same list is stated too.
		if ok && st.afterComma && prevStated && exprOnly(st.toks) {
			p.Stated = true
		}
		prevStated = ok && p.Stated
		if ok {
			parts = append(parts, p)
		}
	}
	return parts
}

// statement is the tokens of one statement; afterComma is true when a
// comma or "и" ("and"), not a line break or ';', ends the statement before
// it.
type statement struct {
	toks       []token
	afterComma bool
}

// statements splits tokens at separators and at commas and "и" ("and")
// outside brackets: "4160, 4160, 128000" is a list of three results,
// "λ = 1, 3" and "1.25 и 5" of two, and "η = 0.25, λ = 1" of two named
// ones.
func statements(toks []token) []statement {
	var out []statement
	start, afterComma := 0, false
	flush := func(end int) {
		if end > start {
			out = append(out, statement{toks[start:end], afterComma})
		}
	}
	for i, t := range toks {
		switch {
		case t.kind == tSep:
			flush(i)
			start, afterComma = i+1, false
		case (t.kind == tComma || t.kind == tAnd) && t.depth == 0:
			flush(i)
			start, afterComma = i+1, true
		case newStep(toks, start, i):
			flush(i)
			start, afterComma = i, false
		}
	}
	flush(len(toks))
	return out
}

// newStep reports whether toks[i] starts a new "name = value" in the
// statement that began at start although nothing separates them:
// "λ_max=3 λ_min=1 τ=4" states three values. It does when toks[i] is a
// name (a word, perhaps with an index in brackets: "S₂(1,1)") followed by
// a relation, right after a number, and the statement so far has a
// relation of its own.
func newStep(toks []token, start, i int) bool {
	t := toks[i]
	if t.kind != tWord || t.depth != 0 || i == start {
		return false
	}
	switch toks[i-1].kind {
	case tNum, tConst, tClose, tSup, tPct:
	default:
		return false
	}
	j := i + 1
	if j < len(toks) && toks[j].kind == tOpen {
		for j++; j < len(toks) && toks[j].depth > t.depth; j++ {
		}
		j++ // past the closing bracket
	}
	if j >= len(toks) || toks[j].kind != tRel {
		return false
	}
	for _, u := range toks[start:i] {
		if u.kind == tRel {
			return true
		}
	}
	return false
}

// startsWithWord reports whether toks begin with a word: "разброс 0.083".
func startsWithWord(toks []token) bool {
	return len(toks) > 0 && toks[0].kind == tWord
}

// readStatement returns the part a statement gives: its name and the
// result of its last step that has one.
func readStatement(src string, st []token) (Part, bool) {
	var p Part
	// "Ответ: τ = 4" and "tau_slow: 4": a word and a colon name what
	// follows unless it names itself, and state a result.
	var colonName string
	if len(st) > 2 && st[0].kind == tWord && src[st[1].start:st[1].end] == ":" {
		colonName = src[st[0].start:st[0].end]
		st = st[2:]
	}
	answerWord := len(st) > 0 && st[0].kind == tWord && answerWords[strings.ToLower(src[st[0].start:st[0].end])]
	// The steps, split at relations outside brackets.
	var rels []int // indexes of the relations that end steps
	depth := 0
	for i, t := range st {
		switch t.kind {
		case tOpen:
			depth++
		case tClose:
			depth = max(depth-1, 0)
		case tRel:
			if depth == 0 {
				rels = append(rels, i)
			}
		}
	}
	step := func(k int) []token {
		from, to := 0, len(st)
		if k > 0 {
			from = rels[k-1] + 1
		}
		if k < len(rels) {
			to = rels[k]
		}
		return st[from:to]
	}
	for k := len(rels); k >= 0; k-- {
		res := results(step(k))
		if len(res) == 0 {
			continue
		}
		last := res[len(res)-1]
		start := last.toks[0].start
		if k > 0 && len(res) == 1 {
			start = st[rels[k-1]].start
		}
		p.Value = last.v
		p.From = src[start:last.toks[len(last.toks)-1].end]
		// "Ответ: 4" states a result; "Симуляция: разброс 0.083, изменение
		// 0.025" mentions numbers.
		p.Stated = k > 0 || answerWord || colonName != "" && len(res) == 1 && !startsWithWord(step(0))
		// The name: what the step before the value ends in ("S₂[1,1] = 5",
		// "пары: λ_max = 3"), else what the first step ends in
		// ("τ_slow = 1/(ηλ) = 4").
		if k > 0 {
			p.Name = trailingName(src, step(k-1))
			if p.Name == "" && k > 1 {
				p.Name = trailingName(src, step(0))
			}
		}
		if p.Name == "" {
			p.Name = colonName
		}
		return p, true
	}
	return Part{}, false
}

// answerWords begin a statement of the result: "ответ 4".
var answerWords = map[string]bool{"ответ": true, "итог": true, "итого": true, "answer": true, "result": true, "результат": true}

// trailingName returns the name a step ends in: the tokens written without
// spaces at its end, starting with a word ("λ_max", "S₂[1,1]"); "" when the
// step ends in no name.
func trailingName(src string, toks []token) string {
	if len(toks) == 0 {
		return ""
	}
	i := len(toks) - 1
	for i > 0 && toks[i].start == toks[i-1].end && len(toks)-i < 16 {
		i--
	}
	for ; i < len(toks) && toks[i].kind != tWord; i++ {
		// Skip what precedes the word in the run: "2·λ" names λ, not 2·λ.
		if toks[i].kind != tOp && toks[i].kind != tOther {
			return ""
		}
	}
	if i == len(toks) {
		return ""
	}
	for _, t := range toks[i:] {
		if t.kind == tRel || t.kind == tSep {
			return ""
		}
	}
	return src[toks[i].start:toks[len(toks)-1].end]
}

// result is a value read from a run of tokens.
type result struct {
	v    Value
	toks []token
}

// results reads the values of a step in order: each run of expression
// tokens outside remarks, cut at commas outside brackets, read as one
// expression or, where it is none, as the longest expressions that follow
// one another. A run that an operator ties to a word or a remark is part
// of a formula, not a result: "1/(ηλ)" and "2x + 1" give nothing.
func results(step []token) []result {
	var out []result
	var run []token
	tainted := false  // the run began with an operator after a word
	symbolic := false // the last item was a word, a remark or a mark
	flush := func(bySymbol bool) {
		if len(run) > 0 {
			last := run[len(run)-1].kind
			if !tainted && !(bySymbol && (last == tOp || last == tSqrt)) {
				out = append(out, readRun(run)...)
			}
		}
		run, tainted = run[:0:0], false
	}
	add := func(ts ...token) {
		if len(run) == 0 && symbolic && ts[0].kind == tOp {
			tainted = true
		}
		run = append(run, ts...)
		symbolic = false
	}
	match := matches(step)
	for i := 0; i < len(step); i++ {
		t := step[i]
		switch t.kind {
		case tNum, tConst, tOp, tSqrt, tSup, tPct:
			add(t)
		case tOpen:
			j := match[i]
			if j < 0 {
				flush(true)
				symbolic = true
				continue
			}
			if exprOnly(step[i+1 : j]) {
				add(step[i : j+1]...)
			} else {
				flush(true) // a remark in brackets
				symbolic = true
			}
			i = j
		case tComma, tRel, tSep:
			flush(false)
			symbolic = false
		default: // words and marks
			flush(true)
			symbolic = true
		}
	}
	flush(false)
	return out
}

// matches returns, for each opening bracket of step, the index of the
// bracket of its kind that closes it, or -1.
func matches(step []token) []int {
	m := make([]int, len(step))
	var open []int
	for i, t := range step {
		m[i] = -1
		switch t.kind {
		case tOpen:
			open = append(open, i)
		case tClose:
			if n := len(open); n > 0 {
				o := open[n-1]
				open = open[:n-1]
				if closes(step[o].op, t.op) {
					m[o] = i
				}
			}
		}
	}
	return m
}

// exprOnly reports whether toks hold only what an expression is made of.
func exprOnly(toks []token) bool {
	for _, t := range toks {
		switch t.kind {
		case tNum, tConst, tOp, tSqrt, tSup, tPct, tOpen, tClose, tComma:
		default:
			return false
		}
	}
	return true
}

// readRun reads a run of expression tokens: as one expression if it is
// one, else greedily, the longest expression from each point on.
func readRun(run []token) []result {
	if len(run) > maxRun {
		run = run[len(run)-maxRun:]
	}
	var out []result
	for i := 0; i < len(run); {
		found := false
		for j := len(run); j > i; j-- {
			if !hasNumber(run[i:j]) {
				break
			}
			if v, err := evaluate(run[i:j]); err == nil {
				out = append(out, result{v: v, toks: run[i:j]})
				i, found = j, true
				break
			}
		}
		if !found {
			i++
		}
	}
	return out
}

func hasNumber(toks []token) bool {
	for _, t := range toks {
		if t.kind == tNum || t.kind == tConst {
			return true
		}
	}
	return false
}

// Reading is the number an answer gives for one checked output.
type Reading struct {
	// Output is the name of the output, as passed to Read.
	Output string
	// Value is the learner's number; meaningful when OK.
	Value float64
	OK    bool
	// Part is the part the number was read from; its From is empty when no
	// part went to this output.
	Part Part
	// Element says which element of Part's vector or matrix Value is:
	// "2" or "(1,1)"; "" when Part's value is one number.
	Element string
}

// Read reads the learner's number for each output, in the order given:
// first the parts whose name names an output, then the other parts in
// order, the last ones first (the result comes at the end of the
// working), those stated as results before those mentioned in passing:
// with one output and no names, the answer's last stated result. A
// vector or matrix gives the element an output's index names (S_11 takes
// element (1,1), y_last_1 element 1), or, when it is the only part left
// and has one element per output left, one element each. A Reading whose
// Part has a value but is not OK holds a vector or matrix that names no
// element.
func Read(answer string, outputs []string) []Reading {
	parts := Parse(answer)
	out := make([]Reading, len(outputs))
	used := make([]bool, len(parts))
	for i, name := range outputs {
		out[i].Output = name
	}
	// Parts that name an output, the last such part first.
	for i, name := range outputs {
		for j := len(parts) - 1; j >= 0; j-- {
			if used[j] || parts[j].Name == "" {
				continue
			}
			if el, ok := names(parts[j].Name, name, parts[j].Value); ok {
				out[i] = take(name, parts[j], el)
				used[j] = true
				break
			}
		}
	}
	var left []int // outputs without a part
	for i := range outputs {
		if out[i].Part.From == "" {
			left = append(left, i)
		}
	}
	var rest, stated []Part // parts not taken, in order; those of them stated as results
	for j, p := range parts {
		if !used[j] {
			rest = append(rest, p)
			if p.Stated {
				stated = append(stated, p)
			}
		}
	}
	// Numbers stated as results come before numbers mentioned in passing.
	if len(stated) >= len(left) {
		rest = stated
	}
	if len(left) == 0 || len(rest) == 0 {
		return out
	}
	// One vector with one element per output left: an element each.
	if last := rest[len(rest)-1]; len(left) > 1 && last.Value.Rows == 1 && last.Value.Cols == len(left) {
		for k, i := range left {
			out[i] = Reading{Output: outputs[i], Value: last.Value.Nums[k], OK: true, Part: last, Element: strconv.Itoa(k + 1)}
		}
		return out
	}
	if len(rest) > len(left) {
		rest = rest[len(rest)-len(left):]
	}
	for k, p := range rest {
		i := left[k]
		el, _ := indexOf(outputs[i], p.Value)
		out[i] = take(outputs[i], p, el)
	}
	return out
}

// take makes the reading of output from part p, element el ("" for the
// value itself).
func take(output string, p Part, el string) Reading {
	r := Reading{Output: output, Part: p, Element: el}
	v := p.Value
	if el == "" {
		r.Value, r.OK = v.Scalar()
		return r
	}
	i, j := elementIndex(el)
	if v.Rows <= 1 {
		r.Value, r.OK = v.Nums[i-1], true
	} else {
		r.Value, r.OK = v.Nums[(i-1)*v.Cols+j-1], true
	}
	return r
}

// names reports whether a part's name names output, and which element of
// the part's value it takes: "" for the value itself.
func names(partName, output string, v Value) (el string, ok bool) {
	pn := normalize(partName)
	if pn == "" {
		return "", false
	}
	if pn == normalize(output) || normalize(dropStep(partName)) == normalize(output) {
		return "", true
	}
	// "S = [[5,4],[10,2]]" names S_11 through element (1,1).
	if v.Rows == 0 {
		return "", false
	}
	stem, _, found := cutIndex(output)
	if !found || normalize(stem) != pn && normalize(stem) != normalize(dropStep(partName)) {
		return "", false
	}
	return indexOf(output, v)
}

// cutIndex splits "S_11" into "S" and "11"; found is false when the name
// does not end in "_" and digits.
func cutIndex(name string) (stem, idx string, found bool) {
	i := strings.LastIndexByte(name, '_')
	if i <= 0 || i == len(name)-1 {
		return "", "", false
	}
	for _, r := range name[i+1:] {
		if r < '0' || r > '9' {
			return "", "", false
		}
	}
	return name[:i], name[i+1:], true
}

// indexOf returns the element of v that output's index names: "k" for the
// k-th element of a vector, "(i,j)" for a matrix and an index of two
// digits; ok is false when v is one number or the index names nothing in
// it.
func indexOf(output string, v Value) (el string, ok bool) {
	_, idx, found := cutIndex(output)
	if !found || v.Rows == 0 {
		return "", false
	}
	k, err := strconv.Atoi(idx)
	if err != nil {
		return "", false
	}
	switch {
	case v.Rows == 1 && k >= 1 && k <= v.Cols:
		return idx, true
	case v.Rows > 1 && len(idx) == 2:
		i, j := int(idx[0]-'0'), int(idx[1]-'0')
		if i >= 1 && i <= v.Rows && j >= 1 && j <= v.Cols {
			return "(" + idx[:1] + "," + idx[1:] + ")", true
		}
	}
	return "", false
}

// elementIndex reads back an element from indexOf: "3" is 3, 0; "(1,2)"
// is 1, 2.
func elementIndex(el string) (i, j int) {
	if strings.HasPrefix(el, "(") {
		return int(el[1] - '0'), int(el[3] - '0')
	}
	i, _ = strconv.Atoi(el)
	return i, 0
}

var greek = map[rune]string{
	'α': "alpha", 'β': "beta", 'γ': "gamma", 'δ': "delta", 'ε': "eps", 'ϵ': "eps", 'ζ': "zeta", 'η': "eta",
	'θ': "theta", 'ϑ': "theta", 'ι': "iota", 'κ': "kappa", 'λ': "lambda", 'μ': "mu", 'ν': "nu", 'ξ': "xi",
	'π': "pi", 'ρ': "rho", 'σ': "sigma", 'ς': "sigma", 'τ': "tau", 'υ': "upsilon", 'φ': "phi", 'ϕ': "phi",
	'χ': "chi", 'ψ': "psi", 'ω': "omega",
}

// subscripts maps subscript characters to what they stand for.
var subscripts = map[rune]string{
	'₀': "0", '₁': "1", '₂': "2", '₃': "3", '₄': "4", '₅': "5", '₆': "6", '₇': "7", '₈': "8", '₉': "9",
	'ₐ': "a", 'ₑ': "e", 'ₒ': "o", 'ₓ': "x", 'ₕ': "h", 'ₖ': "k", 'ₗ': "l", 'ₘ': "m", 'ₙ': "n", 'ₚ': "p",
	'ₛ': "s", 'ₜ': "t", 'ᵢ': "i", 'ⱼ': "j", 'ᵣ': "r", 'ᵤ': "u", 'ᵥ': "v",
}

// dropStep drops the subscript digits of a name where they count steps
// rather than index: S₂(1,1) and s₃[1,1] are element (1,1) of S, as S_11
// names it, and a one-letter name with a subscript (S₂) is the letter.
// Read tries it after the name as written, so λ₁ names lambda_1 first.
func dropStep(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r >= '₀' && r <= '₉' {
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	if out == name || strings.ContainsAny(name, "([") {
		return out
	}
	// Without brackets, only a one-letter name followed by a subscript
	// (S₂, s₃) is a step count.
	if utf8.RuneCountInString(out) == 1 {
		return out
	}
	return name
}

// normalize spells a name the way output names are spelt, then drops what
// people write differently: case, underscores, brackets and commas. τ_slow,
// tau_slow, τslow and Tau_Slow are all "tauslow"; λ₁ is "lambda1"; S(1,1)
// and S₁₁ are "s11".
func normalize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case greek[r] != "":
			b.WriteString(greek[r])
		case subscripts[r] != "":
			b.WriteString(subscripts[r])
		case r == '_' || r == '(' || r == ')' || r == '[' || r == ']' || r == ',' || r == ' ' || r == '{' || r == '}':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
