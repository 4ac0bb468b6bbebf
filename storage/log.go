package storage

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"

	"github.com/flash-srs/flash/storage/internal/hooks"
)

// Review is one review-log entry: enough to undo the rating and to fit FSRS
// parameters later.
type Review struct {
	Seq           uint64 // set by Rate; unique in the database
	Deck, Card    string
	At            time.Time // when the rating was given; keys the log
	Rating        fsrs.Rating
	Before, After fsrs.Card // FSRS memory before and after the rating
	ElapsedDays   uint64    // days since the previous review
	ScheduledDays uint64    // the interval the rating gave
	Duration      time.Duration
	Answer        string // the learner's typed answer on a derive card
	Leech         bool   // this rating made the card a leech (Flags.Leeched)
	// FlagsBefore are the card's flags as Rate found them, not kept in
	// the log: Undo of a leech rating puts them back exactly.
	FlagsBefore Flags
}

// errFnPanic stands in for a panic in a caller's callback while the
// transaction unwinds; see guard.
var errFnPanic = errors.New("panic in callback")

// guard calls fn(arg), turning a panic in fn into errFnPanic and keeping
// its value in *p: the transaction's damage recovery must not mistake a
// caller's panic for a damaged page. The caller panics again with *p once
// the transaction is over.
func guard[T any](p *any, fn func(T) error, arg T) (err error) {
	defer func() {
		if r := recover(); r != nil {
			*p, err = r, errFnPanic
		}
	}()
	return fn(arg)
}

// callback is a caller's fn run inside a read transaction (Reviews,
// ScanRatings, EachCardStat): call keeps fn's first error and a panic in
// fn (guard), and done, once the transaction is over, panics again with
// it, returns fn's error as it is, or wraps the transaction's own error
// with what.
type callback[T any] struct {
	fn    func(T) error
	err   error
	panic any
}

func (c *callback[T]) call(arg T) error {
	err := guard(&c.panic, c.fn, arg)
	if err != nil {
		c.err = err
	}
	return err
}

func (c *callback[T]) done(err error, what string) error {
	if c.panic != nil {
		panic(c.panic)
	}
	if c.err != nil && errors.Is(err, c.err) {
		return c.err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// reviewNanos checks that at can key the log: set, not before 1970 and
// not after 2262.
func reviewNanos(at time.Time) (int64, error) {
	if at.IsZero() || at.Before(time.Unix(0, 0)) {
		return 0, fmt.Errorf("review time %v before 1970", at)
	}
	return nanos(at, "review time")
}

// Rate records a rating in one write transaction, synced to disk before it
// returns: the card's FSRS state becomes r.After, r is appended to the log,
// and when r.Leech is set the card's flags become Flags.Leeched. It returns r
// with Seq set. It returns an error wrapping ErrNotFound for an unknown card
// and ErrRetired for a retired one; then nothing is written. It blocks while
// another write transaction runs.
func (s *Store) Rate(r Review) (Review, error) {
	at, err := reviewNanos(r.At)
	if err != nil {
		return Review{}, fmt.Errorf("rate %s/%s: %w", r.Deck, r.Card, err)
	}
	var vb [160]byte
	if _, err := encodeReview(vb[:0], &r, cardNum{}, at); err != nil {
		return Review{}, fmt.Errorf("rate %s/%s: %w", r.Deck, r.Card, err)
	}
	var sl slab
	err = s.update(func(tx *bolt.Tx) error { return s.applyRating(tx, &r, at, &sl) })
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrRetired) {
		return Review{}, err
	}
	if err != nil {
		return Review{}, fmt.Errorf("rate %s/%s in %s: %w", r.Deck, r.Card, s.path, err)
	}
	return r, nil
}

// applyRating is the one place a rating changes the database, for Rate and
// for bulk appends: the card's state becomes r.After (its flags
// Flags.Leeched when r.Leech; the flags before are kept in r.FlagsBefore),
// with its due index entries; r is appended to the log under at (r.At in
// unix nanoseconds) and the next sequence number, which it sets in r.Seq;
// the day counts grow. It reads the card's state once and, after the
// first rating, finds the deck's number without opening bucket ids
// (Store.deckNum). Keys and values are allocated from sl, which must
// outlive the transaction.
func (s *Store) applyRating(tx *bolt.Tx, r *Review, at int64, sl *slab) error {
	sb := tx.Bucket(bucketState)
	skey := appendCardKey(sl.alloc(len(r.Deck) + 1 + len(r.Card))[:0], r.Deck, r.Card)
	sv := sb.Get(skey)
	if sv == nil {
		return errCardNotFound(tx.DB().Path(), r.Deck, r.Card)
	}
	if _, err := stateNum(sv); err != nil {
		return fmt.Errorf("card %s/%s: %w", r.Deck, r.Card, err)
	}
	cs := CardState{Deck: r.Deck, ID: r.Card}
	num, err := decodeState(&cs, sv, nil)
	if err != nil {
		return fmt.Errorf("card %s/%s: %w", r.Deck, r.Card, err)
	}
	dn := s.deckNum(tx, r.Deck)
	if dn == 0 {
		return fmt.Errorf("deck %s has no number", r.Deck)
	}
	n := cardNum{dn, num}
	lb := tx.Bucket(bucketLog)
	lb.FillPercent = 1 // keys arrive in time order: fill pages
	seq, err := lb.NextSequence()
	if err != nil {
		return err
	}
	if seq > math.MaxUint32 {
		return errors.New("the review log is full (4294967295 entries)")
	}
	key := appendReviewKey(sl.alloc(reviewKeyLen)[:0], at, uint32(seq))
	// A rating given at an earlier time than the card's latest (the
	// clock moved back) goes in between: it keeps its after, and the
	// entries after it keep theirs.
	succ, err := nextEntry(lb, key, n)
	if err != nil {
		return err
	}
	if cs.Retired {
		return &dbError{msg: fmt.Sprintf("card %s/%s is retired", r.Deck, r.Card), kind: ErrRetired}
	}
	l := entryLinks{
		version: reviewVersion3, explicit: succ != nil,
		elapsedEq: r.ElapsedDays == r.After.ElapsedDays, schedEq: r.ScheduledDays == r.After.ScheduledDays,
	}
	old := cs
	r.FlagsBefore = cs.Flags
	la := cs.FSRS // the after of the card's latest entry
	if cs.lastAfter != nil {
		la = *cs.lastAfter
	}
	cs.FSRS, cs.lastAfter = r.After, nil
	if r.Leech {
		cs.Flags = cs.Flags.Leeched()
	}
	pa := la // the after of the entry before this one
	if succ != nil {
		pa = succ.prevAfter()
		if !sameCard(&la, &cs.FSRS) {
			cp := la
			cs.lastAfter = &cp
		}
	}
	if !sameCard(&r.Before, &pa) {
		l.prev = &pa
	}
	if err := putStateAt(tx, &s.pend, sb, skey, &old, &cs, num, sl); err != nil {
		return err
	}
	var buf [160]byte
	v, err := encodeEntry(buf[:0], r, n, at, l)
	if err != nil {
		return fmt.Errorf("review of %s/%s: %w", r.Deck, r.Card, err)
	}
	val := sl.alloc(len(v))
	copy(val, v)
	r.Seq = seq
	if err := dropSummaryBefore(tx, at); err != nil {
		return err
	}
	if err := lb.Put(key, val); err != nil {
		return err
	}
	return countRating(tx, dn, at, r.Before.State, 1)
}

// logEntry is a decoded log entry with its key and links.
type logEntry struct {
	key []byte
	r   Review
	n   cardNum
	l   entryLinks
}

// prevAfter returns the after of the entry before e of e's card, as e
// gives it (when that entry does not store its own).
func (e *logEntry) prevAfter() fsrs.Card {
	if e.l.prev != nil {
		return *e.l.prev
	}
	return e.r.Before
}

// nextEntry returns, decoded, the first log entry of card n after key, or
// nil when there is none. Ratings are appended, so this usually reads
// nothing past key.
func nextEntry(lb *bolt.Bucket, key []byte, n cardNum) (*logEntry, error) {
	c := lb.Cursor()
	k, v := c.Seek(key)
	if bytes.Equal(k, key) {
		k, v = c.Next()
	}
	for ; k != nil; k, v = c.Next() {
		m, _, err := peekReview(v)
		if err != nil {
			return nil, fmt.Errorf("log entry %x: %w", k, err)
		}
		if m != n {
			continue
		}
		e := &logEntry{key: bytes.Clone(k)}
		if e.n, e.l, err = decodeEntry(&e.r, k, v); err != nil {
			return nil, fmt.Errorf("log entry %x: %w", k, err)
		}
		return e, nil
	}
	return nil, nil
}

// Undo takes back a rating returned by Rate in one write transaction: the
// card's FSRS state goes back to r.Before, the log entry is deleted, the
// day counts shrink and, when r.Leech is set, the card is unsuspended and
// unflagged. It returns an error wrapping ErrNotFound when the entry is no
// longer in the log or the card is gone; then nothing is written.
func (s *Store) Undo(r Review) error {
	at, err := reviewNanos(r.At)
	if err != nil {
		return fmt.Errorf("undo rating of %s/%s: %w", r.Deck, r.Card, err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		lb := tx.Bucket(bucketLog)
		var v, k []byte
		if r.Seq <= math.MaxUint32 {
			k = reviewKey(at, uint32(r.Seq))
			v = lb.Get(k)
		}
		if v == nil {
			return &dbError{
				msg:  fmt.Sprintf("rating of %s/%s at %s (seq %d) is not in the log of %s", r.Deck, r.Card, r.At.Format(time.RFC3339), r.Seq, s.path),
				kind: ErrNotFound,
			}
		}
		e := logEntry{key: k}
		var err error
		if e.n, e.l, err = decodeEntry(&e.r, k, v); err != nil {
			return fmt.Errorf("log entry %x: %w", k, err)
		}
		n := e.n
		// The entry before this one of the card keeps its after: the
		// card's next entry, or its state, gives it from now on.
		pa := e.prevAfter()
		succ, err := nextEntry(lb, k, n)
		if err != nil {
			return err
		}
		num, err := modifyState(tx, &s.pend, r.Deck, r.Card, func(cs *CardState) error {
			la := cs.FSRS
			if cs.lastAfter != nil {
				la = *cs.lastAfter
			}
			cs.FSRS = r.Before
			if r.Leech {
				cs.Flags = r.FlagsBefore
			}
			want := pa
			if succ != nil {
				want = la // the latest entry stays the latest
			}
			cs.lastAfter = nil
			if !sameCard(&want, &cs.FSRS) {
				cs.lastAfter = &want
			}
			return nil
		})
		if err != nil {
			return err
		}
		if want := (cardNum{deckNum(tx, r.Deck), num}); n != want {
			var names cardNames
			d, c, err := names.name(tx, n)
			if err != nil {
				return fmt.Errorf("log entry %x is for card %d of deck %d, not %s/%s", k, n.card, n.deck, r.Deck, r.Card)
			}
			return fmt.Errorf("log entry %x is for %s/%s, not %s/%s", k, d, c, r.Deck, r.Card)
		}
		// The entry goes, and its card's next one may be rewritten
		// (it is later).
		if err := dropSummaryBefore(tx, at); err != nil {
			return err
		}
		if succ != nil {
			if given := succ.prevAfter(); !sameCard(&given, &pa) {
				succ.l.prev = &pa
				if succ.l.version == reviewVersion {
					succ.l.version = reviewVersion3
				}
				nv, err := encodeEntry(nil, &succ.r, succ.n, succ.r.At.UnixNano(), succ.l)
				if err != nil {
					return fmt.Errorf("log entry %x: %w", succ.key, err)
				}
				if err := lb.Put(succ.key, nv); err != nil {
					return err
				}
			}
		}
		if err := lb.Delete(k); err != nil {
			return err
		}
		if err := countRating(tx, n.deck, at, e.r.Before.State, -1); err != nil {
			return err
		}
		return addUndone(tx, 1)
	})
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("undo rating of %s/%s in %s: %w", r.Deck, r.Card, s.path, err)
	}
	return nil
}

// reviewCount is the number of log entries: every entry took a number
// from the log bucket's sequence, and Undo counts the ones it deleted, so
// that Rate touches no record beyond its two.
func reviewCount(tx *bolt.Tx) uint64 {
	return tx.Bucket(bucketLog).Sequence() - undone(tx)
}

func undone(tx *bolt.Tx) uint64 {
	v := tx.Bucket(bucketMeta).Get(keyUndone)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func addUndone(tx *bolt.Tx, d uint64) error {
	n := undone(tx) + d
	return tx.Bucket(bucketMeta).Put(keyUndone, binary.BigEndian.AppendUint64(nil, n))
}

// ReviewCount returns how many entries the review log holds. It reads two
// counters (the log's sequence and the number of undone ratings), so it
// costs the same on any log size.
func (s *Store) ReviewCount() (int, error) {
	var n uint64
	err := s.view(func(tx *bolt.Tx) error {
		n = reviewCount(tx)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count reviews in %s: %w", s.path, err)
	}
	return int(n), nil
}

// Reviews calls fn for every log entry with from <= At < to, in time order
// (ties in the order they were written), in one read transaction. It reads every card state first, to name the cards, and
// walks the log from its end back to from first, to find the afters that
// log entries do not store (each the before of the card's next entry): it is
// for export and checks, not for statistics (ScanStatsParts). A zero from means from the start, a zero to means no upper
// bound. It stops at and returns the first error fn returns, unwrapped.
//
// fn runs inside the transaction: it must not call methods of s that write
// (that deadlocks). Deck and Card strings are shared between the Review
// values of one call; fn may keep them.
func (s *Store) Reviews(from, to time.Time, fn func(Review) error) error {
	cb := callback[Review]{fn: fn}
	err := s.view(func(tx *bolt.Tx) error {
		var start []byte
		if !from.IsZero() {
			start = timeKey(from)
		}
		end := ^uint64(0)
		if !to.IsZero() {
			end = binary.BigEndian.Uint64(timeKey(to))
		}
		var names cardNames
		afters, err := findAfters(tx, &names, start, end)
		if err != nil {
			return err
		}
		cur := tx.Bucket(bucketLog).Cursor()
		var k, v []byte
		if start == nil {
			k, v = cur.First()
		} else {
			k, v = cur.Seek(start)
		}
		var r Review
		var after fsrs.Card
		for ; k != nil; k, v = cur.Next() {
			if len(k) >= 8 && binary.BigEndian.Uint64(k) >= end {
				break
			}
			n, l, err := decodeEntry(&r, k, v)
			if err != nil {
				return fmt.Errorf("log entry %x: %w", k, err)
			}
			if !l.explicit {
				a, ok := afters.take()
				if !ok {
					return fmt.Errorf("log entry %x: the log changed while read", k)
				}
				if readCard(&after, a.b, 0, a.base) > len(a.b) {
					return fmt.Errorf("log entry %x: its after: %w", k, errCorrupt)
				}
				completeAfter(&r, l, &after)
			}
			if r.Deck, r.Card, err = names.name(tx, n); err != nil {
				return fmt.Errorf("log entry %x: %w", k, err)
			}
			if err := cb.call(r); err != nil {
				return err
			}
		}
		return nil
	})
	return cb.done(err, "read review log of "+s.path)
}

// encodedCard is an FSRS card encoded in a value, relative to base.
type encodedCard struct {
	b    []byte
	base int64
}

// findAfters walks the log from start (nil: its first entry) to its end
// and returns where the after of each entry before end that does not
// store it is encoded, in log order: the before of the card's next entry
// (or the previous after that entry stores), or for the card's latest
// entry its state's last after. The slices point into the transaction's
// pages.
func findAfters(tx *bolt.Tx, names *cardNames, start []byte, end uint64) (*cardList, error) {
	var waiting cardTable // by card: 1 + the index in afters of its entry waiting for an after
	afters := new(cardList)
	cur := tx.Bucket(bucketLog).Cursor()
	k, v := cur.First()
	if start != nil {
		k, v = cur.Seek(start)
	}
	for ; k != nil; k, v = cur.Next() {
		if len(k) != reviewKeyLen {
			return nil, fmt.Errorf("log entry %x: bad key length", k)
		}
		at := int64(binary.BigEndian.Uint64(k))
		n, before, prev, explicit, err := entryCards(v)
		if err != nil {
			return nil, fmt.Errorf("log entry %x: %w", k, err)
		}
		slot := waiting.slot(n)
		if *slot != 0 {
			if prev == nil {
				prev = before
			}
			*afters.at(*slot - 1) = encodedCard{prev, at}
			*slot = 0
		}
		if !explicit && uint64(at) < end {
			afters.add()
			*slot = afters.n
		}
	}
	// The entries still waiting are their cards' latest.
	return afters, waiting.each(func(n cardNum, i int) error {
		b, err := names.lastAfter(tx, n)
		*afters.at(i - 1) = encodedCard{b: b}
		return err
	})
}

// cardList is a list of encoded cards in chunks: it grows without copying
// or reserving more than a chunk.
type cardList struct {
	chunks [][]encodedCard
	n      int // how many were added
	next   int // the next to take
}

const cardChunk = 1 << 14

func (l *cardList) add() {
	if l.n%cardChunk == 0 {
		l.chunks = append(l.chunks, make([]encodedCard, cardChunk))
	}
	l.n++
}

func (l *cardList) at(i int) *encodedCard { return &l.chunks[i/cardChunk][i%cardChunk] }

// take returns the next card in the order added, false after the last;
// it lets go of each chunk taken.
func (l *cardList) take() (encodedCard, bool) {
	if l.next >= l.n {
		return encodedCard{}, false
	}
	c := *l.at(l.next)
	l.next++
	if l.next%cardChunk == 0 {
		l.chunks[l.next/cardChunk-1] = nil
	}
	return c, true
}

// cardTable holds an int for each card, by deck and card number (card
// numbers are dense: a slice per deck).
type cardTable struct {
	decks    map[uint32][]int
	lastDeck uint32
	last     []int
}

// slot returns where n's int is kept.
func (t *cardTable) slot(n cardNum) *int {
	if t.last == nil || n.deck != t.lastDeck {
		if t.decks == nil {
			t.decks = map[uint32][]int{}
		}
		if t.last != nil {
			t.decks[t.lastDeck] = t.last
		}
		t.lastDeck, t.last = n.deck, t.decks[n.deck]
	}
	if int(n.card) >= len(t.last) {
		t.last = append(t.last, make([]int, int(n.card)+1-len(t.last)+len(t.last)/4)...)
	}
	return &t.last[n.card]
}

// each calls fn for every card whose int is not 0, until fn fails.
func (t *cardTable) each(fn func(n cardNum, v int) error) error {
	if t.last != nil {
		if t.decks == nil {
			t.decks = map[uint32][]int{}
		}
		t.decks[t.lastDeck] = t.last
	}
	for d, cards := range t.decks {
		for c, v := range cards {
			if v != 0 {
				if err := fn(cardNum{d, uint32(c)}, v); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ScanStatsParts calls fn with successive batches of log entries of deckID
// ("" = all decks), in time order: the fast way through the whole log for
// statistics. It decodes only what LogStat holds; a batch is reused, so fn
// must not keep it. fn runs inside a read transaction and must not call
// methods of s that write.
//
// The log is cut into at most parts pieces, scanned by up to workers
// goroutines at once, one read transaction each: piece i
// holds the entries of the i-th of parts equal spans of time between the
// first and the last entry, so every entry of piece i comes before every
// entry of piece i+1. A worker takes the next piece not yet taken when it
// is done with one. fn gets the piece's number with each batch; it is
// called from several goroutines at once, but for one piece from one
// goroutine, with the piece's batches in time order. Some pieces may get
// no batch.
//
// All pieces see one state of the file: on a Store opened ReadOnly no
// writer can run while it is open. On a read-write Store a second read
// transaction could wait behind a writer that waits for the first, so
// there the whole log is scanned as piece 0.
//
// On the first error (from fn or a damaged entry) the other pieces stop
// at their next batch; the error of the lowest piece that failed is
// returned, fn's unwrapped. A panic in fn is raised again in the caller's
// goroutine.
//
// fn is also told which goroutine reads the batch: worker is in 0 …
// workers-1, and fn is never called for one worker from two goroutines at
// once, so a caller can keep one accumulator per worker instead of one per
// piece, and cut the log into many small pieces that share the work
// evenly (a log's entries are seldom spread evenly in time: most come in a
// collection's first months).
func (s *Store) ScanStatsParts(deckID string, parts, workers int, fn func(worker, part int, batch []LogStat) error) error {
	return s.ScanStatsSince(deckID, time.Time{}, parts, workers, fn)
}

// ScanStatsSince is ScanStatsParts of the entries at or after from (a zero
// from: all of them): the log is in time order, so the scan starts at from
// and reads nothing before it. The pieces cut the time between from (or
// the first entry, when later) and the last entry.
func (s *Store) ScanStatsSince(deckID string, from time.Time, parts, workers int, fn func(worker, part int, batch []LogStat) error) error {
	if parts < 1 || !s.readOnly {
		parts = 1
	}
	var deck uint32 // 0: every deck; set below, before any scan
	workers = max(workers, 1)
	type piece struct {
		from, to uint64 // key time range [from, to); to 0: no bound
		err      error
		fnErr    bool
		fnPanic  any
	}
	pieces := make([]piece, 1, parts)
	if !from.IsZero() {
		pieces[0].from = binary.BigEndian.Uint64(timeKey(from))
	}
	var stop atomic.Bool
	// scan reads piece i in tx with batch (empty, reused by the
	// goroutine for each of its pieces): one goroutine's work.
	scan := func(tx *bolt.Tx, w, i int, batch []LogStat) (err error) {
		pc := &pieces[i]
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer s.recoverDamage(&err)
		piece := func(batch []LogStat) error { return fn(w, i, batch) }
		call := func(batch []LogStat) error {
			if stop.Load() {
				return errStopped
			}
			return guard(&pc.fnPanic, piece, batch)
		}
		return scanStats(tx, pc.from, pc.to, deck, batch, func(batch []LogStat) error {
			if err := call(batch); err != nil {
				pc.fnErr = true
				return err
			}
			return nil
		})
	}

	tx, err := s.begin()
	if err != nil {
		return fmt.Errorf("read review log of %s: %w", s.path, err)
	}
	txs := []*bolt.Tx{tx}
	defer func() {
		for _, tx := range txs {
			_ = tx.Rollback()
		}
	}()
	if deckID != "" {
		if deck = deckNum(tx, deckID); deck == 0 {
			return nil // a deck never imported has no entries
		}
	}
	if parts > 1 {
		first, last, err := s.logSpan(tx)
		if err != nil {
			return fmt.Errorf("read review log of %s: %w", s.path, err)
		}
		first = max(first, pieces[0].from)
		// Too short a span to cut (or an empty log): one piece.
		if span := last - first; last > first && span/uint64(parts) > 0 {
			for range min(workers, parts) - 1 {
				t, err := s.begin()
				if err != nil {
					return fmt.Errorf("read review log of %s: %w", s.path, err)
				}
				if t.ID() != tx.ID() { // cannot happen read-only; be safe
					_ = t.Rollback()
					break
				}
				txs = append(txs, t)
			}
			step := span / uint64(parts)
			for i := 1; i < parts; i++ {
				cut := first + uint64(i)*step
				pieces[i-1].to = cut
				pieces = append(pieces, piece{from: cut})
			}
		}
	}
	// Workers take the pieces in order, each next one as it finishes
	// one: the log's entries need not be spread evenly in time.
	var next atomic.Int32
	work := func(tx *bolt.Tx, w int) {
		batch := make([]LogStat, 0, 512)
		for {
			i := int(next.Add(1)) - 1
			if i >= len(pieces) || stop.Load() {
				return
			}
			if err := scan(tx, w, i, batch); err != nil {
				pieces[i].err = err
				stop.Store(true)
			}
		}
	}
	var wg sync.WaitGroup
	for w, t := range txs[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(t, w+1)
		}()
	}
	work(tx, 0)
	wg.Wait()
	for i := range pieces {
		if pieces[i].fnPanic != nil {
			panic(pieces[i].fnPanic)
		}
	}
	for i := range pieces {
		pc := &pieces[i]
		switch {
		case pc.err == nil || pc.err == errStopped:
		case pc.fnErr:
			return pc.err
		default:
			return fmt.Errorf("read review log of %s: %w", s.path, pc.err)
		}
	}
	return nil
}

// scanStats decodes the log entries of deck (0: every deck) whose key
// times are in [from, to) (from 0: from the first entry; to 0: to the
// last) into batch, and calls fn with batch whenever it is full and with
// what is left at the end; batch is reused after fn returns. It stops at
// fn's first error and returns it. The one walk of the log for statistics:
// ScanStatsSince's pieces and the summary's scan.
func scanStats(tx *bolt.Tx, from, to uint64, deck uint32, batch []LogStat, fn func([]LogStat) error) error {
	cur := tx.Bucket(bucketLog).Cursor()
	var k, v []byte
	if from == 0 {
		k, v = cur.First()
	} else {
		k, v = cur.Seek(binary.BigEndian.AppendUint64(nil, from))
	}
	for ; k != nil; k, v = cur.Next() {
		if len(k) != reviewKeyLen {
			return fmt.Errorf("log entry %x: bad key length", k)
		}
		at := binary.BigEndian.Uint64(k)
		if to != 0 && at >= to {
			break
		}
		batch = batch[:len(batch)+1]
		ok, err := decodeStat(&batch[len(batch)-1], int64(at), v, deck)
		if err != nil {
			return fmt.Errorf("log entry %x: %w", k, err)
		}
		if !ok {
			batch = batch[:len(batch)-1]
			continue
		}
		if len(batch) == cap(batch) {
			if err := fn(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// errStopped ends a piece of ScanStatsParts after another failed.
var errStopped = errors.New("stopped")

// begin starts a read transaction, turning a bbolt panic into an error.
func (s *Store) begin() (tx *bolt.Tx, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer s.recoverDamage(&err)
	return s.db.Begin(false)
}

// logSpan returns the times (key prefixes) of the first and last log
// entries; both 0 for an empty log.
func (s *Store) logSpan(tx *bolt.Tx) (first, last uint64, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer s.recoverDamage(&err)
	cur := tx.Bucket(bucketLog).Cursor()
	k, _ := cur.First()
	if len(k) < 8 {
		return 0, 0, nil
	}
	first = binary.BigEndian.Uint64(k)
	if k, _ = cur.Last(); len(k) < 8 {
		return 0, 0, nil
	}
	return first, binary.BigEndian.Uint64(k), nil
}

// DoneSince counts what was studied in deckID ("" = all decks) at or after
// since, for daily limits: newCards is how many ratings were of new cards
// (Before.State == New; a rating takes a card out of New, so each is
// another card), reviews how many were of cards in the review state
// (Before.State == Review). It reads the day counts, kept per hour for the
// last two days of ratings, and the log only for the part of an hour after
// since when since does not begin one (a study day begins at 04:00 local
// time, a whole hour but in time zones such as India's) and for what is
// older than the counts kept.
func (s *Store) DoneSince(deckID string, since time.Time) (newCards, reviews int, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		var decks []uint32
		if deckID != "" {
			if n := deckNum(tx, deckID); n != 0 {
				decks = append(decks, n)
			}
		} else {
			c := tx.Bucket(bucketIDs).Cursor()
			for k, _ := c.Seek([]byte{'n'}); len(k) == 5 && k[0] == 'n'; k, _ = c.Next() {
				decks = append(decks, binary.BigEndian.Uint32(k[1:]))
			}
		}
		days := tx.Bucket(bucketDays)
		// fromLog counts the log's entries of decks in [from, to).
		fromLog := func(from, to int64, decks []uint32) error {
			cur := tx.Bucket(bucketLog).Cursor()
			for k, v := cur.Seek(binary.BigEndian.AppendUint64(nil, uint64(max(from, 0)))); k != nil && int64(binary.BigEndian.Uint64(k)) < to; k, v = cur.Next() {
				n, st, err := peekReview(v)
				if err != nil {
					return fmt.Errorf("log entry %x: %w", k, err)
				}
				if !slices.Contains(decks, n.deck) {
					continue
				}
				switch st {
				case fsrs.New:
					newCards++
				case fsrs.Review:
					reviews++
				}
			}
			return nil
		}
		at := int64(binary.BigEndian.Uint64(timeKey(since)))
		for _, d := range decks {
			complete, err := countsFrom(days, d)
			if err != nil {
				return err
			}
			// Whole hours from the counts; the rest of since's hour,
			// or the hours before the counts are complete, from the log.
			q := hourOf(at)
			if at%hour != 0 {
				q++
			}
			if q < complete {
				q = complete
			}
			if end := q * hour; at < end {
				if err := fromLog(at, end, []uint32{d}); err != nil {
					return err
				}
			}
			prefix := binary.BigEndian.AppendUint32(nil, d)
			c := days.Cursor()
			for k, v := c.Seek(dayKey(d, q)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				n, p := uv(v, 0)
				r, p := uv(v, p)
				if p != len(v) {
					return fmt.Errorf("day count %x: %w", k, errCorrupt)
				}
				newCards += int(n)
				reviews += int(r)
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("count reviews since %s in %s: %w", since.Format(time.RFC3339), s.path, err)
	}
	return newCards, reviews, nil
}

// timeOrder returns the review times of rs in unix nanoseconds and the
// indexes of rs in time order, ties in the order of rs: the order bulk
// writers append them to the log in.
func timeOrder(rs []Review) (ats []int64, order []int, err error) {
	ats, order = make([]int64, len(rs)), make([]int, len(rs))
	for i := range rs {
		at, err := reviewNanos(rs[i].At)
		if err != nil {
			return nil, nil, fmt.Errorf("append review %d (%s/%s): %w", i, rs[i].Deck, rs[i].Card, err)
		}
		ats[i], order[i] = at, i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ats[a], ats[b]) })
	return ats, order, nil
}

// bulkAppend writes many log entries in one write transaction, as the
// synthetic-data generator and benchmarks need (package storagetest): each
// is applied as Rate applies one, in time order (ties in the order of rs),
// so each card's state becomes the After of its latest entry. It sets
// rs[i].Seq. Cards must exist and not be retired; on any error nothing is
// written. Keep rs to some tens of thousands per call: bbolt holds the
// whole transaction in memory.
func (s *Store) bulkAppend(rs []Review) error {
	if len(rs) == 0 {
		return nil
	}
	ats, order, err := timeOrder(rs)
	if err != nil {
		return err
	}
	var sl slab
	err = s.update(func(tx *bolt.Tx) error {
		for _, i := range order {
			if err := s.applyRating(tx, &rs[i], ats[i], &sl); err != nil {
				return fmt.Errorf("review %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("append %d reviews to %s: %w", len(rs), s.path, err)
	}
	return nil
}

func init() {
	hooks.BulkAppend = func(st, rs any) error { return st.(*Store).bulkAppend(rs.([]Review)) }
}
