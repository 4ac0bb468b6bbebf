// Package refit applies fitted FSRS weights to a database: it reads
// flash's own review log as the optimizer's input, stores fitted weights
// with decks (or forgets them) and recomputes the memory state of every
// studied card under the weights now in use, as Anki does when its weights
// change. The fit itself is scheduler/optimize's.
package refit

import (
	"encoding/json"
	"time"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/optimize"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// LogReader reads the review log (*storage.Store satisfies it).
type LogReader interface {
	Reviews(from, to time.Time, fn func(storage.Review) error) error
}

// Store is what refit reads and writes (*storage.Store satisfies it).
type Store interface {
	LogReader
	scheduler.SettingReader
	SetSetting(key, value string) error
	DeleteSetting(key string) error
	Decks() ([]storage.DeckInfo, error)
	States(deckID string) ([]storage.CardState, error)
	SetMemory(deckID string, mem map[string]storage.Memory) error
}

// Log is a review log read for a fit: the optimizer's reviews and each
// card's ratings, to recompute memory states from.
type Log struct {
	Reviews []optimize.Review
	hist    map[string][]scheduler.Rating // by card key "deck/card"
}

// ReadLog reads the review log of deckID ("" for all decks). Card ids are
// optimize.CardID's, those export --revlog writes, so a fit to the database
// and one to its export agree.
func ReadLog(st LogReader, deckID string) (Log, error) {
	l := Log{hist: map[string][]scheduler.Rating{}}
	var lastDeck, lastCard string
	var id uint64
	err := st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error {
		if deckID != "" && r.Deck != deckID {
			return nil
		}
		if r.Deck != lastDeck || r.Card != lastCard || len(l.Reviews) == 0 {
			lastDeck, lastCard = r.Deck, r.Card
			id = optimize.CardID(r.Deck, r.Card)
		}
		l.Reviews = append(l.Reviews, optimize.Review{Card: id, Time: r.At.UnixMilli(), Rating: int8(r.Rating), State: int8(r.Before.State)})
		k := r.Deck + "/" + r.Card
		l.hist[k] = append(l.hist[k], scheduler.Rating{At: r.At, Rating: r.Rating})
		return nil
	})
	return l, err
}

// Save stores f with each deck of targets and recomputes the memory state
// of every studied card of those decks from l under the new weights: a
// card's due date stays, its stability and difficulty become what the new
// weights make of its history, so readiness and the next intervals use
// them. l must cover the targets (read for "" or for the one target).
func Save(st Store, targets []string, f scheduler.Fitted, l Log) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	decks, err := st.Decks()
	if err != nil {
		return err
	}
	var w fsrs.Weights
	copy(w[:], f.Weights)
	for _, id := range targets {
		if err := st.SetSetting(scheduler.WeightsKey(id), string(b)); err != nil {
			return err
		}
		if err := recompute(st, id, Policy(decks, id, w), l.hist); err != nil {
			return err
		}
	}
	return nil
}

// Reset forgets the fitted weights of each deck of targets and recomputes
// its cards' memory states with go-fsrs's defaults. It reports, per
// target, whether it had fitted weights. With dryRun it only reports.
func Reset(st Store, targets []string, dryRun bool) ([]bool, error) {
	decks, err := st.Decks()
	if err != nil {
		return nil, err
	}
	had := make([]bool, len(targets))
	var l *Log
	for i, id := range targets {
		_, ok, err := st.Setting(scheduler.WeightsKey(id))
		if err != nil {
			return nil, err
		}
		had[i] = ok
		if !ok || dryRun {
			continue
		}
		if err := st.DeleteSetting(scheduler.WeightsKey(id)); err != nil {
			return nil, err
		}
		if l == nil {
			scope := ""
			if len(targets) == 1 {
				scope = targets[0]
			}
			r, err := ReadLog(st, scope)
			if err != nil {
				return nil, err
			}
			l = &r
		}
		if err := recompute(st, id, Policy(decks, id, fsrs.DefaultWeights()), l.hist); err != nil {
			return nil, err
		}
	}
	return had, nil
}

// Policy returns the scheduling policy of deck id with weights w.
func Policy(decks []storage.DeckInfo, id string, w fsrs.Weights) scheduler.Policy {
	p := scheduler.DefaultPolicy()
	for _, d := range decks {
		if d.ID == id {
			p.DesiredRetention = d.Options.DesiredRetention
		}
	}
	p.Weights = w
	return p
}

// recompute sets the stability and difficulty of the studied cards of
// deck id to what policy p's weights make of their histories.
func recompute(st Store, id string, p scheduler.Policy, hist map[string][]scheduler.Rating) error {
	states, err := st.States(id)
	if err != nil {
		return err
	}
	sch := scheduler.New(p)
	mem := map[string]storage.Memory{}
	for _, c := range states {
		h := hist[c.Key()]
		if c.FSRS.State == fsrs.New || len(h) == 0 {
			continue
		}
		m := sch.Memory(c.Key(), h)
		mem[c.ID] = storage.Memory{Stability: m.Stability, Difficulty: m.Difficulty}
	}
	if len(mem) == 0 {
		return nil
	}
	return st.SetMemory(id, mem)
}

// InUse returns the weights each deck of decks is scheduled with.
func InUse(st scheduler.SettingReader, decks []storage.DeckInfo) (map[string]scheduler.InUse, error) {
	m := make(map[string]scheduler.InUse, len(decks))
	for _, d := range decks {
		u, err := scheduler.LoadWeights(st, d.ID)
		if err != nil {
			return nil, err
		}
		m[d.ID] = u
	}
	return m, nil
}
