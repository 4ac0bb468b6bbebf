package main

import (
	"errors"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/flash-srs/flash/storage"
)

// hangupExit waits for flash to end after its terminal went away and
// checks that it freed the database: a new flash can open it at once.
func (r *ptyRun) hangupExit(what string, since time.Time) {
	r.t.Helper()
	select {
	case err := <-r.exited:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			r.t.Fatalf("%s: wait: %v", what, err)
		}
		r.t.Logf("%s: flash ended after %v (%v)", what, time.Since(since).Round(time.Millisecond), err)
	case <-time.After(10 * time.Second):
		r.cmd.Process.Signal(syscall.SIGQUIT) // a goroutine dump, in the pty's output
		r.t.Fatalf("%s: flash still runs 10 s later", what)
	}
	st, err := storage.Open(r.db, storage.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		r.t.Fatalf("%s: the database is not free after flash ended: %v", what, err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		r.t.Fatalf("%s: %v", what, err)
	}
}

// TestE2E_ScreenTerminalClosed: when the terminal goes away (the pty is
// closed: the kernel hangs up, flash reads EOF and gets SIGHUP), at once
// or in the middle of a redraw (the clock on screen is redrawn every
// second), flash ends, frees the database, and keeps the rating given
// before.
func TestE2E_ScreenTerminalClosed(t *testing.T) {
	for round := range 4 {
		r := startReview(t)
		r.wait("Show answer")
		r.send(" ")
		r.wait("1 Again")
		r.send("3")
		r.wait("Good saved")
		start := time.Now()
		what := "pty closed"
		if round%2 == 0 {
			r.f.Close()
		} else {
			what = "pty closed while flash draws"
			r.hangUpOnDraw.Store(true)
			select {
			case <-r.read:
			case <-time.After(5 * time.Second):
				t.Fatal("flash drew nothing for 5 s")
			}
			start = time.Now()
		}
		r.hangupExit(what, start)
		if got := r.reviews(); len(got) != 1 {
			t.Errorf("round %d: review log %v, want the one rating", round, got)
		}
	}
}

// TestE2E_ScreenSIGHUP: a hangup signal, alone or at the moment the
// terminal closes, ends flash and frees the database.
func TestE2E_ScreenSIGHUP(t *testing.T) {
	for round := range 4 {
		r := startReview(t)
		r.wait("Show answer")
		start := time.Now()
		r.cmd.Process.Signal(syscall.SIGHUP)
		if round%2 == 1 {
			r.f.Close()
		}
		r.hangupExit("SIGHUP", start)
	}
}
