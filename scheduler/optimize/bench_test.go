package optimize

import (
	"flag"
	"fmt"
	"testing"
)

var quality = flag.Bool("optimize.quality", false, "run the fit-quality check on synthetic logs of 10k, 100k and 1M reviews (slow)")

var benchLogs = map[int][]Review{}

func benchLog(n int) []Review {
	if l, ok := benchLogs[n]; ok {
		return l
	}
	l := Synthesize(uint64(n), n)
	benchLogs[n] = l
	return l
}

// BenchmarkFit times the whole fit of a synthetic log, from its reviews to
// the fitted weights: building the items, outlier filter, pretraining and
// training. cpu-ms/op is the process's CPU time (all threads) per fit: on
// a shared machine the wall time depends on the load, the CPU time much
// less; on two idle cores the wall time is about half of it.
func BenchmarkFit(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("reviews=%d", n), func(b *testing.B) {
			revs := benchLog(n)
			b.ResetTimer()
			c0 := cpuTime()
			for b.Loop() {
				d, err := NewDataset(revs, Clock{DayStart: 4})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Fit(d, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-c0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// TestQuality measures, on synthetic logs of 10k, 100k and 1M reviews
// (three learners each at 10k and 100k), how close the fit gets to the
// true weights, and checks the targets at 100k: log-loss at most 0.2%
// above the true weights', clearly below the defaults', and mean
// |R_fitted − R_true| at most 0.01 (go test -optimize.quality; slow).
func TestQuality(t *testing.T) {
	if !*quality {
		t.Skip("run with -optimize.quality")
	}
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		seeds := []uint64{uint64(n), uint64(n) + 1, uint64(n) + 2}
		if n == 1_000_000 {
			seeds = seeds[:1]
		}
		for _, seed := range seeds {
			revs := benchLog(n)
			if seed != uint64(n) {
				revs = Synthesize(seed, n)
			}
			d, err := NewDataset(revs, Clock{DayStart: 4})
			if err != nil {
				t.Fatal(err)
			}
			r, err := Fit(d, Options{})
			if err != nil {
				t.Fatal(err)
			}
			truth := TrueWeights(seed)
			lt, lf, ld := Evaluate(d, truth, 0), Evaluate(d, r.Weights, 0), Evaluate(d, DefaultWeights(), 0)
			gap := meanAbsDiff(Predict(d, r.Weights, 0), Predict(d, truth, 0))
			above := 100 * (lf.LogLoss/lt.LogLoss - 1)
			t.Logf("%d reviews (seed %d), %d items: log-loss true %.5f fitted %.5f (%+.3f%%) default %.5f (%+.3f%%); RMSE(bins) true %.4f fitted %.4f default %.4f; mean |R_fit − R_true| %.4f",
				n, seed, d.Items(), lt.LogLoss, lf.LogLoss, above, ld.LogLoss, 100*(ld.LogLoss/lt.LogLoss-1), lt.RMSEBins, lf.RMSEBins, ld.RMSEBins, gap)
			if lf.LogLoss >= ld.LogLoss {
				t.Errorf("%d reviews, seed %d: fitted log-loss %.5f not below the default weights' %.5f", n, seed, lf.LogLoss, ld.LogLoss)
			}
			if n == 100_000 && (above > 0.2 || gap > 0.01) {
				t.Errorf("100k reviews, seed %d: %.3f%% above the true log-loss (want ≤ 0.2%%), mean |ΔR| %.4f (want ≤ 0.01)", seed, above, gap)
			}
		}
	}
}

// BenchmarkNewDataset times building the items of a log of a million
// reviews (part of BenchmarkFit).
func BenchmarkNewDataset(b *testing.B) {
	revs := benchLog(1_000_000)
	b.ResetTimer()
	c0 := cpuTime()
	for b.Loop() {
		if _, err := NewDataset(revs, Clock{DayStart: 4}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/1e6/float64(b.N), "cpu-ms/op")
}
