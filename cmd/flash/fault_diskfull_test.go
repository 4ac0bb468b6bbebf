package main

import (
	"errors"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The disk-full tests run flash with a low file-size limit (RLIMIT_FSIZE:
// a write past it fails with EFBIG, as a full disk fails with ENOSPC), and,
// where the test may mount one, on a tiny tmpfs that is really full.

// fsizeEnv names the limit for the helper process.
const fsizeEnv = "FLASH_TEST_FSIZE"

// TestFaultHelperFsize is not a test but the helper process of runLimited:
// with $FLASH_TEST_FSIZE set, it lowers its file-size limit to that many
// bytes, ignores SIGXFSZ (so a write past the limit fails with EFBIG
// instead of killing the process) and executes the command after "--";
// both carry over to the command.
func TestFaultHelperFsize(t *testing.T) {
	v := os.Getenv(fsizeEnv)
	if v == "" {
		return
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		os.Exit(126)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
		os.Stderr.WriteString("setrlimit: " + err.Error() + "\n")
		os.Exit(126)
	}
	signal.Ignore(syscall.SIGXFSZ)
	i := slices.Index(os.Args, "--")
	if i < 0 || i+1 >= len(os.Args) {
		os.Exit(126)
	}
	env := slices.DeleteFunc(os.Environ(), func(s string) bool { return strings.HasPrefix(s, fsizeEnv+"=") })
	err = syscall.Exec(os.Args[i+1], os.Args[i+1:], env)
	os.Stderr.WriteString("exec: " + err.Error() + "\n")
	os.Exit(127)
}

// runLimited runs flash with its file-size limit at limit bytes.
func runLimited(t *testing.T, limit int, o binOpts, args ...string) binResult {
	t.Helper()
	o.argv0 = []string{os.Args[0], "-test.run=^TestFaultHelperFsize$", "--"}
	o.env = append(o.env, fsizeEnv+"="+strconv.Itoa(limit))
	return runBin(t, o, args...)
}

// sameContent fails unless two snapshots hold the same decks, cards and
// log.
func sameContent(t *testing.T, got, want dbSnapshot) {
	t.Helper()
	if g, w := logKeys(got.log), logKeys(want.log); !slices.Equal(g, w) {
		t.Errorf("log = %v, want %v", g, w)
	}
	if len(got.decks) != len(want.decks) {
		t.Errorf("%d decks, want %d", len(got.decks), len(want.decks))
	}
	if len(got.states) != len(want.states) {
		t.Fatalf("%d cards, want %d", len(got.states), len(want.states))
	}
	for i := range got.states {
		if g, w := got.states[i], want.states[i]; g.Key() != w.Key() || !sameCard(g.FSRS, w.FSRS) {
			t.Errorf("card %s: %+v, want %s: %+v", g.Key(), g.FSRS, w.Key(), w.FSRS)
		}
	}
	checkStatesFollowLog(t, got)
}

// TestE2E_DiskFull_FileSizeLimit: an import and a rating that cannot be
// written fail with one line naming the database, exit status 1 and no
// "saved:" line, and the database still opens with what it held before.
func TestE2E_DiskFull_FileSizeLimit(t *testing.T) {
	deckFile := filepath.Join(t.TempDir(), "big.toml")
	writeBytes(t, deckFile, []byte(genDeck("big", 200)), 0o644)

	t.Run("import into a new database", func(t *testing.T) {
		// The new file is made (16 KiB) but cannot hold the deck's 200
		// cards (about 100 KiB). The refused import leaves no database
		// behind, nor the folder it made for it.
		dir := filepath.Join(t.TempDir(), "new")
		db := filepath.Join(dir, "flash.db")
		r := runLimited(t, 48<<10, binOpts{}, "--db", db, "import", deckFile)
		t.Logf("exit %d in %v: %s", r.code, r.took, r.stderr)
		checkOneLineError(t, r, db, "file too large")
		if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after the failed import into a new database: %s is there (%v)", dir, err)
		}
	})

	// The others start from a database with a deck and two ratings; past
	// its two meta pages nothing can be written.
	const metaOnly = 2 * 4096
	t.Run("import", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "flash.db")
		realDB(t, db)
		before := readDB(t, db)
		r := runLimited(t, metaOnly, binOpts{}, "--db", db, "import", deckFile)
		t.Logf("exit %d in %v: %s", r.code, r.took, r.stderr)
		checkOneLineError(t, r, db, "file too large")
		sameContent(t, readDB(t, db), before)
	})
	t.Run("rating", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "flash.db")
		realDB(t, db)
		before := readDB(t, db)
		r := runLimited(t, metaOnly, binOpts{stdin: "\n3\n"}, "--db", db, "review", "--plain")
		t.Logf("exit %d in %v: %s", r.code, r.took, r.stderr)
		checkFailedRating(t, r, db, "file too large")
		sameContent(t, readDB(t, db), before)
	})
}

// checkFailedRating checks a review --plain whose rating could not be
// written: exit status 1, the last line of stderr names the database and
// the cause, and no "saved:" line. (A line before it may warn that the
// day's backup failed, for the same reason.)
func checkFailedRating(t *testing.T, r binResult, db, cause string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("exit status %d, want 1; stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "rating [") {
		t.Fatalf("no card was rated:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "saved:") {
		t.Errorf("stdout says saved:\n%s", r.stdout)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "flash: ") || !strings.Contains(last, db) || !strings.Contains(last, cause) {
		t.Errorf("last line of stderr = %q, want flash: … naming %s and %q", last, db, cause)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "flash: warning: ") {
			t.Errorf("unexpected line on stderr: %q", l)
		}
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

// TestE2E_DiskFull_Tmpfs fills a 1 MiB tmpfs (mounted for the test; skipped
// where that is not allowed): a large import fails with "no space left on
// device" naming the database, a rating either fails the same way or (when
// bbolt can reuse pages the file already has) is saved, and the database
// opens with its content throughout. Once space is free again, rating
// works.
func TestE2E_DiskFull_Tmpfs(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size=1m,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	db := filepath.Join(dir, "flash.db")
	realDB(t, db)
	deckFile := filepath.Join(t.TempDir(), "big.toml")
	writeBytes(t, deckFile, []byte(genDeck("big", 200)), 0o644)

	filler := filepath.Join(dir, "filler")
	fillDisk(t, filler)
	before := readDB(t, db)

	r := runBin(t, binOpts{}, "--db", db, "import", deckFile)
	t.Logf("exit %d in %v: %s", r.code, r.took, r.stderr)
	checkOneLineError(t, r, db, "no space left on device")
	sameContent(t, readDB(t, db), before)

	r = runBin(t, binOpts{stdin: "\n3\n"}, "--db", db, "review", "--plain")
	if r.code == 0 && strings.Contains(r.stdout, "saved:") {
		t.Logf("the rating fit in pages the file already had")
		before = readDB(t, db)
		if len(before.log) != 3 {
			t.Errorf("log after a saved rating: %v", logKeys(before.log))
		}
	} else {
		t.Logf("exit %d in %v: %s", r.code, r.took, r.stderr)
		checkFailedRating(t, r, db, "no space left on device")
		sameContent(t, readDB(t, db), before)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	r = runBin(t, binOpts{stdin: "\n3\n"}, "--db", db, "review", "--plain")
	if r.code != 0 || !strings.Contains(r.stdout, "saved:") {
		t.Fatalf("with space again: exit %d, stderr %q", r.code, r.stderr)
	}
	if got := readDB(t, db); len(got.log) != len(before.log)+1 {
		t.Errorf("log = %v, want one more than %v", logKeys(got.log), logKeys(before.log))
	}
}

// fillDisk writes name until the file system is full.
func fillDisk(t *testing.T, name string) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []int{64 << 10, 4 << 10, 1} {
		buf := make([]byte, chunk)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
}
