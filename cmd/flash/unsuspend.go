package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
)

// cmdUnsuspend lets suspended cards (leeches among them) be studied again.
// It clears only the suspension: a flag for fixing stays until it is
// toggled off in review (f).
func cmdUnsuspend(fs *flags.FlagSet, e *env) func([]string) error {
	return func(pos []string) error { return unsuspend(e, pos) }
}

func unsuspend(e *env, pos []string) error {
	if len(pos) == 0 {
		return usagef("unsuspend: want a card id (DECK/CARD, or CARD when only one deck has it)")
	}
	path, err := e.dbPath()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("unsuspend: no database at %s yet, so no card %s", path, pos[0])
	}
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	targets, err := session.Unsuspend(st, pos)
	if err != nil {
		return err
	}
	var decks []string
	for _, c := range targets {
		if !c.Suspended {
			fmt.Fprintf(e.stdout, "%s is not suspended\n", c.Key())
			continue
		}
		if !slices.Contains(decks, c.Deck) {
			decks = append(decks, c.Deck)
		}
		msg := "unsuspended " + c.Key()
		var notes []string
		if c.Flagged {
			notes = append(notes, "still flagged for fixing (press f in review to clear)")
		}
		if c.Retired {
			notes = append(notes, "retired: not in its deck file, so not studied")
		}
		if len(notes) > 0 {
			msg += "; " + strings.Join(notes, "; ")
		}
		fmt.Fprintln(e.stdout, msg)
	}
	savePlans(e, st, decks...)
	return nil
}
