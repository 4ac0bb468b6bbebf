package main

import (
	"bufio"
	"io"
	"maps"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin and America/New_York on any machine

	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// The clock tests drive whole review sessions (queue, storage's DoneSince,
// session, plain mode) in-process with a clock the test sets between lines:
// a study day that ends mid-session, the clock going backwards, a new time
// zone, the daylight-saving changes. The scheduler's own tests cover the
// arithmetic; these check that the counts shown, the intervals given and
// the new cards introduced per study day stay right end to end.

// testClock is the settable clock of a session.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// clockSession is `flash review --plain` run in-process, line by line.
//
// Set the clock only while the session waits for input: right after it
// prints "saved:" it picks the next card, so a clock set after a rating
// races with that. A rating (clockSession.rate) and the choice of the card
// after it both happen at the time the clock shows when rate is called.
type clockSession struct {
	t      *testing.T
	in     *io.PipeWriter
	lines  chan string
	done   chan error
	stderr *syncBuffer
	out    []string
}

func startSession(t *testing.T, db string, clk *testClock) *clockSession {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := &clockSession{t: t, in: inW, lines: make(chan string, 64), done: make(chan error, 1), stderr: &syncBuffer{}}
	e := &env{stdin: inR, stdout: outW, stderr: s.stderr, getenv: func(string) string { return "" }, now: clk.now}
	go func() {
		err := run([]string{"--db", db, "review", "--plain"}, e)
		outW.Close()
		inR.Close()
		s.done <- err
	}()
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	return s
}

var clockHeader = regexp.MustCompile(`^== .* · (\S+)  \[new (\d+) · learning (\d+) · review (\d+)\]$`)

// card reads up to the next card and returns its id and the counts shown
// with it, or ok false when the session ends instead.
func (s *clockSession) card() (id string, c scheduler.Counts, ok bool) {
	s.t.Helper()
	for {
		select {
		case line, open := <-s.lines:
			if !open {
				return "", c, false
			}
			s.out = append(s.out, line)
			if strings.Contains(line, "due in 0m") {
				s.t.Errorf("an interval of zero or less: %q", line)
			}
			if m := clockHeader.FindStringSubmatch(line); m != nil {
				c.New, _ = strconv.Atoi(m[2])
				c.Learning, _ = strconv.Atoi(m[3])
				c.Review, _ = strconv.Atoi(m[4])
				return m[1], c, true
			}
		case <-time.After(10 * time.Second):
			s.t.Fatalf("no card within 10 s:\n%s", strings.Join(s.out, "\n"))
		}
	}
}

// rate shows the answer and rates the card on screen with r (1-4), and
// waits for the acknowledgement.
func (s *clockSession) rate(r int) string {
	s.t.Helper()
	io.WriteString(s.in, "\n"+strconv.Itoa(r)+"\n")
	for {
		select {
		case line, open := <-s.lines:
			if !open {
				s.t.Fatalf("session ended before the rating was saved:\n%s\nstderr %q", strings.Join(s.out, "\n"), s.stderr.String())
			}
			s.out = append(s.out, line)
			if strings.HasPrefix(line, "saved: ") {
				if strings.Contains(line, "due in 0m") {
					s.t.Errorf("an interval of zero or less: %q", line)
				}
				return line
			}
		case <-time.After(10 * time.Second):
			s.t.Fatalf("no acknowledgement within 10 s:\n%s", strings.Join(s.out, "\n"))
		}
	}
}

// end closes stdin and waits for the session to end cleanly.
func (s *clockSession) end() string {
	s.t.Helper()
	s.in.Close()
	for line := range s.lines {
		s.out = append(s.out, line)
	}
	if err := <-s.done; err != nil {
		s.t.Fatalf("session: %v; stderr %q", err, s.stderr.String())
	}
	return strings.Join(s.out, "\n")
}

// clockDB imports a deck of n cards with newPerDay new cards a day.
func clockDB(t *testing.T, n, newPerDay int, at time.Time) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "flash.db")
	f := writeFile(t, "deck.toml", genDeckLimit("d", n, newPerDay))
	if r := runFlash(t, "", clock(at), "--db", db, "import", f); r.code != 0 {
		t.Fatal(r.stderr)
	}
	return db
}

// wantCard reads the next card and checks the new count shown with it.
func wantCard(t *testing.T, s *clockSession, what string, newLeft int) string {
	t.Helper()
	id, c, ok := s.card()
	if !ok {
		t.Fatalf("%s: the session ended; want a card with %d new left:\n%s", what, newLeft, strings.Join(s.out, "\n"))
	}
	if c.New != newLeft {
		t.Errorf("%s: %s shown with new %d, want %d", what, id, c.New, newLeft)
	}
	return id
}

// wantEnd checks that the session has no card left and ends it.
func wantEnd(t *testing.T, s *clockSession, what string) {
	t.Helper()
	if id, c, ok := s.card(); ok {
		t.Errorf("%s: %s shown (counts %+v); want no card", what, id, c)
	}
	s.end()
}

// checkClockLog checks the log of a database after the clock played
// tricks: no rating gave a negative interval or an absurd number of days
// (an unsigned wrap-around), the states follow the log, and in each of
// locs no study day introduced more than newPerDay new cards. It returns
// the new cards per study day in locs[0], by "2006-01-02".
func checkClockLog(t *testing.T, db string, newPerDay int, locs ...*time.Location) map[string]int {
	t.Helper()
	snap := readDB(t, db)
	checkStatesFollowLog(t, snap)
	for _, r := range snap.log {
		if r.After.Due.Before(r.At) {
			t.Errorf("%s rated %v at %v: due %v, before the rating", r.Card, r.Rating, r.At, r.After.Due)
		}
		if r.ElapsedDays > 36500 || r.ScheduledDays > 36500 || r.After.ScheduledDays > 36500 || r.After.ElapsedDays > 36500 {
			t.Errorf("%s rated at %v: elapsed %d, scheduled %d days", r.Card, r.At, r.ElapsedDays, r.ScheduledDays)
		}
	}
	var first map[string]int
	for i, loc := range locs {
		perDay := newPerStudyDay(snap.log, loc)
		for day, n := range perDay {
			if n > newPerDay {
				t.Errorf("study day %s in %s introduced %d new cards; the limit is %d", day, loc, n, newPerDay)
			}
		}
		if i == 0 {
			first = perDay
		}
	}
	return first
}

// newPerStudyDay counts the cards first rated while new, by study day in loc.
func newPerStudyDay(log []storage.Review, loc *time.Location) map[string]int {
	out := map[string]int{}
	seen := map[string]bool{}
	for _, r := range log {
		if r.Before.State != fsrs.New || seen[r.Card] {
			continue
		}
		seen[r.Card] = true
		out[scheduler.StudyDay(r.At.In(loc)).Format(time.DateOnly)]++
	}
	return out
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestClock_StudyDayEndsMidSession: two new cards a day. A card shown
// before 04:00 and rated after it counts for the new study day, so that day
// has one new card left in the same session, none in a later session that
// day, and two again on the next.
func TestClock_StudyDayEndsMidSession(t *testing.T) {
	clk := &testClock{t: time.Date(2024, 1, 3, 3, 50, 0, 0, time.UTC)}
	db := clockDB(t, 8, 2, clk.now().Add(-time.Hour))

	s := startSession(t, db, clk)
	wantCard(t, s, "03:50", 2)
	clk.set(time.Date(2024, 1, 3, 3, 59, 0, 0, time.UTC))
	s.rate(4)
	wantCard(t, s, "03:59", 1)
	clk.set(time.Date(2024, 1, 3, 4, 1, 0, 0, time.UTC))
	s.rate(4) // the new study day's first new card
	wantCard(t, s, "04:01, after the day's first new card", 1)
	s.rate(4)
	wantEnd(t, s, "04:01, after the day's second new card")

	clk.set(time.Date(2024, 1, 3, 9, 0, 0, 0, time.UTC))
	wantEnd(t, startSession(t, db, clk), "a later session the same day")

	clk.set(time.Date(2024, 1, 4, 9, 0, 0, 0, time.UTC))
	s = startSession(t, db, clk)
	wantCard(t, s, "the next day", 2)
	s.rate(4)
	s.end()

	got := checkClockLog(t, db, 2, time.UTC)
	if want := map[string]int{"2024-01-02": 1, "2024-01-03": 2, "2024-01-04": 1}; !maps.Equal(got, want) {
		t.Errorf("new cards per study day = %v, want %v", got, want)
	}
}

// TestClock_Backwards: the clock goes back an hour within a study day, and
// back before the last review of a learning card that learn-ahead shows:
// no negative interval, no crash, no extra new cards.
func TestClock_Backwards(t *testing.T) {
	at := func(d, h, m int) time.Time { return time.Date(2024, 1, d, h, m, 0, 0, time.UTC) }
	clk := &testClock{t: at(3, 10, 0)}
	db := clockDB(t, 12, 3, at(3, 9, 0))

	s := startSession(t, db, clk)
	c0 := wantCard(t, s, "10:00", 3)
	s.rate(1) // learning, due 10:01
	wantCard(t, s, "10:00, second card", 2)
	clk.set(at(3, 9, 0))
	s.rate(4) // an hour back
	wantCard(t, s, "an hour back", 1)
	// Back before c0's last review, but within learn-ahead of its due
	// time: with no new card left it comes early, and is rated "before"
	// it was last rated.
	clk.set(at(3, 9, 50))
	s.rate(4)
	if id := wantCard(t, s, "09:50, learn-ahead", 0); id != c0 {
		t.Errorf("09:50: %s shown, want the learning card %s", id, c0)
	}
	s.rate(3)
	wantEnd(t, s, "09:50, limit reached")
	clk.set(at(3, 8, 0))
	wantEnd(t, startSession(t, db, clk), "a new session at 08:00")

	checkClockLog(t, db, 3, time.UTC)
}

// TestClock_BackwardsOverDayStart: three new cards a day. Two are rated at
// 04:30, then the clock goes back to 03:30, into the previous study day. In
// the same session the queue keeps the later day and its count: the third
// new card, rated at 03:30, is the last. A new session at 03:30 counts from
// the earlier day's start and gives none. Daily counts follow the log's
// times, so the rating made at 03:30 belongs to the earlier day: back at
// 04:31 the day has had two and one is left. The next day has three.
func TestClock_BackwardsOverDayStart(t *testing.T) {
	at := func(d, h, m int) time.Time { return time.Date(2024, 1, d, h, m, 0, 0, time.UTC) }
	clk := &testClock{t: at(4, 4, 30)}
	db := clockDB(t, 12, 3, at(3, 9, 0))

	s := startSession(t, db, clk)
	wantCard(t, s, "04:30", 3)
	s.rate(4)
	wantCard(t, s, "04:30", 2)
	s.rate(4)
	wantCard(t, s, "04:30", 1)
	clk.set(at(4, 3, 30))
	s.rate(4)
	wantEnd(t, s, "back at 03:30, limit reached")
	wantEnd(t, startSession(t, db, clk), "a new session at 03:30")
	clk.set(at(4, 4, 31))
	s = startSession(t, db, clk)
	wantCard(t, s, "04:31 again", 1)
	s.rate(4)
	wantEnd(t, s, "04:31, limit reached")
	clk.set(at(5, 9, 0))
	s = startSession(t, db, clk)
	wantCard(t, s, "the next day", 3)
	s.end()

	got := checkClockLog(t, db, 3, time.UTC)
	if want := map[string]int{"2024-01-03": 1, "2024-01-04": 3}; !maps.Equal(got, want) {
		t.Errorf("new cards per study day = %v, want %v", got, want)
	}
}

// TestClock_TimeZones: a learner studies in Berlin, flies to New York and
// studies there, then back. The queue keeps the day's counts when the zone
// changes mid-session, a later session in the new zone's same study day
// gets no extra new cards, and the new zone's next study day gets them.
func TestClock_TimeZones(t *testing.T) {
	berlin, ny := mustLoad(t, "Europe/Berlin"), mustLoad(t, "America/New_York")
	clk := &testClock{t: time.Date(2024, 3, 5, 22, 0, 0, 0, berlin)}
	db := clockDB(t, 10, 2, clk.now().Add(-time.Hour))

	s := startSession(t, db, clk)
	wantCard(t, s, "Berlin 22:00", 2)
	s.rate(4)
	wantCard(t, s, "Berlin 22:00", 1)
	// The laptop takes New York's zone mid-session: 16:01 there, the same
	// calendar study day, whose count the session keeps.
	clk.set(time.Date(2024, 3, 5, 22, 1, 0, 0, berlin).In(ny))
	s.rate(4)
	wantEnd(t, s, "New York 16:01, limit reached")

	for _, at := range []time.Time{
		time.Date(2024, 3, 5, 18, 0, 0, 0, ny), // the same study day in New York
		time.Date(2024, 3, 6, 3, 30, 0, 0, ny), // still before 04:00 there
	} {
		clk.set(at)
		wantEnd(t, startSession(t, db, clk), "New York "+at.Format(time.DateTime))
	}
	clk.set(time.Date(2024, 3, 6, 4, 30, 0, 0, ny))
	s = startSession(t, db, clk)
	wantCard(t, s, "New York, next study day", 2)
	s.rate(4)
	wantCard(t, s, "New York, next study day", 1)
	s.rate(4)
	s.end()

	// Back in Berlin at 11:00 (05:00 in New York): Berlin's study day of
	// Mar 6 already holds those two.
	clk.set(time.Date(2024, 3, 6, 11, 0, 0, 0, berlin))
	wantEnd(t, startSession(t, db, clk), "Berlin, Mar 6")

	checkClockLog(t, db, 2, berlin, ny)
}

// TestClock_DaylightSaving walks through both changes in Berlin and in New
// York: a 23-hour and a 25-hour study day, a learning card due across the
// missing hour and across the repeated one.
func TestClock_DaylightSaving(t *testing.T) {
	for _, tc := range []struct {
		zone           string
		spring, autumn time.Time // the instants of the changes
	}{
		{"Europe/Berlin", time.Date(2024, 3, 31, 1, 0, 0, 0, time.UTC), time.Date(2024, 10, 27, 1, 0, 0, 0, time.UTC)},
		{"America/New_York", time.Date(2024, 3, 10, 7, 0, 0, 0, time.UTC), time.Date(2024, 11, 3, 6, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			loc := mustLoad(t, tc.zone)
			local := func(day time.Time, h, m int) time.Time {
				day = day.In(loc)
				return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
			}
			clk := &testClock{t: tc.spring.Add(-5 * time.Minute).In(loc)} // 01:55
			db := clockDB(t, 20, 2, clk.now().AddDate(0, 0, -1))

			// Spring: at 01:55 a new card goes to learning (Again: due a
			// minute later); the next new card is rated at 03:01, six
			// minutes on, and then the learning card is due.
			s := startSession(t, db, clk)
			c0 := wantCard(t, s, "01:55", 2)
			s.rate(1)
			wantCard(t, s, "01:55, second card", 1)
			clk.set(tc.spring.Add(time.Minute).In(loc))
			if h, m, _ := clk.now().Clock(); h != 3 || m != 1 {
				t.Fatalf("spring clock at %v, want 03:01", clk.now())
			}
			s.rate(4)
			if id := wantCard(t, s, "03:01, after the missing hour", 0); id != c0 {
				t.Errorf("03:01: %s shown, want the learning card %s", id, c0)
			}
			s.rate(4)
			s.end()
			// That study day began at 04:00 standard time the day before
			// and ends at 04:00 summer time (23 hours): at 03:59 its two
			// new cards are used, at 04:00 there are two more.
			clk.set(local(tc.spring, 3, 59))
			wantEnd(t, startSession(t, db, clk), "03:59 summer time")
			clk.set(local(tc.spring, 4, 0))
			s = startSession(t, db, clk)
			wantCard(t, s, "04:00 summer time", 2)
			s.rate(4)
			s.end()

			// Autumn: half an hour before the clocks go back, a new card to
			// learning (Good: ten minutes); the next card is rated 40
			// minutes later, when the wall clock shows 20 minutes less,
			// and then the learning card is due.
			first := tc.autumn.Add(-30 * time.Minute).In(loc)
			clk.set(first)
			db = clockDB(t, 20, 2, first.AddDate(0, 0, -1))
			s = startSession(t, db, clk)
			c1 := wantCard(t, s, first.Format("15:04 MST"), 2)
			s.rate(3)
			wantCard(t, s, first.Format("15:04 MST")+", second card", 1)
			second := tc.autumn.Add(10 * time.Minute).In(loc)
			if second.Format("15:04") >= first.Format("15:04") {
				t.Fatalf("fall-back clock: %v is not earlier on the wall than %v", second, first)
			}
			clk.set(second)
			s.rate(4)
			if id := wantCard(t, s, second.Format("15:04 MST"), 0); id != c1 {
				t.Errorf("%s: %s shown, want the learning card %s", second.Format("15:04 MST"), id, c1)
			}
			s.rate(4)
			s.end()
			// The 25-hour study day still ends at 04:00 standard time.
			clk.set(local(tc.autumn, 3, 59))
			wantEnd(t, startSession(t, db, clk), "03:59 standard time")
			clk.set(local(tc.autumn, 4, 0))
			s = startSession(t, db, clk)
			wantCard(t, s, "04:00 standard time", 2)
			s.end()

			checkClockLog(t, db, 2, loc)
		})
	}
}
