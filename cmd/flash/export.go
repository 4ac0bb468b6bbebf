package main

import (
	"bufio"
	"fmt"
	"github.com/flash-srs/flash/cmd/flash/internal/show"
	"os"
	"strconv"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/optimize"
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/safefile"
)

// revlogHeader is the header of the FSRS optimizer's revlog.csv
// (github.com/open-spaced-repetition/fsrs-optimizer, "Review Logs Schema").
const revlogHeader = "card_id,review_time,review_rating,review_state,review_duration\n"

func cmdExport(fs *flags.FlagSet, e *env) func([]string) error {
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
		if err := safefile.Check(name, safefile.Options{Force: force, Protect: []string{path}}); err != nil {
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
			err = safefile.Write(revlog, safefile.Options{Force: force, Protect: []string{path}}, func(f *os.File) error {
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
		fmt.Fprintf(report, "wrote %d review%s to %s\n", n, show.Plural(n), displayName(revlog))
	}
	if backup != "" {
		size, err := st.WriteBackup(backup, safefile.Options{Force: force}, true)
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

// revlogCardID is the card_id of the revlog CSV (optimize.CardID).
func revlogCardID(deckID, cardID string) uint64 { return optimize.CardID(deckID, cardID) }

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
		buf = strconv.AppendInt(buf, scheduler.AnswerTime(r.Duration).Milliseconds(), 10)
		buf = append(buf, '\n')
		n++
		_, err := w.Write(buf)
		return err
	})
	return n, err
}
