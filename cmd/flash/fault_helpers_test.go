package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flash-srs/flash/storage"
	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// Helpers of the fault tests (fault*_test.go, killloop_test.go): they run
// the real binary (flashBinary) and look at the database it leaves.

// genDeck returns a deck file with n basic cards in one question, every
// daily limit at its maximum so that a session never runs out of new
// cards. Every seventh card has a long back, so that the log and state
// pages split now and then.
func genDeck(id string, n int) string { return genDeckLimit(id, n, 9999) }

// genDeckLimit is genDeck with newPerDay new cards a day.
func genDeckLimit(id string, n, newPerDay int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format = 1\nid = %q\ntitle = \"Generated %d\"\n\n", id, n)
	fmt.Fprintf(&b, "[options]\nnew_per_day = %d\nreviews_per_day = 9999\n\n", newPerDay)
	b.WriteString("[[question]]\nid = \"q\"\npaper = \"P\"\ntext = \"Q?\"\n\n")
	for i := range n {
		back := fmt.Sprintf("Back %d", i)
		if i%7 == 0 {
			back += strings.Repeat(" — длинный ответ", 40)
		}
		fmt.Fprintf(&b, "[[card]]\nid = \"c%03d\"\nquestion = \"q\"\nfront = \"Front %d\"\nback = %q\n\n", i, i, back)
	}
	return b.String()
}

// binResult is one run of the real binary.
type binResult struct {
	stdout, stderr string
	code           int // -1 when killed by a signal
	took           time.Duration
}

// binOpts are the less common settings of runBin.
type binOpts struct {
	stdin   string
	env     []string // added to the base environment
	timeout time.Duration
	attr    *syscall.SysProcAttr
	argv0   []string // run these before the binary (a wrapper such as prlimit)
}

// runBin runs flash with args and a small environment (HOME in a temporary
// folder, TZ=UTC) and waits for it, failing the test after o.timeout
// (default 20 s).
func runBin(t *testing.T, o binOpts, args ...string) binResult {
	t.Helper()
	bin := flashBinary(t)
	argv := append(append(append([]string{}, o.argv0...), bin), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "TZ=UTC", "LANG=C.UTF-8", "PATH=" + os.Getenv("PATH")}, o.env...)
	cmd.Stdin = strings.NewReader(o.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = o.attr
	if o.timeout == 0 {
		o.timeout = 20 * time.Second
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(o.timeout):
		cmd.Process.Kill()
		<-done
		t.Fatalf("flash %s did not end within %v; stderr %q", strings.Join(args, " "), o.timeout, errb.String())
	}
	r := binResult{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("flash %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// checkOneLineError checks that r is a failure with exit status 1 and one
// line on stderr, "flash: …", naming want (each of them), without a Go
// stack trace.
func checkOneLineError(t *testing.T, r binResult, want ...string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("exit status %d, want 1; stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "flash: ") {
		t.Errorf("stderr is not one line \"flash: …\":\n%s", r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q: %q", w, r.stderr)
		}
	}
	for _, bad := range []string{"goroutine ", "panic", "runtime error"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr holds %q: %s", bad, r.stderr)
		}
	}
}

// importDeck imports deck text into db through the binary.
func importDeck(t *testing.T, db, deckTOML string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "deck.toml")
	if err := os.WriteFile(f, []byte(deckTOML), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runBin(t, binOpts{}, "--db", db, "import", f); r.code != 0 {
		t.Fatalf("import: exit %d: %s", r.code, r.stderr)
	}
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// dbSnapshot is what a database holds, read after the process that
// wrote it has ended.
type dbSnapshot struct {
	log    []storage.Review
	states []storage.CardState
	decks  []storage.DeckInfo
}

// readDB opens db as flash would (read-write), runs the consistency check
// and reads everything. It fails the test on any error.
func readDB(t *testing.T, db string) dbSnapshot {
	t.Helper()
	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer st.Close()
	return readStore(t, st)
}

func readStore(t *testing.T, st *storage.Store) dbSnapshot {
	t.Helper()
	var s dbSnapshot
	if err := st.Check(); err != nil {
		t.Fatalf("consistency check: %v", err)
	}
	err := st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error {
		s.log = append(s.log, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.ReviewCount(); err != nil || n != len(s.log) {
		t.Fatalf("ReviewCount = %d, %v; the log holds %d", n, err, len(s.log))
	}
	if s.states, err = st.States(""); err != nil {
		t.Fatal(err)
	}
	if s.decks, err = st.Decks(); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkStatesFollowLog checks that every card's FSRS state is the After of
// its last log entry, and that a card without one is still new.
func checkStatesFollowLog(t *testing.T, s dbSnapshot) {
	t.Helper()
	// The last rating is the one with the highest Seq: the log is in
	// time order, and a clock that went back puts a later rating first.
	last := map[string]storage.Review{}
	for _, r := range s.log {
		if l, ok := last[r.Deck+"/"+r.Card]; !ok || r.Seq > l.Seq {
			last[r.Deck+"/"+r.Card] = r
		}
	}
	for _, c := range s.states {
		r, ok := last[c.Key()]
		switch {
		case !ok && (c.FSRS.State != fsrs.New || c.FSRS.Reps != 0):
			t.Errorf("%s: state %v with %d reps but no log entry", c.Key(), c.FSRS.State, c.FSRS.Reps)
		case ok && !sameCard(c.FSRS, r.After):
			t.Errorf("%s: state %+v, but its last log entry (seq %d) says %+v", c.Key(), c.FSRS, r.Seq, r.After)
		}
	}
}

// sameCard compares FSRS cards, times by instant.
func sameCard(a, b fsrs.Card) bool {
	return a.Due.Equal(b.Due) && a.LastReview.Equal(b.LastReview) &&
		a.Stability == b.Stability && a.Difficulty == b.Difficulty &&
		a.ElapsedDays == b.ElapsedDays && a.ScheduledDays == b.ScheduledDays &&
		a.Reps == b.Reps && a.Lapses == b.Lapses && a.State == b.State
}

// logKeys renders log entries as "deck/card Rating".
func logKeys(log []storage.Review) []string {
	out := make([]string, len(log))
	for i, r := range log {
		out[i] = r.Deck + "/" + r.Card + " " + r.Rating.String()
	}
	return out
}

// plainProc is a running `flash review --plain` driven line by line.
type plainProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *syncBuffer
	out    []string // every line read so far
	exited chan error
}

// startPlain starts flash with args (say "--db", db, "review", "--plain")
// and extra environment variables.
func startPlain(t *testing.T, env []string, args ...string) *plainProc {
	t.Helper()
	p := &plainProc{t: t, lines: make(chan string, 256), stderr: &syncBuffer{}, exited: make(chan error, 1)}
	p.cmd = exec.Command(flashBinary(t), args...)
	p.cmd.Env = append([]string{"HOME=" + t.TempDir(), "TZ=UTC", "LANG=C.UTF-8"}, env...)
	p.cmd.Stderr = p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() { p.cmd.Process.Kill() })
	return p
}

// expect reads lines until one starts with prefix and returns it.
func (p *plainProc) expect(prefix string) string {
	p.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("flash ended before %q; stderr %q; stdout:\n%s", prefix, p.stderr.String(), strings.Join(p.out, "\n"))
			}
			p.out = append(p.out, line)
			if strings.HasPrefix(line, prefix) {
				return line
			}
		case <-deadline:
			p.t.Fatalf("no %q within 10 s; stderr %q; stdout:\n%s", prefix, p.stderr.String(), strings.Join(p.out, "\n"))
		}
	}
}

func (p *plainProc) send(line string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatalf("write %q: %v", line, err)
	}
}

// wait closes stdin, reads the rest of the output and returns the exit
// status.
func (p *plainProc) wait() int {
	p.t.Helper()
	p.stdin.Close()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case line, ok := <-p.lines:
			if ok {
				p.out = append(p.out, line)
				continue
			}
			err := <-p.exited
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return ee.ExitCode()
			}
			if err != nil {
				p.t.Fatal(err)
			}
			return 0
		case <-deadline:
			p.t.Fatalf("flash did not end within 10 s; stderr %q", p.stderr.String())
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
