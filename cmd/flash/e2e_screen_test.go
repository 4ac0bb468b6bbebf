package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage"
	"github.com/rivo/uniseg"
)

// ptyRun is the real binary running `review` on a pseudo-terminal, with a
// terminal emulator reading what it draws.
type ptyRun struct {
	t      *testing.T
	db     string
	cmd    *exec.Cmd
	f      *os.File
	term   *vt
	read   chan struct{} // closed when the pty reads EOF
	exited chan error    // cmd.Wait's result

	// hangUpOnDraw, when set, makes the reader close the pty as soon as
	// flash next draws: the terminal goes away in the middle of a redraw.
	hangUpOnDraw atomic.Bool
}

// startReview starts `flash --db DB review [args]` on an 80×24
// xterm-256color pseudo-terminal with a fresh database.
func startReview(t *testing.T, args ...string) *ptyRun {
	t.Helper()
	bin := flashBinary(t)
	r := &ptyRun{t: t, db: filepath.Join(t.TempDir(), "flash.db"), term: newVT(80, 24),
		read: make(chan struct{}), exited: make(chan error, 1)}
	r.cmd = exec.Command(bin, append([]string{"--db", r.db, "review"}, args...)...)
	r.cmd.Env = []string{"HOME=" + t.TempDir(), "TERM=xterm-256color", "LANG=C.UTF-8", "TZ=UTC", "PATH=" + os.Getenv("PATH")}
	f, err := pty.StartWithSize(r.cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatal(err)
	}
	f, err = pollable(f)
	if err != nil {
		t.Fatal(err)
	}
	r.f = f
	go func() {
		defer close(r.read)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			r.term.write(buf[:n])
			if err != nil {
				return
			}
			if n > 0 && r.hangUpOnDraw.Load() {
				f.Close()
			}
		}
	}()
	go func() { r.exited <- r.cmd.Wait() }()
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		f.Close()
	})
	return r
}

// pollable returns a copy of the pty master f that Go's poller drives, and
// closes f. pty.Start leaves f in blocking mode (it takes f.Fd()), where a
// Close waits for a Read in progress to return: the terminal would hang up
// only when flash next wrote something. Closing the copy closes the master
// at once.
func pollable(f *os.File) (*os.File, error) {
	defer f.Close()
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		return nil, err
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}

func (r *ptyRun) send(s string) {
	r.t.Helper()
	if _, err := r.f.WriteString(s); err != nil {
		r.t.Fatal(err)
	}
}

// wait polls the emulated screen until it shows every one of texts.
func (r *ptyRun) wait(texts ...string) string {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := r.term.String()
		ok := true
		for _, x := range texts {
			ok = ok && strings.Contains(s, x)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %q; screen:\n%s", texts, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitExit waits for the process to end, fails unless it exited 0, and
// then reads the rest of the terminal output.
func (r *ptyRun) waitExit() {
	r.t.Helper()
	select {
	case err := <-r.exited:
		if err != nil {
			r.t.Fatalf("flash ended with %v; screen:\n%s", err, r.term.String())
		}
	case <-time.After(10 * time.Second):
		r.t.Fatalf("flash did not exit; screen:\n%s", r.term.String())
	}
	select {
	case <-r.read:
	case <-time.After(5 * time.Second):
		r.t.Fatal("the pty did not close after flash exited")
	}
}

// reviews opens the database after flash ended and returns its log.
func (r *ptyRun) reviews() []string {
	r.t.Helper()
	st, err := storage.Open(r.db, storage.Options{})
	if err != nil {
		r.t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		r.t.Fatalf("consistency check: %v", err)
	}
	var got []string
	err = st.Reviews(time.Time{}, time.Time{}, func(rv storage.Review) error {
		got = append(got, rv.Card+" "+rv.Rating.String())
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return got
}

// TestE2E_ScreenReviewTwoCards runs the real binary on a pseudo-terminal
// (80×24, xterm-256color), reviews two cards with Space, 3, Space, 3,
// quits with q (summary) and q (exit), and finds both ratings in the
// database.
func TestE2E_ScreenReviewTwoCards(t *testing.T) {
	r := startReview(t)
	d := deck.Builtin()
	newToday := min(d.Options.NewPerDay, len(d.Cards))
	r.wait(fmt.Sprintf("%d new · 0 learning · 0 review", newToday), "Show answer", "q quit")
	r.send(" ")
	r.wait("1 Again", "3 Good")
	r.send("3")
	r.wait(fmt.Sprintf("%d new · 1 learning · 0 review", newToday-1), "Good saved · next in 10m", "Show answer")
	r.send(" ")
	r.wait("1 Again", "3 Good")
	r.send("3")
	r.wait(fmt.Sprintf("%d new · 2 learning · 0 review", newToday-2), "2 reviewed", "Show answer")
	r.send("q")
	r.wait("Session finished", "Reviewed    2 cards")
	r.send("q")
	r.waitExit()
	// The screen is gone and the summary is printed on the terminal.
	if s := r.term.String(); !strings.Contains(s, "Reviewed 2 cards (0 Again)") || r.term.alt() {
		t.Errorf("after exit (alternate screen %v):\n%s", r.term.alt(), s)
	}
	got := r.reviews()
	if len(got) != 2 || !strings.HasSuffix(got[0], " Good") || !strings.HasSuffix(got[1], " Good") {
		t.Errorf("review log = %v, want two Good ratings", got)
	}
}

// TestE2E_ScreenCtrlC: Ctrl-C leaves at once, exit status 0, the terminal
// restored and the summary printed; the rating given is kept.
func TestE2E_ScreenCtrlC(t *testing.T) {
	r := startReview(t)
	r.wait("Show answer")
	r.send(" ")
	r.wait("1 Again")
	r.send("1")
	r.wait("Again saved")
	r.send("\x03")
	r.waitExit()
	if s := r.term.String(); !strings.Contains(s, "Reviewed 1 card (1 Again)") || r.term.alt() {
		t.Errorf("after Ctrl-C (alternate screen %v):\n%s", r.term.alt(), s)
	}
	if got := r.reviews(); len(got) != 1 || !strings.HasSuffix(got[0], " Again") {
		t.Errorf("review log = %v, want one Again", got)
	}
}

// TestE2E_ScreenKill: a rating shown as saved survives kill -9.
func TestE2E_ScreenKill(t *testing.T) {
	r := startReview(t)
	r.wait("Show answer")
	r.send(" ")
	r.wait("1 Again")
	r.send("4")
	r.wait("Easy saved")
	r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.exited
	if got := r.reviews(); len(got) != 1 || !strings.HasSuffix(got[0], " Easy") {
		t.Errorf("review log after kill -9 = %v, want one Easy", got)
	}
}

// TestE2E_ScreenSIGTERM: SIGTERM ends the screen cleanly with status 0.
func TestE2E_ScreenSIGTERM(t *testing.T) {
	r := startReview(t)
	r.wait("Show answer")
	r.cmd.Process.Signal(syscall.SIGTERM)
	r.waitExit()
	if s := r.term.String(); !strings.Contains(s, "Reviewed 0 cards") || r.term.alt() {
		t.Errorf("after SIGTERM (alternate screen %v):\n%s", r.term.alt(), s)
	}
}

// vt is just enough of a terminal emulator to read what tcell draws on an
// xterm: printable text, cursor positioning, erasing, and the alternate
// screen (leaving it restores what was there before). Everything else
// (colors, modes, titles) is parsed and ignored.
type vt struct {
	mu       sync.Mutex
	w, h     int
	cells    [][]string
	saved    [][]string // the main screen while the alternate one is up
	savedX   int        // and its cursor
	savedY   int
	x, y     int
	pending  []byte // an incomplete escape sequence or UTF-8 rune
	altShown bool
}

func newVT(w, h int) *vt {
	v := &vt{w: w, h: h}
	v.cells = v.blank()
	return v
}

func (v *vt) blank() [][]string {
	c := make([][]string, v.h)
	for i := range c {
		c[i] = make([]string, v.w)
	}
	return c
}

// String returns the screen, one line per row, trailing spaces cut.
func (v *vt) String() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var b strings.Builder
	for _, row := range v.cells {
		var line strings.Builder
		for _, c := range row {
			if c == "" {
				c = " "
			}
			line.WriteString(c)
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

func (v *vt) write(p []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	data := append(v.pending, p...)
	v.pending = nil
	for len(data) > 0 {
		n := v.step(data)
		if n == 0 { // incomplete: wait for more bytes
			v.pending = append([]byte(nil), data...)
			return
		}
		data = data[n:]
	}
}

// step consumes one unit of data and returns its length, or 0 when data
// holds only the start of one.
func (v *vt) step(data []byte) int {
	switch c := data[0]; {
	case c == 0x1b:
		return v.escape(data)
	case c == '\r':
		v.x = 0
	case c == '\n':
		v.lineFeed()
	case c == '\b':
		v.x = max(v.x-1, 0)
	case c < 0x20 || c == 0x7f:
	default:
		cluster, _, width, _ := uniseg.FirstGraphemeCluster(data, -1)
		if len(cluster) == len(data) && !utf8Complete(data) {
			return 0
		}
		v.put(string(cluster), width)
		return len(cluster)
	}
	return 1
}

func utf8Complete(b []byte) bool {
	// A lone leading byte of a multi-byte rune at the end of the buffer.
	last := b[len(b)-1]
	switch {
	case last < 0x80:
		return true
	case last >= 0xc0:
		return false
	}
	// Walk back to the leading byte and compare the length it announces.
	i := len(b) - 1
	for i > 0 && b[i]&0xc0 == 0x80 {
		i--
	}
	lead, n := b[i], len(b)-i
	switch {
	case lead >= 0xf0:
		return n >= 4
	case lead >= 0xe0:
		return n >= 3
	default:
		return n >= 2
	}
}

func (v *vt) lineFeed() {
	if v.y < v.h-1 {
		v.y++
		return
	}
	copy(v.cells, v.cells[1:])
	v.cells[v.h-1] = make([]string, v.w)
}

func (v *vt) put(s string, width int) {
	if width == 0 {
		return
	}
	if v.x >= v.w {
		v.x = 0
		v.lineFeed()
	}
	v.cells[v.y][v.x] = s
	for i := 1; i < width && v.x+i < v.w; i++ {
		v.cells[v.y][v.x+i] = ""
	}
	v.x += width
}

// escape handles ESC sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or
// ESC \), charset selection (ESC ( X) and two-byte ones.
func (v *vt) escape(data []byte) int {
	if len(data) < 2 {
		return 0
	}
	switch data[1] {
	case '[':
		for i := 2; i < len(data); i++ {
			if c := data[i]; c >= 0x40 && c <= 0x7e {
				v.csi(string(data[2:i]), c)
				return i + 1
			}
		}
		return 0
	case ']', 'P', '_':
		for i := 2; i < len(data); i++ {
			if data[i] == 0x07 {
				return i + 1
			}
			if data[i] == 0x1b && i+1 < len(data) && data[i+1] == '\\' {
				return i + 2
			}
		}
		return 0
	case '(', ')':
		if len(data) < 3 {
			return 0
		}
		return 3
	}
	return 2
}

func (v *vt) csi(params string, final byte) {
	private := strings.HasPrefix(params, "?") || strings.HasPrefix(params, ">") || strings.HasPrefix(params, "<")
	var args []int
	for _, p := range strings.Split(strings.TrimLeft(params, "?><="), ";") {
		n, _ := strconv.Atoi(p)
		args = append(args, n)
	}
	arg := func(i, def int) int {
		if i < len(args) && args[i] > 0 {
			return args[i]
		}
		return def
	}
	if private {
		if final == 'h' || final == 'l' {
			for _, a := range args {
				if a == 1049 || a == 47 || a == 1047 {
					v.altScreen(final == 'h')
				}
			}
		}
		return
	}
	switch final {
	case 'H', 'f':
		v.y, v.x = min(arg(0, 1)-1, v.h-1), min(arg(1, 1)-1, v.w-1)
	case 'A':
		v.y = max(v.y-arg(0, 1), 0)
	case 'B':
		v.y = min(v.y+arg(0, 1), v.h-1)
	case 'C':
		v.x = min(v.x+arg(0, 1), v.w-1)
	case 'D':
		v.x = max(v.x-arg(0, 1), 0)
	case 'G':
		v.x = min(arg(0, 1)-1, v.w-1)
	case 'd':
		v.y = min(arg(0, 1)-1, v.h-1)
	case 'J':
		switch arg(0, 0) {
		case 2, 3:
			v.cells = v.blank()
		case 0:
			v.eraseLine(v.x, v.w)
			for y := v.y + 1; y < v.h; y++ {
				v.cells[y] = make([]string, v.w)
			}
		}
	case 'K':
		switch arg(0, 0) {
		case 0:
			v.eraseLine(v.x, v.w)
		case 1:
			v.eraseLine(0, v.x+1)
		case 2:
			v.eraseLine(0, v.w)
		}
	case 'X':
		v.eraseLine(v.x, min(v.x+arg(0, 1), v.w))
	}
}

func (v *vt) eraseLine(from, to int) {
	for x := from; x < to && x < v.w; x++ {
		v.cells[v.y][x] = ""
	}
}

// alt reports whether the alternate screen is up.
func (v *vt) alt() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.altShown
}

func (v *vt) altScreen(on bool) {
	if on == v.altShown {
		return
	}
	v.altShown = on
	if on {
		v.saved, v.cells = v.cells, v.blank()
		v.savedX, v.savedY = v.x, v.y
	} else {
		v.cells, v.saved = v.saved, nil
		v.x, v.y = v.savedX, v.savedY
	}
}

// TestE2E_ScreenDumbTerminal: a terminal that cannot address the cursor
// gets the line mode instead of a broken screen.
func TestE2E_ScreenDumbTerminal(t *testing.T) {
	bin := flashBinary(t)
	cmd := exec.Command(bin, "--db", filepath.Join(t.TempDir(), "flash.db"), "review")
	cmd.Env = []string{"HOME=" + t.TempDir(), "TERM=dumb", "LANG=C.UTF-8", "TZ=UTC", "PATH=" + os.Getenv("PATH")}
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	defer cmd.Process.Kill()
	var mu sync.Mutex
	var out strings.Builder
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		s := out.String()
		mu.Unlock()
		if strings.Contains(s, "(Enter: show the answer") {
			if !strings.Contains(s, "using line mode (--plain)") {
				t.Errorf("no note about the line mode:\n%s", s)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no line-mode prompt with TERM=dumb:\n%s", s)
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.WriteString("q\n")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("flash did not exit on q")
	}
}
