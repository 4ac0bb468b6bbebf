package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
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
//	head    byte: state (bits 0-1) | 0x04 due set | 0x08 scheduled days
//	        not stored | 0x10 last review set | 0x40 stability/difficulty
//	        present (else both zero)
//	[stability, difficulty  float64 bits, little-endian, 8 bytes each]
//	[last review − base     delta]
//	[due − last review      delta; due − base without a last review]
//	reps, lapses, elapsed days, [scheduled days]   uvarint
//
// Scheduled days are left out (0x08) when they are the whole days from
// the last review to due, as go-fsrs sets them for a review card: both
// set, due − last review ≥ 0 and a multiple of 86400 s. Cards written
// before that flag store the number always; they read as they are.
//
// State value (bucket state, key deck\x00card):
//
//	version 2 | flags byte: 1 retired, 2 suspended, 4 flagged, 8 buried,
//	0x10 last after | order uvarint | card number uvarint | question
//	(uvarint length, bytes) | [buried until, zigzag varint nanos] | FSRS
//	card (base 0) | [last after: FSRS card (base 0)]
//
// The last after is the FSRS card after the rating of the card's latest
// log entry, kept only when it is not the card's FSRS state: a log entry
// of version 3 does not store its after (see below), and something other
// than a rating (new weights, an undo) changed the state since.
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
// Review value of version 3, written since: the same, without the after
// card, which is the before card of the card's next entry in the log (its
// previous after when that entry has one), or for the card's latest entry
// the state's last after or else its FSRS state. Flag 0x80 marks a links
// byte at the end, written only where that rule would not give the after
// or the previous entry's after (a rating in between older ones, a rating
// whose before is not what the log says came before):
//
//	version 3 | flags byte (as version 2, 0x80 links) | duration | deck
//	number, card number | before FSRS card | [elapsed days] | [scheduled
//	days] | [answer] | [links byte: 1 after, 2 previous after | [after FSRS
//	card] | [previous after FSRS card]]
//
// The elapsed and scheduled days flags compare with the after, stored or
// not. Version 2 entries (with their after) are read as they are.
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
	reviewVersion        = 2 // with the after card; read, and written where an after must be kept
	reviewVersion3       = 3 // without the after card
	contentVersion       = 1 // JSON card; read, no longer written
	contentVersionBinary = 2 // hex hash and the card's id; read, no longer written
	contentVersion3      = 3

	cardStateMask = 0x03
	cardDue       = 0x04
	cardSchedDays = 0x08 // scheduled days = whole days from last review to due, not stored
	cardLast      = 0x10
	cardMemory    = 0x40
	cardKnown     = cardStateMask | cardDue | cardSchedDays | cardLast | cardMemory

	nsPerDay = 86400 * int64(time.Second)

	stRetired   = 1
	stSuspended = 2
	stFlagged   = 4
	stBuried    = 8
	stLastAfter = 0x10

	revRatingMask = 0x03
	revLeech      = 0x04
	revAnswer     = 0x08
	revElapsedEq  = 0x10
	revSchedEq    = 0x20
	revDurMs      = 0x40
	revLinks      = 0x80 // version 3: a links byte ends the value

	linkAfter = 1 // the after card follows
	linkPrev  = 2 // the after of the card's previous log entry follows
	linkKnown = linkAfter | linkPrev
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

// deltaUnits are the units of a delta, by its low two bits; deltaMax and
// deltaMin the largest and smallest multiples of each that int64 holds.
var (
	deltaUnits = [4]int64{1, 1e6, 1e9, 86400e9}
	deltaMax   = [4]int64{math.MaxInt64, math.MaxInt64 / 1_000_000, math.MaxInt64 / 1_000_000_000, math.MaxInt64 / 86_400_000_000_000}
	deltaMin   = [4]int64{math.MinInt64, math.MinInt64 / 1_000_000, math.MinInt64 / 1_000_000_000, math.MinInt64 / 86_400_000_000_000}
)

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
	x, next, ok := uvFast(v, p)
	if !ok {
		x, next = uvSlow(v, p)
	}
	p = next
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
	// q·unit overflows exactly when q is outside these bounds (checked
	// without dividing: a 64-bit division took most of readDelta's time).
	if q > deltaMax[u] || q < deltaMin[u] {
		return 0, len(v) + 1 // appendDelta never writes this
	}
	d := q * deltaUnits[u]
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
	headAt := len(b)
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
	if head&(cardLast|cardDue) == cardLast|cardDue {
		if d := due - last; d >= 0 && d%nsPerDay == 0 && uint64(d/nsPerDay) == c.ScheduledDays {
			b[headAt] |= cardSchedDays
		}
	}
	b = binary.AppendUvarint(b, c.Reps)
	b = binary.AppendUvarint(b, c.Lapses)
	b = binary.AppendUvarint(b, c.ElapsedDays)
	if b[headAt]&cardSchedDays == 0 {
		b = binary.AppendUvarint(b, c.ScheduledDays)
	}
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

// uvFast reads a uvarint of at most 8 bytes at v[p] from one 8-byte load,
// where 8 bytes are left: the varint's end is found from the stop bits and
// its 7-bit groups are joined with shifts, without a branch per byte to
// mispredict (the log's durations, card numbers and time deltas are of
// every length from one to four bytes). It inlines; ok is false, and
// uvSlow must read it, near the end of v or for a longer varint. p must
// not be negative.
func uvFast(v []byte, p int) (x uint64, next int, ok bool) {
	if p+8 > len(v) {
		return 0, p, false
	}
	w := binary.LittleEndian.Uint64(v[p:])
	// The varint's bits, 8 per byte; 65 when no byte of w ends it.
	n := bits.TrailingZeros64(^w&0x8080808080808080) + 1
	w &= ^uint64(0) >> uint(64-n)
	// As joinGroups, written out: a call would keep uvFast from inlining.
	w = w&0x007f007f007f007f | w>>1&0x3f803f803f803f80
	w = w&0x00003fff00003fff | w>>2&0x0fffc0000fffc000
	return w&0x000000000fffffff | w>>4&0x00fffffff0000000, p + n/8, n <= 64
}

// joinGroups returns the value of the uvarint whose bytes are w, little
// endian, the bytes past its end cleared: the low 7 bits of each byte,
// joined with shifts.
func joinGroups(w uint64) uint64 {
	w = w&0x007f007f007f007f | w>>1&0x3f803f803f803f80
	w = w&0x00003fff00003fff | w>>2&0x0fffc0000fffc000
	return w&0x000000000fffffff | w>>4&0x00fffffff0000000
}

// uvHead reads the three uvarints a log value holds after its version and
// flags (duration, deck number, card number) from one 8-byte load, where
// they end within it (nearly always: they take 3 to 7 bytes): their ends
// come from the stop bits all at once, so that no read waits for the
// length of the varint before it. It returns the first two values and
// the position after the third; ok is false when they must be read one
// by one (uvFast), near the end of v or for longer varints.
func uvHead(v []byte) (dur, deck uint64, next int, ok bool) {
	if len(v) < 10 {
		return 0, 0, 0, false
	}
	w := binary.LittleEndian.Uint64(v[2:])
	stops := ^w & 0x8080808080808080
	end1 := bits.TrailingZeros64(stops) + 1 // in bits from the start of w
	stops &= stops - 1
	end2 := bits.TrailingZeros64(stops) + 1
	stops &= stops - 1
	if stops == 0 {
		return 0, 0, 0, false // the third does not end within w
	}
	end3 := bits.TrailingZeros64(stops) + 1
	dur = joinGroups(w & (1<<end1 - 1))
	deck = joinGroups(w >> end1 & (1<<(end2-end1) - 1))
	return dur, deck, 2 + end3/8, true
}

func uvSlow(v []byte, p int) (uint64, int) {
	if p < 0 || p >= len(v) {
		return 0, len(v) + 1
	}
	// Two or three bytes (durations in milliseconds, time deltas, larger
	// card numbers): what binary.Uvarint reads, without its loop.
	if c := v[p]; c >= 0x80 && p+1 < len(v) {
		if d := v[p+1]; d < 0x80 {
			return uint64(c&0x7f) | uint64(d)<<7, p + 2
		} else if p+2 < len(v) && v[p+2] < 0x80 {
			return uint64(c&0x7f) | uint64(d&0x7f)<<7 | uint64(v[p+2])<<14, p + 3
		}
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
	var f cardNanos
	p = readCardNanos(&f, v, p, base)
	c.State = fsrs.State(f.head & cardStateMask)
	c.Stability, c.Difficulty = f.stability, f.difficulty
	c.LastReview, c.Due = time.Time{}, time.Time{}
	if f.head&cardLast != 0 {
		c.LastReview = time.Unix(0, f.last)
	}
	if f.head&cardDue != 0 {
		c.Due = time.Unix(0, f.due)
	}
	c.Reps, c.Lapses, c.ElapsedDays, c.ScheduledDays = f.reps, f.lapses, f.elapsed, f.sched
	return p
}

// cardNanos are the fields of an encoded FSRS card, its times in unix
// nanoseconds: last and due are set where head says so.
type cardNanos struct {
	head                         byte
	stability, difficulty        float64
	last, due                    int64
	reps, lapses, elapsed, sched uint64
}

// readCardNanos reads an FSRS card at v[p] as readCard does, without
// making its times time.Time (statistics read every card's state).
func readCardNanos(c *cardNanos, v []byte, p int, base int64) int {
	*c = cardNanos{}
	head, p := by(v, p)
	if head&^cardKnown != 0 || p > len(v) {
		return len(v) + 1
	}
	c.head = head
	if head&cardMemory != 0 {
		if p+16 > len(v) {
			return len(v) + 1
		}
		c.stability = math.Float64frombits(binary.LittleEndian.Uint64(v[p:]))
		c.difficulty = math.Float64frombits(binary.LittleEndian.Uint64(v[p+8:]))
		p += 16
	}
	dueBase := base
	if head&cardLast != 0 {
		c.last, p = readDelta(v, p, base)
		dueBase = c.last
	}
	if head&cardDue != 0 {
		c.due, p = readDelta(v, p, dueBase)
	}
	if head&cardSchedDays != 0 {
		// Three counters; scheduled days from the last review and due.
		d := c.due - c.last
		if head&(cardLast|cardDue) != cardLast|cardDue || d < 0 || d%nsPerDay != 0 {
			return len(v) + 1
		}
		c.sched = uint64(d / nsPerDay)
		if p >= 0 && p+3 <= len(v) && (v[p]|v[p+1]|v[p+2])&0x80 == 0 {
			c.reps, c.lapses, c.elapsed = uint64(v[p]), uint64(v[p+1]), uint64(v[p+2])
			return p + 3
		}
		c.reps, p = uv(v, p)
		c.lapses, p = uv(v, p)
		c.elapsed, p = uv(v, p)
		return p
	}
	// Usually all four counters are below 128: one byte each.
	if p >= 0 && p+4 <= len(v) {
		if w := binary.LittleEndian.Uint32(v[p:]); w&0x80808080 == 0 {
			c.reps, c.lapses = uint64(w&0xff), uint64(w>>8&0xff)
			c.elapsed, c.sched = uint64(w>>16&0xff), uint64(w>>24)
			return p + 4
		}
	}
	c.reps, p = uv(v, p)
	c.lapses, p = uv(v, p)
	c.elapsed, p = uv(v, p)
	c.sched, p = uv(v, p)
	return p
}

// encodeState encodes everything of cs but Deck and ID, which are the key;
// num is the card's number.
func encodeState(cs *CardState, num uint32) ([]byte, error) {
	return appendState(make([]byte, 0, stateSize(cs)), cs, num)
}

// stateSize is a capacity hint for the value of cs: enough for most.
func stateSize(cs *CardState) int { return 56 + len(cs.Question) }

// appendState appends cs's value (encodeState) to b.
func appendState(b []byte, cs *CardState, num uint32) ([]byte, error) {
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
	if cs.lastAfter != nil {
		fl |= stLastAfter
	}
	b = append(b, fl)
	b = binary.AppendUvarint(b, uint64(cs.Order))
	b = binary.AppendUvarint(b, uint64(num))
	b = binary.AppendUvarint(b, uint64(len(cs.Question)))
	b = append(b, cs.Question...)
	if fl&stBuried != 0 {
		b = binary.AppendUvarint(b, zigzag(buried))
	}
	b, err := appendCard(b, &cs.FSRS, 0)
	if err != nil || cs.lastAfter == nil {
		return b, err
	}
	if b, err = appendCard(b, cs.lastAfter, 0); err != nil {
		return b, fmt.Errorf("last after: %w", err)
	}
	return b, nil
}

// decodeState fills everything of cs but Deck and ID and returns the
// card's number. in may be nil.
func decodeState(cs *CardState, v []byte, in *interner) (uint32, error) {
	var h stateHead
	p, err := readStateHead(&h, v)
	if err != nil {
		return 0, err
	}
	cs.Retired = h.flags&stRetired != 0
	cs.Suspended = h.flags&stSuspended != 0
	cs.Flagged = h.flags&stFlagged != 0
	cs.Order = int(h.order)
	if in != nil {
		cs.Question = in.str(h.question)
	} else {
		cs.Question = string(h.question)
	}
	cs.BuriedUntil = time.Time{}
	if h.flags&stBuried != 0 {
		cs.BuriedUntil = time.Unix(0, h.buried)
	}
	p = readCard(&cs.FSRS, v, p, 0)
	cs.lastAfter = nil
	if h.flags&stLastAfter != 0 {
		cs.lastAfter = new(fsrs.Card)
		p = readCard(cs.lastAfter, v, p, 0)
	}
	if p != len(v) {
		return 0, errCorrupt
	}
	return uint32(h.num), nil
}

// stateHead is what a state value holds before its FSRS card.
type stateHead struct {
	flags      byte
	order, num uint64
	question   []byte // within the value
	buried     int64  // unix nanoseconds, where flags has stBuried
}

// readStateHead reads the head of a state value and returns where its
// FSRS card begins, or an error; a short value may give a position past
// the end, which the reads after it keep.
func readStateHead(h *stateHead, v []byte) (int, error) {
	ver, p := by(v, 0)
	if p > len(v) {
		return 0, errCorrupt
	}
	if ver != stateVersion {
		return 0, fmt.Errorf("card state version %d, this flash reads %d", ver, stateVersion)
	}
	fl, p := by(v, p)
	if fl&^(stRetired|stSuspended|stFlagged|stBuried|stLastAfter) != 0 {
		return 0, errCorrupt
	}
	h.flags = fl
	h.order, p = uv(v, p)
	h.num, p = uv(v, p)
	if h.order > math.MaxInt32 || h.num > math.MaxUint32 {
		return 0, errCorrupt
	}
	h.question, p = bs(v, p)
	h.buried = 0
	if fl&stBuried != 0 {
		var u uint64
		u, p = uv(v, p)
		h.buried = unzigzag(u)
	}
	return p, nil
}

// stateLastAfter returns the part of a state value where the after of the
// card's latest log entry is encoded (base 0): the last after when the
// state has one, else its FSRS card.
func stateLastAfter(v []byte) ([]byte, error) {
	if len(v) < 2 || v[0] != stateVersion {
		return nil, errCorrupt
	}
	fl := v[1]
	_, p := uv(v, 2) // order
	_, p = uv(v, p)  // number
	_, p = bs(v, p)  // question
	if fl&stBuried != 0 {
		_, p = uv(v, p)
	}
	if fl&stLastAfter != 0 {
		var c fsrs.Card
		p = readCard(&c, v, p, 0)
	}
	if p >= len(v) {
		return nil, errCorrupt
	}
	return v[p:], nil
}

// sameCard reports whether a and b are the same card: every field equal,
// times as instants, floats by their bits (NaN, -0).
func sameCard(a, b *fsrs.Card) bool {
	return a.Due.Equal(b.Due) && a.LastReview.Equal(b.LastReview) &&
		a.Due.IsZero() == b.Due.IsZero() && a.LastReview.IsZero() == b.LastReview.IsZero() &&
		math.Float64bits(a.Stability) == math.Float64bits(b.Stability) &&
		math.Float64bits(a.Difficulty) == math.Float64bits(b.Difficulty) &&
		a.ElapsedDays == b.ElapsedDays && a.ScheduledDays == b.ScheduledDays &&
		a.Reps == b.Reps && a.Lapses == b.Lapses && a.State == b.State
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
	return appendReviewKey(make([]byte, 0, reviewKeyLen), at, seq)
}

// appendReviewKey appends reviewKey(at, seq) to k.
func appendReviewKey(k []byte, at int64, seq uint32) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(k, uint64(at)), seq)
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

// encodeReview encodes r's value of version 2 (with the after) for the
// card numbered n; At and Seq go in the key.
func encodeReview(b []byte, r *Review, n cardNum, at int64) ([]byte, error) {
	return encodeEntry(b, r, n, at, entryLinks{explicit: true, version: reviewVersion})
}

// entryLinks says how a log entry's after is found (see the encodings).
type entryLinks struct {
	version byte
	// explicit: the after is stored; else it is found from the card's
	// next entry or its state.
	explicit bool
	// prev, when set, is the after of the card's previous entry, stored
	// because this entry's before is not it.
	prev *fsrs.Card
	// elapsedEq, schedEq: the review's elapsed and scheduled days are the
	// after's (set by decodeEntry; encodeEntry computes them when the
	// after is stored, else takes them from here).
	elapsedEq, schedEq bool
}

// encodeEntry encodes r's value as l says: version 2 (l.explicit must be
// set and l.prev nil) or 3.
func encodeEntry(b []byte, r *Review, n cardNum, at int64, l entryLinks) ([]byte, error) {
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
	if l.explicit {
		l.elapsedEq = r.ElapsedDays == r.After.ElapsedDays
		l.schedEq = r.ScheduledDays == r.After.ScheduledDays
	}
	if l.elapsedEq {
		fl |= revElapsedEq
	}
	if l.schedEq {
		fl |= revSchedEq
	}
	dur := int64(r.Duration)
	if dur%1e6 == 0 {
		fl |= revDurMs
		dur /= 1e6
	}
	var links byte
	switch l.version {
	case reviewVersion:
		if !l.explicit || l.prev != nil {
			return b, errors.New("a version 2 log entry holds its after and no previous after")
		}
	case reviewVersion3:
		if l.explicit {
			links |= linkAfter
		}
		if l.prev != nil {
			links |= linkPrev
		}
		if links != 0 {
			fl |= revLinks
		}
	default:
		return b, fmt.Errorf("log entry version %d", l.version)
	}
	b = append(b, l.version, fl)
	b = binary.AppendUvarint(b, zigzag(dur))
	b = binary.AppendUvarint(b, uint64(n.deck))
	b = binary.AppendUvarint(b, uint64(n.card))
	var err error
	if b, err = appendCard(b, &r.Before, at); err != nil {
		return b, fmt.Errorf("before: %w", err)
	}
	if l.version == reviewVersion {
		if b, err = appendCard(b, &r.After, at); err != nil {
			return b, fmt.Errorf("after: %w", err)
		}
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
	if links != 0 {
		b = append(b, links)
		if links&linkAfter != 0 {
			if b, err = appendCard(b, &r.After, at); err != nil {
				return b, fmt.Errorf("after: %w", err)
			}
		}
		if links&linkPrev != 0 {
			if b, err = appendCard(b, l.prev, at); err != nil {
				return b, fmt.Errorf("previous after: %w", err)
			}
		}
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
// bytes. Of a version 3 entry without its after, r.After is left zero, and
// so are r's elapsed and scheduled days where they are the after's:
// decodeEntry says so, and completeAfter fills them.
func decodeReview(r *Review, k, v []byte) (cardNum, error) {
	n, _, err := decodeEntry(r, k, v)
	return n, err
}

// decodeEntry is decodeReview that also returns how the entry links to
// its card's others; l.prev points into a fresh card.
func decodeEntry(r *Review, k, v []byte) (n cardNum, l entryLinks, err error) {
	if len(k) != reviewKeyLen {
		return cardNum{}, l, errors.New("bad log key length")
	}
	at := int64(binary.BigEndian.Uint64(k))
	r.At = time.Unix(0, at)
	r.Seq = uint64(binary.BigEndian.Uint32(k[8:]))
	if len(v) < 2 {
		return cardNum{}, l, errCorrupt
	}
	l.version = v[0]
	if l.version != reviewVersion && l.version != reviewVersion3 {
		return cardNum{}, l, fmt.Errorf("log entry version %d, this flash reads %d and %d", v[0], reviewVersion, reviewVersion3)
	}
	fl := v[1]
	if fl&revLinks != 0 && l.version == reviewVersion {
		return cardNum{}, l, errCorrupt
	}
	r.Rating = fsrs.Rating(fl&revRatingMask) + fsrs.Again
	r.Leech = fl&revLeech != 0
	d, p := uv(v, 2)
	dur := unzigzag(d)
	if fl&revDurMs != 0 {
		if dur > math.MaxInt64/1_000_000 || dur < math.MinInt64/1_000_000 {
			return cardNum{}, l, errCorrupt
		}
		dur *= 1e6
	}
	r.Duration = time.Duration(dur)
	dn, p := uv(v, p)
	cn, p := uv(v, p)
	if p > len(v) || dn > math.MaxUint32 || cn > math.MaxUint32 {
		return cardNum{}, l, errCorrupt
	}
	p = readCard(&r.Before, v, p, at)
	r.After = fsrs.Card{}
	l.explicit = l.version == reviewVersion
	if l.explicit {
		p = readCard(&r.After, v, p, at)
	}
	l.elapsedEq, l.schedEq = fl&revElapsedEq != 0, fl&revSchedEq != 0
	r.ElapsedDays, r.ScheduledDays = r.After.ElapsedDays, r.After.ScheduledDays
	if !l.elapsedEq {
		r.ElapsedDays, p = uv(v, p)
	}
	if !l.schedEq {
		r.ScheduledDays, p = uv(v, p)
	}
	r.Answer = ""
	if fl&revAnswer != 0 {
		var a []byte
		a, p = bs(v, p)
		r.Answer = string(a)
	}
	if fl&revLinks != 0 {
		var links byte
		links, p = by(v, p)
		if links == 0 || links&^linkKnown != 0 {
			return cardNum{}, l, errCorrupt
		}
		if links&linkAfter != 0 {
			l.explicit = true
			p = readCard(&r.After, v, p, at)
			if l.elapsedEq {
				r.ElapsedDays = r.After.ElapsedDays
			}
			if l.schedEq {
				r.ScheduledDays = r.After.ScheduledDays
			}
		}
		if links&linkPrev != 0 {
			l.prev = new(fsrs.Card)
			p = readCard(l.prev, v, p, at)
		}
	}
	if p != len(v) {
		return cardNum{}, l, errCorrupt
	}
	return cardNum{uint32(dn), uint32(cn)}, l, nil
}

// completeAfter sets r.After of an entry decoded without it, with the
// elapsed and scheduled days l says are the after's.
func completeAfter(r *Review, l entryLinks, after *fsrs.Card) {
	r.After = *after
	if l.elapsedEq {
		r.ElapsedDays = after.ElapsedDays
	}
	if l.schedEq {
		r.ScheduledDays = after.ScheduledDays
	}
}

// entryCards returns, without decoding them, where a log value's before
// card starts and, for an entry of version 3 that stores it, the after of
// the card's previous entry (nil otherwise), and whether the value holds
// its own after: what is needed to find the afters of a card's entries.
func entryCards(v []byte) (n cardNum, before, prev []byte, explicit bool, err error) {
	if len(v) < 2 || (v[0] != reviewVersion && v[0] != reviewVersion3) {
		return cardNum{}, nil, nil, false, errCorrupt
	}
	fl := v[1]
	_, p := uv(v, 2) // duration
	dn, p := uv(v, p)
	cn, p := uv(v, p)
	if p >= len(v) || dn > math.MaxUint32 || cn > math.MaxUint32 {
		return cardNum{}, nil, nil, false, errCorrupt
	}
	n = cardNum{uint32(dn), uint32(cn)}
	before = v[p:]
	if v[0] == reviewVersion {
		return n, before, nil, true, nil
	}
	if fl&revLinks == 0 {
		return n, before, nil, false, nil
	}
	var c fsrs.Card
	p = readCard(&c, v, p, 0)
	if fl&revElapsedEq == 0 {
		_, p = uv(v, p)
	}
	if fl&revSchedEq == 0 {
		_, p = uv(v, p)
	}
	if fl&revAnswer != 0 {
		_, p = bs(v, p)
	}
	links, p := by(v, p)
	if links&linkAfter != 0 {
		p = readCard(&c, v, p, 0)
	}
	if links&linkPrev != 0 {
		if p >= len(v) {
			return cardNum{}, nil, nil, false, errCorrupt
		}
		prev = v[p:]
	}
	if p > len(v) {
		return cardNum{}, nil, nil, false, errCorrupt
	}
	return n, before, prev, links&linkAfter != 0, nil
}

// peekReview decodes only the card's numbers and the FSRS state before the
// rating.
func peekReview(v []byte) (n cardNum, before fsrs.State, err error) {
	if len(v) < 2 || (v[0] != reviewVersion && v[0] != reviewVersion3) {
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
	deck       uint32     // the deck's number (for UpdateLogSummary's scan)
}

// decodeStat decodes what LogStat holds from a log value, at being the
// key's time. It reports false when deck is not 0 and the entry is of
// another deck. It checks only the part it reads: Check and Reviews
// validate whole entries.
func decodeStat(e *LogStat, at int64, v []byte, deck uint32) (bool, error) {
	if len(v) < 4 || (v[0] != reviewVersion && v[0] != reviewVersion3) {
		return false, errCorrupt
	}
	fl := v[1]
	// Duration, deck number, card number.
	d, dn, p, ok := uvHead(v)
	if !ok {
		if d, p, ok = uvFast(v, 2); !ok {
			d, p = uvSlow(v, 2)
		}
		if dn, p, ok = uvFast(v, p); !ok {
			dn, p = uvSlow(v, p)
		}
		if _, p, ok = uvFast(v, p); !ok {
			_, p = uvSlow(v, p)
		}
	}
	if deck != 0 && dn != uint64(deck) {
		return false, nil
	}
	head, p := by(v, p)
	if head&^cardKnown != 0 || p > len(v) {
		return false, errCorrupt
	}
	dur := unzigzag(d)
	if fl&revDurMs != 0 {
		dur *= 1e6
	}
	e.At, e.Rating, e.Duration = at, fsrs.Rating(fl&revRatingMask)+fsrs.Again, time.Duration(dur)
	e.deck = uint32(dn)
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
		// readDelta inline but for its rare cases: nanoseconds (as a
		// clock gives them), or a whole number of milliseconds, seconds
		// or days, before at.
		x, next, ok := uvFast(v, p)
		if !ok {
			x, next = uvSlow(v, p) // near the end of v: whole days, mostly
		}
		u, q := x&3, unzigzag(x>>2)
		d := q * deltaUnits[u]
		switch t := at + d; {
		case next > len(v) || x == 0:
			e.LastReview, p = readDelta(v, p, at)
		case u == 0:
			e.LastReview, p = int64(uint64(at)+uint64(q)), next
		case q <= deltaMax[u] && q >= deltaMin[u] && (t < at) == (d < 0):
			e.LastReview, p = t, next
		default:
			e.LastReview, p = readDelta(v, p, at)
		}
	}
	if p > len(v) {
		return false, errCorrupt
	}
	return true, nil
}
