// Package show is the text both review modes (the screen and --plain)
// and the commands print: a derive card's comparison, the session summary,
// the exam note of the review header.
package show

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rivo/uniseg"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/sims"
	"github.com/flash-srs/flash/sims/answer"
)

// Comparison is one checked output of a derive card (answer.Comparison),
// drawn as the review prints it.
type Comparison struct{ answer.Comparison }

// String is the comparison's one line, as the review prints it: the
// simulation's number, the learner's with the text it was read from, and
// how far apart they are.
func (c Comparison) String() string {
	sim := "simulation " + FmtNum(c.Sim)
	if !c.HasSim {
		sim = "the simulation did not compute it with these params"
	}
	line := c.Name + ": " + sim + " · you: " + c.MineText()
	if c.HasSim && c.Mine.OK {
		line += " · " + fmtRel(c.RelErr, c.Sim == 0) + " apart"
	}
	return line
}

// MineText says what was read from the answer for the output and where from:
// `0.085, from "≈ 0.085"`.
func (c Comparison) MineText() string {
	r := c.Mine
	from := quoteFrom(r.Part.From)
	switch {
	case r.OK && r.Element != "":
		return fmt.Sprintf("%s, element %s of %s", FmtNum(r.Value), r.Element, from)
	case r.OK:
		return fmt.Sprintf("%s, from %s", FmtNum(r.Value), from)
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

// FmtNum formats a number as both review modes print it.
func FmtNum(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

func fmtRel(r float64, abs bool) string {
	if abs {
		return FmtNum(r) + " (absolute)"
	}
	return strconv.FormatFloat(100*r, 'f', 1, 64) + "%"
}

// Compare puts the numbers read from the learner's answer next to the
// outputs the card's check names, one comparison per output, in the
// check's order (answer.Compare).
func Compare(s *deck.Sim, ans string, numbers map[string]float64) []Comparison {
	checks := make([]answer.Check, len(s.Check))
	for i, e := range s.Check {
		checks[i].Name, checks[i].Note = deck.CheckName(e)
	}
	cs := answer.Compare(checks, ans, numbers)
	out := make([]Comparison, len(cs))
	for i, c := range cs {
		out[i] = Comparison{c}
	}
	return out
}

// RunCardSim runs a derive card's simulation with the card's params.
func RunCardSim(c deck.Card) (*sims.Result, error) {
	if c.Sim == nil {
		return nil, fmt.Errorf("card %s has no simulation", c.ID)
	}
	res, err := sims.Run(c.Sim.Kind, c.Sim.Params)
	if err != nil {
		return nil, fmt.Errorf("card %s: sim %s: %w", c.ID, c.Sim.Kind, err)
	}
	return res, nil
}

// ExamHeader is the review header's note for deck until its exam day:
// "exam in 12 days", "exam tomorrow", "exam today"; "" when none or after
// the exam day.
func ExamHeader(p *exam.Plan, now time.Time) string {
	if p == nil {
		return ""
	}
	n := exam.DaysLeft(p.Exam, now)
	switch {
	case n < 0:
		return ""
	case n == 0:
		return "exam today"
	case n == 1:
		return "exam tomorrow"
	}
	return fmt.Sprintf("exam in %d days", n)
}

// Summary is the end-of-session report shared by both modes.
func Summary(sum session.Summary, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Reviewed %d card%s (%d Again) in %s.", sum.Reviewed, Plural(sum.Reviewed), sum.Again, sum.Spent.Round(time.Second))
	switch {
	case sum.NextDue.IsZero():
		b.WriteString(" Nothing left to study.")
	case !sum.NextDue.After(now):
		b.WriteString(" More cards are due now.")
	default:
		fmt.Fprintf(&b, " Next card due %s (in %s).", sum.NextDue.Format("Mon 2 Jan 15:04"),
			scheduler.FormatInterval(sum.NextDue.Sub(now)))
	}
	return b.String()
}

// Plural is "s" unless n is 1.
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Width is how many terminal cells s takes.
func Width(s string) int { return uniseg.StringWidth(s) }

// Fit returns s cut to at most w cells, ending in "…" when it was cut.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	head, _ := CutWidth(s, w-1)
	return strings.TrimRight(head, " ") + "…"
}

// CutWidth splits s after at most w cells of whole grapheme clusters.
func CutWidth(s string, w int) (head, tail string) {
	n, state, rest := 0, -1, s
	for len(rest) > 0 {
		cluster, r, cw, st := uniseg.FirstGraphemeClusterInString(rest, state)
		if n+cw > w {
			break
		}
		n += cw
		rest, state = r, st
		_ = cluster
	}
	return s[:len(s)-len(rest)], rest
}
