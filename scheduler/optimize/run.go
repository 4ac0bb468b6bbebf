package optimize

import (
	"cmp"
	"errors"
	"slices"
)

// Report is the outcome of Run.
type Report struct {
	Weights    Weights
	Pretrained bool // only the initial stabilities were fitted (see Result)
	Reviews    int  // reviews in the log
	Items      int  // reviews predicted: after a card's first, on a later study day
	Trained    int  // items that trained the weights (after the outlier filter)
	// Default and Fitted measure the default and the fitted weights on all
	// items (in-sample).
	Default, Fitted Metrics
	// HeldOut measures weights fitted to earlier reviews on later ones;
	// nil when the log has too few items for the splits.
	HeldOut *HeldOut
}

// Run fits the weights to a review log and evaluates them, in-sample and
// on time-ordered held-out splits. revs need not be in time order; Run
// does not change them. Fewer items than MinItems gives an error wrapping
// ErrNotEnoughData.
func Run(revs []Review, c Clock, o Options) (Report, error) {
	sorted := revs
	if !slices.IsSortedFunc(revs, byTime) {
		sorted = slices.Clone(revs)
		slices.SortStableFunc(sorted, byTime)
	}
	d, err := NewDataset(sorted, c)
	if err != nil {
		return Report{}, err
	}
	res, err := Fit(d, o)
	if err != nil {
		return Report{}, err
	}
	rep := Report{
		Weights:    res.Weights,
		Pretrained: res.Pretrained,
		Reviews:    len(revs),
		Items:      d.Items(),
		Trained:    res.Items,
		Default:    Evaluate(d, DefaultWeights(), o.workers()),
		Fitted:     Evaluate(d, res.Weights, o.workers()),
	}
	h, err := EvaluateHeldOut(sorted, d, c, o)
	switch {
	case err == nil:
		rep.HeldOut = &h
	case !errors.Is(err, ErrTooFewForSplits):
		return Report{}, err
	}
	return rep, nil
}

func byTime(a, b Review) int { return cmp.Compare(a.Time, b.Time) }
