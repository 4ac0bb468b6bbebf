// Package deck parses and validates flash decks written in TOML (format 1)
// and carries the built-in deck.
package deck

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Format is the only deck format version this package reads.
const Format = 1

// Default option values, used when a deck's [options] table leaves them out.
const (
	DefaultDesiredRetention = 0.9
	DefaultNewPerDay        = 20
	DefaultReviewsPerDay    = 200
	DefaultNewOrder         = NewOrderDeck
)

// New-card orders (options.new_order).
const (
	// NewOrderDeck introduces new cards in file order.
	NewOrderDeck = "deck"
	// NewOrderInterleaved deals new cards out by question: the first new
	// card of every question, then the second of every question, and so
	// on, each question in its file order.
	NewOrderInterleaved = "interleaved"
)

// Card kinds.
const (
	KindBasic  = "basic"
	KindDerive = "derive"
)

// Deck is a validated deck: its questions and the cards that belong to them.
type Deck struct {
	Format    int        `toml:"format" json:"format"`
	ID        string     `toml:"id" json:"id"`
	Title     string     `toml:"title" json:"title"`
	Language  string     `toml:"language" json:"language,omitempty"`
	Options   Options    `toml:"options" json:"options"`
	Questions []Question `toml:"question" json:"questions"`
	Cards     []Card     `toml:"card" json:"cards"`
}

// Options are the study settings a deck carries.
type Options struct {
	DesiredRetention float64 `toml:"desired_retention" json:"desired_retention"`
	NewPerDay        int     `toml:"new_per_day" json:"new_per_day"`
	ReviewsPerDay    int     `toml:"reviews_per_day" json:"reviews_per_day"`
	// NewOrder is NewOrderDeck or NewOrderInterleaved after Parse. A
	// deck stored before the option existed has "", which means
	// NewOrderDeck.
	NewOrder string `toml:"new_order" json:"new_order,omitempty"`
}

// Question is an exam question; cards point at it by ID.
type Question struct {
	ID    string `toml:"id" json:"id"`
	Paper string `toml:"paper" json:"paper"`
	Text  string `toml:"text" json:"text"`
}

// Card is one flashcard. Its identity is the deck ID plus its own ID.
type Card struct {
	ID       string   `toml:"id" json:"id"`
	Question string   `toml:"question" json:"question"`
	Kind     string   `toml:"kind" json:"kind"` // KindBasic or KindDerive; never empty after Parse
	Front    string   `toml:"front" json:"front"`
	Back     string   `toml:"back" json:"back"`
	Tags     []string `toml:"tags" json:"tags,omitempty"`
	Sim      *Sim     `toml:"sim" json:"sim,omitempty"`
}

// Sim names the simulation a derive card runs and the outputs of it that
// the learner's answer is compared with.
type Sim struct {
	Kind   string         `toml:"kind" json:"kind"`
	Params map[string]any `toml:"params" json:"params,omitempty"`
	// Check lists what to compare, one output per entry: the name of a
	// number the sim kind reports, optionally followed by " — " and a note
	// for the learner ("tau_slow — время спада медленной компоненты"). In
	// TOML it is a string (one entry) or an array of strings. After Parse
	// it holds at least one entry, each naming an output of Kind, and no
	// name twice; see CheckName.
	Check []string `toml:"check" json:"check"`
}

// Names returns the output names the check entries name, in order.
func (s *Sim) Names() []string {
	out := make([]string, len(s.Check))
	for i, e := range s.Check {
		out[i], _ = CheckName(e)
	}
	return out
}

// CheckName splits a check entry into the output name and the note after
// it: "tau_slow — время" gives "tau_slow", "время"; "tau_slow" gives
// "tau_slow", "". The name is the entry's leading run of letters, digits
// and '_'; the note is what follows a dash ("—", "–", "-") or ':' after
// it. Parse refuses entries that do not have this shape.
func CheckName(entry string) (name, note string) {
	name, note, _ = splitCheck(entry)
	return name, note
}

// splitCheck is CheckName; ok is false when the entry is not a name
// optionally followed by a separator and a note.
func splitCheck(entry string) (name, note string, ok bool) {
	entry = strings.TrimSpace(entry)
	i := strings.IndexFunc(entry, func(r rune) bool {
		return !(r == '_' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	})
	if i < 0 {
		return entry, "", entry != ""
	}
	name, rest := entry[:i], strings.TrimSpace(entry[i:])
	for _, sep := range []string{"—", "–", "-", ":"} {
		if after, found := strings.CutPrefix(rest, sep); found {
			return name, strings.TrimSpace(after), name != ""
		}
	}
	return name, rest, false
}

// UnmarshalJSON reads a Sim whose check is a string (as flash stored cards
// before a check could name several outputs) or an array of strings.
func (s *Sim) UnmarshalJSON(b []byte) error {
	var raw struct {
		Kind   string          `json:"kind"`
		Params map[string]any  `json:"params"`
		Check  json.RawMessage `json:"check"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = Sim{Kind: raw.Kind, Params: raw.Params}
	if len(raw.Check) == 0 || string(raw.Check) == "null" {
		return nil
	}
	var one string
	if err := json.Unmarshal(raw.Check, &one); err == nil {
		s.Check = []string{one}
		return nil
	}
	if err := json.Unmarshal(raw.Check, &s.Check); err != nil {
		return fmt.Errorf("sim check: want a string or an array of strings: %w", err)
	}
	return nil
}

// Hash returns a hex SHA-256 of everything a learner sees on the card, so
// that an import can tell an edited card from an unchanged one: every
// field, each written with its length first so that no two different
// cards give the same input. Only a derive card's sim params go through
// JSON (encoding/json sorts map keys, so that part is canonical too).
func (c *Card) Hash() string {
	h := sha256.New()
	var buf [512]byte
	b := buf[:0]
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		if len(b)+len(s) > cap(b) {
			h.Write(b)
			h.Write([]byte(s))
			b = b[:0]
			return
		}
		b = append(b, s...)
	}
	b = append(b, 1) // version of this encoding
	str(c.ID)
	str(c.Question)
	str(c.Kind)
	str(c.Front)
	str(c.Back)
	b = binary.AppendUvarint(b, uint64(len(c.Tags)))
	for _, t := range c.Tags {
		str(t)
	}
	if c.Sim == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		str(c.Sim.Kind)
		// Entries hold no newline, so one check hashes as it did when
		// check was a single string.
		str(strings.Join(c.Sim.Check, "\n"))
		params, err := json.Marshal(c.Sim.Params)
		if err != nil {
			// Params come from TOML and hold only JSON-encodable values.
			panic("deck: hash card " + c.ID + ": " + err.Error())
		}
		str(string(params))
	}
	h.Write(b)
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// Question returns the question with the given ID.
func (d *Deck) Question(id string) (Question, bool) {
	for _, q := range d.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}
