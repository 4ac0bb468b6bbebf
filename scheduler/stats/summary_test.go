package stats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/storagetest"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// noSummary is a store as Load sees it without a summary: it scans the
// whole log.
type noSummary struct {
	Source
	doneSincer
}

// counting is a store that counts the log entries Load reads.
type counting struct {
	*storage.Store
	n atomic.Int64
}

func (c *counting) ScanStatsSince(deckID string, from time.Time, parts, workers int, fn func(worker, part int, batch []storage.LogStat) error) error {
	return c.Store.ScanStatsSince(deckID, from, parts, workers, func(w, p int, b []storage.LogStat) error {
		c.n.Add(int64(len(b)))
		return fn(w, p, b)
	})
}

// summaryDecks are the decks of the summary tests.
var summaryDecks = []string{"d1", "d2", "d3"}

// summaryDB makes a database at path with summaryDecks (20 cards each) and
// no log.
func summaryDB(t *testing.T, path string, start time.Time) {
	t.Helper()
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, id := range summaryDecks {
		var src strings.Builder
		fmt.Fprintf(&src, "format = 1\nid = %q\ntitle = \"D\"\n\n[[question]]\nid = \"q\"\npaper = \"P\"\ntext = \"Q?\"\n", id)
		for c := range 20 {
			fmt.Fprintf(&src, "\n[[card]]\nid = \"c%d\"\nquestion = \"q\"\nfront = \"F%d\"\nback = \"B\"\n", c, c)
		}
		d, err := deck.Parse(id+".toml", []byte(src.String()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Import(d, storage.Source{Hash: id}, start, false); err != nil {
			t.Fatal(err)
		}
	}
}

// randomReviews returns n reviews of summaryDecks' cards between start and
// end, denser towards end, with every state, rating and answer time (some
// over the cap) and predicted recalls over every calibration bin.
func randomReviews(rng *rand.Rand, n int, start, end time.Time) []storage.Review {
	rs := make([]storage.Review, n)
	span := float64(end.Sub(start))
	for i := range rs {
		at := start.Add(time.Duration(math.Sqrt(rng.Float64()) * span))
		stab := 0.05 + rng.Float64()*200
		before := fsrs.Card{State: fsrs.State(rng.IntN(4)), Stability: stab, Difficulty: 1 + 9*rng.Float64(), Reps: uint64(rng.IntN(30))}
		if rng.IntN(10) > 0 {
			before.LastReview = at.Add(-time.Duration(rng.Float64() * 3 * stab * float64(24*time.Hour)))
		}
		rs[i] = storage.Review{
			Deck: summaryDecks[rng.IntN(len(summaryDecks))], Card: fmt.Sprintf("c%d", rng.IntN(20)), At: at,
			Rating: fsrs.Rating(1 + rng.IntN(4)), Duration: time.Duration(rng.Int64N(int64(100 * time.Second))),
			Before: before,
			After:  fsrs.Card{State: fsrs.Review, Stability: stab * 2, Difficulty: 5, LastReview: at, Due: at.Add(48 * time.Hour)},
		}
	}
	return rs
}

// summaryCheck opens the database at path read-only and checks that Load
// gives, for every deck and all of them, at now, exactly what a scan of
// the whole log gives; and that it read only the entries from the
// summary's cut on when used is true, else every entry.
func summaryCheck(t *testing.T, path string, now time.Time, used bool) {
	t.Helper()
	ro, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	decks, err := ro.Decks()
	if err != nil {
		t.Fatal(err)
	}
	cut, _, ok, err := ro.LogSummary()
	if err != nil {
		t.Fatal(err)
	}
	if used && !ok {
		t.Fatalf("at %v: no summary", now)
	}
	if s, err := Summarized(ro, now); s != used || err != nil {
		t.Fatalf("at %v: Summarized = %v, %v; want %v", now, s, err, used)
	}
	ids := []string{""}
	for _, d := range decks {
		ids = append(ids, d.ID)
	}
	for _, deckID := range ids {
		want, err := Load(noSummary{ro, ro}, decks, deckID, now, now, true)
		if err != nil {
			t.Fatal(err)
		}
		src := &counting{Store: ro}
		got, err := Load(src, decks, deckID, now, now, true)
		if err != nil {
			t.Fatal(err)
		}
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		if !bytes.Equal(gj, wj) || !reflect.DeepEqual(got, want) {
			t.Fatalf("at %v, deck %q: with the summary\n%s\nwithout\n%s", now, deckID, gj, wj)
		}
		// What Load should have read.
		var all, after int64
		err = ro.ScanStatsParts(deckID, 1, 1, func(_, _ int, b []storage.LogStat) error {
			for i := range b {
				all++
				if b[i].At >= cut.UnixNano() {
					after++
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if wantN := map[bool]int64{true: after, false: all}[used]; src.n.Load() != wantN {
			t.Fatalf("at %v, deck %q: Load read %d entries, want %d (summary used: %v; %d in the log, %d from the cut %v)",
				now, deckID, src.n.Load(), wantN, used, all, after, cut)
		}
		if used && deckID == "" && after == all && all > 0 {
			t.Fatalf("no entry before the cut %v: the test tests nothing", cut)
		}
	}
}

// rw opens the database at path read-write for one step of a test.
func rw(t *testing.T, path string, fn func(st *storage.Store)) {
	t.Helper()
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fn(st)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

// summaryOf returns the stored summary of the database at path.
func summaryOf(t *testing.T, path string) (time.Time, []byte, bool) {
	t.Helper()
	var (
		cut  time.Time
		blob []byte
		ok   bool
	)
	rw(t, path, func(st *storage.Store) {
		var err error
		if cut, blob, ok, err = st.LogSummary(); err != nil {
			t.Fatal(err)
		}
	})
	return cut, blob, ok
}

// TestSummary_SameStats: with the summary of the log's older part, Load
// gives exactly the figures of a scan of the whole log (the whole Stats,
// and its JSON) over a random history of three decks on both sides of the
// cut, for each deck and all, while reading only the entries from the cut
// on; after Summarize moves the cut; after a rating before the cut, its
// undo and an undo after it; with a blob of another version or a damaged
// one; and at a now too early for the cut, where it reads the whole log.
func TestSummary_SameStats(t *testing.T) {
	zone := time.FixedZone("IST", 5*3600+1800) // study days start at 04:00 IST
	now := time.Date(2025, 6, 1, 21, 17, 0, 0, zone)
	path := filepath.Join(t.TempDir(), "flash.db")
	start := now.Add(-150 * 24 * time.Hour)
	summaryDB(t, path, start)
	rng := rand.New(rand.NewPCG(5, 8))
	rw(t, path, func(st *storage.Store) {
		rs := randomReviews(rng, 6000, start, now.Add(2*24*time.Hour))
		if err := storagetest.AppendReviews(st, rs); err != nil {
			t.Fatal(err)
		}
	})
	summaryCheck(t, path, now, false)

	summarize := func(at time.Time) {
		t.Helper()
		rw(t, path, func(st *storage.Store) {
			if err := Summarize(st, at); err != nil {
				t.Fatal(err)
			}
		})
	}
	summarize(now)
	cut, blob, ok := summaryOf(t, path)
	if !ok || !cut.Equal(now.Add(-SummaryAge)) {
		t.Fatalf("Summarize(%v): cut %v %v, want %v", now, cut, ok, now.Add(-SummaryAge))
	}
	summaryCheck(t, path, now, true)
	summaryCheck(t, path, now.Add(5*24*time.Hour), true)     // an older cut serves
	summaryCheck(t, path, now.Add(-24*time.Hour), true)      // two days' margin
	summaryCheck(t, path, now.Add(-4*24*time.Hour), false)   // the cut is after the history's first day
	summaryCheck(t, path, now.Add(-100*24*time.Hour), false) // FLASH_NOW far in the past

	// Less than a day later: nothing written. Earlier: nothing either.
	summarize(now.Add(20 * time.Hour))
	summarize(now.Add(-10 * 24 * time.Hour))
	if c, b, _ := summaryOf(t, path); !c.Equal(cut) || !bytes.Equal(b, blob) {
		t.Fatalf("the cut moved by less than a day, or back: %v, want %v", c, cut)
	}

	// The cut moved on reads only the reviews in between, and gives the
	// very blob of a summary made from scratch.
	later := now.Add(3 * 24 * time.Hour)
	summarize(later)
	cut, blob, _ = summaryOf(t, path)
	if !cut.Equal(later.Add(-SummaryAge)) {
		t.Fatalf("cut %v, want %v", cut, later.Add(-SummaryAge))
	}
	rw(t, path, func(st *storage.Store) {
		err := st.UpdateLogSummary(func(time.Time, []byte, bool, storage.LogScan) (time.Time, []byte, error) {
			return time.Time{}, nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	summarize(later)
	if c, b, _ := summaryOf(t, path); !c.Equal(cut) || !bytes.Equal(b, blob) {
		t.Fatalf("moved on: %v %x; made whole: %v %x", cut, blob, c, b)
	}
	summaryCheck(t, path, later, true)

	// A rating before the cut (the clock set back) and its undo.
	var early storage.Review
	rw(t, path, func(st *storage.Store) {
		s, err := st.StatesOf("d2", []string{"c3"})
		if err != nil {
			t.Fatal(err)
		}
		b := s[0].FSRS
		a := b
		a.Stability, a.LastReview = 40, cut.Add(-10*24*time.Hour)
		early, err = st.Rate(storage.Review{Deck: "d2", Card: "c3", At: a.LastReview, Rating: fsrs.Hard, Before: b, After: a, Duration: 9 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
	})
	if _, _, ok := summaryOf(t, path); ok {
		t.Fatal("a rating before the cut left the summary")
	}
	summaryCheck(t, path, later, false)
	summarize(later)
	summaryCheck(t, path, later, true)
	rw(t, path, func(st *storage.Store) {
		if err := st.Undo(early); err != nil {
			t.Fatal(err)
		}
	})
	summaryCheck(t, path, later, false)
	summarize(later)
	summaryCheck(t, path, later, true)
	rw(t, path, func(st *storage.Store) {
		s, err := st.StatesOf("d1", []string{"c1"})
		if err != nil {
			t.Fatal(err)
		}
		r, err := st.Rate(storage.Review{Deck: "d1", Card: "c1", At: later, Rating: fsrs.Good, Before: s[0].FSRS, After: s[0].FSRS, Duration: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Undo(r); err != nil {
			t.Fatal(err)
		}
	})
	summaryCheck(t, path, later, true) // a rating after the cut and its undo

	// A blob of another version, or damaged, is not used, and Summarize
	// makes it whole again once the cut moves.
	good := blob
	next := later.Add(24 * time.Hour)
	for _, bad := range [][]byte{append([]byte{summaryVersion + 1}, good[1:]...), good[:len(good)-1], append(bytes.Clone(good), 0), {}} {
		store := func(cut time.Time, blob []byte) {
			rw(t, path, func(st *storage.Store) {
				err := st.UpdateLogSummary(func(time.Time, []byte, bool, storage.LogScan) (time.Time, []byte, error) {
					return cut, blob, nil
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		}
		store(cut, bad)
		summaryCheck(t, path, later, false)
		summarize(later) // the cut would not move
		if c, b, _ := summaryOf(t, path); !c.Equal(cut) || !bytes.Equal(b, bad) {
			t.Fatalf("a bad blob %x replaced on the same day: %v %x", bad, c, b)
		}
		summarize(next)
		if c, _, _ := summaryOf(t, path); !c.Equal(next.Add(-SummaryAge)) {
			t.Fatalf("after a bad blob %x, a day later: cut %v, want %v", bad, c, next.Add(-SummaryAge))
		}
		summaryCheck(t, path, next, true)
		store(cut, good)
	}
}

// TestSummary_History: a history imported before the cut
// (storagetest.History, as cmd/flashgen writes one) drops the summary, and
// stats stay those of the whole log.
func TestSummary_History(t *testing.T) {
	now := time.Date(2025, 6, 1, 21, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "flash.db")
	start := now.Add(-90 * 24 * time.Hour)
	summaryDB(t, path, start)
	rw(t, path, func(st *storage.Store) {
		if err := Summarize(st, now); err != nil { // of an empty log
			t.Fatal(err)
		}
	})
	if _, _, ok := summaryOf(t, path); !ok {
		t.Fatal("no summary of the empty log")
	}
	summaryCheck(t, path, now, true)
	rs := randomReviews(rand.New(rand.NewPCG(1, 2)), 2000, start, now)
	rw(t, path, func(st *storage.Store) {
		for _, id := range summaryDecks {
			var mine []storage.Review
			final := map[string]fsrs.Card{}
			for _, r := range rs {
				if r.Deck == id {
					mine = append(mine, r)
					final[r.Card] = r.After
				}
			}
			h, err := storagetest.NewHistory(st, id, final, nil)
			if id != summaryDecks[0] {
				// The log is no longer empty: NewHistory refuses.
				if err == nil {
					t.Fatal("NewHistory on a log not empty: no error")
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := h.Append(mine); err != nil {
				t.Fatal(err)
			}
			if err := h.Finish(); err != nil {
				t.Fatal(err)
			}
		}
	})
	if _, _, ok := summaryOf(t, path); ok {
		t.Fatal("a history before the cut left the summary")
	}
	summaryCheck(t, path, now, false)
	rw(t, path, func(st *storage.Store) {
		if err := Summarize(st, now); err != nil {
			t.Fatal(err)
		}
	})
	summaryCheck(t, path, now, true)
}

// TestWholeLog: the whole log is read without a summary that serves, and
// for a deck with fitted weights or an exam; otherwise not.
func TestWholeLog(t *testing.T) {
	now := time.Date(2025, 6, 1, 21, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "flash.db")
	start := now.Add(-90 * 24 * time.Hour)
	summaryDB(t, path, start)
	check := func(step string, want map[string]bool) {
		t.Helper()
		rw(t, path, func(st *storage.Store) {
			decks, err := st.Decks()
			if err != nil {
				t.Fatal(err)
			}
			for deckID, w := range want {
				if got, err := WholeLog(st, st, decks, deckID, now); got != w || err != nil {
					t.Errorf("%s: WholeLog(%q) = %v, %v; want %v", step, deckID, got, err, w)
				}
			}
		})
	}
	check("no summary", map[string]bool{"": true, "d1": true})
	rw(t, path, func(st *storage.Store) {
		if err := storagetest.AppendReviews(st, randomReviews(rand.New(rand.NewPCG(3, 4)), 500, start, now)); err != nil {
			t.Fatal(err)
		}
		if err := Summarize(st, now); err != nil {
			t.Fatal(err)
		}
	})
	check("summary", map[string]bool{"": false, "d1": false, "d2": false, "d3": false})
	rw(t, path, func(st *storage.Store) {
		if err := st.SetSetting(scheduler.WeightsKey("d2"), "{}"); err != nil {
			t.Fatal(err)
		}
		if err := st.SetSetting(exam.Key("d3"), "{}"); err != nil {
			t.Fatal(err)
		}
	})
	check("weights of d2, exam of d3", map[string]bool{"": true, "d1": false, "d2": true, "d3": true})
	rw(t, path, func(st *storage.Store) {
		decks, _ := st.Decks()
		if got, err := WholeLog(st, st, decks, "d1", now.Add(-5*24*time.Hour)); !got || err != nil {
			t.Errorf("5 days before the summary: WholeLog = %v, %v; want true", got, err)
		}
	})
}

// TestSummary_Testdata: the databases of schemas 1 and 2 in storage's
// testdata (two decks; flashgen's history and real sessions, with an
// undone rating), migrated, have no summary and give the figures of the
// whole log; summarized, the very same figures, reading less.
func TestSummary_Testdata(t *testing.T) {
	for _, name := range []string{"v1-small.db.gz", "v2-small.db.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "flash.db")
			storagetest.Gunzip(t, filepath.Join("..", "..", "storage", "testdata", name), path)
			// The history ends on 2026-11-20: a session two days later.
			now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
			rw(t, path, func(*storage.Store) {}) // migrated
			if _, _, ok := summaryOf(t, path); ok {
				t.Fatal("a migrated database has a summary")
			}
			summaryCheck(t, path, now, false)
			rw(t, path, func(st *storage.Store) {
				if err := Summarize(st, now); err != nil {
					t.Fatal(err)
				}
			})
			summaryCheck(t, path, now, true)
		})
	}
}
