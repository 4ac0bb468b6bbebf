package session

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/storage"
)

// A deck with an exam ahead is studied with the plan of the day. Making
// it reads every card of the deck and runs the planner (on 10k cards most
// of the time to the first card), so the plan of the day is saved with
// the deck (a cache setting, storage.CacheKey(deck, "plan")): what the
// session takes from it, the plan's days and figures, which cards it
// studies today and the due dates and order it gives the cards the day
// reads. A later session of the same study day reads the day's cards and
// the saved plan instead of the whole deck and plans nothing.
//
// The saved plan is the plan made from the store as it was when it was
// saved. Storage drops it in the same transaction as any change of the
// deck's cards or log (a rating, an undo, a suspend or bury, an import)
// and with any change of a setting (the exam, fitted weights), and a
// session takes it only within the study day it was made for, not before
// the time it was made, in the same time zone, for the same exam,
// weights, retention and questions (stamp): so a session studies from a
// saved plan exactly what it would study from one made afresh as of the
// time the saved one was made (as a session left open since then does).
// It is saved when a session ends (SavePlans) and when 'flash exam' sets
// the exam (SavePlan). The first session of a study day still plans: a
// plan made ahead for it would differ slightly from one made when it
// starts, as the planner takes the time of day.

// planStore is what saving and reading a plan of the day needs beyond
// Store; *storage.Store has it. A store without it plans afresh every
// time.
type planStore interface {
	SetSetting(key, value string) error
	StatesOf(deckID string, ids []string) ([]storage.CardState, error)
}

// planName is the name of the plan of the day among a deck's cache
// settings.
const planName = "plan"

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
	v, ok, err := s.st.Setting(storage.CacheKey(id, planName))
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
	if sd.day != dayStamp(t) || sd.stamp != stamp || t.Before(sd.plan.Now) || sd.plan.DaysLeft == 0 {
		return nil, nil
	}
	return sd, nil
}

// savedStates reads the cards deck id's plan of the day needs: those of
// the due index and the plan's others.
func (s *Session) savedStates(id string, sd *savedDay, end time.Time) ([]storage.CardState, error) {
	cs, err := s.st.DueStates(id, end)
	if err != nil || len(sd.extra) == 0 {
		return cs, err
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

// SavePlans saves the plan of the day of each deck of the session with an
// exam ahead at the session's clock, where none is saved for it, so that
// the next session of the day starts without planning. A session calls it
// when it ends; nothing it studies changes.
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
		set, ok := exams[id]
		if !ok {
			continue
		}
		if s.fromSaved[id] && !s.changed && dayStamp(s.builtAt) == dayStamp(t) {
			continue // read as saved today, and nothing changed since
		}
		sd, err := s.savedPlan(id, set, t)
		if err != nil {
			return err
		}
		if sd != nil {
			continue
		}
		if s.exams[id] != nil && !s.fromSaved[id] && !s.changed && !s.filtered() && dayStamp(s.builtAt) == dayStamp(t) {
			// Nothing changed since the queue was built with a plan
			// made then: save that one.
			if err := s.saveBuilt(id, set); err != nil {
				return fmt.Errorf("save the exam plan of %s: %w", id, err)
			}
			continue
		}
		if err := s.savePlan(id, set, t); err != nil {
			return fmt.Errorf("save the exam plan of %s: %w", id, err)
		}
	}
	return nil
}

// SavePlan saves the plan of the day at now of deck deckID (see
// Session.SavePlans): 'flash exam' calls it when it sets or shows an exam.
// It does nothing when the deck has no exam ahead or st cannot keep it.
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

// saveBuilt saves the plan of deck id the queue was built with, at
// s.builtAt, from the queue's items (the plan applied) and s.shown: what
// savePlan would make at s.builtAt, as nothing changed since.
func (s *Session) saveBuilt(id string, set exam.Settings) error {
	p := s.exams[id]
	items := make([]scheduler.Item, 0, len(s.items))
	for _, it := range s.items {
		if it.Deck == id {
			items = append(items, it)
		}
	}
	return s.saveDay(id, set, p, items, func(k int) (shownAs, bool) {
		sh, ok := s.shown[items[k].Key]
		return sh, ok
	}, s.builtAt)
}

// savePlan makes deck id's plan at t afresh, as build does, and saves what
// a session of the day needs of it.
func (s *Session) savePlan(id string, set exam.Settings, t time.Time) error {
	day := scheduler.StudyDay(t)
	n, r, err := s.st.DoneSince(id, day)
	if err != nil {
		return err
	}
	done := scheduler.Done{New: n, Reviews: r}
	states, err := s.st.States(id)
	if err != nil {
		return err
	}
	var items []scheduler.Item
	for i := range states {
		if c := &states[i]; studyable(c, t) {
			items = append(items, itemOf(c))
		}
	}
	before := make([]shownAs, len(items))
	for k, it := range items {
		before[k] = shownAs{it.Card.Due, it.Order}
	}
	h, err := s.history(id, set, done)
	if err != nil {
		return err
	}
	p, err := exam.ForDeck(s.st, s.decks[id], set, states, h, t, true)
	if err != nil || p.DaysLeft == 0 {
		return err
	}
	p.Apply(items, s.policies[id], done)
	return s.saveDay(id, set, p, items, func(k int) (shownAs, bool) {
		it, b := items[k], before[k]
		if !b.due.Equal(it.Card.Due) || b.order != it.Order {
			return shownAs{it.Card.Due, it.Order}, true
		}
		return shownAs{}, false
	}, t)
}

// saveDay saves plan p of deck id made at t, given the deck's studyable
// items with p applied and, by item, the due date and order p gave it
// where they differ from its stored state.
func (s *Session) saveDay(id string, set exam.Settings, p *exam.Plan, items []scheduler.Item, shownOf func(k int) (shownAs, bool), t time.Time) error {
	ps := s.st.(planStore)
	end := scheduler.NextStudyDay(t)
	// The cards a session of the day reads: the due index's, the reviews
	// the plan has today and the first one after today.
	due, err := s.st.DueStates(id, end)
	if err != nil {
		return err
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
		return err
	}
	sd := &savedDay{deck: id, plan: p, day: dayStamp(t), stamp: stamp, extra: extra, shown: shown}
	return ps.SetSetting(storage.CacheKey(id, planName), sd.encode())
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
	p, err := exam.DecodeSummary(summary, w, loc)
	if err != nil {
		return nil, err
	}
	sd.plan = p
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		return nil, errSaved
	}
	sd.extra = make([]string, 0, n)
	for range n {
		sd.extra = append(sd.extra, string(r.bytes()))
	}
	n = r.uvarint()
	if n > uint64(len(r.b)) {
		return nil, errSaved
	}
	sd.shown = make(map[string]shownAs, n)
	for range n {
		c := string(r.bytes())
		due, order := r.varint(), r.varint()
		var t time.Time
		if due != math.MinInt64 {
			t = time.Unix(0, due).In(loc)
		}
		sd.shown[c] = shownAs{t, int(order)}
	}
	if r.err != nil || r.p != len(r.b) {
		return nil, errSaved
	}
	return sd, nil
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
