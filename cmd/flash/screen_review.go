package main

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/gdamore/tcell/v2"
	"github.com/open-spaced-repetition/go-fsrs/v3"
	"github.com/rivo/tview"
)

// screenOptions are the knobs of the review screen that tests turn.
type screenOptions struct {
	tick time.Duration // how often runTicker looks at the clock; 0 means tickEvery
}

// mode is what the review screen is showing.
type mode int

const (
	modeFront   mode = iota // a basic card, its back hidden
	modeDerive              // a derive card: front and the answer box
	modeRunning             // a derive card whose simulation is running
	modeBack                // a card with its back (and simulation) shown: rate it
	modeEmpty               // nothing is due now
	modeSummary             // the session is over
)

// reviewUI is the review screen: a tview primitive that drives a session.
// All its methods run on the tview event loop; goroutines (the ticker, a
// running simulation, a signal) reach it only through calls.post, which
// never waits for the loop.
type reviewUI struct {
	*tview.Pages // the root: "main", "summary", and "help" on top

	app   *tview.Application
	calls *loopCalls
	s     *session.Session
	opts  screenOptions
	keys  []binding

	mode   mode
	cur    *session.Card
	counts scheduler.Counts
	helpOn bool
	small  bool // the last draw found the terminal too small
	msg    string
	msgSt  tcell.Style
	gen    int              // bumped for every card shown; stale simulation results are dropped
	final  *session.Summary // set when the session ends
	err    error            // a storage error the learner saw; returned on exit
	focus  tview.Primitive
	drafts map[string]string // derive answers typed on cards that left unrated, by card key

	main    *tview.Flex
	header  *header
	body    *tview.Pages // "card", "derive", "empty"
	card    *pane
	empty   *tview.TextView
	dv      *deriveView
	status  *statusLine
	bar     *buttonBar
	keyline *keyLine
	sumView *pane
	sumBox  *centered
	helpBox *centered
	helpTV  *pane

	cardWidth int // text width the card view was last rendered for
	helpWidth int // text width the help was last rendered for
}

// newReviewScreen builds the review screen for s on app, whose screen is
// screen, and shows the first due card. It installs its key table as app's
// input capture (so Ctrl-C ends the session through the summary instead of
// killing tview); the caller sets the returned primitive as app's root,
// runs app, and calls ui.calls.end when Run returns.
func newReviewScreen(app *tview.Application, screen tcell.Screen, s *session.Session, opts screenOptions) *reviewUI {
	applyTheme()
	if opts.tick <= 0 {
		opts.tick = tickEvery
	}
	ui := &reviewUI{app: app, calls: &loopCalls{screen: screen}, s: s, opts: opts, Pages: tview.NewPages()}
	ui.keys = keyTable()

	ui.header = newHeader(s)
	ui.card = newPane()
	ui.empty = tview.NewTextView().SetDynamicColors(true).SetWordWrap(true).SetTextAlign(tview.AlignCenter)
	ui.dv = newDeriveView(ui)
	ui.body = tview.NewPages().
		AddPage("card", ui.card, true, true).
		AddPage("derive", ui.dv.root, true, false).
		AddPage("empty", ui.empty, true, false)
	ui.status = &statusLine{Box: tview.NewBox(), ui: ui}
	ui.bar = &buttonBar{Box: tview.NewBox()}
	ui.keyline = &keyLine{Box: tview.NewBox(), ui: ui}
	ui.main = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(ui.header, 4, 0, false).
		AddItem(ui.body, 0, 1, true).
		AddItem(ui.status, 1, 0, false).
		AddItem(ui.bar, 2, 0, false).
		AddItem(ui.keyline, 1, 0, false)

	ui.sumView = newBorderedPane(" Session finished ")
	ui.sumView.SetTitleAlign(tview.AlignCenter).SetBorderPadding(1, 1, 2, 2)
	ui.sumBox = &centered{Box: tview.NewBox(), item: ui.sumView}
	ui.helpTV = newBorderedPane(" Keys ")
	ui.helpTV.SetTitleAlign(tview.AlignCenter).SetBorderPadding(0, 0, 1, 1)
	ui.helpBox = &centered{Box: tview.NewBox(), item: ui.helpTV}

	ui.AddPage("main", ui.main, true, true)
	ui.AddPage("summary", ui.sumBox, true, false)
	ui.AddPage("help", ui.helpBox, true, false)

	app.SetInputCapture(ui.calls.capture(ui.capture))
	ui.advance()
	return ui
}

// Draw lays the screen out for its current size and draws it, or draws a
// message when the terminal is smaller than minWidth×minHeight.
func (ui *reviewUI) Draw(screen tcell.Screen) {
	x, y, w, h := ui.GetRect()
	ui.small = w < minWidth || h < minHeight
	if ui.small {
		drawTooSmall(screen, x, y, w, h)
		return
	}
	ui.layout(w, h)
	ui.Pages.Draw(screen)
}

// MouseHandler passes mouse events on, except while the terminal is too
// small, and closes the key help on a click.
func (ui *reviewUI) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	inner := ui.Pages.MouseHandler()
	return func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if ui.small {
			return false, nil
		}
		if ui.helpOn {
			if action == tview.MouseLeftClick {
				ui.hideHelp()
			}
			return true, nil
		}
		consumed, capture := inner(action, event, setFocus)
		if action == tview.MouseLeftDown {
			// A click may have moved the focus (into or out of the answer
			// box); the help line follows it.
			ui.focus = ui.app.GetFocus()
		}
		return consumed, capture
	}
}

// Focus hands the focus to the widget the current mode wants it on.
func (ui *reviewUI) Focus(delegate func(p tview.Primitive)) {
	if ui.focus != nil {
		delegate(ui.focus)
		return
	}
	ui.Pages.Focus(delegate)
}

func (ui *reviewUI) setFocus(p tview.Primitive) {
	ui.focus = p
	ui.app.SetFocus(p)
}

// layout sizes the parts of the screen for a w×h terminal.
func (ui *reviewUI) layout(w, h int) {
	hh := ui.header.height(w, h)
	bh := 1
	if h >= 20 {
		bh = 2 // intervals on their own row above the buttons, as in Anki
	}
	ui.main.ResizeItem(ui.header, hh, 0)
	ui.main.ResizeItem(ui.bar, bh, 0)
	bodyH := h - hh - bh - 2

	// Keep lines of text to a readable length on wide terminals.
	pad := 2
	if w > 104 {
		pad = (w - 100) / 2
	}
	ui.card.SetBorderPadding(1, 0, pad, pad)
	ui.empty.SetBorderPadding(max(1, bodyH/4), 0, pad, pad)
	if tw := w - 2*pad; tw != ui.cardWidth {
		ui.cardWidth = tw
		ui.renderCard()
	}
	ui.dv.layout(w, bodyH)
	sw := min(w-4, 60)
	ui.sumBox.size(sw, min(h-2, len(wrapTagged(ui.sumView.src, sw-6))+4))
	if ui.helpOn {
		hw := min(w-4, 76)
		if hw-4 != ui.helpWidth {
			ui.helpWidth = hw - 4
			ui.helpTV.SetText(ui.helpText(ui.helpWidth))
			ui.helpTV.ScrollToBeginning()
		}
		ui.helpBox.size(hw, min(h-2, len(wrapTagged(ui.helpTV.src, hw-4))+2))
	}
}

// drawTooSmall fills the area with a centered note asking for a bigger
// terminal.
func drawTooSmall(screen tcell.Screen, x, y, w, h int) {
	for row := y; row < y+h; row++ {
		for col := x; col < x+w; col++ {
			screen.SetContent(col, row, ' ', nil, styleText)
		}
	}
	text := fmt.Sprintf("The terminal is %d×%d; flash needs at least %d×%d. Make the window bigger, or press q to quit.",
		w, h, minWidth, minHeight)
	lines := tview.WordWrap(text, max(w-2, 1))
	top := y + max(0, (h-len(lines))/2)
	for i, line := range lines {
		if top+i >= y+h {
			break
		}
		line = strings.TrimSpace(line)
		lw := textWidth(line)
		put(screen, x+max(0, (w-lw)/2), top+i, w, line, styleBold)
	}
}

// ---- the key table -------------------------------------------------------

// when is a set of situations a key binding applies in.
type when uint16

const (
	wFront   when = 1 << iota // a basic card, back hidden
	wAnswer                   // a derive card, typing in the answer box
	wDerive                   // a derive card, answer box left, simulation not run
	wRunning                  // a derive card, simulation running
	wBack                     // a basic card, back shown
	wResult                   // a derive card, simulation and back shown
	wEmpty                    // nothing due now
	wSummary                  // the session is over

	wCard = wFront | wDerive | wBack | wResult // a card is on screen and keys are commands
)

// keyOf is one key: a special key, or a rune when key is tcell.KeyRune.
type keyOf struct {
	key tcell.Key
	r   rune
}

func runeKey(r rune) keyOf         { return keyOf{tcell.KeyRune, r} }
func specialKey(k tcell.Key) keyOf { return keyOf{key: k} }

// binding is one row of the key table, which drives both the input capture
// and the help (the line at the bottom and the ? overlay).
type binding struct {
	keys  []keyOf
	label string // how the key is written: "Space", "Ctrl-R"
	all   string // all its keys, for the ? overlay; "" means label
	help  string // a few words for the help line
	long  string // the ? overlay's description; "" means help
	when  when
	line  bool // shown on the help line
	run   func(ui *reviewUI, ev *tcell.EventKey)
}

func (b binding) matches(ev *tcell.EventKey) bool {
	for _, k := range b.keys {
		if ev.Key() == k.key && (k.key != tcell.KeyRune || ev.Rune() == k.r) {
			return true
		}
	}
	return false
}

// keyTable returns the review screen's keys. Order matters: the first
// binding that matches the key in the current situation runs.
func keyTable() []binding {
	enterKeys := []keyOf{runeKey(' '), specialKey(tcell.KeyEnter)}
	return []binding{
		{keys: enterKeys, label: "Space", all: "Space Enter", help: "show answer", long: "show the answer",
			when: wFront, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.reveal() }},
		{keys: []keyOf{specialKey(tcell.KeyCtrlR)}, label: "Ctrl-R", help: "run simulation",
			long: "run the simulation, shown next to your answer and the back",
			when: wAnswer | wDerive, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.runSim() }},
		{keys: []keyOf{runeKey(' ')}, label: "Space", help: "run simulation", long: "outside the answer box: run the simulation too",
			when: wDerive, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.runSim() }},
		{keys: []keyOf{specialKey(tcell.KeyEscape)}, label: "Esc", help: "leave the box",
			long: "leave the answer box: letters are commands again",
			when: wAnswer, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.leaveAnswer() }},
		{keys: []keyOf{specialKey(tcell.KeyEnter), specialKey(tcell.KeyTab)}, label: "Enter", all: "Enter Tab", help: "type answer",
			long: "into the answer box (or click it); a card starts outside it, so that no key meant for the last card types into this one",
			when: wDerive, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.editAnswer() }},
		{keys: []keyOf{specialKey(tcell.KeyCtrlZ)}, label: "Ctrl-Z", help: "undo",
			long: "in the answer box: undo the last rating or card action (what you typed is kept with its card)",
			when: wAnswer, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.undo() }},
		{keys: []keyOf{specialKey(tcell.KeyCtrlQ)}, label: "Ctrl-Q", help: "quit",
			long: "in the answer box: finish the session",
			when: wAnswer, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.quit() }},
		{keys: []keyOf{runeKey('1'), runeKey('2'), runeKey('3'), runeKey('4')}, label: "1–4", help: "rate",
			long: "rate Again, Hard, Good, Easy (or click a button)",
			when: wBack | wResult, run: func(ui *reviewUI, ev *tcell.EventKey) { ui.rate(fsrs.Rating(ev.Rune() - '0')) }},
		{keys: enterKeys, label: "Space", all: "Space Enter", help: "good", long: "on the answer: rate Good, as in Anki",
			when: wBack | wResult, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.rate(fsrs.Good) }},
		{keys: []keyOf{specialKey(tcell.KeyTab), specialKey(tcell.KeyBacktab)}, label: "Tab", all: "Tab S-Tab", help: "next pane",
			long: "after the run: next pane; ↑ ↓ scroll it",
			when: wResult, line: true, run: func(ui *reviewUI, ev *tcell.EventKey) { ui.dv.nextPane(ev.Key() == tcell.KeyBacktab) }},
		{keys: []keyOf{runeKey('u')}, label: "u", help: "undo", long: "undo the last rating or card action",
			when: wCard | wRunning | wEmpty, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.undo() }},
		{keys: []keyOf{runeKey('s')}, label: "s", help: "suspend", long: "suspend the card (flash unsuspend brings it back)",
			when: wCard | wRunning, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.cardAction(session.Suspend) }},
		{keys: []keyOf{runeKey('b')}, label: "b", help: "bury", long: "bury the card until the next study day (04:00)",
			when: wCard | wRunning, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.cardAction(session.Bury) }},
		{keys: []keyOf{runeKey('f')}, label: "f", help: "flag", long: "flag the card as needing a fix (again: unflag)",
			when: wCard | wRunning, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.cardAction(session.Flag) }},
		{keys: []keyOf{runeKey('?')}, label: "?", help: "keys", long: "show this help",
			when: wCard | wRunning | wEmpty | wSummary, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.showHelp() }},
		{keys: []keyOf{runeKey('q'), specialKey(tcell.KeyEscape)}, label: "q", all: "q Esc", help: "quit", long: "finish: show the summary of the session",
			when: wCard | wRunning | wEmpty, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.quit() }},
		{keys: []keyOf{runeKey('q'), specialKey(tcell.KeyEscape), specialKey(tcell.KeyEnter), runeKey(' ')}, label: "q", all: "q Enter Esc", help: "exit",
			long: "on the summary: leave flash", when: wSummary, line: true, run: func(ui *reviewUI, _ *tcell.EventKey) { ui.finish() }},
	}
}

// situation returns where the screen is, for the key table.
func (ui *reviewUI) situation() when {
	switch ui.mode {
	case modeFront:
		return wFront
	case modeDerive:
		if ui.dv.answer.HasFocus() {
			return wAnswer
		}
		return wDerive
	case modeRunning:
		return wRunning
	case modeBack:
		if ui.dv.active() {
			return wResult
		}
		return wBack
	case modeEmpty:
		return wEmpty
	default:
		return wSummary
	}
}

// capture is the application's input capture: it runs the key table and
// returns nil for every key it handles. Keys it leaves alone go to the
// widget in focus: typing in the answer box, scrolling a text.
func (ui *reviewUI) capture(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == tcell.KeyCtrlC {
		ui.finish()
		return nil
	}
	if ui.small {
		if ev.Key() == tcell.KeyEscape || (ev.Key() == tcell.KeyRune && ev.Rune() == 'q') {
			ui.finish()
		}
		return nil
	}
	if ui.helpOn {
		if isScrollKey(ev) {
			return ev // to the help text, which has the focus
		}
		ui.hideHelp()
		return nil
	}
	sit := ui.situation()
	for _, b := range ui.keys {
		if b.when&sit != 0 && b.matches(ev) {
			ui.msg = ""
			b.run(ui, ev)
			return nil
		}
	}
	if sit == wAnswer || isScrollKey(ev) {
		return ev
	}
	return nil // swallow the rest: no stray input into widgets
}

// isScrollKey reports whether ev scrolls a text view.
func isScrollKey(ev *tcell.EventKey) bool {
	switch ev.Key() {
	case tcell.KeyUp, tcell.KeyDown, tcell.KeyPgUp, tcell.KeyPgDn, tcell.KeyHome, tcell.KeyEnd,
		tcell.KeyLeft, tcell.KeyRight, tcell.KeyCtrlF, tcell.KeyCtrlB:
		return true
	case tcell.KeyRune:
		switch ev.Rune() {
		case 'j', 'k', 'g', 'G':
			return true
		}
	}
	return false
}

// lineKeys returns the help-line entries for the current situation.
func (ui *reviewUI) lineKeys() []binding {
	if ui.helpOn {
		return []binding{{label: "any key", help: "close help"}}
	}
	sit := ui.situation()
	var out []binding
	for _, b := range ui.keys {
		if b.line && b.when&sit != 0 {
			out = append(out, b)
		}
	}
	return out
}

// ---- actions -------------------------------------------------------------

// setMsg shows a message on the status line until the next key.
func (ui *reviewUI) setMsg(st tcell.Style, format string, args ...any) {
	ui.msg = fmt.Sprintf(format, args...)
	ui.msgSt = st
}

// fail shows a storage error; it is also returned when the screen ends.
func (ui *reviewUI) fail(err error) {
	ui.err = err
	ui.setMsg(styleText.Foreground(colorError).Bold(true), "error: %v", err)
}

// advance shows the next due card, or says when the next one is due.
func (ui *reviewUI) advance() {
	cur, ok, err := ui.s.Next()
	switch {
	case err != nil:
		ui.fail(err)
		ui.showEmpty()
	case !ok:
		ui.showEmpty()
	default:
		ui.show(cur, "")
	}
}

// show puts cur on screen, its back hidden. answer prefills a derive card's
// answer box (after an undo).
func (ui *reviewUI) show(cur *session.Card, answer string) {
	ui.keepDraft()
	ui.gen++
	ui.cur = cur
	if isDerive(cur.Card) {
		if answer == "" {
			answer = ui.drafts[cur.Item.Key]
		}
		delete(ui.drafts, cur.Item.Key)
		ui.mode = modeDerive
		ui.dv.reset(cur, answer)
		ui.body.SwitchToPage("derive")
		// The card starts outside its answer box: a key meant for the
		// last card (a second rating, an undo) must not type into it.
		ui.setFocus(ui.dv.front)
	} else {
		ui.mode = modeFront
		ui.dv.clear()
		ui.body.SwitchToPage("card")
		ui.card.ScrollToBeginning()
		ui.setFocus(ui.card)
	}
	ui.renderCard()
	ui.refresh()
}

func isDerive(c deck.Card) bool { return c.Kind == deck.KindDerive && c.Sim != nil }

// keepDraft keeps what the learner typed on the derive card on screen when
// the card leaves it without a rating (an undo, a suspend or bury, a due
// card coming back), so that it is in the box when the card returns.
func (ui *reviewUI) keepDraft() {
	if ui.cur == nil || !isDerive(ui.cur.Card) || ui.mode == modeSummary {
		return
	}
	text := ui.dv.answer.GetText()
	if ui.dv.shown || ui.mode == modeRunning {
		text = ui.dv.typed
	}
	if strings.TrimSpace(text) == "" {
		delete(ui.drafts, ui.cur.Item.Key)
		return
	}
	if ui.drafts == nil {
		ui.drafts = map[string]string{}
	}
	ui.drafts[ui.cur.Item.Key] = text
}

// showEmpty says that nothing is due and when the next card is.
func (ui *reviewUI) showEmpty() {
	ui.gen++
	ui.keepDraft()
	ui.cur = nil
	ui.mode = modeEmpty
	ui.dv.clear()
	ui.body.SwitchToPage("empty")
	ui.setFocus(ui.empty)
	ui.refresh()
}

// refresh brings the header, buttons and the empty page up to date.
func (ui *reviewUI) refresh() {
	ui.counts = ui.s.Counts()
	ui.header.set(ui.cur, ui.counts)
	ui.updateBar()
	if ui.mode == modeEmpty {
		ui.empty.SetText(ui.emptyText())
	}
}

// renderCard writes a basic card's front, and its back once revealed.
func (ui *reviewUI) renderCard() {
	if ui.cur == nil || isDerive(ui.cur.Card) {
		ui.card.SetText("")
		return
	}
	var b strings.Builder
	b.WriteString("[::b]" + tview.Escape(strings.TrimSpace(ui.cur.Card.Front)) + "[::-]\n")
	if ui.mode == modeBack {
		rule := strings.Repeat("─", max(ui.cardWidth, 3))
		fmt.Fprintf(&b, "\n%s\n\n", dim(rule))
		b.WriteString(tview.Escape(strings.TrimSpace(ui.cur.Card.Back)))
	}
	ui.card.SetText(b.String())
}

func (ui *reviewUI) reveal() {
	if ui.mode != modeFront {
		return
	}
	ui.mode = modeBack
	ui.renderCard()
	ui.updateBar()
}

// rate records rating r of the card on screen; it returns after the rating
// is committed to disk, then shows the next card.
func (ui *reviewUI) rate(r fsrs.Rating) {
	if ui.mode != modeBack || ui.cur == nil {
		return
	}
	cur := ui.cur
	failed := ui.s.Backups.Failures()
	rev, err := ui.s.Rate(cur, r, ui.dv.typed)
	if err != nil {
		ui.fail(err)
		return
	}
	ui.cur = nil // rated: no draft to keep
	switch {
	case ui.s.Backups.Failures() > failed:
		// The terminal is the screen's: the details are printed on exit.
		ui.setMsg(styleText.Foreground(colorWarn).Bold(true),
			"%s saved · the daily backup failed (details when you quit)", ratingNames[r-1])
	case rev.Leech:
		ui.setMsg(styleText.Foreground(colorWarn).Bold(true),
			"Leech: %s has lapsed %d times; it is suspended and flagged (u undoes; flash unsuspend %s).",
			cur.Card.ID, rev.After.Lapses, cur.Item.Key)
	default:
		ui.setMsg(styleDim, "%s saved · next in %s", ratingNames[r-1], scheduler.FormatInterval(rev.After.Due.Sub(rev.At)))
	}
	ui.advance()
}

var ratingNames = [4]string{"Again", "Hard", "Good", "Easy"}

// undo reverts the last rating or card action and shows that card again.
func (ui *reviewUI) undo() {
	if !ui.s.CanUndo() {
		ui.setMsg(styleDim, "Nothing to undo.")
		return
	}
	a, _ := ui.s.LastAction()
	what := map[session.ActionKind]string{session.Suspend: "suspend", session.Bury: "bury", session.Flag: "flag"}[a.Kind]
	if a.Kind == session.Rating {
		what = "rating " + ratingNames[a.Review.Rating-1]
	}
	cur, err := ui.s.Undo()
	if err != nil {
		ui.fail(err)
		return
	}
	ui.show(cur, a.Review.Answer)
	ui.setMsg(styleText.Foreground(colorAccent), "Undone: %s of %s.", what, cur.Card.ID)
}

// cardAction suspends, buries or flags the card on screen.
func (ui *reviewUI) cardAction(kind session.ActionKind) {
	if ui.cur == nil {
		return
	}
	cur := ui.cur
	if err := ui.s.Mark(kind, cur); err != nil {
		ui.fail(err)
		return
	}
	st := styleText.Foreground(colorAccent)
	switch kind {
	case session.Suspend:
		ui.setMsg(st, "Suspended %s (u undoes; flash unsuspend %s).", cur.Card.ID, cur.Item.Key)
	case session.Bury:
		ui.setMsg(st, "Buried %s until tomorrow (u undoes).", cur.Card.ID)
	case session.Flag:
		if cur.State.Flagged {
			ui.setMsg(st, "Flagged %s as needing a fix (f again unflags).", cur.Card.ID)
		} else {
			ui.setMsg(st, "Removed the flag from %s.", cur.Card.ID)
		}
		ui.refresh()
		return
	}
	ui.advance()
}

// quit ends the session and shows the summary.
func (ui *reviewUI) quit() {
	ui.gen++ // drop a simulation still running
	sum := ui.s.Summary()
	ui.final = &sum
	ui.mode = modeSummary
	ui.cur = nil
	ui.sumView.SetText(ui.summaryText(sum))
	ui.SwitchToPage("summary")
	ui.setFocus(ui.sumView)
}

// finish leaves the screen; reviewScreen then prints the summary.
func (ui *reviewUI) finish() {
	if ui.final == nil {
		sum := ui.s.Summary()
		ui.final = &sum
	}
	ui.app.Stop()
}

// finalSummary returns the summary taken when the session ended.
func (ui *reviewUI) finalSummary() session.Summary {
	if ui.final == nil {
		return ui.s.Summary()
	}
	return *ui.final
}

func (ui *reviewUI) showHelp() {
	ui.helpWidth = 0 // rendered by layout for the size of the box
	ui.helpOn = true
	ui.ShowPage("help")
	ui.app.SetFocus(ui.helpTV)
}

func (ui *reviewUI) hideHelp() {
	ui.helpOn = false
	ui.HidePage("help")
	if ui.focus != nil {
		ui.app.SetFocus(ui.focus)
	}
}

// tick runs on the event loop every opts.tick: it brings back a card that
// has fallen due while nothing was left, and keeps counts and times current.
func (ui *reviewUI) tick() {
	switch ui.mode {
	case modeSummary:
		return
	case modeEmpty:
		cur, ok, err := ui.s.Next()
		if err != nil {
			ui.fail(err)
		} else if ok {
			ui.show(cur, "")
			ui.setMsg(styleText.Foreground(colorAccent), "A card is due again.")
			return
		}
	}
	ui.refresh()
}

// runTicker calls tick on the event loop until stop is closed, one tick
// at a time: it never waits for the loop.
func (ui *reviewUI) runTicker(stop <-chan struct{}) {
	t := time.NewTicker(ui.opts.tick)
	defer t.Stop()
	var pending atomic.Bool
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if pending.CompareAndSwap(false, true) {
				ui.calls.post(func() { pending.Store(false); ui.tick() })
			}
		}
	}
}

// ---- texts ---------------------------------------------------------------

func (ui *reviewUI) emptyText() string {
	now := ui.s.Now()
	// When Next will have a card; buried cards are not in the queue, and
	// Session.NextDue knows when they come back.
	next, ok := ui.s.NextAvailable(now)
	if !ok {
		next = ui.s.NextDue(now)
	}
	var b strings.Builder
	if reviewed, _ := ui.s.Progress(); reviewed > 0 {
		b.WriteString("[::b]Congratulations! You have finished for now.[::-]\n\n")
	} else {
		b.WriteString("[::b]No cards are due.[::-]\n\n")
	}
	switch {
	case next.IsZero():
		b.WriteString("Nothing is left to study: every card is suspended, buried or retired.\n")
	case next.Sub(now) < 24*time.Hour && scheduler.StudyDay(next).Equal(scheduler.StudyDay(now)):
		fmt.Fprintf(&b, "The next card is due at [::b]%s[::-] (in %s).\nIt will show up here by itself; or press q to finish.\n",
			next.Format("15:04"), scheduler.FormatInterval(next.Sub(now)))
	default:
		fmt.Fprintf(&b, "The next card is due [::b]%s[::-] (in %s).\n", next.Format("Mon 2 Jan 15:04"),
			scheduler.FormatInterval(next.Sub(now)))
	}
	if ui.s.CanUndo() {
		b.WriteString("\n" + dim("u undoes the last rating · q quits"))
	}
	return b.String()
}

func (ui *reviewUI) summaryText(sum session.Summary) string {
	now := ui.s.Now()
	row := func(label, value string) string {
		return fmt.Sprintf("%s %s\n", dim(fmt.Sprintf("%-11s", label)), value)
	}
	var b strings.Builder
	b.WriteString(row("Reviewed", fmt.Sprintf("[::b]%d[::-] card%s", sum.Reviewed, plural(sum.Reviewed))))
	again := fmt.Sprintf("[::b]%d[::-]", sum.Again)
	if sum.Reviewed > 0 {
		again += fmt.Sprintf(" (%d%%)", (100*sum.Again+sum.Reviewed/2)/sum.Reviewed)
	}
	b.WriteString(row("Again", again))
	b.WriteString(row("Time", fmtSpent(sum.Spent)))
	// session.nextDue looks past the cards still due now (new cards wait
	// for "tomorrow's limit" in it), so say first what is left today, as
	// the header counts it: a learning card may be due in minutes, not now.
	c := ui.s.Counts()
	switch {
	case c.New+c.Learning+c.Review > 0:
		b.WriteString(row("Left today", fmt.Sprintf("%s · %s · %s",
			paint(colorNew, "", fmt.Sprintf("%d new", c.New)),
			paint(colorLearning, "", fmt.Sprintf("%d learning", c.Learning)),
			paint(colorReview, "", fmt.Sprintf("%d review", c.Review)))))
	case sum.NextDue.IsZero():
		b.WriteString(row("Next due", "nothing left to study"))
	case !sum.NextDue.After(now):
		b.WriteString(row("Next due", "more cards are due now"))
	default:
		b.WriteString(row("Next due", fmt.Sprintf("%s (in %s)", sum.NextDue.Format("Mon 2 Jan 15:04"),
			scheduler.FormatInterval(sum.NextDue.Sub(now)))))
	}
	if ui.err != nil {
		fmt.Fprintf(&b, "\n%s\n", paint(colorError, "b", tview.Escape(ui.err.Error())))
	}
	b.WriteString("\n" + dim("Press q, Enter or Esc to leave."))
	return b.String()
}

// fmtSpent formats a session length: "45s", "8m 30s", "1h 05m".
func fmtSpent(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

// helpText is the ? overlay for a box w cells wide: the key table grouped
// by where the keys apply, descriptions wrapped under their column.
func (ui *reviewUI) helpText(w int) string {
	type row struct{ keys, text string }
	groups := []struct {
		title string
		rows  []row
	}{{title: "On a card"}, {title: "On a derive card"}, {title: "Anywhere"}}
	seen := map[string]bool{}
	for _, k := range ui.keys {
		long := k.long
		if long == "" {
			long = k.help
		}
		keys := k.label
		if k.all != "" {
			keys = k.all
		}
		if seen[keys+long] {
			continue
		}
		seen[keys+long] = true
		g := 0
		switch {
		case k.when&(wAnswer|wDerive|wResult) != 0 && k.when&(wFront|wBack) == 0:
			g = 1
		case k.when == wSummary:
			g = 2
		}
		groups[g].rows = append(groups[g].rows, row{keys, long})
	}
	groups[2].rows = append(groups[2].rows,
		row{"↑ ↓ PgUp PgDn", "scroll a long text (also j k, the mouse wheel)"},
		row{"Ctrl-C", "leave at once (the summary is printed)"})
	kw := 0
	for _, g := range groups {
		for _, r := range g.rows {
			kw = max(kw, textWidth(r.keys))
		}
	}
	kw = min(kw, 14)
	var b strings.Builder
	for i, g := range groups {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "[::b]%s[::-]\n", g.title)
		for _, r := range g.rows {
			lines := wrapText(r.text, max(w-kw-2, 10))
			for j, line := range lines {
				keys := ""
				if j == 0 {
					keys = r.keys
				}
				fmt.Fprintf(&b, "%s  %s\n", paint(colorAccent, "b", tview.Escape(keys+strings.Repeat(" ", max(kw-textWidth(keys), 0)))), tview.Escape(line))
			}
		}
	}
	b.WriteString("\n" + dim("Every rating is saved at once. ↑ ↓ scroll this help; other keys close it."))
	return b.String()
}
