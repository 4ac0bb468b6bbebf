package optimize

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Review is one entry of a review log.
type Review struct {
	Card   uint64 // identifies the card; any value, the same for all its reviews
	Time   int64  // when, in milliseconds since the Unix epoch
	Rating int8   // 1 Again, 2 Hard, 3 Good, 4 Easy
	// State is the card's state before the review, in the revlog CSV
	// convention: 0 New, 1 Learning, 2 Review, 3 Relearning, 4 Filtered.
	State int8
}

// Clock says how review times become study days: a study day starts at
// DayStart hours past local midnight in Loc.
type Clock struct {
	Loc      *time.Location // nil: UTC
	DayStart int            // hours, 0..23
}

// dayer turns times into study-day numbers, caching the zone offset of
// the last time zone period it saw (review logs come in time order).
type dayer struct {
	loc        *time.Location
	shift      int64 // DayStart in seconds
	start, end int64 // unix seconds where off holds: [start, end)
	off        int64
	valid      bool
}

func newDayer(c Clock) *dayer {
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	return &dayer{loc: loc, shift: int64(c.DayStart) * 3600}
}

// day returns the study day of ms: the number of days from 1970-01-01 to
// the local date of the time DayStart hours earlier.
func (d *dayer) day(ms int64) int64 {
	sec := floorDiv(ms, 1000) - d.shift
	if !d.valid || sec < d.start || (d.end != 0 && sec >= d.end) {
		t := time.Unix(sec, 0).In(d.loc)
		_, off := t.Zone()
		s, e := t.ZoneBounds()
		d.off, d.valid = int64(off), true
		d.start, d.end = math.MinInt64, 0
		if !s.IsZero() {
			d.start = s.Unix()
		}
		if !e.IsZero() {
			d.end = e.Unix()
		}
	}
	return floorDiv(sec+d.off, 86400)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// maxSeqLen is the reference optimizer's longest item used for training:
// a card's reviews after its 64th do not train the weights (they are
// still evaluated).
const maxSeqLen = 64

// step is one review of a card in a Dataset.
type step struct {
	dt     float64 // whole study days since the card's previous review; 0 for the first
	rating int8
	// item is the index of the item this review is the target of, or −1:
	// a card's first review, and reviews on the same day as the previous
	// one, are no items.
	item int32
}

// card is one card's reviews in a Dataset: steps[start:end].
type card struct {
	start, end int32
	first      int8  // the first rating
	firstLT    int32 // dt of the first review on a later day than the previous (the pretraining group); 0 if none
	lastTrain  int32 // steps[start:lastTrain] hold the reviews that train (at most maxSeqLen)
}

// item is one review to predict: a review after a card's first, on a
// later study day than the previous one.
type item struct {
	rank     int32   // position among the items in time order
	recalled bool    // rated Hard, Good or Easy
	dt       float64 // days since the previous review
	length   int32   // long-term reviews in the card's history up to and including this one
	lapses   int32   // Again ratings on a later day in the history before it
	pos      int32   // the review's position in the log in time order
}

// Dataset is a review log in the form the optimizer reads: cards with
// their reviews in time order, and the items to predict.
type Dataset struct {
	steps   []step
	cards   []card
	items   []item
	reviews int // reviews read, after the reference's per-card filter
}

// Reviews returns the number of reviews in d (every review of every card
// with a learning start, see NewDataset).
func (d *Dataset) Reviews() int { return d.reviews }

// Items returns the number of items in d: reviews after a card's first on
// a later study day than the card's previous review.
func (d *Dataset) Items() int { return len(d.items) }

// ItemReview returns the review item i (in Predict's order) predicts: its
// position in time order among the reviews NewDataset was given (ties in
// their given order), so its index in them when they were in time order.
func (d *Dataset) ItemReview(i int) int { return int(d.items[i].pos) }

// ErrNoReviews is returned by NewDataset for an empty log.
var ErrNoReviews = errors.New("the review log is empty")

// NewDataset builds the optimizer's data from a review log, as the
// reference optimizer does: each card's reviews in time order, from the
// start of its last run of learning reviews (state New or Learning;
// cards with none are left out); the elapsed time of a review is the
// number of study days between it and the card's previous review; each
// review after the card's first that falls on a later study day is an
// item, predicted from the card's history before it. revs need not be in
// order; NewDataset does not keep them. Ratings outside 1..4 are an error.
func NewDataset(revs []Review, c Clock) (*Dataset, error) {
	if len(revs) == 0 {
		return nil, ErrNoReviews
	}
	if c.DayStart < 0 || c.DayStart > 23 {
		return nil, fmt.Errorf("day start %d: want an hour 0..23", c.DayStart)
	}
	// Time order (stable), then group by card keeping it: dense card
	// numbers in order of first appearance, then a counting sort into a
	// compact copy that the rest reads in order.
	var order []int32 // nil: revs is in time order
	if !slices.IsSortedFunc(revs, func(a, b Review) int { return cmp.Compare(a.Time, b.Time) }) {
		order = make([]int32, len(revs))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(revs[a].Time, revs[b].Time) })
	}
	at := func(pos int) *Review {
		if order == nil {
			return &revs[pos]
		}
		return &revs[order[pos]]
	}
	idx := make(map[uint64]int32, len(revs)/8+16)
	cardOf := make([]int32, len(revs)) // by position in time order
	var counts []int32
	for pos := range revs {
		r := at(pos)
		if r.Rating < 1 || r.Rating > 4 {
			return nil, fmt.Errorf("card %d at %d: rating %d is not 1..4", r.Card, r.Time, r.Rating)
		}
		n, ok := idx[r.Card]
		if !ok {
			n = int32(len(counts))
			idx[r.Card] = n
			counts = append(counts, 0)
		}
		cardOf[pos] = n
		counts[n]++
	}
	starts := make([]int32, len(counts)+1)
	for n, k := range counts {
		starts[n+1] = starts[n] + k
	}
	type rev struct {
		time          int64
		pos           int32 // position in time order
		rating, state int8
	}
	byCard := make([]rev, len(revs)) // grouped by card, each in time order
	fill := slices.Clone(starts[:len(counts)])
	for pos := range revs {
		n := cardOf[pos]
		r := at(pos)
		byCard[fill[n]] = rev{time: r.Time, pos: int32(pos), rating: r.Rating, state: r.State}
		fill[n]++
	}

	dy := newDayer(c)
	d := &Dataset{steps: make([]step, 0, len(revs)), cards: make([]card, 0, len(counts)), items: make([]item, 0, len(revs))}
	itemPos := make([]int32, 0, len(revs)) // time-order position of each item, by item
	for n := range counts {
		ps := byCard[starts[n]:starts[n+1]]
		// Keep the reviews from the start of the last run of learning
		// reviews (the reference's remove_revlog_before_last_first_learn).
		first := -1
		for k := len(ps) - 1; k >= 0; k-- {
			if isLearning(ps[k].state) {
				first = k
			} else if first >= 0 {
				break
			}
		}
		if first < 0 {
			continue
		}
		ps = ps[first:]
		cd := card{start: int32(len(d.steps)), first: ps[0].rating}
		var prevDay int64
		var length, lapses int32
		for k := range ps {
			r := &ps[k]
			day := dy.day(r.time)
			st := step{rating: r.rating, item: -1}
			if k > 0 {
				st.dt = float64(max(day-prevDay, 0))
			}
			if st.dt > 0 {
				length++
				if cd.firstLT == 0 {
					cd.firstLT = int32(st.dt)
				}
				st.item = int32(len(d.items))
				d.items = append(d.items, item{recalled: r.rating > 1, dt: st.dt, length: length, lapses: lapses, pos: r.pos})
				itemPos = append(itemPos, r.pos)
				if r.rating == 1 {
					lapses++
				}
			}
			prevDay = day
			d.steps = append(d.steps, st)
		}
		cd.end = int32(len(d.steps))
		cd.lastTrain = min(cd.end, cd.start+maxSeqLen)
		d.cards = append(d.cards, cd)
		d.reviews += len(ps)
	}
	// Rank the items in time order (ties in log order).
	byPos := make([]int32, len(revs))
	for i := range byPos {
		byPos[i] = -1
	}
	for it, pos := range itemPos {
		byPos[pos] = int32(it)
	}
	var rank int32
	for _, it := range byPos {
		if it >= 0 {
			d.items[it].rank = rank
			rank++
		}
	}
	return d, nil
}

func isLearning(state int8) bool { return state == 0 || state == 1 }
