package sims

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckOutput(t *testing.T) {
	for _, s := range Specs() {
		for _, n := range s.Numbers {
			if err := CheckOutput(s.Kind, n.Name); err != nil {
				t.Errorf("CheckOutput(%q, %q) = %v, want nil", s.Kind, n.Name, err)
			}
		}
	}
	err := CheckOutput("ntk-decay", "tau_slw")
	if !errors.Is(err, ErrUnknownOutput) {
		t.Fatalf("CheckOutput(ntk-decay, tau_slw) = %v, want ErrUnknownOutput", err)
	}
	for _, want := range []string{`"tau_slw"`, "tau_slow", "lambda_max", "ntk-decay"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	// A name of another kind is not an output of this one.
	if err := CheckOutput("ntk-decay", "p_max"); !errors.Is(err, ErrUnknownOutput) {
		t.Errorf("CheckOutput(ntk-decay, p_max) = %v, want ErrUnknownOutput", err)
	}
	if err := CheckOutput("nope", "x"); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("CheckOutput(nope, x) = %v, want ErrUnknownKind", err)
	}
}

func TestOutputMatches_Family(t *testing.T) {
	for _, c := range []struct {
		doc, name string
		want      bool
	}{
		{"lambda_i", "lambda_1", true},
		{"lambda_i", "lambda_12", true},
		{"lambda_i", "lambda_i", true},
		{"lambda_i", "lambda_0", false},
		{"lambda_i", "lambda_", false},
		{"lambda_i", "lambda_x", false},
		{"lambda_i", "lambda_01", false},
		{"lambda_max", "lambda_1", false},
		{"tau_slow", "tau_slow", true},
	} {
		if got := outputMatches(c.doc, c.name); got != c.want {
			t.Errorf("outputMatches(%q, %q) = %v, want %v", c.doc, c.name, got, c.want)
		}
	}
}
