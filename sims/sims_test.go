package sims

import (
	"encoding/json"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// optionalNumbers may be left out of Result.Numbers (documented as such).
var optionalNumbers = map[string]bool{
	"tau_slow": true, "cond": true, "residual_end": true, "tau_fast": true, "best_sigma": true,
}

func TestSpecs_Complete(t *testing.T) {
	specs := Specs()
	want := []string{"fourier-features", "hopfield", "linear-attention", "ntk-decay", "ntk-width"}
	var got []string
	for _, s := range specs {
		got = append(got, s.Kind)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("kinds = %v, want %v", got, want)
	}
	types := map[string]bool{"int": true, "float": true, "bool": true, "string": true, "floats": true, "ints": true, "matrix": true}
	for _, s := range specs {
		if s.Summary == "" || len(s.Params) == 0 || len(s.Numbers) == 0 {
			t.Errorf("%s: empty summary, params or numbers", s.Kind)
		}
		seen := map[string]bool{}
		for _, p := range s.Params {
			if !types[p.Type] || p.Doc == "" || seen[p.Name] {
				t.Errorf("%s: bad param %+v", s.Kind, p)
			}
			seen[p.Name] = true
			if p.Default == nil && p.Type != "matrix" && p.Type != "floats" {
				t.Errorf("%s: param %s has no default", s.Kind, p.Name)
			}
		}
		if l, ok := Lookup(s.Kind); !ok || l.Kind != s.Kind {
			t.Errorf("Lookup(%q) failed", s.Kind)
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup(nope) succeeded")
	}
}

// TestRun_Defaults runs every kind with its defaults and checks the shape
// of the result: text width, documented finite numbers, series, JSON.
func TestRun_Defaults(t *testing.T) {
	for _, s := range Specs() {
		t.Run(s.Kind, func(t *testing.T) {
			if err := Validate(s.Kind, nil); err != nil {
				t.Fatalf("Validate defaults: %v", err)
			}
			res, err := Run(s.Kind, map[string]any{})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			checkResult(t, s, res)
			again, err := Run(s.Kind, nil)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(res.JSON)
			b, _ := json.Marshal(again.JSON)
			if string(a) != string(b) || !reflect.DeepEqual(res.Numbers, again.Numbers) || res.Text != again.Text {
				t.Error("two runs with the same seed differ")
			}
		})
	}
}

func checkResult(t *testing.T, s Spec, res *Result) {
	t.Helper()
	if res.Kind != s.Kind {
		t.Errorf("Kind = %q", res.Kind)
	}
	for i, line := range strings.Split(res.Text, "\n") {
		if n := utf8.RuneCountInString(line); n > textWidth {
			t.Errorf("text line %d has %d columns: %q", i+1, n, line)
		}
		if strings.Contains(line, `\`) {
			t.Errorf("text line %d looks like LaTeX: %q", i+1, line)
		}
	}
	docs := map[string]bool{}
	for _, d := range s.Numbers {
		docs[d.Name] = true
		if _, ok := res.Numbers[d.Name]; !ok && !optionalNumbers[d.Name] {
			t.Errorf("number %s missing", d.Name)
		}
	}
	var names []string
	for name, v := range res.Numbers {
		names = append(names, name)
		if !docs[name] {
			t.Errorf("number %s is not documented in Spec.Numbers", name)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("number %s = %v", name, v)
		}
	}
	sort.Strings(names)
	if len(res.Series) == 0 {
		t.Error("no series")
	}
	for _, sr := range res.Series {
		if sr.Name == "" || len(sr.X) != len(sr.Y) || len(sr.X) == 0 {
			t.Errorf("bad series %q: %d x, %d y", sr.Name, len(sr.X), len(sr.Y))
		}
		if !finite(sr.X...) || !finite(sr.Y...) {
			t.Errorf("series %q has non-finite values", sr.Name)
		}
	}
	if _, err := json.Marshal(res.JSON); err != nil {
		t.Errorf("JSON: %v", err)
	}
}

func TestValidate_Params(t *testing.T) {
	for _, tc := range []struct {
		name   string
		kind   string
		params map[string]any
		want   []string // substrings of the error; nil: valid
	}{
		{"toml int64", "ntk-decay", map[string]any{"n": int64(8), "eta": int64(1)}, nil},
		{"json integral float", "ntk-decay", map[string]any{"n": 8.0}, nil},
		{"go slices", "ntk-decay", map[string]any{"times": []float64{1, 2}, "steps": []int{3}}, nil},
		{"toml arrays", "hopfield", map[string]any{"betas": []any{int64(1), 2.5}}, nil},
		{"fractional int", "ntk-decay", map[string]any{"n": 8.5}, []string{"n: want an integer, got 8.5"}},
		{"unknown names listed", "hopfield", map[string]any{"bta": 1.0, "zz": 1.0}, []string{"bta: unknown param", "zz: unknown param"}},
		{"every problem", "ntk-decay", map[string]any{"n": "x", "dim": 3, "target": "cos"}, []string{"n: want an integer", "dim: must be between 1 and 2", `target: must be one of`}},
		{"wrong type bool", "ntk-decay", map[string]any{"fourier": "yes"}, []string{"fourier: want true or false"}},
		{"huge n", "ntk-decay", map[string]any{"n": 100000}, []string{"n: must be between 1 and 2048"}},
		{"nan", "hopfield", map[string]any{"beta": math.NaN()}, []string{"beta: must be a finite number"}},
		{"array of strings", "ntk-decay", map[string]any{"times": []any{"a"}}, []string{"times: entry 1: want a number"}},
		{"zero sigma", "fourier-features", map[string]any{"sigma": 0.0}, []string{"sigma: must be > 0"}},
		{"width work", "ntk-width", map[string]any{"widths": []any{4096.0}}, []string{"over the limit"}},
		{"null is default", "ntk-decay", map[string]any{"K": nil, "n": nil}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.kind, tc.params)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if _, rerr := Run(tc.kind, tc.params); rerr == nil {
				t.Error("Run accepted what Validate refused")
			}
		})
	}
}

func TestValidate_UnknownKind(t *testing.T) {
	err := Validate("ntk", nil)
	if err == nil || !strings.Contains(err.Error(), "ntk-decay") {
		t.Fatalf("err = %v, want the known kinds listed", err)
	}
	if _, err := Run("ntk", nil); err == nil {
		t.Fatal("Run of unknown kind succeeded")
	}
}

func TestParseParams(t *testing.T) {
	for _, tc := range []struct {
		in    string
		ok    bool
		check func(map[string]any) bool
	}{
		{`{"K": [[1,0],[0,1]], "y": [1, 2]}`, true, func(m map[string]any) bool { return len(m["K"].([]any)) == 2 }},
		{`{}`, true, nil},
		{`null`, false, nil},
		{`[1]`, false, nil},
		{`{"a": 1} {"b": 2}`, false, nil},
		{`{"a": `, false, nil},
		{"", false, nil},
	} {
		m, err := ParseParams([]byte(tc.in))
		if (err == nil) != tc.ok {
			t.Errorf("ParseParams(%q): err = %v", tc.in, err)
			continue
		}
		if tc.check != nil && !tc.check(m) {
			t.Errorf("ParseParams(%q) = %v", tc.in, m)
		}
	}
}
