package storage

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"
)

// summaryStore returns a store with decks ml (a, b, c) and other (x), and
// 600 log entries from t0 on (every fifth of deck other), and the entries
// in time order.
func summaryStore(t *testing.T) (*Store, []Review) {
	t.Helper()
	return summaryStoreAt(t, openTest(t))
}

// summaryStoreAt fills s as summaryStore does.
func summaryStoreAt(t *testing.T, s *Store) (*Store, []Review) {
	t.Helper()
	return s, twoDecks(t, s, 600, nil)
}

// summaryStoreRO fills a new database as summaryStore does and returns it
// opened read-only (closed when the test ends), with the entries.
func summaryStoreRO(t *testing.T) (*Store, []Review) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "flash.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, rs := summaryStoreAt(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, rs
}

// twoDecks imports decks ml (a, b, c) and other (x) into s and appends n
// log entries from t0 on, every fifth of deck other, in time order after
// adjust (nil: none) has changed them; it returns the entries.
func twoDecks(t *testing.T, s *Store, n int, adjust func([]Review)) []Review {
	t.Helper()
	if _, err := s.Import(testDeck("a", "b", "c"), Source{Hash: "x"}, t0, false); err != nil {
		t.Fatal(err)
	}
	other := testDeck("x")
	other.ID = "other"
	if _, err := s.Import(other, Source{Hash: "y"}, t0, false); err != nil {
		t.Fatal(err)
	}
	rs := synthReviews([]string{"a", "b", "c"}, n)
	for i := range rs {
		if i%5 == 0 {
			rs[i].Deck, rs[i].Card = "other", "x"
		}
	}
	if adjust != nil {
		adjust(rs)
	}
	if err := s.bulkAppend(rs); err != nil {
		t.Fatal(err)
	}
	return rs
}

// setSummary stores blob with cut through UpdateLogSummary.
func setSummary(t *testing.T, s *Store, cut time.Time, blob string) {
	t.Helper()
	err := s.UpdateLogSummary(func(time.Time, []byte, bool, LogScan) (time.Time, []byte, error) {
		return cut, []byte(blob), nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// hasSummary reports whether s holds a usable summary, checking that it
// is cut and blob when it does.
func hasSummary(t *testing.T, s *Store, cut time.Time, blob string) bool {
	t.Helper()
	c, b, ok, err := s.LogSummary()
	if err != nil {
		t.Fatal(err)
	}
	if ok && (!c.Equal(cut) || string(b) != blob) {
		t.Fatalf("summary %v %q, want %v %q", c, b, cut, blob)
	}
	if !ok && (b != nil || !c.IsZero()) {
		t.Fatalf("no summary, but %v %q", c, b)
	}
	return ok
}

// summaryKept reports whether s still holds the summary's records,
// whether or not LogSummary would hand it out (its count of entries
// before the cut catches some writes that did not drop it, but not all).
func summaryKept(t *testing.T, s *Store) bool {
	t.Helper()
	kept := false
	_ = s.view(func(tx *bolt.Tx) error {
		m, b := tx.Bucket(bucketMeta).Get(keyLogSum) != nil, tx.Bucket(bucketSummary) != nil
		if m != b {
			t.Errorf("summary half dropped: cut %v, blob %v", m, b)
		}
		kept = m || b
		return nil
	})
	return kept
}

// TestLogSummary_Stored: no summary at first; what UpdateLogSummary
// stores reads back, also read-only and after reopening; a nil blob drops
// it; the summary's bucket never lives in the root page.
func TestLogSummary_Stored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, rs := summaryStoreAt(t, s)
	cut := rs[300].At
	if hasSummary(t, s, cut, "") {
		t.Fatal("a new database has a summary")
	}
	calls := 0
	err = s.UpdateLogSummary(func(c time.Time, b []byte, ok bool, _ LogScan) (time.Time, []byte, error) {
		calls++
		if ok || b != nil || !c.IsZero() {
			t.Errorf("UpdateLogSummary's fn got %v %q %v, want no summary", c, b, ok)
		}
		return cut, []byte("blob one"), nil
	})
	if err != nil || calls != 1 {
		t.Fatalf("UpdateLogSummary: %v (%d calls)", err, calls)
	}
	if !hasSummary(t, s, cut, "blob one") {
		t.Fatal("no summary after UpdateLogSummary")
	}
	if c, ok, err := s.LogSummaryCut(); !ok || err != nil || !c.Equal(cut) {
		t.Errorf("LogSummaryCut = %v, %v, %v; want %v", c, ok, err, cut)
	}
	err = s.UpdateLogSummary(func(c time.Time, b []byte, ok bool, _ LogScan) (time.Time, []byte, error) {
		if !ok || string(b) != "blob one" || !c.Equal(cut) {
			t.Errorf("UpdateLogSummary's fn got %v %q %v, want the stored one", c, b, ok)
		}
		return cut.Add(time.Second), bytes.Repeat([]byte("long"), 2000), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hasSummary(t, s, cut.Add(time.Second), strings.Repeat("long", 2000)) {
		t.Fatal("no summary after the second UpdateLogSummary")
	}
	setSummary(t, s, cut, "blob two")
	_ = s.view(func(tx *bolt.Tx) error {
		if st := tx.Bucket(bucketSummary).Stats(); st.InlineBucketN != 0 {
			t.Errorf("bucket summary is inline in the root page (%+v)", st)
		}
		return nil
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !hasSummary(t, r, cut, "blob two") {
		t.Error("no summary read-only")
	}
	// A read-only store never writes it.
	err = r.UpdateLogSummary(func(time.Time, []byte, bool, LogScan) (time.Time, []byte, error) {
		t.Error("fn called on a read-only store")
		return cut, []byte("x"), nil
	})
	if err == nil {
		t.Error("UpdateLogSummary on a read-only store: no error")
	}
	r.Close()
	s = openAt(t, path)
	if !hasSummary(t, s, cut, "blob two") {
		t.Fatal("summary lost on reopening")
	}
	err = s.UpdateLogSummary(func(time.Time, []byte, bool, LogScan) (time.Time, []byte, error) { return cut, nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	if hasSummary(t, s, cut, "") {
		t.Error("a nil blob left the summary")
	}
	if c, ok, err := s.LogSummaryCut(); ok || err != nil || !c.IsZero() {
		t.Errorf("no summary: LogSummaryCut = %v, %v, %v", c, ok, err)
	}
	_ = s.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSummary) != nil || tx.Bucket(bucketMeta).Get(keyLogSum) != nil {
			t.Error("a dropped summary left its records")
		}
		return nil
	})
}

// TestLogSummary_Scan: the scan UpdateLogSummary hands out gives every
// entry in [from, to) once, each deck's in time order under its id,
// and stops at fn's error; fn's error aborts the update.
func TestLogSummary_Scan(t *testing.T) {
	s, rs := summaryStore(t)
	all := map[string][]LogStat{}
	for _, deckID := range []string{"ml", "other"} {
		if err := s.ScanStats(deckID, func(b []LogStat) error { all[deckID] = append(all[deckID], b...); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for _, span := range [][2]time.Time{{}, {rs[100].At, rs[500].At}, {time.Time{}, rs[1].At}, {rs[599].At, {}}, {rs[599].At.Add(1), {}}} {
		from, to := span[0], span[1]
		got := map[string][]LogStat{}
		err := s.UpdateLogSummary(func(cut time.Time, blob []byte, _ bool, scan LogScan) (time.Time, []byte, error) {
			return cut, blob, scan(from, to, func(deckID string, b []LogStat) error {
				got[deckID] = append(got[deckID], b...)
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		for deckID, es := range all {
			var want []LogStat
			for _, e := range es {
				if e.At >= from.UnixNano() && (to.IsZero() || e.At < to.UnixNano()) {
					want = append(want, e)
				}
			}
			if len(got[deckID]) != len(want) {
				t.Fatalf("[%v, %v) deck %s: %d entries, want %d", from, to, deckID, len(got[deckID]), len(want))
			}
			for i := range want {
				if !sameStat(got[deckID][i], want[i]) {
					t.Fatalf("[%v, %v) deck %s entry %d: %+v, want %+v", from, to, deckID, i, got[deckID][i], want[i])
				}
			}
			delete(got, deckID)
		}
		if len(got) != 0 {
			t.Errorf("[%v, %v): entries of unknown decks %v", from, to, got)
		}
	}
	setSummary(t, s, rs[10].At, "kept")
	stop := errors.New("stop")
	err := s.UpdateLogSummary(func(_ time.Time, _ []byte, _ bool, scan LogScan) (time.Time, []byte, error) {
		n := 0
		err := scan(time.Time{}, time.Time{}, func(string, []LogStat) error { n++; return stop })
		if n != 1 {
			t.Errorf("scan went on after fn's error: %d calls", n)
		}
		return rs[20].At, []byte("new"), err
	})
	if err != stop {
		t.Errorf("UpdateLogSummary returned %v, want fn's error", err)
	}
	if !hasSummary(t, s, rs[10].At, "kept") {
		t.Error("a failed update changed the summary")
	}
}

// TestLogSummary_DroppedByWrites: every write of the log before the cut
// drops the summary in its own transaction; writes at or after the cut
// keep it; a failed transaction keeps it too.
func TestLogSummary_DroppedByWrites(t *testing.T) {
	s, rs := summaryStore(t)
	cut := rs[300].At
	state := func(id string) fsrs.Card {
		st, err := s.StatesOf("ml", []string{id})
		if err != nil {
			t.Fatal(err)
		}
		return st[0].FSRS
	}
	rate := func(at time.Time) Review {
		t.Helper()
		before := state("a")
		after := before
		after.Reps++
		r, err := s.Rate(Review{Deck: "ml", Card: "a", At: at, Rating: fsrs.Good, Before: before, After: after, Duration: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	summarize := func() {
		t.Helper()
		setSummary(t, s, cut, "s")
		if !hasSummary(t, s, cut, "s") {
			t.Fatal("no summary")
		}
	}

	summarize()
	late := rate(cut) // at the cut: after it
	if !hasSummary(t, s, cut, "s") {
		t.Error("a rating at the cut dropped the summary")
	}
	if err := s.Undo(late); err != nil {
		t.Fatal(err)
	}
	if !hasSummary(t, s, cut, "s") {
		t.Error("undoing a rating at the cut dropped the summary")
	}

	early := rate(cut.Add(-time.Nanosecond)) // the clock set back
	if summaryKept(t, s) {
		t.Error("a rating before the cut kept the summary")
	}
	summarize()
	if err := s.Undo(early); err != nil {
		t.Fatal(err)
	}
	if summaryKept(t, s) {
		t.Error("undoing a rating before the cut kept the summary")
	}

	// Undo of an entry whose card has a later entry rewrites that one.
	early = rate(rs[5].At.Add(time.Millisecond))
	rate(cut.Add(time.Hour))
	summarize()
	if err := s.Undo(early); err != nil {
		t.Fatal(err)
	}
	if summaryKept(t, s) {
		t.Error("undoing a rating before the cut (its card's next entry rewritten) kept the summary")
	}

	// One transaction: a bulk append of a rating before the cut and one
	// of an unknown card fails whole, summary and all.
	summarize()
	bad := []Review{{Deck: "ml", Card: "b", At: cut.Add(-time.Hour), Rating: fsrs.Good, Before: state("b"), After: state("b")}, {Deck: "ml", Card: "nope", At: cut.Add(time.Hour), Rating: fsrs.Good}}
	if err := s.bulkAppend(bad); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bulk append with an unknown card: %v", err)
	}
	if !hasSummary(t, s, cut, "s") {
		t.Error("a failed rating transaction dropped the summary")
	}
	if err := s.bulkAppend(bad[:1]); err != nil {
		t.Fatal(err)
	}
	if summaryKept(t, s) {
		t.Error("a bulk append before the cut kept the summary")
	}
}

// TestLogSummary_History: importing a history (storagetest.History)
// before the cut drops the summary; after it, keeps it.
func TestLogSummary_History(t *testing.T) {
	s := openTest(t)
	if _, err := s.Import(testDeck("a", "b", "c"), Source{Hash: "x"}, t0, false); err != nil {
		t.Fatal(err)
	}
	rs := synthReviews([]string{"a", "b", "c"}, 90)
	h, err := s.newHistory("ml", map[string]fsrs.Card{"a": rs[87].After, "b": rs[88].After, "c": rs[89].After}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cut := rs[60].At
	setSummary(t, s, cut, "s")
	if err := h.append(rs[:30]); err != nil {
		t.Fatal(err)
	}
	if summaryKept(t, s) {
		t.Error("a history before the cut kept the summary")
	}
	setSummary(t, s, cut, "s")
	if err := h.append(rs[60:]); err != nil {
		t.Fatal(err)
	}
	if !hasSummary(t, s, cut, "s") {
		t.Error("a history after the cut dropped the summary")
	}
	// rs[30:60] would now go before the log's latest: refused whole.
	if err := h.append(rs[30:60]); err == nil {
		t.Fatal("history before the log's latest: no error")
	}
	if !hasSummary(t, s, cut, "s") {
		t.Error("a refused history dropped the summary")
	}
}

// TestLogSummary_ChangedUnseen: a summary whose count of entries before
// the cut no longer holds (a flash without summaries deleted or added an
// entry before it) is not handed out, to readers or to UpdateLogSummary.
func TestLogSummary_ChangedUnseen(t *testing.T) {
	for _, change := range []string{"delete", "add"} {
		t.Run(change, func(t *testing.T) {
			s, rs := summaryStore(t)
			cut := rs[300].At
			setSummary(t, s, cut, "s")
			// As a flash without summaries would: the entry and its
			// day count, nothing else.
			err := s.update(func(tx *bolt.Tx) error {
				lb := tx.Bucket(bucketLog)
				k, v := lb.Cursor().First()
				at := int64(binaryTime(k))
				n, before, err := peekReview(v)
				if err != nil {
					return err
				}
				if change == "delete" {
					if err := lb.Delete(k); err != nil {
						return err
					}
					if err := countRating(tx, n.deck, at, before, -1); err != nil {
						return err
					}
					return addUndone(tx, 1)
				}
				seq, _ := lb.NextSequence()
				if err := lb.Put(reviewKey(at+1, uint32(seq)), bytes.Clone(v)); err != nil {
					return err
				}
				return countRating(tx, n.deck, at+1, before, 1)
			})
			if err != nil {
				t.Fatal(err)
			}
			if hasSummary(t, s, cut, "s") {
				t.Error("the summary is handed out")
			}
			err = s.UpdateLogSummary(func(c time.Time, b []byte, ok bool, _ LogScan) (time.Time, []byte, error) {
				if ok || b != nil {
					t.Errorf("UpdateLogSummary's fn got %v %q %v", c, b, ok)
				}
				return cut, []byte("new"), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !hasSummary(t, s, cut, "new") {
				t.Error("no summary after writing it again")
			}
		})
	}
}

func binaryTime(k []byte) uint64 {
	var n uint64
	for _, b := range k[:8] {
		n = n<<8 | uint64(b)
	}
	return n
}

// TestLogSummary_Migrated: databases of schemas 1 and 2, migrated, have no
// summary.
func TestLogSummary_Migrated(t *testing.T) {
	v2 := filepath.Join(t.TempDir(), "v2.db")
	gunzipTo(t, v2Small, v2)
	for _, path := range []string{v1Copy(t), v2} {
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, ok, err := s.LogSummary(); ok || err != nil {
			t.Errorf("%s: migrated with a summary (%v)", filepath.Base(path), err)
		}
		s.Close()
	}
}

// TestStore_ScanStatsSince: a scan from a time gives exactly the entries
// at or after it that the whole scan gives, in any number of pieces.
func TestStore_ScanStatsSince(t *testing.T) {
	r, rs := summaryStoreRO(t)
	for _, deckID := range []string{"", "ml", "other"} {
		var all []LogStat
		if err := r.ScanStats(deckID, func(b []LogStat) error { all = append(all, b...); return nil }); err != nil {
			t.Fatal(err)
		}
		for _, from := range []time.Time{{}, rs[0].At, rs[1].At, rs[299].At.Add(time.Nanosecond), rs[599].At, rs[599].At.Add(1)} {
			var want []LogStat
			for _, e := range all {
				if e.At >= from.UnixNano() {
					want = append(want, e)
				}
			}
			for _, parts := range []int{1, 3, 64} {
				got := make([][]LogStat, parts)
				err := r.ScanStatsSince(deckID, from, parts, 2, func(_, p int, b []LogStat) error {
					got[p] = append(got[p], b...)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				var flat []LogStat
				for _, p := range got {
					flat = append(flat, p...)
				}
				if len(flat) != len(want) {
					t.Fatalf("deck %q from %v in %d parts: %d entries, want %d", deckID, from, parts, len(flat), len(want))
				}
				for i := range want {
					if !sameStat(flat[i], want[i]) {
						t.Fatalf("deck %q from %v in %d parts: entry %d %+v, want %+v", deckID, from, parts, i, flat[i], want[i])
					}
				}
			}
		}
	}
}

// TestRate_SummaryWritesNoPage: with a summary stored, a rating after its
// cut writes as many pages as without one (its guard reads a record of
// meta, in the root page a commit writes anyway), and leaves it.
func TestRate_SummaryWritesNoPage(t *testing.T) {
	pages := func(summary bool) []int64 {
		s, rs := summaryStore(t)
		if summary {
			setSummary(t, s, rs[300].At, strings.Repeat("s", 300))
		}
		states, err := s.States("ml")
		if err != nil {
			t.Fatal(err)
		}
		f := fsrs.NewFSRS(fsrs.DefaultParam())
		now := rs[len(rs)-1].At.Add(time.Hour)
		var ws []int64
		for i := range 60 {
			cs := &states[i%len(states)]
			info := f.Next(cs.FSRS, now, fsrs.Good)
			st := s.db.Stats()
			before := st.TxStats.GetWrite()
			if _, err := s.Rate(Review{Deck: "ml", Card: cs.ID, At: now, Rating: fsrs.Good, Before: cs.FSRS, After: info.Card}); err != nil {
				t.Fatal(err)
			}
			st = s.db.Stats()
			ws = append(ws, st.TxStats.GetWrite()-before)
			cs.FSRS = info.Card
			now = now.Add(10 * time.Second)
		}
		if summary && !hasSummary(t, s, rs[300].At, strings.Repeat("s", 300)) {
			t.Error("ratings after the cut dropped the summary")
		}
		return ws
	}
	without, with := pages(false), pages(true)
	if !slices.Equal(with, without) {
		t.Errorf("pages each rating wrote: with a summary %v, without %v", with, without)
	}
}
