package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flash-srs/flash/cmd/flashgen/gen"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
)

// The exam benchmarks run on flashgen's 10k-card database (200k reviews,
// history ending 2025-06-01), with an exam 60 days after the next morning.
// FLASH_EXAM_BENCH_DB names an existing copy to skip building it (15 s).
var (
	examBenchNow  = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	examBenchDate = "2025-08-01"
	examBenchOnce sync.Once
	examBenchDir  string
)

// examBenchDBs returns the 10k database without and with the exam set.
func examBenchDBs(b *testing.B) (plain, withExam string) {
	b.Helper()
	examBenchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "flash-exam-bench")
		if err != nil {
			b.Fatal(err)
		}
		examBenchDir = dir
		src := os.Getenv("FLASH_EXAM_BENCH_DB")
		p := filepath.Join(dir, "10k.db")
		if src != "" {
			data, err := os.ReadFile(src)
			if err == nil {
				err = os.WriteFile(p, data, 0o600)
			}
			if err != nil {
				b.Fatal(err)
			}
		} else if _, err := gen.Build(p, gen.Config{Cards: 10000, Reviews: 200000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		q := filepath.Join(dir, "10k-exam.db")
		if err := os.WriteFile(q, data, 0o600); err != nil {
			b.Fatal(err)
		}
		setExam := func(db string, at time.Time) {
			e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
				getenv: func(string) string { return "" }, now: func() time.Time { return at }, db: db}
			if err := lookupCommand("exam").run([]string{examBenchDate, "--deck", "gen"}, e); err != nil {
				b.Fatal(err)
			}
		}
		// The exam set the evening before: the plan of the bench's day
		// is the one made ahead for it, as when the day before's
		// session ends.
		a := filepath.Join(dir, "10k-exam-ahead.db")
		if err := os.WriteFile(a, data, 0o600); err != nil {
			b.Fatal(err)
		}
		setExam(a, examBenchNow.Add(-11*time.Hour))
		setExam(q, examBenchNow)
		// The same without the plan of the day 'flash exam' saved: the
		// first start of a study day, or the first after a change.
		data, err = os.ReadFile(q)
		if err != nil {
			b.Fatal(err)
		}
		u := filepath.Join(dir, "10k-exam-unsaved.db")
		if err := os.WriteFile(u, data, 0o600); err != nil {
			b.Fatal(err)
		}
		st, err := storage.Open(u, storage.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, ok, err := st.Setting(session.PlanKey("gen", examBenchNow)); err != nil || !ok {
			b.Fatalf("flash exam saved no plan of the day: %v", err)
		}
		err = st.DeleteSetting(session.PlanKey("gen", examBenchNow))
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
	})
	return filepath.Join(examBenchDir, "10k.db"), filepath.Join(examBenchDir, "10k-exam.db")
}

// BenchmarkExam10k is 'flash exam' on the 10k-card database with the exam
// 60 days away: open read-only, read the cards and the log, plan, print
// (README: Speed and size; target 100 ms).
func BenchmarkExam10k(b *testing.B) {
	_, db := examBenchDBs(b)
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
		getenv: func(string) string { return "" }, now: func() time.Time { return examBenchNow }, db: db}
	for b.Loop() {
		if err := lookupCommand("exam").run(nil, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReviewStart10k is what 'flash review' does before its first
// card, in-process: open the database, read the decks, build the session
// (with the exam: read the plan of the day as saved — exam, saved that
// day; exam-ahead, the day's first start, from the plan made ahead the
// evening before — or, exam-unsaved, plan the day, as a start after a
// change made outside a session does) and load the first card. The
// README's start-up target (15 ms) is for the whole process, measured with
// hyperfine; this shows what an exam adds.
func BenchmarkReviewStart10k(b *testing.B) {
	plain, withExam := examBenchDBs(b)
	dir := filepath.Dir(withExam)
	unsaved, ahead := filepath.Join(dir, "10k-exam-unsaved.db"), filepath.Join(dir, "10k-exam-ahead.db")
	for _, bc := range []struct{ name, db string }{{"no-exam", plain}, {"exam", withExam}, {"exam-ahead", ahead}, {"exam-unsaved", unsaved}} {
		b.Run(bc.name, func(b *testing.B) {
			now := func() time.Time { return examBenchNow }
			// CPU time (the process's, the collector's included) varies
			// less than wall time on a loaded machine.
			cpu0 := cpuTime()
			for b.Loop() {
				st, err := storage.Open(bc.db, storage.Options{})
				if err != nil {
					b.Fatal(err)
				}
				decks, err := st.Decks()
				if err != nil {
					b.Fatal(err)
				}
				s, err := session.Open(st, decks, session.Options{}, now)
				if err != nil {
					b.Fatal(err)
				}
				if _, ok, err := s.Next(); err != nil || !ok {
					b.Fatalf("no first card: %v", err)
				}
				if _, ok := s.Exam("gen"); ok != (bc.name != "no-exam") {
					b.Fatalf("exam plan: %v", ok)
				}
				st.Close()
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkReviewFirstCardProcess10k is the day's first 'flash review
// --plain' as a whole process (the real binary, FLASH_NOW at the bench's
// morning), on a fresh copy of the database each time: from exec to the
// first card on stdout. The process is then killed, so what a session
// does when it ends (saving the next day's plan) is not counted; cpu-ms/op
// is the process's CPU up to then. exam-ahead: the exam was set the
// evening before, so the day's plan was made ahead (the usual first start
// of a day); exam-unsaved: no plan saved for the day (a start after a day
// without flash, or after a change made outside a session): it plans.
func BenchmarkReviewFirstCardProcess10k(b *testing.B) {
	plain, withExam := examBenchDBs(b)
	dir := filepath.Dir(withExam)
	bin := flashBinary(b)
	for _, bc := range []struct{ name, db string }{
		{"no-exam", plain},
		{"exam-ahead", filepath.Join(dir, "10k-exam-ahead.db")},
		{"exam-unsaved", filepath.Join(dir, "10k-exam-unsaved.db")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			src, err := os.ReadFile(bc.db)
			if err != nil {
				b.Fatal(err)
			}
			db := filepath.Join(b.TempDir(), "run.db")
			var cpu time.Duration
			b.StopTimer()
			for range b.N {
				if err := os.WriteFile(db, src, 0o600); err != nil {
					b.Fatal(err)
				}
				cmd := exec.Command(bin, "--db", db, "review", "--plain")
				cmd.Env = append(os.Environ(), "FLASH_NOW="+examBenchNow.Format(time.RFC3339), "TZ=UTC")
				in, err := cmd.StdinPipe()
				if err != nil {
					b.Fatal(err)
				}
				out, err := cmd.StdoutPipe()
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				r := bufio.NewReader(out)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						b.Fatalf("no first card: %v (%q)", err, line)
					}
					if strings.Contains(line, "(Enter: show the answer") {
						break
					}
				}
				b.StopTimer()
				cmd.Process.Kill()
				in.Close()
				cmd.Wait()
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}
