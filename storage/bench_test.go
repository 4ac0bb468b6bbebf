package storage

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Benchmark databases are built once per process, only by the benchmarks
// that need them, in a folder TestMain removes.
var (
	fixtureDir   string
	fixtureMu    sync.Mutex
	fixturePaths = map[int]string{}
)

func TestMain(m *testing.M) {
	if path := os.Getenv(migrateHelperEnv); path != "" {
		migrateHelper(path) // a child of TestMigrate_Kill
	}
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// fixture returns a database file with a 10k-card deck and n reviews of it.
// Benchmarks that write must work on a copy (copyFixture).
func fixture(b *testing.B, n int) string {
	b.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if p, ok := fixturePaths[n]; ok {
		return p
	}
	if fixtureDir == "" {
		var err error
		if fixtureDir, err = os.MkdirTemp("", "flash-bench-"); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	path := filepath.Join(fixtureDir, fmt.Sprintf("reviews-%d.db", n))
	s, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	d := bigDeck(10000)
	if _, err := s.Import(d, Source{Hash: "bench"}, t0, false); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, len(d.Cards))
	for i := range d.Cards {
		ids[i] = d.Cards[i].ID
	}
	g := newSynth(ids)
	for done := 0; done < n; {
		k := min(50000, n-done)
		if err := s.bulkAppend(g.next(k)); err != nil {
			b.Fatal(err)
		}
		done += k
	}
	fi, _ := os.Stat(path)
	b.Logf("built %s: 10k cards, %d reviews, %.1f MB in %v", filepath.Base(path), n, float64(fi.Size())/1e6, time.Since(start).Round(time.Millisecond))
	fixturePaths[n] = path
	return path
}

func copyFixture(b *testing.B, n int) string {
	b.Helper()
	src := fixture(b, n)
	dst := filepath.Join(b.TempDir(), "flash.db")
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	return dst
}

// rateLoad is a rotation of ratings for the benchmark deck; ratingAt
// returns the i-th, later than anything in the fixture.
type rateLoad []Review

func newRateLoad() rateLoad {
	d := bigDeck(10000)
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = d.Cards[i*10].ID
	}
	return rateLoad(synthReviews(ids, 1000))
}

func (l rateLoad) at(i int) Review {
	r := l[i%len(l)]
	r.At = t0.AddDate(20, 0, 0).Add(time.Duration(i) * time.Second)
	return r
}

// BenchmarkRate is one rating: a state update and a log append, committed
// with fsync, on a database of 10k cards and 200k reviews.
func BenchmarkRate(b *testing.B) {
	s := openAt(b, copyFixture(b, 200_000))
	load := newRateLoad()
	i := 0
	for b.Loop() {
		if _, err := s.Rate(load.at(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRateNoSync is BenchmarkRate without the fsync (bbolt's NoSync):
// the CPU a rating costs in and around its transaction, which the disk's
// wait hides in BenchmarkRate and which holds up better on a shared
// machine. No rating moves a due index entry (that waits for Close).
func BenchmarkRateNoSync(b *testing.B) {
	s := openAt(b, copyFixture(b, 200_000))
	s.db.NoSync = true
	load := newRateLoad()
	b.ReportAllocs()
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := s.Rate(load.at(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(i), "cpu-µs/rate")
}

// bareCommit is the reference: one value put in one bbolt transaction.
func bareCommit(db *bolt.DB, i int) error {
	return db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSettings).Put([]byte("bench"), []byte(fmt.Sprint(i)))
	})
}

// BenchmarkBareCommit is a bare one-value bbolt commit on the same kind of
// file as BenchmarkRate.
func BenchmarkBareCommit(b *testing.B) {
	s := openAt(b, copyFixture(b, 200_000))
	i := 0
	for b.Loop() {
		if err := bareCommit(s.db, i); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRateVsBare alternates a bare commit and a rating on one file and
// reports the ratio of their medians (target: rate/bare <= 1.2), which
// holds up better than two separate benchmarks when the disk's speed
// drifts.
func BenchmarkRateVsBare(b *testing.B) { rateVsBare(b, 0) }

// BenchmarkRateVsBareSteady is BenchmarkRateVsBare after 3000 ratings (of
// the same load) not measured. The fixture is built in four commits of
// 50k reviews, so where its free pages lie is an accident of that build,
// and the first few hundred ratings pay for it; a learner's file has
// taken its ratings one commit at a time. After 3000 such commits the
// pages a rating writes lie as they will from then on.
func BenchmarkRateVsBareSteady(b *testing.B) { rateVsBare(b, 3000) }

func rateVsBare(b *testing.B, warm int) {
	s := openAt(b, copyFixture(b, 200_000))
	load := newRateLoad()
	for i := range warm {
		if _, err := s.Rate(load.at(i)); err != nil {
			b.Fatal(err)
		}
	}
	var bare, rate, probe []time.Duration
	var writes, alloc, nodes, splits int64 // pages the ratings wrote (bbolt writes a page per write)
	pr := newSyncProbe(b, filepath.Dir(s.Path()))
	i := warm
	for b.Loop() {
		probe = append(probe, pr.commit(b))
		t := time.Now()
		if err := bareCommit(s.db, i); err != nil {
			b.Fatal(err)
		}
		st0 := s.db.Stats()
		w, pa, nc, sp := st0.TxStats.GetWrite(), st0.TxStats.GetPageAlloc(), st0.TxStats.GetNodeCount(), st0.TxStats.GetSplit()
		t1 := time.Now()
		if _, err := s.Rate(load.at(i)); err != nil {
			b.Fatal(err)
		}
		bare, rate = append(bare, t1.Sub(t)), append(rate, time.Since(t1))
		st1 := s.db.Stats()
		writes += st1.TxStats.GetWrite() - w
		alloc += st1.TxStats.GetPageAlloc() - pa
		nodes += st1.TxStats.GetNodeCount() - nc
		splits += st1.TxStats.GetSplit() - sp
		i++
	}
	n := float64(i - warm)
	b.ReportMetric(float64(writes)/n, "writes/rate")
	b.ReportMetric(float64(alloc)/4096/n, "pages/rate")
	b.ReportMetric(float64(nodes)/n, "nodes/rate")
	b.ReportMetric(float64(splits)/n, "splits/rate")
	mb, mr := median(bare), median(rate)
	b.ReportMetric(float64(mb.Microseconds()), "bare-µs")
	b.ReportMetric(float64(mr.Microseconds()), "rate-µs")
	b.ReportMetric(float64(mr)/float64(mb), "rate/bare")
	b.ReportMetric(float64(mr)/float64(median(probe)), "rate/probe")
}

// A syncProbe commits the way bbolt does, without bbolt: two pages written
// and fdatasync'd, then a third page and fdatasync again, in a file of its
// own beside the database. Its time follows the disk's speed and nothing
// else, so the ratio of a rating's to it compares two builds of flash (old
// and new, whose bare commits differ) measured at different moments.
type syncProbe struct {
	f    *os.File
	page []byte
}

func newSyncProbe(b *testing.B, dir string) *syncProbe {
	f, err := os.Create(filepath.Join(dir, "probe"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	p := &syncProbe{f: f, page: make([]byte, 4096)}
	if _, err := f.WriteAt(make([]byte, 1<<20), 0); err != nil {
		b.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	return p
}

func (p *syncProbe) commit(b *testing.B) time.Duration {
	t := time.Now()
	for _, pg := range []int64{40, 41} {
		if _, err := p.f.WriteAt(p.page, pg*4096); err != nil {
			b.Fatal(err)
		}
	}
	if err := fdatasync(p.f); err != nil {
		b.Fatal(err)
	}
	if _, err := p.f.WriteAt(p.page, 0); err != nil {
		b.Fatal(err)
	}
	if err := fdatasync(p.f); err != nil {
		b.Fatal(err)
	}
	return time.Since(t)
}

// BenchmarkRateSessions is a rating on a file with a learner's history:
// 10k cards imported in one commit (as flash imports the built-in deck),
// then 20,000 ratings one commit at a time in sessions of 150, the store
// closed and opened again between sessions (unsynced while building), and
// only then 400 measured ratings, each after a commit of the sync probe.
// Where a rating's pages lie in such a file is what its history made it,
// not a bulk-built fixture.
func BenchmarkRateSessions(b *testing.B) {
	path := filepath.Join(b.TempDir(), "flash.db")
	s, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	d := bigDeck(10000)
	if _, err := s.Import(d, Source{Hash: "bench"}, t0, false); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = d.Cards[i*10].ID
	}
	load := rateLoad(synthReviews(ids, 1000))
	const warm, session = 20000, 150
	s.db.NoSync = true
	for i := range warm {
		if i > 0 && i%session == 0 {
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			if s, err = Open(path, Options{}); err != nil {
				b.Fatal(err)
			}
			s.db.NoSync = true
		}
		if _, err := s.Rate(load.at(i)); err != nil {
			b.Fatal(err)
		}
	}
	s.db.NoSync = false
	b.Cleanup(func() { s.Close() })
	pr := newSyncProbe(b, filepath.Dir(path))
	var rate, probe []time.Duration
	i := warm
	for b.Loop() {
		probe = append(probe, pr.commit(b))
		t := time.Now()
		if _, err := s.Rate(load.at(i)); err != nil {
			b.Fatal(err)
		}
		rate = append(rate, time.Since(t))
		i++
	}
	b.ReportMetric(float64(median(rate).Microseconds()), "rate-µs")
	b.ReportMetric(float64(median(rate))/float64(median(probe)), "rate/probe")
}

func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// BenchmarkStates10k reads the state of 10k cards, as a review session
// does at start.
func BenchmarkStates10k(b *testing.B) {
	s, err := Open(fixture(b, 200_000), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		st, err := s.States("")
		if err != nil || len(st) != 10000 {
			b.Fatal(len(st), err)
		}
	}
}

// BenchmarkStartSession is storage's part of `flash review` start to first
// card on 10k cards and 200k reviews: open (read-write), decks, today's
// counts, all states, the first card's text, close.
func BenchmarkStartSession(b *testing.B) {
	path := copyFixture(b, 200_000)
	var last time.Time
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	s.Reviews(time.Time{}, time.Time{}, func(r Review) error { last = r.At; return nil })
	s.Close()
	day := last.Add(-6 * time.Hour)
	for b.Loop() {
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Decks(); err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.DoneSince("ml", day); err != nil {
			b.Fatal(err)
		}
		st, err := s.States("ml")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Content("ml", st[0].ID); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReviewsScan1M is what `flash stats` does over a log of 1M
// entries: one pass, a few aggregates per entry.
func BenchmarkReviewsScan1M(b *testing.B) {
	s, err := Open(fixture(b, 1_000_000), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	n := 0
	cpu0 := cpuTime()
	for b.Loop() {
		var byRating [5]int
		var recalled, reviews, count int
		var total time.Duration
		perDay := map[int64]int{}
		var day int64 = -1
		err := s.Reviews(time.Time{}, time.Time{}, func(r Review) error {
			count++
			byRating[r.Rating]++
			total += r.Duration
			if d := r.At.Unix() / 86400; d != day {
				day = d
			}
			perDay[day]++
			if r.Before.State == 2 {
				reviews++
				if r.Rating > 1 {
					recalled++
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		n = count
	}
	if n != 1_000_000 {
		b.Fatalf("scanned %d entries", n)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/entry")
	// CPU time holds up better than wall time on a shared machine.
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/entry")
}

// BenchmarkDecodeReview decodes one typical log entry.
func BenchmarkDecodeReview(b *testing.B) {
	rs := synthReviews([]string{"ntk-1-realization", "ff-2-decay-rate"}, 40)
	r := rs[len(rs)-1]
	at := r.At.UnixNano()
	v, err := encodeReview(nil, &r, cardNum{1, 4711}, at)
	if err != nil {
		b.Fatal(err)
	}
	k := reviewKey(at, 5)
	var x Review
	for b.Loop() {
		if _, err := decodeReview(&x, k, v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(v)), "bytes")
}

// BenchmarkDoneSince is the daily-limit count over the last study day of
// a 200k-entry log.
func BenchmarkDoneSince(b *testing.B) {
	s, err := Open(fixture(b, 200_000), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var last time.Time
	s.Reviews(time.Time{}, time.Time{}, func(r Review) error { last = r.At; return nil })
	for b.Loop() {
		if _, _, err := s.DoneSince("ml", last.Add(-24*time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}
