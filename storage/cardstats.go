package storage

import (
	"bytes"
	"fmt"
	"math"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"
)

// NoTime stands for an unset time in a CardStat. It is below every time a
// CardStat holds, as the zero time.Time is before every other.
const NoTime = math.MinInt64

// CardStat is the part of a card's state that statistics read: no text,
// no strings, no pointers, so that a whole collection of them is one
// allocation the garbage collector need not scan.
type CardStat struct {
	// Due, LastReview (of the FSRS state) and BuriedUntil, in unix
	// nanoseconds; NoTime when unset.
	Due, LastReview, BuriedUntil int64
	Stability, Difficulty        float64
	Deck                         uint32 // index in CardStats.Decks
	Question                     uint32 // index in CardStats.Questions
	idEnd                        uint32 // end of the card's id in CardStats.ids
	State                        fsrs.State
	Retired, Suspended, Flagged  bool
}

// StatQuestion is a question of a deck: the CardStats.Decks index of the
// deck and the question's id.
type StatQuestion struct {
	Deck uint32
	ID   string
}

// CardStats holds the CardStat of cards, with the deck and question ids
// they refer to by index. Each (deck, question id) pair has one index.
type CardStats struct {
	Cards     []CardStat
	Decks     []string
	Questions []StatQuestion
	ids       string // the cards' ids, one after another
}

// ID returns the id of card i (without its deck).
func (cs *CardStats) ID(i int) string {
	start := uint32(0)
	if i > 0 {
		start = cs.Cards[i-1].idEnd
	}
	return cs.ids[start:cs.Cards[i].idEnd]
}

// Key returns "deck/id" of card i, as CardState.Key does.
func (cs *CardStats) Key(i int) string {
	return cs.Decks[cs.Cards[i].Deck] + "/" + cs.ID(i)
}

// statNanos is t in unix nanoseconds, NoTime for the zero time.
func statNanos(t time.Time) int64 {
	if t.IsZero() {
		return NoTime
	}
	return t.UnixNano()
}

// cardStatsBuilder gathers CardStats one card at a time.
type cardStatsBuilder struct {
	cs    CardStats
	ids   []byte
	decks map[string]uint32
	qs    map[StatQuestion]uint32
}

func (b *cardStatsBuilder) add(deckID string, id []byte, c *CardState) error {
	d, ok := b.decks[deckID]
	if !ok {
		if b.decks == nil {
			b.decks = map[string]uint32{}
			b.qs = map[StatQuestion]uint32{}
		}
		d = uint32(len(b.cs.Decks))
		b.decks[deckID] = d
		b.cs.Decks = append(b.cs.Decks, deckID)
	}
	sq := StatQuestion{d, c.Question}
	q, ok := b.qs[sq]
	if !ok {
		q = uint32(len(b.cs.Questions))
		b.qs[sq] = q
		b.cs.Questions = append(b.cs.Questions, sq)
	}
	b.ids = append(b.ids, id...)
	if len(b.ids) > math.MaxUint32 {
		return fmt.Errorf("card ids longer than 4 GB in all")
	}
	b.cs.Cards = append(b.cs.Cards, CardStat{
		Due:         statNanos(c.FSRS.Due),
		LastReview:  statNanos(c.FSRS.LastReview),
		BuriedUntil: statNanos(c.BuriedUntil),
		Stability:   c.FSRS.Stability,
		Difficulty:  c.FSRS.Difficulty,
		Deck:        d,
		Question:    q,
		idEnd:       uint32(len(b.ids)),
		State:       c.FSRS.State,
		Retired:     c.Retired,
		Suspended:   c.Suspended,
		Flagged:     c.Flagged,
	})
	return nil
}

func (b *cardStatsBuilder) done() *CardStats {
	b.cs.ids = string(b.ids)
	return &b.cs
}

// CardStatsOf returns the CardStats of cards, in their order: what
// Store.CardStats returns for a store holding them.
func CardStatsOf(cards []CardState) (*CardStats, error) {
	var b cardStatsBuilder
	b.cs.Cards = make([]CardStat, 0, len(cards))
	for i := range cards {
		if err := b.add(cards[i].Deck, []byte(cards[i].ID), &cards[i]); err != nil {
			return nil, err
		}
	}
	return b.done(), nil
}

// CardStats returns what statistics read of the state of every card of
// deckID ("" = all decks), in key order (deck, then card id), including
// retired cards: the figures of States, with no string per card. It
// reads no card text and no review log.
func (s *Store) CardStats(deckID string) (*CardStats, error) {
	var b cardStatsBuilder
	err := s.view(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketState).Cursor()
		var prefix []byte
		first := func() ([]byte, []byte) { return cur.First() }
		if deckID != "" {
			prefix = deckPrefix(deckID)
			first = func() ([]byte, []byte) { return cur.Seek(prefix) }
		}
		// Count first, to allocate once.
		n, idBytes := 0, 0
		for k, _ := first(); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			n++
			idBytes += len(k)
		}
		b.cs.Cards = make([]CardStat, 0, n)
		b.ids = make([]byte, 0, idBytes)
		var (
			in       interner
			c        CardState
			lastDeck []byte
			deck     string
		)
		for k, v := first(); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			dk, ck, ok := splitCardKey(k)
			if !ok {
				return fmt.Errorf("bad card key %q", k)
			}
			if deck == "" || !bytes.Equal(dk, lastDeck) {
				deck, lastDeck = string(dk), dk
			}
			if _, err := decodeState(&c, v, &in); err != nil {
				return fmt.Errorf("card %s/%s: %w", dk, ck, err)
			}
			if err := b.add(deck, ck, &c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read card states from %s: %w", s.path, err)
	}
	return b.done(), nil
}
