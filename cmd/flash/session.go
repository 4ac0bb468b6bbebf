package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	"github.com/open-spaced-repetition/go-fsrs/v3"
)

// session is one sitting of review: the queue, the store behind it and the
// undo stack. Both the plain line mode and the tview screen drive it; it
// knows nothing about terminals. It is used from one goroutine.
type session struct {
	st    *storage.Store
	q     *scheduler.Queue
	now   func() time.Time
	decks map[string]storage.DeckInfo
	cards map[string]*storage.CardState // by key, as last known

	undo []action

	// backups, when set, backs the database up before the first rating
	// of each study day (backup.go).
	backups *dailyBackup

	started  time.Time
	reviewed int
	again    int
}

// actionKind tells what an undo entry reverts.
type actionKind int

const (
	actRate actionKind = iota
	actSuspend
	actBury
	actFlag
)

type action struct {
	kind   actionKind
	key    string
	review storage.Review // actRate
	before storage.Flags  // the others
}

// current is a card on screen: its state plus everything to show.
type current struct {
	Item     scheduler.Item
	State    storage.CardState
	Card     deck.Card
	Deck     storage.DeckInfo
	Question deck.Question
	Preview  [4]scheduler.Outcome
	Shown    time.Time
}

// errNoDeck is returned when --deck names no deck in the store.
var errNoDeck = errors.New("no such deck")

// noDeck is the error for a --deck id that is not among decks; it names
// the decks there are.
func noDeck(id string, decks []storage.DeckInfo) error {
	known := make([]string, 0, len(decks))
	for _, d := range decks {
		known = append(known, d.ID)
	}
	slices.Sort(known)
	return fmt.Errorf("%w %q (decks: %s)", errNoDeck, id, strings.Join(known, ", "))
}

// newSession builds the queue for deckID ("" means every deck) from the
// store as it is now.
func newSession(st *storage.Store, decks []storage.DeckInfo, deckID string, now func() time.Time) (*session, error) {
	s := &session{st: st, now: now, decks: map[string]storage.DeckInfo{}, cards: map[string]*storage.CardState{}}
	policies := map[string]scheduler.Policy{}
	var ids []string
	for _, d := range decks {
		if deckID != "" && d.ID != deckID {
			continue
		}
		s.decks[d.ID] = d
		ids = append(ids, d.ID)
		policies[d.ID] = scheduler.Policy{
			DesiredRetention: d.Options.DesiredRetention,
			NewPerDay:        d.Options.NewPerDay,
			ReviewsPerDay:    d.Options.ReviewsPerDay,
			NewOrder:         newOrder(d.Options.NewOrder),
		}
	}
	if len(ids) == 0 {
		return nil, noDeck(deckID, decks)
	}
	t := now()
	day := scheduler.StudyDay(t)
	done := map[string]scheduler.Done{}
	for _, id := range ids {
		n, r, err := st.DoneSince(id, day)
		if err != nil {
			return nil, err
		}
		done[id] = scheduler.Done{New: n, Reviews: r}
	}
	states, err := st.States(deckID)
	if err != nil {
		return nil, err
	}
	items := make([]scheduler.Item, 0, len(states))
	s.cards = make(map[string]*storage.CardState, len(states))
	for i := range states {
		c := &states[i]
		if _, ok := s.decks[c.Deck]; !ok {
			continue
		}
		key := c.Key()
		s.cards[key] = c
		if studyable(c, t) {
			items = append(items, scheduler.Item{Key: key, Deck: c.Deck, Order: c.Order, Question: c.Question, Card: c.FSRS})
		}
	}
	s.q = scheduler.NewQueue(policies, items, done, t)
	s.started = t
	return s, nil
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

// next returns the next card to show, loading its text, or false when
// nothing is due now.
func (s *session) next() (*current, bool, error) {
	t := s.now()
	it, ok := s.q.Next(t)
	if !ok {
		return nil, false, nil
	}
	return s.load(it, t)
}

func (s *session) load(it scheduler.Item, t time.Time) (*current, bool, error) {
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
	cur := &current{Item: it, State: *c, Card: content, Deck: d, Question: q, Shown: t}
	cur.Preview = s.q.Scheduler(c.Deck).Preview(it.Card, t)
	return cur, true, nil
}

// counts returns what is left: new · learning · review.
func (s *session) counts() scheduler.Counts { return s.q.Counts(s.now()) }

// rate records a rating for the card on screen. When it returns nil the
// rating is committed to disk. answer is the learner's typed answer (derive
// cards). It reports whether the card became a leech (suspended, flagged).
func (s *session) rate(cur *current, r fsrs.Rating, answer string) (storage.Review, error) {
	t := s.now()
	if s.backups != nil {
		s.backups.before(s.st, t)
	}
	before := cur.Item.Card
	out := s.q.Scheduler(cur.State.Deck).Rate(before, t, r)
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
	// count it for the old day, which the new day then forgets.
	s.q.Counts(t)
	s.q.Rated(key, before, out.Card)
	c := s.cards[key]
	c.FSRS = out.Card
	if rev.Leech {
		c.Suspended, c.Flagged = true, true
		s.q.Remove(key)
	}
	s.undo = append(s.undo, action{kind: actRate, key: key, review: rev})
	s.reviewed++
	if r == fsrs.Again {
		s.again++
	}
	return rev, nil
}

// setFlags applies a card action (suspend, bury, flag) and records its undo.
func (s *session) setFlags(kind actionKind, cur *current) error {
	key := cur.Item.Key
	c := s.cards[key]
	f := c.Flags
	switch kind {
	case actSuspend:
		f.Suspended = true
	case actBury:
		f.BuriedUntil = scheduler.StudyDay(s.now()).AddDate(0, 0, 1)
	case actFlag:
		f.Flagged = !f.Flagged
	}
	if err := s.st.SetFlags(c.Deck, c.ID, f); err != nil {
		return err
	}
	s.undo = append(s.undo, action{kind: kind, key: key, before: c.Flags})
	c.Flags = f
	if kind != actFlag {
		s.q.Remove(key)
	}
	cur.State = *c
	return nil
}

// canUndo reports whether there is anything to undo.
func (s *session) canUndo() bool { return len(s.undo) > 0 }

// undoLast reverts the last action and returns the card it touched, to be
// shown again.
func (s *session) undoLast() (*current, error) {
	if len(s.undo) == 0 {
		return nil, errors.New("nothing to undo")
	}
	a := s.undo[len(s.undo)-1]
	c := s.cards[a.key]
	switch a.kind {
	case actRate:
		if err := s.st.Undo(a.review); err != nil {
			return nil, fmt.Errorf("undo rating of %s: %w", a.key, err)
		}
		if a.review.Leech {
			c.Suspended, c.Flagged = false, false
			s.q.Add(itemOf(c))
		}
		s.q.Unrated(a.key, a.review.Before, a.review.After)
		c.FSRS = a.review.Before
		s.reviewed--
		if a.review.Rating == fsrs.Again {
			s.again--
		}
	default:
		if err := s.st.SetFlags(c.Deck, c.ID, a.before); err != nil {
			return nil, err
		}
		wasOut := !studyable(c, s.now())
		c.Flags = a.before
		if wasOut && studyable(c, s.now()) {
			s.q.Add(itemOf(c))
		}
	}
	s.undo = s.undo[:len(s.undo)-1]
	cur, _, err := s.load(itemOf(c), s.now())
	return cur, err
}

// summary is what the learner sees on leaving.
type summary struct {
	Reviewed int
	Again    int
	Spent    time.Duration
	NextDue  time.Time // zero when nothing is scheduled
}

func (s *session) summary() summary {
	t := s.now()
	sum := summary{Reviewed: s.reviewed, Again: s.again, Spent: t.Sub(s.started), NextDue: s.nextDue(t)}
	if sum.Spent < 0 {
		sum.Spent = 0
	}
	return sum
}

// nextDue returns when a card will next be there to study, at or after
// t: t itself while cards are due, else when a learning card comes within
// the learn-ahead window, a review card's study day starts, the daily
// limits start again or a buried card comes back. It is zero when nothing
// at all is left to study.
func (s *session) nextDue(t time.Time) time.Time {
	next, _ := s.q.NextAvailable(t)
	for _, c := range s.cards {
		if !c.Retired && !c.Suspended && t.Before(c.BuriedUntil) && (next.IsZero() || c.BuriedUntil.Before(next)) {
			next = c.BuriedUntil
		}
	}
	return next
}
