package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestE2E_InUse: while one `flash review --plain` waits on stdin, a second
// review, an import, stats and an export of the same database each fail
// within 2 s with the "in use" message and exit status 1; the first
// process is unharmed: it then rates a card, quits cleanly, and the rating
// is in the log.
func TestE2E_InUse(t *testing.T) {
	db := filepath.Join(t.TempDir(), "flash.db")
	deckFile := filepath.Join(t.TempDir(), "deck.toml")
	if err := os.WriteFile(deckFile, []byte(genDeck("inuse", 5)), 0o644); err != nil {
		t.Fatal(err)
	}
	importDeck(t, db, genDeck("inuse", 5))

	first := startPlain(t, nil, "--db", db, "review", "--plain")
	first.expect("(Enter: show")

	revlog := filepath.Join(t.TempDir(), "revlog.csv")
	seconds := map[string][]string{
		"review": {"--db", db, "review", "--plain"},
		"import": {"--db", db, "import", deckFile},
		"stats":  {"--db", db, "stats"},
		"export": {"--db", db, "export", "--revlog", revlog},
	}
	var wg sync.WaitGroup
	for name, args := range seconds {
		wg.Go(func() {
			t.Run(name, func(t *testing.T) {
				r := runBin(t, binOpts{stdin: "\n3\n", timeout: 10 * time.Second}, args...)
				checkOneLineError(t, r, db, "is in use by another flash process")
				// It waits about a second for the lock, then gives up; the
				// bound is loose so that a loaded machine's slow process
				// start does not fail it, but a wait without end does.
				if r.took > raceSlow*6*time.Second {
					t.Errorf("took %v to fail; want at most %v", r.took, raceSlow*6*time.Second)
				}
				if strings.Contains(r.stdout, "saved:") {
					t.Errorf("the second review rated a card:\n%s", r.stdout)
				}
			})
		})
	}
	wg.Wait()
	if _, err := os.Stat(revlog); err == nil {
		t.Error("the export that failed left its file behind")
	}

	first.send("")
	first.expect("rating [")
	first.send("3")
	saved := first.expect("saved: ")
	first.send("q")
	if code := first.wait(); code != 0 {
		t.Fatalf("first flash: exit %d; stderr %q", code, first.stderr.String())
	}
	if s := first.stderr.String(); s != "" {
		t.Errorf("first flash wrote to stderr: %q", s)
	}
	snap := readDB(t, db)
	if got := logKeys(snap.log); len(got) != 1 || !strings.HasPrefix(saved, "saved: "+got[0]+",") {
		t.Errorf("log = %v, want the one rating %q", got, saved)
	}
	checkStatesFollowLog(t, snap)
}
