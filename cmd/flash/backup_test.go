package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
)

// dirNames lists the names in folder dir (os.ReadDir: sorted).
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestBackup_OnePerStudyDay studies on ten days through the plain mode with
// a fixed clock: three sessions a day (09:00, 15:00 and 03:30 the next
// morning, which still belongs to the study day). Each study day gets one
// backup, made before its first rating; the last seven are kept, private,
// and each opens, passes the check and holds the log of its moment.
func TestBackup_OnePerStudyDay(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "flash.db")
	day0 := time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)
	deckFile := writeFile(t, "bk.toml", genDeck("bk", 60))
	if r := runFlash(t, "", clock(day0.Add(-time.Hour)), "--db", db, "import", deckFile); r.code != 0 {
		t.Fatal(r.stderr)
	}
	type backup struct {
		name string
		log  int // log entries when it was made
	}
	var made []backup
	study := func(at time.Time, input string) {
		t.Helper()
		r := runFlash(t, input, clock(at), "--db", db, "review", "--plain")
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "saved:") {
			t.Fatalf("review at %v: exit %d, stderr %q\n%s", at, r.code, r.stderr, r.stdout)
		}
	}
	backups := filepath.Join(dir, "backups")
	for d := range 10 {
		at := day0.AddDate(0, 0, d)
		made = append(made, backup{"flash-" + at.Format("2006-01-02T1504") + ".db", len(reviewLog(t, db))})
		study(at, "\n3\n\n4\n")
		study(at.Add(6*time.Hour), "\n3\n")
		study(at.Add(18*time.Hour+30*time.Minute), "\n3\n")
		if got := dirNames(t, backups); len(got) != min(d+1, session.BackupKeep) {
			t.Fatalf("day %d: backups %v", d, got)
		}
	}

	var want []string
	for _, b := range made[len(made)-session.BackupKeep:] {
		want = append(want, b.name)
	}
	if got := dirNames(t, backups); !slices.Equal(got, want) {
		t.Fatalf("backups = %v, want %v", got, want)
	}
	if fi, err := os.Stat(backups); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("backups folder: %v, %v; want mode 0700", fi.Mode(), err)
	}
	final := logKeys(readDB(t, db).log)
	for _, b := range made[len(made)-session.BackupKeep:] {
		p := filepath.Join(backups, b.name)
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want mode 0600", b.name, fi.Mode(), err)
		}
		st, err := storage.Open(p, storage.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		snap := readStore(t, st)
		st.Close()
		if got := logKeys(snap.log); !slices.Equal(got, final[:b.log]) {
			t.Errorf("%s holds %d log entries, want the first %d of the database", b.name, len(got), b.log)
		}
		checkStatesFollowLog(t, snap)
	}
}

// TestBackup_FailureDoesNotBlock: when the backup cannot be written (here
// "backups" is a file) the plain mode warns on stderr and rates all the
// same.
func TestBackup_FailureDoesNotBlock(t *testing.T) {
	db := importSmall(t)
	writeBytes(t, filepath.Join(filepath.Dir(db), "backups"), []byte("in the way"), 0o600)
	r := runFlash(t, "\n3\nq\n", clock(fixedNow), "--db", db, "review", "--plain")
	if r.code != 0 || !strings.Contains(r.stdout, "saved: small/a Good") {
		t.Fatalf("exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	want := "flash: warning: the daily backup of " + db + " failed (studying goes on): "
	if !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr = %q, want one line starting %q", r.stderr, want)
	}
	if got := reviewLog(t, db); !slices.Equal(got, []string{"a Good"}) {
		t.Errorf("log = %v", got)
	}
}

// TestBackup_PrunesOnlyItsOwn: pruning keeps the last seven backups of
// this database and leaves every other file in the folder alone (another
// database's backups, notes, names that only look like backups).
func TestBackup_PrunesOnlyItsOwn(t *testing.T) {
	db := importSmall(t)
	backups := filepath.Join(filepath.Dir(db), "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	others := []string{"notes.txt", "other-2023-12-01T0900.db", "f-garbage.db", "f-2023-12-01T0900.db.tmp"}
	var old []string
	for d := 1; d <= 9; d++ {
		old = append(old, time.Date(2023, 12, d, 9, 0, 0, 0, time.UTC).Format("f-2006-01-02T1504.db"))
	}
	for _, n := range append(slices.Clone(others), old...) {
		writeBytes(t, filepath.Join(backups, n), []byte("x"), 0o600)
	}
	r := runFlash(t, "\n3\n", clock(fixedNow), "--db", db, "review", "--plain")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	want := append(slices.Clone(others), old[len(old)-6:]...)
	want = append(want, "f-2024-01-02T0900.db")
	slices.Sort(want)
	if got := dirNames(t, backups); !slices.Equal(got, want) {
		t.Errorf("backups folder:\n%v\nwant\n%v", got, want)
	}
}

// BenchmarkDailyBackup1M times the backup that the first rating of a study
// day waits for (copy, sync, open and check the copy) on a database of a
// million review-log entries.
func BenchmarkDailyBackup1M(b *testing.B) {
	now := time.Date(2024, 3, 10, 9, 0, 0, 0, time.UTC)
	path := buildBenchDB(b, b.TempDir(), now)
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	fi, _ := os.Stat(path)
	b.Logf("database %d MB", fi.Size()>>20)
	b.ResetTimer()
	for i := range b.N {
		bk := dailyBackup(st)
		if _, err := bk.Ensure(now.AddDate(0, 0, i)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBackup_SessionOverDayStart: a session that runs over 04:00 backs up
// twice, before the first rating of each study day, and the second backup
// holds the first day's ratings.
func TestBackup_SessionOverDayStart(t *testing.T) {
	clk := &testClock{t: time.Date(2024, 1, 3, 3, 50, 0, 0, time.UTC)}
	db := clockDB(t, 6, 10, clk.now().Add(-time.Hour))
	s := startSession(t, db, clk)
	s.card()
	s.rate(4)
	s.card()
	s.rate(4)
	clk.set(time.Date(2024, 1, 3, 4, 0, 0, 0, time.UTC))
	s.card()
	s.rate(4)
	s.end()
	backups := filepath.Join(filepath.Dir(db), "backups")
	want := []string{"flash-2024-01-03T0350.db", "flash-2024-01-03T0400.db"}
	if got := dirNames(t, backups); !slices.Equal(got, want) {
		t.Fatalf("backups = %v, want %v", got, want)
	}
	for i, n := range []int{0, 2} {
		st, err := storage.Open(filepath.Join(backups, want[i]), storage.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(readStore(t, st).log); got != n {
			t.Errorf("%s holds %d ratings, want %d", want[i], got, n)
		}
		st.Close()
	}
}

// TestE2E_BackupWarningAfterScreen: on the review screen a failed backup
// does not stop the rating, and the warning is printed once the screen has
// given the terminal back.
func TestE2E_BackupWarningAfterScreen(t *testing.T) {
	r := startReview(t)
	r.wait("Show answer")
	writeBytes(t, filepath.Join(filepath.Dir(r.db), "backups"), []byte("in the way"), 0o600)
	r.send(" ")
	r.wait("1 Again")
	r.send("3")
	r.wait("Good saved")
	r.send("\x03")
	r.waitExit()
	if s := r.term.String(); !strings.Contains(s, "flash: warning: the daily backup of") {
		t.Errorf("no warning after the screen:\n%s", s)
	}
	if got := r.reviews(); len(got) != 1 {
		t.Errorf("log = %v, want one rating", got)
	}
}
