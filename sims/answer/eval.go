package answer

import (
	"errors"
	"math"
)

// Value is what a part of an answer gives: one number, a vector or a
// matrix. Nums holds the numbers row by row; all are finite.
type Value struct {
	Nums []float64
	// Rows and Cols give the shape: 0×0 for one number, 1×n for a vector
	// of n numbers, r×c for a matrix.
	Rows, Cols int
}

// Scalar reports whether v is one number, and returns it.
func (v Value) Scalar() (float64, bool) {
	if v.Rows == 0 && len(v.Nums) == 1 {
		return v.Nums[0], true
	}
	return 0, false
}

func num(x float64) Value { return Value{Nums: []float64{x}} }

// maxDepth bounds the nesting of brackets and unary operators the
// evaluator follows, so that no answer can exhaust the stack.
const maxDepth = 64

var errSyntax = errors.New("not an expression")

// evaluator reads an expression from a run of tokens: numbers, π and e,
// + - * / ^, √, superscript powers, %, brackets and, inside brackets,
// commas (a vector, or a matrix of vectors of one length). A product may
// be written without a sign before π, e, √ or a bracket: 2π, 2√2, 3(1+1).
// A run of tokens that is no expression as a whole is read as several:
// see results.
type evaluator struct {
	toks  []token
	i     int
	depth int
}

func evaluate(toks []token) (Value, error) {
	e := &evaluator{toks: toks}
	v, err := e.expr()
	if err != nil {
		return Value{}, err
	}
	if e.i != len(toks) {
		return Value{}, errSyntax
	}
	for _, x := range v.Nums {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return Value{}, errSyntax
		}
	}
	return v, nil
}

func (e *evaluator) peek() *token {
	if e.i < len(e.toks) {
		return &e.toks[e.i]
	}
	return nil
}

func (e *evaluator) enter() error {
	e.depth++
	if e.depth > maxDepth {
		return errSyntax
	}
	return nil
}

func (e *evaluator) expr() (Value, error) {
	v, err := e.term()
	if err != nil {
		return v, err
	}
	for {
		t := e.peek()
		if t == nil || t.kind != tOp || (t.op != '+' && t.op != '-') {
			return v, nil
		}
		e.i++
		w, err := e.term()
		if err != nil {
			return v, err
		}
		if v, err = arith(t.op, v, w); err != nil {
			return v, err
		}
	}
}

func (e *evaluator) term() (Value, error) {
	v, err := e.unary()
	if err != nil {
		return v, err
	}
	for {
		t := e.peek()
		switch {
		case t != nil && t.kind == tOp && (t.op == '*' || t.op == '/'):
			e.i++
			w, err := e.unary()
			if err != nil {
				return v, err
			}
			if v, err = arith(t.op, v, w); err != nil {
				return v, err
			}
		case t != nil && (t.kind == tConst || t.kind == tSqrt || t.kind == tOpen) && e.toks[e.i-1].end == t.start:
			// 2π, 2√2, 3(1+1): a product without a sign, written without
			// a space ("0.085 (8.5%)" is two results, not a product).
			w, err := e.power()
			if err != nil {
				return v, err
			}
			if v, err = arith('*', v, w); err != nil {
				return v, err
			}
		default:
			return v, nil
		}
	}
}

func (e *evaluator) unary() (Value, error) {
	if err := e.enter(); err != nil {
		return Value{}, err
	}
	defer func() { e.depth-- }()
	t := e.peek()
	if t != nil && t.kind == tOp && (t.op == '-' || t.op == '+') {
		e.i++
		v, err := e.unary()
		if err != nil || t.op == '+' {
			return v, err
		}
		return arith('*', num(-1), v)
	}
	return e.power()
}

func (e *evaluator) power() (Value, error) {
	v, err := e.postfix()
	if err != nil {
		return v, err
	}
	if t := e.peek(); t != nil && t.kind == tOp && t.op == '^' {
		e.i++
		w, err := e.unary() // right-associative: 2^3^2 is 2^9
		if err != nil {
			return v, err
		}
		return arith('^', v, w)
	}
	return v, nil
}

func (e *evaluator) postfix() (Value, error) {
	v, err := e.atom()
	if err != nil {
		return v, err
	}
	for {
		t := e.peek()
		switch {
		case t != nil && t.kind == tSup:
			e.i++
			if v, err = arith('^', v, num(t.val)); err != nil {
				return v, err
			}
		case t != nil && t.kind == tPct:
			e.i++
			if v, err = arith('/', v, num(100)); err != nil {
				return v, err
			}
		default:
			return v, nil
		}
	}
}

func (e *evaluator) atom() (Value, error) {
	t := e.peek()
	if t == nil {
		return Value{}, errSyntax
	}
	switch t.kind {
	case tNum, tConst:
		e.i++
		return num(t.val), nil
	case tSqrt:
		e.i++
		if err := e.enter(); err != nil {
			return Value{}, err
		}
		defer func() { e.depth-- }()
		v, err := e.postfix()
		if err != nil {
			return v, err
		}
		x, ok := v.Scalar()
		if !ok || x < 0 {
			return Value{}, errSyntax
		}
		return num(math.Sqrt(x)), nil
	case tOpen:
		e.i++
		if err := e.enter(); err != nil {
			return Value{}, err
		}
		defer func() { e.depth-- }()
		var items []Value
		for {
			v, err := e.expr()
			if err != nil {
				return v, err
			}
			items = append(items, v)
			c := e.peek()
			switch {
			case c != nil && c.kind == tComma:
				e.i++
				continue
			case c != nil && c.kind == tClose && closes(t.op, c.op):
				e.i++
				return list(items)
			}
			return Value{}, errSyntax
		}
	}
	return Value{}, errSyntax
}

func closes(open, close byte) bool {
	return open == '(' && close == ')' || open == '[' && close == ']' || open == '{' && close == '}'
}

// list makes the value of a bracket: the one item itself, a vector of
// numbers, or a matrix of vectors of one length.
func list(items []Value) (Value, error) {
	if len(items) == 1 {
		return items[0], nil
	}
	if _, ok := items[0].Scalar(); ok {
		v := Value{Rows: 1, Cols: len(items)}
		for _, it := range items {
			x, ok := it.Scalar()
			if !ok {
				return Value{}, errSyntax
			}
			v.Nums = append(v.Nums, x)
		}
		return v, nil
	}
	cols := items[0].Cols
	v := Value{Rows: len(items), Cols: cols}
	for _, it := range items {
		if it.Rows != 1 || it.Cols != cols {
			return Value{}, errSyntax
		}
		v.Nums = append(v.Nums, it.Nums...)
	}
	return v, nil
}

// arith applies op to two numbers, or a number and a vector or matrix
// (elementwise); anything else is not an expression a learner's result is
// written in.
func arith(op byte, a, b Value) (Value, error) {
	x, xs := a.Scalar()
	y, ys := b.Scalar()
	f := func(p, q float64) float64 {
		switch op {
		case '+':
			return p + q
		case '-':
			return p - q
		case '*':
			return p * q
		case '/':
			return p / q
		}
		return math.Pow(p, q)
	}
	switch {
	case xs && ys:
		return num(f(x, y)), nil
	case xs && op == '*':
		return mapValue(b, func(q float64) float64 { return x * q }), nil
	case ys && (op == '*' || op == '/'):
		return mapValue(a, func(p float64) float64 { return f(p, y) }), nil
	}
	return Value{}, errSyntax
}

func mapValue(v Value, f func(float64) float64) Value {
	out := Value{Rows: v.Rows, Cols: v.Cols, Nums: make([]float64, len(v.Nums))}
	for i, x := range v.Nums {
		out.Nums[i] = f(x)
	}
	return out
}
