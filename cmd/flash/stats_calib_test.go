package main

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// logOf reads every review of db in time order.
func logOf(t *testing.T, db string) []storage.Review {
	t.Helper()
	st, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var revs []storage.Review
	if err := st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error {
		revs = append(revs, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return revs
}

// calBins bins (prediction, recalled) pairs into the README's calibration
// bins, summing in the order given.
type calBins struct {
	n, ok [8]int
	sum   [8]float64
}

var calBounds = [...]float64{0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1}

func (b *calBins) add(p float64, ok bool) {
	i := 0
	for i < 7 && p >= calBounds[i+1] {
		i++
	}
	b.n[i]++
	b.sum[i] += p
	if ok {
		b.ok[i]++
	}
}

// check compares b with a table, predictions within tol.
func (b *calBins) check(t *testing.T, what string, got []stats.CalBin, tol float64) {
	t.Helper()
	if len(got) != 8 {
		t.Fatalf("%s: %d bins", what, len(got))
	}
	for i, g := range got {
		var pred, rec float64
		if b.n[i] > 0 {
			pred, rec = b.sum[i]/float64(b.n[i]), float64(b.ok[i])/float64(b.n[i])
		}
		if g.From != calBounds[i] || g.To != calBounds[i+1] || g.Reviews != b.n[i] || math.Abs(g.Predicted-pred) > tol || math.Abs(g.Recalled-rec) > 1e-12 {
			t.Errorf("%s: bin %d is %+v, want %d reviews, predicted %.12f, recalled %.12f", what, i, g, b.n[i], pred, rec)
		}
	}
}

// loggedCalibration is the calibration of the recall predicted at each
// review from the memory state the log holds.
func loggedCalibration(revs []storage.Review) *calBins {
	var b calBins
	for _, r := range revs {
		if r.Before.State != fsrs.Review {
			continue
		}
		t := r.At.Sub(r.Before.LastReview).Hours() / 24
		b.add(math.Pow(1+19.0/81*t/r.Before.Stability, -0.5), r.Rating != fsrs.Again)
	}
	return &b
}

// replayedCalibration replays each card's history with w, written out
// from FSRS-5's formulas as the README states them (independently of
// scheduler/optimize): from the card's last run of learning reviews,
// elapsed whole study days (04:00 local), same-day reviews through the
// short-term formula; it bins the reviews on a later study day of cards in
// the review state.
func replayedCalibration(revs []storage.Review, w fsrs.Weights) *calBins {
	clampS := func(s float64) float64 { return min(max(s, 0.01), 36500) }
	clampD := func(d float64) float64 { return min(max(d, 1), 10) }
	d0 := func(r int) float64 { return w[4] - math.Exp(w[5]*float64(r-1)) + 1 }
	studyDay := func(at time.Time) int64 {
		l := at.In(time.Local).Add(-scheduler.DayStartHour * time.Hour)
		y, m, d := l.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	}
	type key struct{ deck, card string }
	byCard := map[key][]int{}
	var order []key
	for i, r := range revs {
		k := key{r.Deck, r.Card}
		if _, ok := byCard[k]; !ok {
			order = append(order, k)
		}
		byCard[k] = append(byCard[k], i)
	}
	pred := make([]float64, len(revs))
	item := make([]bool, len(revs))
	for _, k := range order {
		idx := byCard[k]
		first := -1
		for j := len(idx) - 1; j >= 0; j-- {
			s := revs[idx[j]].Before.State
			if s == fsrs.New || s == fsrs.Learning {
				first = j
			} else if first >= 0 {
				break
			}
		}
		if first < 0 {
			continue
		}
		idx = idx[first:]
		r0 := int(revs[idx[0]].Rating)
		S, D := clampS(w[r0-1]), clampD(d0(r0))
		prev := studyDay(revs[idx[0]].At)
		for _, i := range idx[1:] {
			r := int(revs[i].Rating)
			day := studyDay(revs[i].At)
			dt := float64(max(day-prev, 0))
			prev = day
			var ns float64
			if dt == 0 {
				ns = S * math.Exp(w[17]*(float64(r)-3+w[18]))
			} else {
				R := math.Pow(1+19.0/81*dt/S, -0.5)
				pred[i], item[i] = R, true
				if r == 1 {
					f := w[11] * math.Pow(D, -w[12]) * (math.Pow(S+1, w[13]) - 1) * math.Exp(w[14]*(1-R))
					ns = min(f, S/math.Exp(w[17]*w[18]))
				} else {
					h := 1.0
					if r == 2 {
						h = w[15]
					} else if r == 4 {
						h = w[16]
					}
					ns = S * (1 + math.Exp(w[8])*(11-D)*math.Pow(S, -w[9])*(math.Exp(w[10]*(1-R))-1)*h)
				}
			}
			dn := D - w[6]*float64(r-3)*(10-D)/9
			D = clampD(w[7]*clampD(d0(4)) + (1-w[7])*dn)
			S = clampS(ns)
		}
	}
	var b calBins
	for i, r := range revs {
		if item[i] && r.Before.State == fsrs.Review {
			b.add(pred[i], r.Rating != fsrs.Again)
		}
	}
	return &b
}

func TestStats_CalibrationUsesFittedWeights(t *testing.T) {
	db := genDB(t, 150, 2500)
	revs := logOf(t, db)
	before := statsJSON(t, db, genNow)
	if before.CalibrationWeights != "logged" {
		t.Errorf("calibration_weights %q before optimize, want logged", before.CalibrationWeights)
	}
	loggedCalibration(revs).check(t, "before optimize", before.Calibration, 1e-9)

	if r := runCmd(t, cmdOptimize, db, genNow); r.code != 0 {
		t.Fatalf("optimize: exit %d: %s", r.code, r.stderr)
	}
	f := storedWeights(t, db, "gen")
	if f == nil {
		t.Fatal("no weights stored")
	}
	var w fsrs.Weights
	copy(w[:], f.Weights)
	after := statsJSON(t, db, genNow)
	if after.CalibrationWeights != "fitted" {
		t.Errorf("calibration_weights %q after optimize, want fitted", after.CalibrationWeights)
	}
	want := replayedCalibration(revs, w)
	want.check(t, "after optimize", after.Calibration, 1e-9)
	// The default weights, replayed the same way, give another table.
	def := replayedCalibration(revs, fsrs.DefaultWeights())
	differ := 0.0
	for i := range def.n {
		if def.n[i] != want.n[i] {
			differ = math.Inf(1)
		} else if def.n[i] > 0 {
			differ = max(differ, math.Abs(def.sum[i]/float64(def.n[i])-want.sum[i]/float64(want.n[i])))
		}
	}
	if differ < 1e-3 {
		t.Errorf("the fitted weights' table is the default weights' (largest difference %v)", differ)
	}
	total := 0
	for _, b := range after.Calibration {
		total += b.Reviews
	}
	if total < 500 {
		t.Errorf("only %d reviews in the fitted calibration", total)
	}
	text := runCmd(t, cmdStats, db, genNow)
	if !strings.Contains(text.stdout, "Calibration: recall the fitted weights predict (history replayed) vs. recalled") {
		t.Errorf("stats text does not say the calibration uses the fitted weights:\n%s", text.stdout)
	}

	// --reset: back to the logged table, exactly as before.
	if r := runCmd(t, cmdOptimize, db, genNow, "--reset"); r.code != 0 {
		t.Fatalf("reset: exit %d: %s", r.code, r.stderr)
	}
	reset := statsJSON(t, db, genNow)
	if reset.CalibrationWeights != "logged" {
		t.Errorf("calibration_weights %q after reset", reset.CalibrationWeights)
	}
	for i := range before.Calibration {
		if reset.Calibration[i] != before.Calibration[i] {
			t.Errorf("bin %d after reset %+v, before optimize %+v", i, reset.Calibration[i], before.Calibration[i])
		}
	}
	text = runCmd(t, cmdStats, db, genNow)
	if !strings.Contains(text.stdout, "Calibration: recall FSRS predicted at each review vs. recalled") {
		t.Errorf("stats text after reset:\n%s", text.stdout)
	}
}
