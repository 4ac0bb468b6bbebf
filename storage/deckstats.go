package storage

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// DeckCardStats returns the CardStat of every card of deckID, retired
// cards included, in key order (card id), all in one CardStats: what an
// exam plan reads of a deck (EachCardStat's figures without the batches;
// no card text, no string or time per card). The cards are counted first,
// so that the CardStats and the ids are each one allocation of their size.
func (s *Store) DeckCardStats(deckID string) (*CardStats, error) {
	var b cardStatsBuilder
	err := s.view(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketState).Cursor()
		prefix := deckPrefix(deckID)
		n, idBytes := 0, 0
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			n++
			idBytes += len(k) - len(prefix)
		}
		b.cs.Cards = make([]CardStat, 0, n)
		b.cs.ids = make([]byte, 0, idBytes)
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			ck := k[len(prefix):]
			st, q, err := decodeCardStat(v)
			if err != nil {
				return fmt.Errorf("card %s/%s: %w", deckID, ck, err)
			}
			if err := b.addStat(deckID, ck, q, st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read card states from %s: %w", s.path, err)
	}
	return &b.cs, nil
}
