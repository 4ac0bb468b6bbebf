package importer

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage"
)

var now = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

const small = `format = 1
id = "small"
title = "Small"

[[question]]
id = "q1"
paper = "NTK"
text = "What is the NTK?"

[[card]]
id = "a"
question = "q1"
front = "front a"
back = "back a"

[[card]]
id = "b"
question = "q1"
front = "front b"
back = "back b"
`

func pathOf(p string) func() (string, error) { return func() (string, error) { return p, nil } }

// TestBuiltinID: the id NeedBuiltin looks for is the built-in deck's.
func TestBuiltinID(t *testing.T) {
	if id := deck.Builtin().ID; id != BuiltinID {
		t.Errorf("BuiltinID = %q, the built-in deck's id is %q", BuiltinID, id)
	}
}

// TestReadFile_Limit: flash reads no more than one byte past deck.MaxSize
// (deck.Parse then refuses the file), and a file at the limit whole.
func TestReadFile_Limit(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.toml")
	line := []byte("# a comment line that fills the file up to past the limit...\n")
	data := bytes.Repeat(line, deck.MaxSize/len(line)+2)
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(big)
	if err != nil || len(got) != deck.MaxSize+1 || !bytes.Equal(got, data[:deck.MaxSize+1]) {
		t.Errorf("read %d bytes (%v), want the first %d", len(got), err, deck.MaxSize+1)
	}
	if err := os.WriteFile(big, data[:deck.MaxSize], 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFile(big); err != nil || !bytes.Equal(got, data[:deck.MaxSize]) {
		t.Errorf("read %d bytes of a file at the limit (%v), want all %d", len(got), err, deck.MaxSize)
	}
	if _, err := ReadFile(filepath.Dir(big)); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a folder: %v", err)
	}
}

// TestImport_NewDatabase: into a path that does not exist, the import
// builds the database (and its folders) whole; a refused deck or a dry run
// leaves nothing behind, not even the folders.
func TestImport_NewDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "flash.db")
	res, err := Import(pathOf(path), "small.toml", []byte(small), now, true, nil)
	if err != nil || len(res.Plan.Added) != 2 || res.New {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a dry run left %s behind (%v)", filepath.Join(dir, "a"), err)
	}
	bad := strings.Replace(small, `front = "front b"`, `front = ""`, 1)
	if _, err := Import(pathOf(path), "bad.toml", []byte(bad), now, false, nil); err == nil || !strings.Contains(err.Error(), "bad.toml") {
		t.Fatalf("a bad deck: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused import left %s behind (%v)", filepath.Join(dir, "a"), err)
	}
	called := false
	res, err = Import(pathOf(path), "small.toml", []byte(small), now, false, func(*storage.Store, *deck.Deck) { called = true })
	if err != nil || !res.New || res.Old != nil || len(res.Plan.Added) != 2 || res.Source.Builtin || res.Source.Hash != Hash([]byte(small)) {
		t.Fatalf("import: %+v, %v", res, err)
	}
	if called {
		t.Error("after ran for a new database (it holds no exam to plan)")
	}
	st, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	states, err := st.States("small")
	if err != nil || len(states) != 2 {
		t.Fatalf("states: %d, %v", len(states), err)
	}
}

// TestImport_Existing: into an existing database, the result holds the
// deck as it was stored, after runs with the deck while the store is
// open, and a path error comes after a parse error.
func TestImport_Existing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	if _, err := Import(pathOf(path), "small.toml", []byte(small), now, false, nil); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(small, `title = "Small"`, `title = "Smaller"`, 1)
	var got string
	res, err := Import(pathOf(path), "small.toml", []byte(changed), now.Add(time.Hour), false, func(st *storage.Store, d *deck.Deck) {
		decks, err := st.Decks()
		if err != nil {
			t.Error(err)
		}
		for _, di := range decks {
			if di.ID == d.ID {
				got = di.Title
			}
		}
	})
	if err != nil || res.New || res.Old == nil || res.Old.Title != "Small" || len(res.Plan.Unchanged) != 2 {
		t.Fatalf("re-import: %+v, %v", res, err)
	}
	if got != "Smaller" {
		t.Errorf("after saw the deck titled %q, want the imported %q", got, "Smaller")
	}
	noPath := func() (string, error) { return "", errors.New("no database path") }
	if _, err := Import(noPath, "bad.toml", []byte("format = "), now, false, nil); err == nil || !strings.Contains(err.Error(), "bad.toml") {
		t.Errorf("parse error first: %v", err)
	}
	if _, err := Import(noPath, "small.toml", []byte(small), now, false, nil); err == nil || !strings.Contains(err.Error(), "no database path") {
		t.Errorf("then the path error: %v", err)
	}
}

// TestEnsureBuiltin: an empty database gets the built-in deck (First); one
// that has it from this binary is left alone; one whose copy came from the
// binary but differs is brought up to date.
func TestEnsureBuiltin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if decks, err := st.Decks(); err != nil || !NeedBuiltin(decks) {
		t.Fatalf("an empty database does not need the built-in deck (%v)", err)
	}
	decks, ch, err := EnsureBuiltin(st, now)
	if err != nil || ch == nil || !ch.First || len(ch.Plan.Added) != len(deck.Builtin().Cards) || len(decks) != 1 || decks[0].ID != BuiltinID {
		t.Fatalf("first: %+v %+v %v", decks, ch, err)
	}
	if NeedBuiltin(decks) {
		t.Error("NeedBuiltin after EnsureBuiltin")
	}
	if _, ch, err := EnsureBuiltin(st, now); err != nil || ch != nil {
		t.Errorf("second time: %+v, %v; want nothing done", ch, err)
	}
	// A stored copy from an older binary: the same deck under another hash.
	if _, err := st.Import(deck.Builtin(), storage.Source{Builtin: true, Hash: "older"}, now, false); err != nil {
		t.Fatal(err)
	}
	decks, err = st.Decks()
	if err != nil || !NeedBuiltin(decks) {
		t.Fatalf("an older built-in copy is not brought up to date (%v)", err)
	}
	if _, ch, err := EnsureBuiltin(st, now); err != nil || ch == nil || ch.First {
		t.Errorf("update: %+v, %v", ch, err)
	}
}
