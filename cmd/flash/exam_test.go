package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/flash-srs/flash/cmd/flash/internal/show"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
)

// runFlashVars runs flash in-process like runFlash, with extra environment
// variables.
func runFlashVars(t *testing.T, vars map[string]string, stdin string, now func() time.Time, args ...string) result {
	t.Helper()
	e, out, errb := testEnv(t, stdin, now)
	base := e.getenv
	e.getenv = func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		return base(k)
	}
	return finish(run(args, e), out, errb)
}

// examNow is 09:00 on a Monday; the exams of these tests are after it.
var examNow = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

func storedExam(t *testing.T, db, deckID string) (exam.Settings, bool) {
	t.Helper()
	st, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, ok, err := exam.Get(st, deckID)
	if err != nil {
		t.Fatal(err)
	}
	return s, ok
}

func TestExam_BadInputWritesNothing(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the one line of error
	}{
		{"past date", []string{"2026-05-31"}, "exam date 2026-05-31 is in the past"},
		{"not a date", []string{"2026-13-01"}, `exam date "2026-13-01" is not a date`},
		{"words", []string{"next-friday"}, "is not a date"},
		{"target too low", []string{"2026-06-20", "--target", "0.5"}, "target 0.5 is outside 0.70–0.99"},
		{"target too high", []string{"2026-06-20", "--target", "1"}, "target 1 is outside 0.70–0.99"},
		{"no minutes", []string{"2026-06-20", "--minutes", "0"}, "study time of 0 minutes a day is outside 1–1440"},
		{"negative minutes", []string{"2026-06-20", "--minutes", "-5"}, "outside 1–1440"},
		{"target alone, bad", []string{"--target", "0.2"}, "target 0.2 is outside"},
		{"clear with a date", []string{"2026-06-20", "--clear"}, "--clear takes no date"},
		{"two dates", []string{"2026-06-20", "2026-06-21"}, `unexpected argument "2026-06-21"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A fresh database: refused before anything is created.
			db := filepath.Join(t.TempDir(), "f.db")
			r := runFlash(t, "", clock(examNow), append([]string{"--db", db, "exam"}, tt.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tt.want)
			}
			if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); !strings.HasPrefix(lines[0], "flash: exam: ") && !strings.HasPrefix(lines[0], "flash: exam") {
				t.Errorf("first line %q", lines[0])
			}
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Errorf("the database was created: %v", err)
			}
			// A database with an exam: it is left as it was.
			db2 := filepath.Join(t.TempDir(), "g.db")
			if r := runFlash(t, "", clock(examNow), "--db", db2, "exam", "2026-06-15", "--minutes", "25", "--target", "0.85"); r.code != 0 {
				t.Fatalf("setting an exam: %d %s", r.code, r.stderr)
			}
			before, _ := os.ReadFile(db2)
			r = runFlash(t, "", clock(examNow), append([]string{"--db", db2, "exam"}, tt.args...)...)
			if r.code != 2 {
				t.Errorf("exit %d on a database with an exam", r.code)
			}
			after, _ := os.ReadFile(db2)
			if string(before) != string(after) {
				t.Errorf("the database changed")
			}
			want := exam.Settings{Date: "2026-06-15", Target: 0.85, Minutes: 25}
			if got, ok := storedExam(t, db2, "ml-papers"); !ok || got.Date != want.Date || got.Target != want.Target || got.Minutes != want.Minutes {
				t.Errorf("stored exam %+v %v, want %+v", got, ok, want)
			}
		})
	}
}

func TestExam_SetShowClear(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	r := runFlash(t, "", clock(examNow), "--db", db, "exam", "2026-06-15")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"Exam of ml-papers on Mon 2026-06-15, in 14 days",
		"every card at 0.90 recall on the exam day; 30 min a day",
		"if you follow the plan   if you stop now",
		fmt.Sprintf("all %d cards", len(deck.Builtin().Cards)),
		"hop-3 (",
		"The plan reaches the target",
		"Plan per day",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	for i, line := range strings.Split(r.stdout, "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, n, line)
		}
	}
	if got, ok := storedExam(t, db, "ml-papers"); !ok || got.Date != "2026-06-15" || got.Target != 0.9 || got.Minutes != 30 || got.Costs == nil || *got.Costs != exam.DefaultCosts {
		t.Errorf("stored %+v %v", got, ok)
	}
	// --minutes alone changes the budget of the exam set.
	if r := runFlash(t, "", clock(examNow), "--db", db, "exam", "--minutes", "45"); r.code != 0 || !strings.Contains(r.stdout, "45 min a day") {
		t.Errorf("--minutes 45: %d %s %s", r.code, r.stdout, r.stderr)
	}
	// A new date keeps the budget.
	runFlash(t, "", clock(examNow), "--db", db, "exam", "2026-06-20")
	if got, _ := storedExam(t, db, "ml-papers"); got.Minutes != 45 || got.Date != "2026-06-20" {
		t.Errorf("after a new date: %+v", got)
	}
	// JSON.
	r = runFlash(t, "", clock(examNow), "--db", db, "exam", "--json")
	var j examJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if j.Deck != "ml-papers" || j.DaysLeft != 19 || len(j.Days) != 19 || len(j.Questions) != 13 || j.Readiness.Cards != len(deck.Builtin().Cards) {
		t.Errorf("json: %+v", j)
	}
	if !(j.Readiness.Followed >= 0.9 && j.Readiness.Stopped == 0 && j.Readiness.Low <= j.Readiness.Followed && j.Readiness.Followed <= j.Readiness.High) || !j.Reachable {
		t.Errorf("readiness %+v reachable %v", j.Readiness, j.Reachable)
	}
	// Stats shows both figures.
	r = runFlash(t, "", clock(examNow), "--db", db, "stats")
	for _, want := range []string{"Exam of ml-papers on Sat 20 Jun 2026, in 19 days", "if you follow the plan:", "if you stop now:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stats lacks %q", want)
		}
	}
	// Clear.
	r = runFlash(t, "", clock(examNow), "--db", db, "exam", "--clear")
	if r.code != 0 || !strings.Contains(r.stdout, "Cleared the exam of ml-papers") {
		t.Errorf("clear: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if _, ok := storedExam(t, db, "ml-papers"); ok {
		t.Error("the exam is still stored")
	}
	if r := runFlash(t, "", clock(examNow), "--db", db, "exam"); !strings.Contains(r.stdout, "No exam is set for ml-papers") {
		t.Errorf("show after clear: %s", r.stdout)
	}
	if r := runFlash(t, "", clock(examNow), "--db", db, "stats"); strings.Contains(r.stdout, "Exam of") {
		t.Errorf("stats still shows an exam")
	}
}

// TestExam_AfterTheExamDay checks what 'flash exam' says once the exam day
// has passed: when it was, that it is over and review is plain FSRS again;
// not "today" and no plan toward it.
func TestExam_AfterTheExamDay(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	if r := runFlash(t, "", clock(examNow), "--db", db, "exam", "2026-06-15"); r.code != 0 {
		t.Fatalf("setting the exam: %d %s", r.code, r.stderr)
	}
	tests := []struct {
		at         time.Time
		want       string
		daysLeft   int
		wantHeader string
	}{
		{time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC), "Exam of ml-papers on Mon 2026-06-15, today", 0, "exam today"},
		{time.Date(2026, 6, 16, 10, 0, 0, 0, time.UTC), "Exam of ml-papers on Mon 2026-06-15, yesterday: it is over", -1, ""},
		{time.Date(2026, 6, 26, 10, 0, 0, 0, time.UTC), "Exam of ml-papers on Mon 2026-06-15, 11 days ago: it is over", -11, ""},
	}
	for _, tt := range tests {
		r := runFlash(t, "", clock(tt.at), "--db", db, "exam")
		if r.code != 0 || !strings.Contains(r.stdout, tt.want) {
			t.Errorf("at %s: exit %d, output lacks %q:\n%s%s", tt.at, r.code, tt.want, r.stdout, r.stderr)
		}
		if tt.daysLeft < 0 {
			for _, no := range []string{"today", "Readiness on the exam day", "Plan per day"} {
				if strings.Contains(r.stdout, no) {
					t.Errorf("at %s, after the exam, the output says %q:\n%s", tt.at, no, r.stdout)
				}
			}
			for i, line := range strings.Split(r.stdout, "\n") {
				if n := len([]rune(line)); n > 80 {
					t.Errorf("line %d is %d columns: %q", i+1, n, line)
				}
			}
			if !strings.Contains(r.stdout, "plain FSRS") || !strings.Contains(r.stdout, "flash exam --clear") {
				t.Errorf("at %s: output does not say that review is plain FSRS again and how to clear:\n%s", tt.at, r.stdout)
			}
		}
		r = runFlash(t, "", clock(tt.at), "--db", db, "exam", "--json")
		var j examJSON
		if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
			t.Fatalf("%v: %s", err, r.stdout)
		}
		if j.DaysLeft != tt.daysLeft {
			t.Errorf("at %s: days_left %d, want %d", tt.at, j.DaysLeft, tt.daysLeft)
		}
		examAt, err := time.Parse(time.RFC3339, j.At)
		if err != nil {
			t.Fatalf("at %q: %v", j.At, err)
		}
		if got := show.ExamHeader(&exam.Plan{Exam: examAt}, tt.at); got != tt.wantHeader {
			t.Errorf("at %s: review header %q, want %q", tt.at, got, tt.wantHeader)
		}
	}
}

func TestExam_InfeasibleBudget(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	// The built-in deck's new cards, 3 days, 5 minutes a day: out of reach.
	r := runFlash(t, "", clock(examNow), "--db", db, "exam", "2026-06-04", "--minutes", "5", "--json")
	if r.code != 0 {
		t.Fatalf("%d %s", r.code, r.stderr)
	}
	var j examJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatal(err)
	}
	if j.Reachable || j.Readiness.Below == 0 || j.MinutesNeeded <= 5 {
		t.Fatalf("reachable %v, below %d, needed %v", j.Reachable, j.Readiness.Below, j.MinutesNeeded)
	}
	if j.Readiness.Followed >= 0.9 {
		t.Errorf("followed %.3f while %d cards are below the target", j.Readiness.Followed, j.Readiness.Below)
	}
	r = runFlash(t, "", clock(examNow), "--db", db, "exam")
	want := "5 min a day do not reach the target"
	if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, strconv.Itoa(int(j.MinutesNeeded))+" min a day would reach the target") {
		t.Errorf("text lacks the budget that would do:\n%s", r.stdout)
	}
	// The budget it names reaches the target.
	r = runFlash(t, "", clock(examNow), "--db", db, "exam", "--minutes", strconv.Itoa(int(j.MinutesNeeded)), "--json")
	var k examJSON
	if err := json.Unmarshal([]byte(r.stdout), &k); err != nil {
		t.Fatal(err)
	}
	if !k.Reachable {
		t.Errorf("with %v min a day: %d below", j.MinutesNeeded, k.Readiness.Below)
	}
}

// TestFlashNow_EveryCommand checks that every command that reads the clock
// takes FLASH_NOW's time, not the process's clock.
func TestFlashNow_EveryCommand(t *testing.T) {
	real := clock(time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC))
	flashNow := "2030-03-04T09:00:00Z"
	at, _ := time.Parse(time.RFC3339, flashNow)
	vars := map[string]string{"FLASH_NOW": flashNow}
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	// import: the deck's import time.
	deckFile := writeFile(t, "d.toml", smallDeck)
	if r := runFlashVars(t, vars, "", real, "--db", db, "import", deckFile); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	st, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	decks, _ := st.Decks()
	st.Close()
	if len(decks) != 1 || !decks[0].ImportedAt.Equal(at) {
		t.Errorf("import time %v, want %v", decks[0].ImportedAt, at)
	}
	// exam: a date before FLASH_NOW's is in the past, after it is fine.
	if r := runFlashVars(t, vars, "", real, "--db", db, "exam", "2030-03-01"); r.code != 2 || !strings.Contains(r.stderr, "today is 2030-03-04") {
		t.Errorf("exam before FLASH_NOW: %d %s", r.code, r.stderr)
	}
	if r := runFlashVars(t, vars, "", real, "--db", db, "exam", "2030-03-10"); r.code != 0 || !strings.Contains(r.stdout, "in 6 days") {
		t.Errorf("exam: %d %s %s", r.code, r.stdout, r.stderr)
	}
	// review: the rating's time.
	if r := runFlashVars(t, vars, "\n3\nq\n", real, "--db", db, "review", "--plain"); r.code != 0 || !strings.Contains(r.stdout, "exam in 6 days") {
		t.Errorf("review: %d %s %s", r.code, r.stdout, r.stderr)
	}
	// export: the review log holds it.
	out := filepath.Join(dir, "revlog.csv")
	if r := runFlashVars(t, vars, "", real, "--db", db, "export", "--revlog", out); r.code != 0 {
		t.Fatalf("export: %s", r.stderr)
	}
	f, _ := os.Open(out)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 2 {
		t.Fatalf("revlog: %v %v", rows, err)
	}
	ms, _ := strconv.ParseInt(rows[1][1], 10, 64)
	if got := time.UnixMilli(ms); got.Before(at) || got.After(at.Add(time.Minute)) {
		t.Errorf("review at %v, want FLASH_NOW %v", got, at)
	}
	// stats: generated at FLASH_NOW.
	r := runFlashVars(t, vars, "", real, "--db", db, "stats", "--json")
	var s struct {
		GeneratedAt time.Time `json:"generated_at"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || s.GeneratedAt.Sub(at).Abs() > time.Minute {
		t.Errorf("stats generated at %v (%v), want %v", s.GeneratedAt, err, at)
	}
	// A bad FLASH_NOW is a usage error naming it.
	r = runFlashVars(t, map[string]string{"FLASH_NOW": "tomorrow"}, "", real, "--db", db, "stats")
	if r.code != 2 || !strings.Contains(r.stderr, `FLASH_NOW="tomorrow" is not an RFC 3339 time`) {
		t.Errorf("bad FLASH_NOW: %d %s", r.code, r.stderr)
	}
}

// TestReview_SavedExamPlan checks that 'flash exam' and the end of a review
// save the plans of the day and of the next day, and that a review started
// from one (the next day's first included) shows what a review that plans
// afresh shows: the same cards, in the same order, with the same counts and
// intervals.
func TestReview_SavedExamPlan(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	if r := runFlash(t, "", clock(examNow), "--db", db, "exam", "2026-06-15"); r.code != 0 {
		t.Fatalf("exam: exit %d: %s", r.code, r.stderr)
	}
	id := deck.Builtin().ID
	saved := func(db string, at time.Time) bool {
		t.Helper()
		st, err := storage.Open(db, storage.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		_, ok, err := st.Setting(session.PlanKey(id, at))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// fresh is a copy of db without saved plans.
	fresh := func() string {
		t.Helper()
		data, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "fresh.db")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := storage.Open(p, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for d := range 3 {
			if err := st.DeleteSetting(session.PlanKey(id, examNow.AddDate(0, 0, d))); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	if !saved(db, examNow) || !saved(db, examNow.AddDate(0, 0, 1)) {
		t.Fatal("flash exam saved no plan of the day or of the next day")
	}
	answers := strings.Repeat("\n3\n", 12) + "\n1\n" + strings.Repeat("\n3\n", 6) + "q\n"
	// The third session is the next day's first: it starts from the plan
	// the second made ahead for it as it ended.
	for i, at := range []time.Time{examNow.Add(time.Hour), examNow.Add(3 * time.Hour), examNow.AddDate(0, 0, 1).Add(10 * time.Hour)} {
		if !saved(db, at) {
			t.Fatalf("session %d: no plan saved for its day", i)
		}
		other := fresh()
		if saved(other, at) {
			t.Fatal("the fresh copy has a saved plan")
		}
		a := runFlash(t, answers, clock(at), "--db", db, "review", "--plain")
		b := runFlash(t, answers, clock(at), "--db", other, "review", "--plain")
		if a.code != 0 || b.code != 0 {
			t.Fatalf("session %d: exit %d, %d: %s %s", i, a.code, b.code, a.stderr, b.stderr)
		}
		if !strings.Contains(a.stdout, "exam in") || strings.Count(a.stdout, "saved:") < 15 {
			t.Fatalf("session %d studied too little:\n%s", i, a.stdout)
		}
		if a.stdout != b.stdout {
			t.Fatalf("session %d: from the saved plan\n%s\nplanned afresh\n%s", i, a.stdout, b.stdout)
		}
		for _, d := range []time.Time{at, at.AddDate(0, 0, 1)} {
			if !saved(db, d) || !saved(other, d) {
				t.Fatalf("session %d saved no plan for %v at its end", i, d)
			}
		}
	}
}

// TestSpan: a prediction's range reads as a range, or says that it is
// narrower than what is printed; never "(0.99–0.99)".
func TestSpan(t *testing.T) {
	for _, c := range []struct {
		lo, hi             float64
		format, unit, step string
		want               string
	}{
		{0.931, 0.968, "%.2f", "", "0.01", "(0.93–0.97)"},
		{0.987, 0.9874, "%.2f", "", "0.01", "(±<0.01)"},
		{98.2, 98.4, "%.0f", "%", "1", "(±<1%)"},
		{97.2, 98.9, "%.0f", "%", "1", "(97–99%)"},
	} {
		if got := span(c.lo, c.hi, c.format, c.unit, c.step); got != c.want {
			t.Errorf("span(%v, %v) = %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
}

// TestImport_SavesExamPlans: an import drops the deck's saved exam plans
// (it changes the cards they were made from); 'flash import' then saves
// the plans of the day and of the next day again, so that the next review,
// the next day's first included, starts from one.
func TestImport_SavesExamPlans(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	file := writeFile(t, "small.toml", smallDeck)
	if r := runFlash(t, "", clock(examNow), "--db", db, "import", file); r.code != 0 {
		t.Fatalf("import: exit %d: %s", r.code, r.stderr)
	}
	if r := runFlash(t, "", clock(examNow), "--db", db, "exam", "2026-06-15", "--deck", "small"); r.code != 0 {
		t.Fatalf("exam: exit %d: %s", r.code, r.stderr)
	}
	days := []time.Time{examNow, examNow.AddDate(0, 0, 1)}
	plans := func() []string {
		t.Helper()
		return savedPlans(t, db, "small", days)
	}
	before := plans()
	if before[0] == "" || before[1] == "" {
		t.Fatal("flash exam saved no plans")
	}
	edited := strings.Replace(smallDeck, "Back B", "Back B, edited", 1)
	if r := runFlash(t, "", clock(examNow.Add(time.Hour)), "--db", db, "import", writeFile(t, "small.toml", edited)); r.code != 0 || r.stderr != "" {
		t.Fatalf("re-import: exit %d: %s", r.code, r.stderr)
	}
	after := plans()
	for i, d := range days {
		if after[i] == "" {
			t.Errorf("no plan of %v after the import", d)
		}
	}
	// Back to the first file: the cards, log and settings flash exam
	// planned from, so the next day's plan, made again, is the one it
	// made ahead.
	if r := runFlash(t, "", clock(examNow.Add(2*time.Hour)), "--db", db, "import", file); r.code != 0 || r.stderr != "" {
		t.Fatalf("import back: exit %d: %s", r.code, r.stderr)
	}
	if got := plans(); got[0] == "" || got[1] != before[1] {
		t.Errorf("after importing the first file again: the next day's plan is not the one flash exam made (%d bytes, want %d)", len(got[1]), len(before[1]))
	}
}

// TestSavePlans_AfterOptimizeAndUnsuspend: new weights (flash optimize,
// also --reset) and an unsuspended card drop a deck's saved exam plans;
// the command saves them again (savePlans), as flash exam and flash import
// do, so that the next review reads its plan instead of making it (that a
// saved plan is the one a review would make: TestSavedPlan_SameAsFresh).
func TestSavePlans_AfterOptimizeAndUnsuspend(t *testing.T) {
	db := genDB(t, 150, 2500)
	now := genNow
	if r := runCmd(t, cmdExam, db, now, now.AddDate(0, 0, 20).Format(time.DateOnly), "--deck", "gen"); r.code != 0 {
		t.Fatalf("exam: exit %d: %s", r.code, r.stderr)
	}
	days := []time.Time{now}
	for d := now; len(days) <= session.AheadDays; {
		d = scheduler.NextStudyDay(d)
		days = append(days, d)
	}
	plans := func(what string) []string {
		t.Helper()
		out := savedPlans(t, db, "gen", days)
		for i, v := range out {
			if v == "" {
				t.Errorf("%s: no plan of %v saved", what, days[i].Format(time.DateOnly))
			}
		}
		return out
	}
	before := plans("flash exam")
	if r := runCmd(t, cmdOptimize, db, now); r.code != 0 || r.stderr != "" {
		t.Fatalf("optimize: exit %d: %s", r.code, r.stderr)
	}
	fitted := plans("flash optimize")
	if fitted[1] == before[1] {
		t.Error("flash optimize: the plan is the one made with the default weights")
	}
	if r := runCmd(t, cmdOptimize, db, now, "--reset"); r.code != 0 || r.stderr != "" {
		t.Fatalf("optimize --reset: exit %d: %s", r.code, r.stderr)
	}
	if got := plans("flash optimize --reset"); got[1] == fitted[1] {
		t.Error("flash optimize --reset: the plan is the one made with the fitted weights")
	}

	// Suspend a card (the review screen's s): the plans go; unsuspend it.
	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := st.States("gen")
	if err == nil {
		err = st.SetFlags("gen", cs[0].ID, storage.Flags{Suspended: true})
	}
	if err == nil {
		_, ok, _ := st.Setting(session.PlanKey("gen", now))
		if ok {
			t.Error("a suspend kept the saved plan")
		}
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if r := runCmd(t, cmdUnsuspend, db, now, "gen/"+cs[0].ID); r.code != 0 || r.stderr != "" {
		t.Fatalf("unsuspend: exit %d: %s", r.code, r.stderr)
	}
	plans("flash unsuspend")
}

// savedPlans returns the saved exam plans of deckID in the database at db
// for the study days of days ("" where none is saved).
func savedPlans(t *testing.T, db, deckID string, days []time.Time) []string {
	t.Helper()
	st, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []string
	for _, d := range days {
		v, _, err := st.Setting(session.PlanKey(deckID, d))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}
