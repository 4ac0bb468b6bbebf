// Package chart draws simple charts into an image: vertical bars (one
// value a slot, labelled ticks), horizontal bars in coloured groups with a
// legend and a dashed mark, axes, ticks and text. Text is set in Go Regular
// (golang.org/x/image/font/gofont), which covers Latin, Greek and Cyrillic;
// the font is parsed the first time a Canvas is made, never at init, so
// that a program linking chart pays nothing until it draws.
package chart

import (
	"image"
	"image/color"
	"image/draw"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Size is a text size.
type Size int

const (
	Small  Size = iota // tick labels, legend
	Normal             // axis labels
	Title              // chart titles
)

// points is each Size in points at 96 dpi.
var points = [...]float64{Small: 10, Normal: 11, Title: 13}

// HAlign places text left, centre or right of its anchor.
type HAlign int

const (
	Left HAlign = iota
	Center
	Right
)

// VAlign places text's line below, around or above its anchor.
type VAlign int

const (
	Top VAlign = iota
	Middle
	Bottom
)

// Colours used for axes, grid lines and text.
var (
	Ink   = color.Gray{Y: 30}
	Axis  = color.Gray{Y: 90}
	Grid  = color.Gray{Y: 225}
	Muted = color.Gray{Y: 100}
)

// palette is gonum/plot's soft colours, for continuity with earlier plots.
var palette = []color.RGBA{
	{241, 90, 96, 255},
	{122, 195, 106, 255},
	{90, 155, 212, 255},
	{250, 167, 91, 255},
	{158, 111, 171, 255},
	{206, 112, 88, 255},
	{215, 127, 180, 255},
}

// Color is the i-th colour of a palette of distinct colours (it repeats).
func Color(i int) color.RGBA {
	return palette[((i%len(palette))+len(palette))%len(palette)]
}

var goRegular = sync.OnceValues(func() (*opentype.Font, error) {
	return opentype.Parse(goregular.TTF)
})

// Canvas is an RGBA image with the faces to write on it. It is not safe
// for concurrent use.
type Canvas struct {
	img   *image.RGBA
	faces [len(points)]font.Face
}

// New is a w×h canvas filled with bg.
func New(w, h int, bg color.Color) (*Canvas, error) {
	f, err := goRegular()
	if err != nil {
		return nil, err
	}
	c := &Canvas{img: image.NewRGBA(image.Rect(0, 0, w, h))}
	for i, pt := range points {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: 96, Hinting: font.HintingFull})
		if err != nil {
			return nil, err
		}
		c.faces[i] = face
	}
	c.Fill(c.img.Rect, bg)
	return c, nil
}

// Image is the canvas's image.
func (c *Canvas) Image() *image.RGBA { return c.img }

// Bounds is the canvas's rectangle.
func (c *Canvas) Bounds() image.Rectangle { return c.img.Rect }

// Fill paints r with col.
func (c *Canvas) Fill(r image.Rectangle, col color.Color) {
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

// HLine draws a 1-pixel horizontal line from x0 to x1 (inclusive) at y.
func (c *Canvas) HLine(x0, x1, y int, col color.Color) {
	c.Fill(image.Rect(min(x0, x1), y, max(x0, x1)+1, y+1), col)
}

// VLine draws a 1-pixel vertical line from y0 to y1 (inclusive) at x.
func (c *Canvas) VLine(x, y0, y1 int, col color.Color) {
	c.Fill(image.Rect(x, min(y0, y1), x+1, max(y0, y1)+1), col)
}

// Dash is the pattern of dashed lines: on pixels, then off pixels.
const dashOn, dashOff = 5, 3

// DashedVLine draws a dashed vertical line from y0 down to y1 at x, 2
// pixels wide (x and x+1).
func (c *Canvas) DashedVLine(x, y0, y1 int, col color.Color) {
	for y := min(y0, y1); y <= max(y0, y1); y += dashOn + dashOff {
		c.Fill(image.Rect(x, y, x+2, min(y+dashOn, max(y0, y1)+1)), col)
	}
}

// DashedHLine draws a dashed horizontal line from x0 to x1 at y, 2
// pixels thick (y and y+1).
func (c *Canvas) DashedHLine(x0, x1, y int, col color.Color) {
	for x := min(x0, x1); x <= max(x0, x1); x += dashOn + dashOff {
		c.Fill(image.Rect(x, y, min(x+dashOn, max(x0, x1)+1), y+2), col)
	}
}

// LineHeight is the height in pixels of a line of text of size s.
func (c *Canvas) LineHeight(s Size) int {
	return c.faces[s].Metrics().Height.Ceil()
}

// TextWidth is the width in pixels of s set in size sz.
func (c *Canvas) TextWidth(s string, sz Size) int {
	return font.MeasureString(c.faces[sz], s).Ceil()
}

// Fit is s, cut and ended with "…" if needed, so that it is at most w
// pixels wide in size sz.
func (c *Canvas) Fit(s string, sz Size, w int) string {
	if c.TextWidth(s, sz) <= w {
		return s
	}
	for s != "" {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
		if c.TextWidth(s+"…", sz) <= w {
			return s + "…"
		}
	}
	return ""
}

// Text writes s in size sz and colour col, placed at (x, y) as h and v say:
// Left/Top puts the top left corner of its line at (x, y).
func (c *Canvas) Text(x, y int, s string, sz Size, col color.Color, h HAlign, v VAlign) {
	face := c.faces[sz]
	m := face.Metrics()
	switch h {
	case Center:
		x -= c.TextWidth(s, sz) / 2
	case Right:
		x -= c.TextWidth(s, sz)
	}
	top := y
	switch v {
	case Middle:
		top = y - m.Height.Ceil()/2
	case Bottom:
		top = y - m.Height.Ceil()
	}
	// The baseline sits the ascent below the top, with the line's leading
	// split above and below.
	lead := m.Height - m.Ascent - m.Descent
	base := fixed.I(top) + lead/2 + m.Ascent
	d := font.Drawer{
		Dst:  c.img,
		Src:  image.NewUniform(col),
		Face: face,
		Dot:  fixed.Point26_6{X: fixed.I(x), Y: fixed.I(base.Round())},
	}
	d.DrawString(s)
}

// Stack splits r into n rows of equal height, gap pixels apart.
func Stack(r image.Rectangle, n, gap int) []image.Rectangle {
	if n <= 0 {
		return nil
	}
	h := (r.Dy() - gap*(n-1)) / n
	rows := make([]image.Rectangle, n)
	for i := range rows {
		y := r.Min.Y + i*(h+gap)
		rows[i] = image.Rect(r.Min.X, y, r.Max.X, y+h)
	}
	return rows
}
