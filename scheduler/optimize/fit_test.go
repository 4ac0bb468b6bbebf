package optimize

import (
	"math"
	"testing"
)

// fitSynthetic fits the synthetic log of seed with n reviews and returns
// the dataset, the fit and the true weights.
func fitSynthetic(t testing.TB, seed uint64, n int) (*Dataset, Result, Weights) {
	t.Helper()
	revs := Synthesize(seed, n)
	d, err := NewDataset(revs, Clock{DayStart: 4})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Fit(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d, r, TrueWeights(seed)
}

func meanAbsDiff(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += math.Abs(a[i] - b[i])
	}
	return s / float64(len(a))
}

func TestFit_SmallSyntheticLogLandsNearTruth(t *testing.T) {
	d, r, truth := fitSynthetic(t, 7, 20000)
	lt := Evaluate(d, truth, 0)
	lf := Evaluate(d, r.Weights, 0)
	ld := Evaluate(d, DefaultWeights(), 0)
	gap := meanAbsDiff(Predict(d, r.Weights, 0), Predict(d, truth, 0))
	t.Logf("items %d: log-loss true %.5f fitted %.5f default %.5f; mean |R_fit − R_true| %.4f", d.Items(), lt.LogLoss, lf.LogLoss, ld.LogLoss, gap)
	t.Logf("truth  %.3f", truth)
	t.Logf("fitted %.3f", r.Weights)
	if lf.LogLoss > lt.LogLoss*1.01 {
		t.Errorf("fitted log-loss %.5f more than 1%% above the true weights' %.5f", lf.LogLoss, lt.LogLoss)
	}
	if lf.LogLoss >= ld.LogLoss {
		t.Errorf("fitted log-loss %.5f not below the default weights' %.5f", lf.LogLoss, ld.LogLoss)
	}
	if gap > 0.02 {
		t.Errorf("mean |R_fitted − R_true| = %.4f, want ≤ 0.02", gap)
	}
}
