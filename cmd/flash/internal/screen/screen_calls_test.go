package screen

import (
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
)

// TestReviewScreen_NothingWaitsForEndedLoop: once the event loop has
// ended the way a hangup ends it (tcell reports the terminal's EOF), the
// ticker and the signal handler still return as soon as they are told to:
// neither waits for a loop that is gone (tview's QueueUpdate would, for
// ever, and Review waits for both before it closes the database).
func TestReviewScreen_NothingWaitsForEndedLoop(t *testing.T) {
	st, clk := scrOpen(t, scrDeck)
	h := scrStart(t, st, clk, 80, 24)
	h.waitText("Show answer")
	if err := h.sim.PostEvent(tcell.NewEventError(io.EOF)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-h.ran:
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not end on the terminal's EOF")
	}

	// The ticker ticks after the loop has ended, then is stopped.
	stop := make(chan struct{})
	tickerDone := make(chan struct{})
	go func() { h.ui.runTicker(stop); close(tickerDone) }()
	time.Sleep(10 * h.ui.opts.tick)
	close(stop)
	select {
	case <-tickerDone:
	case <-time.After(2 * time.Second):
		t.Fatal("the ticker is stuck waiting for the ended loop")
	}

	// SIGHUP arrives after the loop has ended.
	sig := make(chan os.Signal, 1)
	stop = make(chan struct{})
	handlerDone := make(chan struct{})
	go func() { stopOnSignal(h.ui, sig, stop); close(handlerDone) }()
	sig <- syscall.SIGHUP
	sig <- syscall.SIGHUP // taken once the first was handled
	close(stop)
	select {
	case <-handlerDone:
	case <-time.After(2 * time.Second):
		t.Fatal("the signal handler is stuck waiting for the ended loop")
	}
}
