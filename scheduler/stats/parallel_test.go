package stats

import (
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/storagetest"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// TestStats_PartsMatchOnePass checks that the log's figures from a scan
// in pieces, one accumulator each, merged, are exactly (to the last bit of
// every float) those of one accumulator over the whole log in order. The
// log is made so that the pieces cut through the history, the retention
// windows and every calibration bin, with predictions whose sum depends
// on the order of the additions.
func TestStats_PartsMatchOnePass(t *testing.T) {
	now := statsNow
	path := filepath.Join(t.TempDir(), "flash.db")
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	src.WriteString("format = 1\nid = \"d\"\ntitle = \"D\"\n\n[[question]]\nid = \"q\"\npaper = \"P\"\ntext = \"Q?\"\n")
	for c := range 50 {
		fmt.Fprintf(&src, "\n[[card]]\nid = \"c%d\"\nquestion = \"q\"\nfront = \"F%d\"\nback = \"B\"\n", c, c)
	}
	d, err := deck.Parse("d.toml", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	const n = 20_000
	start := now.Add(-90 * 24 * time.Hour)
	if _, err := st.Import(d, storage.Source{Hash: "d"}, start, false); err != nil {
		t.Fatal(err)
	}
	rs := make([]storage.Review, n)
	seed := uint64(3)
	for i := range rs {
		seed = seed*6364136223846793005 + 1442695040888963407
		// Denser towards now: a cut at half the time span is not at
		// half the entries.
		f := math.Sqrt(float64(i) / n)
		at := start.Add(time.Duration(f * float64(90*24*time.Hour))).Add(time.Duration(seed>>50) * time.Millisecond)
		stab := 0.1 + float64(seed>>20&0xffff)/300
		rs[i] = storage.Review{
			Deck: "d", Card: fmt.Sprintf("c%d", i%50), At: at, Rating: fsrs.Rating(1 + seed>>30&3),
			Duration: time.Duration(seed>>40) * time.Microsecond,
			Before: fsrs.Card{State: fsrs.State(seed >> 62), Stability: stab, Difficulty: 5,
				LastReview: at.Add(-time.Duration(seed>>8&0xfffff) * time.Second)},
			After: fsrs.Card{State: fsrs.Review, Stability: stab * 2, Difficulty: 5, LastReview: at, Due: at.Add(24 * time.Hour)},
		}
	}
	for i := 0; i < n; i += 5000 {
		if err := storagetest.AppendReviews(st, rs[i:i+5000]); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()

	one := newLogStats(now, "")
	err = ro.ScanStatsParts("", 1, 1, func(_, _ int, b []storage.LogStat) error {
		for i := range b {
			one.addStat(&b[i])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want Stats
	one.fill(&want)
	if want.Time.Reviews != n || want.Retention.AllTime.Reviews == 0 || want.History[0].Reviews == 0 {
		t.Fatalf("the log does not exercise the figures: %+v", want.Time)
	}
	for _, parts := range []int{2, 3, 4, 16} {
		accs := make([]*logStats, parts)
		for i := range accs {
			accs[i] = newLogStats(now, "")
		}
		var mu sync.Mutex
		used := map[int]bool{}
		err := ro.ScanStatsParts("", parts, 2, func(_, part int, b []storage.LogStat) error {
			mu.Lock()
			used[part] = true
			mu.Unlock()
			for i := range b {
				accs[part].addStat(&b[i])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(used) != parts {
			t.Errorf("%d parts: only %d got entries", parts, len(used))
		}
		for _, a := range accs[1:] {
			accs[0].merge(a)
		}
		var got Stats
		accs[0].fill(&got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%d parts: figures differ from one pass:\n got %+v\nwant %+v", parts, got, want)
		}
		// DeepEqual compares floats with ==; make the bits plain too.
		for i := range got.Calibration {
			if g, w := math.Float64bits(got.Calibration[i].Predicted), math.Float64bits(want.Calibration[i].Predicted); g != w {
				t.Errorf("%d parts: calibration bin %d predicted %x, want %x", parts, i, g, w)
			}
		}
	}
	// Plain float64 sums of the pieces would not do: check that this log
	// tells them apart from one pass (the order of the additions shows in
	// the last bits), so the test above means something.
	var oneF, halvesF [len(calEdges) - 1]float64
	var halfF [2][len(calEdges) - 1]float64
	seen := 0
	err = ro.ScanStatsParts("", 1, 1, func(_, _ int, bt []storage.LogStat) error {
		for i := range bt {
			e := &bt[i]
			if e.State == fsrs.Review {
				p := scheduler.ForgettingCurve(float64(e.At-e.LastReview)/float64(24*time.Hour), e.Stability)
				j := 0
				for j+1 < len(calEdges)-1 && p >= calEdges[j+1] {
					j++
				}
				oneF[j] += p
				halfF[min(seen/(n/2), 1)][j] += p
			}
			seen++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	naive := false
	for i := range oneF {
		halvesF[i] = halfF[0][i] + halfF[1][i]
		if halvesF[i] != oneF[i] {
			naive = true
		}
	}
	if !naive {
		t.Error("adding the halves' float sums gives the same sums here: the log does not test the merge")
	}
}
