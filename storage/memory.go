package storage

import (
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Memory is a card's FSRS memory state: what changes when the weights it
// is computed with change.
type Memory struct {
	Stability, Difficulty float64
}

// SetMemory sets the FSRS stability and difficulty of the cards of deckID
// named in mem (card id → memory) in one committed transaction; every
// other field of the cards (state, due, counts, flags) is kept. A card id
// not in the deck is an error, and then nothing changes.
func (s *Store) SetMemory(deckID string, mem map[string]Memory) error {
	ids := make([]string, 0, len(mem))
	for id := range mem {
		ids = append(ids, id)
	}
	slices.Sort(ids) // in key order: bbolt writes sorted keys fastest
	err := s.update(func(tx *bolt.Tx) error {
		for _, id := range ids {
			m := mem[id]
			_, err := modifyState(tx, &s.pend, deckID, id, func(cs *CardState) error {
				setMemory(cs, m)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set memory states of deck %s in %s: %w", deckID, s.path, err)
	}
	return nil
}

// setMemory sets cs's stability and difficulty, keeping the after of its
// latest log entry (which may not store it) in the state.
func setMemory(cs *CardState, m Memory) {
	la := cs.FSRS
	if cs.lastAfter != nil {
		la = *cs.lastAfter
	}
	cs.FSRS.Stability, cs.FSRS.Difficulty = m.Stability, m.Difficulty
	cs.lastAfter = nil
	if !sameCard(&la, &cs.FSRS) {
		cs.lastAfter = &la
	}
}
