package main

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
	"strings"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
)

func cmdImport(fs *flags.FlagSet, e *env) func([]string) error {
	dry := fs.Bool("dry-run", false, "print the plan and write nothing")
	builtin := fs.Bool("builtin", false, "import this flash's built-in deck (again): it then follows the built-in deck, fixes included")
	return func(pos []string) error {
		switch {
		case *builtin && len(pos) > 0:
			return usagef("import: --builtin takes no file, got %q", pos[0])
		case *builtin:
			return importSource(e, "the built-in deck", deck.BuiltinSource(), *dry)
		case len(pos) != 1:
			return usagef("import: want one deck file, got %d arguments", len(pos))
		}
		data, err := readDeckFile(pos[0])
		if err != nil {
			return err
		}
		return importSource(e, pos[0], data, *dry)
	}
}

// importSource imports the deck file name holding data and reports what
// changed: the cards, the options, and whether the deck follows the
// built-in deck.
func importSource(e *env, name string, data []byte, dry bool) (err error) {
	// Into a database that does not exist yet, the import builds it whole
	// (storage.Draft): its file is made while the deck is parsed, the one
	// mostly a wait for the disk, the other work for the processors.
	path, pathErr := e.dbPath()
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
	go func() { hashed <- hashBytes(data) }()
	// data stays as it is: the deck may share it rather than a copy.
	d, err := deck.ParseShared(name, data)
	if err != nil {
		if draft != nil {
			if r := <-draft; r.err == nil {
				r.dr.Close()
			}
			removeMade(path, made)
		}
		return err
	}
	if pathErr != nil {
		return pathErr
	}
	// A file byte for byte the same as the built-in deck is the built-in
	// deck: it keeps following it.
	hash := <-hashed
	src := storage.Source{Hash: hash, Builtin: hash == hashBytes(deck.BuiltinSource())}
	if draft != nil {
		plan, err := importNew(<-draft, name, d, src, e.now())
		switch {
		case err == nil:
			printPlan(e.stdout, plan, false)
			if d.ID == deck.Builtin().ID {
				printBuiltinNote(e.stdout, nil, d.ID, name, src.Builtin, false)
			}
			return nil // a new database holds no exam: no plan to save
		case !errors.Is(err, fs.ErrExist):
			removeMade(path, made)
			return err
		}
		made = missingFrom(path) // another flash made the database meanwhile
	}
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		return err
	}
	defer func() {
		st.Close()
		if made != "" && (err != nil || dry) {
			// The database did not exist: a refused import or a dry
			// run leaves nothing behind, not even its folders.
			removeMade(path, made)
		}
	}()
	decks, err := st.Decks()
	if err != nil {
		return err
	}
	var old *storage.DeckInfo
	for i := range decks {
		if decks[i].ID == d.ID {
			old = &decks[i]
		}
	}
	plan, err := st.Import(d, src, e.now(), dry)
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	printPlan(e.stdout, plan, dry)
	if old != nil {
		printDeckChanges(e.stdout, *old, d, dry)
	}
	if d.ID == deck.Builtin().ID {
		printBuiltinNote(e.stdout, old, d.ID, name, src.Builtin, dry)
	}
	if dry {
		fmt.Fprintln(e.stdout, "nothing was written")
		return nil
	}
	savePlans(e, st, d.ID)
	return nil
}

// savePlans saves again the exam plans of the day and the days ahead of
// the decks ids (session.SavePlan; nothing for a deck without an exam)
// after a command changed what they are made from and so dropped them
// (an import, new weights, an unsuspended card), so that the next review
// reads its plan instead of making it. What the command did is stored
// already: a failure here is only a warning.
func savePlans(e *env, st *storage.Store, ids ...string) {
	decks, err := st.Decks()
	for _, id := range ids {
		if err == nil {
			err = session.SavePlan(st, decks, id, e.now())
		}
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "flash: warning:", err)
	}
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

// printDeckChanges reports a changed title and changed [options]:
// "options: desired_retention 0.9 → 0.85".
func printDeckChanges(w io.Writer, old storage.DeckInfo, d *deck.Deck, dry bool) {
	prefix := ""
	if dry {
		prefix = "dry run: "
	}
	if old.Title != d.Title {
		fmt.Fprintf(w, "%stitle: %q → %q\n", prefix, old.Title, d.Title)
	}
	if ch := deck.OptionChanges(old.Options, d.Options); len(ch) > 0 {
		fmt.Fprintf(w, "%soptions: %s\n", prefix, strings.Join(ch, ", "))
	}
}

// printBuiltinNote says whether the deck with the built-in deck's id
// follows the built-in deck: a newer flash updates such a deck with its
// fixes (keeping history), but not one imported from another file, which
// would otherwise stop getting them without a word.
func printBuiltinNote(w io.Writer, old *storage.DeckInfo, id, name string, builtin, dry bool) {
	follows := "follows"
	if dry {
		follows = "would follow"
	}
	switch {
	case builtin && (old == nil || !old.Builtin):
		fmt.Fprintf(w, "%s: this is the built-in deck; the deck %s it again, and a newer flash's fixes to it arrive by themselves\n", id, follows)
	case builtin:
		// It was and stays the built-in deck: nothing to say.
	case old == nil || old.Builtin:
		fmt.Fprintf(w, "note: %s is the built-in deck's id; the deck %s %s from now on, and a newer flash's fixes to the built-in deck will not arrive (flash import --builtin goes back to it, history kept)\n", id, follows, name)
	}
}

// readDeckFile reads a deck file, refusing one over deck.MaxSize without
// reading it all.
func readDeckFile(name string) ([]byte, error) {
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

func hashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// printPlan prints the counts of an import, and for a dry run the ids
// behind every count that changes something.
func printPlan(w io.Writer, p storage.Plan, dry bool) {
	prefix := ""
	if dry {
		prefix = "dry run: "
	}
	fmt.Fprintf(w, "%s%s: %d added, %d updated, %d unchanged, %d retired, %d restored\n",
		prefix, p.Deck, len(p.Added), len(p.Updated), len(p.Unchanged), len(p.Retired), len(p.Restored))
	if !dry {
		return
	}
	for _, g := range []struct {
		name string
		ids  []string
	}{{"add", p.Added}, {"update", p.Updated}, {"retire", p.Retired}, {"restore", p.Restored}} {
		if len(g.ids) > 0 {
			fmt.Fprintf(w, "  %s: %s\n", g.name, idList(g.ids, planIDs))
		}
	}
}

// planIDs is how many ids of each kind a dry run lists before it counts the
// rest: enough to check an edit, not a wall of text for a 10k-card deck.
const planIDs = 20

// idList joins ids, listing at most max of them and counting the rest.
func idList(ids []string, max int) string {
	if len(ids) <= max {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s … and %d more", strings.Join(ids[:max], ", "), len(ids)-max)
}

// ensureDeck imports the built-in deck when the database holds no deck, and
// upgrades the stored copy of the built-in deck while it came from the
// binary itself and the binary now carries a different one. It returns the
// decks in the store.
func ensureDeck(st *storage.Store, now time.Time, log io.Writer) ([]storage.DeckInfo, error) {
	decks, err := st.Decks()
	if err != nil {
		return nil, err
	}
	// Parse the built-in deck only when it may be imported: a session
	// on a database that has its decks starts without it.
	hash := hashBytes(deck.BuiltinSource())
	need := len(decks) == 0
	for _, info := range decks {
		if info.Builtin && info.SourceHash != hash && info.ID == deck.Builtin().ID {
			need = true
		}
	}
	if !need {
		return decks, nil
	}
	d := deck.Builtin()
	plan, err := st.Import(d, storage.Source{Builtin: true, Hash: hash}, now, false)
	if err != nil {
		return nil, fmt.Errorf("import the built-in deck: %w", err)
	}
	if len(decks) == 0 {
		fmt.Fprintf(log, "flash: imported the built-in deck %q (%d cards) into %s\n", d.ID, len(plan.Added), st.Path())
	} else {
		fmt.Fprintf(log, "flash: updated the built-in deck %q: %d added, %d updated, %d retired\n",
			d.ID, len(plan.Added), len(plan.Updated), len(plan.Retired))
	}
	return st.Decks()
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
