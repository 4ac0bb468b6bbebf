package stats

import (
	"slices"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// cardStats accumulates the figures taken from the card states in one
// pass, batch by batch in card order (storage.Store.EachCardStat):
// readiness, card counts, forecast, memory, what NewToday needs and the
// suspended and flagged lists. It keeps a few numbers per deck and per
// question, not per card: its add allocates only for the cards it names
// (the weakest of each question, the suspended and flagged ones listed).
type cardStats struct {
	decks   []storage.DeckInfo // the selected decks
	now, at time.Time
	nowNs   int64
	atNs    int64 // at in unix nanoseconds, when atNsOK (years 1678-2262)
	atNsOK  bool
	// days are the starts of the Days study days from today, then the
	// end of the last one, in UnixNano.
	days  [Days + 1]int64
	dates [Days]string

	// By the deck and question indexes of the batches.
	deckIDs   []string
	questions []storage.StatQuestion
	scheds    []*scheduler.Scheduler // nil for a deck not selected
	perDeck   []int                  // cards not retired
	newAvail  []int                  // new cards not suspended, retired or buried
	qs        []questionStats

	counts   CardCounts
	forecast [Days]int
	memCards int
	memS     float64
	memD     float64

	// The suspended and flagged cards (all of them, or the first
	// ListMax of each), the front still empty, and the cards of both
	// lists, once each, in card order: the fronts to read.
	all                bool
	suspended, flagged []CardRef
	listed             []storage.CardState
}

// questionStats is what readiness keeps of one question's cards.
type questionStats struct {
	cards, new, suspended int
	sum                   float64 // of the recall, in card order
	// weakest are the question's first cards in weakerRecall order, not
	// suspended, with the card's id alone as ID: within a question (of
	// one deck) it orders the cards as "deck/card" does.
	weakest []CardRecall
}

// newCardStats returns the accumulator of the cards of decks at now, with
// readiness at at, listing all suspended and flagged cards or only the
// first ListMax of each.
func newCardStats(decks []storage.DeckInfo, now, at time.Time, all bool) *cardStats {
	a := &cardStats{decks: decks, now: now, at: at, nowNs: now.UnixNano(), atNs: at.UnixNano(), all: all,
		suspended: []CardRef{}, flagged: []CardRef{}}
	a.atNsOK = time.Unix(0, a.atNs).Equal(at)
	for i, t := range studyDays(now, 0, Days) {
		a.days[i] = t.UnixNano()
		if i < Days {
			a.dates[i] = t.Format(time.DateOnly)
		}
	}
	return a
}

// add counts a batch of cards.
func (a *cardStats) add(cs *storage.CardStats) error {
	for d := len(a.deckIDs); d < len(cs.Decks); d++ {
		var sc *scheduler.Scheduler
		for _, di := range a.decks {
			if di.ID == cs.Decks[d] {
				sc = deckScheduler(di)
				break
			}
		}
		a.scheds = append(a.scheds, sc)
		a.perDeck = append(a.perDeck, 0)
		a.newAvail = append(a.newAvail, 0)
	}
	for len(a.qs) < len(cs.Questions) {
		a.qs = append(a.qs, questionStats{})
	}
	a.deckIDs, a.questions = cs.Decks, cs.Questions
	n := &a.counts
	for i := range cs.Cards {
		c := &cs.Cards[i]
		if c.Retired {
			n.Retired++
			continue
		}
		n.Total++
		a.perDeck[c.Deck]++
		switch c.State {
		case fsrs.New:
			n.New++
		case fsrs.Learning:
			n.Learning++
		case fsrs.Review:
			n.Review++
		case fsrs.Relearning:
			n.Relearning++
		}
		if c.State != fsrs.New {
			a.memCards++
			a.memS += c.Stability
			a.memD += c.Difficulty
		}
		if sc := a.scheds[c.Deck]; sc != nil {
			a.addRecall(cs, i, sc)
		}
		if c.Suspended || c.Flagged {
			a.list(cs, i)
		}
		if c.Flagged {
			n.Flagged++
		}
		if c.State == fsrs.New && !c.Suspended && a.nowNs >= c.BuriedUntil {
			a.newAvail[c.Deck]++
		}
		if c.Suspended {
			n.Suspended++
			continue
		}
		if c.State == fsrs.New {
			n.NewAvailable++
			continue
		}
		// Due when it can next be studied: at its due time, or at the
		// end of its burial when that is later. Overdue counts today.
		due := max(c.Due, c.BuriedUntil)
		if due <= a.nowNs {
			n.DueNow++
		}
		switch {
		case due < a.days[1]:
			n.DueToday++
		case due < a.days[2]:
			n.DueTomorrow++
		}
		if due < a.days[Days] {
			d := 0
			for d+1 < Days && due >= a.days[d+1] {
				d++
			}
			a.forecast[d]++
		}
	}
	return nil
}

// list adds card i of cs, not retired, suspended or flagged, to the
// lists it belongs in, unless they are full (ListMax when not all).
func (a *cardStats) list(cs *storage.CardStats, i int) {
	c := &cs.Cards[i]
	susp := c.Suspended && (a.all || len(a.suspended) < ListMax)
	flag := c.Flagged && (a.all || len(a.flagged) < ListMax)
	if !susp && !flag {
		return
	}
	deck, id := cs.Decks[c.Deck], cs.ID(i)
	ref := CardRef{ID: deck + "/" + id}
	if susp {
		a.suspended = append(a.suspended, ref)
	}
	if flag {
		a.flagged = append(a.flagged, ref)
	}
	a.listed = append(a.listed, storage.CardState{Deck: deck, ID: id})
}

// addRecall counts card i of cs, not retired, in its question's
// readiness.
func (a *cardStats) addRecall(cs *storage.CardStats, i int, sc *scheduler.Scheduler) {
	c := &cs.Cards[i]
	r := a.recall(c, sc)
	q := &a.qs[c.Question]
	q.cards++
	q.sum += r
	if c.State == fsrs.New {
		q.new++
	}
	if c.Suspended {
		// A suspended card is not one to study: not among the weakest
		// (where a new one would read "new"), but in the mean.
		q.suspended++
		return
	}
	// Not weaker than the last of a full list (cmpRecall(r, id, last) >=
	// 0): nothing to keep, and no string made of the id.
	if w := q.weakest; len(w) == WeakestPerQuestion {
		last := &w[len(w)-1]
		if !(r < last.Recall) && (r > last.Recall || string(cs.IDBytes(i)) >= last.ID) {
			return
		}
	}
	q.weakest = offerWeakest(q.weakest, CardRecall{ID: cs.ID(i), State: stateName(c.State), Recall: r}, WeakestPerQuestion)
}

// recall returns the recall sc predicts for card c at a.at: what
// sc.Retrievability gives for its memory state, the same bits, from its
// times in nanoseconds instead of through time.Time (it runs for every
// card).
func (a *cardStats) recall(c *storage.CardStat, sc *scheduler.Scheduler) float64 {
	if c.State == fsrs.New {
		return 0
	}
	d, ok := a.atNs-c.LastReview, a.atNsOK && c.LastReview != storage.NoTime
	if !ok || (d < 0) != (a.atNs < c.LastReview) {
		// No last review, a time far out, or a difference that
		// overflows: as Retrievability computes it.
		mem := fsrs.Card{State: c.State, Stability: c.Stability, Difficulty: c.Difficulty}
		if c.LastReview != storage.NoTime {
			mem.LastReview = time.Unix(0, c.LastReview)
		}
		return sc.Retrievability(mem, a.at)
	}
	// a.at.Sub(last) is d here (both times in int64 nanoseconds, the
	// difference too), and Retrievability takes its hours.
	return scheduler.ForgettingCurve(time.Duration(d).Hours()/24, c.Stability)
}

// fill writes the figures of the cards into s: readiness, counts,
// forecast, memory and the decks' card counts.
func (a *cardStats) fill(s *Stats) {
	for i := range s.Decks {
		for d, id := range a.deckIDs {
			if id == s.Decks[i].ID {
				s.Decks[i].Cards = a.perDeck[d]
			}
		}
	}
	s.Readiness = a.readiness()
	s.Cards = a.counts
	s.Cards.NewToday = a.newToday(nil)
	s.Forecast = make([]DayCount, Days)
	for i := range s.Forecast {
		s.Forecast[i] = DayCount{Date: a.dates[i], Reviews: a.forecast[i]}
	}
	s.Memory = Memory{Cards: a.memCards, MeanStability: ratio(a.memS, float64(a.memCards)), MeanDifficulty: ratio(a.memD, float64(a.memCards))}
}

// newToday returns how many new cards a review at now would introduce
// today: for each deck, its new cards that are not suspended, retired or
// buried, at most its new_per_day less introduced[deck] (the new cards it
// introduced since the study day began; nil means none).
func (a *cardStats) newToday(introduced map[string]int) int {
	n := 0
	for _, d := range a.decks {
		avail := 0
		for i, id := range a.deckIDs {
			if id == d.ID {
				avail = a.newAvail[i]
			}
		}
		limit := max(d.Options.NewPerDay, 0)
		n += max(min(avail, limit-introduced[d.ID]), 0)
	}
	return n
}

// readiness returns the mean predicted recall at a.at of every question's
// cards, grouped by deck and paper in deck order. New cards count as 0;
// retired cards are left out.
func (a *cardStats) readiness() Readiness {
	idx := make(map[storage.StatQuestion]int, len(a.questions))
	for i, q := range a.questions {
		idx[q] = i
	}
	rd := Readiness{At: a.at, Papers: []PaperReadiness{}}
	var sum float64
	for _, d := range a.decks {
		qs := d.Questions
		di := slices.Index(a.deckIDs, d.ID)
		// Cards whose question the deck does not list (not expected) get
		// a question of their own at the end.
		known := map[string]bool{}
		for _, q := range qs {
			known[q.ID] = true
		}
		var extra []string
		for i, q := range a.questions {
			if int(q.Deck) == di && a.qs[i].cards > 0 && !known[q.ID] {
				extra = append(extra, q.ID)
			}
		}
		slices.Sort(extra)
		for _, id := range extra {
			qs = append(slices.Clip(qs), deck.Question{ID: id})
		}
		paperIdx := map[string]int{}
		first := len(rd.Papers)
		for _, q := range qs {
			var qa questionStats
			if i, ok := idx[storage.StatQuestion{Deck: uint32(di), ID: q.ID}]; ok && di >= 0 {
				qa = a.qs[i]
			}
			qr := QuestionReadiness{ID: q.ID, Text: q.Text, Cards: qa.cards, New: qa.new, Suspended: qa.suspended,
				Mean: ratio(qa.sum, float64(qa.cards)), Weakest: make([]CardRecall, len(qa.weakest))}
			for k, c := range qa.weakest {
				c.ID = d.ID + "/" + c.ID
				qr.Weakest[k] = c
			}
			i, ok := paperIdx[q.Paper]
			if !ok {
				i = len(rd.Papers)
				paperIdx[q.Paper] = i
				rd.Papers = append(rd.Papers, PaperReadiness{Deck: d.ID, Paper: q.Paper})
			}
			p := &rd.Papers[i]
			p.Questions = append(p.Questions, qr)
			p.Mean += qa.sum // a sum until the loop below
			p.Cards += qr.Cards
			p.New += qr.New
			sum += qa.sum
			rd.Cards += qr.Cards
			rd.New += qr.New
		}
		for i := first; i < len(rd.Papers); i++ {
			p := &rd.Papers[i]
			p.Mean = ratio(p.Mean, float64(p.Cards))
		}
	}
	rd.Mean = ratio(sum, float64(rd.Cards))
	return rd
}

// newStats returns the Stats of decks (the selected ones) at now, before
// any figure is added.
func newStats(decks []storage.DeckInfo, deckID string, now time.Time) Stats {
	s := Stats{GeneratedAt: now, Deck: deckID, Decks: []DeckStats{}, Suspended: []CardRef{}, Flagged: []CardRef{}}
	var dr float64
	for _, d := range decks {
		r := deckScheduler(d).Policy().DesiredRetention
		dr += r
		s.Decks = append(s.Decks, DeckStats{ID: d.ID, Title: d.Title, DesiredRetention: r, Weights: "default"})
	}
	// Decks nearly always share one desired retention; when they do not,
	// the mean over decks is shown.
	s.Retention.Desired = ratio(dr, float64(len(decks)))
	if len(decks) == 0 {
		s.Retention.Desired = scheduler.DefaultPolicy().DesiredRetention
	}
	return s
}

// Compute puts together the figures that come from the decks and the
// card states; the log's figures are added by logStats.fill. decks are the
// selected decks and cards their cards (storage.CardStatsOf makes them
// from plain card states). The suspended and flagged lists stay empty:
// Load fills them.
func Compute(decks []storage.DeckInfo, cards *storage.CardStats, deckID string, now, at time.Time) Stats {
	a := newCardStats(decks, now, at, false)
	a.add(cards)
	s := newStats(decks, deckID, now)
	a.fill(&s)
	return s
}
