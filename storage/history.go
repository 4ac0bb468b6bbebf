package storage

import (
	"errors"
	"fmt"
	"slices"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"

	"github.com/flash-srs/flash/storage/internal/hooks"
)

// history writes a long synthetic history (package storagetest) the way
// years of single ratings leave the file rather than the way a few large
// transactions would: the cards' final states first, in one transaction,
// then the log in large appends that touch no state, so that the pages
// the states and the due index had before are reused by the log instead
// of staying free in the file. Every record is what Rate writes for the
// same history.
type history struct {
	s    *Store
	deck string
	nums map[string]cardNum
	// last is the after of each card's latest entry in the log so far.
	last map[cardNum]fsrs.Card
}

// newHistory sets the FSRS state of the cards of deckID in final (card
// id → state) and suspends and flags those in leeches. The log must be
// empty.
func (s *Store) newHistory(deckID string, final map[string]fsrs.Card, leeches []string) (*history, error) {
	h := &history{s: s, deck: deckID, nums: map[string]cardNum{}, last: map[cardNum]fsrs.Card{}}
	leech := map[string]bool{}
	for _, id := range leeches {
		leech[id] = true
	}
	ids := make([]string, 0, len(final))
	for id := range final {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	// In transactions of some thousand cards, as ratings spread over
	// time would change them, each moving its cards' index entries
	// (flushIndex) rather than leaving them to Close: one transaction for
	// all would split the pages of the due index into halves.
	const step = 2048
	var err error
	for start := 0; start < len(ids) || start == 0; start += step {
		err = s.update(func(tx *bolt.Tx) error {
			if k, _ := tx.Bucket(bucketLog).Cursor().First(); k != nil {
				return errors.New("the review log is not empty")
			}
			for _, id := range ids[start:min(start+step, len(ids))] {
				_, err := modifyState(tx, &s.pend, deckID, id, func(cs *CardState) error {
					cs.FSRS, cs.lastAfter = final[id], nil
					if leech[id] {
						cs.Flags = cs.Flags.Leeched()
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			return flushIndex(tx, &s.pend)
		})
		if err != nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("write final states of %s to %s: %w", deckID, s.path, err)
	}
	return h, nil
}

// append writes rs, all of h's deck, to the log in one write transaction,
// in time order (ties in the order of rs), after every entry already
// there, and counts them in the day counts; it changes no card state. It
// sets rs[i].Seq.
func (h *history) append(rs []Review) error {
	ats, order, err := timeOrder(rs)
	if err != nil {
		return err
	}
	var sl slab
	err = h.s.update(func(tx *bolt.Tx) error {
		lb := tx.Bucket(bucketLog)
		lb.FillPercent = 1
		if k, _ := lb.Cursor().Last(); len(rs) > 0 && k != nil && string(k[:8]) > string(timeKey(rs[order[0]].At)) {
			return fmt.Errorf("review at %s is before the log's latest", rs[order[0]].At)
		}
		if err := dropCaches(tx, h.deck); err != nil {
			return err
		}
		// Appended in time order: the first is the earliest.
		if len(rs) > 0 {
			if err := dropSummaryBefore(tx, ats[order[0]]); err != nil {
				return err
			}
		}
		var buf [160]byte
		for _, i := range order {
			r := &rs[i]
			if r.Deck != h.deck {
				return fmt.Errorf("review %d is of deck %s, not %s", i, r.Deck, h.deck)
			}
			n, ok := h.nums[r.Card]
			if !ok {
				v := tx.Bucket(bucketState).Get(cardKey(r.Deck, r.Card))
				if v == nil {
					return errCardNotFound(h.s.path, r.Deck, r.Card)
				}
				num, err := stateNum(v)
				if err != nil {
					return err
				}
				n = cardNum{deckNum(tx, r.Deck), num}
				h.nums[r.Card] = n
			}
			l := entryLinks{
				version:   reviewVersion3,
				elapsedEq: r.ElapsedDays == r.After.ElapsedDays, schedEq: r.ScheduledDays == r.After.ScheduledDays,
			}
			if a, ok := h.last[n]; ok && !sameCard(&r.Before, &a) {
				l.prev = &a
			}
			h.last[n] = r.After
			v, err := encodeEntry(buf[:0], r, n, ats[i], l)
			if err != nil {
				return fmt.Errorf("review %d: %w", i, err)
			}
			val := sl.alloc(len(v))
			copy(val, v)
			seq, err := lb.NextSequence()
			if err != nil {
				return err
			}
			r.Seq = seq
			if err := lb.Put(reviewKey(ats[i], uint32(seq)), val); err != nil {
				return err
			}
			if err := countRating(tx, n.deck, ats[i], r.Before.State, 1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("append %d reviews to %s: %w", len(rs), h.s.path, err)
	}
	return nil
}

// finish keeps, in the state of each card whose state is not the after
// of its latest entry, that after (one write transaction; usually
// nothing to write).
func (h *history) finish() error {
	err := h.s.update(func(tx *bolt.Tx) error {
		for id, n := range h.nums {
			a := h.last[n]
			v := tx.Bucket(bucketState).Get(cardKey(h.deck, id))
			cs := CardState{Deck: h.deck, ID: id}
			if v == nil {
				return errCardNotFound(h.s.path, h.deck, id)
			}
			if _, err := decodeState(&cs, v, nil); err != nil {
				return err
			}
			if sameCard(&cs.FSRS, &a) && cs.lastAfter == nil {
				continue
			}
			if _, err := modifyState(tx, &h.s.pend, h.deck, id, func(cs *CardState) error {
				cs.lastAfter = &a
				if sameCard(&cs.FSRS, &a) {
					cs.lastAfter = nil
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("finish the history of %s in %s: %w", h.deck, h.s.path, err)
	}
	return nil
}

func init() {
	hooks.NewHistory = func(st any, deckID string, final any, leeches []string) (any, error) {
		return st.(*Store).newHistory(deckID, final.(map[string]fsrs.Card), leeches)
	}
	hooks.HistoryAppend = func(h, rs any) error { return h.(*history).append(rs.([]Review)) }
	hooks.HistoryFinish = func(h any) error { return h.(*history).finish() }
}
