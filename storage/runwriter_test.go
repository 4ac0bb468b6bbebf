package storage

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestRunWriter_SameAsWriteAt: pages written through a runWriter, in
// runs with gaps, out of order, and larger than a run, leave the file
// that writing each with WriteAt leaves.
func TestRunWriter_SameAsWriteAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	want, err := os.Create(filepath.Join(dir, "want"))
	if err != nil {
		t.Fatal(err)
	}
	defer want.Close()
	got, err := os.Create(filepath.Join(dir, "got"))
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	w := &runWriter{f: got}
	const page = 4096
	for round := range 20 {
		var pg int64
		for range 200 {
			switch rng.IntN(10) {
			case 0:
				pg += int64(rng.IntN(5)) // a gap
			case 1:
				pg = int64(rng.IntN(2)) // a meta page
			}
			n := 1
			if rng.IntN(20) == 0 {
				n += rng.IntN(2 * runSize / page) // overflow pages
			}
			b := make([]byte, n*page)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			if _, err := want.WriteAt(b, pg*page); err != nil {
				t.Fatal(err)
			}
			if k, err := w.writeAt(b, pg*page); err != nil || k != len(b) {
				t.Fatal(k, err)
			}
			clear(b) // bbolt reuses its pages after a commit
			pg += int64(n)
		}
		if err := w.flush(); err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(want.Name())
		b, _ := os.ReadFile(got.Name())
		if !bytes.Equal(a, b) {
			t.Fatalf("round %d: the files differ (%d and %d bytes)", round, len(a), len(b))
		}
	}
}

// TestDraft_WritesRuns: a draft's commits reach its file in runs, not a
// page at a time: the bbolt in go.mod still has the page writer that
// hookWrites replaces (a newer one without it would make imports slower
// without a word).
func TestDraft_WritesRuns(t *testing.T) {
	dr, err := Create(filepath.Join(t.TempDir(), "flash.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer dr.Close()
	if dr.pages == nil {
		t.Fatal("bbolt's page writer was not replaced")
	}
	if _, err := dr.Import(bigDeck(3000), Source{Hash: "h"}, t0); err != nil {
		t.Fatal(err)
	}
	// The import's commit wrote n pages (and Create's 6 before it).
	fi, err := os.Stat(dr.path)
	if err != nil {
		t.Fatal(err)
	}
	pages := int(fi.Size() / 4096)
	if dr.pages.writes > pages/16 {
		t.Errorf("%d writes for %d pages", dr.pages.writes, pages)
	}
	t.Logf("%d writes for %d pages", dr.pages.writes, pages)
}
