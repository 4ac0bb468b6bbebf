package storage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"
)

func reviewsEqual(a, b Review) bool {
	return a.Seq == b.Seq && a.Deck == b.Deck && a.Card == b.Card && a.At.Equal(b.At) &&
		a.Rating == b.Rating && cardsEqual(a.Before, b.Before) && cardsEqual(a.After, b.After) &&
		a.ElapsedDays == b.ElapsedDays && a.ScheduledDays == b.ScheduledDays &&
		a.Duration == b.Duration && a.Answer == b.Answer && a.Leech == b.Leech
}

func TestStore_Rate_RoundTrip(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	r1 := rateTest(t, s, "a", t0, fsrs.Good)
	r2 := rateTest(t, s, "a", t0.Add(10*time.Minute), fsrs.Again)
	if r1.Seq == 0 || r2.Seq == r1.Seq {
		t.Errorf("seqs %d, %d; want distinct, non-zero", r1.Seq, r2.Seq)
	}
	got := reviewsOf(t, s)
	if len(got) != 2 || !reviewsEqual(got[0], r1) || !reviewsEqual(got[1], r2) {
		t.Errorf("log %+v, want %+v, %+v", got, r1, r2)
	}
	if a := stateOf(t, s, "ml", "a"); !cardsEqual(a.FSRS, r2.After) {
		t.Errorf("state %+v, want %+v", a.FSRS, r2.After)
	}
	if n, err := s.ReviewCount(); n != 2 || err != nil {
		t.Errorf("ReviewCount = %d, %v", n, err)
	}
}

func TestStore_Rate_Errors(t *testing.T) {
	tests := []struct {
		name string
		r    Review
		is   error
		want string
	}{
		{"UnknownCard", Review{Deck: "ml", Card: "zz", At: t0, Rating: fsrs.Good}, ErrNotFound, "ml/zz"},
		{"UnknownDeck", Review{Deck: "xx", Card: "a", At: t0, Rating: fsrs.Good}, ErrNotFound, "xx/a"},
		{"NoTime", Review{Deck: "ml", Card: "a", Rating: fsrs.Good}, nil, "before 1970"},
		{"BadRating", Review{Deck: "ml", Card: "a", At: t0, Rating: 5}, nil, "unknown rating 5"},
		{"BadState", Review{Deck: "ml", Card: "a", At: t0, Rating: fsrs.Good, After: fsrs.Card{State: 7}}, nil, "unknown FSRS state 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			importTest(t, s, testDeck())
			sum, fi := fileSum(t, s.Path()), mustStat(t, s.Path())
			_, err := s.Rate(tt.r)
			if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want %v saying %q", err, tt.is, tt.want)
			}
			assertUntouched(t, s.Path(), sum, fi)
		})
	}
}

func TestStore_Undo(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	r1 := rateTest(t, s, "a", t0, fsrs.Good)
	r2 := rateTest(t, s, "a", t0.Add(time.Minute), fsrs.Good)
	if err := s.Undo(r2); err != nil {
		t.Fatal(err)
	}
	if a := stateOf(t, s, "ml", "a"); !cardsEqual(a.FSRS, r1.After) {
		t.Errorf("after undo state %+v, want %+v", a.FSRS, r1.After)
	}
	if got := reviewsOf(t, s); len(got) != 1 || got[0].Seq != r1.Seq {
		t.Errorf("log after undo %+v", got)
	}
	if n, _ := s.ReviewCount(); n != 1 {
		t.Errorf("ReviewCount %d, want 1", n)
	}
	// Undoing again: the entry is gone; nothing changes.
	sum := fileSum(t, s.Path())
	if err := s.Undo(r2); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Undo: %v, want ErrNotFound", err)
	}
	if fileSum(t, s.Path()) != sum {
		t.Error("failed undo wrote")
	}
	// An entry of another card under r1's key is refused.
	wrong := r1
	wrong.Card = "b"
	if err := s.Undo(wrong); err == nil || !strings.Contains(err.Error(), "ml/a") {
		t.Errorf("Undo with the wrong card: %v", err)
	}
	if err := s.Undo(r1); err != nil {
		t.Fatal(err)
	}
	if a := stateOf(t, s, "ml", "a"); !cardsEqual(a.FSRS, fsrs.NewCard()) {
		t.Errorf("state after undoing all %+v", a.FSRS)
	}
}

func TestStore_Rate_Leech(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	before := stateOf(t, s, "ml", "a").FSRS
	after := before
	after.Lapses, after.State = 8, fsrs.Relearning
	r, err := s.Rate(Review{Deck: "ml", Card: "a", At: t0, Rating: fsrs.Again, Before: before, After: after, Leech: true})
	if err != nil {
		t.Fatal(err)
	}
	if a := stateOf(t, s, "ml", "a"); !a.Suspended || !a.Flagged {
		t.Errorf("leech flags %+v, want suspended and flagged", a.Flags)
	}
	if got := reviewsOf(t, s); len(got) != 1 || !got[0].Leech {
		t.Errorf("log %+v, want a leech entry", got)
	}
	if err := s.Undo(r); err != nil {
		t.Fatal(err)
	}
	if a := stateOf(t, s, "ml", "a"); a.Suspended || a.Flagged || !cardsEqual(a.FSRS, before) {
		t.Errorf("after undo %+v", a)
	}
}

func TestStore_DoneSince(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck("a", "b", "c", "d"))
	other := testDeck("a")
	other.ID = "ml-2"
	importTest(t, s, other)
	day := t0.Add(-5 * time.Hour) // the study day began at 04:00
	f := fsrs.NewFSRS(fsrs.DefaultParam())
	add := func(deckID, card string, at time.Time, before fsrs.State) {
		t.Helper()
		b := fsrs.NewCard()
		b.State = before
		if before != fsrs.New {
			b.Due, b.LastReview, b.Stability, b.Difficulty, b.Reps = at, at.Add(-48*time.Hour), 3, 5, 2
		}
		after := f.Next(b, at, fsrs.Good).Card
		if _, err := s.Rate(Review{Deck: deckID, Card: card, At: at, Rating: fsrs.Good, Before: b, After: after}); err != nil {
			t.Fatal(err)
		}
	}
	add("ml", "a", day.Add(-time.Minute), fsrs.New)  // yesterday: not counted
	add("ml", "d", day.Add(-time.Hour), fsrs.Review) // yesterday
	add("ml", "a", day, fsrs.New)                    // at since: counted
	add("ml", "a", day.Add(time.Minute), fsrs.Learning)
	add("ml", "b", day.Add(2*time.Minute), fsrs.New)
	// The same card as new again: a rating takes a card out of New, so
	// only a caller with a stale Before does this; it counts as rated.
	add("ml", "b", day.Add(3*time.Minute), fsrs.New)
	add("ml", "c", day.Add(4*time.Minute), fsrs.Review)
	add("ml", "d", day.Add(5*time.Minute), fsrs.Review)
	add("ml", "d", day.Add(6*time.Minute), fsrs.Relearning)
	add("ml-2", "a", day.Add(7*time.Minute), fsrs.New)
	add("ml-2", "a", day.Add(8*time.Minute), fsrs.Review)

	tests := []struct {
		deck             string
		since            time.Time
		newCards, review int
	}{
		{"ml", day, 3, 2},
		{"ml-2", day, 1, 1},
		{"", day, 4, 3},
		{"ml", day.Add(-24 * time.Hour), 4, 3},
		{"ml", day.Add(time.Hour), 0, 0},
		{"nope", day, 0, 0},
		// Not at a whole hour: the rest of it comes from the log.
		{"ml", day.Add(90 * time.Second), 2, 2},
		{"", day.Add(5*time.Minute + 30*time.Second), 1, 1},
		{"ml-2", day.Add(7*time.Minute + time.Nanosecond), 0, 1},
	}
	for _, tt := range tests {
		n, r, err := s.DoneSince(tt.deck, tt.since)
		if err != nil || n != tt.newCards || r != tt.review {
			t.Errorf("DoneSince(%q, %v) = %d, %d, %v; want %d, %d", tt.deck, tt.since, n, r, err, tt.newCards, tt.review)
		}
	}
}

func TestStore_Reviews_Order(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	// Rated out of time order (a clock that went back): the log is by time.
	offsets := []time.Duration{5, 1, 3, 3, 0, 4}
	for i, off := range offsets {
		rateTest(t, s, string(rune('a'+i%3)), t0.Add(off*time.Minute), fsrs.Good)
	}
	got := reviewsOf(t, s)
	if len(got) != len(offsets) {
		t.Fatalf("%d entries", len(got))
	}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if b.At.Before(a.At) || (b.At.Equal(a.At) && b.Seq < a.Seq) {
			t.Errorf("entry %d (%v #%d) before entry %d (%v #%d)", i, b.At, b.Seq, i-1, a.At, a.Seq)
		}
	}
	count := func(from, to time.Time) int {
		n := 0
		if err := s.Reviews(from, to, func(Review) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tt := range []struct {
		from, to time.Time
		want     int
	}{
		{time.Time{}, time.Time{}, 6},
		{t0.Add(3 * time.Minute), time.Time{}, 4}, // from is inclusive
		{time.Time{}, t0.Add(3 * time.Minute), 2}, // to is exclusive
		{t0.Add(3 * time.Minute), t0.Add(4 * time.Minute), 2},
		{t0.Add(time.Hour), time.Time{}, 0},
		{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), 6},
	} {
		if got := count(tt.from, tt.to); got != tt.want {
			t.Errorf("Reviews(%v, %v): %d entries, want %d", tt.from, tt.to, got, tt.want)
		}
	}
	// fn's error stops the scan and comes back as is.
	stop := errors.New("stop")
	n := 0
	err := s.Reviews(time.Time{}, time.Time{}, func(Review) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("Reviews with failing fn: %v after %d calls", err, n)
	}
}

func TestStore_Backup(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	rateTest(t, s, "a", t0, fsrs.Good)
	rateTest(t, s, "b", t0.Add(time.Minute), fsrs.Hard)
	var buf bytes.Buffer
	n, err := s.Backup(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("Backup = %d, %v (buffer %d)", n, err, buf.Len())
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b := openAt(t, path)
	want, got := reviewsOf(t, s), reviewsOf(t, b)
	if len(got) != len(want) {
		t.Fatalf("backup log has %d entries, want %d", len(got), len(want))
	}
	for i := range got {
		if !reviewsEqual(got[i], want[i]) {
			t.Errorf("entry %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	st1, _ := s.States("")
	st2, _ := b.States("")
	if len(st1) != len(st2) {
		t.Errorf("states %d vs %d", len(st1), len(st2))
	}
}

func TestStore_BulkAppend(t *testing.T) {
	s := openTest(t)
	ids := []string{"a", "b", "c"}
	importTest(t, s, testDeck(ids...))
	rs := synthReviews(ids, 30)
	// Out of order in the slice: the log still comes out by time.
	rs[0], rs[29] = rs[29], rs[0]
	rs[4].Leech = true // card b
	if err := s.bulkAppend(rs); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.ReviewCount(); n != 30 {
		t.Errorf("ReviewCount %d", n)
	}
	got := reviewsOf(t, s)
	seqs := map[uint64]bool{}
	for i, r := range got {
		if i > 0 && r.At.Before(got[i-1].At) {
			t.Errorf("entry %d out of order", i)
		}
		seqs[r.Seq] = true
	}
	for _, r := range rs {
		if !seqs[r.Seq] {
			t.Errorf("Seq %d of %s not in the log", r.Seq, r.Card)
		}
	}
	// Final state: After of each card's latest review.
	latest := map[string]Review{}
	for _, r := range rs {
		if l, ok := latest[r.Card]; !ok || r.At.After(l.At) {
			latest[r.Card] = r
		}
	}
	for _, id := range ids {
		st := stateOf(t, s, "ml", id)
		if !cardsEqual(st.FSRS, latest[id].After) {
			t.Errorf("%s: %+v, want %+v", id, st.FSRS, latest[id].After)
		}
		if leech := id == "b"; st.Suspended != leech || st.Flagged != leech {
			t.Errorf("%s flags %+v", id, st.Flags)
		}
	}
	// A bad entry writes nothing.
	sum := fileSum(t, s.Path())
	bad := synthReviews(ids, 5)
	bad[3].Card = "zz"
	if err := s.bulkAppend(bad); !errors.Is(err, ErrNotFound) {
		t.Errorf("BulkAppend with unknown card: %v", err)
	}
	if fileSum(t, s.Path()) != sum {
		t.Error("failed BulkAppend wrote")
	}
}

func TestStore_ReviewsDeckStrings(t *testing.T) {
	// Interned strings must be right when decks alternate.
	s := openTest(t)
	importTest(t, s, testDeck())
	other := testDeck("a")
	other.ID = "ml-2"
	importTest(t, s, other)
	var want []string
	for i := range 6 {
		d := []string{"ml", "ml-2"}[i%2]
		if _, err := s.Rate(Review{Deck: d, Card: "a", At: t0.Add(time.Duration(i) * time.Minute), Rating: fsrs.Good}); err != nil {
			t.Fatal(err)
		}
		want = append(want, d+"/a")
	}
	var got []string
	s.Reviews(time.Time{}, time.Time{}, func(r Review) error {
		got = append(got, r.Deck+"/"+r.Card)
		return nil
	})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestStore_Reviews_FnPanic(t *testing.T) {
	// A panic in fn is not reported as a damaged database.
	s := openTest(t)
	importTest(t, s, testDeck())
	rateTest(t, s, "a", t0, fsrs.Good)
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want fn's panic", p)
		}
	}()
	s.Reviews(time.Time{}, time.Time{}, func(Review) error { panic("boom") })
	t.Error("Reviews returned")
}

func TestOpen_Populate(t *testing.T) {
	// MAP_POPULATE over a mapping larger than a small file is harmless.
	path := filepath.Join(t.TempDir(), "flash.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	importTest(t, s, testDeck())
	rateTest(t, s, "a", t0, fsrs.Good)
	s.Close()
	r, err := Open(path, Options{ReadOnly: true, Populate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := reviewsOf(t, r); len(got) != 1 {
		t.Errorf("%d reviews", len(got))
	}
}

func TestStore_ScanStats(t *testing.T) {
	s := openTest(t)
	d := testDeck("a", "b", "c")
	if _, err := s.Import(d, Source{Hash: "x"}, t0, false); err != nil {
		t.Fatal(err)
	}
	other := testDeck("x")
	other.ID = "other"
	if _, err := s.Import(other, Source{Hash: "y"}, t0, false); err != nil {
		t.Fatal(err)
	}
	rs := synthReviews([]string{"a", "b", "c"}, 1300) // more than one batch
	for i := range rs {
		if i%5 == 0 {
			rs[i].Deck, rs[i].Card = "other", "x"
		}
	}
	if err := s.bulkAppend(rs); err != nil {
		t.Fatal(err)
	}
	nums := map[string]uint32{}
	_ = s.view(func(tx *bolt.Tx) error {
		nums["ml"], nums["other"] = deckNum(tx, "ml"), deckNum(tx, "other")
		return nil
	})
	for _, deckID := range []string{"", "ml", "other", "none"} {
		var want, got []LogStat
		err := s.Reviews(time.Time{}, time.Time{}, func(r Review) error {
			if deckID == "" || r.Deck == deckID {
				want = append(want, statOf(&r, nums[r.Deck]))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.ScanStats(deckID, func(b []LogStat) error {
			got = append(got, b...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range min(len(got), len(want)) {
			if !sameStat(got[i], want[i]) {
				t.Fatalf("entry %d: %+v, want %+v", i, got[i], want[i])
			}
		}
		if len(got) != len(want) {
			t.Errorf("deck %q: ScanStats gave %d entries, Reviews %d", deckID, len(got), len(want))
		}
	}
	stop := errors.New("stop")
	if err := s.ScanStats("", func([]LogStat) error { return stop }); err != stop {
		t.Errorf("ScanStats returned %v, want fn's error", err)
	}
}

// TestStore_ScanStatsParts checks that the pieces of a parallel scan, put
// one after the other, are exactly the single pass of ScanStats, that the
// pieces are cut (so the check means something) and that errors and
// panics of fn come back as from ScanStats.
func TestStore_ScanStatsParts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A burst at the start and the rest spread thin: pieces of equal
	// time get very different numbers of entries, one none at all.
	rs := twoDecks(t, s, 3000, func(rs []Review) {
		for i := range rs[:2000] {
			rs[i].At = rs[0].At.Add(time.Duration(i) * time.Millisecond)
		}
		for i := range rs[2000:] {
			rs[2000+i].At = rs[0].At.Add(time.Hour + time.Duration(i)*time.Minute)
		}
	})
	// On a read-write Store everything is piece 0.
	parts := func(s *Store, deckID string, n int) ([][]LogStat, error) {
		var mu sync.Mutex
		got := make([][]LogStat, n)
		err := s.ScanStatsParts(deckID, n, 2, func(_, part int, b []LogStat) error {
			mu.Lock()
			defer mu.Unlock()
			got[part] = append(got[part], b...)
			return nil
		})
		return got, err
	}
	got, err := parts(s, "", 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(got[0]) != len(rs) {
		t.Errorf("read-write Store: piece 0 has %d entries, want all %d", len(got[0]), len(rs))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, deckID := range []string{"", "ml", "other", "none"} {
		var want []LogStat
		if err := r.ScanStats(deckID, func(b []LogStat) error { want = append(want, b...); return nil }); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 2, 3, 4, 7} {
			got, err := parts(r, deckID, n)
			if err != nil {
				t.Fatal(err)
			}
			var all []LogStat
			nonEmpty := 0
			for _, p := range got {
				all = append(all, p...)
				if len(p) > 0 {
					nonEmpty++
				}
			}
			if len(all) != len(want) {
				t.Fatalf("deck %q, %d parts: %d entries, ScanStats %d", deckID, n, len(all), len(want))
			}
			for i := range all {
				if !sameStat(all[i], want[i]) {
					t.Fatalf("deck %q, %d parts: entry %d: %+v, want %+v", deckID, n, i, all[i], want[i])
				}
			}
			if n > 1 && len(want) > 0 && nonEmpty < 2 {
				t.Errorf("deck %q, %d parts: only %d pieces got entries", deckID, n, nonEmpty)
			}
		}
	}
	// The workers: every entry once, each worker in range and never
	// in two goroutines at once, and more than one worker at work.
	for _, workers := range []int{1, 2, 3} {
		var mu sync.Mutex
		busy := make([]atomic.Bool, workers)
		byWorker := map[int]int{}
		n := 0
		err := r.ScanStatsParts("", 64, workers, func(w, _ int, b []LogStat) error {
			if w < 0 || w >= workers {
				t.Errorf("worker %d of %d", w, workers)
				return nil
			}
			if !busy[w].CompareAndSwap(false, true) {
				t.Errorf("worker %d called from two goroutines at once", w)
				return nil
			}
			defer busy[w].Store(false)
			time.Sleep(time.Millisecond) // give a second goroutine the chance to overlap
			mu.Lock()
			defer mu.Unlock()
			byWorker[w] += len(b)
			n += len(b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != len(rs) || workers > 1 && len(byWorker) < 2 {
			t.Errorf("%d workers: %d entries of %d, by worker %v", workers, n, len(rs), byWorker)
		}
	}
	stop := errors.New("stop")
	err = r.ScanStatsParts("", 3, 3, func(_, part int, _ []LogStat) error {
		if part == 2 {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Errorf("ScanStatsParts returned %v, want fn's error", err)
	}
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want fn's panic", p)
		}
	}()
	_ = r.ScanStatsParts("", 3, 3, func(_, part int, _ []LogStat) error {
		if part == 1 {
			panic("boom")
		}
		return nil
	})
	t.Error("fn's panic did not reach the caller")
}

// TestStore_DoneSince_Pruned rates over five days, so that the counts of
// all but the last two days are dropped, undoes some ratings, and checks
// DoneSince against a count of the log for since at and between hours,
// before and after the counts kept.
func TestStore_DoneSince_Pruned(t *testing.T) {
	s := openTest(t)
	ids := []string{"a", "b", "c", "d", "e", "f"}
	importTest(t, s, testDeck(ids...))
	rs := synthReviews(ids, 400) // one to 300 s apart: about a day and a half
	for i := range rs {
		rs[i].At = rs[i].At.Add(time.Duration(i) * 17 * time.Minute) // spread over five days
	}
	var kept []Review
	for i, r := range rs {
		got, err := s.Rate(r)
		if err != nil {
			t.Fatal(err)
		}
		if i%9 == 0 {
			if err := s.Undo(got); err != nil {
				t.Fatal(err)
			}
			// Rate again, so that later states still follow.
			if got, err = s.Rate(r); err != nil {
				t.Fatal(err)
			}
		}
		kept = append(kept, got)
	}
	first, last := kept[0].At, kept[len(kept)-1].At
	if span := last.Sub(first); span < 4*24*time.Hour {
		t.Fatalf("ratings span only %v", span)
	}
	err := s.view(func(tx *bolt.Tx) error {
		if n := tx.Bucket(bucketDays).Stats().KeyN; n > keepHours+2 {
			t.Errorf("day counts hold %d keys; want at most %d", n, keepHours+2)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for since := first.Add(-time.Hour); since.Before(last.Add(time.Hour)); since = since.Add(97 * time.Minute) {
		var wantN, wantR int
		for _, r := range kept {
			if r.At.Before(since) {
				continue
			}
			switch r.Before.State {
			case fsrs.New:
				wantN++
			case fsrs.Review:
				wantR++
			}
		}
		n, r, err := s.DoneSince("ml", since)
		if err != nil || n != wantN || r != wantR {
			t.Fatalf("DoneSince(%v) = %d, %d, %v; the log says %d, %d", since, n, r, err, wantN, wantR)
		}
	}
}
