package main

import (
	"fmt"
	"image/color"
	"os"

	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/flash-srs/flash/storage/safefile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// writePlot draws the forecast, the history and the readiness per question
// into the PNG file name, through safefile with o.
func writePlot(name string, s *stats.Stats, o safefile.Options) error {
	plots, err := statsPlots(s)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	img := vgimg.NewWith(vgimg.UseWH(10*vg.Inch, 13*vg.Inch), vgimg.UseDPI(96))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	tiles := draw.Tiles{
		Rows: len(plots), Cols: 1,
		PadX: vg.Millimeter, PadY: 8 * vg.Millimeter,
		PadTop: 4 * vg.Millimeter, PadBottom: 4 * vg.Millimeter,
		PadLeft: 4 * vg.Millimeter, PadRight: 6 * vg.Millimeter,
	}
	grid := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		grid[i] = []*plot.Plot{p}
	}
	canvases := plot.Align(grid, tiles, dc)
	for i, p := range plots {
		p.Draw(canvases[i][0])
	}
	return safefile.Write(name, o, func(f *os.File) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(f)
		return err
	})
}

// statsPlots builds the three charts.
func statsPlots(s *stats.Stats) ([]*plot.Plot, error) {
	forecast, err := dayPlot(fmt.Sprintf("Reviews due on each of the next %d days", stats.Days), s.Forecast, 0, plotutil.Color(0))
	if err != nil {
		return nil, err
	}
	history, err := dayPlot(fmt.Sprintf("Reviews done on each of the last %d days", stats.Days), s.History, stats.Days-1, plotutil.Color(1))
	if err != nil {
		return nil, err
	}
	ready, err := readinessPlot(s)
	if err != nil {
		return nil, err
	}
	return []*plot.Plot{ready, forecast, history}, nil
}

// dayPlot is a bar chart of one count per study day, with a date tick
// every seven days counted from the day marked "today".
func dayPlot(title string, days []stats.DayCount, today int, c color.Color) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "reviews"
	p.Y.Min = 0
	vals := make(plotter.Values, len(days))
	peak := 0.0
	for i, d := range days {
		vals[i] = float64(d.Reviews)
		peak = max(peak, vals[i])
	}
	if peak == 0 {
		p.Y.Max = 1
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(9))
	if err != nil {
		return nil, err
	}
	bars.Color = c
	bars.LineStyle.Width = 0
	p.Add(bars)
	var ticks []plot.Tick
	for i := today % 7; i < len(days); i += 7 {
		label := dayLabel(days[i].Date)
		if i == today {
			label = "today"
		}
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: label})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -1, float64(len(days))
	return p, nil
}

// readinessPlot is a horizontal bar per question (mean predicted recall
// in percent), one color per paper, with a line at the desired retention.
func readinessPlot(s *stats.Stats) (*plot.Plot, error) {
	rd := s.Readiness
	p := plot.New()
	p.Title.Text = "Readiness " + rd.At.Format("Mon 2 Jan 2006 15:04") + ": mean predicted recall per question"
	p.X.Label.Text = "%"
	p.X.Min, p.X.Max = 0, 100
	p.Legend.Top = true
	p.Legend.Left = false
	var names []string
	n := 0
	for _, pp := range rd.Papers {
		n += len(pp.Questions)
	}
	// Questions top to bottom in deck order: the first at the highest y.
	idx := n
	for k, pp := range rd.Papers {
		if len(pp.Questions) == 0 {
			continue
		}
		vals := make(plotter.Values, len(pp.Questions))
		for i := range pp.Questions {
			// Reversed so the paper's first question is on top.
			q := pp.Questions[len(pp.Questions)-1-i]
			vals[i] = 100 * q.Mean
		}
		idx -= len(pp.Questions)
		bars, err := plotter.NewBarChart(vals, vg.Points(12))
		if err != nil {
			return nil, err
		}
		bars.Horizontal = true
		bars.XMin = float64(idx)
		bars.Color = plotutil.Color(k)
		bars.LineStyle.Width = 0
		p.Add(bars)
		p.Legend.Add(fmt.Sprintf("%s (%.0f%%)", shortPaper(pp.Paper, 40), 100*pp.Mean), bars)
	}
	names = make([]string, n)
	i := n
	for _, pp := range rd.Papers {
		for _, q := range pp.Questions {
			i--
			names[i] = q.ID
		}
	}
	if n > 0 {
		p.NominalY(names...)
	}
	// Room above the bars for the legend (a row per paper and one for the
	// line), so that it covers neither.
	rows := float64(len(rd.Papers) + 1)
	frac := min(0.6, rows*15/(13*vg.Inch/3).Points())
	p.Y.Min = -0.5
	p.Y.Max = -0.5 + float64(max(n, 1))/(1-frac)
	line, err := plotter.NewLine(plotter.XYs{{X: 100 * s.Retention.Desired, Y: -0.5}, {X: 100 * s.Retention.Desired, Y: float64(n) - 0.5}})
	if err != nil {
		return nil, err
	}
	line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	line.Color = color.Gray{Y: 100}
	p.Add(line)
	p.Legend.Add(fmt.Sprintf("desired retention %.0f%%", 100*s.Retention.Desired), line)
	return p, nil
}
