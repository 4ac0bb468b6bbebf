package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
	"github.com/flash-srs/flash/sims/answer"
)

// comparison is one checked output of a derive card: the simulation's
// number next to the number read from the learner's answer.
type comparison struct {
	Name   string  // the output the card's check names
	Note   string  // the check entry's note for the learner, if any
	Sim    float64 // what the simulation computed
	HasSim bool    // false: the simulation left the output out this run
	// Mine is what was read from the answer for this output; Mine.OK
	// when it gave one number.
	Mine   answer.Reading
	RelErr float64 // |Mine − Sim| / |Sim| (absolute when Sim is 0)
}

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

// compare puts the numbers read from the learner's answer next to the
// outputs the card's check names, one comparison per output, in the
// check's order; see answer.Read for how numbers go to outputs.
func compare(s *deck.Sim, ans string, numbers map[string]float64) []comparison {
	names := s.Names()
	readings := answer.Read(ans, names)
	out := make([]comparison, len(names))
	for i, e := range s.Check {
		c := comparison{Mine: readings[i]}
		c.Name, c.Note = deck.CheckName(e)
		c.Sim, c.HasSim = numbers[c.Name]
		if c.HasSim && c.Mine.OK {
			c.RelErr = math.Abs(c.Mine.Value - c.Sim)
			if c.Sim != 0 {
				c.RelErr /= math.Abs(c.Sim)
			}
		}
		out[i] = c
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
