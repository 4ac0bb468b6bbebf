package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// Record encodings of schema 2. Every value starts with a version byte so
// that a later schema can read old records (codec_v1.go reads schema 1's).
// Enums (FSRS state, rating) are stored as their explicit go-fsrs numbers.
// Times are unix nanoseconds; a zero time.Time is marked by a bit rather
// than stored.
//
// A time delta d is one uvarint: zigzag(d/unit)<<2 | u, with unit
// nanoseconds (u=0), milliseconds (1), seconds (2) or days of 86400 s (3),
// the largest that divides d; a delta too large for that is a 0 byte and
// 8 bytes of little-endian nanoseconds. go-fsrs sets a card's due time to its last
// review plus whole days or minutes, so most deltas take one or two bytes.
//
// FSRS card (inside state and log records), relative to a base time (0 for
// states, the review time for log entries):
//
//	head    byte: state (bits 0-1) | 0x04 due set | 0x10 last review set |
//	        0x40 stability/difficulty present (else both zero)
//	[stability, difficulty  float64 bits, little-endian, 8 bytes each]
//	[last review − base     delta]
//	[due − last review      delta; due − base without a last review]
//	reps, lapses, elapsed days, scheduled days   uvarint
//
// State value (bucket state, key deck\x00card):
//
//	version 2 | flags byte: 1 retired, 2 suspended, 4 flagged, 8 buried |
//	order uvarint | card number uvarint | question (uvarint length,
//	bytes) | [buried until, zigzag varint nanos] | FSRS card (base 0)
//
// Review value (bucket reviews; the key is big-endian unix nanos ‖
// big-endian uint32 seq, 12 bytes):
//
//	version 2 | flags byte: rating−1 (bits 0-1) | 0x04 leech | 0x08 answer
//	| 0x10 elapsed days = after's | 0x20 scheduled days = after's | 0x40
//	duration in whole milliseconds | duration zigzag varint (ns or ms) |
//	deck number, card number uvarint | before, after FSRS card (base =
//	review time) | [elapsed days uvarint] | [scheduled days uvarint] |
//	[answer (uvarint length, bytes)]
//
// A card's number is given at import, once, and never reused within its
// deck; a deck's number likewise (bucket ids). What statistics read
// (rating, duration, deck, the memory before) comes first, so that
// decodeStat stops after the before card.
//
// Decoders read with an index p into the value; a short or malformed read
// sets p past the end, every later read then fails too, and the caller
// checks p == len(v) once at the end.
const (
	stateVersion         = 2
	reviewVersion        = 2
	contentVersion       = 1 // JSON card; read, no longer written
	contentVersionBinary = 2

	cardStateMask = 0x03
	cardDue       = 0x04
	cardLast      = 0x10
	cardMemory    = 0x40
	cardKnown     = cardStateMask | cardDue | cardLast | cardMemory

	stRetired   = 1
	stSuspended = 2
	stFlagged   = 4
	stBuried    = 8

	revRatingMask = 0x03
	revLeech      = 0x04
	revAnswer     = 0x08
	revElapsedEq  = 0x10
	revSchedEq    = 0x20
	revDurMs      = 0x40
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

// deltaUnits are the units of a delta, by its low two bits.
var deltaUnits = [4]int64{1, 1e6, 1e9, 86400e9}

// appendDelta appends t − base (see the package's record encodings). When
// the difference overflows int64 it is stored in nanoseconds with
// wrapping arithmetic, so any pair round-trips.
func appendDelta(b []byte, t, base int64) []byte {
	d := int64(uint64(t) - uint64(base))
	u := 0
	if overflow := (d < 0) != (t < base); !overflow {
		for u < 3 && d%deltaUnits[u+1] == 0 {
			u++
		}
	}
	q := zigzag(d / deltaUnits[u])
	if q >= 1<<62 {
		// Too large to shift: 0 (never written otherwise, since a zero
		// delta is in days) and the nanoseconds as 8 bytes.
		return binary.LittleEndian.AppendUint64(append(b, 0), uint64(d))
	}
	return binary.AppendUvarint(b, q<<2|uint64(u))
}

// readDelta reads a delta written by appendDelta and returns base plus it.
func readDelta(v []byte, p int, base int64) (int64, int) {
	x, p := uv(v, p)
	if x == 0 && p <= len(v) {
		if p+8 > len(v) {
			return 0, len(v) + 1
		}
		return int64(uint64(base) + binary.LittleEndian.Uint64(v[p:])), p + 8
	}
	u := x & 3
	q := unzigzag(x >> 2)
	if u == 0 {
		return int64(uint64(base) + uint64(q)), p
	}
	unit := deltaUnits[u]
	d := q * unit
	if d/unit != q {
		return 0, len(v) + 1 // appendDelta never writes this
	}
	t := base + d
	if (t < base) != (d < 0) {
		return 0, len(v) + 1
	}
	return t, p
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
	b = append(b, head)
	if head&cardMemory != 0 {
		b = binary.LittleEndian.AppendUint64(b, s)
		b = binary.LittleEndian.AppendUint64(b, d)
	}
	dueBase := base
	if head&cardLast != 0 {
		b = appendDelta(b, last, base)
		dueBase = last
	}
	if head&cardDue != 0 {
		b = appendDelta(b, due, dueBase)
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
	if p < 0 || p >= len(v) {
		return 0, len(v) + 1
	}
	// Two bytes (a duration in milliseconds, a larger card number):
	// what binary.Uvarint reads, without its loop.
	if c := v[p]; c >= 0x80 && p+1 < len(v) && v[p+1] < 0x80 {
		return uint64(c&0x7f) | uint64(v[p+1])<<7, p + 2
	}
	x, n := binary.Uvarint(v[p:])
	if n <= 0 {
		return 0, len(v) + 1
	}
	return x, p + n
}

// by reads one byte at v[p].
func by(v []byte, p int) (byte, int) {
	if p >= 0 && p < len(v) {
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

// splitNanos splits unix nanos into seconds and 0 <= nanoseconds < 1e9.
func splitNanos(n int64) (sec, nsec int64) {
	sec, nsec = n/1e9, n%1e9
	if nsec < 0 {
		sec, nsec = sec-1, nsec+1e9
	}
	return sec, nsec
}

// readCard reads an FSRS card at v[p].
func readCard(c *fsrs.Card, v []byte, p int, base int64) int {
	head, p := by(v, p)
	if head&^cardKnown != 0 || p > len(v) {
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
	c.LastReview, c.Due = time.Time{}, time.Time{}
	dueBase := base
	if head&cardLast != 0 {
		var t int64
		t, p = readDelta(v, p, base)
		c.LastReview = time.Unix(0, t)
		dueBase = t
	}
	if head&cardDue != 0 {
		var t int64
		t, p = readDelta(v, p, dueBase)
		c.Due = time.Unix(0, t)
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

// encodeState encodes everything of cs but Deck and ID, which are the key;
// num is the card's number.
func encodeState(cs *CardState, num uint32) ([]byte, error) {
	b := make([]byte, 0, 56+len(cs.Question))
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
	if cs.Order < 0 || cs.Order > math.MaxInt32 {
		return nil, fmt.Errorf("order %d out of range", cs.Order)
	}
	b = append(b, fl)
	b = binary.AppendUvarint(b, uint64(cs.Order))
	b = binary.AppendUvarint(b, uint64(num))
	b = binary.AppendUvarint(b, uint64(len(cs.Question)))
	b = append(b, cs.Question...)
	if fl&stBuried != 0 {
		b = binary.AppendUvarint(b, zigzag(buried))
	}
	return appendCard(b, &cs.FSRS, 0)
}

// decodeState fills everything of cs but Deck and ID and returns the
// card's number. in may be nil.
func decodeState(cs *CardState, v []byte, in *interner) (uint32, error) {
	ver, p := by(v, 0)
	if p > len(v) {
		return 0, errCorrupt
	}
	if ver != stateVersion {
		return 0, fmt.Errorf("card state version %d, this flash reads %d", ver, stateVersion)
	}
	fl, p := by(v, p)
	if fl&^(stRetired|stSuspended|stFlagged|stBuried) != 0 {
		return 0, errCorrupt
	}
	cs.Retired = fl&stRetired != 0
	cs.Suspended = fl&stSuspended != 0
	cs.Flagged = fl&stFlagged != 0
	order, p := uv(v, p)
	num, p := uv(v, p)
	if order > math.MaxInt32 || num > math.MaxUint32 {
		return 0, errCorrupt
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
	p = readCard(&cs.FSRS, v, p, 0)
	if p != len(v) {
		return 0, errCorrupt
	}
	return uint32(num), nil
}

// stateNum returns the card number of a state value without decoding the
// rest.
func stateNum(v []byte) (uint32, error) {
	if len(v) < 2 || v[0] != stateVersion {
		return 0, errCorrupt
	}
	_, p := uv(v, 2)
	num, p := uv(v, p)
	if p > len(v) || num > math.MaxUint32 {
		return 0, errCorrupt
	}
	return uint32(num), nil
}

// reviewKeyLen is the length of a review key.
const reviewKeyLen = 12

// reviewKey is big-endian unix nanos then big-endian seq, so keys sort by
// time and then by the order of writing.
func reviewKey(at int64, seq uint32) []byte {
	k := make([]byte, reviewKeyLen)
	binary.BigEndian.PutUint64(k, uint64(at))
	binary.BigEndian.PutUint32(k[8:], seq)
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

// cardNum is a card's identity inside the log: its deck's number and its
// own number in the deck.
type cardNum struct{ deck, card uint32 }

// encodeReview encodes r's value for the card numbered n; At and Seq go in
// the key.
func encodeReview(b []byte, r *Review, n cardNum, at int64) ([]byte, error) {
	if r.Rating < fsrs.Again || r.Rating > fsrs.Easy {
		return b, fmt.Errorf("unknown rating %d", r.Rating)
	}
	fl := byte(r.Rating-fsrs.Again) & revRatingMask
	if r.Leech {
		fl |= revLeech
	}
	if r.Answer != "" {
		fl |= revAnswer
	}
	if r.ElapsedDays == r.After.ElapsedDays {
		fl |= revElapsedEq
	}
	if r.ScheduledDays == r.After.ScheduledDays {
		fl |= revSchedEq
	}
	dur := int64(r.Duration)
	if dur%1e6 == 0 {
		fl |= revDurMs
		dur /= 1e6
	}
	b = append(b, reviewVersion, fl)
	b = binary.AppendUvarint(b, zigzag(dur))
	b = binary.AppendUvarint(b, uint64(n.deck))
	b = binary.AppendUvarint(b, uint64(n.card))
	var err error
	if b, err = appendCard(b, &r.Before, at); err != nil {
		return b, fmt.Errorf("before: %w", err)
	}
	if b, err = appendCard(b, &r.After, at); err != nil {
		return b, fmt.Errorf("after: %w", err)
	}
	if fl&revElapsedEq == 0 {
		b = binary.AppendUvarint(b, r.ElapsedDays)
	}
	if fl&revSchedEq == 0 {
		b = binary.AppendUvarint(b, r.ScheduledDays)
	}
	if fl&revAnswer != 0 {
		b = binary.AppendUvarint(b, uint64(len(r.Answer)))
		b = append(b, r.Answer...)
	}
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

// decodeReview fills every field of r but Deck and Card from a log key and
// value and returns the card's numbers. It never panics, whatever the
// bytes.
func decodeReview(r *Review, k, v []byte) (cardNum, error) {
	if len(k) != reviewKeyLen {
		return cardNum{}, errors.New("bad log key length")
	}
	at := int64(binary.BigEndian.Uint64(k))
	r.At = time.Unix(0, at)
	r.Seq = uint64(binary.BigEndian.Uint32(k[8:]))
	if len(v) < 2 {
		return cardNum{}, errCorrupt
	}
	if v[0] != reviewVersion {
		return cardNum{}, fmt.Errorf("log entry version %d, this flash reads %d", v[0], reviewVersion)
	}
	fl := v[1]
	if fl&0x80 != 0 {
		return cardNum{}, errCorrupt
	}
	r.Rating = fsrs.Rating(fl&revRatingMask) + fsrs.Again
	r.Leech = fl&revLeech != 0
	d, p := uv(v, 2)
	dur := unzigzag(d)
	if fl&revDurMs != 0 {
		if dur > math.MaxInt64/1_000_000 || dur < math.MinInt64/1_000_000 {
			return cardNum{}, errCorrupt
		}
		dur *= 1e6
	}
	r.Duration = time.Duration(dur)
	dn, p := uv(v, p)
	cn, p := uv(v, p)
	if p > len(v) || dn > math.MaxUint32 || cn > math.MaxUint32 {
		return cardNum{}, errCorrupt
	}
	p = readCard(&r.Before, v, p, at)
	p = readCard(&r.After, v, p, at)
	r.ElapsedDays, r.ScheduledDays = r.After.ElapsedDays, r.After.ScheduledDays
	if fl&revElapsedEq == 0 {
		r.ElapsedDays, p = uv(v, p)
	}
	if fl&revSchedEq == 0 {
		r.ScheduledDays, p = uv(v, p)
	}
	r.Answer = ""
	if fl&revAnswer != 0 {
		var a []byte
		a, p = bs(v, p)
		r.Answer = string(a)
	}
	if p != len(v) {
		return cardNum{}, errCorrupt
	}
	return cardNum{uint32(dn), uint32(cn)}, nil
}

// peekReview decodes only the card's numbers and the FSRS state before the
// rating.
func peekReview(v []byte) (n cardNum, before fsrs.State, err error) {
	if len(v) < 2 || v[0] != reviewVersion {
		return cardNum{}, 0, errCorrupt
	}
	_, p := uv(v, 2) // duration
	dn, p := uv(v, p)
	cn, p := uv(v, p)
	head, p := by(v, p)
	if p > len(v) || dn > math.MaxUint32 || cn > math.MaxUint32 {
		return cardNum{}, 0, errCorrupt
	}
	return cardNum{uint32(dn), uint32(cn)}, fsrs.State(head & cardStateMask), nil
}

// LogStat is the part of a review-log entry that statistics read: what
// ScanStatsParts decodes, without the card, the state after the rating or
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
// key's time. It reports false when deck is not 0 and the entry is of
// another deck. It checks only the part it reads: Check and Reviews
// validate whole entries.
func decodeStat(e *LogStat, at int64, v []byte, deck uint32) (bool, error) {
	if len(v) < 4 || v[0] != reviewVersion {
		return false, errCorrupt
	}
	fl := v[1]
	var d uint64
	var p int
	if c := v[2]; c < 0x80 {
		d, p = uint64(c), 3
	} else {
		d, p = uvSlow(v, 2)
	}
	dn, p := uv(v, p)
	if deck != 0 && dn != uint64(deck) {
		return false, nil
	}
	_, p = uv(v, p) // card number
	head, p := by(v, p)
	if head&^cardKnown != 0 || p > len(v) {
		return false, errCorrupt
	}
	dur := unzigzag(d)
	if fl&revDurMs != 0 {
		dur *= 1e6
	}
	e.At, e.Rating, e.Duration = at, fsrs.Rating(fl&revRatingMask)+fsrs.Again, time.Duration(dur)
	e.State = fsrs.State(head & cardStateMask)
	e.Stability, e.LastReview = 0, 0
	if head&cardMemory != 0 {
		if p+16 > len(v) {
			return false, errCorrupt
		}
		e.Stability = math.Float64frombits(binary.LittleEndian.Uint64(v[p:]))
		p += 16
	}
	if head&cardLast != 0 {
		e.LastReview, p = readDelta(v, p, at)
	}
	if p > len(v) {
		return false, errCorrupt
	}
	return true, nil
}
