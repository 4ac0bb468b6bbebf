package main

import (
	"fmt"
	"github.com/flash-srs/flash/cmd/flash/internal/show"
	"strings"

	"github.com/flash-srs/flash/deck"
)

// deriveReport is the plain-mode text after a derive card's answer: the
// simulation's report, what to check, and the comparison when there is one.
func deriveReport(c deck.Card, answer string) string {
	var b strings.Builder
	res, err := show.RunCardSim(c)
	if err != nil {
		fmt.Fprintf(&b, "simulation failed: %v\n", err)
		return b.String()
	}
	fmt.Fprintf(&b, "-- simulation %s --\n%s\n", c.Sim.Kind, strings.TrimRight(res.Text, "\n"))
	for _, cmp := range show.Compare(c.Sim, answer, res.Numbers) {
		if cmp.Note != "" {
			fmt.Fprintf(&b, "Check %s: %s\n", cmp.Name, cmp.Note)
		}
		if cmp.HasSim && cmp.Mine.OK {
			fmt.Fprintf(&b, "%s (%s)\n", cmp, cmp.Verdict())
		} else {
			fmt.Fprintf(&b, "%s\n", cmp)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
