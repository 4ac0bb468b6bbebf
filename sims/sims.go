// Package sims runs the small, deterministic gonum simulations behind the
// deck's derive cards: training under a fixed kernel (ntk-decay), causal
// linear attention (linear-attention), modern Hopfield retrieval (hopfield),
// Fourier-feature regression (fourier-features) and the empirical NTK of
// finite-width networks (ntk-width).
//
// Every kind has documented parameters with defaults (see Specs), validates
// its input without panicking (Validate) and returns a Result with a text
// report, named numbers, chart series and a JSON value (Run). Results are
// deterministic for a given seed; the only exception is the optional cost
// table of linear-attention, which is measured only when RunWith is given a
// clock.
package sims

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// Param documents one parameter of a simulation kind.
type Param struct {
	// Name is the key used in a deck's params table, in --set and in --in.
	Name string
	// Type is one of "int", "float", "bool", "string", "floats", "ints",
	// "matrix" (an array of rows).
	Type string
	// Doc says what the parameter means, its unit and its allowed range.
	Doc string
	// Default is the value used when the parameter is absent: int, float64,
	// bool, string, []float64, []int, or nil for explicit inputs that are
	// generated when absent.
	Default any
}

// NumberDoc documents one entry of Result.Numbers.
type NumberDoc struct {
	Name string
	Doc  string
}

// Spec describes a simulation kind: what it shows, its parameters and the
// names of the numbers it reports.
type Spec struct {
	Kind    string
	Summary string
	Params  []Param
	Numbers []NumberDoc
}

// Series is one line of chart data: Y against X, both of the same length.
type Series struct {
	Name string
	X, Y []float64
}

// Result is what Run returns for one simulation.
type Result struct {
	// Kind is the simulation kind that produced the result.
	Kind string
	// Text is a human-readable report; no line is longer than 78 columns
	// and formulas are written in Unicode.
	Text string
	// Numbers holds named scalars that a derive card's check can name; the
	// names are documented in Spec.Numbers. Values are always finite; a
	// number that would be infinite is left out.
	Numbers map[string]float64
	// Series holds chart data.
	Series []Series
	// JSON is what `flash sim KIND --json` prints; marshal it with
	// encoding/json. It never holds NaN or ±Inf.
	JSON any
}

// Options changes how RunWith measures. The zero value is what Run uses.
type Options struct {
	// Clock, when non-nil, is read around each timed computation of the
	// linear-attention cost table (cmd/flash passes time.Now). When nil, no
	// timing is measured and the result is fully deterministic.
	Clock func() time.Time
}

// ErrUnknownKind is returned (wrapped) by Validate and Run for a kind that
// is not in Specs.
var ErrUnknownKind = errors.New("unknown sim kind")

// kindImpl ties a Spec to its validation and run functions.
type kindImpl struct {
	spec Spec
	// check parses and validates params; it returns the parsed
	// configuration and records every problem in r.
	check func(r *reader) any
	// run computes the result from a configuration that check accepted.
	run func(cfg any, opt Options) (*Result, error)
	// deep, when non-nil, does checks that are too costly for every
	// Run (Validate only); Run repeats them as part of its own work.
	deep func(cfg any) error
}

// registry returns every kind by its name. It is built on first use, not
// when the program starts: most runs of flash simulate nothing.
var registry = sync.OnceValue(func() map[string]*kindImpl {
	m := map[string]*kindImpl{}
	for _, k := range []*kindImpl{fourierKind(), hopfieldKind(), linearAttentionKind(), ntkDecayKind(), ntkWidthKind()} {
		m[k.spec.Kind] = k
	}
	return m
})

// Specs returns the specs of all kinds, sorted by Kind. The caller may
// modify the returned slices.
func Specs() []Spec {
	out := make([]Spec, 0, len(registry()))
	for _, k := range registry() {
		out = append(out, copySpec(k.spec))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// Lookup returns the spec of kind and whether the kind exists.
func Lookup(kind string) (Spec, bool) {
	k, ok := registry()[kind]
	if !ok {
		return Spec{}, false
	}
	return copySpec(k.spec), true
}

func copySpec(s Spec) Spec {
	s.Params = append([]Param(nil), s.Params...)
	s.Numbers = append([]NumberDoc(nil), s.Numbers...)
	return s
}

func kindNames() string {
	var names []string
	for _, s := range Specs() {
		names = append(names, s.Kind)
	}
	return strings.Join(names, ", ")
}

func lookupImpl(kind string) (*kindImpl, error) {
	k, ok := registry()[kind]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownKind, kind, kindNames())
	}
	return k, nil
}

// Validate checks params for kind without running the simulation. params
// may come from TOML (int64, float64, bool, string, []any, []any of []any)
// or from JSON (float64, ...); Go callers may also pass int, []float64,
// []int and [][]float64. An int param accepts an integral float64. Unknown
// param names are errors. Every problem is reported, one per line, joined
// with errors.Join; each line starts with the param name.
func Validate(kind string, params map[string]any) error {
	k, err := lookupImpl(kind)
	if err != nil {
		return err
	}
	r := newReader(k.spec, params)
	cfg := k.check(r)
	if err := r.err(); err != nil {
		return err
	}
	if k.deep != nil {
		return k.deep(cfg)
	}
	return nil
}

// Run validates params (as Validate does) and runs the simulation. It never
// panics; invalid input and numerical failures come back as errors. Run
// measures no time; see RunWith.
func Run(kind string, params map[string]any) (*Result, error) {
	return RunWith(kind, params, Options{})
}

// RunWith is Run with options; see Options.
func RunWith(kind string, params map[string]any, opt Options) (res *Result, err error) {
	k, err := lookupImpl(kind)
	if err != nil {
		return nil, err
	}
	r := newReader(k.spec, params)
	cfg := k.check(r)
	if err := r.err(); err != nil {
		return nil, err
	}
	defer func() {
		// Last line of defence: a bug must not take the program down.
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("%s: internal error: %v", kind, p)
		}
	}()
	res, err = k.run(cfg, opt)
	if err != nil {
		return nil, err
	}
	res.Kind = kind
	return res, nil
}

// MaxInputBytes is the largest JSON input ParseParams accepts (16 MiB).
const MaxInputBytes = 16 << 20

// ParseParams decodes a JSON object whose fields are params, as given to
// `flash sim KIND --in FILE.json`. Numbers become float64, arrays []any.
// It does not check the names or values; Validate and Run do that.
func ParseParams(data []byte) (map[string]any, error) {
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("input is %d bytes; the limit is %d", len(data), MaxInputBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("input is not a JSON object of params: %w", err)
	}
	if m == nil {
		return nil, errors.New("input is not a JSON object of params: null")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("input has data after the JSON object")
	}
	return m, nil
}
