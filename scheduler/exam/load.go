package exam

import (
	"fmt"
	"time"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
)

// Store is what the exam of a deck is read from: its settings (the exam,
// fitted weights) and its review log. *storage.Store satisfies it (a
// read-only one too).
type Store interface {
	scheduler.SettingReader
	ScanStatsParts(deckID string, parts, workers int, fn func(part int, batch []storage.LogStat) error) error
}

// Get returns deckID's exam, and false when none is set.
func Get(st scheduler.SettingReader, deckID string) (Settings, bool, error) {
	v, ok, err := st.Setting(Key(deckID))
	if err != nil || !ok {
		return Settings{}, false, err
	}
	s, err := Decode(v)
	if err != nil {
		return Settings{}, false, fmt.Errorf("deck %s: %w", deckID, err)
	}
	return s, true, nil
}

// History is what the planner takes from a deck's review log: the
// learner's answer times and the time already spent today.
type History struct {
	Costs Costs
	Spent time.Duration // today (the study day holding now)
}

// ReadHistory reads deckID's whole review log (in parallel pieces on a
// read-only store).
func ReadHistory(st Store, deckID string, now time.Time) (History, error) {
	const parts = 8
	var ccs [parts]CostCounter
	var spent [parts]time.Duration
	today := scheduler.StudyDay(now).UnixNano()
	err := st.ScanStatsParts(deckID, parts, 2, func(part int, batch []storage.LogStat) error {
		cc := &ccs[part]
		for i := range batch {
			e := &batch[i]
			cc.Add(e.State, e.Duration)
			if e.At >= today {
				spent[part] += min(max(e.Duration, 0), maxAnswer)
			}
		}
		return nil
	})
	if err != nil {
		return History{}, err
	}
	var cc CostCounter
	var h History
	for i := range ccs {
		cc.merge(&ccs[i])
		h.Spent += spent[i]
	}
	h.Costs = cc.Costs()
	return h, nil
}

// ForDeck makes the plan for deck d's exam set at now, from its cards'
// states (other decks' cards, retired and suspended cards are left out)
// and its history. quick plans the days only (Input.Quick).
func ForDeck(st scheduler.SettingReader, d storage.DeckInfo, set Settings, states []storage.CardState, h History, now time.Time, quick bool) (*Plan, error) {
	in, err := deckInput(st, d, set, h, now, quick)
	if err != nil {
		return nil, err
	}
	in.Cards = make([]Card, 0, len(states))
	size := 0
	for i := range states {
		if c := &states[i]; c.Deck == d.ID && !c.Retired && !c.Suspended {
			size += len(c.Deck) + 1 + len(c.ID)
		}
	}
	// The cards' keys share one string: one allocation, not one a card
	// (a tenth of the time to plan 10k cards).
	buf := make([]byte, 0, size)
	ends := make([]int, 0, len(states))
	for i := range states {
		c := &states[i]
		if c.Deck != d.ID || c.Retired || c.Suspended {
			continue
		}
		buf = append(append(append(buf, c.Deck...), '/'), c.ID...)
		ends = append(ends, len(buf))
		in.Cards = append(in.Cards, Card{Question: c.Question, Order: c.Order, FSRS: c.FSRS})
	}
	keys, start := string(buf), 0
	for i, end := range ends {
		in.Cards[i].Key = keys[start:end]
		start = end
	}
	return Make(in, now), nil
}

// ForStats is ForDeck from the deck's cards as CardStats (no string,
// pointer or time per card: storage.Store.DeckCardStats): the same plan,
// whose card i is the i-th card of cs that is d's, not retired and not
// suspended (Plan.Shown). The plan keeps cs: the caller must not change
// it.
func ForStats(st scheduler.SettingReader, d storage.DeckInfo, set Settings, cs *storage.CardStats, h History, now time.Time, quick bool) (*Plan, error) {
	in, err := deckInput(st, d, set, h, now, quick)
	if err != nil {
		return nil, err
	}
	deck := -1
	for k, id := range cs.Decks {
		if id == d.ID {
			deck = k
		}
	}
	n := 0
	for i := range cs.Cards {
		if c := &cs.Cards[i]; int(c.Deck) == deck && !c.Retired && !c.Suspended {
			n++
		}
	}
	src := make([]int32, 0, n)
	for i := range cs.Cards {
		if c := &cs.Cards[i]; int(c.Deck) == deck && !c.Retired && !c.Suspended {
			src = append(src, int32(i))
		}
	}
	return make1(in, now, cs, src), nil
}

// deckInput is the Input for deck d's exam set at now, without its cards.
func deckInput(st scheduler.SettingReader, d storage.DeckInfo, set Settings, h History, now time.Time, quick bool) (Input, error) {
	at, err := set.At(now.Location())
	if err != nil {
		return Input{}, err
	}
	u, err := scheduler.LoadWeights(st, d.ID)
	if err != nil {
		return Input{}, err
	}
	in := Input{
		Exam: at, Target: set.Target, Minutes: float64(set.Minutes), Spent: h.Spent,
		Weights: u.Weights, Retention: d.Options.DesiredRetention, Costs: h.Costs, Quick: quick,
	}
	if in.Retention == 0 {
		in.Retention = scheduler.DefaultPolicy().DesiredRetention
	}
	for _, q := range d.Questions {
		in.Questions = append(in.Questions, q.ID)
	}
	return in, nil
}
