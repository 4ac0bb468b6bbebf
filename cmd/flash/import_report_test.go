package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage"
)

// storedDeck returns the stored info of deck id.
func storedDeck(t *testing.T, db, id string) storage.DeckInfo {
	t.Helper()
	st, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	decks, err := st.Decks()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range decks {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no deck %s", id)
	return storage.DeckInfo{}
}

// TestImport_ReportsOptionChanges: a re-import that changes only [options]
// (and the title) says so, instead of "0 updated, 2 unchanged" alone.
func TestImport_ReportsOptionChanges(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", writeFile(t, "small.toml", smallDeck)); r.code != 0 {
		t.Fatal(r.stderr)
	}
	changed := strings.Replace(smallDeck, `title = "Small deck"`, "title = \"Small deck, v2\"\n\n[options]\ndesired_retention = 0.85\nnew_per_day = 5", 1)
	file := writeFile(t, "small2.toml", changed)

	r := runFlash(t, "", clock(fixedNow), "--db", db, "import", "--dry-run", file)
	want := "dry run: small: 0 added, 0 updated, 2 unchanged, 0 retired, 0 restored\n" +
		"dry run: title: \"Small deck\" → \"Small deck, v2\"\n" +
		"dry run: options: desired_retention 0.9 → 0.85, new_per_day 20 → 5\n" +
		"nothing was written\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("dry run: exit %d\n%s\nwant\n%s%s", r.code, r.stdout, want, r.stderr)
	}
	if got := storedDeck(t, db, "small").Options.DesiredRetention; got != 0.9 {
		t.Fatalf("the dry run wrote retention %v", got)
	}

	r = runFlash(t, "", clock(fixedNow), "--db", db, "import", file)
	want = "small: 0 added, 0 updated, 2 unchanged, 0 retired, 0 restored\n" +
		"title: \"Small deck\" → \"Small deck, v2\"\n" +
		"options: desired_retention 0.9 → 0.85, new_per_day 20 → 5\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("import: exit %d\n%s\nwant\n%s%s", r.code, r.stdout, want, r.stderr)
	}
	if o := storedDeck(t, db, "small").Options; o.DesiredRetention != 0.85 || o.NewPerDay != 5 {
		t.Errorf("stored options %+v", o)
	}
	// Again: nothing changed, nothing to report.
	r = runFlash(t, "", clock(fixedNow), "--db", db, "import", file)
	if r.code != 0 || r.stdout != "small: 0 added, 0 updated, 2 unchanged, 0 retired, 0 restored\n" {
		t.Errorf("unchanged re-import: exit %d\n%s", r.code, r.stdout)
	}
}

// TestImport_CopyOfBuiltinDeck: importing a changed copy of the built-in
// deck says that the deck now follows that file and no longer gets the
// built-in deck's fixes, and how to go back; import --builtin goes back;
// the built-in deck's own file keeps the deck following it.
func TestImport_CopyOfBuiltinDeck(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "stats"); r.code != 0 { // imports the built-in deck
		t.Fatal(r.stderr)
	}
	id := deck.Builtin().ID
	if !storedDeck(t, db, id).Builtin {
		t.Fatal("the first-use import is not marked built-in")
	}
	src := string(deck.BuiltinSource())
	if !strings.Contains(src, "desired_retention = 0.9\n") {
		t.Fatal("the built-in deck does not set desired_retention = 0.9")
	}
	copyFile := writeFile(t, "copy.toml", strings.Replace(src, "desired_retention = 0.9\n", "desired_retention = 0.85\n", 1))

	r := runFlash(t, "", clock(fixedNow), "--db", db, "import", copyFile)
	for _, want := range []string{
		"options: desired_retention 0.9 → 0.85",
		"note: " + id + " is the built-in deck's id; the deck follows " + copyFile + " from now on, and a newer flash's fixes to the built-in deck will not arrive (flash import --builtin goes back to it, history kept)",
	} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("import of a copy: exit %d, stdout lacks %q:\n%s%s", r.code, want, r.stdout, r.stderr)
		}
	}
	if storedDeck(t, db, id).Builtin {
		t.Error("the copy is still marked built-in")
	}
	// Importing the copy again says nothing more.
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", copyFile); strings.Contains(r.stdout, "note:") {
		t.Errorf("second import of the copy: %s", r.stdout)
	}

	r = runFlash(t, "", clock(fixedNow), "--db", db, "import", "--builtin")
	for _, want := range []string{"options: desired_retention 0.85 → 0.9", id + ": this is the built-in deck; the deck follows it again"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("import --builtin: exit %d, stdout lacks %q:\n%s%s", r.code, want, r.stdout, r.stderr)
		}
	}
	if !storedDeck(t, db, id).Builtin {
		t.Error("import --builtin did not mark the deck built-in")
	}

	// The built-in deck's own file is the built-in deck.
	own := filepath.Join(t.TempDir(), "ml-papers.toml")
	if err := os.WriteFile(own, deck.BuiltinSource(), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runFlash(t, "", clock(fixedNow), "--db", db, "import", own)
	if r.code != 0 || strings.Contains(r.stdout, "note:") || !storedDeck(t, db, id).Builtin {
		t.Errorf("import of the built-in file: exit %d, built-in %v\n%s", r.code, storedDeck(t, db, id).Builtin, r.stdout)
	}
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", "--builtin", own); r.code != 2 {
		t.Errorf("--builtin with a file: exit %d", r.code)
	}
}
