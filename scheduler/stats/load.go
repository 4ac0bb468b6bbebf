package stats

import (
	"runtime"
	"strings"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
)

// ListMax is how many suspended or flagged cards Load lists unless it is
// asked for all of them: the text shows that many, the JSON all.
const ListMax = 20

// Source is what Load reads; *storage.Store satisfies it. Load makes
// separate read calls: the source must not change meanwhile (a store
// opened read-only holds a shared lock that keeps writers out).
type Source interface {
	// EachCardStat calls fn with batches of what statistics read of the
	// scheduling records of a deck's cards ("" for all), in card order.
	EachCardStat(deckID string, fn func(*storage.CardStats) error) error
	// ScanStatsParts scans the review log of a deck ("" for all) in
	// parts pieces of equal time, by up to workers goroutines at once,
	// telling fn which of them (0 … workers-1) reads each batch.
	ScanStatsParts(deckID string, parts, workers int, fn func(worker, part int, batch []storage.LogStat) error) error
	// Contents returns the text of cards, in order.
	Contents(cards []storage.CardState) ([]deck.Card, error)
}

// doneSincer is a Source that counts the new cards and reviews of a deck
// since a time (*storage.Store does), for the new cards left today.
type doneSincer interface {
	DoneSince(deckID string, since time.Time) (newCards, reviews int, err error)
}

// pieces is how many pieces of equal time Load cuts the log into, scanned
// by up to one goroutine per processor (at most 4), each taking the next
// piece when done with one: enough pieces that the goroutines share the
// work evenly however the reviews are spread in time. A collection's
// first months hold most of its reviews: of flashgen's million over nine
// years, the first of 16 pieces held 44%, the largest of 128 holds 7.5%.
const pieces = 128

// Load computes every figure of the decks of src (deckID, or "" for all of
// decks) at now, with readiness at at. When src keeps a summary of its
// log's older part (see Summarize) whose cut is not after the history's
// first day, it reads only the reviews from the cut on, with the very same
// figures as a scan of the whole log. The suspended and flagged lists
// hold every such card, with its front, when all is true; otherwise only
// the first ListMax of each (s.Cards counts them all). An unknown deckID
// is an error wrapping storage.ErrNoDeck.
func Load(src Source, decks []storage.DeckInfo, deckID string, now, at time.Time, all bool) (*Stats, error) {
	var sel []storage.DeckInfo
	for _, d := range decks {
		if deckID == "" || d.ID == deckID {
			sel = append(sel, d)
		}
	}
	if len(sel) == 0 {
		return nil, storage.NoDeck(deckID, decks)
	}
	// Everything taken from the card states (their figures, the lists
	// and the fronts they show) is done while the log is scanned, and the
	// log in pieces by several goroutines at once, one accumulator each.
	var (
		cards    = newCardStats(sel, now, at, all)
		s        = newStats(sel, deckID, now)
		cardsErr error
		done     = make(chan struct{})
	)
	go func() {
		defer close(done)
		cardsErr = loadCards(src, cards, &s, sel, deckID, now)
	}()
	// One accumulator per goroutine: they are merged exactly, in any order.
	accs := make([]*logStats, min(runtime.GOMAXPROCS(0), 4))
	for i := range accs {
		accs[i] = newLogStats(now, deckID)
	}
	add := func(w, _ int, batch []storage.LogStat) error {
		accs[w].addStats(batch)
		return nil
	}
	var err error
	if ss, ok := src.(summarySource); ok {
		// The summary's figures, and the reviews from its cut on.
		var cut time.Time
		if cut, err = useSummary(ss, accs[0]); err == nil {
			err = ss.ScanStatsSince(deckID, cut, pieces, len(accs), add)
		}
	} else {
		err = src.ScanStatsParts(deckID, pieces, len(accs), add)
	}
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
	return &s, nil
}

// loadCards reads the card states of src into cards and writes their
// figures into s: counts, readiness, forecast, memory, the new cards left
// today and the suspended and flagged lists with the fronts they show.
func loadCards(src Source, cards *cardStats, s *Stats, sel []storage.DeckInfo, deckID string, now time.Time) error {
	if err := src.EachCardStat(deckID, cards.add); err != nil {
		return err
	}
	cards.fill(s)
	// The new cards already introduced today, where src can say.
	if ds, ok := src.(doneSincer); ok {
		introduced := map[string]int{}
		for _, d := range sel {
			n, _, err := ds.DoneSince(d.ID, scheduler.StudyDay(now))
			if err != nil {
				return err
			}
			introduced[d.ID] = n
		}
		s.Cards.NewToday = cards.newToday(introduced)
	}
	// The fronts of the listed cards, all in one transaction.
	contents, err := src.Contents(cards.listed)
	if err != nil {
		return err
	}
	fronts := make(map[string]string, len(cards.listed))
	for i, c := range cards.listed {
		fronts[c.Key()] = firstLine(contents[i].Front)
	}
	s.Suspended, s.Flagged = cards.suspended, cards.flagged
	for _, list := range [][]CardRef{s.Suspended, s.Flagged} {
		for i := range list {
			list[i].Front = fronts[list[i].ID]
		}
	}
	return nil
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
