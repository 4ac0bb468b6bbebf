package storage

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// testdata/v1-small.db.gz is a schema 1 database made with the flash of
// schema 1 (main at 1d828d2, before the due index), gzipped:
//
//	flashgen -cards 120 -reviews 3000 -seed 7 -end 2026-11-20 -o small.db
//	flash --db small.db import deck/builtin/ml-papers.toml
//	printf '\n3\n\n1\n\n4\n\n2\n\n3\nu\n\n3\nq\n' | flash --db small.db review --plain --deck ml-papers
//
// and then, through that version's storage package, the setting
// "exam/gen" = {"date":"2026-12-20"} and card gen/q2-card-1 buried until
// 2026-11-22 04:00 UTC and flagged. So it holds two decks, 3005 log
// entries (one more rating was undone), suspended leeches, a buried card and a setting.
const v1Small = "testdata/v1-small.db.gz"

// v1Copy writes the gunzipped schema 1 database to a new file in a temp
// folder and returns its path.
func v1Copy(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "flash.db")
	gunzipTo(t, v1Small, path)
	return path
}

// v1Contents is everything a schema 1 database records, read with the
// schema 1 decoders.
type v1Contents struct {
	decks, content, settings map[string]string
	states                   []CardState
	log                      []Review
	undone                   uint64
}

func readV1(t testing.TB, path string) v1Contents {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := v1Contents{decks: map[string]string{}, content: map[string]string{}, settings: map[string]string{}}
	err = db.View(func(tx *bolt.Tx) error {
		for name, m := range map[string]map[string]string{"decks": c.decks, "content": c.content, "settings": c.settings} {
			tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error { m[string(k)] = string(v); return nil })
		}
		var in interner
		err := tx.Bucket([]byte("state")).ForEach(func(k, v []byte) error {
			d, id, _ := splitCardKey(k)
			cs := CardState{Deck: string(d), ID: string(id)}
			c.states = append(c.states, cs)
			return decodeStateV1(&c.states[len(c.states)-1], v, &in)
		})
		if err != nil {
			return err
		}
		c.undone = undone(tx)
		return tx.Bucket([]byte("log")).ForEach(func(k, v []byte) error {
			var r Review
			if err := decodeReviewV1(&r, k, v, &in); err != nil {
				return err
			}
			c.log = append(c.log, r)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkMigrated checks that the schema 2 database at path records exactly
// what want (read from its schema 1 original) did.
func checkMigrated(t *testing.T, path string, want v1Contents) {
	t.Helper()
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open migrated: %v", err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	var got []Review
	if err := s.Reviews(time.Time{}, time.Time{}, func(r Review) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want.log) {
		t.Fatalf("%d log entries, want %d", len(got), len(want.log))
	}
	for i := range got {
		if !sameReview(got[i], want.log[i]) {
			t.Fatalf("log entry %d:\n got %+v\nwant %+v", i, got[i], want.log[i])
		}
	}
	// Most entries leave out their after (version 3): the card's next
	// entry or its state gives it.
	implicit := 0
	s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLog).ForEach(func(k, v []byte) error {
			if _, _, _, explicit, err := entryCards(v); err == nil && !explicit {
				implicit++
			}
			return nil
		})
	})
	if len(want.log) > 0 && implicit < len(want.log)/2 {
		t.Errorf("%d of %d entries leave out their after", implicit, len(want.log))
	}
	if n, err := s.ReviewCount(); err != nil || n != len(want.log) {
		t.Errorf("ReviewCount = %d, %v; want %d", n, err, len(want.log))
	}
	states, err := s.States("")
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != len(want.states) {
		t.Fatalf("%d states, want %d", len(states), len(want.states))
	}
	for i := range states {
		g, w := states[i], want.states[i]
		if g.Deck != w.Deck || g.ID != w.ID || g.Question != w.Question || g.Order != w.Order ||
			g.Retired != w.Retired || g.Suspended != w.Suspended || g.Flagged != w.Flagged ||
			!g.BuriedUntil.Equal(w.BuriedUntil) || !sameCard(&g.FSRS, &w.FSRS) {
			t.Fatalf("state %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	for k, v := range want.settings {
		got, ok, err := s.Setting(k)
		if err != nil || !ok || got != v {
			t.Errorf("setting %q = %q, %v, %v; want %q", k, got, ok, err, v)
		}
	}
	err = s.view(func(tx *bolt.Tx) error {
		for name, m := range map[string]map[string]string{"decks": want.decks, "content": want.content} {
			b := tx.Bucket([]byte(name))
			if n := b.Stats().KeyN; n != len(m) {
				t.Errorf("bucket %s: %d keys, want %d", name, n, len(m))
			}
			for k, v := range m {
				if got := b.Get([]byte(k)); string(got) != v {
					t.Errorf("bucket %s key %q differs", name, k)
				}
			}
		}
		if u := undone(tx); u != want.undone {
			t.Errorf("undone = %d, want %d", u, want.undone)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrate_Testdata(t *testing.T) {
	path := v1Copy(t)
	want := readV1(t, path)
	if len(want.log) != 3005 || len(want.states) != 235 || len(want.settings) != 1 {
		t.Fatalf("testdata holds %d entries, %d states, %d settings", len(want.log), len(want.states), len(want.settings))
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	checkMigrated(t, path, want)
	// The backup beside it is a copy of the schema 1 database (bbolt's
	// copy: the pages in use), recording the same.
	if schema := fileSchema(t, BackupPath(path)); schema != 1 {
		t.Errorf("backup has schema %d", schema)
	}
	if got := readV1(t, BackupPath(path)); !reflect.DeepEqual(got.log, want.log) || !reflect.DeepEqual(got.decks, want.decks) ||
		!reflect.DeepEqual(got.content, want.content) || !reflect.DeepEqual(got.settings, want.settings) || len(got.states) != len(want.states) {
		t.Error("the backup differs from the original")
	}
	// Opening again migrates nothing.
	assertReopenUntouched(t, path, "flash.db,flash.db.schema1.bak")
	// A migrated database goes on: rate, undo, import, DueStates.
	s = openAt(t, path)
	st := stateOf(t, s, "ml-papers", "ntk-1-why-convex")
	r, err := s.Rate(Review{Deck: "ml-papers", Card: st.ID, At: time.Now(), Rating: 3, Before: st.FSRS, After: st.FSRS})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Undo(r); err != nil {
		t.Fatal(err)
	}
	due, err := s.DueStates("", time.Now())
	if err != nil || len(due) == 0 {
		t.Fatalf("DueStates: %d, %v", len(due), err)
	}
}

func TestMigrate_ReadOnlyOpen(t *testing.T) {
	path := v1Copy(t)
	want := readV1(t, path)
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting("x", "y"); err == nil {
		t.Error("a read-only open of a migrated database writes")
	}
	s.Close()
	checkMigrated(t, path, want)
}

// TestMigrate_StaleTemporaries checks that the temporary files of a
// migration that crashed are removed by the next one.
func TestMigrate_StaleTemporaries(t *testing.T) {
	path := v1Copy(t)
	stale := filepath.Join(filepath.Dir(path), ".flash.db.migrate-123")
	if err := os.WriteFile(stale, []byte("half a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(stale); err == nil {
		t.Error("stale temporary file left")
	}
}

// TestMigrate_Fails checks that a migration that fails leaves the schema 1
// file as it was, and says why: here a log entry of a card that has no
// state, which flash never writes.
func TestMigrate_Fails(t *testing.T) {
	path := v1Copy(t)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		r := synthReviews([]string{"ghost"}, 1)[0]
		r.Deck = "gen"
		v, err := encodeReviewV1(nil, &r, r.At.UnixNano())
		if err != nil {
			return err
		}
		return tx.Bucket([]byte("log")).Put(reviewKeyV1(r.At.UnixNano(), 1<<40), v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	sum := fileSum(t, path)
	_, err = Open(path, Options{})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("gen/ghost has no state")) {
		t.Fatalf("Open: %v", err)
	}
	if fileSum(t, path) != sum {
		t.Error("failed migration changed the file")
	}
}

var migrateKillRounds = flag.Int("migrate.rounds", 8, "rounds of TestMigrate_Kill")

const migrateHelperEnv = "FLASH_TEST_MIGRATE"

// migrateHelper opens path (migrating it) and exits: the child process of
// TestMigrate_Kill, killed at a random moment.
func migrateHelper(path string) {
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s.Close()
	os.Exit(0)
}

// TestMigrate_Kill kills a process migrating the testdata database with
// SIGKILL at random moments (often inside the migration's write
// transaction, its fsyncs or the rename) and checks that what is left
// opens, as schema 1 or 3, and after a migration records exactly what the
// original did. -migrate.rounds sets the number of kills.
func TestMigrate_Kill(t *testing.T) {
	src := v1Copy(t)
	want := readV1(t, src)
	killMigrations(t, src, 1, func(round int, path string, schema uint64) {
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("round %d (schema %d left): open: %v", round, schema, err)
		}
		s.Close()
		checkMigrated(t, path, want)
	})
}

// killMigrations runs -migrate.rounds processes that open (and so migrate)
// a copy of the database at src and kills each with SIGKILL at a random
// moment of a whole migration's time, half of them in its last third
// (where backups are synced and transactions commit); after each it
// checks, with the schema version left (read without migrating), what is
// left at path. stream tells the tests' random choices apart.
func killMigrations(t *testing.T, src string, stream uint64, check func(round int, path string, schema uint64)) {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, stream))
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	// How long a whole migration takes here, to spread the kills over.
	full := time.Now()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), migrateHelperEnv+"="+copyTo(t, orig))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper: %v %s", err, out)
	}
	span := time.Since(full)
	left := map[string]int{}
	for round := range *migrateKillRounds {
		path := copyTo(t, orig)
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), migrateHelperEnv+"="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wait := rng.Int64N(int64(span))
		if round%2 == 1 {
			wait = int64(span)*2/3 + rng.Int64N(int64(span)/3+1)
		}
		time.Sleep(time.Duration(wait))
		cmd.Process.Kill()
		werr := cmd.Wait()
		// What is left is either file, whole.
		schema := fileSchema(t, path)
		left[fmt.Sprint(schema, werr == nil)]++
		check(round, path, schema)
	}
	t.Logf("left behind (schema, finished): %v", left)
}

// copyTo writes b to a new file flash.db in a new temp folder and returns
// its path.
func copyTo(t *testing.T, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "flash.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fileSchema reads the schema version of the database at path without
// migrating it.
func fileSchema(t *testing.T, path string) uint64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("bbolt cannot open what is left: %v", err)
	}
	defer db.Close()
	var n uint64
	db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchema); len(v) == 8 {
			n = uint64(v[7]) // small numbers
		}
		return nil
	})
	return n
}

// TestMigrate_MarksTheOldFile checks that the schema 1 file a migration
// replaced (still open in any flash that opened it before the rename) is
// marked, so that such a flash opens the path again instead of using it.
func TestMigrate_MarksTheOldFile(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc/self/fd to reach the replaced file")
	}
	path := v1Copy(t)
	f, err := os.Open(path) // keeps the schema 1 file reachable
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	old := fmt.Sprintf("/proc/self/fd/%d", f.Fd())
	db, err := bolt.Open(old, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		if !errors.Is(checkSchema(tx), errMoved) {
			t.Errorf("the replaced file is not marked: checkSchema says %v", checkSchema(tx))
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if schema := fileSchema(t, path); schema != SchemaVersion {
		t.Errorf("path holds schema %d", schema)
	}
}
