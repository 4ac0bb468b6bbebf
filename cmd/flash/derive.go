package main

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
)

// comparison is one checked output of a derive card: the simulation's
// number next to the learner's, when both exist.
type comparison struct {
	Name    string  // the output the card's check names
	Note    string  // the check entry's note for the learner, if any
	Sim     float64 // what the simulation computed
	HasSim  bool    // false: the simulation left the output out this run
	Mine    float64 // the learner's number: see answerNumber
	HasMine bool    // false: no number for this output in the answer
	RelErr  float64 // |Mine − Sim| / |Sim| (absolute when Sim is 0)
}

// String is the comparison's one line, as the review prints it.
func (c comparison) String() string {
	switch {
	case !c.HasSim:
		return fmt.Sprintf("%s: the simulation did not compute it with these params", c.Name)
	case !c.HasMine:
		return fmt.Sprintf("%s: simulation %s; type a number in your answer to compare", c.Name, fmtNum(c.Sim))
	}
	return fmt.Sprintf("%s: simulation %s, you %s — %s apart",
		c.Name, fmtNum(c.Sim), fmtNum(c.Mine), fmtRel(c.RelErr, c.Sim == 0))
}

// verdict says how close the learner's number is: "close" within 5% (as
// printed, whatever the rounding), "roughly" within 25%, else "far off".
func (c comparison) verdict() string {
	switch {
	case c.RelErr <= 0.05+1e-9:
		return "close"
	case c.RelErr <= 0.25+1e-9:
		return "roughly"
	}
	return "far off"
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

// compare puts the learner's numbers next to the outputs the card's check
// names, one comparison per output, in the check's order. With one output
// the answer's number is compared; with several, each output takes the
// line of the answer that names it ("tau_slow = 4").
func compare(s *deck.Sim, answer string, numbers map[string]float64) []comparison {
	out := make([]comparison, 0, len(s.Check))
	lines := strings.Split(answer, "\n")
	for _, e := range s.Check {
		name, note := deck.CheckName(e)
		c := comparison{Name: name, Note: note}
		c.Sim, c.HasSim = numbers[name]
		if len(s.Check) == 1 {
			c.Mine, c.HasMine = answerNumber(answer)
		} else {
			for _, l := range lines {
				if k, v, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) == name {
					c.Mine, c.HasMine = answerNumber(v)
				}
			}
		}
		if c.HasSim && c.HasMine {
			c.RelErr = math.Abs(c.Mine - c.Sim)
			if c.Sim != 0 {
				c.RelErr /= math.Abs(c.Sim)
			}
		}
		out = append(out, c)
	}
	return out
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
	for _, cmp := range compare(c.Sim, answer, res.Numbers) {
		if cmp.Note != "" {
			fmt.Fprintf(&b, "Check %s: %s\n", cmp.Name, cmp.Note)
		}
		fmt.Fprintf(&b, "%s\n", cmp)
	}
	return strings.TrimRight(b.String(), "\n")
}
