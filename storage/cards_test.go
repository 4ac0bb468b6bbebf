package storage

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"

	"github.com/flash-srs/flash/deck"
)

func stateOf(t *testing.T, s *Store, deckID, cardID string) CardState {
	t.Helper()
	st, err := s.States(deckID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range st {
		if c.ID == cardID {
			return c
		}
	}
	t.Fatalf("no state for %s/%s", deckID, cardID)
	return CardState{}
}

// rateTest rates deckID/cardID with go-fsrs at now and stores it.
func rateTest(t *testing.T, s *Store, cardID string, now time.Time, rating fsrs.Rating) Review {
	t.Helper()
	before := stateOf(t, s, "ml", cardID).FSRS
	info := fsrs.NewFSRS(fsrs.DefaultParam()).Next(before, now, rating)
	r, err := s.Rate(Review{
		Deck: "ml", Card: cardID, At: now, Rating: rating, Before: before, After: info.Card,
		ElapsedDays: info.ReviewLog.ElapsedDays, ScheduledDays: info.ReviewLog.ScheduledDays,
		Duration: 3 * time.Second,
	})
	if err != nil {
		t.Fatalf("Rate %s: %v", cardID, err)
	}
	return r
}

func reviewsOf(t *testing.T, s *Store) []Review {
	t.Helper()
	var out []Review
	if err := s.Reviews(time.Time{}, time.Time{}, func(r Review) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStore_Import_Add(t *testing.T) {
	s := openTest(t)
	d := testDeck()
	d.Cards[2].Kind = deck.KindDerive
	d.Cards[2].Sim = &deck.Sim{Kind: "ntk-decay", Params: map[string]any{"n": int64(64), "eta": 0.1}, Check: []string{"rate"}}
	p := importTest(t, s, d)
	want := Plan{Deck: "ml", Added: []string{"a", "b", "c"}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("plan %+v, want %+v", p, want)
	}
	st, err := s.States("ml")
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range st {
		want := CardState{Deck: "ml", ID: d.Cards[i].ID, Question: "q1", Order: i, FSRS: fsrs.NewCard()}
		if !reflect.DeepEqual(c, want) {
			t.Errorf("state %d = %+v, want %+v", i, c, want)
		}
		if c.Key() != "ml/"+d.Cards[i].ID {
			t.Errorf("Key = %q", c.Key())
		}
	}
	for i := range d.Cards {
		got, err := s.Content("ml", d.Cards[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Hash() != d.Cards[i].Hash() {
			t.Errorf("content of %s = %+v, want %+v", d.Cards[i].ID, got, d.Cards[i])
		}
	}
	if _, err := s.Content("ml", "zz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Content of unknown card: %v", err)
	}
	decks, err := s.Decks()
	if err != nil || len(decks) != 1 {
		t.Fatalf("Decks = %v, %v", decks, err)
	}
	wantInfo := DeckInfo{ID: "ml", Title: d.Title, Language: "en", Options: d.Options,
		Questions: d.Questions, SourceHash: "h-ml", ImportedAt: t0}
	got := decks[0]
	if !got.ImportedAt.Equal(t0) {
		t.Errorf("ImportedAt %v, want %v", got.ImportedAt, t0)
	}
	got.ImportedAt = t0
	if !reflect.DeepEqual(got, wantInfo) {
		t.Errorf("deck info %+v, want %+v", got, wantInfo)
	}
}

func TestStore_Import_Identity(t *testing.T) {
	// Each case imports testDeck(), rates card b, then imports next and
	// checks the plan and what happened to b's state and history.
	tests := []struct {
		name        string
		next        func() *deck.Deck
		plan        Plan
		bRetired    bool
		bText       string
		keepsMemory bool
	}{
		{
			name:  "Unchanged",
			next:  func() *deck.Deck { return testDeck() },
			plan:  Plan{Deck: "ml", Unchanged: []string{"a", "b", "c"}},
			bText: "front of b", keepsMemory: true,
		},
		{
			name: "EditKeepsState",
			next: func() *deck.Deck {
				d := testDeck()
				d.Cards[1].Back = "a better back"
				return d
			},
			plan:  Plan{Deck: "ml", Updated: []string{"b"}, Unchanged: []string{"a", "c"}},
			bText: "front of b", keepsMemory: true,
		},
		{
			name:     "Retire",
			next:     func() *deck.Deck { return testDeck("a", "c", "d") },
			plan:     Plan{Deck: "ml", Added: []string{"d"}, Unchanged: []string{"a", "c"}, Retired: []string{"b"}},
			bRetired: true, bText: "front of b", keepsMemory: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			importTest(t, s, testDeck())
			r := rateTest(t, s, "b", t0, fsrs.Good)
			p, err := s.Import(tt.next(), Source{Hash: "h2"}, t0.Add(time.Hour), false)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p, tt.plan) {
				t.Errorf("plan %+v, want %+v", p, tt.plan)
			}
			b := stateOf(t, s, "ml", "b")
			if b.Retired != tt.bRetired {
				t.Errorf("b retired = %v", b.Retired)
			}
			if tt.keepsMemory && !cardsEqual(b.FSRS, r.After) {
				t.Errorf("b FSRS = %+v, want %+v", b.FSRS, r.After)
			}
			c, err := s.Content("ml", "b")
			if err != nil || c.Front != tt.bText {
				t.Errorf("b content %+v, %v", c, err)
			}
			if got := reviewsOf(t, s); len(got) != 1 || got[0].Seq != r.Seq {
				t.Errorf("history %+v, want the one rating", got)
			}
		})
	}
}

func TestStore_Import_Retire(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	r := rateTest(t, s, "b", t0, fsrs.Good)
	p := importTest(t, s, testDeck("a", "c"))
	if !slices.Equal(p.Retired, []string{"b"}) {
		t.Fatalf("plan %+v", p)
	}
	b := stateOf(t, s, "ml", "b")
	if !b.Retired || !cardsEqual(b.FSRS, r.After) {
		t.Errorf("b = %+v; want retired with its FSRS state", b)
	}
	// A retired card cannot be rated.
	_, err := s.Rate(Review{Deck: "ml", Card: "b", At: t0.Add(time.Hour), Rating: fsrs.Good, After: r.After})
	if !errors.Is(err, ErrRetired) {
		t.Errorf("Rate retired card: %v, want ErrRetired", err)
	}
	// Importing the same file again retires nothing more.
	p = importTest(t, s, testDeck("a", "c"))
	if len(p.Retired) != 0 || !slices.Equal(p.Unchanged, []string{"a", "c"}) {
		t.Errorf("second import plan %+v", p)
	}
}

func TestStore_Import_Restore(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	r := rateTest(t, s, "b", t0, fsrs.Good)
	importTest(t, s, testDeck("a", "c"))
	d := testDeck("b", "a", "c") // back, moved to the front, new text
	d.Cards[0].Front = "new front of b"
	p := importTest(t, s, d)
	want := Plan{Deck: "ml", Unchanged: []string{"a", "c"}, Restored: []string{"b"}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("plan %+v, want %+v", p, want)
	}
	b := stateOf(t, s, "ml", "b")
	if b.Retired || b.Order != 0 || !cardsEqual(b.FSRS, r.After) {
		t.Errorf("b = %+v; want restored at order 0 with its FSRS state", b)
	}
	if a := stateOf(t, s, "ml", "a"); a.Order != 1 {
		t.Errorf("a order %d, want 1", a.Order)
	}
	if c, _ := s.Content("ml", "b"); c.Front != "new front of b" {
		t.Errorf("b front %q", c.Front)
	}
	if got := reviewsOf(t, s); len(got) != 1 || got[0].Card != "b" {
		t.Errorf("history %+v", got)
	}
	rateTest(t, s, "b", t0.Add(24*time.Hour), fsrs.Good)
}

func TestStore_Import_DryRun(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	sum, fi := fileSum(t, s.Path()), mustStat(t, s.Path())
	p, err := s.Import(testDeck("a", "d"), Source{Hash: "other"}, t0.Add(time.Hour), true)
	if err != nil {
		t.Fatal(err)
	}
	want := Plan{Deck: "ml", Added: []string{"d"}, Unchanged: []string{"a"}, Retired: []string{"b", "c"}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("plan %+v, want %+v", p, want)
	}
	assertUntouched(t, s.Path(), sum, fi)
	if st, _ := s.States("ml"); len(st) != 3 || st[1].Retired {
		t.Errorf("dry run changed states: %+v", st)
	}
	// Dry run into a new database: the plan, and still no deck.
	s2 := openTest(t)
	p, err = s2.Import(testDeck(), Source{}, t0, true)
	if err != nil || len(p.Added) != 3 {
		t.Errorf("dry run plan %+v, %v", p, err)
	}
	if d, _ := s2.Decks(); len(d) != 0 {
		t.Errorf("dry run stored a deck: %+v", d)
	}
}

func mustStat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// assertReimportUnchanged imports d into s again, an hour later with the
// same source: all 3 cards unchanged, and the file not written at all.
func assertReimportUnchanged(t *testing.T, s *Store, d *deck.Deck) {
	t.Helper()
	sum, fi := fileSum(t, s.Path()), mustStat(t, s.Path())
	time.Sleep(20 * time.Millisecond) // so that a write would move mtime
	p, err := s.Import(d, Source{Hash: "same"}, t0.Add(time.Hour), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Unchanged) != 3 || len(p.Added)+len(p.Updated)+len(p.Retired)+len(p.Restored) != 0 {
		t.Errorf("plan %+v", p)
	}
	assertUntouched(t, s.Path(), sum, fi)
}

func assertUntouched(t *testing.T, path string, sum [32]byte, fi os.FileInfo) {
	t.Helper()
	now := mustStat(t, path)
	if fileSum(t, path) != sum || now.Size() != fi.Size() || !now.ModTime().Equal(fi.ModTime()) {
		t.Errorf("file written: size %d→%d, mtime %v→%v", fi.Size(), now.Size(), fi.ModTime(), now.ModTime())
	}
}

func TestStore_Import_UnchangedWritesNothing(t *testing.T) {
	s := openTest(t)
	d := testDeck()
	if _, err := s.Import(d, Source{Hash: "same"}, t0, false); err != nil {
		t.Fatal(err)
	}
	assertReimportUnchanged(t, s, d)
	if decks, _ := s.Decks(); !decks[0].ImportedAt.Equal(t0) {
		t.Errorf("ImportedAt moved to %v", decks[0].ImportedAt)
	}
	// A new source hash alone (a comment edited) is stored.
	if _, err := s.Import(d, Source{Hash: "new", Builtin: true}, t0.Add(time.Hour), false); err != nil {
		t.Fatal(err)
	}
	if decks, _ := s.Decks(); decks[0].SourceHash != "new" || !decks[0].Builtin || !decks[0].ImportedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("deck info %+v", decks[0])
	}
}

func TestStore_Import_Invalid(t *testing.T) {
	dup := testDeck("a", "b", "a")
	nul := testDeck("a\x00b")
	noID := testDeck()
	noID.ID = ""
	tests := []struct {
		name string
		d    *deck.Deck
		want string
	}{
		{"Nil", nil, "no deck"},
		{"NoDeckID", noID, "bad deck id"},
		{"DuplicateCard", dup, "duplicate id"},
		{"NULInID", nul, "bad id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			importTest(t, s, testDeck())
			sum, fi := fileSum(t, s.Path()), mustStat(t, s.Path())
			_, err := s.Import(tt.d, Source{}, t0, false)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want %q", err, tt.want)
			}
			assertUntouched(t, s.Path(), sum, fi)
		})
	}
}

// TestStore_Import_TwoDecks checks that decks do not see each other's cards,
// including a deck whose id is a prefix of another's.
func TestStore_Import_TwoDecks(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	other := testDeck("a", "x")
	other.ID = "ml-2"
	importTest(t, s, other)
	p := importTest(t, s, testDeck("a"))
	if !slices.Equal(p.Retired, []string{"b", "c"}) {
		t.Errorf("plan %+v", p)
	}
	for deckID, n := range map[string]int{"ml": 3, "ml-2": 2, "": 5} {
		st, err := s.States(deckID)
		if err != nil || len(st) != n {
			t.Errorf("States(%q) = %d, %v; want %d", deckID, len(st), err, n)
		}
	}
	if st := stateOf(t, s, "ml-2", "x"); st.Retired {
		t.Error("ml-2/x retired by an import of ml")
	}
}

func TestStore_SetFlags(t *testing.T) {
	s := openTest(t)
	importTest(t, s, testDeck())
	f := Flags{Suspended: true, Flagged: true, BuriedUntil: t0.Add(20 * time.Hour)}
	if err := s.SetFlags("ml", "a", f); err != nil {
		t.Fatal(err)
	}
	got := stateOf(t, s, "ml", "a").Flags
	if got.Suspended != f.Suspended || got.Flagged != f.Flagged || !got.BuriedUntil.Equal(f.BuriedUntil) {
		t.Errorf("flags %+v, want %+v", got, f)
	}
	// Re-import keeps flags.
	importTest(t, s, testDeck())
	if got := stateOf(t, s, "ml", "a").Flags; !got.Suspended || !got.BuriedUntil.Equal(f.BuriedUntil) {
		t.Errorf("flags after import %+v", got)
	}
	if err := s.SetFlags("ml", "zz", f); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "ml/zz") {
		t.Errorf("SetFlags unknown card: %v", err)
	}
}

// TestStore_Import_10k checks that a large deck imports, re-imports
// without writing, and retires in one go.
func TestStore_Import_10k(t *testing.T) {
	if testing.Short() {
		t.Skip("large deck")
	}
	s := openAt(t, filepath.Join(t.TempDir(), "big.db"))
	d := bigDeck(10000)
	start := time.Now()
	p := importTest(t, s, d)
	t.Logf("import of 10k cards: %v", time.Since(start))
	if len(p.Added) != 10000 {
		t.Fatalf("added %d", len(p.Added))
	}
	start = time.Now()
	p = importTest(t, s, d)
	t.Logf("unchanged re-import of 10k cards: %v", time.Since(start))
	if len(p.Unchanged) != 10000 {
		t.Fatalf("unchanged %d", len(p.Unchanged))
	}
}

func bigDeck(n int) *deck.Deck {
	d := testDeck()
	d.Cards = d.Cards[:0]
	for i := range n {
		id := "card-" + strings.Repeat("x", i%5) + strconv.Itoa(i)
		d.Cards = append(d.Cards, deck.Card{
			ID: id, Question: "q1", Kind: deck.KindBasic,
			Front: "What does card " + id + " ask? " + strings.Repeat("Θ ∂ ∇ ", 10),
			Back:  strings.Repeat("A longer answer with formulas Σᵢ λᵢ. ", 8),
			Tags:  []string{"ntk", "bench"},
		})
	}
	return d
}

func cardsEqual(a, b fsrs.Card) bool {
	return a.Due.Equal(b.Due) && a.LastReview.Equal(b.LastReview) &&
		a.Stability == b.Stability && a.Difficulty == b.Difficulty &&
		a.ElapsedDays == b.ElapsedDays && a.ScheduledDays == b.ScheduledDays &&
		a.Reps == b.Reps && a.Lapses == b.Lapses && a.State == b.State
}

// TestStore_Import_ContentVersions: content is written as version 3 (raw
// hash, no id); a database whose content main's flash wrote as version 2
// reads the same cards, and re-importing the unchanged deck into it reports
// every card unchanged and writes nothing, whichever version each card's
// content is. A changed card is written as version 3 beside version 2 ones.
func TestStore_Import_ContentVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	d := testDeck()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(d, Source{Hash: "same"}, t0, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw := func() map[string]string { return rawBuckets(t, path)["content"] }
	for k, v := range raw() {
		// The fields start with the question right after the raw hash.
		if v[0] != contentVersion3 || len(v) < 33 || !strings.HasPrefix(v[33:], "\x02q1\x05basic") {
			t.Errorf("content %q = %q: want version 3, the raw hash and no id", k, v)
		}
	}
	// Turn a and b into the version 2 values main's flash wrote.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketContent)
		for _, id := range []string{"a", "b"} {
			k := cardKey(d.ID, id)
			if err := b.Put(k, contentV2(b.Get(k), id)); err != nil {
				return err
			}
		}
		return nil
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}
	if v := raw()[string(cardKey(d.ID, "a"))]; v[0] != contentVersionBinary || !strings.Contains(v, d.Cards[0].Hash()) {
		t.Fatalf("a's content %q is not version 2", v)
	}
	if s, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err != nil {
		t.Error(err)
	}
	for i := range d.Cards {
		got, err := s.Content(d.ID, d.Cards[i].ID)
		if err != nil || !reflect.DeepEqual(got, d.Cards[i]) {
			t.Errorf("Content %s: %+v, %v; want %+v", d.Cards[i].ID, got, err, d.Cards[i])
		}
	}
	all, err := s.States(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Contents(all); err != nil || !reflect.DeepEqual(got, d.Cards) {
		t.Errorf("Contents: %+v, %v", got, err)
	}
	assertReimportUnchanged(t, s, d)
	// b changes: it is written as version 3, a stays version 2.
	d.Cards[1].Back = "new back"
	p, err := s.Import(d, Source{Hash: "new"}, t0.Add(time.Hour), false)
	if err != nil || !slices.Equal(p.Updated, []string{"b"}) || len(p.Unchanged) != 2 {
		t.Fatalf("plan %+v, %v", p, err)
	}
	if got, err := s.Content(d.ID, "b"); err != nil || got.Back != "new back" || got.ID != "b" {
		t.Errorf("b: %+v, %v", got, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c := raw()
	if a, b := c[string(cardKey(d.ID, "a"))], c[string(cardKey(d.ID, "b"))]; a[0] != contentVersionBinary || b[0] != contentVersion3 {
		t.Errorf("content versions a %d, b %d; want 2 and 3", a[0], b[0])
	}
	openAt(t, path) // its cleanup checks the records
}

// TestEncodeContent_HashIsCardHash: a content value carries the hash
// deck.Card.Hash gives its card (the hash a re-import compares with), which
// encode computes from the encoded card rather than by hashing it again.
func TestEncodeContent_HashIsCardHash(t *testing.T) {
	long := strings.Repeat("Σᵢ λᵢ ∂L/∂θ — a long answer, ", 40) // past Hash's 512-byte buffer
	cards := []deck.Card{
		{},
		{ID: "a", Question: "q", Kind: deck.KindBasic, Front: "F", Back: "B"},
		{ID: "b", Question: "q", Kind: deck.KindBasic, Front: long, Back: long + long, Tags: []string{"x", long, ""}},
		{ID: "c", Question: "q", Kind: deck.KindBasic, Front: "F", Back: "B", Tags: []string{}},
		{ID: "d", Question: "q2", Kind: deck.KindDerive, Front: "F\tf", Back: "B\nb", Tags: []string{"ntk"},
			Sim: &deck.Sim{Kind: "ntk-decay", Check: []string{"tau_fast — a", "tau_slow"},
				Params: map[string]any{"n": int64(2), "K": []any{[]any{4.0, 0.0}, []any{0.0, 1.0}}, "eta": 0.2, "s": long}}},
		{ID: "e", Question: "q", Kind: deck.KindDerive, Front: "F", Back: "B", Sim: &deck.Sim{Kind: "k"}},
		{ID: long, Question: "q", Kind: deck.KindBasic, Front: "F", Back: "B"}, // an id past one byte of length
	}
	var a arena
	for _, c := range cards {
		for _, a := range []*arena{&a, nil} {
			v, err := encodeContentIn(a, &c)
			if err != nil {
				t.Fatal(err)
			}
			if h, _, _ := splitContent(v); hex.EncodeToString(h) != c.Hash() {
				t.Errorf("card %q: hash %x, want %s", c.ID, h, c.Hash())
			}
		}
	}
}

// TestArena_ValuesStayPut holds the arena to what bbolt needs of the keys
// and values put in a transaction: a slice handed out never changes,
// whatever is appended after it, including values that outgrow their
// size hint or fill a chunk.
func TestArena_ValuesStayPut(t *testing.T) {
	var a arena
	var got [][]byte
	var want []string
	for i := range 3000 {
		v := fmt.Sprintf("value %d %s", i, strings.Repeat("x", i%700))
		hint := len(v)
		if i%3 == 0 {
			hint = 4 // outgrown: the value is its own allocation
		}
		b := a.end(append(a.start(hint), v...))
		if len(b) != len(v) || cap(b) != len(v) {
			t.Fatalf("value %d: len %d cap %d, want both %d", i, len(b), cap(b), len(v))
		}
		got, want = append(got, b), append(want, v)
	}
	for i := range got {
		if string(got[i]) != want[i] {
			t.Fatalf("value %d changed to %q", i, got[i])
		}
	}
	var nilArena *arena
	if b := nilArena.end(append(nilArena.start(2), "abc"...)); string(b) != "abc" || cap(b) != 3 {
		t.Errorf("nil arena: %q cap %d", b, cap(b))
	}
}

// TestCheckDeck_NamesFirstProblem: checkDeck names the first card, in file
// order, whose id is bad or repeats an earlier one, as a walk through the
// file with a set of the ids seen does; on a good deck it returns the
// cards' indexes in id order. Decks of random ids from a small alphabet,
// with empty ids and NULs among them.
func TestCheckDeck_NamesFirstProblem(t *testing.T) {
	walk := func(d *deck.Deck) string {
		seen := map[string]bool{}
		for i, c := range d.Cards {
			if c.ID == "" || strings.IndexByte(c.ID, 0) >= 0 {
				return fmt.Sprintf("card %d: bad id %q", i+1, c.ID)
			}
			if seen[c.ID] {
				return fmt.Sprintf("card %d: duplicate id %q", i+1, c.ID)
			}
			seen[c.ID] = true
		}
		return ""
	}
	rng := rand.New(rand.NewPCG(1, 2))
	problems := 0
	for n := range 3000 {
		d := &deck.Deck{ID: "d"}
		for range rng.IntN(12) {
			id := make([]byte, rng.IntN(3))
			for k := range id {
				id[k] = "ab\x00"[rng.IntN(3)]
			}
			if rng.IntN(3) > 0 {
				id = append(id, byte('c'+n%20))
			}
			d.Cards = append(d.Cards, deck.Card{ID: string(id)})
		}
		byID, err := checkDeck(d)
		want := walk(d)
		ids := make([]string, len(d.Cards))
		for i, c := range d.Cards {
			ids[i] = c.ID
		}
		if got := fmt.Sprint(err); want != "" && got != want || want == "" && err != nil {
			t.Fatalf("deck %q: %v, want %q", ids, err, want)
		}
		if want != "" {
			problems++
			continue
		}
		if len(byID) != len(d.Cards) || !slices.IsSortedFunc(byID, func(a, b int32) int { return strings.Compare(d.Cards[a].ID, d.Cards[b].ID) }) {
			t.Fatalf("deck %q: order %v", ids, byID)
		}
	}
	if problems < 500 || problems > 2500 {
		t.Errorf("%d decks of 3000 with a problem: the test decks are too tame or too wild", problems)
	}
}

// TestSortByID_SameAsSortingStrings: sortByID orders cards as a stable
// sort of their ids does, for ids that share long prefixes, end in NULs
// or differ only after their 16th byte.
func TestSortByID_SameAsSortingStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		cards := make([]deck.Card, rng.IntN(40))
		prefix := strings.Repeat("q1-card-", rng.IntN(4))
		for i := range cards {
			id := []byte(prefix[:rng.IntN(len(prefix)+1)])
			for range rng.IntN(4) {
				id = append(id, "ab\x00\xff"[rng.IntN(4)])
			}
			cards[i].ID = string(id)
		}
		want := make([]int32, len(cards))
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return strings.Compare(cards[a].ID, cards[b].ID) })
		if got := sortByID(cards); !slices.Equal(got, want) {
			ids := make([]string, len(cards))
			for i := range cards {
				ids[i] = cards[i].ID
			}
			t.Fatalf("ids %q: order %v, want %v", ids, got, want)
		}
	}
}
