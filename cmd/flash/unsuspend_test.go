package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage"
)

// twoDecks builds a database with the exam deck and a second deck that
// also has a card "q1-a", with exam/q1-a and other/q1-a suspended (leeches:
// also flagged) and exam/q1-b suspended only.
func twoDecks(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "flash.db")
	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const other = `format = 1
id = "other"
title = "Other"

[[question]]
id = "q1"
paper = "P"
text = "Q?"

[[card]]
id = "q1-a"
question = "q1"
front = "F"
back = "B"
`
	for _, src := range []string{examDeck, other} {
		d, err := deck.Parse("d.toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Import(d, storage.Source{Hash: d.ID}, statsNow, false); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		deck, card string
		f          storage.Flags
	}{
		{"exam", "q1-a", storage.Flags{Suspended: true, Flagged: true}},
		{"other", "q1-a", storage.Flags{Suspended: true, Flagged: true}},
		{"exam", "q1-b", storage.Flags{Suspended: true}},
	} {
		if err := st.SetFlags(c.deck, c.card, c.f); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func flagsOf(t *testing.T, db, deckID, cardID string) storage.Flags {
	t.Helper()
	st, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs, err := st.States(deckID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID == cardID {
			return c.Flags
		}
	}
	t.Fatalf("no card %s/%s", deckID, cardID)
	return storage.Flags{}
}

func TestUnsuspend(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string // in stdout (code 0) or stderr
		// the flags of exam/q1-a, other/q1-a, exam/q1-b afterwards
		want [3]storage.Flags
	}{
		{"deck/card keeps the flag", []string{"exam/q1-a"}, 0, "unsuspended exam/q1-a; still flagged for fixing (press f in review to clear)",
			[3]storage.Flags{{Flagged: true}, {Suspended: true, Flagged: true}, {Suspended: true}}},
		{"bare card id, one deck", []string{"q1-b"}, 0, "unsuspended exam/q1-b\n",
			[3]storage.Flags{{Suspended: true, Flagged: true}, {Suspended: true, Flagged: true}, {}}},
		{"not suspended", []string{"exam/q1-c"}, 0, "exam/q1-c is not suspended",
			[3]storage.Flags{{Suspended: true, Flagged: true}, {Suspended: true, Flagged: true}, {Suspended: true}}},
		{"several", []string{"other/q1-a", "q1-b"}, 0, "unsuspended exam/q1-b",
			[3]storage.Flags{{Suspended: true, Flagged: true}, {Flagged: true}, {}}},
		{"ambiguous", []string{"q1-a"}, 1, `card id "q1-a" is in several decks (exam/q1-a, other/q1-a); write it as DECK/CARD`,
			[3]storage.Flags{{Suspended: true, Flagged: true}, {Suspended: true, Flagged: true}, {Suspended: true}}},
		{"unknown card", []string{"exam/nope"}, 1, `unknown card "exam/nope"`,
			[3]storage.Flags{{Suspended: true, Flagged: true}, {Suspended: true, Flagged: true}, {Suspended: true}}},
		{"unknown deck", []string{"nodeck/q1-a"}, 1, `unknown card "nodeck/q1-a": no deck "nodeck" in the database`,
			[3]storage.Flags{{Suspended: true, Flagged: true}, {Suspended: true, Flagged: true}, {Suspended: true}}},
		// Nothing changes when one id of several is bad.
		{"one bad of two", []string{"q1-b", "zzz"}, 1, `unknown card "zzz"`,
			[3]storage.Flags{{Suspended: true, Flagged: true}, {Suspended: true, Flagged: true}, {Suspended: true}}},
		{"bad id", []string{"exam/"}, 1, `bad card id "exam/"`,
			[3]storage.Flags{{Suspended: true, Flagged: true}, {Suspended: true, Flagged: true}, {Suspended: true}}},
		{"no id", nil, 2, "unsuspend: want a card id",
			[3]storage.Flags{{Suspended: true, Flagged: true}, {Suspended: true, Flagged: true}, {Suspended: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := twoDecks(t)
			r := runCmd(t, cmdUnsuspend, db, statsNow, tt.args...)
			out := r.stdout
			if tt.code != 0 {
				out = r.stderr
			}
			if r.code != tt.code || !strings.Contains(out, tt.out) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", r.code, r.stdout, r.stderr, tt.code, tt.out)
			}
			got := [3]storage.Flags{flagsOf(t, db, "exam", "q1-a"), flagsOf(t, db, "other", "q1-a"), flagsOf(t, db, "exam", "q1-b")}
			if got != tt.want {
				t.Errorf("flags %+v, want %+v", got, tt.want)
			}
		})
	}
	t.Run("no database", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "none.db")
		r := runCmd(t, cmdUnsuspend, db, statsNow, "q1-a")
		if r.code != 1 || !strings.Contains(r.stderr, "no database at "+db) {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}
