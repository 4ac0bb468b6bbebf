package storage

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"
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
	val, err := encodeReview(make([]byte, 0, 128+len(r.Answer)), &r, at)
	if err != nil {
		return Review{}, fmt.Errorf("rate %s/%s: %w", r.Deck, r.Card, err)
	}
	var seq uint64
	err = s.update(func(tx *bolt.Tx) error {
		err := modifyState(tx, r.Deck, r.Card, func(cs *CardState) error {
			if cs.Retired {
				return &dbError{msg: fmt.Sprintf("card %s/%s is retired", r.Deck, r.Card), kind: ErrRetired}
			}
			r.FlagsBefore = cs.Flags
			cs.FSRS = r.After
			if r.Leech {
				cs.Flags = cs.Flags.Leeched()
			}
			return nil
		})
		if err != nil {
			return err
		}
		lb := tx.Bucket(bucketLog)
		lb.FillPercent = 1 // keys arrive in time order: fill pages
		if seq, err = lb.NextSequence(); err != nil {
			return err
		}
		return lb.Put(reviewKey(at, seq), val)
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrRetired) {
		return Review{}, err
	}
	if err != nil {
		return Review{}, fmt.Errorf("rate %s/%s in %s: %w", r.Deck, r.Card, s.path, err)
	}
	r.Seq = seq
	return r, nil
}

// Undo takes back a rating returned by Rate in one write transaction: the
// card's FSRS state goes back to r.Before, the log entry is deleted and,
// when r.Leech is set, the card's flags go back to r.FlagsBefore (a flag
// or suspension the learner had set stays). It returns an
// error wrapping ErrNotFound when the entry is no longer in the log or the
// card is gone; then nothing is written.
func (s *Store) Undo(r Review) error {
	at, err := reviewNanos(r.At)
	if err != nil {
		return fmt.Errorf("undo rating of %s/%s: %w", r.Deck, r.Card, err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		lb := tx.Bucket(bucketLog)
		k := reviewKey(at, r.Seq)
		v := lb.Get(k)
		if v == nil {
			return &dbError{
				msg:  fmt.Sprintf("rating of %s/%s at %s (seq %d) is not in the log of %s", r.Deck, r.Card, r.At.Format(time.RFC3339), r.Seq, s.path),
				kind: ErrNotFound,
			}
		}
		d, c, _, err := peekReview(v)
		if err != nil {
			return fmt.Errorf("log entry %x: %w", k, err)
		}
		if string(d) != r.Deck || string(c) != r.Card {
			return fmt.Errorf("log entry %x is for %s/%s, not %s/%s", k, d, c, r.Deck, r.Card)
		}
		err = modifyState(tx, r.Deck, r.Card, func(cs *CardState) error {
			cs.FSRS = r.Before
			if r.Leech {
				cs.Flags = r.FlagsBefore
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := lb.Delete(k); err != nil {
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
// (ties in the order they were written), in one pass of one read
// transaction. A zero from means from the start, a zero to means no upper
// bound. It stops at and returns the first error fn returns, unwrapped.
//
// fn runs inside the transaction: it must not call methods of s that write
// (that deadlocks). Deck and Card strings are shared between the Review
// values of one call; fn may keep them.
func (s *Store) Reviews(from, to time.Time, fn func(Review) error) error {
	var fnErr error
	// A panic in fn is fn's, not a sign of a damaged file: carry it past
	// view's recovery and panic again outside.
	var fnPanic any
	call := func(r Review) error { return guard(&fnPanic, fn, r) }
	err := s.view(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketLog).Cursor()
		var k, v []byte
		if from.IsZero() {
			k, v = cur.First()
		} else {
			k, v = cur.Seek(timeKey(from))
		}
		end := ^uint64(0)
		if !to.IsZero() {
			end = binary.BigEndian.Uint64(timeKey(to))
		}
		var in interner
		var r Review
		for ; k != nil; k, v = cur.Next() {
			if len(k) >= 8 && binary.BigEndian.Uint64(k) >= end {
				break
			}
			if err := decodeReview(&r, k, v, &in); err != nil {
				return fmt.Errorf("log entry %x: %w", k, err)
			}
			if err := call(r); err != nil {
				fnErr = err
				return err
			}
		}
		return nil
	})
	if fnPanic != nil {
		panic(fnPanic)
	}
	if fnErr != nil && errors.Is(err, fnErr) {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("read review log of %s: %w", s.path, err)
	}
	return nil
}

// ScanStats calls fn with successive batches of log entries of deckID ("" =
// all decks), in time order, in one read transaction: the fast way through
// the whole log for statistics. It decodes only what LogStat holds; the
// batch is reused, so fn must not keep it. It stops at and returns the
// first error fn returns, unwrapped. fn runs inside the transaction and
// must not call methods of s that write.
func (s *Store) ScanStats(deckID string, fn func([]LogStat) error) error {
	return s.ScanStatsParts(deckID, 1, 1, func(_ int, b []LogStat) error { return fn(b) })
}

// ScanStatsParts is ScanStats cut into at most parts pieces, scanned by
// up to workers goroutines at once, one read transaction each: piece i
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
func (s *Store) ScanStatsParts(deckID string, parts, workers int, fn func(part int, batch []LogStat) error) error {
	var deck []byte
	if deckID != "" {
		deck = []byte(deckID)
	}
	if parts < 1 || !s.readOnly {
		parts = 1
	}
	workers = max(workers, 1)
	type piece struct {
		from, to uint64 // key time range [from, to); to 0: no bound
		err      error
		fnErr    bool
		fnPanic  any
	}
	pieces := make([]piece, 1, parts)
	var stop atomic.Bool
	// scan reads piece i in tx: one goroutine's work.
	scan := func(tx *bolt.Tx, i int) (err error) {
		pc := &pieces[i]
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer s.recoverDamage(&err)
		piece := func(batch []LogStat) error { return fn(i, batch) }
		call := func(batch []LogStat) error {
			if stop.Load() {
				return errStopped
			}
			return guard(&pc.fnPanic, piece, batch)
		}
		batch := make([]LogStat, 0, 512)
		cur := tx.Bucket(bucketLog).Cursor()
		var k, v []byte
		if pc.from == 0 {
			k, v = cur.First()
		} else {
			k, v = cur.Seek(binary.BigEndian.AppendUint64(nil, pc.from))
		}
		for ; k != nil; k, v = cur.Next() {
			if len(k) != 16 {
				return fmt.Errorf("log entry %x: bad key length", k)
			}
			at := binary.BigEndian.Uint64(k)
			if pc.to != 0 && at >= pc.to {
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
				if err := call(batch); err != nil {
					pc.fnErr = true
					return err
				}
				batch = batch[:0]
			}
		}
		if len(batch) > 0 {
			if err := call(batch); err != nil {
				pc.fnErr = true
				return err
			}
		}
		return nil
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
	if parts > 1 {
		first, last, err := s.logSpan(tx)
		if err != nil {
			return fmt.Errorf("read review log of %s: %w", s.path, err)
		}
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
	work := func(tx *bolt.Tx) {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(pieces) || stop.Load() {
				return
			}
			if err := scan(tx, i); err != nil {
				pieces[i].err = err
				stop.Store(true)
			}
		}
	}
	var wg sync.WaitGroup
	for _, t := range txs[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(t)
		}()
	}
	work(tx)
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
// since, for daily limits: newCards is how many distinct cards were rated
// while new (Before.State == New), reviews how many ratings were of cards
// in the review state (Before.State == Review). It reads only the log from
// since on.
func (s *Store) DoneSince(deckID string, since time.Time) (newCards, reviews int, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketLog).Cursor()
		seen := make(map[string]struct{})
		var key []byte
		for k, v := cur.Seek(timeKey(since)); k != nil; k, v = cur.Next() {
			d, c, st, err := peekReview(v)
			if err != nil {
				return fmt.Errorf("log entry %x: %w", k, err)
			}
			if deckID != "" && string(d) != deckID {
				continue
			}
			switch st {
			case fsrs.New:
				key = append(append(append(key[:0], d...), 0), c...)
				if _, ok := seen[string(key)]; !ok {
					seen[string(key)] = struct{}{}
					newCards++
				}
			case fsrs.Review:
				reviews++
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("count reviews since %s in %s: %w", since.Format(time.RFC3339), s.path, err)
	}
	return newCards, reviews, nil
}

// BulkAppend writes many log entries in one write transaction, as the
// synthetic-data generator and benchmarks need: each card's state becomes
// the After of its latest entry (by At, then by position in rs), and a card
// with any Leech entry is suspended and flagged. It sets rs[i].Seq. Cards
// must exist and not be retired; on any error nothing is written (the Seq
// values are then meaningless). Keep rs to some tens of thousands per call:
// bbolt holds the whole transaction in memory.
func (s *Store) BulkAppend(rs []Review) error {
	if len(rs) == 0 {
		return nil
	}
	ats := make([]int64, len(rs))
	order := make([]int, len(rs))
	for i := range rs {
		at, err := reviewNanos(rs[i].At)
		if err != nil {
			return fmt.Errorf("append review %d (%s/%s): %w", i, rs[i].Deck, rs[i].Card, err)
		}
		ats[i], order[i] = at, i
	}
	// Insert in key order so the log pages fill completely.
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ats[a], ats[b]) })
	vals := make([]byte, 0, 112*len(rs))
	type last struct {
		i     int
		leech bool
	}
	latest := make(map[string]last)
	err := s.update(func(tx *bolt.Tx) error {
		lb := tx.Bucket(bucketLog)
		lb.FillPercent = 1
		keys := make([]byte, 16*len(rs))
		for n, i := range order {
			r := &rs[i]
			start := len(vals)
			var err error
			if vals, err = encodeReview(vals, r, ats[i]); err != nil {
				return fmt.Errorf("review %d (%s/%s): %w", i, r.Deck, r.Card, err)
			}
			if r.Seq, err = lb.NextSequence(); err != nil {
				return err
			}
			k := keys[16*n : 16*n+16 : 16*n+16]
			binary.BigEndian.PutUint64(k, uint64(ats[i]))
			binary.BigEndian.PutUint64(k[8:], r.Seq)
			if err := lb.Put(k, vals[start:len(vals):len(vals)]); err != nil {
				return err
			}
			ck := string(cardKey(r.Deck, r.Card))
			l := latest[ck]
			latest[ck] = last{i: i, leech: l.leech || r.Leech}
		}
		// order is sorted by time, so the last write to latest is the latest.
		keysSorted := make([]string, 0, len(latest))
		for k := range latest {
			keysSorted = append(keysSorted, k)
		}
		slices.Sort(keysSorted)
		for _, ck := range keysSorted {
			l := latest[ck]
			r := &rs[l.i]
			err := modifyState(tx, r.Deck, r.Card, func(cs *CardState) error {
				if cs.Retired {
					return &dbError{msg: fmt.Sprintf("card %s/%s is retired", r.Deck, r.Card), kind: ErrRetired}
				}
				cs.FSRS = r.After
				if l.leech {
					cs.Flags = cs.Flags.Leeched()
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("append %d reviews to %s: %w", len(rs), s.path, err)
	}
	return nil
}
