package screen

import (
	"fmt"
	"github.com/flash-srs/flash/cmd/flash/internal/show"
	"math"
	"sort"
	"strings"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/sims"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// deriveView is the body of a derive card: the front and an answer box;
// after Ctrl-R, side by side, the learner's answer, the simulation (the
// comparison, its numbers and report, a chart) and the card's back.
type deriveView struct {
	ui     *reviewUI
	root   *tview.Flex // rows: front, then the answer box or the results
	front  *pane
	answer *answerBox

	results *tview.Flex // columns, built by layout for the width
	right   *tview.Flex // sim over chart
	mine    *pane
	sim     *pane
	back    *pane
	chart   *seriesChart
	cols    int // column count results was last built with; 0: not built

	typed  string // the learner's answer, stored with the rating
	shown  bool   // the results are on screen
	res    *sims.Result
	simErr error
}

func newDeriveView(ui *reviewUI) *deriveView {
	dv := &deriveView{ui: ui}
	dv.front = newPane()
	dv.front.SetBorderPadding(0, 0, 1, 1)
	dv.answer = &answerBox{TextArea: tview.NewTextArea().
		SetPlaceholder("Work it out, then press Enter and type your answer here (a number where the card asks for one).").
		SetSelectedStyle(styleText.Reverse(true)).
		SetPlaceholderStyle(styleDim)}
	dv.answer.SetBorder(true).SetTitleAlign(tview.AlignLeft)
	dv.mine = newBorderedPane(" Your answer ")
	dv.sim = newBorderedPane(" Simulation ")
	dv.back = newBorderedPane(" Card's answer ")
	dv.chart = &seriesChart{Box: tview.NewBox()}
	dv.chart.SetBorder(true).SetTitle(" Chart ").SetTitleAlign(tview.AlignLeft)
	dv.right = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(dv.sim, 0, 1, true).
		AddItem(dv.chart, 5, 0, false)
	dv.results = tview.NewFlex()
	dv.root = tview.NewFlex().SetDirection(tview.FlexRow)
	return dv
}

// reset shows cur's front and an answer box holding answer.
func (dv *deriveView) reset(cur *session.Card, answer string) {
	dv.typed, dv.shown, dv.res, dv.simErr = "", false, nil, nil
	dv.front.SetText("[::b]" + tview.Escape(strings.TrimSpace(cur.Card.Front)) + "[::-]")
	dv.front.ScrollToBeginning()
	dv.answer.SetText(answer, true)
	dv.root.Clear().
		AddItem(dv.front, 3, 0, false).
		AddItem(dv.answer, 0, 1, true)
}

// clear forgets the derive card (a basic card or nothing is on screen).
func (dv *deriveView) clear() {
	dv.typed, dv.shown, dv.res, dv.simErr = "", false, nil, nil
}

// active reports whether a derive card's results are on screen.
func (dv *deriveView) active() bool { return dv.shown }

// layout sizes the view for a body w wide and h high.
func (dv *deriveView) layout(w, h int) {
	if dv.ui.cur == nil || !isDerive(dv.ui.cur.Card) {
		return
	}
	if dv.answer.HasFocus() {
		dv.answer.SetTitle(" Your answer · Ctrl-R runs the simulation ")
	} else {
		dv.answer.SetTitle(" Your answer · Enter to type ")
	}
	lines := len(wrapTagged(tview.Escape(strings.TrimSpace(dv.ui.cur.Card.Front)), w-2))
	fh := min(lines+1, max(2, h/3))
	dv.root.ResizeItem(dv.front, fh, 0)
	if !dv.shown {
		return
	}
	cols := 2
	if w >= 120 {
		cols = 3
	}
	if cols != dv.cols {
		dv.cols = cols
		dv.results.Clear()
		if cols == 3 {
			dv.results.AddItem(dv.mine, 0, 1, false).AddItem(dv.right, 0, 2, false).AddItem(dv.back, 0, 1, false)
		} else {
			left := tview.NewFlex().SetDirection(tview.FlexRow).
				AddItem(dv.mine, 0, 1, false).
				AddItem(dv.back, 0, 1, false)
			dv.results.AddItem(left, 0, 2, false).AddItem(dv.right, 0, 3, false)
		}
	}
	n := 1
	if dv.res != nil {
		n = max(len(dv.res.Series), 1)
	}
	ch := min(n+2, 10, max(3, (h-fh)/2))
	dv.right.ResizeItem(dv.chart, ch, 0)
}

// runSim runs the derive card's simulation in the background with the
// card's params; the result is shown when it arrives, unless the card has
// left the screen by then.
func (ui *reviewUI) runSim() {
	if ui.mode != modeDerive || ui.cur == nil {
		return
	}
	ui.dv.typed = strings.TrimSpace(ui.dv.answer.GetText())
	ui.mode = modeRunning
	ui.setFocus(ui.dv.front)
	ui.updateBar()
	gen, card := ui.gen, ui.cur.Card
	go func() {
		res, err := safeRunCardSim(card)
		ui.calls.post(func() {
			if ui.gen != gen || ui.mode != modeRunning {
				return
			}
			ui.showResult(res, err)
		})
	}()
}

// safeRunCardSim is runCardSim with a panic turned into an error: a bug in a
// simulation must not take the review (and the terminal) down.
func safeRunCardSim(card deck.Card) (res *sims.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("simulation %s crashed: %v", card.Sim.Kind, p)
		}
	}()
	return show.RunCardSim(card)
}

// showResult puts the simulation's result next to the learner's answer and
// the card's back, and lets the learner rate.
func (ui *reviewUI) showResult(res *sims.Result, err error) {
	dv := ui.dv
	dv.res, dv.simErr, dv.shown = res, err, true
	card := ui.cur.Card

	if dv.typed == "" {
		dv.mine.SetText(dim("(no answer typed)"))
	} else {
		dv.mine.SetText(tview.Escape(dv.typed))
	}
	dv.back.SetText(tview.Escape(strings.TrimSpace(card.Back)))
	dv.sim.SetTitle(" Simulation · " + tview.Escape(card.Sim.Kind) + " ")
	dv.sim.SetText(simReport(card.Sim, dv.typed, res, err))
	dv.sim.ScrollToBeginning()
	dv.mine.ScrollToBeginning()
	dv.back.ScrollToBeginning()
	dv.chart.series = nil
	if res != nil {
		dv.chart.series = res.Series
	}
	dv.root.Clear().
		AddItem(dv.front, 3, 0, false).
		AddItem(dv.results, 0, 1, true)
	dv.cols = 0 // rebuilt by layout

	ui.mode = modeBack
	ui.setFocus(dv.sim)
	ui.updateBar()
}

// simReport is the simulation pane: what to check, the comparison with the
// learner's number, the named numbers, then the simulation's own report.
func simReport(sim *deck.Sim, answer string, res *sims.Result, err error) string {
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "%s %s\n", paint(colorError, "b", "The simulation failed:"), tview.Escape(err.Error()))
		return b.String()
	}
	for _, cmp := range show.Compare(sim, answer, res.Numbers) {
		if cmp.Note != "" {
			fmt.Fprintf(&b, "%s %s\n", dim("Check "+tview.Escape(cmp.Name)+":"), tview.Escape(cmp.Note))
		}
		if !cmp.HasSim || !cmp.Mine.OK {
			fmt.Fprintf(&b, "%s\n", dim(tview.Escape(cmp.String())))
			continue
		}
		color := colorError
		switch cmp.Verdict() {
		case "close":
			color = colorOK
		case "roughly":
			color = colorWarn
		}
		fmt.Fprintf(&b, "%s\n", paint(color, "b", tview.Escape(cmp.String())+" ("+cmp.Verdict()+")"))
	}
	if len(res.Numbers) > 0 {
		names := make([]string, 0, len(res.Numbers))
		nw := 0
		for n := range res.Numbers {
			names = append(names, n)
			nw = max(nw, show.Width(n))
		}
		sort.Strings(names)
		nw = min(nw, 24)
		b.WriteString("\n")
		for _, n := range names {
			fmt.Fprintf(&b, "%s %s\n", paint(colorAccent, "", tview.Escape(fmt.Sprintf("%-*s", nw, n))), show.FmtNum(res.Numbers[n]))
		}
	}
	if text := strings.TrimRight(res.Text, "\n"); text != "" {
		fmt.Fprintf(&b, "\n%s\n", tview.Escape(text))
	}
	return b.String()
}

// nextPane moves the focus to the next (or previous) pane of the results.
func (dv *deriveView) nextPane(back bool) {
	panes := []tview.Primitive{dv.mine, dv.sim, dv.back}
	i := 0
	for j, p := range panes {
		if p.HasFocus() {
			i = j
		}
	}
	if back {
		i = (i + len(panes) - 1) % len(panes)
	} else {
		i = (i + 1) % len(panes)
	}
	dv.ui.setFocus(panes[i])
}

func (ui *reviewUI) leaveAnswer() { ui.setFocus(ui.dv.front) }
func (ui *reviewUI) editAnswer()  { ui.setFocus(ui.dv.answer) }

// ---- chart ---------------------------------------------------------------

// seriesChart draws each series of a simulation as a one-row sparkline with
// its name and its first and last values. Each series has its own scale
// (logarithmic when it spans more than three decades of positive values),
// so that the shape shows even when the series differ in size.
type seriesChart struct {
	*tview.Box
	series []sims.Series
}

var chartColors = []tcell.Color{tcell.ColorTeal, tcell.ColorOlive, tcell.ColorPurple, tcell.ColorGreen, tcell.ColorBlue, tcell.ColorMaroon}

func (c *seriesChart) Draw(screen tcell.Screen) {
	c.DrawForSubclass(screen, c)
	x, y, w, h := c.GetInnerRect()
	x, w = x+1, w-2
	if w < 8 || h < 1 {
		return
	}
	if len(c.series) == 0 {
		put(screen, x, y, w, "no chart for this simulation", styleDim)
		return
	}
	rows := len(c.series)
	if rows > h {
		rows = h
		if h >= 3 {
			rows = h - 1
			put(screen, x, y+h-1, w, fmt.Sprintf("+%d more series in the report", len(c.series)-rows), styleDim)
		}
	}
	// Columns: name | sparkline | first→last, the same for every row.
	names := make([]string, rows)
	ranges := make([]string, rows)
	nameW, rangeW := 0, 0
	for i, s := range c.series[:rows] {
		names[i] = shortName(s.Name, max(6, w/4))
		if first, last, ok := endpoints(s.Y); ok {
			ranges[i] = shortNum(first) + "→" + shortNum(last)
			if logScaled(s.Y) {
				ranges[i] += " log"
			}
		}
		nameW = max(nameW, show.Width(names[i]))
		rangeW = max(rangeW, show.Width(ranges[i]))
	}
	sw := w - nameW - 1 - rangeW - 1
	if sw < 8 {
		rangeW, sw = 0, w-nameW-1
	}
	for i, s := range c.series[:rows] {
		color := chartColors[i%len(chartColors)]
		put(screen, x, y+i, nameW, names[i], styleText.Foreground(color))
		put(screen, x+nameW+1, y+i, sw, sparkline(s.Y, sw), styleText.Foreground(color))
		if rangeW > 0 {
			put(screen, x+nameW+1+sw+1, y+i, rangeW, ranges[i], styleDim)
		}
	}
}

// shortName fits a series name into w cells, dropping what follows a
// comma first ("|q1ᵀr(t)|, λ = 1.685" → "|q1ᵀr(t)|").
func shortName(name string, w int) string {
	if show.Width(name) > w {
		if i := strings.Index(name, ", "); i > 0 {
			name = name[:i]
		}
	}
	return show.Fit(name, w)
}

// sparkBlocks are the eight heights of a sparkline cell.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// logScaled reports whether a sparkline of ys uses a log scale: when every
// finite value is positive and they span more than three decades.
func logScaled(ys []float64) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range ys {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if v <= 0 {
			return false
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return hi > lo && hi/lo > 1e3
}

// sparkline resamples ys to width cells (the mean of each cell's share of
// the points; non-finite values are skipped) and draws them as blocks,
// scaled from the lowest to the highest cell; see logScaled for the scale.
func sparkline(ys []float64, width int) string {
	if width <= 0 || len(ys) == 0 {
		return ""
	}
	cells := make([]float64, width)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range width {
		from := i * len(ys) / width
		to := max((i+1)*len(ys)/width, from+1)
		sum, n := 0.0, 0
		for _, v := range ys[from:min(to, len(ys))] {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				sum += v
				n++
			}
		}
		if n == 0 {
			cells[i] = math.NaN()
			continue
		}
		cells[i] = sum / float64(n)
		lo, hi = math.Min(lo, cells[i]), math.Max(hi, cells[i])
	}
	if math.IsInf(lo, 1) {
		return strings.Repeat(" ", width)
	}
	scale := func(v float64) float64 { return v }
	if logScaled(ys) && lo > 0 {
		scale = math.Log10
	}
	slo, shi := scale(lo), scale(hi)
	var b strings.Builder
	for _, v := range cells {
		switch {
		case math.IsNaN(v):
			b.WriteRune(' ')
		case shi == slo:
			b.WriteRune(sparkBlocks[3])
		default:
			k := int(math.Round((scale(v) - slo) / (shi - slo) * float64(len(sparkBlocks)-1)))
			b.WriteRune(sparkBlocks[min(max(k, 0), len(sparkBlocks)-1)])
		}
	}
	return b.String()
}

// endpoints returns the first and last finite values of ys.
func endpoints(ys []float64) (first, last float64, ok bool) {
	i, j := 0, len(ys)-1
	for i <= j && (math.IsNaN(ys[i]) || math.IsInf(ys[i], 0)) {
		i++
	}
	for j >= i && (math.IsNaN(ys[j]) || math.IsInf(ys[j], 0)) {
		j--
	}
	if i > j {
		return 0, 0, false
	}
	return ys[i], ys[j], true
}

// shortNum formats x in a few characters: 0.12, 12, 1.2e-05, 3e+02.
func shortNum(x float64) string {
	return fmt.Sprintf("%.2g", x)
}
