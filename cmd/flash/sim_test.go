package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/flash-srs/flash/sims"
	"gonum.org/v1/gonum/floats/scalar"
)

// simRun runs `flash sim ARGS` in-process and returns stdout, stderr and
// the exit code.
func simRun(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	err := run(append([]string{"sim"}, args...), e)
	if err != nil {
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), exitCode(err)
}

func TestRunSim_Help(t *testing.T) {
	out, _, code := simRun(t, "", "help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, s := range sims.Specs() {
		if !strings.Contains(out, "\n"+s.Kind+"\n") {
			t.Errorf("help does not list %s", s.Kind)
		}
		for _, p := range s.Params {
			if !strings.Contains(out, "    "+p.Name+" = ") {
				t.Errorf("help does not list %s param %s", s.Kind, p.Name)
			}
		}
		for _, n := range s.Numbers {
			if !strings.Contains(out, "    "+n.Name+": ") {
				t.Errorf("help does not list %s number %s", s.Kind, n.Name)
			}
		}
	}
	for _, want := range []string{"n = 32 (int)", `times = [0,1,10,100,1000] (floats)`, `target = "sin" (string)`, "K = none (matrix)"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	for i, line := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(line); n > 78 {
			t.Errorf("help line %d has %d columns: %q", i+1, n, line)
		}
	}
	one, _, code := simRun(t, "", "help", "hopfield")
	if code != 0 || !strings.Contains(one, "fixed_point_p_max") || strings.Contains(one, "ntk-decay\n") {
		t.Errorf("sim help hopfield: exit %d\n%s", code, one)
	}
}

func TestRunSim_DefaultsPrintText(t *testing.T) {
	for _, s := range sims.Specs() {
		t.Run(s.Kind, func(t *testing.T) {
			args := []string{s.Kind}
			if s.Kind == "linear-attention" {
				args = append(args, "--set", "sizes=[64,128]")
			}
			out, errs, code := simRun(t, "", args...)
			if code != 0 || !strings.HasPrefix(out, s.Kind+":") {
				t.Fatalf("exit %d, stderr %q\n%s", code, errs, out)
			}
		})
	}
}

// TestRunSim_JSONExplicitInput feeds an explicit kernel through --in and
// checks the printed numbers against values known by hand.
func TestRunSim_JSONExplicitInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "k.json")
	if err := os.WriteFile(in, []byte(`{"K": [[2, 0], [0, 0.5]], "y": [3, -4], "eta": 1, "times": [0, 2], "steps": [1]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := simRun(t, "", "ntk-decay", "--in", in, "--json", "--set", "times=[4]")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Eigenvalues []float64 `json:"eigenvalues"`
		Flow        []struct {
			T            float64   `json:"t"`
			ResidualNorm float64   `json:"residual_norm"`
			Projections  []float64 `json:"projections"`
		} `json:"flow"`
		GD []struct {
			Projections []float64 `json:"projections"`
		} `json:"gd"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(got.Eigenvalues) != 2 || got.Eigenvalues[0] != 0.5 || got.Eigenvalues[1] != 2 {
		t.Errorf("eigenvalues = %v", got.Eigenvalues)
	}
	// --set times=[4] overrides the file: e^{−0.5·4}·4 and e^{−2·4}·3.
	if len(got.Flow) != 1 || got.Flow[0].T != 4 {
		t.Fatalf("flow = %+v", got.Flow)
	}
	want := []float64{4 * 0.1353352832366127, 3 * 0.00033546262790251185}
	for i, w := range want {
		if !scalar.EqualWithinAbsOrRel(got.Flow[0].Projections[i], w, 1e-15, 1e-12) {
			t.Errorf("projection %d = %v, want %v", i, got.Flow[0].Projections[i], w)
		}
	}
	// One GD step with η = 1: |1 − 0.5|·4 = 2 and |1 − 2|·3 = 3.
	if p := got.GD[0].Projections; p[0] != 2 || p[1] != 3 {
		t.Errorf("gd projections = %v", p)
	}
}

func TestRunSim_StdinAndSet(t *testing.T) {
	out, errs, code := simRun(t, `{"Q": [[0],[0]], "K": [[0],[0]], "V": [[1, 2],[3, 4]]}`,
		"--json", "linear-attention", "--in", "-", "--set", "sizes=[]")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Y [][]float64 `json:"Y"`
		S [][]float64 `json:"S"`
		Z []float64   `json:"z"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Y[1][0] != 2 || got.Y[1][1] != 3 || got.S[0][1] != 6 || got.Z[0] != 2 {
		t.Errorf("got %+v", got)
	}
	// A string value: --set target=square is not JSON, so it is a string.
	out, errs, code = simRun(t, "", "ntk-decay", "--set", "target=square", "--set", "n=8", "--set", "fourier=true")
	if code != 0 || !strings.Contains(out, "sign(sin(") || !strings.Contains(out, "Fourier features") {
		t.Errorf("exit %d, %s\n%s", code, errs, out)
	}
}

func TestRunSim_Errors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"K": [[1, 2], [3, 1]], "y": [1]}`), 0o600)
	notJSON := filepath.Join(dir, "nj.json")
	os.WriteFile(notJSON, []byte(`K = 1`), 0o600)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no kind", nil, 2, []string{"no kind given", "ntk-decay"}},
		{"unknown kind", []string{"ntk"}, 2, []string{`unknown kind "ntk"`}},
		{"two kinds", []string{"hopfield", "ntk-decay"}, 2, []string{"want one kind"}},
		{"bad flag", []string{"hopfield", "--frob"}, 2, []string{"unknown flag: --frob"}},
		{"set without =", []string{"hopfield", "--set", "beta"}, 2, []string{"want name=value"}},
		{"help unknown", []string{"help", "x"}, 2, []string{"unknown kind"}},
		{"bad params", []string{"hopfield", "--set", "beta=-1", "--set", "bta=2"}, 1,
			[]string{"sim hopfield: beta: must be between", "sim hopfield: bta: unknown param"}},
		{"bad input file", []string{"ntk-decay", "--in", bad}, 1,
			[]string{"sim ntk-decay: K: not symmetric", "sim ntk-decay: y: has 1 entries"}},
		{"missing file", []string{"ntk-decay", "--in", filepath.Join(dir, "none.json")}, 1, []string{"no such file"}},
		{"not json", []string{"ntk-decay", "--in", notJSON}, 1, []string{"not a JSON object"}},
		{"huge", []string{"linear-attention", "--set", "n=1000000"}, 1, []string{"n: must be between 1 and 4096"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := simRun(t, "", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errs)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q lacks %q", errs, w)
				}
			}
		})
	}
}

func TestRunSim_HelpFlag(t *testing.T) {
	out, errs, code := simRun(t, "", "hopfield", "-h")
	if code != 0 || !strings.Contains(out, "Usage: flash sim KIND [--set name=value ...] [--in FILE.json] [--json]") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
