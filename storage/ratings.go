package storage

import (
	"encoding/binary"
	"fmt"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"
)

// LogRating is what a replay of the review log reads of an entry: which
// card, when, the rating and the FSRS state before it. It holds no
// pointer but the deck's id, shared by every entry of the deck.
type LogRating struct {
	At   int64  // unix nanoseconds
	Card uint64 // the card's identity in the log: the same for all its entries
	Deck string // the card's deck
	// Rating and State (before the rating).
	Rating fsrs.Rating
	State  fsrs.State
}

// ScanRatings calls fn with successive batches of every log entry, in
// time order (ties in the order they were written), in one pass of one
// read transaction: the fast way to replay every card's history (the
// calibration of fitted weights). It decodes only what LogRating holds
// and reads no card state; a batch is reused, so fn must not keep it. fn
// runs inside the transaction and must not call methods of s that write.
// It stops at and returns the first error fn returns, unwrapped.
func (s *Store) ScanRatings(fn func(batch []LogRating) error) error {
	cb := callback[[]LogRating]{fn: fn}
	err := s.view(func(tx *bolt.Tx) error {
		ids := tx.Bucket(bucketIDs)
		decks := map[uint32]string{}
		var lastNum uint32
		var lastDeck string
		batch := make([]LogRating, 0, 512)
		var e LogStat
		cur := tx.Bucket(bucketLog).Cursor()
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			if len(k) != reviewKeyLen {
				return fmt.Errorf("log entry %x: bad key length", k)
			}
			at := int64(binary.BigEndian.Uint64(k))
			if _, err := decodeStat(&e, at, v, 0); err != nil {
				return fmt.Errorf("log entry %x: %w", k, err)
			}
			n, _, err := peekReview(v)
			if err != nil {
				return fmt.Errorf("log entry %x: %w", k, err)
			}
			if n.deck != lastNum || lastDeck == "" {
				id, ok := decks[n.deck]
				if !ok {
					v := ids.Get(deckNumKey(n.deck))
					if len(v) == 0 {
						return fmt.Errorf("log entry %x: deck number %d has no id: %w", k, n.deck, errCorrupt)
					}
					id = string(v)
					decks[n.deck] = id
				}
				lastNum, lastDeck = n.deck, id
			}
			batch = append(batch, LogRating{At: at, Card: uint64(n.deck)<<32 | uint64(n.card), Deck: lastDeck, Rating: e.Rating, State: e.State})
			if len(batch) == cap(batch) {
				if err := cb.call(batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if len(batch) > 0 {
			return cb.call(batch)
		}
		return nil
	})
	return cb.done(err, "read review log of "+s.path)
}
