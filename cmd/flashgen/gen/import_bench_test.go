package gen_test

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/flash-srs/flash/cmd/flashgen/gen"
	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage"
)

// tomlDeck mirrors the deck file's tables, as deck.Parse decodes them.
type tomlDeck struct {
	Format   int    `toml:"format"`
	ID       string `toml:"id"`
	Title    string `toml:"title"`
	Language string `toml:"language"`
	Options  struct {
		DesiredRetention *float64 `toml:"desired_retention"`
		NewPerDay        *int     `toml:"new_per_day"`
		ReviewsPerDay    *int     `toml:"reviews_per_day"`
	} `toml:"options"`
	Questions []struct {
		ID    string `toml:"id"`
		Paper string `toml:"paper"`
		Text  string `toml:"text"`
	} `toml:"question"`
	Cards []struct {
		ID       string   `toml:"id"`
		Question string   `toml:"question"`
		Kind     string   `toml:"kind"`
		Front    string   `toml:"front"`
		Back     string   `toml:"back"`
		Tags     []string `toml:"tags"`
	} `toml:"card"`
}

// BenchmarkImportVsTOML alternates go-toml/v2's Unmarshal of a 10k-card
// deck file (into a struct of the file's tables) and flash's import of the
// same file into a new database as `flash import` does it (deck.ParseShared with
// validation while storage.Create makes the new file and another goroutine
// takes the file's sha256, Draft.Import building the database and syncing it before it is linked at
// its path, Close),
// and reports the ratio of their medians (target: import/toml <= 2).
func BenchmarkImportVsTOML(b *testing.B) {
	data := gen.TOML(gen.Deck(gen.Config{Cards: 10000}))
	var tm, im []time.Duration
	i := 0
	for b.Loop() {
		t := time.Now()
		var f tomlDeck
		if err := toml.Unmarshal(data, &f); err != nil || len(f.Cards) != 10000 {
			b.Fatal(err, len(f.Cards))
		}
		t1 := time.Now()
		path := filepath.Join(b.TempDir(), "flash.db")
		made := make(chan error, 1)
		var dr *storage.Draft
		go func() {
			var err error
			dr, err = storage.Create(path)
			made <- err
		}()
		hashed := make(chan string, 1)
		go func() {
			sum := sha256.Sum256(data)
			hashed <- hex.EncodeToString(sum[:])
		}()
		d, err := deck.ParseShared("10k.toml", data)
		if err != nil {
			b.Fatal(err)
		}
		if err := <-made; err != nil {
			b.Fatal(err)
		}
		if _, err := dr.Import(d, storage.Source{Hash: <-hashed}, t); err != nil {
			b.Fatal(err)
		}
		if err := dr.Close(); err != nil {
			b.Fatal(err)
		}
		tm, im = append(tm, t1.Sub(t)), append(im, time.Since(t1))
		i++
	}
	mt, mi := median(tm), median(im)
	b.ReportMetric(float64(mt.Milliseconds()), "toml-ms")
	b.ReportMetric(float64(mi.Milliseconds()), "import-ms")
	b.ReportMetric(float64(mi)/float64(mt), "import/toml")
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
