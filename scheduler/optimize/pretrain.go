package optimize

import (
	"math"
	"slices"
)

// pretrainGroup is the recall after the first long-term review of the
// cards with one first rating, by the days elapsed until it.
type pretrainGroup struct {
	dt       []float64
	recalled []float64 // share recalled
	count    []float64
}

// outlierFilter returns which cards train, the way the reference
// optimizer filters outliers: the cards are grouped by their first rating
// and then by the days until their first long-term review; in each
// first-rating group the smallest day groups holding together under 5%
// of its cards (or 20) are dropped, and so are day groups of fewer than 6
// cards or past 100 days (365 after Easy). A card with no long-term
// review does not train.
func (d *Dataset) outlierFilter() []bool {
	type key struct {
		rating int8
		dt     int32
	}
	size := map[key]int{}
	total := [5]int{}
	for _, c := range d.cards {
		if c.firstLT > 0 {
			size[key{c.first, c.firstLT}]++
			total[c.first]++
		}
	}
	removed := map[key]bool{}
	for rating := int8(1); rating <= 4; rating++ {
		type sub struct {
			dt int32
			n  int
		}
		var subs []sub
		for k, n := range size {
			if k.rating == rating {
				subs = append(subs, sub{k.dt, n})
			}
		}
		// Smallest groups first; among equal sizes the shorter delay.
		slices.SortFunc(subs, func(a, b sub) int {
			if a.n != b.n {
				return a.n - b.n
			}
			return int(a.dt - b.dt)
		})
		limit := max(20, total[rating]/20)
		gone := 0
		maxDT := int32(100)
		if rating == 4 {
			maxDT = 365
		}
		for _, s := range subs {
			if gone+s.n >= limit {
				if s.n < 6 || s.dt > maxDT {
					removed[key{rating, s.dt}] = true
				}
			} else {
				gone += s.n
				removed[key{rating, s.dt}] = true
			}
		}
	}
	keep := make([]bool, len(d.cards))
	for i, c := range d.cards {
		keep[i] = c.firstLT > 0 && !removed[key{c.first, c.firstLT}]
	}
	return keep
}

// pretrainData groups the first long-term review of each kept card.
func (d *Dataset) pretrainData(keep []bool) (groups [4]pretrainGroup, counts [4]int) {
	type acc struct{ n, ok int }
	m := [4]map[int32]*acc{}
	for i := range m {
		m[i] = map[int32]*acc{}
	}
	for i, c := range d.cards {
		if !keep[i] {
			continue
		}
		// The first step with dt > 0 is the first long-term review.
		for k := c.start + 1; k < c.end; k++ {
			st := &d.steps[k]
			if st.dt > 0 {
				a := m[c.first-1][c.firstLT]
				if a == nil {
					a = &acc{}
					m[c.first-1][c.firstLT] = a
				}
				a.n++
				if st.rating > 1 {
					a.ok++
				}
				break
			}
		}
	}
	for r := range m {
		dts := make([]int32, 0, len(m[r]))
		for dt := range m[r] {
			dts = append(dts, dt)
		}
		slices.Sort(dts)
		for _, dt := range dts {
			a := m[r][dt]
			g := &groups[r]
			g.dt = append(g.dt, float64(dt))
			g.recalled = append(g.recalled, float64(a.ok)/float64(a.n))
			g.count = append(g.count, float64(a.n))
			counts[r] += a.n
		}
	}
	return groups, counts
}

// pretrain fits the four initial stabilities to the recall curves after
// each first rating, as the reference does: recall at each delay is
// smoothed toward the average recall (one pseudo-review), the stability
// minimizing the log-loss plus |S − default|/16 is found by ternary
// search in [0.01, 100], and then smoothAndFill orders and fills them.
// ok is false when no first rating has data.
func pretrain(groups [4]pretrainGroup, counts [4]int, avgRecall float64) (s0 [4]float64, ok bool) {
	def := DefaultWeights()
	var found [4]bool
	var st [4]float64
	for r := range groups {
		g := &groups[r]
		if counts[r] == 0 {
			continue
		}
		recall := make([]float64, len(g.dt))
		for i := range recall {
			recall[i] = (g.recalled[i]*g.count[i] + avgRecall) / (g.count[i] + 1)
		}
		loss := func(s float64) float64 {
			var l float64
			for i, t := range g.dt {
				p := Recall(t, s)
				l -= (recall[i]*math.Log(p) + (1-recall[i])*math.Log(1-p)) * g.count[i]
			}
			return l + math.Abs(s-def[r])/16
		}
		lo, hi := sMin, initSMax
		best := def[r]
		for it := 0; hi-lo > 1e-10 && it < 1000; it++ {
			m1 := lo + (hi-lo)/3
			m2 := hi - (hi-lo)/3
			if loss(m1) < loss(m2) {
				hi = m2
			} else {
				lo = m1
			}
			best = (lo + hi) / 2
		}
		st[r], found[r] = best, true
	}
	return smoothAndFill(st, found, counts)
}

// smoothAndFill makes the initial stabilities of the ratings that have
// data increase with the rating (when two are out of order, the one with
// more data wins) and fills in the missing ones from those present with
// the reference optimizer's rules, then clamps them into bounds.
func smoothAndFill(st [4]float64, found [4]bool, counts [4]int) ([4]float64, bool) {
	for _, pr := range [][2]int{{0, 1}, {1, 2}, {2, 3}, {0, 2}, {1, 3}, {0, 3}} {
		a, b := pr[0], pr[1]
		if found[a] && found[b] && st[a] > st[b] {
			if counts[a] > counts[b] {
				st[b] = st[a]
			} else {
				st[a] = st[b]
			}
		}
	}
	const w1, w2 = 0.41, 0.54
	pow := math.Pow
	n := 0
	for _, f := range found {
		if f {
			n++
		}
	}
	def := DefaultWeights()
	r1, r2, r3, r4 := st[0], st[1], st[2], st[3]
	f1, f2, f3, f4 := found[0], found[1], found[2], found[3]
	switch n {
	case 0:
		return st, false
	case 1:
		for r := range found {
			if found[r] {
				k := st[r] / def[r]
				v := []float64{def[0] * k, def[1] * k, def[2] * k, def[3] * k}
				slices.Sort(v)
				copy(st[:], v)
				break
			}
		}
	case 2:
		switch {
		case !f1 && !f2 && f3 && f4:
			r2 = pow(r3, 1/(1-w2)) * pow(r4, 1-1/(1-w2))
			r1 = pow(r2, 1/w1) * pow(r3, 1-1/w1)
		case !f1 && f2 && !f3 && f4:
			r3 = pow(r2, 1-w2) * pow(r4, w2)
			r1 = pow(r2, 1/w1) * pow(r3, 1-1/w1)
		case !f1 && f2 && f3 && !f4:
			r4 = pow(r2, 1-1/w2) * pow(r3, 1/w2)
			r1 = pow(r2, 1/w1) * pow(r3, 1-1/w1)
		case f1 && !f2 && !f3 && f4:
			k := w1 / (w1 + w2 - w1*w2)
			r2 = pow(r1, k) * pow(r4, 1-k)
			k2 := w2 / (w1 + w2 - w1*w2)
			r3 = pow(r1, 1-k2) * pow(r4, k2)
		case f1 && !f2 && f3 && !f4:
			r2 = pow(r1, w1) * pow(r3, 1-w1)
			r4 = pow(r2, 1-1/w2) * pow(r3, 1/w2)
		case f1 && f2 && !f3 && !f4:
			r3 = pow(r1, 1-1/(1-w1)) * pow(r2, 1/(1-w1))
			r4 = pow(r2, 1-1/w2) * pow(r3, 1/w2)
		}
		st = [4]float64{r1, r2, r3, r4}
	case 3:
		switch {
		case !f1:
			r1 = pow(r2, 1/w1) * pow(r3, 1-1/w1)
		case !f2:
			r2 = pow(r1, w1) * pow(r3, 1-w1)
		case !f3:
			r3 = pow(r2, 1-w2) * pow(r4, w2)
		case !f4:
			r4 = pow(r2, 1-1/w2) * pow(r3, 1/w2)
		}
		st = [4]float64{r1, r2, r3, r4}
	}
	for i := range st {
		st[i] = min(max(st[i], initSMin), initSMax)
	}
	return st, true
}
