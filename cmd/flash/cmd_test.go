package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage"
)

// fixedNow is the clock of the in-process command tests.
var fixedNow = time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)

// result is what one in-process run of flash printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// testEnv is an environment for in-process runs: stdin, a clock, and
// variables holding only HOME (a temporary folder, so nothing touches the
// real database). It returns the env and its stdout and stderr.
func testEnv(t *testing.T, stdin string, now func() time.Time) (*env, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errb bytes.Buffer
	home := t.TempDir()
	e := &env{
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errb,
		getenv: func(k string) string {
			if k == "HOME" {
				return home
			}
			return ""
		},
		now: now,
	}
	return e, &out, &errb
}

// finish turns what a command returned into a result, as main would print it.
func finish(err error, out, errb *bytes.Buffer) result {
	if err != nil {
		printError(errb, err)
	}
	return result{out.String(), errb.String(), exitCode(err)}
}

// runFlash runs flash in-process with stdin and the clock now.
func runFlash(t *testing.T, stdin string, now func() time.Time, args ...string) result {
	t.Helper()
	e, out, errb := testEnv(t, stdin, now)
	return finish(run(args, e), out, errb)
}

func clock(t time.Time) func() time.Time { return func() time.Time { return t } }

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const smallDeck = `format = 1
id = "small"
title = "Small deck"

[[question]]
id = "q"
paper = "P"
text = "Q?"

[[card]]
id = "a"
question = "q"
front = "Front A"
back = "Back A"

[[card]]
id = "b"
question = "q"
front = "Front B"
back = "Back B"
`

func TestRun_Usage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string // in stdout or stderr
	}{
		{[]string{}, 0, "flash [--db PATH] review"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"--nope", "review"}, 2, "unknown flag: --nope"},
		{[]string{"help"}, 0, "flash [--db PATH] review"},
		{[]string{"--help"}, 0, "flash [--db PATH] import"},
		{[]string{"version"}, 0, "flash "},
		{[]string{"import"}, 2, "want one deck file"},
		{[]string{"review", "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runFlash(t, "", clock(fixedNow), tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stdout+r.stderr, tt.out) {
				t.Errorf("output lacks %q:\n%s%s", tt.out, r.stdout, r.stderr)
			}
			if strings.Contains(r.stderr, "goroutine ") {
				t.Errorf("stack trace on stderr: %s", r.stderr)
			}
		})
	}
}

func TestReview_UnknownDeck(t *testing.T) {
	db := importSmall(t)
	r := runFlash(t, "", clock(fixedNow), "--db", db, "review", "--plain", "--deck", "nope")
	if r.code != 1 || r.stderr != "flash: no such deck \"nope\" (decks: small)\n" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestReview_NeedsTerminal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	r := runFlash(t, "", clock(fixedNow), "--db", db, "review")
	if r.code != 1 || !strings.Contains(r.stderr, "--plain") {
		t.Fatalf("exit %d, stderr %q; want 1 and a hint naming --plain", r.code, r.stderr)
	}
}

func TestImport_Counts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	file := writeFile(t, "small.toml", smallDeck)

	r := runFlash(t, "", clock(fixedNow), "--db", db, "import", file, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "dry run: small: 2 added, 0 updated, 0 unchanged, 0 retired, 0 restored") {
		t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if st, err := storage.Open(db, storage.Options{}); err == nil {
		decks, _ := st.Decks()
		st.Close()
		if len(decks) != 0 {
			t.Fatalf("dry run wrote %d decks", len(decks))
		}
	}

	r = runFlash(t, "", clock(fixedNow), "--db", db, "import", file)
	if r.code != 0 || !strings.Contains(r.stdout, "small: 2 added, 0 updated, 0 unchanged, 0 retired, 0 restored") {
		t.Fatalf("import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	edited := strings.Replace(smallDeck, "Back B", "Back B, edited", 1)
	edited = edited[:strings.Index(edited, "[[card]]\nid = \"a\"")] + edited[strings.Index(edited, "[[card]]\nid = \"b\""):]
	file2 := writeFile(t, "small.toml", edited)
	r = runFlash(t, "", clock(fixedNow), "--db", db, "import", file2)
	if r.code != 0 || !strings.Contains(r.stdout, "small: 0 added, 1 updated, 0 unchanged, 1 retired, 0 restored") {
		t.Fatalf("re-import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runFlash(t, "", clock(fixedNow), "--db", db, "import", file)
	if r.code != 0 || !strings.Contains(r.stdout, "small: 0 added, 1 updated, 0 unchanged, 0 retired, 1 restored") {
		t.Fatalf("restore: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestIDList(t *testing.T) {
	ids := []string{"a", "b", "c", "d"}
	if got := idList(ids, 4); got != "a, b, c, d" {
		t.Errorf("idList(4) = %q", got)
	}
	if got := idList(ids, 2); got != "a, b … and 2 more" {
		t.Errorf("idList(2) = %q", got)
	}
}

func TestImport_BadFileWritesNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	good := writeFile(t, "small.toml", smallDeck)
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", good); r.code != 0 {
		t.Fatal(r.stderr)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.NewReplacer(`front = "Front A"`, `frnt = "Front A"`, `back = "Back B"`, `back = ""`).Replace(smallDeck)
	file := writeFile(t, "bad.toml", bad)
	r := runFlash(t, "", clock(fixedNow), "--db", db, "import", file)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1", r.code)
	}
	for _, want := range []string{
		`flash: ` + file + `:13:1: unknown key "card.frnt"`,
		`flash: ` + file + `:10: card "a": missing or empty front`,
		`flash: ` + file + `:20: card "b": missing or empty back`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	after, _ := os.ReadFile(db)
	if !bytes.Equal(before, after) {
		t.Error("a refused import changed the database file")
	}
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", filepath.Join(t.TempDir(), "missing.toml")); r.code != 1 || !strings.Contains(r.stderr, "missing.toml") {
		t.Errorf("missing file: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestImport_NewDatabaseAllOrNothing: into a --db that does not exist, in
// folders that do not exist, a refused file and a dry run leave nothing
// behind (the new file is made while the deck is parsed, then removed with
// its folders), and a good file makes the database whole.
func TestImport_NewDatabaseAllOrNothing(t *testing.T) {
	root := t.TempDir()
	db := filepath.Join(root, "a", "b", "f.db")
	bad := writeFile(t, "bad.toml", strings.Replace(smallDeck, `front = "Front A"`, `frnt = "Front A"`, 1))
	good := writeFile(t, "small.toml", smallDeck)
	for _, c := range []struct {
		args []string
		code int
	}{{[]string{"import", bad}, 1}, {[]string{"import", "--dry-run", good}, 0}} {
		r := runFlash(t, "", clock(fixedNow), append([]string{"--db", db}, c.args...)...)
		if r.code != c.code {
			t.Errorf("%v: exit %d, want %d: %s", c.args, r.code, c.code, r.stderr)
		}
		if ents, err := os.ReadDir(root); err != nil || len(ents) > 0 {
			t.Errorf("%v left %v behind (%v)", c.args, ents, err)
		}
	}
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", good); r.code != 0 || !strings.Contains(r.stdout, "added") {
		t.Fatalf("import: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if ents, _ := os.ReadDir(filepath.Dir(db)); len(ents) != 1 || ents[0].Name() != "f.db" {
		t.Errorf("beside the new database: %v, want f.db alone", ents)
	}
	snap := readDB(t, db)
	if len(snap.states) == 0 || len(snap.decks) != 1 {
		t.Errorf("new database: %d cards, %d decks", len(snap.states), len(snap.decks))
	}
}

func TestImport_BuiltinFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	file := filepath.Join("..", "..", "deck", "builtin", "ml-papers.toml")
	r := runFlash(t, "", clock(fixedNow), "--db", db, "import", file)
	n := len(deck.Builtin().Cards)
	want := regexp.MustCompile(`^ml-papers: (\d+) added, 0 updated`)
	m := want.FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil || m[1] != strconv.Itoa(n) {
		t.Fatalf("exit %d, stdout %q, want %d added", r.code, r.stdout, n)
	}
}

func importSmall(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "f.db")
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", writeFile(t, "small.toml", smallDeck)); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	return db
}

func reviewLog(t *testing.T, db string) []string {
	t.Helper()
	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got []string
	err = st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error {
		got = append(got, r.Card+" "+r.Rating.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestReviewPlain_RateUndoQuit(t *testing.T) {
	db := importSmall(t)
	input := strings.Join([]string{
		"", "3", // a: show, Good
		"", "u", // b: show, then undo the rating of a
		"", "4", // a again: show, Easy
		"q",
	}, "\n") + "\n"
	r := runFlash(t, input, clock(fixedNow), "--db", db, "review", "--plain")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"Q: Front A", "A: Back A", "1 Again (", "3 Good (10m)",
		"saved: small/a Good, due in 10m",
		"Q: Front B",
		"undone: small/a",
		"saved: small/a Easy, due in",
		"Reviewed 1 card (0 Again)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if strings.Index(r.stdout, "Q: Front B") > strings.Index(r.stdout, "undone:") {
		t.Error("undo came before card b was shown")
	}
	if got := reviewLog(t, db); strings.Join(got, ",") != "a Easy" {
		t.Errorf("log = %v, want [a Easy] (the undone Good removed)", got)
	}
}

func TestReviewPlain_EndOfInput(t *testing.T) {
	db := importSmall(t)
	r := runFlash(t, "\n2\n", clock(fixedNow), "--db", db, "review", "--plain")
	if r.code != 0 {
		t.Fatalf("exit %d at end of input: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "saved: small/a Hard") || !strings.Contains(r.stdout, "Reviewed 1 card") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

// TestReviewPlain_LearningComesBack walks the clock forward so that a card
// rated Again comes back in the same session, and checks the session ends
// by saying when the next card is due.
func TestReviewPlain_LearningComesBack(t *testing.T) {
	db := importSmall(t)
	now := fixedNow
	tick := func() time.Time { now = now.Add(30 * time.Second); return now }
	input := "\n1\n\n3\n\n3\n\n3\n\n3\n"
	r := runFlash(t, input, tick, "--db", db, "review", "--plain")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	if n := strings.Count(r.stdout, "Q: Front A"); n < 2 {
		t.Errorf("card a shown %d times; an Again card should come back in the session", n)
	}
	if !strings.Contains(r.stdout, "Next card due") {
		t.Errorf("summary does not say when the next card is due:\n%s", r.stdout)
	}
}

func TestReview_ImportsBuiltinOnFirstUse(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "f.db")
	r := runFlash(t, "q\n", clock(fixedNow), "--db", db, "review", "--plain")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, `imported the built-in deck "ml-papers"`) {
		t.Errorf("stderr = %q", r.stderr)
	}
	if !strings.Contains(r.stdout, "Q: ") {
		t.Errorf("no card shown:\n%s", r.stdout)
	}
	fi, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(db))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v, want 0700", di.Mode().Perm())
	}
	// A second run does not import again.
	r = runFlash(t, "q\n", clock(fixedNow), "--db", db, "review", "--plain")
	if strings.Contains(r.stderr, "imported") {
		t.Errorf("second run imported again: %q", r.stderr)
	}
}
