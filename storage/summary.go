package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The summary of the log's older part: figures a caller (package
// scheduler/stats) computed from every log entry before a time, the cut,
// so that it need not read those entries again. Storage keeps it and
// guards it but does not know what it means:
//
//	meta "logsum": the cut (unix nanoseconds) ‖ how many log entries were
//	  before it when it was written, both big-endian uint64
//	bucket "summary", key "log": uvarint length ‖ the caller's blob ‖
//	  zero bytes up to a quarter page (see storeSummary)
//
// Both are written together by UpdateLogSummary and dropped together, in
// the same transaction, by every write that adds, deletes or rewrites a log
// entry before the cut (dropSummaryBefore). A database without them (every
// database written before summaries, a migrated one) has no summary.
var (
	keyLogSum     = []byte("logsum")
	bucketSummary = []byte("summary")
	keySummaryLog = []byte("log")
)

// LogScan reads, for a summary, the log entries with from <= At < to (a
// zero from: from the first entry), in time order within each deck: fn
// gets batches of one deck's entries and its id. A batch is reused after fn
// returns. It stops at fn's first error and returns it.
type LogScan func(from, to time.Time, fn func(deckID string, batch []LogStat) error) error

// LogSummary returns the stored summary of the log's older part: its cut
// and the blob stored with it (a copy). ok is false when there is none, or
// when the log no longer holds as many entries before the cut as when the
// summary was written (a flash that knows nothing of summaries added or
// deleted one): then the summary must not be used.
func (s *Store) LogSummary() (cut time.Time, blob []byte, ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		var c int64
		var b []byte
		if c, b, ok, err = loadSummary(tx); ok {
			cut, blob = time.Unix(0, c), bytes.Clone(b)
		}
		return err
	})
	if err != nil {
		return time.Time{}, nil, false, fmt.Errorf("read the log summary of %s: %w", s.path, err)
	}
	return cut, blob, ok, nil
}

// LogSummaryCut returns the cut of the stored summary, ok false when
// there is none. It reads one record and checks nothing else: the summary
// may still not be handed out (see LogSummary). It is for a writer that
// decides whether to move the cut.
func (s *Store) LogSummaryCut() (cut time.Time, ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyLogSum); len(v) == 16 {
			cut, ok = time.Unix(0, int64(binary.BigEndian.Uint64(v))), true
		}
		return nil
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read the log summary of %s: %w", s.path, err)
	}
	return cut, ok, nil
}

// UpdateLogSummary replaces the summary in one write transaction. fn gets
// the stored summary as LogSummary returns it (cut, blob, ok) and a LogScan
// of the log as the transaction sees it, and returns the new cut and blob;
// they are stored (a nil blob drops the summary) when fn returns no error,
// else nothing is written and fn's error is returned. fn runs inside the
// transaction: it must not call methods of s. The blob fn returns must
// describe exactly the log entries before the new cut: storage cannot check
// that.
func (s *Store) UpdateLogSummary(fn func(cut time.Time, blob []byte, ok bool, scan LogScan) (time.Time, []byte, error)) error {
	var fnErr error
	var fnPanic any
	err := s.update(func(tx *bolt.Tx) error {
		c, b, ok, err := loadSummary(tx)
		if err != nil {
			return err
		}
		var cut time.Time
		if ok {
			cut = time.Unix(0, c)
		}
		scan := func(from, to time.Time, fn func(string, []LogStat) error) error {
			return scanSummary(tx, from, to, fn)
		}
		var nc time.Time
		var nb []byte
		err = guard(&fnPanic, func(struct{}) error {
			var err error
			nc, nb, err = fn(cut, b, ok, scan)
			return err
		}, struct{}{})
		if err != nil {
			fnErr = err
			return err
		}
		if nb == nil {
			return dropSummary(tx)
		}
		at, err := nanos(nc, "summary cut")
		if err != nil {
			return err
		}
		return storeSummary(tx, at, nb)
	})
	if fnPanic != nil {
		panic(fnPanic)
	}
	if fnErr != nil && errors.Is(err, fnErr) {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("write the log summary of %s: %w", s.path, err)
	}
	return nil
}

// loadSummary returns the summary in tx: its cut (unix nanoseconds) and
// blob (in the transaction's pages); ok is false when there is none or
// when the count of entries before the cut changed since it was written.
// The count costs a walk over the keys at and after the cut, which a
// reader of the summary reads next anyway.
func loadSummary(tx *bolt.Tx) (cut int64, blob []byte, ok bool, err error) {
	v := tx.Bucket(bucketMeta).Get(keyLogSum)
	b := tx.Bucket(bucketSummary)
	if len(v) != 16 || b == nil {
		return 0, nil, false, nil
	}
	sv := b.Get(keySummaryLog)
	n, p := binary.Uvarint(sv)
	if p <= 0 || n > uint64(len(sv)-p) {
		return 0, nil, false, fmt.Errorf("log summary: %w", errCorrupt)
	}
	cut = int64(binary.BigEndian.Uint64(v))
	before := binary.BigEndian.Uint64(v[8:])
	if entriesBefore(tx, cut) != before {
		return 0, nil, false, nil
	}
	return cut, sv[p : p+int(n)], true, nil
}

// entriesBefore counts the log entries before cut (unix nanoseconds): all
// of them less those it walks from cut on.
func entriesBefore(tx *bolt.Tx, cut int64) uint64 {
	var after uint64
	c := tx.Bucket(bucketLog).Cursor()
	for k, _ := c.Seek(binary.BigEndian.AppendUint64(nil, uint64(max(cut, 0)))); k != nil; k, _ = c.Next() {
		after++
	}
	return reviewCount(tx) - after
}

// storeSummary writes the summary: cut (unix nanoseconds) and blob. The
// value is padded to more than a quarter page so that bucket summary is
// never kept inline in its parent, the root page, which every commit (so
// every rating) writes: in its own page it is written only with the
// summary.
func storeSummary(tx *bolt.Tx, cut int64, blob []byte) error {
	v := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, uint64(cut)), entriesBefore(tx, cut))
	if err := tx.Bucket(bucketMeta).Put(keyLogSum, v); err != nil {
		return err
	}
	b, err := tx.CreateBucketIfNotExists(bucketSummary)
	if err != nil {
		return err
	}
	sv := binary.AppendUvarint(nil, uint64(len(blob)))
	sv = append(sv, blob...)
	if pad := tx.DB().Info().PageSize/4 + 1 - len(sv); pad > 0 {
		sv = append(sv, make([]byte, pad)...)
	}
	return b.Put(keySummaryLog, sv)
}

// dropSummary removes the summary, if any.
func dropSummary(tx *bolt.Tx) error {
	if err := tx.Bucket(bucketMeta).Delete(keyLogSum); err != nil {
		return err
	}
	if tx.Bucket(bucketSummary) == nil {
		return nil
	}
	return tx.DeleteBucket(bucketSummary)
}

// dropSummaryBefore is the one guard of the summary for writes of the
// log: every write that adds, deletes or rewrites a log entry at time at
// (unix nanoseconds) calls it in the same transaction first, and it drops
// the summary when the entry is before its cut. It reads one record of
// meta, which lives in the root page a commit writes anyway.
func dropSummaryBefore(tx *bolt.Tx, at int64) error {
	v := tx.Bucket(bucketMeta).Get(keyLogSum)
	if len(v) < 8 || at >= int64(binary.BigEndian.Uint64(v)) {
		return nil
	}
	return dropSummary(tx)
}

// scanSummary is UpdateLogSummary's LogScan in tx: one pass over the
// entries in [from, to) (scanStats), each deck's in batches of their own.
func scanSummary(tx *bolt.Tx, from, to time.Time, fn func(string, []LogStat) error) error {
	var lo, hi uint64 // scanStats' bounds: 0 for none
	if !from.IsZero() {
		lo = binary.BigEndian.Uint64(timeKey(from))
	}
	if !to.IsZero() {
		hi = binary.BigEndian.Uint64(timeKey(to))
	}
	type deckBatch struct {
		id    string
		batch []LogStat
	}
	decks := map[uint32]*deckBatch{}
	flush := func(d *deckBatch) error {
		if len(d.batch) == 0 {
			return nil
		}
		err := fn(d.id, d.batch)
		d.batch = d.batch[:0]
		return err
	}
	ids := tx.Bucket(bucketIDs)
	var (
		last    *deckBatch // the previous entry's deck
		lastNum uint32
	)
	err := scanStats(tx, lo, hi, 0, make([]LogStat, 0, 512), func(batch []LogStat) error {
		for i := range batch {
			e := &batch[i]
			d := last
			if d == nil || e.deck != lastNum {
				if d = decks[e.deck]; d == nil {
					id := ids.Get(deckNumKey(e.deck))
					if id == nil {
						return fmt.Errorf("log entry at %s: no deck numbered %d", time.Unix(0, e.At).UTC().Format(time.RFC3339Nano), e.deck)
					}
					d = &deckBatch{id: string(id), batch: make([]LogStat, 0, 512)}
					decks[e.deck] = d
				}
				last, lastNum = d, e.deck
			}
			d.batch = append(d.batch, *e)
			if len(d.batch) == cap(d.batch) {
				if err := flush(d); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, d := range decks {
		if err := flush(d); err != nil {
			return err
		}
	}
	return nil
}
