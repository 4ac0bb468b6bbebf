// Command flashgen writes a synthetic flash database for benchmarks: a deck
// of -cards cards and -reviews review-log entries that a simulated learner
// produced with flash's real scheduler (see package gen). The same flags
// give the same file.
//
//	flashgen -cards 10000 -reviews 200000 -o /tmp/flash/10k.db
//	flashgen -cards 10000 -toml /tmp/flash/10k.toml   # just the deck file
//	flashgen -scan /tmp/flash/1m.db                   # the bare log scan stats is measured against
//	flashgen -fsrs-revlog /tmp/flash/100k.csv -reviews 100000 -seed 7
//
// -fsrs-revlog writes instead a revlog CSV (the FSRS optimizer's
// convention, days starting at 04:00 UTC) by a synthetic learner whose
// memory follows FSRS-5 with each default weight times e^(0.2·z), z
// standard normal drawn from -seed (optimize.Synthesize), and prints
// those true weights as JSON: a file on which any FSRS optimizer can be
// checked against the truth.
//
// .ci/bench builds its databases with it and times flash on them.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"time"

	"github.com/flash-srs/flash/cmd/flashgen/gen"
	"github.com/flash-srs/flash/scheduler/optimize"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "flashgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fl := flag.NewFlagSet("flashgen", flag.ContinueOnError)
	var c gen.Config
	fl.IntVar(&c.Cards, "cards", 10000, "cards in the deck")
	fl.IntVar(&c.Reviews, "reviews", 200000, "review-log entries")
	fl.Uint64Var(&c.Seed, "seed", 1, "random seed")
	fl.StringVar(&c.DeckID, "deck", "gen", "deck id")
	fl.IntVar(&c.NewPerDay, "new-per-day", 0, "new cards the learner starts a day (0: max(20, cards/150))")
	end := fl.String("end", "", "the history ends on this day, before this time (YYYY-MM-DD[THH:MM] local, or \"now\"; default 2025-06-01T21:00Z)")
	out := fl.String("o", "", "database file to create (must not exist)")
	toml := fl.String("toml", "", "also write the deck as a deck file here")
	evict := fl.String("evict", "", "only drop this file from the page cache (a cold start for benchmarks), then exit")
	scan := fl.String("scan", "", "only walk this database's review log with a bare bbolt cursor (read-only, whole file mapped in, nothing decoded): the floor `flash stats` is measured against")
	fsrsLog := fl.String("fsrs-revlog", "", "write a synthetic FSRS-5 learner's revlog CSV of -reviews reviews here instead (true weights from -seed)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *fsrsLog != "" {
		return writeSynthetic(*fsrsLog, c.Reviews, c.Seed)
	}
	if *evict != "" {
		return gen.Evict(*evict)
	}
	if *scan != "" {
		n, err := gen.Scan(*scan)
		if err == nil {
			fmt.Println(n)
		}
		return err
	}
	switch *end {
	case "":
	case "now":
		c.End = time.Now()
	default:
		t, err := time.ParseInLocation("2006-01-02T15:04", *end, time.Local)
		if err != nil {
			if t, err = time.ParseInLocation(time.DateOnly, *end, time.Local); err != nil {
				return fmt.Errorf("-end %q: want YYYY-MM-DD[THH:MM] or now", *end)
			}
			t = t.Add(21 * time.Hour)
		}
		c.End = t
	}
	if *out == "" && *toml == "" {
		return errors.New("give -o FILE.db and/or -toml FILE.toml")
	}
	if *toml != "" {
		if err := os.WriteFile(*toml, gen.TOML(gen.Deck(c)), 0o644); err != nil {
			return err
		}
	}
	if *out == "" {
		return nil
	}
	if _, err := os.Stat(*out); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s exists; remove it first", *out)
	}
	t := time.Now()
	info, err := gen.Build(*out, c)
	if err != nil {
		os.Remove(*out)
		return err
	}
	fi, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d cards (%d begun, %d suspended leeches), %d reviews over %d study days %s … %s, %.1f MB, built in %v\n",
		*out, info.Cards, info.Introduced, info.Suspended, info.Reviews, info.Days,
		info.First.Format(time.DateOnly), info.Last.Format(time.DateOnly), float64(fi.Size())/1e6, time.Since(t).Round(time.Millisecond))
	return nil
}

// writeSynthetic writes optimize.Synthesize(seed, n) as a revlog CSV to
// name (which must not exist) and prints the learner's true weights.
func writeSynthetic(name string, n int, seed uint64) error {
	if n < 1 {
		return errors.New("-reviews must be positive")
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString("card_id,review_time,review_rating,review_state,review_duration\n")
	var buf []byte
	for _, r := range optimize.Synthesize(seed, n) {
		buf = strconv.AppendUint(buf[:0], r.Card, 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, r.Time, 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(r.Rating), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(r.State), 10)
		buf = append(buf, ",8000\n"...)
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	tw := optimize.TrueWeights(seed)
	b, _ := json.Marshal(map[string]any{"file": name, "reviews": n, "seed": seed, "true_weights": tw[:], "timezone": "UTC", "next_day_starts_at": 4})
	fmt.Println(string(b))
	return nil
}
