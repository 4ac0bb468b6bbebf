package storage

import (
	"encoding/binary"
	"testing"
)

// TestUV_MatchesUvarint checks that uv reads every varint of one to three
// bytes, and every two or three bytes however cut or overlong, as
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
