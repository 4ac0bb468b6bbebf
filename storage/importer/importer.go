// Package importer brings deck files into a flash database: `flash
// import` (a file, or the built-in deck again) and the built-in deck that
// every command puts into an empty database or brings up to date. It
// joins the deck format (deck) and the database (storage) and writes
// nothing but the database; what to print about it is the caller's.
package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage"
)

// ReadFile reads a deck file, refusing one over deck.MaxSize without
// reading it all.
func ReadFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a deck file", name)
	}
	// Read at most one byte past the limit (deck.Parse refuses the file
	// then), into a buffer of the file's size: io.ReadAll would grow one
	// from 512 bytes, copying and clearing a large deck many times over.
	const limit = deck.MaxSize + 1
	buf := bytes.NewBuffer(make([]byte, 0, min(max(fi.Size(), 0), limit)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, limit)); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// Hash is the hash of a deck file that storage.Source records: the hex
// SHA-256 of its bytes.
func Hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Result is what Import did, for the caller to report.
type Result struct {
	Deck   *deck.Deck
	Plan   storage.Plan
	Source storage.Source    // Source.Builtin: the file is byte for byte the built-in deck
	Old    *storage.DeckInfo // the deck as it was stored before; nil for a new deck
	New    bool              // the import built a new database
}

// Import parses data, the deck file name, and imports it into the
// database at the path dbPath gives (a parse error is reported before a
// path error). A dry run computes the plan and writes nothing. Into a
// database that does not exist yet, the import builds it whole
// (storage.Draft) while the deck is parsed, the one mostly a wait for the
// disk, the other work for the processors; a refused import or a dry run
// leaves nothing behind, not even the folders it would have made. after,
// when not nil, runs with the store still open once an import into an
// existing database is stored (not for a dry run).
func Import(dbPath func() (string, error), name string, data []byte, now time.Time, dry bool, after func(*storage.Store, *deck.Deck)) (res *Result, err error) {
	path, pathErr := dbPath()
	var made string
	if pathErr == nil {
		made = missingFrom(path)
	}
	var draft chan draftOrErr
	if made != "" && !dry {
		draft = make(chan draftOrErr, 1)
		go func() {
			dr, err := storage.Create(path)
			draft <- draftOrErr{dr, err}
		}()
	}
	// The file's hash, taken while the deck is parsed (a 5 MB file takes
	// 3 ms): the parse leaves one processor idle at times.
	hashed := make(chan string, 1)
	go func() { hashed <- Hash(data) }()
	// data stays as it is: the deck may share it rather than a copy.
	d, err := deck.ParseShared(name, data)
	if err != nil {
		if draft != nil {
			if r := <-draft; r.err == nil {
				r.dr.Close()
			}
			removeMade(path, made)
		}
		return nil, err
	}
	if pathErr != nil {
		return nil, pathErr
	}
	// A file byte for byte the same as the built-in deck is the built-in
	// deck: it keeps following it.
	hash := <-hashed
	res = &Result{Deck: d, Source: storage.Source{Hash: hash, Builtin: hash == Hash(deck.BuiltinSource())}}
	if draft != nil {
		res.Plan, err = importNew(<-draft, name, d, res.Source, now)
		switch {
		case err == nil:
			res.New = true
			return res, nil // a new database holds no exam: no plan to save
		case !errors.Is(err, fs.ErrExist):
			removeMade(path, made)
			return nil, err
		}
		made = missingFrom(path) // another flash made the database meanwhile
	}
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		return nil, err
	}
	defer func() {
		st.Close()
		if made != "" && (err != nil || dry) {
			removeMade(path, made)
		}
	}()
	decks, err := st.Decks()
	if err != nil {
		return nil, err
	}
	for i := range decks {
		if decks[i].ID == d.ID {
			res.Old = &decks[i]
		}
	}
	if res.Plan, err = st.Import(d, res.Source, now, dry); err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	if !dry && after != nil {
		after(st, d)
	}
	return res, nil
}

// draftOrErr is what storage.Create returned.
type draftOrErr struct {
	dr  *storage.Draft
	err error
}

// importNew imports d into a new database, built whole under a temporary
// name and linked at its path when complete (storage.Draft), and closes
// the draft. Its errors read as those of storage.Open and of an import
// into what it opened; one wrapping fs.ErrExist means that a database
// appeared at the path meanwhile, and nothing was written.
func importNew(r draftOrErr, name string, d *deck.Deck, src storage.Source, now time.Time) (storage.Plan, error) {
	if r.err != nil {
		return storage.Plan{}, r.err
	}
	defer r.dr.Close()
	plan, err := r.dr.Import(d, src, now)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return plan, fmt.Errorf("import %s: %w", name, err)
	}
	return plan, err
}

// missingFrom returns the outermost of path and its folders that does not
// exist yet ("" when path exists): what opening a new database at path
// creates.
func missingFrom(path string) string {
	made := ""
	for p := path; ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return made
		}
		made = p
		if filepath.Dir(p) == p {
			return made
		}
	}
}

// removeMade removes path and the folders up to made that opening it
// created; a folder that is not empty (something else was put there
// meanwhile) stays.
func removeMade(path, made string) {
	os.Remove(path)
	for p := filepath.Dir(path); p != filepath.Dir(made) && len(p) >= len(made); p = filepath.Dir(p) {
		if os.Remove(p) != nil {
			return
		}
	}
}

// BuiltinID is the id of the built-in deck (deck.Builtin().ID, which
// TestBuiltinID checks), known without parsing the embedded deck:
// NeedBuiltin runs on every stats and the parse took 5-25 ms of it.
const BuiltinID = "ml-papers"

// NeedBuiltin reports whether EnsureBuiltin would write: no deck at all,
// or a stored built-in deck that the binary's own differs from.
func NeedBuiltin(decks []storage.DeckInfo) bool {
	if len(decks) == 0 {
		return true
	}
	for _, d := range decks {
		// The embedded deck is hashed only when the database holds it.
		if d.ID == BuiltinID && d.Builtin && d.SourceHash != Hash(deck.BuiltinSource()) {
			return true
		}
	}
	return false
}

// BuiltinChange is what EnsureBuiltin imported.
type BuiltinChange struct {
	Deck  *deck.Deck
	Plan  storage.Plan
	First bool // the database held no deck: the built-in deck is its first
}

// EnsureBuiltin imports the built-in deck when st holds no deck, and
// upgrades the stored copy of the built-in deck while it came from the
// binary itself and the binary now carries a different one. It returns
// the decks in st and what it imported (nil when nothing).
func EnsureBuiltin(st *storage.Store, now time.Time) ([]storage.DeckInfo, *BuiltinChange, error) {
	decks, err := st.Decks()
	if err != nil {
		return nil, nil, err
	}
	// Parse the built-in deck only when it may be imported: a session
	// on a database that has its decks starts without it.
	hash := Hash(deck.BuiltinSource())
	need := len(decks) == 0
	for _, info := range decks {
		if info.Builtin && info.SourceHash != hash && info.ID == deck.Builtin().ID {
			need = true
		}
	}
	if !need {
		return decks, nil, nil
	}
	d := deck.Builtin()
	plan, err := st.Import(d, storage.Source{Builtin: true, Hash: hash}, now, false)
	if err != nil {
		return nil, nil, fmt.Errorf("import the built-in deck: %w", err)
	}
	ch := &BuiltinChange{Deck: d, Plan: plan, First: len(decks) == 0}
	if decks, err = st.Decks(); err != nil {
		return nil, nil, err
	}
	return decks, ch, nil
}
