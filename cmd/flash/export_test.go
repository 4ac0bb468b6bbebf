package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/storage"
)

func TestExport_Revlog(t *testing.T) {
	sc := scriptedDB(t)
	name := filepath.Join(t.TempDir(), "revlog.csv")
	r := runCmd(t, cmdExport, sc.path, statsNow, "--revlog", name)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if want := "wrote 13 reviews to " + name + "\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "card_id,review_time,review_rating,review_state,review_duration\n") {
		t.Fatalf("header: %q", strings.SplitN(string(data), "\n", 2)[0])
	}
	rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows = rows[1:]
	if len(rows) != len(sc.log) {
		t.Fatalf("%d rows, want %d", len(rows), len(sc.log))
	}
	for i, rev := range sc.log {
		want := []string{
			strconv.FormatUint(revlogCardID("exam", rev.Card), 10),
			strconv.FormatInt(rev.At.UnixMilli(), 10),
			strconv.Itoa(int(rev.Rating)),
			strconv.Itoa(int(rev.Before.State)),
			"7000",
		}
		if !reflect.DeepEqual(rows[i], want) {
			t.Errorf("row %d (%s %s): %v, want %v", i+1, rev.Card, rev.Rating, rows[i], want)
		}
	}
	// The first rows by hand: Jan 20 10:00 UTC, q1-a rated Easy while new.
	if rows[0][1] != "1705744800000" || rows[0][2] != "4" || rows[0][3] != "0" {
		t.Errorf("first row %v", rows[0])
	}
	// q1-b: Again as a review card (state 2), then Good while relearning (3).
	if got := rows[6][2] + rows[6][3] + " " + rows[8][2] + rows[8][3]; got != "12 33" {
		t.Errorf("q1-b lapse rows %v %v", rows[6], rows[8])
	}

	t.Run("stable ids", func(t *testing.T) {
		// Pinned: the README documents card_id as FNV-1a 64 of "deck/card"
		// with the top 11 bits cleared (values computed independently).
		for _, tt := range []struct {
			deck, card string
			want       uint64
		}{
			{"ml-papers", "ntk-1-realization", 5646295872109051},
			{"exam", "q1-a", 7385690567993175},
		} {
			if got := revlogCardID(tt.deck, tt.card); got != tt.want {
				t.Errorf("%s/%s: %d, want %d", tt.deck, tt.card, got, tt.want)
			}
		}
	})
	t.Run("stdout", func(t *testing.T) {
		r := runCmd(t, cmdExport, sc.path, statsNow, "--revlog", "-")
		if r.code != 0 || r.stdout != string(data) {
			t.Errorf("exit %d; stdout differs from the file:\n%s", r.code, r.stdout)
		}
		if !strings.Contains(r.stderr, "wrote 13 reviews to stdout") {
			t.Errorf("stderr %q", r.stderr)
		}
	})
	t.Run("no overwrite", func(t *testing.T) {
		r := runCmd(t, cmdExport, sc.path, statsNow, "--revlog", name)
		if r.code != 1 || !strings.Contains(r.stderr, "already exists; use --force") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if r := runCmd(t, cmdExport, sc.path, statsNow, "--revlog", name, "--force"); r.code != 0 {
			t.Fatal(r.stderr)
		}
		if got, _ := os.ReadFile(name); string(got) != string(data) {
			t.Error("--force did not replace the file")
		}
	})
}

func TestExport_Backup(t *testing.T) {
	sc := scriptedDB(t)
	dir := t.TempDir()
	name := filepath.Join(dir, "copy.db")
	r := runCmd(t, cmdExport, sc.path, statsNow, "--backup", name)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "backed up "+sc.path+" to "+name) {
		t.Errorf("stdout %q", r.stdout)
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	logOf := func(path string) []storage.Review {
		t.Helper()
		st, err := storage.Open(path, storage.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.Check(); err != nil {
			t.Fatal(err)
		}
		var out []storage.Review
		if err := st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error {
			out = append(out, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	orig, cp := logOf(sc.path), logOf(name)
	if len(cp) != 13 || !reflect.DeepEqual(orig, cp) {
		t.Errorf("the copy's log (%d entries) differs from the original's (%d)", len(cp), len(orig))
	}
	// The copy works as a database: stats through --db reads the same.
	a := runCmd(t, cmdStats, sc.path, statsNow, "--json")
	b := runCmd(t, cmdStats, name, statsNow, "--json")
	if a.code != 0 || a.stdout != b.stdout {
		t.Errorf("stats of the copy differ:\n%s\n%s", a.stdout, b.stdout)
	}

	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"exists", []string{"--backup", name}, 1, name + " already exists; use --force to overwrite it"},
		{"the database itself", []string{"--backup", sc.path, "--force"}, 1, "is the database itself"},
		{"a directory", []string{"--backup", dir, "--force"}, 1, "is a directory"},
		{"forced", []string{"--backup", name, "--force"}, 0, ""},
		{"nothing to do", nil, 2, "nothing to do"},
		{"extra argument", []string{"x.db"}, 2, `unexpected argument "x.db"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, cmdExport, sc.path, statsNow, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.msg)
			}
		})
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	t.Run("in use", func(t *testing.T) {
		st, err := storage.Open(sc.path, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		r := runCmd(t, cmdExport, sc.path, statsNow, "--backup", filepath.Join(t.TempDir(), "b.db"))
		if r.code != 1 || !strings.Contains(r.stderr, "is in use by another flash process") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
	t.Run("missing database", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "none.db")
		r := runCmd(t, cmdExport, db, statsNow, "--backup", filepath.Join(t.TempDir(), "b.db"))
		if r.code != 1 || !strings.Contains(r.stderr, "does not exist") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		if _, err := os.Stat(db); err == nil {
			t.Error("export created the database")
		}
	})
}
