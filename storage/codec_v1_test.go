package storage

import (
	"encoding/binary"
	"fmt"
	"math"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// Schema 1 encoders, kept for tests that build schema 1 databases to
// migrate; flash itself no longer writes schema 1.

// appendDelta appends t − base, in whole seconds when that is exact and
// safe, else in nanoseconds with wrapping arithmetic (so any pair
// round-trips), and reports which.
func appendDeltaV1(b []byte, t, base int64) ([]byte, bool) {
	d := int64(uint64(t) - uint64(base))
	overflow := (d < 0) != (t < base)
	if !overflow && d%1e9 == 0 {
		baseSec, _ := splitNanos(base)
		if s := baseSec + d/1e9; s >= -maxSec && s <= maxSec {
			return binary.AppendUvarint(b, zigzag(d/1e9)), true
		}
	}
	return binary.AppendUvarint(b, zigzag(d)), false
}

func appendCardV1(b []byte, c *fsrs.Card, base int64) ([]byte, error) {
	if c.State < fsrs.New || c.State > fsrs.Relearning {
		return b, fmt.Errorf("unknown FSRS state %d", c.State)
	}
	head := byte(c.State)
	var due, last int64
	var err error
	if !c.Due.IsZero() {
		head |= cardDue
		if due, err = nanos(c.Due, "due"); err != nil {
			return b, err
		}
	}
	if !c.LastReview.IsZero() {
		head |= cardLast
		if last, err = nanos(c.LastReview, "last review"); err != nil {
			return b, err
		}
	}
	s, d := math.Float64bits(c.Stability), math.Float64bits(c.Difficulty)
	if s != 0 || d != 0 {
		head |= cardMemory
	}
	at := len(b)
	b = append(b, head)
	if head&cardMemory != 0 {
		b = binary.LittleEndian.AppendUint64(b, s)
		b = binary.LittleEndian.AppendUint64(b, d)
	}
	var sec bool
	if head&cardDue != 0 {
		if b, sec = appendDeltaV1(b, due, base); sec {
			b[at] |= v1DueSec
		}
	}
	if head&cardLast != 0 {
		if b, sec = appendDeltaV1(b, last, base); sec {
			b[at] |= v1LastSec
		}
	}
	b = binary.AppendUvarint(b, c.Reps)
	b = binary.AppendUvarint(b, c.Lapses)
	b = binary.AppendUvarint(b, c.ElapsedDays)
	b = binary.AppendUvarint(b, c.ScheduledDays)
	return b, nil
}

func reviewKeyV1(at int64, seq uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(at))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

func encodeReviewV1(b []byte, r *Review, at int64) ([]byte, error) {
	if r.Rating < fsrs.Again || r.Rating > fsrs.Easy {
		return b, fmt.Errorf("unknown rating %d", r.Rating)
	}
	b = append(b, reviewVersion1)
	var fl byte
	if r.Leech {
		fl |= revLeechV1
	}
	b = append(b, fl, byte(r.Rating))
	b = binary.AppendUvarint(b, zigzag(int64(r.Duration)))
	b = binary.AppendUvarint(b, uint64(len(r.Deck)))
	b = append(b, r.Deck...)
	b = binary.AppendUvarint(b, uint64(len(r.Card)))
	b = append(b, r.Card...)
	var err error
	if b, err = appendCardV1(b, &r.Before, at); err != nil {
		return b, fmt.Errorf("before: %w", err)
	}
	if b, err = appendCardV1(b, &r.After, at); err != nil {
		return b, fmt.Errorf("after: %w", err)
	}
	b = binary.AppendUvarint(b, r.ElapsedDays)
	b = binary.AppendUvarint(b, r.ScheduledDays)
	b = binary.AppendUvarint(b, uint64(len(r.Answer)))
	b = append(b, r.Answer...)
	return b, nil
}

var _ = math.MaxInt64
