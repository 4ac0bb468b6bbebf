package session_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// The session must be usable with the real store.
var _ session.Store = (*storage.Store)(nil)

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// day0 is a Tuesday morning, UTC: the study day started at 04:00.
var day0 = time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)

// open imports a deck of n cards (c0, c1, …) into a new database in
// t.TempDir() and returns the store, its decks and a clock at day0.
func open(t *testing.T, n int) (*storage.Store, []storage.DeckInfo, *clock) {
	t.Helper()
	var src strings.Builder
	src.WriteString("format = 1\nid = \"d\"\ntitle = \"Deck D\"\n\n[options]\nnew_per_day = 100\n\n[[question]]\nid = \"q\"\npaper = \"P\"\ntext = \"Q?\"\n")
	for i := range n {
		fmt.Fprintf(&src, "\n[[card]]\nid = \"c%d\"\nquestion = \"q\"\nfront = \"F%d\"\nback = \"B%d\"\n", i, i, i)
	}
	st, decks := importDeck(t, src.String())
	return st, decks, &clock{t: day0}
}

func start(t *testing.T, st *storage.Store, decks []storage.DeckInfo, clk *clock) *session.Session {
	t.Helper()
	s, err := session.New(st, decks, "", clk.now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func next(t *testing.T, s *session.Session) *session.Card {
	t.Helper()
	cur, ok, err := s.Next()
	if err != nil || !ok {
		t.Fatalf("Next: %v, %v", ok, err)
	}
	return cur
}

// stored returns a card's state as the store has it.
func stored(t *testing.T, st *storage.Store, key string) storage.CardState {
	t.Helper()
	states, err := st.States("")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range states {
		if c.Key() == key {
			return c
		}
	}
	t.Fatalf("no card %s", key)
	return storage.CardState{}
}

// sameCard compares FSRS states, times by instant.
func sameCard(a, b fsrs.Card) bool {
	return a.Due.Equal(b.Due) && a.LastReview.Equal(b.LastReview) && a.Stability == b.Stability &&
		a.Difficulty == b.Difficulty && a.Reps == b.Reps && a.Lapses == b.Lapses && a.State == b.State &&
		a.ScheduledDays == b.ScheduledDays && a.ElapsedDays == b.ElapsedDays
}

// sameFlags compares flags, times by instant.
func sameFlags(a, b storage.Flags) bool {
	return a.Suspended == b.Suspended && a.Flagged == b.Flagged && a.BuriedUntil.Equal(b.BuriedUntil)
}

func logLen(t *testing.T, st *storage.Store) int {
	t.Helper()
	n, err := st.ReviewCount()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNew_UnknownDeck(t *testing.T) {
	st, decks, clk := open(t, 1)
	_, err := session.New(st, decks, "nope", clk.now)
	if !errors.Is(err, storage.ErrNoDeck) || !strings.Contains(err.Error(), `"nope" (decks: d)`) {
		t.Errorf("err = %v, want ErrNoDeck naming the decks", err)
	}
}

// TestRate_Undo: a rating is on disk when Rate returns, and Undo takes it
// back on disk and in the queue: the same card is shown again, as new.
func TestRate_Undo(t *testing.T) {
	st, decks, clk := open(t, 3)
	s := start(t, st, decks, clk)
	if c := s.Counts(); c.New != 3 {
		t.Fatalf("counts %+v, want 3 new", c)
	}
	cur := next(t, s)
	if cur.Item.Key != "d/c0" || cur.Card.Front != "F0" || cur.Deck.Title != "Deck D" || cur.Question.Text != "Q?" {
		t.Fatalf("first card %+v", cur)
	}
	clk.t = clk.t.Add(9 * time.Second)
	rev, err := s.Rate(cur, fsrs.Easy, "")
	if err != nil {
		t.Fatal(err)
	}
	if rev.Duration != 9*time.Second || rev.After.State != fsrs.Review {
		t.Errorf("review %+v", rev)
	}
	if got := stored(t, st, "d/c0"); !sameCard(got.FSRS, rev.After) {
		t.Errorf("stored %+v, want %+v", got.FSRS, rev.After)
	}
	if n := logLen(t, st); n != 1 {
		t.Errorf("log holds %d, want 1", n)
	}
	if c := s.Counts(); c.New != 2 {
		t.Errorf("counts after rating %+v, want 2 new", c)
	}
	if reviewed, _ := s.Progress(); reviewed != 1 {
		t.Errorf("reviewed %d", reviewed)
	}
	a, ok := s.LastAction()
	if !ok || a.Kind != session.Rating || a.Key != "d/c0" || a.Review.Seq != rev.Seq {
		t.Errorf("last action %+v, %v", a, ok)
	}
	back, err := s.Undo()
	if err != nil {
		t.Fatal(err)
	}
	if back.Item.Key != "d/c0" || back.State.FSRS.State != fsrs.New {
		t.Errorf("undo shows %s in state %v", back.Item.Key, back.State.FSRS.State)
	}
	if got := stored(t, st, "d/c0"); !sameCard(got.FSRS, rev.Before) {
		t.Errorf("after undo stored %+v, want %+v", got.FSRS, rev.Before)
	}
	if n := logLen(t, st); n != 0 {
		t.Errorf("after undo the log holds %d", n)
	}
	if c := s.Counts(); c.New != 3 {
		t.Errorf("counts after undo %+v, want 3 new", c)
	}
	if s.CanUndo() {
		t.Error("CanUndo after undoing the only action")
	}
	if _, err := s.Undo(); err == nil {
		t.Error("Undo with nothing to undo succeeded")
	}
}

// TestMark_Undo: suspend, bury (until the next study day) and flag are
// stored, suspend and bury take the card out of the queue, and undo puts
// back the flags as they were and the card in the queue.
func TestMark_Undo(t *testing.T) {
	st, decks, clk := open(t, 2)
	s := start(t, st, decks, clk)
	for _, tt := range []struct {
		kind session.ActionKind
		want storage.Flags
		out  bool // leaves the queue
	}{
		{session.Suspend, storage.Flags{Suspended: true}, true},
		{session.Bury, storage.Flags{BuriedUntil: scheduler.NextStudyDay(day0)}, true},
		{session.Flag, storage.Flags{Flagged: true}, false},
	} {
		cur := next(t, s)
		if err := s.Mark(tt.kind, cur); err != nil {
			t.Fatal(err)
		}
		if got := stored(t, st, cur.Item.Key).Flags; !sameFlags(got, tt.want) {
			t.Errorf("%v: stored flags %+v, want %+v", tt.kind, got, tt.want)
		}
		if got := stored(t, st, cur.Item.Key).Flags; !sameFlags(cur.State.Flags, got) {
			t.Errorf("%v: cur.State.Flags %+v not the stored ones", tt.kind, cur.State.Flags)
		}
		if got := s.Counts().New; (got == 1) != tt.out {
			t.Errorf("%v: %d new left", tt.kind, got)
		}
		back, err := s.Undo()
		if err != nil {
			t.Fatal(err)
		}
		if got := stored(t, st, back.Item.Key).Flags; !sameFlags(got, storage.Flags{}) {
			t.Errorf("%v: after undo stored flags %+v", tt.kind, got)
		}
		if got := s.Counts().New; got != 2 {
			t.Errorf("%v: after undo %d new, want 2", tt.kind, got)
		}
	}
	// A buried card comes back on the next study day: NextDue says when.
	if err := s.Mark(session.Suspend, next(t, s)); err != nil {
		t.Fatal(err)
	}
	if err := s.Mark(session.Bury, next(t, s)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Next(); ok {
		t.Fatal("a card is shown with one suspended and one buried")
	}
	if got := s.Summary().NextDue; !got.Equal(scheduler.NextStudyDay(day0)) {
		t.Errorf("NextDue = %v, want the next study day", got)
	}
}

// TestLeech: the eighth lapse makes a card a leech: suspended and flagged
// on disk and out of the queue; undo takes both marks back.
func TestLeech(t *testing.T) {
	st, decks, clk := open(t, 1)
	s := start(t, st, decks, clk)
	var rev storage.Review
	for lapse := 1; lapse <= scheduler.LeechLapses; lapse++ {
		// Easy makes the card a review card; at its due time Again lapses it.
		for _, r := range []fsrs.Rating{fsrs.Easy, fsrs.Again} {
			s = start(t, st, decks, clk) // a session per sitting, as in use
			cur := next(t, s)
			var err error
			if rev, err = s.Rate(cur, r, ""); err != nil {
				t.Fatal(err)
			}
			clk.t = rev.After.Due.Add(time.Minute)
		}
		if rev.After.Lapses != uint64(lapse) || rev.Leech != (lapse == scheduler.LeechLapses) {
			t.Fatalf("lapse %d: lapses %d, leech %v", lapse, rev.After.Lapses, rev.Leech)
		}
	}
	got := stored(t, st, "d/c0")
	if !got.Suspended || !got.Flagged {
		t.Errorf("leech stored as %+v, want suspended and flagged", got.Flags)
	}
	if _, ok, _ := s.Next(); ok {
		t.Error("the leech is still shown")
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	got = stored(t, st, "d/c0")
	if got.Suspended || got.Flagged || got.FSRS.Lapses != scheduler.LeechLapses-1 {
		t.Errorf("after undo %+v, %d lapses", got.Flags, got.FSRS.Lapses)
	}
	if _, ok, _ := s.Next(); !ok {
		t.Error("after undo the card is not shown again")
	}
}

// TestDailyBackup: the first rating of each study day writes one backup
// (a real copy of the database that opens), later ratings that day none; a
// failure is kept for later report when there is no Warn, and rating goes
// on.
func TestDailyBackup(t *testing.T) {
	st, decks, clk := open(t, 5)
	var written []string
	s := start(t, st, decks, clk)
	s.Backups = session.NewDailyBackup(st.Path(), func(name string) error {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := st.Backup(f); err != nil {
			return err
		}
		written = append(written, filepath.Base(name))
		return f.Sync()
	})
	rate := func() {
		t.Helper()
		if _, err := s.Rate(next(t, s), fsrs.Again, ""); err != nil {
			t.Fatal(err)
		}
	}
	rate()
	clk.t = clk.t.Add(time.Hour)
	rate()
	clk.t = time.Date(2024, 1, 3, 3, 59, 0, 0, time.UTC) // still Jan 2's study day
	rate()
	clk.t = time.Date(2024, 1, 3, 4, 0, 0, 0, time.UTC)
	rate()
	want := []string{"flash-2024-01-02T0900.db", "flash-2024-01-03T0400.db"}
	if !slices.Equal(written, want) {
		t.Fatalf("backups written %v, want %v", written, want)
	}
	cp, err := storage.Open(filepath.Join(filepath.Dir(st.Path()), "backups", want[1]), storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := cp.ReviewCount(); err != nil || n != 3 {
		t.Errorf("the second backup holds %d reviews (%v), want the 3 before it", n, err)
	}
	cp.Close()

	// A backup that fails is kept for report; the rating is saved.
	in := filepath.Join(t.TempDir(), "flash.db")
	s.Backups = session.NewDailyBackup(in, func(string) error { return errors.New("disk full") })
	if err := os.WriteFile(filepath.Join(filepath.Dir(in), "backups"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.AddDate(0, 0, 1)
	rate()
	if n := s.Backups.Failures(); n != 1 || !strings.Contains(s.Backups.Failed()[0].Error(), "the daily backup of "+in+" failed (studying goes on)") {
		t.Errorf("failures %d: %v", n, s.Backups.Failed())
	}
	if n := logLen(t, st); n != 5 {
		t.Errorf("log holds %d, want 5", n)
	}
}

// fullStore reads every card state where the session asks for the due
// ones: the way sessions started before the due index.
type fullStore struct{ *storage.Store }

func (f fullStore) DueStates(deckID string, _ time.Time) ([]storage.CardState, error) {
	return f.States(deckID)
}

func (f fullStore) DueCards(deckID string, _ time.Time) ([]storage.CardState, error) {
	return f.States(deckID)
}

// TestSession_DueIndexSameAsFullRead studies the same deck over twelve
// study days twice, once reading the due index (storage.DueCards: most
// cards as their index entries give them, read whole when shown) and once
// every card state, with the same ratings, suspends and buries, a second
// session later in each study day (after ratings of the day) and a
// session that runs across 04:00 into the next study day: both must show
// the same cards, whole (state, question, the intervals on the buttons),
// in the same order, with the same counts, and say the same next due time.
func TestSession_DueIndexSameAsFullRead(t *testing.T) {
	run := func(full bool) []string {
		st, decks, clk := open(t, 60)
		counting := &countingStore{Store: st}
		var store session.Store = counting
		if full {
			store = fullStore{st}
		}
		defer func() {
			if !full && (counting.indexOnly < 100 || counting.whole < 100) {
				t.Errorf("DueCards gave %d cards as indexed, %d whole: the test does not try both", counting.indexOnly, counting.whole)
			}
		}()
		var log []string
		n := 0
		drain := func(s *session.Session, limit int) {
			for range limit {
				cur, ok, err := s.Next()
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					return
				}
				n++
				clk.t = clk.t.Add(20 * time.Second)
				switch {
				case n%23 == 0:
					if err := s.Mark(session.Suspend, cur); err != nil {
						t.Fatal(err)
					}
					log = append(log, cur.Item.Key+" suspended")
					continue
				case n%17 == 0:
					if err := s.Mark(session.Bury, cur); err != nil {
						t.Fatal(err)
					}
					log = append(log, cur.Item.Key+" buried")
					continue
				}
				r := fsrs.Good
				switch {
				case n%7 == 0:
					r = fsrs.Again
				case n%5 == 0:
					r = fsrs.Hard
				case n%11 == 0:
					r = fsrs.Easy
				}
				if _, err := s.Rate(cur, r, ""); err != nil {
					t.Fatal(err)
				}
				log = append(log, fmt.Sprintf("%s %s %+v %v %v %v %v", cur.Item.Key, cur.State.Question, cur.State.FSRS, cur.Preview, r, s.Counts(), cur.Item.Card.Stability))
			}
		}
		for day := range 12 {
			clk.t = day0.AddDate(0, 0, day)
			if day == 11 {
				clk.t = day0.AddDate(0, 0, day).Add(-5*time.Hour - 15*time.Minute) // 03:45
			}
			s, err := session.New(store, decks, "", clk.now)
			if err != nil {
				t.Fatal(err)
			}
			log = append(log, fmt.Sprintf("start %v", s.Counts()))
			drain(s, 25+day)
			log = append(log, "next due "+s.Summary().NextDue.UTC().Format(time.RFC3339))
			// Later in the day, after its ratings: a second session.
			clk.t = clk.t.Add(3 * time.Hour)
			if s, err = session.New(store, decks, "", clk.now); err != nil {
				t.Fatal(err)
			}
			log = append(log, fmt.Sprintf("again %v", s.Counts()))
			drain(s, 6)
			if day == 11 {
				clk.t = day0.AddDate(0, 0, day).Add(-4*time.Hour - 45*time.Minute) // 04:15: a new study day
				drain(s, 200)
			}
			log = append(log, "next due "+s.Summary().NextDue.UTC().Format(time.RFC3339))
		}
		return log
	}
	indexed, full := run(false), run(true)
	if len(indexed) < 100 {
		t.Fatalf("only %d steps", len(indexed))
	}
	sameSteps(t, "indexed", indexed, "full read", full)
}

// sameSteps fails the test at the first step where two runs' logs, named
// aName and bName, differ.
func sameSteps(t *testing.T, aName string, as []string, bName string, bs []string) {
	t.Helper()
	for i := range max(len(as), len(bs)) {
		var a, b string
		if i < len(as) {
			a = as[i]
		}
		if i < len(bs) {
			b = bs[i]
		}
		if a != b {
			t.Fatalf("step %d: %s %q, %s %q", i, aName, a, bName, b)
		}
	}
}

// lapseToLeech rates the one card of st Easy then Again, each at its due
// time, until the last rating makes it a leech. Before that last rating,
// mark (when set) is applied to the card on screen. It returns the session
// of the last rating and that rating.
func lapseToLeech(t *testing.T, st *storage.Store, decks []storage.DeckInfo, clk *clock, mark func(*session.Session, *session.Card)) (*session.Session, storage.Review) {
	t.Helper()
	var s *session.Session
	var rev storage.Review
	for lapse := 1; lapse <= scheduler.LeechLapses; lapse++ {
		for _, r := range []fsrs.Rating{fsrs.Easy, fsrs.Again} {
			s = start(t, st, decks, clk)
			cur := next(t, s)
			if lapse == scheduler.LeechLapses && r == fsrs.Again && mark != nil {
				mark(s, cur)
			}
			var err error
			if rev, err = s.Rate(cur, r, ""); err != nil {
				t.Fatal(err)
			}
			clk.t = rev.After.Due.Add(time.Minute)
		}
	}
	if !rev.Leech {
		t.Fatal("the last lapse did not make a leech")
	}
	return s, rev
}

// TestLeech_UndoKeepsFlags: undoing the rating that made a card a leech
// puts the card's flags back exactly as they were: a flag the learner had
// set before stays (issue 11, item 9: undo used to clear it), the
// suspension goes, and the card is studied again.
func TestLeech_UndoKeepsFlags(t *testing.T) {
	st, decks, clk := open(t, 1)
	s, rev := lapseToLeech(t, st, decks, clk, func(s *session.Session, cur *session.Card) {
		if err := s.Mark(session.Flag, cur); err != nil {
			t.Fatal(err)
		}
	})
	if !rev.FlagsBefore.Flagged || rev.FlagsBefore.Suspended {
		t.Errorf("FlagsBefore %+v, want flagged only", rev.FlagsBefore)
	}
	if got := stored(t, st, "d/c0").Flags; !got.Suspended || !got.Flagged {
		t.Fatalf("leech stored as %+v", got)
	}
	cur, err := s.Undo()
	if err != nil {
		t.Fatal(err)
	}
	if got := stored(t, st, "d/c0").Flags; got.Suspended || !got.Flagged {
		t.Errorf("after undo stored %+v, want flagged as before the rating, not suspended", got)
	}
	if cur.State.Suspended || !cur.State.Flagged {
		t.Errorf("after undo the session has %+v", cur.State.Flags)
	}
	if again, ok, _ := s.Next(); !ok || again.Item.Key != "d/c0" {
		t.Error("after undo the card is not studied again")
	}
	// The flag was the learner's: undoing it clears it.
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	if got := stored(t, st, "d/c0").Flags; got.Flagged || got.Suspended {
		t.Errorf("after undoing the flag %+v", got)
	}
}

// TestUnsuspend: every id is resolved before anything is written (one bad
// id: nothing changes); a suspended card loses only its suspension, a flag
// stays; a card that is not suspended is left alone.
func TestUnsuspend(t *testing.T) {
	st, decks, clk := open(t, 3)
	s := start(t, st, decks, clk)
	cur := next(t, s)
	if err := s.Mark(session.Flag, cur); err != nil {
		t.Fatal(err)
	}
	if err := s.Mark(session.Suspend, cur); err != nil {
		t.Fatal(err)
	}
	if _, err := session.Unsuspend(st, []string{"c0", "nope"}); err == nil || !strings.Contains(err.Error(), `unknown card "nope"`) {
		t.Fatalf("err = %v", err)
	}
	if got := stored(t, st, "d/c0").Flags; !got.Suspended {
		t.Fatal("a refused unsuspend changed a card")
	}
	got, err := session.Unsuspend(st, []string{"d/c0", "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key() != "d/c0" || !got[0].Suspended || got[1].Key() != "d/c1" || got[1].Suspended {
		t.Errorf("result %+v", got)
	}
	if f := stored(t, st, "d/c0").Flags; f.Suspended || !f.Flagged {
		t.Errorf("d/c0 now %+v, want flagged, not suspended", f)
	}
	for _, tt := range []struct{ id, err string }{
		{"d/", "bad card id"},
		{"x/c0", `no deck "x"`},
	} {
		if _, err := session.Unsuspend(st, []string{tt.id}); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err = %v, want %q", tt.id, err, tt.err)
		}
	}
}

// importDeck imports the deck file src into a new database an hour before
// day0 and returns the store (closed when the test ends) and its decks.
func importDeck(t *testing.T, src string) (*storage.Store, []storage.DeckInfo) {
	t.Helper()
	d, err := deck.Parse("d.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(filepath.Join(t.TempDir(), "flash.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Import(d, storage.Source{Hash: "1"}, day0.Add(-time.Hour), false); err != nil {
		t.Fatal(err)
	}
	decks, err := st.Decks()
	if err != nil {
		t.Fatal(err)
	}
	return st, decks
}

// countingStore counts the cards that DueCards gives as their index
// entries say (IndexOnly) and the cards it gives whole, and keeps the ids
// StatesOf reads (the session reads a card whole with it).
type countingStore struct {
	*storage.Store
	indexOnly, whole int
	wholeIDs         []string
	read             []string
}

func (c *countingStore) DueCards(deckID string, end time.Time) ([]storage.CardState, error) {
	cs, err := c.Store.DueCards(deckID, end)
	for _, s := range cs {
		if s.IndexOnly {
			c.indexOnly++
		} else {
			c.whole++
			c.wholeIDs = append(c.wholeIDs, s.ID)
		}
	}
	return cs, err
}

func (c *countingStore) StatesOf(deckID string, ids []string) ([]storage.CardState, error) {
	c.read = append(c.read, ids...)
	return c.Store.StatesOf(deckID, ids)
}

// wholeAtStart reports whether a session built on c (and not asked for a
// card yet) has card id whole: given so by DueCards or read since.
func (c *countingStore) wholeAtStart(id string) bool {
	return slices.Contains(c.wholeIDs, id) || slices.Contains(c.read, id)
}

// TestSession_DueCards_ReviewedInTheDay: on a 25-hour study day (New
// York's autumn change), a card reviewed at 04:30 with a one-day interval
// is due again before the study day ends; the queue keeps it for the next
// day (its LastReview is in this one). A due index entry does not hold
// LastReview, so a session started after that rating reads that card
// whole: the counts and the cards shown are those of a full read.
func TestSession_DueCards_ReviewedInTheDay(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	st, decks, clk := open(t, 20)
	at := time.Date(2024, 11, 2, 4, 30, 0, 0, ny) // EDT; the study day ends at 04:00 EST, 25 hours after it began
	st = rateC0(t, st, at, at.Add(24*time.Hour))
	clk.t = at.Add(5 * time.Hour)
	if due := stored(t, st, "d/c0").FSRS.Due; !due.Before(scheduler.NextStudyDay(clk.t)) {
		t.Fatalf("the test needs a due date in the study day: due %v, day ends %v", due, scheduler.NextStudyDay(clk.t))
	}
	// same checks that a session reading DueCards starts with the counts
	// and first card of one reading every state, and returns its counts.
	var c0AtStart bool
	same := func(counting *countingStore) scheduler.Counts {
		t.Helper()
		full, err := session.New(fullStore{st}, decks, "", clk.now)
		if err != nil {
			t.Fatal(err)
		}
		s, err := session.New(counting, decks, "", clk.now)
		if err != nil {
			t.Fatal(err)
		}
		c0AtStart = counting.wholeAtStart("c0")
		got, want := s.Counts(), full.Counts()
		if got != want {
			t.Errorf("%v: counts %+v, want %+v as from a full read", clk.t, got, want)
		}
		if a, b := next(t, s), next(t, full); a.Item.Key != b.Item.Key || a.State != b.State || a.Preview != b.Preview {
			t.Errorf("%v: first card %s %+v, want %s %+v as from a full read", clk.t, a.Item.Key, a.State, b.Item.Key, b.State)
		}
		return got
	}
	counting := &countingStore{Store: st}
	if c := same(counting); c.Review != 0 {
		t.Errorf("counts %+v: c0, reviewed in this study day, counted", c)
	}
	if !c0AtStart || counting.indexOnly != 4 {
		t.Errorf("c0 whole at start %v, DueCards gave %d cards as indexed; want c0 read whole for the queue, it and the 3 new cards indexed", c0AtStart, counting.indexOnly)
	}

	// The next study day, before any rating in it: most cards come as
	// their entries say, c0 among the reviews.
	clk.t = time.Date(2024, 11, 3, 9, 0, 0, 0, ny)
	counting = &countingStore{Store: st}
	if c := same(counting); c.Review != 1 {
		t.Errorf("counts %+v, want c0 due", c)
	}
	if counting.indexOnly < 4 {
		t.Errorf("DueCards gave %d cards as indexed, %d whole; want c0 and the new cards as indexed", counting.indexOnly, counting.whole)
	}
}

// rateC0 stores a rating of card c0 at at that makes it a review card due
// at due, and then sixteen ratings of c1…c16 (to learning, due 10 minutes
// later), and returns st closed and opened again (as when a session
// ends), so that the due index has moved c0's entries (storage's
// deferIndex) and gives c0 from the index, not as a pending state.
func rateC0(t *testing.T, st *storage.Store, at, due time.Time) *storage.Store {
	t.Helper()
	rate := func(id string, at time.Time, state fsrs.State, due time.Time) {
		t.Helper()
		before := stored(t, st, "d/"+id).FSRS
		after := before
		after.State, after.Stability, after.Difficulty, after.Reps = state, 1, 5, 1
		after.LastReview, after.Due, after.ScheduledDays = at, due, 1
		if _, err := st.Rate(storage.Review{Deck: "d", Card: id, At: at, Rating: fsrs.Good, Before: before, After: after, ScheduledDays: 1}); err != nil {
			t.Fatal(err)
		}
	}
	rate("c0", at, fsrs.Review, due)
	for i := 1; i <= 16; i++ {
		at := at.Add(time.Duration(i) * time.Minute)
		rate(fmt.Sprintf("c%d", i), at, fsrs.Learning, at.Add(10*time.Minute))
	}
	return reopen(t, st)
}

// reopen closes st, which moves the due index entries of the cards whose
// state changed (storage's deferIndex), and opens its file again.
func reopen(t *testing.T, st *storage.Store) *storage.Store {
	t.Helper()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(st.Path(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestSession_DueCards_StateDisagrees: flash never gives a review card
// an interval under a day, so storage.DueCards gives such a card as its
// index entry says; should a database hold one anyway (here due an hour
// after its review, in the same study day), the session, on reading it
// whole, still keeps it out of the day it was reviewed in.
func TestSession_DueCards_StateDisagrees(t *testing.T) {
	st, decks, clk := open(t, 20)
	at := day0 // 09:00
	st = rateC0(t, st, at, at.Add(time.Hour))
	clk.t = at.Add(3 * time.Hour)
	counting := &countingStore{Store: st}
	s, err := session.New(counting, decks, "", clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if counting.wholeAtStart("c0") {
		t.Fatalf("c0 read whole: the test needs it as indexed")
	}
	for range 40 {
		cur, ok, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if cur.Item.Key == "d/c0" {
			t.Fatalf("c0 shown again in the study day it was reviewed in")
		}
		if err := s.Mark(session.Bury, cur); err != nil {
			t.Fatal(err)
		}
	}
	if c := s.Counts(); c != (scheduler.Counts{}) {
		t.Errorf("counts %+v after every card was buried", c)
	}
}
