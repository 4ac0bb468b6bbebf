package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// Schema 1 records, read only by the migration to schema 2 (migrate.go).
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
// State value (bucket state):
//
//	version 1 | flags byte: 1 retired, 2 suspended, 4 flagged, 8 buried |
//	order uvarint | question (uvarint length, bytes) |
//	[buried until, zigzag varint nanos] | FSRS card (base 0)
//
// Log value (bucket log; the key is big-endian unix nanos ‖ big-endian
// uint64 seq):
//
//	version 1 | flags byte: 1 leech | rating byte | duration zigzag
//	varint nanos | deck, card (uvarint length, bytes) | before, after FSRS
//	card (base = review time) | elapsed days, scheduled days uvarint |
//	answer (uvarint length, bytes)
const (
	stateVersion1  = 1
	reviewVersion1 = 1

	v1DueSec  = 0x08
	v1LastSec = 0x20

	revLeechV1 = 1
)

// bucketLogV1 is schema 1's review log.
var bucketLogV1 = []byte("log")

// maxSec bounds the whole seconds of a time stored as a seconds delta, so
// that seconds·1e9 plus any nanoseconds fits int64 nanoseconds.
const maxSec = math.MaxInt64/1_000_000_000 - 1

// decodeState fills everything of cs but Deck and ID. in may be nil.
func decodeStateV1(cs *CardState, v []byte, in *interner) error {
	ver, p := by(v, 0)
	if p > len(v) {
		return errCorrupt
	}
	if ver != stateVersion1 {
		return fmt.Errorf("card state version %d, this flash reads %d", ver, stateVersion1)
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
	p = readCardV1(&cs.FSRS, v, p, 0, 0, 0)
	if p != len(v) {
		return errCorrupt
	}
	return nil
}

// decodeReview fills every field of r from a log key and value. It never
// panics, whatever the bytes. r.Deck is kept when the deck is the same as
// in the entry r held before, so reuse one Review across a scan.
func decodeReviewV1(r *Review, k, v []byte, in *interner) error {
	if len(k) != 16 {
		return errors.New("bad log key length")
	}
	at := int64(binary.BigEndian.Uint64(k))
	r.At = time.Unix(0, at)
	r.Seq = binary.BigEndian.Uint64(k[8:])
	if len(v) < 3 {
		return errCorrupt
	}
	if v[0] != reviewVersion1 {
		return fmt.Errorf("log entry version %d, this flash reads %d", v[0], reviewVersion1)
	}
	fl, rating := v[1], v[2]
	if fl&^revLeechV1 != 0 || rating < byte(fsrs.Again) || rating > byte(fsrs.Easy) {
		return errCorrupt
	}
	r.Leech = fl&revLeechV1 != 0
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
	p = readCardV1(&r.Before, v, p, at, sec, nsec)
	p = readCardV1(&r.After, v, p, at, sec, nsec)
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

// delta reads a time written by appendDelta. base is split into seconds
// and nanoseconds (0 <= baseNsec < 1e9) so that the common whole-second
// delta builds the time without a division.
func deltaV1(v []byte, p int, base, baseSec, baseNsec int64, sec bool) (time.Time, int) {
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

// readCard reads an FSRS card at v[p].
func readCardV1(c *fsrs.Card, v []byte, p int, base, baseSec, baseNsec int64) int {
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
		c.Due, p = deltaV1(v, p, base, baseSec, baseNsec, head&v1DueSec != 0)
	} else if head&v1DueSec != 0 {
		return len(v) + 1
	}
	c.LastReview = time.Time{}
	if head&cardLast != 0 {
		c.LastReview, p = deltaV1(v, p, base, baseSec, baseNsec, head&v1LastSec != 0)
	} else if head&v1LastSec != 0 {
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
