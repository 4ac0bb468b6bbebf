package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// Record encodings. Every value starts with a version byte so that a later
// schema can read old records. Enums (FSRS state, rating) are stored as their
// explicit go-fsrs numbers. Times are unix nanoseconds; a zero time.Time is
// marked by a bit rather than stored.
//
// FSRS card (inside state and log records), relative to a base time (0 for
// states, the review time for log entries):
//
//	head    byte: state (bits 0-1) | 0x04 due set | 0x08 due in whole
//	        seconds | 0x10 last review set | 0x20 last review in whole
//	        seconds | 0x40 stability/difficulty present (else both zero)
//	[stability, difficulty  float64 bits, little-endian, 8 bytes each]
//	[due − base             zigzag varint, seconds or nanoseconds]
//	[last review − base     zigzag varint, seconds or nanoseconds]
//	reps, lapses, elapsed days, scheduled days   uvarint
//
// go-fsrs sets LastReview to the review time and Due to it plus a whole
// interval, so in the log both usually take one to three bytes.
//
// State value (bucket state):
//
//	version 1 | flags byte: 1 retired, 2 suspended, 4 flagged, 8 buried |
//	order uvarint | question (uvarint length, bytes) |
//	[buried until, zigzag varint nanos] | FSRS card (base 0)
//
// Log value (bucket log; the key holds the time and seq):
//
//	version 1 | flags byte: 1 leech | rating byte | duration zigzag
//	varint nanos | deck, card (uvarint length, bytes) | before, after FSRS
//	card (base = review time) | elapsed days, scheduled days uvarint |
//	answer (uvarint length, bytes)
//
// What statistics read (rating, duration, deck, the memory before) comes
// first, so that decodeStat stops after the before card.
//
// Decoders read with an index p into the value; a short or malformed read
// sets p past the end, every later read then fails too, and the caller
// checks p == len(v) once at the end.
const (
	stateVersion         = 1
	reviewVersion        = 1
	contentVersion       = 1 // JSON card; read, no longer written
	contentVersionBinary = 2

	cardStateMask = 0x03
	cardDue       = 0x04
	cardDueSec    = 0x08
	cardLast      = 0x10
	cardLastSec   = 0x20
	cardMemory    = 0x40

	stRetired   = 1
	stSuspended = 2
	stFlagged   = 4
	stBuried    = 8

	revLeech = 1
)

var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

var errCorrupt = errors.New("corrupt record")

// nanos returns t as unix nanoseconds, or an error when t is not zero and
// outside what int64 nanoseconds can hold (years 1678-2262).
func nanos(t time.Time, what string) (int64, error) {
	if t.Before(minTime) || t.After(maxTime) {
		return 0, fmt.Errorf("%s %v out of range", what, t)
	}
	return t.UnixNano(), nil
}

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// maxSec bounds the whole seconds of a time stored as a seconds delta, so
// that seconds·1e9 plus any nanoseconds fits int64 nanoseconds.
const maxSec = math.MaxInt64/1_000_000_000 - 1

// appendDelta appends t − base, in whole seconds when that is exact and
// safe, else in nanoseconds with wrapping arithmetic (so any pair
// round-trips), and reports which.
func appendDelta(b []byte, t, base int64) ([]byte, bool) {
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

func appendCard(b []byte, c *fsrs.Card, base int64) ([]byte, error) {
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
		if b, sec = appendDelta(b, due, base); sec {
			b[at] |= cardDueSec
		}
	}
	if head&cardLast != 0 {
		if b, sec = appendDelta(b, last, base); sec {
			b[at] |= cardLastSec
		}
	}
	b = binary.AppendUvarint(b, c.Reps)
	b = binary.AppendUvarint(b, c.Lapses)
	b = binary.AppendUvarint(b, c.ElapsedDays)
	b = binary.AppendUvarint(b, c.ScheduledDays)
	return b, nil
}

// uv reads a uvarint at v[p]; the one-byte case inlines.
func uv(v []byte, p int) (uint64, int) {
	if uint(p) < uint(len(v)) {
		if c := v[p]; c < 0x80 {
			return uint64(c), p + 1
		}
	}
	return uvSlow(v, p)
}

func uvSlow(v []byte, p int) (uint64, int) {
	if p >= len(v) {
		return 0, len(v) + 1
	}
	x, n := binary.Uvarint(v[p:])
	if n <= 0 {
		return 0, len(v) + 1
	}
	return x, p + n
}

// by reads one byte at v[p].
func by(v []byte, p int) (byte, int) {
	if p < len(v) {
		return v[p], p + 1
	}
	return 0, len(v) + 1
}

// bs reads a uvarint length and that many bytes at v[p].
func bs(v []byte, p int) ([]byte, int) {
	n, p := uv(v, p)
	if p > len(v) || n > uint64(len(v)-p) {
		return nil, len(v) + 1
	}
	e := p + int(n)
	return v[p:e:e], e
}

// delta reads a time written by appendDelta. base is split into seconds
// and nanoseconds (0 <= baseNsec < 1e9) so that the common whole-second
// delta builds the time without a division.
func delta(v []byte, p int, base, baseSec, baseNsec int64, sec bool) (time.Time, int) {
	u, p := uv(v, p)
	d := unzigzag(u)
	if sec {
		if d < -2*maxSec || d > 2*maxSec || baseSec+d < -maxSec || baseSec+d > maxSec {
			return time.Time{}, len(v) + 1 // appendDelta never writes this
		}
		return time.Unix(baseSec+d, baseNsec), p
	}
	return time.Unix(0, int64(uint64(base)+uint64(d))), p
}

// splitNanos splits unix nanos into seconds and 0 <= nanoseconds < 1e9.
func splitNanos(n int64) (sec, nsec int64) {
	sec, nsec = n/1e9, n%1e9
	if nsec < 0 {
		sec, nsec = sec-1, nsec+1e9
	}
	return sec, nsec
}

// readCard reads an FSRS card at v[p].
func readCard(c *fsrs.Card, v []byte, p int, base, baseSec, baseNsec int64) int {
	head, p := by(v, p)
	if head&0x80 != 0 || p > len(v) {
		return len(v) + 1
	}
	c.State = fsrs.State(head & cardStateMask)
	c.Stability, c.Difficulty = 0, 0
	if head&cardMemory != 0 {
		if p+16 > len(v) {
			return len(v) + 1
		}
		c.Stability = math.Float64frombits(binary.LittleEndian.Uint64(v[p:]))
		c.Difficulty = math.Float64frombits(binary.LittleEndian.Uint64(v[p+8:]))
		p += 16
	}
	c.Due = time.Time{}
	if head&cardDue != 0 {
		c.Due, p = delta(v, p, base, baseSec, baseNsec, head&cardDueSec != 0)
	} else if head&cardDueSec != 0 {
		return len(v) + 1
	}
	c.LastReview = time.Time{}
	if head&cardLast != 0 {
		c.LastReview, p = delta(v, p, base, baseSec, baseNsec, head&cardLastSec != 0)
	} else if head&cardLastSec != 0 {
		return len(v) + 1
	}
	// Usually all four counters are below 128: one byte each.
	if p >= 0 && p+4 <= len(v) {
		if w := binary.LittleEndian.Uint32(v[p:]); w&0x80808080 == 0 {
			c.Reps, c.Lapses = uint64(w&0xff), uint64(w>>8&0xff)
			c.ElapsedDays, c.ScheduledDays = uint64(w>>16&0xff), uint64(w>>24)
			return p + 4
		}
	}
	c.Reps, p = uv(v, p)
	c.Lapses, p = uv(v, p)
	c.ElapsedDays, p = uv(v, p)
	c.ScheduledDays, p = uv(v, p)
	return p
}

// encodeState encodes everything of cs but Deck and ID, which are the key.
func encodeState(cs *CardState) ([]byte, error) {
	b := make([]byte, 0, 48+len(cs.Question))
	b = append(b, stateVersion)
	var fl byte
	if cs.Retired {
		fl |= stRetired
	}
	if cs.Suspended {
		fl |= stSuspended
	}
	if cs.Flagged {
		fl |= stFlagged
	}
	var buried int64
	if !cs.BuriedUntil.IsZero() {
		fl |= stBuried
		var err error
		if buried, err = nanos(cs.BuriedUntil, "buried until"); err != nil {
			return nil, err
		}
	}
	if cs.Order < 0 {
		return nil, fmt.Errorf("negative order %d", cs.Order)
	}
	b = append(b, fl)
	b = binary.AppendUvarint(b, uint64(cs.Order))
	b = binary.AppendUvarint(b, uint64(len(cs.Question)))
	b = append(b, cs.Question...)
	if fl&stBuried != 0 {
		b = binary.AppendUvarint(b, zigzag(buried))
	}
	return appendCard(b, &cs.FSRS, 0)
}

// decodeState fills everything of cs but Deck and ID. in may be nil.
func decodeState(cs *CardState, v []byte, in *interner) error {
	ver, p := by(v, 0)
	if p > len(v) {
		return errCorrupt
	}
	if ver != stateVersion {
		return fmt.Errorf("card state version %d, this flash reads %d", ver, stateVersion)
	}
	fl, p := by(v, p)
	if fl&^(stRetired|stSuspended|stFlagged|stBuried) != 0 {
		return errCorrupt
	}
	cs.Retired = fl&stRetired != 0
	cs.Suspended = fl&stSuspended != 0
	cs.Flagged = fl&stFlagged != 0
	order, p := uv(v, p)
	if order > math.MaxInt32 {
		return errCorrupt
	}
	cs.Order = int(order)
	q, p := bs(v, p)
	if in != nil {
		cs.Question = in.str(q)
	} else {
		cs.Question = string(q)
	}
	cs.BuriedUntil = time.Time{}
	if fl&stBuried != 0 {
		var u uint64
		u, p = uv(v, p)
		cs.BuriedUntil = time.Unix(0, unzigzag(u))
	}
	p = readCard(&cs.FSRS, v, p, 0, 0, 0)
	if p != len(v) {
		return errCorrupt
	}
	return nil
}

// reviewKey is big-endian unix nanos then big-endian seq, so keys sort by
// time and then by the order of writing.
func reviewKey(at int64, seq uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(at))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

// timeKey is the smallest log key at or after t; times before 1970 sort
// first, times after 2262 last.
func timeKey(t time.Time) []byte {
	var n uint64
	switch {
	case t.Before(time.Unix(0, 0)):
	case t.After(maxTime):
		n = math.MaxInt64
	default:
		n = uint64(t.UnixNano())
	}
	return binary.BigEndian.AppendUint64(nil, n)
}

// encodeReview encodes r's value; At and Seq go in the key.
func encodeReview(b []byte, r *Review, at int64) ([]byte, error) {
	if r.Rating < fsrs.Again || r.Rating > fsrs.Easy {
		return b, fmt.Errorf("unknown rating %d", r.Rating)
	}
	b = append(b, reviewVersion)
	var fl byte
	if r.Leech {
		fl |= revLeech
	}
	b = append(b, fl, byte(r.Rating))
	b = binary.AppendUvarint(b, zigzag(int64(r.Duration)))
	b = binary.AppendUvarint(b, uint64(len(r.Deck)))
	b = append(b, r.Deck...)
	b = binary.AppendUvarint(b, uint64(len(r.Card)))
	b = append(b, r.Card...)
	var err error
	if b, err = appendCard(b, &r.Before, at); err != nil {
		return b, fmt.Errorf("before: %w", err)
	}
	if b, err = appendCard(b, &r.After, at); err != nil {
		return b, fmt.Errorf("after: %w", err)
	}
	b = binary.AppendUvarint(b, r.ElapsedDays)
	b = binary.AppendUvarint(b, r.ScheduledDays)
	b = binary.AppendUvarint(b, uint64(len(r.Answer)))
	b = append(b, r.Answer...)
	return b, nil
}

// interner hands out one string per distinct deck or card id, so decoding
// many log entries allocates only for ids not seen before.
type interner struct {
	m map[string]string
}

func (in *interner) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s, ok := in.m[string(b)] // no allocation: the compiler sees the lookup
	if !ok {
		if in.m == nil {
			in.m = make(map[string]string)
		}
		s = string(b)
		in.m[s] = s
	}
	return s
}

// decodeReview fills every field of r from a log key and value. It never
// panics, whatever the bytes. r.Deck is kept when the deck is the same as
// in the entry r held before, so reuse one Review across a scan.
func decodeReview(r *Review, k, v []byte, in *interner) error {
	if len(k) != 16 {
		return errors.New("bad log key length")
	}
	at := int64(binary.BigEndian.Uint64(k))
	r.At = time.Unix(0, at)
	r.Seq = binary.BigEndian.Uint64(k[8:])
	if len(v) < 3 {
		return errCorrupt
	}
	if v[0] != reviewVersion {
		return fmt.Errorf("log entry version %d, this flash reads %d", v[0], reviewVersion)
	}
	fl, rating := v[1], v[2]
	if fl&^revLeech != 0 || rating < byte(fsrs.Again) || rating > byte(fsrs.Easy) {
		return errCorrupt
	}
	r.Leech = fl&revLeech != 0
	r.Rating = fsrs.Rating(rating)
	d, p := uv(v, 3)
	r.Duration = time.Duration(unzigzag(d))
	deck, p := bs(v, p)
	cardID, p := bs(v, p)
	if p > len(v) {
		return errCorrupt
	}
	// Decks come in long runs: compare before looking up.
	if string(deck) != r.Deck {
		r.Deck = in.str(deck)
	}
	r.Card = in.str(cardID)
	sec, nsec := splitNanos(at)
	p = readCard(&r.Before, v, p, at, sec, nsec)
	p = readCard(&r.After, v, p, at, sec, nsec)
	r.ElapsedDays, p = uv(v, p)
	r.ScheduledDays, p = uv(v, p)
	a, p := bs(v, p)
	if p != len(v) {
		return errCorrupt
	}
	r.Answer = ""
	if len(a) > 0 {
		r.Answer = string(a)
	}
	return nil
}

// peekReview decodes only what DoneSince needs: deck, card and the FSRS
// state before the rating. deck and card point into v.
func peekReview(v []byte) (deck, card []byte, before fsrs.State, err error) {
	if len(v) < 3 || v[0] != reviewVersion {
		return nil, nil, 0, errCorrupt
	}
	_, p := uv(v, 3) // duration
	deck, p = bs(v, p)
	card, p = bs(v, p)
	head, p := by(v, p)
	if p > len(v) {
		return nil, nil, 0, errCorrupt
	}
	return deck, card, fsrs.State(head & cardStateMask), nil
}

// LogStat is the part of a review-log entry that statistics read: what
// ScanStats decodes, without the card id, the state after the rating or
// the answer.
type LogStat struct {
	At         int64 // unix nanoseconds
	Duration   time.Duration
	LastReview int64   // Before.LastReview in unix nanoseconds; 0 when unset
	Stability  float64 // Before.Stability
	Rating     fsrs.Rating
	State      fsrs.State // Before.State
}

// decodeStat decodes what LogStat holds from a log value, at being the
// key's time. It reports false when deck is not nil and the entry is of
// another deck. It checks only the part it reads: Check and Reviews
// validate whole entries.
func decodeStat(e *LogStat, at int64, v, deck []byte) (bool, error) {
	if len(v) < 4 || v[0] != reviewVersion {
		return false, errCorrupt
	}
	rating := v[2]
	if rating < byte(fsrs.Again) || rating > byte(fsrs.Easy) {
		return false, errCorrupt
	}
	var d uint64
	var p int
	if c := v[3]; c < 0x80 {
		d, p = uint64(c), 4
	} else {
		d, p = uvSlow(v, 3)
	}
	dk, p := bs(v, p)
	if deck != nil && string(dk) != string(deck) {
		return false, nil
	}
	n, p := uv(v, p) // card id: skipped
	p += int(min(n, uint64(len(v))))
	head, p := by(v, p)
	if head&0x80 != 0 || p > len(v) {
		return false, errCorrupt
	}
	e.At, e.Rating, e.Duration = at, fsrs.Rating(rating), time.Duration(unzigzag(d))
	e.State = fsrs.State(head & cardStateMask)
	e.Stability, e.LastReview = 0, 0
	if head&cardMemory != 0 {
		if p+16 > len(v) {
			return false, errCorrupt
		}
		e.Stability = math.Float64frombits(binary.LittleEndian.Uint64(v[p:]))
		p += 16
	}
	if head&cardDue != 0 {
		_, p = uv(v, p)
	}
	if head&cardLast != 0 {
		var u uint64
		u, p = uv(v, p)
		dl := unzigzag(u)
		if head&cardLastSec != 0 {
			dl *= 1e9 // appendDelta keeps seconds deltas small enough
		}
		e.LastReview = int64(uint64(at) + uint64(dl))
	}
	if p > len(v) {
		return false, errCorrupt
	}
	return true, nil
}
