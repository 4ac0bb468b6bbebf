package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

var white = color.Gray{Y: 255}

func newCanvas(t *testing.T, w, h int) *Canvas {
	t.Helper()
	c, err := New(w, h, white)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func same(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// inked counts the pixels of r that are not white.
func inked(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if !same(img.At(x, y), white) {
				n++
			}
		}
	}
	return n
}

// column is the run of pixels of colour col in column x, bottom up from
// y (exclusive): its height.
func column(img image.Image, x, y int, col color.Color) int {
	h := 0
	for y--; y >= img.Bounds().Min.Y && same(img.At(x, y), col); y-- {
		h++
	}
	return h
}

// row is the run of pixels of colour col in row y rightwards from x: its
// length.
func row(img image.Image, x, y int, col color.Color) int {
	n := 0
	for ; x < img.Bounds().Max.X && same(img.At(x, y), col); x++ {
		n++
	}
	return n
}

func TestBars_HeightsFollowValues(t *testing.T) {
	c := newCanvas(t, 600, 400)
	vals := []float64{10, 20, 0, 40, 5}
	b := Bars{Title: "Reviews", YLabel: "reviews", Values: vals, Color: Color(0), Whole: true,
		Ticks: []Tick{{At: 0, Label: "today"}, {At: 3, Label: "Dec 7"}}}
	f := b.Draw(c, c.Bounds())
	if f.Top != 40 {
		t.Errorf("top of the value axis %v, want 40", f.Top)
	}
	img := c.Image()
	slot := float64(f.Area.Dx()) / float64(len(vals))
	heights := make([]int, len(vals))
	for i := range vals {
		x := f.Area.Min.X + int(slot*(float64(i)+0.5))
		heights[i] = column(img, x, f.Area.Max.Y, Color(0))
	}
	if heights[2] != 0 {
		t.Errorf("a day without reviews has a bar %d px tall", heights[2])
	}
	if heights[3] != f.Area.Dy() {
		t.Errorf("the peak's bar is %d px tall, want the axis's %d", heights[3], f.Area.Dy())
	}
	// Twice the reviews, twice as tall (within rounding).
	for _, p := range [][2]int{{0, 1}, {1, 3}, {4, 0}} {
		lo, hi := heights[p[0]], heights[p[1]]
		if d := hi - 2*lo; d < -1 || d > 1 {
			t.Errorf("bars %d and %d: %d and %d px; want the second twice the first", p[0], p[1], lo, hi)
		}
	}
	if heights[0] == 0 {
		t.Fatal("no bar drawn")
	}
	// The title above the area, the value labels left of it and the slot
	// labels below it are drawn.
	for name, r := range map[string]image.Rectangle{
		"title":        image.Rect(0, 0, 600, f.Area.Min.Y-c.LineHeight(Small)),
		"value labels": image.Rect(0, f.Area.Min.Y-5, f.Area.Min.X-tickLen-1, f.Area.Max.Y+5),
		"slot labels":  image.Rect(f.Area.Min.X, f.Area.Max.Y+tickLen+1, 600, 400),
	} {
		if inked(img, r) < 20 {
			t.Errorf("%s: nothing drawn in %v", name, r)
		}
	}
}

func TestBars_AllZero(t *testing.T) {
	c := newCanvas(t, 300, 200)
	f := Bars{Title: "none", Values: make([]float64, 30), Color: Color(1), Whole: true}.Draw(c, c.Bounds())
	if f.Top != 1 {
		t.Errorf("empty chart's axis ends at %v, want 1", f.Top)
	}
	for x := f.Area.Min.X; x < f.Area.Max.X; x++ {
		if h := column(c.Image(), x, f.Area.Max.Y, Color(1)); h != 0 {
			t.Fatalf("bar %d px tall at x=%d in an empty chart", h, x)
		}
	}
}

func TestHBars_LengthsLabelsAndMark(t *testing.T) {
	c := newCanvas(t, 800, 400)
	h := HBars{
		Title: "Readiness", XLabel: "%", Max: 100,
		Groups: []Group{
			{Name: "Paper 1", Color: Color(0), Bars: []Bar{{"q1", 50}, {"q2", 100}}},
			{Name: "Статья 2", Color: Color(1), Bars: []Bar{{"вопрос-3", 25}}},
			{Name: "empty paper", Color: Color(2)},
		},
		Marks: []Mark{{At: 90, Name: "desired retention 90%", Color: Muted}},
	}
	f := h.Draw(c, c.Bounds())
	img := c.Image()
	if f.Top != 100 {
		t.Errorf("axis ends at %v, want 100", f.Top)
	}
	// Find each bar by its colour on its row's middle.
	rowH := float64(f.Area.Dy()) / 3
	want := []struct {
		col   color.Color
		value float64
	}{{Color(0), 50}, {Color(0), 100}, {Color(1), 25}}
	for i, w := range want {
		y := f.Area.Min.Y + int(rowH*(float64(i)+0.5))
		got := 0
		for x := f.Area.Min.X; x < f.Area.Max.X; {
			n := row(img, x, y, w.col)
			got += n
			x += max(n, 1)
		}
		wantPx := int(float64(f.Area.Dx())*w.value/100 + 0.5)
		// The dashed mark may cross a bar and hide up to 2 pixels.
		if got < wantPx-3 || got > wantPx+1 {
			t.Errorf("bar %d (%v%%): %d px of colour, want %d (axis %d px)", i, w.value, got, wantPx, f.Area.Dx())
		}
		if end := f.X(w.value); w.value < 100 && !same(img.At(end-1, y), w.col) && !same(img.At(end-1, y), Muted) {
			t.Errorf("bar %d does not reach x=%d", i, end-1)
		}
		if end := f.X(w.value); w.value < 90 && same(img.At(end+1, y), w.col) {
			t.Errorf("bar %d runs past x=%d", i, end)
		}
	}
	// The 50% bar ends at half the axis.
	y0 := f.Area.Min.Y + int(rowH*0.5)
	half := f.Area.Min.X + f.Area.Dx()/2
	if !same(img.At(half-2, y0), Color(0)) || same(img.At(half+2, y0), Color(0)) {
		t.Errorf("the 50%% bar does not end at half the axis (x=%d)", half)
	}
	// The dashed line at 90%: in its column, Muted pixels come and go
	// over the area's height.
	x90 := f.Area.Min.X + int(float64(f.Area.Dx())*0.9+0.5)
	on, changes := 0, 0
	prev := false
	for y := f.Area.Min.Y; y < f.Area.Max.Y; y++ {
		m := same(img.At(x90, y), Muted)
		if m {
			on++
		}
		if y > f.Area.Min.Y && m != prev {
			changes++
		}
		prev = m
	}
	if on < f.Area.Dy()/3 || changes < 10 {
		t.Errorf("dashed line at x=%d: %d of %d pixels drawn, %d changes", x90, on, f.Area.Dy(), changes)
	}
	if same(img.At(x90+5, f.Area.Min.Y+2), Muted) {
		t.Error("the dashed line is wider than 2 pixels")
	}
	// Labels: left of the area (the question ids), below it (ticks), and
	// the legend above it.
	for name, r := range map[string]image.Rectangle{
		"bar labels":  image.Rect(0, f.Area.Min.Y, f.Area.Min.X-tickLen-1, f.Area.Max.Y),
		"tick labels": image.Rect(0, f.Area.Max.Y+tickLen+1, 800, 400),
		"legend":      image.Rect(400, c.LineHeight(Title), 800, f.Area.Min.Y),
	} {
		if inked(img, r) < 20 {
			t.Errorf("%s: nothing drawn in %v", name, r)
		}
	}
	// The legend has a swatch of each non-empty group's colour and none of
	// the empty one's.
	legend := image.Rect(400, c.LineHeight(Title), 800, f.Area.Min.Y)
	for _, g := range h.Groups {
		n := 0
		for y := legend.Min.Y; y < legend.Max.Y; y++ {
			for x := legend.Min.X; x < legend.Max.X; x++ {
				if same(img.At(x, y), g.Color) {
					n++
				}
			}
		}
		if (len(g.Bars) > 0) != (n >= 100) {
			t.Errorf("legend: %d pixels of %q's colour", n, g.Name)
		}
	}
}

// TestText_Cyrillic: Go Regular has Cyrillic glyphs, so two different
// letters draw differently (a missing glyph draws the same box for both).
func TestText_Cyrillic(t *testing.T) {
	draw := func(s string) []byte {
		c := newCanvas(t, 40, 30)
		c.Text(5, 5, s, Title, Ink, Left, Top)
		if inked(c.Image(), c.Bounds()) < 10 {
			t.Errorf("%q: nothing drawn", s)
		}
		return c.Image().Pix
	}
	if bytes.Equal(draw("Ж"), draw("Д")) {
		t.Error("Ж and Д draw the same: no Cyrillic glyphs")
	}
	c := newCanvas(t, 10, 10)
	if w := c.TextWidth("Вопрос", Small); w < 20 {
		t.Errorf("Вопрос is %d px wide", w)
	}
}

func TestFit(t *testing.T) {
	c := newCanvas(t, 10, 10)
	long := "Paper 1: a rather long title about neural tangent kernels"
	got := c.Fit(long, Small, 100)
	if c.TextWidth(got, Small) > 100 || got == long || got[len(got)-len("…"):] != "…" {
		t.Errorf("Fit = %q (%d px)", got, c.TextWidth(got, Small))
	}
	if got := c.Fit("q1", Small, 100); got != "q1" {
		t.Errorf("Fit(q1) = %q", got)
	}
}

func TestValueTicks(t *testing.T) {
	tests := []struct {
		peak  float64
		whole bool
		top   float64
		last  string
	}{
		{19, true, 20, "20"},
		{23, true, 25, "25"},
		{3, true, 3, "3"},
		{0, true, 1, "1"},
		{100, false, 100, "100"},
		{0.7, false, 0.8, "0.8"},
		{1234, true, 1250, "1250"},
		{12, true, 15, "15"}, // not 2.5 steps of counts
		{0.12, false, 0.125, "0.125"},
	}
	for _, tt := range tests {
		top, ticks := valueTicks(tt.peak, 5, tt.whole)
		if top != tt.top || ticks[0].At != 0 || ticks[len(ticks)-1].Label != tt.last {
			t.Errorf("valueTicks(%v) = %v, %v; want top %v, last %q", tt.peak, top, ticks, tt.top, tt.last)
		}
	}
}

func TestStack(t *testing.T) {
	rows := Stack(image.Rect(10, 10, 110, 340), 3, 30)
	want := []image.Rectangle{image.Rect(10, 10, 110, 100), image.Rect(10, 130, 110, 220), image.Rect(10, 250, 110, 340)}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %v, want %v", i, rows[i], want[i])
		}
	}
}

// TestPNG: a drawn canvas encodes as a PNG of its size.
func TestPNG(t *testing.T) {
	c := newCanvas(t, 960, 1248)
	Bars{Title: "x", Values: []float64{1, 2}, Color: Color(0)}.Draw(c, Stack(c.Bounds(), 3, 30)[1])
	var buf bytes.Buffer
	if err := png.Encode(&buf, c.Image()); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 960 || b.Dy() != 1248 {
		t.Errorf("decoded %v", b)
	}
}
