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
	Order                        uint32 // position in the deck file, from 0
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
	ids       []byte // the cards' ids, one after another
}

// IDBytes returns the id of card i (without its deck); it is valid as long
// as cs.Cards is.
func (cs *CardStats) IDBytes(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = cs.Cards[i-1].idEnd
	}
	return cs.ids[start:cs.Cards[i].idEnd]
}

// ID returns the id of card i (without its deck).
func (cs *CardStats) ID(i int) string { return string(cs.IDBytes(i)) }

// Key returns "deck/id" of card i, as CardState.Key does.
func (cs *CardStats) Key(i int) string {
	return cs.Decks[cs.Cards[i].Deck] + "/" + string(cs.IDBytes(i))
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
	decks map[string]uint32
	qs    []map[string]uint32 // question index by deck index and question id

	// The deck id and question index of the previous card, when there
	// was one: cards come in key order, which groups a deck's cards and
	// mostly a question's (card ids tend to begin with their question's).
	lastDeck string
	lastQ    uint32
	hasLast  bool
}

// index returns the indexes of a deck and of one of its questions, adding
// them when new.
func (b *cardStatsBuilder) index(deckID string, question []byte) (d, q uint32) {
	if b.hasLast && deckID == b.lastDeck && string(question) == b.cs.Questions[b.lastQ].ID {
		return b.cs.Questions[b.lastQ].Deck, b.lastQ
	}
	d, q = b.lookup(deckID, question)
	b.lastDeck, b.lastQ, b.hasLast = deckID, q, true
	return d, q
}

// lookup is index without the previous card's.
func (b *cardStatsBuilder) lookup(deckID string, question []byte) (d, q uint32) {
	d, ok := b.decks[deckID]
	if !ok {
		if b.decks == nil {
			b.decks = map[string]uint32{}
		}
		d = uint32(len(b.cs.Decks))
		b.decks[deckID] = d
		b.cs.Decks = append(b.cs.Decks, deckID)
		b.qs = append(b.qs, map[string]uint32{})
	}
	q, ok = b.qs[d][string(question)] // no allocation: the compiler sees the lookup
	if !ok {
		sq := StatQuestion{d, string(question)}
		q = uint32(len(b.cs.Questions))
		b.qs[d][sq.ID] = q
		b.cs.Questions = append(b.cs.Questions, sq)
	}
	return d, q
}

func (b *cardStatsBuilder) add(deckID string, id []byte, c *CardState) error {
	d, q := b.index(deckID, []byte(c.Question))
	b.cs.ids = append(b.cs.ids, id...)
	if len(b.cs.ids) > math.MaxUint32 {
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
		idEnd:       uint32(len(b.cs.ids)),
		Order:       uint32(c.Order),
		State:       c.FSRS.State,
		Retired:     c.Retired,
		Suspended:   c.Suspended,
		Flagged:     c.Flagged,
	})
	return nil
}

// decodeCardStat decodes the CardStat of a state value (all but its deck,
// question and id indexes) and the question's id, within v. It reads v as
// decodeState does, with the same errors, but makes no strings or times.
func decodeCardStat(v []byte) (CardStat, []byte, error) {
	var h stateHead
	p, err := readStateHead(&h, v)
	if err != nil {
		return CardStat{}, nil, err
	}
	var c cardNanos
	p = readCardNanos(&c, v, p, 0)
	if h.flags&stLastAfter != 0 {
		var after cardNanos
		p = readCardNanos(&after, v, p, 0)
	}
	if p != len(v) {
		return CardStat{}, nil, errCorrupt
	}
	st := CardStat{Due: NoTime, LastReview: NoTime, BuriedUntil: NoTime,
		Stability: c.stability, Difficulty: c.difficulty, Order: uint32(h.order), State: fsrs.State(c.head & cardStateMask),
		Retired: h.flags&stRetired != 0, Suspended: h.flags&stSuspended != 0, Flagged: h.flags&stFlagged != 0}
	if c.head&cardDue != 0 {
		st.Due = c.due
	}
	if c.head&cardLast != 0 {
		st.LastReview = c.last
	}
	if h.flags&stBuried != 0 {
		st.BuriedUntil = h.buried
	}
	return st, h.question, nil
}

// addStat adds a card of deckID with id and question, st as
// decodeCardStat gives it.
func (b *cardStatsBuilder) addStat(deckID string, id, question []byte, st CardStat) error {
	st.Deck, st.Question = b.index(deckID, question)
	b.cs.ids = append(b.cs.ids, id...)
	if len(b.cs.ids) > math.MaxUint32 {
		return fmt.Errorf("card ids longer than 4 GB in all")
	}
	st.idEnd = uint32(len(b.cs.ids))
	b.cs.Cards = append(b.cs.Cards, st)
	return nil
}

// CardStatsOf returns the CardStats of cards, in their order: all of them
// in one batch, as Store.EachCardStat would give them for a store holding
// them.
func CardStatsOf(cards []CardState) (*CardStats, error) {
	var b cardStatsBuilder
	b.cs.Cards = make([]CardStat, 0, len(cards))
	for i := range cards {
		if err := b.add(cards[i].Deck, []byte(cards[i].ID), &cards[i]); err != nil {
			return nil, err
		}
	}
	return &b.cs, nil
}

// cardStatBatch is how many cards EachCardStat passes at a time.
const cardStatBatch = 512

// EachCardStat calls fn with successive batches of what statistics read
// of the state of every card of deckID ("" = all decks), in key order
// (deck, then card id), including retired cards: the figures of States,
// without a string or an allocation per card. It reads no card text and
// no review log. cs.Cards and the ids are reused from one batch to the
// next: fn must not keep them. cs.Decks and cs.Questions grow from batch
// to batch and keep their indexes. fn runs inside a read transaction and
// must not call methods of s that write. An error from fn stops the scan
// and is returned as it is.
func (s *Store) EachCardStat(deckID string, fn func(cs *CardStats) error) error {
	cb := callback[*CardStats]{fn: fn}
	err := s.view(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketState).Cursor()
		var prefix []byte
		k, v := cur.First()
		if deckID != "" {
			prefix = deckPrefix(deckID)
			k, v = cur.Seek(prefix)
		}
		var (
			b        cardStatsBuilder
			lastDeck []byte
			deck     string
		)
		b.cs.Cards = make([]CardStat, 0, cardStatBatch)
		flush := func() error {
			if len(b.cs.Cards) == 0 {
				return nil
			}
			if err := cb.call(&b.cs); err != nil {
				return err
			}
			b.cs.Cards, b.cs.ids = b.cs.Cards[:0], b.cs.ids[:0]
			return nil
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			dk, ck, ok := splitCardKey(k)
			if !ok {
				return fmt.Errorf("bad card key %q", k)
			}
			if deck == "" || !bytes.Equal(dk, lastDeck) {
				deck, lastDeck = string(dk), dk
			}
			st, q, err := decodeCardStat(v)
			if err != nil {
				return fmt.Errorf("card %s/%s: %w", dk, ck, err)
			}
			if err := b.addStat(deck, ck, q, st); err != nil {
				return err
			}
			if len(b.cs.Cards) == cardStatBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
	return cb.done(err, "read card states from "+s.path)
}
