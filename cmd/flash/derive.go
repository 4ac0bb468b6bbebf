package main

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
)

// comparison is the learner's number next to the simulation's.
type comparison struct {
	Name   string  // the simulation number the card's check names
	Sim    float64 // what the simulation computed
	Mine   float64 // the learner's number: see answerNumber
	RelErr float64 // |Mine − Sim| / |Sim| (absolute when Sim is 0)
}

func (c comparison) String() string {
	return fmt.Sprintf("%s: simulation %s, you %s — %s apart",
		c.Name, fmtNum(c.Sim), fmtNum(c.Mine), fmtRel(c.RelErr, c.Sim == 0))
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

func fmtRel(r float64, abs bool) string {
	if abs {
		return fmtNum(r) + " (absolute)"
	}
	return strconv.FormatFloat(100*r, 'f', 1, 64) + "%"
}

// numberRE matches a decimal number as people type it: 2, −0.5, 2,5 (a
// decimal comma), 1e-3.
var numberRE = regexp.MustCompile(`[-−+]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][-−+]?\d+)?`)

// answerNumber returns the number a learner's answer gives: the first
// number after the last "=" when there is one (τ = 1/(ηλ) = 4 gives 4), else
// the first number in the answer.
func answerNumber(s string) (float64, bool) {
	if i := strings.LastIndex(s, "="); i >= 0 {
		if x, ok := firstNumber(s[i+1:]); ok {
			return x, true
		}
	}
	return firstNumber(s)
}

// firstNumber returns the first number in s.
func firstNumber(s string) (float64, bool) {
	m := numberRE.FindString(s)
	if m == "" {
		return 0, false
	}
	m = strings.NewReplacer("−", "-", ",", ".").Replace(m)
	x, err := strconv.ParseFloat(m, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, false
	}
	return x, true
}

// checkedNumber returns the first word of check that names one of the
// simulation's numbers.
func checkedNumber(check string, numbers map[string]float64) (string, bool) {
	words := strings.FieldsFunc(check, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_')
	})
	for _, w := range words {
		if _, ok := numbers[w]; ok {
			return w, true
		}
	}
	return "", false
}

// compare puts the learner's number next to the one the card's check names,
// when both exist.
func compare(check, answer string, numbers map[string]float64) (comparison, bool) {
	name, ok := checkedNumber(check, numbers)
	if !ok {
		return comparison{}, false
	}
	mine, ok := answerNumber(answer)
	if !ok {
		return comparison{}, false
	}
	c := comparison{Name: name, Sim: numbers[name], Mine: mine}
	c.RelErr = math.Abs(mine - c.Sim)
	if c.Sim != 0 {
		c.RelErr /= math.Abs(c.Sim)
	}
	return c, true
}

// runCardSim runs a derive card's simulation with the card's params.
func runCardSim(c deck.Card) (*sims.Result, error) {
	if c.Sim == nil {
		return nil, fmt.Errorf("card %s has no simulation", c.ID)
	}
	res, err := sims.Run(c.Sim.Kind, c.Sim.Params)
	if err != nil {
		return nil, fmt.Errorf("card %s: sim %s: %w", c.ID, c.Sim.Kind, err)
	}
	return res, nil
}

// deriveReport is the plain-mode text after a derive card's answer: the
// simulation's report, what to check, and the comparison when there is one.
func deriveReport(c deck.Card, answer string) string {
	var b strings.Builder
	res, err := runCardSim(c)
	if err != nil {
		fmt.Fprintf(&b, "simulation failed: %v\n", err)
		return b.String()
	}
	fmt.Fprintf(&b, "-- simulation %s --\n%s\n", c.Sim.Kind, strings.TrimRight(res.Text, "\n"))
	fmt.Fprintf(&b, "Check: %s\n", c.Sim.Check)
	if cmp, ok := compare(c.Sim.Check, answer, res.Numbers); ok {
		fmt.Fprintf(&b, "%s\n", cmp)
	}
	return strings.TrimRight(b.String(), "\n")
}
