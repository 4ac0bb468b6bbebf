package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/cmd/flashgen/gen"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/refit"
	"github.com/flash-srs/flash/storage"
)

// genEnd is when the generated histories end; genNow the next morning.
var (
	genEnd = time.Date(2025, 6, 1, 21, 0, 0, 0, time.UTC)
	genNow = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
)

// genDB builds a database whose review log a simulated learner made with
// flash's real scheduler: reviews entries over cards cards.
func genDB(t *testing.T, cards, reviews int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gen.db")
	if _, err := gen.Build(path, gen.Config{Cards: cards, Reviews: reviews, Seed: 3, End: genEnd}); err != nil {
		t.Fatal(err)
	}
	return path
}

func readOptimizeJSON(t *testing.T, out string) optimizeJSON {
	t.Helper()
	var j optimizeJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	return j
}

// storedWeights returns the weights stored for deck, or nil.
func storedWeights(t *testing.T, db, deckID string) *scheduler.Fitted {
	t.Helper()
	st, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := scheduler.LoadWeights(st, deckID)
	if err != nil {
		t.Fatal(err)
	}
	return u.Fitted
}

func TestOptimize_DryRunWritesNothing(t *testing.T) {
	db := genDB(t, 150, 2500)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, cmdOptimize, db, genNow, "--dry-run")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "Nothing stored (--dry-run).") || !strings.Contains(r.stdout, "held out") {
		t.Errorf("report:\n%s", r.stdout)
	}
	after, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("optimize --dry-run changed the database file")
	}
	if f := storedWeights(t, db, "gen"); f != nil {
		t.Errorf("weights stored by a dry run: %+v", f)
	}
}

func TestOptimize_StoresRecomputesAndResets(t *testing.T) {
	db := genDB(t, 150, 2500)
	statesOf := func() map[string]storage.CardState {
		st, err := storage.Open(db, storage.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		cs, err := st.States("gen")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]storage.CardState{}
		for _, c := range cs {
			m[c.ID] = c
		}
		return m
	}
	orig := statesOf()
	r := runCmd(t, cmdOptimize, db, genNow, "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	j := readOptimizeJSON(t, r.stdout)
	if len(j.Weights) != 19 || j.Reviews != 2500 || j.Items == 0 || j.LogLossDefaultHeldOut == nil || len(j.Stored) != 1 || j.Stored[0] != "gen" {
		t.Fatalf("report %+v", j)
	}
	f := storedWeights(t, db, "gen")
	if f == nil || !f.FittedAt.Equal(genNow) || f.Reviews != 2500 || !slicesEqual(f.Weights, j.Weights) {
		t.Fatalf("stored %+v, report %+v", f, j)
	}
	// Memory states: recomputed under the new weights, due dates kept.
	fitted := statesOf()
	changed := 0
	for id, c := range fitted {
		o := orig[id]
		if !c.FSRS.Due.Equal(o.FSRS.Due) || c.FSRS.State != o.FSRS.State || c.FSRS.Reps != o.FSRS.Reps {
			t.Errorf("%s: schedule changed: %+v → %+v", id, o.FSRS, c.FSRS)
		}
		if c.FSRS.Stability != o.FSRS.Stability {
			changed++
		}
	}
	if changed < len(fitted)/2 {
		t.Errorf("only %d of %d cards got a new stability", changed, len(fitted))
	}
	// stats says so.
	s := runCmd(t, cmdStats, db, genNow)
	if !strings.Contains(s.stdout, "Weights fitted 2025-06-02 (flash optimize)") {
		t.Errorf("stats does not say the weights are fitted:\n%s", s.stdout)
	}
	// --reset: back to the defaults, and to the memory states they give.
	r = runCmd(t, cmdOptimize, db, genNow, "--reset")
	if r.code != 0 || !strings.Contains(r.stdout, "gen goes back to go-fsrs's default weights") {
		t.Fatalf("reset: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if f := storedWeights(t, db, "gen"); f != nil {
		t.Errorf("weights still stored after --reset: %+v", f)
	}
	for id, c := range statesOf() {
		if d := c.FSRS.Stability - orig[id].FSRS.Stability; d > 1e-9*orig[id].FSRS.Stability || d < -1e-9*orig[id].FSRS.Stability {
			t.Errorf("%s: stability %v after reset, %v before the fit", id, c.FSRS.Stability, orig[id].FSRS.Stability)
			break
		}
	}
	if s := runCmd(t, cmdStats, db, genNow); !strings.Contains(s.stdout, "Weights go-fsrs defaults") {
		t.Errorf("stats after reset:\n%s", s.stdout)
	}
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestOptimize_RevlogRoundTrip: a log exported with export --revlog and
// fitted with --revlog gives what fitting the database gives.
func TestOptimize_RevlogRoundTrip(t *testing.T) {
	db := genDB(t, 150, 2500)
	csv := filepath.Join(t.TempDir(), "revlog.csv")
	if r := runCmd(t, cmdExport, db, genNow, "--revlog", csv); r.code != 0 {
		t.Fatal(r.stderr)
	}
	a := runCmd(t, cmdOptimize, db, genNow, "--dry-run", "--json")
	b := runCmd(t, cmdOptimize, "", genNow, "--revlog", csv, "--json", "--timezone", time.Local.String())
	if a.code != 0 || b.code != 0 {
		t.Fatalf("exit %d, %d: %s %s", a.code, b.code, a.stderr, b.stderr)
	}
	ja, jb := readOptimizeJSON(t, a.stdout), readOptimizeJSON(t, b.stdout)
	ja.Seconds, jb.Seconds = 0, 0
	ja.Stored, jb.Stored = nil, nil
	if sa, sb := mustJSON(t, ja), mustJSON(t, jb); sa != sb {
		t.Errorf("database and its export fit differently:\n%s\n%s", sa, sb)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOptimize_Errors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("card_id,review_time,review_rating,review_state,review_duration\n1,1000,3,0,0\n1,90000000,9,2,0\n"), 0o644)
	small := filepath.Join(dir, "small.csv")
	os.WriteFile(small, []byte("card_id,review_time,review_rating,review_state,review_duration\n1,1000,3,0,0\n1,90000000,3,2,0\n"), 0o644)
	db := importSmall(t)
	for _, tc := range []struct {
		name string
		db   string
		args []string
		code int
		want string
	}{
		{"bad line", "", []string{"--revlog", bad}, 1, "flash: " + bad + `:3: review_rating "9" is not 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)` + "\n"},
		{"too small", "", []string{"--revlog", small}, 1, "at least 8 needed"},
		{"no reviews in the database", db, nil, 1, "the weights in use are kept"},
		{"revlog and deck", "", []string{"--revlog", bad, "--deck", "x"}, 2, "takes no --deck"},
		{"timezone without revlog", db, []string{"--timezone", "UTC"}, 2, "go with --revlog"},
		{"bad timezone", "", []string{"--revlog", small, "--timezone", "Mars/Olympus"}, 2, "not a known time zone"},
		{"unknown deck", db, []string{"--deck", "nope"}, 1, `no such deck "nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, cmdOptimize, tc.db, fixedNow, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.code, tc.want)
			}
		})
	}
	if f := storedWeights(t, db, "small"); f != nil {
		t.Errorf("a failed fit stored weights: %+v", f)
	}
}

// TestOptimize_PreviewsUseNewWeights is a scripted day: a learner with a
// history optimizes, then reviews; the intervals on the rating buttons are
// those of the fitted weights (and differ from the defaults' for some).
func TestOptimize_PreviewsUseNewWeights(t *testing.T) {
	db := genDB(t, 150, 2500)
	if r := runCmd(t, cmdOptimize, db, genNow); r.code != 0 {
		t.Fatal(r.stderr)
	}
	f := storedWeights(t, db, "gen")
	st, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	states, err := st.States("gen")
	decks, _ := st.Decks()
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]storage.CardState{}
	for _, c := range states {
		byID[c.ID] = c
	}
	var w [19]float64
	copy(w[:], f.Weights)
	p := refit.Policy(decks, "gen", w)
	fitted := scheduler.New(p)
	p.Weights = [19]float64{}
	def := scheduler.New(p)

	const n = 8
	input := strings.Repeat("\n3\n", n) + "q\n"
	now := genNow.Add(90 * 24 * time.Hour) // many cards are due
	r := runFlash(t, input, clock(now), "--db", db, "review", "--plain")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	head := regexp.MustCompile(`(?m)^== .* · (\S+)  \[`)
	rating := regexp.MustCompile(`(?m)^1 Again \(.*$`)
	ids := head.FindAllStringSubmatch(r.stdout, -1)
	lines := rating.FindAllString(r.stdout, -1)
	if len(ids) < n || len(lines) < n {
		t.Fatalf("%d cards, %d rating lines in:\n%s", len(ids), len(lines), r.stdout)
	}
	differ := 0
	seen := map[string]bool{}
	for i := range n {
		id := ids[i][1]
		if seen[id] {
			continue // shown again after a learning step: its state changed
		}
		seen[id] = true
		c := byID[id]
		want := ratingLine(fitted.Preview("gen/"+id, c.FSRS, now))
		if lines[i] != want {
			t.Errorf("%s: buttons %q, want the fitted weights' %q", id, lines[i], want)
		}
		if ratingLine(def.Preview("gen/"+id, c.FSRS, now)) != want {
			differ++
		}
	}
	if differ == 0 {
		t.Errorf("no card's buttons differ between the fitted and the default weights; the test shows nothing")
	}
}
