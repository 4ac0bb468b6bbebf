package deck

import (
	_ "embed"
	"fmt"
	"sync"
)

// BuiltinName is the name the built-in deck's problems and imports carry.
const BuiltinName = "builtin:ml-papers.toml"

//go:embed builtin/ml-papers.toml
var builtinSource []byte

var builtin = sync.OnceValues(func() (*Deck, error) {
	return Parse(BuiltinName, builtinSource)
})

// Builtin returns the deck compiled into the binary: the exam questions on
// four ML papers. The deck is parsed once; callers must not modify it.
// It panics if the embedded file is invalid, which the package tests rule out.
func Builtin() *Deck {
	d, err := builtin()
	if err != nil {
		panic(fmt.Sprintf("deck: the built-in deck is invalid: %v", err))
	}
	return d
}

// BuiltinSource returns the TOML text of the built-in deck.
func BuiltinSource() []byte { return builtinSource }
