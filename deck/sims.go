package deck

import "sync/atomic"

// SimChecker checks a derive card's [card.sim] table: its kind, its params
// and the outputs its check names. Package sims provides one
// (sims.Checker); the program hands it to deck with UseSims, so that deck,
// and storage that keeps deck's types, do not link the simulations and
// their numerical libraries.
type SimChecker interface {
	// Kinds returns the known simulation kinds, sorted.
	Kinds() []string
	// Known reports whether kind is a simulation.
	Known(kind string) bool
	// Validate checks params for kind; every problem on its own line.
	Validate(kind string, params map[string]any) error
	// CheckOutput checks that name is an output of kind.
	CheckOutput(kind, name string) error
}

var simChecker atomic.Pointer[SimChecker]

// UseSims sets the checker Parse (and Builtin) check derive cards with.
// Until it is called, Parse refuses every derive card: a deck is never
// taken as valid with its simulations unchecked.
func UseSims(c SimChecker) { simChecker.Store(&c) }

func simCheckerInUse() SimChecker {
	if p := simChecker.Load(); p != nil {
		return *p
	}
	return nil
}
