package optimize

import (
	"cmp"
	"errors"
	"math"
	"slices"
)

// Predict returns the recall w predicts for each item of d, in d's item
// order (Dataset.ItemReview names each item's review).
func Predict(d *Dataset, w Weights, workers int) []float64 {
	p := newParams(w)
	out := make([]float64, len(d.items))
	n := len(d.cards)
	parts := min(n, 64)
	parallel(max(workers, 1), parts, func(i int) {
		var st State
		for ci := i * n / parts; ci < (i+1)*n/parts; ci++ {
			c := &d.cards[ci]
			steps := d.steps[c.start:c.end]
			st = p.initState(int(steps[0].rating))
			for k := 1; k < len(steps); k++ {
				s := &steps[k]
				rr := 1.0
				if s.dt > 0 {
					rr = Recall(s.dt, st.S)
					if s.item >= 0 {
						out[s.item] = rr
					}
				}
				st = p.stepR(st, s.dt, int(s.rating), rr)
			}
		}
	})
	return out
}

// Metrics are how well predictions fit what happened.
type Metrics struct {
	// LogLoss is the mean binary cross-entropy of the predicted recall.
	LogLoss float64
	// RMSEBins is the reference optimizer's RMSE(bins): the items are
	// binned by elapsed days, number of long-term reviews and lapses;
	// the root of the item-weighted mean squared difference between each
	// bin's mean prediction and its share recalled.
	RMSEBins float64
	Items    int
}

// metrics measures predictions pred of the items idx of d (all items when
// idx is nil).
func metrics(d *Dataset, pred []float64, idx []int32) Metrics {
	type key struct{ t, l, lapse int32 }
	type acc struct{ pred, actual, n float64 }
	bins := map[key]*acc{}
	var ll float64
	n := 0
	add := func(i int32) {
		it := &d.items[i]
		p := min(max(pred[i], pClamp), 1-pClamp)
		y := 0.0
		if it.recalled {
			y = 1
			ll -= math.Log(p)
		} else {
			ll -= math.Log(1 - p)
		}
		k := binKey(it)
		a := bins[key(k)]
		if a == nil {
			a = &acc{}
			bins[key(k)] = a
		}
		a.pred += pred[i]
		a.actual += y
		a.n++
		n++
	}
	if idx == nil {
		for i := range d.items {
			add(int32(i))
		}
	} else {
		for _, i := range idx {
			add(i)
		}
	}
	if n == 0 {
		return Metrics{}
	}
	// Sum the bins in a fixed order, so the result is the same every run.
	keys := make([]key, 0, len(bins))
	for k := range bins {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.l, b.l), cmp.Compare(a.lapse, b.lapse))
	})
	var se float64
	for _, k := range keys {
		a := bins[k]
		dp := a.pred/a.n - a.actual/a.n
		se += dp * dp * a.n
	}
	return Metrics{LogLoss: ll / float64(n), RMSEBins: math.Sqrt(se / float64(n)), Items: n}
}

// binKey is the reference's R-matrix bin of an item.
func binKey(it *item) struct{ t, l, lapse int32 } {
	t := int32(math.Round(2.48 * math.Pow(3.62, math.Floor(math.Log(it.dt)/math.Log(3.62))) * 100))
	length := float64(it.length) + 1
	l := int32(math.Round(1.99 * math.Pow(1.89, math.Floor(math.Log(length)/math.Log(1.89)))))
	var lapse int32
	if it.lapses > 0 {
		lapse = int32(math.Round(1.65 * math.Pow(1.73, math.Floor(math.Log(float64(it.lapses))/math.Log(1.73)))))
	}
	return struct{ t, l, lapse int32 }{t, l, lapse}
}

// Evaluate measures how well w predicts the items of d.
func Evaluate(d *Dataset, w Weights, workers int) Metrics {
	return metrics(d, Predict(d, w, workers), nil)
}

// Splits is the number of time-ordered held-out splits.
const Splits = 5

// HeldOut is the out-of-sample evaluation over time-ordered splits, as the
// reference's time-series evaluation does: the items in time order are
// cut into Splits+1 equal segments; for each segment after the first,
// weights are fitted to the log before it and predict it. The pooled
// predictions are measured against the default weights' predictions of
// the same items.
type HeldOut struct {
	Default, Fitted Metrics
}

// ErrTooFewForSplits is returned by EvaluateHeldOut when the log has fewer
// than Splits+1 items.
var ErrTooFewForSplits = errors.New("too few items for held-out splits")

// EvaluateHeldOut fits on growing time prefixes of the log and measures
// the fits on the following items. sorted must be revs in time order, d
// its dataset.
func EvaluateHeldOut(sorted []Review, d *Dataset, c Clock, o Options) (HeldOut, error) {
	n := len(d.items)
	seg := n / (Splits + 1)
	if seg == 0 {
		return HeldOut{}, ErrTooFewForSplits
	}
	byRank := make([]int32, n)
	for i := range d.items {
		byRank[d.items[i].rank] = int32(i)
	}
	fitted := make([]float64, n)
	var test []int32
	for i := range Splits {
		from, to := (i+1)*seg, (i+2)*seg
		if i == Splits-1 {
			to = n
		}
		cut := d.items[byRank[from]].pos
		w := DefaultWeights()
		if td, err := NewDataset(sorted[:cut], c); err == nil {
			if r, err := Fit(td, o); err == nil {
				w = r.Weights
			} else if !errors.Is(err, ErrNotEnoughData) {
				return HeldOut{}, err
			}
		}
		pred := Predict(d, w, o.workers())
		for _, it := range byRank[from:to] {
			fitted[it] = pred[it]
			test = append(test, it)
		}
	}
	def := Predict(d, DefaultWeights(), o.workers())
	return HeldOut{Default: metrics(d, def, test), Fitted: metrics(d, fitted, test)}, nil
}
