package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"
)

// The due index (bucket due) lists every card that can come up for study,
// so that a study day reads the cards it needs instead of every state. It
// is kept with every change of a card's state: directly (import, in the
// same transaction), or by recording the card as pending until the store
// closes (see deferIndex), with a record in the file that says so. Keys:
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
// entries to move later (deferIndex, with p); the deck's cache settings go
// (see CacheKey).
func putState(tx *bolt.Tx, p *pendingSet, old, cs *CardState, num uint32) error {
	return putStateAt(tx, p, tx.Bucket(bucketState), cardKey(cs.Deck, cs.ID), old, cs, num, nil)
}

// putStateAt is putState with the state bucket sb and the card's key in
// it; the value is allocated from sl (nil: on its own), which must
// outlive the transaction.
func putStateAt(tx *bolt.Tx, p *pendingSet, sb *bolt.Bucket, key []byte, old, cs *CardState, num uint32, sl *slab) error {
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
	return deferIndex(tx, p, key, old, cs)
}

// Pending index moves. Moving a card's entries in the due index when its
// state changes writes index leaves and their branches, at places in the
// file that have nothing to do with the rest of the commit, although the
// study session keeps its cards in memory. So a Store open read-write
// moves no index entry when a card's state changes: it records the card,
// with the middles of the index keys it has (as dueMids makes them from
// the state before its first change), in memory (Store.pend, a
// pendingSet), and moves every pending card's entries when it closes, in
// the commit that writes bbolt's list of free pages (freeListAtClose), and
// before any code that writes the index directly (import). A rating
// writes no page of the index.
//
// The file says that its index may be stale: the meta record keyStale is
// put in every transaction that leaves a card pending and deleted by the
// one that moves them all. A process that dies with cards pending leaves
// it; the next read-write Open rebuilds the index from the states
// (rebuildIndex) before anything else. Until then a read-only store takes
// every card as pending.
//
// Readers of the index in the process that changed the cards (DueStates,
// the consistency check) take a pending card's entries as stale and read
// its state instead; Store.viewPending gives them the cards pending in the
// file as of their transaction.
//
// Schema 3 recorded pending cards in bucket pend, in the file, and moved
// them every 16 cards; the migration to schema 4 moves what it holds
// (flushBucketPend) and deletes it.
var keyStale = []byte("index-stale")

// A pendingSet is the cards of a Store whose due index entries are stale:
// card key → the middles of the index keys the card has (dueMids of its
// state before it changed), "" when it has none.
type pendingSet struct {
	mu sync.Mutex
	m  map[string]string
	// moving holds the cards a flush took from m, until the transaction
	// ends: done drops them when it committed, puts them back when not.
	// movingTx is that transaction's id: a read transaction sees the
	// moves when its id is at least that.
	moving   map[string]string
	movingTx int
}

// deferIndex records that the card at key, whose state was old and is now
// cs, has changed (see above). Without p (a draft, which no one reads
// until it is complete) it moves the card's entries at once.
func deferIndex(tx *bolt.Tx, p *pendingSet, key []byte, old, cs *CardState) error {
	if p == nil {
		return reindex(tx.Bucket(bucketDue), old, cs)
	}
	// The record goes in every such transaction: one that put it may
	// have been rolled back since, leaving the card in p.
	if m := tx.Bucket(bucketMeta); m.Get(keyStale) == nil {
		if err := m.Put(keyStale, []byte{}); err != nil {
			return err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.m[string(key)]; ok {
		return nil // pending already: the index still holds what it held then
	}
	var mid []byte
	if old != nil {
		var mb [2 * dueMidMax]byte
		mid = dueMids(mb[:0], old)
	}
	if p.m == nil {
		p.m = make(map[string]string)
	}
	p.m[string(key)] = string(mid)
	return nil
}

// len returns how many cards are pending.
func (p *pendingSet) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.m) + len(p.moving)
}

// viewPending runs fn in a read transaction of s with the cards pending
// in it (nil when there are none) and whether every card must be taken as
// pending (the file says its index is stale, and this process has no
// record of why: a process died with cards pending, and no read-write open
// has rebuilt the index since). The transaction begins, and the cards are
// copied, under the set's lock, so that a flush's cards are still in
// moving unless it committed before the transaction began; they are
// pending in it when it began before the flush committed.
func (s *Store) viewPending(fn func(tx *bolt.Tx, pending map[string]string, all bool) error) error {
	p := &s.pend
	locked := true
	p.mu.Lock()
	defer func() {
		if locked {
			p.mu.Unlock()
		}
	}()
	return s.view(func(tx *bolt.Tx) error {
		var pending map[string]string
		if n := len(p.m) + len(p.moving); n > 0 {
			pending = make(map[string]string, n)
			if tx.ID() < p.movingTx {
				for k, v := range p.moving {
					pending[k] = v
				}
			}
			for k, v := range p.m {
				pending[k] = v
			}
		}
		locked = false
		p.mu.Unlock()
		all := len(pending) == 0 && tx.Bucket(bucketMeta).Get(keyStale) != nil
		return fn(tx, pending, all)
	})
}

// flushIndex moves the due index entries of every card pending in p (nil:
// none) to where its state puts them and deletes keyStale. The cards leave
// p when the transaction commits (done).
func flushIndex(tx *bolt.Tx, p *pendingSet) error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	cards := p.m
	p.m = nil
	p.movingTx = tx.ID()
	if len(cards) > 0 {
		if p.moving == nil {
			p.moving = cards
		} else {
			for k, v := range cards {
				if _, ok := p.moving[k]; !ok {
					p.moving[k] = v
				}
			}
		}
	}
	p.mu.Unlock()
	keys := make([]string, 0, len(cards))
	for k := range cards {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the state bucket's order
	due, states := tx.Bucket(bucketDue), tx.Bucket(bucketState)
	for _, k := range keys {
		if err := moveEntries(due, states, []byte(k), []byte(cards[k])); err != nil {
			return err
		}
	}
	if m := tx.Bucket(bucketMeta); m.Get(keyStale) != nil {
		return m.Delete(keyStale)
	}
	return nil
}

// done ends the transaction a flush ran in: committed, its cards are
// moved; not, they are pending again (unless pending anew meanwhile).
func (p *pendingSet) done(committed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !committed {
		for k, v := range p.moving {
			if _, ok := p.m[k]; !ok {
				if p.m == nil {
					p.m = make(map[string]string)
				}
				p.m[k] = v
			}
		}
	}
	p.moving, p.movingTx = nil, 0
}

// moveEntries deletes the index entries mid of the card at key k and puts
// those its state calls for (none when it has no state).
func moveEntries(due, states *bolt.Bucket, k, mid []byte) error {
	if err := pendingKeys(k, mid, due.Delete); err != nil {
		return err
	}
	sv := states.Get(k)
	if sv == nil {
		return nil
	}
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
	return nil
}

// pendingKeys calls fn with the index keys a pending card (key k, with
// the key middles mid) still has in the index.
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

// rebuildIndex makes the due index hold exactly the entries the card
// states call for and deletes keyStale: what the next read-write Open does
// when a process died with cards pending (see above). It computes every
// entry from the states and walks the index beside them in key order,
// deleting what no state calls for and putting what is missing, so that
// it writes only the pages of the cards that were pending (an entry the
// states call for keeps its value: empty, or the copy of the state schema
// 2 wrote).
func rebuildIndex(tx *bolt.Tx) error {
	var keys [][]byte
	var in interner
	var a arena
	err := tx.Bucket(bucketState).ForEach(func(k, v []byte) error {
		dk, ck, ok := splitCardKey(k)
		if !ok {
			return fmt.Errorf("state key %q: bad card key", k)
		}
		cs := CardState{Deck: in.str(dk), ID: string(ck)}
		if _, err := decodeState(&cs, v, &in); err != nil {
			return fmt.Errorf("card %s/%s: %w", dk, ck, err)
		}
		keys = dueKeysIn(keys, &a, &cs)
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(keys, bytes.Compare)
	due := tx.Bucket(bucketDue)
	var drop, add [][]byte
	c := due.Cursor()
	k, _ := c.First()
	for i := 0; k != nil || i < len(keys); {
		var d int
		switch {
		case k == nil:
			d = 1 // the index ends: the rest are missing
		case i == len(keys):
			d = -1 // the states' entries end: the rest are stale
		default:
			d = bytes.Compare(k, keys[i])
		}
		switch {
		case d < 0:
			drop = append(drop, bytes.Clone(k))
			k, _ = c.Next()
		case d > 0:
			add = append(add, keys[i])
			i++
		default:
			k, _ = c.Next()
			i++
		}
	}
	for _, k := range drop {
		if err := due.Delete(k); err != nil {
			return err
		}
	}
	for _, k := range add {
		if err := due.Put(k, noState); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Delete(keyStale)
}

// flushBucketPend moves the due index entries of every card in bucket
// pend of a schema 3 file (which recorded them as pendingSet does, but in
// the file) and deletes the bucket.
func flushBucketPend(tx *bolt.Tx) error {
	pb, due, states := tx.Bucket(bucketPend), tx.Bucket(bucketDue), tx.Bucket(bucketState)
	if pb == nil {
		return nil
	}
	err := pb.ForEach(func(k, v []byte) error { return moveEntries(due, states, k, v) })
	if err != nil {
		return err
	}
	return tx.DeleteBucket(bucketPend)
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
// are pending a move (deferIndex) is read from its state and returned
// when it is new, learning, relearning or review, whatever its due time;
// the first review card due at or after end is then the first one not
// pending. It reads only those cards' states, not the whole collection, in
// one read transaction. Cards come grouped by deck in deck id order, each
// once. On a file whose index a process that died left stale, opened
// read-only (the next read-write open rebuilds it), every card is pending.
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
	err := s.viewPending(func(tx *bolt.Tx, pend map[string]string, all bool) error {
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
		states := tx.Bucket(bucketState)
		seen, pendingIDs := map[string]bool{}, map[string]bool{}
		var in interner
		endKey := binary.BigEndian.AppendUint64(nil, sortable(end.UnixNano()))
		var pending [][]byte
		for k := range pend {
			pending = append(pending, []byte(k))
		}
		slices.SortFunc(pending, bytes.Compare)
		for _, d := range decks {
			deck := in.str(d)
			dp := deckPrefix(deck)
			// Pending cards' index entries are stale: skipped below, the
			// cards read from their states here. When the index may be
			// stale for any card, every card is.
			fromState := func(k, v []byte) error {
				cs := CardState{Deck: deck, ID: string(k[len(dp):])}
				if _, err := decodeState(&cs, v, &in); err != nil {
					return fmt.Errorf("card %s/%s: %w", d, cs.ID, err)
				}
				if len(dueKeys(nil, &cs)) > 0 {
					out = append(out, cs)
				}
				return nil
			}
			if all {
				c := states.Cursor()
				for k, v := c.Seek(dp); k != nil && bytes.HasPrefix(k, dp); k, v = c.Next() {
					if err := fromState(k, v); err != nil {
						return err
					}
				}
				continue
			}
			i, _ := slices.BinarySearchFunc(pending, dp, bytes.Compare)
			for ; i < len(pending) && bytes.HasPrefix(pending[i], dp); i++ {
				k := pending[i]
				pendingIDs[string(k[len(dp):])] = true
				if v := states.Get(k); v != nil {
					if err := fromState(k, v); err != nil {
						return err
					}
				}
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
