package sims

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// textWidth is the widest line a report may have, in columns.
const textWidth = 78

// fmtG formats x with 4 significant digits, compactly.
func fmtG(x float64) string {
	if x == 0 {
		return "0"
	}
	if math.IsInf(x, 1) {
		return "∞"
	}
	if math.IsInf(x, -1) {
		return "−∞"
	}
	s := strconv.FormatFloat(x, 'g', 4, 64)
	if strings.Contains(s, "e") {
		// 1.5e-07 → 1.5e-7
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[:1]
		exp = strings.TrimLeft(exp[1:], "0")
		if sign == "+" {
			sign = ""
		}
		s = mant + "e" + sign + exp
	}
	return strings.Replace(s, "-", "−", 1)
}

// report builds a text report line by line.
type report struct{ b strings.Builder }

func (r *report) line(format string, args ...any) {
	fmt.Fprintf(&r.b, format, args...)
	r.b.WriteByte('\n')
}

func (r *report) blank() { r.b.WriteByte('\n') }

// para writes words wrapped at textWidth columns, with indent on every
// line after the first.
func (r *report) para(indent, text string) { r.wrap("", indent, text) }

// wrap is para with lead written before the first line.
func (r *report) wrap(lead, indent, text string) {
	words := strings.Fields(text)
	r.b.WriteString(lead)
	col := len([]rune(lead))
	for i, w := range words {
		wl := len([]rune(w))
		switch {
		case i == 0:
		case col+1+wl > textWidth:
			r.b.WriteByte('\n')
			r.b.WriteString(indent)
			col = len([]rune(indent))
		default:
			r.b.WriteByte(' ')
			col++
		}
		r.b.WriteString(w)
		col += wl
	}
	r.b.WriteByte('\n')
}

// table writes right-aligned columns; the first row is the header.
func (r *report) table(rows [][]string) {
	if len(rows) == 0 {
		return
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			if i < len(widths) && len([]rune(c)) > widths[i] {
				widths[i] = len([]rune(c))
			}
		}
	}
	for _, row := range rows {
		var sb strings.Builder
		for i, c := range row {
			if i >= len(widths) {
				break
			}
			sb.WriteString("  ")
			sb.WriteString(strings.Repeat(" ", widths[i]-len([]rune(c))))
			sb.WriteString(c)
		}
		r.b.WriteString(strings.TrimRight(sb.String(), " "))
		r.b.WriteByte('\n')
	}
}

func (r *report) String() string { return r.b.String() }

// vecString formats up to max entries of v, with "…" for the rest.
func vecString(v []float64, max int) string {
	var parts []string
	for i, x := range v {
		if i == max {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmtG(x))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// finite reports whether every value is finite.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// optFloat is a float that marshals ±Inf and NaN as JSON null.
type optFloat float64

// MarshalJSON implements json.Marshaler.
func (f optFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if !finite(x) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// matrixRows copies a row-major r×c slice into rows.
func matrixRows(a []float64, r, c int) [][]float64 {
	out := make([][]float64, r)
	for i := range out {
		out[i] = append([]float64(nil), a[i*c:(i+1)*c]...)
	}
	return out
}

func iota1(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}
