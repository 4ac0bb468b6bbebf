package screen

import (
	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
)

// The tests parse derive cards; flash's main wires the same checker.
func init() { deck.UseSims(sims.Checker{}) }
