// Package gen builds synthetic flash databases for benchmarks: a deck of N
// cards and M review-log entries written through package storage, with
// ratings, intervals and states from the real scheduler (go-fsrs, fuzz on)
// over simulated study days. The result depends only on the Config.
package gen

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/storagetest"
)

// Config says what to generate. Zero fields take the defaults noted.
type Config struct {
	Cards   int    // cards in the deck
	Reviews int    // review-log entries
	Seed    uint64 // everything random derives from it
	DeckID  string // default "gen"
	// End is when the history ends: the whole simulated history is
	// moved by whole days so that its last review falls on End's day,
	// shortly before End's time of day; default 2025-06-01 21:00 UTC.
	// A database to review today wants End = now.
	End time.Time
	// NewPerDay is how many new cards the simulated learner starts a
	// day; default max(20, Cards/150), so a 10k deck is begun in about
	// five months.
	NewPerDay int
}

func (c Config) withDefaults() Config {
	if c.DeckID == "" {
		c.DeckID = "gen"
	}
	if c.End.IsZero() {
		c.End = time.Date(2025, 6, 1, 21, 0, 0, 0, time.UTC)
	}
	if c.NewPerDay <= 0 {
		c.NewPerDay = max(20, c.Cards/150)
	}
	return c
}

// questions is how many exam questions the generated deck has.
const questions = 13

// Deck returns the generated deck of c.Cards basic cards over 13
// questions, with fronts and backs about as long as the built-in deck's.
func Deck(c Config) *deck.Deck {
	c = c.withDefaults()
	d := &deck.Deck{
		Format: deck.Format, ID: c.DeckID, Title: "Generated deck", Language: "en",
		Options: deck.Options{DesiredRetention: 0.9, NewPerDay: 20, ReviewsPerDay: 200},
	}
	for q := range questions {
		d.Questions = append(d.Questions, deck.Question{
			ID: fmt.Sprintf("q%d", q+1), Paper: fmt.Sprintf("Paper %d (Author et al., 20%02d)", q/4+1, 17+q/4),
			Text: fmt.Sprintf("Exam question %d: derive the result and explain each step of it.", q+1),
		})
	}
	rng := rand.New(rand.NewPCG(c.Seed, 1))
	words := strings.Fields("kernel gradient flow eigenvalue Θ ∂L/∂θ λᵢ attention softmax φ(x) recurrence Σᵢ energy β width initialisation feature σ spectrum")
	text := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		return b.String()
	}
	d.Cards = make([]deck.Card, c.Cards)
	for i := range d.Cards {
		q := i % questions
		d.Cards[i] = deck.Card{
			ID:       fmt.Sprintf("q%d-card-%d", q+1, i),
			Question: d.Questions[q].ID,
			Kind:     deck.KindBasic,
			Front:    "What does " + text(8+rng.IntN(12)) + "?",
			Back:     text(20 + rng.IntN(40)),
			Tags:     []string{"gen", "q" + strconv.Itoa(q+1)},
		}
	}
	return d
}

// TOML returns d as a deck file that deck.Parse reads back to d.
func TOML(d *deck.Deck) []byte {
	var b strings.Builder
	q := strconv.Quote
	fmt.Fprintf(&b, "format = %d\nid = %s\ntitle = %s\nlanguage = %s\n", d.Format, q(d.ID), q(d.Title), q(d.Language))
	fmt.Fprintf(&b, "\n[options]\ndesired_retention = %g\nnew_per_day = %d\nreviews_per_day = %d\n",
		d.Options.DesiredRetention, d.Options.NewPerDay, d.Options.ReviewsPerDay)
	for _, x := range d.Questions {
		fmt.Fprintf(&b, "\n[[question]]\nid = %s\npaper = %s\ntext = %s\n", q(x.ID), q(x.Paper), q(x.Text))
	}
	for _, c := range d.Cards {
		fmt.Fprintf(&b, "\n[[card]]\nid = %s\nquestion = %s\nfront = %s\nback = %s\n", q(c.ID), q(c.Question), q(c.Front), q(c.Back))
		if len(c.Tags) > 0 {
			tags := make([]string, len(c.Tags))
			for i, t := range c.Tags {
				tags[i] = q(t)
			}
			fmt.Fprintf(&b, "tags = [%s]\n", strings.Join(tags, ", "))
		}
	}
	return []byte(b.String())
}

// Info describes a generated database.
type Info struct {
	Cards, Reviews int
	Introduced     int       // cards rated at least once
	Suspended      int       // leeches
	First, Last    time.Time // first and last review
	Days           int       // study days simulated
}

// chunk is how many reviews go into one storagetest.History.Append transaction.
const chunk = 50_000

// Build creates a new database at path (which must not exist), imports
// Deck(c) and appends c.Reviews entries simulated as below. It writes
// through storage.Import and storagetest.History: the records are exactly
// what flash would have written for the same history, and so is the page
// layout but for the order of writes (the cards' final states first, then
// the log in appends of 50,000 entries), so that the file holds no more
// free pages than years of single ratings would leave.
//
// The learner studies once a day, starting at 09:00: every card due by
// the end of the session, then NewPerDay new cards; a card in a learning
// step comes back as soon as its step is over. A review-state card is
// recalled with the probability FSRS predicts (Hard 15 %, Good 75 %, Easy
// 10 % of recalls); a new or learning card gets Again 20 %, Hard 15 %,
// Good 55 %, Easy 10 %. Each answer takes 3 to 30 s. A leech is suspended
// and not studied again. Days without anything due are skipped.
func Build(path string, c Config) (Info, error) {
	c = c.withDefaults()
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		return Info{}, err
	}
	info, err := build(st, c)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return info, err
}

// simStart is where the simulation starts; Build then moves the history
// to end at Config.End.
var simStart = time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)

// shift returns how far to move the simulated history: whole days, so
// that its last review falls on end's day, and at most 30 minutes before
// end's time of day, earlier still when that day's session started late.
// It also returns the learner at the end of the history.
func shift(c Config) (time.Duration, *sim, error) {
	g := newSim(c)
	var last time.Time
	for range c.Reviews {
		r, ok := g.next()
		if !ok {
			return 0, nil, fmt.Errorf("generate: every card is suspended after fewer than %d reviews", c.Reviews)
		}
		last = r.At
	}
	days := 0
	for t := last; t.AddDate(0, 0, 1).Before(c.End.Add(-30 * time.Minute)); t = t.AddDate(0, 0, 1) {
		days++
	}
	for t := last; t.AddDate(0, 0, days).After(c.End.Add(-30 * time.Minute)); {
		days--
	}
	return last.AddDate(0, 0, days).Sub(last), g, nil
}

func move(c *fsrs.Card, d time.Duration) {
	if !c.Due.IsZero() {
		c.Due = c.Due.Add(d)
	}
	if !c.LastReview.IsZero() {
		c.LastReview = c.LastReview.Add(d)
	}
}

func build(st *storage.Store, c Config) (Info, error) {
	d := Deck(c)
	by, end, err := shift(c)
	if err != nil {
		return Info{}, err
	}
	if _, err := st.Import(d, storage.Source{Hash: fmt.Sprintf("gen-%d", c.Seed)}, simStart.Add(by-time.Hour), false); err != nil {
		return Info{}, err
	}
	// The final states first, then the log: see storagetest.History.
	final := map[string]fsrs.Card{}
	var leeches []string
	for i, card := range end.cards {
		if card.Reps == 0 && card.LastReview.IsZero() {
			continue // never rated: as imported
		}
		move(&card, by)
		final[d.Cards[i].ID] = card
		if end.leech[i] {
			leeches = append(leeches, d.Cards[i].ID)
		}
	}
	h, err := storagetest.NewHistory(st, d.ID, final, leeches)
	if err != nil {
		return Info{}, err
	}
	info := Info{Cards: c.Cards}
	sim := newSim(c)
	buf := make([]storage.Review, 0, min(chunk, c.Reviews))
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		if err := h.Append(buf); err != nil {
			return err
		}
		buf = buf[:0]
		return nil
	}
	for info.Reviews < c.Reviews {
		r, ok := sim.next()
		if !ok {
			return info, fmt.Errorf("generate: every card is suspended after %d reviews", info.Reviews)
		}
		r.Deck, r.Card = d.ID, d.Cards[sim.last].ID
		r.At = r.At.Add(by)
		move(&r.Before, by)
		move(&r.After, by)
		if info.Reviews == 0 {
			info.First = r.At
		}
		info.Last = r.At
		info.Reviews++
		buf = append(buf, r)
		if len(buf) == chunk {
			if err := flush(); err != nil {
				return info, err
			}
		}
	}
	if err := flush(); err != nil {
		return info, err
	}
	if err := h.Finish(); err != nil {
		return info, err
	}
	// The summary a learner's first session after this history writes.
	if err := stats.Summarize(st, c.End); err != nil {
		return info, err
	}
	info.Introduced, info.Suspended, info.Days = sim.introduced, sim.suspended, sim.days
	return info, nil
}

// sim is the simulated learner.
type sim struct {
	c     Config
	s     *scheduler.Scheduler
	rng   *rand.Rand
	cards []fsrs.Card
	leech []bool // suspended as a leech
	due   dueHeap

	introduced, suspended, days int
	day                         time.Time // start of the current session
	end                         time.Time // the session ends at the next study day
	now                         time.Time
	last                        int // the card of the last review
}

func newSim(c Config) *sim {
	g := &sim{
		c: c, s: scheduler.New(scheduler.Policy{DesiredRetention: 0.9}),
		rng: rand.New(rand.NewPCG(c.Seed, 2)), cards: make([]fsrs.Card, c.Cards), leech: make([]bool, c.Cards),
	}
	for i := range g.cards {
		g.cards[i] = fsrs.NewCard()
	}
	g.startDay(simStart)
	return g
}

// startDay begins a session at t and brings in the day's new cards.
func (g *sim) startDay(t time.Time) {
	g.day, g.now, g.days = t, t, g.days+1
	g.end = scheduler.NextStudyDay(t)
	for range g.c.NewPerDay {
		if g.introduced == len(g.cards) {
			break
		}
		// New cards come after what is due now, in deck order.
		heap.Push(&g.due, dueCard{at: t.Add(time.Duration(g.introduced)), i: g.introduced})
		g.introduced++
	}
}

// next simulates one review.
func (g *sim) next() (storage.Review, bool) {
	for {
		if len(g.due) == 0 {
			if g.introduced == len(g.cards) {
				return storage.Review{}, false
			}
			g.startDay(g.day.AddDate(0, 0, 1))
			continue
		}
		top := g.due[0]
		if !top.at.Before(g.end) {
			// Nothing more today: the next session is on the day the
			// next card falls due (or tomorrow, for new cards).
			next := g.day.AddDate(0, 0, 1)
			if g.introduced == len(g.cards) {
				for next.AddDate(0, 0, 1).Before(top.at) {
					next = next.AddDate(0, 0, 1)
				}
			}
			g.startDay(next)
			continue
		}
		heap.Pop(&g.due)
		if g.now.Before(top.at) {
			g.now = top.at
		}
		i := top.i
		before := g.cards[i]
		rating := g.rating(before)
		out := g.s.Rate(strconv.Itoa(i), before, g.now, g.now, rating) // any stable per-card key seeds the fuzz
		dur := time.Duration(3000+g.rng.IntN(27000)) * time.Millisecond
		r := storage.Review{
			At: g.now, Rating: rating, Before: before, After: out.Card,
			ElapsedDays: out.Log.ElapsedDays, ScheduledDays: out.Card.ScheduledDays,
			Duration: dur, Leech: scheduler.IsLeech(before, out.Card),
		}
		g.cards[i] = out.Card
		g.last = i
		g.now = g.now.Add(dur)
		if r.Leech {
			g.suspended++
			g.leech[i] = true
		} else {
			heap.Push(&g.due, dueCard{at: out.Card.Due, i: i})
		}
		return r, true
	}
}

func (g *sim) rating(c fsrs.Card) fsrs.Rating {
	x := g.rng.Float64()
	if c.State == fsrs.Review {
		if x >= g.s.Retrievability(c, g.now) {
			return fsrs.Again
		}
		switch x = g.rng.Float64(); {
		case x < 0.15:
			return fsrs.Hard
		case x < 0.90:
			return fsrs.Good
		}
		return fsrs.Easy
	}
	switch {
	case x < 0.20:
		return fsrs.Again
	case x < 0.35:
		return fsrs.Hard
	case x < 0.90:
		return fsrs.Good
	}
	return fsrs.Easy
}

type dueCard struct {
	at time.Time
	i  int
}

type dueHeap []dueCard

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(a, b int) bool {
	if !h[a].at.Equal(h[b].at) {
		return h[a].at.Before(h[b].at)
	}
	return h[a].i < h[b].i
}
func (h dueHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(dueCard)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
