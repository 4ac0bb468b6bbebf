package main

import (
	"bufio"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/flash-srs/flash/storage"
	"github.com/spf13/pflag"
)

// revlogHeader is the header of the FSRS optimizer's revlog.csv
// (github.com/open-spaced-repetition/fsrs-optimizer, "Review Logs Schema").
const revlogHeader = "card_id,review_time,review_rating,review_state,review_duration\n"

func cmdExport(fs *pflag.FlagSet, e *env) func([]string) error {
	revlog := fs.String("revlog", "", "write the review log as CSV for the FSRS optimizer to `FILE.csv` (- for stdout)")
	backup := fs.String("backup", "", "write a consistent copy of the database to `FILE.db`")
	force := fs.Bool("force", false, "overwrite existing files")
	return func(pos []string) error {
		if len(pos) > 0 {
			return usagef("export: unexpected argument %q", pos[0])
		}
		return export(e, *revlog, *backup, *force)
	}
}

func export(e *env, revlog, backup string, force bool) error {
	if revlog == "" && backup == "" {
		return usagef("export: nothing to do; give --revlog FILE.csv and/or --backup FILE.db")
	}
	path, err := e.dbPath()
	if err != nil {
		return err
	}
	// Refuse before doing any work.
	for _, name := range []string{revlog, backup} {
		if name == "" || name == "-" {
			continue
		}
		if err := checkTarget(name, path, force); err != nil {
			return err
		}
	}
	st, err := storage.Open(path, storage.Options{ReadOnly: true, Populate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	report := e.stdout
	if revlog == "-" {
		report = e.stderr
	}
	if revlog != "" {
		var n int
		if revlog == "-" {
			w := bufio.NewWriterSize(e.stdout, 64<<10)
			if n, err = writeRevlog(w, st); err == nil {
				err = w.Flush()
			}
		} else {
			err = writeFileAtomic(revlog, force, 0o644, func(f *os.File) error {
				w := bufio.NewWriterSize(f, 64<<10)
				var err error
				if n, err = writeRevlog(w, st); err != nil {
					return err
				}
				return w.Flush()
			})
		}
		if err != nil {
			return fmt.Errorf("export review log: %w", err)
		}
		fmt.Fprintf(report, "wrote %d review%s to %s\n", n, plural(n), displayName(revlog))
	}
	if backup != "" {
		size, err := writeBackup(backup, st, force, true)
		if err != nil {
			return err
		}
		fmt.Fprintf(report, "backed up %s to %s (%d bytes)\n", path, backup, size)
	}
	return nil
}

func displayName(name string) string {
	if name == "-" {
		return "stdout"
	}
	return name
}

// checkTarget refuses an output file that exists (unless force) or that is
// the database itself.
func checkTarget(name, db string, force bool) error {
	fi, err := os.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if dbi, err := os.Stat(db); err == nil && os.SameFile(fi, dbi) {
		return fmt.Errorf("%s is the database itself; choose another file", name)
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory", name)
	}
	if !force {
		return fmt.Errorf("%s already exists; use --force to overwrite it", name)
	}
	return nil
}

// revlogCardID is the card_id of the revlog CSV: the 64-bit FNV-1a hash of
// the card key "deck/card" (UTF-8) with the top 11 bits cleared, so that it
// is a positive integer below 2^53 that survives float64 and JavaScript
// numbers. It is stable for a card across exports and databases.
func revlogCardID(deckID, cardID string) uint64 {
	h := fnv.New64a()
	io.WriteString(h, deckID)
	io.WriteString(h, "/")
	io.WriteString(h, cardID)
	return h.Sum64() & (1<<53 - 1)
}

// writeRevlog writes the whole review log in time order as the FSRS
// optimizer's revlog CSV and returns the number of rows.
//
//	card_id          revlogCardID of the card
//	review_time      milliseconds since the Unix epoch (UTC)
//	review_rating    1 Again, 2 Hard, 3 Good, 4 Easy
//	review_state     the card's state before the review: 0 New, 1 Learning,
//	                 2 Review, 3 Relearning
//	review_duration  answer time in milliseconds
func writeRevlog(w *bufio.Writer, st *storage.Store) (int, error) {
	if _, err := w.WriteString(revlogHeader); err != nil {
		return 0, err
	}
	n := 0
	var buf []byte
	var lastDeck, lastCard string
	var id uint64
	err := st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error {
		if r.Deck != lastDeck || r.Card != lastCard || n == 0 {
			lastDeck, lastCard = r.Deck, r.Card
			id = revlogCardID(r.Deck, r.Card)
		}
		buf = strconv.AppendUint(buf[:0], id, 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, r.At.UnixMilli(), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(r.Rating), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(r.Before.State), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, max(r.Duration.Milliseconds(), 0), 10)
		buf = append(buf, '\n')
		n++
		_, err := w.Write(buf)
		return err
	})
	return n, err
}

// writeBackup copies the database into name through a temporary file that
// is synced, opened as a flash database and found to hold the whole review
// log before it takes name's place; deepCheck also reads every record of
// the copy (slow and memory-hungry on a large database, so the automatic
// daily backup on the rating path leaves it out: bbolt's WriteTo copies one
// consistent transaction). It returns the size of the copy.
func writeBackup(name string, st *storage.Store, force, deepCheck bool) (int64, error) {
	var size int64
	want, err := st.ReviewCount()
	if err != nil {
		return 0, err
	}
	err = writeFileAtomic(name, force, 0o600, func(f *os.File) error {
		var err error
		if size, err = st.Backup(f); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		cp, err := storage.Open(f.Name(), storage.Options{ReadOnly: true})
		if err != nil {
			return fmt.Errorf("the copy does not open: %w", err)
		}
		defer cp.Close()
		if deepCheck {
			if err := cp.Check(); err != nil {
				return fmt.Errorf("the copy does not check: %w", err)
			}
		}
		if got, err := cp.ReviewCount(); err != nil || got != want {
			return fmt.Errorf("the copy holds %d reviews, the database %d (%v)", got, want, err)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("back up to %s: %w", name, err)
	}
	return size, nil
}

// writeFileAtomic writes name through a temporary file in the same folder,
// with mode perm, that takes name's place once written and synced. Without
// force an existing name is never replaced (the temporary file is linked,
// not renamed, into place). On error name is untouched.
func writeFileAtomic(name string, force bool, perm os.FileMode, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a rename this fails harmlessly
	err = f.Chmod(perm)
	if err == nil {
		err = write(f)
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
	if force {
		return os.Rename(tmp, name)
	}
	if err := os.Link(tmp, name); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; use --force to overwrite it", name)
		}
		// No hard links on this file system: a last look, then rename.
		if _, serr := os.Lstat(name); serr == nil {
			return fmt.Errorf("%s already exists; use --force to overwrite it", name)
		}
		return os.Rename(tmp, name)
	}
	return nil
}
