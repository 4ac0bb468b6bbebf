package storage

import (
	"os"
	"reflect"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// runSize is how much a runWriter gathers before it writes.
const runSize = 256 << 10

// A runWriter gathers the pages a bbolt commit writes one at a time into
// runs of adjacent pages, copied into one buffer, and writes each run with
// one call. A new database's commit writes every page once, in order: a
// 10k-card deck is some 1,550 pages, which cost a system call each and,
// written 4 KiB at a time, take the disk about twice as long to sync.
//
// bbolt has no option for this: hookWrites installs writeAt as the
// database's page writer. flush must run after each commit, before
// another transaction begins (that one reads the meta page the commit
// wrote last). Only a Draft uses it: one goroutine, no reader, a file no
// one else sees until it is synced.
type runWriter struct {
	f   *os.File
	buf []byte // pages gathered, to be written at off
	off int64

	writes int // calls made to the file (for tests)
}

// writeAt takes b, to be written at off, into the run, or writes the run
// first when b does not follow it or does not fit.
func (w *runWriter) writeAt(b []byte, off int64) (int, error) {
	if len(w.buf) > 0 && (off != w.off+int64(len(w.buf)) || len(w.buf)+len(b) > runSize) {
		if err := w.flush(); err != nil {
			return 0, err
		}
	}
	if len(b) > runSize {
		w.writes++
		return w.f.WriteAt(b, off)
	}
	if w.buf == nil {
		w.buf = make([]byte, 0, runSize)
	}
	if len(w.buf) == 0 {
		w.off = off
	}
	w.buf = append(w.buf, b...)
	return len(b), nil
}

// flush writes the run gathered so far.
func (w *runWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	w.writes++
	_, err := w.f.WriteAt(w.buf, w.off)
	w.buf = w.buf[:0]
	return err
}

// hookWrites makes w the writer of db's pages, if this bbolt has the
// page writer it knows (bbolt 1.4's DB.ops.writeAt), and reports whether
// it did.
func hookWrites(db *bolt.DB, w *runWriter) bool {
	ops := reflect.ValueOf(db).Elem().FieldByName("ops")
	if !ops.IsValid() || ops.Kind() != reflect.Struct {
		return false
	}
	f := ops.FieldByName("writeAt")
	fn := w.writeAt
	if !f.IsValid() || f.Type() != reflect.TypeOf(fn) {
		return false
	}
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(reflect.ValueOf(fn))
	return true
}
