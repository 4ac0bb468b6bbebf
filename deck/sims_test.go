package deck

import (
	"strings"
	"testing"

	"github.com/flash-srs/flash/sims"
)

// The deck tests check derive cards with the real simulations, as flash
// does.
func init() { UseSims(sims.Checker{}) }

// TestParse_NoSimChecker: without a checker handed in, a derive card is
// refused, not taken as valid with its simulation unchecked.
func TestParse_NoSimChecker(t *testing.T) {
	defer UseSims(sims.Checker{})
	simChecker.Store(nil)
	src := `format = 1
id = "d"
title = "D"

[[question]]
id = "q"
paper = "P"
text = "Q?"

[[card]]
id = "c"
question = "q"
kind = "derive"
front = "F"
back = "B"
[card.sim]
kind = "fourier-features"
check = "mse"
`
	_, err := Parse("d.toml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "no simulation checker") {
		t.Fatalf("err = %v, want the missing checker named", err)
	}
}
