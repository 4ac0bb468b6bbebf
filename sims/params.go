package sims

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// reader converts raw params to Go values, applying defaults and ranges,
// and collects every problem.
type reader struct {
	spec  Spec
	raw   map[string]any
	errs  []error
	known map[string]Param
}

func newReader(spec Spec, raw map[string]any) *reader {
	r := &reader{spec: spec, raw: raw, known: map[string]Param{}}
	for _, p := range spec.Params {
		r.known[p.Name] = p
	}
	var unknown []string
	for name := range raw {
		if _, ok := r.known[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		var names []string
		for _, p := range spec.Params {
			names = append(names, p.Name)
		}
		r.errs = append(r.errs, fmt.Errorf("%s: unknown param (known: %s)", name, strings.Join(names, ", ")))
	}
	return r
}

func (r *reader) err() error { return errors.Join(r.errs...) }

func (r *reader) failf(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
}

// has reports whether name was given explicitly (and is not null).
func (r *reader) has(name string) bool {
	v, ok := r.raw[name]
	return ok && v != nil
}

// value returns the explicit value of name, or its default.
func (r *reader) value(name string) any {
	if v, ok := r.raw[name]; ok && v != nil {
		return v
	}
	return r.known[name].Default
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a bool"
	case []any, []float64, []int, []int64:
		return "an array"
	case map[string]any:
		return "a table"
	case float64, float32, int, int64, int32:
		return "a number"
	}
	return fmt.Sprintf("a %T", v)
}

// toFloat converts a scalar number; ok is false for other types.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	}
	return 0, false
}

// toInt converts an integer or an integral float within ±2⁵³.
func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, false
		}
		return int64(x), true
	}
	return 0, false
}

func (r *reader) int(name string, lo, hi int64) int {
	v := r.value(name)
	n, ok := toInt(v)
	if !ok {
		r.failf(name, "want an integer, got %s", describe(v))
		return 0
	}
	if n < lo || n > hi {
		r.failf(name, "must be between %d and %d, got %d", lo, hi, n)
		return 0
	}
	return int(n)
}

func (r *reader) int64(name string) int64 {
	v := r.value(name)
	n, ok := toInt(v)
	if !ok {
		r.failf(name, "want an integer, got %s", describe(v))
		return 0
	}
	return n
}

func (r *reader) float(name string, lo, hi float64) float64 {
	v := r.value(name)
	x, ok := toFloat(v)
	if !ok {
		r.failf(name, "want a number, got %s", describe(v))
		return 0
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		r.failf(name, "must be a finite number, got %v", x)
		return 0
	}
	if x < lo || x > hi {
		r.failf(name, "must be between %g and %g, got %g", lo, hi, x)
		return 0
	}
	return x
}

func (r *reader) bool(name string) bool {
	v := r.value(name)
	b, ok := v.(bool)
	if !ok {
		r.failf(name, "want true or false, got %s", describe(v))
	}
	return b
}

func (r *reader) str(name string, allowed ...string) string {
	v := r.value(name)
	s, ok := v.(string)
	if !ok {
		r.failf(name, "want a string, got %s", describe(v))
		return ""
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	r.failf(name, "must be one of %s, got %q", strings.Join(quoteAll(allowed), ", "), s)
	return ""
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// describe renders a bad value briefly for an error message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		if len(x) > 20 {
			x = x[:20] + "…"
		}
		return fmt.Sprintf("%q", x)
	case float64:
		return fmt.Sprintf("%g", x)
	case int64, int, bool:
		return fmt.Sprintf("%v", x)
	}
	return typeName(v)
}

// list converts an array value to a slice of elements; ok is false if v is
// not an array.
func list(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []float64:
		out := make([]any, len(x))
		for i, f := range x {
			out[i] = f
		}
		return out, true
	case []int:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = n
		}
		return out, true
	case []int64:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = n
		}
		return out, true
	}
	return nil, false
}

// floats reads an array of finite numbers in [lo, hi] with at most maxLen
// elements. It returns nil when the param is absent and has no default.
func (r *reader) floats(name string, lo, hi float64, maxLen int) []float64 {
	v := r.value(name)
	if v == nil {
		return nil
	}
	if fs, ok := v.([]float64); ok {
		// Fast path for Go callers passing big vectors.
		if len(fs) > maxLen {
			r.failf(name, "has %d entries; at most %d allowed", len(fs), maxLen)
			return nil
		}
		out := append([]float64(nil), fs...)
		for i, x := range out {
			if !r.checkFloat(name, i, x, lo, hi) {
				return nil
			}
		}
		return out
	}
	items, ok := list(v)
	if !ok {
		r.failf(name, "want an array of numbers, got %s", describe(v))
		return nil
	}
	if len(items) > maxLen {
		r.failf(name, "has %d entries; at most %d allowed", len(items), maxLen)
		return nil
	}
	out := make([]float64, len(items))
	for i, it := range items {
		x, ok := toFloat(it)
		if !ok {
			r.failf(name, "entry %d: want a number, got %s", i+1, describe(it))
			return nil
		}
		if !r.checkFloat(name, i, x, lo, hi) {
			return nil
		}
		out[i] = x
	}
	return out
}

func (r *reader) checkFloat(name string, i int, x, lo, hi float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		r.failf(name, "entry %d: must be a finite number, got %v", i+1, x)
		return false
	}
	if x < lo || x > hi {
		r.failf(name, "entry %d: must be between %g and %g, got %g", i+1, lo, hi, x)
		return false
	}
	return true
}

// ints reads an array of integers in [lo, hi] with at most maxLen elements.
func (r *reader) ints(name string, lo, hi int64, maxLen int) []int {
	v := r.value(name)
	if v == nil {
		return nil
	}
	items, ok := list(v)
	if !ok {
		r.failf(name, "want an array of integers, got %s", describe(v))
		return nil
	}
	if len(items) > maxLen {
		r.failf(name, "has %d entries; at most %d allowed", len(items), maxLen)
		return nil
	}
	out := make([]int, len(items))
	for i, it := range items {
		n, ok := toInt(it)
		if !ok {
			r.failf(name, "entry %d: want an integer, got %s", i+1, describe(it))
			return nil
		}
		if n < lo || n > hi {
			r.failf(name, "entry %d: must be between %d and %d, got %d", i+1, lo, hi, n)
			return nil
		}
		out[i] = int(n)
	}
	return out
}

// matrix reads an array of rows of finite numbers with |x| ≤ maxAbs, at
// most maxRows rows of at most maxCols entries, all rows of one length.
// It returns nil when the param is absent.
func (r *reader) matrix(name string, maxRows, maxCols int, maxAbs float64) [][]float64 {
	v := r.value(name)
	if v == nil {
		return nil
	}
	if m, ok := v.([][]float64); ok {
		rows := make([]any, len(m))
		for i, row := range m {
			rows[i] = row
		}
		v = rows
	}
	rows, ok := list(v)
	if !ok {
		r.failf(name, "want an array of rows, got %s", describe(v))
		return nil
	}
	if len(rows) == 0 {
		r.failf(name, "is empty")
		return nil
	}
	if len(rows) > maxRows {
		r.failf(name, "has %d rows; at most %d allowed", len(rows), maxRows)
		return nil
	}
	out := make([][]float64, len(rows))
	cols := -1
	for i, rv := range rows {
		var row []float64
		if fs, ok := rv.([]float64); ok {
			row = append([]float64(nil), fs...)
		} else {
			items, ok := list(rv)
			if !ok {
				r.failf(name, "row %d: want an array of numbers, got %s", i+1, describe(rv))
				return nil
			}
			row = make([]float64, len(items))
			for j, it := range items {
				x, ok := toFloat(it)
				if !ok {
					r.failf(name, "row %d, entry %d: want a number, got %s", i+1, j+1, describe(it))
					return nil
				}
				row[j] = x
			}
		}
		if cols < 0 {
			cols = len(row)
			if cols == 0 {
				r.failf(name, "row 1 is empty")
				return nil
			}
			if cols > maxCols {
				r.failf(name, "has %d columns; at most %d allowed", cols, maxCols)
				return nil
			}
		} else if len(row) != cols {
			r.failf(name, "row %d has %d entries, row 1 has %d", i+1, len(row), cols)
			return nil
		}
		for j, x := range row {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				r.failf(name, "row %d, entry %d: must be a finite number, got %v", i+1, j+1, x)
				return nil
			}
			if math.Abs(x) > maxAbs {
				r.failf(name, "row %d, entry %d: |x| must be at most %g, got %g", i+1, j+1, maxAbs, x)
				return nil
			}
		}
		out[i] = row
	}
	return out
}
