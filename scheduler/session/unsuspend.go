package session

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flash-srs/flash/storage"
)

// FlagStore is what Unsuspend reads and writes; *storage.Store satisfies
// it.
type FlagStore interface {
	States(deckID string) ([]storage.CardState, error)
	SetFlags(deckID, cardID string, f storage.Flags) error
}

// Unsuspend lets suspended cards (leeches among them) be studied again, by
// id (see ResolveCard). Every id is resolved before anything changes; an
// unknown or ambiguous id is an error and nothing is written. It clears
// only the suspension: a flag for fixing stays. It returns each card as it
// was before, in the order of ids: those that were not suspended are left
// alone.
func Unsuspend(st FlagStore, ids []string) ([]storage.CardState, error) {
	cards, err := st.States("")
	if err != nil {
		return nil, err
	}
	var targets []storage.CardState
	var errs []error
	for _, id := range ids {
		c, err := ResolveCard(cards, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		targets = append(targets, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, c := range targets {
		if !c.Suspended {
			continue
		}
		f := c.Flags
		f.Suspended = false
		if err := st.SetFlags(c.Deck, c.ID, f); err != nil {
			return nil, err
		}
	}
	return targets, nil
}

// ResolveCard finds a card by "deck/card", or by "card" when exactly one
// deck has a card with that id.
func ResolveCard(cards []storage.CardState, id string) (storage.CardState, error) {
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
