package storage

import (
	"path/filepath"
	"testing"
)

// BenchmarkImport10k imports a 10k-card deck into a new database.
func BenchmarkImport10k(b *testing.B) {
	d := bigDeck(10000)
	for b.Loop() {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), "flash.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Import(d, Source{Hash: "x"}, t0, false); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

// BenchmarkImport10kUnchanged re-imports an unchanged 10k-card deck.
func BenchmarkImport10kUnchanged(b *testing.B) {
	d := bigDeck(10000)
	s := openAt(b, filepath.Join(b.TempDir(), "flash.db"))
	if _, err := s.Import(d, Source{Hash: "x"}, t0, false); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Import(d, Source{Hash: "x"}, t0, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImport10kChanged re-imports a 10k-card deck whose every card's
// front changed (two versions in turn), into a database that holds it.
func BenchmarkImport10kChanged(b *testing.B) {
	d1, d2 := bigDeck(10000), bigDeck(10000)
	for i := range d2.Cards {
		d2.Cards[i].Front += " changed"
	}
	s := openAt(b, filepath.Join(b.TempDir(), "flash.db"))
	if _, err := s.Import(d1, Source{Hash: "x"}, t0, false); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		d := d2
		if i%2 == 1 {
			d = d1
		}
		if p, err := s.Import(d, Source{Hash: "x"}, t0, false); err != nil || len(p.Updated) != len(d.Cards) {
			b.Fatalf("%v, %d updated", err, len(p.Updated))
		}
	}
}
