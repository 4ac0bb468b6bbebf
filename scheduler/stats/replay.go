package stats

import (
	"time"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/optimize"
	"github.com/flash-srs/flash/storage"
)

// What Stats.CalibrationWeights says the calibration's predictions are.
const (
	// CalibrationLogged: the recall predicted at the time of each review,
	// from the memory state the log holds (the weights in use then).
	CalibrationLogged = "logged"
	// CalibrationFitted: the recall the weights in use now (fitted by
	// flash optimize) predict, each card's history replayed with them.
	CalibrationFitted = "fitted"
)

// ReviewSource is the review log as UseWeights reads it; *storage.Store
// satisfies it.
type ReviewSource interface {
	// ScanRatings calls fn with batches of every log entry (its card,
	// time, rating and state before), in time order.
	ScanRatings(fn func(batch []storage.LogRating) error) error
}

// reviewCounter is a ReviewSource that can say how many entries its log
// holds (*storage.Store can), to allocate the replay's dataset once.
type reviewCounter interface {
	ReviewCount() (int, error)
}

// UseWeights records in s which weights each deck uses (SetWeights: inUse
// by deck id, a deck missing from it uses the defaults) and makes the
// calibration predict with them. When no deck of s has fitted weights the
// logged table stays and the log is not read. Otherwise the table is
// recomputed by ReplayCalibration with each deck's weights in use, study
// days in loc (flash optimize's: local time). workers bounds the
// goroutines of the replay.
func (s *Stats) UseWeights(src ReviewSource, inUse map[string]scheduler.InUse, loc *time.Location, workers int) error {
	s.SetWeights(inUse)
	if s.CalibrationWeights == "" {
		s.CalibrationWeights = CalibrationLogged
	}
	fitted := false
	ids := make([]string, len(s.Decks))
	for i, d := range s.Decks {
		ids[i] = d.ID
		fitted = fitted || d.Weights == "fitted"
	}
	if !fitted {
		return nil
	}
	cal, err := ReplayCalibration(src, ids, inUse, loc, workers)
	if err != nil {
		return err
	}
	s.Calibration, s.CalibrationWeights = cal, CalibrationFitted
	return nil
}

// ReplayCalibration returns the calibration table of the reviews of decks
// as the weights in use (inUse by deck id; the defaults for a deck
// missing from it) predict them, each card's history replayed with them
// exactly as flash optimize's dataset does (optimize.NewDataset,
// optimize.Predict): from the start of the card's last run of learning
// reviews, elapsed time in whole study days (starting at
// scheduler.DayStartHour in loc), same-day reviews through FSRS-5's
// short-term formula. The reviews binned are the optimizer's items (a
// review after the card's first, on a later study day than its previous
// one) of cards in the review state, as the logged table bins reviews of
// cards in the review state.
func ReplayCalibration(src ReviewSource, decks []string, inUse map[string]scheduler.InUse, loc *time.Location, workers int) ([]CalBin, error) {
	// Decks with the same weights are replayed together, in deck order.
	weights := make(map[string]optimize.Weights, len(decks))
	var groups []optimize.Weights
	group := map[optimize.Weights]int{}
	for _, id := range decks {
		w := optimize.DefaultWeights()
		if u, ok := inUse[id]; ok {
			w = u.Weights
		}
		weights[id] = w
		if _, ok := group[w]; !ok {
			group[w] = len(groups)
			groups = append(groups, w)
		}
	}
	revs := make([][]optimize.Review, len(groups))
	if rc, ok := src.(reviewCounter); ok && len(groups) == 1 {
		if n, err := rc.ReviewCount(); err == nil {
			revs[0] = make([]optimize.Review, 0, n)
		}
	}
	var (
		lastDeck string
		g        = -1 // the group of lastDeck, -1 for a deck not replayed
	)
	err := src.ScanRatings(func(batch []storage.LogRating) error {
		for i := range batch {
			r := &batch[i]
			if r.Deck != lastDeck || lastDeck == "" {
				lastDeck, g = r.Deck, -1
				if w, ok := weights[r.Deck]; ok {
					g = group[w]
				}
			}
			if g < 0 {
				continue
			}
			// Milliseconds as time.Time.UnixMilli has them.
			ms := r.At / 1e6
			if r.At%1e6 < 0 {
				ms--
			}
			revs[g] = append(revs[g], optimize.Review{Card: r.Card, Time: ms, Rating: int8(r.Rating), State: int8(r.State)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var acc logStats
	clock := optimize.Clock{Loc: loc, DayStart: scheduler.DayStartHour}
	for g, rs := range revs {
		if len(rs) == 0 {
			continue
		}
		d, err := optimize.NewDataset(rs, clock)
		if err != nil {
			return nil, err
		}
		pred := optimize.Predict(d, groups[g], workers)
		// Summed in log order, so the result does not depend on how
		// the dataset orders its items.
		byReview := make([]int32, len(rs))
		for i := range byReview {
			byReview[i] = -1
		}
		for i := range pred {
			byReview[d.ItemReview(i)] = int32(i)
		}
		for pos, i := range byReview {
			if i < 0 || rs[pos].State != revlogReview {
				continue
			}
			acc.addCal(pred[i], rs[pos].Rating > 1)
		}
	}
	var s Stats
	acc.fill(&s)
	return s.Calibration, nil
}

// revlogReview is the review state in optimize.Review's convention.
const revlogReview = 2
