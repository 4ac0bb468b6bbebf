package optimize

import (
	"hash/fnv"
	"io"
)

// CardID is the card_id of the revlog CSV: the 64-bit FNV-1a hash of the
// card key "deck/card" (UTF-8) with the top 11 bits cleared, so that it is
// a positive integer below 2^53 that survives float64 and JavaScript
// numbers. It is stable for a card across exports and databases.
func CardID(deckID, cardID string) uint64 {
	h := fnv.New64a()
	io.WriteString(h, deckID)
	io.WriteString(h, "/")
	io.WriteString(h, cardID)
	return h.Sum64() & (1<<53 - 1)
}
