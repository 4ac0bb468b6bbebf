package exam

import (
	"fmt"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
)

// Store is what the exam of a deck is read from: its settings (the exam,
// fitted weights) and its review log. *storage.Store satisfies it (a
// read-only one too).
type Store interface {
	scheduler.SettingReader
	ScanStatsParts(deckID string, parts, workers int, fn func(worker, part int, batch []storage.LogStat) error) error
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
	err := st.ScanStatsParts(deckID, parts, 2, func(_, part int, batch []storage.LogStat) error {
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

// Builder makes the plan for a deck's exam from its cards given in
// batches of CardStats (storage.Store.EachCardStat), keeping no string,
// time or record of a card beyond what the planner works with: the plan
// ForDeck makes from the same cards' states, whose card i is the i-th
// card added that is the deck's, not retired and not suspended
// (Plan.Shown). The plan keeps no card's key: its Next and NewRank report
// false, and it must not be applied (Apply); Shown gives what Apply
// would.
type Builder struct {
	p    *Plan
	s    *sim
	b    *simBuilder
	deck string
	qmap []int32 // plan question index by CardStats question index, -1 unknown yet
}

// NewBuilder starts the plan for deck d's exam set at now with history h
// (ForDeck); size is how many cards are to come (a bound: the memory
// for them is made at once).
func NewBuilder(st scheduler.SettingReader, d storage.DeckInfo, set Settings, h History, now time.Time, quick bool, size int) (*Builder, error) {
	in, err := deckInput(st, d, set, h, now, quick)
	if err != nil {
		return nil, err
	}
	p := begin(in, now)
	p.keyless = true
	s, b := p.newSim(size)
	return &Builder{p: p, s: s, b: b, deck: d.ID}, nil
}

// Add adds the cards of cs that are the deck's, not retired and not
// suspended. cs may be reused after it returns.
func (b *Builder) Add(cs *storage.CardStats) {
	for len(b.qmap) < len(cs.Questions) {
		b.qmap = append(b.qmap, -1)
	}
	for i := range cs.Cards {
		c := &cs.Cards[i]
		if c.Retired || c.Suspended || cs.Decks[c.Deck] != b.deck {
			continue
		}
		qi := b.qmap[c.Question]
		if qi < 0 {
			qi = b.b.question(cs.Questions[c.Question].ID)
			b.qmap[c.Question] = qi
		}
		last := time.Time{}
		if c.LastReview != storage.NoTime {
			last = time.Unix(0, c.LastReview)
		}
		var id []byte
		if c.State == fsrs.New {
			id = cs.IDBytes(i)
		}
		b.b.add(b.s, c.State, c.Stability, c.Difficulty, last, qi, int(c.Order), id)
	}
}

// Plan plans the cards added.
func (b *Builder) Plan() *Plan { return b.p.finish(b.s, b.b) }

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
