package main

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/rivo/uniseg"
)

// The text rendering of `flash stats`: at most statsWidth columns, readiness
// first. Color (ANSI) only when asked for: stdout is a terminal and NO_COLOR
// is unset.

const (
	statsWidth  = 80
	barCells    = 10 // readiness bars
	chartHeight = 6  // rows of the forecast and history charts
	chartLabel  = 6  // width of the charts' y-axis labels
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

type textOut struct {
	b     bytes.Buffer
	color bool
}

// paint wraps s in an ANSI color when color is on.
func (o *textOut) paint(code, s string) string {
	if !o.color || code == "" || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (o *textOut) line(format string, args ...any) {
	fmt.Fprintf(&o.b, format, args...)
	o.b.WriteByte('\n')
}

// renderStats renders s as text for a terminal of statsWidth columns.
func renderStats(s *stats.Stats, color bool) []byte {
	o := &textOut{color: color}
	if len(s.Exams) > 0 {
		o.exams(s)
		o.b.WriteByte('\n')
	}
	o.readiness(s)
	o.b.WriteByte('\n')
	o.cards(s)
	o.b.WriteByte('\n')
	o.chart(fmt.Sprintf("Forecast: reviews due on each of the next %d days (%d in all)", stats.Days, sumDays(s.Forecast)),
		s.Forecast, 0, "today", ansiCyan)
	o.b.WriteByte('\n')
	o.chart(fmt.Sprintf("History: reviews done on each of the last %d days (%d in all)", stats.Days, sumDays(s.History)),
		s.History, stats.Days-1, "today", ansiGreen)
	o.b.WriteByte('\n')
	o.retention(s)
	o.b.WriteByte('\n')
	o.calibration(s)
	o.b.WriteByte('\n')
	o.memoryAndTime(s)
	return o.b.Bytes()
}

// recallColor picks a readiness color: green at or above the desired
// retention, yellow above half, red below.
func recallColor(r, desired float64) string {
	switch {
	case r >= desired:
		return ansiGreen
	case r >= 0.5:
		return ansiYellow
	}
	return ansiRed
}

func (o *textOut) readiness(s *stats.Stats) {
	rd := s.Readiness
	when := "now, " + rd.At.Format("Mon 2 Jan 2006 15:04")
	if !rd.At.Equal(s.GeneratedAt) {
		when = "at " + rd.At.Format("Mon 2 Jan 2006 15:04")
	}
	o.line("%s", o.paint(ansiBold, "Readiness "+when))
	o.line("mean predicted recall of each exam question's cards (new cards count as 0)")
	if !rd.At.Equal(s.GeneratedAt) {
		o.line("from your memory now, assuming no more reviews between now and then")
	}
	if rd.Cards == 0 {
		o.line("  no cards")
		return
	}
	desired := s.Retention.Desired
	multiDeck := len(s.Decks) > 1
	o.line("  %s", o.readinessRow("all", rd.Mean, desired, fmt.Sprintf("%d cards, %d new", rd.Cards, rd.New)))
	for _, p := range rd.Papers {
		o.b.WriteByte('\n')
		name := p.Paper
		if name == "" {
			name = "(no paper)"
		}
		if multiDeck {
			name = "[" + p.Deck + "] " + name
		}
		o.line("%s", o.paint(ansiBold, shortPaper(name, statsWidth)))
		o.line("  %s", o.readinessRow("paper", p.Mean, desired, fmt.Sprintf("%d cards, %d new", p.Cards, p.New)))
		for _, q := range p.Questions {
			text := q.Text
			if q.Cards == 0 {
				text = "(no cards) " + text
			}
			o.line("  %s", o.readinessRow(q.ID, q.Mean, desired, text))
			if len(q.Weakest) == 0 {
				continue
			}
			parts := make([]string, len(q.Weakest))
			for i, c := range q.Weakest {
				parts[i] = shortCardID(c.ID, q.ID) + " " + recallText(c)
			}
			if q.Suspended > 0 {
				parts = append(parts, fmt.Sprintf("%d suspended", q.Suspended))
			}
			o.line("%s", truncate("    weakest: "+strings.Join(parts, " · "), statsWidth))
		}
	}
}

// exams shows each exam ahead and both readiness figures on its day.
func (o *textOut) exams(s *stats.Stats) {
	for _, x := range s.Exams {
		when := fmt.Sprintf("in %d days", x.DaysLeft)
		switch x.DaysLeft {
		case 0:
			when = "today"
		case 1:
			when = "tomorrow"
		}
		o.line("%s", o.paint(ansiBold, fmt.Sprintf("Exam of %s on %s, %s (target %.2f, %d min a day)", x.Deck, x.At.Format("Mon 2 Jan 2006"), when, x.Target, x.Minutes)))
		o.line("  readiness on the exam day if you follow the plan: %3.0f%% %s", 100*x.Followed, span(100*x.Low, 100*x.High, "%.0f", "%", "1"))
		o.line("  readiness on the exam day if you stop now:        %3.0f%%", 100*x.Stopped)
		if x.Below > 0 {
			msg := fmt.Sprintf("  %d cards stay below the target", x.Below)
			if x.MinutesNeeded > 0 {
				msg += fmt.Sprintf("; %.0f min a day would reach it", x.MinutesNeeded)
			}
			o.line("%s", msg)
		}
		o.line("  the plan per day: flash exam --deck %s", x.Deck)
	}
}

// readinessRow is "label  45% ████▌░░░░░  rest", fitted into
// statsWidth-2 columns.
func (o *textOut) readinessRow(label string, r, desired float64, rest string) string {
	const labelW = 14
	head := padRight(truncate(label, labelW), labelW) + " " + fmt.Sprintf("%3.0f%%", 100*r) + " "
	bar := o.paint(recallColor(r, desired), hbar(r, barCells))
	restW := statsWidth - 2 - uniseg.StringWidth(head) - barCells - 2
	return head + bar + "  " + truncate(rest, restW)
}

// recallText is a card's predicted recall for the weakest list.
func recallText(c stats.CardRecall) string {
	if c.State == "new" {
		return "new"
	}
	return fmt.Sprintf("%.0f%%", 100*c.Recall)
}

// shortCardID drops the deck and a leading "<question>-" from a card key:
// "ml-papers/ntk-1-realization" under ntk-1 reads "realization".
func shortCardID(key, question string) string {
	_, id, ok := strings.Cut(key, "/")
	if !ok {
		id = key
	}
	if s, ok := strings.CutPrefix(id, question+"-"); ok && s != "" {
		return s
	}
	return id
}

// shortPaper fits a paper's name into w columns, preferring its title
// before a colon to a cut in the middle of a word.
func shortPaper(p string, w int) string {
	if uniseg.StringWidth(p) <= w {
		return p
	}
	if i := strings.Index(p, ": "); i > 0 && uniseg.StringWidth(p[:i]) <= w-2 {
		return p[:i] + " …"
	}
	return truncate(p, w)
}

// hbar draws v in 0..1 as a horizontal bar of n cells in eighths.
func hbar(v float64, n int) string {
	eighths := int(math.Round(clamp01(v) * float64(8*n)))
	var b strings.Builder
	for range eighths / 8 {
		b.WriteRune('█')
	}
	cells := eighths / 8
	if rem := eighths % 8; rem > 0 {
		b.WriteRune([]rune("▏▎▍▌▋▊▉")[rem-1])
		cells++
	}
	for ; cells < n; cells++ {
		b.WriteRune('░')
	}
	return b.String()
}

func clamp01(v float64) float64 {
	if !(v > 0) {
		return 0
	}
	return min(v, 1)
}

func (o *textOut) cards(s *stats.Stats) {
	c := s.Cards
	o.line("%s", o.paint(ansiBold, "Cards"))
	o.line("  %d: %d new · %d learning · %d review · %d relearning; %d retired",
		c.Total, c.New, c.Learning, c.Review, c.Relearning, c.Retired)
	o.line("  due: %d now · %d today · %d tomorrow; new: %d to learn today, %d waiting", c.DueNow, c.DueToday, c.DueTomorrow, c.NewToday, c.NewAvailable)
	o.cardList("Suspended", c.Suspended, s.Suspended, "flash unsuspend CARD-ID")
	o.cardList("Flagged for fixing", c.Flagged, s.Flagged, "")
}

// cardList shows the first stats.ListMax of n cards; refs holds them (and
// may hold the others).
func (o *textOut) cardList(title string, n int, refs []stats.CardRef, hint string) {
	if n == 0 {
		return
	}
	head := fmt.Sprintf("  %s (%d)", title, n)
	if hint != "" {
		head += ": " + hint
	}
	o.line("%s", head)
	idW := 0
	for _, r := range refs[:min(len(refs), stats.ListMax)] {
		idW = max(idW, uniseg.StringWidth(r.ID))
	}
	idW = min(idW, 40)
	for _, r := range refs[:min(len(refs), stats.ListMax)] {
		o.line("%s", truncate("    "+padRight(truncate(r.ID, idW), idW)+"  "+r.Front, statsWidth))
	}
	if n > stats.ListMax {
		o.line("    … and %d more (flash stats --json lists them all)", n-stats.ListMax)
	}
}

func sumDays(days []stats.DayCount) int {
	n := 0
	for _, d := range days {
		n += d.Reviews
	}
	return n
}

// chart draws days as a vertical bar chart: one column and a gap per day,
// chartHeight rows in eighths, a y-axis label at the top and dates under
// the axis every seven days. mark is the index of the day labeled markName
// (today).
func (o *textOut) chart(title string, days []stats.DayCount, mark int, markName, code string) {
	o.line("%s", o.paint(ansiBold, title))
	peak := 0
	for _, d := range days {
		peak = max(peak, d.Reviews)
	}
	levels := make([]int, len(days))
	for i, d := range days {
		if peak > 0 {
			levels[i] = int(math.Round(float64(d.Reviews) / float64(peak) * 8 * chartHeight))
			if d.Reviews > 0 && levels[i] == 0 {
				levels[i] = 1
			}
		}
	}
	if peak > 0 {
		for row := chartHeight - 1; row >= 0; row-- {
			label := ""
			axis := " │"
			if row == chartHeight-1 {
				label, axis = strconv.Itoa(peak), " ┤"
			}
			var b strings.Builder
			for i := range days {
				fill := min(max(levels[i]-8*row, 0), 8)
				b.WriteRune([]rune(" ▁▂▃▄▅▆▇█")[fill])
				b.WriteByte(' ')
			}
			o.line("%s%s%s", padLeft(label, chartLabel), axis, strings.TrimRight(o.paint(code, strings.TrimRight(b.String(), " ")), " "))
		}
	}
	o.line("%s └%s", padLeft("0", chartLabel), strings.Repeat("─", 2*len(days)))
	// Date labels every 7 days, starting at the marked day's week position.
	axis := []rune(strings.Repeat(" ", chartLabel+2+2*len(days)+8))
	for i := mark % 7; i < len(days); i += 7 {
		label := dayLabel(days[i].Date)
		if i == mark {
			label = markName
		}
		col := chartLabel + 2 + 2*i
		for j, r := range []rune(label) {
			if col+j < len(axis) {
				axis[col+j] = r
			}
		}
	}
	o.line("%s", truncate(strings.TrimRight(string(axis), " "), statsWidth))
}

// dayLabel turns "2024-01-02" into "Jan 2".
func dayLabel(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.Format("Jan 2")
}

func (o *textOut) retention(s *stats.Stats) {
	r := s.Retention
	o.line("%s", o.paint(ansiBold, fmt.Sprintf("True retention of review cards (desired %s)", pct1(r.Desired))))
	for _, row := range []struct {
		name string
		rate stats.RecallRate
	}{{"last 7 days", r.Last7Days}, {"last 30 days", r.Last30Days}, {"all time", r.AllTime}} {
		rate := "     –"
		if row.rate.Reviews > 0 {
			code := ansiGreen
			if row.rate.Rate < r.Desired-0.05 {
				code = ansiYellow
			}
			rate = o.paint(code, fmt.Sprintf("%6s", pct1(row.rate.Rate)))
		}
		o.line("  %-14s %s  %d of %d recalled", row.name, rate, row.rate.Recalled, row.rate.Reviews)
	}
}

func (o *textOut) calibration(s *stats.Stats) {
	title := "Calibration: recall FSRS predicted at each review vs. recalled"
	if s.CalibrationWeights == stats.CalibrationFitted {
		title = "Calibration: recall the fitted weights predict (history replayed) vs. recalled"
	}
	o.line("%s", o.paint(ansiBold, title))
	o.line("  %-10s %9s %11s %10s", "predicted", "reviews", "mean pred.", "recalled")
	for _, b := range s.Calibration {
		name := fmt.Sprintf("%.0f–%.0f%%", 100*b.From, 100*b.To)
		if b.Reviews == 0 {
			o.line("  %-10s %9d %11s %10s", name, 0, "–", "–")
			continue
		}
		o.line("  %-10s %9d %11s %10s", name, b.Reviews, pct1(b.Predicted), pct1(b.Recalled))
	}
}

func (o *textOut) memoryAndTime(s *stats.Stats) {
	m := s.Memory
	mem := "no card studied yet"
	if m.Cards > 0 {
		mem = fmt.Sprintf("%d cards studied: mean stability %s days, mean difficulty %.1f of 10",
			m.Cards, strconv.FormatFloat(m.MeanStability, 'f', 1, 64), m.MeanDifficulty)
	}
	o.line("%s  %s", o.paint(ansiBold, "Memory"), truncate(mem, statsWidth-8))
	o.line("%s %s", o.paint(ansiBold, "Weights"), truncate(weightsLine(s.Decks), statsWidth-8))
	t := s.Time
	tm := fmt.Sprintf("today %s · 7 days %s · 30 days %s · all %s (%d reviews)",
		spent(t.TodaySeconds), spent(t.Last7DaysSeconds), spent(t.Last30DaysSeconds), spent(t.AllTimeSeconds), t.Reviews)
	o.line("%s    %s", o.paint(ansiBold, "Time"), truncate(tm, statsWidth-8))
}

// weightsLine says which FSRS weights the decks use: "go-fsrs defaults",
// "fitted 2026-11-30 (flash optimize)", or per deck when they differ.
func weightsLine(decks []stats.DeckStats) string {
	one := func(d stats.DeckStats) string {
		if d.WeightsFittedAt == nil {
			return "go-fsrs defaults"
		}
		return "fitted " + d.WeightsFittedAt.Format(time.DateOnly) + " (flash optimize)"
	}
	if len(decks) == 0 {
		return "go-fsrs defaults"
	}
	first := one(decks[0])
	same := true
	for _, d := range decks[1:] {
		same = same && one(d) == first
	}
	if same {
		return first
	}
	parts := make([]string, len(decks))
	for i, d := range decks {
		parts[i] = d.ID + ": " + one(d)
	}
	return strings.Join(parts, " · ")
}

// spent formats seconds of study: "45s", "12m", "3h05m".
func spent(sec float64) string {
	d := time.Duration(sec * float64(time.Second)).Round(time.Second)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// pct1 formats a rate as a percentage with one decimal: "89.7%".
func pct1(v float64) string {
	return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
}

// truncate cuts s to at most w display columns, ending a cut string with
// "…". It does not handle ANSI codes: truncate before painting.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if uniseg.StringWidth(s) <= w {
		return s
	}
	var b strings.Builder
	width := 0
	state := -1
	rest := s
	for rest != "" {
		var cluster string
		var cw int
		cluster, rest, cw, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if width+cw > w-1 {
			break
		}
		b.WriteString(cluster)
		width += cw
	}
	return strings.TrimRight(b.String(), " ") + "…"
}

func padRight(s string, w int) string {
	if n := w - uniseg.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

func padLeft(s string, w int) string {
	if n := w - uniseg.StringWidth(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}
