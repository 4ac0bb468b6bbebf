package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/cmd/flashgen/gen"
	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/storagetest"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// Sizes of the benchmark database: DESIGN.md's target is `flash stats`
// over a million review-log entries.
const (
	benchReviews = 1_000_000
	benchCards   = 2_000
	benchChunk   = 20_000 // reviews per storagetest.AppendReviews transaction
)

// benchDeck returns a deck of benchCards cards spread over 13 questions.
func benchDeck() string {
	var b strings.Builder
	b.WriteString("format = 1\nid = \"bench\"\ntitle = \"Bench\"\n")
	for q := range 13 {
		fmt.Fprintf(&b, "\n[[question]]\nid = \"q%d\"\npaper = \"Paper %d\"\ntext = \"Question %d?\"\n", q, q/4, q)
	}
	for c := range benchCards {
		fmt.Fprintf(&b, "\n[[card]]\nid = \"q%d-card-%d\"\nquestion = \"q%d\"\nfront = \"Front %d\"\nback = \"Back %d\"\n", c%13, c, c%13, c, c)
	}
	return b.String()
}

// buildBenchDB writes a database of benchReviews synthetic reviews, one
// every 30 s ending at now (about a year), through storagetest.AppendReviews.
func buildBenchDB(b *testing.B, dir string, now time.Time) string {
	b.Helper()
	path := filepath.Join(dir, "bench.db")
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	d, err := deck.Parse("bench.toml", []byte(benchDeck()))
	if err != nil {
		b.Fatal(err)
	}
	start := now.Add(-benchReviews * 30 * time.Second)
	if _, err := st.Import(d, storage.Source{Hash: "bench"}, start, false); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, benchCards)
	for i := range ids {
		ids[i] = fmt.Sprintf("q%d-card-%d", i%13, i)
	}
	rs := make([]storage.Review, 0, benchChunk)
	seed := uint64(1)
	for i := range benchReviews {
		seed = seed*6364136223846793005 + 1442695040888963407
		at := start.Add(time.Duration(i) * 30 * time.Second)
		state := fsrs.State(seed >> 62) // 0..3
		if i < benchCards {
			state = fsrs.New
		}
		stab := 0.5 + float64(seed>>40&0xffff)/256 // 0.5 .. 256 days
		before := fsrs.Card{State: state, Stability: stab, Difficulty: 5, Reps: uint64(i / benchCards),
			LastReview: at.Add(-time.Duration(seed>>20&0xff) * 12 * time.Hour)}
		if state == fsrs.New {
			before = fsrs.NewCard()
		}
		after := fsrs.Card{State: fsrs.Review, Stability: stab * 2, Difficulty: 5, Reps: before.Reps + 1,
			LastReview: at, Due: at.Add(time.Duration(stab*2*24) * time.Hour)}
		rs = append(rs, storage.Review{
			Deck: "bench", Card: ids[i%benchCards], At: at, Rating: fsrs.Rating(1 + seed>>30&3),
			Before: before, After: after, ElapsedDays: uint64(seed >> 20 & 0xff / 2), ScheduledDays: uint64(stab * 2),
			Duration: 8 * time.Second,
		})
		if len(rs) == benchChunk {
			if err := storagetest.AppendReviews(st, rs); err != nil {
				b.Fatal(err)
			}
			rs = rs[:0]
		}
	}
	if err := storagetest.AppendReviews(st, rs); err != nil {
		b.Fatal(err)
	}
	if n, err := st.ReviewCount(); err != nil || n != benchReviews {
		b.Fatalf("%d reviews (%v)", n, err)
	}
	return path
}

// BenchmarkStats1M runs `flash stats` in-process (open read-only, read the
// card states and the whole log, compute, render the text) over a million
// review-log entries: warm with the file in the page cache, and cold with
// it evicted before each run (Linux only); then the same with the summary
// of the log's older part. The database is built once.
func BenchmarkStats1M(b *testing.B) {
	now := time.Date(2024, 3, 10, 9, 0, 0, 0, time.UTC)
	t0 := time.Now()
	path := buildBenchDB(b, b.TempDir(), now)
	b.Logf("built %d reviews in %v", benchReviews, time.Since(t0).Round(time.Millisecond))
	e := &env{
		stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
		getenv: func(string) string { return "" },
		now:    func() time.Time { return now },
		db:     path,
	}
	benchStatsRuns(b, e, "")
	// The floor under "warm": storage.Reviews alone with an empty callback,
	// the store opened once.
	b.Run("reviews-only", func(b *testing.B) {
		st, err := storage.Open(path, storage.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		for b.Loop() {
			n := 0
			if err := st.Reviews(time.Time{}, time.Time{}, func(storage.Review) error { n++; return nil }); err != nil || n != benchReviews {
				b.Fatal(n, err)
			}
		}
	})
	// The same with the summary of the log's older part that a review
	// session leaves (stats.Summarize at now): stats reads the card states
	// and the last month of the log.
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := stats.Summarize(st, now); err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	benchStatsRuns(b, e, "summary-")
}

// benchStatsRuns runs `flash stats` of e once with its output checked (so
// that the benchmarks measure real work), then as the sub-benchmarks
// prefix+"warm" and prefix+"cold" (the file evicted from the page cache
// before each run; skipped where it cannot be).
func benchStatsRuns(b *testing.B, e *env, prefix string) {
	b.Helper()
	var out bytes.Buffer
	e.stdout = &out
	if err := lookupCommand("stats").run([]string{"--json"}, e); err != nil {
		b.Fatal(err)
	}
	if !strings.Contains(out.String(), fmt.Sprintf(`"reviews": %d`, benchReviews)) {
		b.Fatalf("%sstats did not count %d reviews", prefix, benchReviews)
	}
	e.stdout = io.Discard
	b.Run(prefix+"warm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := lookupCommand("stats").run(nil, e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(prefix+"cold", func(b *testing.B) {
		if err := gen.Evict(e.db); err != nil {
			b.Skipf("cannot evict the file from the page cache: %v", err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			if err := gen.Evict(e.db); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := lookupCommand("stats").run(nil, e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
