package main

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestE2E_KillImportNewDatabase kills `flash import` into a database that
// does not exist yet (storage.Draft) with SIGKILL at random times, from
// before it starts writing to after it is done. After each kill the path
// holds nothing or the whole deck: a database that opens, passes the
// consistency check and holds every card; after a kill that left nothing,
// the next import leaves only the database in its folder. Rounds and seed as the kill
// loop's (-kill.rounds, -kill.seed).
func TestE2E_KillImportNewDatabase(t *testing.T) {
	rounds, seed := killParams(t)
	rng := rand.New(rand.NewPCG(seed, 0x696d70))
	t.Logf("%d rounds, seed %d", rounds, seed)
	const cards = 1500
	deckFile := writeFile(t, "kill.toml", genDeck("kill", cards))
	bin := flashBinary(t)
	// How long a whole import takes here: kills fall anywhere in it.
	start := time.Now()
	if r := runBin(t, binOpts{}, "--db", filepath.Join(t.TempDir(), "flash.db"), "import", deckFile); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	whole := time.Since(start)
	var none, complete int
	for round := range rounds {
		db := filepath.Join(t.TempDir(), "new", "flash.db")
		cmd := exec.Command(bin, "--db", db, "import", deckFile)
		cmd.Env = []string{"HOME=" + t.TempDir(), "TZ=UTC"}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Float64() * 1.2 * float64(whole))
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()
		if _, err := os.Lstat(db); errors.Is(err, fs.ErrNotExist) {
			none++
			// The next import completes and clears what the killed one
			// left beside the database.
			if r := runBin(t, binOpts{}, "--db", db, "import", deckFile); r.code != 0 {
				t.Fatalf("round %d: import after the kill: %s", round, r.stderr)
			}
			if names := dirNames(t, filepath.Dir(db)); !slices.Equal(names, []string{"flash.db"}) {
				t.Fatalf("round %d (seed %d, killed after %v): after the next import the folder holds %q, want only flash.db",
					round, seed, delay, names)
			}
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		snap := readDB(t, db)
		if len(snap.states) != cards || len(snap.decks) != 1 || len(snap.log) != 0 {
			t.Fatalf("round %d (seed %d, killed after %v): %d cards, %d decks, %d log entries; want %d, 1, 0",
				round, seed, delay, len(snap.states), len(snap.decks), len(snap.log), cards)
		}
		complete++
	}
	t.Logf("after %d kills (an import takes %v): %d left no database, %d a complete one", rounds, whole, none, complete)
}
