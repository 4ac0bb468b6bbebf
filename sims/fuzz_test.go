package sims

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// costly reports whether decoded params ask for sizes that make a fuzz
// iteration slow (they are valid, just not worth the time here).
func costly(params map[string]any) bool {
	sizes := map[string]bool{"n": true, "d": true, "dv": true, "features": true, "widths": true, "sizes": true,
		"steps": true, "max_iter": true, "lengths": true, "inits": true, "depth": true, "freq": true, "clusters": true}
	var big func(v any) bool
	big = func(v any) bool {
		switch x := v.(type) {
		case float64:
			return x > 64
		case []any:
			for _, e := range x {
				if big(e) {
					return true
				}
			}
		}
		return false
	}
	for k, v := range params {
		if sizes[k] && big(v) {
			return true
		}
	}
	return false
}

// FuzzParseInput feeds arbitrary bytes through the `flash sim --in` path:
// ParseParams, then Validate and Run of one kind. Nothing may panic (Run
// turns a panic into an "internal error", which fails here), and a
// successful run must give finite numbers, narrow text and JSON that
// encodes.
func FuzzParseInput(f *testing.F) {
	f.Add([]byte(`{"K": [[2, 1], [1, 2]], "y": [1, -1], "eta": 0.5, "times": [0, 1], "steps": [0, 3]}`), uint8(3))
	f.Add([]byte(`{"Q": [[0.5]], "K": [[1]], "V": [[2, 3]]}`), uint8(2))
	f.Add([]byte(`{"X": [[1, 0], [0, 1]], "xi": [0.9, 0.1], "beta": 4}`), uint8(1))
	f.Add([]byte(`{"n": 8, "sigmas": [1, 10], "steps": 5}`), uint8(0))
	f.Add([]byte(`{"widths": [4, 8], "inits": 2, "n": 3, "steps": 2}`), uint8(4))
	kinds := Specs()
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		kind := kinds[int(k)%len(kinds)].Kind
		params, err := ParseParams(data)
		if err != nil {
			return
		}
		if costly(params) {
			return
		}
		verr := Validate(kind, params)
		res, err := Run(kind, params)
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("%s %s: %v", kind, data, err)
			}
			return
		}
		if verr != nil {
			t.Fatalf("%s %s: Run accepted what Validate refused: %v", kind, data, verr)
		}
		for name, v := range res.Numbers {
			if !finite(v) {
				t.Fatalf("%s %s: number %s = %v", kind, data, name, v)
			}
		}
		for _, line := range strings.Split(res.Text, "\n") {
			if utf8.RuneCountInString(line) > textWidth {
				t.Fatalf("%s %s: long line %q", kind, data, line)
			}
		}
		for _, sr := range res.Series {
			if len(sr.X) != len(sr.Y) || !finite(sr.X...) || !finite(sr.Y...) {
				t.Fatalf("%s %s: bad series %q", kind, data, sr.Name)
			}
		}
		if _, err := json.Marshal(res.JSON); err != nil {
			t.Fatalf("%s %s: JSON: %v", kind, data, err)
		}
	})
}
