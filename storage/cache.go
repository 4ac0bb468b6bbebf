package storage

import (
	"bytes"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// A cache setting holds something derived from a deck (its cards, its
// review log, its other settings), kept so that it need not be computed
// again: a review session keeps the day's exam plan there. Its key is
// CacheKey(deck, name). Storage drops a deck's cache settings in the same
// transaction as any change of the deck's cards or log (a rating, an
// undo, a flag, an import) and all of them with any change of another
// setting, so a cache setting that is there is never stale with respect to
// the database; what else it depends on (the clock) its owner checks.
const cachePrefix = "cache/"

// CacheKey returns the settings key of a deck's cache setting name.
func CacheKey(deckID, name string) string { return cachePrefix + deckID + "/" + name }

func isCacheKey(key string) bool { return strings.HasPrefix(key, cachePrefix) }

// dropCaches deletes deckID's cache settings ("" for every deck's) in tx.
func dropCaches(tx *bolt.Tx, deckID string) error {
	b := tx.Bucket(bucketSettings)
	if b == nil {
		return nil
	}
	var pb [64]byte // CacheKey(deckID, ""), without allocating on every rating
	prefix := append(pb[:0], cachePrefix...)
	if deckID != "" {
		prefix = append(append(prefix, deckID...), '/')
	}
	c := b.Cursor()
	var keys [][]byte
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("drop cached %q: %w", k, err)
		}
	}
	return nil
}

// SetCaches stores deck deckID's cache settings name → value (CacheKey)
// and deletes those of its cache settings whose name drop reports true
// (and values does not hold), all in one committed transaction. A value
// a key already has is not written again.
func (s *Store) SetCaches(deckID string, values map[string]string, drop func(name string) bool) error {
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSettings)
		prefix := []byte(CacheKey(deckID, ""))
		var stale [][]byte
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			name := string(k[len(prefix):])
			if _, ok := values[name]; !ok && drop != nil && drop(name) {
				stale = append(stale, bytes.Clone(k))
			}
		}
		for _, k := range stale {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		for name, v := range values {
			k := []byte(CacheKey(deckID, name))
			if old := b.Get(k); old != nil && string(old) == v {
				continue
			}
			if err := b.Put(k, []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store the cache of deck %s: %w", deckID, err)
	}
	return nil
}
