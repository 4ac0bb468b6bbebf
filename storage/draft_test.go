package storage

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/flash-srs/flash/deck"
)

// dumpBuckets returns every key and value of every bucket of the database
// at path, as "bucket\x00key" → value.
func dumpBuckets(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+"\x00"+string(k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDraft_SameAsOpenAndImport: a deck imported through a Draft makes the
// database that Open and Import make, record for record (every key and
// value of every bucket), with the same plan; the database checks and takes a re-import as unchanged. The draft's
// temporary file is gone and the folders are made.
func TestDraft_SameAsOpenAndImport(t *testing.T) {
	// 15000 cards make a file larger than the draft's first mapping
	// (8 MiB): bbolt maps it again while its commit is written.
	for _, d := range []*deck.Deck{testDeck(), bigDeck(3000), bigDeck(15000)} {
		t.Run(fmt.Sprintf("%d cards", len(d.Cards)), func(t *testing.T) {
			want := filepath.Join(t.TempDir(), "want.db")
			s, err := Open(want, Options{})
			if err != nil {
				t.Fatal(err)
			}
			wantPlan, err := s.Import(d, Source{Hash: "h"}, t0, false)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()

			path := filepath.Join(t.TempDir(), "new", "deeper", "flash.db")
			dr, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("the draft is at %s before Import: %v", path, err)
			}
			plan, err := dr.Import(d, Source{Hash: "h"}, t0)
			if err != nil {
				t.Fatal(err)
			}
			if err := dr.Close(); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(plan, wantPlan) {
				t.Errorf("plan %+v, want %+v", plan, wantPlan)
			}
			got, wantRecs := dumpBuckets(t, path), dumpBuckets(t, want)
			if !reflect.DeepEqual(got, wantRecs) {
				for k, v := range wantRecs {
					if got[k] != v {
						t.Errorf("record %q = %q, want %q", k, got[k], v)
					}
				}
				for k := range got {
					if _, ok := wantRecs[k]; !ok {
						t.Errorf("record %q should not be there", k)
					}
				}
			}
			if fi, err := os.Stat(path); err != nil {
				t.Fatal(err)
			} else if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, want 0600", path, fi.Mode().Perm())
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			st := openAt(t, path) // Check on cleanup
			if p := importTest(t, st, d); len(p.Unchanged) != len(d.Cards) {
				t.Errorf("re-import: %+v", p)
			}
		})
	}
}

// TestDraft_NothingAtPathOnError: an import the draft refuses leaves
// nothing at the path and no temporary file; a draft takes one Import.
func TestDraft_NothingAtPathOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flash.db")
	dr, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := testDeck()
	bad.Cards = append(bad.Cards, bad.Cards[0])
	_, err = dr.Import(bad, Source{Hash: "h"}, t0)
	// The message Store.Import gives for the same deck.
	s, oerr := Open(filepath.Join(t.TempDir(), "flash.db"), Options{})
	if oerr != nil {
		t.Fatal(oerr)
	}
	_, werr := s.Import(bad, Source{Hash: "h"}, t0, false)
	s.Close()
	if err == nil || werr == nil || err.Error() != strings.ReplaceAll(werr.Error(), s.Path(), path) {
		t.Errorf("Import: %v, want as Store.Import's: %v", err, werr)
	}
	if _, err := dr.Import(testDeck(), Source{Hash: "h"}, t0); err == nil {
		t.Error("a second Import into a draft was taken")
	}
	if err := dr.Close(); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		t.Errorf("left behind in %s: %v", dir, ents)
	}
}

// TestDraft_Exists: Create refuses a path that exists, and Import links
// nothing over a file that appeared at the path meanwhile, which stays as
// it was.
func TestDraft_Exists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	if err := os.WriteFile(path, []byte("someone's"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Create over a file: %v, want fs.ErrExist", err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	dr, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dr.Close()
	other := openAt(t, path) // another flash makes the database meanwhile
	importTest(t, other, bigDeck(20))
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dr.Import(testDeck(), Source{Hash: "h"}, t0); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Import over a new database: %v, want fs.ErrExist", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the other database changed")
	}
}

// TestCreate_RemovesStaleDrafts: Create removes the files that drafts for
// its path left when their process died (no one holds them), and leaves a
// live draft's file and other files alone.
func TestCreate_RemovesStaleDrafts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flash.db")
	live, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	// A killed import's draft: a bbolt file under a draft's name that no
	// process holds.
	stale, err := newDraft(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := stale.db.Close(); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, ".other.db.new-1")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	dr, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dr.Close()
	if _, err := os.Lstat(stale.tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the stale draft %s is still there (%v)", stale.tmp, err)
	}
	for _, name := range []string{live.tmp, dr.tmp, other} {
		if _, err := os.Lstat(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
