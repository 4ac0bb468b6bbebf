package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/flash-srs/flash/storage"
	"github.com/spf13/pflag"
)

// cmdUnsuspend lets suspended cards (leeches among them) be studied again.
// It clears only the suspension: a flag for fixing stays until it is
// toggled off in review (f).
func cmdUnsuspend(fs *pflag.FlagSet, e *env) func([]string) error {
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
	cards, err := st.States("")
	if err != nil {
		return err
	}
	// Resolve every id before changing anything.
	var targets []storage.CardState
	var errs []error
	for _, id := range pos {
		c, err := resolveCard(cards, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		targets = append(targets, c)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, c := range targets {
		if !c.Suspended {
			fmt.Fprintf(e.stdout, "%s is not suspended\n", c.Key())
			continue
		}
		f := c.Flags
		f.Suspended = false
		if err := st.SetFlags(c.Deck, c.ID, f); err != nil {
			return err
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
	return nil
}

// resolveCard finds a card by "deck/card", or by "card" when exactly one
// deck has a card with that id.
func resolveCard(cards []storage.CardState, id string) (storage.CardState, error) {
	deckID, cardID, qualified := strings.Cut(id, "/")
	if !qualified {
		deckID, cardID = "", id
	}
	if cardID == "" || (qualified && deckID == "") {
		return storage.CardState{}, fmt.Errorf("bad card id %q: want DECK/CARD or CARD", id)
	}
	var found []storage.CardState
	deckKnown := false
	for _, c := range cards {
		if qualified && c.Deck == deckID {
			deckKnown = true
		}
		if c.ID == cardID && (!qualified || c.Deck == deckID) {
			found = append(found, c)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		keys := make([]string, len(found))
		for i, c := range found {
			keys[i] = c.Key()
		}
		slices.Sort(keys)
		return storage.CardState{}, fmt.Errorf("card id %q is in several decks (%s); write it as DECK/CARD", id, strings.Join(keys, ", "))
	case qualified && !deckKnown:
		return storage.CardState{}, fmt.Errorf("unknown card %q: no deck %q in the database", id, deckID)
	}
	return storage.CardState{}, fmt.Errorf("unknown card %q", id)
}
