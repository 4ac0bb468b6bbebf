package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	"github.com/rivo/uniseg"
	"gonum.org/v1/gonum/floats/scalar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// statsJSON runs flash stats --json and decodes it.
func statsJSON(t *testing.T, db string, now time.Time, args ...string) *stats.Stats {
	t.Helper()
	r := runCmd(t, cmdStats, db, now, append([]string{"--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("stats: exit %d: %s", r.code, r.stderr)
	}
	var s stats.Stats
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("decode: %v\n%s", err, r.stdout)
	}
	return &s
}

// calEdges are the calibration bins' bounds the JSON promises.
var calEdges = [...]float64{0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1}

// ratio is a/b, or 0 when b is 0, as the figures define rates.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func near(a, b float64) bool { return scalar.EqualWithinAbsOrRel(a, b, 1e-12, 1e-12) }

// TestStats_Scripted checks every figure of the scripted database, number
// by number.
func TestStats_Scripted(t *testing.T) {
	sc := scriptedDB(t)
	s := statsJSON(t, sc.path, statsNow)
	now := statsNow
	tomorrow := time.Date(2024, 3, 11, 4, 0, 0, 0, time.UTC)

	if want := []stats.DeckStats{{ID: "exam", Title: "Exam deck", DesiredRetention: 0.85, Cards: 7, Weights: "default"}}; !slices.Equal(s.Decks, want) {
		t.Errorf("decks %+v, want %+v", s.Decks, want)
	}
	// Cards: q1-d and q2-gone new, q1-c and q2-b learning, q1-a q1-b q2-a
	// review, q2-old retired.
	dueNow, dueToday, dueTomorrow := 0, 0, 0
	var forecast [stats.Days]int
	for id, c := range sc.cards {
		if c.State == fsrs.New || id == "q2-old" {
			continue
		}
		if !c.Due.After(now) {
			dueNow++
		}
		if c.Due.Before(tomorrow) {
			dueToday++
		} else if c.Due.Before(tomorrow.Add(24 * time.Hour)) {
			dueTomorrow++
		}
		day := int(math.Floor(c.Due.Sub(tomorrow).Hours()/24)) + 1
		if day < stats.Days {
			forecast[max(day, 0)]++
		}
	}
	if dueNow < 2 {
		t.Fatalf("the script should leave q1-c and q2-b due now, got %d due", dueNow)
	}
	// Of the two new cards q1-d is suspended: one waits, and today's new
	// cards (20 a day) are not used up.
	wantCards := stats.CardCounts{Total: 7, New: 2, Learning: 2, Review: 3, Relearning: 0, Retired: 1,
		Suspended: 1, Flagged: 1, NewAvailable: 1, NewToday: 1, DueNow: dueNow, DueToday: dueToday, DueTomorrow: dueTomorrow}
	if s.Cards != wantCards {
		t.Errorf("cards\n got %+v\nwant %+v", s.Cards, wantCards)
	}
	if want := []stats.CardRef{{ID: "exam/q1-d", Front: "Front 1d, first line"}}; !slices.Equal(s.Suspended, want) {
		t.Errorf("suspended %+v, want %+v", s.Suspended, want)
	}
	if want := []stats.CardRef{{ID: "exam/q2-a", Front: "Front 2a"}}; !slices.Equal(s.Flagged, want) {
		t.Errorf("flagged %+v, want %+v", s.Flagged, want)
	}

	if len(s.Forecast) != stats.Days || s.Forecast[0].Date != "2024-03-10" || s.Forecast[29].Date != "2024-04-08" {
		t.Fatalf("forecast days %v", s.Forecast)
	}
	for i, d := range s.Forecast {
		if d.Reviews != forecast[i] {
			t.Errorf("forecast day %d (%s): %d, want %d", i, d.Date, d.Reviews, forecast[i])
		}
	}
	wantHistory := map[int]int{10: 1, 24: 2, 29: 1}
	if len(s.History) != stats.Days || s.History[0].Date != "2024-02-10" || s.History[29].Date != "2024-03-10" {
		t.Fatalf("history days %v", s.History)
	}
	for i, d := range s.History {
		if d.Reviews != wantHistory[i] {
			t.Errorf("history day %d (%s): %d, want %d", i, d.Date, d.Reviews, wantHistory[i])
		}
	}

	wantRet := stats.Retention{
		Desired:    0.85,
		Last7Days:  stats.RecallRate{Reviews: 2, Recalled: 2, Rate: 1},
		Last30Days: stats.RecallRate{Reviews: 3, Recalled: 3, Rate: 1},
		AllTime:    stats.RecallRate{Reviews: 6, Recalled: 5, Rate: 5.0 / 6},
	}
	if s.Retention != wantRet {
		t.Errorf("retention\n got %+v\nwant %+v", s.Retention, wantRet)
	}

	// Calibration: the six reviews of review cards, binned by go-fsrs's
	// own retrievability of the card before the review.
	f := fsrs.NewFSRS(fsrs.DefaultParam())
	type bin struct {
		n, ok int
		sum   float64
	}
	bins := make([]bin, len(calEdges)-1)
	for _, r := range sc.log {
		if r.Before.State != fsrs.Review {
			continue
		}
		p := f.GetRetrievability(r.Before, r.At)
		i := sort.SearchFloat64s(calEdges[:], p)
		if i == len(calEdges) || calEdges[i] > p {
			i--
		}
		i = min(i, len(bins)-1)
		bins[i].n++
		bins[i].sum += p
		if r.Rating != fsrs.Again {
			bins[i].ok++
		}
	}
	if len(s.Calibration) != len(bins) {
		t.Fatalf("%d calibration bins, want %d", len(s.Calibration), len(bins))
	}
	total := 0
	for i, b := range s.Calibration {
		w := bins[i]
		total += b.Reviews
		if b.From != calEdges[i] || b.To != calEdges[i+1] || b.Reviews != w.n ||
			!near(b.Predicted, ratio(w.sum, float64(w.n))) || !near(b.Recalled, ratio(float64(w.ok), float64(w.n))) {
			t.Errorf("calibration bin %d: got %+v, want n=%d predicted=%v recalled %d", i, b, w.n, ratio(w.sum, float64(w.n)), w.ok)
		}
	}
	if total != 6 {
		t.Errorf("calibration holds %d reviews, want 6", total)
	}

	var sumS, sumD float64
	for _, id := range []string{"q1-a", "q1-b", "q1-c", "q2-a", "q2-b"} {
		sumS += sc.cards[id].Stability
		sumD += sc.cards[id].Difficulty
	}
	if s.Memory.Cards != 5 || !near(s.Memory.MeanStability, sumS/5) || !near(s.Memory.MeanDifficulty, sumD/5) {
		t.Errorf("memory %+v, want 5 cards, S %v, D %v", s.Memory, sumS/5, sumD/5)
	}
	sec := reviewDuration.Seconds()
	if want := (stats.TimeSpent{TodaySeconds: sec, Last7DaysSeconds: 3 * sec, Last30DaysSeconds: 4 * sec, AllTimeSeconds: 13 * sec, Reviews: 13}); s.Time != want {
		t.Errorf("time %+v, want %+v", s.Time, want)
	}
}

// TestStats_Readiness checks readiness now and at future dates against
// go-fsrs's GetRetrievability of the cards the scheduler produced.
func TestStats_Readiness(t *testing.T) {
	sc := scriptedDB(t)
	f := fsrs.NewFSRS(fsrs.DefaultParam())
	questions := map[string][]string{
		"q1": {"q1-a", "q1-b", "q1-c", "q1-d"},
		"q2": {"q2-a", "q2-b", "q2-gone"},
	}
	tests := []struct {
		name string
		args []string
		at   time.Time
	}{
		{"now", nil, statsNow},
		{"exam in ten days", []string{"--at", "2024-03-20"}, time.Date(2024, 3, 20, examHour, 0, 0, 0, time.UTC)},
		{"today (exam hour passed)", []string{"--at", "2024-03-10"}, statsNow},
		{"RFC 3339", []string{"--at", "2024-06-01T15:30:00Z"}, time.Date(2024, 6, 1, 15, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := statsJSON(t, sc.path, statsNow, tt.args...)
			rd := s.Readiness
			if !rd.At.Equal(tt.at) {
				t.Fatalf("at %v, want %v", rd.At, tt.at)
			}
			recall := map[string]float64{}
			for _, ids := range questions {
				for _, id := range ids {
					recall[id] = f.GetRetrievability(sc.cards[id], tt.at) // 0 for new cards
				}
			}
			if len(rd.Papers) != 2 || rd.Papers[0].Paper != "Paper One: a long subtitle that the text rendering has to cut somewhere sensible" || rd.Papers[1].Paper != "Paper Two" {
				t.Fatalf("papers %+v", rd.Papers)
			}
			var all float64
			for pi, qid := range []string{"q1", "q2"} {
				p := rd.Papers[pi]
				if len(p.Questions) != 1 || p.Questions[0].ID != qid {
					t.Fatalf("paper %d questions %+v", pi, p.Questions)
				}
				q := p.Questions[0]
				ids := questions[qid]
				var sum float64
				for _, id := range ids {
					sum += recall[id]
				}
				all += sum
				if q.Cards != len(ids) || q.New != 1 || !near(q.Mean, sum/float64(len(ids))) {
					t.Errorf("%s: %d cards, %d new, mean %v; want %d, 1, %v", qid, q.Cards, q.New, q.Mean, len(ids), sum/float64(len(ids)))
				}
				if p.Cards != q.Cards || !near(p.Mean, q.Mean) {
					t.Errorf("paper of %s: %+v", qid, p)
				}
				// The weakest: the new card first, then by recall; the
				// suspended q1-d is not one to study and is left out.
				want := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == "q1-d" })
				if wantSusp := map[string]int{"q1": 1}[qid]; q.Suspended != wantSusp {
					t.Errorf("%s: %d suspended, want %d", qid, q.Suspended, wantSusp)
				}
				slices.SortStableFunc(want, func(a, b string) int {
					if recall[a] != recall[b] {
						if recall[a] < recall[b] {
							return -1
						}
						return 1
					}
					return strings.Compare(a, b)
				})
				want = want[:stats.WeakestPerQuestion]
				var got []string
				for _, c := range q.Weakest {
					got = append(got, strings.TrimPrefix(c.ID, "exam/"))
					if !near(c.Recall, recall[strings.TrimPrefix(c.ID, "exam/")]) {
						t.Errorf("%s recall %v, want %v", c.ID, c.Recall, recall[c.ID])
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s weakest %v, want %v", qid, got, want)
				}
			}
			if rd.Cards != 7 || rd.New != 2 || !near(rd.Mean, all/7) {
				t.Errorf("overall %d cards, %d new, mean %v; want 7, 2, %v", rd.Cards, rd.New, rd.Mean, all/7)
			}
		})
	}
	// Recall only falls with time.
	a := statsJSON(t, sc.path, statsNow).Readiness.Mean
	b := statsJSON(t, sc.path, statsNow, "--at", "2024-09-01").Readiness.Mean
	if !(b < a) {
		t.Errorf("readiness in September %v not below today's %v", b, a)
	}
}

// TestStats_JSONFields pins the JSON field names documented in the README.
func TestStats_JSONFields(t *testing.T) {
	sc := scriptedDB(t)
	r := runCmd(t, cmdStats, sc.path, statsNow, "--json")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) []string {
		var ks []string
		for k := range v.(map[string]any) {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	first := func(v any) any { return v.([]any)[0] }
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"top", m, "calibration calibration_weights cards deck decks exams flagged forecast generated_at history memory readiness retention suspended time"},
		{"decks[]", first(m["decks"]), "cards desired_retention id title weights"},
		{"readiness", m["readiness"], "at cards mean new papers"},
		{"papers[]", first(m["readiness"].(map[string]any)["papers"]), "cards deck mean new paper questions"},
		{"questions[]", first(first(m["readiness"].(map[string]any)["papers"]).(map[string]any)["questions"]), "cards id mean new suspended text weakest"},
		{"weakest[]", first(first(first(m["readiness"].(map[string]any)["papers"]).(map[string]any)["questions"]).(map[string]any)["weakest"]), "id recall state"},
		{"cards", m["cards"], "due_now due_today due_tomorrow flagged learning new new_available new_today relearning retired review suspended total"},
		{"suspended[]", first(m["suspended"]), "front id"},
		{"forecast[]", first(m["forecast"]), "date reviews"},
		{"history[]", first(m["history"]), "date reviews"},
		{"retention", m["retention"], "all_time desired last_30_days last_7_days"},
		{"retention.all_time", m["retention"].(map[string]any)["all_time"], "rate recalled reviews"},
		{"calibration[]", first(m["calibration"]), "from predicted recalled reviews to"},
		{"memory", m["memory"], "cards mean_difficulty mean_stability_days"},
		{"time", m["time"], "all_time_seconds last_30_days_seconds last_7_days_seconds reviews today_seconds"},
	}
	for _, tt := range tests {
		if got := strings.Join(keys(tt.v), " "); got != tt.want {
			t.Errorf("%s fields:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
	// Readiness comes first in the output, as in the text.
	if i, j := strings.Index(r.stdout, "\n  \"readiness\""), strings.Index(r.stdout, "\n  \"cards\""); i < 0 || i > j {
		t.Errorf("readiness is not before cards in the JSON")
	}
}

// TestStats_Golden compares the text rendering of the scripted database
// with testdata/stats_scripted.golden (go test -update rewrites it).
func TestStats_Golden(t *testing.T) {
	sc := scriptedDB(t)
	tests := []struct {
		name string
		args []string
	}{
		{"stats_scripted", nil},
		{"stats_scripted_at", []string{"--at", "2024-04-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, cmdStats, sc.path, statsNow, tt.args...)
			if r.code != 0 {
				t.Fatal(r.stderr)
			}
			checkWidth(t, r.stdout)
			if strings.Contains(r.stdout, "\x1b[") {
				t.Error("color codes in output that is not a terminal")
			}
			golden(t, tt.name, r.stdout)
		})
	}
}

func checkWidth(t *testing.T, out string) {
	t.Helper()
	for i, line := range strings.Split(out, "\n") {
		if w := uniseg.StringWidth(line); w > statsWidth {
			t.Errorf("line %d is %d columns wide: %q", i+1, w, line)
		}
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestStats_Color(t *testing.T) {
	sc := scriptedDB(t)
	s := statsJSON(t, sc.path, statsNow)
	plain, colored := renderStats(s, false), renderStats(s, true)
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Error("color codes without color")
	}
	if !bytes.Contains(colored, []byte(ansiGreen)) || !bytes.Contains(colored, []byte(ansiReset)) {
		t.Error("no color codes with color on")
	}
	strip := strings.NewReplacer(ansiReset, "", ansiBold, "", ansiRed, "", ansiGreen, "", ansiYellow, "", ansiCyan, "", ansiDim, "")
	if got := strip.Replace(string(colored)); got != string(plain) {
		t.Errorf("colored text differs from plain text beyond the codes:\n%s", got)
	}
}

// TestStats_Empty covers a fresh database (the built-in deck is imported)
// and a deck without reviews: zeros everywhere, no NaN.
func TestStats_Empty(t *testing.T) {
	t.Run("fresh database", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "sub", "flash.db")
		r := runCmd(t, cmdStats, db, statsNow, "--json")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, `imported the built-in deck "ml-papers"`) {
			t.Errorf("stderr %q", r.stderr)
		}
		var s stats.Stats
		if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
			t.Fatal(err)
		}
		n := len(deck.Builtin().Cards)
		if s.Cards.Total != n || s.Cards.New != n || s.Readiness.Cards != n || s.Readiness.Mean != 0 {
			t.Errorf("cards %+v readiness %d/%v, want %d new cards at 0", s.Cards, s.Readiness.Cards, s.Readiness.Mean, n)
		}
		nq := 0
		for _, p := range s.Readiness.Papers {
			nq += len(p.Questions)
		}
		if len(s.Readiness.Papers) != 4 || nq != 13 {
			t.Errorf("%d papers, %d questions; want 4 and 13", len(s.Readiness.Papers), nq)
		}
		// A second run opens read-only and imports nothing.
		r = runCmd(t, cmdStats, db, statsNow)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("second run: exit %d, stderr %q", r.code, r.stderr)
		}
		checkWidth(t, r.stdout)
	})
	t.Run("deck without reviews", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "flash.db")
		st, err := storage.Open(db, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := deck.Parse("exam.toml", []byte(examDeck))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Import(d, storage.Source{Hash: "x"}, statsNow, false); err != nil {
			t.Fatal(err)
		}
		st.Close()
		r := runCmd(t, cmdStats, db, statsNow, "--json", "--deck", "exam")
		if r.code != 0 {
			t.Fatal(r.stderr)
		}
		if strings.Contains(r.stdout, "NaN") || strings.Contains(r.stdout, "Inf") {
			t.Errorf("NaN or Inf in JSON:\n%s", r.stdout)
		}
		var s stats.Stats
		if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
			t.Fatal(err)
		}
		if s.Retention.AllTime != (stats.RecallRate{}) || s.Memory != (stats.Memory{}) || s.Time != (stats.TimeSpent{}) || sumDays(s.History) != 0 || sumDays(s.Forecast) != 0 {
			t.Errorf("nonzero figures without reviews: %+v %+v %+v", s.Retention, s.Memory, s.Time)
		}
		for _, b := range s.Calibration {
			if b.Reviews != 0 || b.Predicted != 0 || b.Recalled != 0 {
				t.Errorf("calibration bin %+v", b)
			}
		}
		if s.Cards.New != 7 || s.Readiness.Mean != 0 {
			t.Errorf("cards %+v", s.Cards)
		}
		txt := runCmd(t, cmdStats, db, statsNow)
		if txt.code != 0 || strings.Contains(txt.stdout, "NaN") {
			t.Errorf("text: exit %d\n%s", txt.code, txt.stdout)
		}
		checkWidth(t, txt.stdout)
	})
}

// TestStats_LongLists checks the suspended and flagged lists when they
// hold more than stats.ListMax cards: the text counts them all and shows
// the first ListMax of each, in card order, with their fronts; the JSON
// lists them all, with their fronts.
func TestStats_LongLists(t *testing.T) {
	const n = 30
	var src strings.Builder
	src.WriteString("format = 1\nid = \"long\"\ntitle = \"Long\"\n\n[[question]]\nid = \"q\"\npaper = \"P\"\ntext = \"Q?\"\n")
	for i := range n {
		fmt.Fprintf(&src, "\n[[card]]\nid = \"c%02d\"\nquestion = \"q\"\nfront = \"\"\"\n\n  Front %02d  \nmore\"\"\"\nback = \"B\"\n", i, i)
	}
	d, err := deck.Parse("long.toml", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "flash.db")
	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(d, storage.Source{Hash: "1"}, statsNow, false); err != nil {
		t.Fatal(err)
	}
	// Cards 0-24 suspended, 5-29 flagged: 25 of each, 20 in both.
	var susp, flag []string
	for i := range n {
		id := fmt.Sprintf("c%02d", i)
		f := storage.Flags{Suspended: i < 25, Flagged: i >= 5}
		if err := st.SetFlags("long", id, f); err != nil {
			t.Fatal(err)
		}
		if f.Suspended {
			susp = append(susp, id)
		}
		if f.Flagged {
			flag = append(flag, id)
		}
	}
	st.Close()

	s := statsJSON(t, db, statsNow)
	for _, l := range []struct {
		name string
		got  []stats.CardRef
		want []string
	}{{"suspended", s.Suspended, susp}, {"flagged", s.Flagged, flag}} {
		if len(l.got) != len(l.want) {
			t.Fatalf("JSON %s: %d cards, want %d", l.name, len(l.got), len(l.want))
		}
		for i, id := range l.want {
			if w := (stats.CardRef{ID: "long/" + id, Front: "Front " + id[1:]}); l.got[i] != w {
				t.Errorf("JSON %s[%d] = %+v, want %+v", l.name, i, l.got[i], w)
			}
		}
	}

	r := runCmd(t, cmdStats, db, statsNow)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var want strings.Builder
	for _, l := range []struct {
		head string
		ids  []string
	}{{"Suspended (25): flash unsuspend CARD-ID", susp}, {"Flagged for fixing (25)", flag}} {
		fmt.Fprintf(&want, "  %s\n", l.head)
		for _, id := range l.ids[:stats.ListMax] {
			fmt.Fprintf(&want, "    long/%s  Front %s\n", id, id[1:])
		}
		fmt.Fprintf(&want, "    … and %d more (flash stats --json lists them all)\n", len(l.ids)-stats.ListMax)
	}
	if !strings.Contains(r.stdout, want.String()) {
		t.Errorf("text lists: want\n%s\nin\n%s", want.String(), r.stdout)
	}
}

// TestStats_InUse holds the database open for writing, as a review session
// does, and expects stats to say so quickly instead of hanging.
func TestStats_InUse(t *testing.T) {
	sc := scriptedDB(t)
	st, err := storage.Open(sc.path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	r := runCmd(t, cmdStats, sc.path, statsNow)
	if el := time.Since(start); el > 2500*time.Millisecond {
		t.Errorf("took %v", el)
	}
	want := "database " + sc.path + " is in use by another flash process"
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want 1 and %q", r.code, r.stderr, want)
	}
}

func TestStats_Usage(t *testing.T) {
	sc := scriptedDB(t)
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--at", "tomorrow"}, 2, `--at "tomorrow": want a date YYYY-MM-DD`},
		{[]string{"--at", "2024-03-09"}, 2, "is in the past"},
		{[]string{"--deck", "nope"}, 1, `no such deck "nope" (decks: exam)`},
		{[]string{"--bogus"}, 2, "unknown flag: --bogus"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCmd(t, cmdStats, sc.path, statsNow, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.msg)
			}
		})
	}
}

func TestStats_Plot(t *testing.T) {
	sc := scriptedDB(t)
	name := filepath.Join(t.TempDir(), "stats.png")
	for _, force := range []bool{false, true} { // the second run replaces the file
		args := []string{"--plot", name, "--at", "2024-03-20"}
		if force {
			args = append(args, "--force")
		}
		r := runCmd(t, cmdStats, sc.path, statsNow, args...)
		if r.code != 0 {
			t.Fatal(r.stderr)
		}
	}
	// Without --force an existing file is kept.
	if err := os.WriteFile(name, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, cmdStats, sc.path, statsNow, "--plot", name)
	if r.code != 1 || !strings.Contains(r.stderr, name+" already exists; use --force to overwrite it") || r.stdout != "" {
		t.Errorf("plot over an existing file: exit %d, stderr %q, stdout %q", r.code, r.stderr, r.stdout)
	}
	if b, _ := os.ReadFile(name); string(b) != "mine" {
		t.Errorf("the existing file became %d bytes", len(b))
	}
	r = runCmd(t, cmdStats, sc.path, statsNow, "--plot", name, "--force")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// 10×13 inches at 96 dpi, three charts stacked: each third has its
	// title, axes and labels drawn on the white background.
	if b := img.Bounds(); b.Dx() != 960 || b.Dy() != 1248 {
		t.Errorf("image %v, want 960x1248", b)
	}
	for third := range 3 {
		drawn := 0
		for y := third * 416; y < (third+1)*416; y++ {
			for x := 0; x < 960; x++ {
				if r, g, b, _ := img.At(x, y).RGBA(); r != 0xffff || g != 0xffff || b != 0xffff {
					drawn++
				}
			}
		}
		if drawn < 2000 {
			t.Errorf("chart %d: %d pixels drawn", third+1, drawn)
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(name), ".*tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestStats_PlotNeverTheDatabase: --plot naming the database, by its
// name, through a symbolic link or a hard link, is refused with or without
// --force, and the database is left as it was (issue 11, item 8: it used
// to become a PNG).
func TestStats_PlotNeverTheDatabase(t *testing.T) {
	sc := scriptedDB(t)
	before, err := os.ReadFile(sc.path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(sc.path)
	sym := filepath.Join(dir, "chart.png")
	if err := os.Symlink(filepath.Base(sc.path), sym); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.png")
	if err := os.Link(sc.path, hard); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{sc.path, sym, hard} {
		for _, force := range []bool{false, true} {
			args := []string{"--plot", name}
			if force {
				args = append(args, "--force")
			}
			r := runCmd(t, cmdStats, sc.path, statsNow, args...)
			if r.code != 1 || !strings.Contains(r.stderr, name+" is the database itself; choose another file") {
				t.Errorf("--plot %s (force %v): exit %d, stderr %q", name, force, r.code, r.stderr)
			}
		}
	}
	after, err := os.ReadFile(sc.path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the database changed")
	}
	if fi, err := os.Lstat(sym); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
}

// TestRun_StatsCommands checks that run dispatches the three commands and
// that help names them.
func TestRun_StatsCommands(t *testing.T) {
	sc := scriptedDB(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--db", sc.path, "stats", "--json"}, `"readiness"`},
		{[]string{"--db", sc.path, "export", "--revlog", "-"}, "card_id,review_time,review_rating,review_state,review_duration\n"},
		{[]string{"--db", sc.path, "unsuspend", "exam/q1-c"}, "exam/q1-c is not suspended"},
		{[]string{"help"}, "flash [--db PATH] stats [--deck ID] [--at DATE] [--json] [--plot FILE.png]"},
		{[]string{"help"}, "flash [--db PATH] export [--revlog FILE.csv] [--backup FILE.db] [--force]"},
		{[]string{"help"}, "flash [--db PATH] unsuspend CARD-ID"},
	} {
		r := runFlash(t, "", clock(statsNow), tt.args...)
		if r.code != 0 || !strings.Contains(r.stdout, tt.want) {
			t.Errorf("flash %s: exit %d, stderr %q; stdout lacks %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.want)
		}
	}
}
