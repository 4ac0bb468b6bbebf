package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Migration from schema 1 (flash before the due index) to schema 2, and
// from schema 2 or 3 to schema 4 (upgrade; a schema 1 file becomes schema 4
// at once).
//
// Open finds schema 1 and calls migrate, which holds the database's
// exclusive lock throughout:
//
//  1. It writes a copy of the schema 1 file beside it, BackupPath(path)
//     (temporary name, fsync, rename), replacing an older copy there.
//  2. It builds the database of this schema in a new file beside it, in one
//     write transaction that reads the old file in one read transaction:
//     card states get numbers, the due index and the day counts are built,
//     and every log entry is rewritten in the compact form, field for
//     field. Decks, card text and settings are copied as they are.
//  3. It renames the new file over path and syncs the folder.
//  4. It marks the old file (now unlinked, still open) as moved, so that a
//     flash that opened it before the rename and waited for the lock opens
//     path again instead of using it.
//
// A crash before the rename leaves the schema 1 file at path, which the
// next open migrates again from the start (temporary files of a crashed
// run are removed then); after it, the new file. Either opens.
// Migrating is thus idempotent: a file of this schema is never touched.

var (
	// errOldSchema is checkSchema's answer for a schema 1 file.
	errOldSchema = errors.New("schema 1")
	// errSchema2 is checkSchema's answer for a schema 2 file.
	errSchema2 = errors.New("schema 2")
	// errSchema3 is checkSchema's answer for a schema 3 file.
	errSchema3 = errors.New("schema 3")
	// errMoved marks a schema 1 file that a migration has replaced.
	errMoved = errors.New("replaced by its migration")

	// keyMoved, in the meta bucket of a replaced schema 1 file.
	keyMoved = []byte("migrated")

	bucketsV1 = [][]byte{bucketMeta, bucketDecks, bucketContent, bucketState, bucketLogV1, bucketSettings}
)

// BackupPath returns where the migration from schema 1 keeps its copy of a
// schema 1 database at path: path with ".schema1.bak" appended.
func BackupPath(path string) string { return path + ".schema1.bak" }

// BackupPathV2 returns where the migration from schema 2 keeps its copy of
// a schema 2 database at path: path with ".schema2.bak" appended.
func BackupPathV2(path string) string { return path + ".schema2.bak" }

// BackupPathV3 returns where the migration from schema 3 keeps its copy of
// a schema 3 database at path: path with ".schema3.bak" appended.
func BackupPathV3(path string) string { return path + ".schema3.bak" }

// migrateHook, when set (by tests), runs at each step of the migration.
var migrateHook func(step string)

func hook(step string) {
	if migrateHook != nil {
		migrateHook(step)
	}
}

// migrate brings the schema 1 or 2 database at path to this schema (see
// above).
func migrate(path string, timeout time.Duration) error {
	old, err := openGuarded(path, &bolt.Options{Timeout: timeout})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return errInUse(path, err)
		}
		return fmt.Errorf("migrate database %s: %w", path, unwrapPathErr(err))
	}
	defer old.Close()
	s := &Store{db: old, path: path}
	// Another flash may have migrated it while this one waited.
	if err := s.view(checkSchema); !errors.Is(err, errOldSchema) {
		if errors.Is(err, errSchema2) {
			return upgrade(s, 2)
		}
		if errors.Is(err, errSchema3) {
			return upgrade(s, 3)
		}
		if err == nil || errors.Is(err, errMoved) {
			return nil
		}
		return err
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	stale, _ := filepath.Glob(filepath.Join(dir, "."+base+".migrate-*"))
	for _, f := range stale {
		os.Remove(f)
	}
	fail := func(err error) error {
		return fmt.Errorf("migrate database %s to schema %d (it is unchanged): %w", path, SchemaVersion, err)
	}

	hook("backup")
	if err := s.view(func(tx *bolt.Tx) error { return writeBackup(tx, BackupPath(path)) }); err != nil {
		return fail(fmt.Errorf("back up to %s: %w", BackupPath(path), err))
	}

	hook("build")
	f, err := os.CreateTemp(dir, "."+base+".migrate-*")
	if err != nil {
		return fail(err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	err = f.Chmod(0o600)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(err)
	}
	size := initialMmap
	if fi, err := os.Stat(path); err == nil && fi.Size() > int64(size) && fi.Size() < math.MaxInt32 {
		size = int(fi.Size())
	}
	// The new file is empty: bbolt initialises it.
	nu, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: timeout, InitialMmapSize: size})
	if err != nil {
		return fail(err)
	}
	nu.AllocSize = allocSize
	err = s.view(func(otx *bolt.Tx) error {
		return nu.Update(func(ntx *bolt.Tx) error {
			if err := initSchema(ntx); err != nil {
				return err
			}
			hook("copy")
			return migrateTx(otx, ntx)
		})
	})
	if cerr := nu.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(err)
	}
	hook("rename")
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	syncDir(dir)
	hook("mark")
	// Best effort: only a flash that waited on the old file reads it.
	_ = old.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyMoved, []byte{1}) })
	return nil
}

// upgrade brings the schema 2 or 3 database of s to schema 4. Schema 3
// added bucket pend to schema 2, where a schema 3 flash recorded the cards
// whose due index entries were still to move; schema 4 keeps those in
// memory (index.go) and has no bucket pend. After writing a copy of the
// file beside it, BackupPathV2 or BackupPathV3 (a newer schema is refused
// by the flash that wrote the file, so the copy is what that flash can
// still open), one write transaction moves the pending cards' index
// entries, deletes bucket pend and sets the version. Nothing else is
// rewritten: a crash leaves the file at its schema or at 4, and a schema
// 4 file is never touched again.
func upgrade(s *Store, from int) error {
	fail := func(err error) error {
		return fmt.Errorf("migrate database %s to schema %d (it is unchanged): %w", s.path, SchemaVersion, err)
	}
	backup := BackupPathV2(s.path)
	if from == 3 {
		backup = BackupPathV3(s.path)
	}
	hook("backup")
	if err := s.view(func(tx *bolt.Tx) error { return writeBackup(tx, backup) }); err != nil {
		return fail(fmt.Errorf("back up to %s: %w", backup, err))
	}
	hook("upgrade")
	err := s.update(func(tx *bolt.Tx) error {
		if err := flushBucketPend(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion))
	})
	if err != nil {
		return fail(err)
	}
	return nil
}

// syncDir makes a new name in dir durable; best effort.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// writeBackup writes tx's whole database to path: temporary name, fsync,
// rename, folder sync.
func writeBackup(tx *bolt.Tx, path string) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".migrate-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = tx.WriteTo(f)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return &fs.PathError{Op: "replace", Path: path, Err: errors.New("not a regular file")}
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// slab hands out byte slices that stay valid until the transaction they
// are written in commits: bbolt keeps the value slices it is given.
type slab struct{ buf []byte }

func (s *slab) alloc(n int) []byte {
	if cap(s.buf)-len(s.buf) < n {
		// One rating needs one small value; a migration or a bulk
		// append millions: grow the chunks up to 1 MiB.
		s.buf = make([]byte, 0, max(n, min(2*cap(s.buf), 1<<20), 256))
	}
	b := s.buf[len(s.buf) : len(s.buf)+n : len(s.buf)+n]
	s.buf = s.buf[:len(s.buf)+n]
	return b
}

// migrateTx copies the schema 1 database of otx into the empty schema 2
// database of ntx.
func migrateTx(otx, ntx *bolt.Tx) error {
	for _, name := range [][]byte{bucketDecks, bucketContent, bucketSettings} {
		src, dst := otx.Bucket(name), ntx.Bucket(name)
		dst.FillPercent = 1
		err := src.ForEach(func(k, v []byte) error {
			if v == nil {
				return fmt.Errorf("bucket %s: nested bucket %q", name, k)
			}
			return dst.Put(k, bytes.Clone(v))
		})
		if err != nil {
			return err
		}
	}
	om, nm := otx.Bucket(bucketMeta), ntx.Bucket(bucketMeta)
	if v := om.Get(keyUndone); len(v) == 8 {
		if err := nm.Put(keyUndone, bytes.Clone(v)); err != nil {
			return err
		}
	}

	// Card states, numbered in key order within each deck.
	nums := map[string]cardNum{}     // by card key
	finals := map[string]fsrs.Card{} // each card's FSRS state, by card key
	var idx [][2][]byte              // due index entries: key, state value
	states := ntx.Bucket(bucketState)
	states.FillPercent = 1
	var dn *deckNumbers
	var in interner
	err := otx.Bucket(bucketState).ForEach(func(k, v []byte) error {
		dk, ck, ok := splitCardKey(k)
		if !ok {
			return fmt.Errorf("state key %q: bad card key", k)
		}
		cs := CardState{Deck: in.str(dk), ID: string(ck)}
		if err := decodeStateV1(&cs, v, &in); err != nil {
			return fmt.Errorf("card %s/%s: %w", dk, ck, err)
		}
		if dn == nil || dn.id != cs.Deck {
			if dn != nil {
				if err := dn.save(ntx); err != nil {
					return err
				}
			}
			d, err := numbersOf(ntx, cs.Deck)
			if err != nil {
				return err
			}
			dn = &d
		}
		num, err := dn.give()
		if err != nil {
			return err
		}
		nums[string(k)] = cardNum{dn.num, num}
		finals[string(k)] = cs.FSRS
		nv, err := encodeState(&cs, num)
		if err != nil {
			return fmt.Errorf("card %s/%s: %w", dk, ck, err)
		}
		for _, ik := range dueKeys(nil, &cs) {
			idx = append(idx, [2][]byte{ik, noState})
		}
		return states.Put(k, nv)
	})
	if err != nil {
		return err
	}
	if dn != nil {
		if err := dn.save(ntx); err != nil {
			return err
		}
	}
	// Decks without cards get numbers too.
	err = otx.Bucket(bucketDecks).ForEach(func(k, _ []byte) error {
		d, err := numbersOf(ntx, string(k))
		if err != nil || d.registered {
			return err
		}
		return d.save(ntx)
	})
	if err != nil {
		return err
	}
	slices.SortFunc(idx, func(a, b [2][]byte) int { return bytes.Compare(a[0], b[0]) })
	due := ntx.Bucket(bucketDue)
	due.FillPercent = 1
	for _, e := range idx {
		if err := due.Put(e[0], e[1]); err != nil {
			return err
		}
	}

	// The log, entry by entry in key order, and the day counts. An entry
	// leaves out its after (version 3) where the card's next entry, or
	// its state, gives it: implicit, found from the last entry back.
	olog, nlog := otx.Bucket(bucketLogV1), ntx.Bucket(bucketLog)
	nlog.FillPercent = 1
	type counts struct{ n, r uint64 }
	days := map[string]*counts{}
	var sl slab
	var r Review
	var key []byte
	var implicit []bool // from the last entry to the first
	next := finals      // the after each card's entry seen last must be
	oc := olog.Cursor()
	for k, v := oc.Last(); k != nil; k, v = oc.Prev() {
		if err := decodeReviewV1(&r, k, v, &in); err != nil {
			return fmt.Errorf("log entry %x: %w", k, err)
		}
		key = append(append(append(key[:0], r.Deck...), 0), r.Card...)
		a, ok := next[string(key)]
		implicit = append(implicit, ok && sameCard(&a, &r.After))
		next[string(key)] = r.Before
	}
	err = olog.ForEach(func(k, v []byte) error {
		if err := decodeReviewV1(&r, k, v, &in); err != nil {
			return fmt.Errorf("log entry %x: %w", k, err)
		}
		key = append(append(append(key[:0], r.Deck...), 0), r.Card...)
		n, ok := nums[string(key)]
		if !ok {
			return fmt.Errorf("log entry %x: card %s/%s has no state", k, r.Deck, r.Card)
		}
		if r.Seq > math.MaxUint32 {
			return fmt.Errorf("log entry %x: sequence number %d too large", k, r.Seq)
		}
		at := r.At.UnixNano()
		var buf [128]byte
		if len(implicit) == 0 {
			return fmt.Errorf("log entry %x: the log changed while read", k)
		}
		l := entryLinks{version: reviewVersion3, explicit: !implicit[len(implicit)-1]}
		implicit = implicit[:len(implicit)-1]
		l.elapsedEq, l.schedEq = r.ElapsedDays == r.After.ElapsedDays, r.ScheduledDays == r.After.ScheduledDays
		nv, err := encodeEntry(buf[:0], &r, n, at, l)
		if err != nil {
			return fmt.Errorf("log entry %x: %w", k, err)
		}
		val := sl.alloc(len(nv))
		copy(val, nv)
		nk := reviewKey(at, uint32(r.Seq))
		if err := nlog.Put(nk, val); err != nil {
			return err
		}
		if st := r.Before.State; st == fsrs.New || st == fsrs.Review {
			dk := string(dayKey(n.deck, hourOf(at)))
			c := days[dk]
			if c == nil {
				c = &counts{}
				days[dk] = c
			}
			if st == fsrs.New {
				c.n++
			} else {
				c.r++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := nlog.SetSequence(olog.Sequence()); err != nil {
		return err
	}
	// The counts of each deck's last keepHours of ratings.
	from := map[uint32]int64{}
	for k := range days {
		d, h := binary.BigEndian.Uint32([]byte(k)), int64(binary.BigEndian.Uint64([]byte(k[4:]))^1<<63)
		from[d] = max(from[d], h-keepHours)
	}
	dkeys := make([]string, 0, len(days))
	for k := range days {
		d, h := binary.BigEndian.Uint32([]byte(k)), int64(binary.BigEndian.Uint64([]byte(k[4:]))^1<<63)
		if h >= from[d] {
			dkeys = append(dkeys, k)
		}
	}
	for d, h := range from {
		k := string(dayKey(d, math.MinInt64))
		dkeys = append(dkeys, k)
		days[k] = &counts{n: math.MaxUint64, r: uint64(h)}
	}
	slices.Sort(dkeys)
	db := ntx.Bucket(bucketDays)
	db.FillPercent = 1
	for _, k := range dkeys {
		if c := days[k]; c.n == math.MaxUint64 {
			if err := db.Put([]byte(k), binary.AppendUvarint(nil, sortable(int64(c.r)))); err != nil {
				return err
			}
			continue
		}
		c := days[k]
		if err := db.Put([]byte(k), binary.AppendUvarint(binary.AppendUvarint(nil, c.n), c.r)); err != nil {
			return err
		}
	}
	return nil
}
