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
// states, the review time for log entries, so that LastReview == At costs
// one byte):
//
//	head    byte: state (bits 0-3) | 0x10 due set | 0x20 last review set |
//	        0x40 stability/difficulty present (both zero otherwise)
//	[stability, difficulty  float64 bits, little-endian, 8 bytes each]
//	[due − base             zigzag varint]
//	[last review − base     zigzag varint]
//	reps, lapses, elapsed days, scheduled days   uvarint
//
// State value (bucket state):
//
//	version 1 | flags byte: 1 retired, 2 suspended, 4 flagged, 8 buried |
//	order uvarint | question (uvarint length, bytes) |
//	[buried until, varint nanos] | FSRS card (base 0)
//
// Log value (bucket log; the key holds the time and seq):
//
//	version 1 | flags byte: 1 leech | rating byte | deck, card (uvarint
//	length, bytes) | before, after FSRS card (base = review time) |
//	elapsed days, scheduled days uvarint | duration varint nanos |
//	answer (uvarint length, bytes)
const (
	stateVersion   = 1
	reviewVersion  = 1
	contentVersion = 1

	cardDue    = 0x10
	cardLast   = 0x20
	cardMemory = 0x40
	cardState  = 0x0f

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

// nanos returns t as unix nanoseconds, or an error when t is not zero and
// outside what int64 nanoseconds can hold (years 1678-2262).
func nanos(t time.Time, what string) (int64, error) {
	if t.Before(minTime) || t.After(maxTime) {
		return 0, fmt.Errorf("%s %v out of range", what, t)
	}
	return t.UnixNano(), nil
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func appendCard(b []byte, c *fsrs.Card, base int64) ([]byte, error) {
	if c.State < 0 || c.State > fsrs.Relearning {
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
	// Wrapping arithmetic: exact round trip whatever the distance.
	if head&cardDue != 0 {
		b = binary.AppendUvarint(b, zigzag(int64(uint64(due)-uint64(base))))
	}
	if head&cardLast != 0 {
		b = binary.AppendUvarint(b, zigzag(int64(uint64(last)-uint64(base))))
	}
	b = binary.AppendUvarint(b, c.Reps)
	b = binary.AppendUvarint(b, c.Lapses)
	b = binary.AppendUvarint(b, c.ElapsedDays)
	b = binary.AppendUvarint(b, c.ScheduledDays)
	return b, nil
}

// reader decodes from b; after a short or malformed read bad is set and
// every further read returns zero, so callers check once at the end.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) uvarint() uint64 {
	if len(r.b) > 0 && r.b[0] < 0x80 {
		v := uint64(r.b[0])
		r.b = r.b[1:]
		return v
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (r *reader) u64() uint64 {
	if len(r.b) < 8 {
		r.bad = true
		r.b = nil
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.bad = true
		r.b = nil
		return nil
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}

var errCorrupt = errors.New("corrupt record")

func (r *reader) card(c *fsrs.Card, base int64) {
	head := r.byte()
	if head&0x80 != 0 || head&cardState > byte(fsrs.Relearning) {
		r.bad = true
		r.b = nil
		return
	}
	c.State = fsrs.State(head & cardState)
	if head&cardMemory != 0 {
		c.Stability = math.Float64frombits(r.u64())
		c.Difficulty = math.Float64frombits(r.u64())
	} else {
		c.Stability, c.Difficulty = 0, 0
	}
	c.Due = time.Time{}
	if head&cardDue != 0 {
		c.Due = time.Unix(0, int64(uint64(base)+uint64(r.varint())))
	}
	c.LastReview = time.Time{}
	if head&cardLast != 0 {
		c.LastReview = time.Unix(0, int64(uint64(base)+uint64(r.varint())))
	}
	c.Reps = r.uvarint()
	c.Lapses = r.uvarint()
	c.ElapsedDays = r.uvarint()
	c.ScheduledDays = r.uvarint()
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

// decodeState fills everything of cs but Deck and ID.
func decodeState(cs *CardState, v []byte, in *interner) error {
	r := reader{b: v}
	if ver := r.byte(); ver != stateVersion {
		if r.bad {
			return errCorrupt
		}
		return fmt.Errorf("card state version %d, this flash reads %d", ver, stateVersion)
	}
	fl := r.byte()
	if fl&^(stRetired|stSuspended|stFlagged|stBuried) != 0 {
		return errCorrupt
	}
	cs.Retired = fl&stRetired != 0
	cs.Suspended = fl&stSuspended != 0
	cs.Flagged = fl&stFlagged != 0
	order := r.uvarint()
	if order > math.MaxInt32 {
		return errCorrupt
	}
	cs.Order = int(order)
	if q := r.bytes(); in != nil {
		cs.Question = in.str(q)
	} else {
		cs.Question = string(q)
	}
	cs.BuriedUntil = time.Time{}
	if fl&stBuried != 0 {
		cs.BuriedUntil = time.Unix(0, r.varint())
	}
	r.card(&cs.FSRS, 0)
	if r.bad || len(r.b) != 0 {
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
	b = binary.AppendUvarint(b, zigzag(int64(r.Duration)))
	b = binary.AppendUvarint(b, uint64(len(r.Answer)))
	b = append(b, r.Answer...)
	return b, nil
}

// interner hands out one string per distinct deck or card id, so decoding
// many log entries allocates only for ids not seen before.
type interner struct {
	last string
	m    map[string]string
}

func (in *interner) str(b []byte) string {
	if string(b) == in.last {
		return in.last
	}
	s, ok := in.m[string(b)]
	if !ok {
		if in.m == nil {
			in.m = make(map[string]string)
		}
		s = string(b)
		in.m[s] = s
	}
	in.last = s
	return s
}

// decodeReview fills every field of r from a log key and value. It never
// panics, whatever the bytes.
func decodeReview(r *Review, k, v []byte, in *interner) error {
	if len(k) != 16 {
		return errors.New("bad log key length")
	}
	at := int64(binary.BigEndian.Uint64(k))
	r.At = time.Unix(0, at)
	r.Seq = binary.BigEndian.Uint64(k[8:])
	rd := reader{b: v}
	if ver := rd.byte(); ver != reviewVersion {
		if rd.bad {
			return errCorrupt
		}
		return fmt.Errorf("log entry version %d, this flash reads %d", ver, reviewVersion)
	}
	fl := rd.byte()
	rating := rd.byte()
	if fl&^revLeech != 0 || rating < byte(fsrs.Again) || rating > byte(fsrs.Easy) {
		return errCorrupt
	}
	r.Leech = fl&revLeech != 0
	r.Rating = fsrs.Rating(rating)
	deck, card := rd.bytes(), rd.bytes()
	if rd.bad {
		return errCorrupt
	}
	// Intern the deck apart from the cards: decks repeat in long runs.
	if string(deck) != r.Deck {
		r.Deck = in.str(deck)
	}
	r.Card = in.str(card)
	rd.card(&r.Before, at)
	rd.card(&r.After, at)
	r.ElapsedDays = rd.uvarint()
	r.ScheduledDays = rd.uvarint()
	r.Duration = time.Duration(rd.varint())
	r.Answer = ""
	if a := rd.bytes(); len(a) > 0 {
		r.Answer = string(a)
	}
	if rd.bad || len(rd.b) != 0 {
		return errCorrupt
	}
	return nil
}

// peekReview decodes only what DoneSince needs: deck, card and the FSRS
// state before the rating. deck and card point into v.
func peekReview(v []byte) (deck, card []byte, before fsrs.State, err error) {
	rd := reader{b: v}
	if rd.byte() != reviewVersion {
		return nil, nil, 0, errCorrupt
	}
	rd.byte()
	rd.byte()
	deck, card = rd.bytes(), rd.bytes()
	head := rd.byte()
	if rd.bad {
		return nil, nil, 0, errCorrupt
	}
	return deck, card, fsrs.State(head & cardState), nil
}
