package stats

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// weakest must pick what a full sort by weakerRecall puts first.
func TestWeakest_MatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 12 {
		cs := make([]CardRecall, n)
		for i := range cs {
			// Few distinct recalls, so ties by ID are exercised.
			cs[i] = CardRecall{ID: fmt.Sprintf("d/c%d", rng.IntN(50)), Recall: float64(rng.IntN(3)) / 2}
		}
		sorted := slices.Clone(cs)
		slices.SortStableFunc(sorted, weakerRecall)
		want := sorted[:min(n, WeakestPerQuestion)]
		got := weakest([]CardRecall{}, cs, WeakestPerQuestion)
		if !slices.Equal(got, want) {
			t.Errorf("n=%d: weakest = %v, want %v", n, got, want)
		}
	}
}
