package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/flash-srs/flash/deck"
)

var t0 = time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)

// testDeck builds a small deck in Go: cards a, b, c in question q1.
func testDeck(ids ...string) *deck.Deck {
	if len(ids) == 0 {
		ids = []string{"a", "b", "c"}
	}
	d := &deck.Deck{
		Format: 1, ID: "ml", Title: "ML papers", Language: "en",
		Options:   deck.Options{DesiredRetention: 0.9, NewPerDay: 20, ReviewsPerDay: 200},
		Questions: []deck.Question{{ID: "q1", Paper: "NTK", Text: "What is the NTK?"}},
	}
	for _, id := range ids {
		d.Cards = append(d.Cards, deck.Card{
			ID: id, Question: "q1", Kind: deck.KindBasic,
			Front: "front of " + id, Back: "back of " + id, Tags: []string{"ntk"},
		})
	}
	return d
}

// openTest opens a new store in a temp dir; cleanup checks it and closes it.
func openTest(t testing.TB) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "flash.db"))
}

func openAt(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Check(); err != nil {
			t.Errorf("Check: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// importTest imports d and fails the test on error.
func importTest(t testing.TB, s *Store, d *deck.Deck) Plan {
	t.Helper()
	p, err := s.Import(d, Source{Hash: "h-" + d.ID}, t0, false)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return p
}

// fileSum returns the sha256 of a file's bytes, or of "" for a directory.
func fileSum(t testing.TB, path string) [32]byte {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.IsDir() {
		return sha256.Sum256(nil)
	}
	// Read as root would; for a chmod 000 file as non-root, use a copy of
	// the mode bits trick: make it readable for the moment.
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrPermission) {
		os.Chmod(path, 0o600)
		b, err = os.ReadFile(path)
		os.Chmod(path, fi.Mode().Perm())
	}
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func dirNames(t testing.TB, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return strings.Join(names, ",")
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"flash db wins", map[string]string{"FLASH_DB": "/x/f.db", "XDG_DATA_HOME": "/xdg", "HOME": "/h"}, "/x/f.db"},
		{"xdg", map[string]string{"XDG_DATA_HOME": "/xdg", "HOME": "/h"}, "/xdg/flash/flash.db"},
		{"home", map[string]string{"HOME": "/h"}, "/h/.local/share/flash/flash.db"},
		// The XDG spec says to ignore a relative XDG_DATA_HOME.
		{"relative xdg ignored", map[string]string{"XDG_DATA_HOME": "rel", "HOME": "/h"}, "/h/.local/share/flash/flash.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultPath(func(k string) string { return tt.env[k] })
			if err != nil || got != tt.want {
				t.Errorf("DefaultPath = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := DefaultPath(func(string) string { return "" }); err == nil {
		t.Error("DefaultPath with no environment: want error")
	}
}

func TestOpen_CreatesPrivateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "flash", "flash.db")
	s := openAt(t, path)
	if s.Path() != path {
		t.Errorf("Path = %q, want %q", s.Path(), path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	for _, d := range []string{filepath.Join(dir, "data"), filepath.Dir(path)} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s mode %v, want 0700", d, fi.Mode().Perm())
		}
	}
	if got := dirNames(t, filepath.Dir(path)); got != "flash.db" {
		t.Errorf("folder holds %s, want only flash.db", got)
	}
	decks, err := s.Decks()
	if err != nil || len(decks) != 0 {
		t.Errorf("Decks of new db = %v, %v", decks, err)
	}
}

func TestOpen_Reopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	importTest(t, s, testDeck())
	if err := s.SetSetting("theme", "dark"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	v, ok, err := s.Setting("theme")
	if v != "dark" || !ok || err != nil {
		t.Errorf("Setting(theme) = %q, %v, %v", v, ok, err)
	}
	if _, ok, _ := s.Setting("nope"); ok {
		t.Error("Setting(nope) found")
	}
	st, err := s.States("ml")
	if err != nil || len(st) != 3 {
		t.Errorf("States = %d, %v", len(st), err)
	}
}

func TestOpen_ReadOnly(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "sub", "flash.db")
	_, err := Open(missing, Options{ReadOnly: true})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("read-only open of a missing file: %v; want fs.ErrNotExist naming the path", err)
	}
	if got := dirNames(t, dir); got != "" {
		t.Errorf("read-only open created %q", got)
	}

	path := filepath.Join(dir, "flash.db")
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	importTest(t, w, testDeck())
	w.Close()
	sum := fileSum(t, path)

	// Two read-only opens share the lock.
	r1, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := Open(path, Options{ReadOnly: true, Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("second read-only open: %v", err)
	}
	defer r2.Close()
	if st, err := r2.States(""); err != nil || len(st) != 3 {
		t.Errorf("read-only States = %d, %v", len(st), err)
	}
	if err := r1.SetSetting("k", "v"); err == nil {
		t.Error("SetSetting on a read-only store succeeded")
	}
	if _, err := r1.Import(testDeck("z"), Source{}, t0, false); err == nil {
		t.Error("Import on a read-only store succeeded")
	}
	// A writer cannot get in next to readers.
	if _, err := Open(path, Options{Timeout: 100 * time.Millisecond}); !errors.Is(err, ErrInUse) {
		t.Errorf("write open next to readers: %v, want ErrInUse", err)
	}
	if fileSum(t, path) != sum {
		t.Error("read-only use changed the file")
	}
}

func TestOpen_InUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	openAt(t, path)
	for _, ro := range []bool{false, true} {
		start := time.Now()
		// Default timeout: about a second, not a hang. bbolt's flock is per
		// open file description, so a second Open in one process conflicts.
		s, err := Open(path, Options{ReadOnly: ro})
		took := time.Since(start)
		if err == nil {
			s.Close()
			t.Fatalf("read-only %v: second Open succeeded", ro)
		}
		if !errors.Is(err, ErrInUse) {
			t.Errorf("read-only %v: err = %v, want ErrInUse", ro, err)
		}
		want := "database " + path + " is in use by another flash process"
		if err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
		if took < 500*time.Millisecond || took > 2*time.Second {
			t.Errorf("read-only %v: gave up after %v, want about 1s", ro, took)
		}
	}
}

// writeFile creates a file with given contents and mode in dir.
func writeFile(t *testing.T, dir string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, "flash.db")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// validDB returns the bytes of a flash database holding a deck and some
// reviews, big enough to span many pages.
func validDB(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 200 {
		ids = append(ids, "card-"+string(rune('a'+i%26))+"-"+strings.Repeat("x", i%7)+string(rune('0'+i/26)))
	}
	importTest(t, s, testDeck(ids...))
	if err := s.bulkAppend(synthReviews(ids, 2000)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// boltFile builds a bbolt (not flash) file with fn's contents.
func boltFile(t *testing.T, fn func(*bolt.Tx) error) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "b.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpen_Damaged(t *testing.T) {
	valid := validDB(t)
	m, err := readMeta(bytes.NewReader(valid), 0)
	if err != nil {
		t.Fatal(err)
	}
	// bbolt grows files ahead of use; cut into the pages in use.
	used := int(m.pgid) * int(m.pageSize)
	random := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	metaBroken := bytes.Clone(valid)
	metaBroken[pageHeaderSize+20] ^= 0xff      // meta 0 root pgid: checksum fails
	metaBroken[4096+pageHeaderSize+20] ^= 0xff // meta 1
	foreign := boltFile(t, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("users"))
		if err != nil {
			return err
		}
		return b.Put([]byte("alice"), []byte("1"))
	})
	// A foreign file that happens to have a bucket named meta.
	foreignMeta := boltFile(t, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, 1))
	})
	emptyBolt := boltFile(t, func(*bolt.Tx) error { return nil })

	tests := []struct {
		name string
		data []byte
		want string // in the message, besides the path
	}{
		{"Empty", []byte{}, "file is empty"},
		{"Truncated", valid[:used/2], "truncated"},
		{"TruncatedLastPage", valid[:used-100], "truncated"},
		{"TruncatedToMeta", valid[:8192], "truncated"},
		{"OnePage", valid[:4096], "truncated"},
		{"RandomBytes", random, "not a bbolt file"},
		{"Text", []byte("format = 1\nid = \"ml\"\n"), "not a bbolt file"},
		{"MetaChecksums", metaBroken, "meta pages are damaged"},
		{"ForeignBuckets", foreign, "without flash metadata"},
		{"ForeignMetaBucket", foreignMeta, "without flash metadata"},
		// bbolt with no buckets: flash never leaves one (it creates files
		// under a temporary name), so it is someone else's.
		{"EmptyBolt", emptyBolt, "without flash metadata"},
	}
	for _, tt := range tests {
		for _, ro := range []bool{false, true} {
			name := tt.name
			if ro {
				name += "/ReadOnly"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				path := writeFile(t, dir, tt.data)
				sum := fileSum(t, path)
				s, err := Open(path, Options{ReadOnly: ro, Timeout: 100 * time.Millisecond})
				if err == nil {
					s.Close()
					t.Fatal("Open succeeded")
				}
				if !errors.Is(err, ErrNotFlash) {
					t.Errorf("err = %v, want ErrNotFlash", err)
				}
				msg := err.Error()
				if !strings.Contains(msg, path) || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
					t.Errorf("message %q: want one line naming %s and saying %q", msg, path, tt.want)
				}
				if fileSum(t, path) != sum {
					t.Error("file changed")
				}
				if got := dirNames(t, dir); got != "flash.db" {
					t.Errorf("folder holds %s", got)
				}
			})
		}
	}
}

func TestOpen_Directory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flash.db")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		_, err := Open(path, Options{ReadOnly: ro})
		if !errors.Is(err, ErrNotFlash) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "directory") {
			t.Errorf("read-only %v: %v; want ErrNotFlash naming the path and saying directory", ro, err)
		}
	}
	if got := dirNames(t, path); got != "" {
		t.Errorf("directory now holds %q", got)
	}
}

func TestOpen_ParentIsFile(t *testing.T) {
	dir := t.TempDir()
	parent := writeFile(t, dir, []byte("x"))
	path := filepath.Join(parent, "flash.db")
	_, err := Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Open under a file: %v; want an error naming %s", err, path)
	}
}

// TestOpen_Permission holds as root too: root reads a chmod 000 file, so
// there the refusal comes from the content check instead.
func TestOpen_Permission(t *testing.T) {
	root := os.Geteuid() == 0
	t.Run("Unreadable", func(t *testing.T) {
		dir := t.TempDir()
		path := writeFile(t, dir, []byte("not a database, but who can tell"))
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		sum := fileSum(t, path)
		_, err := Open(path, Options{})
		switch {
		case err == nil:
			t.Fatal("Open succeeded")
		case root && !errors.Is(err, ErrNotFlash):
			t.Errorf("as root: %v, want ErrNotFlash", err)
		case !root && !errors.Is(err, fs.ErrPermission):
			t.Errorf("%v, want fs.ErrPermission", err)
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("message %q does not name %s", err, path)
		}
		if fileSum(t, path) != sum {
			t.Error("file changed")
		}
	})
	t.Run("ReadOnlyFile", func(t *testing.T) {
		dir := t.TempDir()
		path := writeFile(t, dir, validDB(t))
		if err := os.Chmod(path, 0o400); err != nil {
			t.Fatal(err)
		}
		sum := fileSum(t, path)
		s, err := Open(path, Options{})
		if root {
			if err != nil {
				t.Fatalf("as root: %v", err)
			}
			s.Close()
		} else if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), path) {
			t.Errorf("%v, want fs.ErrPermission naming %s", err, path)
		}
		// A read-only open always works on a readable file.
		s, err = Open(path, Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("read-only open: %v", err)
		}
		s.Close()
		if !root && fileSum(t, path) != sum {
			t.Error("file changed")
		}
	})
	t.Run("UnwritableFolder", func(t *testing.T) {
		// Creating a database in a folder one cannot write to fails with a
		// message naming the path; as root, writes succeed.
		dir := filepath.Join(t.TempDir(), "ro")
		if err := os.Mkdir(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "flash.db")
		s, err := Open(path, Options{})
		if root {
			if err != nil {
				t.Fatalf("as root: %v", err)
			}
			s.Close()
			return
		}
		if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), path) {
			t.Errorf("%v, want fs.ErrPermission naming %s", err, path)
		}
		if got := dirNames(t, dir); got != "" {
			t.Errorf("folder holds %q", got)
		}
	})
}

func TestOpen_NewerSchema(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, validDB(t))
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion+1))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	sum := fileSum(t, path)
	for _, ro := range []bool{false, true} {
		_, err := Open(path, Options{ReadOnly: ro})
		if !errors.Is(err, ErrNewerSchema) {
			t.Fatalf("read-only %v: %v, want ErrNewerSchema", ro, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, path) || !strings.Contains(msg, fmt.Sprintf("version %d", SchemaVersion+1)) || !strings.Contains(msg, fmt.Sprintf("version %d", SchemaVersion)) {
			t.Errorf("message %q: want the path and both versions", msg)
		}
	}
	if fileSum(t, path) != sum {
		t.Error("file changed")
	}
}

func TestStore_Settings(t *testing.T) {
	s := openTest(t)
	if err := s.SetSetting("", "x"); err == nil {
		t.Error("empty key accepted")
	}
	for _, v := range []string{"a", "", "ünï"} {
		if err := s.SetSetting("k", v); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.Setting("k")
		if got != v || !ok || err != nil {
			t.Errorf("Setting = %q, %v, %v; want %q", got, ok, err, v)
		}
	}
	if err := s.DeleteSetting("k"); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := s.Setting("k"); ok || err != nil {
		t.Errorf("after DeleteSetting: Setting = %q, %v, %v; want absent", got, ok, err)
	}
	// Deleting what is not there is not an error.
	if err := s.DeleteSetting("k"); err != nil {
		t.Errorf("DeleteSetting of an absent key: %v", err)
	}
}

// TestOpen_CorruptPage overwrites one page (not a meta or freelist page)
// with random bytes: open, read and Check must report it or, for a page
// not in use, work; never crash, never write.
func TestOpen_CorruptPage(t *testing.T) {
	valid := validDB(t)
	m0, _ := readMeta(bytes.NewReader(valid), 0)
	m1, _ := readMeta(bytes.NewReader(valid), int64(m0.pageSize))
	ps := int(m0.pageSize)
	detected := 0
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 3))
		pg := 2 + rng.IntN(int(m0.pgid)-2)
		if uint64(pg) == m0.freelist || uint64(pg) == m1.freelist {
			continue
		}
		b := bytes.Clone(valid)
		for i := pg * ps; i < (pg+1)*ps; i++ {
			b[i] = byte(rng.UintN(256))
		}
		path := writeFile(t, t.TempDir(), b)
		sum := fileSum(t, path)
		var errs []error
		s, err := Open(path, Options{Timeout: 100 * time.Millisecond})
		if err != nil {
			errs = append(errs, err)
		} else {
			_, err = s.States("")
			errs = append(errs, err)
			errs = append(errs, s.Reviews(time.Time{}, time.Time{}, func(Review) error { return nil }))
			errs = append(errs, s.Check())
			s.Close()
		}
		if err := errors.Join(errs...); err != nil {
			detected++
			if !strings.Contains(err.Error(), path) {
				t.Errorf("seed %d: %v does not name the path", seed, err)
			}
		}
		if fileSum(t, path) != sum {
			t.Errorf("seed %d: file changed", seed)
		}
	}
	if detected < 20 {
		t.Errorf("only %d of 60 corrupt pages detected", detected)
	}
}
