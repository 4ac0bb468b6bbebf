package importer

import (
	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
)

// The built-in deck has derive cards: deck checks their simulations with
// the checker the program hands in, as cmd/flash does.
func init() { deck.UseSims(sims.Checker{}) }
