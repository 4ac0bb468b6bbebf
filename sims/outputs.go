package sims

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownOutput is returned (wrapped) by CheckOutput for a name that is
// no number of the kind.
var ErrUnknownOutput = errors.New("no output")

// Outputs returns the names of the numbers kind reports (Spec.Numbers), in
// the spec's order; nil for an unknown kind. A name ending in "_i" stands
// for a numbered family: "lambda_i" is lambda_1, lambda_2, ….
func Outputs(kind string) []string {
	k, ok := registry()[kind]
	if !ok {
		return nil
	}
	out := make([]string, len(k.spec.Numbers))
	for i, n := range k.spec.Numbers {
		out[i] = n.Name
	}
	return out
}

// CheckOutput reports whether name is a number that kind reports, so that a
// derive card's check can name it: nil when it is, else an error wrapping
// ErrUnknownOutput (or ErrUnknownKind) that lists the known names. It runs
// nothing and is cheap.
func CheckOutput(kind, name string) error {
	names := Outputs(kind)
	if names == nil {
		_, err := lookupImpl(kind)
		return err
	}
	for _, n := range names {
		if outputMatches(n, name) {
			return nil
		}
	}
	return fmt.Errorf("%q: %w of %s (known: %s)", name, ErrUnknownOutput, kind, strings.Join(names, ", "))
}

// outputMatches reports whether name is the documented output doc: equal,
// or doc's numbered family "x_i" with name "x_" and a positive number.
func outputMatches(doc, name string) bool {
	if doc == name {
		return true
	}
	stem, ok := strings.CutSuffix(doc, "_i")
	if !ok {
		return false
	}
	num, ok := strings.CutPrefix(name, stem+"_")
	if !ok || num == "" || num[0] == '0' || len(num) > 6 {
		return false
	}
	for _, r := range num {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
