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
	// Content returns a card's text.
	Content(deckID, cardID string) (deck.Card, error)
	// Rate records a rating (see storage.Store.Rate).
	Rate(r storage.Review) (storage.Review, error)
	// Undo takes back a rating returned by Rate.
	Undo(r storage.Review) error
	// SetFlags sets the learner's marks on a card.
	SetFlags(deckID, cardID string, f storage.Flags) error
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

	started  time.Time
	reviewed int
	again    int
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
// it is now. Each deck is scheduled with its weights in use: when st also
// reads settings (scheduler.SettingReader), the fitted weights stored with
// the deck (scheduler.LoadWeights), else go-fsrs's defaults. An unknown
// deckID is an error wrapping storage.ErrNoDeck.
//
// It reads what the study day needs (Store.DueStates: the new, learning and
// due cards and today's counts), not the whole collection; a deck that
// deals its new cards out by question (new_order = "interleaved") is read
// whole, since a card's turn depends on how many of its question's cards
// were introduced. When the clock passes into the next study day the
// session reads that day's cards again.
func New(st Store, decks []storage.DeckInfo, deckID string, now func() time.Time) (*Session, error) {
	s := &Session{st: st, now: now, decks: map[string]storage.DeckInfo{}, cards: map[string]*storage.CardState{}}
	s.policies = map[string]scheduler.Policy{}
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
		if sr, ok := st.(scheduler.SettingReader); ok {
			u, err := scheduler.LoadWeights(sr, d.ID)
			if err != nil {
				return nil, err
			}
			p := s.policies[d.ID]
			p.Weights = u.Weights
			s.policies[d.ID] = p
		}
	}
	if len(s.ids) == 0 {
		return nil, storage.NoDeck(deckID, decks)
	}
	t := now()
	if err := s.build(t); err != nil {
		return nil, err
	}
	s.started = t
	return s, nil
}

// build makes the queue for the study day holding t from the store.
func (s *Session) build(t time.Time) error {
	day, end := scheduler.StudyDay(t), scheduler.NextStudyDay(t)
	done := map[string]scheduler.Done{}
	var states []storage.CardState
	for _, id := range s.ids {
		n, r, err := s.st.DoneSince(id, day)
		if err != nil {
			return err
		}
		done[id] = scheduler.Done{New: n, Reviews: r}
		var cs []storage.CardState
		if s.policies[id].NewOrder == scheduler.NewInterleaved {
			cs, err = s.st.States(id)
		} else {
			cs, err = s.st.DueStates(id, end)
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
	for i := range states {
		c := &states[i]
		key := c.Key()
		s.cards[key] = c
		if studyable(c, t) {
			items = append(items, itemOf(c))
		}
	}
	s.q = scheduler.NewQueue(s.policies, items, done, t)
	s.dayEnd = end
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

func itemOf(c *storage.CardState) scheduler.Item {
	return scheduler.Item{Key: c.Key(), Deck: c.Deck, Order: c.Order, Question: c.Question, Card: c.FSRS}
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
	it, ok := s.q.Next(t)
	if !ok {
		return nil, false, nil
	}
	return s.load(it, t)
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
	if s.Backups != nil {
		s.Backups.Before(t)
	}
	before := cur.Item.Card
	out := s.q.Scheduler(cur.State.Deck).Rate(cur.Item.Key, before, cur.Shown, t, r)
	dur := t.Sub(cur.Shown)
	if dur < 0 {
		dur = 0
	}
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
	switch a.Kind {
	case Rating:
		if err := s.st.Undo(a.Review); err != nil {
			return nil, fmt.Errorf("undo rating of %s: %w", a.Key, err)
		}
		if a.Review.Leech {
			c.Flags = a.Review.FlagsBefore
			if studyable(c, s.now()) {
				s.q.Add(itemOf(c))
			}
		}
		s.q.Unrated(a.Key, a.Review.Before, a.Review.After)
		c.FSRS = a.Review.Before
		if _, ok := s.q.Get(a.Key); !ok && studyable(c, s.now()) {
			s.q.Add(itemOf(c)) // a queue built since did not read it
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
			s.q.Add(itemOf(c))
		}
	}
	s.undo = s.undo[:len(s.undo)-1]
	cur, _, err := s.load(itemOf(c), s.now())
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
