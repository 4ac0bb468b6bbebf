package storage

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"

	"github.com/flash-srs/flash/storage/internal/gunzip"
)

// testdata/v2-small.db.gz is a schema 2 database made with the flash of
// schema 2 (main at 25b3205), gzipped:
//
//	flashgen -cards 120 -reviews 3000 -seed 7 -end 2026-11-20 -o v2.db
//	flash --db v2.db import deck/builtin/ml-papers.toml
//	printf '\n3\n\n1\n\n4\n\n2\n\n3\nu\n\n3\nq\n' | FLASH_NOW=2026-11-20T10:00:00Z flash --db v2.db review --plain --deck ml-papers
//	FLASH_NOW=2026-11-20T11:00:00Z flash --db v2.db exam 2026-12-20 --deck gen
const v2Small = "testdata/v2-small.db.gz"

// testdata/v3-small.db.gz is a schema 3 database made with the flash of
// schema 3 (main at 7978d62) from v2-small, gzipped; six cards are left in
// bucket pend:
//
//	gunzip -c v2-small.db.gz > v3.db
//	printf '\n3\n\n1\n\n4\n\n3\n\n2\n\n3\nu\n\n3\nq\n' | FLASH_NOW=2026-11-22T10:00:00Z flash --db v3.db review --plain --deck ml-papers
//	printf '\n3\n\n3\n\n4\n\n1\nq\n' | FLASH_NOW=2026-12-05T10:00:00Z flash --db v3.db review --plain
const v3Small = "testdata/v3-small.db.gz"

// gunzipTo writes the gunzipped testdata database gz to path.
func gunzipTo(t testing.TB, gz, path string) { gunzip.To(t, gz, path) }

// rawBuckets reads every key and value of every bucket of the file at
// path, without flash's decoders and without migrating it.
func rawBuckets(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]map[string]string{}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			m := map[string]string{}
			out[string(name)] = m
			return b.ForEach(func(k, v []byte) error { m[string(k)] = string(v); return nil })
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMigrate_FromSchema2 opens the schema 2 testdata database: it becomes
// schema 4 with every record as it was, a copy of the schema 2 file is
// left beside it, opening again changes nothing, and the database goes on.
func TestMigrate_FromSchema2(t *testing.T) {
	path, want := migrateInPlace(t, v2Small, 2, BackupPathV2, checkFromSchema2)
	if len(want["reviews"]) != 3005 || len(want["state"]) != 356 || len(want["settings"]) != 1 {
		t.Fatalf("testdata holds %d entries, %d states, %d settings", len(want["reviews"]), len(want["state"]), len(want["settings"]))
	}
	s := openAt(t, path)
	all, err := s.States("ml-papers")
	if err != nil || len(all) == 0 {
		t.Fatalf("States: %d, %v", len(all), err)
	}
	st := all[0]
	r, err := s.Rate(Review{Deck: "ml-papers", Card: st.ID, At: time.Now(), Rating: 3, Before: st.FSRS, After: st.FSRS})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Undo(r); err != nil {
		t.Fatal(err)
	}
	if due, err := s.DueStates("", time.Now()); err != nil || len(due) == 0 {
		t.Fatalf("DueStates: %d, %v", len(due), err)
	}
}

// migrateInPlace copies the testdata database gz, of schema from, to a new
// folder and opens it, which migrates it in place: the file passes the
// consistency check and check (given the original's records), the copy
// at backup(path) holds the original's records, and opening again changes
// nothing (assertReopenUntouched). It returns the path and the original's
// records.
func migrateInPlace(t *testing.T, gz string, from uint64, backup func(string) string, check func(*testing.T, string, map[string]map[string]string)) (string, map[string]map[string]string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "flash.db")
	gunzipTo(t, gz, path)
	if n := fileSchema(t, path); n != from {
		t.Fatalf("testdata has schema %d", n)
	}
	want := rawBuckets(t, path)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err != nil {
		t.Error(err)
	}
	s.Close()
	check(t, path, want)
	if n := fileSchema(t, backup(path)); n != from {
		t.Errorf("backup has schema %d", n)
	}
	if got := rawBuckets(t, backup(path)); !reflect.DeepEqual(got, want) {
		t.Error("the backup differs from the original")
	}
	assertReopenUntouched(t, path, "flash.db,"+filepath.Base(backup(path)))
	return path, want
}

// assertReopenUntouched opens the database at path and closes it again:
// the file must be as it was, and its folder hold the files names (a
// comma-separated list).
func assertReopenUntouched(t *testing.T, path, names string) {
	t.Helper()
	sum, fi := fileSum(t, path), mustStat(t, path)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	assertUntouched(t, path, sum, fi)
	if got := dirNames(t, filepath.Dir(path)); got != names {
		t.Errorf("folder holds %s", got)
	}
}

// checkFromSchema2 checks that the database at path is schema 4 and holds
// exactly the records of want, a schema 2 file's buckets.
func checkFromSchema2(t *testing.T, path string, want map[string]map[string]string) {
	t.Helper()
	if n := fileSchema(t, path); n != 4 {
		t.Fatalf("schema %d after the migration", n)
	}
	got := rawBuckets(t, path)
	if p, ok := got["pend"]; ok {
		t.Errorf("bucket pend: %v", p)
	}
	if got["meta"]["schema"] != "\x00\x00\x00\x00\x00\x00\x00\x04" {
		t.Errorf("schema record %q", got["meta"]["schema"])
	}
	got["meta"]["schema"] = want["meta"]["schema"]
	if !reflect.DeepEqual(got, want) {
		t.Error("the migration changed the records")
	}
}

// TestMigrate_FromSchema2Kill kills processes migrating the schema 2
// testdata database at random moments: what is left opens, as schema 2 or
// 4, and after a migration holds exactly the original records.
func TestMigrate_FromSchema2Kill(t *testing.T) { killInPlace(t, v2Small, 2, checkFromSchema2) }

// killInPlace kills processes migrating the testdata database gz, of
// schema from, at random moments: what is left is of that schema or 4,
// opens and passes the consistency check, and, migrated then, check
// (given the original's records) passes.
func killInPlace(t *testing.T, gz string, from uint64, check func(*testing.T, string, map[string]map[string]string)) {
	src := filepath.Join(t.TempDir(), "flash.db")
	gunzipTo(t, gz, src)
	want := rawBuckets(t, src)
	killMigrations(t, src, from, func(round int, path string, schema uint64) {
		if schema != from && schema != 4 {
			t.Fatalf("round %d: schema %d left", round, schema)
		}
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("round %d (schema %d left): open: %v", round, schema, err)
		}
		if err := s.Check(); err != nil {
			t.Errorf("round %d: %v", round, err)
		}
		s.Close()
		check(t, path, want)
	})
}

// TestMigrate_FromSchema3 opens the schema 3 testdata database, whose
// bucket pend holds six cards: it becomes schema 4 without bucket pend,
// with the index those six cards' states call for and every other record
// as it was; a copy of the schema 3 file is left beside it, opening again
// changes nothing, and the database goes on.
func TestMigrate_FromSchema3(t *testing.T) {
	path, want := migrateInPlace(t, v3Small, 3, BackupPathV3, checkFromSchema3)
	if len(want["pend"]) != 6 || len(want["reviews"]) != 3015 {
		t.Fatalf("testdata holds %d pending cards, %d log entries", len(want["pend"]), len(want["reviews"]))
	}
	s := openAt(t, path)
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for _, d := range []string{"gen", "ml-papers"} {
		checkDueStatesOf(t, s, d, now, "migrated from schema 3")
	}
}

// checkFromSchema3 checks that the database at path is schema 4 and holds
// the records of want, a schema 3 file's buckets, but bucket pend: its
// due index holds exactly the keys its states call for, computed here
// from the raw states, and every entry of want's index that is still
// there keeps its value.
func checkFromSchema3(t *testing.T, path string, want map[string]map[string]string) {
	t.Helper()
	if n := fileSchema(t, path); n != 4 {
		t.Fatalf("schema %d after the migration", n)
	}
	got := rawBuckets(t, path)
	if p, ok := got["pend"]; ok {
		t.Errorf("bucket pend after the migration: %v", p)
	}
	if _, ok := got["meta"][string(keyStale)]; ok {
		t.Error("the migrated file says its index is stale")
	}
	keys := map[string]bool{}
	for k, v := range got["state"] {
		dk, ck, _ := splitCardKey([]byte(k))
		cs := CardState{Deck: string(dk), ID: string(ck)}
		if _, err := decodeState(&cs, []byte(v), nil); err != nil {
			t.Fatal(err)
		}
		for _, ik := range dueKeys(nil, &cs) {
			keys[string(ik)] = true
		}
	}
	moved := 0
	for k, v := range got["due"] {
		if !keys[k] {
			t.Errorf("index entry %q: its card's state does not call for it", k)
		}
		if w, ok := want["due"][k]; ok && w != v {
			t.Errorf("index entry %q changed", k)
		} else if !ok {
			moved++
		}
	}
	if len(got["due"]) != len(keys) || moved == 0 {
		t.Errorf("%d index entries (%d moved), the states call for %d", len(got["due"]), moved, len(keys))
	}
	if got["meta"]["schema"] != "\x00\x00\x00\x00\x00\x00\x00\x04" {
		t.Errorf("schema record %q", got["meta"]["schema"])
	}
	got["meta"]["schema"] = want["meta"]["schema"]
	want = maps.Clone(want)
	for _, b := range []map[string]map[string]string{got, want} {
		delete(b, "pend")
		delete(b, "due")
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("the migration changed the records")
	}
}

// TestMigrate_FromSchema3Kill kills processes migrating the schema 3
// testdata database at random moments: what is left opens, as schema 3 or
// 4, and after a migration holds the original records with the index
// moved (checkFromSchema3).
func TestMigrate_FromSchema3Kill(t *testing.T) { killInPlace(t, v3Small, 3, checkFromSchema3) }

// TestDueStates_Pending changes the cards of a deck at random (ratings with
// a clock that moves, undo, suspend, bury, flag, re-imports that reorder
// and retire cards), with the store closed (which moves the pending
// cards' index entries) after every change, every few changes or never,
// and checks after every change that DueStates gives what the states call
// for (the first review due after the day included) and that the
// database passes its consistency check. Every 25 changes it also checks
// the file as a process that died then leaves it (checkCrashed).
func TestDueStates_Pending(t *testing.T) {
	for _, every := range []int{1, 7, 0} {
		t.Run(fmt.Sprint("close every ", every), func(t *testing.T) {
			testDueStatesPending(t, uint64(every), every)
		})
	}
}

func testDueStatesPending(t *testing.T, seed uint64, closeEvery int) {
	path := filepath.Join(t.TempDir(), "flash.db")
	s := openPlain(t, path)
	defer func() { s.Close() }()
	rng := rand.New(rand.NewPCG(seed, 9))
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = fmt.Sprintf("c%02d", i)
	}
	d := testDeck(ids...)
	importTest(t, s, d)
	f := fsrs.NewFSRS(fsrs.DefaultParam())
	now := t0
	var undo []Review
	for step := range 600 {
		now = now.Add(time.Duration(rng.IntN(4*3600)) * time.Second)
		states, err := s.States("ml")
		if err != nil {
			t.Fatal(err)
		}
		cs := states[rng.IntN(len(states))]
		what := ""
		switch x := rng.IntN(20); {
		case x < 11 && !cs.Retired:
			info := f.Next(cs.FSRS, now, fsrs.Rating(1+rng.IntN(4)))
			r, err := s.Rate(Review{Deck: "ml", Card: cs.ID, At: now, Rating: info.ReviewLog.Rating, Before: cs.FSRS, After: info.Card})
			if err != nil {
				t.Fatal(err)
			}
			undo = append(undo, r)
			what = "rate " + cs.ID
		case x < 13 && len(undo) > 0:
			r := undo[len(undo)-1]
			undo = undo[:len(undo)-1]
			if err := s.Undo(r); err != nil {
				t.Fatal(err)
			}
			what = "undo " + r.Card
		case x < 17 && !cs.Retired:
			fl := cs.Flags
			switch rng.IntN(3) {
			case 0:
				fl.Suspended = !fl.Suspended
			case 1:
				fl.Flagged = !fl.Flagged
			default:
				fl.BuriedUntil = time.Time{}
				if rng.IntN(2) == 0 {
					fl.BuriedUntil = now.Add(time.Duration(rng.IntN(48)) * time.Hour)
				}
			}
			if err := s.SetFlags("ml", cs.ID, fl); err != nil {
				t.Fatal(err)
			}
			what = "flags " + cs.ID
		case x < 18:
			// Re-import: some cards leave (retired), some come back, the
			// order changes.
			dd := testDeck(ids...)
			rng.Shuffle(len(dd.Cards), func(i, j int) { dd.Cards[i], dd.Cards[j] = dd.Cards[j], dd.Cards[i] })
			dd.Cards = dd.Cards[:30+rng.IntN(11)]
			if _, err := s.Import(dd, Source{Hash: fmt.Sprint("h", step)}, now, false); err != nil {
				t.Fatal(err)
			}
			undo = nil // a retired card cannot be rated back
			what = "import"
		default:
			continue
		}
		at := fmt.Sprintf("step %d (%s)", step, what)
		checkDueStates(t, s, now, at)
		if step%25 == 0 {
			if err := s.Check(); err != nil {
				t.Fatalf("%s: %v", at, err)
			}
			checkCrashed(t, s, now, at)
		}
		if closeEvery > 0 && step%closeEvery == 0 {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if stale(t, path) {
				t.Fatalf("%s: the file says its index is stale after Close", at)
			}
			s = openPlain(t, path)
			checkDueStates(t, s, now, at+", reopened")
		}
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

// openPlain opens the store at path, which the test must close.
func openPlain(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stale reports whether the file at path says that its due index may be
// stale (keyStale), read without flash's Open.
func stale(t *testing.T, path string) bool {
	t.Helper()
	_, ok := rawBuckets(t, path)["meta"][string(keyStale)]
	return ok
}

// checkCrashed copies the file of s as it is while s is open, which is
// what a process that dies now leaves, and checks the copy: read-only it
// gives the due states the states call for and passes the check; the
// first read-write open rebuilds the index (it no longer says it is
// stale) and then gives them too, passes the check, and leaves at Close
// the index the states call for, entry for entry.
func checkCrashed(t *testing.T, s *Store, now time.Time, at string) {
	t.Helper()
	b, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(t.TempDir(), "crashed.db")
	if err := os.WriteFile(crashed, b, 0o600); err != nil {
		t.Fatal(err)
	}
	pending := s.pend.len() > 0
	if stale(t, crashed) != pending {
		t.Fatalf("%s: %v cards pending, but the file says its index is stale: %v", at, pending, !pending)
	}
	ro, err := Open(crashed, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	checkDueStates(t, ro, now, at+", crashed, read-only")
	if err := errors.Join(ro.Check(), ro.Close()); err != nil {
		t.Fatalf("%s, crashed, read-only: %v", at, err)
	}
	rw := openPlain(t, crashed)
	err = rw.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta).Get(keyStale) != nil {
			t.Fatalf("%s: the index is still stale after a read-write open", at)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkDueStates(t, rw, now, at+", crashed, reopened")
	if err := errors.Join(rw.Check(), rw.Close()); err != nil {
		t.Fatalf("%s, crashed, reopened: %v", at, err)
	}
	raw := rawBuckets(t, crashed)
	want := 0
	for k, v := range raw["state"] {
		dk, ck, _ := splitCardKey([]byte(k))
		cs := CardState{Deck: string(dk), ID: string(ck)}
		if _, err := decodeState(&cs, []byte(v), nil); err != nil {
			t.Fatal(err)
		}
		for _, ik := range dueKeys(nil, &cs) {
			want++
			if _, ok := raw["due"][string(ik)]; !ok {
				t.Fatalf("%s, crashed, rebuilt: index entry %q missing", at, ik)
			}
		}
	}
	if len(raw["due"]) != want {
		t.Fatalf("%s, crashed, rebuilt: %d index entries, the states call for %d", at, len(raw["due"]), want)
	}
}

// checkDueStates compares DueStates at the end of the study day holding
// now with what the states of the deck call for.
func checkDueStates(t *testing.T, s *Store, now time.Time, at string) {
	t.Helper()
	checkDueStatesOf(t, s, "ml", now, at)
}

// checkDueStatesOf is checkDueStates for the deck deckID.
func checkDueStatesOf(t *testing.T, s *Store, deckID string, now time.Time, at string) {
	t.Helper()
	end := now.Truncate(24 * time.Hour).Add(28 * time.Hour)
	states, err := s.States(deckID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.DueStates(deckID, end)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]CardState{}
	for _, cs := range states {
		byID[cs.ID] = cs
	}
	gotIDs := map[string]bool{}
	for _, cs := range got {
		if gotIDs[cs.ID] {
			t.Fatalf("%s: %s twice", at, cs.ID)
		}
		gotIDs[cs.ID] = true
		if want := byID[cs.ID]; !statesEqual(cs, want) {
			t.Fatalf("%s: %s is %+v, its state %+v", at, cs.ID, cs, want)
		}
	}
	checkDueCards(t, s, deckID, end, got, byID, at)
	var first *CardState // the first review card due at or after end
	for i := range states {
		cs := &states[i]
		if cs.Retired || cs.Suspended {
			if gotIDs[cs.ID] {
				t.Fatalf("%s: %s retired or suspended but returned", at, cs.ID)
			}
			continue
		}
		need := cs.FSRS.State != fsrs.Review || !cs.BuriedUntil.IsZero() || cs.FSRS.Due.Before(end)
		if cs.FSRS.State == fsrs.Review && !cs.FSRS.Due.Before(end) && (first == nil || cs.FSRS.Due.Before(first.FSRS.Due)) {
			first = cs
		}
		if need && !gotIDs[cs.ID] {
			t.Fatalf("%s: %s (%v due %v) missing", at, cs.ID, cs.FSRS.State, cs.FSRS.Due)
		}
	}
	if first != nil {
		// Several may share its due time: one of them must be there.
		ok := false
		for _, cs := range states {
			if gotIDs[cs.ID] && !cs.Retired && !cs.Suspended && cs.FSRS.State == fsrs.Review && cs.FSRS.Due.Equal(first.FSRS.Due) {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("%s: the first review after the day (%s, %v) missing", at, first.ID, first.FSRS.Due)
		}
	}
}

// checkDueCards checks that DueCards gives the cards of DueStates (due, in
// its order), each whole or as its index entry says: whole unless new or
// in review (and not pending nor buried), and then only what the entry
// holds, the rest zero. (Which of them a study day still reads whole is
// the session's: TestSettle.)
func checkDueCards(t *testing.T, s *Store, deckID string, end time.Time, due []CardState, byID map[string]CardState, at string) {
	t.Helper()
	got, err := s.DueCards(deckID, end)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(due) {
		t.Fatalf("%s: DueCards gave %d cards, DueStates %d", at, len(got), len(due))
	}
	ids := map[string]bool{}
	for _, cs := range got {
		ids[cs.ID] = true
		want := byID[cs.ID]
		if !cs.IndexOnly {
			if !statesEqual(cs, want) {
				t.Fatalf("%s: DueCards gave %s whole as %+v, its state %+v", at, cs.ID, cs, want)
			}
			continue
		}
		entry := CardState{Deck: want.Deck, ID: want.ID, IndexOnly: true}
		entry.FSRS.State = want.FSRS.State
		switch want.FSRS.State {
		case fsrs.New:
			entry.Order = want.Order
		case fsrs.Review:
			entry.FSRS.Due = want.FSRS.Due
		default:
			t.Fatalf("%s: %s, %v, as indexed", at, cs.ID, want.FSRS.State)
		}
		if !want.BuriedUntil.IsZero() {
			t.Fatalf("%s: %s, buried, as indexed", at, cs.ID)
		}
		if !reflect.DeepEqual(cardFields(cs.FSRS), cardFields(entry.FSRS)) || cs.Deck != entry.Deck || cs.ID != entry.ID || cs.Order != entry.Order || cs.Question != "" || cs.Flags != (Flags{}) || cs.Retired {
			t.Fatalf("%s: DueCards gave %+v, its entry says %+v", at, cs, entry)
		}
	}
	for _, cs := range due {
		if !ids[cs.ID] {
			t.Fatalf("%s: DueCards left out %s", at, cs.ID)
		}
	}
}

func statesEqual(a, b CardState) bool {
	return a.Deck == b.Deck && a.ID == b.ID && a.Question == b.Question && a.Order == b.Order &&
		a.Retired == b.Retired && a.Flags.Suspended == b.Flags.Suspended && a.Flags.Flagged == b.Flags.Flagged &&
		a.Flags.BuriedUntil.Equal(b.Flags.BuriedUntil) && reflect.DeepEqual(cardFields(a.FSRS), cardFields(b.FSRS))
}

func cardFields(c fsrs.Card) []any {
	return []any{c.Due.UnixNano(), c.Stability, c.Difficulty, c.ElapsedDays, c.ScheduledDays, c.Reps, c.Lapses, c.State, c.LastReview.UnixNano()}
}

// TestRate_PagesWritten checks what deferring index moves is for: a
// rating writes no page of the due index (its root page stays where it
// was through 160 ratings), and fewer pages than a rating that moves its
// card's index entries in its own commit, by at least the two index
// leaves, in the median and on average.
func TestRate_PagesWritten(t *testing.T) {
	pages := func(atOnce bool) (median, mean float64) {
		s := openTest(t)
		ids := make([]string, 3000)
		for i := range ids {
			ids[i] = fmt.Sprintf("card-%04d", i)
		}
		importTest(t, s, testDeck(ids...))
		if err := s.bulkAppend(synthReviews(ids, 30000)); err != nil {
			t.Fatal(err)
		}
		states, err := s.States("ml")
		if err != nil {
			t.Fatal(err)
		}
		dueRoot := func() (root uint64) {
			s.view(func(tx *bolt.Tx) error {
				root = uint64(tx.Bucket(bucketDue).Root())
				return nil
			})
			return root
		}
		root := dueRoot()
		f := fsrs.NewFSRS(fsrs.DefaultParam())
		now := t0.AddDate(1, 0, 0)
		var ws []float64
		for i := range 160 {
			cs := states[(i*37)%len(states)]
			info := f.Next(cs.FSRS, now, fsrs.Good)
			r := Review{Deck: "ml", Card: cs.ID, At: now, Rating: fsrs.Good, Before: cs.FSRS, After: info.Card}
			st := s.db.Stats()
			before := st.TxStats.GetWrite()
			var err error
			if atOnce {
				var sl slab
				err = s.update(func(tx *bolt.Tx) error {
					if err := s.applyRating(tx, &r, now.UnixNano(), &sl); err != nil {
						return err
					}
					return flushIndex(tx, &s.pend)
				})
			} else {
				_, err = s.Rate(r)
			}
			if err != nil {
				t.Fatal(err)
			}
			st = s.db.Stats()
			ws = append(ws, float64(st.TxStats.GetWrite()-before))
			now = now.Add(10 * time.Second)
		}
		if moved := dueRoot() != root; moved == !atOnce {
			t.Errorf("moving index entries at once %v: the index's root page moved %v", atOnce, moved)
		}
		slices.Sort(ws)
		sum := 0.0
		for _, w := range ws {
			sum += w
		}
		return ws[len(ws)/2], sum / float64(len(ws))
	}
	dm, da := pages(false)
	im, ia := pages(true)
	t.Logf("pages a rating: deferred median %.0f mean %.1f; at once median %.0f mean %.1f", dm, da, im, ia)
	if dm > im-2 || da > ia-2 {
		t.Errorf("deferring index moves saves nothing: median %.0f vs %.0f, mean %.1f vs %.1f", dm, im, da, ia)
	}
}

// TestPending_ReadersDuringFlush runs flash's own consistency check over
// and over while another goroutine rates cards and moves their index
// entries (as Close does): a read transaction that began before a move
// committed must take the moved cards as pending, one that began after
// must not, and the check, which knows the index entries a pending card
// still has, fails on either mistake. (bbolt's part of Check compares the
// pages of the transaction with the free pages of the latest commit, so
// it runs only once the writer is done.)
func TestPending_ReadersDuringFlush(t *testing.T) {
	s := openTest(t)
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = fmt.Sprintf("card-%03d", i)
	}
	importTest(t, s, testDeck(ids...))
	done := make(chan error, 1)
	go func() {
		f := fsrs.NewFSRS(fsrs.DefaultParam())
		at := t0.AddDate(0, 0, 1)
		for round := range 100 {
			for i := range 4 {
				id := ids[(round*4+i)%len(ids)]
				cur, err := s.StatesOf("ml", []string{id})
				if err != nil {
					done <- err
					return
				}
				info := f.Next(cur[0].FSRS, at, fsrs.Good)
				if _, err := s.Rate(Review{Deck: "ml", Card: id, At: at, Rating: fsrs.Good, Before: cur[0].FSRS, After: info.Card}); err != nil {
					done <- err
					return
				}
				at = at.Add(time.Minute)
			}
			if err := s.update(func(tx *bolt.Tx) error { return flushIndex(tx, &s.pend) }); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	checks := 0
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d checks", checks)
			return
		default:
		}
		err := s.viewPending(func(tx *bolt.Tx, pend map[string]string, all bool) error {
			return errors.Join(checkRecords(tx, pend, all)...)
		})
		if err != nil {
			t.Fatalf("check %d: %v", checks, err)
		}
		checks++
	}
}
