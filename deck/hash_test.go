package deck

import "testing"

// Every field a learner sees changes the hash, and moving text from one
// field to the next does not collide.
func TestCard_Hash_EveryField(t *testing.T) {
	base := func() Card {
		return Card{ID: "c", Question: "q", Kind: KindDerive, Front: "f", Back: "b", Tags: []string{"x", "y"},
			Sim: &Sim{Kind: "ntk-decay", Params: map[string]any{"n": int64(8)}, Check: []string{"k"}}}
	}
	edits := map[string]func(*Card){
		"id": func(c *Card) { c.ID = "d" }, "question": func(c *Card) { c.Question = "r" },
		"kind": func(c *Card) { c.Kind = KindBasic }, "front": func(c *Card) { c.Front = "f2" },
		"back": func(c *Card) { c.Back = "b2" }, "tags": func(c *Card) { c.Tags = []string{"xy"} },
		"no tags": func(c *Card) { c.Tags = nil }, "sim kind": func(c *Card) { c.Sim.Kind = "hopfield" },
		"sim check": func(c *Card) { c.Sim.Check = []string{"j"} }, "sim params": func(c *Card) { c.Sim.Params["n"] = int64(9) },
		"no sim":          func(c *Card) { c.Sim = nil },
		"front into back": func(c *Card) { c.Front, c.Back = "", "fb" },
	}
	b := base()
	h := b.Hash()
	for name, edit := range edits {
		c := base()
		edit(&c)
		if c.Hash() == h {
			t.Errorf("%s: hash unchanged", name)
		}
	}
}
