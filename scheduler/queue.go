package scheduler

import (
	"slices"
	"strings"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// Item is one card in a Queue.
type Item struct {
	// Key identifies the card; unique within a queue (storage uses
	// "deck/card").
	Key string
	// Deck is the deck's ID; it selects the Policy and the daily limits.
	Deck string
	// Order is the card's position in its deck file. New cards are
	// introduced in this order (with NewInterleaved, in this order within
	// each question).
	Order int
	// Question is the exam question the card belongs to; a deck whose
	// Policy.NewOrder is NewInterleaved deals its new cards out by it.
	Question string
	// Card is the card's FSRS state.
	Card fsrs.Card
}

// Done is what a deck has already done in the current study day, from the
// review log: New counts ratings of cards that were new (each new card is
// counted once, when it is first rated) and Reviews counts ratings of cards
// in the review state. Ratings of learning and relearning cards count in
// neither.
type Done struct{ New, Reviews int }

// Counts are the cards a queue has left to show now: New and Review within
// the daily limits, Learning the learning and relearning cards due within
// LearnAhead. Next returns a card exactly when one of them is positive.
type Counts struct{ New, Learning, Review int }

// Queue decides which card to study next. It holds the cards of one or more
// decks with their FSRS state and counts each deck's daily limits.
//
// Policy, in order (Next):
//  1. learning and relearning cards that are due (Due <= now), earliest
//     first;
//  2. review cards due today (Due before the next study-day start), earliest
//     first, at most ReviewsPerDay minus Done.Reviews per deck, with new
//     cards mixed in evenly, at most NewPerDay minus Done.New per deck;
//  3. when nothing else is left: learning cards due within LearnAhead.
//
// New cards come in deck Order, or, in a deck whose policy says
// NewInterleaved, by turn: a new card's turn is i + r, where i is the number
// of the deck's items with the same Question that are not new when the
// queue is made (the cards of that question already introduced) and r is
// the number of that question's new items before it in Order. Cards of
// one turn come in the order of their questions (the least Order among
// each question's items), then by Order. So turn 0 is the first new card
// of every question, turn 1 the second, and so on; a question that has had
// fewer cards introduced catches up first, and each question keeps its
// own Order.
//
// Ties are broken by Due, then Order, then Key (new cards: turn, question,
// Order, then Key), so Next is deterministic. After a rating (Rated) a card in a learning
// step comes back when its step is due; a card that went to (or stayed in)
// the review state is done for the study day. A review card whose
// LastReview is already in the current study day is not shown again that
// day either (a 25-hour DST day can make a 1-day interval end the same day).
//
// Next, Counts and NextAvailable notice a new study day (now at or past the
// next 04:00 in now's location): the daily counts start again from zero and
// cards due on the new day become due. A now in an earlier study day (the
// clock went backwards) keeps the current one. A different location that
// still has the same calendar study day keeps the counts and takes the new
// day boundaries.
//
// A Queue is not safe for concurrent use, and its Schedulers are used from
// the same goroutine as the Queue.
type Queue struct {
	// entries finds an entry by key. It is built when first needed (see
	// index): until then the entries are those in initial.
	entries  map[string]*entry
	initial  []entry
	decks    map[string]*deckQueue
	deckList []*deckQueue // sorted by name
	learn    heapq        // learning and relearning cards, by due

	loc              *time.Location
	day              int // yyyymmdd of dayStart: the study day's calendar date
	dayStart, dayEnd time.Time

	// Ratings counted by Rated in this study day, over all decks; new
	// cards are spread evenly among the reviews with them.
	sessNew, sessRev int

	// removed keeps the place in the new-card order of cards taken out
	// by Remove, for Add to put them back where they were.
	removed map[string]newPlace
}

// deckQueue is the per-deck part of a Queue.
type deckQueue struct {
	name   string
	sched  *Scheduler
	done   Done
	review heapq // review cards due this study day, by due
	fresh  heapq // new cards, by order
	later  heapq // review cards not due this study day, by due
}

func (d *deckQueue) reviewsLeft() int {
	return min(d.review.len(), max(d.sched.p.ReviewsPerDay-d.done.Reviews, 0))
}

func (d *deckQueue) newLeft() int {
	return min(d.fresh.len(), max(d.sched.p.NewPerDay-d.done.New, 0))
}

// entry is an item in a queue and its place in one of the heaps.
type entry struct {
	*Item
	deck *deckQueue
	h    *heapq // nil when in no heap (a card in an unknown state)
	idx  int
	// rated is set by Rated and cleared by Unrated and a new study day: a
	// review card rated today is not shown again today.
	rated bool
	// newPlace orders the card among new cards (see Queue).
	newPlace
}

// newPlace is a card's place in the order of new cards: by turn, then by
// first, then by Order and Key. In deck order turn is the Order and first
// is 0; interleaved, turn is the card's turn and first the least Order of
// its question's items.
type newPlace struct{ turn, first int }

// setCard gives e a new card state in a copy of its item: the item may be
// the caller's (see NewQueue).
func (e *entry) setCard(c fsrs.Card) {
	it := *e.Item
	it.Card = c
	e.Item = &it
}

// NewQueue returns a queue of items at now, the start of a session.
// policies gives each deck's policy (a deck missing from it gets
// DefaultPolicy), done what each deck has already done in the study day
// holding now (see Done). items are the cards the caller wants studied
// (not retired, suspended or buried), each with its own Key. (Should
// several items share a Key, the queue keeps the last of them once it first
// looks a key up.)
//
// To start fast on a large deck the queue does not copy items: it reads
// them while it is in use (never writing to them; a rated card's new state
// is kept apart), so the caller must not change the slice afterwards.
// NewQueue keeps no reference to policies or done.
func NewQueue(policies map[string]Policy, items []Item, done map[string]Done, now time.Time) *Queue {
	q := &Queue{
		decks: make(map[string]*deckQueue, len(policies)),
		learn: heapq{less: byDue},
	}
	q.setDay(now)
	names := make([]string, 0, len(policies))
	for name := range policies {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		q.addDeck(name, policies[name])
	}
	for name, d := range done {
		q.deck(name).done = Done{New: max(d.New, 0), Reviews: max(d.Reviews, 0)}
	}
	es := make([]entry, len(items))
	var d *deckQueue
	for i := range items {
		it := &items[i]
		e := &es[i]
		e.Item = &items[i]
		if d == nil || d.name != it.Deck {
			d = q.deck(it.Deck)
		}
		e.deck = d
		e.turn = it.Order
		if h := q.target(e); h != nil {
			h.append(e)
		}
	}
	deal(es)
	// The key index waits for the first rating: Next and Counts do not
	// need it, and it is a good part of the time to start on 10k cards.
	q.initial = es
	return q
}

// deal gives the new entries of decks with NewInterleaved their turns (see
// Queue). The heaps of new cards are not in order yet: entries were
// appended.
func deal(es []entry) {
	type group struct {
		first, introduced int
		fresh             []*entry
	}
	var groups map[*deckQueue]map[string]*group
	for i := range es {
		e := &es[i]
		if e.deck.sched.p.NewOrder != NewInterleaved {
			continue
		}
		if groups == nil {
			groups = map[*deckQueue]map[string]*group{}
		}
		gs := groups[e.deck]
		if gs == nil {
			gs = map[string]*group{}
			groups[e.deck] = gs
		}
		g := gs[e.Question]
		if g == nil {
			g = &group{first: e.Order}
			gs[e.Question] = g
		}
		g.first = min(g.first, e.Order)
		if e.Card.State == fsrs.New {
			g.fresh = append(g.fresh, e)
		} else {
			g.introduced++
		}
	}
	for _, gs := range groups {
		for _, g := range gs {
			slices.SortFunc(g.fresh, func(a, b *entry) int {
				if a.Order != b.Order {
					return a.Order - b.Order
				}
				return strings.Compare(a.Key, b.Key)
			})
			for r, e := range g.fresh {
				e.newPlace = newPlace{turn: g.introduced + r, first: g.first}
			}
		}
	}
}

// placeNew gives e, an entry not made by NewQueue, its place among new
// cards: in deck order its Order, interleaved its turn among the entries
// now in the queue (see Queue).
func (q *Queue) placeNew(e *entry) {
	e.newPlace = newPlace{turn: e.Order}
	if e.deck.sched.p.NewOrder != NewInterleaved {
		return
	}
	e.first = e.Order
	e.turn = 0
	for _, o := range q.index() {
		if o == e || o.deck != e.deck || o.Question != e.Question {
			continue
		}
		e.first = min(e.first, o.Order)
		if o.Card.State != fsrs.New || o.Order < e.Order || o.Order == e.Order && o.Key < e.Key {
			e.turn++
		}
	}
}

// index returns the map from keys to entries, building it on first use.
func (q *Queue) index() map[string]*entry {
	if q.entries != nil {
		return q.entries
	}
	m := make(map[string]*entry, len(q.initial))
	for i := range q.initial {
		e := &q.initial[i]
		m[e.Key] = e
	}
	if len(m) < len(q.initial) {
		// Several items share a key: keep the last of them.
		for i := range q.initial {
			if e := &q.initial[i]; m[e.Key] != e {
				q.unplace(e)
			}
		}
	}
	q.entries, q.initial = m, nil
	return m
}

// setDay makes the study day holding now the queue's day.
func (q *Queue) setDay(now time.Time) {
	q.loc = now.Location()
	q.dayStart = StudyDay(now)
	q.dayEnd = NextStudyDay(now)
	y, m, d := q.dayStart.Date()
	q.day = y*10000 + int(m)*100 + d
}

// deck returns the deck called name, adding it with DefaultPolicy if the
// queue does not have it.
func (q *Queue) deck(name string) *deckQueue {
	if d := q.decks[name]; d != nil {
		return d
	}
	return q.addDeck(name, DefaultPolicy())
}

func (q *Queue) addDeck(name string, p Policy) *deckQueue {
	d := &deckQueue{
		name:   name,
		sched:  New(p),
		review: heapq{less: byDue},
		fresh:  heapq{less: byTurn},
		later:  heapq{less: byDue},
	}
	q.decks[name] = d
	i, _ := slices.BinarySearchFunc(q.deckList, name, func(d *deckQueue, name string) int {
		return strings.Compare(d.name, name)
	})
	q.deckList = slices.Insert(q.deckList, i, d)
	return d
}

// target returns the heap e belongs in, or nil for a card in an unknown
// state, which is kept but never shown.
func (q *Queue) target(e *entry) *heapq {
	c := &e.Card
	switch c.State {
	case fsrs.New:
		return &e.deck.fresh
	case fsrs.Learning, fsrs.Relearning:
		return &q.learn
	case fsrs.Review:
		if !e.rated && c.Due.Before(q.dayEnd) && c.LastReview.Before(q.dayStart) {
			return &e.deck.review
		}
		return &e.deck.later
	}
	return nil
}

// place puts e in the heap it belongs in.
func (q *Queue) place(e *entry) {
	if h := q.target(e); h != nil {
		h.push(e)
	}
}

// unplace takes e out of its heap.
func (q *Queue) unplace(e *entry) {
	if e.h != nil {
		e.h.remove(e)
	}
}

// rebuild sorts every entry into its heap again, for a new study day.
func (q *Queue) rebuild() {
	entries := q.index() // before the reset: it may take duplicates out of heaps
	q.learn.reset()
	for _, d := range q.deckList {
		d.review.reset()
		d.fresh.reset()
		d.later.reset()
	}
	for _, e := range entries {
		e.h = nil
		if h := q.target(e); h != nil {
			h.append(e)
		}
	}
}

// sync moves the queue to the study day holding now if that is a later one,
// or to now's location if that gives the same study day.
func (q *Queue) sync(now time.Time) {
	if now.Location() == q.loc && !now.Before(q.dayStart) && now.Before(q.dayEnd) {
		return
	}
	start := StudyDay(now)
	y, m, d := start.Date()
	day := y*10000 + int(m)*100 + d
	switch {
	case day < q.day:
		return // the clock went backwards: keep the day and its counts
	case day == q.day:
		if start.Equal(q.dayStart) {
			q.loc = now.Location()
			return
		}
		// The same study day seen from another time zone: keep the counts.
	default:
		for _, dq := range q.deckList {
			dq.done = Done{}
		}
		q.sessNew, q.sessRev = 0, 0
		for _, e := range q.index() {
			e.rated = false
		}
	}
	q.setDay(now)
	q.rebuild()
}

// Next returns the card to show at now, or false when there is none for
// now (see Queue for the order). Next does not take the card out of the
// queue; call Rated after rating it, or Remove to suspend or bury it.
// Calling Next again without a change returns the same card.
func (q *Queue) Next(now time.Time) (Item, bool) {
	q.sync(now)
	if e := q.next(now); e != nil {
		return *e.Item, true
	}
	return Item{}, false
}

func (q *Queue) next(now time.Time) *entry {
	if e := q.learn.top(); e != nil && !e.Card.Due.After(now) {
		return e
	}
	var rev, fresh *entry
	nRev, nNew := 0, 0
	for _, d := range q.deckList {
		if n := d.reviewsLeft(); n > 0 {
			nRev += n
			if e := d.review.top(); rev == nil || byDue(e, rev) {
				rev = e
			}
		}
		if n := d.newLeft(); n > 0 {
			nNew += n
			if e := d.fresh.top(); fresh == nil || byTurn(e, fresh) {
				fresh = e
			}
		}
	}
	if nNew > 0 && (nRev == 0 || newTurn(q.sessRev, q.sessNew, nRev, nNew)) {
		return fresh
	}
	if nRev > 0 {
		return rev
	}
	if e := q.learn.top(); e != nil && !e.Card.Due.After(now.Add(LearnAhead)) {
		return e
	}
	return nil
}

// newTurn reports whether a new card comes next, given the reviews and new
// cards rated so far today (doneRev, doneNew) and those left (leftRev,
// leftNew, both > 0). The new cards are spread evenly over the day's
// reviews: with R reviews and N new cards in all, new card i (from 0) comes
// after (i+1)·R/(N+1) reviews, so 100 reviews and 20 new cards give one new
// card after every 5 reviews and never a run of new cards at the end.
func newTurn(doneRev, doneNew, leftRev, leftNew int) bool {
	totalRev, totalNew := int64(doneRev+leftRev), int64(doneNew+leftNew)
	return int64(doneRev)*(totalNew+1) >= int64(doneNew+1)*totalRev
}

// Counts returns what is left to study at now; see Counts.
func (q *Queue) Counts(now time.Time) Counts {
	q.sync(now)
	c := Counts{Learning: q.learn.countNotAfter(now.Add(LearnAhead))}
	for _, d := range q.deckList {
		c.New += d.newLeft()
		c.Review += d.reviewsLeft()
	}
	return c
}

// Rated records that the card with key was rated: before is its state when
// shown, after its new state (Outcome.Card). It counts the rating in the
// deck's Done for the current study day (before.State New counts a new
// card, Review a review) and puts the card where after says: a learning
// step comes back when due, a review card is done for the day. A key not in
// the queue is ignored.
func (q *Queue) Rated(key string, before, after fsrs.Card) {
	e := q.index()[key]
	if e == nil {
		return
	}
	switch before.State {
	case fsrs.New:
		e.deck.done.New++
		q.sessNew++
	case fsrs.Review:
		e.deck.done.Reviews++
		q.sessRev++
	}
	q.unplace(e)
	e.setCard(after)
	e.rated = true
	q.place(e)
}

// Unrated undoes Rated(key, before, after): the card goes back to before
// and the rating no longer counts (counts never go below zero, so undoing
// a rating made before a new study day began changes nothing). Undo the
// ratings in reverse order. A key not in the queue is ignored.
func (q *Queue) Unrated(key string, before, after fsrs.Card) {
	e := q.index()[key]
	if e == nil {
		return
	}
	switch before.State {
	case fsrs.New:
		e.deck.done.New = max(e.deck.done.New-1, 0)
		q.sessNew = max(q.sessNew-1, 0)
	case fsrs.Review:
		e.deck.done.Reviews = max(e.deck.done.Reviews-1, 0)
		q.sessRev = max(q.sessRev-1, 0)
	}
	q.unplace(e)
	e.setCard(before)
	e.rated = false
	q.place(e)
}

// Remove takes the card with key out of the queue (suspend, bury) and
// returns it with its current state. Done counts are not changed.
func (q *Queue) Remove(key string) (Item, bool) {
	e := q.index()[key]
	if e == nil {
		return Item{}, false
	}
	q.unplace(e)
	delete(q.index(), key)
	if q.removed == nil {
		q.removed = map[string]newPlace{}
	}
	q.removed[key] = e.newPlace
	return *e.Item, true
}

// Add puts it into the queue (undo of Remove), replacing an item with the
// same key. A deck the queue does not know gets DefaultPolicy.
func (q *Queue) Add(it Item) {
	e := &entry{Item: &it, deck: q.deck(it.Deck)}
	old := q.index()[it.Key]
	if old != nil {
		q.unplace(old)
	}
	switch p, ok := q.removed[it.Key]; {
	case old != nil && old.Order == it.Order && old.Question == it.Question:
		e.newPlace = old.newPlace
	case ok && old == nil:
		e.newPlace = p
	default:
		q.placeNew(e)
	}
	delete(q.removed, it.Key)
	q.index()[it.Key] = e
	q.place(e)
}

// Get returns the item with key and its current state.
func (q *Queue) Get(key string) (Item, bool) {
	if e := q.index()[key]; e != nil {
		return *e.Item, true
	}
	return Item{}, false
}

// Len returns the number of items in the queue, due or not.
func (q *Queue) Len() int { return len(q.index()) }

// Done returns what deck has done in the queue's current study day: the
// Done passed to NewQueue plus the ratings counted since.
func (q *Queue) Done(deck string) Done {
	if d := q.decks[deck]; d != nil {
		return d.done
	}
	return Done{}
}

// NextDue returns the earliest Due among the learning and review cards left
// in the queue, whether the daily limits let them be shown or not; new
// cards have no meaningful due date and are left out. It is false when
// there is no such card. NextAvailable says when Next will have a card.
func (q *Queue) NextDue() (time.Time, bool) {
	var best *entry
	for _, h := range q.dueHeaps() {
		if e := h.top(); e != nil && (best == nil || e.Card.Due.Before(best.Card.Due)) {
			best = e
		}
	}
	if best == nil {
		return time.Time{}, false
	}
	return best.Card.Due, true
}

func (q *Queue) dueHeaps() []*heapq {
	hs := make([]*heapq, 0, 1+2*len(q.deckList))
	hs = append(hs, &q.learn)
	for _, d := range q.deckList {
		hs = append(hs, &d.review, &d.later)
	}
	return hs
}

// NextAvailable returns the earliest time, at or after now, at which Next
// will return a card if nothing is rated in between: now if Next has one
// now, else the time a learning card comes within LearnAhead, or the start
// of the study day on which a review card becomes due or the daily limits
// start again. It is false when the queue holds nothing that will ever be
// shown.
func (q *Queue) NextAvailable(now time.Time) (time.Time, bool) {
	q.sync(now)
	if q.next(now) != nil {
		return now, true
	}
	var best time.Time
	ok := false
	consider := func(t time.Time) {
		if !ok || t.Before(best) {
			best, ok = t, true
		}
	}
	if e := q.learn.top(); e != nil {
		consider(e.Card.Due.Add(-LearnAhead))
	}
	for _, d := range q.deckList {
		p := d.sched.p
		if p.ReviewsPerDay > 0 && d.review.len() > 0 || p.NewPerDay > 0 && d.fresh.len() > 0 {
			consider(q.dayEnd) // held back by today's limits
		}
		if e := d.later.top(); e != nil && p.ReviewsPerDay > 0 {
			t := StudyDay(e.Card.Due.In(q.loc))
			if t.Before(q.dayEnd) {
				t = q.dayEnd
			}
			consider(t)
		}
	}
	return best, ok
}

// Scheduler returns the Scheduler for deck's policy. A deck the queue does
// not know is added with DefaultPolicy.
func (q *Queue) Scheduler(deck string) *Scheduler {
	return q.deck(deck).sched
}

// byDue orders by Due, then Order, then Key.
func byDue(a, b *entry) bool {
	if c := a.Card.Due.Compare(b.Card.Due); c != 0 {
		return c < 0
	}
	return byOrder(a, b)
}

// byTurn orders new cards by their newPlace, then Order, then Key.
func byTurn(a, b *entry) bool {
	if a.turn != b.turn {
		return a.turn < b.turn
	}
	if a.first != b.first {
		return a.first < b.first
	}
	return byOrder(a, b)
}

// byOrder orders by Order, then Key.
func byOrder(a, b *entry) bool {
	if a.Order != b.Order {
		return a.Order < b.Order
	}
	return a.Key < b.Key
}
