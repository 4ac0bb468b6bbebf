package exam

import (
	"fmt"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
)

// Store is what the exam of a deck is read from: its settings (the exam,
// fitted weights) and its review log. FromStorage makes one of a
// *storage.Store (a read-only one too).
type Store interface {
	scheduler.SettingReader
	ScanStatsParts(deckID string, parts, workers int, fn func(part int, batch []storage.LogStat) error) error
}

// FromStorage returns st as a Store.
func FromStorage(st *storage.Store) Store { return storageStore{st} }

type storageStore struct{ *storage.Store }

func (s storageStore) Setting(key string) ([]byte, error) {
	v, ok, err := s.Store.Setting(key)
	if err != nil || !ok {
		return nil, err
	}
	return []byte(v), nil
}

// Get returns deckID's exam, and false when none is set.
func Get(st scheduler.SettingReader, deckID string) (Settings, bool, error) {
	v, err := st.Setting(Key(deckID))
	if err != nil || v == nil {
		return Settings{}, false, err
	}
	s, err := Decode(string(v))
	if err != nil {
		return Settings{}, false, fmt.Errorf("deck %s: %w", deckID, err)
	}
	return s, true, nil
}

// Weights returns the FSRS weights in use for deckID, as the scheduler
// uses them (scheduler.LoadWeights: the fitted ones when stored, else
// go-fsrs's defaults). It is the one place the planner gets them from.
func Weights(st Store, deckID string) (fsrs.Weights, error) {
	u, err := scheduler.LoadWeights(st, deckID)
	if err != nil {
		return fsrs.Weights{}, err
	}
	return u.Weights, nil
}

// History is what the planner takes from a deck's review log: the
// learner's answer times and the time already spent today.
type History struct {
	Costs Costs
	Spent time.Duration // today (the study day holding now)
}

// ReadHistory reads deckID's review log.
func ReadHistory(st Store, deckID string, now time.Time) (History, error) {
	var cc CostCounter
	var spent time.Duration
	today := scheduler.StudyDay(now).UnixNano()
	err := st.ScanStatsParts(deckID, 1, 1, func(_ int, batch []storage.LogStat) error {
		for i := range batch {
			e := &batch[i]
			cc.Add(e.State, e.Duration)
			if e.At >= today {
				spent += min(max(e.Duration, 0), maxAnswer)
			}
		}
		return nil
	})
	if err != nil {
		return History{}, err
	}
	return History{Costs: cc.Costs(), Spent: spent}, nil
}

// ForDeck makes the plan for deck d's exam set at now, from its cards'
// states (other decks' cards, retired and suspended cards are left out).
func ForDeck(st Store, d storage.DeckInfo, set Settings, states []storage.CardState, now time.Time) (*Plan, error) {
	at, err := set.At(now.Location())
	if err != nil {
		return nil, err
	}
	w, err := Weights(st, d.ID)
	if err != nil {
		return nil, err
	}
	h, err := ReadHistory(st, d.ID, now)
	if err != nil {
		return nil, err
	}
	in := Input{
		Exam: at, Target: set.Target, Minutes: float64(set.Minutes), Spent: h.Spent,
		Weights: w, Retention: d.Options.DesiredRetention, Costs: h.Costs,
	}
	if in.Retention == 0 {
		in.Retention = scheduler.DefaultPolicy().DesiredRetention
	}
	for _, q := range d.Questions {
		in.Questions = append(in.Questions, q.ID)
	}
	in.Cards = make([]Card, 0, len(states))
	for i := range states {
		c := &states[i]
		if c.Deck != d.ID || c.Retired || c.Suspended {
			continue
		}
		in.Cards = append(in.Cards, Card{Key: c.Key(), Question: c.Question, Order: c.Order, FSRS: c.FSRS})
	}
	return Make(in, now), nil
}
