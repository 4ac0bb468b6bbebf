package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/flash-srs/flash/deck"
)

// A Draft is a new database under construction: a file under a temporary
// name in the folder of its path, which only Import links at the path, and
// only once it is complete and on disk. No one else sees the file before
// then, so its commits need no sync of their own: one sync before the link
// makes it all durable, and a failure or a crash anywhere before the link
// leaves nothing at the path.
type Draft struct {
	db        *bolt.DB
	path, tmp string
	used      bool // Import was called
	// pages gathers each commit's pages into large writes, when bbolt
	// took it (nil when not: bbolt writes them itself).
	pages *runWriter
}

// Create starts a new database at path, making the folders it needs as
// Open does, and failing as Open fails to create one. It returns an error
// wrapping fs.ErrExist when something is at path already: then Open it.
// Import fills the draft and links it at path; Close removes what it left.
func Create(path string) (*Draft, error) {
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, &dbError{msg: fmt.Sprintf("database %s exists", path), kind: fs.ErrExist}
	}
	removeStaleDrafts(path)
	dr, err := newDraft(path)
	if err != nil {
		return nil, err
	}
	if err := dr.update(initSchema); err != nil {
		dr.Close()
		return nil, fmt.Errorf("create database %s: %w", path, err)
	}
	return dr, nil
}

// newDraft makes the folders of path (0700) and an empty bbolt file beside
// it under a temporary name (0600).
func newDraft(path string) (*Draft, error) {
	dir := filepath.Dir(path)
	if err := mkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create database %s: %w", path, unwrapPathErr(err))
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return nil, fmt.Errorf("create database %s: %w", path, unwrapPathErr(err))
	}
	dr := &Draft{path: path, tmp: f.Name()}
	err = f.Chmod(0o600)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dr.tmp)
		return nil, fmt.Errorf("create database %s: %w", path, unwrapPathErr(err))
	}
	// NoGrowSync: bbolt neither syncs nor truncates the file ahead when it
	// grows; the writes extend it. The first mapping is Open's, which a
	// large import fits in.
	var file *os.File
	openFile := func(name string, flag int, perm fs.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	dr.db, err = bolt.Open(dr.tmp, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true, NoGrowSync: true, InitialMmapSize: initialMmap, OpenFile: openFile})
	if err != nil {
		os.Remove(dr.tmp)
		return nil, fmt.Errorf("create database %s: %w", path, err)
	}
	if w := (&runWriter{f: file}); file != nil && hookWrites(dr.db, w) {
		dr.pages = w
	}
	return dr, nil
}

// update runs fn in a write transaction and writes what it committed.
func (dr *Draft) update(fn func(*bolt.Tx) error) error {
	err := dr.db.Update(fn)
	if dr.pages != nil {
		if ferr := dr.pages.flush(); err == nil {
			err = ferr
		}
	}
	return err
}

// removeStaleDrafts removes the files that drafts for path left behind
// when their process was killed before Close (a SIGKILL during a first
// import): those no one holds open as a database (a live draft's bbolt
// holds its file's lock from just after the file is made; a draft whose
// file goes in that moment fails to link, and its import says so). What
// it cannot remove it leaves; it reports nothing.
func removeStaleDrafts(path string) {
	names, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+globEscape(filepath.Base(path))+".new-*"))
	for _, name := range names {
		fi, err := os.Lstat(name)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		removeUnlocked(name)
	}
}

// globEscape quotes the characters filepath.Match treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Close releases the draft; unless Import linked it at its path, its file
// is removed.
func (dr *Draft) Close() error {
	var err error
	if dr.db != nil {
		err = dr.db.Close()
		dr.db = nil
	}
	if rerr := os.Remove(dr.tmp); err == nil && rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("close database %s: %w", dr.path, err)
	}
	return nil
}

// Import imports d into the draft in one transaction, as Store.Import
// does into a new database (the same records, plan and errors), and makes
// the draft the database at its path: it syncs the file, links it at its
// path and syncs the folder. When another file took the path meanwhile,
// it links nothing and returns an error wrapping fs.ErrExist: Open that
// file and import into it. A draft takes one Import.
func (dr *Draft) Import(d *deck.Deck, src Source, now time.Time) (Plan, error) {
	if dr.db == nil || dr.used {
		return Plan{}, fmt.Errorf("import into %s: the draft is closed or used", dr.path)
	}
	dr.used = true
	byID, err := checkDeck(d)
	if err != nil {
		return Plan{}, fmt.Errorf("import into %s: %w", dr.path, err)
	}
	plan, err := dr.fill(d, src, now, byID)
	if err != nil {
		return Plan{}, fmt.Errorf("import %s into %s: %w", d.ID, dr.path, err)
	}
	linked, err := dr.link()
	if err != nil {
		return Plan{}, fmt.Errorf("import %s into %s: %w", d.ID, dr.path, err)
	}
	if !linked {
		return Plan{}, &dbError{msg: fmt.Sprintf("database %s was created meanwhile", dr.path), kind: fs.ErrExist}
	}
	return plan, nil
}

// fill writes the import in two commits: the card text first, which is
// most of the file, so that the disk takes its pages while the states,
// the due index and the deck's record are put and committed (the states
// and index keys encoded while the first commit is made). The second
// commit's pages are synced by link.
func (dr *Draft) fill(d *deck.Deck, src Source, now time.Time, byID []int32) (Plan, error) {
	var plan Plan
	var changes []cardChange
	var order []int32
	var pre preparedStates
	prepared := make(chan struct{})
	err := dr.update(func(tx *bolt.Tx) error {
		var err error
		plan, changes, _, err = planImport(tx, d, func() []string { return contentHashes(d.Cards) }, src)
		if err != nil {
			return err
		}
		order = keyOrder(changes, byID)
		if pre, err = numberNew(tx, d.ID, changes); err != nil {
			return err
		}
		enc := encodeContents(d, changes, true)
		enc.wait()
		// The states are encoded while the card text is put and
		// committed (on one core), for the second commit.
		go func() {
			defer close(prepared)
			pre.encodeStates(changes, order)
		}()
		return putContents(tx, enc, changes, order)
	})
	if err != nil {
		return Plan{}, dr.named(err)
	}
	synced := dr.syncAhead()
	<-prepared
	err = dr.update(func(tx *bolt.Tx) error {
		return putStates(tx, nil, d, src, now, changes, order, &pre)
	})
	if serr := <-synced; err == nil {
		err = serr
	}
	if err != nil {
		return Plan{}, dr.named(err)
	}
	return plan, nil
}

// syncAhead starts syncing what the draft's file holds so far, on
// another goroutine, and returns where its error will be sent. The sync
// link makes after the last commit is the one that makes the draft
// durable; this one only has the disk start early.
func (dr *Draft) syncAhead() <-chan error {
	done := make(chan error, 1)
	if dr.pages == nil {
		done <- nil
		return done
	}
	go func() { done <- dr.pages.f.Sync() }()
	return done
}

// link syncs the draft's file, closes its bbolt handle and moves (or,
// where the file system cannot, links) it to the draft's path, then syncs
// the folder. It reports false when another
// file took the path. Its errors name the draft's path, not the file's.
// The file ends at its last page (bbolt grows it when a later commit
// needs more).
func (dr *Draft) link() (bool, error) {
	var err error
	if dr.pages != nil {
		err = dr.pages.flush() // written after each commit already
		if err == nil {
			// Synced through the descriptor that wrote every page: its
			// sync reports a failed write-back of any of them (one
			// opened later might not see a failure before its opening).
			err = dr.pages.f.Sync()
		}
	}
	if cerr := dr.db.Close(); err == nil {
		err = cerr
	}
	dr.db = nil
	if err == nil && dr.pages == nil {
		err = syncFile(dr.tmp)
	}
	if err != nil {
		return false, dr.named(err)
	}
	// Moved in one step where the file system can (no second name is
	// left if the process dies here), else linked and the temporary name
	// removed by Close; neither replaces a file that appeared at path.
	moved, err := renameNoReplace(dr.tmp, dr.path)
	switch {
	case errors.Is(err, fs.ErrExist):
		return false, nil
	case err != nil:
		return false, unwrapPathErr(err)
	case moved:
	default:
		if ok, err := dr.linkOrRename(); !ok || err != nil {
			return ok, err
		}
	}
	syncDir(filepath.Dir(dr.path))
	return true, nil
}

// linkOrRename puts the synced draft at its path where renameNoReplace
// cannot: a hard link (which fails when something is at path), or where
// there are no hard links a rename after a last look.
func (dr *Draft) linkOrRename() (bool, error) {
	if err := os.Link(dr.tmp, dr.path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		// No hard links here (some FUSE or FAT file systems): rename,
		// after a last look that nothing appeared at path.
		if _, serr := os.Lstat(dr.path); serr == nil {
			return false, nil
		}
		if err := os.Rename(dr.tmp, dr.path); err != nil {
			return false, unwrapPathErr(err)
		}
	}
	return true, nil
}

// named returns err with the draft's file, where an *fs.PathError names
// it, named by the path the file is for.
func (dr *Draft) named(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == dr.tmp {
		pe.Path = dr.path
	}
	return err
}
