package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The kill loop runs a short version by default; the long one:
//
//	go test ./cmd/flash -run KillLoop -kill.rounds=200 -v
//	FLASH_KILL_ROUNDS=200 go test ./cmd/flash -run KillLoop -v
//
// and -kill.seed=N (or FLASH_KILL_SEED) repeats the random choices of a run
// (the timing of each kill still depends on the machine).
var (
	killRounds = flag.Int("kill.rounds", 0, "rounds of TestE2E_KillLoop (default $FLASH_KILL_ROUNDS, else 12)")
	killSeed   = flag.Uint64("kill.seed", 0, "seed of TestE2E_KillLoop (default $FLASH_KILL_SEED, else from the clock)")
)

const killRoundsShort = 12

func killParams(t *testing.T) (rounds int, seed uint64) {
	t.Helper()
	rounds, seed = *killRounds, *killSeed
	if v := os.Getenv("FLASH_KILL_ROUNDS"); rounds == 0 && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("FLASH_KILL_ROUNDS=%q: want a positive number", v)
		}
		rounds = n
	}
	if rounds <= 0 {
		rounds = killRoundsShort
	}
	if v := os.Getenv("FLASH_KILL_SEED"); seed == 0 && v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("FLASH_KILL_SEED=%q: want a number", v)
		}
		seed = n
	}
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	return rounds, seed
}

// TestE2E_KillLoop runs `flash review --plain` on a database of 300 cards
// again and again, answers a random number of prompts (ratings, now and
// then an undo), waits a random time (often less than one commit takes)
// and kills it with SIGKILL. After each kill the database must open, pass
// the consistency check, hold exactly the ratings acknowledged on stdout
// ("saved:", less "undone:") plus at most the one in flight, and every
// card's state must be the After of its last log entry.
func TestE2E_KillLoop(t *testing.T) {
	rounds, seed := killParams(t)
	t.Logf("kill loop: %d rounds, seed %d (repeat: go test ./cmd/flash -run KillLoop -kill.rounds=%d -kill.seed=%d)",
		rounds, seed, rounds, seed)
	rng := rand.New(rand.NewPCG(seed, 0x6b696c6c))
	dir := t.TempDir()
	deckText := genDeck("kill", 300)

	var db string
	var model []string // the log as the acknowledgements say, "deck/card Rating"
	gen := 0
	fresh := func() {
		gen++
		db = filepath.Join(dir, fmt.Sprintf("flash-%d.db", gen))
		importDeck(t, db, deckText)
		model = nil
	}
	fresh()

	var st killStats
	var lat ackLatency
	for round := range rounds {
		k := killOnce(t, db, model, rng, &lat)
		if t.Failed() {
			t.Fatalf("round %d (seed %d): the run went wrong", round, seed)
		}
		snap := readDB(t, db)
		got := logKeys(snap.log)
		want := k.model
		switch {
		case slices.Equal(got, want):
			if k.pending != "" {
				st.notCommitted++
			}
		case k.pending == "rate" && slices.Equal(got, append(slices.Clip(want), k.pendingEntry)):
			st.committed++ // on disk, killed before it printed "saved:"
		case k.pending == "undo" && len(want) > 0 && slices.Equal(got, want[:len(want)-1]):
			st.committed++
		default:
			t.Fatalf("round %d (seed %d, killed after %d answers and %v): log after the kill\n  %v\nwant the acknowledged\n  %v\nplus at most the %s in flight %q",
				round, seed, k.answers, k.delay, tail(got), tail(want), k.pending, k.pendingEntry)
		}
		checkStatesFollowLog(t, snap)
		if t.Failed() {
			t.Fatalf("round %d (seed %d)", round, seed)
		}
		st.rounds++
		st.acked += k.acked
		if k.duringWrite {
			st.pendingKills++
		}
		model = got
		if k.exited {
			// Nothing left to study before the kill came: start again.
			st.exits++
			fresh()
		}
	}
	t.Logf("kill loop: %d rounds, %d ratings acknowledged (median %v from answer to \"saved:\"); "+
		"%d kills with a write in flight: acknowledged after the signal %d, on disk but not acknowledged %d, not on disk %d; "+
		"sessions that ran out of cards: %d",
		st.rounds, st.acked, lat.get(), st.pendingKills, st.pendingKills-st.committed-st.notCommitted,
		st.committed, st.notCommitted, st.exits)

	// flash itself still reads the last database.
	if r := runBin(t, binOpts{}, "--db", db, "stats"); r.code != 0 {
		t.Errorf("stats after the kill loop: exit %d: %s", r.code, r.stderr)
	}
}

// ackLatency keeps the last times from writing a rating to reading its
// "saved:" line.
type ackLatency struct{ last []time.Duration }

func (a *ackLatency) add(d time.Duration) {
	a.last = append(a.last, d)
	if len(a.last) > 20 {
		a.last = a.last[1:]
	}
}

// get returns the median of the last times, 2 ms before there are any.
func (a *ackLatency) get() time.Duration {
	if len(a.last) == 0 {
		return 2 * time.Millisecond
	}
	s := slices.Clone(a.last)
	slices.Sort(s)
	return s[len(s)/2]
}

type killStats struct {
	rounds, acked, exits                  int
	pendingKills, committed, notCommitted int
}

func tail(s []string) []string {
	if len(s) > 6 {
		return s[len(s)-6:]
	}
	return s
}

// killResult is what one round saw on stdout.
type killResult struct {
	model        []string // the log the acknowledgements say
	acked        int      // "saved:" lines
	pending      string   // "rate" or "undo" written without its acknowledgement; "" for none
	pendingEntry string   // the entry of a pending rate
	duringWrite  bool     // pending != "" at the kill
	answers      int
	delay        time.Duration
	exited       bool // flash ended on its own before the kill
}

var (
	killHeader = regexp.MustCompile(`^== .* · (\S+)  \[new \d+ · learning \d+ · review \d+\]$`)
	killSaved  = regexp.MustCompile(`^saved: (\S+) (Again|Hard|Good|Easy), due in \S+$`)
	killUndone = regexp.MustCompile(`^undone: (\S+)$`)
)

// killOnce runs one session on db, whose log model describes, and kills
// it; see TestE2E_KillLoop.
func killOnce(t *testing.T, db string, model []string, rng *rand.Rand, lat *ackLatency) killResult {
	t.Helper()
	k := killResult{model: slices.Clone(model)}
	target := rng.IntN(16) // prompts to answer before the kill
	// Then wait: not at all, a fraction of the time from writing a rating
	// to reading its "saved:" line (so that the kill often lands inside
	// the commit), or up to 30 ms.
	switch f := rng.Float64(); rng.IntN(4) {
	case 0:
	case 1, 2:
		k.delay = time.Duration(f * 1.2 * float64(lat.get()))
	default:
		k.delay = time.Duration(f * float64(30*time.Millisecond))
	}

	p := startPlain(t, nil, "--db", db, "review", "--plain")
	cmd, stdin, lines, stderr := p.cmd, p.stdin, p.lines, p.stderr

	var card string   // the card on screen
	sessionRates := 0 // this session's ratings that undo can take back
	var wrote time.Time
	write := func(s string) {
		k.answers++
		wrote = time.Now()
		io.WriteString(stdin, s+"\n") // a dead process is seen at EOF
	}
	// see handles one line of output; with answer it may write one.
	see := func(line string, answer bool) {
		switch m := killSaved.FindStringSubmatch(line); {
		case killHeader.MatchString(line):
			card = "kill/" + killHeader.FindStringSubmatch(line)[1]
		case m != nil:
			e := m[1] + " " + m[2]
			if answer {
				lat.add(time.Since(wrote))
			}
			if k.pending != "rate" || e != k.pendingEntry {
				t.Errorf("saved %q, but the rating written was %s %q", e, k.pending, k.pendingEntry)
			}
			k.model = append(k.model, e)
			k.acked++
			sessionRates++
			k.pending, k.pendingEntry = "", ""
		case killUndone.MatchString(line):
			key := killUndone.FindStringSubmatch(line)[1]
			if k.pending != "undo" || len(k.model) == 0 || !strings.HasPrefix(k.model[len(k.model)-1], key+" ") {
				t.Errorf("undone %s, but the last acknowledged is %v (pending %q)", key, tail(k.model), k.pending)
			} else {
				k.model = k.model[:len(k.model)-1]
			}
			sessionRates--
			k.pending = ""
		case line == "nothing to undo":
			k.pending = ""
		case !answer:
		case strings.HasPrefix(line, "(Enter: show"):
			if rng.IntN(12) == 0 && sessionRates > 0 {
				k.pending = "undo"
				write("u")
			} else {
				write("")
			}
		case strings.HasPrefix(line, "rating ["):
			if rng.IntN(12) == 0 && sessionRates > 0 {
				k.pending = "undo"
				write("u")
				return
			}
			r := []string{"1", "2", "3", "3", "3", "4"}[rng.IntN(6)]
			k.pending = "rate"
			k.pendingEntry = card + " " + [...]string{"", "Again", "Hard", "Good", "Easy"}[r[0]-'0']
			write(r)
		}
	}

	deadline := time.After(20 * time.Second)
	for k.answers < target && !k.exited {
		select {
		case line, ok := <-lines:
			if !ok {
				k.exited = true
				break
			}
			see(line, true)
		case <-deadline:
			t.Fatalf("no prompt within 20 s after %d answers; stderr %q", k.answers, stderr.String())
		}
	}
	if !k.exited {
		if k.delay > 0 {
			time.Sleep(k.delay)
		}
		k.duringWrite = k.pending != ""
		cmd.Process.Signal(syscall.SIGKILL)
	}
	for line := range lines {
		see(line, false)
	}
	err := <-p.exited // sent once stdout is drained
	if k.exited {
		if err != nil {
			t.Errorf("flash ended on its own with %v; stderr %q", err, stderr.String())
		}
	} else if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		// It may have ended just before the kill: then cleanly.
		if err != nil {
			t.Errorf("flash ended with %v before the kill; stderr %q", err, stderr.String())
		}
		k.exited = true
	}
	if s := stderr.String(); strings.Contains(s, "panic") || strings.Contains(s, "goroutine ") {
		t.Errorf("stderr: %s", s)
	}
	return k
}
