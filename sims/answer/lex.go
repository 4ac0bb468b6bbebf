package answer

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind is the kind of a token.
type kind uint8

const (
	tNum   kind = iota // a number: 2, 0.085, 2,5 (decimal comma), 1e-3, ½
	tConst             // π or a standalone e
	tOp                // + - * / ^ (normalised: − is -, · × ⋅ ∗ are *, ÷ is /)
	tSqrt              // √
	tSup               // a run of superscripts: ² ³ ⁻¹ (the exponent in val)
	tPct               // %
	tOpen              // ( [ {
	tClose             // ) ] }
	tComma             // a comma that separates list items
	tRel               // = ≈ → and their kin: the end of a step of working
	tSep               // the end of a statement: a line break, ';', a full stop
	tWord              // letters (with digits, subscripts and marks inside)
	tAnd               // "и" or "and" between results: "τ₁ = 1 и τ₂ = 4"
	tOther             // anything else: ‖ ∝ < > : and so on
)

// token is one token of an answer; start and end are byte offsets into it.
type token struct {
	kind       kind
	start, end int
	op         byte    // tOp: + - * / ^; tOpen and tClose: ( [ {
	val        float64 // tNum, tConst, tSup
	depth      int     // bracket depth at the token (an opening bracket has the outer depth)
}

// relations end a step of working; the longer spellings come first.
var relations = []string{"=>", "->", "-->", "=", "≈", "→", "⟶", "⇒", "⟹", "≃", "≅", "~", "∼", "≡"}

// notRelations hold '=' or '>' but compare rather than state a result.
var notRelations = []string{"<=", ">=", "!=", "=<", "==>"}

var superscripts = map[rune]byte{
	'⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9', '⁻': '-', '⁺': '+',
}

var vulgar = map[rune]float64{
	'½': 1.0 / 2, '⅓': 1.0 / 3, '⅔': 2.0 / 3, '¼': 1.0 / 4, '¾': 3.0 / 4, '⅕': 1.0 / 5, '⅛': 1.0 / 8,
}

// lex splits an answer into tokens. Spaces are dropped; a token's offsets
// keep where it was.
func lex(s string) []token {
	var toks []token
	depth := 0
	add := func(t token) {
		t.depth = depth
		toks = append(toks, t)
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n' || r == ';':
			add(token{kind: tSep, start: i, end: i + size})
			i += size
		case unicode.IsSpace(r):
			i += size
		case isDigit(r) || (r == '.' && i+1 < len(s) && isDigit(rune(s[i+1])) && !(i > 0 && isDigit(rune(s[i-1])))):
			end, v, ok := lexNumber(s, i, depth)
			if !ok {
				add(token{kind: tOther, start: i, end: end})
			} else {
				add(token{kind: tNum, start: i, end: end, val: v})
			}
			i = end
		case vulgar[r] != 0:
			add(token{kind: tNum, start: i, end: i + size, val: vulgar[r]})
			i += size
		case r == '.':
			// A full stop ends a sentence, and so a statement, when a space
			// or the end follows; other dots are just marks.
			if i+1 == len(s) || unicode.IsSpace(rune(s[i+1])) {
				if depth == 0 {
					add(token{kind: tSep, start: i, end: i + 1})
				}
			} else {
				add(token{kind: tOther, start: i, end: i + 1})
			}
			i++
		case r == ',':
			add(token{kind: tComma, start: i, end: i + 1})
			i++
		case r == '(' || r == '[' || r == '{':
			add(token{kind: tOpen, start: i, end: i + 1, op: byte(r)})
			depth++
			i++
		case r == ')' || r == ']' || r == '}':
			depth = max(depth-1, 0)
			add(token{kind: tClose, start: i, end: i + 1, op: byte(r)})
			i++
		case r == '√':
			add(token{kind: tSqrt, start: i, end: i + size})
			i += size
		case r == '%':
			add(token{kind: tPct, start: i, end: i + 1})
			i++
		case superscripts[r] != 0:
			j := i
			var b strings.Builder
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				c, ok := superscripts[r2]
				if !ok {
					break
				}
				b.WriteByte(c)
				j += n
			}
			if v, err := strconv.ParseFloat(b.String(), 64); err == nil {
				add(token{kind: tSup, start: i, end: j, val: v})
			} else {
				add(token{kind: tOther, start: i, end: j})
			}
			i = j
		case isLetter(r):
			j := i + size
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !isLetter(r2) && !isDigit(r2) && r2 != '_' && r2 != '\'' && r2 != '′' {
					break
				}
				j += n
			}
			w := s[i:j]
			switch w {
			case "π":
				add(token{kind: tConst, start: i, end: j, val: 3.141592653589793})
			case "e":
				add(token{kind: tConst, start: i, end: j, val: 2.718281828459045})
			case "и", "И", "and", "And", "AND":
				add(token{kind: tAnd, start: i, end: j})
			default:
				add(token{kind: tWord, start: i, end: j})
			}
			i = j
		default:
			if rel, ok := relationAt(s, i); ok {
				add(token{kind: tRel, start: i, end: i + len(rel)})
				i += len(rel)
				continue
			}
			if n := notRelationAt(s, i); n > 0 {
				add(token{kind: tOther, start: i, end: i + n})
				i += n
				continue
			}
			if op, ok := opOf(r); ok {
				add(token{kind: tOp, start: i, end: i + size, op: op})
			} else {
				add(token{kind: tOther, start: i, end: i + size})
			}
			i += size
		}
	}
	return toks
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(rune(s[i])) {
			return false
		}
	}
	return true
}

// groupSep returns where the digits after a thousands separator at s[i:]
// start, or i when there is none.
func groupSep(s string, i int) int {
	for _, sep := range []string{" ", "\u00a0", "\u202f", "\u2009"} {
		if strings.HasPrefix(s[i:], sep) {
			return i + len(sep)
		}
	}
	return i
}

// isLetter reports whether r goes into a word: letters, subscripts,
// modifier letters (ᵀ) and combining marks (the hat of ŷ).
func isLetter(r rune) bool {
	if r == 'π' {
		return true
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || r >= '₀' && r <= 'ₜ' || r == '_'
}

func opOf(r rune) (byte, bool) {
	switch r {
	case '+':
		return '+', true
	case '-', '−':
		return '-', true
	case '*', '·', '×', '⋅', '∗', '•':
		return '*', true
	case '/', '÷', '∕':
		return '/', true
	case '^':
		return '^', true
	}
	return 0, false
}

func relationAt(s string, i int) (string, bool) {
	if notRelationAt(s, i) > 0 {
		return "", false
	}
	for _, rel := range relations {
		if strings.HasPrefix(s[i:], rel) {
			return rel, true
		}
	}
	return "", false
}

func notRelationAt(s string, i int) int {
	for _, nr := range notRelations {
		if strings.HasPrefix(s[i:], nr) {
			return len(nr)
		}
	}
	return 0
}

// lexNumber reads the number at s[i:] (i is at a digit or at a dot before
// a digit) and returns where it ends and its value. A comma between digits
// is a decimal comma only where it cannot separate list items: outside
// brackets, not after a comma (1,2,3) and not before another ",digit".
func lexNumber(s string, i, depth int) (end int, v float64, ok bool) {
	j := i
	digits := func() {
		for j < len(s) && isDigit(rune(s[j])) {
			j++
		}
	}
	digits()
	var b strings.Builder
	b.WriteString(s[i:j])
	// Groups of three digits after a space: 128 000, 4 160 (a space, a
	// no-break space or a thin space, as Russian writes thousands).
	if j-i <= 3 {
		for {
			k := groupSep(s, j)
			if k == j || k+3 > len(s) || !allDigits(s[k:k+3]) || k+3 < len(s) && isDigit(rune(s[k+3])) {
				break
			}
			b.WriteString(s[k : k+3])
			j = k + 3
		}
	}
	switch {
	case j+1 < len(s) && s[j] == '.' && isDigit(rune(s[j+1])):
		j++
		k := j
		digits()
		b.WriteString("." + s[k:j])
	case j+1 < len(s) && s[j] == ',' && isDigit(rune(s[j+1])) && depth == 0 && !(i > 0 && s[i-1] == ','):
		k := j + 1
		m := k
		for m < len(s) && isDigit(rune(s[m])) {
			m++
		}
		if !(m+1 < len(s) && s[m] == ',' && isDigit(rune(s[m+1]))) && !(m < len(s) && s[m] == '.' && m+1 < len(s) && isDigit(rune(s[m+1]))) {
			b.WriteString("." + s[k:m])
			j = m
		}
	}
	// An exponent: e or E, a sign, digits; only when digits follow.
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		sign := ""
		switch {
		case k < len(s) && (s[k] == '+' || s[k] == '-'):
			sign = s[k : k+1]
			k++
		case strings.HasPrefix(s[k:], "−"):
			sign = "-"
			k += len("−")
		}
		m := k
		for m < len(s) && isDigit(rune(s[m])) {
			m++
		}
		if m > k && (m == len(s) || !isWordByte(s, m)) {
			b.WriteString("e" + sign + s[k:m])
			j = m
		}
	}
	// A number runs into no letters or digits: "2x" is 2 then x, but
	// "3a4" is no number; the caller sees a word there instead.
	x, err := strconv.ParseFloat(b.String(), 64)
	if err != nil {
		// Only overflow gets here: strconv accepts every text built above.
		return j, 0, false
	}
	return j, x, true
}

// isWordByte reports whether a letter starts at s[i].
func isWordByte(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isLetter(r) && r != 'π'
}
