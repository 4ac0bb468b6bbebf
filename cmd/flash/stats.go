package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"runtime"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
	"github.com/flash-srs/flash/scheduler/refit"
	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/importer"
	"github.com/flash-srs/flash/storage/safefile"
)

// examHour is the local time of day --at DATE means: a morning exam.
const examHour = 9

func cmdStats(fs *flags.FlagSet, e *env) func([]string) error {
	deckID := fs.String("deck", "", "only the deck `ID`")
	atFlag := fs.String("at", "", "readiness at `DATE` (YYYY-MM-DD, local, 09:00; or RFC 3339), e.g. the exam")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	plotFile := fs.String("plot", "", "also write the charts to `FILE.png`")
	force := fs.Bool("force", false, "overwrite an existing --plot file")
	return func(pos []string) error {
		if len(pos) > 0 {
			return usagef("stats: unexpected argument %q", pos[0])
		}
		return runStats(e, *deckID, *atFlag, *asJSON, *plotFile, *force)
	}
}

func runStats(e *env, deckID, atFlag string, asJSON bool, plotFile string, force bool) error {
	return withGC(statsGC, func() error { return statsTuned(e, deckID, atFlag, asJSON, plotFile, force) })
}

func statsTuned(e *env, deckID, atFlag string, asJSON bool, plotFile string, force bool) error {
	now := e.now()
	at, err := parseAt(atFlag, now)
	if err != nil {
		return err
	}
	// Refuse the chart's file before doing any work.
	var plotOpts safefile.Options
	if plotFile != "" {
		path, err := e.dbPath()
		if err != nil {
			return err
		}
		plotOpts = safefile.Options{Force: force, Protect: []string{path}}
		if err := safefile.Check(plotFile, plotOpts); err != nil {
			return err
		}
	}
	// The text lists the first stats.ListMax suspended and flagged cards;
	// only JSON lists all of them.
	s, err := loadStats(e, deckID, now, at, asJSON)
	if err != nil {
		return err
	}
	if plotFile != "" {
		if err := writePlot(plotFile, s, plotOpts); err != nil {
			return err
		}
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	color := isTerminal(e.stdout) && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
	_, err = e.stdout.Write(renderStats(s, color))
	return err
}

// parseAt reads --at: a local date (readiness at examHour that day) or an
// RFC 3339 time. A moment before now is refused: readiness is a forecast
// from the memory state of today. Today's date with examHour already past
// means now.
func parseAt(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return now, nil
	}
	var at time.Time
	if d, err := time.ParseInLocation(time.DateOnly, v, now.Location()); err == nil {
		at = time.Date(d.Year(), d.Month(), d.Day(), examHour, 0, 0, 0, now.Location())
		if y, m, dd := now.Date(); d.Equal(time.Date(y, m, dd, 0, 0, 0, 0, now.Location())) && at.Before(now) {
			return now, nil
		}
	} else if t, err := time.Parse(time.RFC3339, v); err == nil {
		at = t.In(now.Location())
	} else {
		return time.Time{}, usagef("stats: --at %q: want a date YYYY-MM-DD (or an RFC 3339 time)", v)
	}
	if at.Before(now) {
		return time.Time{}, usagef("stats: --at %s is in the past; readiness is forecast from today on", v)
	}
	return at, nil
}

// loadStats opens the database read-only and computes every figure. A
// database that does not exist yet or holds no deck (or an outdated copy of
// the built-in deck) is first opened read-write once to import the built-in
// deck, as review does. The suspended and flagged lists hold every card
// with listAll, else the first stats.ListMax of each.
func loadStats(e *env, deckID string, now, at time.Time, listAll bool) (*stats.Stats, error) {
	path, err := e.dbPath()
	if err != nil {
		return nil, err
	}
	st, decks, err := openStatsStore(path, deckID, now, e)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	// The read-only open holds a shared lock: no writer can change the file
	// until Close, so the separate read transactions of Load see one state.
	s, err := stats.Load(st, decks, deckID, now, at, listAll)
	if err != nil {
		return nil, err
	}
	inUse, err := refit.InUse(st, decks)
	if err != nil {
		return nil, err
	}
	if err := s.UseWeights(st, inUse, time.Local, min(runtime.GOMAXPROCS(0), 4)); err != nil {
		return nil, err
	}
	s.Exams, err = stats.Exams(st, decks, deckID, now)
	return s, err
}

// openStatsStore returns the store opened read-only with its decks (see
// openStatsRO), importing the built-in deck first when needed.
func openStatsStore(path, deckID string, now time.Time, e *env) (*storage.Store, []storage.DeckInfo, error) {
	st, decks, err := openStatsRO(path, deckID, now)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, nil, err
	default:
		if !importer.NeedBuiltin(decks) {
			return st, decks, nil
		}
		if err := st.Close(); err != nil {
			return nil, nil, err
		}
	}
	rw, err := storage.Open(path, storage.Options{})
	if err != nil {
		return nil, nil, err
	}
	_, err = ensureDeck(rw, now, e.stderr)
	if cerr := rw.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, err
	}
	return openStatsRO(path, deckID, now)
}

// openStatsRO opens the database read-only and reads its decks, with the
// whole file mapped in at open (MAP_POPULATE) when stats reads much of it
// from the disk or all of it: when most of the file is not in the page
// cache (storage.Resident: one sequential read of the file beats a request
// for each page stats touches, which lie all over a file years of ratings
// wrote), or when stats reads the whole log (stats.WholeLog: no summary of
// the log's older part that serves at now, or a deck of deckID with fitted
// weights or an exam), for which it makes the scan faster. Otherwise stats
// reads the card states and the last month of the log from the page cache,
// and mapping in the rest would cost more than it saves (1M reviews: 28.6
// against 54.2 ms); the few pages not cached are read with their
// neighbours (Store.ReadAround).
func openStatsRO(path, deckID string, now time.Time) (*storage.Store, []storage.DeckInfo, error) {
	ro := storage.Options{ReadOnly: true, Populate: storage.Resident(path) < 0.5}
	st, err := storage.Open(path, ro)
	if err != nil {
		return nil, nil, err
	}
	decks, err := st.Decks()
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	if ro.Populate {
		return st, decks, nil
	}
	whole, err := stats.WholeLog(st, st, decks, deckID, now)
	switch {
	case err != nil: // Load fails on it, with the same error
	case !whole:
		st.ReadAround()
	default:
		if err := st.Close(); err != nil {
			return nil, nil, err
		}
		ro.Populate = true
		if st, err = storage.Open(path, ro); err != nil {
			return nil, nil, err
		}
		if decks, err = st.Decks(); err != nil {
			st.Close()
			return nil, nil, err
		}
	}
	return st, decks, nil
}
