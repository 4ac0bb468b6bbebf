// Package session is one sitting of review: the queue of a study day, the
// ratings and card actions (suspend, bury, flag) committed to the store, the
// undo stack, the leech rule and when the daily backup is made. Both of
// flash's review front ends (the tview screen and the --plain line mode)
// drive a Session; it knows nothing about terminals.
//
// A Session talks to persistence through Store, which *storage.Store
// satisfies. It takes its clock as a function and is used from one
// goroutine.
package session

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// Store is what a session reads from and writes to; *storage.Store
// satisfies it. Rate, Undo and SetFlags are committed to disk when they
// return nil.
type Store interface {
	// DoneSince counts the new cards and reviews of a deck rated since t.
	DoneSince(deckID string, since time.Time) (newCards, reviews int, err error)
	// States returns the scheduling records of a deck's cards ("" for all).
	States(deckID string) ([]storage.CardState, error)
	// DueStates returns the records a study day ending at end needs (see
	// storage.Store.DueStates).
	DueStates(deckID string, end time.Time) ([]storage.CardState, error)
	// DueCards returns the cards of DueStates, most as their due index
	// entries give them (storage.Store.DueCards); a card with IndexOnly
	// set is read (StatesOf) when shown, or before the queue is built
	// when its entry does not settle its place (settle).
	DueCards(deckID string, end time.Time) ([]storage.CardState, error)
	// StatesOf returns the states of some cards of a deck.
	StatesOf(deckID string, ids []string) ([]storage.CardState, error)
	// Content returns a card's text.
	Content(deckID, cardID string) (deck.Card, error)
	// Rate records a rating (see storage.Store.Rate).
	Rate(r storage.Review) (storage.Review, error)
	// Undo takes back a rating returned by Rate.
	Undo(r storage.Review) error
	// SetFlags sets the learner's marks on a card.
	SetFlags(deckID, cardID string, f storage.Flags) error
	// Contents returns the text of several cards (for --tag).
	Contents(cards []storage.CardState) ([]deck.Card, error)
	// ScanStatsParts reads a deck's review log (for an exam plan: the
	// learner's answer times).
	ScanStatsParts(deckID string, parts, workers int, fn func(worker, part int, batch []storage.LogStat) error) error
	// Setting reads what is stored with a deck: its exam, its fitted
	// weights.
	scheduler.SettingReader
}

// Options choose what a session studies.
type Options struct {
	// Deck is the deck to study; "" means every deck.
	Deck string
	// Questions, when not empty, limits the session to the cards of
	// these exam questions.
	Questions []string
	// Tag, when set, limits the session to the cards with this tag.
	Tag string
	// Ahead studies the cards that are not due yet instead of the due
	// ones, the lowest predicted recall (on the exam day while an exam
	// is set, else now) first. FSRS sees the real time elapsed, so the
	// ratings count as any other.
	Ahead bool
}

// Session is one sitting of review: the queue, the store behind it and the
// undo stack.
type Session struct {
	st    Store
	q     *scheduler.Queue
	now   func() time.Time
	decks map[string]storage.DeckInfo
	cards map[string]*storage.CardState // by key, as last known

	undo []Action

	policies map[string]scheduler.Policy
	ids      []string  // the decks studied
	dayEnd   time.Time // the end of the study day the queue was built for
	loadErr  error     // building the next day's queue failed (Next says)

	// Backups, when set, backs the database up before the first rating
	// of each study day.
	Backups *DailyBackup
	// BeforePlanning, when set, runs once before SavePlans makes a plan
	// (none when every plan it saves is saved already, or made at start).
	BeforePlanning func()

	started  time.Time
	reviewed int
	again    int

	// exams holds the plan of each deck with an exam ahead; the queue
	// studies those decks with it (package scheduler/exam).
	exams map[string]*exam.Plan
	opts  Options
	// fromSaved holds the decks whose plan of the day was read as saved
	// (saved.go) rather than made when the queue was built.
	fromSaved map[string]bool
	// made holds the decks whose plan of the day was made when the queue
	// was built from their CardStats (makeDay), as it is saved: the
	// session saves it when it ends (SavePlans) unless the deck changed.
	made map[string]*savedDay
	// builtAt is when the queue was last built and items what it was
	// built from (the plans applied); changed is set by the first action
	// since that changes the store.
	builtAt time.Time
	items   []scheduler.Item
	changed bool
	// shown is, for a card whose queue item differs from its stored
	// state (its due day moved by a plan or --ahead, its new-card order
	// by a plan), the item's due date and order.
	shown map[string]shownAs
}

type shownAs struct {
	due   time.Time
	order int
}

// ActionKind tells what an undo entry reverts.
type ActionKind int

// The actions a session can undo.
const (
	Rating ActionKind = iota
	Suspend
	Bury
	Flag
)

// Action is an entry of the undo stack.
type Action struct {
	Kind   ActionKind
	Key    string         // the card, "deck/card"
	Review storage.Review // Rating: the rating as stored
	Before storage.Flags  // the others: the card's flags before
}

// Card is a card on screen: its state plus everything to show.
type Card struct {
	Item     scheduler.Item
	State    storage.CardState
	Card     deck.Card
	Deck     storage.DeckInfo
	Question deck.Question
	Preview  [4]scheduler.Outcome
	Shown    time.Time
}

// New builds the queue for deckID ("" means every deck) from the store as
// it is now. Each deck is scheduled with its weights in use: the fitted
// weights stored with the deck (scheduler.LoadWeights), else go-fsrs's
// defaults. An unknown
// deckID is an error wrapping storage.ErrNoDeck.
//
// It reads what the study day needs (Store.DueCards: the new, learning and
// due cards, most only as the due index lists them, and today's counts),
// not the whole collection; a card is read whole when it is shown; a deck that
// deals its new cards out by question (new_order = "interleaved") is read
// whole, since a card's turn depends on how many of its question's cards
// were introduced. When the clock passes into the next study day the
// session reads that day's cards again.
func New(st Store, decks []storage.DeckInfo, deckID string, now func() time.Time) (*Session, error) {
	return Open(st, decks, Options{Deck: deckID}, now)
}

// Open builds the queue of what o chooses from the store as it is now. A
// deck with an exam ahead is studied with its exam plan (package
// scheduler/exam): the plan's new cards and reviews of the day, intervals
// kept from jumping over the exam. An unknown o.Deck is an error wrapping
// storage.ErrNoDeck; a question or tag that no card of the decks has is an
// error too.
func Open(st Store, decks []storage.DeckInfo, o Options, now func() time.Time) (*Session, error) {
	s, err := newBare(st, decks, o.Deck, now)
	if err != nil {
		return nil, err
	}
	s.opts = o
	t := now()
	if err := s.build(t); err != nil {
		return nil, err
	}
	s.started = t
	return s, nil
}

// addDecks adds the decks of decks the session studies (deckID, or all
// when it is "") with their policies and weights in use.
func (s *Session) addDecks(decks []storage.DeckInfo, deckID string) error {
	for _, d := range decks {
		if deckID != "" && d.ID != deckID {
			continue
		}
		s.decks[d.ID] = d
		s.ids = append(s.ids, d.ID)
		s.policies[d.ID] = scheduler.Policy{
			DesiredRetention: d.Options.DesiredRetention,
			NewPerDay:        d.Options.NewPerDay,
			ReviewsPerDay:    d.Options.ReviewsPerDay,
			NewOrder:         newOrder(d.Options.NewOrder),
		}
		u, err := scheduler.LoadWeights(s.st, d.ID)
		if err != nil {
			return err
		}
		p := s.policies[d.ID]
		p.Weights = u.Weights
		s.policies[d.ID] = p
	}
	if len(s.ids) == 0 {
		return storage.NoDeck(deckID, decks)
	}
	return nil
}

// build makes the queue for the study day holding t from the store.
func (s *Session) build(t time.Time) error {
	day, end := scheduler.StudyDay(t), scheduler.NextStudyDay(t)
	done := map[string]scheduler.Done{}
	var states []storage.CardState
	exams, err := s.examsAhead(t)
	if err != nil {
		return err
	}
	var saved map[string]*savedDay
	s.made = nil
	for _, id := range s.ids {
		n, r, err := s.st.DoneSince(id, day)
		if err != nil {
			return err
		}
		done[id] = scheduler.Done{New: n, Reviews: r}
		var cs []storage.CardState
		set, exam := exams[id]
		var sd *savedDay
		if exam && !s.opts.Ahead {
			if sd, err = s.savedPlan(id, set, t); err != nil {
				return err
			}
		}
		var made bool
		if exam && sd == nil && !s.opts.Ahead {
			// The day's plan made from the deck's CardStats, as it
			// would be saved: then the day's cards, as from a saved one.
			if sd, cs, err = s.makeDay(id, set, t); err != nil {
				return err
			}
			made = sd != nil
		}
		switch {
		case made:
			cs, err = s.withExtra(id, sd, cs)
			if saved == nil {
				saved = map[string]*savedDay{}
			}
			saved[id] = sd
			if s.made == nil {
				s.made = map[string]*savedDay{}
			}
			s.made[id] = sd
		case sd != nil:
			// The day's plan as saved: its cards, not the whole deck.
			cs, err = s.savedStates(id, sd, end, len(s.opts.Questions) == 0)
			if saved == nil {
				saved = map[string]*savedDay{}
			}
			saved[id] = sd
		case exam || s.opts.Ahead || s.policies[id].NewOrder == scheduler.NewInterleaved:
			// A plan and --ahead need every card of the deck.
			cs, err = s.st.States(id)
		case len(s.opts.Questions) > 0:
			cs, err = s.st.DueStates(id, end)
		default:
			// The queue needs no more of a due card than its index entry
			// holds, but for --question its question: load reads the rest
			// of a card when it is shown.
			cs, err = s.st.DueCards(id, end)
		}
		if err != nil {
			return err
		}
		if states == nil {
			states = cs
		} else {
			states = append(states, cs...)
		}
	}
	items := make([]scheduler.Item, 0, len(states))
	keys := cardKeys(states)
	if len(s.cards) == 0 {
		s.cards = make(map[string]*storage.CardState, len(states))
	}
	for i := range states {
		c := &states[i]
		s.cards[keys[i]] = c
		if studyable(c, t) {
			items = append(items, scheduler.Item{Key: keys[i], Deck: c.Deck, Order: c.Order, Question: c.Question, Card: c.FSRS})
		}
	}
	// The day's policies start from the decks' own: a plan changes them
	// for its day only.
	pols := make(map[string]scheduler.Policy, len(s.policies))
	for id, p := range s.policies {
		pols[id] = p
	}
	if err := s.planExams(exams, saved, states, items, pols, done, t); err != nil {
		return err
	}
	items, err = s.choose(s.opts, items, pols, done, t)
	if err != nil {
		return err
	}
	if err := s.settle(items, day, end); err != nil {
		return err
	}
	s.q = scheduler.NewQueue(pols, items, done, t)
	s.dayEnd = end
	s.builtAt, s.items, s.changed = t, items, false
	return nil
}

// settle reads whole the review cards of items given as their due index
// entries say (storage.Store.DueCards, IndexOnly) whose place in the queue
// needs more than an entry holds, and gives their items the cards read:
//   - a card due at the same time as another review card of its deck: the
//     queue orders those by Order (a plan's due dates, savedDay.apply, can
//     make such ties too);
//   - a card due 24 hours or more after the study day's start and before
//     its end: the queue keeps a card reviewed in the day out of it by its
//     LastReview. Flash gives a review card an interval of at least a day
//     (24 hours, or an exam's pull to a later study day), so only such a
//     card can have been reviewed in the day, and only a 25-hour day (the
//     autumn clock change) has them.
//
// It reads each deck's cards in one StatesOf.
func (s *Session) settle(items []scheduler.Item, dayStart, dayEnd time.Time) error {
	type at struct {
		deck string
		due  int64
	}
	reviews := map[at]int{}
	for k := range items {
		if it := &items[k]; it.Card.State == fsrs.Review {
			reviews[at{it.Deck, it.Card.Due.UnixNano()}]++
		}
	}
	late := dayStart.Add(24 * time.Hour)
	var whole []int // indexes into items, grouped by deck below
	for k := range items {
		it := &items[k]
		c := s.cards[it.Key]
		if !c.IndexOnly || it.Card.State != fsrs.Review {
			continue
		}
		// c.FSRS.Due is the stored due date, it.Card.Due the one a plan gives.
		if reviews[at{it.Deck, it.Card.Due.UnixNano()}] > 1 || !c.FSRS.Due.Before(late) && c.FSRS.Due.Before(dayEnd) {
			whole = append(whole, k)
		}
	}
	slices.SortStableFunc(whole, func(a, b int) int { return strings.Compare(items[a].Deck, items[b].Deck) })
	for len(whole) > 0 {
		deck := items[whole[0]].Deck
		n := 1
		for n < len(whole) && items[whole[n]].Deck == deck {
			n++
		}
		ids := make([]string, n)
		for i, k := range whole[:n] {
			ids[i] = s.cards[items[k].Key].ID
		}
		cs, err := s.st.StatesOf(deck, ids)
		if err != nil {
			return err
		}
		for i, k := range whole[:n] {
			c := s.cards[items[k].Key]
			*c = cs[i]
			items[k] = s.item(c)
		}
		whole = whole[n:]
	}
	return nil
}

// sync builds the queue again when t is in a later study day than the one
// it was built for: that day's due cards were not read.
func (s *Session) sync(t time.Time) {
	if t.Before(s.dayEnd) {
		return
	}
	s.loadErr = s.build(t)
}

// newOrder maps a deck's new_order option to the scheduler's; "" (a deck
// stored before the option existed) is deck order.
func newOrder(o string) scheduler.NewOrder {
	if o == deck.NewOrderInterleaved {
		return scheduler.NewInterleaved
	}
	return scheduler.NewInDeckOrder
}

// studyable reports whether a card may be shown at t.
func studyable(c *storage.CardState, t time.Time) bool {
	return !c.Retired && !c.Suspended && !t.Before(c.BuriedUntil)
}

// cardKeys returns the key of each card of states, all in one string (one
// allocation for a whole deck).
func cardKeys(states []storage.CardState) []string {
	size := 0
	for i := range states {
		size += len(states[i].Deck) + 1 + len(states[i].ID)
	}
	buf := make([]byte, 0, size)
	ends := make([]int, len(states))
	for i := range states {
		buf = append(append(append(buf, states[i].Deck...), '/'), states[i].ID...)
		ends[i] = len(buf)
	}
	all, start := string(buf), 0
	keys := make([]string, len(states))
	for i, end := range ends {
		keys[i] = all[start:end]
		start = end
	}
	return keys
}

func itemOf(c *storage.CardState) scheduler.Item {
	return scheduler.Item{Key: c.Key(), Deck: c.Deck, Order: c.Order, Question: c.Question, Card: c.FSRS}
}

// item is c's queue item as this session shows it: with the due date and
// order a plan or --ahead gave it.
func (s *Session) item(c *storage.CardState) scheduler.Item {
	it := itemOf(c)
	if sh, ok := s.shown[it.Key]; ok {
		it.Order = sh.order
		if it.Card.State == fsrs.Review {
			it.Card.Due = sh.due
		}
	}
	return it
}

// examsAhead returns the exam of each deck of the session whose exam day
// has not come at t.
func (s *Session) examsAhead(t time.Time) (map[string]exam.Settings, error) {
	var out map[string]exam.Settings
	for _, id := range s.ids {
		set, ok, err := exam.Get(s.st, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		at, err := set.At(t.Location())
		if err != nil || exam.DaysLeft(at, t) <= 0 {
			continue // the exam day has come: plain FSRS
		}
		if out == nil {
			out = map[string]exam.Settings{}
		}
		out[id] = set
	}
	return out, nil
}

// SmallLog is the size of review log up to which a session reads the
// learner's answer times from the log itself; above it, it takes those
// 'flash exam' stored with the exam (reading a large log would slow the
// start of every session).
const SmallLog = 20000

// history returns the answer times and the time spent today that deck
// id's plan is made with: today's ratings (done) at those answer times.
func (s *Session) history(id string, set exam.Settings, done scheduler.Done) (exam.History, error) {
	h := exam.History{Costs: exam.DefaultCosts}
	if set.Costs != nil {
		h.Costs = *set.Costs
	}
	if rc, ok := s.st.(interface{ ReviewCount() (int, error) }); ok && set.Costs == nil {
		n, err := rc.ReviewCount()
		if err != nil {
			return h, err
		}
		if n <= SmallLog {
			if h, err = exam.ReadHistory(s.st, id, s.now()); err != nil {
				return h, err
			}
		}
	}
	h.Spent = time.Duration(done.New)*h.Costs.New + time.Duration(done.Reviews)*h.Costs.Review
	return h, nil
}

// planExams makes the plan of every deck with an exam ahead and applies
// it to the deck's items and policy; a deck in saved takes the plan saved
// for the day instead (savedPlan).
func (s *Session) planExams(exams map[string]exam.Settings, saved map[string]*savedDay, states []storage.CardState, items []scheduler.Item, policies map[string]scheduler.Policy, done map[string]scheduler.Done, t time.Time) error {
	s.exams, s.shown, s.fromSaved = nil, nil, nil
	for _, id := range s.ids {
		set, ok := exams[id]
		if !ok {
			continue
		}
		if sd := saved[id]; sd != nil {
			if s.fromSaved == nil {
				s.fromSaved = map[string]bool{}
			}
			s.fromSaved[id] = s.made[id] == nil
			if s.exams == nil {
				s.exams = map[string]*exam.Plan{}
			}
			s.exams[id] = sd.plan
			policies[id] = sd.apply(items, policies[id], done[id], s)
			continue
		}
		h, err := s.history(id, set, done[id])
		if err != nil {
			return err
		}
		p, err := exam.ForDeck(s.st, s.decks[id], set, states, h, t, true)
		if err != nil {
			return err
		}
		if p.DaysLeft == 0 {
			continue
		}
		if s.exams == nil {
			s.exams = map[string]*exam.Plan{}
		}
		s.exams[id] = p
		before := make([]shownAs, len(items))
		for k, it := range items {
			before[k] = shownAs{it.Card.Due, it.Order}
		}
		policies[id] = p.Apply(items, policies[id], done[id])
		s.remember(items, before)
	}
	return nil
}

// remember records the items whose due date or order differ from before
// (the items' due dates and orders, item by item).
func (s *Session) remember(items []scheduler.Item, before []shownAs) {
	n := 0
	for k, it := range items {
		if b := before[k]; !b.due.Equal(it.Card.Due) || b.order != it.Order {
			n++
		}
	}
	if n == 0 {
		return
	}
	if s.shown == nil {
		s.shown = make(map[string]shownAs, n)
	}
	for k, it := range items {
		if b := before[k]; !b.due.Equal(it.Card.Due) || b.order != it.Order {
			s.shown[it.Key] = shownAs{it.Card.Due, it.Order}
		}
	}
}

// choose applies o's --question, --tag and --ahead to items.
func (s *Session) choose(o Options, items []scheduler.Item, policies map[string]scheduler.Policy, done map[string]scheduler.Done, t time.Time) ([]scheduler.Item, error) {
	if len(o.Questions) > 0 {
		want := map[string]bool{}
		known := map[string]bool{}
		for _, d := range s.decks {
			for _, q := range d.Questions {
				known[q.ID] = true
			}
		}
		for _, q := range o.Questions {
			if !known[q] {
				return nil, fmt.Errorf("no question %q in %s", q, s.deckNames())
			}
			want[q] = true
		}
		items = slices.DeleteFunc(items, func(it scheduler.Item) bool { return !want[it.Question] })
	}
	if o.Tag != "" {
		states := make([]storage.CardState, len(items))
		for i, it := range items {
			states[i] = *s.cards[it.Key]
		}
		contents, err := s.st.Contents(states)
		if err != nil {
			return nil, err
		}
		kept := items[:0]
		for i, it := range items {
			if slices.Contains(contents[i].Tags, o.Tag) {
				kept = append(kept, it)
			}
		}
		if len(kept) == 0 {
			return nil, fmt.Errorf("no card of %s has the tag %q", s.deckNames(), o.Tag)
		}
		items = kept
	}
	if o.Ahead {
		items = s.ahead(items, policies, done, t)
	}
	return items, nil
}

// deckNames names the session's decks for a message.
func (s *Session) deckNames() string {
	var names []string
	for id := range s.decks {
		names = append(names, id)
	}
	slices.Sort(names)
	if len(names) == 1 {
		return "deck " + names[0]
	}
	return "decks " + strings.Join(names, ", ")
}

// ahead keeps the review cards of items that are not due today and makes
// them due now, the lowest predicted recall first: on the exam day while
// the deck has an exam ahead, else now. No new cards are introduced; the
// daily review limits do not hold them back.
func (s *Session) ahead(items []scheduler.Item, policies map[string]scheduler.Policy, done map[string]scheduler.Done, t time.Time) []scheduler.Item {
	end := scheduler.NextStudyDay(t)
	start := scheduler.StudyDay(t)
	type cand struct {
		i int
		r float64
	}
	var cs []cand
	for i, it := range items {
		c := it.Card
		if c.State != fsrs.Review || c.Due.Before(end) || !c.LastReview.Before(start) {
			continue
		}
		at := t
		if p := s.exams[it.Deck]; p != nil {
			at = p.Exam
		}
		cs = append(cs, cand{i, s.q0(it.Deck).Retrievability(c, at)})
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return cmpFloat(a.r, b.r) })
	out := make([]scheduler.Item, 0, len(cs))
	before := make([]shownAs, 0, len(cs))
	for rank, c := range cs {
		it := items[c.i]
		before = append(before, shownAs{it.Card.Due, it.Order})
		it.Card.Due = start.Add(time.Duration(rank) * time.Millisecond)
		out = append(out, it)
	}
	s.remember(out, before)
	for id, p := range policies {
		p.NewPerDay = 0
		p.ReviewsPerDay = done[id].Reviews + len(out)
		policies[id] = p
	}
	return out
}

// q0 returns a scheduler for deck's policy (its weights in use) before
// the queue exists.
func (s *Session) q0(deckID string) *scheduler.Scheduler {
	return scheduler.New(s.policies[deckID])
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Exam returns the plan of deckID's exam, and false when the deck has no
// exam ahead.
func (s *Session) Exam(deckID string) (*exam.Plan, bool) {
	p, ok := s.exams[deckID]
	return p, ok
}

// Now returns the session's clock.
func (s *Session) Now() time.Time { return s.now() }

// Next returns the next card to show, loading its text, or false when
// nothing is due now.
func (s *Session) Next() (*Card, bool, error) {
	t := s.now()
	s.sync(t)
	if s.loadErr != nil {
		return nil, false, s.loadErr
	}
	for {
		it, ok := s.q.Next(t)
		if !ok {
			return nil, false, nil
		}
		c := s.cards[it.Key]
		if !c.IndexOnly {
			return s.load(it, t)
		}
		if err := s.fill(c); err != nil {
			return nil, false, err
		}
		// build settled the cards whose entries might not say where the
		// queue puts them (settle); should a state still disagree, the
		// queue takes the state.
		full := s.item(c)
		if queueClass(full.Card.State) != queueClass(it.Card.State) || !full.Card.Due.Equal(it.Card.Due) || full.Order != it.Order ||
			full.Card.State == fsrs.Review && !full.Card.LastReview.Before(scheduler.StudyDay(t)) {
			s.q.Add(full)
			continue
		}
		return s.load(full, t)
	}
}

// queueClass is the heap of the queue a card in state st goes to: learning
// and relearning cards share one.
func queueClass(st fsrs.State) fsrs.State {
	if st == fsrs.Relearning {
		return fsrs.Learning
	}
	return st
}

// fill reads c, a card the queue has as its due index entry gives it
// (storage.Store.DueCards), whole.
func (s *Session) fill(c *storage.CardState) error {
	cs, err := s.st.StatesOf(c.Deck, []string{c.ID})
	if err != nil {
		return err
	}
	*c = cs[0]
	return nil
}

func (s *Session) load(it scheduler.Item, t time.Time) (*Card, bool, error) {
	c := s.cards[it.Key]
	content, err := s.st.Content(c.Deck, c.ID)
	if err != nil {
		return nil, false, err
	}
	d := s.decks[c.Deck]
	var q deck.Question
	for _, qq := range d.Questions {
		if qq.ID == content.Question {
			q = qq
		}
	}
	cur := &Card{Item: it, State: *c, Card: content, Deck: d, Question: q, Shown: t}
	cur.Preview = s.q.Scheduler(c.Deck).Preview(it.Key, it.Card, t)
	return cur, true, nil
}

// Counts returns what is left: new · learning · review.
func (s *Session) Counts() scheduler.Counts {
	t := s.now()
	s.sync(t)
	return s.q.Counts(t)
}

// NextAvailable returns when the queue next has a card to show, at or
// after t (scheduler.Queue.NextAvailable).
func (s *Session) NextAvailable(t time.Time) (time.Time, bool) {
	s.sync(t)
	return s.q.NextAvailable(t)
}

// Rate records a rating for the card on screen. When it returns nil the
// rating is committed to disk. answer is the learner's typed answer (derive
// cards). The review it returns has Leech set when the rating made the card
// a leech (then it is suspended and flagged).
func (s *Session) Rate(cur *Card, r fsrs.Rating, answer string) (storage.Review, error) {
	t := s.now()
	s.changed = true
	if s.Backups != nil {
		s.Backups.Before(t)
	}
	// The stored state, not the queue item's, whose due date a plan or
	// --ahead may have moved: that is what the log and undo keep.
	before := s.cards[cur.Item.Key].FSRS
	out := s.q.Scheduler(cur.State.Deck).Rate(cur.Item.Key, before, cur.Shown, t, r)
	dur := scheduler.AnswerTime(t.Sub(cur.Shown))
	rev, err := s.st.Rate(storage.Review{
		Deck:          cur.State.Deck,
		Card:          cur.State.ID,
		At:            t,
		Rating:        r,
		Before:        before,
		After:         out.Card,
		ElapsedDays:   out.Log.ElapsedDays,
		ScheduledDays: out.Card.ScheduledDays,
		Duration:      dur,
		Answer:        answer,
		Leech:         scheduler.IsLeech(before, out.Card),
	})
	if err != nil {
		return storage.Review{}, fmt.Errorf("save rating of %s: %w", cur.Item.Key, err)
	}
	key := cur.Item.Key
	// A card shown before 04:00 and rated after it counts for the new
	// study day: move the queue there first (Counts does), or Rated would
	// count it for the old day, which the new day then forgets. A queue
	// built for the new day read the rating from the store already.
	if !t.Before(s.dayEnd) {
		s.sync(t)
		if c := s.cards[key]; c != nil && s.loadErr == nil {
			c.FSRS = out.Card
		}
	} else {
		s.q.Counts(t)
		s.q.Rated(key, before, out.Card)
	}
	c := s.cards[key]
	c.FSRS = out.Card
	if rev.Leech {
		c.Flags = c.Flags.Leeched()
		s.q.Remove(key)
	}
	s.undo = append(s.undo, Action{Kind: Rating, Key: key, Review: rev})
	s.reviewed++
	if r == fsrs.Again {
		s.again++
	}
	return rev, nil
}

// Mark applies a card action (Suspend, Bury until the next study day, or
// Flag, which toggles the flag) to the card on screen and records its
// undo; cur.State gets the new flags.
func (s *Session) Mark(kind ActionKind, cur *Card) error {
	key := cur.Item.Key
	c := s.cards[key]
	f := c.Flags
	s.changed = true
	switch kind {
	case Suspend:
		f.Suspended = true
	case Bury:
		f.BuriedUntil = scheduler.NextStudyDay(s.now())
	case Flag:
		f.Flagged = !f.Flagged
	default:
		return fmt.Errorf("mark %s: not a card action (%d)", key, kind)
	}
	if err := s.st.SetFlags(c.Deck, c.ID, f); err != nil {
		return err
	}
	s.undo = append(s.undo, Action{Kind: kind, Key: key, Before: c.Flags})
	c.Flags = f
	if kind != Flag {
		s.q.Remove(key)
	}
	cur.State = *c
	return nil
}

// CanUndo reports whether there is anything to undo.
func (s *Session) CanUndo() bool { return len(s.undo) > 0 }

// LastAction returns what Undo would revert, and false when nothing.
func (s *Session) LastAction() (Action, bool) {
	if len(s.undo) == 0 {
		return Action{}, false
	}
	return s.undo[len(s.undo)-1], true
}

// Undo reverts the last action and returns the card it touched, to be
// shown again.
func (s *Session) Undo() (*Card, error) {
	if len(s.undo) == 0 {
		return nil, errors.New("nothing to undo")
	}
	a := s.undo[len(s.undo)-1]
	c := s.cards[a.Key]
	s.changed = true
	switch a.Kind {
	case Rating:
		if err := s.st.Undo(a.Review); err != nil {
			return nil, fmt.Errorf("undo rating of %s: %w", a.Key, err)
		}
		c.FSRS = a.Review.Before
		if a.Review.Leech {
			c.Flags = a.Review.FlagsBefore
			if studyable(c, s.now()) {
				s.q.Add(s.item(c))
			}
		}
		s.q.Unrated(a.Key, s.item(c).Card, a.Review.After)
		if _, ok := s.q.Get(a.Key); !ok && studyable(c, s.now()) {
			s.q.Add(s.item(c)) // a queue built since did not read it
		}
		s.reviewed--
		if a.Review.Rating == fsrs.Again {
			s.again--
		}
	default:
		if err := s.st.SetFlags(c.Deck, c.ID, a.Before); err != nil {
			return nil, err
		}
		wasOut := !studyable(c, s.now())
		c.Flags = a.Before
		if wasOut && studyable(c, s.now()) {
			s.q.Add(s.item(c))
		}
	}
	s.undo = s.undo[:len(s.undo)-1]
	cur, _, err := s.load(s.item(c), s.now())
	return cur, err
}

// Summary is what the learner sees on leaving.
type Summary struct {
	Reviewed int
	Again    int
	Spent    time.Duration
	NextDue  time.Time // zero when nothing is scheduled
}

// Summary returns the session's summary as of now.
func (s *Session) Summary() Summary {
	t := s.now()
	sum := Summary{Reviewed: s.reviewed, Again: s.again, Spent: t.Sub(s.started), NextDue: s.NextDue(t)}
	if sum.Spent < 0 {
		sum.Spent = 0
	}
	return sum
}

// NextDue returns when a card will next be there to study, at or after
// t: t itself while cards are due, else when a learning card comes within
// the learn-ahead window, a review card's study day starts, the daily
// limits start again or a buried card comes back. It is zero when nothing
// at all is left to study.
func (s *Session) NextDue(t time.Time) time.Time {
	next, _ := s.NextAvailable(t)
	for _, c := range s.cards {
		if !c.Retired && !c.Suspended && t.Before(c.BuriedUntil) && (next.IsZero() || c.BuriedUntil.Before(next)) {
			next = c.BuriedUntil
		}
	}
	return next
}

// Decks returns the decks the session studies, by id.
func (s *Session) Decks() []storage.DeckInfo {
	ds := make([]storage.DeckInfo, 0, len(s.decks))
	for _, d := range s.decks {
		ds = append(ds, d)
	}
	slices.SortFunc(ds, func(a, b storage.DeckInfo) int { return strings.Compare(a.ID, b.ID) })
	return ds
}

// Progress returns how many ratings the session has made (less those
// undone) and how long it has run at now.
func (s *Session) Progress() (reviewed int, spent time.Duration) {
	return s.reviewed, max(s.now().Sub(s.started), 0)
}
