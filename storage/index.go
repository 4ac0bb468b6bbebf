package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"
)

// The due index (bucket due) lists every card that can come up for study,
// so that a study day reads the cards it needs instead of every state. It
// changes in the same transaction as every change of a card's state:
// directly (import), or by recording the card in bucket pend, whose
// entries say which index entries are stale until they are moved (see
// deferIndex). Keys:
//
//	deck\x00 'n' order (big-endian uint32) card   a new card
//	deck\x00 'l' due (sortable nanos) card        a learning or relearning card
//	deck\x00 'r' due (sortable nanos) card        a review card
//	deck\x00 'b' buried until (sortable) card     also, while buried
//
// Entries are written with an empty value: the key says all a study day's
// queue is ordered by (DueCards), the state of a card is read when it is
// shown or when more is needed (DueStates reads every card's), and the
// index takes a third of the room it took when each entry held a copy of
// the card's state value. Entries written by the
// flash of schema 3 before this hold such a copy; it is never read (the
// state is), and the consistency check accepts an empty value or a copy
// equal to the state. Retired and suspended cards are not in it. Sortable
// nanos are unix nanoseconds with the sign bit flipped, big-endian, so
// that times before 1970 sort first.
const (
	idxNew      = 'n'
	idxLearning = 'l'
	idxReview   = 'r'
	idxBuried   = 'b'
)

// noState is the value of every due index entry written now (see above);
// not nil, so that bbolt reads it back as present in the transaction that
// puts it.
var noState = []byte{}

// sortable returns unix nanos as a big-endian key part that sorts by time.
func sortable(n int64) uint64 { return uint64(n) ^ 1<<63 }

// indexTime is t's sortable nanos; the zero time sorts first.
func indexTime(ns int64, zero bool) uint64 {
	if zero {
		return 0
	}
	return sortable(ns)
}

// dueKeys appends to ks the index keys of cs (nil for a card that is
// retired or suspended).
func dueKeys(ks [][]byte, cs *CardState) [][]byte {
	return dueKeysIn(ks, nil, cs)
}

// dueKeysIn is dueKeys taking the keys' bytes from a (one allocation a key
// when a is nil).
func dueKeysIn(ks [][]byte, a *arena, cs *CardState) [][]byte {
	var mb [2 * dueMidMax]byte
	mids := dueMids(mb[:0], cs)
	eachMid(mids, func(mid []byte) {
		k := a.start(len(cs.Deck) + 1 + len(mid) + len(cs.ID))
		ks = append(ks, a.end(append(append(append(append(k, cs.Deck...), 0), mid...), cs.ID...)))
	})
	return ks
}

// dueMidMax is the longest middle of an index key: its kind byte and 8
// bytes.
const dueMidMax = 9

// dueMids appends to b the middle of each of cs's index keys (what comes
// between deck\x00 and the card id: the kind byte and its 4 or 8 bytes),
// in the order dueKeys gives the keys.
func dueMids(b []byte, cs *CardState) []byte {
	if cs.Retired || cs.Suspended {
		return b
	}
	c := &cs.FSRS
	switch c.State {
	case fsrs.New:
		b = append(b, idxNew)
		b = binary.BigEndian.AppendUint32(b, uint32(cs.Order))
	case fsrs.Learning, fsrs.Relearning, fsrs.Review:
		kind := byte(idxLearning)
		if c.State == fsrs.Review {
			kind = idxReview
		}
		b = append(b, kind)
		b = binary.BigEndian.AppendUint64(b, indexTime(c.Due.UnixNano(), c.Due.IsZero()))
	default:
		return b // an unknown state is never shown
	}
	if !cs.BuriedUntil.IsZero() {
		b = append(b, idxBuried)
		b = binary.BigEndian.AppendUint64(b, sortable(cs.BuriedUntil.UnixNano()))
	}
	return b
}

// eachMid calls fn with each key middle in mids (as dueMids writes them)
// and reports whether they were well formed.
func eachMid(mids []byte, fn func(mid []byte)) bool {
	for p := 0; p < len(mids); {
		w := 8
		if mids[p] == idxNew {
			w = 4
		}
		if p+1+w > len(mids) {
			return false
		}
		fn(mids[p : p+1+w])
		p += 1 + w
	}
	return true
}

// putState writes cs (numbered num) under its key and leaves its index
// entries to move later (deferIndex); the deck's cache settings go (see
// CacheKey).
func putState(tx *bolt.Tx, old, cs *CardState, num uint32) error {
	return putStateAt(tx, tx.Bucket(bucketState), cardKey(cs.Deck, cs.ID), old, cs, num, nil)
}

// putStateAt is putState with the state bucket sb and the card's key in
// it; the value is allocated from sl (nil: on its own), which must
// outlive the transaction.
func putStateAt(tx *bolt.Tx, sb *bolt.Bucket, key []byte, old, cs *CardState, num uint32, sl *slab) error {
	var v []byte
	var err error
	if sl == nil {
		v, err = encodeState(cs, num)
	} else {
		var buf [128]byte
		var e []byte
		if e, err = appendState(buf[:0], cs, num); err == nil {
			v = sl.alloc(len(e))
			copy(v, e)
		}
	}
	if err != nil {
		return fmt.Errorf("card %s/%s: %w", cs.Deck, cs.ID, err)
	}
	if err := sb.Put(key, v); err != nil {
		return err
	}
	if err := dropCaches(tx, cs.Deck); err != nil {
		return err
	}
	return deferIndex(tx, key, old)
}

// Pending index moves (bucket pend). Moving a card's entry in the due
// index on every rating writes two more leaf pages of the index and their
// branch in each commit (13–14 pages a rating instead of 9), although the
// study session keeps its cards in memory. So a change of state only
// records, in bucket pend, the card key and the index entries the card has
// (key: deck\x00card; value: the middle of each index key, kind byte and
// its 4 or 8 bytes, as dueKeys made them from the state before the
// change); the index itself is not touched. Every pendMax cards, and before
// any code that writes the index directly (import), flushIndex moves all
// pending cards' entries in one go. The bucket stays small enough for bbolt
// to keep it inline in the root page, which every commit writes anyway, so
// a rating writes no more pages than before the index existed.
//
// Readers of the index (DueStates, the consistency check) take a pending
// card's entries as stale and read its state instead. All of it happens in
// the transaction of the change, so the index and bucket pend always agree.
var pendMax = 16 // a variable for tests

// deferIndex records that the card at key (whose state was old, nil for a
// new card) has changed: see above.
func deferIndex(tx *bolt.Tx, key []byte, old *CardState) error {
	pb := tx.Bucket(bucketPend)
	if pb.Get(key) != nil {
		return nil // pending already: the index still holds what it held then
	}
	var mid []byte
	if old != nil {
		var mb [2 * dueMidMax]byte
		if m := dueMids(mb[:0], old); len(m) > 0 {
			mid = bytes.Clone(m)
		}
	}
	if err := pb.Put(key, mid); err != nil {
		return err
	}
	n := 0
	c := pb.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	if n < pendMax {
		return nil
	}
	return flushIndex(tx)
}

// pendingKeys calls fn with the index keys a pending card (key k, value
// mid in bucket pend) still has in the index.
func pendingKeys(k, mid []byte, fn func(ik []byte) error) error {
	dk, ck, ok := splitCardKey(k)
	if !ok {
		return fmt.Errorf("pending index key %q: %w", k, errCorrupt)
	}
	var err error
	ok = eachMid(mid, func(m []byte) {
		if err == nil {
			ik := make([]byte, 0, len(dk)+1+len(m)+len(ck))
			err = fn(append(append(append(append(ik, dk...), 0), m...), ck...))
		}
	})
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("pending index entry %q: %w", k, errCorrupt)
	}
	return nil
}

// flushIndex moves the due index entries of every pending card to where
// its state puts them and empties bucket pend.
func flushIndex(tx *bolt.Tx) error {
	pb, due, states := tx.Bucket(bucketPend), tx.Bucket(bucketDue), tx.Bucket(bucketState)
	var keys, mids [][]byte
	c := pb.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		keys, mids = append(keys, bytes.Clone(k)), append(mids, bytes.Clone(v))
	}
	for i, k := range keys {
		if err := pendingKeys(k, mids[i], due.Delete); err != nil {
			return err
		}
		if sv := states.Get(k); sv != nil {
			dk, ck, _ := splitCardKey(k)
			cs := CardState{Deck: string(dk), ID: string(ck)}
			if _, err := decodeState(&cs, sv, nil); err != nil {
				return fmt.Errorf("card %s/%s: %w", dk, ck, err)
			}
			for _, ik := range dueKeys(nil, &cs) {
				if err := due.Put(ik, noState); err != nil {
					return err
				}
			}
		}
		if err := pb.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// reindex replaces old's index entries (none when old is nil) by cs's.
func reindex(due *bolt.Bucket, old, cs *CardState) error {
	var buf [4][]byte
	var was [][]byte
	if old != nil {
		was = dueKeys(buf[:0], old)
	}
	now := dueKeys(buf[len(was):len(was)], cs)
	for _, k := range was {
		if !containsKey(now, k) {
			if err := due.Delete(k); err != nil {
				return err
			}
		}
	}
	for _, k := range now {
		if err := due.Put(k, noState); err != nil {
			return err
		}
	}
	return nil
}

func containsKey(ks [][]byte, k []byte) bool {
	for _, x := range ks {
		if bytes.Equal(x, k) {
			return true
		}
	}
	return false
}

// Deck and card numbers (bucket ids):
//
//	'd' deck id → deck number (big-endian uint32) ‖ next card number (uint32)
//	'n' deck number (big-endian uint32) → deck id
//
// and the meta record "decks", the next deck number. Numbers start at 1.
var keyNextDeck = []byte("next-deck")

func deckIDKey(deckID string) []byte { return append([]byte{'d'}, deckID...) }

func deckNumKey(n uint32) []byte { return binary.BigEndian.AppendUint32([]byte{'n'}, n) }

// deckNum returns the number of deckID, or 0 when it has none.
func deckNum(tx *bolt.Tx, deckID string) uint32 {
	var kb [64]byte
	v := tx.Bucket(bucketIDs).Get(append(append(kb[:0], 'd'), deckID...))
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint32(v)
}

// deckNum is deckNum(tx, deckID), remembered once found: a rating then
// need not open bucket ids. tx must not give deck numbers (as an import
// does), so that what it finds is committed.
func (s *Store) deckNum(tx *bolt.Tx, deckID string) uint32 {
	if n, ok := s.deckNums.Load(deckID); ok {
		return n.(uint32)
	}
	n := deckNum(tx, deckID)
	if n != 0 {
		s.deckNums.Store(deckID, n)
	}
	return n
}

// deckNumbers is a deck's number and the next card number it gives.
type deckNumbers struct {
	id         string
	num, next  uint32
	registered bool
}

// numbersOf returns deckID's numbers, giving it the next deck number when
// it has none (written by save).
func numbersOf(tx *bolt.Tx, deckID string) (deckNumbers, error) {
	v := tx.Bucket(bucketIDs).Get(deckIDKey(deckID))
	if len(v) == 8 {
		return deckNumbers{id: deckID, num: binary.BigEndian.Uint32(v), next: binary.BigEndian.Uint32(v[4:]), registered: true}, nil
	}
	if v != nil {
		return deckNumbers{}, fmt.Errorf("deck %s: bad number record", deckID)
	}
	m := tx.Bucket(bucketMeta)
	n := uint32(1)
	if nv := m.Get(keyNextDeck); len(nv) == 4 {
		n = binary.BigEndian.Uint32(nv)
	}
	if n == math.MaxUint32 {
		return deckNumbers{}, fmt.Errorf("deck %s: no deck numbers left", deckID)
	}
	return deckNumbers{id: deckID, num: n, next: 1}, nil
}

// give returns the next card number.
func (d *deckNumbers) give() (uint32, error) {
	if d.next == math.MaxUint32 {
		return 0, fmt.Errorf("deck %s: no card numbers left", d.id)
	}
	d.next++
	return d.next - 1, nil
}

// save writes d's numbers.
func (d *deckNumbers) save(tx *bolt.Tx) error {
	ids := tx.Bucket(bucketIDs)
	v := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, d.num), d.next)
	if err := ids.Put(deckIDKey(d.id), v); err != nil {
		return err
	}
	if d.registered {
		return nil
	}
	d.registered = true
	if err := ids.Put(deckNumKey(d.num), []byte(d.id)); err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyNextDeck, binary.BigEndian.AppendUint32(nil, d.num+1))
}

// cardNames maps card numbers back to deck and card ids, for reading
// whole log entries, and to where the after of each card's latest log
// entry is encoded (stateLastAfter). It is filled from the state bucket on
// first use.
type cardNames struct {
	names  map[cardNum][2]string
	afters map[cardNum][]byte
}

// lastAfter returns the encoded after (base 0) of card n's latest log
// entry, as its state gives it.
func (c *cardNames) lastAfter(tx *bolt.Tx, n cardNum) ([]byte, error) {
	if _, _, err := c.name(tx, n); err != nil {
		return nil, err
	}
	return c.afters[n], nil
}

func (c *cardNames) name(tx *bolt.Tx, n cardNum) (deckID, cardID string, err error) {
	if c.names == nil {
		c.names = make(map[cardNum][2]string)
		c.afters = make(map[cardNum][]byte)
		decks := map[string]uint32{}
		var in interner
		err := tx.Bucket(bucketState).ForEach(func(k, v []byte) error {
			dk, ck, ok := splitCardKey(k)
			if !ok {
				return fmt.Errorf("state key %q: bad card key", k)
			}
			d := in.str(dk)
			dn, ok := decks[d]
			if !ok {
				dn = deckNum(tx, d)
				decks[d] = dn
			}
			num, err := stateNum(v)
			if err != nil {
				return fmt.Errorf("card %s/%s: %w", dk, ck, err)
			}
			la, err := stateLastAfter(v)
			if err != nil {
				return fmt.Errorf("card %s/%s: %w", dk, ck, err)
			}
			c.names[cardNum{dn, num}] = [2]string{d, string(ck)}
			c.afters[cardNum{dn, num}] = la
			return nil
		})
		if err != nil {
			return "", "", err
		}
	}
	nm, ok := c.names[n]
	if !ok {
		return "", "", fmt.Errorf("no card numbered %d in deck %d", n.card, n.deck)
	}
	return nm[0], nm[1], nil
}

// Today's counts (bucket days): for each deck and hour (unix time / 3600 s)
// with ratings, how many rated cards were new and how many in review, for
// the daily limits. Key: deck number (big-endian uint32) ‖ sortable hour
// (big-endian uint64); value: uvarint new, uvarint reviews. Only the last
// keepHours before a deck's latest rating are kept: the key with hour
// math.MinInt64 holds, as a sortable uvarint, the first hour from which
// the deck's counts are complete; DoneSince reads the log before it.
const keepHours = 48
const hour = 3600e9 // nanoseconds

func hourOf(at int64) int64 {
	q := at / hour
	if at%hour < 0 {
		q--
	}
	return q
}

func dayKey(deck uint32, q int64) []byte {
	k := binary.BigEndian.AppendUint32(make([]byte, 0, 12), deck)
	return binary.BigEndian.AppendUint64(k, sortable(q))
}

// countRating adds d (1 or −1) to the count of a rating of a card in
// state before, of deck, at.
func countRating(tx *bolt.Tx, deck uint32, at int64, before fsrs.State, d int) error {
	if before != fsrs.New && before != fsrs.Review {
		return nil
	}
	b := tx.Bucket(bucketDays)
	// An hour before the kept counts (a rating given with the clock set
	// back) is counted from the log by DoneSince.
	from, err := countsFrom(b, deck)
	if err != nil || hourOf(at) < from {
		return err
	}
	k := dayKey(deck, hourOf(at))
	var n, r uint64
	if v := b.Get(k); v != nil {
		var p int
		n, p = uv(v, 0)
		r, p = uv(v, p)
		if p != len(v) {
			return fmt.Errorf("day count %x: %w", k, errCorrupt)
		}
	}
	c := &r
	if before == fsrs.New {
		c = &n
	}
	switch {
	case d > 0:
		*c++
	case *c > 0:
		*c--
	}
	if n == 0 && r == 0 {
		err = b.Delete(k)
	} else {
		err = b.Put(k, binary.AppendUvarint(binary.AppendUvarint(make([]byte, 0, 2*binary.MaxVarintLen64), n), r))
	}
	if err != nil || d < 0 {
		return err
	}
	return pruneCounts(b, deck, hourOf(at)-keepHours, from)
}

// countsFrom returns the first hour from which deck's counts are complete.
func countsFrom(b *bolt.Bucket, deck uint32) (int64, error) {
	v := b.Get(dayKey(deck, math.MinInt64))
	if v == nil {
		return math.MinInt64, nil
	}
	u, p := uv(v, 0)
	if p != len(v) {
		return 0, fmt.Errorf("day count start of deck %d: %w", deck, errCorrupt)
	}
	return int64(u ^ 1<<63), nil
}

// pruneCounts deletes deck's counts of hours before cut and records that
// the counts are complete from cut on; from is where they are complete
// from now (countsFrom).
func pruneCounts(b *bolt.Bucket, deck uint32, cut, from int64) error {
	if cut <= from {
		return nil
	}
	var old [][]byte
	c := b.Cursor()
	start, end := dayKey(deck, math.MinInt64+1), dayKey(deck, cut)
	for k, _ := c.Seek(start); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		old = append(old, bytes.Clone(k))
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return b.Put(dayKey(deck, math.MinInt64), binary.AppendUvarint(nil, sortable(cut)))
}

// DueStates returns the states a study day ending at end needs, of deckID
// ("" = every deck), from the due index: every new, learning and
// relearning card, the review cards due before end, the first review card
// due at or after it (when the queue will next have a review) and every
// buried card; no suspended or retired card. A card whose index entries
// are pending a move (bucket pend) is read from its state and returned
// when it is new, learning, relearning or review, whatever its due time;
// the first review card due at or after end is then the first one not
// pending. It reads only those cards' states, not the whole collection, in
// one read transaction. Cards come grouped by deck in deck id order, each
// once.
func (s *Store) DueStates(deckID string, end time.Time) ([]CardState, error) {
	return s.dueStates(deckID, end, false)
}

// DueCards returns the cards DueStates returns, but reads the state only of
// the cards their due index entries do not describe: a new card or a review
// card comes as its entry says (IndexOnly set: Deck, ID, FSRS.State and, of
// a new card, Order, of a review card, FSRS.Due), a learning, buried or
// pending card whole. A study day's queue orders new and review cards by
// little more, so it can be built without a random read of the state
// bucket for every due card (about one page each on a large collection);
// which cards it needs whole after all is the session's to say.
func (s *Store) DueCards(deckID string, end time.Time) ([]CardState, error) {
	return s.dueStates(deckID, end, true)
}

// dueStates is DueStates, and DueCards when lazy is set.
func (s *Store) dueStates(deckID string, end time.Time, lazy bool) ([]CardState, error) {
	var out []CardState
	err := s.view(func(tx *bolt.Tx) error {
		var decks [][]byte
		if deckID != "" {
			decks = append(decks, []byte(deckID))
		} else {
			c := tx.Bucket(bucketIDs).Cursor()
			for k, _ := c.Seek([]byte{'d'}); len(k) > 0 && k[0] == 'd'; k, _ = c.Next() {
				decks = append(decks, bytes.Clone(k[1:]))
			}
		}
		due := tx.Bucket(bucketDue).Cursor()
		pend := tx.Bucket(bucketPend).Cursor()
		states := tx.Bucket(bucketState)
		seen, pendingIDs := map[string]bool{}, map[string]bool{}
		var in interner
		endKey := binary.BigEndian.AppendUint64(nil, sortable(end.UnixNano()))
		for _, d := range decks {
			deck := in.str(d)
			// Pending cards' index entries are stale: skipped here, the
			// cards read from their states below.
			dp := deckPrefix(deck)
			var pending [][]byte
			for k, _ := pend.Seek(dp); k != nil && bytes.HasPrefix(k, dp); k, _ = pend.Next() {
				pending = append(pending, k)
				pendingIDs[string(k[len(dp):])] = true
			}
			// Pending cards come whole, from their states.
			for _, k := range pending {
				v := states.Get(k)
				if v == nil {
					continue // a pending entry outlives no card; the check reports it
				}
				cs := CardState{Deck: deck, ID: string(k[len(dp):])}
				if _, err := decodeState(&cs, v, &in); err != nil {
					return fmt.Errorf("card %s/%s: %w", d, cs.ID, err)
				}
				if len(dueKeys(nil, &cs)) == 0 {
					continue
				}
				out = append(out, cs)
			}
			// add adds the card of index entry k, read from its state,
			// unless it is pending or added already; it says whether k is
			// pending. The entry's value (empty, or a copy of the state
			// written before) is not read.
			sk := append([]byte(nil), dp...)
			add := func(k []byte, width int) (bool, error) {
				p := len(d) + 2 + width
				if len(k) <= p {
					return false, fmt.Errorf("due index key %q: too short", k)
				}
				id := k[p:]
				if pendingIDs[string(id)] {
					return true, nil
				}
				if seen[string(id)] {
					return false, nil
				}
				seen[string(id)] = true
				if kind := k[len(d)+1]; lazy && (kind == idxNew || kind == idxReview) {
					cs := CardState{Deck: deck, ID: string(id), IndexOnly: true}
					at := k[len(d)+2 : p]
					if kind == idxNew {
						cs.FSRS.State = fsrs.New
						cs.Order = int(binary.BigEndian.Uint32(at))
					} else if cs.FSRS.State = fsrs.Review; binary.BigEndian.Uint64(at) != 0 {
						cs.FSRS.Due = time.Unix(0, int64(sortable(int64(binary.BigEndian.Uint64(at)))))
					}
					out = append(out, cs)
					return false, nil
				}
				sk = append(sk[:len(dp)], id...)
				v := states.Get(sk)
				if v == nil {
					return false, fmt.Errorf("due index entry %q: card %s/%s has no state", k, d, id)
				}
				out = append(out, CardState{Deck: deck, ID: string(id)})
				if _, err := decodeState(&out[len(out)-1], v, &in); err != nil {
					return false, fmt.Errorf("card %s/%s: %w", d, id, err)
				}
				return false, nil
			}
			prefix := func(kind byte) []byte { return append(append(append([]byte{}, d...), 0), kind) }
			for _, kind := range []byte{idxBuried, idxLearning, idxNew} {
				width := 8
				if kind == idxNew {
					width = 4
				}
				pre := prefix(kind)
				for k, _ := due.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, _ = due.Next() {
					if _, err := add(k, width); err != nil {
						return err
					}
				}
			}
			pre := prefix(idxReview)
			for k, _ := due.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, _ = due.Next() {
				pending, err := add(k, 8)
				if err != nil {
					return err
				}
				if !pending && len(k) >= len(pre)+8 && bytes.Compare(k[len(pre):len(pre)+8], endKey) >= 0 {
					break // the first one due at or after end
				}
			}
			clear(seen)
			clear(pendingIDs)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read due cards from %s: %w", s.path, err)
	}
	return out, nil
}
