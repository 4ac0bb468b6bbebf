package screen

import (
	"fmt"
	"github.com/flash-srs/flash/cmd/flash/internal/show"
	"strings"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/gdamore/tcell/v2"
	"github.com/open-spaced-repetition/go-fsrs/v3"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"
)

// ---- text helpers --------------------------------------------------------

// put draws text at (x, y) in style st, one grapheme cluster per cell (two
// for wide ones), clipped to maxW cells. Text is drawn as is: no style tags.
// It returns the number of cells drawn.
func put(screen tcell.Screen, x, y, maxW int, text string, st tcell.Style) int {
	drawn, state := 0, -1
	for len(text) > 0 {
		var cluster string
		var w int
		cluster, text, w, state = uniseg.FirstGraphemeClusterInString(text, state)
		if cluster == "\n" || cluster == "\r\n" || cluster == "\t" {
			cluster, w = " ", 1
		}
		if w == 0 {
			continue
		}
		if drawn+w > maxW {
			break
		}
		runes := []rune(cluster)
		for off := w - 1; off > 0; off-- {
			screen.SetContent(x+drawn+off, y, ' ', nil, st)
		}
		screen.SetContent(x+drawn, y, runes[0], runes[1:], st)
		drawn += w
	}
	return drawn
}

// fill paints w cells from (x, y) with spaces in style st.
func fill(screen tcell.Screen, x, y, w int, st tcell.Style) {
	for i := 0; i < w; i++ {
		screen.SetContent(x+i, y, ' ', nil, st)
	}
}

// wrapText breaks text into lines of at most width cells, at the places
// Unicode allows (UAX #14), splitting words longer than a line.
func wrapText(text string, width int) []string {
	width = max(width, 1)
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		var line strings.Builder
		lw, state, rest := 0, -1, para
		for len(rest) > 0 {
			var seg string
			seg, rest, _, state = uniseg.FirstLineSegmentInString(rest, state)
			sw := show.Width(strings.TrimRight(seg, " "))
			if lw > 0 && lw+sw > width {
				lines = append(lines, strings.TrimRight(line.String(), " "))
				line.Reset()
				lw = 0
			}
			for lw == 0 && show.Width(strings.TrimRight(seg, " ")) > width {
				head, tail := show.CutWidth(seg, width)
				if head == "" {
					break
				}
				lines = append(lines, head)
				seg = tail
			}
			line.WriteString(seg)
			lw += show.Width(seg)
		}
		lines = append(lines, strings.TrimRight(line.String(), " "))
	}
	return lines
}

// ignoreMouse is the mouse handler of the widgets that only show things:
// a click on them must not take the focus (from the answer box, or from
// the text that arrow keys scroll).
func ignoreMouse(tview.MouseAction, *tcell.EventMouse, func(p tview.Primitive)) (bool, tview.Primitive) {
	return false, nil
}

func (h *header) MouseHandler() func(tview.MouseAction, *tcell.EventMouse, func(p tview.Primitive)) (bool, tview.Primitive) {
	return ignoreMouse
}

func (l *statusLine) MouseHandler() func(tview.MouseAction, *tcell.EventMouse, func(p tview.Primitive)) (bool, tview.Primitive) {
	return ignoreMouse
}

func (l *keyLine) MouseHandler() func(tview.MouseAction, *tcell.EventMouse, func(p tview.Primitive)) (bool, tview.Primitive) {
	return ignoreMouse
}

func (c *seriesChart) MouseHandler() func(tview.MouseAction, *tcell.EventMouse, func(p tview.Primitive)) (bool, tview.Primitive) {
	return ignoreMouse
}

// ---- header --------------------------------------------------------------

// header shows the deck, the paper and exam question of the card on screen,
// and what is left: new · learning · review.
type header struct {
	*tview.Box
	deckTitle string // when no card is on screen
	cur       *session.Card
	counts    scheduler.Counts
	// exam returns the exam note of a deck ("exam in 12 days"), "" when
	// it has no exam ahead.
	exam func(deckID string) string
}

func newHeader(s *session.Session) *header {
	title := "All decks"
	deckID := ""
	if ds := s.Decks(); len(ds) == 1 {
		title, deckID = ds[0].Title, ds[0].ID
	}
	h := &header{Box: tview.NewBox(), deckTitle: title}
	h.exam = func(id string) string {
		if id == "" {
			id = deckID
		}
		p, _ := s.Exam(id)
		return show.ExamHeader(p, s.Now())
	}
	return h
}

func (h *header) set(cur *session.Card, c scheduler.Counts) { h.cur, h.counts = cur, c }

// questionText is the exam question line: its id, then its text.
func (h *header) questionText() (id, text string) {
	if h.cur == nil || h.cur.Question.ID == "" {
		return "", ""
	}
	return h.cur.Question.ID, strings.Join(strings.Fields(h.cur.Question.Text), " ")
}

// height returns the rows the header needs at width w on a screen sh rows
// high: title and counts, paper, one to three lines of question, a rule.
func (h *header) height(w, sh int) int {
	maxQ := 1
	switch {
	case sh >= 32:
		maxQ = 3
	case sh >= 22:
		maxQ = 2
	}
	id, text := h.questionText()
	n := len(wrapText(id+"  "+text, w-2))
	return 3 + min(max(n, 1), maxQ)
}

func (h *header) Draw(screen tcell.Screen) {
	h.DrawForSubclass(screen, h)
	x0, y, w0, hh := h.GetInnerRect()
	if w0 < 4 || hh < 2 {
		return
	}
	x, w := x0+1, w0-2

	// Row 0: deck title; the counts on the right.
	segs := h.countSegments(true)
	if segWidth(segs) > w/2 {
		segs = h.countSegments(false)
	}
	cw := segWidth(segs)
	drawSegments(screen, x+w-cw, y, cw, segs)
	title := h.deckTitle
	deckID := ""
	if h.cur != nil {
		title, deckID = h.cur.Deck.Title, h.cur.Deck.ID
	}
	tw := w - cw - 2
	if note := h.exam(deckID); note != "" && tw > show.Width(note)+12 {
		// The exam note right after the title, which gives way.
		nw := show.Width(note) + 3
		t := show.Fit(title, tw-nw)
		n := put(screen, x, y, tw, t, styleBold)
		put(screen, x+n, y, tw-n, " · "+note, styleText.Foreground(colorAccent).Bold(true))
	} else {
		put(screen, x, y, tw, show.Fit(title, tw), styleBold)
	}

	// Row 1: paper; the card id (and its flag) on the right.
	if h.cur != nil {
		right := []segment{{h.cur.Card.ID, styleDim}}
		if h.cur.State.Flagged {
			right = append([]segment{{"⚑ flagged ", styleText.Foreground(colorWarn).Bold(true)}}, right...)
		}
		if isDerive(h.cur.Card) {
			right = append([]segment{{"derive ", styleText.Foreground(colorAccent)}}, right...)
		}
		rw := min(segWidth(right), w/2)
		drawSegments(screen, x+w-rw, y+1, rw, right)
		put(screen, x, y+1, w-rw-2, show.Fit(h.cur.Question.Paper, w-rw-2), styleDim.Italic(true))
	}

	// Question lines, then a rule.
	qRows := hh - 3
	if id, text := h.questionText(); id != "" && qRows > 0 {
		lines := wrapText(id+"  "+text, w)
		if len(lines) > qRows {
			lines = lines[:qRows]
			lines[qRows-1] = show.Fit(lines[qRows-1]+" …", w)
		}
		for i, line := range lines {
			if i == 0 && strings.HasPrefix(line, id) {
				n := put(screen, x, y+2, w, id, styleText.Foreground(colorAccent).Bold(true))
				put(screen, x+n, y+2, w-n, line[len(id):], styleText)
				continue
			}
			put(screen, x, y+2+i, w, line, styleText)
		}
	}
	put(screen, x0, y+hh-1, w0, strings.Repeat("─", w0), styleDim)
}

// countSegments renders the counts, colored as in Anki; the kind of the
// card on screen is underlined.
func (h *header) countSegments(long bool) []segment {
	kind := -1
	if h.cur != nil {
		switch h.cur.Item.Card.State {
		case fsrs.New:
			kind = 0
		case fsrs.Learning, fsrs.Relearning:
			kind = 1
		default:
			kind = 2
		}
	}
	names := [3]string{"new", "learning", "review"}
	colors := [3]tcell.Color{colorNew, colorLearning, colorReview}
	vals := [3]int{h.counts.New, h.counts.Learning, h.counts.Review}
	var segs []segment
	for i := range vals {
		if i > 0 {
			segs = append(segs, segment{" · ", styleDim})
		}
		st := styleBold.Foreground(colors[i])
		if i == kind {
			st = st.Underline(true)
		}
		segs = append(segs, segment{fmt.Sprint(vals[i]), st})
		if long {
			segs = append(segs, segment{" " + names[i], styleText.Foreground(colors[i])})
		}
	}
	return segs
}

// segment is a run of text in one style.
type segment struct {
	text string
	st   tcell.Style
}

func segWidth(segs []segment) int {
	n := 0
	for _, s := range segs {
		n += show.Width(s.text)
	}
	return n
}

func drawSegments(screen tcell.Screen, x, y, maxW int, segs []segment) int {
	n := 0
	for _, s := range segs {
		n += put(screen, x+n, y, maxW-n, s.text, s.st)
	}
	return n
}

// ---- status line, key line ----------------------------------------------

// statusLine shows the last message on the left and the session's progress
// on the right.
type statusLine struct {
	*tview.Box
	ui *reviewUI
}

func (l *statusLine) Draw(screen tcell.Screen) {
	l.DrawForSubclass(screen, l)
	x, y, w, _ := l.GetInnerRect()
	x, w = x+1, w-2
	s := l.ui.s
	reviewed, spent := s.Progress()
	right := fmt.Sprintf("%d reviewed · %s", reviewed, fmtSpent(spent))
	rw := show.Width(right)
	if rw+20 > w {
		rw, right = 0, ""
	}
	put(screen, x+w-rw, y, rw, right, styleDim)
	put(screen, x, y, w-rw-2, show.Fit(l.ui.msg, w-rw-2), l.ui.msgSt)
}

// keyLine is the help line at the bottom: the keys of the current
// situation, from the key table.
type keyLine struct {
	*tview.Box
	ui *reviewUI
}

func (l *keyLine) Draw(screen tcell.Screen) {
	l.DrawForSubclass(screen, l)
	x, y, w, _ := l.GetInnerRect()
	keys := l.ui.lineKeys()
	entry := func(b binding) []segment {
		return []segment{{b.label, styleBold.Foreground(colorAccent)}, {" " + b.help, styleDim}}
	}
	var segs []segment
	build := func() {
		segs = segs[:0]
		for i, b := range keys {
			if i > 0 {
				segs = append(segs, segment{"   ", styleDim})
			}
			segs = append(segs, entry(b)...)
		}
	}
	build()
	// Too wide: drop entries before the last two ("? keys", "q quit").
	for segWidth(segs) > w-2 && len(keys) > 2 {
		keys = append(keys[:len(keys)-3:len(keys)-3], keys[len(keys)-2:]...)
		build()
	}
	sw := segWidth(segs)
	drawSegments(screen, x+max(0, (w-sw)/2), y, w, segs)
}

// ---- buttons -------------------------------------------------------------

// barButton is one button of the button bar.
type barButton struct {
	label    string // "1 Again"
	hint     string // "10m": above the button, or after the label on one row
	color    tcell.Color
	disabled bool
	action   func()
	x, w     int // where it was last drawn
}

// buttonBar draws a centered row of buttons that respond to clicks. It
// never takes the focus, so a click does not move it out of a text.
type buttonBar struct {
	*tview.Box
	buttons []barButton
}

func (b *buttonBar) set(buttons []barButton) { b.buttons = buttons }

func (b *buttonBar) Draw(screen tcell.Screen) {
	b.DrawForSubclass(screen, b)
	x, y, w, h := b.GetInnerRect()
	n := len(b.buttons)
	if n == 0 || w < n || h < 1 {
		return
	}
	gap := 2
	bw := min(18, (w-2-gap*(n-1))/n)
	if n == 1 {
		bw = min(32, w-2)
	}
	total := n*bw + gap*(n-1)
	bx := x + (w-total)/2
	for i := range b.buttons {
		bt := &b.buttons[i]
		bt.x, bt.w = bx, bw
		label := bt.label
		if h >= 2 && bt.hint != "" {
			put(screen, bx+(bw-show.Width(bt.hint))/2, y+h-2, bw, bt.hint, styleDim)
		} else if bt.hint != "" {
			label += " · " + bt.hint
		}
		st := styleText.Foreground(bt.color).Reverse(true).Bold(true)
		if bt.disabled {
			st = styleDim.Reverse(true)
		}
		fill(screen, bx, y+h-1, bw, st)
		label = show.Fit(label, bw)
		put(screen, bx+(bw-show.Width(label))/2, y+h-1, bw, label, st)
		bx += bw + gap
	}
}

func (b *buttonBar) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return b.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, _ func(p tview.Primitive)) (bool, tview.Primitive) {
		mx, my := event.Position()
		if !b.InRect(mx, my) {
			return false, nil
		}
		for _, bt := range b.buttons {
			if mx >= bt.x && mx < bt.x+bt.w {
				// Two quick clicks (Show answer, then a rating) arrive as a
				// double click: it is a click on this button too.
				click := action == tview.MouseLeftClick || action == tview.MouseLeftDoubleClick
				if click && !bt.disabled && bt.action != nil {
					bt.action()
				}
				return true, nil
			}
		}
		return action == tview.MouseLeftDown || action == tview.MouseLeftClick || action == tview.MouseLeftDoubleClick, nil
	})
}

// updateBar puts the buttons of the current mode in the bar: "Show answer"
// on a front, the four ratings with their intervals on a back.
func (ui *reviewUI) updateBar() {
	var bs []barButton
	switch ui.mode {
	case modeFront:
		bs = []barButton{{label: "Show answer  Space", color: colorAccent, action: ui.reveal}}
	case modeDerive:
		bs = []barButton{{label: "Run simulation  Ctrl-R", color: colorAccent, action: ui.runSim}}
	case modeRunning:
		bs = []barButton{{label: "Running the simulation…", disabled: true}}
	case modeBack:
		for i := range 4 {
			r := fsrs.Rating(i + 1)
			bs = append(bs, barButton{
				label:  fmt.Sprintf("%d %s", i+1, ratingNames[i]),
				hint:   scheduler.FormatInterval(ui.cur.Preview[i].Interval),
				color:  ratingColors[i],
				action: func() { ui.msg = ""; ui.rate(r) },
			})
		}
	}
	ui.bar.set(bs)
}

// ---- centered box --------------------------------------------------------

// centered draws its item in a box of at most w×h cells in the middle of
// its own area, and passes focus, keys and mouse on to it.
type centered struct {
	*tview.Box
	item tview.Primitive
	w, h int
}

func (c *centered) size(w, h int) { c.w, c.h = w, h }

func (c *centered) Draw(screen tcell.Screen) {
	x, y, w, h := c.GetRect()
	iw, ih := min(c.w, w), min(c.h, h)
	c.item.SetRect(x+(w-iw)/2, y+(h-ih)/2, iw, ih)
	c.item.Draw(screen)
}

func (c *centered) Focus(delegate func(p tview.Primitive)) { delegate(c.item) }
func (c *centered) HasFocus() bool                         { return c.item.HasFocus() }
func (c *centered) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return c.item.InputHandler()
}
func (c *centered) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return c.item.MouseHandler()
}
