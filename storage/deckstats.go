package storage

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// DeckSize returns how many cards of deckID the store holds, retired
// cards included: the cards EachCardStat gives for it. It walks the keys
// only, decoding nothing (what a reader of every card sizes its memory
// with before it reads them).
func (s *Store) DeckSize(deckID string) (int, error) {
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketState).Cursor()
		prefix := deckPrefix(deckID)
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count the cards of %s in %s: %w", deckID, s.path, err)
	}
	return n, nil
}
