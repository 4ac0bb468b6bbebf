package storage

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrNoDeck is wrapped by the error for a --deck id that names no deck in
// the store.
var ErrNoDeck = errors.New("no such deck")

// NoDeck returns the error for a deck id that is not among decks; it names
// the decks there are.
func NoDeck(id string, decks []DeckInfo) error {
	known := make([]string, 0, len(decks))
	for _, d := range decks {
		known = append(known, d.ID)
	}
	slices.Sort(known)
	return fmt.Errorf("%w %q (decks: %s)", ErrNoDeck, id, strings.Join(known, ", "))
}
