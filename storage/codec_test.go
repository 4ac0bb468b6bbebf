package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/deck"
)

var update = flag.Bool("update", false, "rewrite files in testdata")

func sameReview(a, b Review) bool {
	return a.Seq == b.Seq && a.Deck == b.Deck && a.Card == b.Card && a.At.Equal(b.At) &&
		a.Rating == b.Rating && sameCard(&a.Before, &b.Before) && sameCard(&a.After, &b.After) &&
		a.ElapsedDays == b.ElapsedDays && a.ScheduledDays == b.ScheduledDays &&
		a.Duration == b.Duration && a.Answer == b.Answer && a.Leech == b.Leech
}

// codecReviews covers every field with ordinary and extreme values.
func codecReviews() []Review {
	f := fsrs.NewFSRS(fsrs.DefaultParam())
	first := f.Next(fsrs.NewCard(), t0, fsrs.Good).Card
	second := f.Next(first, t0.Add(72*time.Hour), fsrs.Again).Card
	far := time.Date(2262, 1, 1, 0, 0, 0, 123, time.UTC)
	early := time.Date(1700, 1, 1, 0, 0, 0, 0, time.FixedZone("X", 3600))
	return []Review{
		{Seq: 1, Deck: "ml", Card: "a", At: t0, Rating: fsrs.Good, Before: fsrs.NewCard(), After: first,
			ElapsedDays: 0, ScheduledDays: first.ScheduledDays, Duration: 4 * time.Second},
		{Seq: 2, Deck: "ml", Card: "a", At: t0.Add(72 * time.Hour), Rating: fsrs.Again, Before: first, After: second,
			ElapsedDays: 3, ScheduledDays: 0, Duration: 1500 * time.Millisecond, Answer: "Θ(n²) — ∂L/∂θ = Kᵀr", Leech: true},
		{Seq: math.MaxUint32, Deck: strings.Repeat("d", 300), Card: strings.Repeat("c", 1000), At: time.Unix(0, 1),
			Rating: fsrs.Easy,
			Before: fsrs.Card{Due: far, LastReview: early, Stability: math.Copysign(0, -1), Difficulty: math.NaN(),
				ElapsedDays: math.MaxUint64, ScheduledDays: 1 << 40, Reps: math.MaxUint64, Lapses: 255, State: fsrs.Relearning},
			After: fsrs.Card{Stability: math.Inf(1), Difficulty: math.SmallestNonzeroFloat64, State: fsrs.Learning,
				Due: time.Unix(0, 0)},
			ElapsedDays: math.MaxUint64, ScheduledDays: math.MaxUint64, Duration: math.MinInt64, Answer: strings.Repeat("x", 5000)},
		{Seq: 0, Deck: "", Card: "", At: far, Rating: fsrs.Hard, Duration: math.MaxInt64},
		// Deltas that overflow int64 nanoseconds, in whole seconds.
		{Seq: 9, Deck: "d", Card: "c", At: time.Unix(-9e9, 0), Rating: fsrs.Again,
			Before: fsrs.Card{Due: time.Unix(9e9, 0), LastReview: time.Unix(maxSec, 0)},
			After:  fsrs.Card{Due: time.Unix(-maxSec, 0), LastReview: time.Unix(maxSec+1, 0)}},
	}
}

func TestCodec_ReviewRoundTrip(t *testing.T) {
	var prev Review // decoding reuses one Review, as Reviews does
	for i, r := range codecReviews() {
		at := r.At.UnixNano()
		num := cardNum{uint32(i + 1), uint32(i * 1000)}
		v, err := encodeReview(nil, &r, num, at)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		k := reviewKey(at, uint32(r.Seq))
		n, err := decodeReview(&prev, k, v)
		if err != nil {
			t.Fatalf("%d: decode: %v", i, err)
		}
		prev.Deck, prev.Card = r.Deck, r.Card // the log keeps numbers
		if want := r; n != num || !sameReview(prev, want) {
			t.Errorf("%d: round trip\n got %+v %v\nwant %+v %v", i, prev, n, r, num)
		}
		pn, st, err := peekReview(v)
		if err != nil || pn != num || st != r.Before.State {
			t.Errorf("%d: peek = %v %v %v", i, pn, st, err)
		}
		// Every strict prefix and every extension is refused, not misread.
		for n := range len(v) {
			var x Review
			if _, err := decodeReview(&x, k, v[:n]); err == nil {
				t.Errorf("%d: prefix of %d bytes decoded", i, n)
			}
		}
		var x Review
		if _, err := decodeReview(&x, k, append(bytes.Clone(v), 0)); err == nil {
			t.Errorf("%d: trailing byte accepted", i)
		}
	}
}

// linkVariants are the ways a version 3 entry can link to its card's
// others, with prev as the previous entry's after where one is stored.
func linkVariants(prev *fsrs.Card) []entryLinks {
	return []entryLinks{
		{version: reviewVersion3},
		{version: reviewVersion3, prev: prev},
		{version: reviewVersion3, explicit: true},
		{version: reviewVersion3, explicit: true, prev: prev},
	}
}

func TestCodec_ReviewVersion3RoundTrip(t *testing.T) {
	rs := codecReviews()
	var got Review // decoding reuses one Review, as Reviews does
	for i, r := range rs {
		at := r.At.UnixNano()
		num := cardNum{uint32(i + 1), uint32(i * 1000)}
		k := reviewKey(at, uint32(r.Seq))
		prev := rs[(i+1)%len(rs)].After
		for j, l := range linkVariants(&prev) {
			l.elapsedEq = r.ElapsedDays == r.After.ElapsedDays
			l.schedEq = r.ScheduledDays == r.After.ScheduledDays
			v, err := encodeEntry(nil, &r, num, at, l)
			if err != nil {
				t.Fatalf("%d/%d: %v", i, j, err)
			}
			n, gl, err := decodeEntry(&got, k, v)
			if err != nil {
				t.Fatalf("%d/%d: decode: %v", i, j, err)
			}
			if gl.explicit != l.explicit || (gl.prev == nil) != (l.prev == nil) ||
				(gl.prev != nil && !sameCard(gl.prev, l.prev)) {
				t.Errorf("%d/%d: links %+v, want %+v", i, j, gl, l)
			}
			if !gl.explicit {
				completeAfter(&got, gl, &r.After)
			}
			got.Deck, got.Card = r.Deck, r.Card
			if n != num || !sameReview(got, r) {
				t.Errorf("%d/%d: round trip\n got %+v %v\nwant %+v %v", i, j, got, n, r, num)
			}
			// entryCards finds the before and the previous after.
			cn, before, pv, explicit, err := entryCards(v)
			var b, p fsrs.Card
			if err != nil || cn != num || explicit != l.explicit || readCard(&b, before, 0, at) > len(before) || !sameCard(&b, &r.Before) {
				t.Errorf("%d/%d: entryCards = %v %v %v, before %+v", i, j, cn, explicit, err, b)
			}
			if (pv == nil) != (l.prev == nil) || (pv != nil && (readCard(&p, pv, 0, at) > len(pv) || !sameCard(&p, l.prev))) {
				t.Errorf("%d/%d: entryCards previous after %+v, want %+v", i, j, p, l.prev)
			}
			pn, st, err := peekReview(v)
			if err != nil || pn != num || st != r.Before.State {
				t.Errorf("%d/%d: peek = %v %v %v", i, j, pn, st, err)
			}
			var e LogStat
			if ok, err := decodeStat(&e, at, v, 0); !ok || err != nil || !sameStat(e, statOf(&r, num.deck)) {
				t.Errorf("%d/%d: decodeStat = %+v %v %v", i, j, e, ok, err)
			}
			for n := range len(v) {
				var x Review
				if _, err := decodeReview(&x, k, v[:n]); err == nil {
					t.Errorf("%d/%d: prefix of %d bytes decoded", i, j, n)
				}
			}
			var x Review
			if _, err := decodeReview(&x, k, append(bytes.Clone(v), 0)); err == nil {
				t.Errorf("%d/%d: trailing byte accepted", i, j)
			}
		}
	}
}

func TestCodec_ReviewSize(t *testing.T) {
	// Without the after, a typical entry is about 24 bytes shorter.
	r := codecReviews()[1]
	r.Answer = ""
	v, err := encodeEntry(nil, &r, cardNum{3, 4711}, r.At.UnixNano(), entryLinks{version: reviewVersion3, elapsedEq: true, schedEq: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(v) > 38 {
		t.Errorf("typical version 3 entry takes %d bytes, want <= 38", len(v))
	}
}

func TestCodec_ReviewSizeVersion2(t *testing.T) {
	// A typical entry stays small: the 1M-entry log is read by stats.
	r := codecReviews()[1]
	r.Answer = ""
	v, err := encodeReview(nil, &r, cardNum{3, 4711}, r.At.UnixNano())
	if err != nil {
		t.Fatal(err)
	}
	if len(v) > 60 {
		t.Errorf("typical entry takes %d bytes, want <= 60", len(v))
	}
}

func TestCodec_StateRoundTrip(t *testing.T) {
	f := fsrs.NewFSRS(fsrs.DefaultParam())
	card := f.Next(fsrs.NewCard(), t0, fsrs.Good).Card
	tests := []CardState{
		{Question: "q1", Order: 0, FSRS: fsrs.NewCard()},
		{Question: "ntk-1", Order: 9999, FSRS: card, Retired: true},
		{Question: "", Order: math.MaxInt32, FSRS: card, Flags: Flags{Suspended: true}},
		{Question: "q", FSRS: card, Flags: Flags{Flagged: true, BuriedUntil: t0.Add(19 * time.Hour)}},
		{Question: "ü", FSRS: fsrs.Card{State: fsrs.Relearning, Lapses: 8, Stability: 0.1}, Retired: true,
			Flags: Flags{Suspended: true, Flagged: true, BuriedUntil: time.Unix(0, 1)}},
		{Question: "q", FSRS: card, lastAfter: &fsrs.Card{State: fsrs.Review, Stability: 3, Difficulty: 5, Due: t0, LastReview: t0}},
		{Question: "q", FSRS: card, Flags: Flags{BuriedUntil: t0}, lastAfter: &card},
	}
	for i, cs := range tests {
		v, err := encodeState(&cs, uint32(i*77))
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		var got CardState
		num, err := decodeState(&got, v, &interner{})
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if n, err := stateNum(v); num != uint32(i*77) || n != num || err != nil {
			t.Errorf("%d: card number %d, stateNum %d %v", i, num, n, err)
		}
		if got.Question != cs.Question || got.Order != cs.Order || got.Retired != cs.Retired ||
			got.Suspended != cs.Suspended || got.Flagged != cs.Flagged ||
			!got.BuriedUntil.Equal(cs.BuriedUntil) || got.BuriedUntil.IsZero() != cs.BuriedUntil.IsZero() ||
			!sameCard(&got.FSRS, &cs.FSRS) || (got.lastAfter == nil) != (cs.lastAfter == nil) ||
			(got.lastAfter != nil && !sameCard(got.lastAfter, cs.lastAfter)) {
			t.Errorf("%d: got %+v, want %+v", i, got, cs)
		}
		// The log's view of the state: its last after, else its FSRS card.
		la := cs.FSRS
		if cs.lastAfter != nil {
			la = *cs.lastAfter
		}
		var lc fsrs.Card
		if b, err := stateLastAfter(v); err != nil || readCard(&lc, b, 0, 0) != len(b) || !sameCard(&lc, &la) {
			t.Errorf("%d: stateLastAfter = %+v, %v; want %+v", i, lc, err, la)
		}
		for n := range len(v) {
			if _, err := decodeState(&got, v[:n], nil); err == nil {
				t.Errorf("%d: prefix of %d bytes decoded", i, n)
			}
		}
	}
	bad := CardState{Flags: Flags{BuriedUntil: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}}
	if _, err := encodeState(&bad, 1); err == nil {
		t.Error("time after 2262 encoded")
	}
}

func TestCodec_KeysSortByTime(t *testing.T) {
	times := []time.Time{time.Unix(0, 0), t0, t0.Add(time.Nanosecond), t0.Add(time.Hour), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)}
	for i := 1; i < len(times); i++ {
		a := reviewKey(times[i-1].UnixNano(), math.MaxUint32)
		b := reviewKey(times[i].UnixNano(), 0)
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("key of %v sorts after key of %v", times[i-1], times[i])
		}
		if bytes.Compare(timeKey(times[i]), b) > 0 {
			t.Errorf("timeKey(%v) after the first key at that time", times[i])
		}
	}
}

// fuzzSeeds are log keys and values for FuzzDecodeReview: valid entries,
// cut ones, and ones with a bad version, flags or rating.
func fuzzSeeds(t testing.TB) [][2][]byte {
	var out [][2][]byte
	for _, r := range codecReviews() {
		at := r.At.UnixNano()
		v, err := encodeReview(nil, &r, cardNum{2, 300}, at)
		if err != nil {
			t.Fatal(err)
		}
		k := reviewKey(at, uint32(r.Seq))
		out = append(out, [2][]byte{k, v}, [2][]byte{k, v[:len(v)/2]})
		for _, l := range linkVariants(&r.Before) {
			v3, err := encodeEntry(nil, &r, cardNum{2, 300}, at, l)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, [2][]byte{k, v3})
		}
		for _, i := range []int{0, 1, 2} {
			bad := bytes.Clone(v)
			bad[i] = 0xff
			out = append(out, [2][]byte{k, bad})
		}
	}
	out = append(out, [2][]byte{nil, nil}, [2][]byte{make([]byte, 12), {2, 0, 3, 0x80}})
	return out
}

func FuzzDecodeReview(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, k, v []byte) {
		var r Review
		var e LogStat
		decodeStat(&e, 0, v, 0) // never panics
		n, err := decodeReview(&r, k, v)
		if err != nil {
			return
		}
		// What decodes whole decodes for statistics, to the same values.
		ok, serr := decodeStat(&e, r.At.UnixNano(), v, 0)
		if serr != nil || !ok {
			t.Fatalf("decodeStat: %v %v", ok, serr)
		}
		if want := statOf(&r, n.deck); !sameStat(e, want) {
			t.Fatalf("decodeStat = %+v, want %+v", e, want)
		}
		// What decodes encodes again to the same review and links.
		_, l, _ := decodeEntry(&r, k, v)
		v2, err := encodeEntry(nil, &r, n, r.At.UnixNano(), l)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", r, err)
		}
		var r2 Review
		n2, l2, err := decodeEntry(&r2, k, v2)
		if err != nil {
			t.Fatalf("decode re-encoded: %v", err)
		}
		if !sameReview(r, r2) || n != n2 || l.explicit != l2.explicit || (l.prev == nil) != (l2.prev == nil) ||
			(!l.explicit && (l.elapsedEq != l2.elapsedEq || l.schedEq != l2.schedEq)) {
			t.Fatalf("re-encoded differs:\n%+v %+v\n%+v %+v", r, l, r2, l2)
		}
		entryCards(v)
		peekReview(v)
	})
}

// TestFuzzCorpus keeps testdata/fuzz/FuzzDecodeReview in step with the
// seeds; run with -update to rewrite it.
func TestFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeReview")
	seeds := fuzzSeeds(t)
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The seeds are golden files: a change of the log encoding shows here.
	for i, s := range seeds {
		name := filepath.Join(dir, fmt.Sprintf("seed-%02d", i))
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n[]byte(%q)\n", s[0], s[1])
		if *update {
			if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(name)
		if err != nil || string(got) != body {
			t.Errorf("%s is out of date (%v): run go test -run TestFuzzCorpus -update", name, err)
		}
	}
}

func FuzzDecodeState(f *testing.F) {
	f.Add([]byte{stateVersion, 0, 0, 1, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{stateVersion, stBuried | stFlagged, 5, 9, 2, 'q', '1', 0x80, 1, cardDue | cardLast, 3 << 2, 6, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, v []byte) {
		var cs CardState
		num, err := decodeState(&cs, v, nil)
		if err != nil {
			return
		}
		v2, err := encodeState(&cs, num)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", cs, err)
		}
		var cs2 CardState
		num2, err := decodeState(&cs2, v2, nil)
		if err != nil || num2 != num {
			t.Fatalf("decode re-encoded: %v", err)
		}
		if !sameCard(&cs.FSRS, &cs2.FSRS) || cs.Question != cs2.Question || cs.Order != cs2.Order ||
			cs.Retired != cs2.Retired || cs.Suspended != cs2.Suspended || cs.Flagged != cs2.Flagged ||
			!cs.BuriedUntil.Equal(cs2.BuriedUntil) {
			t.Fatalf("re-encoded differs:\n%+v\n%+v", cs, cs2)
		}
	})
}

// statOf is what ScanStats should give for r, deck being its deck's number.
func statOf(r *Review, deck uint32) LogStat {
	e := LogStat{At: r.At.UnixNano(), Duration: r.Duration, Stability: r.Before.Stability, Rating: r.Rating, State: r.Before.State, deck: deck}
	if !r.Before.LastReview.IsZero() {
		e.LastReview = r.Before.LastReview.UnixNano()
	}
	return e
}

// sameStat compares two LogStat values, NaN stabilities bit by bit.
func sameStat(a, b LogStat) bool {
	sa, sb := math.Float64bits(a.Stability), math.Float64bits(b.Stability)
	a.Stability, b.Stability = 0, 0
	return a == b && sa == sb
}

func TestContent_RoundTrip(t *testing.T) {
	cards := []deck.Card{
		{ID: "a", Question: "q1", Kind: deck.KindBasic, Front: "Front\nline 2", Back: "Back"},
		{ID: "b", Question: "q2", Kind: deck.KindDerive, Front: "F", Back: "B", Tags: []string{"x", "y"},
			Sim: &deck.Sim{Kind: "ntk-decay", Check: []string{"c", "d — two outputs"}, Params: map[string]any{"n": 3.0, "s": "v"}}},
		{ID: "c", Question: "q", Kind: deck.KindDerive, Front: "F", Back: "B", Sim: &deck.Sim{Kind: "k"}},
	}
	for _, c := range cards {
		hash := c.Hash()
		v, err := encodeContent(&c)
		if err != nil {
			t.Fatal(err)
		}
		if v[0] != contentVersion3 || bytes.Contains(v, []byte(hash)) || len(v) > 1+32+len(c.Question)+len(c.Front)+len(c.Back)+len(c.Kind)+60 {
			t.Errorf("%s: value %q: want version 3 with the raw hash and no id", c.ID, v)
		}
		var got deck.Card
		if err := decodeContent(&got, c.ID, v); err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("%s: got %+v, want %+v", c.ID, got, c)
		}
		if h, _, _ := splitContent(v); hex.EncodeToString(h) != hash {
			t.Errorf("%s: hash %x", c.ID, h)
		}
		if same, err := contentHashIs(v, hash); !same || err != nil {
			t.Errorf("%s: contentHashIs own hash: %v, %v", c.ID, same, err)
		}
		other := (&deck.Card{ID: c.ID, Question: "other"}).Hash()
		for _, h := range []string{other, "hash", strings.ToUpper(hash) + "x", ""} {
			if same, err := contentHashIs(v, h); same || err != nil {
				t.Errorf("%s: contentHashIs %q: %v, %v", c.ID, h, same, err)
			}
		}
		for n := range len(v) { // truncated values fail, never panic
			if decodeContent(&got, c.ID, v[:n]) == nil {
				t.Errorf("%s: value cut to %d bytes decodes", c.ID, n)
			}
		}
		// Version 2 values (hex hash, then the id) still read, with
		// their own id.
		v2 := contentV2(v, c.ID)
		if err := decodeContent(&got, "key id", v2); err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("%s: version 2: %+v, %v", c.ID, got, err)
		}
		if same, err := contentHashIs(v2, hash); !same || err != nil {
			t.Errorf("%s: version 2 contentHashIs: %v, %v", c.ID, same, err)
		}
		if same, _ := contentHashIs(v2, other); same {
			t.Errorf("%s: version 2 contentHashIs another hash", c.ID)
		}
		// Version 1 values (JSON) still read.
		js, _ := json.Marshal(c)
		old := append([]byte{contentVersion, byte(len(hash))}, hash...)
		if err := decodeContent(&got, "key id", append(old, js...)); err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("%s: version 1: %+v, %v", c.ID, got, err)
		}
		if same, err := contentHashIs(append(old, js...), hash); !same || err != nil {
			t.Errorf("%s: version 1 contentHashIs: %v, %v", c.ID, same, err)
		}
	}
	// Version 1 values written before a check could name several outputs
	// hold the check as one string.
	old := append([]byte{contentVersion, 4}, "hash"...)
	old = append(old, `{"id":"b","question":"q","kind":"derive","front":"F","back":"B","sim":{"kind":"ntk-decay","check":"tau_slow — x"}}`...)
	var got deck.Card
	if err := decodeContent(&got, "b", old); err != nil || got.Sim == nil || !reflect.DeepEqual(got.Sim.Check, []string{"tau_slow — x"}) {
		t.Errorf("version 1 with a string check: %+v, %v", got.Sim, err)
	}
}

// contentV2 turns a content value of version 3 into the value of version 2
// that main's flash wrote for the same card: hex hash with its length, then
// the card's id before the fields, which are the same.
func contentV2(v3 []byte, id string) []byte {
	h := hex.EncodeToString(v3[1:33])
	v := append([]byte{contentVersionBinary, byte(len(h))}, h...)
	v = appendString(v, id)
	return append(v, v3[33:]...)
}

// TestCard_SchedDaysFlag: a card whose scheduled days are the whole days
// from its last review to its due time stores flag cardSchedDays instead
// of the number (one byte less); any other card stores the number as
// before, and cards encoded before the flag (the number always stored)
// still read.
func TestCard_SchedDaysFlag(t *testing.T) {
	last := time.Date(2026, 3, 1, 9, 30, 0, 123, time.UTC)
	card := func(days uint64, due time.Time) fsrs.Card {
		return fsrs.Card{State: fsrs.Review, Stability: 12.5, Difficulty: 5.25, LastReview: last, Due: due,
			Reps: 7, Lapses: 1, ElapsedDays: 9, ScheduledDays: days}
	}
	tests := []struct {
		name string
		c    fsrs.Card
		flag bool
	}{
		{"whole days", card(12, last.AddDate(0, 0, 12)), true},
		{"many days, large counters", fsrs.Card{State: fsrs.Review, LastReview: last, Due: last.Add(400 * 24 * time.Hour),
			Reps: 300, Lapses: 200, ElapsedDays: 1000, ScheduledDays: 400}, true},
		{"same instant", fsrs.Card{State: fsrs.Learning, LastReview: last, Due: last}, true},
		{"minutes", fsrs.Card{State: fsrs.Learning, LastReview: last, Due: last.Add(10 * time.Minute), Reps: 1}, false},
		{"another number", card(11, last.AddDate(0, 0, 12)), false},
		{"due before last", card(0, last.Add(-24*time.Hour)), false},
		{"a day and a second", card(1, last.Add(24*time.Hour+time.Second)), false},
		{"no last review", fsrs.Card{State: fsrs.Review, Due: last, ScheduledDays: 0}, false},
		{"new", fsrs.NewCard(), false},
	}
	for _, tt := range tests {
		for _, base := range []int64{0, last.Add(time.Hour).UnixNano()} {
			v, err := appendCard(nil, &tt.c, base)
			if err != nil {
				t.Fatal(err)
			}
			if got := v[0]&cardSchedDays != 0; got != tt.flag {
				t.Errorf("%s: flag %v, want %v", tt.name, got, tt.flag)
			}
			var got fsrs.Card
			if p := readCard(&got, v, 0, base); p != len(v) || !sameCard(&got, &tt.c) {
				t.Errorf("%s: read %d of %d bytes: %+v, want %+v", tt.name, p, len(v), got, tt.c)
			}
			for n := range len(v) {
				if p := readCard(&got, v[:n], 0, base); p <= n {
					t.Errorf("%s: %d of %d bytes read as a card", tt.name, n, len(v))
				}
			}
			if !tt.flag {
				continue
			}
			// The encoding before the flag: the number stored.
			old := append([]byte{v[0] &^ cardSchedDays}, v[1:]...)
			old = binary.AppendUvarint(old, tt.c.ScheduledDays)
			if p := readCard(&got, old, 0, base); p != len(old) || !sameCard(&got, &tt.c) {
				t.Errorf("%s: old encoding: read %d of %d bytes: %+v", tt.name, p, len(old), got)
			}
			if len(old) != len(v)+len(binary.AppendUvarint(nil, tt.c.ScheduledDays)) {
				t.Errorf("%s: %d bytes with the flag, %d without", tt.name, len(v), len(old))
			}
		}
	}
	// The flag on a card without a last review or due, or whose days
	// are not whole, is corrupt; with whole days it reads.
	ok := []byte{byte(fsrs.Review) | cardSchedDays | cardDue | cardLast, 3, 4<<2 | 3, 1, 0, 0} // due 2 days after
	var c fsrs.Card
	if p := readCard(&c, ok, 0, 0); p != len(ok) || c.ScheduledDays != 2 || c.Reps != 1 {
		t.Errorf("%x read %d bytes: %+v", ok, p, c)
	}
	for _, v := range [][]byte{
		{byte(fsrs.Review) | cardSchedDays | cardDue, 3 << 2, 1, 0, 0},
		{byte(fsrs.Review) | cardSchedDays | cardDue | cardLast, 3, 2 << 2, 1, 0, 0}, // due 1 ns after
	} {
		var got fsrs.Card
		if p := readCard(&got, v, 0, 0); p <= len(v) {
			t.Errorf("%x read as %+v", v, got)
		}
	}
}

// TestUvHead_AsOneByOne checks that uvHead reads the three uvarints after
// a log value's version and flags as uvFast and uvSlow read them one by
// one, for every length of each (1 to 10 bytes) and every number of bytes
// after them, and that it declines only when they do not end within its
// 8-byte load or the value is too short for it.
func TestUvHead_AsOneByOne(t *testing.T) {
	// A value of each length: the largest, so that every group is full.
	vals := make([]uint64, 10)
	for n := range vals {
		vals[n] = 1<<(7*(n+1)) - 1
		if n == 9 {
			vals[n] = math.MaxUint64
		}
	}
	oneByOne := func(v []byte) (a, b uint64, p int) {
		p = 2
		for i := range 3 {
			x, next, ok := uvFast(v, p)
			if !ok {
				x, next = uvSlow(v, p)
			}
			switch i {
			case 0:
				a = x
			case 1:
				b = x
			}
			p = next
		}
		return a, b, p
	}
	tried := 0
	for l1, x1 := range vals {
		for l2, x2 := range vals {
			for l3, x3 := range vals {
				for tail := range 9 {
					v := []byte{reviewVersion3, 0}
					v = binary.AppendUvarint(v, x1)
					v = binary.AppendUvarint(v, x2)
					v = binary.AppendUvarint(v, x3)
					v = append(v, make([]byte, tail)...)
					a, b, p, ok := uvHead(v)
					fits := l1+l2+l3+3 <= 8 && len(v) >= 10
					if ok != fits {
						t.Fatalf("lengths %d %d %d, %d after: ok %v, want %v", l1+1, l2+1, l3+1, tail, ok, fits)
					}
					if !ok {
						continue
					}
					tried++
					wa, wb, wp := oneByOne(v)
					if a != wa || b != wb || p != wp || a != x1 || b != x2 {
						t.Fatalf("lengths %d %d %d, %d after: %d %d %d, want %d %d %d", l1+1, l2+1, l3+1, tail, a, b, p, wa, wb, wp)
					}
				}
			}
		}
	}
	if tried == 0 {
		t.Fatal("uvHead read none")
	}
}
