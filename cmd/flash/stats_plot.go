package main

import (
	"fmt"
	"image/color"
	"image/png"
	"os"

	"github.com/flash-srs/flash/cmd/flash/internal/chart"
	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/flash-srs/flash/storage/safefile"
)

// The plot is 10×13 inches at 96 dpi.
const plotW, plotH = 10 * 96, 13 * 96

// writePlot draws the readiness per question, the forecast and the
// history into the PNG file name, through safefile with o.
func writePlot(name string, s *stats.Stats, o safefile.Options) error {
	c, err := chart.New(plotW, plotH, color.White)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	tiles := chart.Stack(c.Bounds().Inset(16), 3, 30)
	readinessChart(s).Draw(c, tiles[0])
	dayChart(fmt.Sprintf("Reviews due on each of the next %d days", stats.Days), s.Forecast, 0, chart.Color(0)).Draw(c, tiles[1])
	dayChart(fmt.Sprintf("Reviews done on each of the last %d days", stats.Days), s.History, stats.Days-1, chart.Color(1)).Draw(c, tiles[2])
	return safefile.Write(name, o, func(f *os.File) error {
		return png.Encode(f, c.Image())
	})
}

// dayChart is a bar chart of one count per study day, with a date tick
// every seven days counted from the day marked "today".
func dayChart(title string, days []stats.DayCount, today int, c color.Color) chart.Bars {
	b := chart.Bars{Title: title, YLabel: "reviews", Color: c, Whole: true, Values: make([]float64, len(days))}
	for i, d := range days {
		b.Values[i] = float64(d.Reviews)
	}
	for i := today % 7; i < len(days); i += 7 {
		label := dayLabel(days[i].Date)
		if i == today {
			label = "today"
		}
		b.Ticks = append(b.Ticks, chart.Tick{At: float64(i), Label: label})
	}
	return b
}

// readinessChart is a horizontal bar per question (mean predicted recall
// in percent) top to bottom in deck order, one colour per paper, with a
// dashed line at the desired retention.
func readinessChart(s *stats.Stats) chart.HBars {
	rd := s.Readiness
	h := chart.HBars{
		Title:  "Readiness " + rd.At.Format("Mon 2 Jan 2006 15:04") + ": mean predicted recall per question",
		XLabel: "%",
		Max:    100,
		Marks: []chart.Mark{{
			At:    100 * s.Retention.Desired,
			Name:  fmt.Sprintf("desired retention %.0f%%", 100*s.Retention.Desired),
			Color: chart.Muted,
		}},
	}
	for k, p := range rd.Papers {
		g := chart.Group{Name: fmt.Sprintf("%s (%.0f%%)", shortPaper(p.Paper, 40), 100*p.Mean), Color: chart.Color(k)}
		for _, q := range p.Questions {
			g.Bars = append(g.Bars, chart.Bar{Label: q.ID, Value: 100 * q.Mean})
		}
		h.Groups = append(h.Groups, g)
	}
	return h
}
