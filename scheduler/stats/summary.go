package stats

import (
	"encoding/binary"
	"math"
	"slices"
	"time"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/storage"
)

// The summary of the log's older part. Every review counts in figures of
// two kinds: all-time figures that depend on nothing but the review (the
// count, the answer time, the all-time retention and the calibration bins,
// whose exact sums merge to the very figure of one pass), and the figures
// of the history's days, which only reviews at or after the start of its
// first day touch. So the all-time figures of every review before a time,
// the cut, kept per deck in the database, stand in for reading those
// reviews: Load adds them to a scan of the reviews from the cut on, and
// gets byte for byte the figures of a scan of the whole log, as long as the
// cut is not after the history's first day. Storage keeps the summary and
// drops it whenever a review before the cut is added, deleted or changed;
// Summarize writes it.

// SummaryAge is how far before now Summarize puts the cut: beyond the
// history's Days study days, so that the summary serves stats until two
// days before the time it was made.
const SummaryAge = (Days + 2) * 24 * time.Hour

// summaryStep is how far the cut must move for Summarize to write it: a
// learner's session a day moves it once a day, with one day's reviews.
const summaryStep = 24 * time.Hour

// summaryVersion is the blob's first byte. Change it whenever what a
// figure counts changes (the answer-time cap, the forgetting curve, the
// calibration bins): a summary of another version is not used.
const summaryVersion = 1

// SummaryStore is what Summarize reads and writes; *storage.Store
// satisfies it.
type SummaryStore interface {
	LogSummaryCut() (cut time.Time, ok bool, err error)
	UpdateLogSummary(fn func(cut time.Time, blob []byte, ok bool, scan storage.LogScan) (time.Time, []byte, error)) error
}

// summarySource is a Source that keeps a summary of its log (see
// Summarize) and scans the log from a time: *storage.Store is one.
type summarySource interface {
	LogSummary() (cut time.Time, blob []byte, ok bool, err error)
	ScanStatsSince(deckID string, from time.Time, parts, workers int, fn func(worker, part int, batch []storage.LogStat) error) error
}

// Summarize moves the cut of st's summary to SummaryAge before now,
// reading only the reviews between the old cut and the new one (the first
// time, or when the stored summary cannot be used, every review before the
// new cut), in one write transaction. It writes nothing when the cut would
// move less than a day, or back (a clock set back): an older cut serves as
// well, at the cost of a longer scan. A stored summary that cannot be used
// (of another version, or the log changed under it) with a cut that
// would not move is replaced a day later.
func Summarize(st SummaryStore, now time.Time) error {
	target := now.Add(-SummaryAge)
	if target.UnixNano() <= 0 {
		return nil // a clock before 1970 + SummaryAge: no review is that old
	}
	// The usual case, a session on the day of the last one, reads one
	// record: the summary stays.
	cut, ok, err := st.LogSummaryCut()
	if err != nil {
		return err
	}
	if ok && target.Sub(cut) < summaryStep {
		return nil
	}
	return st.UpdateLogSummary(func(cut time.Time, blob []byte, ok bool, scan storage.LogScan) (time.Time, []byte, error) {
		decks, valid := decodeSummary(blob)
		from := cut
		switch {
		case !ok || !valid:
			decks, from = map[string]*logStats{}, time.Time{}
		case target.Sub(cut) < summaryStep:
			return cut, blob, nil // another process moved it meanwhile
		}
		err := scan(from, target, func(deckID string, batch []storage.LogStat) error {
			a := decks[deckID]
			if a == nil {
				a = newAllTime()
				decks[deckID] = a
			}
			a.addStats(batch)
			return nil
		})
		if err != nil {
			return time.Time{}, nil, err
		}
		return target, encodeSummary(decks), nil
	})
}

// newAllTime returns a logStats that counts the all-time figures only: no
// review falls in its history's days, so merging it adds only those.
func newAllTime() *logStats {
	a := &logStats{}
	for i := range a.bounds {
		a.bounds[i] = math.MaxInt64
	}
	return a
}

// Summarized reports whether Load at now would read only the reviews from
// the cut of src's summary on, not the whole log: src keeps a summary of
// its log's older part, of this version, whose cut is not after the first
// day of the history at now.
func Summarized(src Source, now time.Time) (bool, error) {
	ss, ok := src.(summarySource)
	if !ok {
		return false, nil
	}
	cut, err := useSummary(ss, newLogStats(now, ""))
	return !cut.IsZero(), err
}

// WholeLog reports whether the figures of deckID's decks ("" for all of
// decks) at now read src's whole review log, for a caller that chooses how
// to open it: when src keeps no summary that serves at now (Summarized),
// when one of the decks has fitted weights (UseWeights then replays every
// review) and when one has an exam set (Exams reads the deck's answer
// times from its whole history). settings are src's (the same store).
func WholeLog(src Source, settings scheduler.SettingReader, decks []storage.DeckInfo, deckID string, now time.Time) (bool, error) {
	for _, d := range decks {
		if deckID != "" && d.ID != deckID {
			continue
		}
		for _, key := range []string{scheduler.WeightsKey(d.ID), exam.Key(d.ID)} {
			if _, ok, err := settings.Setting(key); ok || err != nil {
				return ok, err
			}
		}
	}
	ok, err := Summarized(src, now)
	return !ok, err
}

// useSummary adds to a the all-time figures of src's summary for a's deck
// and returns the cut: a then needs the reviews from the cut on. It
// returns the zero time, and leaves a alone, when there is no summary,
// when it is of another version, or when its cut is after the start of
// the history's first day (a clock set back): then a needs every review.
func useSummary(src summarySource, a *logStats) (time.Time, error) {
	cut, blob, ok, err := src.LogSummary()
	if err != nil || !ok || cut.UnixNano() > a.bounds[0] {
		return time.Time{}, err
	}
	decks, ok := decodeSummary(blob)
	if !ok {
		return time.Time{}, nil
	}
	for id, d := range decks {
		if a.deck == "" || a.deck == id {
			a.merge(d) // d counts no review in the history's days
		}
	}
	return cut, nil
}

// The blob: summaryVersion, uvarint number of decks, then for each deck in
// id order: uvarint length ‖ id, uvarint reviews, answer time (ns), all-time
// reviews and recalled of the retention, then for each calibration bin
// uvarint n, recalled and its exact sum (appendSum).

func encodeSummary(decks map[string]*logStats) []byte {
	ids := make([]string, 0, len(decks))
	for id := range decks {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b := []byte{summaryVersion}
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, id := range ids {
		a := decks[id]
		b = binary.AppendUvarint(b, uint64(len(id)))
		b = append(b, id...)
		b = binary.AppendUvarint(b, uint64(a.reviews))
		b = binary.AppendUvarint(b, uint64(a.spent[3]))
		b = binary.AppendUvarint(b, uint64(a.ret[2].Reviews))
		b = binary.AppendUvarint(b, uint64(a.ret[2].Recalled))
		for i := range a.cal {
			c := &a.cal[i]
			b = binary.AppendUvarint(b, uint64(c.n))
			b = binary.AppendUvarint(b, uint64(c.recalled))
			b = appendSum(b, &c.sum)
		}
	}
	return b
}

// decodeSummary returns the decks' all-time figures a blob holds, false
// for a blob of another version or a damaged one.
func decodeSummary(b []byte) (map[string]*logStats, bool) {
	if len(b) < 1 || b[0] != summaryVersion {
		return nil, false
	}
	r := reader{b: b[1:]}
	n := r.uv()
	if n > uint64(len(b)) {
		return nil, false
	}
	decks := make(map[string]*logStats, n)
	for range n {
		l := r.uv()
		if l > uint64(len(r.b)) {
			return nil, false
		}
		id := string(r.b[:l])
		r.b = r.b[l:]
		a := newAllTime()
		a.reviews = r.int()
		a.spent[3] = time.Duration(r.int())
		a.ret[2].Reviews, a.ret[2].Recalled = r.int(), r.int()
		for i := range a.cal {
			c := &a.cal[i]
			c.n, c.recalled = r.int(), r.int()
			r.sum(&c.sum)
		}
		if _, dup := decks[id]; dup || r.bad {
			return nil, false
		}
		decks[id] = a
	}
	if r.bad || len(r.b) != 0 {
		return nil, false
	}
	return decks, true
}

// appendSum appends s: a byte of flags (1: a non-finite value was added,
// then its float sum follows as 8 bytes), then the positive and the
// negative limbs, each as uvarint index of the lowest non-zero limb and
// uvarint count, then the limbs from it to the highest non-zero one (8
// bytes each, little-endian). Sums of recalls in 0..1 take two or three
// limbs of the 34.
func appendSum(b []byte, s *exactSum) []byte {
	if s.any {
		b = append(b, 1)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.special))
	} else {
		b = append(b, 0)
	}
	for _, limbs := range [2]*[exactLimbs]uint64{&s.pos, &s.neg} {
		lo, hi := 0, len(limbs)
		for lo < hi && limbs[lo] == 0 {
			lo++
		}
		for hi > lo && limbs[hi-1] == 0 {
			hi--
		}
		b = binary.AppendUvarint(b, uint64(lo))
		b = binary.AppendUvarint(b, uint64(hi-lo))
		for _, l := range limbs[lo:hi] {
			b = binary.LittleEndian.AppendUint64(b, l)
		}
	}
	return b
}

// reader reads a blob; bad is set at the first thing it cannot read.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) uv() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// int reads a uvarint that must fit an int.
func (r *reader) int() int {
	v := r.uv()
	if v > math.MaxInt64 {
		r.bad = true
		return 0
	}
	return int(v)
}

func (r *reader) u64() uint64 {
	if len(r.b) < 8 {
		r.bad, r.b = true, nil
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

// sum reads what appendSum wrote into s.
func (r *reader) sum(s *exactSum) {
	if len(r.b) < 1 {
		r.bad = true
		return
	}
	flags := r.b[0]
	r.b = r.b[1:]
	switch flags {
	case 0:
	case 1:
		s.any, s.special = true, math.Float64frombits(r.u64())
	default:
		r.bad = true
		return
	}
	for _, limbs := range [2]*[exactLimbs]uint64{&s.pos, &s.neg} {
		lo, n := r.uv(), r.uv()
		if lo > exactLimbs || n > exactLimbs-lo {
			r.bad = true
			return
		}
		for i := range n {
			limbs[lo+i] = r.u64()
		}
	}
}
