package screen

import (
	"sync"
	"time"

	"github.com/gdamore/tcell/v2"
)

// keyWake is the key of the event loopCalls wakes the event loop with: no
// terminal sends a negative key.
const keyWake tcell.Key = -1

// wakeRetry is how soon loopCalls tries again to wake the event loop when
// the screen's event queue is full (the loop is busy and will come round).
const wakeRetry = 20 * time.Millisecond

// loopCalls runs functions from other goroutines (the ticker, a finished
// simulation, a signal) on the tview event loop without ever waiting for
// the loop. tview's QueueUpdate waits until the loop has run the function,
// and forever once the loop has ended: when the terminal hung up, the
// loop ended and a goroutine left waiting there kept flash, and its lock
// on the database, alive.
//
// post adds the function to a list and wakes the loop with a key event
// that no keyboard sends (tcell's PostEvent never blocks); the loop's
// input capture, installed by capture, runs the list and tview redraws.
// Functions posted after the loop has ended are dropped.
type loopCalls struct {
	screen tcell.Screen // the application's screen, which carries the wake events

	mu    sync.Mutex
	fns   []func()
	ended bool
}

// post runs f on the event loop soon, unless the loop has ended. It never
// blocks.
func (c *loopCalls) post(f func()) {
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return
	}
	c.fns = append(c.fns, f)
	c.mu.Unlock()
	c.wake()
}

func (c *loopCalls) wake() {
	c.mu.Lock()
	ended := c.ended
	c.mu.Unlock()
	if ended {
		return
	}
	if c.screen.PostEvent(tcell.NewEventKey(keyWake, 0, tcell.ModNone)) != nil {
		time.AfterFunc(wakeRetry, c.wake)
	}
}

// end drops the functions still waiting and every later one, and stops
// the waking: call it when the event loop has ended.
func (c *loopCalls) end() {
	c.mu.Lock()
	c.ended, c.fns = true, nil
	c.mu.Unlock()
}

// capture returns an input capture for the application that runs the
// posted functions on a wake event and hands every other key to next.
func (c *loopCalls) capture(next func(*tcell.EventKey) *tcell.EventKey) func(*tcell.EventKey) *tcell.EventKey {
	return func(ev *tcell.EventKey) *tcell.EventKey {
		if ev.Key() != keyWake {
			return next(ev)
		}
		c.mu.Lock()
		fns := c.fns
		c.fns = nil
		c.mu.Unlock()
		for _, f := range fns {
			f()
		}
		return nil // tview redraws
	}
}
