// Package storage persists decks, cards with their FSRS state, the review log
// and settings in a bbolt file.
//
// The file (schema 4) holds these buckets:
//
//	meta      schema version, a marker that the file belongs to flash, counters
//	decks     deck id → JSON DeckInfo
//	content   deck\x00card → content hash and compact binary deck.Card
//	          (content version 3; versions 2 and 1, JSON, are still read)
//	state     deck\x00card → compact binary CardState (FSRS memory, flags, order, number)
//	due       the cards a study day may show, by deck, kind and due time (index.go)
//	days      ratings of new and review cards per deck and hour (index.go)
//	ids       deck ids ↔ deck numbers, and each deck's next card number
//	reviews   big-endian unix nanos ‖ big-endian seq → compact binary Review
//	settings  key → value
//	summary   statistics of the log before a cut (summary.go; made when first written)
//
// Card text (content) is kept apart from scheduling state, and the due
// index and day counts apart from both, so that starting a review session
// reads only the cards the day needs; the log is a binary encoding that
// names a card by number so that statistics over a million entries read
// little. A database of schema 1, 2 or 3 is migrated on first open
// (migrate.go). The meta record "index-stale" says that the due index may
// be behind some card states: rebuilt by the next read-write open
// (index.go).
//
// Times are stored as unix nanoseconds and read back in time.Local; compare
// them with Equal. A Store is safe for use by several goroutines; bbolt
// serialises writers.
// Callbacks passed to Reviews run inside a read transaction and must not call
// methods of the same Store that write.
package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage/safefile"
)

// SchemaVersion is the version of the bucket layout and record encodings
// that this package writes. A database with a higher version is refused.
const SchemaVersion = 4

// Errors returned by this package. Each is wrapped in an error whose message
// names the database path (or the card), so test with errors.Is.
var (
	// ErrInUse is returned by Open when another process (or another open
	// Store in this process) holds the database lock for longer than the
	// timeout.
	ErrInUse = errors.New("database is in use by another flash process")
	// ErrNotFound is returned when a card, deck or review-log entry is not
	// in the database.
	ErrNotFound = errors.New("not found")
	// ErrNewerSchema is returned by Open for a database written by a newer
	// flash with a higher schema version.
	ErrNewerSchema = errors.New("database schema is newer than this flash")
	// ErrNotFlash is returned by Open for a file that is not a flash
	// database or is damaged: empty, truncated, not bbolt, a bbolt file of
	// another program, a directory. Such a file is never modified.
	ErrNotFlash = errors.New("not a flash database")
	// ErrRetired is returned by Rate for a card that is no longer in its
	// deck file.
	ErrRetired = errors.New("card is retired")
)

// dbError carries a complete message plus the sentinel and cause it wraps,
// so that the message reads naturally and errors.Is still works.
type dbError struct {
	msg  string
	kind error
	err  error
}

func (e *dbError) Error() string { return e.msg }

func (e *dbError) Unwrap() []error {
	if e.err == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.err}
}

func errInUse(path string, cause error) error {
	return &dbError{msg: fmt.Sprintf("database %s is in use by another flash process", path), kind: ErrInUse, err: cause}
}

func errNotFlash(path, why string, cause error) error {
	msg := fmt.Sprintf("database %s is not a flash database or is damaged: %s", path, why)
	if cause != nil {
		msg += ": " + cause.Error()
	}
	return &dbError{msg: msg, kind: ErrNotFlash, err: cause}
}

func errCardNotFound(path, deckID, cardID string) error {
	return &dbError{msg: fmt.Sprintf("card %s/%s not found in database %s", deckID, cardID, path), kind: ErrNotFound}
}

// Bucket names and meta keys.
var (
	bucketMeta     = []byte("meta")
	bucketDecks    = []byte("decks")
	bucketContent  = []byte("content")
	bucketState    = []byte("state")
	bucketLog      = []byte("reviews")
	bucketSettings = []byte("settings")
	bucketDue      = []byte("due")
	bucketDays     = []byte("days")
	bucketIDs      = []byte("ids")
	bucketPend     = []byte("pend") // schema 3 only

	// allBuckets are the buckets of schema 4, and of schema 2.
	allBuckets = [][]byte{bucketMeta, bucketDecks, bucketContent, bucketState, bucketLog, bucketSettings, bucketDue, bucketDays, bucketIDs}
	// bucketsV3 are the buckets of schema 3: schema 4's and bucket pend.
	bucketsV3 = append(allBuckets[:len(allBuckets):len(allBuckets)], bucketPend)

	keyFormat = []byte("format") // value: formatMark
	keySchema = []byte("schema") // value: big-endian uint64
	keyUndone = []byte("undone") // value: big-endian uint64, log entries deleted by Undo

	formatMark = []byte("flash")
)

// DefaultPath returns where the database lives when --db is not given:
// $FLASH_DB, else $XDG_DATA_HOME/flash/flash.db, else
// $HOME/.local/share/flash/flash.db. As the XDG specification says, a
// relative XDG_DATA_HOME is ignored. getenv is usually os.Getenv. It does
// not touch the file system; it fails only when no variable gives a path.
func DefaultPath(getenv func(string) string) (string, error) {
	if p := getenv("FLASH_DB"); p != "" {
		return p, nil
	}
	if x := getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "flash", "flash.db"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "flash", "flash.db"), nil
	}
	return "", errors.New("no database path: set --db, FLASH_DB or HOME")
}

// Options configure Open.
type Options struct {
	// ReadOnly opens with a shared lock, so several read-only opens can run
	// at once but not next to a writer. Nothing is created: a missing file
	// gives an error wrapping fs.ErrNotExist. Write methods fail.
	ReadOnly bool
	// Timeout is how long Open waits for the file lock before returning
	// ErrInUse; 0 means one second.
	Timeout time.Duration
	// Populate asks the kernel to read the whole file into memory at open
	// (MAP_POPULATE on Linux; ignored elsewhere). It makes a later full scan
	// of the log fast on a cold cache, at the cost of reading the whole
	// file up front: good for stats, bad for starting a review.
	Populate bool
}

// Store is an open flash database. Close it when done.
type Store struct {
	db       *bolt.DB
	path     string
	readOnly bool
	// deckNums caches deck numbers (deck id → uint32) for ratings: a
	// deck's number, once given, never changes or goes (bucket ids).
	deckNums sync.Map
	// unsyncedFreelist is set by every write: bbolt's list of free pages
	// is then written at Close only (see freeListAtClose).
	unsyncedFreelist atomic.Bool
	// pend is the cards whose due index entries move at Close (see
	// deferIndex).
	pend pendingSet
}

// freeListAtClose: a store open read-write commits without bbolt's list of
// free pages (bbolt.DB.NoFreelistSync) and writes it once, at Close.
// Every commit would otherwise write the whole list to a page of its own,
// which the commit's fsync then waits for: one page in eight of a rating,
// and often one more separate place in the file for the disk to go to.
// The list is only a cache of what the file's pages say: a process that
// dies before Close leaves a file whose pages are all intact, and the next
// read-write open rebuilds the list by walking the file (bbolt.Open does
// that, and writes it) — the one price, paid once, after a crash. Read-only
// opens never need the list.

// Open opens the flash database at path, creating it (mode 0600, parent
// folders 0700) when it does not exist and o.ReadOnly is false. A new file is
// built under a temporary name and linked into place, so a file at path is
// always either a complete flash database or not flash's.
//
// Open blocks for at most o.Timeout waiting for the file lock and then
// returns an error wrapping ErrInUse. It returns an error wrapping ErrNotFlash
// for an existing file that is empty, damaged, a directory, not bbolt or a
// bbolt file without flash's metadata, and ErrNewerSchema for a database
// from a newer flash; in all these cases the file is left untouched.
func Open(path string, o Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil:
		if err := checkFileInfo(path, fi); err != nil {
			return nil, err
		}
	case errors.Is(err, fs.ErrNotExist):
		if o.ReadOnly {
			return nil, &dbError{msg: fmt.Sprintf("database %s does not exist", path), kind: fs.ErrNotExist}
		}
		if err := create(path); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("open database %s: %w", path, unwrapPathErr(err))
	}

	h, err := readHeader(path)
	if err != nil {
		return nil, err
	}
	if !o.ReadOnly && !h.freelistSynced {
		// A read-write bbolt open would rewrite the freelist of this file
		// before we know it is ours. Flash leaves such a file only when it
		// died before Close (freeListAtClose): look read-only first so a
		// foreign file stays untouched; bbolt then rebuilds the list.
		st, err := openBolt(path, o, timeout, true, 0)
		if err != nil {
			return nil, err
		}
		if err := st.Close(); err != nil {
			return nil, fmt.Errorf("close database %s: %w", path, err)
		}
	}
	return openBolt(path, o, timeout, o.ReadOnly, 0)
}

// checkFileInfo refuses existing paths that bbolt must not be let near.
func checkFileInfo(path string, fi fs.FileInfo) error {
	switch {
	case fi.IsDir():
		return errNotFlash(path, "it is a directory", nil)
	case !fi.Mode().IsRegular():
		return errNotFlash(path, "not a regular file", nil)
	case fi.Size() == 0:
		// bbolt would initialise an empty file; it may be someone's.
		return errNotFlash(path, "the file is empty", nil)
	}
	return nil
}

// unwrapPathErr drops the *fs.PathError layer whose message repeats the path.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func openBolt(path string, o Options, timeout time.Duration, readOnly bool, depth int) (s *Store, err error) {
	// A first mapping of 8 MiB saves a large import (10k cards ≈ 6 MB)
	// from remapping, and copying every page it wrote, at each doubling
	// from 32 KiB. The file grows by what a commit needs and allocSize
	// more.
	bo := &bolt.Options{Timeout: timeout, ReadOnly: readOnly, InitialMmapSize: initialMmap}
	if o.Populate {
		bo.MmapFlags = populateFlag
	}
	db, err := openGuarded(path, bo)
	if err != nil {
		switch {
		case errors.Is(err, berrors.ErrTimeout):
			return nil, errInUse(path, err)
		case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
			errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
			return nil, errNotFlash(path, "bbolt refused it", err)
		case errors.Is(err, errPanic):
			return nil, errNotFlash(path, "reading it failed", err)
		}
		return nil, fmt.Errorf("open database %s: %w", path, unwrapPathErr(err))
	}
	db.AllocSize = allocSize
	db.NoFreelistSync = !readOnly // freeListAtClose
	s = &Store{db: db, path: path, readOnly: readOnly}
	var stale bool
	err = s.view(func(tx *bolt.Tx) error {
		if err := checkSchema(tx); err != nil {
			return err
		}
		stale = tx.Bucket(bucketMeta).Get(keyStale) != nil
		return nil
	})
	if err != nil {
		db.Close()
		switch {
		case errors.Is(err, errOldSchema) || errors.Is(err, errSchema2) || errors.Is(err, errSchema3) || errors.Is(err, errMoved):
			if depth >= 3 {
				return nil, fmt.Errorf("open database %s: it keeps being replaced", path)
			}
			if !errors.Is(err, errMoved) {
				if err := migrate(path, timeout); err != nil {
					return nil, err
				}
			}
			// The file at path is now of this schema (or another
			// process's migration replaced it): open that.
			return openBolt(path, o, timeout, readOnly, depth+1)
		case errors.Is(err, ErrNewerSchema) || errors.Is(err, ErrNotFlash):
			return nil, err
		}
		return nil, errNotFlash(path, "reading it failed", err)
	}
	if stale && !readOnly {
		// A process died with cards pending (deferIndex): their index
		// entries are stale, and which they are died with it.
		if err := s.update(rebuildIndex); err != nil {
			db.Close()
			return nil, fmt.Errorf("open database %s: rebuild its due index: %w", path, err)
		}
	}
	return s, nil
}

const initialMmap = 8 << 20

// allocSize is how much bigger than it needs bbolt makes the file when it
// grows it: bbolt's 16 MiB made a file up to 16 MiB larger than its pages
// (up to the whole first mapping, 8 MiB, for a small one), for one
// truncate and fsync less per 16 MiB written; a rating adds some 100
// bytes.
const allocSize = 1 << 20

// errPanic marks a panic inside bbolt (a damaged page) turned into an error.
var errPanic = errors.New("panic in bbolt")

func openGuarded(path string, bo *bolt.Options) (db *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			if !isDamage(p) {
				panic(p)
			}
			err = fmt.Errorf("%w: %v", errPanic, p)
		}
	}()
	return bolt.Open(path, 0o600, bo)
}

// checkSchema runs in the first read transaction of every Open.
func checkSchema(tx *bolt.Tx) error {
	path := tx.DB().Path()
	m := tx.Bucket(bucketMeta)
	if m == nil || !bytes.Equal(m.Get(keyFormat), formatMark) {
		return errNotFlash(path, "a bbolt file without flash metadata", nil)
	}
	v := m.Get(keySchema)
	if len(v) != 8 {
		return errNotFlash(path, "bad schema version record", nil)
	}
	n := binary.BigEndian.Uint64(v)
	if n > SchemaVersion {
		return &dbError{
			msg:  fmt.Sprintf("database %s has schema version %d, but this flash reads up to version %d: use a newer flash", path, n, SchemaVersion),
			kind: ErrNewerSchema,
		}
	}
	if n < 1 {
		return errNotFlash(path, fmt.Sprintf("bad schema version %d", n), nil)
	}
	if m.Get(keyMoved) != nil {
		return errMoved
	}
	buckets := allBuckets
	switch n {
	case 1:
		buckets = bucketsV1
	case 3:
		buckets = bucketsV3
	}
	for _, name := range buckets {
		if tx.Bucket(name) == nil {
			return errNotFlash(path, fmt.Sprintf("bucket %q is missing", name), nil)
		}
	}
	switch n {
	case 1:
		return errOldSchema
	case 2:
		return errSchema2
	case 3:
		return errSchema3
	}
	return nil
}

// initSchema creates all buckets and the meta records in a new file.
func initSchema(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucket(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	m := tx.Bucket(bucketMeta)
	if err := m.Put(keyFormat, formatMark); err != nil {
		return err
	}
	if err := m.Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion)); err != nil {
		return err
	}
	return m.Put(keyUndone, make([]byte, 8))
}

// create builds a new database next to path and links it into place. If
// another process created path meanwhile, its file wins and is opened.
func create(path string) error {
	dr, err := newDraft(path)
	if err != nil {
		return err
	}
	defer dr.Close()
	if err := dr.update(initSchema); err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	// Not linked: someone else's new file, which Open checks.
	if _, err := dr.link(); err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	return nil
}

// syncFile flushes the file at path to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// mkdirAll makes dir and the folders above it that are missing, with mode
// perm, like os.MkdirAll, and syncs the parent of each folder it makes: a
// new folder's name survives a power cut only once its parent is synced.
func mkdirAll(dir string, perm fs.FileMode) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		return &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirAll(parent, perm); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, perm); err != nil {
		if fi, serr := os.Stat(dir); serr == nil && fi.IsDir() {
			return nil // made meanwhile by another process
		}
		return err
	}
	return safefile.SyncDir(parent)
}

// Close releases the file and its lock. It waits for running transactions.
func (s *Store) Close() error {
	var ferr error
	if s.unsyncedFreelist.Load() || s.pend.len() > 0 {
		// freeListAtClose: the commit that moves the pending cards'
		// index entries (deferIndex) writes the list.
		s.db.NoFreelistSync = false
		ferr = s.update(func(tx *bolt.Tx) error { return flushIndex(tx, &s.pend) })
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", s.path, err)
	}
	if ferr != nil {
		return fmt.Errorf("close database %s: move due index entries and write the list of free pages (every change is saved; the next open rebuilds the index and the list): %w", s.path, ferr)
	}
	return nil
}

// Path returns the file name the Store was opened with.
func (s *Store) Path() string { return s.path }

// view runs fn in a read transaction, turning a bbolt panic on a damaged
// page (or a fault reading past the end of a shrunken file) into an error.
func (s *Store) view(fn func(*bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer s.recoverDamage(&err)
	return s.db.View(fn)
}

// update runs fn in a read-write transaction; bbolt rolls it back when fn
// returns an error or panics, so nothing of it is written.
func (s *Store) update(fn func(*bolt.Tx) error) (err error) {
	if s.readOnly {
		return fmt.Errorf("database %s is open read-only", s.path)
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { s.pend.done(err == nil) }() // after recoverDamage sets err
	defer s.recoverDamage(&err)
	s.unsyncedFreelist.Store(s.db.NoFreelistSync)
	return s.db.Update(fn)
}

// recoverDamage, deferred by a transaction, turns a panic that means a
// damaged file (isDamage) into an error; any other panic is a bug in flash
// and goes on.
func (s *Store) recoverDamage(err *error) {
	if p := recover(); p != nil {
		if !isDamage(p) {
			panic(p)
		}
		*err = errNotFlash(s.path, "reading it failed", fmt.Errorf("%w: %v", errPanic, p))
	}
}

// Setting returns the value stored under key and whether there is one.
func (s *Store) Setting(key string) (string, bool, error) {
	var v string
	var ok bool
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSettings).Get([]byte(key))
		v, ok = string(b), b != nil
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("read setting %q: %w", key, err)
	}
	return v, ok, nil
}

// SetSetting stores value under key in one committed transaction. A
// change of a setting that is not a cache setting drops every cache
// setting (see CacheKey); storing the value a key already has changes
// nothing.
func (s *Store) SetSetting(key, value string) error {
	if key == "" {
		return errors.New("set setting: empty key")
	}
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSettings)
		if old := b.Get([]byte(key)); old != nil && string(old) == value {
			return nil
		}
		if !isCacheKey(key) {
			if err := dropCaches(tx, ""); err != nil {
				return err
			}
		}
		return b.Put([]byte(key), []byte(value))
	})
	if err != nil {
		return fmt.Errorf("set setting %q: %w", key, err)
	}
	return nil
}

// DeleteSetting removes the value stored under key in one committed
// transaction, and with a setting that is not a cache setting every cache
// setting. Deleting a key that has no value is not an error.
func (s *Store) DeleteSetting(key string) error {
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSettings)
		if b.Get([]byte(key)) == nil {
			return nil
		}
		if !isCacheKey(key) {
			if err := dropCaches(tx, ""); err != nil {
				return err
			}
		}
		return b.Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("delete setting %q: %w", key, err)
	}
	return nil
}

// Backup writes a consistent copy of the whole database to w from one read
// transaction (writers are not blocked) and returns the bytes written. The
// copy opens as a flash database.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("back up database %s: %w", s.path, err)
	}
	return n, nil
}

// Check verifies flash's own records and then bbolt's page structure: every
// card state decodes and has content, every log entry decodes, the review
// count matches, then tx.Check. It reads the whole file in one read
// transaction and returns every problem found, joined, or nil.
func (s *Store) Check() error {
	var errs []error
	err := s.viewPending(func(tx *bolt.Tx, pend map[string]string, all bool) error {
		// Walk everything here first, where a panic on a broken page is
		// recovered; bbolt's Check runs in its own goroutine and would
		// crash the process on the same page.
		errs = append(errs, checkRecords(tx, pend, all)...)
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("check database %s: %w", s.path, errors.Join(errs...))
	}
	return nil
}

// checkRecords is Check's own part, in tx; pend and all are what
// viewPending gives.
func checkRecords(tx *bolt.Tx, pend map[string]string, all bool) []error {
	var errs []error
	err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error { return nil })
	})
	if err != nil {
		errs = append(errs, err)
	}
	// Every state decodes and has content, card numbers are unique within
	// their deck and below the deck's next number, and the due index
	// holds exactly the entries the states call for, or for a card pending
	// a move (deferIndex), the entries it had then. A file whose index a
	// process that died left stale (keyStale, and all set) is not checked
	// against it: the next read-write open rebuilds it.
	content := tx.Bucket(bucketContent)
	due := tx.Bucket(bucketDue)
	decks := map[string]deckNumbers{}
	seen := map[cardNum]string{}
	wantIdx := 0
	err = tx.Bucket(bucketState).ForEach(func(k, v []byte) error {
		dk, ck, ok := splitCardKey(k)
		if !ok {
			errs = append(errs, fmt.Errorf("state key %q: bad card key", k))
			return nil
		}
		cs := CardState{Deck: string(dk), ID: string(ck)}
		num, err := decodeState(&cs, v, nil)
		if err != nil {
			errs = append(errs, fmt.Errorf("state %q: %w", k, err))
			return nil
		}
		d, ok := decks[cs.Deck]
		if !ok {
			if d, err = numbersOf(tx, cs.Deck); err != nil || !d.registered {
				errs = append(errs, fmt.Errorf("deck %s: no number (%v)", cs.Deck, err))
			}
			decks[cs.Deck] = d
		}
		n := cardNum{d.num, num}
		if other, dup := seen[n]; dup || num == 0 || num >= d.next {
			errs = append(errs, fmt.Errorf("state %q: card number %d taken by %q or out of range", k, num, other))
		}
		seen[n] = string(k)
		mid, pending := pend[string(k)]
		switch {
		case all: // not checked against the index (see above)
		case pending:
			err := pendingKeys(k, []byte(mid), func(ik []byte) error {
				wantIdx++
				if due.Get(ik) == nil {
					errs = append(errs, fmt.Errorf("state %q: pending due index entry %q missing", k, ik))
				}
				return nil
			})
			if err != nil {
				errs = append(errs, err)
			}
		default:
			for _, ik := range dueKeys(nil, &cs) {
				wantIdx++
				if iv := due.Get(ik); iv == nil {
					errs = append(errs, fmt.Errorf("state %q: due index entry %q missing", k, ik))
				} else if len(iv) > 0 && !bytes.Equal(iv, v) {
					// Empty, or a copy of the state (written before
					// entries were empty).
					errs = append(errs, fmt.Errorf("state %q: due index entry %q holds another state", k, ik))
				}
			}
		}
		if c := content.Get(k); c == nil {
			errs = append(errs, fmt.Errorf("state %q: no content", k))
		} else if err := decodeContent(new(deck.Card), cs.ID, c); err != nil {
			errs = append(errs, fmt.Errorf("content %q: %w", k, err))
		}
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	if n := due.Stats().KeyN; n != wantIdx && !all {
		errs = append(errs, fmt.Errorf("due index holds %d entries, the states call for %d", n, wantIdx))
	}
	// Every log entry decodes and names a card; the day counts agree.
	var n uint64
	var r Review
	days := map[string][2]uint64{}
	err = tx.Bucket(bucketLog).ForEach(func(k, v []byte) error {
		n++
		cn, err := decodeReview(&r, k, v)
		if err != nil {
			errs = append(errs, fmt.Errorf("log entry %x: %w", k, err))
			return nil
		}
		if _, ok := seen[cn]; !ok {
			errs = append(errs, fmt.Errorf("log entry %x: no card numbered %d in deck %d", k, cn.card, cn.deck))
		}
		dk := string(dayKey(cn.deck, hourOf(r.At.UnixNano())))
		c := days[dk]
		switch r.Before.State {
		case fsrs.New:
			c[0]++
		case fsrs.Review:
			c[1]++
		default:
			return nil
		}
		days[dk] = c
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	if c := reviewCount(tx); c != n {
		errs = append(errs, fmt.Errorf("review count says %d, log holds %d", c, n))
	}
	dayb := tx.Bucket(bucketDays)
	for k := range days { // only the counts kept
		d, h := binary.BigEndian.Uint32([]byte(k)), int64(binary.BigEndian.Uint64([]byte(k[4:]))^1<<63)
		if from, err := countsFrom(dayb, d); err != nil {
			errs = append(errs, err)
		} else if h < from {
			delete(days, k)
		}
	}
	err = dayb.ForEach(func(k, v []byte) error {
		if len(k) == 12 && binary.BigEndian.Uint64(k[4:]) == 0 {
			return nil // where the deck's counts start
		}
		nn, p := uv(v, 0)
		rr, p := uv(v, p)
		if want := days[string(k)]; p != len(v) || want != [2]uint64{nn, rr} {
			errs = append(errs, fmt.Errorf("day count %x says %d new, %d reviews; the log %d, %d", k, nn, rr, want[0], want[1]))
		}
		delete(days, string(k))
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	for k, c := range days {
		errs = append(errs, fmt.Errorf("day count %x missing (the log: %d new, %d reviews)", k, c[0], c[1]))
	}
	return errs
}
