package storage

import (
	"fmt"
	"os"

	"github.com/flash-srs/flash/storage/safefile"
)

// WriteBackup writes a consistent copy of the database to the file name
// through safefile (the database itself is always refused; o.Force allows
// replacing another existing file; o.Perm 0 means 0o600). The copy is
// synced, opened as a flash database and found to hold the whole review
// log before it takes name's place; deep also checks every record of the
// copy (slow and memory-hungry on a large database, so the automatic daily
// backup on the rating path leaves it out: bbolt's WriteTo copies one
// consistent transaction). It returns the size of the copy.
func (s *Store) WriteBackup(name string, o safefile.Options, deep bool) (int64, error) {
	var size int64
	want, err := s.ReviewCount()
	if err != nil {
		return 0, err
	}
	o.Protect = append(o.Protect[:len(o.Protect):len(o.Protect)], s.path)
	if o.Perm == 0 {
		o.Perm = 0o600
	}
	err = safefile.Write(name, o, func(f *os.File) error {
		var err error
		if size, err = s.Backup(f); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		cp, err := Open(f.Name(), Options{ReadOnly: true})
		if err != nil {
			return fmt.Errorf("the copy does not open: %w", err)
		}
		defer cp.Close()
		if deep {
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
