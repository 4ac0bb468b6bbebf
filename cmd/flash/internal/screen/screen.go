package screen

import (
	"fmt"
	"github.com/flash-srs/flash/cmd/flash/internal/show"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/flash-srs/flash/scheduler/session"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// The smallest terminal the review screen lays itself out in. Below it the
// screen shows a message asking for a bigger window instead of a broken
// layout; keys other than q, Esc and Ctrl-C are ignored until then.
const (
	minWidth  = 60
	minHeight = 16
)

// Review runs the full-screen review of s on the terminal until the
// learner quits, then prints the session summary on stdout. Every rating
// is on disk before the next card is drawn (session.rate commits it).
//
// A terminal that cannot be driven as a screen (TERM=dumb, an unknown TERM)
// falls back to lineMode (the line mode of --plain), with a note on stderr.
func Review(s *session.Session, stdout, stderr io.Writer, lineMode func() error) error {
	scr, err := tcell.NewScreen()
	if err == nil {
		err = scr.Init()
	}
	if err != nil {
		fmt.Fprintf(stderr, "flash: this terminal cannot show the review screen (%v); using line mode (--plain)\n", err)
		return lineMode()
	}

	if scr.Colors() == 0 {
		useMonochrome()
	}
	app := tview.NewApplication()
	app.SetScreen(initedScreen{scr})
	app.EnableMouse(true)
	app.EnablePaste(true)
	app.SetTitle("flash review")
	ui := newReviewScreen(app, scr, s, screenOptions{})
	app.SetRoot(ui, true)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); ui.runTicker(stop) }()
	// Catch the signals before the screen is up, so that none in between
	// kills flash without restoring the terminal; from here until
	// Review returns they end the session.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	go func() { defer wg.Done(); stopOnSignal(ui, sig, stop) }()

	runErr := app.Run()
	ui.calls.end()
	close(stop)
	wg.Wait() // neither goroutine waits for the loop, which has ended

	sum := ui.finalSummary()
	fmt.Fprintln(stdout, show.Summary(sum, s.Now()))
	if runErr != nil {
		return fmt.Errorf("review screen: %w", runErr)
	}
	return ui.err
}

// stopOnSignal ends the session cleanly on each signal from sig (SIGINT,
// SIGTERM or SIGHUP; the terminal's own Ctrl-C arrives as a key, not a
// signal): the screen is restored and the summary printed. Ratings are
// already on disk. It never waits for the event loop, which may have ended
// already (a terminal that closes ends the loop and sends SIGHUP at once),
// and returns when stop is closed.
func stopOnSignal(ui *reviewUI, sig <-chan os.Signal, stop <-chan struct{}) {
	for {
		select {
		case <-sig:
			ui.calls.post(ui.finish)
		case <-stop:
			return
		}
	}
}

// initedScreen hands tview a screen that Review has already
// initialised (to see the error of Init before anything is drawn); tview's
// SetScreen would otherwise initialise it a second time.
type initedScreen struct{ tcell.Screen }

func (initedScreen) Init() error { return nil }

// Colors. The screen keeps the terminal's own foreground and background
// (tcell.ColorDefault) so that it looks right on light and dark themes, and
// uses the 16 ANSI colors, which every theme maps to something legible, for
// accents: Anki's blue for new cards, red for learning, green for review.
// Everything that carries meaning also has an attribute (bold, reverse,
// underline), so the screen still reads with NO_COLOR or a monochrome TERM.
var (
	colorNew      = tcell.ColorBlue
	colorLearning = tcell.ColorRed
	colorReview   = tcell.ColorGreen
	colorAccent   = tcell.ColorTeal
	colorWarn     = tcell.ColorOlive
	colorError    = tcell.ColorRed
	colorOK       = tcell.ColorGreen
	colorDim      = tcell.ColorGray

	styleText = tcell.StyleDefault
	styleDim  = tcell.StyleDefault.Foreground(colorDim)
	styleBold = tcell.StyleDefault.Bold(true)
)

// ratingColors are the button colors of Again, Hard, Good and Easy, as Anki
// has them.
var ratingColors = [4]tcell.Color{tcell.ColorRed, tcell.ColorGray, tcell.ColorGreen, tcell.ColorBlue}

// monochrome is set when the terminal shows no colors (NO_COLOR, a
// monochrome TERM): see useMonochrome.
var monochrome bool

// useMonochrome drops every color, so that tcell does not turn colors into
// black or white (which toggles reverse video at random); bold, reverse,
// underline and dim carry the meaning instead. Call it before the screen
// is built.
func useMonochrome() {
	monochrome = true
	d := tcell.ColorDefault
	colorNew, colorLearning, colorReview, colorAccent = d, d, d, d
	colorWarn, colorError, colorOK, colorDim = d, d, d, d
	styleDim = tcell.StyleDefault.Dim(true)
	ratingColors = [4]tcell.Color{d, d, d, d}
	chartColors = []tcell.Color{d}
}

// paint wraps tview text (already escaped) in a color and attributes
// ("b", "u", ""), as a style tag.
func paint(c tcell.Color, attrs, text string) string {
	name := "-"
	if c != tcell.ColorDefault {
		name = c.String()
	}
	return "[" + name + "::" + attrs + "]" + text + "[-::-]"
}

// dim wraps tview text (already escaped) in the style of secondary text.
func dim(text string) string {
	if monochrome {
		return "[::d]" + text + "[::-]"
	}
	return paint(colorDim, "", text)
}

var themeOnce sync.Once

// applyTheme sets tview's global theme once, before any widget is made:
// default terminal colors for text and backgrounds, gray borders.
func applyTheme() {
	themeOnce.Do(func() {
		tview.Styles = tview.Theme{
			PrimitiveBackgroundColor:    tcell.ColorDefault,
			ContrastBackgroundColor:     tcell.ColorDefault,
			MoreContrastBackgroundColor: tcell.ColorDefault,
			BorderColor:                 colorDim,
			TitleColor:                  tcell.ColorDefault,
			GraphicsColor:               colorDim,
			PrimaryTextColor:            tcell.ColorDefault,
			SecondaryTextColor:          colorAccent,
			TertiaryTextColor:           colorDim,
			InverseTextColor:            tcell.ColorDefault,
			ContrastSecondaryTextColor:  colorAccent,
		}
	})
}

// tickEvery is how often the screen looks at the clock: to bring back a
// learning card that falls due while nothing else is left, and to keep the
// counts and the "next card in …" line current.
const tickEvery = time.Second
