package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage"
	"github.com/spf13/pflag"
)

// statsListMax is how many suspended or flagged cards the text lists; the
// JSON lists them all.
const statsListMax = 20

// examHour is the local time of day --at DATE means: a morning exam.
const examHour = 9

func cmdStats(fs *pflag.FlagSet, e *env) func([]string) error {
	deckID := fs.String("deck", "", "only the deck `ID`")
	atFlag := fs.String("at", "", "readiness at `DATE` (YYYY-MM-DD, local, 09:00; or RFC 3339), e.g. the exam")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	plotFile := fs.String("plot", "", "also write the charts to `FILE.png`")
	return func(pos []string) error {
		if len(pos) > 0 {
			return usagef("stats: unexpected argument %q", pos[0])
		}
		return stats(e, *deckID, *atFlag, *asJSON, *plotFile)
	}
}

func stats(e *env, deckID, atFlag string, asJSON bool, plotFile string) error {
	// The figures need the card states and a little more (tens of MB
	// for a large database), allocated once: collecting garbage while
	// they grow would only slow the command down.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	now := e.now()
	at, err := parseAt(atFlag, now)
	if err != nil {
		return err
	}
	// The text lists the first statsListMax suspended and flagged cards;
	// only JSON needs the fronts of all of them.
	s, err := loadStats(e, deckID, now, at, asJSON)
	if err != nil {
		return err
	}
	if plotFile != "" {
		if err := writePlot(plotFile, s); err != nil {
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
// deck, as review does. The suspended and flagged lists hold every card,
// but with allFronts false only the first statsListMax of each have their
// Front filled in.
func loadStats(e *env, deckID string, now, at time.Time, allFronts bool) (*Stats, error) {
	path, err := e.dbPath()
	if err != nil {
		return nil, err
	}
	st, decks, err := openStatsStore(path, now, e)
	if err != nil {
		return nil, err
	}
	defer st.Close()

	var sel []storage.DeckInfo
	for _, d := range decks {
		if deckID == "" || d.ID == deckID {
			sel = append(sel, d)
		}
	}
	if len(sel) == 0 {
		return nil, noDeck(deckID, decks)
	}
	// The read-only open holds a shared lock: no writer can change the file
	// until Close, so these separate read transactions see one state. The
	// card states are read while the log is scanned, and the log in
	// pieces at once, one accumulator each, merged in log order.
	var (
		cards    []storage.CardState
		s        Stats
		cardsErr error
		done     = make(chan struct{})
	)
	go func() {
		defer close(done)
		cards, cardsErr = st.States(deckID)
		if cardsErr == nil {
			s = computeStats(sel, cards, deckID, now, at)
		}
	}()
	accs := make([]*logStats, statsPieces)
	for i := range accs {
		accs[i] = newLogStats(now, deckID)
		accs[i].replay = i > 0
	}
	err = st.ScanStatsParts(deckID, len(accs), min(runtime.GOMAXPROCS(0), 4), func(part int, batch []storage.LogStat) error {
		a := accs[part]
		for i := range batch {
			a.addStat(&batch[i])
		}
		return nil
	})
	<-done
	if cardsErr != nil {
		return nil, cardsErr
	}
	if err != nil {
		return nil, err
	}
	for _, a := range accs[1:] {
		accs[0].merge(a)
	}
	accs[0].fill(&s)
	// Read the fronts that are shown, all in one transaction.
	var listed []storage.CardState
	for _, c := range cards {
		if c.Retired || !(c.Suspended || c.Flagged) {
			continue
		}
		ref := CardRef{ID: c.Key()}
		show := allFronts
		if c.Suspended {
			show = show || len(s.Suspended) < statsListMax
			s.Suspended = append(s.Suspended, ref)
		}
		if c.Flagged {
			show = show || len(s.Flagged) < statsListMax
			s.Flagged = append(s.Flagged, ref)
		}
		if show {
			listed = append(listed, c)
		}
	}
	contents, err := st.Contents(listed)
	if err != nil {
		return nil, err
	}
	fronts := make(map[string]string, len(listed))
	for i, c := range listed {
		fronts[c.Key()] = firstLine(contents[i].Front)
	}
	for _, list := range [][]CardRef{s.Suspended, s.Flagged} {
		for i := range list {
			list[i].Front = fronts[list[i].ID]
		}
	}
	return &s, nil
}

// statsPieces is how many pieces of equal time stats cuts the log into,
// scanned by up to one goroutine per processor (at most 4): enough pieces
// that the goroutines share the work evenly however the reviews are
// spread in time.
const statsPieces = 16

// openStatsStore returns the store opened read-only (MAP_POPULATE: the whole
// log is read anyway) with its decks, importing the built-in deck first
// when needed.
func openStatsStore(path string, now time.Time, e *env) (*storage.Store, []storage.DeckInfo, error) {
	ro := storage.Options{ReadOnly: true, Populate: true}
	st, err := storage.Open(path, ro)
	var decks []storage.DeckInfo
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, nil, err
	default:
		decks, err = st.Decks()
		if err != nil {
			st.Close()
			return nil, nil, err
		}
		if !needBuiltin(decks) {
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
	if st, err = storage.Open(path, ro); err != nil {
		return nil, nil, err
	}
	if decks, err = st.Decks(); err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, decks, nil
}

// needBuiltin reports whether ensureDeck would write: no deck at all, or a
// stored built-in deck that the binary's own differs from.
func needBuiltin(decks []storage.DeckInfo) bool {
	if len(decks) == 0 {
		return true
	}
	id, hash := deck.Builtin().ID, hashBytes(deck.BuiltinSource())
	for _, d := range decks {
		if d.ID == id && d.Builtin && d.SourceHash != hash {
			return true
		}
	}
	return false
}

// firstLine returns the first non-empty line of s, trimmed.
func firstLine(s string) string {
	for line := range strings.SplitSeq(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}
