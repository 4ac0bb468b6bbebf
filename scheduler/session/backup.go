package session

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage/safefile"
)

// Automatic backups, as Anki makes them: before the first rating of each
// study day the review session writes a consistent copy of the database
// into a folder "backups" beside it (mode 0700), one file per study day
// (mode 0600) named after the database and the local time of the copy,
// flash-2024-01-02T0900.db for flash.db, so that the names sort by time.
// The last backupKeep of them are kept. A backup that fails is reported
// and studying goes on. To restore one, copy it over the database while
// flash is not running.
const (
	// BackupKeep is how many daily backups are kept.
	BackupKeep       = 7
	backupFolder     = "backups"
	backupTimeLayout = "2006-01-02T1504"
)

// DailyBackup makes the backup of the study day before its first rating;
// a session holds one (Session.Backups).
type DailyBackup struct {
	db     string // the database's path
	dir    string // the backups folder
	prefix string // the database's file name without its extension, plus "-"
	keep   int
	write  func(name string) error
	// Warn reports a failed backup; when nil the failure is kept, to be
	// reported later (the review screen owns the terminal): see Failed.
	Warn   func(error)
	failed []error
	day    time.Time // the study day already seen to, zero at first
}

// Failures returns how many backups have failed and were kept for later
// report; it is 0 for a nil *DailyBackup (no backups).
func (b *DailyBackup) Failures() int {
	if b == nil {
		return 0
	}
	return len(b.failed)
}

// Failed returns the failures kept for later report.
func (b *DailyBackup) Failed() []error {
	if b == nil {
		return nil
	}
	return b.failed
}

// NewDailyBackup returns the daily backup of the database at dbPath. write
// makes one backup: a consistent copy of the database, written to the new
// file name (which it must not overwrite) and synced before it returns nil.
func NewDailyBackup(dbPath string, write func(name string) error) *DailyBackup {
	base := filepath.Base(dbPath)
	return &DailyBackup{
		db:     dbPath,
		dir:    filepath.Join(filepath.Dir(dbPath), backupFolder),
		prefix: strings.TrimSuffix(base, filepath.Ext(base)) + "-",
		keep:   BackupKeep,
		write:  write,
	}
}

// Before is called before every rating at t. Once per study day it makes
// sure that day has a backup: the first rating of the day (in this session
// or an earlier one) makes it. It never fails; see Warn.
func (b *DailyBackup) Before(t time.Time) {
	day := scheduler.StudyDay(t)
	if day.Equal(b.day) {
		return
	}
	b.day = day
	if _, err := b.Ensure(t); err != nil {
		err = fmt.Errorf("the daily backup of %s failed (studying goes on): %w", b.db, err)
		if b.Warn != nil {
			b.Warn(err)
		} else {
			b.failed = append(b.failed, err)
		}
	}
}

// Ensure writes the backup of t's study day unless the folder has one,
// then removes all but the last BackupKeep backups. It returns the new
// file's name, "" when there was one already.
func (b *DailyBackup) Ensure(t time.Time) (string, error) {
	names, err := b.list()
	if err != nil {
		return "", err
	}
	start, end := scheduler.StudyDay(t), scheduler.NextStudyDay(t)
	for _, n := range names {
		at, _ := b.parse(n, t.Location())
		if !at.Before(start) && at.Before(end) {
			return "", nil
		}
	}
	if _, err := os.Stat(b.dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(b.dir, 0o700); err != nil {
			return "", err
		}
		// The new folder is durable once its parent is synced.
		if err := safefile.SyncDir(filepath.Dir(b.dir)); err != nil {
			return "", err
		}
	}
	name := b.prefix + t.Format(backupTimeLayout) + ".db"
	if err := b.write(filepath.Join(b.dir, name)); err != nil {
		return "", err
	}
	names = append(names, name)
	slices.Sort(names)
	var errs []error
	for _, old := range names[:max(len(names)-b.keep, 0)] {
		if err := os.Remove(filepath.Join(b.dir, old)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if len(names) > b.keep {
		if err := safefile.SyncDir(b.dir); err != nil {
			errs = append(errs, err)
		}
	}
	return name, errors.Join(errs...)
}

// list returns the names of this database's backups in the folder; none
// when there is no folder yet.
func (b *DailyBackup) list() ([]string, error) {
	ents, err := os.ReadDir(b.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if _, ok := b.parse(e.Name(), time.UTC); ok && e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// parse returns the time in a backup's name, read in loc, and whether
// name is one of this database's backups.
func (b *DailyBackup) parse(name string, loc *time.Location) (time.Time, bool) {
	s, ok := strings.CutPrefix(name, b.prefix)
	if !ok {
		return time.Time{}, false
	}
	if s, ok = strings.CutSuffix(s, ".db"); !ok {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(backupTimeLayout, s, loc)
	return t, err == nil
}
