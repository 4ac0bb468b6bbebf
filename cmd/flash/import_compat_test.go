package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/storagetest"
)

// testdata/import-compat-main.db.gz is a database written by main's flash at
// 25b3205 (before import parsed decks in one pass and stored cards from
// shared buffers), with
//
//	flash --db main.db import import-compat.toml
//	flash --db main.db import import-compat-slow.toml
//
// import-compat.toml is the built-in deck under another id with cards that
// write strings in every TOML way; Parse decodes it with its own one-pass
// decoder. import-compat-slow.toml is the same deck with one card's params
// written as a [card.sim.params] table, which Parse leaves to go-toml's
// decoder.
var importCompatMain = filepath.Join("testdata", "import-compat-main.db.gz")

// TestImport_UnchangedIntoMainsDatabase: re-importing the decks a database
// written by main's flash holds reports every card unchanged and writes
// nothing (once the database is migrated to this flash's schema): the
// content hashes this flash computes are the ones main stored.
func TestImport_UnchangedIntoMainsDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "main.db")
	storagetest.Gunzip(t, importCompatMain, db)
	// Opening it migrates it to this flash's schema, once.
	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, want string }{
		{"import-compat.toml", "compat: 0 added, 0 updated, 238 unchanged, 0 retired, 0 restored\n"},
		{"import-compat-slow.toml", "compat-slow: 0 added, 0 updated, 238 unchanged, 0 retired, 0 restored\n"},
	} {
		r := runFlash(t, "", clock(fixedNow), "--db", db, "import", filepath.Join("testdata", c.file))
		if r.code != 0 || r.stdout != c.want {
			t.Errorf("import %s: exit %d\n%s\nwant\n%s%s", c.file, r.code, r.stdout, c.want, r.stderr)
		}
	}
	after, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("an import of unchanged decks changed the database")
	}
}

// TestImport_SameContentAsMain: importing the same decks into a new
// database stores every card's content (hash and text) as main's flash
// stored it: main wrote content version 2 (hash as 64 hex characters, then
// the card's id and fields), this flash writes version 3 (the hash's 32
// raw bytes, then the same fields byte for byte, without the id, which is
// the key's).
func TestImport_SameContentAsMain(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "main.db")
	storagetest.Gunzip(t, importCompatMain, old)
	db := filepath.Join(dir, "new.db")
	for _, file := range []string{"import-compat.toml", "import-compat-slow.toml"} {
		if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", filepath.Join("testdata", file)); r.code != 0 {
			t.Fatalf("import %s: %s", file, r.stderr)
		}
	}
	want, got := contentValues(t, old), contentValues(t, db)
	if len(want) != 2*238 || len(got) != len(want) {
		t.Fatalf("%d content values, main stored %d", len(got), len(want))
	}
	for k, v := range want {
		g := got[k]
		_, id, _ := strings.Cut(k, "\x00")
		idField := binary.AppendUvarint(nil, uint64(len(id)))
		idField = append(idField, id...)
		if len(v) < 66 || v[0] != 2 || v[1] != 64 || !bytes.HasPrefix(v[66:], idField) {
			t.Fatalf("card %q: main's content %q is not version 2", k, v)
		}
		if len(g) < 33 || g[0] != 3 || hex.EncodeToString(g[1:33]) != string(v[2:66]) || !bytes.Equal(g[33:], v[66+len(idField):]) {
			t.Errorf("card %q: content\n%q\nmain stored\n%q", k, g, v)
		}
	}
}

// contentValues reads the raw values of the content bucket of db.
func contentValues(t *testing.T, db string) map[string][]byte {
	t.Helper()
	b, err := bolt.Open(db, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	out := map[string][]byte{}
	err = b.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("content")).ForEach(func(k, v []byte) error {
			out[string(k)] = bytes.Clone(v)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImport_FileOverLimit: a deck file over deck.MaxSize is refused with
// the file's name and the limit (importer.TestReadFile_Limit checks what
// is read).
func TestImport_FileOverLimit(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	line := []byte("# a comment line that fills the file up to past the limit...\n")
	data := bytes.Repeat(line, deck.MaxSize/len(line)+2)
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runFlash(t, "", clock(fixedNow), "--db", filepath.Join(dir, "f.db"), "import", big)
	want := fmt.Sprintf("big.toml: file is %d bytes; the limit is %d (16 MiB)", deck.MaxSize+1, deck.MaxSize)
	if r.code == 0 || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want %q", r.code, r.stderr, want)
	}
}
