package chart

import (
	"image"
	"image/color"
	"math"
	"strconv"
)

// Tick is a labelled position on an axis: for Bars, At is a bar's index;
// for HBars a value.
type Tick struct {
	At    float64
	Label string
}

// Bars is a vertical bar chart of one value a slot, from the left.
type Bars struct {
	Title  string
	YLabel string // written above the value axis
	Values []float64
	Color  color.Color
	// Ticks label the slot axis below the bars.
	Ticks []Tick
	// Whole says the values are counts: value ticks fall on whole numbers.
	Whole bool
}

// Frame is where a chart drew: Area is its plotting rectangle (the value
// axis from Max.Y up for Bars, from Min.X rightwards for HBars) and Top
// the value at its far end (the top for Bars, the right edge for HBars).
type Frame struct {
	Area image.Rectangle
	Top  float64
}

// Y is the pixel row a Bars value v reaches.
func (f Frame) Y(v float64) int {
	return f.Area.Max.Y - scale(v, f.Top, f.Area.Dy())
}

// X is the pixel column an HBars value v reaches.
func (f Frame) X(v float64) int {
	return f.Area.Min.X + scale(v, f.Top, f.Area.Dx())
}

// scale is v of top as a share of n pixels, clamped to 0..n.
func scale(v, top float64, n int) int {
	if top <= 0 || math.IsNaN(v) {
		return 0
	}
	return int(math.Round(min(max(v/top, 0), 1) * float64(n)))
}

const (
	pad     = 6 // between a chart's parts
	tickLen = 4
)

// Draw draws b into r and says where.
func (b Bars) Draw(c *Canvas, r image.Rectangle) Frame {
	peak := 0.0
	for _, v := range b.Values {
		if !math.IsNaN(v) {
			peak = max(peak, v)
		}
	}
	top, ticks := valueTicks(peak, 5, b.Whole)
	titleH := c.LineHeight(Title)
	labelH := c.LineHeight(Small)
	c.Text((r.Min.X+r.Max.X)/2, r.Min.Y, b.Title, Title, Ink, Center, Top)
	y0 := r.Min.Y + titleH + pad
	if b.YLabel != "" {
		c.Text(r.Min.X, y0, b.YLabel, Small, Muted, Left, Top)
		y0 += labelH
	}
	left := 0
	for _, t := range ticks {
		left = max(left, c.TextWidth(t.Label, Small))
	}
	area := image.Rect(r.Min.X+left+tickLen+pad, y0+labelH/2, r.Max.X-pad, r.Max.Y-tickLen-labelH-pad)
	f := Frame{Area: area, Top: top}
	for _, t := range ticks {
		y := f.Y(t.At)
		if y < area.Max.Y {
			c.HLine(area.Min.X, area.Max.X-1, y, Grid)
		}
		c.HLine(area.Min.X-tickLen, area.Min.X-1, y, Axis)
		c.Text(area.Min.X-tickLen-2, y, t.Label, Small, Ink, Right, Middle)
	}
	n := len(b.Values)
	slot := float64(area.Dx()) / float64(max(n, 1))
	for i, v := range b.Values {
		x0 := area.Min.X + int(math.Round(slot*(float64(i)+0.15)))
		x1 := max(x0+1, area.Min.X+int(math.Round(slot*(float64(i)+0.85))))
		c.Fill(image.Rect(x0, f.Y(v), x1, area.Max.Y), b.Color)
	}
	for _, t := range b.Ticks {
		x := area.Min.X + int(math.Round(slot*(t.At+0.5)))
		c.VLine(x, area.Max.Y, area.Max.Y+tickLen, Axis)
		c.Text(x, area.Max.Y+tickLen+1, t.Label, Small, Ink, Center, Top)
	}
	c.VLine(area.Min.X-1, area.Min.Y, area.Max.Y, Axis)
	c.HLine(area.Min.X-1, area.Max.X-1, area.Max.Y, Axis)
	return f
}

// Bar is one horizontal bar and its label.
type Bar struct {
	Label string
	Value float64
}

// Group is bars of one colour, named in the legend.
type Group struct {
	Name  string
	Color color.Color
	Bars  []Bar
}

// Mark is a dashed vertical line across an HBars chart at a value, named
// in the legend.
type Mark struct {
	At    float64
	Name  string
	Color color.Color
}

// HBars is a horizontal bar chart: groups of bars top to bottom, each bar
// labelled on the left, values from 0 to Max rightwards.
type HBars struct {
	Title  string
	XLabel string // written below the value axis
	Max    float64
	Groups []Group
	Marks  []Mark
	// MaxLabel caps the bar labels' width as a share of the chart's
	// (longer labels are cut); 0 means a third.
	MaxLabel float64
}

// Draw draws h into r and says where.
func (h HBars) Draw(c *Canvas, r image.Rectangle) Frame {
	titleH := c.LineHeight(Title)
	lineH := c.LineHeight(Small)
	c.Text((r.Min.X+r.Max.X)/2, r.Min.Y, h.Title, Title, Ink, Center, Top)

	type entry struct {
		name  string
		color color.Color
		mark  bool
	}
	var legend []entry
	var labels []string
	var bars []Bar
	var colors []color.Color
	for _, g := range h.Groups {
		if len(g.Bars) == 0 {
			continue
		}
		legend = append(legend, entry{name: g.Name, color: g.Color})
		for _, b := range g.Bars {
			labels = append(labels, b.Label)
			bars = append(bars, b)
			colors = append(colors, g.Color)
		}
	}
	for _, m := range h.Marks {
		legend = append(legend, entry{name: m.Name, color: m.Color, mark: true})
	}

	// The legend: a row an entry, right-aligned above the bars.
	const swatch = 12
	legendW := 0
	for _, e := range legend {
		legendW = max(legendW, c.TextWidth(e.name, Small))
	}
	legendW = min(legendW, r.Dx()*2/3)
	y := r.Min.Y + titleH + pad
	for _, e := range legend {
		x := r.Max.X - pad - legendW - pad - swatch
		mid := y + lineH/2
		if e.mark {
			c.DashedHLine(x, x+swatch-1, mid-1, e.color)
		} else {
			c.Fill(image.Rect(x, mid-swatch/2, x+swatch, mid-swatch/2+swatch), e.color)
		}
		c.Text(x+swatch+pad, mid, c.Fit(e.name, Small, legendW), Small, Ink, Left, Middle)
		y += lineH
	}

	share := h.MaxLabel
	if share <= 0 {
		share = 1.0 / 3
	}
	maxLabel := int(share * float64(r.Dx()))
	left := 0
	for i, l := range labels {
		labels[i] = c.Fit(l, Small, maxLabel)
		left = max(left, c.TextWidth(labels[i], Small))
	}
	bottom := tickLen + lineH + pad
	if h.XLabel != "" {
		bottom += lineH
	}
	area := image.Rect(r.Min.X+left+tickLen+pad, y+pad, r.Max.X-pad, r.Max.Y-bottom)
	f := Frame{Area: area, Top: h.Max}

	_, ticks := valueTicks(h.Max, 5, false)
	for _, t := range ticks {
		x := f.X(t.At)
		if x > area.Min.X && x < area.Max.X {
			c.VLine(x, area.Min.Y, area.Max.Y-1, Grid)
		}
		c.VLine(x, area.Max.Y, area.Max.Y+tickLen, Axis)
		c.Text(x, area.Max.Y+tickLen+1, t.Label, Small, Ink, Center, Top)
	}
	if h.XLabel != "" {
		c.Text((area.Min.X+area.Max.X)/2, area.Max.Y+tickLen+1+lineH, h.XLabel, Small, Muted, Center, Top)
	}

	n := len(bars)
	row := float64(area.Dy()) / float64(max(n, 1))
	thick := max(1, min(int(row*0.7), 18))
	// Label every k-th bar when rows are thinner than a line of text.
	k := max(1, int(math.Ceil(float64(lineH)/row)))
	for i, b := range bars {
		mid := area.Min.Y + int(math.Round(row*(float64(i)+0.5)))
		y0 := mid - thick/2
		c.Fill(image.Rect(area.Min.X, y0, f.X(b.Value), y0+thick), colors[i])
		if i%k == 0 {
			c.HLine(area.Min.X-tickLen, area.Min.X-1, mid, Axis)
			c.Text(area.Min.X-tickLen-2, mid, labels[i], Small, Ink, Right, Middle)
		}
	}
	for _, m := range h.Marks {
		c.DashedVLine(f.X(m.At), area.Min.Y, area.Max.Y-1, m.Color)
	}
	c.VLine(area.Min.X-1, area.Min.Y, area.Max.Y, Axis)
	c.HLine(area.Min.X-1, area.Max.X-1, area.Max.Y, Axis)
	return f
}

// valueTicks are about n evenly spaced ticks from 0 to the first tick at
// or above peak (at least 1), at steps of 1, 2, 2.5 or 5 times a power of ten
// (at least 1 when whole); top is the last tick.
func valueTicks(peak float64, n int, whole bool) (top float64, ticks []Tick) {
	if !(peak > 0) || math.IsInf(peak, 0) {
		peak = 1
	}
	raw := peak / float64(n)
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * pow
	for _, m := range []float64{1, 2, 2.5, 5} {
		if whole && m*pow != math.Trunc(m*pow) {
			continue
		}
		if m*pow >= raw*(1-1e-9) {
			step = m * pow
			break
		}
	}
	if whole {
		step = max(step, 1)
	}
	count := int(math.Ceil(peak/step - 1e-9))
	// As many decimals as the step has (2.5 × 10⁻² has 3).
	decimals := 0
	for e := 1.0; math.Abs(step*e-math.Round(step*e)) > 1e-9*step*e && decimals < 12; e *= 10 {
		decimals++
	}
	for i := 0; i <= count; i++ {
		v := float64(i) * step
		ticks = append(ticks, Tick{At: v, Label: strconv.FormatFloat(v, 'f', decimals, 64)})
	}
	return float64(count) * step, ticks
}
