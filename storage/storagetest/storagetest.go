// Package storagetest builds large flash databases for tests, benchmarks
// and the synthetic-data generator (cmd/flashgen). Flash itself never
// needs it: a learner's ratings go through (*storage.Store).Rate one by
// one.
package storagetest

import (
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/internal/gunzip"
	"github.com/flash-srs/flash/storage/internal/hooks"
)

// AppendReviews writes rs to st's review log in one write transaction,
// each applied as (*storage.Store).Rate applies one, in time order (ties in
// the order of rs): each card's state becomes the After of its latest
// entry, a Leech entry suspends and flags its card, and the due index and
// day counts follow. It sets rs[i].Seq. Cards must exist and not be
// retired; on any error nothing is written. Keep rs to some tens of
// thousands per call: bbolt holds the whole transaction in memory.
func AppendReviews(st *storage.Store, rs []storage.Review) error {
	return hooks.BulkAppend(st, rs)
}

// A History writes a learner's long history into a new database the way
// years of single ratings leave the file, not the way a few large
// transactions would (which leave a copy of every state and due-index page
// free in the file): NewHistory writes the cards' final states, Append the
// log in large appends that touch no state, and Finish checks that each
// card's state is the After of its latest entry (keeping that After in the
// state where it is not). The records are those Rate writes for the same
// history.
type History struct{ h any }

// NewHistory sets the FSRS state of each card of deckID in final (card id
// → state) and suspends and flags the cards in leeches, in one write
// transaction. st.s review log must be empty.
func NewHistory(st *storage.Store, deckID string, final map[string]fsrs.Card, leeches []string) (*History, error) {
	h, err := hooks.NewHistory(st, deckID, final, leeches)
	if err != nil {
		return nil, err
	}
	return &History{h}, nil
}

// Append writes rs, all of the history's deck, to the log in one write
// transaction, in time order (ties in the order of rs), after every entry
// already there; it changes no card's state. It sets rs[i].Seq. Keep rs
// to some tens of thousands per call.
func (h *History) Append(rs []storage.Review) error { return hooks.HistoryAppend(h.h, rs) }

// Finish ends the history (see History).
func (h *History) Finish() error { return hooks.HistoryFinish(h.h) }

// Gunzip writes the gunzipped file gz to a new file dst (mode 0600), for
// tests that start from a database kept gzipped in a testdata folder; it
// fails t on any error, and when dst exists.
func Gunzip(t gunzip.TB, gz, dst string) { gunzip.To(t, gz, dst) }
