//go:build linux && amd64

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// indexOf returns the index of the first call at or after from that ok
// accepts, or -1.
func indexOf(calls []sysCall, from int, ok func(sysCall) bool) int {
	for i := max(from, 0); i < len(calls); i++ {
		if ok(calls[i]) {
			return i
		}
	}
	return -1
}

// checkNewFileDurable checks that calls give path, a new file, its name
// durably: its content is synced under a temporary name, after the last
// write to it, before it is linked or renamed to path, and its folder is
// synced after that. Every
// folder flash made on the way is synced in its parent after it was made.
func checkNewFileDurable(t *testing.T, calls []sysCall, path string) {
	t.Helper()
	named := indexOf(calls, 0, func(c sysCall) bool { return (c.name == "link" || c.name == "rename") && c.to == path })
	if named < 0 {
		t.Fatalf("%s was never linked or renamed into place; calls:\n%s", path, listCalls(calls))
	}
	tmp := calls[named].path
	if !filepath.IsAbs(tmp) {
		tmp = filepath.Join(filepath.Dir(path), filepath.Base(tmp))
	}
	// A sync of the file that began after its last write returned (a sync
	// under way while the file is written may miss that write).
	lastWrite := 0
	for _, c := range calls[:named] {
		if c.name == "pwrite" && strings.TrimSuffix(c.path, " (deleted)") == tmp {
			lastWrite = max(lastWrite, c.end)
		}
	}
	if indexOf(calls[:named], 0, func(c sysCall) bool { return isSyncOf(c, tmp) && c.at > lastWrite }) < 0 {
		t.Errorf("%s was not synced after its last write before it became %s; calls:\n%s", tmp, path, listCalls(calls))
	}
	dir := filepath.Dir(path)
	if indexOf(calls, named+1, func(c sysCall) bool { return isSyncOf(c, dir) }) < 0 {
		t.Errorf("the folder %s was not synced after %s got its name: a power cut could lose the file; calls:\n%s", dir, path, listCalls(calls))
	}
	for i, c := range calls {
		if c.name != "mkdir" {
			continue
		}
		parent := filepath.Dir(c.path)
		if indexOf(calls, i+1, func(c sysCall) bool { return isSyncOf(c, parent) }) < 0 {
			t.Errorf("flash made the folder %s but did not sync %s after it: a power cut could lose the folder; calls:\n%s", c.path, parent, listCalls(calls))
		}
	}
}

func listCalls(calls []sysCall) string {
	var b strings.Builder
	for _, c := range calls {
		b.WriteString("  " + c.String() + "\n")
	}
	return b.String()
}

// TestDurable_NewDatabase: a new database in folders that do not exist yet
// survives a power cut once import has said so: the file is synced before
// it gets its name, and its folder (and each folder made for it) is synced
// after.
func TestDurable_NewDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "new", "deeper", "flash.db")
	deckFile := writeFile(t, "small.toml", smallDeck)
	out, code, calls := traceFlash(t, "", "--db", db, "import", deckFile)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, out)
	}
	checkNewFileDurable(t, calls, db)
	if n := indexOf(calls, 0, func(c sysCall) bool { return c.name == "mkdir" }); n < 0 {
		t.Errorf("flash made no folder for %s; calls:\n%s", db, listCalls(calls))
	}
}

// TestDurable_RatingSynced: between reading the rating and printing
// "saved:", flash syncs the database file (bbolt's fdatasync), so a
// rating shown as saved survives a power cut. Opening bbolt with NoSync,
// or anything else that skips the sync, fails here.
func TestDurable_RatingSynced(t *testing.T) {
	db := filepath.Join(t.TempDir(), "flash.db")
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", writeFile(t, "small.toml", smallDeck)); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	out, code, calls := traceFlash(t, "\n3\nq\n", "--db", db, "review", "--plain")
	if code != 0 || !strings.Contains(out, "saved: small/a Good") {
		t.Fatalf("review: exit %d:\n%s", code, out)
	}
	read := indexOf(calls, 0, func(c sysCall) bool { return c.name == "read" && strings.Contains(c.data, "3\n") })
	saved := indexOf(calls, 0, func(c sysCall) bool { return c.name == "write" && strings.Contains(c.data, "saved:") })
	if read < 0 || saved < 0 || saved < read {
		t.Fatalf("read of the rating at %d, saved: at %d; calls:\n%s", read, saved, listCalls(calls))
	}
	if indexOf(calls[:saved], read, func(c sysCall) bool { return isSyncOf(c, db) }) < 0 {
		t.Errorf("the rating was not synced to %s before \"saved:\"; calls:\n%s", db, listCalls(calls[read:saved+1]))
	}
	// The day's first rating wrote the daily backup, in a new folder.
	backup := indexOf(calls, 0, func(c sysCall) bool {
		return (c.name == "link" || c.name == "rename") && filepath.Dir(c.to) == filepath.Join(filepath.Dir(db), "backups")
	})
	if backup < 0 {
		t.Fatalf("no daily backup written; calls:\n%s", listCalls(calls))
	}
	checkNewFileDurable(t, calls, calls[backup].to)
}

// TestDurable_ExportedFiles: the files export writes get their names
// durably too (storage/safefile and the backup writer).
func TestDurable_ExportedFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "flash.db")
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", writeFile(t, "small.toml", smallDeck)); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	for _, tt := range []struct{ flag, name string }{
		{"--revlog", "revlog.csv"},
		{"--backup", "copy.db"},
	} {
		t.Run(tt.flag, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), tt.name)
			out, code, calls := traceFlash(t, "", "--db", db, "export", tt.flag, name)
			if code != 0 {
				t.Fatalf("export: exit %d: %s", code, out)
			}
			checkNewFileDurable(t, calls, name)
		})
	}
}
