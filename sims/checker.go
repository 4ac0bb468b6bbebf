package sims

// Checker checks derive cards' simulations for package deck
// (deck.SimChecker), which cannot import sims: the program hands it over
// with deck.UseSims(sims.Checker{}).
type Checker struct{}

// Kinds returns the known kinds, sorted.
func (Checker) Kinds() []string {
	specs := Specs()
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.Kind
	}
	return out
}

// Known reports whether kind is a simulation.
func (Checker) Known(kind string) bool {
	_, ok := registry()[kind]
	return ok
}

// Validate is Validate.
func (Checker) Validate(kind string, params map[string]any) error { return Validate(kind, params) }

// CheckOutput is CheckOutput.
func (Checker) CheckOutput(kind, name string) error { return CheckOutput(kind, name) }
