package session

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/storage"
)

// A deck with an exam ahead is studied with the plan of the day. Making
// it reads every card of the deck and runs the planner (on 10k cards most
// of the time to the first card), so the plan of the day is saved with
// the deck (a cache setting, storage.CacheKey(deck, "plan/DATE"), DATE the
// study day's): what the session takes from it, the plan's days and
// figures, which cards it studies that day and the due dates and order it
// gives the cards the day reads. A session of that study day reads the
// day's cards and the saved plan instead of the whole deck and plans
// nothing.
//
// The saved plan is the plan made for its study day from the store as it
// was when it was saved. Storage drops it in the same transaction as any
// change of the deck's cards or log (a rating, an undo, a suspend or bury,
// an import) and with any change of a setting (the exam, fitted weights),
// and a session takes it only within the study day it was made for, in
// the same time zone, for the same exam, weights, retention and questions
// (stamp). A plan depends on its study day, not on the time of day
// (exam.StudyHour), so a session studies from a saved plan exactly what it
// would study from one made afresh when it starts, earlier or later that
// day (a plan is not saved when a card comes back from a bury during the
// day: returnsToday). When a session ends (SavePlans) and when 'flash exam' sets the
// exam (SavePlan), the plans of the day and of the next AheadDays study
// days are saved: the first session of each of those days starts from the
// one made ahead for it, unless the deck changed in between.

// planStore is what saving and reading a plan of the day needs beyond
// Store; *storage.Store has it. A store without it plans afresh every
// time.
type planStore interface {
	SetCaches(deckID string, values map[string]string, drop func(name string) bool) error
	StatesOf(deckID string, ids []string) ([]storage.CardState, error)
	// DeckSize and EachCardStat read what a plan needs of every card
	// of a deck (makeDay).
	DeckSize(deckID string) (int, error)
	EachCardStat(deckID string, fn func(cs *storage.CardStats) error) error
}

// planPrefix begins the names of the plans of the day among a deck's cache
// settings: planName(t) for the study day holding t ("plan" alone was the
// plan of any day, saved by flash before plans were made ahead).
const planPrefix = "plan"

// planName is the cache setting name of a deck's plan of the study day
// holding t.
func planName(t time.Time) string {
	return planPrefix + "/" + scheduler.StudyDay(t).Format(time.DateOnly)
}

// PlanKey returns the settings key under which deckID's plan of the study
// day holding t is saved (in t's time zone).
func PlanKey(deckID string, t time.Time) string { return storage.CacheKey(deckID, planName(t)) }

// isPlanName reports whether a deck's cache setting name is a plan's.
func isPlanName(name string) bool {
	return name == planPrefix || strings.HasPrefix(name, planPrefix+"/")
}

// savedVersion is the first byte of a saved plan; another is not read.
const savedVersion = 1

// savedDay is a plan of the day as read back.
type savedDay struct {
	deck  string
	plan  *exam.Plan
	day   string // the study day and zone it was made for (dayStamp)
	stamp uint64
	// extra are the cards the day studies that the due index does not
	// give (storage.Store.DueStates), by card id.
	extra []string
	// shown is, by card id, the due date and order the plan gives the
	// cards the day reads whose queue item differs from their stored
	// state.
	shown map[string]shownAs
}

// dayStamp names the study day holding t and t's zone.
func dayStamp(t time.Time) string {
	return scheduler.StudyDay(t).Format(time.RFC3339) + " " + t.Location().String()
}

// stamp sums up what a plan of deck id depends on besides its cards, its
// log and the clock: the exam, the weights, the deck's retention and
// questions, and where the answer times come from.
func (s *Session) stamp(id string, set exam.Settings) (uint64, error) {
	h := fnv.New64a()
	d := s.decks[id]
	fmt.Fprintf(h, "%s|%v|%v|%v|", set.Encode(), s.policies[id].Weights, d.Options.DesiredRetention, d.Options.NewOrder)
	for _, q := range d.Questions {
		fmt.Fprintf(h, "%s,", q.ID)
	}
	if set.Costs == nil {
		// The answer times come from the log while it is small.
		small := false
		if rc, ok := s.st.(interface{ ReviewCount() (int, error) }); ok {
			n, err := rc.ReviewCount()
			if err != nil {
				return 0, err
			}
			small = n <= SmallLog
		}
		fmt.Fprintf(h, "|log %v", small)
	}
	return h.Sum64(), nil
}

// savedPlan returns the plan of the day saved for deck id when there is
// one that holds at t, else nil.
func (s *Session) savedPlan(id string, set exam.Settings, t time.Time) (*savedDay, error) {
	if _, ok := s.st.(planStore); !ok {
		return nil, nil
	}
	v, ok, err := s.st.Setting(storage.CacheKey(id, planName(t)))
	if err != nil || !ok {
		return nil, err
	}
	sd, err := decodeSaved(v, s.policies[id].Weights, t.Location())
	if err != nil {
		return nil, nil // not one this flash reads: plan afresh
	}
	sd.deck = id
	stamp, err := s.stamp(id, set)
	if err != nil {
		return nil, err
	}
	if sd.day != dayStamp(t) || sd.stamp != stamp || sd.plan.DaysLeft == 0 {
		return nil, nil
	}
	return sd, nil
}

// savedStates reads the cards deck id's plan of the day, which ends at
// end, needs: those of the due index, most as their entries give them
// (DueCards; whole unless lazy is false), and the plan's others whole.
func (s *Session) savedStates(id string, sd *savedDay, end time.Time, lazy bool) ([]storage.CardState, error) {
	var cs []storage.CardState
	var err error
	if lazy {
		cs, err = s.st.DueCards(id, end)
	} else {
		cs, err = s.st.DueStates(id, end)
	}
	if err != nil {
		return nil, err
	}
	return s.withExtra(id, sd, cs)
}

// withExtra returns cs, deck id's states from the due index, with those
// of the other cards sd studies.
func (s *Session) withExtra(id string, sd *savedDay, cs []storage.CardState) ([]storage.CardState, error) {
	if len(sd.extra) == 0 {
		return cs, nil
	}
	have := make(map[string]bool, len(cs))
	for i := range cs {
		have[cs[i].ID] = true
	}
	more := make([]string, 0, len(sd.extra))
	for _, c := range sd.extra {
		if !have[c] {
			more = append(more, c)
		}
	}
	extra, err := s.st.(planStore).StatesOf(id, more)
	if err != nil {
		return nil, err
	}
	return append(cs, extra...), nil
}

// apply gives deck's items the due dates and order of the saved plan and
// returns the policy to study them with (as exam.Plan.Apply does with a
// plan made afresh).
func (sd *savedDay) apply(items []scheduler.Item, pol scheduler.Policy, done scheduler.Done, s *Session) scheduler.Policy {
	for k := range items {
		it := &items[k]
		if it.Deck != sd.deck {
			continue
		}
		sh, ok := sd.shown[it.Key[len(it.Deck)+1:]]
		if !ok {
			continue
		}
		if s.shown == nil {
			s.shown = map[string]shownAs{}
		}
		it.Order = sh.order
		if it.Card.State == fsrs.Review {
			it.Card.Due = sh.due
		}
		s.shown[it.Key] = shownAs{it.Card.Due, it.Order}
	}
	return sd.plan.Policy(pol, done)
}

// SavePlans saves the plans of the day and of the next AheadDays study days
// of each deck of the session with an exam ahead at the session's clock,
// where none is saved for them, so that the next session of the day and
// the first of each of those days start without planning. A session calls it when
// it ends; nothing it studies changes.
func (s *Session) SavePlans() error {
	if _, ok := s.st.(planStore); !ok {
		return nil
	}
	t := s.now()
	exams, err := s.examsAhead(t)
	if err != nil {
		return err
	}
	for _, id := range s.ids {
		if set, ok := exams[id]; ok {
			if err := s.saveDays(id, set, t); err != nil {
				return fmt.Errorf("save the exam plan of %s: %w", id, err)
			}
		}
	}
	return nil
}

// SavePlan saves the plans of the day at now and of the next AheadDays
// study days of deck deckID (see Session.SavePlans): 'flash exam' calls it when it sets
// an exam, 'flash import' after an import. It does nothing when the deck has no exam ahead or st cannot
// keep it.
func SavePlan(st Store, decks []storage.DeckInfo, deckID string, now time.Time) error {
	s, err := newBare(st, decks, deckID, func() time.Time { return now })
	if err != nil {
		return err
	}
	return s.SavePlans()
}

// newBare is a session of deckID without its queue.
func newBare(st Store, decks []storage.DeckInfo, deckID string, now func() time.Time) (*Session, error) {
	s := &Session{st: st, now: now, decks: map[string]storage.DeckInfo{}, cards: map[string]*storage.CardState{}}
	s.policies = map[string]scheduler.Policy{}
	if err := s.addDecks(decks, deckID); err != nil {
		return nil, err
	}
	return s, nil
}

// filtered reports whether the session studies part of its decks
// (--question, --tag, --ahead): then its queue's items are not all the
// decks' studyable cards.
func (s *Session) filtered() bool {
	return len(s.opts.Questions) > 0 || s.opts.Tag != "" || s.opts.Ahead
}

// saveDays saves deck id's plans of the study day holding t and of the
// next one (when the exam is still ahead then), where none is saved, in
// one transaction, and drops the deck's plans of other days.
func (s *Session) saveDays(id string, set exam.Settings, t time.Time) error {
	values := map[string]string{}
	planning := false
	plan := func(t time.Time) error {
		if !planning && s.BeforePlanning != nil {
			s.BeforePlanning()
		}
		planning = true
		sd, _, err := s.makeDay(id, set, t)
		if sd != nil {
			values[planName(t)] = sd.encode()
		}
		return err
	}
	stamp, err := s.stamp(id, set)
	if err != nil {
		return err
	}
	sameDay := dayStamp(s.builtAt) == dayStamp(t)
	var saved bool
	if !(s.fromSaved[id] && !s.changed && sameDay) {
		// Read whole: a session of the day that found today's plan
		// damaged planned afresh, and saves that one.
		sd, err := s.savedPlan(id, set, t)
		if err != nil {
			return err
		}
		saved = sd != nil
	}
	switch {
	case s.fromSaved[id] && !s.changed && sameDay:
		// Read as saved today, and nothing changed since.
	case saved:
		// Saved already (by 'flash exam', an import or another session).
	case s.made[id] != nil && !s.changed && sameDay:
		// Made when the queue was built, and nothing changed since.
		values[planName(t)] = s.made[id].encode()
	case s.exams[id] != nil && !s.fromSaved[id] && s.made[id] == nil && !s.changed && !s.filtered() && sameDay:
		// Nothing changed since the queue was built with a plan made
		// then: save that one.
		v, err := s.encodeBuilt(id, set)
		if err != nil {
			return err
		}
		if v != "" {
			values[planName(t)] = v
		}
	default:
		if err := plan(t); err != nil {
			return err
		}
	}
	keep := []string{planName(t)}
	next := t
	at, atErr := set.At(t.Location())
	for range AheadDays {
		next = scheduler.NextStudyDay(next)
		if atErr != nil || exam.DaysLeft(at, next) <= 0 {
			break
		}
		keep = append(keep, planName(next))
		if saved, err = s.hasSaved(id, next, stamp); err != nil {
			return err
		}
		if !saved {
			if err := plan(next); err != nil {
				return err
			}
		}
	}
	if len(values) == 0 {
		return nil
	}
	return s.st.(planStore).SetCaches(id, values, func(name string) bool {
		return isPlanName(name) && !slices.Contains(keep, name)
	})
}

// AheadDays is how many study days after the day a session ends in (or
// 'flash exam' or an import runs in) get their plan made ahead and saved:
// the first start of each of them, also after a day or two without study,
// reads its plan instead of making it.
const AheadDays = 3

// makeDay makes deck id's plan for the study day holding t afresh, as
// planDay did from the deck's states and queue items (see its test), and
// returns it as saved, with the due index's states it read
// (storage.DueStates to the day's end): a session of the day studies from
// it what it would study from a plan made from the deck's states. It
// returns a nil plan when there is nothing to save (the exam day has
// come, or returnsToday) or the store cannot read CardStats.
//
// It reads the deck's cards twice as CardStats in batches (no string,
// time or text per card): to plan them (exam.Builder), then to find the
// due dates and order the plan gives those the day reads. So it keeps
// nothing per card but what the planner works with: on 10k cards a
// short-lived process pays for every page of memory it touches for the
// first time.
func (s *Session) makeDay(id string, set exam.Settings, t time.Time) (*savedDay, []storage.CardState, error) {
	ps, ok := s.st.(planStore)
	if !ok {
		return nil, nil, nil
	}
	end := scheduler.NextStudyDay(t)
	tn, en := t.UnixNano(), end.UnixNano()
	n, r, err := s.st.DoneSince(id, scheduler.StudyDay(t))
	if err != nil {
		return nil, nil, err
	}
	h, err := s.history(id, set, scheduler.Done{New: n, Reviews: r})
	if err != nil {
		return nil, nil, err
	}
	size, err := ps.DeckSize(id)
	if err != nil {
		return nil, nil, err
	}
	b, err := exam.NewBuilder(s.st, s.decks[id], set, h, t, true, size)
	if err != nil {
		return nil, nil, err
	}
	err = ps.EachCardStat(id, func(cs *storage.CardStats) error {
		for i := range cs.Cards {
			// returnsToday
			if b := cs.Cards[i].BuriedUntil; b != storage.NoTime && b > tn && b < en {
				return errReturnsToday
			}
		}
		b.Add(cs)
		return nil
	})
	if err == errReturnsToday {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	p := b.Plan()
	if p.DaysLeft == 0 {
		return nil, nil, nil
	}
	due, err := s.st.DueStates(id, end)
	if err != nil {
		return nil, nil, err
	}
	// What encodeDay does with the deck's studyable items, p applied
	// (Plan.Apply), in their order: the cards the day reads (the due
	// index's, the reviews the plan has today and the first one after
	// today) with the due date and order the plan gives them where they
	// differ from their stored state.
	read := make(map[string]bool, len(due))
	for i := range due {
		read[due[i].ID] = true
	}
	var extra []string
	shown := map[string]shownAs{}
	var later struct { // byDue's first review after today
		id    string
		due   time.Time
		order int
		shown bool // its due date or order differ from its state's
	}
	j := -1 // the plan's card
	err = ps.EachCardStat(id, func(cs *storage.CardStats) error {
		for i := range cs.Cards {
			c := &cs.Cards[i]
			if c.Retired || c.Suspended {
				continue
			}
			j++
			if tn < c.BuriedUntil { // not studyable at t
				continue
			}
			d0, o0 := statTime(c.Due), int(c.Order)
			d, o := p.Shown(j, c.State, d0, o0)
			changed := !d0.Equal(d) || o0 != o
			cid := cs.IDBytes(i)
			if c.State == fsrs.Review && d.Before(end) && !read[string(cid)] {
				read[string(cid)] = true
				extra = append(extra, string(cid))
			}
			if changed && read[string(cid)] {
				shown[string(cid)] = shownAs{d, o}
			}
			if c.State != fsrs.Review || d.Before(end) {
				continue
			}
			// byDue, the keys of one deck compared by their card ids.
			if cmp := d.Compare(later.due); later.id == "" || cmp < 0 || cmp == 0 && (o < later.order || o == later.order && string(cid) < later.id) {
				later.id, later.due, later.order, later.shown = string(cid), d, o, changed
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if later.id != "" && !read[later.id] {
		// Not read on its own: nothing is added to read after a
		// card's turn but those due today.
		extra = append(extra, later.id)
		if later.shown {
			shown[later.id] = shownAs{later.due, later.order}
		}
	}
	stamp, err := s.stamp(id, set)
	if err != nil {
		return nil, nil, err
	}
	return &savedDay{deck: id, plan: p, day: dayStamp(t), stamp: stamp, extra: extra, shown: shown}, due, nil
}

// errReturnsToday stops makeDay's reading (returnsToday).
var errReturnsToday = errors.New("a card comes back from a bury today")

// statTime is a time of a CardStat as the card's state holds it.
func statTime(n int64) time.Time {
	if n == storage.NoTime {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// encodeBuilt returns the plan of deck id the queue was built with, at
// s.builtAt, from the queue's items (the plan applied) and s.shown, as
// saved: what planDay would make at s.builtAt, as nothing changed since.
// It returns "" when the plan cannot be saved (returnsToday).
func (s *Session) encodeBuilt(id string, set exam.Settings) (string, error) {
	var deck []*storage.CardState
	for _, c := range s.cards {
		if c.Deck == id {
			deck = append(deck, c)
		}
	}
	if returnsToday(slices.Values(deck), s.builtAt) {
		return "", nil
	}
	p := s.exams[id]
	items := make([]scheduler.Item, 0, len(s.items))
	for _, it := range s.items {
		if it.Deck == id {
			items = append(items, it)
		}
	}
	return s.encodeDay(id, set, p, items, func(k int) (shownAs, bool) {
		sh, ok := s.shown[items[k].Key]
		return sh, ok
	}, s.builtAt)
}

// returnsToday reports whether a card of cards is buried until a time
// after t within t's study day (buried in another time zone, whose day
// starts at another hour): a session later that day studies it, one at t
// does not, so a plan made at t does not hold for the whole day and is not
// saved.
func returnsToday(cards iter.Seq[*storage.CardState], t time.Time) bool {
	end := scheduler.NextStudyDay(t)
	for c := range cards {
		if c.BuriedUntil.After(t) && c.BuriedUntil.Before(end) {
			return true
		}
	}
	return false
}

// encodeDay returns plan p of deck id made at t as saved, given the deck's
// studyable items with p applied and, by item, the due date and order p
// gave it where they differ from its stored state.
func (s *Session) encodeDay(id string, set exam.Settings, p *exam.Plan, items []scheduler.Item, shownOf func(k int) (shownAs, bool), t time.Time) (string, error) {
	end := scheduler.NextStudyDay(t)
	// The cards a session of the day reads: the due index's, the reviews
	// the plan has today and the first one after today.
	due, err := s.st.DueStates(id, end)
	if err != nil {
		return "", err
	}
	read := make(map[string]bool, len(due))
	for i := range due {
		read[due[i].ID] = true
	}
	var extra []string
	later := -1
	for k, it := range items {
		if it.Card.State != fsrs.Review {
			continue
		}
		if it.Card.Due.Before(end) {
			if c := it.Key[len(it.Deck)+1:]; !read[c] {
				read[c] = true
				extra = append(extra, c)
			}
		} else if later < 0 || byDue(it, items[later]) {
			later = k
		}
	}
	if later >= 0 {
		if c := items[later].Key[len(id)+1:]; !read[c] {
			read[c] = true
			extra = append(extra, c)
		}
	}
	shown := map[string]shownAs{}
	for k, it := range items {
		c := it.Key[len(it.Deck)+1:]
		if !read[c] {
			continue
		}
		if sh, ok := shownOf(k); ok {
			shown[c] = sh
		}
	}
	stamp, err := s.stamp(id, set)
	if err != nil {
		return "", err
	}
	sd := &savedDay{deck: id, plan: p, day: dayStamp(t), stamp: stamp, extra: extra, shown: shown}
	return sd.encode(), nil
}

// byDue orders review items as the queue does: by due date, then order,
// then key.
func byDue(a, b scheduler.Item) bool {
	if c := a.Card.Due.Compare(b.Card.Due); c != 0 {
		return c < 0
	}
	if a.Order != b.Order {
		return a.Order < b.Order
	}
	return a.Key < b.Key
}

// encode returns sd as saved: its version, day, stamp, the plan's summary,
// then the extra cards and the shown ones, each card id with its length
// (uvarints), due dates as unix nanoseconds (varints, the zero time as
// math.MinInt64).
func (sd *savedDay) encode() string {
	b := []byte{savedVersion}
	b = appendBytes(b, []byte(sd.day))
	b = binary.BigEndian.AppendUint64(b, sd.stamp)
	b = appendBytes(b, sd.plan.EncodeSummary())
	b = binary.AppendUvarint(b, uint64(len(sd.extra)))
	for _, c := range sd.extra {
		b = appendBytes(b, []byte(c))
	}
	ids := make([]string, 0, len(sd.shown))
	for c := range sd.shown {
		ids = append(ids, c)
	}
	slices.Sort(ids) // the same plan saves the same bytes
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, c := range ids {
		sh := sd.shown[c]
		b = appendBytes(b, []byte(c))
		due := int64(math.MinInt64)
		if !sh.due.IsZero() {
			due = sh.due.UnixNano()
		}
		b = binary.AppendVarint(b, due)
		b = binary.AppendVarint(b, int64(sh.order))
	}
	return string(b)
}

func appendBytes(b, v []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(v))), v...)
}

var errSaved = errors.New("saved exam plan: damaged")

// decodeSaved reads a saved plan for a deck scheduled with weights w, its
// times in loc.
func decodeSaved(v string, w fsrs.Weights, loc *time.Location) (*savedDay, error) {
	return readSaved(v, w, loc, true)
}

// readSaved reads v as a saved plan; when decode is false it only checks
// it: the plan's figures with json.Valid instead of decoding them, and the
// cards' ids, due dates and orders walked, not kept (the savedDay has day
// and stamp only).
func readSaved(v string, w fsrs.Weights, loc *time.Location, decode bool) (*savedDay, error) {
	r := reader{b: []byte(v)}
	if len(r.b) == 0 || r.b[0] != savedVersion {
		return nil, errSaved
	}
	r.p = 1
	sd := &savedDay{day: string(r.bytes())}
	sd.stamp = r.u64()
	summary := r.bytes()
	if r.err != nil {
		return nil, r.err
	}
	if !decode {
		if !json.Valid(summary) {
			return nil, errSaved
		}
	} else {
		p, err := exam.DecodeSummary(summary, w, loc)
		if err != nil {
			return nil, err
		}
		sd.plan = p
	}
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		return nil, errSaved
	}
	if decode {
		sd.extra = make([]string, 0, n)
	}
	for range n {
		c := r.bytes()
		if decode {
			sd.extra = append(sd.extra, string(c))
		}
	}
	n = r.uvarint()
	if n > uint64(len(r.b)) {
		return nil, errSaved
	}
	if decode {
		sd.shown = make(map[string]shownAs, n)
	}
	for range n {
		c := r.bytes()
		due, order := r.varint(), r.varint()
		if !decode {
			continue
		}
		var t time.Time
		if due != math.MinInt64 {
			t = time.Unix(0, due).In(loc)
		}
		sd.shown[string(c)] = shownAs{t, int(order)}
	}
	if r.err != nil || r.p != len(r.b) {
		return nil, errSaved
	}
	return sd, nil
}

// hasSaved reports whether a plan of the study day holding t is saved for
// deck id with stamp, whole and well formed (savedWhole), without decoding
// it: saveDays asks it of each of the days ahead at the end of every
// session. Should its figures not decode after all, the session of that
// day plans afresh and saves its plan (saveDays reads today's whole).
func (s *Session) hasSaved(id string, t time.Time, stamp uint64) (bool, error) {
	v, ok, err := s.st.Setting(storage.CacheKey(id, planName(t)))
	if err != nil || !ok {
		return false, err
	}
	return savedWhole(v, dayStamp(t), stamp), nil
}

// savedWhole reports whether v is a saved plan of day with stamp, whole:
// readSaved's checks, the plan's figures with json.Valid instead of
// decoding them. Every plan decodeSaved reads is whole; one that is whole
// but whose figures do not decode is not made by this flash (a plan is
// saved whole, in one value).
func savedWhole(v, day string, stamp uint64) bool {
	sd, err := readSaved(v, fsrs.Weights{}, nil, false)
	return err == nil && sd.day == day && sd.stamp == stamp
}

// reader reads a saved plan; the first fault sticks in err.
type reader struct {
	b   []byte
	p   int
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.p:])
	if n <= 0 {
		r.err = errSaved
		return 0
	}
	r.p += n
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.p:])
	if n <= 0 {
		r.err = errSaved
		return 0
	}
	r.p += n
	return v
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)-r.p) {
		r.err = errSaved
		return nil
	}
	v := r.b[r.p : r.p+int(n)]
	r.p += int(n)
	return v
}

func (r *reader) u64() uint64 {
	if r.err != nil || len(r.b)-r.p < 8 {
		r.err = errSaved
		return 0
	}
	v := binary.BigEndian.Uint64(r.b[r.p:])
	r.p += 8
	return v
}
