package answer

import "math"

// Comparison is one checked output of a derive card: the simulation's
// number next to the number read from the learner's answer.
type Comparison struct {
	Name   string  // the output the card's check names
	Note   string  // the check entry's note for the learner, if any
	Sim    float64 // what the simulation computed
	HasSim bool    // false: the simulation left the output out this run
	// Mine is what was read from the answer for this output; Mine.OK
	// when it gave one number.
	Mine   Reading
	RelErr float64 // |Mine − Sim| / |Sim| (absolute when Sim is 0)
}

// Check is one output a card's check names, with its note.
type Check struct{ Name, Note string }

// Compare reads ans for the checked outputs (see Read for how numbers go
// to outputs) and puts each next to the simulation's number in numbers,
// one comparison per check, in the checks' order.
func Compare(checks []Check, ans string, numbers map[string]float64) []Comparison {
	names := make([]string, len(checks))
	for i, c := range checks {
		names[i] = c.Name
	}
	readings := Read(ans, names)
	out := make([]Comparison, len(checks))
	for i, ch := range checks {
		c := Comparison{Name: ch.Name, Note: ch.Note, Mine: readings[i]}
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

// Verdict says how close the learner's number is: "close" within 5% (as
// printed, whatever the rounding), "roughly" within 25%, else "far off".
func (c Comparison) Verdict() string {
	switch {
	case c.RelErr <= 0.05+1e-9:
		return "close"
	case c.RelErr <= 0.25+1e-9:
		return "roughly"
	}
	return "far off"
}
