package storage

import (
	"encoding/binary"
	"math"
	"testing"
)

// uvWord reads a varint as decodeStat and readDelta do: uvFast, else
// uvSlow.
func uvWord(v []byte, p int) (uint64, int) {
	if x, next, ok := uvFast(v, p); ok {
		return x, next
	}
	return uvSlow(v, p)
}

// TestUV_MatchesUvarint checks that uv and uvWord read every varint of one
// to three bytes, and every two or three bytes however cut or overlong, as
// binary.Uvarint does (uvSlow reads two- and three-byte varints itself).
func TestUV_MatchesUvarint(t *testing.T) {
	check := func(b []byte) {
		t.Helper()
		x, n := binary.Uvarint(b)
		wantX, wantP := x, n
		if n <= 0 {
			wantX, wantP = 0, len(b)+1
		}
		if gx, gp := uv(b, 0); gx != wantX || gp != wantP {
			t.Fatalf("uv(%x) = %d, %d; want %d, %d", b, gx, gp, wantX, wantP)
		}
		if gx, gp := uvWord(b, 0); gx != wantX || gp != wantP {
			t.Fatalf("uvFast, else uvSlow (%x) = %d, %d; want %d, %d", b, gx, gp, wantX, wantP)
		}
	}
	for x := range uint64(1 << 21) {
		check(binary.AppendUvarint(nil, x))
	}
	for a := range 256 {
		check([]byte{byte(a)})
		for b := range 256 {
			check([]byte{byte(a), byte(b)})
			for c := range 256 {
				if a >= 0x80 && b >= 0x80 {
					check([]byte{byte(a), byte(b), byte(c)}) // overlong ones too
				}
			}
		}
	}
}

// TestUVWord_MatchesUvarint checks uvWord where uvFast reads from one
// 8-byte load: varints of every length from 1 to 10 bytes (and cut short, and
// overlong) followed by other bytes, at every offset of the word, read as
// binary.Uvarint reads them.
func TestUVWord_MatchesUvarint(t *testing.T) {
	seed := uint64(7)
	rnd := func() uint64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return seed
	}
	fast := 0
	for i := range 200_000 {
		x := rnd() >> (rnd() % 64)
		b := make([]byte, i%5) // some bytes before
		for j := range b {
			b[j] = byte(rnd())
		}
		p := len(b)
		b = binary.AppendUvarint(b, x)
		switch i % 7 {
		case 0: // overlong: continuation bits on zero groups
			b[len(b)-1] |= 0x80
			b = append(b, 0)
		case 1: // cut short: no stop bit where it should end
			b[len(b)-1] |= 0x80
		}
		for range rnd() % 12 {
			b = append(b, byte(rnd()))
		}
		wx, wn := binary.Uvarint(b[p:])
		wantP := p + wn
		if wn <= 0 {
			wx, wantP = 0, len(b)+1
		}
		if gx, gp := uvWord(b, p); gx != wx || gp != wantP {
			t.Fatalf("uvWord(%x, %d) = %d, %d; want %d, %d", b, p, gx, gp, wx, wantP)
		}
		if _, _, ok := uvFast(b, p); ok {
			fast++
		}
	}
	if fast < 50_000 {
		t.Errorf("uvFast read %d of 200000 varints itself, want most of those with 8 bytes left", fast)
	}
}

// TestReadDelta_Overflow checks readDelta at the edges of each unit:
// every delta q·unit that int64 holds reads back (from base 0, and with
// the sum wrapping past a base near the ends refused), and one more
// step either way, which would overflow, is refused.
func TestReadDelta_Overflow(t *testing.T) {
	for u, unit := range deltaUnits[1:] {
		u++
		lim := [2]int64{math.MinInt64 / unit, math.MaxInt64 / unit}
		for _, q := range []int64{lim[0] - 1, lim[0], lim[0] + 1, -1, 0, 1, lim[1] - 1, lim[1], lim[1] + 1} {
			v := binary.AppendUvarint(nil, zigzag(q)<<2|uint64(u))
			fits := q >= lim[0] && q <= lim[1]
			for _, base := range []int64{0, math.MaxInt64, math.MinInt64} {
				got, p := readDelta(v, 0, base)
				sum, ok := q*unit+base, fits
				if ok && base != 0 {
					ok = (sum < base) == (q < 0)
				}
				if !ok && p <= len(v) || ok && (p != len(v) || got != sum) {
					t.Errorf("unit %d, q %d, base %d: readDelta = %d, %d; fits %v", unit, q, base, got, p, ok)
				}
			}
		}
	}
}
