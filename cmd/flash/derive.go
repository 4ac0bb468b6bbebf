package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
	"github.com/flash-srs/flash/sims/answer"
)

// comparison is one checked output of a derive card (answer.Comparison),
// drawn as the review prints it.
type comparison struct{ answer.Comparison }

// String is the comparison's one line, as the review prints it: the
// simulation's number, the learner's with the text it was read from, and
// how far apart they are.
func (c comparison) String() string {
	sim := "simulation " + fmtNum(c.Sim)
	if !c.HasSim {
		sim = "the simulation did not compute it with these params"
	}
	line := c.Name + ": " + sim + " · you: " + c.mine()
	if c.HasSim && c.Mine.OK {
		line += " · " + fmtRel(c.RelErr, c.Sim == 0) + " apart"
	}
	return line
}

// mine says what was read from the answer for the output and where from:
// `0.085, from "≈ 0.085"`.
func (c comparison) mine() string {
	r := c.Mine
	from := quoteFrom(r.Part.From)
	switch {
	case r.OK && r.Element != "":
		return fmt.Sprintf("%s, element %s of %s", fmtNum(r.Value), r.Element, from)
	case r.OK:
		return fmt.Sprintf("%s, from %s", fmtNum(r.Value), from)
	case r.Part.From != "":
		what := "a vector"
		if r.Part.Value.Rows > 1 {
			what = "a matrix"
		}
		return fmt.Sprintf("%s, %s; write the one number for %s", what, from, c.Name)
	}
	return "no number found; type one to compare"
}

// quoteFrom quotes the text a number was read from, shortened to 40
// characters.
func quoteFrom(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = "…" + string(r[len(r)-39:])
	}
	return `"` + s + `"`
}

func (c comparison) verdict() string { return c.Verdict() }

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

func fmtRel(r float64, abs bool) string {
	if abs {
		return fmtNum(r) + " (absolute)"
	}
	return strconv.FormatFloat(100*r, 'f', 1, 64) + "%"
}

// compare puts the numbers read from the learner's answer next to the
// outputs the card's check names, one comparison per output, in the
// check's order (answer.Compare).
func compare(s *deck.Sim, ans string, numbers map[string]float64) []comparison {
	checks := make([]answer.Check, len(s.Check))
	for i, e := range s.Check {
		checks[i].Name, checks[i].Note = deck.CheckName(e)
	}
	cs := answer.Compare(checks, ans, numbers)
	out := make([]comparison, len(cs))
	for i, c := range cs {
		out[i] = comparison{c}
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
		if cmp.HasSim && cmp.Mine.OK {
			fmt.Fprintf(&b, "%s (%s)\n", cmp, cmp.verdict())
		} else {
			fmt.Fprintf(&b, "%s\n", cmp)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
